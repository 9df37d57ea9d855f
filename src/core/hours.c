/* hours.c - see hours.h. */
#include "core/hours.h"

#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "core/banned.h"

#define DAY_MASK (((uint64_t)1 << 48) - 1) /* 48 half hours */

static const char DAYS[7][3] = { "Mo", "Tu", "We", "Th", "Fr", "Sa", "Su" };

void hours_always(struct hours *h)
{
	for (int d = 0; d < 7; d++)
		h->week[d] = DAY_MASK;
}

static int day_at(const char *s, const char *end)
{
	if (end - s < 2)
		return -1;
	for (int d = 0; d < 7; d++)
		if (s[0] == DAYS[d][0] && s[1] == DAYS[d][1])
			return d;
	return -1;
}

/* "HH:MM" with MM 00 or 30, HH 00..24 (24 only as 24:00): the half hour, or -1. */
static int time_at(const char *s, const char *end)
{
	int h, m;

	if (end - s < 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' ||
	    (s[3] != '0' && s[3] != '3') || s[4] != '0')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = s[3] == '3' ? 1 : 0;
	if (h > 24 || (h == 24 && m))
		return -1;
	return h * 2 + m;
}

int hours_parse(const char *s, size_t len, struct hours *out, const char **why)
{
	const char *p = s, *end = s + len;
	uint64_t week[7] = { 0 };

	*why = NULL;
	if (len >= HOURS_TEXT_MAX) {
		*why = "opening hours: too long";
		return VG_EINVAL;
	}
	if (len == 4 && memcmp(s, "24/7", 4) == 0) {
		hours_always(out);
		return 0;
	}
	if (len == 6 && memcmp(s, "closed", 6) == 0) {
		memset(out->week, 0, sizeof(out->week));
		return 0;
	}
	for (;;) {
		unsigned days = 0;

		/* DAYS: day or day-day, comma-separated. */
		for (;;) {
			int a = day_at(p, end), b;

			if (a < 0)
				goto bad_days;
			p += 2;
			b = a;
			if (p < end && *p == '-') {
				b = day_at(p + 1, end);
				if (b < 0)
					goto bad_days;
				p += 3;
			}
			for (int d = a;; d = (d + 1) % 7) { /* Sa-Mo wraps over Sunday */
				days |= 1u << d;
				if (d == b)
					break;
			}
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			break;
		}
		if (p >= end || *p != ' ') {
			*why = "opening hours: a space must follow the days (\"Mo-Fr 09:00-19:00\")";
			return VG_EINVAL;
		}
		p++;
		/* Ranges. */
		for (;;) {
			int from = time_at(p, end), to;
			uint64_t mask;

			if (from < 0 || end - p < 11 || p[5] != '-' ||
			    (to = time_at(p + 6, end)) < 0) {
				*why = "opening hours: times are HH:MM-HH:MM with minutes 00 or 30";
				return VG_EINVAL;
			}
			if (to <= from) {
				*why = "opening hours: a range ends after it starts, within the day";
				return VG_EINVAL;
			}
			p += 11;
			mask = (((uint64_t)1 << to) - 1) & ~(((uint64_t)1 << from) - 1);
			for (int d = 0; d < 7; d++)
				if (days & (1u << d))
					week[d] |= mask;
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			break;
		}
		if (p == end)
			break;
		if (end - p < 3 || p[0] != ';' || p[1] != ' ') {
			*why = "opening hours: rules are separated by \"; \"";
			return VG_EINVAL;
		}
		p += 2;
	}
	{
		/* What parses must format: rules that overlap can describe a week whose
		 * canonical form (a rule per run of alike days) is longer than the text. */
		struct hours probe;
		char text[HOURS_TEXT_MAX];

		memset(&probe, 0, sizeof(probe));
		memcpy(probe.week, week, sizeof(week));
		if (hours_format(&probe, text, sizeof(text)) != 0) {
			*why = "opening hours: too many different days and ranges to write back";
			return VG_EINVAL;
		}
	}
	memcpy(out->week, week, sizeof(week));
	return 0;
bad_days:
	*why = "opening hours: days are Mo Tu We Th Fr Sa Su, ranges (Mo-Fr) or lists (Mo,We)";
	return VG_EINVAL;
}

