/*
 * api_account.c - the insured person's own account, beyond logging in
 * (api_me.c): enrolment by a letter's code, password change and reset, a
 * second factor (TOTP and recovery codes), activity and sessions, my record
 * as FHIR and everything held about me, opposing a lost card, locking the
 * account, blocking a professional, alerts at every access, and misuse
 * reports; and the operators' side of it (misuse reports, unlocking, a new
 * card key).
 *
 * Rules every handler keeps:
 *  - the subject is the bearer token's account (r->who.id), never an id in
 *    a body: a person can only act on their own account;
 *  - an act that changes the account is journaled (an access record under
 *    the person's access pseudonym, route "account.*") before it takes
 *    effect, on a worker (access_log_append_wait); reads of personal data
 *    (GET /me, the export) are journaled before they leave;
 *  - sensitive acts (password, second factor, export) need the current
 *    password or a fresh second factor; wrong ones count, and the fifth in
 *    a row ends every session of the account;
 *  - every event of the account is recorded (node/notices.h ievent_add),
 *    and the ones a person must hear of are e-mailed (the outbox).
 */
#include "http/api.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "core/fhir.h"
#include "core/jw.h"
#include "core/msgcode.h"
#include "core/nir.h"
#include "core/record.h"
#include "core/rpps.h"
#include "crypto/password.h"
#include "crypto/pwpolicy.h"
#include "crypto/totp.h"
#include "http/qr.h"
#include "http/request.h"
#include "http/server.h"
#include "node/access.h"
#include "node/codes.h"
#include "node/logins.h"
#include "node/node.h"
#include "node/notices.h"
#include "node/people.h"
#include "node/sessions.h"
#include "sys/log.h"
#include "core/banned.h"

#define BUSY                "the service is busy; try again"
#define SENSITIVE_FAILS_MAX 5   /* wrong passwords or codes in a row given by a session */
#define SENSITIVE_LOCK_S    900 /* then: every session ended, logins refused this long */
#define EVENTS_PAGE         100
#define SESSIONS_MAX        32
#define BLOCKS_MAX          64
#define MISUSE_PAGE         50
#define MISUSE_TEXT_MAX     2000
#define EXPORT_ACCESSES_MAX 1000
#define TOTP_ISSUER         "vigie"
#define ACTIVATION_FAILED   "activation failed: check the social security number and the code"
#define RESET_FAILED        "reset failed: check the login and the code"
#define SENSITIVE_FAILED    "the password or the code is wrong"
#define PERSONS_MAX         STORE_MATCH_MAX

/* ---- shared pieces -------------------------------------------------------- */

static void prepare_busy(struct req *r)
{
	reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", BUSY);
}

/* A body read on a worker against spec: 0, or -1 with the 400 prepared. */
static int parse_on_worker(struct req *r, const struct body_spec *spec, char *const *out)
{
	char why[BODY_WHY_MAX];

	if (body_parse(r->body ? r->body : "", r->body_len, spec, out, why) == 0)
		return 0;
	reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
	return -1;
}

/* Wipe the request body (it held a password or a code). */
static void wipe_body(struct req *r)
{
	if (r->body)
		sodium_memzero(r->body, r->body_len);
}

/*
 * The client of this request, as an event's detail keeps it: the address,
 * the first 80 bytes of the user agent and a keyed hash of the whole
 * (address, user agent), so that a client string of any length or content
 * is recorded, never dropped. hash may be NULL.
 */
static int client_detail(struct req *r, const char *extra, char *out, size_t cap,
                         uint8_t hash[VAULT_BIDX])
{
	const char *ua = req_header(r, MHD_HTTP_HEADER_USER_AGENT);
	size_t ual = ua ? strnlen(ua, 8192) : 0;
	crypto_generichash_state st;
	uint8_t h[VAULT_BIDX], key[VAULT_BIDX];
	char hex[17], *s;
	size_t len;
	struct jw w;

	/* A keyed hash of the full string: the key is the client domain's blind of a constant. */
	vault_blind(r->v->vault, VAULT_D_GUARD, "iclient-v1", 10, key);
	crypto_generichash_init(&st, key, sizeof(key), sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)r->ip, strlen(r->ip) + 1);
	if (ua)
		crypto_generichash_update(&st, (const uint8_t *)ua, ual);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(hex, sizeof(hex), h, 8);
	if (hash)
		memcpy(hash, h, VAULT_BIDX);
	jw_init(&w, 512);
	jw_obj(&w);
	jw_kstr(&w, "ip", r->ip);
	jw_key(&w, "client");
	jw_strn(&w, ua ? ua : "", ual > 80 ? 80 : ual);
	jw_kstr(&w, "clientHash", hex);
	if (extra)
		jw_raw(&w, extra, strlen(extra)); /* ,"key":value pairs, trusted */
	jw_end(&w);
	if (jw_finish(&w) != 0) {
		jw_release(&w);
		return VG_ENOMEM;
	}
	s = jw_detach(&w, &len);
	if (len >= cap) {
		free(s);
		return VG_ETOOBIG;
	}
	memcpy(out, s, len + 1);
	free(s);
	return 0;
}

/* Record an event of account id with this request's client; 0 or an error (logged). */
static int event(struct req *r, int64_t id, const char *kind, int mail, const char *extra)
{
	char detail[EVENT_DETAIL_MAX];
	int rc = client_detail(r, extra, detail, sizeof(detail), NULL);

	if (rc == 0)
		rc = ievent_add(r->v, id, r->now_ms, kind, detail, mail);
	if (rc != 0)
		log_event(LOG_ERROR, "account.event_failed", LI("account", id), LS("kind", kind),
		          LS("error", vg_strerror(rc)));
	return rc;
}

/* The access record of an act on the account whose pseudonym is patient. */
static void act_record(struct req *r, const uint8_t patient[VAULT_BIDX], const char *route,
                       int64_t by, const char *rpps, struct access_rec *a)
{
	memset(a, 0, sizeof(*a));
	a->t_ms = r->now_ms;
	a->pro_id = by;
	snprintf(a->rpps, sizeof(a->rpps), "%s", rpps ? rpps : "");
	memcpy(a->patient, patient, VAULT_BIDX);
	memcpy(a->ip, r->ip, sizeof(a->ip));
	snprintf(a->route, sizeof(a->route), "%s", route);
	a->status = 200;
	snprintf(a->decision, sizeof(a->decision), "%s", "ok");
}

/* On a worker: journal the act and wait until it is durable. 0, or -1 with the 503 prepared. */
static int journal_act(struct req *r, const uint8_t patient[VAULT_BIDX], const char *route,
                       int64_t by, const char *rpps)
{
	struct access_rec a;
	uint64_t idx;
	int rc;

	act_record(r, patient, route, by, rpps, &a);
	rc = access_log_append_wait(r->v->access, &a, &idx);
	if (rc == 0)
		return 0;
	log_event(LOG_ERROR, "account.journal_failed", LS("route", route),
	          LS("error", vg_strerror(rc)));
	reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
	                      "the journal cannot record this now; nothing was changed");
	return -1;
}

/* 415 unless JSON, then work on the login workers (the account's own lock is taken there). */
static enum MHD_Result on_worker(struct req *r, void (*work)(struct req *r))
{
	if (!req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	return reply_on_worker(r, work);
}

/* The token's account, re-read (on the thread that asks). 0, or -1 with the 503 prepared. */
static int my_account(struct req *r, struct store_account *a)
{
	if (store_account_get(r->v->store, r->who.id, a) == 0)
		return 0;
	prepare_busy(r);
	return -1;
}

/* The person of the account (id = the insured row), unsealed. 0 or an error. */
static int person_of(struct vigie *v, int64_t id, struct insured_ident *ident,
                     struct insured_contact *contact, struct insured_rights *rights,
                     struct store_insured *row)
{
	uint8_t pt[RECORD_PACK_MAX];
	int rc = store_insured_get(v->store, id, row);

	if (rc == 0 && ident) {
		rc = row->ident_len >= VAULT_OVERHEAD
		             ? vault_unseal(v->vault, "insured", "ident", id, row->ident,
		                            row->ident_len, pt)
		             : VG_ECORRUPT;
		if (rc == 0)
			rc = record_unpack_ident(pt, row->ident_len - VAULT_OVERHEAD, ident);
	}
	if (rc == 0 && contact) {
		rc = row->contact_len >= VAULT_OVERHEAD
		             ? vault_unseal(v->vault, "insured", "contact", id, row->contact,
		                            row->contact_len, pt)
		             : VG_ECORRUPT;
		if (rc == 0)
			rc = record_unpack_contact(pt, row->contact_len - VAULT_OVERHEAD, contact);
	}
	if (rc == 0 && rights) {
		rc = row->rights_len >= VAULT_OVERHEAD
		             ? vault_unseal(v->vault, "insured", "rights", id, row->rights,
		                            row->rights_len, pt)
		             : VG_ECORRUPT;
		if (rc == 0)
			rc = record_unpack_rights(pt, row->rights_len - VAULT_OVERHEAD, rights);
	}
	sodium_memzero(pt, sizeof(pt));
	return rc;
}

/*
 * A wrong password or code given by a session for a sensitive act: counted
 * on the account; the SENSITIVE_FAILS_MAX-th in a row ends every session and
 * refuses logins for SENSITIVE_LOCK_S (a thief with a stolen session cannot
 * guess on). Prepares the 403 (or the 401 of the ended session). Account
 * lock held by the caller; a is the account as read inside it.
 */
static void sensitive_failed(struct req *r, struct store_account *a)
{
	a->pw_failed++;
	if (a->pw_failed >= SENSITIVE_FAILS_MAX) {
		a->pw_failed = 0;
		a->locked_until = r->now_ms / 1000 + SENSITIVE_LOCK_S;
		VG_IGNORE(store_account_update(r->v->store, a));
		VG_IGNORE(sessions_revoke_subject(r->v->isessions, a->id));
		VG_IGNORE(event(r, a->id, "sessions_ended", MAIL_PENDING,
		                ",\"why\":\"wrong passwords or codes\""));
		log_event(LOG_WARN, "account.sensitive_locked", LI("account", a->id),
		          LS("ip", r->ip));
		reply_prepare_outcome(r, MHD_HTTP_UNAUTHORIZED, "security",
		                      "too many wrong passwords or codes: every session of this "
		                      "account was ended; log in again later");
		return;
	}
	VG_IGNORE(store_account_update(r->v->store, a));
	reply_prepare_outcome(r, MHD_HTTP_FORBIDDEN, "security", SENSITIVE_FAILED);
}

/*
 * A second-factor answer (6 digits: TOTP; otherwise a recovery code) for
 * account a, whose secret is confirmed (or pending when pending is 1).
 * 1 if right (a->totp_last_step or a->recovery_sealed updated, not stored),
 * 0 if wrong. *recovery is set when a recovery code was used.
 */
static int second_factor_ok(struct vigie *v, struct store_account *a, const char *code, int64_t now,
                            int *recovery)
{
	uint8_t secret[TOTP_SECRET_LEN];
	int64_t step = 0;
	int ok;

	*recovery = 0;
	if (!code[0])
		return 0;
	if (strlen(code) != 6 || strspn(code, "0123456789") != 6) {
		ok = codes_recovery_use(v->vault, a, code, strlen(code)) == 0;
		*recovery = ok;
		return ok;
	}
	if (a->totp_sealed_len != TOTP_SECRET_LEN + VAULT_OVERHEAD ||
	    vault_unseal(v->vault, "account", "totp", a->id, a->totp_sealed, a->totp_sealed_len,
	                 secret) != 0)
		return 0;
	ok = totp_verify(secret, now, code, a->totp_last_step, &step) == 0;
	sodium_memzero(secret, sizeof(secret));
	if (ok)
		a->totp_last_step = step;
	return ok;
}

/*
 * The words a password must not be made of: the person's names, birth date,
 * NIR and e-mail, and the service's own words. They point into ident and
 * contact, and into bufs.
 */
struct context_words {
	const char *w[12];
	size_t n;
	char bufs[4][24];
};

static void context_of(const struct insured_ident *id, const struct insured_contact *c,
                       struct context_words *cw)
{
	static const char *const SERVICE[] = { "vigie", "ameli", "carte vitale", "secu" };
	const char *at = c ? strchr(c->email, '@') : NULL;

