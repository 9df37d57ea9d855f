/*
 * api_fhir.c - the FHIR R4 rights lookup: metadata, Patient and Coverage
 * search by NIR, CoverageEligibilityRequest/$submit.
 *
 * Every authenticated lookup, allowed or refused, is journaled and its answer
 * leaves only once the journal entry is durable (reply_after_journal, write-ahead);
 * if the journal cannot take it the answer is a 503 and discloses nothing.
 * Personal data is unsealed only for the persons a lookup returns, and
 * contact data never.
 * Search is by identifier only: no search by name or birth date, so there is
 * no way to fish for people.
 *
 * Every lookup by a professional passes the gate (core/gate.h, the policy
 * `vigie replay` and `vigie sim` share) before anything is sent: the card
 * proof's verdict and the guard's decision (node/guardian.h) give a full
 * answer, a minimised one, or a refusal: a step-up (401, RFC 9470), a
 * throttle (429), a denial or a suspension (403). Refusals are journaled
 * like every other lookup, with the gate's decision.
 */
#include "http/api.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "core/civil.h"
#include "core/fhir.h"
#include "core/gate.h"
#include "core/guard.h"
#include "crypto/card.h"
#include "http/request.h"
#include "http/server.h"
#include "node/access.h"
#include "node/directory.h"
#include "node/guardian.h"
#include "node/node.h"
#include "node/notices.h"
#include "node/people.h"
#include "node/sessions.h"
#include "node/throttle.h"
#include "sys/log.h"
#include "core/banned.h"

#define F_PATIENT         "identifier,name,gender,birthDate"
#define F_PATIENT_COV     "identifier,name,gender,birthDate,coverage"
#define F_COVERAGE        "identifier,coverage"
#define F_SUBMIT          "coverage,benefits"
#define F_PATIENT_MIN     "identifier"
#define F_PATIENT_COV_MIN "identifier,coverage"
#define F_COVERAGE_MIN    "identifier,coverage"
#define F_SUBMIT_MIN      "coverage,benefits"

struct qargs {
	const char *const *allowed; /* NULL-terminated names this endpoint accepts */
	const char *val[4];         /* value of each allowed name, parallel to allowed */
	const char *bad;            /* first unknown or repeated name, or a NUL byte */
	const char *bad_code;       /* its OperationOutcome issue code */
	int n;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                               const char *value, size_t value_size)
{
	struct qargs *q = cls;

	(void)kind;
	q->n++;
	/* %00 decodes to a NUL: refuse it rather than silently cut the value there. */
	if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
		q->bad = "a search parameter contains a NUL byte";
		q->bad_code = "invalid";
		return MHD_NO;
	}
	for (int i = 0; q->allowed[i]; i++) {
		if (strcmp(key, q->allowed[i]) != 0)
			continue;
		if (q->val[i]) {
			q->bad = "a search parameter is repeated";
			q->bad_code = "invalid";
			return MHD_NO;
		}
		q->val[i] = value ? value : "";
		return MHD_YES;
	}
	q->bad = "unknown search parameter (this server handles unknown parameters strictly)";
	q->bad_code = "not-supported";
	return MHD_NO;
}

/* Parse the query; on error, replies 400 and returns -1. */
/* Why a query is refused: the status, issue code and diagnostics of its OperationOutcome. */
struct qfail {
	int status;
	const char *code, *diag;
};

static int parse_query(struct req *r, struct qargs *q, struct qfail *f)
{
	const char *fmt;

	MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, collect, q);
	if (q->bad) {
		*f = (struct qfail){ MHD_HTTP_BAD_REQUEST, q->bad_code, q->bad };
		return -1;
	}
	for (int i = 0; q->allowed[i]; i++) {
		if (strcmp(q->allowed[i], "_format") != 0 || !(fmt = q->val[i]))
			continue;
		if (strcmp(fmt, "json") != 0 && strcmp(fmt, "application/fhir+json") != 0 &&
		    strcmp(fmt, "application/json") != 0) {
			*f = (struct qfail){ MHD_HTTP_NOT_ACCEPTABLE, "not-supported",
				             "only JSON is served (_format=json)" };
			return -1;
		}
	}
	return 0;
}

