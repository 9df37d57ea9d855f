/*
 * Incident scopes (incident/scope.h): the body an operator sends, its
 * times in Paris or with an offset, every refusal (and that none echoes the
 * body), and the overlap rule between two parts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/rpps.h"
#include "incident/scope.h"

/* 2027-01-01T00:00 in Paris (CET): the "now" of these tests. */
#define NOW_MS  1798758000000LL
#define HOUR_MS 3600000LL
#define DAY_MS  (24 * HOUR_MS)

/* The i-th valid RPPS number of these tests ("1000000iii" + its Luhn key). */
static void rpps_n(int i, char out[12])
{
	snprintf(out, 12, "1%09d", i);
	out[10] = (char)rpps_check_digit(out);
	out[11] = '\0';
}

/* Parse exactly len bytes from a heap copy of their own size (ASan sees an over-read). */
static int parse_n(const char *body, size_t len, int with_title, int64_t now,
                   struct incident_scope_req *o, char why[BODY_WHY_MAX])
{
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, body, len);
	why[0] = '\0';
	rc = scope_parse(copy, len, with_title, now, o, why);
	free(copy);
	return rc;
}

static int parse(const char *body, int with_title, struct incident_scope_req *o,
                 char why[BODY_WHY_MAX])
{
	return parse_n(body, strlen(body), with_title, NOW_MS, o, why);
}

static int tparse(const char *s, int64_t *ms)
{
	char *copy = malloc(strlen(s) + 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, s, strlen(s));
	rc = scope_time_parse(copy, strlen(s), ms);
	free(copy);
	return rc;
}

