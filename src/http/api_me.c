/*
 * api_me.c - the insured person's side: login with NIR or e-mail and an
 * Argon2id password, and GET /me/accesses, every journaled access to their
 * record with what a person needs to check it themselves (the record, its
 * salt, a C2SP tlog-proof receipt against the signed checkpoint).
 *
 * The accesses listed are those journaled under the account's own access
 * pseudonym, which the account row fixes at creation: the request carries
 * no identifier, so one person cannot name another's record. Login failures
 * all get the same 401 at the same cost, and are throttled per address and
 * per account like professional logins.
 */
#include "http/api.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <sodium.h>

#include "core/nir.h"
#include "crypto/password.h"
#include "http/request.h"
#include "journal/journal.h"
#include "node/access.h"
#include "node/logins.h"
#include "node/node.h"
#include "node/sessions.h"
#include "sys/log.h"
#include "core/banned.h"

#define ILOGIN_FAILED      "login failed: check your social security number or e-mail, and password"
#define ACCOUNTS_PER_LOGIN 4
#define RECEIPT_MAX        16384

static const struct body_spec ILOGIN_BODY = {
	"{\"login\": \"<NIR or e-mail>\", \"password\", \"secondFactor\": \"<when set up>\"}",
	3,
	{ { "login", 1, 255, 0 },
	  { "password", 0, 1024, 0 },
	  { "secondFactor", 0, 31, BODY_OPTIONAL } },
};

int insured_login_parse(const char *body, size_t len, struct insured_login_req *out,
                        char why[BODY_WHY_MAX])
{
	char *const o[] = { out->login, out->password, out->second };

	memset(out, 0, sizeof(*out));
	return body_parse(body, len, &ILOGIN_BODY, o, why);
}

static void prepare_ifail(struct req *r)
{
	atomic_fetch_add(&r->v->metrics.logins_failed, 1);
	reply_prepare_outcome(r, MHD_HTTP_UNAUTHORIZED, "security", ILOGIN_FAILED);
	reply_add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"vigie-me\"");
}

/* The blind index a login names: an e-mail (lower-cased) or a NIR. 0, or VG_EINVAL. */
static int login_index(const struct vault *vault, const char *login, int *by_email,
                       uint8_t out[VAULT_BIDX])
{
	char low[256];
	size_t n = strlen(login);
	struct nir nir;
	enum nir_fault why;

	if (memchr(login, '@', n)) {
		for (size_t i = 0; i <= n; i++)
			low[i] = (char)tolower((unsigned char)login[i]);
		*by_email = 1;
		vault_blind(vault, VAULT_D_EMAIL, low, n, out);
		sodium_memzero(low, sizeof(low));
		return 0;
	}
	if (nir_parse(login, n, &nir, &why) != 0)
		return VG_EINVAL;
	*by_email = 0;
	vault_blind(vault, VAULT_D_NIR, nir.canon, NIR_LEN, out);
	sodium_memzero(&nir, sizeof(nir));
	return 0;
}

static void iaccount_failed(struct vigie *v, const struct store_account *a, int64_t now)
{
	int32_t failed = a->failed + 1;
	int64_t lock = login_policy_account_lock(&v->cfg.login, failed);
	int64_t until = lock == LOGIN_LOCKED_FOREVER ? INT64_MAX : lock ? now + lock : 0;

	if (store_account_set_auth(v->store, a->id, failed, until) != 0)
		log_event(LOG_ERROR, "ilogin.store_failed", LI("account", a->id));
}

/* The 429 of a login locked until `until`, the same for an account and for a decoy. */
static void prepare_ilocked(struct req *r, int64_t until, int64_t now)
{
	atomic_fetch_add(&r->v->metrics.logins_throttled, 1);
	reply_prepare_throttled(r, until == INT64_MAX ? 3600 : until - now,
	                        "too many failed logins on this account");
}

