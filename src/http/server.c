/*
 * server.c - libmicrohttpd glue: daemon settings, routing, request lifecycle.
 *
 * Settings follow ../shared/notes/http-libmicrohttpd.md: epoll threads (one
 * per core), an explicit loopback bind, strict parsing, explicit connection
 * and memory limits. The handler answers on its second call so keep-alive
 * survives, buffers bodies up to cfg.body_max, and refuses requests framed
 * by both Content-Length and Transfer-Encoding (request smuggling).
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "http/access.h"
#include "http/sessions.h"
#include "http/throttle.h"
#include "http/workers.h"

static const char *const ROUTE_NAMES[METRICS_ROUTES] = { /* unused slots: NULL */
	[R_NONE] = "none", [R_METADATA] = "metadata", [R_PATIENT] = "Patient",
	[R_COVERAGE] = "Coverage", [R_SUBMIT] = "$submit", [R_LOGIN] = "login",
	[R_LOGOUT] = "logout", [R_HEALTH] = "healthz", [R_METRICS] = "metrics",
	[R_JOURNAL] = "journal", [R_ILOGIN] = "insured_login", [R_ILOGOUT] = "insured_logout",
	[R_ME_ACCESSES] = "me_accesses", [R_STEP_UP] = "step_up", [R_NOTICES] = "notices",
	[R_ADMIN_ALERTS] = "admin_alerts", [R_ADMIN_REINSTATE] = "admin_reinstate",
	[R_NOT_FOUND] = "not_found",
};

_Static_assert(R_N <= METRICS_ROUTES, "metrics has a slot per route");

void vigie_cfg_defaults(struct vigie_cfg *c)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(c, 0, sizeof(*c));
	memcpy(c->host, "127.0.0.1", 10);
	c->port = 8080;
	c->threads = cores > 0 && cores < 64 ? (unsigned)cores : 2;
	c->conn_limit = 4096;
	c->per_ip_limit = 256; /* one address cannot take all 4096 slots */
	c->conn_timeout = 15;
	c->body_max = 64 * 1024;
	c->token_ttl = 8 * 3600;
	c->token_idle = 30 * 60;
	c->login_parallel = 2;
	c->ip_fail_burst = 20;
	c->ip_fail_period = 60;
	c->acct_fail_free = 5;
	c->acct_fail_max = 100;
	c->login_accounts_max = 5;  /* distinct accounts failing from one address in an hour */
	c->login_sources_max = 10;  /* distinct addresses failing on one account in an hour */
	c->me_max = 100;
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t vigie_now_ms(const struct vigie *v)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + v->cfg.clock_offset_s * 1000;
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int req_is_json(struct req *r)
{
	const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n;

	if (!ct)
		return 0;
	n = strcspn(ct, "; \t");
	return (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
	       (n == 21 && strncasecmp(ct, "application/fhir+json", 21) == 0);
}

static enum route route_of(const char *method, const char *url, int *method_ok)
{
	/* HEAD is served where it discloses nothing: never on lookups. */
	static const struct { const char *path, *method; enum route r; } T[] = {
		{ "/fhir/metadata", "GET", R_METADATA },
		{ "/fhir/Patient", "GET", R_PATIENT },
		{ "/fhir/Coverage", "GET", R_COVERAGE },
		{ "/fhir/CoverageEligibilityRequest/$submit", "POST", R_SUBMIT },
		{ "/auth/pro/login", "POST", R_LOGIN },
		{ "/auth/pro/logout", "POST", R_LOGOUT },
		{ "/healthz", "GET", R_HEALTH },
		{ "/metrics", "GET", R_METRICS },
		{ "/auth/insured/login", "POST", R_ILOGIN },
		{ "/auth/insured/logout", "POST", R_ILOGOUT },
		{ "/me/accesses", "GET", R_ME_ACCESSES },
		{ "/auth/pro/step-up", "POST", R_STEP_UP },
		{ "/auth/pro/notices", "GET", R_NOTICES },
		{ "/admin/alerts", "GET", R_ADMIN_ALERTS },
		{ "/admin/reinstate", "POST", R_ADMIN_REINSTATE },
	};

	*method_ok = 1;
	if (strncmp(url, "/journal/", 9) == 0) {
		/* The public log: read-only files, answered by api_journal (404 if none). */
		*method_ok = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
		return R_JOURNAL;
	}
	for (size_t i = 0; i < sizeof(T) / sizeof(T[0]); i++) {
		if (strcmp(url, T[i].path) != 0)
			continue;
		*method_ok = strcmp(method, T[i].method) == 0 ||
		             (strcmp(method, "HEAD") == 0 && strcmp(T[i].method, "GET") == 0 &&
		              T[i].r != R_PATIENT && T[i].r != R_COVERAGE && T[i].r != R_ME_ACCESSES &&
		              T[i].r != R_NOTICES && T[i].r != R_ADMIN_ALERTS);
		return T[i].r;
	}
	return R_NOT_FOUND;
}

static const char *allowed_for(enum route r)
{
	if (r == R_SUBMIT || r == R_LOGIN || r == R_LOGOUT || r == R_ILOGIN || r == R_ILOGOUT ||
	    r == R_STEP_UP || r == R_ADMIN_REINSTATE)
		return "POST";
	return r == R_PATIENT || r == R_COVERAGE || r == R_ME_ACCESSES || r == R_NOTICES ||
	       r == R_ADMIN_ALERTS ? "GET" : "GET, HEAD";
}

static enum MHD_Result dispatch(struct req *r)
{
	int method_ok;

	r->route = route_of(r->method, r->url, &method_ok);
	if (r->route == R_NOT_FOUND)
		return reply_outcome(r, MHD_HTTP_NOT_FOUND, "not-found", "no such endpoint");
	if (!method_ok)
		return reply_with_header(r, MHD_HTTP_METHOD_NOT_ALLOWED, "not-supported",
		                         "method not allowed on this endpoint", MHD_HTTP_HEADER_ALLOW,
		                         allowed_for(r->route));
	switch (r->route) {
	case R_METADATA: return api_metadata(r);
	case R_PATIENT: return api_patient_search(r);
	case R_COVERAGE: return api_coverage_search(r);
	case R_SUBMIT: return api_eligibility_submit(r);
	case R_LOGIN: return api_login(r);
	case R_LOGOUT: return api_logout(r);
	case R_HEALTH: return api_healthz(r);
	case R_METRICS: return api_metrics(r);
	case R_JOURNAL: return api_journal(r);
	case R_ILOGIN: return api_insured_login(r);
	case R_ILOGOUT: return api_insured_logout(r);
	case R_ME_ACCESSES: return api_me_accesses(r);
	case R_STEP_UP: return api_step_up(r);
	case R_NOTICES: return api_notices(r);
	case R_ADMIN_ALERTS: return api_admin_alerts(r);
	case R_ADMIN_REINSTATE: return api_admin_reinstate(r);
	default: break;
	}
	return reply_outcome(r, MHD_HTTP_NOT_FOUND, "not-found", "no such endpoint");
}

static void client_ip(struct MHD_Connection *c, char out[46])
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	memcpy(out, "unknown", 8);
	if (!sa)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, 46);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, 46);
}