/* The invariants scope.h lists for a parsed request. */
static void assert_invariants(const struct incident_scope_req *o, int64_t now)
{
	assert_true(o->n_rpps >= 1 && o->n_rpps <= SCOPE_RPPS_MAX);
	for (size_t i = 0; i < o->n_rpps; i++) {
		assert_int_equal(strlen(o->rpps[i]), 11);
		assert_int_equal(rpps_validate(o->rpps[i], 11), 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(o->rpps[i], o->rpps[j]);
	}
	assert_true(o->from_ms >= 0);
	assert_true(o->from_ms < o->to_ms);
	assert_true(o->to_ms - o->from_ms <= SCOPE_WINDOW_MAX_MS);
	assert_true(o->from_ms <= now);
	assert_true(strlen(o->title) <= SCOPE_TITLE_MAX);
}

/*
 * The body is refused, with a reason, and the reason quotes none of the
 * body's strings (other than the member names, which it may name).
 */
static void assert_refused_n(const char *body, size_t len, int with_title, int64_t now)
{
	static const char *const NAMES[] = { "title", "rpps", "from", "to", "ip" };
	struct incident_scope_req o;
	char why[BODY_WHY_MAX];
	const char *p = body, *end = body + len;

	memset(&o, 0x5a, sizeof(o));
	if (parse_n(body, len, with_title, now, &o, why) != VG_EINVAL)
		fail_msg("accepted: %.*s", (int)len, body);
	assert_true(why[0] != '\0');
	assert_true(strlen(why) < BODY_WHY_MAX);
	while (p < end) {
		const char *q = memchr(p, '"', (size_t)(end - p)), *r;
		size_t n;
		int named = 0;
		char tok[1024];

		if (!q)
			break;
		r = memchr(q + 1, '"', (size_t)(end - q - 1));
		if (!r)
			break;
		n = (size_t)(r - q - 1);
		p = r + 1;
		if (n < 4 || n >= sizeof(tok))
			continue;
		memcpy(tok, q + 1, n);
		tok[n] = '\0';
		for (size_t k = 0; k < sizeof(NAMES) / sizeof(NAMES[0]); k++)
			named |= strcmp(tok, NAMES[k]) == 0;
		if (!named && strstr(why, tok))
			fail_msg("why echoes %s: %s", tok, why);
	}
}

static void assert_refused(const char *body, int with_title)
{
	assert_refused_n(body, strlen(body), with_title, NOW_MS);
}

static void valid_bodies(void **state)
{
	struct incident_scope_req o;
	char why[BODY_WHY_MAX], a[12], b[12], c[12], body[512];

	(void)state;
	rpps_n(1, a);
	rpps_n(2, b);
	rpps_n(3, c);
	/* One account, dates only: Paris midnights (CET, +01:00). */
	snprintf(body, sizeof(body),
	         "{\"title\": \"Comptes vol\xc3\xa9s, pharmacie de Lyon\", \"rpps\": \"%s\", "
	         "\"from\": \"2026-11-24\", \"to\": \"2026-11-26\"}",
	         a);
	assert_int_equal(parse(body, 1, &o, why), 0);
	assert_invariants(&o, NOW_MS);
	assert_string_equal(o.title, "Comptes vol\xc3\xa9s, pharmacie de Lyon");
	assert_int_equal(o.n_rpps, 1);
	assert_string_equal(o.rpps[0], a);
	assert_int_equal(o.from_ms, 1795474800000LL); /* 2026-11-23T23:00Z */
	assert_int_equal(o.to_ms, 1795474800000LL + 2 * DAY_MS);
	assert_string_equal(o.ip, "");

	/* Several accounts, in the given order; times; an address; no title (widen). */
	snprintf(body, sizeof(body),
	         "{\"rpps\": \"%s,%s,%s\", \"from\": \"2026-07-14T10:00\", "
	         "\"to\": \"2026-07-14T18:30:15\", \"ip\": \"203.0.113.7\"}",
	         c, a, b);
	assert_int_equal(parse(body, 0, &o, why), 0);
	assert_invariants(&o, NOW_MS);
	assert_int_equal(o.n_rpps, 3);
	assert_string_equal(o.rpps[0], c);
	assert_string_equal(o.rpps[1], a);
	assert_string_equal(o.rpps[2], b);
	assert_int_equal(o.from_ms, 1784016000000LL); /* 08:00Z (CEST) */
	assert_int_equal(o.to_ms, 1784016000000LL + 8 * HOUR_MS + 30 * 60000 + 15000);
	assert_string_equal(o.ip, "203.0.113.7");
	assert_string_equal(o.title, "");

	/* Opening without a title is allowed (it is optional). */
	snprintf(body, sizeof(body),
	         "{\"rpps\": \"%s\", \"from\": \"2026-07-14\", \"to\": \"2026-07-15\"}", a);
	assert_int_equal(parse(body, 1, &o, why), 0);
	assert_string_equal(o.title, "");

	/* Explicit offsets: Z and +01:00 name the same instants as Paris in winter. */
	snprintf(
	        body, sizeof(body),
	        "{\"rpps\": \"%s\", \"from\": \"2026-11-23T23:00Z\", \"to\": \"2026-11-24T01:00+01:00\"}",
	        a);
	assert_int_equal(parse(body, 0, &o, why), 0);
	assert_int_equal(o.from_ms, 1795474800000LL);
	assert_int_equal(o.to_ms, 1795474800000LL + HOUR_MS);

	/* Members in any order, whitespace around them. */
	snprintf(
	        body, sizeof(body),
	        " { \"to\" : \"2026-11-26\" ,\n\"ip\":\"\", \"from\":\"2026-11-24\",\"rpps\":\"%s\" } ",
	        a);
	assert_int_equal(parse(body, 0, &o, why), 0);
	assert_int_equal(o.to_ms - o.from_ms, 2 * DAY_MS);
	assert_string_equal(o.ip, "");
}

static void windows_across_dst(void **state)
{
	struct incident_scope_req o;
	char why[BODY_WHY_MAX], a[12], body[256];

	(void)state;
	rpps_n(1, a);
	/* Spring forward (2026-03-29, 02:00 -> 03:00): noon to noon is 23 hours. */
	snprintf(body, sizeof(body),
	         "{\"rpps\": \"%s\", \"from\": \"2026-03-28T12:00\", \"to\": \"2026-03-29T12:00\"}",
	         a);
	assert_int_equal(parse(body, 0, &o, why), 0);
	assert_int_equal(o.from_ms, 1774695600000LL); /* 11:00Z */
	assert_int_equal(o.to_ms, 1774778400000LL);   /* 10:00Z */
	assert_int_equal(o.to_ms - o.from_ms, 23 * HOUR_MS);
	/* Fall back (2026-10-25, 03:00 -> 02:00): noon to noon is 25 hours. */
	snprintf(body, sizeof(body),
	         "{\"rpps\": \"%s\", \"from\": \"2026-10-24T12:00\", \"to\": \"2026-10-25T12:00\"}",
	         a);
	assert_int_equal(parse(body, 0, &o, why), 0);
	assert_int_equal(o.from_ms, 1792836000000LL);
	assert_int_equal(o.to_ms, 1792926000000LL);
	assert_int_equal(o.to_ms - o.from_ms, 25 * HOUR_MS);
	/* Midnight to midnight across each change. */
	snprintf(body, sizeof(body),
	         "{\"rpps\": \"%s\", \"from\": \"2026-03-29\", \"to\": \"2026-03-30\"}", a);
	assert_int_equal(parse(body, 0, &o, why), 0);
	assert_int_equal(o.to_ms - o.from_ms, 23 * HOUR_MS);
	snprintf(body, sizeof(body),
	         "{\"rpps\": \"%s\", \"from\": \"2026-10-25\", \"to\": \"2026-10-26\"}", a);
	assert_int_equal(parse(body, 0, &o, why), 0);
	assert_int_equal(o.to_ms - o.from_ms, 25 * HOUR_MS);
}

static void time_parse_cases(void **state)
{
	int64_t t;

	(void)state;
	/* Paris local time, winter (+01:00) and summer (+02:00). */
	assert_int_equal(tparse("2026-11-24", &t), 0);
	assert_int_equal(t, 1795474800000LL);
	assert_int_equal(tparse("2026-11-24T00:00", &t), 0);
	assert_int_equal(t, 1795474800000LL);
	assert_int_equal(tparse("2026-11-24T00:00:00", &t), 0);
	assert_int_equal(t, 1795474800000LL);
	assert_int_equal(tparse("2026-07-14T10:00", &t), 0);
	assert_int_equal(t, 1784016000000LL);
	assert_int_equal(tparse("2026-07-14T10:00:59", &t), 0);
	assert_int_equal(t, 1784016000000LL + 59000);
	/* Explicit offsets. */
	assert_int_equal(tparse("2026-07-14T10:00Z", &t), 0);
	assert_int_equal(t, 1784023200000LL);
	assert_int_equal(tparse("2026-07-14T10:00:00Z", &t), 0);
	assert_int_equal(t, 1784023200000LL);
	assert_int_equal(tparse("2026-07-14T10:00+01:00", &t), 0);
	assert_int_equal(t, 1784023200000LL - HOUR_MS);
	assert_int_equal(tparse("2026-07-14T10:00:00+02:00", &t), 0);
	assert_int_equal(t, 1784016000000LL);
	assert_int_equal(tparse("2026-07-14T10:00-05:30", &t), 0);
	assert_int_equal(t, 1784023200000LL + 5 * HOUR_MS + 30 * 60000);
	assert_int_equal(tparse("2026-07-14Z", &t), 0);
	assert_int_equal(t, 1784023200000LL - 10 * HOUR_MS);
	assert_int_equal(tparse("2026-07-14+02:00", &t), 0);
	assert_int_equal(t, 1784016000000LL - 10 * HOUR_MS);
	assert_int_equal(tparse("1970-01-01T00:00Z", &t), 0);
	assert_int_equal(t, 0);
	/* Leap years. */
	assert_int_equal(tparse("2028-02-29", &t), 0);
	assert_int_equal(tparse("2000-02-29Z", &t), 0);
	assert_int_equal(t, 951782400000LL);
	/* The DST gaps: the instant just before and after each change. */
	assert_int_equal(tparse("2026-03-29T01:59:59", &t), 0);
	assert_int_equal(t, 1774745999000LL); /* 00:59:59Z */
	assert_int_equal(tparse("2026-03-29T03:00", &t), 0);
	assert_int_equal(t, 1774746000000LL); /* 01:00Z */
	assert_int_equal(tparse("2026-03-29T01:30", &t), 0);
	assert_int_equal(t, 1774744200000LL);
	assert_int_equal(tparse("2026-03-29T03:30", &t), 0);
	assert_int_equal(t, 1774747800000LL);
	/* 02:30 on the spring day does not exist: some instant of the hour around it. */
	assert_int_equal(tparse("2026-03-29T02:30", &t), 0);
	assert_true(t >= 1774744200000LL && t <= 1774747800000LL);
	/* 01:59 in October happens once (CEST), 03:00 once (CET). */
	assert_int_equal(tparse("2026-10-25T01:59", &t), 0);
	assert_int_equal(t, 1792886340000LL); /* 2026-10-24T23:59Z */
	assert_int_equal(tparse("2026-10-25T03:00", &t), 0);
	assert_int_equal(t, 1792893600000LL); /* 02:00Z */
}

/*
 * 02:30 on 2026-10-25 happens twice (00:30Z in CEST, 01:30Z in CET);
 * scope.c's paris_to_utc says it takes "the earlier instant when the
 * clock repeats".
 */
static void time_parse_repeated_hour_is_the_earlier(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(tparse("2026-10-25T02:30", &t), 0);
	assert_int_equal(t, 1792888200000LL); /* 00:30Z */
	assert_int_equal(tparse("2026-10-25T02:00", &t), 0);
	assert_int_equal(t, 1792886400000LL); /* 00:00Z */
}

static void time_parse_refuses(void **state)
{
	static const char *const BAD[] = {
		"",
		"2026",
		"2026-11",
		"2026-11-2",
		"26-11-24",
		"2026/11/24",
		"2026-11-24 10:00",
		"2026-11-24t10:00",
		"2026-11-24T",
		"2026-11-24T10",
		"2026-11-24T10:0",
		"2026-11-24T1:00",
		"2026-11-24T10:00:",
		"2026-11-24T10:00:5",
		"2026-11-24T10:00:00.000",
		"2026-11-24T10:00:00:00",
		"2026-11-24T10h00",
		"2026-11-24T24:00",
		"2026-11-24T23:60",
		"2026-11-24T23:59:60",
		"2026-02-29",
		"2026-02-30",
		"2026-02-31",
		"2026-04-31",
		"2026-13-01",
		"2026-00-10",
		"2026-11-00",
		"2026-11-32",
		"1900-02-29",
		"1969-12-31Z",
		"1969-12-31T23:00-02:00",
		"2026-11-24Tab:cd",
		"2026-11-24T10:00z",
		"2026-11-24T10:00Z ",
		" 2026-11-24",
		"2026-11-24T10:00+1:00",
		"2026-11-24T10:00+01",
		"2026-11-24T10:00+0100",
		"2026-11-24T10:00+15:00",
		"2026-11-24T10:00+01:60",
		"2026-11-24T10:00+01:00Z",
		"2026-11-24T10:00ZZ",
		"2026-11-24T10:00:00+01:00:00",
		"+026-11-24",
		"2026-+1-24",
		"2026-1a-24",
		"2026-11-24T-1:00",
		"1970-01-01T00:00+14:00",
	};
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++)
		if (tparse(BAD[i], &t) != VG_EINVAL)
			fail_msg("accepted %s", BAD[i]);
	/* Embedded NUL: the length is what counts. */
	assert_int_equal(scope_time_parse("2026-11-24\0", 11, &t), VG_EINVAL);
	assert_int_equal(scope_time_parse("2026-11-24T10:00", 10, &t), 0);
	assert_int_equal(t, 1795474800000LL);
}

