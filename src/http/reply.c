/*
 * reply.c - every response vigie sends goes through send_buf, which adds the
 * headers all responses carry (no caching of personal data, no sniffing).
 */
#include "http/http.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/fhir.h"
#include "core/log.h"
#include "http/access.h"

#define CT_FHIR "application/fhir+json; charset=utf-8"

static const char *issue_severity(int status)
{
	return status >= 500 ? "fatal" : "error";
}

/* Queue buf (taken: freed by libmicrohttpd) as the response. */
static enum MHD_Result send_buf(struct req *r, int status, const char *ctype, char *buf,
                                size_t len, const char *hname, const char *hvalue)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;

	if (r->replied || r->pend_ready) {
		free(buf);
		return MHD_YES;
	}
	if (r->deferred) {
		/* On a worker thread: keep it for reply_flush on the event thread. */
		r->pend_ready = 1;
		r->pend_status = status;
		r->pend_ctype = ctype;
		r->pend_buf = buf;
		r->pend_len = len;
		r->pend_hname = hname;
		if (hname)
			snprintf(r->pend_hvalue, sizeof(r->pend_hvalue), "%s", hvalue);
		return MHD_YES;
	}
	resp = MHD_create_response_from_buffer_with_free_callback(len, buf, free);
	if (!resp) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (hname)
		MHD_add_response_header(resp, hname, hvalue);
	if (r->xh_name)
		MHD_add_response_header(resp, r->xh_name, r->xh_value);
	if (r->journaled) {
		char ix[24];

		snprintf(ix, sizeof(ix), "%" PRIu64, r->journal_index);
		MHD_add_response_header(resp, "Vigie-Journal-Entry", ix);
	}
	if (r->close_after)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	ok = MHD_queue_response(r->conn, (unsigned int)status, resp);
	MHD_destroy_response(resp);
	r->replied = 1;
	r->status = status;
	return ok;
}

enum MHD_Result reply_flush(struct req *r)
{
	char *buf = r->pend_buf;

	r->pend_buf = NULL;
	r->deferred = 0;
	r->pend_ready = 0;
	if (!buf)
		return MHD_NO;
	return send_buf(r, r->pend_status, r->pend_ctype, buf, r->pend_len, r->pend_hname,
	                r->pend_hname ? r->pend_hvalue : NULL);
}

static enum MHD_Result send_jw(struct req *r, int status, const char *ctype, struct jw *w,
                               const char *hname, const char *hvalue)
{
	size_t len;
	char *buf;

	if (jw_finish(w) != 0) {
		jw_release(w);
		return MHD_NO; /* out of memory: drop the connection rather than send half */
	}
	buf = jw_detach(w, &len);
	return send_buf(r, status, ctype, buf, len, hname, hvalue);
}

enum MHD_Result reply_json(struct req *r, int status, const char *ctype, struct jw *w)
{
	return send_jw(r, status, ctype ? ctype : CT_FHIR, w, NULL, NULL);
}

enum MHD_Result reply_text(struct req *r, int status, const char *ctype, const char *text)
{
	size_t len = strlen(text);
	char *buf = malloc(len + 1);

	if (!buf)
		return MHD_NO;
	memcpy(buf, text, len + 1);
	return send_buf(r, status, ctype, buf, len, NULL, NULL);
}

enum MHD_Result reply_with_header(struct req *r, int status, const char *code, const char *diag,
                                  const char *hname, const char *hvalue)
{
	struct jw w;

	jw_init(&w, 256);
	fhir_outcome(&w, issue_severity(status), code, diag);
	return send_jw(r, status, CT_FHIR, &w, hname, hvalue);
}

enum MHD_Result reply_outcome(struct req *r, int status, const char *code, const char *diag)
{
	return reply_with_header(r, status, code, diag, NULL, NULL);
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
	char ra[24];

	snprintf(ra, sizeof(ra), "%" PRId64, retry_after > 0 ? retry_after : 1);
	return reply_with_header(r, MHD_HTTP_TOO_MANY_REQUESTS, "throttled", diag,
	                         MHD_HTTP_HEADER_RETRY_AFTER, ra);
}

/* ---- journaled replies (write-ahead) ---------------------------------------- */

static const char JOURNAL_DOWN[] = "the access journal is unavailable; nothing was disclosed";

/* Replace a prepared reply by a 503 (the journal failed): nothing prepared is sent. */
static void replace_by_503(struct req *r)
{
	if (r->pend_buf)
		sodium_memzero(r->pend_buf, r->pend_len);
	free(r->pend_buf);
	r->pend_buf = NULL;
	r->pend_ready = 0;
	r->journaled = 0;
	r->xh_name = NULL;
	r->deferred = 1;
	(void)reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient", JOURNAL_DOWN);
}

/* On the journal's writer thread: the entry is durable (or failed); let the reply go. */
static void journal_done(void *arg, int rc, uint64_t index)
{
	struct req *r = arg;
	struct vigie *v = r->v;

	if (rc == 0) {
		r->journaled = 1;
		r->journal_index = index;
	} else {
		atomic_fetch_add_explicit(&v->metrics.access_errors, 1, memory_order_relaxed);
		replace_by_503(r);
	}
	MHD_resume_connection(r->conn);
	atomic_fetch_sub(&v->journal_waiting, 1);
}

/* --journal-nowait (benchmarks only): the entry is appended, the answer does not wait. */
static void nowait_done(void *arg, int rc, uint64_t index)
{
	(void)rc;
	(void)index;
	free(arg);
}

static enum MHD_Result reply_unjournaled(struct req *r, const struct access_rec *a)
{
	struct access_pending *p = malloc(sizeof(*p));

	if (!p || access_log_submit(r->v->access, p, a, nowait_done, p) != 0) {
		free(p);
		replace_by_503(r);
	}
	return reply_flush(r);
}

enum MHD_Result reply_journaled(struct req *r, const struct access_rec *a, int status,
                                struct jw *w, const char *code, const char *diag)
{
	struct vigie *v = r->v;
	int rc;

	r->deferred = 1; /* prepare, do not queue */
	if (w)
		(void)reply_json(r, status, NULL, w);
	else
		(void)reply_outcome(r, status, code, diag);
	if (!r->pend_ready)
		return MHD_NO; /* out of memory preparing it */
	if (v->cfg.journal_nowait)
		return reply_unjournaled(r, a);
	atomic_fetch_add(&v->journal_waiting, 1);
	if (atomic_load(&v->stopping) || !(r->jp = malloc(sizeof(*r->jp)))) {
		atomic_fetch_sub(&v->journal_waiting, 1);
		replace_by_503(r);
		return reply_flush(r);
	}
	/* Suspend first: the journal may answer before access_log_submit returns. */
	MHD_suspend_connection(r->conn);
	rc = access_log_submit(v->access, r->jp, a, journal_done, r);
	if (rc != 0) {
		log_event(LOG_ERROR, "journal.append_refused", LS("error", vg_strerror(rc)));
		atomic_fetch_add_explicit(&v->metrics.access_errors, 1, memory_order_relaxed);
		replace_by_503(r);
		MHD_resume_connection(r->conn);
		atomic_fetch_sub(&v->journal_waiting, 1);
	}
	return MHD_YES; /* the reply is queued by reply_flush when the connection resumes */
}