struct header_scan {
	int hosts, lengths, encodings, bad_encoding;
	uint64_t length;
	int bad_length;
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	struct header_scan *h = cls;

	(void)kind;
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

	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, scan_header, &h);
	if (h.lengths && h.encodings) {
		r->refusal = "Content-Length and Transfer-Encoding together are refused";
		r->refusal_status = MHD_HTTP_BAD_REQUEST;
	} else if (h.bad_encoding || h.encodings > 1) {
		r->refusal = "Transfer-Encoding other than a single \"chunked\" is refused";
		r->refusal_status = MHD_HTTP_BAD_REQUEST;
	} else if (h.hosts > 1 || h.lengths > 1 || h.bad_length) {
		r->refusal = h.hosts > 1 ? "several Host headers" : "malformed Content-Length";
		r->refusal_status = MHD_HTTP_BAD_REQUEST;
	} else if (h.lengths && h.length > r->v->cfg.body_max) {
		r->refusal = "request body is too large";
		r->refusal_status = MHD_HTTP_CONTENT_TOO_LARGE;
	}
	if (r->refusal)
		r->close_after = 1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **req_cls)
{
	struct vigie *v = cls;
	struct req *r = *req_cls;

	(void)version;
	if (!r) {
		/* First call: headers only. Answering now costs keep-alive, so only refusals do. */
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		r->v = v;
		r->conn = conn;
		r->method = method;
		r->url = url;
		r->t0_ns = now_ns();
		r->now_ms = vigie_now_ms(v);
		client_ip(conn, r->ip);
		*req_cls = r;
		check_headers(r);
		if (r->refusal)
			return reply_outcome(r, r->refusal_status,
			                     r->refusal_status == MHD_HTTP_CONTENT_TOO_LARGE ? "too-long"
			                                                                     : "invalid",
			                     r->refusal);
		return MHD_YES;
	}
	if (r->deferred) /* resumed after a worker prepared the reply */
		return reply_flush(r);
	if (r->replied) {
		*upload_size = 0; /* discard the rest of a refused body */
		return MHD_YES;
	}
	if (*upload_size > 0) {
		size_t n = *upload_size;

		*upload_size = 0;
		/* A chunked body over the limit: discard it, answer 413 at its end. */
		if (r->too_big || r->body_len + n > v->cfg.body_max) {
			r->too_big = 1;
			return MHD_YES;
		}
		if (!r->body) {
			r->body = malloc(v->cfg.body_max + 1);
			if (!r->body)
				return MHD_NO;
		}
		memcpy(r->body + r->body_len, upload, n);
		r->body_len += n;
		r->body[r->body_len] = '\0';
		return MHD_YES;
	}
	if (r->too_big) {
		r->close_after = 1;
		return reply_outcome(r, MHD_HTTP_CONTENT_TOO_LARGE, "too-long",
		                     "request body is too large");
	}
	return dispatch(r);
}