/* Append "HH:MM-HH:MM[,...]" of one day's mask. */
static size_t put_ranges(uint64_t m, char *buf, size_t at, size_t cap)
{
	int k = 0, first = 1;

	while (k < 48) {
		int from, n;

		if (!((m >> k) & 1)) {
			k++;
			continue;
		}
		from = k;
		while (k < 48 && ((m >> k) & 1))
			k++;
		n = snprintf(buf + at, at < cap ? cap - at : 0, "%s%02d:%s-%02d:%s",
		             first ? "" : ",", from / 2, from % 2 ? "30" : "00", k / 2,
		             k % 2 ? "30" : "00");
		at += n > 0 ? (size_t)n : 0;
		first = 0;
	}
	return at;
}

int hours_format(const struct hours *h, char *buf, size_t cap)
{
	size_t at = 0;
	int all = 1, none = 1;

	for (int d = 0; d < 7; d++) {
		all &= (h->week[d] & DAY_MASK) == DAY_MASK;
		none &= (h->week[d] & DAY_MASK) == 0;
	}
	if (all || none)
		return snprintf(buf, cap, "%s", all ? "24/7" : "closed") < (int)cap ? 0
		                                                                    : VG_ETOOBIG;
	/* Consecutive days with the same hours share a rule: "Mo-Fr 09:00-19:00". */
	for (int d = 0; d < 7;) {
		uint64_t m = h->week[d] & DAY_MASK;
		int e = d, n;

		while (e + 1 < 7 && (h->week[e + 1] & DAY_MASK) == m)
			e++;
		if (m) {
			n = snprintf(buf + at, at < cap ? cap - at : 0, "%s%s%s%s ", at ? "; " : "",
			             DAYS[d], e > d ? "-" : "", e > d ? DAYS[e] : "");
			at += n > 0 ? (size_t)n : 0;
			at = put_ranges(m, buf, at, cap);
		}
		d = e + 1;
	}
	if (at >= cap) {
		if (cap)
			buf[0] = '\0';
		return VG_ETOOBIG;
	}
	return 0;
}

void hours_set_rota(struct hours *h, int64_t night, unsigned every)
{
	if (every == 0 || every > HOURS_ROTA_MAX) {
		h->rota_every = 0;
		h->rota_phase = 0;
		return;
	}
	h->rota_every = (uint16_t)every;
	h->rota_phase = (uint16_t)(night - civil_floor_div(night, every) * (int64_t)every);
}

bool hours_on_call_night(const struct hours *h, int64_t n)
{
	int64_t e = h->rota_every;

	return e && e <= HOURS_ROTA_MAX && n - civil_floor_div(n, e) * e == h->rota_phase;
}

bool hours_open(const struct hours *h, int64_t t_s, int32_t utc_offset_min)
{
	int64_t local = t_s + (int64_t)utc_offset_min * 60;
	int64_t day = civil_floor_div(local, 86400);
	int64_t sec = local - day * 86400;
	int half = (int)(sec / 1800);

	if ((h->week[civil_weekday(day)] >> half) & 1)
		return true;
	if (sec >= HOURS_NIGHT_FROM * 3600)
		return hours_on_call_night(h, day);
	if (sec < HOURS_NIGHT_TO * 3600)
		return hours_on_call_night(h, day - 1);
	return false;
}

bool hours_open_near(const struct hours *h, int64_t t_s, int32_t utc_offset_min, int64_t margin_s)
{
	/* Half hours are the unit: every half hour of the window, and its far end. */
	for (int64_t x = t_s - margin_s; x < t_s + margin_s; x += 1800)
		if (hours_open(h, x, utc_offset_min))
			return true;
	return hours_open(h, t_s + margin_s, utc_offset_min);
}
