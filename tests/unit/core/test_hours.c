/* core/hours.h: opening hours and on-call rotas as data, their text form, and "open at t". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/civil.h"
#include "core/hours.h"

/* Unix seconds of a local Paris time in winter (UTC+1). */
static int64_t winter(int y, int m, int d, int hh, int mm)
{
	return civil_days(y, m, d) * 86400 + hh * 3600 + mm * 60 - 3600;
}

static void text_form_parses_and_formats_back(void **state)
{
	static const char *const CANON[] = {
		"24/7", "closed", "Mo-Fr 09:00-19:00", "Mo-Fr 08:30-12:30,14:00-19:30; Sa 09:00-12:00",
		"Mo 08:00-12:00; We 08:00-12:00; Fr 08:00-12:00", "Su 00:00-24:00",
		"Mo-Sa 09:00-19:30; Su 09:00-12:30",
	};
	struct hours h;
	char out[HOURS_TEXT_MAX];
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(CANON) / sizeof(CANON[0]); i++) {
		memset(&h, 0, sizeof(h));
		assert_int_equal(hours_parse(CANON[i], strlen(CANON[i]), &h, &why), 0);
		assert_int_equal(hours_format(&h, out, sizeof(out)), 0);
		assert_string_equal(out, CANON[i]);
	}
	/* Other spellings of the same hours come back canonical. */
	assert_int_equal(hours_parse("Mo,We,Fr 08:00-12:00", 20, &h, &why), 0);
	assert_int_equal(hours_format(&h, out, sizeof(out)), 0);
	assert_string_equal(out, "Mo 08:00-12:00; We 08:00-12:00; Fr 08:00-12:00");
	assert_int_equal(hours_parse("Sa-Mo 10:00-11:00", 17, &h, &why), 0); /* over Sunday */
	assert_int_equal(hours_format(&h, out, sizeof(out)), 0);
	assert_string_equal(out, "Mo 10:00-11:00; Sa-Su 10:00-11:00");
	assert_int_equal(hours_parse("Mo-Su 00:00-24:00", 17, &h, &why), 0);
	assert_int_equal(hours_format(&h, out, sizeof(out)), 0);
	assert_string_equal(out, "24/7");
	assert_int_equal(hours_parse("Mo-Fr 09:00-12:00; Mo-Fr 11:00-13:00", 36, &h, &why), 0);
	assert_int_equal(hours_format(&h, out, sizeof(out)), 0);
	assert_string_equal(out, "Mo-Fr 09:00-13:00"); /* later rules add to earlier ones */
}

static void malformed_hours_are_refused_with_a_reason(void **state)
{
	static const char *const BAD[] = {
		"", "Mo", "Mo ", "Xx 09:00-10:00", "Mo-Fr 9:00-10:00", "Mo-Fr 09:15-10:00",
		"Mo-Fr 10:00-09:00", "Mo-Fr 10:00-10:00", "Mo-Fr 22:00-02:00", "Mo-Fr 24:30-25:00",
		"Mo-Fr 09:00-10:00;Sa 09:00-10:00", "Mo-Fr 09:00-10:00; ", "Mo-Fr 09:00-10:00,",
		"Mo-Fr 09:00-10:00 ", "mo-fr 09:00-10:00", "Mo- 09:00-10:00", "Mo-Fr 09:00-1000",
		"24/7 ", "Mo-Fr 09:00-10:00\n",
	};
	struct hours h = { { 0 }, 0, 0 }, before;
	const char *why;
	char big[HOURS_TEXT_MAX + 10];

	(void)state;
	hours_always(&h);
	before = h;
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		why = NULL;
		assert_int_equal(hours_parse(BAD[i], strlen(BAD[i]), &h, &why), VG_EINVAL);
		assert_non_null(why);
		assert_memory_equal(&h, &before, sizeof(h)); /* nothing changed on a refusal */
	}
	memset(big, 'x', sizeof(big));
	assert_int_equal(hours_parse(big, sizeof(big), &h, &why), VG_EINVAL);
}