/* The access record of this request; the pseudonym is the keyed hash of what was asked for. */
static void access_of(struct req *r, const char *asked, const char *route, int status, int n,
                      const char *fields, const char *decision, struct access_rec *a)
{
	memset(a, 0, sizeof(*a));
	a->t_ms = r->now_ms;
	a->pro_id = r->who.id;
	memcpy(a->rpps, r->who.rpps, sizeof(a->rpps));
	vault_blind(r->v->vault, VAULT_D_ACCESS, asked, strnlen(asked, 64), a->patient);
	memcpy(a->ip, r->ip, sizeof(a->ip));
	snprintf(a->route, sizeof(a->route), "%s", route);
	a->status = status;
	a->n_results = n;
	snprintf(a->fields, sizeof(a->fields), "%s", fields);
	snprintf(a->decision, sizeof(a->decision), "%s", decision);
}

/* A refusal (with one extra header when hname is not NULL), journaled before it leaves. */
static enum MHD_Result refuse_with(struct req *r, const char *asked, const char *route, int status,
                                   const char *code, const char *diag, const char *decision,
                                   const char *hname, const char *hvalue)
{
	struct access_rec a;

	access_of(r, asked, route, status, 0, "", decision, &a);
	reply_prepare_outcome(r, status, code, diag);
	if (hname)
		reply_add_header(r, hname, hvalue);
	return reply_after_journal(r, &a);
}

static enum MHD_Result refuse(struct req *r, const char *asked, const char *route, int status,
                              const char *code, const char *diag, const char *decision)
{
	return refuse_with(r, asked, route, status, code, diag, decision, NULL, NULL);
}

/*
 * A malformed lookup (no NIR was read, nothing about anyone is sent): within
 * the account's budget (node.h NODE_MALFORMED_*) refused and journaled like
 * every refusal; past it a 429, journaled once per throttled burst (decision
 * "throttle", fields "malformed") and otherwise counted in metrics.
 */
static enum MHD_Result malformed(struct req *r, const char *asked, const char *route, int status,
                                 const char *code, const char *diag)
{
	struct vigie *v = r->v;
	int64_t now = r->now_ms / 1000, wait;
	char key[32];
	struct access_rec a;

	snprintf(key, sizeof(key), "pro:%lld", (long long)r->who.id);
	wait = throttle_ip_wait(v->malformed, key, now);
	if (wait <= 0) {
		throttle_ip_fail(v->malformed, key, now);
		return refuse(r, asked, route, status, code, diag, "invalid");
	}
	atomic_fetch_add_explicit(&v->metrics.malformed_throttled, 1, memory_order_relaxed);
	reply_prepare_throttled(r, wait, "too many malformed lookups from this account; wait");
	if (throttle_ip_wait(v->malformed_note, key, now) > 0)
		return reply_send(r); /* this burst has its journal entry already */
	throttle_ip_fail(v->malformed_note, key, now);
	access_of(r, "", route, MHD_HTTP_TOO_MANY_REQUESTS, 0, "malformed", "throttle", &a);
	return reply_after_journal(r, &a);
}

/*
 * Who matched a NIR, beyond what FHIR shows: each person's card key and
 * insured id, and how many were left out because they blocked the asker.
 */
struct matched {
	uint8_t pks[STORE_MATCH_MAX][32];
	int64_t ids[STORE_MATCH_MAX];
	size_t blocked;
};

/*
 * Unseal the persons matching a NIR, less those who blocked this
 * professional (people.h: the answer is then as if they had no record).
 * Returns 0 or a negative enum vg_err.
 */
