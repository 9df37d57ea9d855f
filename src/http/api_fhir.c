/*
 * api_fhir.c - the FHIR R4 rights lookup: metadata, Patient and Coverage
 * search by NIR, CoverageEligibilityRequest/$submit.
 *
 * Every authenticated lookup, allowed or refused, is journaled and its answer
 * leaves only once the journal entry is durable (reply_journaled, write-ahead);
 * if the journal cannot take it the answer is a 503 and discloses nothing.
 * Personal data is unsealed only for the persons a lookup returns, and
 * contact data never.
 * Search is by identifier only: no search by name or birth date, so there is
 * no way to fish for people.
 */
#include "http/http.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "core/fhir.h"
#include "core/log.h"
#include "http/access.h"

#define F_PATIENT "identifier,name,gender,birthDate"
#define F_PATIENT_COV "identifier,name,gender,birthDate,coverage"
#define F_COVERAGE "identifier,coverage"
#define F_SUBMIT "coverage,benefits"

struct qargs {
	const char *const *allowed; /* NULL-terminated names this endpoint accepts */
	const char *val[4];         /* value of each allowed name, parallel to allowed */
	const char *bad;            /* first unknown or repeated name, or a NUL byte */
	const char *bad_code;       /* its OperationOutcome issue code */
	int n;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               size_t key_size, const char *value, size_t value_size)
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
	struct timespec ts;

	memset(a, 0, sizeof(*a));
	clock_gettime(CLOCK_REALTIME, &ts);
	a->t_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	a->pro_id = r->pro_id;
	memcpy(a->rpps, r->rpps, sizeof(a->rpps));
	vault_blind(r->v->vault, VAULT_D_ACCESS, asked, strnlen(asked, 64), a->patient);
	memcpy(a->ip, r->ip, sizeof(a->ip));
	snprintf(a->route, sizeof(a->route), "%s", route);
	a->status = status;
	a->n_results = n;
	snprintf(a->fields, sizeof(a->fields), "%s", fields);
	snprintf(a->decision, sizeof(a->decision), "%s", decision);
}

static enum MHD_Result refuse(struct req *r, const char *asked, const char *route, int status,
                              const char *code, const char *diag, const char *decision)
{
	struct access_rec a;

	access_of(r, asked, route, status, 0, "", decision, &a);
	return reply_journaled(r, &a, status, NULL, code, diag);
}

/* Unseal the persons matching a NIR. Returns 0 or a negative enum vg_err. */
static int lookup(struct req *r, const struct nir *n, struct fhir_person *out, size_t *np)
{
	static __thread struct store_insured rows[STORE_MATCH_MAX]; /* 26 KB: off the stack */
	uint8_t bidx[VAULT_BIDX], pt[RECORD_PACK_MAX];
	size_t found = 0;
	int rc;

	vault_blind(r->v->vault, VAULT_D_NIR, n->canon, NIR_LEN, bidx);
	rc = store_insured_find(r->v->store, bidx, rows, STORE_MATCH_MAX, &found);
	if (rc != 0)
		return rc;
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
		    (rc = record_unpack_rights(pt, s->rights_len - VAULT_OVERHEAD, &p->rights)) != 0)
			goto out;
		sodium_bin2hex(p->pid, sizeof(p->pid), s->pid, VAULT_BIDX);
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

/* Shared by Patient and Coverage search. */
static enum MHD_Result search(struct req *r, const char *param, int coverage_only)
{
	static const char *const P_ALLOWED[] = { "identifier", "_revinclude", "_format", NULL };
	static const char *const C_ALLOWED[] = { "beneficiary:identifier", "_format", NULL };
	struct qargs q = { .allowed = coverage_only ? C_ALLOWED : P_ALLOWED };
	struct fhir_person persons[STORE_MATCH_MAX];
	const char *route = coverage_only ? "Coverage" : "Patient";
	const char *why = NULL, *fields;
	char self[512];
	struct nir n;
	size_t np = 0;
	int with_cov, rc;
	struct jw w;
	struct access_rec a;
	struct qfail qf;
	enum MHD_Result res;

