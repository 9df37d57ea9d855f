/*
 * server.c - libmicrohttpd glue: daemon settings and the request life cycle.
 *
 * Settings follow ../shared/notes/http-libmicrohttpd.md: epoll threads (one
 * per core), an explicit loopback bind, strict parsing, explicit connection
 * and memory limits. The handler answers on its second call so keep-alive
 * survives, buffers bodies up to cfg.body_max, and refuses requests framed
 * by both Content-Length and Transfer-Encoding (request smuggling).
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "http/request.h"
#include "node/node.h"
#include "sys/log.h"
#include "core/banned.h"

void http_cfg_defaults(struct http_cfg *c)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(c, 0, sizeof(*c));
	memcpy(c->host, "127.0.0.1", 10);
	c->port = 8080;
	c->threads = cores > 0 && cores < 64 ? (unsigned)cores : 2;
	c->conn_limit = 4096;
	c->per_ip_limit = 256; /* one address cannot take all 4096 slots */
	c->conn_timeout = 15;
	c->deadline = 20;
	c->body_max = 64 * 1024;
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static enum MHD_Result dispatch(struct req *r)
{
	int method_ok;
	const char *allow;

	r->route = routes_find(r->method, r->url, &method_ok, &allow);
	if (r->route == &ROUTE_NOT_FOUND)
		return reply_outcome(r, MHD_HTTP_NOT_FOUND, "not-found", "no such endpoint");
	if (!method_ok)
		return reply_with_header(r, MHD_HTTP_METHOD_NOT_ALLOWED, "not-supported",
		                         "method not allowed on this endpoint",
		                         MHD_HTTP_HEADER_ALLOW, allow);
	return r->route->handler(r);
}

/* A socket address as a netaddr: 0, or -1 (not IP). */
static int sockaddr_net(const struct sockaddr *sa, struct netaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (sa && sa->sa_family == AF_INET)
		netaddr_from_bytes(0, (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr,
		                   out);
	else if (sa && sa->sa_family == AF_INET6)
		netaddr_from_bytes(
		        1, (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr, out);
	else
		return -1;
	return 0;
}

static int peer_of(struct MHD_Connection *c, struct netaddr *out)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	return sockaddr_net(ci ? ci->client_addr : NULL, out);
}

#define XFF_LINES_MAX 8

struct xff_scan {
	const char *v[XFF_LINES_MAX];
	size_t n;
	int over;
};

static enum MHD_Result scan_xff(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
	struct xff_scan *x = cls;

	(void)kind;
	if (strcasecmp(key, "X-Forwarded-For") == 0) {
		if (x->n < XFF_LINES_MAX)
			x->v[x->n++] = value ? value : "";
		else
			x->over = 1;
	}
	return MHD_YES;
}

/*
 * The request's client, in r->ip: the TCP peer, or behind a trusted proxy
 * the nearest untrusted hop of X-Forwarded-For (core/netaddr.h). A trusted
 * proxy's header that cannot be read refuses the request (400): guessing
 * would put every such client on the proxy's address.
 */
static void client_ip(struct req *r)
{
	const struct http_cfg *cfg = &r->srv->cfg;
	struct netaddr peer, client;
	struct xff_scan x = { 0 };

	memcpy(r->ip, "unknown", 8);
	if (peer_of(r->conn, &peer) != 0)
		return;
	netaddr_format(&peer, r->ip);
	if (!cfg->ntrusted || !netaddr_in_any(&peer, cfg->trusted, cfg->ntrusted))
		return;
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, scan_xff, &x);
	if (x.over ||
	    netaddr_forwarded(x.v, x.n, cfg->trusted, cfg->ntrusted, &peer, &client) != 0) {
		r->refusal = "X-Forwarded-For from a trusted proxy cannot be read";
		r->refusal_status = MHD_HTTP_BAD_REQUEST;
		r->reply.close_after = 1;
		return;
	}
	netaddr_format(&client, r->ip);
}

