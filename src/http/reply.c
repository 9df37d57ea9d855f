/* reply.c - see reply.h: the one way a response leaves. */
#include "http/reply.h"

#include <assert.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/fhir.h"
#include "http/request.h"
#include "http/server.h"
#include "node/node.h"
#include "node/workers.h"
#include "sys/log.h"
#include "core/banned.h"

#define CT_FHIR "application/fhir+json; charset=utf-8"

static const char JOURNAL_DOWN[] = "the access journal is unavailable; nothing was disclosed";

void reply_release(struct reply *rep)
{
	if (rep->body)
		sodium_memzero(rep->body, rep->len);
	free(rep->body);
	rep->body = NULL;
	rep->len = 0;
}

/* Take buf (malloc'd, may be NULL: out of memory) as the body. */
static void set_body(struct req *r, int status, const char *ctype, char *buf, size_t len)
{
	struct reply *rep = &r->reply;

	assert(rep->state != REPLY_JOURNAL); /* nobody prepares while the journal holds it */
	if (rep->state == REPLY_SENT || rep->state == REPLY_JOURNAL) {
		free(buf); /* one reply per request: a second is dropped */
		return;
	}
	reply_release(rep);
	rep->body = buf;
	rep->len = buf ? len : 0;
	rep->status = status;
	rep->ctype = ctype;
	if (rep->state == REPLY_NONE)
		rep->state = REPLY_READY;
}

void reply_prepare_json(struct req *r, int status, const char *ctype, struct jw *w)
{
	size_t len = 0;
	char *buf = NULL;

	if (jw_finish(w) == 0)
		buf = jw_detach(w, &len);
	else
		jw_release(w); /* out of memory: the connection is dropped rather than half sent */
	set_body(r, status, ctype ? ctype : CT_FHIR, buf, len);
}

void reply_prepare_bytes(struct req *r, int status, const char *ctype, const void *data, size_t len)
{
	char *buf = malloc(len + 1);

	if (buf) {
		memcpy(buf, data, len);
		buf[len] = '\0';
	}
	set_body(r, status, ctype, buf, len);
}

void reply_prepare_outcome(struct req *r, int status, const char *code, const char *diag)
{
	struct jw w;

	jw_init(&w, 256);
	fhir_outcome(&w, status >= 500 ? "fatal" : "error", code, diag);
	reply_prepare_json(r, status, CT_FHIR, &w);
}

void reply_add_header(struct req *r, const char *name, const char *value)
{
	struct reply *rep = &r->reply;
	char *copy;

	if (rep->state == REPLY_SENT)
		return;
	assert(rep->nh < REPLY_HEADERS_MAX);
	copy = req_strdup(r, value);
	if (rep->nh < REPLY_HEADERS_MAX && copy)
		rep->h[rep->nh++] = (struct reply_header){ name, copy };
}

void reply_prepare_throttled(struct req *r, int64_t retry_after, const char *diag)
{
	char ra[24];

	snprintf(ra, sizeof(ra), "%" PRId64, retry_after > 0 ? retry_after : 1);
	reply_prepare_outcome(r, MHD_HTTP_TOO_MANY_REQUESTS, "throttled", diag);
	reply_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
}

/*
 * A body leaves memory wiped: answers carry session tokens, one-time
 * secrets and personal data, and freed heap is read by whatever comes next
 * (a core dump, a later overflow).
 */
static void body_free(void *p)
{
	if (!p)
		return;
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

enum MHD_Result reply_send(struct req *r)
{
	struct reply *rep = &r->reply;
	struct MHD_Response *resp;
	enum MHD_Result ok;

	if (rep->state == REPLY_SENT)
		return MHD_YES; /* one reply per request: a second is dropped */
	assert(rep->state == REPLY_READY);
	if (rep->state != REPLY_READY || !rep->body)
		return MHD_NO;
	resp = MHD_create_response_from_buffer_with_free_callback(rep->len, rep->body, body_free);
	if (!resp)
		return MHD_NO;
	rep->body = NULL; /* libmicrohttpd's now */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rep->ctype);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	                        rep->cache ? rep->cache : "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	for (unsigned i = 0; i < rep->nh; i++)
		MHD_add_response_header(resp, rep->h[i].name, rep->h[i].value);
	if (rep->journaled) {
		char ix[24];

		snprintf(ix, sizeof(ix), "%" PRIu64, rep->journal.index);
		MHD_add_response_header(resp, "Vigie-Journal-Entry", ix);
	}
	if (rep->close_after)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ok = MHD_queue_response(r->conn, (unsigned int)rep->status, resp);
	MHD_destroy_response(resp);
	rep->state = REPLY_SENT;
	return ok;
}

enum MHD_Result reply_json(struct req *r, int status, const char *ctype, struct jw *w)
{
	reply_prepare_json(r, status, ctype, w);
	return reply_send(r);
}

enum MHD_Result reply_text(struct req *r, int status, const char *ctype, const char *text)
{
	reply_prepare_bytes(r, status, ctype, text, strlen(text));
	return reply_send(r);
}

enum MHD_Result reply_outcome(struct req *r, int status, const char *code, const char *diag)
{
	reply_prepare_outcome(r, status, code, diag);
	return reply_send(r);
}

enum MHD_Result reply_with_header(struct req *r, int status, const char *code, const char *diag,
                                  const char *hname, const char *hvalue)
{
	reply_prepare_outcome(r, status, code, diag);
	reply_add_header(r, hname, hvalue);
	return reply_send(r);
}