static int lookup(struct req *r, const struct nir *n, struct fhir_person *out, struct matched *m,
                  size_t *np)
{
	/*
	 * Sealed rows (ciphertext only), 26 KB on the stack: neither zeroed nor
	 * wiped on every lookup (what they open into, the persons, is wiped).
	 */
	struct store_insured rows[STORE_MATCH_MAX];
	uint8_t bidx[VAULT_BIDX], pt[RECORD_PACK_MAX];
	size_t found = 0;
	int rc;

	vault_blind(r->v->vault, VAULT_D_NIR, n->canon, NIR_LEN, bidx);
	rc = store_insured_find(r->v->store, bidx, rows, STORE_MATCH_MAX, &found);
	if (rc != 0)
		return rc;
	m->blocked = 0;
	for (size_t i = 0, k = 0; i < found; i++) {
		if (people_blocked(r->v->people, rows[i].id, r->who.id))
			m->blocked++;
		else
			rows[k++] = rows[i];
	}
	found -= m->blocked;
	for (size_t i = 0; i < found; i++) {
		struct store_insured *s = &rows[i];
		struct fhir_person *p = &out[i];

		if (s->ident_len < VAULT_OVERHEAD || s->rights_len < VAULT_OVERHEAD)
			return VG_ECORRUPT;
		if ((rc = vault_unseal(r->v->vault, "insured", "ident", s->id, s->ident,
		                       s->ident_len, pt)) != 0 ||
		    (rc = record_unpack_ident(pt, s->ident_len - VAULT_OVERHEAD, &p->ident)) != 0 ||
		    (rc = vault_unseal(r->v->vault, "insured", "rights", s->id, s->rights,
		                       s->rights_len, pt)) != 0 ||
		    (rc = record_unpack_rights(pt, s->rights_len - VAULT_OVERHEAD, &p->rights)) !=
		            0)
			goto out;
		sodium_bin2hex(p->pid, sizeof(p->pid), s->pid, VAULT_BIDX);
		memcpy(m->pks[i], s->card_pk, 32);
		m->ids[i] = s->id;
		p->minimised = 0;
	}
	*np = found;
out:
	sodium_memzero(pt, sizeof(pt));
	if (rc != 0) {
		sodium_memzero(out, found * sizeof(*out)); /* nothing half-read stays behind */
		log_event(LOG_ERROR, "lookup.unreadable_record", LS("error", vg_strerror(rc)));
	}
	return rc;
}

static void wipe_persons(struct fhir_person *p, size_t n)
{
	sodium_memzero(p, n * sizeof(*p));
}

static enum MHD_Result lookup_failed(struct req *r, const char *asked, const char *route, int rc)
{
	int busy = rc == VG_EBUSY || rc == VG_EIO;

	return refuse(r, asked, route, busy ? 503 : 500, busy ? "transient" : "exception",
	              busy ? "the service is busy; try again" : "a stored record could not be read",
	              "error");
}

/* ---- the gate ------------------------------------------------------------- */

/*
 * This request's card-presence proof for (r->who.rpps, nir15): it must
 * verify under one matched person's card key, be fresh, and not have been
 * used before (it is used now).
 */
static enum gate_proof card_check(struct req *r, const char *nir15, const struct matched *m,
                                  size_t n)
{
	const char *h = req_header(r, "Vigie-Card-Proof");
	int64_t now = r->now_ms / 1000;
	struct card_proof p;
	uint8_t id[16];

	if (!h)
		return GATE_NO_PROOF;
	if (card_proof_parse(h, strnlen(h, CARD_PROOF_MAX + 1), &p) != 0)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		uint8_t revoked[32];

		if (card_proof_verify(&p, r->who.rpps, nir15, m->pks[i], now) != 0)
			continue;
		/* An opposed card's key, still in a snapshot read before the opposition. */
		if (people_opposed(r->v->people, m->ids[i], revoked) &&
		    sodium_memcmp(revoked, m->pks[i], 32) == 0)
			break;
		crypto_generichash(id, sizeof(id), p.sig, sizeof(p.sig), NULL, 0);
		if (guardian_proof_once(r->v->guardian, id, p.t, p.t + CARD_PROOF_WINDOW + 1,
		                        now) != 0)
			break;
		atomic_fetch_add_explicit(&r->v->metrics.card_proofs_ok, 1, memory_order_relaxed);
		return GATE_PROOF_OK;
	}
bad:
	atomic_fetch_add_explicit(&r->v->metrics.card_proofs_bad, 1, memory_order_relaxed);
	return GATE_PROOF_BAD;
}

/* "honeytoken,far_department" from reason bits. */
static void reason_names(uint32_t bits, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < GUARD_REASONS; i++) {
		int n;

		if (!(bits & (1u << i)))
			continue;
		n = snprintf(out + len, cap - len, "%s%s", len ? "," : "", guard_reason_name(i));
		if (n < 0 || (size_t)n >= cap - len)
			break;
		len += (size_t)n;
	}
}