/*
 * Open connections per untrusted peer, when trusted proxies are set (then
 * libmicrohttpd's own per-address cap would cap the proxy, that is everyone):
 * the accept policy refuses a peer at per_ip_limit; trusted peers only count
 * against conn_limit. A small table under a lock: connections, not requests.
 */
struct peer_counts {
	pthread_mutex_t lock;
	size_t n, cap;
	struct peer_count {
		struct netaddr a;
		unsigned open;
	} e[];
};

static struct peer_count *peer_find(struct peer_counts *pc, const struct netaddr *a)
{
	for (size_t i = 0; i < pc->n; i++)
		if (pc->e[i].a.family == a->family && memcmp(pc->e[i].a.a, a->a, 16) == 0)
			return &pc->e[i];
	return NULL;
}

static enum MHD_Result accept_peer(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct http_server *s = cls;
	struct peer_count *e;
	struct netaddr a;
	enum MHD_Result ok;

	(void)len;
	if (sockaddr_net(sa, &a) != 0 || netaddr_in_any(&a, s->cfg.trusted, s->cfg.ntrusted))
		return MHD_YES;
	pthread_mutex_lock(&s->peers->lock);
	e = peer_find(s->peers, &a);
	ok = (!e || e->open < s->cfg.per_ip_limit) && (e || s->peers->n < s->peers->cap) ? MHD_YES
	                                                                                 : MHD_NO;
	pthread_mutex_unlock(&s->peers->lock);
	return ok;
}

/*
 * Absolute deadlines. Each open connection has a slot: its socket and the
 * monotonic time (0: none) by which what it is sending must have arrived.
 * The sweeper thread shuts the socket of a connection past its deadline
 * (shutdown, not close: libmicrohttpd still owns the descriptor, sees the
 * end and closes it). Slots are taken and given back under the lock (per
 * connection); a deadline is moved with an atomic store (per request).
 */
struct deadline {
	_Atomic int64_t at_ns;
	int fd;
	int counted; /* counted in peer_counts */
};

struct deadlines {
	pthread_mutex_t lock;
	pthread_t sweeper;
	_Atomic int stop;
	size_t cap, nfree;
	size_t *free; /* indices of free slots */
	struct deadline d[];
};

static void deadline_set(struct MHD_Connection *c, int64_t at_ns)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct deadline *d = ci ? ci->socket_context : NULL;

	if (d)
		atomic_store_explicit(&d->at_ns, at_ns, memory_order_relaxed);
}

static void *sweep(void *arg)
{
	struct http_server *s = arg;
	struct deadlines *dl = s->deadlines;

	while (!atomic_load(&dl->stop)) {
		struct timespec pause = { 0, 250 * 1000000 };
		int64_t now = mono_ns();

		nanosleep(&pause, NULL);
		pthread_mutex_lock(&dl->lock);
		for (size_t i = 0; i < dl->cap; i++) {
			int64_t at = atomic_load_explicit(&dl->d[i].at_ns, memory_order_relaxed);

			if (dl->d[i].fd >= 0 && at > 0 && at < now) {
				atomic_store_explicit(&dl->d[i].at_ns, 0, memory_order_relaxed);
				shutdown(dl->d[i].fd, SHUT_RDWR);
				atomic_fetch_add(&s->v->metrics.http_deadlines, 1);
			}
		}
		pthread_mutex_unlock(&dl->lock);
	}
	return NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;
	struct deadlines *dl = s->deadlines;
	struct deadline *d = NULL;
	struct peer_count *e;
	struct netaddr a;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

		pthread_mutex_lock(&dl->lock);
		if (dl->nfree > 0 && ci) {
			d = &dl->d[dl->free[--dl->nfree]];
			d->fd = ci->connect_fd;
			d->counted = 0;
			atomic_store_explicit(&d->at_ns,
			                      mono_ns() + (int64_t)s->cfg.deadline * 1000000000,
			                      memory_order_relaxed);
		}
		pthread_mutex_unlock(&dl->lock);
		*socket_ctx = d;
		if (!d || !s->peers || peer_of(c, &a) != 0 ||
		    netaddr_in_any(&a, s->cfg.trusted, s->cfg.ntrusted))
			return;
		pthread_mutex_lock(&s->peers->lock);
		e = peer_find(s->peers, &a);
		if (!e && s->peers->n < s->peers->cap) {
			e = &s->peers->e[s->peers->n++];
			e->a = a;
			e->open = 0;
		}
		if (e) {
			e->open++;
			d->counted = 1;
		}
		pthread_mutex_unlock(&s->peers->lock);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED && (d = *socket_ctx) != NULL) {
		*socket_ctx = NULL;
		if (d->counted && peer_of(c, &a) == 0) {
			pthread_mutex_lock(&s->peers->lock);
			e = peer_find(s->peers, &a);
			if (e && --e->open == 0)
				*e = s->peers->e[--s->peers->n]; /* swap-remove */
			pthread_mutex_unlock(&s->peers->lock);
		}
		pthread_mutex_lock(&dl->lock);
		d->fd = -1;
		atomic_store_explicit(&d->at_ns, 0, memory_order_relaxed);
		dl->free[dl->nfree++] = (size_t)(d - dl->d);
		pthread_mutex_unlock(&dl->lock);
	}
}

