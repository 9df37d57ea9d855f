/*
 * api_auth.c - professional login and logout, step-up, and bearer-token checks.
 *
 * Every login failure (unknown RPPS, wrong password, wrong or replayed TOTP,
 * suspended account) gets the same 401 OperationOutcome and costs the same
 * Argon2id work, so the answer does not tell which factor was wrong.
 * Throttling answers 429 with Retry-After: the login defences are the
 * node's (node/logins.h, policy in core/login_policy.h).
 */
#include "http/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>

#include "core/rpps.h"
#include "crypto/password.h"
#include "crypto/pwpolicy.h"
#include "crypto/totp.h"
#include "http/request.h"
#include "http/server.h"
#include "node/directory.h"
#include "node/guardian.h"
#include "node/logins.h"
#include "node/node.h"
#include "node/notices.h"
#include "node/sessions.h"
#include "sys/log.h"
#include "core/banned.h"

#define LOGIN_FAILED "login failed: check the RPPS number, password and one-time code"

static const struct body_spec LOGIN_BODY = {
	"{\"rpps\", \"password\", \"totp\"}",
	3,
	{ { "rpps", 0, 15, 0 }, { "password", 0, 1024, 0 }, { "totp", 0, 7, 0 } },
};

int login_parse(const char *body, size_t len, struct login_req *out, char why[BODY_WHY_MAX])
{
	char *const o[] = { out->rpps, out->password, out->totp };

	memset(out, 0, sizeof(*out));
	return body_parse(body, len, &LOGIN_BODY, o, why);
}

static const struct body_spec STEP_UP_BODY = {
	"{\"totp\": \"<6 digits>\"}",
	1,
	{ { "totp", 6, 6, BODY_DIGITS } },
};

int step_up_parse(const char *body, size_t len, char totp[8], char why[BODY_WHY_MAX])
{
	char *const o[] = { totp };

	memset(totp, 0, 8);
	return body_parse(body, len, &STEP_UP_BODY, o, why);
}

/* On a worker: the 401 of every failed login. */
static void prepare_fail(struct req *r)
{
	atomic_fetch_add(&r->v->metrics.logins_failed, 1);
	reply_prepare_outcome(r, MHD_HTTP_UNAUTHORIZED, "security", LOGIN_FAILED);
	reply_add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"vigie\"");
}

/* Count a failure against the account and lock it as the policy says. Account lock held. */
static void account_failed(struct vigie *v, const struct store_pro *p, int64_t now)
{
	int32_t failed = p->failed + 1;
	int64_t lock = login_policy_account_lock(&v->cfg.login, failed);
	int64_t until = lock == LOGIN_LOCKED_FOREVER ? INT64_MAX : lock ? now + lock : 0;

	if (store_pro_set_auth(v->store, p->id, failed, until, p->totp_last_step) != 0)
		log_event(LOG_ERROR, "login.store_failed", LI("pro", p->id));
	if (lock == LOGIN_LOCKED_FOREVER && p->failed + 1 == (int32_t)v->cfg.login.acct_fail_max)
		log_event(LOG_WARN, "login.account_locked", LI("pro", p->id), LI("failed", failed));
}

void reply_prepare_new_session(struct req *r, struct sessions *ss, int64_t subject, int64_t now)
{
	char token[TOKEN_B64_LEN + 1];
	struct jw w;

	if (sessions_open(ss, subject, r->ip, now, token) != 0) {
		reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                      "could not open a session; try again");
		return;
	}
	/* A login proved the second factor now: an operator may act for a while (api_guard.c). */
	logins_fresh_set(r->v->logins, token, strlen(token), now);
	jw_init(&w, 160);
	jw_obj(&w);
	jw_kstr(&w, "access_token", token);
	jw_kstr(&w, "token_type", "Bearer");
	jw_kint(&w, "expires_in", r->v->cfg.token_ttl);
	jw_kint(&w, "idle_timeout", r->v->cfg.token_idle);
	jw_end(&w);
	sodium_memzero(token, sizeof(token));
	reply_prepare_json(r, MHD_HTTP_OK, "application/json", &w);
	atomic_fetch_add(&r->v->metrics.logins_ok, 1);
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
static int check_totp(struct vigie *v, const struct store_pro *p, const char *code, int64_t now,
                      int64_t *step)
{
	uint8_t secret[TOTP_SECRET_LEN];
	int ok;

	if (p->totp_sealed_len != TOTP_SECRET_LEN + VAULT_OVERHEAD ||
	    vault_unseal(v->vault, "pro", "totp", p->id, p->totp_sealed, p->totp_sealed_len,
	                 secret) != 0) {
		log_event(LOG_ERROR, "login.totp_secret_unreadable", LI("pro", p->id));
		return 0;
	}
	ok = totp_verify(secret, now, code, p->totp_last_step, step) == 0;
	sodium_memzero(secret, sizeof(secret));
	return ok;
}

