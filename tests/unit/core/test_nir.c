/* NIR parsing: the valid numbers from docs, then one failing vector per fault. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/nir.h"
#include "core/rng.h"

/*
 * The key computed here independently of nir.c, so that the tests do not
 * trust nir_compute_key() to check itself: 2A counts as 19, 2B as 18.
 */
static int oracle_key(const char *s13)
{
	char digits[14];
	uint64_t n = 0;

	memcpy(digits, s13, 14);
	if (digits[6] == 'A' || digits[6] == 'a')
		memcpy(digits + 5, "19", 2);
	else if (digits[6] == 'B' || digits[6] == 'b')
		memcpy(digits + 5, "18", 2);
	for (int i = 0; i < 13; i++)
		n = n * 10 + (uint64_t)(digits[i] - '0');
	return 97 - (int)(n % 97);
}

/* The 13 characters at s13 with their correct key appended, in out[16]. */
static const char *with_key(const char *s13, char out[16])
{
	assert_int_equal(strlen(s13), 13);
	snprintf(out, 16, "%s%02d", s13, oracle_key(s13));
	return out;
}

static enum nir_fault fault_of(const char *s)
{
	struct nir n;
	enum nir_fault why = NIR_FAULT_NONE;

	if (nir_parse(s, strlen(s), &n, &why) == 0)
		return NIR_FAULT_NONE;
	assert_int_not_equal(why, NIR_FAULT_NONE);
	return why;
}

/* A NIR whose only flaw is the fault asserted: the key is made right. */
static void assert_fault13(const char *s13, enum nir_fault want)
{
	char buf[16];

	assert_int_equal(fault_of(with_key(s13, buf)), want);
}

static void parses_the_documented_numbers(void **state)
{
	struct nir n;
	enum nir_fault why = NIR_FAULT_KEY;

	(void)state;
	assert_int_equal(nir_parse("255081416802538", 15, &n, &why), 0);
	assert_int_equal(why, NIR_FAULT_NONE);
	assert_string_equal(n.canon, "255081416802538");
	assert_int_equal(n.sex, 2);
	assert_int_equal(n.year2, 55);
	assert_int_equal(n.month, 8);
	assert_string_equal(n.dept, "14");
	assert_string_equal(n.commune, "168");
	assert_int_equal(n.order, 25);
	assert_int_equal(n.key, 38);
	assert_false(n.temporary || n.overseas || n.born_abroad || n.month_unknown);

	assert_int_equal(nir_parse("253072B07300470", 15, &n, &why), 0);
	assert_string_equal(n.dept, "2B");
	assert_string_equal(n.commune, "073");
	assert_int_equal(n.order, 4);
	assert_int_equal(n.key, 70);
	assert_int_equal(n.month, 7);

	assert_int_equal(nir_parse("253072A07300443", 15, &n, &why), 0);
	assert_string_equal(n.dept, "2A");
	assert_int_equal(n.key, 43);

	assert_int_equal(nir_parse("295109912611193", 15, &n, &why), 0);
	assert_string_equal(n.dept, "99");
	assert_string_equal(n.commune, "126");
	assert_true(n.born_abroad);
	assert_false(n.overseas);
	assert_int_equal(n.year2, 95);
	assert_int_equal(n.month, 10);
	assert_int_equal(n.order, 111);
	assert_int_equal(n.key, 93);

	assert_int_equal(nir_parse("223115935012322", 15, &n, &why), 0);
	assert_string_equal(n.dept, "59");
	assert_string_equal(n.commune, "350");
	assert_int_equal(n.month, 11);
	assert_int_equal(n.order, 123);
	assert_int_equal(n.key, 22);

	assert_int_equal(nir_parse("178059933010817", 15, &n, &why), 0);
	assert_int_equal(n.sex, 1);
	assert_int_equal(n.year2, 78);
	assert_int_equal(n.month, 5);
	assert_string_equal(n.dept, "99");
	assert_string_equal(n.commune, "330");
	assert_int_equal(n.order, 108);
	assert_int_equal(n.key, 17);
}