/*
 * The guard suspended this account (suspend), or asks the security team to
 * look without suspending (a honeytoken on a clean account): an alert for
 * the operators (log, metrics, /admin/alerts). A suspension also ends the
 * account (no login, every token revoked; the store's flag makes it outlive
 * a restart) and leaves a notice for the professional.
 */
static void alert_account(struct req *r, const struct guard_result *g, int suspend)
{
	struct vigie *v = r->v;
	struct guardian_alert al = {
		.t_ms = r->now_ms, .pro_id = r->who.id, .score = g->score, .reasons = g->reasons
	};
	char reasons[512], detail[640];

	memcpy(al.rpps, r->who.rpps, sizeof(al.rpps));
	snprintf(al.decision, sizeof(al.decision), "%s", guard_decision_name(g->decision));
	reason_names(g->reasons, reasons, sizeof(reasons));
	if (suspend && pro_suspend(v, r->who.id) != 0)
		log_event(LOG_ERROR, "guard.suspend_failed", LI("pro", r->who.id));
	guardian_alert_add(v->guardian, &al);
	if (!suspend) {
		log_event(LOG_WARN, "guard.alert", LI("alert", (int64_t)al.id),
		          LI("pro", r->who.id), LS("rpps", r->who.rpps), LI("score", g->score),
		          LS("reasons", reasons), LS("ip", r->ip));
		return;
	}
	atomic_fetch_add_explicit(&v->metrics.guard_suspensions, 1, memory_order_relaxed);
	log_event(LOG_WARN, "guard.suspended", LI("alert", (int64_t)al.id), LI("pro", r->who.id),
	          LS("rpps", r->who.rpps), LI("score", g->score), LS("reasons", reasons),
	          LS("ip", r->ip));
	snprintf(detail, sizeof(detail), "{\"t\":%lld,\"reasons\":\"%s\"}",
	         (long long)(r->now_ms / 1000), reasons);
	notice_add(v, r->who.id, r->now_ms / 1000, "suspended", detail);
}

/*
 * The guard's decision on one lookup (nir: what was asked, nir_len bytes;
 * key_valid: it is a NIR; p/np: who matched): the gate's event, the
 * guardian's decision, and a suspension's consequences.
 */
static struct guard_result judge(struct req *r, const char *nir, size_t nir_len, int key_valid,
                                 const struct fhir_person *p, size_t np, int mismatch, int honey,
                                 enum gate_proof proof)
{
	struct gate_lookup l = {
		.t_ms = r->now_ms,
		.utc_offset_min = civil_paris_offset_min(r->now_ms / 1000),
		.profession = r->who.kind,
		.practice_dept = r->who.dept,
		.hours = r->who.hours_set ? &r->who.hours : NULL,
		.nir = nir,
		.nir_len = nir_len,
		.key_valid = key_valid,
		.found = np,
		.mismatch = mismatch != 0,
		.patient_dept = np ? p[0].rights.dept : NULL,
		.near = -1,
		.proof = proof,
		.ip = r->ip,
		.ua = req_header(r, MHD_HTTP_HEADER_USER_AGENT),
		.token_moved = r->who.session_ip[0] && strcmp(r->who.session_ip, r->ip) != 0,
	};
	struct guard_event e;
	struct guard_result g;

	l.honeytoken = honey != 0;
	gate_event(&l, &e);
	g = guardian_decide(r->v->guardian, r->who.id, &e);
	if ((g.suspended_now || g.alert) && !r->v->cfg.guard_observe)
		alert_account(r, &g, g.suspended_now);
	return g;
}

/* A refusal by the guard (step-up, throttle, deny, suspend), journaled. */
static enum MHD_Result guard_refuse(struct req *r, const char *asked, const char *route,
                                    enum guard_decision d, uint32_t reasons)
{
	const char *name = guard_decision_name(d);

