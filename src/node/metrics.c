#include "node/metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/banned.h"

const double METRICS_BOUNDS[METRICS_BUCKETS] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
};

void metrics_request(struct metrics *m, int route, int status, int64_t dur_ns)
{
	int cls = status / 100;
	double s = (double)dur_ns / 1e9;
	int b = 0;

	if (route < 0 || route >= METRICS_ROUTES)
		route = 0;
	if (cls < 0 || cls > 5)
		cls = 0;
	atomic_fetch_add_explicit(&m->requests[route][cls], 1, memory_order_relaxed);
	while (b < METRICS_BUCKETS && s > METRICS_BOUNDS[b])
		b++;
	atomic_fetch_add_explicit(&m->latency[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency_sum_us, (uint64_t)(dur_ns / 1000),
	                          memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency_count, 1, memory_order_relaxed);
}

static void line(struct jw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line(struct jw *w, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		jw_raw(w, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

#define LOAD(x) ((unsigned long long)atomic_load_explicit(&(x), memory_order_relaxed))

static void counter(struct jw *w, const char *name, const char *help, unsigned long long v)
{
	line(w, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name, v);
}

void metrics_render(const struct metrics *m, const char *const *route_names, struct jw *w)
{
	static const char *const CLS[] = { "0xx", "1xx", "2xx", "3xx", "4xx", "5xx" };
	unsigned long long cum = 0;

	line(w, "# HELP vigie_http_requests_total HTTP requests by route and status class.\n"
	        "# TYPE vigie_http_requests_total counter\n");
	for (int r = 0; r < METRICS_ROUTES; r++)
		for (int c = 1; c < 6; c++) {
			unsigned long long v = LOAD(((struct metrics *)m)->requests[r][c]);

			if (v && route_names[r])
				line(w,
				     "vigie_http_requests_total{route=\"%s\",code=\"%s\"} %llu\n",
				     route_names[r], CLS[c], v);
		}
	line(w,
	     "# HELP vigie_http_request_duration_seconds Time from request start to completion.\n"
	     "# TYPE vigie_http_request_duration_seconds histogram\n");
	for (int b = 0; b < METRICS_BUCKETS; b++) {
		cum += LOAD(((struct metrics *)m)->latency[b]);
		line(w, "vigie_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
		     METRICS_BOUNDS[b], cum);
	}
	cum += LOAD(((struct metrics *)m)->latency[METRICS_BUCKETS]);
	line(w, "vigie_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	line(w, "vigie_http_request_duration_seconds_sum %.6f\n",
	     (double)LOAD(((struct metrics *)m)->latency_sum_us) / 1e6);
	line(w, "vigie_http_request_duration_seconds_count %llu\n",
	     LOAD(((struct metrics *)m)->latency_count));
	counter(w, "vigie_logins_ok_total", "Successful professional logins.",
	        LOAD(((struct metrics *)m)->logins_ok));
	counter(w, "vigie_logins_failed_total", "Failed professional logins (any reason).",
	        LOAD(((struct metrics *)m)->logins_failed));
	counter(w, "vigie_logins_throttled_total", "Logins refused by throttling.",
	        LOAD(((struct metrics *)m)->logins_throttled));
	counter(w, "vigie_lookups_total", "Rights lookups answered.",
	        LOAD(((struct metrics *)m)->lookups));
	counter(w, "vigie_persons_returned_total", "Persons disclosed by lookups.",
	        LOAD(((struct metrics *)m)->persons_returned));
	counter(w, "vigie_access_records_total", "Access records written.",
	        LOAD(((struct metrics *)m)->access_records));
	counter(w, "vigie_access_record_errors_total", "Access records that could not be written.",
	        LOAD(((struct metrics *)m)->access_errors));
	counter(w, "vigie_access_rows_unreadable_total",
	        "Stored access rows left out when read: they do not open or match their entry.",
	        LOAD(((struct metrics *)m)->access_unreadable));
	counter(w, "vigie_login_spray_alarms_total",
	        "Spray alarms raised (failed insured logins across addresses).",
	        LOAD(((struct metrics *)m)->login_spray));
	counter(w, "vigie_http_deadlines_total",
	        "Connections shut for missing their headers' or body's absolute deadline.",
	        LOAD(((struct metrics *)m)->http_deadlines));
	counter(w, "vigie_login_stuffing_blocks_total",
	        "Addresses blocked for failing logins on many accounts.",
	        LOAD(((struct metrics *)m)->login_stuffing));
	counter(w, "vigie_login_many_sources_locks_total",
	        "Accounts locked for failed logins from many addresses.",
	        LOAD(((struct metrics *)m)->login_spread));
	counter(w, "vigie_guard_suspensions_total", "Accounts suspended by the guard (alerts).",
	        LOAD(((struct metrics *)m)->guard_suspensions));
	counter(w, "vigie_guard_step_ups_total", "Step-ups satisfied with a fresh one-time code.",
	        LOAD(((struct metrics *)m)->guard_step_ups_done));
	counter(w, "vigie_guard_reinstated_total", "Suspensions lifted by an operator.",
	        LOAD(((struct metrics *)m)->guard_reinstated));
	counter(w, "vigie_card_proofs_accepted_total", "Card-presence proofs accepted.",
	        LOAD(((struct metrics *)m)->card_proofs_ok));
	counter(w, "vigie_card_proofs_refused_total",
	        "Card-presence proofs refused (bad, expired or replayed).",
	        LOAD(((struct metrics *)m)->card_proofs_bad));
	counter(w, "vigie_lookups_malformed_throttled_total",
	        "Malformed lookups answered 429 past their account's budget.",
	        LOAD(((struct metrics *)m)->malformed_throttled));
	counter(w, "vigie_verify_genuine_total", "Message codes checked and found genuine.",
	        LOAD(((struct metrics *)m)->verify_genuine));
	counter(w, "vigie_verify_unknown_total", "Message codes checked and not found.",
	        LOAD(((struct metrics *)m)->verify_unknown));
	counter(w, "vigie_verify_throttled_total", "Code checks refused by the throttle.",
	        LOAD(((struct metrics *)m)->verify_throttled));
	counter(w, "vigie_phishing_reports_total", "Suspicious messages reported.",
	        LOAD(((struct metrics *)m)->reports_received));
	counter(w, "vigie_phishing_reports_throttled_total", "Reports refused by the throttle.",
	        LOAD(((struct metrics *)m)->reports_throttled));
	counter(w, "vigie_misuse_reports_total",
	        "Accesses an insured person reported as not theirs.",
	        LOAD(((struct metrics *)m)->misuse_reports));
	counter(w, "vigie_incident_acts_total",
	        "Operators' acts on incidents (open, widen, close, export).",
	        LOAD(((struct metrics *)m)->incident_acts));
}
