/*
 * civil.h - civil dates and the local time of Europe/Paris, pure.
 *
 * Days are counted from 1970-01-01 (day 0, a Thursday), in the proleptic
 * Gregorian calendar, negative before; the conversions are H. Hinnant's
 * algorithms and hold for every day an int64_t year can name. No clock, no
 * time zone database, no global: the caller passes the instant, and the
 * same instant always gives the same answer (tests/unit/core/test_civil.c
 * checks civil_paris_offset_min against tzdata every 30 minutes from 2000
 * to 2040). Thread-safe.
 */
#ifndef VIGIE_CORE_CIVIL_H
#define VIGIE_CORE_CIVIL_H

#include <stdint.h>

/* floor(a / b) for b > 0, rounding towards minus infinity (unlike C's /). */
static inline int64_t civil_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The day number of y-m-d (m 1..12, d 1..31; not checked: 2026-02-31 is 2026-03-03). */
int64_t civil_days(int64_t y, int m, int d);

/* The civil date of a day number. */
void civil_date(int64_t days, int64_t *y, int *m, int *d);

/* 1 if s is exactly "YYYY-MM-DD" (NUL-terminated) and names a day that exists. */
int civil_date_valid(const char *s);

/* 0 = Monday ... 6 = Sunday. */
int civil_weekday(int64_t days);

/*
 * Minutes east of UTC in Europe/Paris at unix time t_s: 60 (CET), or 120
 * (CEST) from the last Sunday of March 01:00 UTC to the last Sunday of
 * October 01:00 UTC (the EU rule, in force since 1996).
 */
int32_t civil_paris_offset_min(int64_t t_s);

/* The local day number of unix time t_s at utc_offset_min. */
static inline int64_t civil_local_day(int64_t t_s, int32_t utc_offset_min)
{
	return civil_floor_div(t_s + (int64_t)utc_offset_min * 60, 86400);
}

#endif
