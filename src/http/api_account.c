/*
 * api_account.c - the insured person's credentials, beyond logging in
 * (api_me.c): enrolment by a letter's code, password change and reset, a
 * second factor (TOTP and recovery codes), what a login leaves on the
 * account; and the pieces both halves of the account share (http/account.h).
 * What the person sees and decides (activity, sessions, my record, export,
 * opposition, lock, blocks, alerts, misuse reports) and the operators' side
 * are in api_account_me.c.
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
#include "http/account.h"
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

#define SENSITIVE_FAILS_MAX 5   /* wrong passwords or codes in a row given by a session */
#define SENSITIVE_LOCK_S    900 /* then: every session ended, logins refused this long */
#define ACTIVATION_FAILED   "activation failed: check the social security number and the code"
#define RESET_FAILED        "reset failed: check the login and the code"
#define SENSITIVE_FAILED    "the password or the code is wrong"

/* ---- shared pieces -------------------------------------------------------- */

void acct_busy(struct req *r)
{
	reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", ACCT_BUSY);
}

/* A body read on a worker against spec: 0, or -1 with the 400 prepared. */
int acct_parse(struct req *r, const struct body_spec *spec, char *const *out)
{
	char why[BODY_WHY_MAX];

	if (body_parse(r->body ? r->body : "", r->body_len, spec, out, why) == 0)
		return 0;
	reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
	return -1;
}

/* Wipe the request body (it held a password or a code). */
void acct_wipe_body(struct req *r)
{
	if (r->body)
		sodium_memzero(r->body, r->body_len);
}

/* The keyed hash of this request's client (address and user agent). */
static void client_hash(struct req *r, const char *ua, size_t ual, uint8_t h[VAULT_BIDX])
{
	crypto_generichash_state st;
	uint8_t key[VAULT_BIDX];

	/* The key is the client domain's blind of a constant. */
	vault_blind(r->v->vault, VAULT_D_GUARD, "iclient-v1", 10, key);
	crypto_generichash_init(&st, key, sizeof(key), VAULT_BIDX);
	crypto_generichash_update(&st, (const uint8_t *)r->ip, strlen(r->ip) + 1);
	if (ua)
		crypto_generichash_update(&st, (const uint8_t *)ua, ual);
	crypto_generichash_final(&st, h, VAULT_BIDX);
	sodium_memzero(key, sizeof(key));
}

/*
 * A code sent by post or e-mail was given from this client: it is the
 * person's own, as if they had logged in from it (the spray alarm lets it in).
 */
static void mark_client(struct req *r, int64_t id)
{
	const char *ua = req_header(r, MHD_HTTP_HEADER_USER_AGENT);
	uint8_t h[VAULT_BIDX];
	int is_new = 0;

	client_hash(r, ua, ua ? strnlen(ua, 8192) : 0, h);
	if (store_iclient_seen(r->v->store, id, h, r->now_ms / 1000, &is_new) != 0)
		log_event(LOG_ERROR, "account.client_not_recorded", LI("account", id));
}

