/* scope.c - see scope.h. */
#include "incident/scope.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "core/rpps.h"
#include "core/banned.h"

static const struct body_spec OPEN_BODY = {
	"{\"title\": \"<text>\", \"rpps\": \"<RPPS>[,<RPPS>...]\", \"from\": \"<date or time>\", "
	"\"to\": \"<date or time>\", \"ip\": \"<address, optional>\"}",
	5,
	{ { "title", 0, SCOPE_TITLE_MAX, BODY_OPTIONAL },
	  { "rpps", 11, SCOPE_RPPS_MAX * 12 - 1, 0 },
	  { "from", 10, 25, 0 },
	  { "to", 10, 25, 0 },
	  { "ip", 0, 45, BODY_OPTIONAL } },
};

static const struct body_spec WIDEN_BODY = {
	"{\"rpps\": \"<RPPS>[,<RPPS>...]\", \"from\": \"<date or time>\", "
	"\"to\": \"<date or time>\", \"ip\": \"<address, optional>\"}",
	4,
	{ { "rpps", 11, SCOPE_RPPS_MAX * 12 - 1, 0 },
	  { "from", 10, 25, 0 },
	  { "to", 10, 25, 0 },
	  { "ip", 0, 45, BODY_OPTIONAL } },
};

/* n digits at s into *v; -1 unless all are digits. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/*
 * Unix seconds of a Paris wall-clock time: the earlier instant when the clock
 * repeats (the last Sunday of October), and for a time the clock skips (the
 * last Sunday of March) the instant an hour on, as a clock set by hand reads it.
 */
static int64_t paris_to_utc(int64_t local_s)
{
	static const int32_t OFFSETS[] = { 120, 60 }; /* summer first: the earlier instant */

	for (size_t i = 0; i < sizeof(OFFSETS) / sizeof(OFFSETS[0]); i++) {
		int64_t t = local_s - (int64_t)OFFSETS[i] * 60;

		if (civil_paris_offset_min(t) == OFFSETS[i])
			return t;
	}
	return local_s - 60 * 60;
}

int scope_time_parse(const char *s, size_t len, int64_t *out_ms)
{
	int y, mo, d, h = 0, mi = 0, se = 0, oh, om, sign = 0;
	size_t at = 10;
	int64_t local;

	*out_ms = 0;
	if (len < 10 || len > 25 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d))
		return VG_EINVAL;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return VG_EINVAL;
	{
		int64_t yy, dd;
		int m2, d2;

		dd = civil_days(y, mo, d);
		civil_date(dd, &yy, &m2, &d2);
		if (m2 != mo || d2 != d)
			return VG_EINVAL; /* 2026-02-31 */
	}
	if (at < len && s[at] == 'T') {
		if (len < at + 6 || digits(s + at + 1, 2, &h) || s[at + 3] != ':' ||
		    digits(s + at + 4, 2, &mi))
			return VG_EINVAL;
		at += 6;
		if (at < len && s[at] == ':') {
			if (len < at + 3 || digits(s + at + 1, 2, &se))
				return VG_EINVAL;
			at += 3;
		}
		if (h > 23 || mi > 59 || se > 59)
			return VG_EINVAL;
	}
	local = civil_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	if (at == len || (s[at] == 'Z' && at + 1 == len)) {
		int64_t t = at == len ? paris_to_utc(local) : local;

		if (t < 0)
			return VG_EINVAL; /* before 1970 in UTC */
		*out_ms = t * 1000;
		return 0;
	}
	if (s[at] == '+')
		sign = 1;
	else if (s[at] == '-')
		sign = -1;
	if (!sign || len != at + 6 || digits(s + at + 1, 2, &oh) || s[at + 3] != ':' ||
	    digits(s + at + 4, 2, &om) || oh > 14 || om > 59)
		return VG_EINVAL;
	*out_ms = (local - sign * (int64_t)(oh * 3600 + om * 60)) * 1000;
	return *out_ms < 0 ? VG_EINVAL : 0;
}

