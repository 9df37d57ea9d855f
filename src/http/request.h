/*
 * request.h - one HTTP request (struct req) and what handlers ask of it.
 *
 * Invariants:
 *  (a) r->now_ms is the service clock read once, when the headers arrived;
 *      every decision of the request uses it, none reads a clock;
 *  (b) r->arena holds the request's buffers (rows read from the store,
 *      header values, lists): wiped and freed when the request ends, so no
 *      request leaves personal data in a static or thread-local buffer;
 *  (c) r->who is set once, by an auth_* check, and read after;
 *  (d) the reply is r->reply (http/reply.h), sent once.
 * A request belongs to one thread at a time: its event thread, or a worker
 * while its connection is suspended (reply.h).
 *
 * Lifecycle: server.c allocates it on the first call for a connection's
 * request, and frees it (arena released, reply freed) when libmicrohttpd
 * reports the request complete.
 */
#ifndef VIGIE_HTTP_REQUEST_H
#define VIGIE_HTTP_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

#include "core/arena.h"
#include "core/hours.h"
#include "http/reply.h"
#include "http/routes.h"

#define REQ_ARENA_FIRST 4096       /* bytes of arena inside struct req */
#define REQ_ARENA_LIMIT (4u << 20) /* per request, in all */

struct vigie;
struct http_server;

/* Who is asking (after an auth_* check). */
struct req_who {
	int64_t id;          /* professional (or insured account) id; 0 if none */
	char rpps[12];       /* the professional's RPPS */
	int kind;            /* enum pro_kind */
	int role;            /* enum pro_role */
	char dept[4];        /* the practice's department */
	int hours_set;       /* 0: the profession's usual hours */
	struct hours hours;  /* the practice's opening hours and rota */
	char session_ip[46]; /* the address the bearer token was issued to */
};

struct req {
	struct http_server *srv;
	struct vigie *v;
	struct MHD_Connection *conn;
	const char *method; /* borrowed from libmicrohttpd for the request's life */
	const char *url;
	const struct route *route;
	char ip[46];
	int64_t t0_ns;  /* monotonic start */
	int64_t now_ms; /* the service clock when the request arrived: its one "now" */
	char *body;     /* in the arena, NUL-terminated, at most body_max bytes */
	size_t body_len, body_cap;
	int too_big;         /* the body went over body_max */
	const char *refusal; /* set on the first call: why the request is refused */
	int refusal_status;
	struct req_who who;
	struct reply reply;
	void (*work)(struct req *r); /* what a login worker runs (reply_on_worker) */
	struct arena arena;
	_Alignas(16) unsigned char arena_first[REQ_ARENA_FIRST];
};

/* n zeroed bytes from the request's arena, or NULL (over REQ_ARENA_LIMIT, out of memory). */
void *req_alloc(struct req *r, size_t n);
/* A copy of s in the arena (NULL when it does not fit). */
char *req_strdup(struct req *r, const char *s);

/* The value of a request header, or NULL. */
const char *req_header(struct req *r, const char *name);
/* 1 if the Content-Type is JSON (application/json or application/fhir+json). */
int req_is_json(struct req *r);
/* Query parameter name as a decimal of at most 18 digits and at most max: 0 (*out set
 * when present, untouched when absent), or -1 (not digits, or over max). */
int req_query_num(struct req *r, const char *name, int64_t max, int64_t *out);
/* The token of "Authorization: Bearer <token>" (*len set), or NULL. */
const char *req_bearer(struct req *r, size_t *len);

#endif