	if (auth_require(r, &res) != 0)
		return res; /* no professional, nothing disclosed: counted in metrics, not recorded */
	if (parse_query(r, &q, &qf) != 0) /* refused, and journaled like every refusal */
		return refuse(r, "", route, qf.status, qf.code, qf.diag, "invalid");
	if (!q.val[0])
		return refuse(r, "", route, MHD_HTTP_BAD_REQUEST, "required",
		              coverage_only ? "beneficiary:identifier is required"
		                            : "identifier is required", "invalid");
	with_cov = !coverage_only && q.val[1];
	if (with_cov && strcmp(q.val[1], "Coverage:beneficiary") != 0)
		return refuse(r, q.val[0], route, MHD_HTTP_BAD_REQUEST, "not-supported",
		              "_revinclude supports Coverage:beneficiary only", "invalid");
	if (fhir_parse_nir_token(q.val[0], &n, &why) != 0)
		return refuse(r, q.val[0], route, MHD_HTTP_BAD_REQUEST, "invalid", why, "invalid");
	rc = lookup(r, &n, persons, &np);
	if (rc != 0)
		return lookup_failed(r, n.canon, route, rc);
	fields = coverage_only ? F_COVERAGE : with_cov ? F_PATIENT_COV : F_PATIENT;
	snprintf(self, sizeof(self), "%s/%s?%s=%s%%7C%s%s", r->v->cfg.base_url, route, param,
	         FHIR_NIR_SYSTEM, n.canon, with_cov ? "&_revinclude=Coverage%3Abeneficiary" : "");
	jw_init(&w, np ? 2048 : 512);
	if (coverage_only)
		fhir_bundle_coverages(&w, r->v->cfg.base_url, self, persons, np);
	else
		fhir_bundle_patients(&w, r->v->cfg.base_url, self, persons, np, with_cov);
	wipe_persons(persons, np);
	atomic_fetch_add_explicit(&r->v->metrics.lookups, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->v->metrics.persons_returned, np, memory_order_relaxed);
	/* Sent only once the access is durable in the journal (see the top comment). */
	access_of(r, n.canon, route, 200, (int)np, np ? fields : "", "allow", &a);
	return reply_journaled(r, &a, MHD_HTTP_OK, &w, NULL, NULL);
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
	struct fhir_elig_req rq;
	const char *why = NULL;
	size_t np = 0, nmatch = 0;
	char id[33], created[32];
	uint8_t rnd[16];
	time_t t = time(NULL);
	struct tm tm;
	struct jw w;
	struct access_rec a;
	enum MHD_Result res;
	int rc;

	if (auth_require(r, &res) != 0)
		return res; /* no professional, nothing disclosed: counted in metrics, not recorded */
	if (!req_is_json(r))
		return refuse(r, "", "$submit", MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		              "Content-Type must be application/fhir+json", "invalid");
	if (fhir_parse_eligibility(r->body ? r->body : "", r->body_len, &rq, &why) != 0)
		return refuse(r, "", "$submit", MHD_HTTP_BAD_REQUEST, "invalid", why, "invalid");
	rc = lookup(r, &rq.nir, persons, &np);
	if (rc != 0)
		return lookup_failed(r, rq.nir.canon, "$submit", rc);
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
			              "no insured person matches this identifier", "not-found");
		return refuse(r, rq.nir.canon, "$submit", MHD_HTTP_UNPROCESSABLE_CONTENT,
		              "multiple-matches",
		              "several people are billed under this NIR: give the patient's "
		              "birthDate in a contained Patient", "ambiguous");
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
	access_of(r, rq.nir.canon, "$submit", 200, 1, F_SUBMIT, "allow", &a);
	return reply_journaled(r, &a, MHD_HTTP_OK, &w, NULL, NULL);
}

enum MHD_Result api_metadata(struct req *r)
{
	static const char *const ALLOWED[] = { "_format", NULL };
	struct qargs q = { .allowed = ALLOWED };
	char date[16];
	time_t t = (time_t)r->v->started;
	struct tm tm;
	struct jw w;
	struct qfail qf;

	if (parse_query(r, &q, &qf) != 0)
		return reply_outcome(r, qf.status, qf.code, qf.diag);
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	jw_init(&w, 2048);
	fhir_capability(&w, date, VIGIE_VERSION, r->v->cfg.base_url);
	return reply_json(r, MHD_HTTP_OK, NULL, &w);
}
