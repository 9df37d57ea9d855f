/*
 * const_server.c - the HTTP library's ceiling on this machine: a constant JSON
 * response served by libmicrohttpd with vigie's own daemon settings (epoll
 * thread pool, answer on the second call for keep-alive). `make bench`
 * compares vigie's authenticated lookup against it.
 *
 * usage: const_server PORT [THREADS]
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>

static const char BODY[] =
	"{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":1,\"entry\":[{\"fullUrl\":"
	"\"http://127.0.0.1/fhir/Patient/0123456789abcdef0123456789abcdef\",\"resource\":{"
	"\"resourceType\":\"Patient\",\"id\":\"0123456789abcdef0123456789abcdef\",\"gender\":"
	"\"female\",\"birthDate\":\"1980-01-01\"},\"search\":{\"mode\":\"match\"}}]}";

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **req_cls)
{
	static int first;
	struct MHD_Response *r;
	enum MHD_Result ok;

	(void)cls, (void)url, (void)method, (void)version, (void)upload, (void)upload_size;
	if (!*req_cls) {
		*req_cls = &first;
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(sizeof(BODY) - 1, (void *)BODY, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/fhir+json; charset=utf-8");
	ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct MHD_Daemon *d;
	unsigned threads = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 2;
	sigset_t set;
	int sig;

	if (argc < 2)
		return fprintf(stderr, "usage: const_server PORT [THREADS]\n"), 2;
	sa.sin_port = htons((uint16_t)strtoul(argv[1], NULL, 10));
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD, 0, NULL, NULL, handler, NULL,
	                     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                     MHD_OPTION_THREAD_POOL_SIZE, threads,
	                     MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
	                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)15,
	                     MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	                     MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
	if (!d)
		return fprintf(stderr, "const_server: cannot listen\n"), 1;
	printf("const_server listening on 127.0.0.1:%s\n", argv[1]);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