static int deadlines_start(struct http_server *s)
{
	size_t cap = s->cfg.conn_limit + 64; /* the daemon may briefly hold a few more */
	struct deadlines *dl = calloc(1, sizeof(*dl) + cap * sizeof(dl->d[0]));

	if (!dl || !(dl->free = calloc(cap, sizeof(dl->free[0])))) {
		free(dl);
		return VG_ENOMEM;
	}
	dl->cap = cap;
	for (size_t i = 0; i < cap; i++) {
		dl->d[i].fd = -1;
		dl->free[dl->nfree++] = cap - 1 - i;
	}
	pthread_mutex_init(&dl->lock, NULL);
	s->deadlines = dl;
	if (pthread_create(&dl->sweeper, NULL, sweep, s) != 0) {
		pthread_mutex_destroy(&dl->lock);
		free(dl->free);
		free(dl);
		s->deadlines = NULL;
		return VG_EIO;
	}
	return 0;
}

static void deadlines_stop(struct http_server *s)
{
	struct deadlines *dl = s->deadlines;

	if (!dl)
		return;
	atomic_store(&dl->stop, 1);
	pthread_join(dl->sweeper, NULL);
	pthread_mutex_destroy(&dl->lock);
	free(dl->free);
	free(dl);
	s->deadlines = NULL;
}

struct header_scan {
	int hosts, lengths, encodings, bad_encoding;
	uint64_t length;
	int bad_length, bad_name, bad_value;
};

/* RFC 9110 §5.6.2: a field name is a token. */
static int is_token(const char *s, size_t n)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c && strchr(extra, c))))
			return 0;
	}
	return 1;
}

/*
 * RFC 9110 §5.5: no NUL, CR, LF or other control byte in a value (HTAB is
 * allowed). A NUL never reaches this check: libmicrohttpd 0.9.75 cuts the
 * value there (the rest of the line is dropped, not refused).
 */
static int is_field_value(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
	struct header_scan *h = cls;

	(void)kind;
	/*
	 * libmicrohttpd keeps a name with a space in it ("Transfer-Encoding :")
	 * and a value cut at a NUL or holding a lone CR: a proxy in front may
	 * read either differently, so both are refused.
	 */
	if (!is_token(key, key_size))
		h->bad_name = 1;
	if (value && !is_field_value(value, value_size))
		h->bad_value = 1;
	if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0) {
		h->hosts++;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		/* Only plain "chunked": lists and other codings are how TE.TE smuggling starts. */
		h->encodings++;
		if (!value || strcasecmp(value, "chunked") != 0)
			h->bad_encoding = 1;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		char *end = NULL;

		h->lengths++;
		h->length = value ? strtoull(value, &end, 10) : 0;
		if (!value || !*value || *end || *value == '-')
			h->bad_length = 1;
	}
	return MHD_YES;
}

