/*
 * api_account_me.c - what the insured person sees of their account and
 * decides on it: activity and open sessions, my record as FHIR and the
 * export of everything held about me, opposing a lost card, locking the
 * account, blocking a professional, alerts at every access, misuse reports;
 * and the operators' side (misuse reports, unlocking, a new card key).
 * The rules of api_account.c hold here: the subject is the token's account,
 * acts are journaled before they take effect, reads before they leave.
 */
#include "http/api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "core/fhir.h"
#include "core/guard.h"
#include "core/jw.h"
#include "core/msgcode.h"
#include "core/nir.h"
#include "core/record.h"
#include "core/rpps.h"
#include "crypto/password.h"
#include "http/account.h"
#include "http/request.h"
#include "http/server.h"
#include "node/access.h"
#include "node/codes.h"
#include "node/guardian.h"
#include "node/logins.h"
#include "node/node.h"
#include "node/notices.h"
#include "node/people.h"
#include "node/sessions.h"
#include "sys/log.h"
#include "core/banned.h"

#define EVENTS_PAGE         100
#define BLOCKS_MAX          64
#define MISUSE_PAGE         50
#define MISUSE_TEXT_MAX     2000
#define EXPORT_ACCESSES_MAX 1000

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
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", ACCT_BUSY);
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
	struct store_session *ss = req_alloc(r, ACCT_SESSIONS_MAX * sizeof(*ss));
	uint8_t mine[VAULT_BIDX];
	int have = acct_current_hash(r, mine) == 0;
	int64_t now = r->now_ms / 1000;
	size_t n = 0;
	char t[32], sid[17];

	jw_karr(w, "sessions");
	if (ss &&
	    store_sessions_of(r->v->store, SESSION_INSURED, id, ss, ACCT_SESSIONS_MAX, &n) == 0)
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
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", ACCT_BUSY);
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
const struct body_spec ACCT_REVOKE_BODY = {
	"{\"session\": \"<id from /me/activity>\"} or {\"all\": true}",
	2,
	{ { "session", 16, 16, BODY_OPTIONAL }, { "all", 5, 5, BODY_OPTIONAL | BODY_BOOL } },
};

static void revoke_work(struct req *r)
{
	struct vigie *v = r->v;
	char sid[17], all[6], *const o[] = { sid, all };
	struct store_session *ss = req_alloc(r, ACCT_SESSIONS_MAX * sizeof(*ss));
	struct store_account a;
	size_t n = 0, ended = 0;
	int rc;
	char body[64];

	if (!ss) {
		acct_busy(r);
		return;
	}
	if (acct_parse(r, &ACCT_REVOKE_BODY, o) != 0)
		return;
	if (!!sid[0] == (strcmp(all, "true") == 0)) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                      "name one session, or say all: the body must be "
		                      "{\"session\": \"<id>\"} or {\"all\": true}");
		return;
	}
	if (acct_mine(r, &a) != 0)
		return;
	if (acct_journal_act(r, a.patient, "account.sessions_revoke", 0, NULL) != 0)
		return;
	rc = store_sessions_of(v->store, SESSION_INSURED, a.id, ss, ACCT_SESSIONS_MAX, &n);
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
		acct_busy(r);
		return;
	}
	if (sid[0] && ended == 0) {
		reply_prepare_outcome(r, MHD_HTTP_NOT_FOUND, "not-found",
		                      "no open session of this account has this id");
		return;
	}
	VG_IGNORE(account_event(r, r->who.id, "sessions_revoked", MAIL_NONE, NULL));
	snprintf(body, sizeof(body), "{\"status\":\"ended\",\"sessions\":%zu}", ended);
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json", body, strlen(body));
}

