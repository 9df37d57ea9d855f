/*
 * api_auth.c - professional login and logout, and bearer-token checks.
 *
 * Every login failure (unknown RPPS, wrong password, wrong or replayed TOTP,
 * suspended account) gets the same 401 OperationOutcome and costs the same
 * Argon2id work, so the answer does not tell which factor was wrong.
 * Throttling answers 429 with Retry-After: per client address (GCRA) and per
 * account (back-off after acct_fail_free failures, hard lock at acct_fail_max).
 */
#include "http/http.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>
#include <sodium.h>

#include "core/log.h"
#include "core/rpps.h"
#include "crypto/password.h"
#include "crypto/totp.h"
#include "http/guardian.h"
#include "http/sessions.h"
#include "http/throttle.h"
#include "http/workers.h"

#define LOGIN_FAILED "login failed: check the RPPS number, password and one-time code"

static int copy_field(json_t *root, const char *key, char *dst, size_t cap)
{
	json_t *v = json_object_get(root, key);
	size_t n;

	if (!json_is_string(v))
		return VG_EINVAL;
	n = json_string_length(v);
	if (n >= cap || memchr(json_string_value(v), '\0', n))
		return VG_ETOOBIG;
	memcpy(dst, json_string_value(v), n + 1);
	return 0;
}

