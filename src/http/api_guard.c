/*
 * api_guard.c - what the guard leaves for people to read and do:
 *   GET  /auth/pro/notices   a professional's notices (new client, suspension...)
 *   GET  /admin/alerts       operators: the guard's alerts and the suspended accounts
 *   POST /admin/reinstate    operators: {"rpps"} lifts a suspension
 * (The step-up is in api_auth.c, beside the TOTP checks it shares.)
 */
#include "http/http.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>

#include "core/guard.h"
#include "core/log.h"
#include "core/rpps.h"
#include "http/guardian.h"

#define NOTICES_MAX 50
#define SUSPENDED_MAX 200

void notice_add(struct vigie *v, int64_t pro_id, int64_t t_s, const char *kind,
                const char *detail_json)
{
	struct store_notice x = { .pro_id = pro_id, .t = t_s };
	size_t len = strlen(detail_json);

	snprintf(x.kind, sizeof(x.kind), "%s", kind);
	if (len + VAULT_OVERHEAD > sizeof(x.detail) ||
	    vault_seal(v->vault, "notice", "detail", pro_id, (const uint8_t *)detail_json, len,
	               x.detail) != 0) {
		log_event(LOG_ERROR, "notice.seal_failed", LI("pro", pro_id), LS("kind", kind));
		return;
	}
	x.detail_len = len + VAULT_OVERHEAD;
	if (store_notice_put(v->store, &x) != 0)
		log_event(LOG_ERROR, "notice.store_failed", LI("pro", pro_id), LS("kind", kind));
}