/*
 * The headers alone decide some refusals, before any body is read: framing a
 * proxy could read differently (smuggling), several Host headers, a declared
 * body over the limit. Such connections are closed after the answer.
 */
static void check_headers(struct req *r)
{
	struct header_scan h = { 0 };

	MHD_get_connection_values_n(r->conn, MHD_HEADER_KIND, scan_header, &h);
	if (h.bad_name || h.bad_value) {
		r->refusal = h.bad_name ? "a header name that is not a token is refused"
		                        : "a header value with a control character is refused";
		r->refusal_status = MHD_HTTP_BAD_REQUEST;
	} else if (h.lengths && h.encodings) {
		r->refusal = "Content-Length and Transfer-Encoding together are refused";
		r->refusal_status = MHD_HTTP_BAD_REQUEST;
	} else if (h.bad_encoding || h.encodings > 1) {
		r->refusal = "Transfer-Encoding other than a single \"chunked\" is refused";
		r->refusal_status = MHD_HTTP_BAD_REQUEST;
	} else if (h.hosts > 1 || h.lengths > 1 || h.bad_length) {
		r->refusal = h.hosts > 1 ? "several Host headers" : "malformed Content-Length";
		r->refusal_status = MHD_HTTP_BAD_REQUEST;
	} else if (h.lengths && h.length > r->srv->cfg.body_max) {
		r->refusal = "request body is too large";
		r->refusal_status = MHD_HTTP_CONTENT_TOO_LARGE;
	}
	if (r->refusal)
		r->reply.close_after = 1;
}

static struct req *req_new(struct http_server *s, struct MHD_Connection *conn, const char *url,
                           const char *method)
{
	struct req *r = malloc(sizeof(*r));

	if (!r)
		return NULL;
	/* The arena's first chunk is zeroed by the arena as it is handed out: not here. */
	memset(r, 0, offsetof(struct req, arena_first));
	r->srv = s;
	r->v = s->v;
	r->conn = conn;
	r->method = method;
	r->url = url;
	r->route = &ROUTE_NONE;
	r->t0_ns = mono_ns();
	r->now_ms = vigie_now_ms(s->v);
	arena_init(&r->arena, r->arena_first, sizeof(r->arena_first), REQ_ARENA_LIMIT);
	return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
	struct http_server *s = cls;
	struct req *r = *req_cls;

	(void)version;
	if (!r) {
		/* First call: headers only. Answering now costs keep-alive, so only refusals do. */
		r = req_new(s, conn, url, method);
		if (!r)
			return MHD_NO;
		*req_cls = r;
		/* The headers are in: the body (if any) has `deadline` from now. */
		deadline_set(conn, r->t0_ns + (int64_t)s->cfg.deadline * 1000000000);
		client_ip(r);
		check_headers(r);
		if (r->refusal)
			return reply_outcome(r, r->refusal_status,
			                     r->refusal_status == MHD_HTTP_CONTENT_TOO_LARGE
			                             ? "too-long"
			                             : "invalid",
			                     r->refusal);
		return MHD_YES;
	}
	if (r->reply.state == REPLY_READY || r->reply.state == REPLY_JOURNAL)
		return reply_resume(r); /* a worker or the journal let the connection go */
	if (r->reply.state == REPLY_SENT) {
		*upload_size = 0; /* discard the rest of a refused body */
		return MHD_YES;
	}
	if (*upload_size > 0) {
		size_t n = *upload_size;

		*upload_size = 0;
		/* A chunked body over the limit: discard it, answer 413 at its end. */
		if (r->too_big || r->body_len + n > s->cfg.body_max) {
			r->too_big = 1;
			return MHD_YES;
		}
		if (r->body_len + n + 1 > r->body_cap) {
			/* Grow by doubling, up to the limit: most bodies are a few hundred bytes. */
			size_t cap = r->body_cap ? r->body_cap * 2 : 1024;
			char *b;

			while (cap < r->body_len + n + 1)
				cap *= 2;
			if (cap > s->cfg.body_max + 1)
				cap = s->cfg.body_max + 1;
			b = req_alloc(r, cap);
			if (!b)
				return MHD_NO;
			if (r->body_len)
				memcpy(b, r->body, r->body_len);
			r->body = b;
			r->body_cap = cap;
		}
		memcpy(r->body + r->body_len, upload, n);
		r->body_len += n;
		r->body[r->body_len] = '\0';
		return MHD_YES;
	}
	deadline_set(conn, 0); /* the request is in; answering it is the server's time */
	if (r->too_big) {
		r->reply.close_after = 1;
		return reply_outcome(r, MHD_HTTP_CONTENT_TOO_LARGE, "too-long",
		                     "request body is too large");
	}
	return dispatch(r);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 3986 unreserved: never needs an escape, so an escaped one is a second spelling. */
static int unreserved(int b)
{
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
	       b == '-' || b == '.' || b == '_' || b == '~';
}

/*
 * Percent-decoding (libmicrohttpd calls this for the path and for each
 * query key and value), stricter than the library's own. The path, the one
 * string that starts with '/', is left exactly as sent when an escape in it
 * decodes to a control byte (%00), to '/' or to a character that needs no
 * escape (%61 for 'a'): it then routes nowhere (404), so no second spelling
 * of a path reaches an endpoint that a proxy's rule on the plain spelling
 * guards, and no NUL cuts it short. In keys and values, an escaped control
 * byte stays escaped (the parsers then refuse it whole). Never lengthens.
 */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	int path = s[0] == '/';
	size_t i = 0, o = 0;

	(void)cls;
	(void)c;
	if (path)
		for (size_t k = 0; s[k]; k++) {
			int hi, lo, b;

			if (s[k] != '%' || (hi = hexval(s[k + 1])) < 0 ||
			    (lo = hexval(s[k + 2])) < 0)
				continue;
			b = hi * 16 + lo;
			if (b < 0x20 || b == 0x7f || b == '/' || unreserved(b))
				return strlen(s); /* as sent */
		}
	while (s[i]) {
		int hi, lo, b;

		if (s[i] == '%' && (hi = hexval(s[i + 1])) >= 0 && (lo = hexval(s[i + 2])) >= 0 &&
		    (b = hi * 16 + lo) >= 0x20 && b != 0x7f) {
			s[o++] = (char)b;
			i += 3;
		} else {
			s[o++] = s[i++];
		}
	}
	s[o] = '\0';
	return o;
}

