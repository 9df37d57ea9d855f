/* libFuzzer: the professional login body (untrusted JSON). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct login_req lr;
	const char *why = NULL;

	if (login_parse((const char *)data, size, &lr, &why) == 0) {
		/* Invariants: every field NUL-terminated inside its buffer. */
		if (memchr(lr.rpps, 0, sizeof(lr.rpps)) == NULL ||
		    memchr(lr.password, 0, sizeof(lr.password)) == NULL ||
		    memchr(lr.totp, 0, sizeof(lr.totp)) == NULL)
			abort();
	} else if (!why) {
		abort(); /* every refusal says why */
	}
	return 0;
}
