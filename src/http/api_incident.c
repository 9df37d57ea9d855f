/*
 * api_incident.c - operators after a breach (incident/incident.h):
 *   GET  /admin/incidents                    the incidents, newest first
 *   POST /admin/incidents/open               a scope body (incident/scope.h) -> 201
 *   POST /admin/incidents/<id>/widen         a scope body without "title"
 *   POST /admin/incidents/<id>/close         no body (or {})
 *   GET  /admin/incidents/<id>               the summary: scope, counts, 72-hour clock, campaigns
 *   GET  /admin/incidents/<id>/export        the affected people, ?format=csv|json&after=&limit=
 *   GET  /admin/incidents/<id>/draft         the regulator's notification draft (text)
 * Every act and every export is an access record journaled before it takes
 * effect or its data leaves (incident.h). The affected set is computed on
 * the operators' worker (reply_on_slow), never on an event thread and never
 * in front of a login.
 */
#include "http/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http/request.h"
#include "incident/campaign.h"
#include "incident/incident.h"
#include "incident/report.h"
#include "incident/scope.h"
#include "node/access.h"
#include "node/node.h"
#include "sys/log.h"
#include "core/banned.h"

#define INCIDENTS_MAX    200
#define EXPORT_LIMIT_DEF 1000
#define EXPORT_LIMIT_MAX 10000
#define PREFIX           "/admin/incidents/"

static const char *const CHANNELS[] = { "email", "letter", "sms" };

static int journal_http(void *arg, const struct access_rec *act, uint64_t *index)
{
	return access_log_append_wait(((struct vigie *)arg)->access, act, index);
}

static void ctx_of(struct req *r, struct incident_ctx *c)
{
	*c = (struct incident_ctx){ .st = r->v->store,
		                    .v = r->v->vault,
		                    .journal = journal_http,
		                    .journal_arg = r->v,
		                    .now_ms = r->now_ms,
		                    .by = r->who.id,
		                    .rpps = r->who.rpps };
}

/* "<id>" or "<id>/<action>" after the prefix: 0, or -1 (not an incident path). */
static int target(const char *url, int64_t *id, const char **action)
{
	const char *p = url + strlen(PREFIX);
	int64_t v = 0;
	size_t n = 0;

	*action = "";
	while (p[n] >= '0' && p[n] <= '9') {
		if (n >= 15)
			return -1;
		v = v * 10 + (p[n] - '0');
		n++;
	}
	if (n == 0 || v <= 0 || (p[n] != '\0' && p[n] != '/'))
		return -1;
	*id = v;
	*action = p[n] == '/' ? p + n + 1 : "";
	return 0;
}

static int status_of(int rc)
{
	switch (rc) {
	case VG_EINVAL:
	case VG_ETOOBIG: return MHD_HTTP_BAD_REQUEST;
	case VG_ENOTFOUND: return MHD_HTTP_NOT_FOUND;
	case VG_EEXIST:
	case VG_EDENIED: return MHD_HTTP_CONFLICT;
	default: return MHD_HTTP_SERVICE_UNAVAILABLE;
	}
}

static const char *code_of(int rc)
{
	switch (rc) {
	case VG_EINVAL:
	case VG_ETOOBIG: return "invalid";
	case VG_ENOTFOUND: return "not-found";
	case VG_EEXIST: return "duplicate";
	case VG_EDENIED: return "business-rule";
	default: return "transient";
	}
}

static void prepare_error(struct req *r, int rc, const char *why)
{
	reply_prepare_outcome(r, status_of(rc), code_of(rc),
	                      why && why[0] ? why : "the service is busy; try again");
}