/* The summary of libmicrohttpd's messages not written in a second. */
static void library_log_summary(uint64_t suppressed, int64_t second)
{
	if (suppressed)
		log_event(LOG_WARN, "http.library_suppressed", LI("suppressed", suppressed),
		          LI("second", second));
}

/*
 * libmicrohttpd's own messages, as log lines like every other. Each malformed
 * request makes one or two, so a client could write the log at its own rate:
 * at most HTTP_LIBRARY_LOG_PER_S a second are written, then one line says
 * how many were not (issue 12, item 8).
 */
static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_server *s = cls;
	uint64_t suppressed;
	int64_t second;
	char msg[256];
	size_t n;
	int ok;

	ok = log_burst_take(&s->library_log, vigie_now_ms(s->v), &suppressed, &second);
	library_log_summary(suppressed, second);
	if (!ok)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	log_event(LOG_WARN, "http.library", LS("message", msg));
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct req *r = *req_cls;
	int status;
	int64_t dur;

	/* The next request's headers, on this kept-alive connection, have `deadline` from now. */
	deadline_set(conn, mono_ns() + (int64_t)s->cfg.deadline * 1000000000);
	if (!r)
		return;
	dur = mono_ns() - r->t0_ns;
	status = r->reply.state == REPLY_SENT ? r->reply.status : 0;
	metrics_request(&s->v->metrics, (int)routes_index(r->route), status, dur);
	if (log_enabled(LOG_DEBUG))
		log_event(LOG_DEBUG, "http.request", LS("method", r->method),
		          LS("route", r->route->name), LI("status", status), LI("us", dur / 1000),
		          LI("pro", r->who.id), LI("term", toe));
	reply_release(&r->reply);
	arena_release(&r->arena);
	sodium_memzero(&r->who, sizeof(r->who));
	free(r);
	*req_cls = NULL;
}