enum MHD_Result reply_unauthorized(struct req *r, int token_sent)
{
	return reply_with_header(r, MHD_HTTP_UNAUTHORIZED, "login",
	                         token_sent ? "the access token is invalid or expired"
	                                    : "an access token is required",
	                         MHD_HTTP_HEADER_WWW_AUTHENTICATE,
	                         token_sent ? "Bearer realm=\"vigie\", error=\"invalid_token\""
	                                    : "Bearer realm=\"vigie\"");
}

enum MHD_Result reply_throttled(struct req *r, int64_t retry_after, const char *diag)
{
	reply_prepare_throttled(r, retry_after, diag);
	return reply_send(r);
}

/* ---- journaled replies (write-ahead) ---------------------------------------- */

/* The journal failed: a 503 replaces what was prepared, and nothing prepared is sent. */
static void replace_by_503(struct req *r)
{
	struct reply *rep = &r->reply;

	rep->nh = 0;
	rep->journaled = 0;
	rep->state = REPLY_READY;
	reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", JOURNAL_DOWN);
}

/* On the journal's writer thread: the entry is durable (or failed); let the reply go. */
static void journal_done(void *arg, int rc, uint64_t index)
{
	struct req *r = arg;
	struct http_server *srv = r->srv; /* r may be gone once the connection resumes */

	r->reply.journal.rc = rc;
	r->reply.journal.index = index;
	atomic_store_explicit(&r->reply.journal.done, 1, memory_order_release);
	MHD_resume_connection(r->conn);
	atomic_fetch_sub(&srv->journal_waiting, 1);
}

/* --journal-nowait (benchmarks only): the entry is appended, the answer does not wait. */
static void nowait_done(void *arg, int rc, uint64_t index)
{
	(void)rc;
	(void)index;
	free(arg);
}

enum MHD_Result reply_after_journal(struct req *r, const struct access_rec *a)
{
	struct http_server *srv = r->srv;
	struct vigie *v = r->v;
	int rc;

	if (r->reply.state != REPLY_READY || !r->reply.body)
		return MHD_NO; /* out of memory preparing it */
	if (v->cfg.journal_nowait) {
		struct access_pending *p = malloc(sizeof(*p));

		if (!p || access_log_submit(v->access, p, a, nowait_done, p) != 0) {
			free(p);
			replace_by_503(r);
		}
		return reply_send(r);
	}
	atomic_fetch_add(&srv->journal_waiting, 1);
	if (atomic_load(&srv->stopping)) {
		atomic_fetch_sub(&srv->journal_waiting, 1);
		replace_by_503(r);
		return reply_send(r);
	}
	r->reply.journal.p = req_alloc(r, sizeof(*r->reply.journal.p));
	if (!r->reply.journal.p) {
		atomic_fetch_sub(&srv->journal_waiting, 1);
		replace_by_503(r);
		return reply_send(r);
	}
	/* Suspend first: the journal may answer before access_log_submit returns. */
	r->reply.state = REPLY_JOURNAL;
	MHD_suspend_connection(r->conn);
	rc = access_log_submit(v->access, r->reply.journal.p, a, journal_done, r);
	if (rc != 0) {
		log_event(LOG_ERROR, "journal.append_refused", LS("error", vg_strerror(rc)));
		atomic_fetch_add_explicit(&v->metrics.access_errors, 1, memory_order_relaxed);
		r->reply.journal.rc = rc;
		atomic_store_explicit(&r->reply.journal.done, 1, memory_order_release);
		MHD_resume_connection(r->conn);
		atomic_fetch_sub(&srv->journal_waiting, 1);
	}
	return MHD_YES; /* sent by reply_resume when the connection resumes */
}

/* ---- workers ------------------------------------------------------------------ */

static void run_work(void *arg)
{
	struct req *r = arg;

	r->work(r);
	reply_worker_done(r);
}

static enum MHD_Result on_pool(struct req *r, struct workers *pool, void (*work)(struct req *r),
                               const char *busy)
{
	r->work = work;
	r->reply.state = REPLY_WORKER;
	/* Argon2id (or an incident's affected set) must not stall this event thread. */
	MHD_suspend_connection(r->conn);
	if (workers_submit(pool, run_work, r) != 0) {
		MHD_resume_connection(r->conn);
		r->reply.state = REPLY_NONE;
		if (pool != r->v->slow)
			atomic_fetch_add(&r->v->metrics.logins_throttled, 1);
		return reply_throttled(r, 1, busy);
	}
	return MHD_YES;
}

enum MHD_Result reply_on_worker(struct req *r, enum session_kind kind, void (*work)(struct req *r))
{
	assert(kind == SESSION_PRO || kind == SESSION_INSURED);
	return on_pool(r, r->v->login_workers[kind], work,
	               "too many logins in progress; try again");
}

enum MHD_Result reply_on_slow(struct req *r, void (*work)(struct req *r))
{
	return on_pool(r, r->v->slow, work, "too many operator tasks in progress; try again");
}

void reply_worker_done(struct req *r)
{
	assert(r->reply.state == REPLY_WORKER);
	if (!r->reply.body) { /* nothing prepared (out of memory): say so rather than hang */
		r->reply.state = REPLY_NONE;
		reply_prepare_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                      "the service is busy; try again");
	}
	r->reply.state = REPLY_READY;
	MHD_resume_connection(r->conn);
}

enum MHD_Result reply_resume(struct req *r)
{
	struct reply *rep = &r->reply;

	if (rep->state == REPLY_JOURNAL) {
		if (!atomic_load_explicit(&rep->journal.done, memory_order_acquire))
			return MHD_YES; /* resumed for another reason: still waiting */
		if (rep->journal.rc == 0) {
			rep->journaled = 1;
			rep->state = REPLY_READY;
		} else {
			atomic_fetch_add_explicit(&r->v->metrics.access_errors, 1,
			                          memory_order_relaxed);
			replace_by_503(r);
		}
	}
	return reply_send(r);
}
