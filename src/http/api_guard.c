/*
 * api_guard.c - what the guard leaves for people to read and do:
 *   GET  /auth/pro/notices   a professional's notices (new client, suspension...)
 *   GET  /admin/alerts       operators: the guard's alerts and the suspended accounts
 *   POST /admin/reinstate    operators: {"rpps"} lifts a suspension
 *   POST /admin/pro/suspend, /admin/pro/logout, /admin/pro/unlock,
 *        /admin/pro/totp-reset: the other
 *                            operators' acts on a professional account, each
 *                            with a fresh second factor and journaled
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
#include "core/jw.h"
#include "core/rpps.h"
#include "crypto/totp.h"
#include "http/request.h"
#include "node/access.h"
#include "node/directory.h"
#include "node/guardian.h"
#include "node/logins.h"
#include "node/node.h"
#include "node/notices.h"
#include "node/sessions.h"
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

/*
 * ---- operators' acts on a professional account --------------------------
 *
 * Suspend, reinstate, force logout and lift a login lock. Each act:
 *  - needs a fresh second factor (RFC 9470): the operator's session proved
 *    its TOTP code (the login, or POST /auth/pro/step-up) at most
 *    cfg.operator_max_age seconds ago (5 minutes), else 401
 *    insufficient_user_authentication with max_age, and the operator steps up;
 *  - is an entry in the journal (route "admin.<act>", the operator as who,
 *    "pro:<RPPS>" as what) before it takes effect: if the journal cannot
 *    record it, nothing is done (503);
 *  - runs on the operators' worker (it waits for the journal).
 */
enum op_act { OP_SUSPEND, OP_REINSTATE, OP_LOGOUT, OP_UNLOCK, OP_TOTP };

static const char *const OP_NAMES[] = { "suspend", "reinstate", "logout", "unlock", "totp_reset" };

int auth_require_fresh_operator(struct req *r, enum MHD_Result *res)
{
	size_t len = 0;
	const char *tok = req_bearer(r, &len);
	int64_t t = tok ? logins_fresh_at(r->v->logins, tok, len) : 0;
	int64_t max_age = r->v->cfg.operator_max_age;
	char h[128];

	if (auth_require_operator(r, res) != 0)
		return -1;
	if (t > 0 && r->now_ms / 1000 - t <= max_age)
		return 0;
	snprintf(h, sizeof(h),
	         "Bearer realm=\"vigie\", error=\"insufficient_user_authentication\", max_age=%lld",
	         (long long)max_age);
	*res = reply_with_header(r, MHD_HTTP_UNAUTHORIZED, "security",
	                         "this act needs a fresh second factor: step up "
	                         "(POST /auth/pro/step-up) and try again",
	                         MHD_HTTP_HEADER_WWW_AUTHENTICATE, h);
	return -1;
}

/* The act's journal entry, waited for. 0, or -1 with the 503 prepared (nothing done). */
static int journal_op(struct req *r, enum op_act act, const struct store_pro *p, uint64_t *idx)
{
	struct access_rec a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.t_ms = r->now_ms;
	a.pro_id = r->who.id;
	memcpy(a.rpps, r->who.rpps, sizeof(a.rpps));
	memcpy(a.ip, r->ip, sizeof(a.ip));
	snprintf(a.route, sizeof(a.route), "admin.%s", OP_NAMES[act]);
	a.status = 200;
	snprintf(a.fields, sizeof(a.fields), "pro:%s", p->rpps);
	snprintf(a.decision, sizeof(a.decision), "%s", OP_NAMES[act]);
	rc = access_log_append_wait(r->v->access, &a, idx);
	if (rc == 0)
		return 0;
	log_event(LOG_ERROR, "admin.journal_failed", LS("act", OP_NAMES[act]),
	          LS("error", vg_strerror(rc)));
	reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
	                      "the journal cannot record this now; nothing was changed");
	return -1;
}

/* The act's effect on p (journaled already); OP_TOTP: the new secret. 0 or a store error. */
static int op_apply(struct req *r, enum op_act act, struct store_pro *p, char b32[TOTP_B32_LEN + 1],
                    char uri[PRO_OTPAUTH_MAX])
{
	struct vigie *v = r->v;
	int64_t now = r->now_ms / 1000;
	char body[96];
	int rc = 0;

	switch (act) {
	case OP_SUSPEND:
		rc = pro_suspend(v, p->id);
		snprintf(body, sizeof(body), "{\"t\":%lld,\"by\":\"operator\"}", (long long)now);
		if (rc == 0)
			notice_add(v, p->id, now, "suspended", body);
		break;
	case OP_REINSTATE:
		rc = store_pro_set_suspended(v->store, p->id, 0);
		directory_forget(v->directory, p->id);
		if (rc != 0)
			break;
		guardian_reinstate(v->guardian, p->id, r->now_ms);
		guardian_alert_lifted(v->guardian, p->id, r->now_ms, r->who.id);
		atomic_fetch_add(&v->metrics.guard_reinstated, 1);
		snprintf(body, sizeof(body), "{\"t\":%lld}", (long long)now);
		notice_add(v, p->id, now, "reinstated", body);
		break;
	case OP_LOGOUT: rc = sessions_revoke_subject(v->sessions, p->id); break;
	case OP_UNLOCK:
		/* Any lock, the one at acct_fail_max (NIST SP 800-63B) included. */
		logins_lock(v->logins, SESSION_PRO, p->id);
		rc = store_pro_get_id(v->store, p->id, p);
		if (rc == 0)
			rc = store_pro_set_auth(v->store, p->id, 0, 0, p->totp_last_step);
		logins_unlock(v->logins, SESSION_PRO, p->id);
		break;
	case OP_TOTP:
		/* A lost phone: a new secret, told once to the operator who hands it over. */
		rc = pro_new_totp(v, p, b32, uri);
		if (rc == 0)
			rc = sessions_revoke_subject(v->sessions, p->id);
		snprintf(body, sizeof(body), "{\"t\":%lld,\"by\":\"operator\"}", (long long)now);
		if (rc == 0)
			notice_add(v, p->id, now, "totp_reset", body);
		break;
	}
	return rc;
}