int account_known_client(struct req *r, int64_t id)
{
	const char *ua = req_header(r, MHD_HTTP_HEADER_USER_AGENT);
	uint8_t h[VAULT_BIDX];
	int known = 0;

	client_hash(r, ua, ua ? strnlen(ua, 8192) : 0, h);
	return store_iclient_known(r->v->store, id, h, &known) == 0 && known;
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
	uint8_t h[VAULT_BIDX];
	char hex[17], *s;
	size_t len;
	struct jw w;

	client_hash(r, ua, ual, h);
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
void acct_act_record(struct req *r, const uint8_t patient[VAULT_BIDX], const char *route,
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
int acct_journal_act(struct req *r, const uint8_t patient[VAULT_BIDX], const char *route,
                     int64_t by, const char *rpps)
{
	struct access_rec a;
	uint64_t idx;
	int rc;

	acct_act_record(r, patient, route, by, rpps, &a);
	rc = access_log_append_wait(r->v->access, &a, &idx);
	if (rc == 0)
		return 0;
	log_event(LOG_ERROR, "account.journal_failed", LS("route", route),
	          LS("error", vg_strerror(rc)));
	reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
	                      "the journal cannot record this now; nothing was changed");
	return -1;
}

/* 415 unless JSON, then work on the insured login workers (the account's own lock is taken there). */
enum MHD_Result acct_on_worker(struct req *r, void (*work)(struct req *r))
{
	if (!req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	return reply_on_worker(r, SESSION_INSURED, work);
}

/* The token's account, re-read (on the thread that asks). 0, or -1 with the 503 prepared. */
int acct_mine(struct req *r, struct store_account *a)
{
	if (store_account_get(r->v->store, r->who.id, a) == 0)
		return 0;
	acct_busy(r);
	return -1;
}

/* The person of the account (id = the insured row), unsealed. 0 or an error. */
int acct_person_of(struct vigie *v, int64_t id, struct insured_ident *ident,
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
int acct_persons_of_nir(struct vigie *v, const char *typed, int64_t *ids, size_t *n,
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

#define LOGIN_CODE_GAP_MS (120 * 1000) /* one e-mailed login code per account every 2 minutes */

int account_login_code(struct req *r, int64_t id, const char *typed)
{
	struct vigie *v = r->v;
	char code[MSGCODE_TEXT], extra[96];
	struct store_code live;
	int64_t expires = 0;
	int rc, ok = 0;

	logins_lock(v->logins, SESSION_INSURED, id);
	if (typed[0]) {
		/* A wrong code is counted (CODES_MAX_FAILURES kill it); a right one is used up. */
		rc = codes_check(v->store, v->vault, id, CODE_LOGIN, typed, strlen(typed),
		                 r->now_ms, &live);
		ok = rc == 0 && codes_use(v->store, &live, r->now_ms) == 0;
		logins_unlock(v->logins, SESSION_INSURED, id);
		return ok;
	}
	if (store_code_live(v->store, id, CODE_LOGIN, r->now_ms, &live) == 0 &&
	    r->now_ms - live.created_ms < LOGIN_CODE_GAP_MS) {
		logins_unlock(v->logins, SESSION_INSURED, id);
		return 0; /* one just went: no mail bombing */
	}
	rc = codes_issue(v->store, v->vault, id, CODE_LOGIN, CODE_EMAIL, r->now_ms, code, &expires);
	logins_unlock(v->logins, SESSION_INSURED, id);
	if (rc == 0) {
		snprintf(extra, sizeof(extra), ",\"code\":\"%s\",\"expires_ms\":%lld", code,
		         (long long)expires);
		VG_IGNORE(event(r, id, "login_code", MAIL_PENDING, extra));
	}
	sodium_memzero(code, sizeof(code));
	sodium_memzero(extra, sizeof(extra));
	return 0;
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
	int64_t ids[ACCT_PERSONS_MAX], who = 0, now = r->now_ms / 1000, wait;
	struct store_code code;
	size_t n = 0;
	int rc;

	memset(&id, 0, sizeof(id));
	memset(&c, 0, sizeof(c));
	if (!q || !row || !a) {
		acct_busy(r);
		goto out;
	}
	if (acct_parse(r, &ACTIVATE_BODY, o) != 0)
		goto out;
	wait = logins_address_wait(v->logins, r->ip, now);
	if (wait > 0) {
		reply_prepare_throttled(r, wait, "too many failed attempts from this address");
		goto out;
	}
	logins_attempt(v->logins, r->ip, now); /* refunded on success: codes cost like passwords */
	rc = acct_persons_of_nir(v, q->nir, ids, &n, canon);
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
	if (rc != 0 || (rc = acct_person_of(v, who, &id, &c, NULL, row)) != 0) {
		acct_busy(r);
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
		acct_busy(r);
		goto out;
	}
	if (acct_journal_act(r, a->patient, "account.activate", 0, NULL) != 0)
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
		acct_busy(r);
		goto out;
	}
	VG_IGNORE(event(r, a->id, "activated", MAIL_PENDING, NULL));
	mark_client(r, a->id);
	log_event(LOG_INFO, "account.activated", LI("account", a->id));
	reply_prepare_new_session(r, v->isessions, a->id, now);
	r->reply.status = MHD_HTTP_CREATED;
out:
	sodium_memzero(&id, sizeof(id));
	sodium_memzero(&c, sizeof(c));
	sodium_memzero(canon, sizeof(canon));
	acct_wipe_body(r);
}

enum MHD_Result api_insured_activate(struct req *r)
{
	return login_submit(r, SESSION_INSURED, activate_work);
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
	int64_t ids[ACCT_PERSONS_MAX], now = r->now_ms / 1000, wait, expires = 0;
	struct store_account *a = req_alloc(r, sizeof(*a));
	struct store_code live;
	size_t n = 0;
	int rc;

	if (!a) {
		acct_busy(r);
		return;
	}
	if (acct_parse(r, &RESET_REQUEST_BODY, o) != 0)
		return;
	wait = logins_address_wait(v->logins, r->ip, now);
	if (wait > 0) {
		reply_prepare_throttled(r, wait, "too many attempts from this address");
		return;
	}
	logins_attempt(v->logins, r->ip, now); /* never refunded: a request costs */
	rc = acct_persons_of_nir(v, nir, ids, &n, canon);
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
		acct_busy(r);
		return;
	}
	reply_prepare_bytes(r, MHD_HTTP_ACCEPTED, "application/json", RESET_REQUESTED,
	                    sizeof(RESET_REQUESTED) - 1);
}

enum MHD_Result api_insured_reset_request(struct req *r)
{
	return login_submit(r, SESSION_INSURED, reset_request_work);
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
	int64_t ids[ACCT_PERSONS_MAX], who = 0, now = r->now_ms / 1000, wait;
	struct store_code code;
	size_t n = 0;
	int rc, channel = 0, recovery = 0;

	memset(&id, 0, sizeof(id));
	memset(&c, 0, sizeof(c));
	if (!q || !a || !row) {
		acct_busy(r);
		goto out;
	}
	if (acct_parse(r, &RESET_BODY, o) != 0)
		goto out;
	wait = logins_address_wait(v->logins, r->ip, now);
	if (wait > 0) {
		reply_prepare_throttled(r, wait, "too many failed attempts from this address");
		goto out;
	}
	logins_attempt(v->logins, r->ip, now);
	rc = acct_persons_of_nir(v, q->nir, ids, &n, canon);
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
	if (rc != 0 || acct_person_of(v, who, &id, &c, NULL, row) != 0) {
		acct_busy(r);
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
		acct_busy(r);
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
		acct_busy(r);
		goto out;
	}
	if (acct_journal_act(r, a->patient,
	                     channel == CODE_LETTER ? "account.reset_letter"
	                                            : "account.reset_email",
	                     0, NULL) != 0)
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
		acct_busy(r);
		goto out;
	}
	VG_IGNORE(event(r, who, "password_reset", MAIL_PENDING,
	                channel == CODE_LETTER ? ",\"by\":\"letter\"" : ",\"by\":\"email\""));
	if (recovery)
		VG_IGNORE(event(r, who, "recovery_used", MAIL_PENDING, NULL));
	mark_client(r, who);
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json",
	                    "{\"status\":\"password changed\",\"sessions\":\"all ended\"}",
	                    sizeof("{\"status\":\"password changed\",\"sessions\":\"all ended\"}") -
	                            1);
out:
	sodium_memzero(&id, sizeof(id));
	sodium_memzero(&c, sizeof(c));
	if (a)
		sodium_memzero(a, sizeof(*a));
	acct_wipe_body(r);
}

