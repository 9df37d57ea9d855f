/* report.c - see report.h. The French texts are in texts.c. */
#include "incident/report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/civil.h"
#include "core/record.h"
#include "incident/texts.h"
#include "core/banned.h"

void report_iso(int64_t t_ms, char out[32])
{
	time_t t = (time_t)civil_floor_div(t_ms, 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void report_paris(int64_t t_ms, char out[48])
{
	int64_t t = civil_floor_div(t_ms, 1000), y;
	int64_t local = t + (int64_t)civil_paris_offset_min(t) * 60;
	int64_t day = civil_floor_div(local, 86400), sec = local - day * 86400;
	int m, d;

	civil_date(day, &y, &m, &d);
	snprintf(out, 48, "%02d/%02d/%04lld à %02d:%02d", d, m, (long long)y, (int)(sec / 3600),
	         (int)(sec / 60 % 60));
}

/* 510213 -> "510 213" (a no-break space between thousands, as French writes them). */
static void fr_int(int64_t v, char out[40])
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%lld", (long long)(v < 0 ? -v : v)), k = 0;

	if (v < 0)
		out[k++] = '-';
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			out[k++] = (char)0xc2; /* U+00A0 */
			out[k++] = (char)0xa0;
		}
		out[k++] = digits[i];
	}
	out[k] = '\0';
}

/* Two significant digits: 510213 -> 510000 (the "approximate number" of art. 33). */
static int64_t approx(int64_t v)
{
	int64_t p = 1;

	while (v / p >= 100)
		p *= 10;
	return (v + p / 2) / p * p;
}

static void put(struct jw *w, const char *s)
{
	jw_raw(w, s, strlen(s));
}