void login_watch_failure(struct req *r, int kind, const void *login, size_t len, int64_t id,
                         int64_t now)
{
	struct vigie *v = r->v;
	unsigned a = logins_failed(v->logins, r->ip, kind, login, len, now);
	const char *who = kind == SESSION_PRO ? "pro" : "account";

	if (a & LOGIN_STUFFING_BLOCKED) {
		atomic_fetch_add(&v->metrics.login_stuffing, 1);
		log_event(LOG_WARN, "login.stuffing_blocked", LS("kind", who), LS("ip", r->ip),
		          LI("accounts", v->cfg.login.accounts_max));
	}
	if (a & LOGIN_SPREAD_LOCKED) {
		atomic_fetch_add(&v->metrics.login_spread, 1);
		log_event(LOG_WARN, "login.many_sources_locked", LI(who, id),
		          LI("addresses", v->cfg.login.sources_max + 1));
	}
	if (a & LOGIN_SPRAY_ALARM)
		atomic_fetch_add(&v->metrics.login_spray, 1);
	if (a & LOGIN_SPRAY_ALARM)
		log_event(LOG_WARN, "login.spray_alarm", LI("failed", v->cfg.login.spray_max),
		          LI("seconds", v->cfg.login.spray_s));
}

/* A failed login of rpps (p NULL: no such account): the watch, and what it did. */
static void watch_failure(struct req *r, const char *rpps, const struct store_pro *p, int64_t now)
{
	login_watch_failure(r, SESSION_PRO, rpps, strlen(rpps), p ? p->id : 0, now);
}

/*
 * A login succeeded: if this client (address and user agent) is new for the
 * account, the professional is told (a notice the e-mail issue sends). The
 * notice keeps the first UA_PREFIX bytes of the user agent and a hash of the
 * client, so a client string of any length or content is told, never
 * dropped; the notice and "this client is known" are one transaction: if the
 * notice cannot be written, the client stays new and the next login tries
 * again.
 */
#define UA_PREFIX 48 /* escaped, at most 6 bytes each: the detail fits a notice */