	memset(cw, 0, sizeof(*cw));
	for (size_t i = 0; i < sizeof(SERVICE) / sizeof(SERVICE[0]); i++)
		cw->w[cw->n++] = SERVICE[i];
	if (!id)
		return;
	cw->w[cw->n++] = id->family;
	cw->w[cw->n++] = id->given;
	cw->w[cw->n++] = id->nir;
	if (strlen(id->birth_date) == 10) { /* YYYYMMDD and DDMMYYYY */
		const char *b = id->birth_date;

		snprintf(cw->bufs[0], sizeof(cw->bufs[0]), "%.4s%.2s%.2s", b, b + 5, b + 8);
		snprintf(cw->bufs[1], sizeof(cw->bufs[1]), "%.2s%.2s%.4s", b + 8, b + 5, b);
		cw->w[cw->n++] = cw->bufs[0];
		cw->w[cw->n++] = cw->bufs[1];
	}
	if (at && at > c->email) {
		snprintf(cw->bufs[2], sizeof(cw->bufs[2]), "%.*s", (int)(at - c->email), c->email);
		cw->w[cw->n++] = cw->bufs[2];
	}
}

/* The policy's verdict on a new password: 0, or -1 with the 400 prepared (its reason given). */
static int password_acceptable(struct req *r, const char *pw, int second_factor,
                               const struct context_words *cw)
{
	enum pw_verdict vd = pw_check(r->v->pwlist, pw, strlen(pw), second_factor, cw->w, cw->n);
	char diag[320];

	if (vd == PW_OK)
		return 0;
	snprintf(diag, sizeof(diag), "password refused (%s): %s", pw_verdict_code(vd),
	         pw_verdict_reason(vd, second_factor));
	reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", diag);
	return -1;
}

/* The persons under a NIR typed by someone (insured ids). 0, VG_EINVAL, or a store error. */
static int persons_of_nir(struct vigie *v, const char *typed, int64_t *ids, size_t *n,
                          char canon[NIR_LEN + 1])
{
	struct store_insured *rows = calloc(STORE_MATCH_MAX, sizeof(*rows));
	uint8_t bidx[VAULT_BIDX];
	struct nir nir;
	enum nir_fault why;
	size_t found = 0;
	int rc;

	*n = 0;
	if (!rows)
		return VG_ENOMEM;
	if (nir_parse(typed, strlen(typed), &nir, &why) != 0) {
		free(rows);
		return VG_EINVAL;
	}
	vault_blind(v->vault, VAULT_D_NIR, nir.canon, NIR_LEN, bidx);
	rc = store_insured_find(v->store, bidx, rows, STORE_MATCH_MAX, &found);
	for (size_t i = 0; rc == 0 && i < found; i++)
		ids[i] = rows[i].id;
	if (rc == 0)
		*n = found;
	memcpy(canon, nir.canon, NIR_LEN);
	canon[NIR_LEN] = '\0';
	sodium_memzero(&nir, sizeof(nir));
	free(rows);
	return rc;
}

/* ---- what a login leaves on the account (api_me.c calls these) ------------ */

int account_event(struct req *r, int64_t id, const char *kind, int mail, const char *extra)
{
	return event(r, id, kind, mail, extra);
}

int account_second_factor(struct req *r, struct store_account *a, const char *code, int *recovery)
{
	return second_factor_ok(r->v, a, code, r->now_ms / 1000, recovery);
}

/*
 * A login succeeded: the event, and a notice to the owner when the client
 * (address and user agent) is new. Both are written in one transaction: if
 * the notice cannot be recorded, the client is not marked known either, and
 * the next login from it tries again. 0 or an error (logged).
 */
int account_note_login(struct req *r, int64_t id)
{
	char detail[EVENT_DETAIL_MAX];
	uint8_t client[VAULT_BIDX];
	int is_new = 0, rc = client_detail(r, NULL, detail, sizeof(detail), client);

	if (rc == 0)
		rc = store_begin(r->v->store);
	if (rc != 0)
		goto out;
	rc = store_iclient_seen(r->v->store, id, client, r->now_ms / 1000, &is_new);
	if (rc == 0 && is_new)
		rc = ievent_add(r->v, id, r->now_ms, "new_client", detail, MAIL_PENDING);
	if (rc == 0)
		rc = ievent_add(r->v, id, r->now_ms, "login", detail, MAIL_NONE);
	if (rc == 0)
		rc = store_commit(r->v->store);
	else
		VG_IGNORE(store_rollback(r->v->store));
out:
	if (rc != 0)
		log_event(LOG_ERROR, "account.login_event_failed", LI("account", id),
		          LS("error", vg_strerror(rc)));
	return rc;
}

void account_note_failure(struct req *r, int64_t id, const char *why)
{
	char extra[64];

	snprintf(extra, sizeof(extra), ",\"why\":\"%s\"", why);
	VG_IGNORE(event(r, id, "login_failed", MAIL_NONE, extra));
}

/* ---- POST /auth/insured/activate {nir, code, password} ------------------- */

struct activate_req {
	char nir[32];
	char code[32];
	char password[PASSWORD_MAX + 1];
};

static const struct body_spec ACTIVATE_BODY = {
	"{\"nir\": \"<15 characters>\", \"code\": \"<the letter's code>\", \"password\"}",
	3,
	{ { "nir", 1, 31, 0 }, { "code", 1, 31, 0 }, { "password", 1, PASSWORD_MAX, 0 } },
};

/*
 * Which person under the NIR a typed code belongs to (its purpose): each
 * person's live code is tried; a wrong code counts against every live code
 * under the NIR. *who = the insured id, or 0. Returns 0, VG_EDENIED
 * (wrong), VG_ENOTFOUND (no live code), VG_EINVAL (not a code), or a store error.
 */
static int code_owner(struct req *r, const int64_t *ids, size_t n, int purpose, const char *typed,
                      int64_t *who, struct store_code *code)
{
	int rc = VG_ENOTFOUND;

	*who = 0;
	for (size_t i = 0; i < n; i++) {
		int one;

		logins_lock(r->v->logins, SESSION_INSURED, ids[i]);
		one = codes_check(r->v->store, r->v->vault, ids[i], purpose, typed, strlen(typed),
		                  r->now_ms, code);
		logins_unlock(r->v->logins, SESSION_INSURED, ids[i]);
		if (one == 0) {
			*who = ids[i];
			return 0;
		}
		if (one == VG_EINVAL)
			return VG_EINVAL;
		if (one == VG_EDENIED || (one != VG_ENOTFOUND && rc == VG_ENOTFOUND))
			rc = one;
	}
	return rc;
}

/* The e-mail blind index of a new account: the person's address, or random if taken or none. */
static int email_index(struct vigie *v, const struct insured_contact *c, uint8_t out[VAULT_BIDX])
{
	struct store_account *taken = calloc(1, sizeof(*taken));
	char low[sizeof(c->email)];
	size_t n = strnlen(c->email, sizeof(c->email) - 1), found = 0;
	int rc = 0;

	if (!taken)
		return VG_ENOMEM;
	randombytes_buf(out, VAULT_BIDX); /* nobody can log in with an address they do not know */
	if (n && strchr(c->email, '@')) {
		uint8_t b[VAULT_BIDX];

		for (size_t i = 0; i <= n; i++)
			low[i] = (char)tolower((unsigned char)c->email[i]);
		vault_blind(v->vault, VAULT_D_EMAIL, low, n, b);
		rc = store_account_find(v->store, 1, b, taken, 1, &found);
		if (rc == 0 && found == 0)
			memcpy(out, b, VAULT_BIDX);
		sodium_memzero(low, sizeof(low));
	}
	sodium_memzero(taken, sizeof(*taken));
	free(taken);
	return rc;
}

static void activate_work(struct req *r)
{
	struct vigie *v = r->v;
	struct activate_req *q = req_alloc(r, sizeof(*q));
	struct store_insured *row = req_alloc(r, sizeof(*row));
	struct store_account *a = req_alloc(r, sizeof(*a));
	struct insured_ident id;
	struct insured_contact c;
	struct context_words cw;
	char canon[NIR_LEN + 1], *const o[] = { q ? q->nir : NULL, q ? q->code : NULL,
		                                q ? q->password : NULL };
	int64_t ids[PERSONS_MAX], who = 0, now = r->now_ms / 1000, wait;
	struct store_code code;
	size_t n = 0;
	int rc;

	memset(&id, 0, sizeof(id));
	memset(&c, 0, sizeof(c));
	if (!q || !row || !a) {
		prepare_busy(r);
		goto out;
	}
	if (parse_on_worker(r, &ACTIVATE_BODY, o) != 0)
		goto out;
	wait = logins_address_wait(v->logins, r->ip, now);
	if (wait > 0) {
		reply_prepare_throttled(r, wait, "too many failed attempts from this address");
		goto out;
	}
	logins_attempt(v->logins, r->ip, now); /* refunded on success: codes cost like passwords */
	rc = persons_of_nir(v, q->nir, ids, &n, canon);
	if (rc == VG_EINVAL) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                      "nir must be a social security number (15 characters, with "
		                      "its key)");
		goto out;
	}
	if (rc == 0)
		rc = code_owner(r, ids, n, CODE_ENROL, q->code, &who, &code);
	if (rc == VG_EINVAL) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                      "code must be the 12 characters printed in the letter");
		goto out;
	}
	if (rc == VG_EDENIED || rc == VG_ENOTFOUND) {
		password_burn(q->password, strlen(q->password)); /* the same cost either way */
		reply_prepare_outcome(r, MHD_HTTP_UNAUTHORIZED, "security", ACTIVATION_FAILED);
		goto out;
	}
	if (rc != 0 || (rc = person_of(v, who, &id, &c, NULL, row)) != 0) {
		prepare_busy(r);
		goto out;
	}
	logins_succeeded(v->logins, r->ip, now);
	context_of(&id, &c, &cw);
	if (password_acceptable(r, q->password, 0, &cw) != 0)
		goto out; /* the code stays good: try again with a better password */
	if (store_account_get(v->store, who, a) == 0) {
		reply_prepare_outcome(r, MHD_HTTP_CONFLICT, "duplicate",
		                      "this person already has an account: log in, or reset the "
		                      "password with a reset code");
		goto out;
	}
	memset(a, 0, sizeof(*a));
	a->id = who;
	memcpy(a->nir_bidx, row->nir_bidx, VAULT_BIDX);
	vault_blind(v->vault, VAULT_D_ACCESS, canon, NIR_LEN, a->patient);
	a->created_ms = a->pw_changed_ms = r->now_ms;
	a->pw_short = 0;
	if ((rc = email_index(v, &c, a->email_bidx)) != 0 ||
	    (rc = password_hash(q->password, strlen(q->password), a->pwhash)) != 0) {
		prepare_busy(r);
		goto out;
	}
	if (journal_act(r, a->patient, "account.activate", 0, NULL) != 0)
		goto out;
	rc = store_account_put(v->store, a);
	if (rc == VG_EEXIST) { /* the same letter, twice at once */
		reply_prepare_outcome(r, MHD_HTTP_CONFLICT, "duplicate",
		                      "this person already has an account");
		goto out;
	}
	logins_lock(v->logins, SESSION_INSURED, who);
	if (rc == 0)
		rc = codes_use(v->store, &code, r->now_ms);
	logins_unlock(v->logins, SESSION_INSURED, who);
	if (rc != 0) {
		prepare_busy(r);
		goto out;
	}
	VG_IGNORE(event(r, a->id, "activated", MAIL_PENDING, NULL));
	log_event(LOG_INFO, "account.activated", LI("account", a->id));
	reply_prepare_new_session(r, v->isessions, a->id, now);
	r->reply.status = MHD_HTTP_CREATED;
