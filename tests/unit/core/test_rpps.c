/* RPPS numbers: 11 digits, the last a Luhn check digit over the first 10. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/rng.h"
#include "core/rpps.h"

static int valid(const char *s)
{
	return rpps_validate(s, strlen(s)) == 0;
}

static void known_luhn_vectors(void **state)
{
	(void)state;
	/* The textbook Luhn example, 79927398713, happens to have 11 digits. */
	assert_int_equal(rpps_check_digit("7992739871"), '3');
	assert_true(valid("79927398713"));
	assert_int_equal(rpps_check_digit("0000000000"), '0');
	assert_true(valid("00000000000"));
	/* 1 doubled is 2: key 8. 5 doubled is 10 -> 1: key 9. 9 doubled is 18 -> 9: key 1. */
	assert_int_equal(rpps_check_digit("0000000001"), '8');
	assert_int_equal(rpps_check_digit("0000000005"), '9');
	assert_int_equal(rpps_check_digit("0000000009"), '1');
	/* The second digit from the right is not doubled. */
	assert_int_equal(rpps_check_digit("0000000010"), '9');
	assert_int_equal(rpps_check_digit("1000000000"), '9');
	assert_true(valid("10000000009"));
}

static void refuses_malformed(void **state)
{
	(void)state;
	assert_false(valid(""));
	assert_false(valid("7992739871"));
	assert_false(valid("799273987130"));
	assert_false(valid("7992739871X"));
	assert_false(valid("79927 98713"));
	assert_false(valid("-7992739871"));
	assert_int_equal(rpps_validate("79927398713", 10), VG_EINVAL);
	assert_int_equal(rpps_validate("7992739871\0", 11), VG_EINVAL);
	assert_int_equal(rpps_check_digit("799273987A"), -1);
	/* Shorter strings stop at their NUL (ASan would catch an over-read). */
	assert_int_equal(rpps_check_digit(""), -1);
	assert_int_equal(rpps_check_digit("123"), -1);
}

/* Generated numbers validate; every single-digit change is caught, as Luhn promises. */
static void generated_and_mutated(void **state)
{
	struct rng r;
	char s[RPPS_LEN + 1];

	(void)state;
	rng_init(&r, 11);
	for (int n = 0; n < 2000; n++) {
		int ck;

		for (int i = 0; i < RPPS_LEN - 1; i++)
			s[i] = (char)('0' + rng_below(&r, 10));
		ck = rpps_check_digit(s);
		assert_true(ck >= '0' && ck <= '9');
		s[RPPS_LEN - 1] = (char)ck;
		s[RPPS_LEN] = '\0';
		assert_int_equal(rpps_validate(s, RPPS_LEN), 0);
		for (int i = 0; i < RPPS_LEN; i++) {
			char keep = s[i];

			for (char d = '0'; d <= '9'; d++) {
				if (d == keep)
					continue;
				s[i] = d;
				assert_int_equal(rpps_validate(s, RPPS_LEN), VG_EINVAL);
			}
			s[i] = keep;
		}
		/* Adjacent swaps are caught too, except 09 <-> 90. */
		for (int i = 0; i + 1 < RPPS_LEN; i++) {
			char a = s[i], b = s[i + 1];

			if (a == b || (a == '0' && b == '9') || (a == '9' && b == '0'))
				continue;
			s[i] = b;
			s[i + 1] = a;
			assert_int_equal(rpps_validate(s, RPPS_LEN), VG_EINVAL);
			s[i] = a;
			s[i + 1] = b;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_luhn_vectors),
		cmocka_unit_test(refuses_malformed),
		cmocka_unit_test(generated_and_mutated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
