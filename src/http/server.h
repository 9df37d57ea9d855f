/*
 * server.h - the HTTP shell around a node (node/node.h): libmicrohttpd's
 * daemon, its settings, and the life cycle of each request. Everything HTTP
 * is in http/; everything else the requests need is the node's.
 *
 * Threads: libmicrohttpd runs cfg.threads epoll threads; each request runs
 * on one of them with its own struct req (http/request.h), and on a login
 * worker while a slow check runs. The server's fields are set before the
 * threads start, except the two atomics.
 */
#ifndef VIGIE_HTTP_SERVER_H
#define VIGIE_HTTP_SERVER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

#include "core/err.h"
#include "core/netaddr.h"
#include "sys/log.h"

#define HTTP_TRUSTED_MAX       16 /* --trusted-proxy networks */
/* libmicrohttpd's messages (one or two per malformed request) written a second; the rest counted. */
#define HTTP_LIBRARY_LOG_PER_S 10

struct vigie;

struct http_cfg {
	char host[64];         /* listen address, default 127.0.0.1 */
	uint16_t port;         /* 0 picks a free port */
	char base_url[256];    /* public FHIR base; "": http://host:port/fhir */
	unsigned threads;      /* epoll threads (default: cores) */
	unsigned conn_limit;   /* open connections in all */
	unsigned per_ip_limit; /* open connections per client address */
	unsigned conn_timeout; /* seconds of silence before a connection is closed */
	/*
	 * Absolute deadlines (seconds), however the client trickles: a request's
	 * headers must have arrived within `deadline` of the connection's start or
	 * of the previous answer on it, and its body within `deadline` of its
	 * headers; past it the connection is shut.
	 */
	unsigned deadline;
	size_t body_max; /* bytes of request body accepted */
	/*
	 * Proxies whose X-Forwarded-For is believed (core/netaddr.h): from these
	 * peers the client is the nearest untrusted hop of the header, and every
	 * address-keyed defence (login throttles, the guard, activity) sees it.
	 * They are exempt from per_ip_limit, which still holds for other peers.
	 */
	struct netaddr trusted[HTTP_TRUSTED_MAX];
	size_t ntrusted;
};

/* Defaults for every field. */
void http_cfg_defaults(struct http_cfg *c);

struct http_server {
	struct http_cfg cfg;
	struct vigie *v; /* borrowed */
	struct MHD_Daemon *daemon;
	uint16_t bound_port;
	_Atomic int stopping;         /* no new journaled replies: shutting down */
	_Atomic long journal_waiting; /* connections suspended until their entry is durable */
	struct peer_counts *peers;   /* open connections per untrusted peer, with trusted proxies */
	struct deadlines *deadlines; /* every connection's absolute deadline, and their sweeper */
	struct log_burst
	        library_log; /* libmicrohttpd's messages: HTTP_LIBRARY_LOG_PER_S a second */
};

/*
 * Bind cfg->host:cfg->port (0: a free port, then in s->bound_port), set the
 * FHIR base, start the threads serving node v (which must outlive the
 * server). Returns 0, VG_EIO or VG_ETOOBIG.
 */
VG_MUST_USE int http_start(struct http_server *s, struct vigie *v, const struct http_cfg *cfg);
/* Stop accepting, finish requests in flight (logins, journal waits), stop the threads. */
void http_stop(struct http_server *s);

#endif