enum MHD_Result api_me_sessions_revoke(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return acct_on_worker(r, revoke_work);
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
	rc = store_insured_ids_by_patient(r->v->store, a->patient, ids, ACCT_PERSONS_MAX, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = acct_person_of(r->v, ids[i], &p[i].ident, NULL, &p[i].rights, row);
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
	struct fhir_person *p = req_alloc(r, ACCT_PERSONS_MAX * sizeof(*p));
	struct store_account a;
	int64_t ids[ACCT_PERSONS_MAX];
	struct access_rec rec;
	enum MHD_Result res;
	char self[300];
	size_t n = 0;
	struct jw w;

	if (auth_require_insured(r, &res) != 0)
		return res;
	if (!p || store_account_get(r->v->store, r->who.id, &a) != 0 ||
	    my_persons(r, &a, p, ids, &n) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", ACCT_BUSY);
	me_url(r, self, sizeof(self));
	jw_init(&w, 4096);
	fhir_bundle_patients(&w, r->srv->cfg.base_url, self, p, n, 1);
	sodium_memzero(p, ACCT_PERSONS_MAX * sizeof(*p));
	acct_act_record(r, a.patient, "me", 0, NULL, &rec);
	rec.n_results = (int)n;
	snprintf(rec.fields, sizeof(rec.fields), "%s", "identifier,name,gender,birthDate,coverage");
	sodium_memzero(&a, sizeof(a));
	reply_prepare_json(r, MHD_HTTP_OK, NULL, &w);
	return reply_after_journal(r, &rec);
}

const struct body_spec ACCT_EXPORT_BODY = {
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
		if (acct_person_of(r->v, ids[i], NULL, &c, NULL, row) != 0)
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
	       access_rows_of_patient(r->v->store, r->v->vault, &r->v->metrics, a->patient, before,
	                              rows, 200, &n) == 0 &&
	       n) {
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
	struct fhir_person *p = req_alloc(r, ACCT_PERSONS_MAX * sizeof(*p));
	struct store_event *ev = req_alloc(r, EVENTS_PAGE * sizeof(*ev));
	struct store_misuse *mu = req_alloc(r, MISUSE_PAGE * sizeof(*mu));
	int64_t ids[ACCT_PERSONS_MAX], before = INT64_MAX;
	char self[300], t[32], *bundle = NULL;
	size_t n = 0, ne = 0, bl = 0, nm = 0;
	int recovery = 0;
	struct jw w, fw;

	if (!a || !row || !p || !ev || !mu) {
		acct_busy(r);
		goto out;
	}
	if (acct_parse(r, &ACCT_EXPORT_BODY, o) != 0)
		goto out;
	if (acct_sensitive_begin(r, a, NULL, second, 1, &recovery) != 0)
		goto out;
	VG_IGNORE(store_account_update(v->store, a));
	logins_unlock(v->logins, SESSION_INSURED, r->who.id);
	if (my_persons(r, a, p, ids, &n) != 0 || store_insured_get(v->store, a->id, row) != 0) {
		acct_busy(r);
		goto out;
	}
	/* Journaled before anything is read out for the answer. */
	if (acct_journal_act(r, a->patient, "me.export", 0, NULL) != 0)
		goto out;
	me_url(r, self, sizeof(self));
	jw_init(&fw, 4096);
	fhir_bundle_patients(&fw, r->srv->cfg.base_url, self, p, n, 1);
	sodium_memzero(p, ACCT_PERSONS_MAX * sizeof(*p));
	if (jw_finish(&fw) != 0 || !(bundle = jw_detach(&fw, &bl))) {
		jw_release(&fw);
		acct_busy(r);
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
	VG_IGNORE(account_event(r, a->id, "exported", MAIL_NONE, NULL));
out:
	if (bundle) {
		sodium_memzero(bundle, bl);
		free(bundle);
	}
	if (a)
		sodium_memzero(a, sizeof(*a));
	acct_wipe_body(r);
}

enum MHD_Result api_me_export(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return acct_on_worker(r, export_work);
}

/* ---- opposition, lock, blocks, alerts ------------------------------------- */

static void oppose_work(struct req *r)
{
	static const uint8_t NONE[32];
	struct vigie *v = r->v;
	struct store_insured *row = req_alloc(r, sizeof(*row));
	struct store_account a;
	char why[BODY_WHY_MAX];
	int64_t ids[ACCT_PERSONS_MAX];
	uint8_t pk[32];
	size_t n = 0;
	int rc;

	if (!row) {
		acct_busy(r);
		return;
	}
	if (r->body_len &&
	    body_parse(r->body, r->body_len,
	               &(const struct body_spec){ "{} (nothing to say)", 0, { { 0 } } }, NULL,
	               why) != 0) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
		return;
	}
	if (acct_mine(r, &a) != 0)
		return;
	if (store_insured_get(v->store, a.id, row) != 0) {
		acct_busy(r);
		return;
	}
	if (sodium_memcmp(row->card_pk, NONE, 32) == 0) {
		reply_prepare_outcome(r, MHD_HTTP_CONFLICT, "business-rule",
		                      "there is no active card to oppose (already opposed?)");
		return;
	}
	if (acct_journal_act(r, a.patient, "account.card_oppose", 0, NULL) != 0)
		return;
	/* The card is the holder's; dependants billed under the number may share its key. */
	memcpy(pk, row->card_pk, 32);
	rc = store_insured_ids_by_patient(v->store, a.patient, ids, ACCT_PERSONS_MAX, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = ids[i] == a.id ? 0 : store_insured_get(v->store, ids[i], row);
		if (rc == 0 && (ids[i] == a.id || sodium_memcmp(row->card_pk, pk, 32) == 0))
			rc = people_oppose(v->people, ids[i], pk, r->now_ms);
	}
	sodium_memzero(pk, sizeof(pk));
	if (rc != 0) {
		acct_busy(r);
		return;
	}
	VG_IGNORE(account_event(r, a.id, "card_opposed", MAIL_PENDING, NULL));
	log_event(LOG_INFO, "account.card_opposed", LI("account", a.id));
	static const char done[] = "{\"status\":\"card opposed\",\"detail\":\"proofs made with it "
	                           "are refused from now on; ask for a new card\"}";

	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json", done, sizeof(done) - 1);
}

/* An act of the token's account with no body (or JSON): 401, 415, or work on an insured login worker. */
static enum MHD_Result bodiless_act(struct req *r, void (*work)(struct req *r))
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	if (r->body_len && !req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	return reply_on_worker(r, SESSION_INSURED, work);
}

enum MHD_Result api_me_card_oppose(struct req *r)
{
	return bodiless_act(r, oppose_work);
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
	if (acct_mine(r, &a) != 0)
		return;
	if (acct_journal_act(r, a.patient, "account.lock", 0, NULL) != 0)
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
		acct_busy(r);
		return;
	}
	VG_IGNORE(account_event(r, a.id, "locked", MAIL_PENDING, NULL));
	log_event(LOG_INFO, "account.locked_by_owner", LI("account", a.id));
	sodium_memzero(&a, sizeof(a));
	static const char done[] = "{\"status\":\"locked\",\"detail\":\"every session was ended; "
	                           "an operator or a code sent by post unlocks the account\"}";

	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json", done, sizeof(done) - 1);
}

enum MHD_Result api_me_lock(struct req *r)
{
	return bodiless_act(r, lock_work);
}

const struct body_spec ACCT_BLOCK_BODY = {
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

	if (acct_parse(r, &ACCT_BLOCK_BODY, o) != 0)
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
	if (rc != 0 || acct_mine(r, &a) != 0) {
		if (rc != 0)
			acct_busy(r);
		return;
	}
	if (acct_journal_act(r, a.patient, on ? "account.block" : "account.unblock", 0, NULL) != 0)
		return;
	rc = people_block(v->people, a.id, p.id, on, r->now_ms);
	if (rc != 0) {
		acct_busy(r);
		return;
	}
	snprintf(extra, sizeof(extra), ",\"rpps\":\"%s\"", rpps);
	VG_IGNORE(account_event(r, a.id, on ? "block_added" : "block_removed", MAIL_NONE, extra));
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
	return acct_on_worker(r, block_work);
}

enum MHD_Result api_me_blocks_remove(struct req *r)
{
	enum MHD_Result res;

	if (auth_require_insured(r, &res) != 0)
		return res;
	return acct_on_worker(r, unblock_work);
}

const struct body_spec ACCT_ALERTS_BODY = {
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

	if (acct_parse(r, &ACCT_ALERTS_BODY, o) != 0)
		return;
	on = strcmp(on_s, "true") == 0;
	if (acct_mine(r, &a) != 0)
		return;
	if (acct_journal_act(r, a.patient, on ? "account.alerts_on" : "account.alerts_off", 0,
	                     NULL) != 0)
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
		acct_busy(r);
		return;
	}
	VG_IGNORE(account_event(r, a.id, on ? "alerts_on" : "alerts_off", MAIL_NONE, NULL));
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
	return acct_on_worker(r, alerts_work);
}

