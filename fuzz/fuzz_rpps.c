/*
 * libFuzzer: rpps_validate on arbitrary bytes. It must agree with
 * rpps_check_digit, and rpps_check_digit must never read past a NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rpps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char buf[RPPS_LEN];
	int ok, ck;

	ok = rpps_validate(s, size) == 0;
	if (size < RPPS_LEN - 1) {
		/* A short NUL-terminated prefix: refused, and ASan watches the reads. */
		memcpy(buf, s, size);
		buf[size] = '\0';
		if (rpps_check_digit(buf) != -1 || ok)
			abort();
		return 0;
	}
	ck = rpps_check_digit(s);
	if (ck != -1 && (ck < '0' || ck > '9'))
		abort();
	if (ok != (size == RPPS_LEN && ck != -1 && s[RPPS_LEN - 1] == ck))
		abort();
	return 0;
}
