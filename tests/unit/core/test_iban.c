/* IBAN validation (ISO 13616) and French IBAN construction (RIB key). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/iban.h"
#include "core/rng.h"

static int valid(const char *s)
{
	return iban_validate(s, strlen(s)) == 0;
}

/* The ISO 13616 remainder, written here apart from iban.c: 1 for a good IBAN. */
static unsigned oracle_mod97(const char *s)
{
	size_t len = strlen(s);
	unsigned r = 0;

	for (size_t k = 0; k < len; k++) {
		char c = s[(k + 4) % len];

		if (c >= '0' && c <= '9')
			r = (r * 10 + (unsigned)(c - '0')) % 97;
		else
			r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
	}
	return r;
}

/* Set the check digits of s (in place) so that the mod-97 test passes. */
static void oracle_fix_check(char *s)
{
	int check;

	s[2] = '0';
	s[3] = '0';
	check = 98 - (int)oracle_mod97(s);
	s[2] = (char)('0' + check / 10);
	s[3] = (char)('0' + check % 10);
}

static void real_format_examples(void **state)
{
	static const char *good[] = {
		"FR7630006000011234567890189",
		"FR1420041010050500013M02606", /* a letter in the account */
		"GB82WEST12345698765432",
		"DE89370400440532013000",
		"NL91ABNA0417164300",
		"BE68539007547034",
		"NO9386011117947",             /* 15, the shortest */
		"MT84MALT011000012345MTLCAST001S",
		"LC55HEMM000100010012001200023015",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(oracle_mod97(good[i]), 1);
		assert_int_equal(iban_validate(good[i], strlen(good[i])), 0);
	}
}

static void altered_examples(void **state)
{
	static const char *bad[] = {
		"FR7630006000011234567890188",  /* last digit */
		"FR7730006000011234567890189",  /* check digits */
		"FR7630006000011234567809189",  /* adjacent swap */
		"GB82WEST12345698765423",
		"GB82WEST12345698765433",
		"DE89370400440532013001",
		"DE98370400440532013000",
		"fr7630006000011234567890189",  /* lower-case country */
		"Fr7630006000011234567890189",
		"GB82west12345698765432",       /* lower-case BBAN */
		"FR76 3000 6000 0112 3456 7890 189",
		"FR763000600001123456789018",   /* FR is 27 */
		"FR76300060000112345678901890",
		"NO938601111794",               /* 14 */
		"LC55HEMM000100010012001200023015000", /* 35 */
		"F17630006000011234567890189",
		"FRX630006000011234567890189",
		"7630006000011234567890189FR",
		"GB82WEST1234569876543-",
		"",
		"FR",
	};
	char s14[] = "NO008601111794"; /* 14 characters, the shortest is 15 */
	char s35[] = "LC00HEMM000100010012001200023015000";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(iban_validate(bad[i], strlen(bad[i])), VG_EINVAL);
	/* Too short or too long, even with check digits that pass mod 97. */
	oracle_fix_check(s14);
	assert_int_equal(oracle_mod97(s14), 1);
	assert_false(valid(s14));
	oracle_fix_check(s35);
	assert_int_equal(oracle_mod97(s35), 1);
	assert_false(valid(s35));
	/* The given length counts, not the NUL. */
	assert_int_equal(iban_validate("GB82WEST12345698765432", 21), VG_EINVAL);
	assert_int_equal(iban_validate("GB82WEST1234569876543\0", 22), VG_EINVAL);
}

/*
 * Check digits 00, 01 and 99 pass mod 97 exactly when 97, 98 and 02 do; they
 * are never issued and must be refused. Find such IBANs and show both sides.
 */
static void refuses_unissued_check_digits(void **state)
{
	static const char *alias[][2] = { { "97", "00" }, { "98", "01" }, { "02", "99" } };
	char s[32];
	int found[3] = { 0 };
	struct rng r;

	(void)state;
	rng_init(&r, 97);
	for (int n = 0; n < 100000 && !(found[0] && found[1] && found[2]); n++) {
		memcpy(s, "GB00WEST", 8);
		for (int i = 8; i < 22; i++)
			s[i] = (char)('0' + rng_below(&r, 10));
		s[22] = '\0';
		oracle_fix_check(s);
		for (int a = 0; a < 3; a++) {
			if (memcmp(s + 2, alias[a][0], 2) != 0)
				continue;
			found[a] = 1;
			assert_true(valid(s));
			memcpy(s + 2, alias[a][1], 2);
			assert_int_equal(oracle_mod97(s), 1);
			assert_false(valid(s));
		}
	}
	assert_true(found[0] && found[1] && found[2]);
}