static void free_peers(struct http_server *s)
{
	if (!s->peers)
		return;
	pthread_mutex_destroy(&s->peers->lock);
	free(s->peers);
	s->peers = NULL;
}

/* A listening socket on cfg.host:cfg.port, so the bound port is known before serving. */
static int listen_on(const struct http_cfg *c, uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(c->port) };
	socklen_t len = sizeof(sa);
	int fd, one = 1;

	if (inet_pton(AF_INET, c->host, &sa.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1024) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

int http_start(struct http_server *s, struct vigie *v, const struct http_cfg *cfg)
{
	int fd, n;

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->v = v;
	fd = listen_on(&s->cfg, &s->bound_port);
	if (fd < 0) {
		log_event(LOG_ERROR, "serve.cannot_listen", LS("host", s->cfg.host),
		          LI("port", s->cfg.port));
		return VG_EIO;
	}
	/* Everything the request threads read is set before they start. */
	if (!s->cfg.base_url[0]) {
		n = snprintf(s->cfg.base_url, sizeof(s->cfg.base_url), "http://%s:%u/fhir",
		             s->cfg.host, s->bound_port);
		if (n < 0 || (size_t)n >= sizeof(s->cfg.base_url)) {
			close(fd);
			return VG_ETOOBIG;
		}
	}
	if (s->cfg.ntrusted) {
		s->peers =
		        calloc(1, sizeof(*s->peers) + s->cfg.conn_limit * sizeof(s->peers->e[0]));
		if (!s->peers) {
			close(fd);
			return VG_ENOMEM;
		}
		s->peers->cap = s->cfg.conn_limit;
		pthread_mutex_init(&s->peers->lock, NULL);
	}
	log_burst_init(&s->library_log, HTTP_LIBRARY_LOG_PER_S);
	if (deadlines_start(s) != 0) {
		close(fd);
		free_peers(s);
		log_burst_release(&s->library_log);
		return VG_ENOMEM;
	}
	s->daemon = MHD_start_daemon(
	        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0,
	        s->peers ? accept_peer : NULL, s, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
	        mhd_log, s, /* first, so every message goes through it */
	        MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE,
	        (unsigned int)s->cfg.threads, MHD_OPTION_CONNECTION_LIMIT,
	        (unsigned int)s->cfg.conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	        (unsigned int)(s->peers ? 0 : s->cfg.per_ip_limit), MHD_OPTION_CONNECTION_TIMEOUT,
	        (unsigned int)s->cfg.conn_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	        (size_t)(32 * 1024), MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	        MHD_OPTION_UNESCAPE_CALLBACK, unescape, s, MHD_OPTION_NOTIFY_COMPLETED,
	        on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_END);
	if (!s->daemon) {
		close(fd);
		deadlines_stop(s);
		free_peers(s);
		log_burst_release(&s->library_log);
		return VG_EIO;
	}
	return 0;
}

void http_stop(struct http_server *s)
{
	MHD_socket fd;

	if (!s->daemon)
		return;
	fd = MHD_quiesce_daemon(s->daemon); /* stop accepting first */
	/* Finish queued logins: each resumes its connection, which must not stay suspended. */
	vigie_drain(s->v);
	/*
	 * Likewise replies waiting for the journal: refuse new ones (503), let the
	 * journal answer those in flight, and only then stop the daemon.
	 */
	atomic_store(&s->stopping, 1);
	while (atomic_load(&s->journal_waiting) > 0) {
		struct timespec ms = { 0, 1000000 };

		nanosleep(&ms, NULL);
	}
	MHD_stop_daemon(s->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd); /* ours: MHD does not close a quiesced listening socket */
	s->daemon = NULL;
	deadlines_stop(s);
	free_peers(s);
	{
		uint64_t suppressed;
		int64_t second;

		log_burst_flush(&s->library_log, &suppressed, &second);
		library_log_summary(suppressed, second);
		log_burst_release(&s->library_log);
	}
}