/*
 * The 401 of a login from a client new to the account while the spray alarm
 * is up: the same whether the password was right (a code went to the
 * account's e-mail) or not, and whether an account exists, so that a robot
 * with a list of stolen pairs learns nothing and takes nothing.
 */
#define ICONFIRM                                                                                   \
	"new device: if the login and password are right, a one-time code was sent to the "        \
	"account's e-mail address; send it as secondFactor with them (no e-mail within minutes: "  \
	"check the password)"

static void prepare_iconfirm(struct req *r)
{
	atomic_fetch_add(&r->v->metrics.logins_failed, 1);
	reply_prepare_outcome(r, MHD_HTTP_UNAUTHORIZED, "security", ICONFIRM);
	reply_add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
	                 "Bearer realm=\"vigie-me\", error=\"insufficient_user_authentication\"");
}

/*
 * What a robot with a list of passwords lacks, checked before any password:
 * the account's second factor when it has one (checked on a copy: nothing is
 * used up), or, without one, a client the account has used before.
 */
static int second_on_copy(struct req *r, const struct store_account *a, const char *second)
{
	struct store_account *c = req_alloc(r, sizeof(*c));
	int recovery, ok = 0;

	if (c && second[0]) {
		*c = *a;
		ok = account_second_factor(r, c, second, &recovery);
		sodium_memzero(c, sizeof(*c));
	}
	return ok;
}

static int robot_proof(struct req *r, const struct store_account *acc, size_t n, const char *second)
{
	int ok = 0;

	for (size_t i = 0; i < n && !ok; i++)
		ok = acc[i].totp_on ? second_on_copy(r, &acc[i], second)
		                    : account_known_client(r, acc[i].id);
	return ok;
}

/*
 * The slow part of an insured login, on a worker; it prepares the reply.
 *
 * The defences are the professional login's (api_auth.c): a blocked address
 * (stuffing, or its budget of failures spent) or an account under a
 * distributed attack lets in only a login that carries what a robot lacks
 * (robot_proof), before any Argon2id; a backing-off account still lets its
 * owner in (a known client, or the second factor); only the lock at
 * acct_fail_max stops everyone.
 * Across addresses, the spray alarm (core/login_policy.h) asks a client the
 * account never used for a code e-mailed to the account.
 */