static void note_client(struct req *r, const struct store_pro *p, int64_t now)
{
	const char *ua = req_header(r, MHD_HTTP_HEADER_USER_AGENT);
	size_t ual = ua ? strnlen(ua, 8192) : 0;
	char buf[512], hex[17];
	uint8_t client[VAULT_BIDX];
	int is_new = 0, n, rc;
	struct jw w;

	n = snprintf(buf, sizeof(buf), "client-v1\n%s\n%s", r->ip, ua ? ua : "");
	vault_blind(r->v->vault, VAULT_D_GUARD, buf,
	            n > 0 && (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1, client);
	sodium_bin2hex(hex, sizeof(hex), client, 8);
	rc = store_begin(r->v->store);
	if (rc == 0)
		rc = store_client_seen(r->v->store, p->id, client, now, &is_new);
	if (rc == 0 && is_new) {
		jw_init(&w, 256);
		jw_obj(&w);
		jw_kint(&w, "t", now);
		jw_kstr(&w, "ip", r->ip);
		jw_key(&w, "user_agent");
		jw_strn(&w, ua ? ua : "", ual > UA_PREFIX ? UA_PREFIX : ual);
		jw_kint(&w, "user_agent_bytes", (int64_t)ual);
		jw_kstr(&w, "client_hash", hex);
		jw_end(&w);
		rc = jw_finish(&w);
		if (rc == 0) {
			size_t len;
			char *s = jw_detach(&w, &len);

			rc = notice_put(r->v, p->id, now, "new_client", s);
			free(s);
		} else {
			jw_release(&w);
		}
	}
	if (rc == 0)
		rc = store_commit(r->v->store);
	else
		VG_IGNORE(store_rollback(r->v->store));
	if (rc != 0)
		log_event(LOG_ERROR, "login.new_client_notice_failed", LI("pro", p->id),
		          LS("error", vg_strerror(rc)));
}

/*
 * The 429 of a login locked until `until` (INT64_MAX: for good), the same
 * for an account and for a decoy: nothing in it tells whether one exists.
 */
static void prepare_locked(struct req *r, int64_t until, int64_t now)
{
	atomic_fetch_add(&r->v->metrics.logins_throttled, 1);
	reply_prepare_throttled(r, until == INT64_MAX ? 3600 : until - now,
	                        until == INT64_MAX ? "this account is locked; contact the operator"
	                                           : "too many failed logins on this account");
}

/*
 * The slow part of a login, on a worker; it prepares the reply.
 *
 * A block stops the failing pattern, not the people behind it. When the
 * address is blocked (stuffing, or its budget of failures spent), the
 * account is under a distributed attack, or the account backs off after
 * failures, the login goes on only with the account's current TOTP code,
 * checked first and cheaply: a robot with a list of passwords has none, so
 * it reaches no Argon2id and counts no failure against the owner, while a
 * colleague behind the same hospital address, or the owner of an account a
 * thief hammers, logs in. Only the lock at acct_fail_max stops everyone,
 * until an operator lifts it.
 */
static void login_work(struct req *r)
{
	struct vigie *v = r->v;
	struct login_req lr;
	struct store_pro p;
	char why_body[BODY_WHY_MAX];
	const char *why = NULL, *why_acct = NULL;
	int64_t now = r->now_ms / 1000, wait, wait_acct, step = 0;
	int rc, gated;

	if (login_parse(r->body ? r->body : "", r->body_len, &lr, why_body) != 0) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why_body);
		goto out;
	}
	wait = logins_watch_wait(v->logins, r->ip, SESSION_PRO, NULL, 0, now, &why);
	if (wait <= 0 && (wait = logins_address_wait(v->logins, r->ip, now)) > 0)
		why = "too many failed logins from this address";
	wait_acct = logins_watch_wait(v->logins, r->ip, SESSION_PRO, lr.rpps, strlen(lr.rpps), now,
	                              &why_acct);
	/*
	 * The attempt counts against the address before the slow checks, so
	 * concurrent attempts cannot all pass the limits; a success takes it back.
	 */
	logins_attempt(v->logins, r->ip, now);
	rc = rpps_validate(lr.rpps, strlen(lr.rpps)) == 0 ? store_pro_get(v->store, lr.rpps, &p)
	                                                  : VG_ENOTFOUND;
	if (rc == VG_ENOTFOUND) {
		/* No account: a decoy fails and locks as one would, so no answer tells. */
		int64_t until =
		        logins_decoy_lock(v->logins, SESSION_PRO, lr.rpps, strlen(lr.rpps), now);

		if (until == INT64_MAX) {
			prepare_locked(r, until, now);
			goto out;
		}
		if (wait > 0 ||
		    wait_acct > 0) { /* a decoy has no code: as a real account without */
			atomic_fetch_add(&v->metrics.logins_throttled, 1);
			reply_prepare_throttled(r, wait > 0 ? wait : wait_acct,
			                        wait > 0 ? why : why_acct);
			goto out;
		}
		if (until > now) {
			prepare_locked(r, until, now);
			goto out;
		}
		logins_decoy_failed(v->logins, SESSION_PRO, lr.rpps, strlen(lr.rpps), now);
		check_password(NULL, &lr); /* the same cost as for a real account */
		watch_failure(r, lr.rpps, NULL, now);
		prepare_fail(r);
		goto out;
	}
	if (rc != 0)
		goto busy;
	logins_lock(v->logins, SESSION_PRO, p.id);
	rc = store_pro_get_id(v->store, p.id, &p);
	if (rc == 0 && p.locked_until == INT64_MAX) {
		logins_unlock(v->logins, SESSION_PRO, p.id);
		prepare_locked(r, p.locked_until, now);
		goto out;
	}
	gated = rc == 0 && (wait > 0 || wait_acct > 0 || p.locked_until > now);
	if (gated && (p.suspended || !check_totp(v, &p, lr.totp, now, &step))) {
		/*
		 * Blocked, and no right code: no password is tried. The wrong code
		 * counts as a failure of the account all the same, or the gate would
		 * be a free oracle of the code (429 wrong, 401 right) for whoever has
		 * the password: the owner still passes the back-off with a code, and
		 * only NIST's 100 consecutive failures lock, until an operator lifts it.
		 */
		if (!p.suspended)
			account_failed(v, &p, now);
		logins_unlock(v->logins, SESSION_PRO, p.id);
		if (wait > 0 || wait_acct > 0) {
			atomic_fetch_add(&v->metrics.logins_throttled, 1);
			reply_prepare_throttled(r, wait > 0 ? wait : wait_acct,
			                        wait > 0 ? why : why_acct);
		} else {
			prepare_locked(r, p.locked_until, now);
		}
		goto out;
	}
	/*
	 * A code that opened the gate is used up with the failure counted in
	 * advance: one password per code, so even a thief holding a code (a
	 * phishing relay) tries one password per 30-second step.
	 */
	if (gated)
		p.totp_last_step = step;
	if (rc == 0)
		account_failed(v, &p, now);
	logins_unlock(v->logins, SESSION_PRO, p.id);
	if (rc != 0)
		goto busy;
	/* Suspended accounts pay the same Argon2id cost: timing says nothing of state. */
	if (check_password(&p, &lr)) {
		/*
		 * Serialise the TOTP check-and-set, re-reading the account inside the
		 * lock, so that a code is accepted once even by concurrent logins, and
		 * a suspension that landed meanwhile is seen.
		 */
		logins_lock(v->logins, SESSION_PRO, p.id);
		rc = store_pro_get_id(v->store, p.id, &p);
		if (rc == 0 && !p.suspended &&
		    (gated ? p.totp_last_step == step : check_totp(v, &p, lr.totp, now, &step))) {
			rc = store_pro_set_auth(v->store, p.id, 0, 0, step);
			if (rc != 0) {
				logins_unlock(v->logins, SESSION_PRO, p.id);
				goto busy;
			}
			/* Under the lock: a suspension (which takes it) revokes this session too. */
			reply_prepare_new_session(r, v->sessions, p.id, now);
			logins_unlock(v->logins, SESSION_PRO, p.id);
			logins_succeeded(v->logins, r->ip, now);
			note_client(r, &p, now);
			log_event(LOG_INFO, "login.ok", LI("pro", p.id), LS("ip", r->ip));
			goto out;
		}
		logins_unlock(v->logins, SESSION_PRO, p.id);
	}
	log_event(LOG_INFO, "login.failed", LI("pro", p.id), LS("ip", r->ip));
	watch_failure(r, lr.rpps, &p, now);
	prepare_fail(r);
	goto out;