out:
	sodium_memzero(&id, sizeof(id));
	sodium_memzero(&c, sizeof(c));
	sodium_memzero(canon, sizeof(canon));
	wipe_body(r);
}

enum MHD_Result api_insured_activate(struct req *r)
{
	return login_submit(r, activate_work);
}

/* ---- password reset: a code by e-mail (or by letter: vigie enrol --reset) -- */

static const struct body_spec RESET_REQUEST_BODY = {
	"{\"nir\": \"<15 characters>\"}",
	1,
	{ { "nir", 1, 31, 0 } },
};

#define RESET_REQUESTED                                                                            \
	"{\"status\":\"requested\",\"detail\":\"if this number has an account with an e-mail "     \
	"address, a code was sent to it; otherwise ask for a letter\"}"
#define RESET_REQUEST_GAP_MS (120 * 1000) /* one e-mailed code per account every 2 minutes */

/*
 * POST /auth/insured/reset/request {nir}: the same 202 whatever the number
 * (no account is revealed); an account with an e-mail gets a one-hour code
 * there (an event e-mailed by the outbox). Costs the address an attempt.
 */
static void reset_request_work(struct req *r)
{
	struct vigie *v = r->v;
	char nir[32], canon[NIR_LEN + 1], code[MSGCODE_TEXT], extra[96];
	char *const o[] = { nir };
	int64_t ids[PERSONS_MAX], now = r->now_ms / 1000, wait, expires = 0;
	struct store_account *a = req_alloc(r, sizeof(*a));
	struct store_code live;
	size_t n = 0;
	int rc;

	if (!a) {
		prepare_busy(r);
		return;
	}
	if (parse_on_worker(r, &RESET_REQUEST_BODY, o) != 0)
		return;
	wait = logins_address_wait(v->logins, r->ip, now);
	if (wait > 0) {
		reply_prepare_throttled(r, wait, "too many attempts from this address");
		return;
	}
	logins_attempt(v->logins, r->ip, now); /* never refunded: a request costs */
	rc = persons_of_nir(v, nir, ids, &n, canon);
	if (rc == VG_EINVAL) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                      "nir must be a social security number (15 characters, with "
		                      "its key)");
		return;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (store_account_get(v->store, ids[i], a) != 0)
			continue;
		logins_lock(v->logins, SESSION_INSURED, ids[i]);
		if (store_code_live(v->store, ids[i], CODE_RESET, r->now_ms, &live) == 0 &&
		    r->now_ms - live.created_ms < RESET_REQUEST_GAP_MS) {
			logins_unlock(v->logins, SESSION_INSURED, ids[i]);
			continue; /* one just went: no mail bombing */
		}
		rc = codes_issue(v->store, v->vault, ids[i], CODE_RESET, CODE_EMAIL, r->now_ms,
		                 code, &expires);
		logins_unlock(v->logins, SESSION_INSURED, ids[i]);
		if (rc != 0)
			break;
		snprintf(extra, sizeof(extra), ",\"code\":\"%s\",\"expires_ms\":%lld", code,
		         (long long)expires);
		rc = event(r, ids[i], "reset_code", MAIL_PENDING, extra);
		sodium_memzero(code, sizeof(code));
		sodium_memzero(extra, sizeof(extra));
	}
	sodium_memzero(a, sizeof(*a));
	sodium_memzero(canon, sizeof(canon));
	if (rc != 0) {
		prepare_busy(r);
		return;
	}
	reply_prepare_bytes(r, MHD_HTTP_ACCEPTED, "application/json", RESET_REQUESTED,
	                    sizeof(RESET_REQUESTED) - 1);
}

enum MHD_Result api_insured_reset_request(struct req *r)
{
	return login_submit(r, reset_request_work);
}

struct reset_req {
	char nir[32];
	char code[32];
	char password[PASSWORD_MAX + 1];
	char second[32];
};

static const struct body_spec RESET_BODY = {
	"{\"nir\", \"code\", \"password\", \"secondFactor\": \"<6 digits or a recovery code, "
	"when set up and the code came by e-mail>\"}",
	4,
	{ { "nir", 1, 31, 0 },
	  { "code", 1, 31, 0 },
	  { "password", 1, PASSWORD_MAX, 0 },
	  { "secondFactor", 0, 31, BODY_OPTIONAL } },
};

/*
 * POST /auth/insured/reset {nir, code, password, secondFactor?}: a new
 * password with a reset code. A code from a letter (the postal address:
 * the strongest proof) also lifts the owner's lock and any login lock; a
 * code by e-mail needs the second factor when one is set up, and does not
 * unlock a locked account. Every session ends.
 */
static void reset_work(struct req *r)
{
	struct vigie *v = r->v;
	struct reset_req *q = req_alloc(r, sizeof(*q));
	struct store_account *a = req_alloc(r, sizeof(*a));
	struct store_insured *row = req_alloc(r, sizeof(*row));
	struct insured_ident id;
	struct insured_contact c;
	struct context_words cw;
	char canon[NIR_LEN + 1], *const o[] = { q ? q->nir : NULL, q ? q->code : NULL,
		                                q ? q->password : NULL, q ? q->second : NULL };
	int64_t ids[PERSONS_MAX], who = 0, now = r->now_ms / 1000, wait;
	struct store_code code;
	size_t n = 0;
	int rc, channel = 0, recovery = 0;

	memset(&id, 0, sizeof(id));
	memset(&c, 0, sizeof(c));
	if (!q || !a || !row) {
		prepare_busy(r);
		goto out;
	}
	if (parse_on_worker(r, &RESET_BODY, o) != 0)
		goto out;
	wait = logins_address_wait(v->logins, r->ip, now);
	if (wait > 0) {
		reply_prepare_throttled(r, wait, "too many failed attempts from this address");
		goto out;
	}
	logins_attempt(v->logins, r->ip, now);
	rc = persons_of_nir(v, q->nir, ids, &n, canon);
	if (rc == VG_EINVAL) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                      "nir must be a social security number (15 characters, with "
		                      "its key)");
		goto out;
	}
	if (rc == 0)
		rc = code_owner(r, ids, n, CODE_RESET, q->code, &who, &code);
	channel = rc == 0 ? code.channel : 0;
	if (rc == VG_EINVAL) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                      "code must be the 12 characters of the reset code");
		goto out;
	}
	if (rc == VG_EDENIED || rc == VG_ENOTFOUND) {
		password_burn(q->password, strlen(q->password));
		reply_prepare_outcome(r, MHD_HTTP_UNAUTHORIZED, "security", RESET_FAILED);
		goto out;
	}
	if (rc != 0 || person_of(v, who, &id, &c, NULL, row) != 0) {
		prepare_busy(r);
		goto out;
	}
	logins_lock(v->logins, SESSION_INSURED, who);
	rc = store_account_get(v->store, who, a);
	logins_unlock(v->logins, SESSION_INSURED, who);
	if (rc == VG_ENOTFOUND) {
		reply_prepare_outcome(r, MHD_HTTP_CONFLICT, "not-found",
		                      "this person has no account yet: activate it with the "
		                      "letter's activation code");
		goto out;
	}
	if (rc != 0) {
		prepare_busy(r);
		goto out;
	}
	if (channel == CODE_EMAIL && a->owner_lock_ms) {
		reply_prepare_outcome(r, MHD_HTTP_FORBIDDEN, "security",
		                      "this account is locked: an operator or a code sent by post "
		                      "unlocks it");
		goto out;
	}
	if (channel == CODE_EMAIL && a->totp_on &&
	    !second_factor_ok(v, a, q->second, now, &recovery)) {
		reply_prepare_outcome(r, MHD_HTTP_FORBIDDEN, "security",
		                      "a second factor is set up on this account: give its code "
		                      "(secondFactor) or a recovery code");
		goto out;
	}
	logins_succeeded(v->logins, r->ip, now);
	context_of(&id, &c, &cw);
	if (password_acceptable(r, q->password, a->totp_on, &cw) != 0)
		goto out;
	if (password_hash(q->password, strlen(q->password), a->pwhash) != 0) {
		prepare_busy(r);
		goto out;
	}
	if (journal_act(r, a->patient,
	                channel == CODE_LETTER ? "account.reset_letter" : "account.reset_email", 0,
	                NULL) != 0)
		goto out;
	a->pw_short = strlen(q->password) < (size_t)pw_min_length(0);
	a->pw_changed_ms = r->now_ms;
	a->pw_failed = 0;
	a->failed = 0;
	a->locked_until = 0;
	if (channel == CODE_LETTER)
		a->owner_lock_ms = 0;
	logins_lock(v->logins, SESSION_INSURED, who);
	rc = store_account_update(v->store, a);
	if (rc == 0)
		rc = codes_use(v->store, &code, r->now_ms);
	logins_unlock(v->logins, SESSION_INSURED, who);
	if (rc != 0 || sessions_revoke_subject(v->isessions, who) != 0) {
		prepare_busy(r);
		goto out;
	}
	VG_IGNORE(event(r, who, "password_reset", MAIL_PENDING,
	                channel == CODE_LETTER ? ",\"by\":\"letter\"" : ",\"by\":\"email\""));
	if (recovery)
		VG_IGNORE(event(r, who, "recovery_used", MAIL_PENDING, NULL));
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json",
	                    "{\"status\":\"password changed\",\"sessions\":\"all ended\"}",
	                    sizeof("{\"status\":\"password changed\",\"sessions\":\"all ended\"}") -
	                            1);
out:
	sodium_memzero(&id, sizeof(id));
	sodium_memzero(&c, sizeof(c));
	if (a)
		sodium_memzero(a, sizeof(*a));
	wipe_body(r);
}

enum MHD_Result api_insured_reset(struct req *r)
{
	return login_submit(r, reset_work);
}