int login_parse(const char *body, size_t len, struct login_req *out, const char **why)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *key;
	json_t *val;
	int rc = VG_EINVAL;

	memset(out, 0, sizeof(*out));
	if (!root) {
		*why = "body is not valid JSON";
		return VG_EINVAL;
	}
	if (!json_is_object(root)) {
		*why = "body must be a JSON object {\"rpps\",\"password\",\"totp\"}";
		goto out;
	}
	json_object_foreach(root, key, val) {
		if (strcmp(key, "rpps") != 0 && strcmp(key, "password") != 0 &&
		    strcmp(key, "totp") != 0) {
			*why = "unknown member: only rpps, password and totp are accepted";
			goto out;
		}
	}
	if (copy_field(root, "rpps", out->rpps, sizeof(out->rpps)) != 0 ||
	    copy_field(root, "password", out->password, sizeof(out->password)) != 0 ||
	    copy_field(root, "totp", out->totp, sizeof(out->totp)) != 0) {
		*why = "rpps, password and totp must be strings of reasonable length";
		goto out;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static enum MHD_Result fail(struct req *r)
{
	atomic_fetch_add(&r->v->metrics.logins_failed, 1);
	return reply_with_header(r, MHD_HTTP_UNAUTHORIZED, "security", LOGIN_FAILED,
	                         MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"vigie\"");
}

/* Count a failure against the account and lock it as throttle_account_lock says. */
static void account_failed(struct vigie *v, const struct store_pro *p, int64_t now)
{
	int32_t failed = p->failed + 1;
	int64_t lock = throttle_account_lock(failed, v->cfg.acct_fail_free, v->cfg.acct_fail_max);
	int64_t until = lock == THROTTLE_FOREVER ? INT64_MAX : lock ? now + lock : 0;

	if (store_pro_set_auth(v->store, p->id, failed, until, p->totp_last_step) != 0)
		log_event(LOG_ERROR, "login.store_failed", LI("pro", p->id));
	if (lock == THROTTLE_FOREVER && p->failed + 1 == (int32_t)v->cfg.acct_fail_max)
		log_event(LOG_WARN, "login.account_locked", LI("pro", p->id), LI("failed", failed));
}

enum MHD_Result reply_new_session(struct req *r, struct sessions *ss, int64_t subject, int64_t now)
{
	char token[TOKEN_B64_LEN + 1];
	struct jw w;
	enum MHD_Result res;

	if (sessions_open(ss, subject, r->ip, now, token) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "could not open a session; try again");
	jw_init(&w, 160);
	jw_obj(&w);
	jw_kstr(&w, "access_token", token);
	jw_kstr(&w, "token_type", "Bearer");
	jw_kint(&w, "expires_in", r->v->cfg.token_ttl);
	jw_kint(&w, "idle_timeout", r->v->cfg.token_idle);
	jw_end(&w);
	sodium_memzero(token, sizeof(token));
	res = reply_json(r, MHD_HTTP_OK, "application/json", &w);
	atomic_fetch_add(&r->v->metrics.logins_ok, 1);
	return res;
}

static enum MHD_Result issue_token(struct req *r, const struct store_pro *p, int64_t now)
{
	log_event(LOG_INFO, "login.ok", LI("pro", p->id), LS("ip", r->ip));
	return reply_new_session(r, r->v->sessions, p->id, now);
}

/*
 * Argon2id (64 MiB, tens of milliseconds). Runs on the login workers only, so
 * at most cfg.login_parallel at once, and never on an event thread.
 */
static int check_password(const struct store_pro *p, const struct login_req *lr)
{
	if (!p) {
		password_burn(lr->password, strlen(lr->password));
		return 0;
	}
	return password_verify(p->pwhash, lr->password, strlen(lr->password)) == 0;
}

/* The TOTP check against the account's last accepted step. */
static int check_totp(struct vigie *v, const struct store_pro *p, const struct login_req *lr,
                      int64_t now, int64_t *step)
{
	uint8_t secret[TOTP_SECRET_LEN];
	int ok;

	if (p->totp_sealed_len != TOTP_SECRET_LEN + VAULT_OVERHEAD ||
	    vault_unseal(v->vault, "pro", "totp", p->id, p->totp_sealed, p->totp_sealed_len,
	                 secret) != 0) {
		log_event(LOG_ERROR, "login.totp_secret_unreadable", LI("pro", p->id));
		return 0;
	}
	ok = totp_verify(secret, now, lr->totp, p->totp_last_step, step) == 0;
	sodium_memzero(secret, sizeof(secret));
	return ok;
}

#define WATCH_WINDOW 3600   /* seconds over which distinct accounts or addresses are counted */
#define STUFFING_BLOCK 3600 /* an address that tried too many accounts waits this long */
#define SPREAD_LOCK 900     /* an account failed from too many addresses is locked this long */

/*
 * Login defences across accounts and addresses, after a failed attempt on
 * rpps (known or not; p NULL when unknown) from r->ip.
 */
static void watch_failure(struct req *r, const char *rpps, const struct store_pro *p, int64_t now)
{
	struct vigie *v = r->v;
	char key[64];
	unsigned n;

	snprintf(key, sizeof(key), "ip:%s", r->ip);
	n = login_watch_fail(v->watch, key, rpps, now, WATCH_WINDOW);
	if (n == v->cfg.login_accounts_max) {
		login_watch_block(v->watch, key, now + STUFFING_BLOCK);
		atomic_fetch_add(&v->metrics.login_stuffing, 1);
		log_event(LOG_WARN, "login.stuffing_blocked", LS("ip", r->ip), LI("accounts", n));
	}
	if (!p)
		return;
	snprintf(key, sizeof(key), "pro:%lld", (long long)p->id);
	n = login_watch_fail(v->watch, key, r->ip, now, WATCH_WINDOW);
	if (n > v->cfg.login_sources_max) {
		login_watch_block(v->watch, key, now + SPREAD_LOCK);
		if (n == v->cfg.login_sources_max + 1) {
			atomic_fetch_add(&v->metrics.login_spread, 1);
			log_event(LOG_WARN, "login.many_sources_locked", LI("pro", p->id),
			          LI("addresses", n));
		}
	}
}

/* Seconds this login must wait because of the login defences (0: go on), and why. */
static int64_t watch_wait(struct req *r, const struct store_pro *p, int64_t now, const char **why)
{
	char key[64];
	int64_t w;

	snprintf(key, sizeof(key), "ip:%s", r->ip);
	if ((w = login_watch_blocked(r->v->watch, key, now)) > 0) {
		*why = "too many accounts tried from this address";
		return w;
	}
	if (!p)
		return 0;
	snprintf(key, sizeof(key), "pro:%lld", (long long)p->id);
	if ((w = login_watch_blocked(r->v->watch, key, now)) > 0)
		*why = "too many failed logins on this account";
	return w;
}

/*
 * A login succeeded: if this client (address and user agent) is new for the
 * account, the professional is told (a notice the e-mail issue sends).
 */
static void note_client(struct req *r, const struct store_pro *p, int64_t now)
{
	const char *ua = req_header(r, MHD_HTTP_HEADER_USER_AGENT);
	char buf[512], detail[NOTICE_DETAIL_MAX - 64];
	uint8_t client[VAULT_BIDX];
	int is_new = 0, n;
	struct jw w;

	n = snprintf(buf, sizeof(buf), "client-v1\n%s\n%s", r->ip, ua ? ua : "");
	vault_blind(r->v->vault, VAULT_D_GUARD, buf, n > 0 && (size_t)n < sizeof(buf) ? (size_t)n
	                                                                          : sizeof(buf) - 1,
	            client);
	if (store_client_seen(r->v->store, p->id, client, now, &is_new) != 0) {
		log_event(LOG_ERROR, "login.client_store_failed", LI("pro", p->id));
		return;
	}
	if (!is_new)
		return;
	jw_init(&w, 256);
	jw_obj(&w);
	jw_kint(&w, "t", now);
	jw_kstr(&w, "ip", r->ip);
	jw_key(&w, "user_agent");
	jw_strn(&w, ua ? ua : "", ua ? strnlen(ua, 200) : 0);
	jw_end(&w);
	if (jw_finish(&w) == 0) {
		size_t len;
		char *s = jw_detach(&w, &len);

		if (len < sizeof(detail)) {
			memcpy(detail, s, len + 1);
			notice_add(r->v, p->id, now, "new_client", detail);
		}
		free(s);
	} else {
		jw_release(&w);
	}
}

/* The slow part of a login, on a worker thread; its reply is queued on resume. */
static void login_work(void *arg)
{
	struct req *r = arg;
	struct vigie *v = r->v;
	struct login_req lr;
	struct store_pro p;
	const char *why = NULL;
	int64_t now = r->now_ms / 1000, wait, step = 0;
	enum MHD_Result res;
	int rc;

	r->deferred = 1;
	if (login_parse(r->body ? r->body : "", r->body_len, &lr, &why) != 0) {
		res = reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
		goto out;
	}
	if ((wait = watch_wait(r, NULL, now, &why)) > 0) {
		atomic_fetch_add(&v->metrics.logins_throttled, 1);
		res = reply_throttled(r, wait, why);
		goto out;
	}
	wait = throttle_ip_wait(v->throttle, r->ip, now);
	if (wait > 0) {
		atomic_fetch_add(&v->metrics.logins_throttled, 1);
		res = reply_throttled(r, wait, "too many failed logins from this address");
		goto out;
	}
	/*
	 * The attempt counts against the address and the account before the slow
	 * checks, so concurrent attempts cannot all pass the limits; a success
	 * takes it back.
	 */
	throttle_ip_fail(v->throttle, r->ip, now);
	rc = rpps_validate(lr.rpps, strlen(lr.rpps)) == 0 ? store_pro_get(v->store, lr.rpps, &p)
	                                                  : VG_ENOTFOUND;
	if (rc == VG_ENOTFOUND) {
		check_password(NULL, &lr); /* the same cost as for a real account */
		watch_failure(r, lr.rpps, NULL, now);
		res = fail(r);
		goto out;
	}
	if (rc != 0)
		goto busy;
	if ((wait = watch_wait(r, &p, now, &why)) > 0) {
		atomic_fetch_add(&v->metrics.logins_throttled, 1);
		res = reply_throttled(r, wait, why);
		goto out;
	}
	pthread_mutex_lock(&v->login_lock);
	rc = store_pro_get_id(v->store, p.id, &p);
	if (rc == 0 && p.locked_until > now) {
		pthread_mutex_unlock(&v->login_lock);
		atomic_fetch_add(&v->metrics.logins_throttled, 1);
		res = reply_throttled(r, p.locked_until == INT64_MAX ? 3600 : p.locked_until - now,
		                      p.locked_until == INT64_MAX
		                              ? "this account is locked; contact the operator"
		                              : "too many failed logins on this account");
		goto out;
	}
	if (rc == 0)
		account_failed(v, &p, now);
	pthread_mutex_unlock(&v->login_lock);
	if (rc != 0)
		goto busy;
	/* Suspended accounts pay the same Argon2id cost: timing says nothing of state. */
	if (check_password(&p, &lr)) {
		/*
		 * Serialise the TOTP check-and-set, re-reading the account inside the
		 * lock, so that a code is accepted once even by concurrent logins, and
		 * a suspension that landed meanwhile is seen.
		 */
		pthread_mutex_lock(&v->login_lock);
		rc = store_pro_get_id(v->store, p.id, &p);
		if (rc == 0 && !p.suspended && check_totp(v, &p, &lr, now, &step)) {
			rc = store_pro_set_auth(v->store, p.id, 0, 0, step);
			pthread_mutex_unlock(&v->login_lock);
			if (rc != 0)
				goto busy;
			throttle_ip_refund(v->throttle, r->ip, now);
			note_client(r, &p, now);
			res = issue_token(r, &p, now);
			goto out;
		}
		pthread_mutex_unlock(&v->login_lock);
	}
	log_event(LOG_INFO, "login.failed", LI("pro", p.id), LS("ip", r->ip));
	watch_failure(r, lr.rpps, &p, now);
	res = fail(r);
	goto out;
busy:
	res = reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
	                    "the service is busy; try again");
out:
	(void)res;
	sodium_memzero(&lr, sizeof(lr));
	if (r->body)
		sodium_memzero(r->body, r->body_len); /* the password */
	MHD_resume_connection(r->conn);
}