/* A French IBAN whose mod-97 is right but whose RIB key is not. */
static void refuses_a_wrong_rib_key(void **state)
{
	char s[] = "FR7630006000011234567890188";

	(void)state;
	oracle_fix_check(s);
	assert_int_equal(oracle_mod97(s), 1);
	assert_false(valid(s));
	/* The same with the right key is the known example. */
	s[26] = '9';
	oracle_fix_check(s);
	assert_string_equal(s, "FR7630006000011234567890189");
	assert_true(valid(s));
	/* A French BBAN needs digits where the bank and branch are. */
	memcpy(s, "FR00A0006000011234567890189", 27);
	oracle_fix_check(s);
	assert_false(valid(s));
}

static void makes_french_ibans(void **state)
{
	char out[IBAN_FR_LEN + 1];

	(void)state;
	assert_int_equal(iban_make_fr("30006", "00001", "12345678901", out), 0);
	assert_string_equal(out, "FR7630006000011234567890189");
	assert_int_equal(iban_make_fr("20041", "01005", "0500013M026", out), 0);
	assert_string_equal(out, "FR1420041010050500013M02606");
	/* Letters: J-R count as 1-9 and S-Z as 2-9 in the RIB key. */
	assert_int_equal(iban_make_fr("12345", "67890", "ABCDEFGHIJK", out), 0);
	assert_string_equal(out, "FR951234567890ABCDEFGHIJK68");
	assert_int_equal(iban_make_fr("12345", "67890", "STUVWXYZ123", out), 0);
	assert_string_equal(out, "FR221234567890STUVWXYZ12383");
	assert_int_equal(iban_make_fr("10278", "06076", "0002038650Z", out), 0);
	assert_string_equal(out, "FR9310278060760002038650Z48");
	assert_true(valid(out));
}

static void make_refuses_malformed_parts(void **state)
{
	char out[IBAN_FR_LEN + 1];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(iban_make_fr("3000A", "00001", "12345678901", out), VG_EINVAL);
	assert_int_equal(iban_make_fr("30006", "0000B", "12345678901", out), VG_EINVAL);
	assert_int_equal(iban_make_fr("30006", "00001", "1234567890a", out), VG_EINVAL);
	assert_int_equal(iban_make_fr("30006", "00001", "1234567890-", out), VG_EINVAL);
	/* Short NUL-terminated parts stop at the NUL (ASan would catch an over-read). */
	assert_int_equal(iban_make_fr("3000", "00001", "12345678901", out), VG_EINVAL);
	assert_int_equal(iban_make_fr("30006", "", "12345678901", out), VG_EINVAL);
	assert_int_equal(iban_make_fr("30006", "00001", "1234567890", out), VG_EINVAL);
	/* out is untouched on failure. */
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 'x');
}

/* Whatever the parts, the result validates, and a changed character does not. */
static void made_ibans_validate(void **state)
{
	static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	char bank[6], branch[6], account[12], out[IBAN_FR_LEN + 1];
	struct rng r;

	(void)state;
	rng_init(&r, 27);
	for (int n = 0; n < 5000; n++) {
		size_t i;
		char keep;

		for (i = 0; i < 5; i++) {
			bank[i] = (char)('0' + rng_below(&r, 10));
			branch[i] = (char)('0' + rng_below(&r, 10));
		}
		for (i = 0; i < 11; i++)
			account[i] = alnum[rng_below(&r, n % 2 ? 36 : 10)];
		bank[5] = branch[5] = account[11] = '\0';
		assert_int_equal(iban_make_fr(bank, branch, account, out), 0);
		assert_int_equal(strlen(out), IBAN_FR_LEN);
		assert_memory_equal(out, "FR", 2);
		assert_memory_equal(out + 4, bank, 5);
		assert_memory_equal(out + 9, branch, 5);
		assert_memory_equal(out + 14, account, 11);
		assert_int_equal(oracle_mod97(out), 1);
		assert_int_equal(iban_validate(out, IBAN_FR_LEN), 0);

		i = 2 + rng_below(&r, IBAN_FR_LEN - 2);
		keep = out[i];
		/* Digit for digit, letter for letter: the value always changes. */
		if (keep >= '0' && keep <= '9')
			out[i] = keep == '9' ? '0' : (char)(keep + 1);
		else
			out[i] = keep == 'Z' ? 'A' : (char)(keep + 1);
		assert_int_equal(iban_validate(out, IBAN_FR_LEN), VG_EINVAL);
		out[i] = keep;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_format_examples),
		cmocka_unit_test(altered_examples),
		cmocka_unit_test(refuses_unissued_check_digits),
		cmocka_unit_test(refuses_a_wrong_rib_key),
		cmocka_unit_test(makes_french_ibans),
		cmocka_unit_test(make_refuses_malformed_parts),
		cmocka_unit_test(made_ibans_validate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