/* ---- sensitive acts: password, second factor ------------------------------ */

/*
 * The account of the token, read under its lock, and the check of the
 * current password and/or second factor. Returns 0 (the lock is held, *a
 * read), or -1 with the reply prepared and the lock released.
 */
static int sensitive_begin(struct req *r, struct store_account *a, const char *password,
                           const char *second, int need_second, int *recovery)
{
	struct vigie *v = r->v;
	int ok = 1;

	*recovery = 0;
	logins_lock(v->logins, SESSION_INSURED, r->who.id);
	if (store_account_get(v->store, r->who.id, a) != 0) {
		logins_unlock(v->logins, SESSION_INSURED, r->who.id);
		prepare_busy(r);
		return -1;
	}
	if (password)
		ok = password_verify(a->pwhash, password, strlen(password)) == 0;
	if (ok && need_second && a->totp_on)
		ok = second_factor_ok(v, a, second, r->now_ms / 1000, recovery);
	if (!ok) {
		sensitive_failed(r, a);
		logins_unlock(v->logins, SESSION_INSURED, r->who.id);
		return -1;
	}
	a->pw_failed = 0;
	return 0;
}

struct password_req {
	char current[PASSWORD_MAX + 1];
	char next[PASSWORD_MAX + 1];
	char second[32];
};

static const struct body_spec PASSWORD_BODY = {
	"{\"current\", \"new\", \"secondFactor\": \"<when set up>\"}",
	3,
	{ { "current", 1, PASSWORD_MAX, 0 },
	  { "new", 1, PASSWORD_MAX, 0 },
	  { "secondFactor", 0, 31, BODY_OPTIONAL } },
};

/* The current session's token hash (to keep it when the others end). */
static int current_hash(struct req *r, uint8_t h[VAULT_BIDX])
{
	size_t len = 0;
	const char *tok = req_bearer(r, &len);

	if (!tok || len != TOKEN_B64_LEN)
		return -1;
	vault_blind(r->v->vault, VAULT_D_TOKEN, tok, len, h);
	return 0;
}

/* End every session of the account but this request's. 0 or an error. */
static int end_other_sessions(struct req *r, int64_t id)
{
	struct store_session *ss = req_alloc(r, SESSIONS_MAX * sizeof(*ss));
	uint8_t mine[VAULT_BIDX];
	size_t n = 0;
	int rc, have = current_hash(r, mine) == 0;

	if (!ss)
		return VG_ENOMEM;
	rc = store_sessions_of(r->v->store, SESSION_INSURED, id, ss, SESSIONS_MAX, &n);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (!have || sodium_memcmp(ss[i].token_hash, mine, VAULT_BIDX) != 0)
			rc = sessions_close_hash(r->v->isessions, ss[i].token_hash);
	return rc;
}

static void password_work(struct req *r)
{
	struct vigie *v = r->v;
	struct password_req *q = req_alloc(r, sizeof(*q));
	struct store_account *a = req_alloc(r, sizeof(*a));
	struct store_insured *row = req_alloc(r, sizeof(*row));
	struct insured_ident id;
	struct insured_contact c;
	struct context_words cw;
	char *const o[] = { q ? q->current : NULL, q ? q->next : NULL, q ? q->second : NULL };
	int rc, recovery = 0;

	memset(&id, 0, sizeof(id));
	memset(&c, 0, sizeof(c));
	if (!q || !a || !row) {
		prepare_busy(r);
		goto out;
	}
	if (parse_on_worker(r, &PASSWORD_BODY, o) != 0)
		goto out;
	if (person_of(v, r->who.id, &id, &c, NULL, row) != 0) {
		prepare_busy(r);
		goto out;
	}
	if (sensitive_begin(r, a, q->current, q->second, 1, &recovery) != 0)
		goto out;
	context_of(&id, &c, &cw);
	if (strcmp(q->current, q->next) == 0) {
		VG_IGNORE(store_account_update(v->store, a));
		logins_unlock(v->logins, SESSION_INSURED, r->who.id);
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                      "password refused (same): the new password must differ from "
		                      "the current one");
		goto out;
	}
	if (password_acceptable(r, q->next, a->totp_on, &cw) != 0) {
		VG_IGNORE(store_account_update(v->store, a));
		logins_unlock(v->logins, SESSION_INSURED, r->who.id);
		goto out;
	}
	logins_unlock(v->logins, SESSION_INSURED, r->who.id);
	if (journal_act(r, a->patient, "account.password", 0, NULL) != 0)
		goto out;
	if (password_hash(q->next, strlen(q->next), a->pwhash) != 0) {
		prepare_busy(r);
		goto out;
	}
	a->pw_short = strlen(q->next) < (size_t)pw_min_length(0);
	a->pw_changed_ms = r->now_ms;
	logins_lock(v->logins, SESSION_INSURED, r->who.id);
	rc = store_account_update(v->store, a);
	logins_unlock(v->logins, SESSION_INSURED, r->who.id);
	if (rc != 0 || end_other_sessions(r, a->id) != 0) {
		prepare_busy(r);
		goto out;
	}
	VG_IGNORE(event(r, a->id, "password_changed", MAIL_PENDING, NULL));
	if (recovery)
		VG_IGNORE(event(r, a->id, "recovery_used", MAIL_PENDING, NULL));
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json",
	                    "{\"status\":\"password changed\",\"sessions\":\"others ended\"}",
	                    sizeof("{\"status\":\"password changed\",\"sessions\":\"others "
	                           "ended\"}") -
	                            1);
out:
	sodium_memzero(&id, sizeof(id));
	sodium_memzero(&c, sizeof(c));
	if (a)
		sodium_memzero(a, sizeof(*a));
	wipe_body(r);
}

enum MHD_Result api_me_password(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return on_worker(r, password_work);
}

/* POST /me/totp {password}: a new secret, pending until confirmed. */
static const struct body_spec TOTP_START_BODY = {
	"{\"password\"}",
	1,
	{ { "password", 1, PASSWORD_MAX, 0 } },
};

static void totp_start_work(struct req *r)
{
	struct vigie *v = r->v;
	char pw[PASSWORD_MAX + 1], *const o[] = { pw };
	struct store_account *a = req_alloc(r, sizeof(*a));
	struct store_insured *row = req_alloc(r, sizeof(*row));
	char *svg = req_alloc(r, QR_SVG_CAP);
	uint8_t secret[TOTP_SECRET_LEN];
	char b32[TOTP_B32_LEN + 1], uri[256], label[32];
	struct insured_ident id;
	size_t svg_len = 0;
	int recovery, rc;
	struct jw w;

	memset(&id, 0, sizeof(id));
	if (!a || !row || !svg) {
		prepare_busy(r);
		goto out;
	}
	if (parse_on_worker(r, &TOTP_START_BODY, o) != 0)
		goto out;
	if (sensitive_begin(r, a, pw, "", 0, &recovery) != 0)
		goto out;
	if (a->totp_on) {
		VG_IGNORE(store_account_update(v->store, a));
		logins_unlock(v->logins, SESSION_INSURED, r->who.id);
		reply_prepare_outcome(r, MHD_HTTP_CONFLICT, "business-rule",
		                      "a second factor is already set up: turn it off first");
		goto out;
	}
	randombytes_buf(secret, sizeof(secret));
	rc = vault_seal(v->vault, "account", "totp", a->id, secret, sizeof(secret), a->totp_sealed);
	a->totp_sealed_len = rc == 0 ? sizeof(secret) + VAULT_OVERHEAD : 0;
	if (rc == 0)
		rc = store_account_update(v->store, a);
	logins_unlock(v->logins, SESSION_INSURED, r->who.id);
	if (rc != 0 || person_of(v, a->id, &id, NULL, NULL, row) != 0) {
		prepare_busy(r);
		goto out;
	}
	totp_base32(secret, b32);
	/* The label names the account without its number: "vigie:DUPONT J." */
	snprintf(label, sizeof(label), "%.20s%%20%.1s.", id.family, id.given);
	for (char *s = label; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '%' && *s != '.')
			*s = '-';
	snprintf(uri, sizeof(uri),
	         "otpauth://totp/" TOTP_ISSUER ":%s?secret=%s&issuer=" TOTP_ISSUER
	         "&algorithm=SHA1&digits=6&period=30",
	         label, b32);
	if (qr_svg(uri, svg, QR_SVG_CAP, &svg_len) != 0) {
		prepare_busy(r);
		goto out;
	}
	jw_init(&w, 1024 + svg_len * 2);
	jw_obj(&w);
	jw_kstr(&w, "status", "pending: confirm with a code from the app (POST /me/totp/confirm)");
	jw_kstr(&w, "secret", b32);
	jw_kstr(&w, "otpauth", uri);
	jw_key(&w, "qrSvg");
	jw_strn(&w, svg, svg_len);
	jw_end(&w);
	reply_prepare_json(r, MHD_HTTP_OK, "application/json", &w);
out:
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(b32, sizeof(b32));
	sodium_memzero(uri, sizeof(uri));
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(&id, sizeof(id));
	if (a)
		sodium_memzero(a, sizeof(*a));
	wipe_body(r);
}

enum MHD_Result api_me_totp(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return on_worker(r, totp_start_work);
}

/* POST /me/totp/confirm {totp}: the pending secret works; recovery codes are given once. */
static const struct body_spec TOTP_CONFIRM_BODY = {
	"{\"totp\": \"<6 digits>\"}",
	1,
	{ { "totp", 6, 6, BODY_DIGITS } },
};

static void totp_confirm_work(struct req *r)
{
	struct vigie *v = r->v;
	char totp[8], *const o[] = { totp };
	struct store_account *a = req_alloc(r, sizeof(*a));
	char codes[STORE_RECOVERY_N][MSGCODE_TEXT];
	int recovery = 0, rc;
	struct jw w;

	if (!a) {
		prepare_busy(r);
		goto out;
	}
	if (parse_on_worker(r, &TOTP_CONFIRM_BODY, o) != 0)
		goto out;
	logins_lock(v->logins, SESSION_INSURED, r->who.id);
	if (store_account_get(v->store, r->who.id, a) != 0) {
		logins_unlock(v->logins, SESSION_INSURED, r->who.id);
		prepare_busy(r);
		goto out;
	}
	if (a->totp_on || !a->totp_sealed_len) {
		logins_unlock(v->logins, SESSION_INSURED, r->who.id);
		reply_prepare_outcome(r, MHD_HTTP_CONFLICT, "business-rule",
		                      a->totp_on
		                              ? "the second factor is already on"
		                              : "no second factor is pending: POST /me/totp first");
		goto out;
	}
	if (!second_factor_ok(v, a, totp, r->now_ms / 1000, &recovery) || recovery) {
		sensitive_failed(r, a);
		logins_unlock(v->logins, SESSION_INSURED, r->who.id);
		goto out;
	}
	logins_unlock(v->logins, SESSION_INSURED, r->who.id);
	if (journal_act(r, a->patient, "account.totp_on", 0, NULL) != 0)
		goto out;
	a->totp_on = 1;
	a->pw_failed = 0;
	rc = codes_recovery_new(v->vault, a, codes);
	logins_lock(v->logins, SESSION_INSURED, r->who.id);
	if (rc == 0)
		rc = store_account_update(v->store, a);
	logins_unlock(v->logins, SESSION_INSURED, r->who.id);
	if (rc != 0) {
		prepare_busy(r);
		goto out;
	}
	VG_IGNORE(event(r, a->id, "totp_on", MAIL_PENDING, NULL));
	jw_init(&w, 1024);
	jw_obj(&w);
	jw_kstr(&w, "status", "second factor on");
	jw_karr(&w, "recoveryCodes");
	for (int i = 0; i < STORE_RECOVERY_N; i++)
		jw_str(&w, codes[i]);
	jw_end(&w);
	jw_kstr(&w, "note",
	        "each recovery code works once, in place of the app's code: keep them "
	        "apart from this device");
	jw_end(&w);
	reply_prepare_json(r, MHD_HTTP_OK, "application/json", &w);
out:
	sodium_memzero(codes, sizeof(codes));
	if (a)
		sodium_memzero(a, sizeof(*a));
	wipe_body(r);
}