int scope_parts_overlap(int64_t pro_a, int64_t from_a, int64_t to_a, const char *ip_a,
                        int64_t pro_b, int64_t from_b, int64_t to_b, const char *ip_b)
{
	if (pro_a != pro_b || from_a >= to_b || from_b >= to_a)
		return 0;
	return !ip_a[0] || !ip_b[0] || strcmp(ip_a, ip_b) == 0;
}

/* A title is text for people: no control characters (UTF-8 bytes >= 0x80 pass). */
static int title_ok(const char *t)
{
	for (; *t; t++)
		if ((unsigned char)*t < 0x20 || *t == 0x7f)
			return 0;
	return 1;
}

static int fail(char why[BODY_WHY_MAX], const char *msg)
{
	snprintf(why, BODY_WHY_MAX, "%s", msg);
	return VG_EINVAL;
}

static int fill(const char *title, const char *rpps, const char *from, const char *to,
                const char *ip, int64_t now_ms, struct incident_scope_req *o,
                char why[BODY_WHY_MAX])
{
	const char *p = rpps;

	memset(o, 0, sizeof(*o));
	if (title) {
		if (strlen(title) > SCOPE_TITLE_MAX || !title_ok(title))
			return fail(why, "title: at most 120 bytes of text, no control characters");
		snprintf(o->title, sizeof(o->title), "%s", title);
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (o->n_rpps == SCOPE_RPPS_MAX)
			return fail(why, "rpps: at most 64 accounts in one scope");
		if (n != 11 || rpps_validate(p, 11) != 0)
			return fail(why, "rpps: comma-separated 11-digit RPPS numbers, each with "
			                 "a valid Luhn key");
		memcpy(o->rpps[o->n_rpps], p, 11);
		o->rpps[o->n_rpps][11] = '\0';
		for (size_t i = 0; i < o->n_rpps; i++)
			if (strcmp(o->rpps[i], o->rpps[o->n_rpps]) == 0)
				return fail(why, "rpps: an account is named twice");
		o->n_rpps++;
		if (!comma)
			break;
		p = comma + 1;
	}
	if (scope_time_parse(from, strlen(from), &o->from_ms) != 0 ||
	    scope_time_parse(to, strlen(to), &o->to_ms) != 0)
		return fail(why, "from, to: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] (Paris time), "
		                 "or either with Z or +HH:MM");
	if (o->from_ms >= o->to_ms)
		return fail(why, "the window is empty: from must be before to");
	if (o->to_ms - o->from_ms > SCOPE_WINDOW_MAX_MS)
		return fail(why, "the window is longer than 400 days: split the incident");
	if (o->from_ms > now_ms)
		return fail(why, "from is in the future");
	if (ip && ip[0]) {
		unsigned char bin[16];
		int af = strchr(ip, ':') ? AF_INET6 : AF_INET;

		if (inet_pton(af, ip, bin) != 1)
			return fail(why, "ip: an IPv4 or IPv6 address");
		if (!inet_ntop(af, bin, o->ip, sizeof(o->ip)))
			return fail(why, "ip: an IPv4 or IPv6 address");
	}
	return 0;
}

int scope_from_args(const char *title, const char *rpps, const char *from, const char *to,
                    const char *ip, int64_t now_ms, struct incident_scope_req *out,
                    char why[BODY_WHY_MAX])
{
	int rc;

	if (!rpps || !from || !to)
		return fail(why, "a scope needs accounts (rpps), from and to");
	rc = fill(title, rpps, from, to, ip, now_ms, out, why);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int scope_parse(const char *body, size_t len, int with_title, int64_t now_ms,
                struct incident_scope_req *out, char why[BODY_WHY_MAX])
{
	char title[SCOPE_TITLE_MAX + 1], rpps[SCOPE_RPPS_MAX * 12], from[26], to[26], ip[46];
	char *const open_out[] = { title, rpps, from, to, ip };
	char *const widen_out[] = { rpps, from, to, ip };
	int rc;

	memset(out, 0, sizeof(*out));
	if (with_title)
		rc = body_parse(body, len, &OPEN_BODY, open_out, why);
	else
		rc = body_parse(body, len, &WIDEN_BODY, widen_out, why);
	if (rc != 0)
		return VG_EINVAL;
	rc = fill(with_title ? title : NULL, rpps, from, to, ip, now_ms, out, why);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}