/* An instant is unix milliseconds: never before 1970 (scope.h: 0 <= from_ms). */
static void time_parse_never_negative(void **state)
{
	int64_t t = 0;

	(void)state;
	/* Midnight in Paris on 1970-01-01 is 1969-12-31T23:00Z. */
	if (tparse("1970-01-01", &t) == 0)
		assert_true(t >= 0);
	if (tparse("1970-01-01T00:59", &t) == 0)
		assert_true(t >= 0);
	assert_int_equal(tparse("1970-01-01T01:00", &t), 0);
	assert_int_equal(t, 0);
}

static void refusals(void **state)
{
	char a[12], b[12], body[2048], list[SCOPE_RPPS_MAX * 12 + 16];
	struct incident_scope_req o;
	char why[BODY_WHY_MAX];
	size_t n = 0;

	(void)state;
	rpps_n(1, a);
	rpps_n(2, b);
#define BODY(rpps, from, to, extra)                                                                \
	snprintf(body, sizeof(body), "{\"rpps\": \"%s\", \"from\": \"%s\", \"to\": \"%s\"%s}",     \
	         rpps, from, to, extra)
	/* Bad Luhn key, wrong length, junk in the list. */
	BODY("10000000011", "2026-11-24", "2026-11-26", "");
	assert_refused(body, 0);
	BODY("1000000001", "2026-11-24", "2026-11-26", "");
	assert_refused(body, 0);
	snprintf(list, sizeof(list), "%s,", a);
	BODY(list, "2026-11-24", "2026-11-26", "");
	assert_refused(body, 0);
	snprintf(list, sizeof(list), ",%s", a);
	BODY(list, "2026-11-24", "2026-11-26", "");
	assert_refused(body, 0);
	snprintf(list, sizeof(list), "%s, %s", a, b);
	BODY(list, "2026-11-24", "2026-11-26", "");
	assert_refused(body, 0);
	snprintf(list, sizeof(list), "%s;%s", a, b);
	BODY(list, "2026-11-24", "2026-11-26", "");
	assert_refused(body, 0);
	snprintf(list, sizeof(list), "%s,,%s", a, b);
	BODY(list, "2026-11-24", "2026-11-26", "");
	assert_refused(body, 0);
	/* The same account twice. */
	snprintf(list, sizeof(list), "%s,%s,%s", a, b, a);
	BODY(list, "2026-11-24", "2026-11-26", "");
	assert_refused(body, 0);
	/* 64 accounts is the most; 65 is refused. */
	for (int i = 0; i < SCOPE_RPPS_MAX; i++) {
		char r[12];

		rpps_n(100 + i, r);
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? "," : "", r);
	}
	BODY(list, "2026-11-24", "2026-11-26", "");
	assert_int_equal(parse(body, 0, &o, why), 0);
	assert_int_equal(o.n_rpps, SCOPE_RPPS_MAX);
	assert_invariants(&o, NOW_MS);
	snprintf(list + n, sizeof(list) - n, ",%s", a);
	BODY(list, "2026-11-24", "2026-11-26", "");
	assert_refused(body, 0);
	/* An empty or reversed window. */
	BODY(a, "2026-11-24", "2026-11-24", "");
	assert_refused(body, 0);
	BODY(a, "2026-11-24T10:00", "2026-11-24T09:00Z", ""); /* the same instant */
	assert_refused(body, 0);
	BODY(a, "2026-11-26", "2026-11-24", "");
	assert_refused(body, 0);
	/* 400 days is the longest window, 400 days and a second too long. */
	BODY(a, "2025-01-01T00:00Z", "2026-02-05T00:00Z", "");
	assert_int_equal(parse(body, 0, &o, why), 0);
	assert_int_equal(o.to_ms - o.from_ms, SCOPE_WINDOW_MAX_MS);
	BODY(a, "2025-01-01T00:00Z", "2026-02-05T00:00:01Z", "");
	assert_refused(body, 0);
	/* from in the future of now_ms; from == now is fine, to may be in the future. */
	BODY(a, "2027-01-01T00:00:01", "2027-01-02", "");
	assert_refused(body, 0);
	BODY(a, "2027-01-01", "2027-03-01", "");
	assert_int_equal(parse(body, 0, &o, why), 0);
	assert_int_equal(o.from_ms, NOW_MS);
	assert_refused_n(body, strlen(body), 0, NOW_MS - 1);
	/* Bad times. */
	BODY(a, "2026-02-30", "2026-03-02", "");
	assert_refused(body, 0);
	BODY(a, "24/11/2026", "2026-11-26", "");
	assert_refused(body, 0);
	BODY(a, "2026-11-24", "2026-11-26T25:00", "");
	assert_refused(body, 0);
	/* Bad addresses. */
	static const char *const BAD_IP[] = {
		"256.1.1.1",    "1.2.3",         "1.2.3.4.5",        "203.0.113.7 ",
		" 203.0.113.7", "localhost",     "203.0.113.7/32",   "2001:db8::1::2",
		"2001:db8::g",  "fe80::1%eth0",  "::ffff:1.2.3.256", "1.2.3.4:80",
		"0x7f.0.0.1",   "203.0.113.07x",
	};
	for (size_t i = 0; i < sizeof(BAD_IP) / sizeof(BAD_IP[0]); i++) {
		char extra[128];

		snprintf(extra, sizeof(extra), ", \"ip\": \"%s\"", BAD_IP[i]);
		BODY(a, "2026-11-24", "2026-11-26", extra);
		assert_refused(body, 0);
	}
	/* A title only when opening. */
	BODY(a, "2026-11-24", "2026-11-26", ", \"title\": \"Pharmacie Xyzzy\"");
	assert_refused(body, 0);
	assert_int_equal(parse(body, 1, &o, why), 0);
	assert_string_equal(o.title, "Pharmacie Xyzzy");
	/* A title with a control character, or longer than 120 bytes. */
	BODY(a, "2026-11-24", "2026-11-26", ", \"title\": \"Pharmacie\\nXyzzy\"");
	assert_refused(body, 1);
	BODY(a, "2026-11-24", "2026-11-26", ", \"title\": \"Pharmacie\\u0007Xyzzy\"");
	assert_refused(body, 1);
	{
		char extra[256], t[122];

		memset(t, 'T', 121);
		t[121] = '\0';
		snprintf(extra, sizeof(extra), ", \"title\": \"%s\"", t);
		BODY(a, "2026-11-24", "2026-11-26", extra);
		assert_refused(body, 1);
		t[120] = '\0';
		snprintf(extra, sizeof(extra), ", \"title\": \"%s\"", t);
		BODY(a, "2026-11-24", "2026-11-26", extra);
		assert_int_equal(parse(body, 1, &o, why), 0);
		assert_int_equal(strlen(o.title), 120);
	}
	/* Unknown and repeated members. */
	BODY(a, "2026-11-24", "2026-11-26", ", \"zzsecretzz\": \"value-secret\"");
	assert_refused(body, 1);
	BODY(a, "2026-11-24", "2026-11-26", ", \"from\": \"2026-11-25\"");
	assert_refused(body, 0);
