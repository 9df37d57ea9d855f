/* civil.c - see civil.h. */
#include "core/civil.h"
#include "core/banned.h"

int64_t civil_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civil_date(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int civil_weekday(int64_t days)
{
	/* Day 0 was a Thursday (3 with Monday = 0). */
	return (int)(((days % 7) + 7 + 3) % 7);
}

/* The last Sunday of month m (March or October: 31 days) of year y, 01:00 UTC, unix seconds. */
static int64_t last_sunday_1h(int64_t y, int m)
{
	int64_t d = civil_days(y, m, 31);

	return (d - (civil_weekday(d) + 1) % 7) * 86400 + 3600;
}

int32_t civil_paris_offset_min(int64_t t_s)
{
	int64_t y;
	int m, d;

	civil_date(civil_floor_div(t_s, 86400), &y, &m, &d);
	if (m < 3 || m > 10)
		return 60;
	if (m > 3 && m < 10)
		return 120;
	return t_s >= last_sunday_1h(y, 3) && t_s < last_sunday_1h(y, 10) ? 120 : 60;
}

int civil_date_valid(const char *s)
{
	int64_t y, days;
	int m, d, mm, dd;

	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return 0;
	if (s[10] != '\0')
		return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	days = civil_days(y, m, d);
	civil_date(days, &y, &mm, &dd);
	return mm == m && dd == d; /* 2026-02-31 is no day */
}