static void corsica_keys(void **state)
{
	struct nir n;

	(void)state;
	assert_int_equal(nir_compute_key("253072A073004"), 43);
	assert_int_equal(nir_compute_key("253072B073004"), 70);
	assert_int_equal(nir_compute_key("253072a073004"), 43);
	assert_int_equal(nir_compute_key("253072b073004"), 70);
	/* 2A counts as 19 and 2B as 18, exactly. */
	assert_int_equal(nir_compute_key("2530719073004"), 43);
	assert_int_equal(nir_compute_key("2530718073004"), 70);
	assert_int_equal(97 - (int)(2530719073004ULL % 97), 43);

	/* Lower case is accepted and canonicalised. */
	assert_int_equal(nir_parse("253072b07300470", 15, &n, NULL), 0);
	assert_string_equal(n.canon, "253072B07300470");
	assert_string_equal(n.dept, "2B");
	assert_int_equal(nir_parse("253072a07300443", 15, &n, NULL), 0);
	assert_string_equal(n.canon, "253072A07300443");

	/* Swapping the two departments breaks the key. */
	assert_int_equal(fault_of("253072A07300470"), NIR_FAULT_KEY);
	assert_int_equal(fault_of("253072B07300443"), NIR_FAULT_KEY);
	/* Corsica's commune 000 is still a commune fault. */
	assert_fault13("253072A000004", NIR_FAULT_COMMUNE);
	/* Department 20 (Corsica before 1976) is still accepted. */
	assert_fault13("1530720073004", NIR_FAULT_NONE);
}

static void compute_key_refuses_bad_characters(void **state)
{
	(void)state;
	assert_int_equal(nir_compute_key("2550814168025"), 38);
	assert_int_equal(nir_compute_key("0000000000000"), 97);
	assert_int_equal(nir_compute_key("A550814168025"), -1);
	assert_int_equal(nir_compute_key("25508141680 5"), -1);
	assert_int_equal(nir_compute_key("2530720A73004"), -1); /* 2A one place late */
	assert_int_equal(nir_compute_key("25307A2073004"), -1); /* A2 */
	assert_int_equal(nir_compute_key("253072C073004"), -1);
	/* Shorter strings stop at their NUL (ASan would catch an over-read). */
	assert_int_equal(nir_compute_key(""), -1);
	assert_int_equal(nir_compute_key("2550814"), -1);
	assert_int_equal(nir_compute_key("253072A"), -1);
}

static void length_faults(void **state)
{
	struct nir n;
	enum nir_fault why = NIR_FAULT_NONE;

	(void)state;
	assert_int_equal(fault_of(""), NIR_FAULT_LENGTH);
	assert_int_equal(fault_of("2550814168025"), NIR_FAULT_LENGTH);
	assert_int_equal(fault_of("25508141680253"), NIR_FAULT_LENGTH);
	assert_int_equal(fault_of("2550814168025380"), NIR_FAULT_LENGTH);
	assert_int_equal(fault_of("255081416802538 "), NIR_FAULT_LENGTH);
	/* The length given wins over the NUL: len 14 of a valid number. */
	assert_int_equal(nir_parse("255081416802538", 14, &n, &why), VG_EINVAL);
	assert_int_equal(why, NIR_FAULT_LENGTH);
	/* Length is checked before characters. */
	assert_int_equal(fault_of("ABCDEFGHIJKLMN"), NIR_FAULT_LENGTH);
}

static void character_faults(void **state)
{
	struct nir n;
	enum nir_fault why = NIR_FAULT_NONE;
	const char nul[15] = { '2', '5', '5', '0', '8', '1', '4', '\0', '6', '8',
	                       '0', '2', '5', '3', '8' };

	(void)state;
	assert_int_equal(fault_of("ABCDEFGHIJKLMNO"), NIR_FAULT_CHAR);
	assert_int_equal(fault_of("X55081416802538"), NIR_FAULT_CHAR);
	assert_int_equal(fault_of("255AB1416802538"), NIR_FAULT_CHAR);
	assert_int_equal(fault_of("253072C07300470"), NIR_FAULT_CHAR);
	assert_int_equal(fault_of("25307A207300470"), NIR_FAULT_CHAR); /* A2 */
	assert_int_equal(fault_of("2530720A7300470"), NIR_FAULT_CHAR); /* 2A at 6-7 */
	assert_int_equal(fault_of("25508142A802538"), NIR_FAULT_CHAR); /* 2A in the commune */
	assert_int_equal(fault_of("253072AA7300443"), NIR_FAULT_CHAR); /* 2A then a letter */
	assert_int_equal(fault_of("253072A0A300443"), NIR_FAULT_CHAR);
	assert_int_equal(fault_of("2550814168025A8"), NIR_FAULT_CHAR);
	assert_int_equal(fault_of("2 5508141680253"), NIR_FAULT_CHAR);
	assert_int_equal(fault_of("-55081416802538"), NIR_FAULT_CHAR);
	assert_int_equal(fault_of("25508141680253\xc3"), NIR_FAULT_CHAR);
	assert_int_equal(nir_parse(nul, sizeof(nul), &n, &why), VG_EINVAL);
	assert_int_equal(why, NIR_FAULT_CHAR);
	/* Characters are checked before the sex digit. */
	assert_int_equal(fault_of("95508141680253X"), NIR_FAULT_CHAR);
}