#undef BODY
	/* Missing members. */
	snprintf(body, sizeof(body), "{\"from\": \"2026-11-24\", \"to\": \"2026-11-26\"}");
	assert_refused(body, 0);
	snprintf(body, sizeof(body), "{\"rpps\": \"%s\", \"to\": \"2026-11-26\"}", a);
	assert_refused(body, 0);
	snprintf(body, sizeof(body), "{\"rpps\": \"%s\", \"from\": \"2026-11-24\"}", a);
	assert_refused(body, 1);
	assert_refused("{}", 1);
	/* Members that are not strings. */
	snprintf(body, sizeof(body),
	         "{\"rpps\": 10000000009, \"from\": \"2026-11-24\", \"to\": \"2026-11-26\"}");
	assert_refused(body, 0);
	snprintf(body, sizeof(body),
	         "{\"rpps\": [\"%s\"], \"from\": \"2026-11-24\", \"to\": \"2026-11-26\"}", a);
	assert_refused(body, 0);
	snprintf(body, sizeof(body), "{\"rpps\": \"%s\", \"from\": null, \"to\": \"2026-11-26\"}",
	         a);
	assert_refused(body, 0);
	snprintf(body, sizeof(body),
	         "{\"rpps\": \"%s\", \"from\": \"2026-11-24\", \"to\": 1795474800000}", a);
	assert_refused(body, 0);
	snprintf(
	        body, sizeof(body),
	        "{\"rpps\": \"%s\", \"from\": \"2026-11-24\", \"to\": \"2026-11-26\", \"ip\": 3405803783}",
	        a);
	assert_refused(body, 0);
	snprintf(
	        body, sizeof(body),
	        "{\"rpps\": \"%s\", \"from\": \"2026-11-24\", \"to\": \"2026-11-26\", \"title\": {\"t\": \"x\"}}",
	        a);
	assert_refused(body, 1);
	snprintf(
	        body, sizeof(body),
	        "{\"rpps\": \"%s\", \"from\": \"2026-11-24\", \"to\": \"2026-11-26\", \"title\": true}",
	        a);
	assert_refused(body, 1);
	/* Not an object, not JSON, truncated, trailing bytes. */
	assert_refused("", 1);
	assert_refused("[]", 1);
	assert_refused("\"rpps\"", 1);
	assert_refused("null", 0);
	snprintf(body, sizeof(body),
	         "{\"rpps\": \"%s\", \"from\": \"2026-11-24\", \"to\": \"2026-11-26\"", a);
	assert_refused(body, 0);
	snprintf(body, sizeof(body),
	         "{\"rpps\": \"%s\", \"from\": \"2026-11-24\", \"to\": \"2026-11-26\"} {}", a);
	assert_refused(body, 0);
	/* A NUL inside: the length is what counts. */
	snprintf(body, sizeof(body),
	         "{\"rpps\": \"%s\", \"from\": \"2026-11-24\", \"to\": \"2026-11-26\"}", a);
	assert_refused_n(body, strlen(body) + 1, 0, NOW_MS);
	assert_refused_n(body, strlen(body) - 1, 0, NOW_MS);
}

