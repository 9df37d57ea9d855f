/*
 * libFuzzer: the guard's request bodies (untrusted JSON), through
 * core/bodies: the step-up {"totp"} and the operator's reinstate {"rpps"}.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rpps.h"
#include "http/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char totp[8], rpps[12], why[BODY_WHY_MAX];

	why[0] = '\0';
	if (step_up_parse((const char *)data, size, totp, why) == 0) {
		/* Invariant: exactly six digits, NUL-terminated. */
		if (strlen(totp) != 6 || strspn(totp, "0123456789") != 6)
			abort();
	} else if (!why[0] || totp[0]) {
		abort(); /* every refusal says why */
	}
	why[0] = '\0';
	if (reinstate_parse((const char *)data, size, rpps, why) == 0) {
		/* Invariant: a valid 11-digit RPPS. */
		if (strlen(rpps) != 11 || rpps_validate(rpps, 11) != 0)
			abort();
	} else if (!why[0] || rpps[0]) {
		abort();
	}
	return 0;
}