enum MHD_Result login_submit(struct req *r, void (*work)(void *))
{
	if (!req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	/* Argon2id must not stall the other connections of this event thread. */
	MHD_suspend_connection(r->conn);
	if (workers_submit(r->v->workers, work, r) != 0) {
		MHD_resume_connection(r->conn);
		atomic_fetch_add(&r->v->metrics.logins_throttled, 1);
		return reply_throttled(r, 1, "too many logins in progress; try again");
	}
	return MHD_YES;
}

enum MHD_Result api_login(struct req *r)
{
	return login_submit(r, login_work);
}

/* The token in "Authorization: Bearer <token>", or NULL. */
const char *req_bearer(struct req *r, size_t *len)
{
	const char *h = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);

	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	*len = strlen(h);
	return h;
}

/*
 * A professional's directory data by id (RPPS for access records, profession
 * and department for the guard, role, opening hours): a small per-thread
 * cache in front of the store. RPPS, profession and department never
 * change; the role and the hours are re-read after a minute.
 */
struct pro_info {
	int64_t id, read_at;
	char rpps[12], dept[4];
	int kind, role, hours_set;
	struct hours hours;
};

static int pro_info(struct vigie *v, int64_t pro_id, int64_t now, struct pro_info *out)
{
	static __thread struct pro_info cache[64];
	struct pro_info *c = &cache[(uint64_t)pro_id % 64];
	struct store_pro p;
	int rc;

	if (c->id == pro_id && pro_id != 0 && now - c->read_at < 60) {
		*out = *c;
		return 0;
	}
	if ((rc = store_pro_get_id(v->store, pro_id, &p)) != 0)
		return rc;
	*c = (struct pro_info){ .id = pro_id, .read_at = now, .kind = p.kind, .role = p.role,
	                        .hours_set = p.hours_set, .hours = p.hours };
	memcpy(c->rpps, p.rpps, sizeof(c->rpps));
	memcpy(c->dept, p.dept, sizeof(c->dept));
	sodium_memzero(&p, sizeof(p)); /* the password hash and sealed TOTP secret */
	*out = *c;
	return 0;
}

