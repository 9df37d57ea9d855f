/*
 * reply.h - every response vigie sends, through one explicit object per
 * request (struct reply, in struct req): prepared first, then sent exactly
 * once, by the event thread that owns the connection.
 *
 * States (reply.state), and who moves them:
 *   REPLY_NONE      nothing prepared; a handler prepares (reply_prepare_*)
 *   REPLY_READY     prepared, not sent: reply_send queues it (event thread)
 *   REPLY_WORKER    a worker owns the request and prepares it; the
 *                   connection is suspended; reply_worker_done (the worker)
 *                   makes it READY and resumes the connection
 *   REPLY_JOURNAL   prepared, waiting for its access record to be durable;
 *                   the connection is suspended. The journal's thread writes
 *                   only reply.journal (rc and index, then done) and resumes
 *                   the connection; the event thread then sends the reply,
 *                   with Vigie-Journal-Entry, or a 503 in its place (nothing
 *                   prepared leaves when the journal cannot take it)
 *   REPLY_SENT      queued to libmicrohttpd
 * A request in WORKER or JOURNAL state is touched by no one else until its
 * connection resumes (server.c calls reply_resume).
 *
 * Every response carries Cache-Control (no-store unless set), nosniff, and
 * the reply's extra headers. Handlers return what reply_send returns.
 */
#ifndef VIGIE_HTTP_REPLY_H
#define VIGIE_HTTP_REPLY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

#include "core/access.h"
#include "core/jw.h"
#include "node/access.h"
#include "store/store.h"

#define REPLY_HEADERS_MAX 4

enum reply_state { REPLY_NONE = 0, REPLY_READY, REPLY_WORKER, REPLY_JOURNAL, REPLY_SENT };

struct reply_header {
	const char *name;  /* static */
	const char *value; /* in the request's arena, or static */
};

struct reply {
	enum reply_state state;
	int status;
	const char *ctype, *cache; /* static */
	char *body;                /* malloc'd; handed to libmicrohttpd on send */
	size_t len;
	struct reply_header h[REPLY_HEADERS_MAX];
	unsigned nh;
	int close_after;                  /* Connection: close (framing we will not trust) */
	struct {                          /* REPLY_JOURNAL: written by the journal's thread */
		struct access_pending *p; /* the record in flight, in the request's arena */
		_Atomic int done;
		int rc;
		uint64_t index;
	} journal;
	int journaled; /* sent with Vigie-Journal-Entry: journal.index */
};

struct req;

/* ---- preparing (the thread that owns the request) ---- */

/* A JSON body (w is finished and taken); ctype NULL: application/fhir+json. */
void reply_prepare_json(struct req *r, int status, const char *ctype, struct jw *w);
/* Bytes, copied. */
void reply_prepare_bytes(struct req *r, int status, const char *ctype, const void *data,
                         size_t len);
/* An OperationOutcome (application/fhir+json) with one issue. */
void reply_prepare_outcome(struct req *r, int status, const char *code, const char *diag);
/* One more header (name static; value copied into the request's arena). */
void reply_add_header(struct req *r, const char *name, const char *value);

/* ---- sending (the event thread) ---- */

/* Queue the prepared reply. MHD_NO when nothing could be prepared (out of memory). */
enum MHD_Result reply_send(struct req *r);
/* Prepare and send, for the common cases. */
enum MHD_Result reply_json(struct req *r, int status, const char *ctype, struct jw *w);
enum MHD_Result reply_text(struct req *r, int status, const char *ctype, const char *text);
enum MHD_Result reply_outcome(struct req *r, int status, const char *code, const char *diag);
enum MHD_Result reply_with_header(struct req *r, int status, const char *code, const char *diag,
                                  const char *hname, const char *hvalue);
/* 401 with WWW-Authenticate: Bearer (error="invalid_token" when a token was sent). */
enum MHD_Result reply_unauthorized(struct req *r, int token_sent);
/* 429 with Retry-After. */
enum MHD_Result reply_throttled(struct req *r, int64_t retry_after, const char *diag);
void reply_prepare_throttled(struct req *r, int64_t retry_after, const char *diag);

/*
 * Send the prepared reply only once access record a is durable in the
 * journal (write-ahead): the connection is suspended meanwhile (state
 * REPLY_JOURNAL). If the journal cannot take it, a 503 OperationOutcome
 * replaces it and nothing prepared is sent. a is copied.
 */
enum MHD_Result reply_after_journal(struct req *r, const struct access_rec *a);

/* ---- workers ---- */

/*
 * Run work(r) on the node's login workers of kind (node.h: login_workers;
 * SESSION_PRO for professional logins, SESSION_INSURED for insured logins and
 * account work) with the connection suspended (state REPLY_WORKER); work
 * prepares the reply and calls reply_worker_done. 429 when that kind's queue
 * is full: a flood of one kind never fills the other's.
 */
enum MHD_Result reply_on_worker(struct req *r, enum session_kind kind, void (*work)(struct req *r));
/* The same on the operators' pool (node.h: slow), for incidents: logins never wait behind them. */
enum MHD_Result reply_on_slow(struct req *r, void (*work)(struct req *r));
/* On the worker: the prepared reply is ready; resume the connection. */
void reply_worker_done(struct req *r);

/* server.c, when a suspended connection resumes: send what is ready (or the 503). */
enum MHD_Result reply_resume(struct req *r);

/* Free a reply never sent (the request ended first). */
void reply_release(struct reply *rep);

#endif