busy:
	reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
	                      "the service is busy; try again");
out:
	sodium_memzero(&lr, sizeof(lr));
	sodium_memzero(&p, sizeof(p));
	if (r->body)
		sodium_memzero(r->body, r->body_len); /* the password */
}

enum MHD_Result login_submit(struct req *r, enum session_kind kind, void (*work)(struct req *r))
{
	if (!req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	return reply_on_worker(r, kind, work);
}

enum MHD_Result api_login(struct req *r)
{
	return login_submit(r, SESSION_PRO, login_work);
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
	rc = sessions_check(ss, tok, len, r->now_ms / 1000, &id, r->who.session_ip);
	if (rc == VG_EDENIED) {
		*res = reply_unauthorized(r, 1);
		return -1;
	}
	if (rc != 0) {
		*res = reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
		return -1;
	}
	r->who.id = id;
	return 0;
}

int auth_require(struct req *r, enum MHD_Result *res)
{
	struct pro_info pi;

	if (auth_session(r, r->v->sessions, res) != 0)
		return -1;
	if (directory_get(r->v->directory, r->who.id, r->now_ms / 1000, &pi) != 0) {
		*res = reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
		return -1;
	}
	/*
	 * Suspension is read on every request, not only enforced by revoking
	 * tokens: a token minted while a suspension landed, or one a lost
	 * revocation left alive, is refused all the same.
	 */
	if (pi.suspended) {
		*res = reply_outcome(r, MHD_HTTP_FORBIDDEN, "forbidden",
		                     "this account is suspended; the security team will call you");
		return -1;
	}
	memcpy(r->who.rpps, pi.rpps, sizeof(r->who.rpps));
	memcpy(r->who.dept, pi.dept, sizeof(r->who.dept));
	r->who.kind = pi.kind;
	r->who.role = pi.role;
	r->who.hours_set = pi.hours_set;
	r->who.hours = pi.hours;
	return 0;
}

int auth_require_operator(struct req *r, enum MHD_Result *res)
{
	if (auth_require(r, res) != 0)
		return -1;
	if (r->who.role != ROLE_OPERATOR) {
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
	log_event(LOG_INFO, "logout", LI("pro", r->who.id));
	return reply_text(r, MHD_HTTP_OK, "application/json", "{\"status\":\"logged out\"}");
}

/*
 * POST /auth/pro/step-up {"totp"}: a fresh second factor for the guard's
 * step-up (RFC 9470). The code is checked like a login's (once, against the
 * account's last accepted step) and a wrong one counts as a failed login, so
 * the step-up cannot be used to guess codes. It buys nothing when no
 * step-up was asked.
 */
#define STEP_UP_STRIKES_MAX 3 /* wrong step-up codes that end the session */

enum MHD_Result api_step_up(struct req *r)
{
	struct vigie *v = r->v;
	char totp[8], why[BODY_WHY_MAX];
	struct store_pro p;
	int64_t now = r->now_ms / 1000, step = 0;
	enum MHD_Result res;
	int ok = 0, rc, pending;

	if (auth_require(r, &res) != 0)
		return res;
	if (!req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	if (step_up_parse(r->body ? r->body : "", r->body_len, totp, why) != 0)
		return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
	logins_lock(v->logins, SESSION_PRO, r->who.id);
	rc = store_pro_get_id(v->store, r->who.id, &p);
	if (rc == 0 && p.locked_until > now) {
		int64_t wait = p.locked_until == INT64_MAX ? 3600 : p.locked_until - now;

		logins_unlock(v->logins, SESSION_PRO, r->who.id);
		sodium_memzero(totp, sizeof(totp));
		sodium_memzero(&p, sizeof(p));
		return reply_throttled(r, wait, "too many failed codes on this account");
	}
	/*
	 * A wrong code counts against the session that sent it, never against
	 * the account's login: a thief holding a stolen token but not the code
	 * cannot lock the owner out, and loses the session at the third.
	 */
	if (rc == 0 && !p.suspended) {
		ok = check_totp(v, &p, totp, now, &step);
		if (ok)
			rc = store_pro_set_auth(v->store, p.id, p.failed, p.locked_until, step);
	}
	logins_unlock(v->logins, SESSION_PRO, r->who.id);
	sodium_memzero(totp, sizeof(totp));
	sodium_memzero(&p, sizeof(p));
	if (rc != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	if (!ok) {
		size_t tl = 0;
		const char *tok = req_bearer(r, &tl);
		unsigned strikes =
		        tok ? logins_strike(v->logins, LOGINS_STRIKE_STEP_UP, tok, tl, now) : 0;

		log_event(LOG_INFO, "step_up.failed", LI("pro", r->who.id), LS("ip", r->ip),
		          LI("strikes", strikes));
		if (strikes >= STEP_UP_STRIKES_MAX) {
			VG_IGNORE(sessions_close(v->sessions, tok, tl));
			return reply_with_header(
			        r, MHD_HTTP_UNAUTHORIZED, "security",
			        "three wrong codes: this session is ended; log in again",
			        MHD_HTTP_HEADER_WWW_AUTHENTICATE,
			        "Bearer realm=\"vigie\", error=\"invalid_token\"");
		}
		return reply_with_header(r, MHD_HTTP_UNAUTHORIZED, "security",
		                         "the one-time code is wrong or was already used",
		                         MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		                         "Bearer realm=\"vigie\", "
		                         "error=\"insufficient_user_authentication\"");
	}
	{
		size_t tl = 0;
		const char *tok = req_bearer(r, &tl);

		if (tok)
			logins_fresh_set(v->logins, tok, tl, now);
	}
	pending = guardian_step_up(v->guardian, r->who.id, r->now_ms);
	if (pending)
		atomic_fetch_add(&v->metrics.guard_step_ups_done, 1);
	log_event(LOG_INFO, "step_up.ok", LI("pro", r->who.id), LI("was_asked", pending));
	return reply_text(r, MHD_HTTP_OK, "application/json",
	                  pending ? "{\"status\":\"ok\",\"step_up\":\"satisfied\"}"
	                          : "{\"status\":\"ok\",\"step_up\":\"none was asked\"}");
}

/*
 * ---- a professional's own credentials ------------------------------------
 *
 * POST /auth/pro/logout-all         every session of the account ends
 * POST /auth/pro/password {current, new, totp}
 * POST /auth/pro/totp {password, totp}   a new authenticator secret
 *
 * A change needs the current password and a current code (consumed), checked
 * on a login worker; three wrong ones end the session that sent them (the
 * account's login is not touched: a thief with a token cannot lock the owner
 * out). Then every session of the account ends: whoever else held one is
 * out, and the owner logs in again with what they just set.
 */
#define CRED_STRIKES_MAX 3
#define CRED_DONE        "{\"status\":\"password changed: every session ended; log in again\"}"

enum MHD_Result api_logout_all(struct req *r)
{
	enum MHD_Result res;

	if (auth_require(r, &res) != 0)
		return res;
	if (sessions_revoke_subject(r->v->sessions, r->who.id) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	log_event(LOG_INFO, "logout.all", LI("pro", r->who.id));
	return reply_text(r, MHD_HTTP_OK, "application/json",
	                  "{\"status\":\"every session of this account ended\"}");
}

static int new_totp(struct vigie *v, struct store_pro *p, char b32[TOTP_B32_LEN + 1],
                    char uri[PRO_OTPAUTH_MAX])
{
	uint8_t secret[TOTP_SECRET_LEN];
	char label[48];
	int rc;

	randombytes_buf(secret, sizeof(secret));
	rc = vault_seal(v->vault, "pro", "totp", p->id, secret, sizeof(secret), p->totp_sealed);
	p->totp_sealed_len = rc == 0 ? sizeof(secret) + VAULT_OVERHEAD : 0;
	if (rc == 0)
		rc = store_pro_set_secrets(v->store, p);
	if (rc == 0) {
		totp_base32(secret, b32);
		snprintf(label, sizeof(label), "RPPS%%20%s", p->rpps);
		snprintf(uri, PRO_OTPAUTH_MAX,
		         "otpauth://totp/" TOTP_ISSUER ":%s?secret=%s&issuer=" TOTP_ISSUER
		         "&algorithm=SHA1&digits=6&period=30",
		         label, b32);
	}
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

struct cred_req {
	char current[PASSWORD_MAX + 1];
	char next[PASSWORD_MAX + 1];
	char totp[8];
};

static const struct body_spec PRO_PASSWORD_BODY = {
	"{\"current\", \"new\", \"totp\": \"<6 digits>\"}",
	3,
	{ { "current", 1, PASSWORD_MAX, 0 },
	  { "new", 1, PASSWORD_MAX, 0 },
	  { "totp", 6, 6, BODY_DIGITS } },
};

static const struct body_spec PRO_TOTP_BODY = {
	"{\"password\", \"totp\": \"<6 digits from the current authenticator>\"}",
	2,
	{ { "password", 1, PASSWORD_MAX, 0 }, { "totp", 6, 6, BODY_DIGITS } },
};

/*
 * The current password and code of the session's account: 1 right (the code
 * consumed, *p re-read), 0 wrong (a strike; the 401 prepared, the session
 * ended at the third), -1 store error (the 503 prepared).
 */
static int cred_check(struct req *r, struct store_pro *p, const char *password, const char *code)
{
	struct vigie *v = r->v;
	int64_t now = r->now_ms / 1000, step = 0;
	int ok, rc;

	if (store_pro_get_id(v->store, r->who.id, p) != 0)
		goto busy;
	ok = password_verify(p->pwhash, password, strlen(password)) == 0;
	logins_lock(v->logins, SESSION_PRO, p->id);
	rc = store_pro_get_id(v->store, r->who.id, p);
	if (rc == 0 && ok) {
		ok = check_totp(v, p, code, now, &step);
		if (ok) {
			p->totp_last_step = step;
			rc = store_pro_set_auth(v->store, p->id, p->failed, p->locked_until, step);
		}
	}
	logins_unlock(v->logins, SESSION_PRO, p->id);
	if (rc != 0)
		goto busy;
	if (!ok) {
		size_t tl = 0;
		const char *tok = req_bearer(r, &tl);
		unsigned n = tok ? logins_strike(v->logins, LOGINS_STRIKE_CRED, tok, tl, now) : 0;

		log_event(LOG_INFO, "credentials.refused", LI("pro", r->who.id), LI("strikes", n));
		if (n >= CRED_STRIKES_MAX) {
			VG_IGNORE(sessions_close(v->sessions, tok, tl));
			reply_prepare_outcome(r, MHD_HTTP_UNAUTHORIZED, "security",
			                      "three wrong passwords or codes: this session is "
			                      "ended; log in again");
		} else {
			reply_prepare_outcome(r, MHD_HTTP_FORBIDDEN, "security",
			                      "the current password or the one-time code is wrong");
		}
		return 0;
	}
	return 1;
busy:
	reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
	                      "the service is busy; try again");
	return -1;
}

/* Every session ends and the professional is told; the reply says so. */
static int cred_changed(struct req *r, const struct store_pro *p, const char *kind)
{
	char body[64];
	int64_t now = r->now_ms / 1000;

	if (sessions_revoke_subject(r->v->sessions, p->id) != 0)
		return -1;
	snprintf(body, sizeof(body), "{\"t\":%lld}", (long long)now);
	notice_add(r->v, p->id, now, kind, body);
	log_event(LOG_INFO, "credentials.changed", LI("pro", p->id), LS("what", kind));
	return 0;
}

/*
 * The account's secrets are written from a copy read under its login lock,
 * so that a code a concurrent login used up (totp_last_step) is not undone.
 */
static int set_password(struct vigie *v, struct store_pro *p, const char hash[PASSWORD_HASH_MAX])
{
	int rc;

	logins_lock(v->logins, SESSION_PRO, p->id);
	rc = store_pro_get_id(v->store, p->id, p);
	if (rc == 0) {
		memcpy(p->pwhash, hash, sizeof(p->pwhash));
		rc = store_pro_set_secrets(v->store, p);
	}
	logins_unlock(v->logins, SESSION_PRO, p->id);
	return rc;
}

int pro_suspend(struct vigie *v, int64_t pro_id)
{
	int rc, rr;

	logins_lock(v->logins, SESSION_PRO, pro_id);
	rc = store_pro_set_suspended(v->store, pro_id, 1);
	directory_forget(v->directory, pro_id);
	rr = sessions_revoke_subject(v->sessions, pro_id);
	logins_unlock(v->logins, SESSION_PRO, pro_id);
	return rc != 0 ? rc : rr;
}

int pro_new_totp(struct vigie *v, struct store_pro *p, char b32[TOTP_B32_LEN + 1],
                 char uri[PRO_OTPAUTH_MAX])
{
	int rc;

	logins_lock(v->logins, SESSION_PRO, p->id);
	rc = store_pro_get_id(v->store, p->id, p);
	if (rc == 0)
		rc = new_totp(v, p, b32, uri);
	logins_unlock(v->logins, SESSION_PRO, p->id);
	return rc;
}

static void password_work(struct req *r)
{
	struct cred_req *q = req_alloc(r, sizeof(*q));
	char *const o[] = { q ? q->current : NULL, q ? q->next : NULL, q ? q->totp : NULL };
	const char *context[3];
	struct store_pro p;
	char why[BODY_WHY_MAX], diag[320], hash[PASSWORD_HASH_MAX] = "";
	enum pw_verdict vd;

	memset(&p, 0, sizeof(p));
	if (!q) {
		reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                      "the service is busy; try again");
		goto out;
	}
	if (body_parse(r->body ? r->body : "", r->body_len, &PRO_PASSWORD_BODY, o, why) != 0) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
		goto out;
	}
	/* The policy first (it needs no secret): a refused password costs no code. */
	if (store_pro_get_id(r->v->store, r->who.id, &p) != 0) {
		reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                      "the service is busy; try again");
		goto out;
	}
	context[0] = p.family;
	context[1] = p.given;
	context[2] = p.rpps;
	vd = pw_check(r->v->pwlist, q->next, strlen(q->next), 1, context, 3);
	if (vd == PW_OK && strcmp(q->next, q->current) == 0)
		vd = PW_CONTEXT;
	if (vd != PW_OK) {
		snprintf(diag, sizeof(diag), "password refused (%s): %s", pw_verdict_code(vd),
		         strcmp(q->next, q->current) == 0
		                 ? "choose a password you have not used here"
		                 : pw_verdict_reason(vd, 1));
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", diag);
		goto out;
	}
	if (cred_check(r, &p, q->current, q->totp) != 1)
		goto out;
	if (password_hash(q->next, strlen(q->next), hash) != 0 ||
	    set_password(r->v, &p, hash) != 0 || cred_changed(r, &p, "password_changed")) {
		reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                      "the service is busy; try again");
		goto out;
	}
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json", CRED_DONE, sizeof(CRED_DONE) - 1);
out:
	if (q)
		sodium_memzero(q, sizeof(*q));
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(&p, sizeof(p));
	if (r->body)
		sodium_memzero(r->body, r->body_len);
}

static void totp_work(struct req *r)
{
	struct cred_req *q = req_alloc(r, sizeof(*q));
	char *const o[] = { q ? q->current : NULL, q ? q->totp : NULL };
	char why[BODY_WHY_MAX], b32[TOTP_B32_LEN + 1], uri[PRO_OTPAUTH_MAX];
	struct store_pro p;
	struct jw w;

	memset(&p, 0, sizeof(p));
	if (!q) {
		reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                      "the service is busy; try again");
		goto out;
	}
	if (body_parse(r->body ? r->body : "", r->body_len, &PRO_TOTP_BODY, o, why) != 0) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
		goto out;
	}
	if (cred_check(r, &p, q->current, q->totp) != 1)
		goto out;
	if (pro_new_totp(r->v, &p, b32, uri) != 0 || cred_changed(r, &p, "totp_changed") != 0) {
		reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                      "the service is busy; try again");
		goto out;
	}
	jw_init(&w, 512);
	jw_obj(&w);
	jw_kstr(&w, "status", "new authenticator: every session ended; log in with its codes");
	jw_kstr(&w, "secret", b32);
	jw_kstr(&w, "otpauth", uri);
	jw_end(&w);
	reply_prepare_json(r, MHD_HTTP_OK, "application/json", &w);
out:
	sodium_memzero(b32, sizeof(b32));
	sodium_memzero(uri, sizeof(uri));
	if (q)
		sodium_memzero(q, sizeof(*q));
	sodium_memzero(&p, sizeof(p));
	if (r->body)
		sodium_memzero(r->body, r->body_len);
}

static enum MHD_Result cred_submit(struct req *r, void (*work)(struct req *r))
{
	enum MHD_Result res;

	if (auth_require(r, &res) != 0)
		return res;
	return login_submit(r, SESSION_PRO, work);
}

enum MHD_Result api_pro_password(struct req *r)
{
	return cred_submit(r, password_work);
}

enum MHD_Result api_pro_totp(struct req *r)
{
	return cred_submit(r, totp_work);
}
