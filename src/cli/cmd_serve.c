/*
 * cmd_serve.c - `vigie serve`: start the HTTP service, wait for SIGTERM or
 * SIGINT, then stop cleanly: no new connections, requests in flight
 * finished, access records flushed, keys wiped. SIGHUP (systemctl reload,
 * logrotate, a closed terminal) reopens the log file and keeps serving.
 */
#include <fcntl.h>
#include <getopt.h>
#include <unistd.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/open.h"
#include "core/log.h"
#include "http/access.h"
#include "http/http.h"
#include <sodium.h>

#include "http/guardian.h"
#include "http/sessions.h"
#include "http/throttle.h"

#define CLOCK_OFFSET_MAX (100LL * 366 * 86400)

static int parse_listen(const char *s, struct vigie_cfg *c)
{
	const char *colon = strrchr(s, ':');
	uint64_t port;
	size_t hl;

	if (!colon)
		return cli_fail("--listen wants HOST:PORT, e.g. 127.0.0.1:8080");
	hl = (size_t)(colon - s);
	if (hl == 0 || hl >= sizeof(c->host))
		return cli_fail("--listen: bad host");
	if (cli_u64(colon + 1, "--listen port", &port) != 0 || port > 65535)
		return cli_fail("--listen: port must be 0..65535");
	memcpy(c->host, s, hl);
	c->host[hl] = '\0';
	c->port = (uint16_t)port;
	return 0;
}

static int write_port_file(const char *path, unsigned port)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "%u\n", port);
	return fclose(f);
}