static void ilogin_work(struct req *r)
{
	struct vigie *v = r->v;
	struct insured_login_req lr;
	struct store_account acc[ACCOUNTS_PER_LOGIN];
	uint8_t bidx[VAULT_BIDX];
	char why[BODY_WHY_MAX];
	const char *why_w = NULL;
	int64_t now = r->now_ms / 1000, wait, wait_acct = 0;
	size_t n = 0, ok = SIZE_MAX, klen;
	int by_email = 0, indexed, rc, known = 0, alarm;
	const void *key;

	memset(acc, 0, sizeof(acc));
	if (insured_login_parse(r->body ? r->body : "", r->body_len, &lr, why) != 0) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
		goto out;
	}
	wait = logins_watch_wait(v->logins, r->ip, SESSION_INSURED, NULL, 0, now, &why_w);
	if (wait <= 0 && (wait = logins_address_wait(v->logins, r->ip, now)) > 0)
		why_w = "too many failed logins from this address";
	logins_attempt(v->logins, r->ip, now); /* refunded on success */
	alarm = logins_alarm(v->logins, now);
	indexed = login_index(v->vault, lr.login, &by_email, bidx) == 0;
	key = indexed ? (const void *)bidx : lr.login;
	klen = indexed ? VAULT_BIDX : strlen(lr.login);
	rc = indexed ? store_account_find(v->store, by_email, bidx, acc, ACCOUNTS_PER_LOGIN, &n)
	             : 0;
	if (rc != 0) {
		reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                      "the service is busy; try again");
		goto out;
	}
	if (wait <= 0) /* the login's spread lock, with or without an account */
		wait_acct = logins_watch_wait(v->logins, r->ip, SESSION_INSURED, key, klen, now,
		                              &why_w);
	if ((wait > 0 || wait_acct > 0) && (n == 0 || !robot_proof(r, acc, n, lr.second))) {
		/*
		 * Blocked, and nothing a robot lacks: no password is tried. A wrong
		 * second factor still counts against its account (else the gate is a
		 * free oracle of the code); a client that is not known counts nothing.
		 */
		for (size_t i = 0; i < n && lr.second[0]; i++) {
			if (!acc[i].totp_on)
				continue;
			logins_lock(v->logins, SESSION_INSURED, acc[i].id);
			if (store_account_get(v->store, acc[i].id, &acc[i]) == 0)
				iaccount_failed(v, &acc[i], now);
			logins_unlock(v->logins, SESSION_INSURED, acc[i].id);
		}
		atomic_fetch_add(&v->metrics.logins_throttled, 1);
		reply_prepare_throttled(r, wait > 0 ? wait : wait_acct, why_w);
		goto out;
	}
	if (n == 0) {
		/* No account: a decoy fails and locks as one would, so no answer tells. */
		int64_t until = logins_decoy_lock(v->logins, SESSION_INSURED, key, klen, now);

		if (until > now) {
			prepare_ilocked(r, until, now);
			goto out;
		}
		logins_decoy_failed(v->logins, SESSION_INSURED, key, klen, now);
		password_burn(lr.password, strlen(lr.password)); /* the same cost as an account */
		login_watch_failure(r, SESSION_INSURED, key, klen, 0, now);
		if (alarm) /* a decoy's client is new, as any client of an account it could be */
			prepare_iconfirm(r);
		else
			prepare_ifail(r);
		goto out;
	}
	for (size_t i = 0; i < n && !known; i++)
		known = account_known_client(r, acc[i].id);
	/* Each account's failure count is a check-and-set under its own lock. */
	for (size_t i = 0; i < n; i++) {
		int64_t id = acc[i].id, locked;

		logins_lock(v->logins, SESSION_INSURED, id);
		if (store_account_get(v->store, id, &acc[i]) != 0) {
			logins_unlock(v->logins, SESSION_INSURED, id);
			continue;
		}
		locked = acc[i].locked_until;
		/*
		 * A back-off (not the lock at acct_fail_max) does not stop the owner's
		 * own client (address and user agent it logged in from before): a
		 * thief failing elsewhere cannot lock the owner out. Nor the owner on
		 * a new client with the account's second factor; a wrong one counts
		 * as a failure, so the back-off is no free oracle of the code.
		 */
		if (locked > now && locked != INT64_MAX) {
			if (known)
				locked = 0;
			else if (acc[i].totp_on && lr.second[0]) {
				if (second_on_copy(r, &acc[i], lr.second))
					locked = 0;
				else
					iaccount_failed(v, &acc[i], now);
			}
		}
		if (locked <= now)
			iaccount_failed(v, &acc[i], now);
		logins_unlock(v->logins, SESSION_INSURED, id);
		if (locked > now) {
			prepare_ilocked(r, locked, now);
			goto out;
		}
	}
	for (size_t i = 0; i < n && ok == SIZE_MAX; i++)
		if (password_verify(acc[i].pwhash, lr.password, strlen(lr.password)) == 0)
			ok = i;
	if (ok == SIZE_MAX) {
		log_event(LOG_INFO, "ilogin.failed", LI("account", acc[0].id), LS("ip", r->ip));
		for (size_t i = 0; i < n; i++)
			account_note_failure(r, acc[i].id, "password");
		login_watch_failure(r, SESSION_INSURED, key, klen, acc[0].id, now);
		if (alarm && !known)
			prepare_iconfirm(r);
		else
			prepare_ifail(r);
		goto out;
	}
	/*
	 * The password is right. A second factor, once set up, is asked as well,
	 * and a wrong one is the same 401 (the failure stays counted). Only then
	 * is the owner's lock told: nobody learns it without the password.
	 */
	if (acc[ok].totp_on) {
		int recovery = 0, good;

		logins_lock(v->logins, SESSION_INSURED, acc[ok].id);
		good = store_account_get(v->store, acc[ok].id, &acc[ok]) == 0 &&
		       account_second_factor(r, &acc[ok], lr.second, &recovery) &&
		       store_account_update(v->store, &acc[ok]) == 0;
		logins_unlock(v->logins, SESSION_INSURED, acc[ok].id);
		if (!good) {
			account_note_failure(r, acc[ok].id, "second factor");
			/* During the alarm a new client's failures all answer alike. */
			if (alarm && !known)
				prepare_iconfirm(r);
			else
				prepare_ifail(r);
			goto out;
		}
		if (recovery)
			VG_IGNORE(
			        account_event(r, acc[ok].id, "recovery_used", MAIL_PENDING, NULL));
	} else if (alarm && !known && !account_login_code(r, acc[ok].id, lr.second)) {
		/* A new client during the alarm: the code e-mailed to the account, or one is sent. */
		account_note_failure(r, acc[ok].id, lr.second[0] ? "login code" : "new client");
		prepare_iconfirm(r);
		goto out;
	}
	if (acc[ok].owner_lock_ms) {
		account_note_failure(r, acc[ok].id, "locked");
		reply_prepare_outcome(r, MHD_HTTP_FORBIDDEN, "security",
		                      "this account is locked: an operator or a code sent by post "
		                      "unlocks it");
		goto out;
	}
	for (size_t i = 0; i < n; i++) { /* the attempt is refunded: this was the owner */
		logins_lock(v->logins, SESSION_INSURED, acc[i].id);
		VG_IGNORE(store_account_set_auth(v->store, acc[i].id, 0, 0));
		logins_unlock(v->logins, SESSION_INSURED, acc[i].id);
	}
	logins_succeeded(v->logins, r->ip, now);
	VG_IGNORE(account_note_login(r, acc[ok].id));
	log_event(LOG_INFO, "ilogin.ok", LI("account", acc[ok].id), LS("ip", r->ip));
	reply_prepare_new_session(r, v->isessions, acc[ok].id, now);