	if (d == GUARD_DENY && (reasons & GR_MISMATCH))
		return refuse(r, asked, route, MHD_HTTP_FORBIDDEN, "security",
		              "too many birth dates that match nobody: present the patient's card "
		              "(Vigie-Card-Proof)",
		              name);
	switch (d) {
	case GUARD_STEP_UP:
		return refuse_with(
		        r, asked, route, MHD_HTTP_UNAUTHORIZED, "security",
		        "unusual lookups without a card: give a fresh one-time code "
		        "(POST /auth/pro/step-up {\"totp\"}), then retry",
		        name, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		        "Bearer realm=\"vigie\", error=\"insufficient_user_authentication\", "
		        "error_description=\"a fresh one-time code is required\"");
	case GUARD_THROTTLE:
		return refuse_with(r, asked, route, MHD_HTTP_TOO_MANY_REQUESTS, "throttled",
		                   "too many unusual lookups: slow down", name,
		                   MHD_HTTP_HEADER_RETRY_AFTER, "60");
	case GUARD_SUSPEND:
		return refuse(r, asked, route, MHD_HTTP_FORBIDDEN, "forbidden",
		              "this account is suspended; contact the operator", name);
	default:
		return refuse(r, asked, route, MHD_HTTP_FORBIDDEN, "forbidden",
		              "this lookup is refused", name);
	}
}

/* An operator account looks no one up; refused and journaled. */
static int operator_refused(struct req *r, const char *route, enum MHD_Result *res)
{
	if (r->who.role == ROLE_PRO)
		return 0;
	*res = refuse(r, "", route, MHD_HTTP_FORBIDDEN, "forbidden",
	              "operator accounts cannot look up patients", "deny");
	return -1;
}

/*
 * A NIR the parser refused: if it has a NIR's shape (15 characters after an
 * optional "system|"), it is an enumeration signal for the guard, whose
 * refusal then wins over the 400. Returns 0 (answer the 400) or -1 (*res).
 */
static int judge_invalid(struct req *r, const char *param, const char *route, enum MHD_Result *res)
{
	const char *bar = strchr(param, '|'), *val = bar ? bar + 1 : param;
	struct guard_result g;

	if (strlen(val) != NIR_LEN)
		return 0;
	for (size_t i = 0; i < NIR_LEN; i++)
		if (!((val[i] >= '0' && val[i] <= '9') || val[i] == 'A' || val[i] == 'B' ||
		      val[i] == 'a' || val[i] == 'b'))
			return 0;
	g = judge(r, val, NIR_LEN, 0, NULL, 0, 0, 0, GATE_NO_PROOF);
	if (!gate_refuses_invalid(&g, r->v->cfg.guard_observe))
		return 0;
	*res = guard_refuse(r, val, route, g.decision, g.reasons);
	return -1;
}

/*
 * A card-less lookup of someone whose card was opposed in the last
 * PEOPLE_CARE_DAYS gets the minimised answer at most, and the person is told
 * (an event e-mailed to their account, if they have one). 1 if so.
 */
static int opposed_care(struct req *r, const struct matched *m, size_t np)
{
	int care = 0;

	for (size_t i = 0; i < np; i++) {
		uint8_t revoked[32];
		int64_t t = people_opposed(r->v->people, m->ids[i], revoked);
		struct store_account acct;
		char detail[160];

		if (!t || r->now_ms - t > (int64_t)PEOPLE_CARE_DAYS * 86400000)
			continue;
		care = 1;
		if (store_account_get(r->v->store, m->ids[i], &acct) != 0)
			continue;
		snprintf(detail, sizeof(detail),
		         "{\"t_ms\":%lld,\"pro_id\":%lld,\"rpps\":\"%s\",\"card\":\"opposed\"}",
		         (long long)r->now_ms, (long long)r->who.id, r->who.rpps);
		if (ievent_add(r->v, acct.id, r->now_ms, "access_careful", detail, MAIL_PENDING) !=
		    0)
			log_event(LOG_ERROR, "lookup.care_event_failed", LI("account", acct.id));
		sodium_memzero(&acct, sizeof(acct));
	}
	return care;
}

/*
 * Keep, of the np persons matched (and their keys and ids in m), those the
 * professional stated: the birth date when given, else with holder_only
 * the card holder (rank 0; dependants are on the holder's card and are
 * answered only when selected). The others are wiped. Returns how many.
 */
