/*
 * api_guard.c - what the guard leaves for people to read and do:
 *   GET  /auth/pro/notices   a professional's notices (new client, suspension...)
 *   GET  /admin/alerts       operators: the guard's alerts and the suspended accounts
 *   POST /admin/reinstate    operators: {"rpps"} lifts a suspension
 * (The step-up is in api_auth.c, beside the TOTP checks it shares.)
 */
#include "http/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "core/guard.h"
#include "core/rpps.h"
#include "http/request.h"
#include "node/directory.h"
#include "node/guardian.h"
#include "node/node.h"
#include "node/notices.h"
#include "sys/log.h"
#include "core/banned.h"

#define NOTICES_MAX   50
#define SUSPENDED_MAX 200

static void iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum MHD_Result api_notices(struct req *r)
{
	struct store_notice *xs = req_alloc(r, NOTICES_MAX * sizeof(*xs));
	uint8_t pt[NOTICE_DETAIL_MAX];
	enum MHD_Result res;
	char when[32];
	size_t n = 0;
	struct jw w;

	if (auth_require(r, &res) != 0)
		return res;
	if (!xs || store_notice_list(r->v->store, r->who.id, INT64_MAX, xs, NOTICES_MAX, &n) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	jw_init(&w, 1024);
	jw_obj(&w);
	jw_karr(&w, "notices");
	for (size_t i = 0; i < n; i++) {
		struct store_notice *x = &xs[i];
		size_t len = x->detail_len - VAULT_OVERHEAD;

		if (x->detail_len < VAULT_OVERHEAD ||
		    vault_unseal(r->v->vault, "notice", "detail", r->who.id, x->detail,
		                 x->detail_len, pt) != 0)
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
	struct guardian_alert *al = req_alloc(r, GUARDIAN_ALERTS * sizeof(*al));
	struct store_pro *sus = req_alloc(r, SUSPENDED_MAX * sizeof(*sus));
	enum MHD_Result res;
	char when[32];
	size_t n, ns = 0;
	struct jw w;

	if (auth_require_operator(r, &res) != 0)
		return res;
	if (!al || !sus || store_pro_suspended(r->v->store, sus, SUSPENDED_MAX, &ns) != 0)
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

static const struct body_spec REINSTATE_BODY = {
	"{\"rpps\": \"<11-digit RPPS number>\"}",
	1,
	{ { "rpps", 11, 11, BODY_DIGITS } },
};

int reinstate_parse(const char *body, size_t len, char rpps[12], char why[BODY_WHY_MAX])
{
	char *const o[] = { rpps };

	memset(rpps, 0, 12);
	if (body_parse(body, len, &REINSTATE_BODY, o, why) != 0)
		return VG_EINVAL;
	if (rpps_validate(rpps, 11) != 0) {
		memset(rpps, 0, 12);
		snprintf(why, BODY_WHY_MAX,
		         "member \"rpps\" is not a valid RPPS number (its Luhn "
		         "key): the body must be %s",
		         REINSTATE_BODY.shape);
		return VG_EINVAL;
	}
	return 0;
}

enum MHD_Result api_admin_reinstate(struct req *r)
{
	struct vigie *v = r->v;
	char why[BODY_WHY_MAX];
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
	if (reinstate_parse(r->body ? r->body : "", r->body_len, rpps, why) != 0)
		return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
	rc = store_pro_get(v->store, rpps, &p);
	if (rc == VG_ENOTFOUND)
		return reply_outcome(r, MHD_HTTP_NOT_FOUND, "not-found",
		                     "no account has this RPPS");
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
	directory_forget(v->directory, p.id);
	guardian_reinstate(v->guardian, p.id, r->now_ms);
	guardian_alert_lifted(v->guardian, p.id, r->now_ms, r->who.id);
	atomic_fetch_add(&v->metrics.guard_reinstated, 1);
	log_event(LOG_WARN, "guard.reinstated", LI("pro", p.id), LS("rpps", p.rpps),
	          LI("operator", r->who.id));
	snprintf(body, sizeof(body), "{\"t\":%lld}", (long long)now);
	notice_add(v, p.id, now, "reinstated", body);
	snprintf(body, sizeof(body), "{\"status\":\"reinstated\",\"rpps\":\"%s\"}", p.rpps);
	sodium_memzero(&p, sizeof(p));
	return reply_text(r, MHD_HTTP_OK, "application/json", body);
}