out:
	sodium_memzero(&lr, sizeof(lr));
	sodium_memzero(acc, sizeof(acc));
	if (r->body)
		sodium_memzero(r->body, r->body_len);
}

enum MHD_Result api_insured_login(struct req *r)
{
	return login_submit(r, SESSION_INSURED, ilogin_work);
}

int auth_require_insured(struct req *r, enum MHD_Result *res)
{
	return auth_session(r, r->v->isessions, res);
}

enum MHD_Result api_insured_logout(struct req *r)
{
	size_t len = 0;
	const char *tok = req_bearer(r, &len);
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	if (sessions_close(r->v->isessions, tok, len) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	return reply_text(r, MHD_HTTP_OK, "application/json", "{\"status\":\"logged out\"}");
}

/* "name,birthDate" -> ["name","birthDate"] (fields are a fixed vocabulary). */
static void fields_array(struct jw *w, const char *fields)
{
	const char *s = fields;

	jw_karr(w, "fields");
	while (*s) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);

		jw_strn(w, s, n);
		s += n + (c ? 1 : 0);
	}
	jw_end(w);
}

enum MHD_Result api_me_accesses(struct req *r)
{
	struct vigie *v = r->v;
	struct access_rec *rows;
	char *receipt;
	struct journal *j = access_log_journal(v->access);
	struct store_account acct;
	struct store_pro pro = { 0 };
	const char *before_s =
	        MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "before");
	int64_t before = INT64_MAX;
	size_t n = 0, cap = v->cfg.me_max < 256 ? v->cfg.me_max : 256, cp_len = 0, rl;
	char note[JOURNAL_NOTE_MAX], hex[2 * VAULT_BIDX + 1], when[40];
	uint64_t cp_size = 0;
	struct jw w;
	enum MHD_Result res;
	int rc;

	if (auth_require_insured(r, &res) != 0)
		return res;
	rows = req_alloc(r, cap * sizeof(*rows));
	receipt = req_alloc(r, RECEIPT_MAX);
	if (!rows || !receipt)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	if (before_s) {
		char *end = NULL;
		long long b = strtoll(before_s, &end, 10);

		if (!*before_s || *end || b <= 0)
			return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
			                     "before must be a positive journal index");
		before = b;
	}
	if ((rc = store_account_get(v->store, r->who.id, &acct)) != 0 ||
	    (rc = access_rows_of_patient(v->store, v->vault, &v->metrics, acct.patient, before,
	                                 rows, cap, &n)) != 0 ||
	    (rc = journal_checkpoint(j, note, sizeof(note), &cp_len, &cp_size, NULL)) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	sodium_bin2hex(hex, sizeof(hex), acct.patient, VAULT_BIDX);
	jw_init(&w, 4096 + n * 2048);
	jw_obj(&w);
	jw_kstr(&w, "patient", hex);
	jw_kobj(&w, "journal");
	jw_kstr(&w, "verifierKey", journal_vkey(j));
	jw_kint(&w, "size", (int64_t)cp_size);
	jw_key(&w, "checkpoint");
	jw_strn(&w, note, cp_len);
	jw_end(&w);
	jw_karr(&w, "accesses");
	for (size_t i = 0; i < n; i++) {
		struct access_rec *a = &rows[i];
		time_t secs = (time_t)(a->t_ms / 1000);
		struct tm tm;
		char salt[ACCESS_SALT * 2];

		gmtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (a->pro_id != pro.id && store_pro_get_id(v->store, a->pro_id, &pro) != 0)
			memset(&pro, 0, sizeof(pro));
		jw_obj(&w);
		jw_kint(&w, "index", a->idx);
		jw_kstr(&w, "time", when);
		jw_kobj(&w, "professional");
		jw_kstr(&w, "rpps", a->rpps);
		if (pro.id) {
			char name[140];

			snprintf(name, sizeof(name), "%s %s", pro.given, pro.family);
			jw_kstr(&w, "name", name);
			jw_kstr(&w, "profession", access_profession_label(pro.kind));
			jw_kstr(&w, "city", pro.city);
			jw_kstr(&w, "department", pro.dept);
		}
		jw_end(&w);
		jw_kstr(&w, "route", a->route);
		jw_kstr(&w, "decision", a->decision);
		jw_kint(&w, "persons", a->n_results);
		fields_array(&w, a->fields);
		jw_kstr(&w, "record", a->record);
		sodium_bin2base64(salt, sizeof(salt), a->salt, ACCESS_SALT,
		                  sodium_base64_VARIANT_ORIGINAL);
		jw_kstr(&w, "salt", salt);
		rc = journal_receipt(j, (uint64_t)a->idx, receipt, RECEIPT_MAX, &rl);
		if (rc == 0) {
			jw_key(&w, "receipt");
			jw_strn(&w, receipt, rl);
		} else {
			/* Durable, not yet in a signed checkpoint (under a second), or tiles unreadable. */
			jw_key(&w, "receipt");
			jw_str(&w, NULL);
			if (rc != VG_ENOTFOUND)
				log_event(LOG_ERROR, "me.receipt_failed", LI("index", a->idx),
				          LS("error", vg_strerror(rc)));
		}
		jw_end(&w);
	}
	jw_end(&w);
	if (n == cap && n > 0)
		jw_kint(&w, "before", rows[n - 1].idx); /* the next page: ?before=<this> */
	jw_end(&w);
	sodium_memzero(&pro, sizeof(pro));
	sodium_memzero(&acct, sizeof(acct));
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}