int auth_session(struct req *r, struct sessions *ss, enum MHD_Result *res)
{
	size_t len = 0;
	const char *tok = req_bearer(r, &len);
	int64_t id = 0;
	int rc;

	if (!tok) {
		*res = reply_unauthorized(r, req_header(r, MHD_HTTP_HEADER_AUTHORIZATION) != NULL);
		return -1;
	}
	rc = sessions_check(ss, tok, len, r->now_ms / 1000, &id, r->session_ip);
	if (rc == VG_EDENIED) {
		*res = reply_unauthorized(r, 1);
		return -1;
	}
	if (rc != 0) {
		*res = reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
		return -1;
	}
	r->pro_id = id;
	return 0;
}

int auth_require(struct req *r, enum MHD_Result *res)
{
	struct pro_info pi;

	if (auth_session(r, r->v->sessions, res) != 0)
		return -1;
	if (pro_info(r->v, r->pro_id, r->now_ms / 1000, &pi) != 0) {
		*res = reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
		return -1;
	}
	memcpy(r->rpps, pi.rpps, sizeof(r->rpps));
	memcpy(r->pro_dept, pi.dept, sizeof(r->pro_dept));
	r->pro_kind = pi.kind;
	r->role = pi.role;
	r->pro_hours_set = pi.hours_set;
	r->pro_hours = pi.hours;
	return 0;
}