/* The summary of incident id (with the act's journal entry when not 0) as the reply. */
static void prepare_summary(struct req *r, int status, int64_t id, uint64_t entry)
{
	struct incident_view *x = calloc(1, sizeof(*x));
	struct campaign_progress p;
	int rc = x ? incident_load(r->v->store, r->v->vault, id, x) : VG_ENOMEM;
	struct jw w;

	if (rc != 0) {
		prepare_error(r, rc, rc == VG_ENOTFOUND ? "no such incident" : NULL);
		goto out;
	}
	jw_init(&w, 4096);
	jw_obj(&w);
	report_summary_members(&w, x, r->now_ms);
	if (entry)
		jw_kint(&w, "journal_entry", (int64_t)entry);
	jw_karr(&w, "campaigns");
	for (size_t i = 0; i < sizeof(CHANNELS) / sizeof(CHANNELS[0]); i++) {
		if (campaign_status(r->v->store, id, CHANNELS[i], &p) != 0)
			continue;
		jw_obj(&w);
		jw_kstr(&w, "channel", CHANNELS[i]);
		jw_kint(&w, "total", p.total);
		jw_kint(&w, "sent", p.sent);
		jw_kint(&w, "failed", p.failed);
		jw_kbool(&w, "done", p.done);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	reply_prepare_json(r, status, "application/json", &w);
out:
	if (x)
		incident_view_release(x);
	free(x);
}

/* ---- acts (on the operators' worker) ---- */

static void work_act(struct req *r)
{
	struct incident_scope_req *q = calloc(1, sizeof(*q));
	struct incident_ctx c;
	char why[BODY_WHY_MAX] = "";
	const char *action = "";
	int64_t id = 0;
	int rc, opening = strcmp(r->url, PREFIX "open") == 0;

	if (!q) {
		prepare_error(r, VG_ENOMEM, NULL);
		return;
	}
	ctx_of(r, &c);
	if (!opening && target(r->url, &id, &action) != 0) {
		prepare_error(r, VG_ENOTFOUND, "no such incident action");
		goto out;
	}
	/* Accesses journaled until now are in the store before the set is computed. */
	access_log_sync(r->v->access);
	if (opening || strcmp(action, "widen") == 0) {
		rc = scope_parse(r->body ? r->body : "", r->body_len, opening, r->now_ms, q, why);
		if (rc == 0)
			rc = opening ? incident_open(&c, q, &id, why)
			             : incident_widen(&c, id, q, why);
	} else {
		rc = incident_close(&c, id, why);
	}
	if (rc != 0) {
		prepare_error(r, rc, why);
		goto out;
	}
	atomic_fetch_add(&r->v->metrics.incident_acts, 1);
	log_event(LOG_WARN, opening ? "incident.opened" : "incident.changed", LI("incident", id),
	          LS("act", opening ? "open" : action), LI("operator", r->who.id),
	          LI("journal_entry", (int64_t)c.last_index));
	prepare_summary(r, opening ? MHD_HTTP_CREATED : MHD_HTTP_OK, id, c.last_index);
out:
	free(q);
}

enum MHD_Result api_admin_incident_post(struct req *r)
{
	enum MHD_Result res;
	const char *action = "";
	int64_t id;
	char why[BODY_WHY_MAX];

	if (auth_require_fresh_operator(r, &res) != 0)
		return res;
	if (strcmp(r->url, PREFIX "open") != 0 &&
	    (target(r->url, &id, &action) != 0 ||
	     (strcmp(action, "widen") != 0 && strcmp(action, "close") != 0)))
		return reply_outcome(r, MHD_HTTP_NOT_FOUND, "not-found",
		                     "POST /admin/incidents/open, /admin/incidents/<id>/widen or "
		                     "/admin/incidents/<id>/close");
	if (strcmp(action, "close") == 0) {
		if (r->body_len > 0 && !(r->body_len == 2 && memcmp(r->body, "{}", 2) == 0))
			return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
			                     "closing takes no body (or {})");
	} else {
		struct incident_scope_req *q = req_alloc(r, sizeof(*q));

		if (!req_is_json(r))
			return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
			                     "Content-Type must be application/json");
		/* Bad bodies are answered here, without waiting for the worker. */
		if (!q)
			return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
			                     "the service is busy; try again");
		if (scope_parse(r->body ? r->body : "", r->body_len, action[0] == '\0', r->now_ms,
		                q, why) != 0)
			return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
	}
	return reply_on_slow(r, work_act);
}

/* ---- reading ---- */

enum MHD_Result api_admin_incidents(struct req *r)
{
	struct store_incident *xs = req_alloc(r, INCIDENTS_MAX * sizeof(*xs));
	enum MHD_Result res;
	char t[32];
	size_t n = 0;
	struct jw w;