static size_t stated(struct fhir_person *p, struct matched *m, size_t np, const char *birth,
                     int holder_only)
{
	size_t k = 0;

	for (size_t i = 0; i < np; i++) {
		int keep = birth ? strcmp(p[i].ident.birth_date, birth) == 0
		                 : !holder_only || p[i].ident.rank == 0;

		if (!keep)
			continue;
		if (k != i) {
			p[k] = p[i];
			memcpy(m->pks[k], m->pks[i], 32);
			m->ids[k] = m->ids[i];
		}
		k++;
	}
	if (k < np)
		wipe_persons(p + k, np - k);
	return k;
}

/*
 * A lookup that matched *np persons under the NIR, through the gate: with a
 * verified card proof the holder and any dependant the request selects by
 * birth date, in full; without one only the persons of the stated birth
 * date (birth), in a verification answer (core/gate.h), a date that matches
 * nobody under an existing NIR counted by the guard as a wrong password.
 * Returns 0 to answer (*np persons, minimised if *decision is not
 * "allow"), or -1 with the refusal in *res.
 */
static int gate(struct req *r, const struct nir *n, const char *route, const char *birth,
                struct fhir_person *p, struct matched *m, size_t *np, const char **decision,
                enum MHD_Result *res)
{
	enum gate_proof proof = *np ? card_check(r, n->canon, m, *np)
	                        : req_header(r, "Vigie-Card-Proof") ? GATE_PROOF_BAD
	                                                            : GATE_NO_PROOF;
	size_t before = *np;
	struct guard_result g;
	struct gate_verdict v;
	int honey = 0;

	/* A honeytoken's NIR is nobody's to look up, whatever birth date is stated with it. */
	for (size_t i = 0; i < *np; i++)
		honey |= p[i].rights.honeytoken != 0;
	if (proof == GATE_PROOF_OK || birth)
		*np = stated(p, m, *np, birth, proof == GATE_PROOF_OK);
	g = judge(r, n->canon, NIR_LEN, 1, p, *np, proof != GATE_PROOF_OK && before && !*np, honey,
	          proof);
	v = gate_verdict(proof, &g, r->v->cfg.guard_observe);
	*decision = gate_decision_name(&v);
	if (v.answer == GATE_VERIFY) {
		/* The person is told when their card was opposed lately (PEOPLE_CARE_DAYS). */
		if (proof != GATE_PROOF_OK)
			(void)opposed_care(r, m, *np);
		for (size_t i = 0; i < *np; i++)
			fhir_minimise(&p[i]);
		return 0;
	}
	if (v.answer == GATE_FULL)
		return 0;
	if (v.bad_proof) /* as for anyone's NIR without a record; the person is told it was them */
		*res = refuse(r, n->canon, route, MHD_HTTP_FORBIDDEN, "security",
		              "the card-presence proof is invalid, expired or already used",
		              !*np && m->blocked ? "blocked" : *decision);
	else
		*res = guard_refuse(r, n->canon, route, v.refusal, g.reasons);
	return -1;
}

/*
 * Without the patient's card (no Vigie-Card-Proof), a lookup must state
 * the birth date: a NIR alone answers "state the birth date", before any
 * record is read (a malformed lookup, budgeted). birth: the parameter,
 * NULL if absent. Returns 0 to go on, or -1 with the refusal in *res.
 */
static int needs_birth(struct req *r, const char *asked, const char *route, const char *param,
                       const char *birth, enum MHD_Result *res)
{
	char diag[200];

	if (birth && !civil_date_valid(birth)) {
		snprintf(diag, sizeof(diag), "%s must be a day, YYYY-MM-DD", param);
		*res = malformed(r, asked, route, MHD_HTTP_BAD_REQUEST, "invalid", diag);
		return -1;
	}
	if (birth || req_header(r, "Vigie-Card-Proof"))
		return 0;
	snprintf(diag, sizeof(diag),
	         "without the patient's card (Vigie-Card-Proof), state who the patient is: "
	         "the NIR and %s=YYYY-MM-DD",
	         param);
	*res = malformed(r, asked, route, MHD_HTTP_BAD_REQUEST, "required", diag);
	return -1;
}