enum MHD_Result api_me_totp_confirm(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return on_worker(r, totp_confirm_work);
}

/* POST /me/totp/disable {password, secondFactor}. */
static const struct body_spec TOTP_OFF_BODY = {
	"{\"password\", \"secondFactor\": \"<6 digits or a recovery code>\"}",
	2,
	{ { "password", 1, PASSWORD_MAX, 0 }, { "secondFactor", 1, 31, 0 } },
};

static void totp_off_work(struct req *r)
{
	struct vigie *v = r->v;
	char pw[PASSWORD_MAX + 1], second[32], *const o[] = { pw, second };
	struct store_account *a = req_alloc(r, sizeof(*a));
	int recovery = 0, rc;

	if (!a) {
		prepare_busy(r);
		goto out;
	}
	if (parse_on_worker(r, &TOTP_OFF_BODY, o) != 0)
		goto out;
	if (sensitive_begin(r, a, pw, second, 1, &recovery) != 0)
		goto out;
	if (!a->totp_on) {
		VG_IGNORE(store_account_update(v->store, a));
		logins_unlock(v->logins, SESSION_INSURED, r->who.id);
		reply_prepare_outcome(r, MHD_HTTP_CONFLICT, "business-rule",
		                      "no second factor is on");
		goto out;
	}
	if (a->pw_short) {
		VG_IGNORE(store_account_update(v->store, a));
		logins_unlock(v->logins, SESSION_INSURED, r->who.id);
		reply_prepare_outcome(r, MHD_HTTP_CONFLICT, "business-rule",
		                      "the password is only long enough with a second factor: set "
		                      "a password of at least 15 characters first");
		goto out;
	}
	logins_unlock(v->logins, SESSION_INSURED, r->who.id);
	if (journal_act(r, a->patient, "account.totp_off", 0, NULL) != 0)
		goto out;
	a->totp_on = 0;
	a->totp_sealed_len = 0;
	a->recovery_sealed_len = 0;
	logins_lock(v->logins, SESSION_INSURED, r->who.id);
	rc = store_account_update(v->store, a);
	logins_unlock(v->logins, SESSION_INSURED, r->who.id);
	if (rc != 0) {
		prepare_busy(r);
		goto out;
	}
	VG_IGNORE(event(r, a->id, "totp_off", MAIL_PENDING, NULL));
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json",
	                    "{\"status\":\"second factor off\"}",
	                    sizeof("{\"status\":\"second factor off\"}") - 1);
out:
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(second, sizeof(second));
	if (a)
		sodium_memzero(a, sizeof(*a));
	wipe_body(r);
}

enum MHD_Result api_me_totp_disable(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return on_worker(r, totp_off_work);
}

/* ---- GET /me/account, /me/activity; POST /me/sessions/revoke --------------- */