static void sex_faults_and_temporary_numbers(void **state)
{
	static const char bad[] = "0569";
	char s13[48], buf[16];
	struct nir n;

	(void)state;
	for (const char *c = bad; *c; c++) {
		memcpy(s13, "2550814168025", 14);
		s13[0] = *c;
		assert_fault13(s13, NIR_FAULT_SEX);
	}
	for (int sex = 1; sex <= 8; sex++) {
		if (sex == 5 || sex == 6)
			continue;
		memcpy(s13, "2550814168025", 14);
		s13[0] = (char)('0' + sex);
		assert_int_equal(nir_parse(with_key(s13, buf), 15, &n, NULL), 0);
		assert_int_equal(n.sex, sex);
		assert_int_equal(n.temporary, sex > 2);
	}
}

static void month_faults_and_unknown_months(void **state)
{
	static const int bad[] = { 0, 13, 15, 19, 21, 25, 29, 43, 47, 49 };
	static const int unknown[] = { 20, 30, 35, 42, 50, 63, 99 };
	char s13[48], buf[16];
	struct nir n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(s13, sizeof(s13), "255%02d14168025", bad[i]);
		assert_fault13(s13, NIR_FAULT_MONTH);
	}
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		snprintf(s13, sizeof(s13), "255%02d14168025", unknown[i]);
		assert_int_equal(nir_parse(with_key(s13, buf), 15, &n, NULL), 0);
		assert_int_equal(n.month, 0);
		assert_true(n.month_unknown);
	}
	for (int m = 1; m <= 12; m++) {
		snprintf(s13, sizeof(s13), "255%02d14168025", m);
		assert_int_equal(nir_parse(with_key(s13, buf), 15, &n, NULL), 0);
		assert_int_equal(n.month, m);
		assert_false(n.month_unknown);
	}
}

static void department_faults(void **state)
{
	char buf[16];
	struct nir n;

	(void)state;
	assert_fault13("2550800168025", NIR_FAULT_DEPT);
	assert_fault13("2550896168025", NIR_FAULT_DEPT);
	assert_fault13("2550897001025", NIR_FAULT_DEPT); /* 970 */
	assert_fault13("2550897901025", NIR_FAULT_DEPT); /* 979 */
	assert_fault13("2550898001025", NIR_FAULT_DEPT); /* 980 */
	assert_fault13("2550898301025", NIR_FAULT_DEPT); /* 983 */
	assert_fault13("2550801168025", NIR_FAULT_NONE);
	assert_fault13("2550895168025", NIR_FAULT_NONE);

	/* Overseas: 3-digit department, 2-digit commune. */
	assert_int_equal(nir_parse(with_key("1850597101234", buf), 15, &n, NULL), 0);
	assert_string_equal(n.dept, "971");
	assert_string_equal(n.commune, "01");
	assert_int_equal(n.order, 234);
	assert_true(n.overseas);
	assert_false(n.born_abroad);
	assert_int_equal(nir_parse(with_key("2850598815007", buf), 15, &n, NULL), 0);
	assert_string_equal(n.dept, "988");
	assert_string_equal(n.commune, "15");
	assert_int_equal(n.order, 7);
	for (const char *d = "971972973974975976977978984985986987988989"; *d; d += 3) {
		char s13[48];

		snprintf(s13, sizeof(s13), "18505%.3s12345", d);
		assert_fault13(s13, NIR_FAULT_NONE);
	}
}

static void commune_and_order_faults(void **state)
{
	(void)state;
	assert_fault13("2550814000025", NIR_FAULT_COMMUNE);
	assert_fault13("2951099000111", NIR_FAULT_COMMUNE); /* abroad, country 000 */
	assert_fault13("1850597100234", NIR_FAULT_COMMUNE); /* overseas commune 00 */
	assert_fault13("2550814168000", NIR_FAULT_ORDER);
	assert_fault13("1850597101000", NIR_FAULT_ORDER);
	assert_fault13("2550814168001", NIR_FAULT_NONE);
	assert_fault13("2550814168999", NIR_FAULT_NONE);
}

static void key_faults(void **state)
{
	char s[16];
	int passed = 0;

	(void)state;
	assert_int_equal(fault_of("255081416802539"), NIR_FAULT_KEY);
	assert_int_equal(fault_of("255081416802537"), NIR_FAULT_KEY);
	assert_int_equal(fault_of("255081416802500"), NIR_FAULT_KEY);
	assert_int_equal(fault_of("255081416802598"), NIR_FAULT_KEY);
	assert_int_equal(fault_of("255081416802599"), NIR_FAULT_KEY);
	/* Exactly one of the 100 two-digit keys is right. */
	for (int k = 0; k < 100; k++) {
		snprintf(s, sizeof(s), "2550814168025%02d", k);
		if (fault_of(s) == NIR_FAULT_NONE) {
			assert_int_equal(k, 38);
			passed++;
		} else {
			assert_int_equal(fault_of(s), NIR_FAULT_KEY);
		}
	}
	assert_int_equal(passed, 1);
	/* Key 97 (the 13 digits a multiple of 97) is in range and accepted. */
	assert_int_equal(1550114168001ULL % 97, 0);
	assert_int_equal(nir_compute_key("1550114168001"), 97);
	assert_int_equal(fault_of("155011416800197"), NIR_FAULT_NONE);
	assert_int_equal(fault_of("155011416800100"), NIR_FAULT_KEY);
}