static void ip_is_canonical(void **state)
{
	static const char *const CASES[][2] = {
		{ "203.0.113.7", "203.0.113.7" },
		{ "2001:db8::1", "2001:db8::1" },
		{ "2001:DB8::1", "2001:db8::1" },
		{ "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
		{ "::1", "::1" },
		{ "203.0.113.07", "203.0.113.7" },
		{ "::ffff:203.0.113.7", "::ffff:203.0.113.7" },
	};
	struct incident_scope_req o;
	char why[BODY_WHY_MAX], a[12], body[256];

	(void)state;
	rpps_n(1, a);
	for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
		snprintf(
		        body, sizeof(body),
		        "{\"rpps\": \"%s\", \"from\": \"2026-11-24\", \"to\": \"2026-11-26\", \"ip\": \"%s\"}",
		        a, CASES[i][0]);
		/* scope.h: a parsed ip is in canonical form (refusing a non-canonical one would do too). */
		if (parse(body, 0, &o, why) == 0)
			assert_string_equal(o.ip, CASES[i][1]);
		else
			assert_true(why[0] != '\0');
	}
	/* The plain canonical forms are accepted as they are. */
	snprintf(
	        body, sizeof(body),
	        "{\"rpps\": \"%s\", \"from\": \"2026-11-24\", \"to\": \"2026-11-26\", \"ip\": \"2001:db8::1\"}",
	        a);
	assert_int_equal(parse(body, 0, &o, why), 0);
	assert_string_equal(o.ip, "2001:db8::1");
}

