/* libFuzzer: the professional login body (untrusted JSON), through core/bodies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct login_req lr;
	char why[BODY_WHY_MAX];

	why[0] = '\0';
	if (login_parse((const char *)data, size, &lr, why) == 0) {
		/* Invariants: every field NUL-terminated inside its buffer, none holds a NUL. */
		if (memchr(lr.rpps, 0, sizeof(lr.rpps)) == NULL ||
		    memchr(lr.password, 0, sizeof(lr.password)) == NULL ||
		    memchr(lr.totp, 0, sizeof(lr.totp)) == NULL)
			abort();
	} else if (!why[0] || lr.rpps[0] || lr.password[0] || lr.totp[0]) {
		abort(); /* every refusal says why, and leaves nothing behind */
	}
	return 0;
}