static void iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum MHD_Result api_notices(struct req *r)
{
	static __thread struct store_notice xs[NOTICES_MAX];
	uint8_t pt[NOTICE_DETAIL_MAX];
	enum MHD_Result res;
	char when[32];
	size_t n = 0;
	struct jw w;

	if (auth_require(r, &res) != 0)
		return res;
	if (store_notice_list(r->v->store, r->pro_id, INT64_MAX, xs, NOTICES_MAX, &n) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	jw_init(&w, 1024);
	jw_obj(&w);
	jw_karr(&w, "notices");
	for (size_t i = 0; i < n; i++) {
		struct store_notice *x = &xs[i];
		size_t len = x->detail_len - VAULT_OVERHEAD;

		if (x->detail_len < VAULT_OVERHEAD ||
		    vault_unseal(r->v->vault, "notice", "detail", r->pro_id, x->detail, x->detail_len,
		                 pt) != 0)
			continue; /* not ours or damaged: not shown */
		iso_time(x->t, when);
		jw_obj(&w);
		jw_kint(&w, "id", x->id);
		jw_kstr(&w, "time", when);
		jw_kstr(&w, "kind", x->kind);
		jw_key(&w, "detail");
		jw_raw_value(&w, (const char *)pt, len); /* JSON we wrote and sealed ourselves */
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	sodium_memzero(pt, sizeof(pt));
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}

static void reasons_array(struct jw *w, uint32_t bits)
{
	jw_karr(w, "reasons");
	for (unsigned i = 0; i < GUARD_REASONS; i++)
		if (bits & (1u << i))
			jw_str(w, guard_reason_name(i));
	jw_end(w);
}

enum MHD_Result api_admin_alerts(struct req *r)
{
	static __thread struct guardian_alert al[GUARDIAN_ALERTS];
	static __thread struct store_pro sus[SUSPENDED_MAX];
	enum MHD_Result res;
	char when[32];
	size_t n, ns = 0;
	struct jw w;

	if (auth_require_operator(r, &res) != 0)
		return res;
	if (store_pro_suspended(r->v->store, sus, SUSPENDED_MAX, &ns) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	n = guardian_alerts(r->v->guardian, al, GUARDIAN_ALERTS);
	jw_init(&w, 4096);
	jw_obj(&w);
	jw_karr(&w, "alerts");
	for (size_t i = 0; i < n; i++) {
		iso_time(al[i].t_ms / 1000, when);
		jw_obj(&w);
		jw_kint(&w, "id", (int64_t)al[i].id);
		jw_kstr(&w, "time", when);
		jw_kstr(&w, "rpps", al[i].rpps);
		jw_kstr(&w, "action", al[i].decision);
		jw_kint(&w, "score", al[i].score);
		reasons_array(&w, al[i].reasons);
		jw_kbool(&w, "open", al[i].reinstated_ms == 0);
		if (al[i].reinstated_ms) {
			iso_time(al[i].reinstated_ms / 1000, when);
			jw_kstr(&w, "reinstated", when);
			jw_kint(&w, "reinstated_by", al[i].reinstated_by);
		}
		jw_end(&w);
	}
	jw_end(&w);
	/* From the store: suspensions from before a restart are here too. */
	jw_karr(&w, "suspended");
	for (size_t i = 0; i < ns; i++) {
		jw_obj(&w);
		jw_kstr(&w, "rpps", sus[i].rpps);
		jw_kstr(&w, "family", sus[i].family);
		jw_kstr(&w, "given", sus[i].given);
		jw_kstr(&w, "dept", sus[i].dept);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	sodium_memzero(sus, ns * sizeof(sus[0])); /* password hashes, sealed TOTP secrets */
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}

int reinstate_parse(const char *body, size_t len, char rpps[12], const char **why)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *v;
	int rc = VG_EINVAL;

	memset(rpps, 0, 12);
	if (!root) {
		*why = "body is not valid JSON";
		return VG_EINVAL;
	}
	v = json_object_get(root, "rpps");
	if (!json_is_object(root) || json_object_size(root) != 1 || !json_is_string(v) ||
	    json_string_length(v) != 11 || rpps_validate(json_string_value(v), 11) != 0) {
		*why = "body must be {\"rpps\": \"<11-digit RPPS number>\"}";
		goto out;
	}
	memcpy(rpps, json_string_value(v), 12);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

enum MHD_Result api_admin_reinstate(struct req *r)
{
	struct vigie *v = r->v;
	const char *why = NULL;
	char rpps[12], body[96];
	struct store_pro p;
	enum MHD_Result res;
	int64_t now = r->now_ms / 1000;
	int rc;

	if (auth_require_operator(r, &res) != 0)
		return res;
	if (!req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	if (reinstate_parse(r->body ? r->body : "", r->body_len, rpps, &why) != 0)
		return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
	rc = store_pro_get(v->store, rpps, &p);
	if (rc == VG_ENOTFOUND)
		return reply_outcome(r, MHD_HTTP_NOT_FOUND, "not-found", "no account has this RPPS");
	if (rc == 0 && !p.suspended) {
		sodium_memzero(&p, sizeof(p));
		return reply_outcome(r, MHD_HTTP_CONFLICT, "business-rule",
		                     "this account is not suspended");
	}
	if (rc == 0)
		rc = store_pro_set_suspended(v->store, p.id, 0);
	if (rc != 0) {
		sodium_memzero(&p, sizeof(p));
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	}
	guardian_reinstate(v->guardian, p.id, r->now_ms);
	guardian_alert_lifted(v->guardian, p.id, r->now_ms, r->pro_id);
	atomic_fetch_add(&v->metrics.guard_reinstated, 1);
	log_event(LOG_WARN, "guard.reinstated", LI("pro", p.id), LS("rpps", p.rpps),
	          LI("operator", r->pro_id));
	snprintf(body, sizeof(body), "{\"t\":%lld}", (long long)now);
	notice_add(v, p.id, now, "reinstated", body);
	snprintf(body, sizeof(body), "{\"status\":\"reinstated\",\"rpps\":\"%s\"}", p.rpps);
	sodium_memzero(&p, sizeof(p));
	return reply_text(r, MHD_HTTP_OK, "application/json", body);
}