/* scope_from_args makes the same checks, with the same messages, as scope_parse. */
static void from_args_matches_parse(void **state)
{
	struct incident_scope_req o, p;
	char why[BODY_WHY_MAX], why2[BODY_WHY_MAX], a[12], b[12], list[32], body[512];
	static const char *const CASES[][5] = {
		/* title, rpps ("A": a, "AB": a,b, "AA": a,a), from, to, ip */
		{ "Titre", "AB", "2026-11-24", "2026-11-26", "203.0.113.7" },
		{ NULL, "A", "2026-11-24T10:00", "2026-11-24T12:00Z", "" },
		{ NULL, "AA", "2026-11-24", "2026-11-26", "" },
		{ NULL, "X", "2026-11-24", "2026-11-26", "" },
		{ NULL, "A", "2026-11-26", "2026-11-24", "" },
		{ NULL, "A", "2024-11-24", "2026-11-26", "" },
		{ NULL, "A", "2027-02-01", "2027-02-02", "" },
		{ NULL, "A", "2026-02-30", "2026-03-02", "" },
		{ NULL, "A", "2026-11-24", "2026-11-26", "1.2.3" },
	};

	(void)state;
	rpps_n(1, a);
	rpps_n(2, b);
	for (size_t i = 0; i < sizeof(CASES) / sizeof(CASES[0]); i++) {
		const char *const *c = CASES[i];
		int r1, r2;

		if (strcmp(c[1], "A") == 0)
			snprintf(list, sizeof(list), "%s", a);
		else if (strcmp(c[1], "AB") == 0)
			snprintf(list, sizeof(list), "%s,%s", a, b);
		else if (strcmp(c[1], "AA") == 0)
			snprintf(list, sizeof(list), "%s,%s", a, a);
		else { /* a's number with a wrong key */
			snprintf(list, sizeof(list), "%s", a);
			list[10] = (char)('0' + (list[10] - '0' + 1) % 10);
		}
		why[0] = why2[0] = '\0';
		r1 = scope_from_args(c[0], list, c[2], c[3], c[4], NOW_MS, &o, why);
		if (c[0])
			snprintf(
			        body, sizeof(body),
			        "{\"title\": \"%s\", \"rpps\": \"%s\", \"from\": \"%s\", \"to\": \"%s\", "
			        "\"ip\": \"%s\"}",
			        c[0], list, c[2], c[3], c[4]);
		else
			snprintf(
			        body, sizeof(body),
			        "{\"rpps\": \"%s\", \"from\": \"%s\", \"to\": \"%s\", \"ip\": \"%s\"}",
			        list, c[2], c[3], c[4]);
		r2 = parse(body, 1, &p, why2);
		assert_int_equal(r1, r2);
		if (r1 == 0) {
			assert_invariants(&o, NOW_MS);
			assert_int_equal(o.n_rpps, p.n_rpps);
			assert_int_equal(o.from_ms, p.from_ms);
			assert_int_equal(o.to_ms, p.to_ms);
			assert_string_equal(o.ip, p.ip);
			assert_string_equal(o.title, p.title);
		} else {
			assert_string_equal(why, why2);
		}
	}
	/* NULL ip and title are "none". */
	assert_int_equal(
	        scope_from_args(NULL, a, "2026-11-24", "2026-11-26", NULL, NOW_MS, &o, why), 0);
	assert_string_equal(o.ip, "");
	assert_string_equal(o.title, "");
	/* Missing rpps, from or to. */
	assert_int_equal(
	        scope_from_args(NULL, NULL, "2026-11-24", "2026-11-26", NULL, NOW_MS, &o, why),
	        VG_EINVAL);
	assert_int_equal(scope_from_args(NULL, a, NULL, "2026-11-26", NULL, NOW_MS, &o, why),
	                 VG_EINVAL);
	assert_int_equal(scope_from_args(NULL, a, "2026-11-24", NULL, NULL, NOW_MS, &o, why),
	                 VG_EINVAL);
}

