/*
 * rpps.c - see rpps.h. Luhn: from the rightmost payload digit leftwards,
 * every other digit is doubled (9 subtracted when over 9); the check digit
 * brings the sum to a multiple of 10.
 */
#include "core/rpps.h"
#include "core/banned.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int rpps_check_digit(const char *s10)
{
	int sum = 0;

	/* Stop at the first non-digit: s10 may be a shorter NUL-terminated string. */
	for (int i = 0; i < RPPS_LEN - 1; i++)
		if (!is_digit(s10[i]))
			return -1;
	for (int i = RPPS_LEN - 2, dbl = 1; i >= 0; i--, dbl = !dbl) {
		int d = s10[i] - '0';

		if (dbl) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return '0' + (10 - sum % 10) % 10;
}

int rpps_validate(const char *s, size_t len)
{
	if (len != RPPS_LEN || !is_digit(s[RPPS_LEN - 1]))
		return VG_EINVAL;
	if (rpps_check_digit(s) != s[RPPS_LEN - 1])
		return VG_EINVAL;
	return 0;
}