enum MHD_Result api_insured_reset(struct req *r)
{
	return login_submit(r, SESSION_INSURED, reset_work);
}

/* ---- sensitive acts: password, second factor ------------------------------ */

/*
 * The account of the token, read under its lock, and the check of the
 * current password and/or second factor. Returns 0 (the lock is held, *a
 * read), or -1 with the reply prepared and the lock released.
 */
int acct_sensitive_begin(struct req *r, struct store_account *a, const char *password,
                         const char *second, int need_second, int *recovery)
{
	struct vigie *v = r->v;
	int ok = 1;

	*recovery = 0;
	logins_lock(v->logins, SESSION_INSURED, r->who.id);
	if (store_account_get(v->store, r->who.id, a) != 0) {
		logins_unlock(v->logins, SESSION_INSURED, r->who.id);
		acct_busy(r);
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
int acct_current_hash(struct req *r, uint8_t h[VAULT_BIDX])
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
	struct store_session *ss = req_alloc(r, ACCT_SESSIONS_MAX * sizeof(*ss));
	uint8_t mine[VAULT_BIDX];
	size_t n = 0;
	int rc, have = acct_current_hash(r, mine) == 0;

	if (!ss)
		return VG_ENOMEM;
	rc = store_sessions_of(r->v->store, SESSION_INSURED, id, ss, ACCT_SESSIONS_MAX, &n);
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
		acct_busy(r);
		goto out;
	}
	if (acct_parse(r, &PASSWORD_BODY, o) != 0)
		goto out;
	if (acct_person_of(v, r->who.id, &id, &c, NULL, row) != 0) {
		acct_busy(r);
		goto out;
	}
	if (acct_sensitive_begin(r, a, q->current, q->second, 1, &recovery) != 0)
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
	if (acct_journal_act(r, a->patient, "account.password", 0, NULL) != 0)
		goto out;
	if (password_hash(q->next, strlen(q->next), a->pwhash) != 0) {
		acct_busy(r);
		goto out;
	}
	a->pw_short = strlen(q->next) < (size_t)pw_min_length(0);
	a->pw_changed_ms = r->now_ms;
	logins_lock(v->logins, SESSION_INSURED, r->who.id);
	rc = store_account_update(v->store, a);
	logins_unlock(v->logins, SESSION_INSURED, r->who.id);
	if (rc != 0 || end_other_sessions(r, a->id) != 0) {
		acct_busy(r);
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
	acct_wipe_body(r);
}

enum MHD_Result api_me_password(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return acct_on_worker(r, password_work);
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
		acct_busy(r);
		goto out;
	}
	if (acct_parse(r, &TOTP_START_BODY, o) != 0)
		goto out;
	if (acct_sensitive_begin(r, a, pw, "", 0, &recovery) != 0)
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
	if (rc != 0 || acct_person_of(v, a->id, &id, NULL, NULL, row) != 0) {
		acct_busy(r);
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
		acct_busy(r);
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
	acct_wipe_body(r);
}

enum MHD_Result api_me_totp(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return acct_on_worker(r, totp_start_work);
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
		acct_busy(r);
		goto out;
	}
	if (acct_parse(r, &TOTP_CONFIRM_BODY, o) != 0)
		goto out;
	logins_lock(v->logins, SESSION_INSURED, r->who.id);
	if (store_account_get(v->store, r->who.id, a) != 0) {
		logins_unlock(v->logins, SESSION_INSURED, r->who.id);
		acct_busy(r);
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
	if (acct_journal_act(r, a->patient, "account.totp_on", 0, NULL) != 0)
		goto out;
	a->totp_on = 1;
	a->pw_failed = 0;
	rc = codes_recovery_new(v->vault, a, codes);
	logins_lock(v->logins, SESSION_INSURED, r->who.id);
	if (rc == 0)
		rc = store_account_update(v->store, a);
	logins_unlock(v->logins, SESSION_INSURED, r->who.id);
	if (rc != 0) {
		acct_busy(r);
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
	acct_wipe_body(r);
}

enum MHD_Result api_me_totp_confirm(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return acct_on_worker(r, totp_confirm_work);
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
		acct_busy(r);
		goto out;
	}
	if (acct_parse(r, &TOTP_OFF_BODY, o) != 0)
		goto out;
	if (acct_sensitive_begin(r, a, pw, second, 1, &recovery) != 0)
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
	if (acct_journal_act(r, a->patient, "account.totp_off", 0, NULL) != 0)
		goto out;
	a->totp_on = 0;
	a->totp_sealed_len = 0;
	a->recovery_sealed_len = 0;
	logins_lock(v->logins, SESSION_INSURED, r->who.id);
	rc = store_account_update(v->store, a);
	logins_unlock(v->logins, SESSION_INSURED, r->who.id);
	if (rc != 0) {
		acct_busy(r);
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
	acct_wipe_body(r);
}

enum MHD_Result api_me_totp_disable(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return acct_on_worker(r, totp_off_work);
}

/* ---- the bodies, for the fuzzer ------------------------------------------ */

int account_body_parse(int kind, const char *body, size_t len, char why[BODY_WHY_MAX])
{
	static const struct body_spec *const SPECS[ACCOUNT_BODIES] = {
		&ACTIVATE_BODY,    &RESET_REQUEST_BODY, &RESET_BODY,       &PASSWORD_BODY,
		&TOTP_START_BODY,  &TOTP_CONFIRM_BODY,  &TOTP_OFF_BODY,    &ACCT_REVOKE_BODY,
		&ACCT_EXPORT_BODY, &ACCT_BLOCK_BODY,    &ACCT_ALERTS_BODY, &ACCT_MISUSE_BODY,
		&ACCT_PERSON_BODY,
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