/* ---- misuse reports ------------------------------------------------------- */

struct misuse_req {
	char index[20];
	char text[MISUSE_TEXT_MAX + 1];
};

const struct body_spec ACCT_MISUSE_BODY = {
	"{\"index\": \"<journal index of the access>\", \"text\": \"<what happened>\"}",
	2,
	{ { "index", 1, 18, BODY_DIGITS }, { "text", 0, MISUSE_TEXT_MAX, BODY_OPTIONAL } },
};

/* An answer given without the patient's card (a verification, core/gate.h). */
static int cardless(const struct access_rec *acc)
{
	return acc->status == 200 && acc->n_results > 0 &&
	       (strcmp(acc->decision, "verify") == 0 || strcmp(acc->decision, "minimise") == 0);
}

/*
 * "Not me" about a card-less answer is the guard's strongest signal: the
 * patient was not there, and nothing showed they were. The professional's
 * account is stopped for review (suspended, sessions ended, an alert with
 * the reason "not_me" for the security team, a notice saying why); an
 * operator reinstates it, or opens an incident from the alert. A lookup
 * made with the card (the patient present) only files the report.
 */
static void stop_for_review(struct req *r, const struct access_rec *acc, int64_t report)
{
	struct vigie *v = r->v;
	struct guardian_alert al = { .t_ms = r->now_ms,
		                     .pro_id = acc->pro_id,
		                     .reasons = GR_NOT_ME };
	char detail[96];

	memcpy(al.rpps, acc->rpps, sizeof(al.rpps));
	snprintf(al.decision, sizeof(al.decision), "suspend");
	if (pro_suspend(v, acc->pro_id) != 0)
		log_event(LOG_ERROR, "guard.suspend_failed", LI("pro", acc->pro_id));
	guardian_alert_add(v->guardian, &al);
	atomic_fetch_add_explicit(&v->metrics.guard_suspensions, 1, memory_order_relaxed);
	log_event(LOG_WARN, "guard.suspended", LI("alert", (int64_t)al.id), LI("pro", acc->pro_id),
	          LS("rpps", acc->rpps), LS("reasons", "not_me"), LI("report", report));
	snprintf(detail, sizeof(detail), "{\"t\":%lld,\"reasons\":\"not_me\"}",
	         (long long)(r->now_ms / 1000));
	notice_add(v, acc->pro_id, r->now_ms / 1000, "suspended", detail);
}

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
		acct_busy(r);
		return;
	}
	if (acct_parse(r, &ACCT_MISUSE_BODY, o) != 0)
		return;
	idx = strtoll(q->index, NULL, 10);
	if (acct_mine(r, &a) != 0)
		return;
	rc = access_row_get(v->store, v->vault, &v->metrics, idx, &acc);
	/*
	 * Only an access by a professional to my record: anything else is "not in
	 * my list", a row that does not open too (/me/accesses leaves it out, and
	 * trying again would not help).
	 */
	if (rc == VG_ECORRUPT || rc == VG_ECRYPTO)
		rc = VG_ENOTFOUND;
	if (rc == VG_ENOTFOUND ||
	    (rc == 0 && (sodium_memcmp(acc.patient, a.patient, VAULT_BIDX) != 0 || !acc.pro_id))) {
		reply_prepare_outcome(r, MHD_HTTP_NOT_FOUND, "not-found",
		                      "no access by a professional to your record has this index");
		return;
	}
	if (rc != 0) {
		acct_busy(r);
		return;
	}
	if (acct_journal_act(r, a.patient, "account.misuse_report", 0, NULL) != 0)
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
		acct_busy(r);
		return;
	}
	snprintf(extra, sizeof(extra), ",\"access\":%lld,\"report\":%lld", (long long)idx,
	         (long long)m->id);
	VG_IGNORE(account_event(r, a.id, "misuse_report", MAIL_NONE, extra));
	if (cardless(&acc))
		stop_for_review(r, &acc, m->id);
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
	return acct_on_worker(r, misuse_work);
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
	if (access_row_get(r->v->store, r->v->vault, &r->v->metrics, m->access_idx, &acc) == 0) {
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
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", ACCT_BUSY);
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
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", ACCT_BUSY);
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

const struct body_spec ACCT_PERSON_BODY = {
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
	int64_t ids[ACCT_PERSONS_MAX];
	size_t n = 0, hits = 0;
	int rc;

	if (!row) {
		acct_busy(r);
		return -1;
	}
	if (acct_parse(r, &ACCT_PERSON_BODY, o) != 0)
		return -1;
	rc = acct_persons_of_nir(r->v, nir, ids, &n, canon);
	if (rc == VG_EINVAL) {
		reply_prepare_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                      "nir must be a social security number (15 characters, with "
		                      "its key)");
		return -1;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (acct_person_of(r->v, ids[i], &ident, NULL, NULL, row) != 0)
			continue;
		if (!bd[0] || strcmp(bd, ident.birth_date) == 0) {
			*id = ids[i];
			hits++;
		}
	}
	sodium_memzero(&ident, sizeof(ident));
	if (rc != 0) {
		acct_busy(r);
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

/*
 * An operator's act on a person's account (journaled first, as
 * "account.<act>" with the operator as who): unlock (every lock, the
 * owner's and the one at 100 failures), logout (every session ends), or
 * totp_off (a lost phone: the second factor and its recovery codes are
 * removed and every session ends; the person sets up a new one). The person
 * is e-mailed each.
 */
enum iop { IOP_UNLOCK, IOP_LOGOUT, IOP_TOTP_OFF };

static void iop_work(struct req *r, enum iop act)
{
	static const char *const ROUTE[] = { "account.unlock", "account.force_logout",
		                             "account.totp_reset" };
	static const char *const EVENT[] = { "unlocked", "sessions_revoked", "totp_off" };
	static const char *const STATUS[] = { "{\"status\":\"unlocked\"}",
		                              "{\"status\":\"logged out everywhere\"}",
		                              "{\"status\":\"second factor removed\"}" };
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
	if (rc == 0 && act == IOP_TOTP_OFF && !a.totp_on) {
		sodium_memzero(&a, sizeof(a));
		reply_prepare_outcome(r, MHD_HTTP_CONFLICT, "business-rule",
		                      "this account has no second factor");
		return;
	}
	if (rc != 0) {
		acct_busy(r);
		return;
	}
	if (acct_journal_act(r, patient, ROUTE[act], r->who.id, r->who.rpps) != 0)
		return;
	logins_lock(v->logins, SESSION_INSURED, id);
	rc = store_account_get(v->store, id, &a);
	if (rc == 0 && act == IOP_UNLOCK) {
		a.owner_lock_ms = 0;
		a.failed = 0;
		a.locked_until = 0;
		a.pw_failed = 0;
		rc = store_account_update(v->store, &a);
	} else if (rc == 0 && act == IOP_TOTP_OFF) {
		a.totp_on = 0;
		a.totp_sealed_len = 0;
		a.recovery_sealed_len = 0;
		sodium_memzero(a.totp_sealed, sizeof(a.totp_sealed));
		sodium_memzero(a.recovery_sealed, sizeof(a.recovery_sealed));
		rc = store_account_update(v->store, &a);
	}
	logins_unlock(v->logins, SESSION_INSURED, id);
	if (rc == 0 && act != IOP_UNLOCK)
		rc = sessions_revoke_subject(v->isessions, id);
	if (rc != 0) {
		acct_busy(r);
		return;
	}
	VG_IGNORE(account_event(r, id, EVENT[act], MAIL_PENDING, ",\"by\":\"operator\""));
	log_event(LOG_INFO, "account.operator_act", LS("act", ROUTE[act]), LI("account", id),
	          LI("operator", r->who.id));
	sodium_memzero(&a, sizeof(a));
	reply_prepare_bytes(r, MHD_HTTP_OK, "application/json", STATUS[act], strlen(STATUS[act]));
}

static void unlock_work(struct req *r)
{
	iop_work(r, IOP_UNLOCK);
}
static void ilogout_work(struct req *r)
{
	iop_work(r, IOP_LOGOUT);
}
static void itotp_work(struct req *r)
{
	iop_work(r, IOP_TOTP_OFF);
}

static enum MHD_Result iop_submit(struct req *r, void (*work)(struct req *r))
{
	enum MHD_Result res;

	if (auth_require_fresh_operator(r, &res) != 0)
		return res;
	return acct_on_worker(r, work);
}

enum MHD_Result api_admin_insured_unlock(struct req *r)
{
	return iop_submit(r, unlock_work);
}
enum MHD_Result api_admin_insured_logout(struct req *r)
{
	return iop_submit(r, ilogout_work);
}
enum MHD_Result api_admin_insured_totp(struct req *r)
{
	return iop_submit(r, itotp_work);
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
	if (acct_journal_act(r, patient, "account.card_issue", r->who.id, r->who.rpps) != 0)
		return;
	randombytes_buf(seed, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	if (people_new_card(v->people, id, pk) != 0) {
		acct_busy(r);
		goto out;
	}
	sodium_bin2base64(pk64, sizeof(pk64), pk, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_bin2base64(seed64, sizeof(seed64), seed, 32,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(extra, sizeof(extra), ",\"by\":\"operator\"");
	if (store_account_get(v->store, id, &(struct store_account){ 0 }) == 0)
		VG_IGNORE(account_event(r, id, "card_issued", MAIL_PENDING, extra));
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

	if (auth_require_fresh_operator(r, &res) != 0)
		return res;
	return acct_on_worker(r, card_work);
}