static void iso_ms(int64_t t_ms, char out[32])
{
	time_t s = (time_t)(t_ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The professional id's public directory entry into w's current object. */
static void pro_fields(struct vigie *v, int64_t pro_id, struct jw *w)
{
	struct store_pro p;

	if (store_pro_get_id(v->store, pro_id, &p) != 0)
		return;
	jw_kstr(w, "rpps", p.rpps);
	jw_kstr(w, "family", p.family);
	jw_kstr(w, "given", p.given);
	jw_kstr(w, "profession", access_profession_label(p.kind));
	jw_kstr(w, "city", p.city);
	jw_kstr(w, "department", p.dept);
	sodium_memzero(&p, sizeof(p));
}

static void blocks_array(struct req *r, int64_t id, struct jw *w)
{
	int64_t pros[BLOCKS_MAX], ts[BLOCKS_MAX];
	size_t n = 0;
	char t[32];

	jw_karr(w, "blocks");
	if (store_blocks_of(r->v->store, id, pros, ts, BLOCKS_MAX, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			jw_obj(w);
			pro_fields(r->v, pros[i], w);
			iso_ms(ts[i], t);
			jw_kstr(w, "since", t);
			jw_end(w);
		}
	jw_end(w);
}

/* The account's state, for the person: what is on, what is locked, what is blocked. */
static void account_state(struct req *r, const struct store_account *a,
                          const struct store_insured *row, struct jw *w)
{
	static const uint8_t NONE[32];
	uint8_t revoked[32];
	int64_t opposed = people_opposed(r->v->people, a->id, revoked);
	char t[32];

	jw_kobj(w, "secondFactor");
	jw_kbool(w, "on", a->totp_on);
	jw_kbool(w, "pending", !a->totp_on && a->totp_sealed_len > 0);
	jw_kint(w, "recoveryCodesLeft", a->totp_on ? codes_recovery_left(r->v->vault, a) : 0);
	jw_end(w);
	jw_kobj(w, "alerts");
	jw_kbool(w, "everyAccess", a->alerts);
	jw_end(w);
	jw_kobj(w, "card");
	jw_kstr(w, "state",
	        sodium_memcmp(row->card_pk, NONE, 32) != 0 ? "active"
	        : opposed                                  ? "opposed"
	                                                   : "none");
	if (opposed) {
		iso_ms(opposed, t);
		jw_kstr(w, "opposedAt", t);
	}
	jw_end(w);
	jw_kbool(w, "locked", a->owner_lock_ms != 0);
	jw_kbool(w, "passwordNeedsSecondFactor", a->pw_short);
	if (a->created_ms) {
		iso_ms(a->created_ms, t);
		jw_kstr(w, "created", t);
	}
	if (a->pw_changed_ms) {
		iso_ms(a->pw_changed_ms, t);
		jw_kstr(w, "passwordChanged", t);
	}
	blocks_array(r, a->id, w);
}

enum MHD_Result api_me_account(struct req *r)
{
	struct store_account *a = req_alloc(r, sizeof(*a));
	struct store_insured *row = req_alloc(r, sizeof(*row));
	enum MHD_Result res;
	struct jw w;

	if (auth_require_insured(r, &res) != 0)
		return res;
	if (!a || !row || store_account_get(r->v->store, r->who.id, a) != 0 ||
	    store_insured_get(r->v->store, a->id, row) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", BUSY);
	jw_init(&w, 2048);
	jw_obj(&w);
	account_state(r, a, row, &w);
	jw_end(&w);
	sodium_memzero(a, sizeof(*a));
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}

/* An event's detail, unsealed, as a raw JSON value into w ("{}" if unreadable). */
static void event_detail(struct vigie *v, const struct store_event *e, struct jw *w)
{
	char pt[EVENT_DETAIL_MAX + 1];
	size_t n = e->detail_len >= VAULT_OVERHEAD ? e->detail_len - VAULT_OVERHEAD : 0;

	if (n == 0 || n > EVENT_DETAIL_MAX ||
	    vault_unseal(v->vault, "event", "detail", e->account_id, e->detail, e->detail_len,
	                 (uint8_t *)pt) != 0) {
		jw_raw_value(w, "{}", 2);
		return;
	}
	pt[n] = '\0';
	jw_raw_value(w, pt, n);
	sodium_memzero(pt, sizeof(pt));
}

/* A reset code never leaves in a list: events are shown with their detail less it. */
static void events_array(struct req *r, const struct store_event *ev, size_t n, struct jw *w)
{
	char t[32];

	for (size_t i = 0; i < n; i++) {
		jw_obj(w);
		jw_kint(w, "id", ev[i].id);
		iso_ms(ev[i].t_ms, t);
		jw_kstr(w, "time", t);
		jw_kstr(w, "kind", ev[i].kind);
		jw_kstr(w, "mail",
		        ev[i].mail == MAIL_SENT      ? "sent"
		        : ev[i].mail == MAIL_PENDING ? "pending"
		        : ev[i].mail == MAIL_FAILED  ? "failed"
		                                     : "none");
		if (strcmp(ev[i].kind, "reset_code") != 0) {
			jw_key(w, "detail");
			event_detail(r->v, &ev[i], w);
		}
		jw_end(w);
	}
}

static void sessions_array(struct req *r, int64_t id, struct jw *w)
{
	struct store_session *ss = req_alloc(r, SESSIONS_MAX * sizeof(*ss));
	uint8_t mine[VAULT_BIDX];
	int have = current_hash(r, mine) == 0;
	int64_t now = r->now_ms / 1000;
	size_t n = 0;
	char t[32], sid[17];

	jw_karr(w, "sessions");
	if (ss && store_sessions_of(r->v->store, SESSION_INSURED, id, ss, SESSIONS_MAX, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			if (ss[i].expires <= now || ss[i].last_used <= now - r->v->cfg.token_idle)
				continue;
			jw_obj(w);
			sodium_bin2hex(sid, sizeof(sid), ss[i].token_hash, 8);
			jw_kstr(w, "id", sid);
			iso_ms(ss[i].created * 1000, t);
			jw_kstr(w, "opened", t);
			iso_ms(ss[i].last_used * 1000, t);
			jw_kstr(w, "lastUsed", t);
			iso_ms(ss[i].expires * 1000, t);
			jw_kstr(w, "expires", t);
			jw_kstr(w, "ip", ss[i].ip);
			jw_kbool(w, "current",
			         have && sodium_memcmp(ss[i].token_hash, mine, VAULT_BIDX) == 0);
			jw_end(w);
		}
	jw_end(w);
}

/* GET /me/activity[?before=<event id>]: logins, failures, changes; and my open sessions. */
enum MHD_Result api_me_activity(struct req *r)
{
	struct store_event *ev = req_alloc(r, EVENTS_PAGE * sizeof(*ev));
	int64_t before = INT64_MAX;
	enum MHD_Result res;
	size_t n = 0;
	struct jw w;

	if (auth_require_insured(r, &res) != 0)
		return res;
	if (req_query_num(r, "before", INT64_MAX, &before) != 0 || before <= 0)
		return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                     "before must be a positive event id");
	if (!ev || store_events_of(r->v->store, r->who.id, 0, before, ev, EVENTS_PAGE, &n) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", BUSY);
	jw_init(&w, 4096 + n * 512);
	jw_obj(&w);
	jw_karr(&w, "events");
	events_array(r, ev, n, &w);
	jw_end(&w);
	if (n == EVENTS_PAGE)
		jw_kint(&w, "before", ev[n - 1].id);
	sessions_array(r, r->who.id, &w);
	jw_end(&w);
	sodium_memzero(ev, EVENTS_PAGE * sizeof(*ev));
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}

/* POST /me/sessions/revoke {"session": "<id>"} or {"all": true}. */
static const struct body_spec REVOKE_BODY = {
	"{\"session\": \"<id from /me/activity>\"} or {\"all\": true}",
	2,
	{ { "session", 16, 16, BODY_OPTIONAL }, { "all", 5, 5, BODY_OPTIONAL | BODY_BOOL } },
};

static void revoke_work(struct req *r)
{
	struct vigie *v = r->v;
	char sid[17], all[6], *const o[] = { sid, all };
	struct store_session *ss = req_alloc(r, SESSIONS_MAX * sizeof(*ss));
	struct store_account a;
	size_t n = 0, ended = 0;
	int rc;
	char body[64];

	if (!ss) {
		prepare_busy(r);
		return;
	}
	if (parse_on_worker(r, &REVOKE_BODY, o) != 0)
		return;
	if (!!sid[0] == (strcmp(all, "true") == 0)) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                      "name one session, or say all: the body must be "
		                      "{\"session\": \"<id>\"} or {\"all\": true}");
		return;
	}
	if (my_account(r, &a) != 0)
		return;
	if (journal_act(r, a.patient, "account.sessions_revoke", 0, NULL) != 0)
		return;
	rc = store_sessions_of(v->store, SESSION_INSURED, a.id, ss, SESSIONS_MAX, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char hex[17];

		sodium_bin2hex(hex, sizeof(hex), ss[i].token_hash, 8);
		if (sid[0] && strcmp(hex, sid) != 0)
			continue;
		rc = sessions_close_hash(v->isessions, ss[i].token_hash);
		ended += rc == 0;
	}
	sodium_memzero(&a, sizeof(a));
	if (rc != 0) {
		prepare_busy(r);
		return;
	}
	if (sid[0] && ended == 0) {
		reply_prepare_outcome(r, MHD_HTTP_NOT_FOUND, "not-found",
		                      "no open session of this account has this id");
		return;
	}
	VG_IGNORE(event(r, r->who.id, "sessions_revoked", MAIL_NONE, NULL));
	snprintf(body, sizeof(body), "{\"status\":\"ended\",\"sessions\":%zu}", ended);
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json", body, strlen(body));
}

enum MHD_Result api_me_sessions_revoke(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return on_worker(r, revoke_work);
}

/* ---- GET /me (FHIR), POST /me/export -------------------------------------- */

/* The Bundle's self link: the service root (the FHIR base without its "/fhir") + "/me". */
static void me_url(const struct req *r, char *out, size_t cap)
{
	const char *base = r->srv->cfg.base_url;
	size_t n = strlen(base);

	if (n >= 5 && strcmp(base + n - 5, "/fhir") == 0)
		n -= 5;
	snprintf(out, cap, "%.*s/me", (int)n, base);
}

/* Me and my dependants (everyone under my number), unsealed into p. 0 or an error. */
static int my_persons(struct req *r, const struct store_account *a, struct fhir_person *p,
                      int64_t *ids, size_t *np)
{
	struct store_insured *row = req_alloc(r, sizeof(*row));
	size_t n = 0;
	int rc;

	*np = 0;
	if (!row)
		return VG_ENOMEM;
	rc = store_insured_ids_by_patient(r->v->store, a->patient, ids, PERSONS_MAX, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = person_of(r->v, ids[i], &p[i].ident, NULL, &p[i].rights, row);
		if (rc == 0) {
			sodium_bin2hex(p[i].pid, sizeof(p[i].pid), row->pid, VAULT_BIDX);
			p[i].minimised = 0;
		}
	}
	if (rc == 0)
		*np = n;
	return rc;
}

enum MHD_Result api_me_record(struct req *r)
{
	struct fhir_person *p = req_alloc(r, PERSONS_MAX * sizeof(*p));
	struct store_account a;
	int64_t ids[PERSONS_MAX];
	struct access_rec rec;
	enum MHD_Result res;
	char self[300];
	size_t n = 0;
	struct jw w;

	if (auth_require_insured(r, &res) != 0)
		return res;
	if (!p || store_account_get(r->v->store, r->who.id, &a) != 0 ||
	    my_persons(r, &a, p, ids, &n) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", BUSY);
	me_url(r, self, sizeof(self));
	jw_init(&w, 4096);
	fhir_bundle_patients(&w, r->srv->cfg.base_url, self, p, n, 1);
	sodium_memzero(p, PERSONS_MAX * sizeof(*p));
	act_record(r, a.patient, "me", 0, NULL, &rec);
	rec.n_results = (int)n;
	snprintf(rec.fields, sizeof(rec.fields), "%s", "identifier,name,gender,birthDate,coverage");
	sodium_memzero(&a, sizeof(a));
	reply_prepare_json(r, MHD_HTTP_OK, NULL, &w);
	return reply_after_journal(r, &rec);
}

static const struct body_spec EXPORT_BODY = {
	"{\"secondFactor\": \"<when set up>\"}",
	1,
	{ { "secondFactor", 0, 31, BODY_OPTIONAL } },
};

static void export_contacts(struct req *r, const int64_t *ids, size_t n, struct jw *w)
{
	struct store_insured *row = req_alloc(r, sizeof(*row));
	struct insured_contact c;

	jw_karr(w, "contacts");
	for (size_t i = 0; row && i < n; i++) {
		if (person_of(r->v, ids[i], NULL, &c, NULL, row) != 0)
			continue;
		jw_obj(w);
		jw_kstr(w, "line", c.line);
		jw_kstr(w, "postalCode", c.postal);
		jw_kstr(w, "city", c.city);
		jw_kstr(w, "email", c.email);
		jw_kstr(w, "phone", c.phone);
		jw_kstr(w, "iban", c.iban);
		jw_end(w);
		sodium_memzero(&c, sizeof(c));
	}
	jw_end(w);
}

static void export_accesses(struct req *r, const struct store_account *a, struct jw *w)
{
	struct access_rec *rows = req_alloc(r, 200 * sizeof(*rows));
	int64_t before = INT64_MAX;
	size_t total = 0, n = 0;
	char t[32];

	jw_karr(w, "accesses");
	while (rows && total < EXPORT_ACCESSES_MAX &&
	       store_access_by_patient(r->v->store, a->patient, before, rows, 200, &n) == 0 && n) {
		for (size_t i = 0; i < n; i++) {
			jw_obj(w);
			jw_kint(w, "index", rows[i].idx);
			iso_ms(rows[i].t_ms, t);
			jw_kstr(w, "time", t);
			jw_kstr(w, "rpps", rows[i].rpps);
			jw_kstr(w, "route", rows[i].route);
			jw_kstr(w, "decision", rows[i].decision);
			jw_kstr(w, "fields", rows[i].fields);
			jw_end(w);
		}
		total += n;
		before = rows[n - 1].idx;
		if (n < 200)
			break;
	}
	jw_end(w);
	if (total >= EXPORT_ACCESSES_MAX)
		jw_kstr(w, "accessesNote",
		        "the most recent 1000; GET /me/accesses pages through all");
}

static void export_work(struct req *r)
{
	struct vigie *v = r->v;
	char second[32], *const o[] = { second };
	struct store_account *a = req_alloc(r, sizeof(*a));
	struct store_insured *row = req_alloc(r, sizeof(*row));
	struct fhir_person *p = req_alloc(r, PERSONS_MAX * sizeof(*p));
	struct store_event *ev = req_alloc(r, EVENTS_PAGE * sizeof(*ev));
	struct store_misuse *mu = req_alloc(r, MISUSE_PAGE * sizeof(*mu));
	int64_t ids[PERSONS_MAX], before = INT64_MAX;
	char self[300], t[32], *bundle = NULL;
	size_t n = 0, ne = 0, bl = 0, nm = 0;
	int recovery = 0;
	struct jw w, fw;

	if (!a || !row || !p || !ev || !mu) {
		prepare_busy(r);
		goto out;
	}
	if (parse_on_worker(r, &EXPORT_BODY, o) != 0)
		goto out;
	if (sensitive_begin(r, a, NULL, second, 1, &recovery) != 0)
		goto out;
	VG_IGNORE(store_account_update(v->store, a));
	logins_unlock(v->logins, SESSION_INSURED, r->who.id);
	if (my_persons(r, a, p, ids, &n) != 0 || store_insured_get(v->store, a->id, row) != 0) {
		prepare_busy(r);
		goto out;
	}
	/* Journaled before anything is read out for the answer. */
	if (journal_act(r, a->patient, "me.export", 0, NULL) != 0)
		goto out;
	me_url(r, self, sizeof(self));
	jw_init(&fw, 4096);
	fhir_bundle_patients(&fw, r->srv->cfg.base_url, self, p, n, 1);
	sodium_memzero(p, PERSONS_MAX * sizeof(*p));
	if (jw_finish(&fw) != 0 || !(bundle = jw_detach(&fw, &bl))) {
		jw_release(&fw);
		prepare_busy(r);
		goto out;
	}
	jw_init(&w, 65536);
	jw_obj(&w);
	iso_ms(r->now_ms, t);
	jw_kstr(&w, "generated", t);
	jw_kstr(&w, "about", "everything vigie holds about you and the people under your number");
	jw_key(&w, "record");
	jw_raw_value(&w, bundle, bl);
	export_contacts(r, ids, n, &w);
	jw_kobj(&w, "account");
	account_state(r, a, row, &w);
	jw_end(&w);
	jw_karr(&w, "events");
	while (store_events_of(v->store, a->id, 1, before, ev, EVENTS_PAGE, &ne) == 0 && ne) {
		events_array(r, ev, ne, &w);
		before = ev[ne - 1].id;
		if (ne < EVENTS_PAGE)
			break;
	}
	jw_end(&w);
	sessions_array(r, a->id, &w);
	export_accesses(r, a, &w);
	jw_karr(&w, "misuseReports");
	if (store_misuse_list(v->store, a->id, INT64_MAX, mu, MISUSE_PAGE, &nm) == 0)
		for (size_t i = 0; i < nm; i++) {
			jw_obj(&w);
			jw_kint(&w, "id", mu[i].id);
			iso_ms(mu[i].t_ms, t);
			jw_kstr(&w, "time", t);
			jw_kint(&w, "access", mu[i].access_idx);
			jw_end(&w);
		}
	jw_end(&w);
	jw_kstr(&w, "messages",
	        "GET /me/messages gives the full text of every message sent to you");
	jw_end(&w);
	reply_prepare_json(r, MHD_HTTP_OK, "application/json", &w);
	VG_IGNORE(event(r, a->id, "exported", MAIL_NONE, NULL));
out:
	if (bundle) {
		sodium_memzero(bundle, bl);
		free(bundle);
	}
	if (a)
		sodium_memzero(a, sizeof(*a));
	wipe_body(r);
}

enum MHD_Result api_me_export(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return on_worker(r, export_work);
}

/* ---- opposition, lock, blocks, alerts ------------------------------------- */

static void oppose_work(struct req *r)
{
	static const uint8_t NONE[32];
	struct vigie *v = r->v;
	struct store_insured *row = req_alloc(r, sizeof(*row));
	struct store_account a;
	char why[BODY_WHY_MAX];
	int64_t ids[PERSONS_MAX];
	uint8_t pk[32];
	size_t n = 0;
	int rc;

	if (!row) {
		prepare_busy(r);
		return;
	}
	if (r->body_len &&
	    body_parse(r->body, r->body_len,
	               &(const struct body_spec){ "{} (nothing to say)", 0, { { 0 } } }, NULL,
	               why) != 0) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
		return;
	}
	if (my_account(r, &a) != 0)
		return;
	if (store_insured_get(v->store, a.id, row) != 0) {
		prepare_busy(r);
		return;
	}
	if (sodium_memcmp(row->card_pk, NONE, 32) == 0) {
		reply_prepare_outcome(r, MHD_HTTP_CONFLICT, "business-rule",
		                      "there is no active card to oppose (already opposed?)");
		return;
	}
	if (journal_act(r, a.patient, "account.card_oppose", 0, NULL) != 0)
		return;
	/* The card is the holder's; dependants billed under the number may share its key. */
	memcpy(pk, row->card_pk, 32);
	rc = store_insured_ids_by_patient(v->store, a.patient, ids, PERSONS_MAX, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = ids[i] == a.id ? 0 : store_insured_get(v->store, ids[i], row);
		if (rc == 0 && (ids[i] == a.id || sodium_memcmp(row->card_pk, pk, 32) == 0))
			rc = people_oppose(v->people, ids[i], pk, r->now_ms);
	}
	sodium_memzero(pk, sizeof(pk));
	if (rc != 0) {
		prepare_busy(r);
		return;
	}
	VG_IGNORE(event(r, a.id, "card_opposed", MAIL_PENDING, NULL));
	log_event(LOG_INFO, "account.card_opposed", LI("account", a.id));
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json",
	                    "{\"status\":\"card opposed\",\"detail\":\"proofs made with it are "
	                    "refused from now on; ask for a new card\"}",
	                    sizeof("{\"status\":\"card opposed\",\"detail\":\"proofs made with it "
	                           "are refused from now on; ask for a new card\"}") -
	                            1);
}

enum MHD_Result api_me_card_oppose(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	if (r->body_len && !req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	return reply_on_worker(r, oppose_work);
}

static void lock_work(struct req *r)
{
	struct vigie *v = r->v;
	struct store_account a;
	char why[BODY_WHY_MAX];
	int rc;

	if (r->body_len &&
	    body_parse(r->body, r->body_len,
	               &(const struct body_spec){ "{} (nothing to say)", 0, { { 0 } } }, NULL,
	               why) != 0) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
		return;
	}
	if (my_account(r, &a) != 0)
		return;
	if (journal_act(r, a.patient, "account.lock", 0, NULL) != 0)
		return;
	logins_lock(v->logins, SESSION_INSURED, a.id);
	rc = store_account_get(v->store, a.id, &a);
	if (rc == 0) {
		a.owner_lock_ms = r->now_ms;
		rc = store_account_update(v->store, &a);
	}
	logins_unlock(v->logins, SESSION_INSURED, a.id);
	if (rc == 0)
		rc = sessions_revoke_subject(v->isessions, a.id);
	if (rc != 0) {
		prepare_busy(r);
		return;
	}
	VG_IGNORE(event(r, a.id, "locked", MAIL_PENDING, NULL));
	log_event(LOG_INFO, "account.locked_by_owner", LI("account", a.id));
	sodium_memzero(&a, sizeof(a));
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json",
	                    "{\"status\":\"locked\",\"detail\":\"every session was ended; an "
	                    "operator or a code sent by post unlocks the account\"}",
	                    sizeof("{\"status\":\"locked\",\"detail\":\"every session was ended; "
	                           "an operator or a code sent by post unlocks the account\"}") -
	                            1);
}

enum MHD_Result api_me_lock(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	if (r->body_len && !req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	return reply_on_worker(r, lock_work);
}

static const struct body_spec BLOCK_BODY = {
	"{\"rpps\": \"<11 digits>\"}",
	1,
	{ { "rpps", 11, 11, BODY_DIGITS } },
};

/* Block (on) or unblock the professional named in the body, for me and nobody else. */
static void block_change(struct req *r, int on)
{
	struct vigie *v = r->v;
	char rpps[12], *const o[] = { rpps }, extra[48];
	struct store_account a;
	struct store_pro p;
	int rc;

	if (parse_on_worker(r, &BLOCK_BODY, o) != 0)
		return;
	if (rpps_validate(rpps, strlen(rpps)) != 0) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                      "rpps is not a valid RPPS number (its check digit is wrong)");
		return;
	}
	rc = store_pro_get(v->store, rpps, &p);
	if (rc == VG_ENOTFOUND || (rc == 0 && p.role != ROLE_PRO)) {
		reply_prepare_outcome(r, MHD_HTTP_NOT_FOUND, "not-found",
		                      "no professional has this RPPS number");
		return;
	}
	if (rc != 0 || my_account(r, &a) != 0) {
		if (rc != 0)
			prepare_busy(r);
		return;
	}
	if (journal_act(r, a.patient, on ? "account.block" : "account.unblock", 0, NULL) != 0)
		return;
	rc = people_block(v->people, a.id, p.id, on, r->now_ms);
	if (rc != 0) {
		prepare_busy(r);
		return;
	}
	snprintf(extra, sizeof(extra), ",\"rpps\":\"%s\"", rpps);
	VG_IGNORE(event(r, a.id, on ? "block_added" : "block_removed", MAIL_NONE, extra));
	sodium_memzero(&p, sizeof(p));
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json",
	                    on ? "{\"status\":\"blocked\"}" : "{\"status\":\"unblocked\"}",
	                    on ? sizeof("{\"status\":\"blocked\"}") - 1
	                       : sizeof("{\"status\":\"unblocked\"}") - 1);
}

