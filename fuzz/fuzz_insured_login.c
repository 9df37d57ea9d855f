/* libFuzzer: the insured login body {"login","password"} (untrusted JSON). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct insured_login_req lr;
	const char *why = NULL;

	if (insured_login_parse((const char *)data, size, &lr, &why) == 0) {
		/* Invariants: both fields NUL-terminated inside their buffers, login non-empty. */
		if (memchr(lr.login, 0, sizeof(lr.login)) == NULL ||
		    memchr(lr.password, 0, sizeof(lr.password)) == NULL || lr.login[0] == '\0')
			abort();
	} else if (!why) {
		abort(); /* every refusal says why */
	}
	return 0;
}