static void open_by_the_week_and_the_rota(void **state)
{
	struct hours h = { { 0 }, 0, 0 };
	const char *why;
	int64_t sat = civil_days(2026, 12, 5); /* a Saturday */
	static const char SPEC[] = "Mo-Fr 09:00-12:30,14:00-19:00; Sa 09:00-12:00";

	(void)state;
	assert_int_equal(hours_parse(SPEC, strlen(SPEC), &h, &why), 0);
	assert_true(hours_open(&h, winter(2026, 12, 1, 9, 0), 60));    /* Tuesday 09:00 */
	assert_true(hours_open(&h, winter(2026, 12, 1, 12, 29), 60));
	assert_false(hours_open(&h, winter(2026, 12, 1, 12, 30), 60)); /* lunch */
	assert_false(hours_open(&h, winter(2026, 12, 1, 8, 59), 60));
	assert_false(hours_open(&h, winter(2026, 12, 1, 19, 0), 60));
	assert_true(hours_open(&h, winter(2026, 12, 5, 11, 0), 60));   /* Saturday morning */
	assert_false(hours_open(&h, winter(2026, 12, 5, 15, 0), 60));
	assert_false(hours_open(&h, winter(2026, 12, 6, 11, 0), 60));  /* Sunday */
	/* The offset is the caller's: 09:30 in Paris is 08:30 UTC, closed in a UTC reading. */
	assert_false(hours_open(&h, winter(2026, 12, 1, 9, 30), 0));
	/* Within an hour of opening or closing. */
	assert_true(hours_open_near(&h, winter(2026, 12, 1, 8, 0), 60, 3600));
	assert_true(hours_open_near(&h, winter(2026, 12, 1, 19, 59), 60, 3600));
	assert_false(hours_open_near(&h, winter(2026, 12, 1, 20, 0), 60, 3600)); /* closed 19:00 */
	assert_false(hours_open_near(&h, winter(2026, 12, 1, 20, 1), 60, 3600));
	assert_false(hours_open_near(&h, winter(2026, 12, 1, 7, 59), 60, 3600));
	assert_true(hours_open_near(&h, winter(2026, 12, 1, 13, 15), 60, 3600));
	/* On call the night of Saturday 5 December and every 14 nights: 19:00 to 09:00. */
	hours_set_rota(&h, sat, 14);
	assert_true(hours_on_call_night(&h, sat));
	assert_true(hours_on_call_night(&h, sat + 14));
	assert_true(hours_on_call_night(&h, sat - 14 * 1000)); /* days before 1970 too */
	assert_false(hours_on_call_night(&h, sat + 1));
	assert_false(hours_open(&h, winter(2026, 12, 5, 18, 59), 60));
	assert_true(hours_open(&h, winter(2026, 12, 5, 19, 0), 60));
	assert_true(hours_open(&h, winter(2026, 12, 6, 3, 30), 60));  /* Sunday 03:30 */
	assert_true(hours_open(&h, winter(2026, 12, 6, 8, 59), 60));
	assert_false(hours_open(&h, winter(2026, 12, 6, 9, 0), 60));  /* Sunday, closed by day */
	assert_false(hours_open(&h, winter(2026, 12, 7, 3, 30), 60)); /* not the next night */
	assert_true(hours_open(&h, winter(2026, 12, 20, 3, 30), 60)); /* the night of the 19th */
	hours_set_rota(&h, sat, 0);
	assert_false(hours_open(&h, winter(2026, 12, 6, 3, 30), 60));
	assert_int_equal(h.rota_every, 0);
	hours_always(&h);
	assert_true(hours_open(&h, winter(2026, 12, 6, 3, 30), 60));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_form_parses_and_formats_back),
		cmocka_unit_test(malformed_hours_are_refused_with_a_reason),
		cmocka_unit_test(open_by_the_week_and_the_rota),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