static void block_work(struct req *r)
{
	block_change(r, 1);
}

static void unblock_work(struct req *r)
{
	block_change(r, 0);
}

enum MHD_Result api_me_blocks_get(struct req *r)
{
	enum MHD_Result res;
	struct jw w;

	if (auth_require_insured(r, &res) != 0)
		return res;
	jw_init(&w, 1024);
	jw_obj(&w);
	blocks_array(r, r->who.id, &w);
	jw_end(&w);
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}

enum MHD_Result api_me_blocks_add(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return on_worker(r, block_work);
}

enum MHD_Result api_me_blocks_remove(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return on_worker(r, unblock_work);
}

static const struct body_spec ALERTS_BODY = {
	"{\"everyAccess\": true or false}",
	1,
	{ { "everyAccess", 5, 5, BODY_BOOL } },
};

static void alerts_work(struct req *r)
{
	struct vigie *v = r->v;
	char on_s[6], *const o[] = { on_s };
	struct store_account a;
	int on, rc;

	if (parse_on_worker(r, &ALERTS_BODY, o) != 0)
		return;
	on = strcmp(on_s, "true") == 0;
	if (my_account(r, &a) != 0)
		return;
	if (journal_act(r, a.patient, on ? "account.alerts_on" : "account.alerts_off", 0, NULL) !=
	    0)
		return;
	logins_lock(v->logins, SESSION_INSURED, a.id);
	rc = store_account_get(v->store, a.id, &a);
	if (rc == 0) {
		a.alerts = on;
		rc = store_account_update(v->store, &a);
	}
	logins_unlock(v->logins, SESSION_INSURED, a.id);
	if (rc == 0)
		rc = people_set_alerting(v->people, a.patient, a.id, on);
	if (rc != 0) {
		prepare_busy(r);
		return;
	}
	VG_IGNORE(event(r, a.id, on ? "alerts_on" : "alerts_off", MAIL_NONE, NULL));
	sodium_memzero(&a, sizeof(a));
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json",
	                    on ? "{\"everyAccess\":true}" : "{\"everyAccess\":false}",
	                    on ? sizeof("{\"everyAccess\":true}") - 1
	                       : sizeof("{\"everyAccess\":false}") - 1);
}

enum MHD_Result api_me_alerts(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return on_worker(r, alerts_work);
}

/* ---- misuse reports ------------------------------------------------------- */

struct misuse_req {
	char index[20];
	char text[MISUSE_TEXT_MAX + 1];
};

static const struct body_spec MISUSE_BODY = {
	"{\"index\": \"<journal index of the access>\", \"text\": \"<what happened>\"}",
	2,
	{ { "index", 1, 18, BODY_DIGITS }, { "text", 0, MISUSE_TEXT_MAX, BODY_OPTIONAL } },
};

static void misuse_work(struct req *r)
{
	struct vigie *v = r->v;
	struct misuse_req *q = req_alloc(r, sizeof(*q));
	struct store_misuse *m = req_alloc(r, sizeof(*m));
	char *const o[] = { q ? q->index : NULL, q ? q->text : NULL };
	struct store_account a;
	struct access_rec acc;
	char extra[64], body[96];
	int64_t idx;
	size_t tl;
	int rc;

	if (!q || !m) {
		prepare_busy(r);
		return;
	}
	if (parse_on_worker(r, &MISUSE_BODY, o) != 0)
		return;
	idx = strtoll(q->index, NULL, 10);
	if (my_account(r, &a) != 0)
		return;
	rc = store_access_get(v->store, idx, &acc);
	/* Only an access by a professional to my record: anything else is "not in my list". */
	if (rc == VG_ENOTFOUND ||
	    (rc == 0 && (sodium_memcmp(acc.patient, a.patient, VAULT_BIDX) != 0 || !acc.pro_id))) {
		reply_prepare_outcome(r, MHD_HTTP_NOT_FOUND, "not-found",
		                      "no access by a professional to your record has this index");
		return;
	}
	if (rc != 0) {
		prepare_busy(r);
		return;
	}
	if (journal_act(r, a.patient, "account.misuse_report", 0, NULL) != 0)
		return;
	tl = strlen(q->text);
	m->account_id = a.id;
	m->t_ms = r->now_ms;
	m->access_idx = idx;
	/* Sealed with the account as its id: the row's own id is not known before the insert. */
	rc = vault_seal(v->vault, "misuse", "body", a.id, (const uint8_t *)q->text, tl, m->body);
	m->body_len = tl + VAULT_OVERHEAD;
	if (rc == 0)
		rc = store_misuse_put(v->store, m);
	if (rc != 0) {
		prepare_busy(r);
		return;
	}
	snprintf(extra, sizeof(extra), ",\"access\":%lld,\"report\":%lld", (long long)idx,
	         (long long)m->id);
	VG_IGNORE(event(r, a.id, "misuse_report", MAIL_NONE, extra));
	log_event(LOG_WARN, "account.misuse_reported", LI("report", m->id), LI("index", idx),
	          LI("pro", acc.pro_id));
	atomic_fetch_add(&v->metrics.misuse_reports, 1);
	snprintf(body, sizeof(body), "{\"status\":\"reported\",\"id\":%lld}", (long long)m->id);
	reply_prepare_bytes(r, MHD_HTTP_CREATED, "application/json", body, strlen(body));
	sodium_memzero(&a, sizeof(a));
}

enum MHD_Result api_me_reports_add(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return on_worker(r, misuse_work);
}