/* libmicrohttpd's own messages, as JSON log lines like every other. */
static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	log_event(LOG_WARN, "http.library", LS("message", msg));
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct vigie *v = cls;
	struct req *r = *req_cls;
	int64_t dur;

	(void)conn;
	if (!r)
		return;
	dur = now_ns() - r->t0_ns;
	metrics_request(&v->metrics, r->route, r->replied ? r->status : 0, dur);
	if (log_enabled(LOG_DEBUG))
		log_event(LOG_DEBUG, "http.request", LS("method", r->method),
		          LS("route", ROUTE_NAMES[r->route]), LI("status", r->status),
		          LI("us", dur / 1000), LI("pro", r->pro_id), LI("term", toe));
	free(r->pend_buf);
	free(r->body);
	free(r->jp);
	free(r);
	*req_cls = NULL;
}

/* A listening socket on cfg.host:cfg.port, so the bound port is known before serving. */
static int listen_on(const struct vigie_cfg *c, uint16_t *port)
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

int vigie_start(struct vigie *v, const char *base_url)
{
	int fd = listen_on(&v->cfg, &v->bound_port);
	int n;

	if (fd < 0) {
		log_event(LOG_ERROR, "serve.cannot_listen", LS("host", v->cfg.host),
		          LI("port", v->cfg.port));
		return VG_EIO;
	}
	/* Everything the request threads read is set before they start. */
	if (base_url)
		n = snprintf(v->cfg.base_url, sizeof(v->cfg.base_url), "%s", base_url);
	else
		n = snprintf(v->cfg.base_url, sizeof(v->cfg.base_url), "http://%s:%u/fhir",
		             v->cfg.host, v->bound_port);
	if (n < 0 || (size_t)n >= sizeof(v->cfg.base_url)) {
		close(fd);
		return VG_ETOOBIG;
	}
	v->started = vigie_now_ms(v) / 1000;
	if (workers_new(v->cfg.login_parallel, 256, &v->workers) != 0) {
		close(fd);
		return VG_EIO;
	}
	v->daemon = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0,
		NULL, NULL,
		on_request, v,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, v, /* first, so every message goes through it */
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)v->cfg.threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)v->cfg.conn_limit,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)v->cfg.per_ip_limit,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)v->cfg.conn_timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, v,
		MHD_OPTION_END);
	if (!v->daemon) {
		workers_free(v->workers);
		v->workers = NULL;
		close(fd);
		return VG_EIO;
	}
	return 0;
}

void vigie_stop(struct vigie *v)
{
	if (v->daemon) {
		MHD_socket fd = MHD_quiesce_daemon(v->daemon); /* stop accepting first */

		/* Finish queued logins: each resumes its connection, which must not stay suspended. */
		workers_free(v->workers);
		v->workers = NULL;
		/*
		 * Likewise replies waiting for the journal: refuse new ones (503), let the
		 * journal answer those in flight, and only then stop the daemon.
		 */
		atomic_store(&v->stopping, 1);
		while (atomic_load(&v->journal_waiting) > 0) {
			struct timespec ms = { 0, 1000000 };

			nanosleep(&ms, NULL);
		}
		MHD_stop_daemon(v->daemon);
		if (fd != MHD_INVALID_SOCKET)
			close(fd); /* ours: MHD does not close a quiesced listening socket */
		v->daemon = NULL;
	}
}

const char *vigie_route_name(int route)
{
	return route >= 0 && route < R_N ? ROUTE_NAMES[route] : "none";
}