int auth_require_operator(struct req *r, enum MHD_Result *res)
{
	if (auth_require(r, res) != 0)
		return -1;
	if (r->role != ROLE_OPERATOR) {
		*res = reply_outcome(r, MHD_HTTP_FORBIDDEN, "forbidden",
		                     "this endpoint is for operator accounts");
		return -1;
	}
	return 0;
}

enum MHD_Result api_logout(struct req *r)
{
	size_t len = 0;
	const char *tok = req_bearer(r, &len);
	enum MHD_Result res;

	if (auth_require(r, &res) != 0)
		return res;
	if (sessions_close(r->v->sessions, tok, len) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	log_event(LOG_INFO, "logout", LI("pro", r->pro_id));
	return reply_text(r, MHD_HTTP_OK, "application/json", "{\"status\":\"logged out\"}");
}

/* ---- step-up ---------------------------------------------------------------- */

int step_up_parse(const char *body, size_t len, char totp[8], const char **why)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	int rc = VG_EINVAL;

	memset(totp, 0, 8);
	if (!root) {
		*why = "body is not valid JSON";
		return VG_EINVAL;
	}
	if (!json_is_object(root) || json_object_size(root) != 1 ||
	    copy_field(root, "totp", totp, 8) != 0 || strlen(totp) != 6 ||
	    strspn(totp, "0123456789") != 6) {
		memset(totp, 0, 8);
		*why = "body must be {\"totp\": \"<6 digits>\"}";
		goto out;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/*
 * POST /auth/pro/step-up {"totp"}: a fresh second factor for the guard's
 * step-up (RFC 9470). The code is checked like a login's (once, against the
 * account's last accepted step) and a wrong one counts as a failed login, so
 * the step-up cannot be used to guess codes. It buys nothing when no
 * step-up was asked.
 */
enum MHD_Result api_step_up(struct req *r)
{
	struct vigie *v = r->v;
	struct login_req lr = { 0 };
	struct store_pro p;
	const char *why = NULL;
	int64_t now = r->now_ms / 1000, step = 0;
	enum MHD_Result res;
	int ok = 0, rc, pending;

	if (auth_require(r, &res) != 0)
		return res;
	if (!req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	if (step_up_parse(r->body ? r->body : "", r->body_len, lr.totp, &why) != 0)
		return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
	pthread_mutex_lock(&v->login_lock);
	rc = store_pro_get_id(v->store, r->pro_id, &p);
	if (rc == 0 && p.locked_until > now) {
		pthread_mutex_unlock(&v->login_lock);
		sodium_memzero(&lr, sizeof(lr));
		return reply_throttled(r, p.locked_until == INT64_MAX ? 3600 : p.locked_until - now,
		                       "too many failed codes on this account");
	}
	if (rc == 0 && !p.suspended) {
		ok = check_totp(v, &p, &lr, now, &step);
		if (ok)
			rc = store_pro_set_auth(v->store, p.id, 0, 0, step);
		else
			account_failed(v, &p, now);
	}
	pthread_mutex_unlock(&v->login_lock);
	sodium_memzero(&lr, sizeof(lr));
	sodium_memzero(&p, sizeof(p));
	if (rc != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	if (!ok) {
		log_event(LOG_INFO, "step_up.failed", LI("pro", r->pro_id), LS("ip", r->ip));
		return reply_with_header(r, MHD_HTTP_UNAUTHORIZED, "security",
		                         "the one-time code is wrong or was already used",
		                         MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		                         "Bearer realm=\"vigie\", "
		                         "error=\"insufficient_user_authentication\"");
	}
	pending = guardian_step_up(v->guardian, r->pro_id, r->now_ms);
	if (pending)
		atomic_fetch_add(&v->metrics.guard_step_ups_done, 1);
	log_event(LOG_INFO, "step_up.ok", LI("pro", r->pro_id), LI("was_asked", pending));
	return reply_text(r, MHD_HTTP_OK, "application/json",
	                  pending ? "{\"status\":\"ok\",\"step_up\":\"satisfied\"}"
	                          : "{\"status\":\"ok\",\"step_up\":\"none was asked\"}");
}