	if (auth_require_operator(r, &res) != 0)
		return res;
	if (!xs || store_incident_list(r->v->store, xs, INCIDENTS_MAX, &n) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	jw_init(&w, 1024 + n * 200);
	jw_obj(&w);
	jw_karr(&w, "incidents");
	for (size_t i = 0; i < n; i++) {
		jw_obj(&w);
		jw_kint(&w, "id", xs[i].id);
		jw_kstr(&w, "title", xs[i].title);
		jw_kstr(&w, "status", xs[i].status == INCIDENT_OPEN ? "open" : "closed");
		report_iso(xs[i].opened_ms, t);
		jw_kstr(&w, "opened", t);
		report_iso(xs[i].opened_ms + INCIDENT_NOTIFY_MS, t);
		jw_kstr(&w, "notify_before", t);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}

static int out_jw(void *ctx, const char *s, size_t n)
{
	struct jw *w = ctx;

	jw_raw(w, s, n);
	return w->err;
}

static void work_export(struct req *r)
{
	struct incident_view *x = calloc(1, sizeof(*x));
	const char *action,
	        *f = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "format");
	enum report_format fmt = f && strcmp(f, "json") == 0 ? REPORT_JSON : REPORT_CSV;
	int64_t id = 0, after = 0, limit = EXPORT_LIMIT_DEF, last = 0, persons = 0;
	struct incident_ctx c;
	struct jw w;
	int rc;

	VG_IGNORE(target(r->url, &id, &action));
	VG_IGNORE(req_query_num(r, "after", INT64_MAX / 2, &after));
	VG_IGNORE(req_query_num(r, "limit", EXPORT_LIMIT_MAX, &limit));
	if (!x || (rc = incident_load(r->v->store, r->v->vault, id, x)) != 0) {
		prepare_error(r, x ? rc : VG_ENOMEM,
		              x && rc == VG_ENOTFOUND ? "no such incident" : NULL);
		goto out;
	}
	jw_init(&w, 64 * 1024);
	rc = report_list(x, r->v->store, r->v->vault, fmt, after, (size_t)limit, out_jw, &w, &last);
	for (size_t i = 0; rc == 0 && i < affected_size(x->set); i++) {
		int64_t p = affected_ids(x->set)[i];

		persons += p > after && p <= last;
	}
	/* Personal data in clear leaves only once this export is in the journal. */
	ctx_of(r, &c);
	if (rc == 0)
		rc = incident_record(&c, id, "incident.export", persons);
	if (rc != 0) {
		sodium_memzero(w.buf, w.len);
		jw_release(&w);
		prepare_error(r, rc == VG_ENOTFOUND ? rc : VG_EBUSY,
		              rc == VG_ENOTFOUND ? "no such incident" : NULL);
		goto out;
	}
	atomic_fetch_add(&r->v->metrics.incident_acts, 1);
	reply_prepare_json(r, MHD_HTTP_OK,
	                   fmt == REPORT_JSON ? "application/json" : "text/csv; charset=utf-8", &w);
	{
		char entry[24];

		snprintf(entry, sizeof(entry), "%llu", (unsigned long long)c.last_index);
		reply_add_header(r, "Vigie-Journal-Entry", entry);
	}
out:
	if (x)
		incident_view_release(x);
	free(x);
}

static void work_draft(struct req *r)
{
	struct incident_view *x = calloc(1, sizeof(*x));
	const char *action;
	int64_t id = 0;
	struct jw w;
	int rc;

	VG_IGNORE(target(r->url, &id, &action));
	if (!x || (rc = incident_load(r->v->store, r->v->vault, id, x)) != 0) {
		prepare_error(r, x ? rc : VG_ENOMEM,
		              x && rc == VG_ENOTFOUND ? "no such incident" : NULL);
		goto out;
	}
	jw_init(&w, 8192);
	report_draft(&w, x, r->v->store, r->now_ms, NULL);
	reply_prepare_json(r, MHD_HTTP_OK, "text/plain; charset=utf-8", &w);
out:
	if (x)
		incident_view_release(x);
	free(x);
}

static void work_summary(struct req *r)
{
	const char *action;
	int64_t id = 0;

	VG_IGNORE(target(r->url, &id, &action));
	prepare_summary(r, MHD_HTTP_OK, id, 0);
}

enum MHD_Result api_admin_incident_get(struct req *r)
{
	enum MHD_Result res;
	const char *action, *f;
	int64_t id, v;

	if (auth_require_operator(r, &res) != 0)
		return res;
	if (target(r->url, &id, &action) != 0)
		return reply_outcome(r, MHD_HTTP_NOT_FOUND, "not-found", "no such incident");
	if (action[0] == '\0')
		return reply_on_slow(r, work_summary);
	if (strcmp(action, "draft") == 0)
		return reply_on_slow(r, work_draft);
	if (strcmp(action, "export") != 0)
		return reply_outcome(r, MHD_HTTP_NOT_FOUND, "not-found",
		                     "GET /admin/incidents/<id>, .../export or .../draft");
	f = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "format");
	if (f && strcmp(f, "csv") != 0 && strcmp(f, "json") != 0)
		return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", "format is csv or json");
	if (req_query_num(r, "after", INT64_MAX / 2, &v) != 0)
		return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                     "after is the last person id of the previous page");
	v = 1;
	if (req_query_num(r, "limit", EXPORT_LIMIT_MAX, &v) != 0 || v == 0)
		return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                     "limit is a number of people from 1 to 10000");
	return reply_on_slow(r, work_export);
}