static void putf(struct jw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct jw *w, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		jw_raw(w, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void report_summary(struct jw *w, const struct incident_view *x, int64_t now_ms)
{
	jw_obj(w);
	report_summary_members(w, x, now_ms);
	jw_end(w);
}

void report_summary_members(struct jw *w, const struct incident_view *x, int64_t now_ms)
{
	struct affected_counts c;
	char t[32];
	int64_t deadline = x->inc.opened_ms + INCIDENT_NOTIFY_MS;

	affected_counts(x->set, &c);
	jw_kint(w, "id", x->inc.id);
	jw_kstr(w, "title", x->inc.title);
	jw_kstr(w, "status", x->inc.status == INCIDENT_OPEN ? "open" : "closed");
	report_iso(x->inc.opened_ms, t);
	jw_kstr(w, "opened", t);
	jw_kint(w, "opened_by", x->inc.opened_by);
	if (x->inc.status != INCIDENT_OPEN) {
		report_iso(x->inc.closed_ms, t);
		jw_kstr(w, "closed", t);
		jw_kint(w, "closed_by", x->inc.closed_by);
	}
	report_iso(deadline, t);
	jw_kstr(w, "notify_before", t);
	jw_kint(w, "notify_seconds_left", civil_floor_div(deadline - now_ms, 1000));
	jw_karr(w, "scope");
	for (size_t i = 0; i < x->n_parts; i++) {
		const struct store_scope *s = &x->parts[i];

		jw_obj(w);
		jw_kint(w, "part", s->seq);
		jw_kstr(w, "rpps", x->part_rpps[i]);
		report_iso(s->from_ms, t);
		jw_kstr(w, "from", t);
		report_iso(s->to_ms, t);
		jw_kstr(w, "to", t);
		if (s->ip[0])
			jw_kstr(w, "ip", s->ip);
		report_iso(s->added_ms, t);
		jw_kstr(w, "added", t);
		jw_end(w);
	}
	jw_end(w);
	jw_kobj(w, "affected");
	jw_kint(w, "persons", c.persons);
	jw_kint(w, "nirs", c.patients);
	jw_kint(w, "records", c.records);
	jw_kint(w, "uncertain", c.uncertain);
	if (c.records) {
		report_iso(c.first_ms, t);
		jw_kstr(w, "first", t);
		report_iso(c.last_ms, t);
		jw_kstr(w, "last", t);
	}
	jw_kobj(w, "by_field");
	for (int f = 0; f < AFF_FIELDS; f++) {
		if (!c.field_records[f])
			continue;
		jw_key(w, affected_field_name(f));
		jw_obj(w);
		jw_kint(w, "persons", c.field_persons[f]);
		jw_kint(w, "records", c.field_records[f]);
		jw_end(w);
	}
	jw_end(w);
	jw_kobj(w, "by_decision");
	for (int d = 0; d < AFF_DECISIONS; d++) {
		jw_key(w, d == AFF_ALLOW ? "full" : "minimised");
		jw_obj(w);
		jw_kint(w, "persons", c.decision_persons[d]);
		jw_kint(w, "records", c.decision_records[d]);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

/* ---- the list ------------------------------------------------------------------- */

struct row {
	struct affected_person p;
	int64_t entries[REPORT_ENTRIES_MAX];
	struct insured_ident id;
	int readable;
};

static int read_row(const struct incident_view *x, struct store *st, const struct vault *v,
                    size_t i, struct row *r)
{
	struct store_insured *s = malloc(sizeof(*s));
	uint8_t pt[RECORD_PACK_MAX];
	int rc;

	memset(r, 0, sizeof(*r));
	affected_person_at(x->set, i, &r->p, r->entries, REPORT_ENTRIES_MAX);
	if (!s)
		return VG_ENOMEM;
	rc = store_insured_get(st, r->p.id, s);
	if (rc == 0 && s->ident_len >= VAULT_OVERHEAD &&
	    vault_unseal(v, "insured", "ident", s->id, s->ident, s->ident_len, pt) == 0 &&
	    record_unpack_ident(pt, s->ident_len - VAULT_OVERHEAD, &r->id) == 0)
		r->readable = 1;
	sodium_memzero(pt, sizeof(pt));
	sodium_memzero(s, sizeof(*s));
	free(s);
	return rc == VG_ENOTFOUND ? 0 : rc;
}

/* A CSV cell: quoted, quotes doubled, and a leading = + - @ defused (spreadsheet formulas). */
static void csv_cell(struct jw *w, const char *s)
{
	jw_raw(w, "\"", 1);
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@')
		jw_raw(w, "'", 1);
	for (; *s; s++) {
		if (*s == '"')
			jw_raw(w, "\"", 1);
		if ((unsigned char)*s >= 0x20)
			jw_raw(w, s, 1);
	}
	jw_raw(w, "\"", 1);
}

static void fields_text(uint32_t bits, char sep, char out[128])
{
	size_t k = 0;

	out[0] = '\0';
	for (int f = 0; f < AFF_FIELDS; f++) {
		if (!(bits & (1u << f)))
			continue;
		k += (size_t)snprintf(out + k, 128 - k, "%s%s", k ? (char[2]){ sep, 0 } : "",
		                      affected_field_name(f));
	}
}

static void csv_row(struct jw *w, const struct row *r)
{
	char f[128], a[32], b[32];

	fields_text(r->p.fields, ' ', f);
	report_iso(r->p.first_ms, a);
	report_iso(r->p.last_ms, b);
	putf(w, "%lld,", (long long)r->p.id);
	csv_cell(w, r->readable ? r->id.family : "");
	jw_raw(w, ",", 1);
	csv_cell(w, r->readable ? r->id.given : "");
	putf(w, ",%s,%u,%s,%u,%s,%s,%u,%u,%d,%zu,", r->readable ? r->id.birth_date : "",
	     r->readable ? r->id.rank : 0, f, r->p.times, a, b, r->p.decisions[AFF_ALLOW],
	     r->p.decisions[AFF_MINIMISE], r->p.uncertain, r->p.n_entries);
	for (size_t e = 0; e < r->p.n_entries && e < REPORT_ENTRIES_MAX; e++)
		putf(w, "%s%lld", e ? " " : "", (long long)r->entries[e]);
	jw_raw(w, "\r\n", 2);
}

static void json_row(struct jw *w, const struct row *r)
{
	char t[32];

	jw_obj(w);
	jw_kint(w, "id", r->p.id);
	if (r->readable) {
		jw_kstr(w, "family", r->id.family);
		jw_kstr(w, "given", r->id.given);
		jw_kstr(w, "birth_date", r->id.birth_date);
		jw_kint(w, "rank", r->id.rank);
	}
	jw_karr(w, "fields");
	for (int f = 0; f < AFF_FIELDS; f++)
		if (r->p.fields & (1u << f))
			jw_str(w, affected_field_name(f));
	jw_end(w);
	jw_kint(w, "times", r->p.times);
	report_iso(r->p.first_ms, t);
	jw_kstr(w, "first", t);
	report_iso(r->p.last_ms, t);
	jw_kstr(w, "last", t);
	jw_kint(w, "full", r->p.decisions[AFF_ALLOW]);
	jw_kint(w, "minimised", r->p.decisions[AFF_MINIMISE]);
	jw_kbool(w, "uncertain", r->p.uncertain);
	jw_kint(w, "entries_total", (int64_t)r->p.n_entries);
	jw_karr(w, "entries");
	for (size_t e = 0; e < r->p.n_entries && e < REPORT_ENTRIES_MAX; e++)
		jw_int(w, r->entries[e]);
	jw_end(w);
	jw_end(w);
}

/* The first index whose id is > after (ids are sorted). */
static size_t first_after(const struct affected *a, int64_t after)
{
	const int64_t *ids = affected_ids(a);
	size_t lo = 0, hi = affected_size(a);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] <= after)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Hand w's bytes to out and empty it (CSV rows go out as they come). */
static int flush(struct jw *w, report_out_fn out, void *ctx)
{
	int rc = w->err;

	if (rc == 0 && w->len)
		rc = out(ctx, w->buf, w->len);
	w->len = 0;
	return rc;
}

int report_list(const struct incident_view *x, struct store *st, const struct vault *v,
                enum report_format fmt, int64_t after, size_t limit, report_out_fn out, void *ctx,
                int64_t *last)
{
	size_t i = first_after(x->set, after), n = affected_size(x->set), k = 0;
	struct row *r = malloc(sizeof(*r));
	struct jw w;
	int rc = 0;

	*last = 0;
	if (!r)
		return VG_ENOMEM;
	jw_init(&w, 64 * 1024);
	if (fmt == REPORT_CSV) {
		put(&w, "id,family,given,birth_date,rank,fields,times,first,last,full,minimised,"
		        "uncertain,entries_total,entries\r\n");
	} else {
		jw_obj(&w);
		jw_kint(&w, "incident", x->inc.id);
		jw_kint(&w, "total", (int64_t)n);
		jw_karr(&w, "persons");
	}
	for (; i < n && (limit == 0 || k < limit) && rc == 0; i++, k++) {
		if ((rc = read_row(x, st, v, i, r)) != 0)
			break;
		if (fmt == REPORT_CSV)
			csv_row(&w, r);
		else
			json_row(&w, r);
		*last = r->p.id;
		sodium_memzero(&r->id, sizeof(r->id));
		if (w.len >= 60 * 1024 && fmt == REPORT_CSV)
			rc = flush(&w, out, ctx);
	}
	if (rc == 0 && fmt == REPORT_JSON) {
		jw_end(&w);
		jw_key(&w, "next_after");
		if (i < n)
			jw_int(&w, *last);
		else
			jw_str(&w, NULL);
		jw_end(&w);
		rc = jw_finish(&w);
	}
	if (rc == 0)
		rc = flush(&w, out, ctx);
	sodium_memzero(r, sizeof(*r));
	free(r);
	if (w.buf)
		sodium_memzero(w.buf, w.cap);
	jw_release(&w);
	return rc;
}

/* ---- the regulator's draft ---------------------------------------------------------- */

void report_draft(struct jw *w, const struct incident_view *x, struct store *st, int64_t now_ms,
                  const char *contact)
{
	struct affected_counts c;
	int64_t deadline = x->inc.opened_ms + INCIDENT_NOTIFY_MS, from = 0, to = 0;
	char a[48], b[48], n1[40], n2[40], n3[40];
	size_t suspended = 0, accounts = 0;

	affected_counts(x->set, &c);
	for (size_t i = 0; i < x->n_parts; i++) {
		if (!from || x->parts[i].from_ms < from)
			from = x->parts[i].from_ms;
		if (x->parts[i].to_ms > to)
			to = x->parts[i].to_ms;
	}
	putf(w, "%s\n", TXT_DRAFT_TITLE);
	putf(w, TXT_DRAFT_INCIDENT "\n", (long long)x->inc.id, x->inc.title);
	report_paris(x->inc.opened_ms, a);
	report_paris(deadline, b);
	putf(w, TXT_DRAFT_CLOCK "\n", a, b);
	if (now_ms > deadline)
		putf(w, TXT_DRAFT_LATE "\n", (long long)((now_ms - deadline) / 3600000));
	putf(w, "\n%s\n", TXT_DRAFT_NATURE_H);
	report_paris(from, a);
	report_paris(to, b);
	putf(w, TXT_DRAFT_NATURE "\n", a, b);
	put(w, TXT_DRAFT_ACCOUNTS);
	for (size_t i = 0; i < x->n_parts; i++) {
		int seen = 0;

		for (size_t j = 0; j < i; j++)
			seen |= strcmp(x->part_rpps[j], x->part_rpps[i]) == 0;
		if (!seen)
			putf(w, "%s%s", i ? ", " : " ", x->part_rpps[i]);
	}
	put(w, ".\n");
	putf(w, "%s\n", TXT_DRAFT_CONFIDENTIALITY);
	putf(w, "\n%s\n", TXT_DRAFT_CATEGORIES_H);
	fr_int(approx(c.persons), n1);
	fr_int(c.persons, n2);
	fr_int(c.patients, n3);
	putf(w, TXT_DRAFT_PERSONS "\n", n1, n2, n3);
	fr_int(c.records, n1);
	putf(w, TXT_DRAFT_RECORDS "\n", n1);
	put(w, TXT_DRAFT_FIELDS_H "\n");
	for (int f = 0; f < AFF_FIELDS; f++) {
		if (!c.field_records[f])
			continue;
		fr_int(c.field_persons[f], n1);
		putf(w, "  - %s : %s\n", texts_field_label(f), n1);
	}
	fr_int(c.decision_records[AFF_ALLOW], n1);
	fr_int(c.decision_persons[AFF_ALLOW], n2);
	putf(w, TXT_DRAFT_FULL "\n", n1, n2);
	fr_int(c.decision_records[AFF_MINIMISE], n1);
	fr_int(c.decision_persons[AFF_MINIMISE], n2);
	putf(w, TXT_DRAFT_MINIMISED "\n", n1, n2);
	if (c.uncertain) {
		fr_int(c.uncertain, n1);
		putf(w, TXT_DRAFT_UNCERTAIN "\n", n1);
	}
	putf(w, "%s\n", TXT_DRAFT_NOT_CONCERNED);
	putf(w, "\n%s\n%s\n", TXT_DRAFT_CONSEQUENCES_H, TXT_DRAFT_CONSEQUENCES);
	putf(w, "\n%s\n", TXT_DRAFT_MEASURES_H);
	for (size_t i = 0; i < x->n_parts; i++) {
		struct store_pro p;
		int seen = 0;

		for (size_t j = 0; j < i; j++)
			seen |= x->parts[j].pro_id == x->parts[i].pro_id;
		if (seen)
			continue;
		accounts++;
		if (store_pro_get_id(st, x->parts[i].pro_id, &p) == 0 && p.suspended)
			suspended++;
		sodium_memzero(&p, sizeof(p));
	}
	putf(w, TXT_DRAFT_SUSPENDED "\n", suspended, accounts);
	fr_int(c.records, n1);
	putf(w, TXT_DRAFT_JOURNAL "\n", n1);
	putf(w, "%s\n", TXT_DRAFT_MEASURES);
	putf(w, "\n%s\n%s\n", TXT_DRAFT_CONTACT_H,
	     contact && contact[0] ? contact : TXT_DRAFT_CONTACT_TODO);
}