static void reports_the_first_fault(void **state)
{
	(void)state;
	/* sex and month and key wrong: sex */
	assert_int_equal(fault_of("555131416802599"), NIR_FAULT_SEX);
	/* month and key wrong: month */
	assert_int_equal(fault_of("255131416802599"), NIR_FAULT_MONTH);
	/* department and commune wrong: department */
	assert_int_equal(fault_of("255089600002538"), NIR_FAULT_DEPT);
	/* commune and order wrong: commune */
	assert_int_equal(fault_of("255081400000038"), NIR_FAULT_COMMUNE);
	/* order wrong and key out of range: order */
	assert_int_equal(fault_of("255081416800000"), NIR_FAULT_ORDER);
}

static void failure_leaves_nothing_behind(void **state)
{
	struct nir n;

	(void)state;
	memset(&n, 0x5a, sizeof(n));
	assert_int_equal(nir_parse("255081416802539", 15, &n, NULL), VG_EINVAL);
	for (size_t i = 0; i < sizeof(n.canon); i++)
		assert_int_equal(n.canon[i], 0);
	assert_int_equal(n.key, 0);
	assert_int_equal(n.dept[0], 0);
}

static void fault_sentences(void **state)
{
	static const enum nir_fault all[] = {
		NIR_FAULT_NONE, NIR_FAULT_LENGTH, NIR_FAULT_CHAR, NIR_FAULT_SEX, NIR_FAULT_MONTH,
		NIR_FAULT_DEPT, NIR_FAULT_COMMUNE, NIR_FAULT_ORDER, NIR_FAULT_KEY,
	};
	const size_t nall = sizeof(all) / sizeof(all[0]);

	(void)state;
	for (size_t i = 0; i < nall; i++) {
		const char *s = nir_fault_str(all[i]);

		assert_non_null(s);
		assert_true(strlen(s) > 10);
		assert_true(s[0] >= 'a' && s[0] <= 'z');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s, nir_fault_str(all[j]));
	}
	assert_non_null(strstr(nir_fault_str(NIR_FAULT_KEY), "key"));
	assert_non_null(nir_fault_str((enum nir_fault)99));
}

/* Random well-formed NIRs: parse, and canon re-parses to the same struct. */
static void random_round_trips(void **state)
{
	struct rng r;
	char s13[48], buf[16];
	struct nir a, b;

	(void)state;
	rng_init(&r, 2024);
	for (int i = 0; i < 20000; i++) {
		static const char sexes[] = "123478";
		int dept = (int)rng_below(&r, 95) + 1;
		int month = (int)rng_below(&r, 12) + 1;

		if (dept == 95 && rng_below(&r, 2))
			dept = 99;
		snprintf(s13, sizeof(s13), "%c%02d%02d%02d%03d%03d", sexes[rng_below(&r, 6)],
		         (int)rng_below(&r, 100), month, dept, (int)rng_below(&r, 999) + 1,
		         (int)rng_below(&r, 999) + 1);
		if (rng_below(&r, 10) == 0) {
			s13[5] = '2';
			s13[6] = "ABab"[rng_below(&r, 4)];
		}
		assert_int_equal(nir_parse(with_key(s13, buf), 15, &a, NULL), 0);
		assert_int_equal(nir_compute_key(a.canon), a.key);
		assert_int_equal(nir_parse(a.canon, strlen(a.canon), &b, NULL), 0);
		assert_memory_equal(&a, &b, sizeof(a));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_the_documented_numbers),
		cmocka_unit_test(corsica_keys),
		cmocka_unit_test(compute_key_refuses_bad_characters),
		cmocka_unit_test(length_faults),
		cmocka_unit_test(character_faults),
		cmocka_unit_test(sex_faults_and_temporary_numbers),
		cmocka_unit_test(month_faults_and_unknown_months),
		cmocka_unit_test(department_faults),
		cmocka_unit_test(commune_and_order_faults),
		cmocka_unit_test(key_faults),
		cmocka_unit_test(reports_the_first_fault),
		cmocka_unit_test(failure_leaves_nothing_behind),
		cmocka_unit_test(fault_sentences),
		cmocka_unit_test(random_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