static void op_work(struct req *r, enum op_act act)
{
	char why[BODY_WHY_MAX], rpps[12], body[112], b32[TOTP_B32_LEN + 1] = "";
	char uri[PRO_OTPAUTH_MAX] = "";
	struct store_pro p;
	uint64_t idx = 0;
	int rc;

	if (reinstate_parse(r->body ? r->body : "", r->body_len, rpps, why) != 0) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
		return;
	}
	rc = store_pro_get(r->v->store, rpps, &p);
	if (rc == VG_ENOTFOUND) {
		reply_prepare_outcome(r, MHD_HTTP_NOT_FOUND, "not-found",
		                      "no account has this RPPS");
		return;
	}
	if (rc == 0 && p.id == r->who.id) {
		reply_prepare_outcome(r, MHD_HTTP_CONFLICT, "business-rule",
		                      "an operator does not act on their own account");
		goto out;
	}
	if (rc == 0 &&
	    ((act == OP_REINSTATE && !p.suspended) || (act == OP_SUSPEND && p.suspended))) {
		reply_prepare_outcome(r, MHD_HTTP_CONFLICT, "business-rule",
		                      p.suspended ? "this account is already suspended"
		                                  : "this account is not suspended");
		goto out;
	}
	if (rc != 0) {
		reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                      "the service is busy; try again");
		goto out;
	}
	if (journal_op(r, act, &p, &idx) != 0)
		goto out;
	if (op_apply(r, act, &p, b32, uri) != 0) {
		log_event(LOG_ERROR, "admin.act_failed", LS("act", OP_NAMES[act]), LI("pro", p.id));
		reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                      "journaled but not done: try again");
		goto out;
	}
	log_event(LOG_WARN, "admin.act", LS("act", OP_NAMES[act]), LI("pro", p.id),
	          LS("rpps", p.rpps), LI("operator", r->who.id));
	snprintf(body, sizeof(body), "{\"status\":\"%s\",\"rpps\":\"%s\",\"journal_entry\":%lld}",
	         act == OP_SUSPEND     ? "suspended"
	         : act == OP_REINSTATE ? "reinstated"
	         : act == OP_LOGOUT    ? "logged out"
	         : act == OP_UNLOCK    ? "unlocked"
	                               : "new authenticator",
	         p.rpps, (long long)idx);
	if (act == OP_TOTP) {
		struct jw w;

		jw_init(&w, 512);
		jw_obj(&w);
		jw_kstr(&w, "status", "new authenticator: hand it to its owner, then forget it");
		jw_kstr(&w, "rpps", p.rpps);
		jw_kint(&w, "journal_entry", (int64_t)idx);
		jw_kstr(&w, "secret", b32);
		jw_kstr(&w, "otpauth", uri);
		jw_end(&w);
		reply_prepare_json(r, MHD_HTTP_OK, "application/json", &w);
	} else {
		reply_prepare_bytes(r, MHD_HTTP_OK, "application/json", body, strlen(body));
	}
out:
	sodium_memzero(b32, sizeof(b32));
	sodium_memzero(uri, sizeof(uri));
	sodium_memzero(&p, sizeof(p));
}

static void work_suspend(struct req *r)
{
	op_work(r, OP_SUSPEND);
}
static void work_reinstate(struct req *r)
{
	op_work(r, OP_REINSTATE);
}
static void work_logout(struct req *r)
{
	op_work(r, OP_LOGOUT);
}
static void work_unlock(struct req *r)
{
	op_work(r, OP_UNLOCK);
}
static void work_totp(struct req *r)
{
	op_work(r, OP_TOTP);
}

static enum MHD_Result op_submit(struct req *r, void (*work)(struct req *r))
{
	enum MHD_Result res;

	if (auth_require_fresh_operator(r, &res) != 0)
		return res;
	if (!req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	return reply_on_slow(r, work);
}

enum MHD_Result api_admin_reinstate(struct req *r)
{
	return op_submit(r, work_reinstate);
}
enum MHD_Result api_admin_suspend(struct req *r)
{
	return op_submit(r, work_suspend);
}
enum MHD_Result api_admin_logout(struct req *r)
{
	return op_submit(r, work_logout);
}
enum MHD_Result api_admin_unlock(struct req *r)
{
	return op_submit(r, work_unlock);
}
enum MHD_Result api_admin_totp(struct req *r)
{
	return op_submit(r, work_totp);
}