/* The guard's key comes from the master key (its own vault domain): stable across restarts. */
static int guard_start(struct vigie *v)
{
	uint8_t key[VAULT_BIDX];
	int rc;

	_Static_assert(VAULT_BIDX == GUARD_KEY_BYTES, "one blind index is one guard key");
	vault_blind(v->vault, VAULT_D_GUARD, "guard-key-v1", 12, key);
	rc = guardian_new(key, &v->guardian);
	sodium_memzero(key, sizeof(key));
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option OPTS[] = {
		{ "data", required_argument, NULL, 'd' }, { "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "conn-timeout", required_argument, NULL, 'T' },
		{ "login-burst", required_argument, NULL, 'B' },
		{ "origin", required_argument, NULL, 'o' },
		{ "checkpoint-ms", required_argument, NULL, 'C' },
		{ "journal-nowait-for-benchmarks", no_argument, NULL, 'W' },
		{ "guard", required_argument, NULL, 'G' },
		{ "login-accounts-max", required_argument, NULL, 'A' },
		{ "login-sources-max", required_argument, NULL, 'S' },
		{ "clock-offset", required_argument, NULL, 'K' },
		{ "log", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 } };
	struct vigie *v = calloc(1, sizeof(*v));
	const char *dir = NULL, *port_file = NULL, *base = NULL, *log_path = NULL;
	struct access_cfg ac = { .origin = JOURNAL_ORIGIN_DEFAULT };
	struct cli_journal_paths jp;
	struct vault *vault = NULL;
	struct store *st = NULL;
	sigset_t set;
	uint64_t x;
	int c, sig = 0, status = 1;

	if (!v)
		return cli_fail("out of memory");
	/*
	 * Block the stop and reload signals before any thread starts (the
	 * journal's, the indexer's, the server's inherit the mask): only this
	 * thread takes them, in sigwait below. A thread that did not block them
	 * would take SIGHUP's default action, which ends the process.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Keep freed memory in the heap: without this, each request's buffers
	 * grow and trim the thread arenas (an mprotect system call per request).
	 */
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_TOP_PAD, 4 * 1024 * 1024);
	vigie_cfg_defaults(&v->cfg);
	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'l': if (parse_listen(optarg, &v->cfg)) goto out; break;
		case 't':
			if (cli_u64(optarg, "--threads", &x) || x < 1 || x > 64) {
				cli_fail("--threads: 1..64");
				goto out;
			}
			v->cfg.threads = (unsigned)x;
			break;
		case 'b': base = optarg; break;
		case 'P': port_file = optarg; break;
		case 'L': log_path = optarg; break;
		case 'T':
			if (cli_u64(optarg, "--conn-timeout", &x) || x < 1 || x > 3600) {
				cli_fail("--conn-timeout: 1..3600 seconds");
				goto out;
			}
			v->cfg.conn_timeout = (unsigned)x;
			break;
		case 'B':
			if (cli_u64(optarg, "--login-burst", &x) || x < 1 || x > 10000) {
				cli_fail("--login-burst: 1..10000");
				goto out;
			}
			v->cfg.ip_fail_burst = (unsigned)x;
			break;
		case 'o': ac.origin = optarg; break;
		case 'W': v->cfg.journal_nowait = 1; break;
		case 'G':
			if (strcmp(optarg, "enforce") != 0 && strcmp(optarg, "observe") != 0) {
				cli_fail("--guard: enforce (default) or observe");
				goto out;
			}
			v->cfg.guard_observe = strcmp(optarg, "observe") == 0;
			break;
		case 'A':
		case 'S':
			if (cli_u64(optarg, c == 'A' ? "--login-accounts-max" : "--login-sources-max",
			            &x) || x < 1 || x > 250) {
				cli_fail("--login-accounts-max, --login-sources-max: 1..250");
				goto out;
			}
			if (c == 'A')
				v->cfg.login_accounts_max = (unsigned)x;
			else
				v->cfg.login_sources_max = (unsigned)x;
			break;
		case 'K':
			if (cli_i64(optarg, "--clock-offset", &v->cfg.clock_offset_s) != 0 ||
			    v->cfg.clock_offset_s < -CLOCK_OFFSET_MAX ||
			    v->cfg.clock_offset_s > CLOCK_OFFSET_MAX) {
				cli_fail("--clock-offset: seconds, at most 100 years either way");
				goto out;
			}
			break;
		case 'C':
			if (cli_u64(optarg, "--checkpoint-ms", &x) || x < 10 || x > 1000) {
				cli_fail("--checkpoint-ms: 10..1000");
				goto out;
			}
			ac.checkpoint_ms = (unsigned)x;
			break;
		default:
			status = cli_usage("serve");
			goto out;
		}
	}
	if (log_path && (c = log_open(log_path)) != 0) {
		cli_fail("cannot open the log file %s: %s", log_path, vg_strerror(c));
		goto out;
	}
	dir = cli_data_dir(dir);
	if (cli_open(dir, &vault, &st) != 0)
		goto out;
	v->store = st;
	v->vault = vault;
	cli_journal_paths(dir, &jp);
	ac.journal_dir = jp.dir;
	ac.key_path = jp.key;
	if ((c = access_log_new(st, vault, &v->metrics, &ac, &v->access)) != 0) {
		cli_fail("cannot open the journal %s: %s (see the log above; `vigie journal verify` "
		         "names any damage)", jp.dir, vg_strerror(c));
		goto out;
	}
	if (sessions_new(st, vault, SESSION_PRO, v->cfg.token_ttl, v->cfg.token_idle,
	                 &v->sessions) != 0 ||
	    sessions_new(st, vault, SESSION_INSURED, v->cfg.token_ttl, v->cfg.token_idle,
	                 &v->isessions) != 0 ||
	    throttle_new(v->cfg.ip_fail_burst, v->cfg.ip_fail_period, &v->throttle) != 0 ||
	    login_watch_new(&v->watch) != 0 || guard_start(v) != 0 ||
	    pthread_mutex_init(&v->login_lock, NULL) != 0) {
		cli_fail("cannot set up the service");
		goto out;
	}
	VG_IGNORE(store_session_purge(st, vigie_now_ms(v) / 1000, v->cfg.token_idle));
	if (vigie_start(v, base) != 0) {
		cli_fail("cannot listen on %s:%u (in use, or not a local address?)", v->cfg.host,
		         v->cfg.port);
		goto out;
	}
	if (port_file && write_port_file(port_file, v->bound_port) != 0)
		log_event(LOG_WARN, "serve.port_file_failed", LS("path", port_file));
	printf("vigie listening on http://%s:%u (FHIR base %s)\n", v->cfg.host, v->bound_port,
	       v->cfg.base_url);
	fflush(stdout);
	log_event(LOG_INFO, "serve.start", LS("host", v->cfg.host), LI("port", v->bound_port),
	          LI("threads", v->cfg.threads));
	if (v->cfg.guard_observe)
		log_event(LOG_WARN, "serve.guard_observe",
		          LS("warning", "the guard decides but does not act: no step-up, "
		                        "throttle, denial or suspension"));
	if (v->cfg.clock_offset_s)
		log_event(LOG_WARN, "serve.clock_offset", LI("seconds", v->cfg.clock_offset_s),
		          LS("warning", "the service clock is not the system clock: for tests and "
		                        "demos only"));
	if (v->cfg.journal_nowait)
		log_event(LOG_WARN, "serve.journal_nowait",
		          LS("warning", "answers do not wait for their journal entries: "
		                        "for benchmarks only, never in service"));
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		if (log_reopen() != 0)
			log_event(LOG_ERROR, "serve.log_reopen_failed", LS("path", log_path));
		else
			log_event(LOG_INFO, "serve.reloaded", LS("log", log_path ? log_path : "stderr"));
	}
	log_event(LOG_INFO, "serve.stopping", LI("signal", sig));
	vigie_stop(v);
	status = 0;
out:
	access_log_free(v->access); /* the journal's queue is empty: vigie_stop waited for it */
	throttle_free(v->throttle);
	login_watch_free(v->watch);
	guardian_free(v->guardian);
	sessions_free(v->sessions);
	sessions_free(v->isessions);
	store_close(st);
	vault_free(vault);
	if (status == 0)
		log_event(LOG_INFO, "serve.stopped", LI("signal", sig));
	log_close();
	free(v);
	return status;
}