/* Shared by Patient and Coverage search. */
static enum MHD_Result search(struct req *r, const char *param, int coverage_only)
{
	static const char *const P_ALLOWED[] = { "identifier", "_revinclude", "_format",
		                                 "birthdate", NULL };
	static const char *const C_ALLOWED[] = { "beneficiary:identifier", "_format",
		                                 "beneficiary.birthdate", NULL };
	struct qargs q = { .allowed = coverage_only ? C_ALLOWED : P_ALLOWED };
	struct fhir_person persons[STORE_MATCH_MAX];
	struct matched m;
	const char *route = coverage_only ? "Coverage" : "Patient";
	const char *bparam = coverage_only ? "beneficiary.birthdate" : "birthdate";
	const char *why = NULL, *fields, *birth, *decision = "allow";
	char self[512];
	struct nir n;
	size_t np = 0;
	int with_cov, rc, minimised = 0;
	struct jw w;
	struct access_rec a;
	struct qfail qf;
	enum MHD_Result res;

	if (auth_require(r, &res) != 0)
		return res; /* no professional, nothing disclosed: counted in metrics, not recorded */
	if (operator_refused(r, route, &res) != 0)
		return res;
	if (parse_query(r, &q, &qf) != 0) /* refused, and accounted for (malformed) */
		return malformed(r, "", route, qf.status, qf.code, qf.diag);
	if (!q.val[0])
		return malformed(r, "", route, MHD_HTTP_BAD_REQUEST, "required",
		                 coverage_only ? "beneficiary:identifier is required"
		                               : "identifier is required");
	with_cov = !coverage_only && q.val[1];
	if (with_cov && strcmp(q.val[1], "Coverage:beneficiary") != 0)
		return malformed(r, q.val[0], route, MHD_HTTP_BAD_REQUEST, "not-supported",
		                 "_revinclude supports Coverage:beneficiary only");
	if (fhir_parse_nir_token(q.val[0], &n, &why) != 0) {
		if (judge_invalid(r, q.val[0], route, &res) != 0)
			return res;
		return malformed(r, q.val[0], route, MHD_HTTP_BAD_REQUEST, "invalid", why);
	}
	birth = q.val[coverage_only ? 2 : 3];
	if (needs_birth(r, n.canon, route, bparam, birth, &res) != 0)
		return res;
	rc = lookup(r, &n, persons, &m, &np);
	if (rc != 0)
		return lookup_failed(r, n.canon, route, rc);
	if (gate(r, &n, route, birth, persons, &m, &np, &decision, &res) != 0) {
		wipe_persons(persons, np);
		return res;
	}
	minimised = strcmp(decision, "allow") != 0;
	if (minimised)
		fields = coverage_only ? F_COVERAGE_MIN
		         : with_cov    ? F_PATIENT_COV_MIN
		                       : F_PATIENT_MIN;
	else
		fields = coverage_only ? F_COVERAGE : with_cov ? F_PATIENT_COV : F_PATIENT;
	/* A valid date is digits and dashes: nothing to escape. */
	snprintf(self, sizeof(self), "%s/%s?%s=%s%%7C%s%s%s%s%s%s", r->srv->cfg.base_url, route,
	         param, FHIR_NIR_SYSTEM, n.canon,
	         with_cov ? "&_revinclude=Coverage%3Abeneficiary" : "", birth ? "&" : "",
	         birth ? bparam : "", birth ? "=" : "", birth ? birth : "");
	jw_init(&w, np ? 2048 : 512);
	if (coverage_only)
		fhir_bundle_coverages(&w, r->srv->cfg.base_url, self, persons, np);
	else
		fhir_bundle_patients(&w, r->srv->cfg.base_url, self, persons, np, with_cov);
	wipe_persons(persons, np);
	atomic_fetch_add_explicit(&r->v->metrics.lookups, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->v->metrics.persons_returned, np, memory_order_relaxed);
	/* Sent only once the access is durable in the journal (see the top comment). */
	access_of(r, n.canon, route, 200, (int)np, np ? fields : "",
	          !np && m.blocked ? "blocked" : decision, &a);
	reply_prepare_json(r, MHD_HTTP_OK, NULL, &w);
	if (minimised) /* the same word whether the guard allowed or minimised: no budget gauge */
		reply_add_header(r, "Vigie-Guard", "verify");
	return reply_after_journal(r, &a);
}

