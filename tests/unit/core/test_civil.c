/*
 * core/civil.h: civil dates and Europe/Paris's offset, checked against the
 * C library and tzdata (localtime_r with TZ=Europe/Paris) every 30 minutes
 * from 2000 to 2040, both summer-time changes of each year included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/civil.h"

static void dates_round_trip_and_match_the_c_library(void **state)
{
	(void)state;
	assert_int_equal(civil_days(1970, 1, 1), 0);
	assert_int_equal(civil_days(2026, 12, 6), 20793);
	assert_int_equal(civil_weekday(0), 3);                        /* a Thursday */
	assert_int_equal(civil_weekday(civil_days(2026, 12, 6)), 6);  /* a Sunday */
	assert_int_equal(civil_weekday(civil_days(2026, 12, 1)), 1);  /* a Tuesday */
	assert_int_equal(civil_weekday(civil_days(1969, 12, 29)), 0); /* a Monday, before day 0 */
	for (int64_t d = -800000; d <= 800000; d += 7) {
		int64_t y;
		int m, dd;
		time_t t = (time_t)(d * 86400);
		struct tm tm;

		civil_date(d, &y, &m, &dd);
		assert_int_equal(civil_days(y, m, dd), d);
		assert_non_null(gmtime_r(&t, &tm));
		assert_int_equal(y, tm.tm_year + 1900);
		assert_int_equal(m, tm.tm_mon + 1);
		assert_int_equal(dd, tm.tm_mday);
		assert_int_equal(civil_weekday(d), (tm.tm_wday + 6) % 7);
	}
	assert_int_equal(civil_floor_div(-1, 86400), -1);
	assert_int_equal(civil_floor_div(-86400, 86400), -1);
	assert_int_equal(civil_floor_div(86399, 86400), 0);
	assert_int_equal(civil_local_day(civil_days(2026, 12, 5) * 86400 + 23 * 3600 + 1800, 60),
	                 civil_days(2026, 12, 6)); /* 23:30 UTC is 00:30 the next day in Paris */
}

static void stated_dates_are_days_that_exist(void **state)
{
	static const char *const GOOD[] = { "1955-08-12", "2024-02-29", "2000-02-29", "1900-12-31" };
	static const char *const BAD[] = { "2023-02-29", "1900-02-29", "2026-02-31", "2026-04-31",
		                           "2026-13-01", "2026-00-10", "2026-01-00", "2026-1-01",
		                           "2026-01-011", "20260101", "2026/01/01", "", "1955-08-1a" };

	(void)state;
	for (size_t i = 0; i < sizeof(GOOD) / sizeof(GOOD[0]); i++)
		assert_true(civil_date_valid(GOOD[i]));
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++)
		assert_false(civil_date_valid(BAD[i]));
}

static void paris_offset_matches_tzdata_every_30_minutes_2000_to_2040(void **state)
{
	int64_t from = civil_days(2000, 1, 1) * 86400, to = civil_days(2041, 1, 1) * 86400;
	long checked = 0, summer = 0, changes = 0;
	int32_t last = 0;

	(void)state;
	assert_int_equal(setenv("TZ", "Europe/Paris", 1), 0);
	tzset();
	{
		/* tzdata must be there: without it the zone silently falls back to UTC. */
		time_t t = (time_t)(civil_days(2026, 1, 15) * 86400);
		struct tm tm;

		assert_non_null(localtime_r(&t, &tm));
		assert_int_equal(tm.tm_gmtoff, 3600);
	}
	for (int64_t t = from; t < to; t += 1800) {
		time_t tt = (time_t)t;
		struct tm tm;
		int32_t mine = civil_paris_offset_min(t);

		assert_non_null(localtime_r(&tt, &tm));
		if (tm.tm_gmtoff / 60 != mine) {
			fprintf(stderr, "at %lld: tzdata %ld min, civil %d min\n", (long long)t,
			        (long)(tm.tm_gmtoff / 60), mine);
			fail();
		}
		summer += mine == 120;
		changes += last && mine != last;
		last = mine;
		checked++;
	}
	assert_int_equal(checked, (to - from) / 1800);
	assert_int_equal(changes, 41 * 2);          /* two changes a year */
	assert_true(summer > checked / 2 && summer < checked * 2 / 3); /* about 7 months in 12 */
	/* The changes themselves, to the second (2027: 28 March and 31 October, 01:00 UTC). */
	assert_int_equal(civil_paris_offset_min(civil_days(2027, 3, 28) * 86400 + 3600 - 1), 60);
	assert_int_equal(civil_paris_offset_min(civil_days(2027, 3, 28) * 86400 + 3600), 120);
	assert_int_equal(civil_paris_offset_min(civil_days(2027, 10, 31) * 86400 + 3600 - 1), 120);
	assert_int_equal(civil_paris_offset_min(civil_days(2027, 10, 31) * 86400 + 3600), 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates_round_trip_and_match_the_c_library),
		cmocka_unit_test(stated_dates_are_days_that_exist),
		cmocka_unit_test(paris_offset_matches_tzdata_every_30_minutes_2000_to_2040),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
