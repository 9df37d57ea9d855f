/*
 * http/reply.h: the one way a response leaves, against a real libmicrohttpd
 * daemon on loopback: headers every reply carries, one reply per request,
 * replies prepared on a worker, and the write-ahead rule's 503 that replaces
 * a prepared answer (nothing prepared leaves).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <sodium.h>

#include "http/reply.h"
#include "http/request.h"
#include "http/server.h"
#include "node/node.h"
#include "node/workers.h"

static struct http_server srv;
static struct vigie node;
static struct MHD_Daemon *daemon_;
static uint16_t port;

static void work_created(struct req *r)
{
	reply_prepare_bytes(r, 201, "text/plain", "made on a worker", 16);
	reply_add_header(r, "X-Worker", "yes");
}

static void work_nothing(struct req *r)
{
	(void)r; /* prepares nothing: reply_worker_done must still answer */
}

static enum MHD_Result handle(struct req *r)
{
	if (strcmp(r->url, "/ok") == 0)
		return reply_with_header(r, 418, "test", "short and stout", "Retry-After", "7");
	if (strcmp(r->url, "/twice") == 0) {
		(void)reply_outcome(r, 409, "conflict", "the first reply");
		return reply_outcome(r, 500, "exception", "a second reply is dropped");
	}
	if (strcmp(r->url, "/worker") == 0)
		return reply_on_worker(r, SESSION_PRO, work_created);
	if (strcmp(r->url, "/worker-empty") == 0)
		return reply_on_worker(r, SESSION_INSURED, work_nothing);
	if (strcmp(r->url, "/public") == 0) {
		reply_prepare_bytes(r, 200, "text/plain", "tile", 4);
		r->reply.cache = "public, max-age=60";
		reply_add_header(r, "Access-Control-Allow-Origin", "*");
		return reply_send(r);
	}
	if (strcmp(r->url, "/journal-down") == 0) {
		struct access_rec a = { .t_ms = 1 };
		struct jw w;

		atomic_store(&srv.stopping, 1); /* the journal takes no more: the 503 path */
		jw_init(&w, 64);
		jw_obj(&w);
		jw_kstr(&w, "secret", "PERSONAL-DATA-MARKER");
		jw_end(&w);
		reply_prepare_json(r, 200, NULL, &w);
		reply_add_header(r, "Vigie-Guard", "minimise");
		return reply_after_journal(r, &a);
	}
	return reply_outcome(r, 404, "not-found", "no such test");
}

/* A cut-down server.c: a struct req per request, resumed replies sent. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
	struct req *r = *req_cls;

	(void)cls, (void)version, (void)upload, (void)upload_size;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		r->srv = &srv;
		r->v = &node;
		r->conn = conn;
		r->url = url;
		r->method = method;
		arena_init(&r->arena, r->arena_first, sizeof(r->arena_first), REQ_ARENA_LIMIT);
		*req_cls = r;
		return MHD_YES;
	}
	if (r->reply.state == REPLY_READY || r->reply.state == REPLY_JOURNAL)
		return reply_resume(r);
	if (r->reply.state == REPLY_SENT)
		return MHD_YES;
	return handle(r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct req *r = *req_cls;

	(void)cls, (void)c, (void)toe;
	if (!r)
		return;
	reply_release(&r->reply);
	arena_release(&r->arena);
	free(r);
	*req_cls = NULL;
}

static int setup(void **state)
{
	const union MHD_DaemonInfo *di;

	(void)state;
	if (sodium_init() < 0 || workers_new(1, 4, &node.login_workers[SESSION_PRO]) != 0 ||
	    workers_new(1, 4, &node.login_workers[SESSION_INSURED]) != 0)
		return -1;
	srv.v = &node;
	daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0,
	                           NULL, NULL, on_request, NULL, MHD_OPTION_NOTIFY_COMPLETED,
	                           on_completed, NULL, MHD_OPTION_END);
	if (!daemon_)
		return -1;
	di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	port = di ? di->port : 0;
	return port ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	MHD_stop_daemon(daemon_);
	workers_free(node.login_workers[SESSION_PRO]);
	workers_free(node.login_workers[SESSION_INSURED]);
	return 0;
}

/* GET path over a fresh loopback connection: the whole response. */
static char *get(const char *path)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char req[256], *buf = calloc(1, 65536);
	size_t got = 0;
	ssize_t n;

	assert_non_null(buf);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", path);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while (got < 65535 && (n = read(fd, buf + got, 65535 - got)) > 0)
		got += (size_t)n;
	close(fd);
	return buf;
}

static int has_header(const char *resp, const char *line)
{
	const char *end = strstr(resp, "\r\n\r\n");
	const char *p = strcasestr(resp, line);

	return p && end && p < end;
}

static void every_reply_carries_the_common_headers(void **state)
{
	char *r = get("/ok");

	(void)state;
	assert_memory_equal(r, "HTTP/1.1 418", 12);
	assert_true(has_header(r, "\r\nCache-Control: no-store\r\n"));
	assert_true(has_header(r, "\r\nX-Content-Type-Options: nosniff\r\n"));
	assert_true(has_header(r, "\r\nContent-Type: application/fhir+json"));
	assert_true(has_header(r, "\r\nRetry-After: 7\r\n"));
	assert_non_null(strstr(r, "\"resourceType\":\"OperationOutcome\""));
	assert_non_null(strstr(r, "short and stout"));
	free(r);
	r = get("/public");
	assert_true(has_header(r, "\r\nCache-Control: public, max-age=60\r\n"));
	assert_true(has_header(r, "\r\nAccess-Control-Allow-Origin: *\r\n"));
	free(r);
}

static void one_reply_per_request(void **state)
{
	char *r = get("/twice");

	(void)state;
	assert_memory_equal(r, "HTTP/1.1 409", 12);
	assert_non_null(strstr(r, "the first reply"));
	assert_null(strstr(r, "dropped"));
	free(r);
}

static void replies_prepared_on_a_worker(void **state)
{
	char *r = get("/worker");

	(void)state;
	assert_memory_equal(r, "HTTP/1.1 201", 12);
	assert_true(has_header(r, "\r\nX-Worker: yes\r\n"));
	assert_non_null(strstr(r, "made on a worker"));
	free(r);
	r = get("/worker-empty");
	assert_memory_equal(r, "HTTP/1.1 503", 12); /* never a hang */
	free(r);
}

static void the_journal_down_means_nothing_prepared_leaves(void **state)
{
	char *r = get("/journal-down");

	(void)state;
	assert_memory_equal(r, "HTTP/1.1 503", 12);
	assert_non_null(strstr(r, "the access journal is unavailable; nothing was disclosed"));
	assert_null(strstr(r, "PERSONAL-DATA-MARKER"));
	assert_false(has_header(r, "Vigie-Guard")); /* nor its headers */
	assert_false(has_header(r, "Vigie-Journal-Entry"));
	free(r);
	atomic_store(&srv.stopping, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_reply_carries_the_common_headers),
		cmocka_unit_test(one_reply_per_request),
		cmocka_unit_test(replies_prepared_on_a_worker),
		cmocka_unit_test(the_journal_down_means_nothing_prepared_leaves),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