/* One misuse report as JSON, with its access and, for operators, the incidents covering it. */
static void misuse_json(struct req *r, const struct store_misuse *m, int for_operator, struct jw *w)
{
	struct store_incident *inc = req_alloc(r, 64 * sizeof(*inc));
	struct store_scope *sc = req_alloc(r, 64 * sizeof(*sc));
	char text[MISUSE_TEXT_MAX + 1], t[32];
	size_t tl = m->body_len >= VAULT_OVERHEAD ? m->body_len - VAULT_OVERHEAD : 0, ni = 0;
	struct access_rec acc;

	jw_obj(w);
	jw_kint(w, "id", m->id);
	iso_ms(m->t_ms, t);
	jw_kstr(w, "time", t);
	if (tl <= MISUSE_TEXT_MAX && vault_unseal(r->v->vault, "misuse", "body", m->account_id,
	                                          m->body, m->body_len, (uint8_t *)text) == 0) {
		text[tl] = '\0';
		jw_kstr(w, "text", text);
	}
	jw_kobj(w, "access");
	jw_kint(w, "index", m->access_idx);
	if (store_access_get(r->v->store, m->access_idx, &acc) == 0) {
		iso_ms(acc.t_ms, t);
		jw_kstr(w, "time", t);
		jw_kstr(w, "route", acc.route);
		jw_kstr(w, "decision", acc.decision);
		jw_kstr(w, "fields", acc.fields);
		jw_kobj(w, "professional");
		pro_fields(r->v, acc.pro_id, w);
		jw_end(w);
		if (for_operator) {
			jw_kstr(w, "ip", acc.ip);
			/* The incidents whose scope holds this access. */
			jw_karr(w, "incidents");
			if (inc && sc && store_incident_list(r->v->store, inc, 64, &ni) == 0)
				for (size_t i = 0; i < ni; i++) {
					size_t ns = 0, hit = 0;

					if (store_scopes(r->v->store, inc[i].id, sc, 64, &ns) != 0)
						continue;
					for (size_t k = 0; k < ns; k++)
						hit |= sc[k].pro_id == acc.pro_id &&
						       acc.t_ms >= sc[k].from_ms &&
						       acc.t_ms < sc[k].to_ms &&
						       (!sc[k].ip[0] ||
						        strcmp(sc[k].ip, acc.ip) == 0);
					if (hit)
						jw_int(w, inc[i].id);
				}
			jw_end(w);
		}
	}
	jw_end(w);
	jw_end(w);
	sodium_memzero(text, sizeof(text));
}

enum MHD_Result api_me_reports_get(struct req *r)
{
	struct store_misuse *mu = req_alloc(r, MISUSE_PAGE * sizeof(*mu));
	enum MHD_Result res;
	size_t n = 0;
	struct jw w;

	if (auth_require_insured(r, &res) != 0)
		return res;
	if (!mu || store_misuse_list(r->v->store, r->who.id, INT64_MAX, mu, MISUSE_PAGE, &n) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", BUSY);
	jw_init(&w, 1024 + n * 1024);
	jw_obj(&w);
	jw_karr(&w, "reports");
	for (size_t i = 0; i < n; i++)
		misuse_json(r, &mu[i], 0, &w);
	jw_end(&w);
	jw_end(&w);
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}

/* GET /admin/misuse[?before=<id>]: operators read the reports, linked to incidents. */
enum MHD_Result api_admin_misuse(struct req *r)
{
	struct store_misuse *mu = req_alloc(r, MISUSE_PAGE * sizeof(*mu));
	int64_t before = INT64_MAX;
	enum MHD_Result res;
	size_t n = 0;
	struct jw w;

	if (auth_require_operator(r, &res) != 0)
		return res;
	if (req_query_num(r, "before", INT64_MAX, &before) != 0 || before <= 0)
		return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                     "before must be a positive report id");
	if (!mu || store_misuse_list(r->v->store, 0, before, mu, MISUSE_PAGE, &n) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", BUSY);
	jw_init(&w, 1024 + n * 1024);
	jw_obj(&w);
	jw_karr(&w, "reports");
	for (size_t i = 0; i < n; i++)
		misuse_json(r, &mu[i], 1, &w);
	jw_end(&w);
	if (n == MISUSE_PAGE)
		jw_kint(&w, "before", mu[n - 1].id);
	jw_end(&w);
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}

/* ---- operators: unlock an account, issue a new card key ------------------- */

static const struct body_spec PERSON_BODY = {
	"{\"nir\": \"<15 characters>\", \"birthDate\": \"<YYYY-MM-DD, when several people share "
	"the number>\"}",
	2,
	{ { "nir", 1, 31, 0 }, { "birthDate", 10, 10, BODY_OPTIONAL } },
};

/*
 * The one person a body names (NIR, and birth date among dependants). 0 and
 * *id, *patient set; or -1 with the 4xx prepared.
 */
static int named_person(struct req *r, int64_t *id, uint8_t patient[VAULT_BIDX])
{
	char nir[32], bd[11], canon[NIR_LEN + 1], *const o[] = { nir, bd };
	struct store_insured *row = req_alloc(r, sizeof(*row));
	struct insured_ident ident;
	int64_t ids[PERSONS_MAX];
	size_t n = 0, hits = 0;
	int rc;

	if (!row) {
		prepare_busy(r);
		return -1;
	}
	if (parse_on_worker(r, &PERSON_BODY, o) != 0)
		return -1;
	rc = persons_of_nir(r->v, nir, ids, &n, canon);
	if (rc == VG_EINVAL) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                      "nir must be a social security number (15 characters, with "
		                      "its key)");
		return -1;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (person_of(r->v, ids[i], &ident, NULL, NULL, row) != 0)
			continue;
		if (!bd[0] || strcmp(bd, ident.birth_date) == 0) {
			*id = ids[i];
			hits++;
		}
	}
	sodium_memzero(&ident, sizeof(ident));
	if (rc != 0) {
		prepare_busy(r);
		return -1;
	}
	if (hits != 1) {
		reply_prepare_outcome(r, hits ? MHD_HTTP_UNPROCESSABLE_CONTENT : MHD_HTTP_NOT_FOUND,
		                      hits ? "multiple-matches" : "not-found",
		                      hits ? "several people share this number: give birthDate"
		                           : "no insured person matches");
		return -1;
	}
	vault_blind(r->v->vault, VAULT_D_ACCESS, canon, NIR_LEN, patient);
	return 0;
}

static void unlock_work(struct req *r)
{
	struct vigie *v = r->v;
	uint8_t patient[VAULT_BIDX];
	struct store_account a;
	int64_t id = 0;
	int rc;

	if (named_person(r, &id, patient) != 0)
		return;
	rc = store_account_get(v->store, id, &a);
	if (rc == VG_ENOTFOUND) {
		reply_prepare_outcome(r, MHD_HTTP_NOT_FOUND, "not-found",
		                      "this person has no online account");
		return;
	}
	if (rc != 0) {
		prepare_busy(r);
		return;
	}
	if (journal_act(r, patient, "account.unlock", r->who.id, r->who.rpps) != 0)
		return;
	logins_lock(v->logins, SESSION_INSURED, id);
	rc = store_account_get(v->store, id, &a);
	if (rc == 0) {
		a.owner_lock_ms = 0;
		a.failed = 0;
		a.locked_until = 0;
		a.pw_failed = 0;
		rc = store_account_update(v->store, &a);
	}
	logins_unlock(v->logins, SESSION_INSURED, id);
	if (rc != 0) {
		prepare_busy(r);
		return;
	}
	VG_IGNORE(event(r, id, "unlocked", MAIL_PENDING, ",\"by\":\"operator\""));
	log_event(LOG_INFO, "account.unlocked", LI("account", id), LI("operator", r->who.id));
	sodium_memzero(&a, sizeof(a));
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json", "{\"status\":\"unlocked\"}",
	                    sizeof("{\"status\":\"unlocked\"}") - 1);
}

enum MHD_Result api_admin_insured_unlock(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_operator(r, &res) != 0)
		return res;
	return on_worker(r, unlock_work);
}

/*
 * POST /admin/insured/card {nir, birthDate?}: a new card key for a person
 * whose card was opposed (or lost without one). The answer carries the new
 * card's secret seed once, for the card's personalisation; the store keeps
 * the public key only.
 */
static void card_work(struct req *r)
{
	struct vigie *v = r->v;
	uint8_t patient[VAULT_BIDX], pk[32], sk[64], seed[32];
	char pk64[64], seed64[64], extra[32];
	int64_t id = 0;
	struct jw w;

	if (named_person(r, &id, patient) != 0)
		return;
	if (journal_act(r, patient, "account.card_issue", r->who.id, r->who.rpps) != 0)
		return;
	randombytes_buf(seed, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	if (people_new_card(v->people, id, pk) != 0) {
		prepare_busy(r);
		goto out;
	}
	sodium_bin2base64(pk64, sizeof(pk64), pk, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_bin2base64(seed64, sizeof(seed64), seed, 32,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(extra, sizeof(extra), ",\"by\":\"operator\"");
	if (store_account_get(v->store, id, &(struct store_account){ 0 }) == 0)
		VG_IGNORE(event(r, id, "card_issued", MAIL_PENDING, extra));
	log_event(LOG_INFO, "account.card_issued", LI("person", id), LI("operator", r->who.id));
	jw_init(&w, 256);
	jw_obj(&w);
	jw_kstr(&w, "status", "new card key");
	jw_kstr(&w, "publicKey", pk64);
	jw_kstr(&w, "cardSeed", seed64);
	jw_kstr(&w, "note", "write the seed into the new card, then forget it: it is not kept");
	jw_end(&w);
	reply_prepare_json(r, MHD_HTTP_OK, "application/json", &w);
	sodium_memzero(seed64, sizeof(seed64));
out:
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(seed, sizeof(seed));
}

enum MHD_Result api_admin_insured_card(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_operator(r, &res) != 0)
		return res;
	return on_worker(r, card_work);
}

/* ---- the bodies, for the fuzzer ------------------------------------------ */

int account_body_parse(int kind, const char *body, size_t len, char why[BODY_WHY_MAX])
{
	static const struct body_spec *const SPECS[ACCOUNT_BODIES] = {
		&ACTIVATE_BODY,   &RESET_REQUEST_BODY, &RESET_BODY,    &PASSWORD_BODY,
		&TOTP_START_BODY, &TOTP_CONFIRM_BODY,  &TOTP_OFF_BODY, &REVOKE_BODY,
		&EXPORT_BODY,     &BLOCK_BODY,         &ALERTS_BODY,   &MISUSE_BODY,
		&PERSON_BODY,
	};
	char *bufs[BODY_MEMBERS_MAX] = { 0 };
	const struct body_spec *spec;
	int rc = 0;

	if (kind < 0 || kind >= ACCOUNT_BODIES)
		return VG_EINVAL;
	spec = SPECS[kind];
	for (size_t i = 0; i < spec->n; i++) {
		bufs[i] = calloc(1, spec->m[i].max + 1);
		if (!bufs[i])
			rc = VG_ENOMEM;
	}
	if (rc == 0)
		rc = body_parse(body, len, spec, bufs, why);
	for (size_t i = 0; i < spec->n; i++) {
		if (bufs[i])
			sodium_memzero(bufs[i], spec->m[i].max + 1);
		free(bufs[i]);
	}
	return rc;
}
