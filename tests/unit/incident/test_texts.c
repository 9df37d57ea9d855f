/*
 * The catalogue of sentences (incident/texts.h): field labels, the phrase
 * of what was seen, letters' long dates in Paris.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "incident/affected.h"
#include "incident/texts.h"

static void labels(void **state)
{
	(void)state;
	assert_string_equal(texts_field_label(AFF_IDENTIFIER), "votre numéro de sécurité sociale");
	assert_string_equal(texts_field_label(AFF_NAME), "vos nom et prénoms");
	for (int f = 0; f < AFF_FIELDS; f++) {
		assert_non_null(texts_field_label(f));
		assert_true(strlen(texts_field_label(f)) > 0);
		for (int g = 0; g < f; g++)
			assert_string_not_equal(texts_field_label(f), texts_field_label(g));
	}
	/* Out of range reads as "other", never out of the table. */
	assert_string_equal(texts_field_label(-1), texts_field_label(AFF_OTHER));
	assert_string_equal(texts_field_label(AFF_FIELDS), texts_field_label(AFF_OTHER));
	assert_string_equal(texts_field_label(1000), texts_field_label(AFF_OTHER));
}

static void fields_phrase(void **state)
{
	char out[512], want[512];

	(void)state;
	texts_fields_phrase(0, out, sizeof(out));
	assert_string_equal(out, "");
	texts_fields_phrase(1u << AFF_NAME, out, sizeof(out));
	assert_string_equal(out, "vos nom et prénoms");
	texts_fields_phrase((1u << AFF_IDENTIFIER) | (1u << AFF_GENDER), out, sizeof(out));
	assert_string_equal(out, "votre numéro de sécurité sociale et votre sexe");
	texts_fields_phrase((1u << AFF_IDENTIFIER) | (1u << AFF_NAME) | (1u << AFF_BIRTH_DATE), out,
	                    sizeof(out));
	assert_string_equal(out, "votre numéro de sécurité sociale, vos nom et prénoms et votre "
	                         "date de naissance");
	/* Every field: commas, then " et " before the last, in enum order. */
	texts_fields_phrase((1u << AFF_FIELDS) - 1, out, sizeof(out));
	{
		size_t n = 0;

		for (int f = 0; f < AFF_FIELDS; f++)
			n += (size_t)snprintf(want + n, sizeof(want) - n, "%s%s",
			                      f == 0                ? ""
			                      : f == AFF_FIELDS - 1 ? " et "
			                                            : ", ",
			                      texts_field_label(f));
	}
	assert_string_equal(out, want);
	/* Bits beyond the enum are ignored. */
	texts_fields_phrase(0xffffff00u | (1u << AFF_NAME), out, sizeof(out));
	assert_string_equal(out, "vos nom et prénoms");
	/* A small buffer: a NUL-terminated start, nothing written past cap. */
	for (size_t cap = 1; cap < 40; cap++) {
		char small[64];

		memset(small, 'x', sizeof(small));
		texts_fields_phrase((1u << AFF_FIELDS) - 1, small, cap);
		assert_true(strlen(small) < cap);
		assert_memory_equal(small, want, strlen(small));
		for (size_t i = cap; i < sizeof(small); i++)
			assert_int_equal(small[i], 'x');
	}
}

static void long_dates(void **state)
{
	char out[48];

	(void)state;
	/* 2026-12-02T10:00Z */
	texts_date_long(1796205600000LL, out);
	assert_string_equal(out, "Le 2 décembre 2026");
	/* 2027-02-28T23:30Z is already the 1st of March in Paris. */
	texts_date_long(1803857400000LL, out);
	assert_string_equal(out, "Le 1er mars 2027");
	/* 2026-08-15T21:59Z is still the 15th in Paris (CEST), 22:00Z the 16th. */
	texts_date_long(1786831140000LL, out);
	assert_string_equal(out, "Le 15 août 2026");
	texts_date_long(1786831200000LL, out);
	assert_string_equal(out, "Le 16 août 2026");
	texts_date_long(0, out);
	assert_string_equal(out, "Le 1er janvier 1970");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(labels),
		cmocka_unit_test(fields_phrase),
		cmocka_unit_test(long_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