enum MHD_Result api_patient_search(struct req *r)
{
	return search(r, "identifier", 0);
}

enum MHD_Result api_coverage_search(struct req *r)
{
	return search(r, "beneficiary:identifier", 1);
}

enum MHD_Result api_eligibility_submit(struct req *r)
{
	struct fhir_person persons[STORE_MATCH_MAX], *pick = NULL;
	struct matched m;
	struct fhir_elig_req rq;
	const char *why = NULL;
	size_t np = 0, nmatch = 0;
	char id[33], created[32];
	uint8_t rnd[16];
	time_t t = (time_t)(r->now_ms / 1000);
	struct tm tm;
	struct jw w;
	struct access_rec a;
	enum MHD_Result res;
	const char *decision = "allow";
	int rc, minimised;

	if (auth_require(r, &res) != 0)
		return res; /* no professional, nothing disclosed: counted in metrics, not recorded */
	if (operator_refused(r, "$submit", &res) != 0)
		return res;
	if (!req_is_json(r))
		return malformed(r, "", "$submit", MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                 "Content-Type must be application/fhir+json");
	if (fhir_parse_eligibility(r->body ? r->body : "", r->body_len, &rq, &why) != 0)
		return malformed(r, "", "$submit", MHD_HTTP_BAD_REQUEST, "invalid", why);
	if (needs_birth(r, rq.nir.canon, "$submit", "a contained Patient's birthDate",
	                rq.birth_date[0] ? rq.birth_date : NULL, &res) != 0)
		return res;
	rc = lookup(r, &rq.nir, persons, &m, &np);
	if (rc != 0)
		return lookup_failed(r, rq.nir.canon, "$submit", rc);
	if (gate(r, &rq.nir, "$submit", rq.birth_date[0] ? rq.birth_date : NULL, persons, &m, &np,
	         &decision, &res) != 0) {
		wipe_persons(persons, np);
		return res;
	}
	minimised = strcmp(decision, "allow") != 0;
	for (size_t i = 0; i < np; i++) {
		if (rq.birth_date[0] && strcmp(rq.birth_date, persons[i].ident.birth_date) != 0)
			continue;
		nmatch++;
		if (!pick)
			pick = &persons[i];
	}
	if (nmatch != 1) {
		wipe_persons(persons, np);
		if (nmatch == 0)
			return refuse(r, rq.nir.canon, "$submit", MHD_HTTP_NOT_FOUND, "not-found",
			              "no insured person matches this identifier",
			              m.blocked ? "blocked" : "not-found");
		return refuse(r, rq.nir.canon, "$submit", MHD_HTTP_UNPROCESSABLE_CONTENT,
		              "multiple-matches",
		              "several people are billed under this NIR: give the patient's "
		              "birthDate in a contained Patient",
		              "ambiguous");
	}
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(id, sizeof(id), rnd, sizeof(rnd));
	gmtime_r(&t, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	jw_init(&w, 2048);
	fhir_eligibility_response(&w, id, created, &rq, pick);
	wipe_persons(persons, np);
	atomic_fetch_add_explicit(&r->v->metrics.lookups, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->v->metrics.persons_returned, 1, memory_order_relaxed);
	access_of(r, rq.nir.canon, "$submit", 200, 1, minimised ? F_SUBMIT_MIN : F_SUBMIT, decision,
	          &a);
	reply_prepare_json(r, MHD_HTTP_OK, NULL, &w);
	if (minimised)
		reply_add_header(r, "Vigie-Guard", "verify");
	return reply_after_journal(r, &a);
}

enum MHD_Result api_metadata(struct req *r)
{
	static const char *const ALLOWED[] = { "_format", NULL };
	struct qargs q = { .allowed = ALLOWED };
	char date[16];
	time_t t = (time_t)r->v->started_s;
	struct tm tm;
	struct jw w;
	struct qfail qf;

	if (parse_query(r, &q, &qf) != 0)
		return reply_outcome(r, qf.status, qf.code, qf.diag);
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	jw_init(&w, 2048);
	fhir_capability(&w, date, VIGIE_VERSION, r->srv->cfg.base_url);
	return reply_json(r, MHD_HTTP_OK, NULL, &w);
}