static int ov(int64_t pa, int64_t fa, int64_t ta, const char *ia, int64_t pb, int64_t fb,
              int64_t tb, const char *ib)
{
	int r = scope_parts_overlap(pa, fa, ta, ia, pb, fb, tb, ib);

	/* The relation is symmetric. */
	assert_int_equal(r, scope_parts_overlap(pb, fb, tb, ib, pa, fa, ta, ia));
	return r;
}

static void overlap_truth_table(void **state)
{
	(void)state;
	/* Same account, windows [10, 20) against others; any address. */
	assert_true(ov(1, 10, 20, "", 1, 10, 20, "")); /* equal */
	assert_true(ov(1, 10, 20, "", 1, 15, 25, "")); /* overlapping */
	assert_true(ov(1, 10, 20, "", 1, 12, 18, "")); /* inside */
	assert_true(ov(1, 10, 20, "", 1, 0, 100, "")); /* around */
	assert_true(ov(1, 10, 20, "", 1, 19, 30, "")); /* one millisecond in common */
	assert_true(ov(1, 10, 20, "", 1, 0, 11, ""));
	assert_false(ov(1, 10, 20, "", 1, 20, 30, "")); /* [from, to): adjacent, nothing shared */
	assert_false(ov(1, 10, 20, "", 1, 0, 10, ""));
	assert_false(ov(1, 10, 20, "", 1, 30, 40, "")); /* apart */
	/* Another account never overlaps. */
	assert_false(ov(1, 10, 20, "", 2, 10, 20, ""));
	assert_false(ov(1, 10, 20, "1.2.3.4", 2, 10, 20, "1.2.3.4"));
	/* Addresses: "any" overlaps every address; two addresses only when equal. */
	assert_true(ov(1, 10, 20, "", 1, 10, 20, "1.2.3.4"));
	assert_true(ov(1, 10, 20, "1.2.3.4", 1, 10, 20, "1.2.3.4"));
	assert_false(ov(1, 10, 20, "1.2.3.4", 1, 10, 20, "1.2.3.5"));
	assert_true(ov(1, 10, 20, "2001:db8::1", 1, 15, 25, ""));
	assert_false(ov(1, 10, 20, "2001:db8::1", 1, 15, 25, "2001:db8::2"));
	/* Different addresses and windows apart: still no. */
	assert_false(ov(1, 10, 20, "1.2.3.4", 1, 20, 30, ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_bodies),
		cmocka_unit_test(windows_across_dst),
		cmocka_unit_test(time_parse_cases),
		cmocka_unit_test(time_parse_repeated_hour_is_the_earlier),
		cmocka_unit_test(time_parse_refuses),
		cmocka_unit_test(time_parse_never_negative),
		cmocka_unit_test(refusals),
		cmocka_unit_test(ip_is_canonical),
		cmocka_unit_test(from_args_matches_parse),
		cmocka_unit_test(overlap_truth_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
