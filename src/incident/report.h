/*
 * report.h - what an incident gives the people who answer for it: the
 * summary (counts by field and decision, the 72-hour clock), the list of
 * affected people (CSV or JSON, page by page) and the regulator's
 * notification draft (GDPR art. 33, in French).
 *
 * The list is the only output with personal data in clear (names, birth
 * dates): the caller journals the export before any of it leaves
 * (incident_record, "incident.export"). It never holds a NIR, an address
 * or an IBAN: contact details stay sealed, for the campaigns.
 * Thread-safe for distinct outputs.
 */
#ifndef VIGIE_INCIDENT_REPORT_H
#define VIGIE_INCIDENT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/jw.h"
#include "incident/incident.h"

enum report_format { REPORT_CSV = 0, REPORT_JSON = 1 };

#define REPORT_ENTRIES_MAX 32 /* journal entries listed per person (the count is always given) */

/* Write bytes somewhere (a file, a reply buffer): 0 or an error that stops the list. */
typedef int (*report_out_fn)(void *ctx, const char *s, size_t n);

/* The incident, its scope, its counts and deadline, as one JSON object into w. */
void report_summary(struct jw *w, const struct incident_view *x, int64_t now_ms);
/* The same members, into an object the caller opened (and closes). */
void report_summary_members(struct jw *w, const struct incident_view *x, int64_t now_ms);

/*
 * The affected people with id > after, at most limit of them (0: all), in
 * id order, as a CSV table (header first) or a JSON object {"incident",
 * "total", "persons": [...], "next_after"}. *last: the last id written (0
 * when none), for the next page. Returns 0, VG_ENOMEM, or out's error.
 */
VG_MUST_USE int report_list(const struct incident_view *x, struct store *st, const struct vault *v,
                            enum report_format fmt, int64_t after, size_t limit, report_out_fn out,
                            void *ctx, int64_t *last);

/* The notification draft (plain text, French); contact: who the regulator may call. */
void report_draft(struct jw *w, const struct incident_view *x, struct store *st, int64_t now_ms,
                  const char *contact);

/* "2026-11-24T10:04:05Z" */
void report_iso(int64_t t_ms, char out[32]);
/* "24/11/2026 à 11:04" in Paris time */
void report_paris(int64_t t_ms, char out[48]);

#endif
