/*
 * metrics.h - counters for /metrics (Prometheus text format 0.0.4).
 * Lock-free: every field is atomic and may be bumped from any thread.
 */
#ifndef VIGIE_NODE_METRICS_H
#define VIGIE_NODE_METRICS_H

#include <stdatomic.h>
#include <stdint.h>
#include "core/jw.h"

#define METRICS_ROUTES  64 /* enum route */
#define METRICS_BUCKETS 12 /* latency histogram buckets */

struct metrics {
	atomic_uint_fast64_t requests[METRICS_ROUTES][6]; /* by route and status class 0..5 */
	atomic_uint_fast64_t
	        latency[METRICS_BUCKETS + 1]; /* cumulative-ready: per bucket, +Inf last */
	atomic_uint_fast64_t latency_sum_us;
	atomic_uint_fast64_t latency_count;
	atomic_uint_fast64_t logins_ok, logins_failed, logins_throttled;
	atomic_uint_fast64_t lookups, persons_returned;
	atomic_uint_fast64_t access_records, access_errors;
	atomic_uint_fast64_t
	        access_unreadable; /* stored rows left out when read: they do not open */
	atomic_uint_fast64_t login_stuffing, login_spread; /* login defences triggered */
	atomic_uint_fast64_t login_spray;                  /* spray alarms raised */
	atomic_uint_fast64_t http_deadlines; /* connections shut past their absolute deadline */
	atomic_uint_fast64_t guard_suspensions, guard_step_ups_done, guard_reinstated;
	atomic_uint_fast64_t card_proofs_ok, card_proofs_bad;
	atomic_uint_fast64_t malformed_throttled; /* malformed lookups answered 429 */
	atomic_uint_fast64_t verify_genuine, verify_unknown, verify_throttled; /* POST /verify */
	atomic_uint_fast64_t reports_received, reports_throttled; /* POST /report-phishing */
	atomic_uint_fast64_t misuse_reports; /* POST /me/reports: "it was not me" */
	atomic_uint_fast64_t incident_acts;  /* operators' acts on incidents, over HTTP */
};

/* Upper bounds of the latency buckets, in seconds. */
extern const double METRICS_BOUNDS[METRICS_BUCKETS];

void metrics_request(struct metrics *m, int route, int status, int64_t dur_ns);
/* Append the text exposition to w (jw_raw only). route_names has METRICS_ROUTES entries. */
void metrics_render(const struct metrics *m, const char *const *route_names, struct jw *w);

#endif
