/*
 * scope.h - what an operator says an incident covers, read from a body or
 * the command line: which professional accounts, over which window, and
 * optionally from which client address. Parsing and the overlap rule are
 * pure and thread-safe; resolving RPPS numbers to accounts is the caller's.
 *
 * The body (POST /admin/incidents/open, .../widen) is one flat object of
 * strings, so that the one strict reader of bodies reads it (core/bodies.h):
 *
 *     {"title": "Comptes volés, pharmacie de Lyon",        (open only)
 *      "rpps": "10101010101,10000000009",                   (1..64, comma-separated)
 *      "from": "2026-11-24", "to": "2026-11-26T12:00",      (see scope_time_parse)
 *      "ip": "203.0.113.7"}                                 (optional)
 *
 * Invariants of a parsed struct incident_scope_req: 1 <= n_rpps <=
 * SCOPE_RPPS_MAX, every rpps a valid RPPS number and no two alike,
 * 0 <= from_ms < to_ms, to_ms - from_ms <= SCOPE_WINDOW_MAX_MS, from_ms <=
 * now_ms, ip empty or a valid IPv4/IPv6 text address in canonical form.
 */
#ifndef VIGIE_INCIDENT_SCOPE_H
#define VIGIE_INCIDENT_SCOPE_H

#include <stddef.h>
#include <stdint.h>

#include "core/bodies.h"
#include "core/err.h"

#define SCOPE_RPPS_MAX      64
#define SCOPE_TITLE_MAX     120
#define SCOPE_WINDOW_MAX_MS (400LL * 86400 * 1000) /* a little over a year */

struct incident_scope_req {
	char title[SCOPE_TITLE_MAX + 1]; /* "" when not given (or not asked for) */
	char rpps[SCOPE_RPPS_MAX][12];
	size_t n_rpps;
	int64_t from_ms, to_ms; /* [from, to) */
	char ip[46];            /* "": any address */
};

/*
 * Parse len bytes of untrusted body. with_title: the body may carry "title"
 * (opening); otherwise a "title" member is refused. now_ms bounds "from".
 * Returns 0, or VG_EINVAL with why (never echoing the body).
 */
VG_MUST_USE int scope_parse(const char *body, size_t len, int with_title, int64_t now_ms,
                            struct incident_scope_req *out, char why[BODY_WHY_MAX]);

/*
 * Fill out from the command line's strings (rpps comma-separated; ip may be
 * NULL; title may be NULL): the same checks and messages as scope_parse.
 */
VG_MUST_USE int scope_from_args(const char *title, const char *rpps, const char *from,
                                const char *to, const char *ip, int64_t now_ms,
                                struct incident_scope_req *out, char why[BODY_WHY_MAX]);

/*
 * An instant, in unix milliseconds: "YYYY-MM-DD" (midnight), "YYYY-MM-DDTHH:MM"
 * or "YYYY-MM-DDTHH:MM:SS" in the local time of Europe/Paris (where the
 * operator and the pharmacies are), or any of those with "Z" or "+HH:MM" /
 * "-HH:MM" for an explicit offset. 0 or VG_EINVAL.
 */
VG_MUST_USE int scope_time_parse(const char *s, size_t len, int64_t *out_ms);

/* Whether two parts of a scope overlap: same account, windows that meet, addresses that may. */
int scope_parts_overlap(int64_t pro_a, int64_t from_a, int64_t to_a, const char *ip_a,
                        int64_t pro_b, int64_t from_b, int64_t to_b, const char *ip_b);

#endif
