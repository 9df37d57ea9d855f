/*
 * api_ops.c - /healthz and /metrics, for the operators' probes and Prometheus.
 * /healthz is public and says only that the service answers (no version, no
 * uptime: a restart is not anyone's business); /metrics, which shows the
 * guard's decisions, suspensions and the login defences at work, is for
 * operator accounts only (issue 12, item 8).
 */
#include "http/api.h"

#include <stdio.h>
#include <string.h>

#include "http/request.h"
#include "journal/journal.h"
#include "node/access.h"
#include "node/guardian.h"
#include "node/node.h"
#include "core/banned.h"

enum MHD_Result api_healthz(struct req *r)
{
	struct jw w;

	jw_init(&w, 32);
	jw_obj(&w);
	jw_kstr(&w, "status", "ok");
	jw_end(&w);
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}

enum MHD_Result api_metrics(struct req *r)
{
	const char *names[METRICS_ROUTES] = { NULL };
	enum MHD_Result res;
	struct jw w;

	if (auth_require_operator(r, &res) != 0)
		return res; /* 401 without an operator's token, 403 with another's */
	for (size_t i = 0; i < routes_count() && i < METRICS_ROUTES; i++)
		names[i] = routes_at(i)->name;
	jw_init(&w, 4096);
	metrics_render(&r->v->metrics, names, &w);
	{
		struct journal *j = access_log_journal(r->v->access);
		char note[JOURNAL_NOTE_MAX], line[512];
		uint64_t cp = 0;
		size_t len;

		if (journal_checkpoint(j, note, sizeof(note), &len, &cp, NULL) != 0)
			cp = 0;
		snprintf(
		        line, sizeof(line),
		        "# HELP vigie_journal_entries Access-journal entries made durable.\n"
		        "# TYPE vigie_journal_entries gauge\n"
		        "vigie_journal_entries %llu\n"
		        "# HELP vigie_journal_checkpoint_size Tree size of the latest signed checkpoint.\n"
		        "# TYPE vigie_journal_checkpoint_size gauge\n"
		        "vigie_journal_checkpoint_size %llu\n"
		        "# HELP vigie_journal_index_lag Durable entries not yet in the per-person view.\n"
		        "# TYPE vigie_journal_index_lag gauge\n"
		        "vigie_journal_index_lag %llu\n",
		        (unsigned long long)journal_size(j), (unsigned long long)cp,
		        (unsigned long long)access_log_index_lag(r->v->access));
		jw_raw(&w, line, strlen(line));
	}
	{
		uint64_t c[GUARD_DECISIONS];
		char line[160];
		static const char HEAD[] =
		        "# HELP vigie_guard_decisions_total Guard decisions on lookups, by decision.\n"
		        "# TYPE vigie_guard_decisions_total counter\n";

		guardian_counts(r->v->guardian, c);
		jw_raw(&w, HEAD, sizeof(HEAD) - 1);
		for (int i = 0; i < GUARD_DECISIONS; i++) {
			int n = snprintf(line, sizeof(line),
			                 "vigie_guard_decisions_total{decision=\"%s\"} %llu\n",
			                 guard_decision_name((enum guard_decision)i),
			                 (unsigned long long)c[i]);

			if (n > 0 && (size_t)n < sizeof(line))
				jw_raw(&w, line, (size_t)n);
		}
	}
	return reply_json(r, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", &w);
}
