/*
 * cmd_serve.c - `vigie serve`: assemble the node (node/node.h), serve it
 * over HTTP (http/server.h), wait for SIGTERM or SIGINT, then stop cleanly:
 * no new connections, requests in flight finished, access records flushed,
 * keys wiped. SIGHUP (systemctl reload, logrotate, a closed terminal)
 * reopens the log file and keeps serving. With --smtp, a thread sends the
 * insured people's account e-mails (incident/account_mail.h) every 2 s;
 * without it they wait in the store for `vigie notify --account-events`.
 */
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/open.h"
#include "core/login_policy.h"
#include "core/netaddr.h"
#include "http/server.h"
#include "incident/account_mail.h"
#include "incident/mail.h"
#include "node/control.h"
#include "node/node.h"
#include "sys/log.h"
#include "core/banned.h"

#define CLOCK_OFFSET_MAX (100LL * 366 * 86400)

static int parse_listen(const char *s, struct http_cfg *c)
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

/* The service clock, for the account e-mails' sender. */
static int64_t service_ms(void *arg)
{
	return vigie_now_ms(arg);
}

/* A bounded number option: 0, or a message and 1. */
static int bounded(const char *s, const char *what, uint64_t lo, uint64_t hi, uint64_t *out)
{
	if (cli_u64(s, what, out) != 0 || *out < lo || *out > hi)
		return cli_fail("%s: %llu..%llu", what, (unsigned long long)lo,
		                (unsigned long long)hi);
	return 0;
}

/* --trusted-proxy CIDR (repeatable): a proxy whose X-Forwarded-For is believed. */
static int trusted_proxy(const char *s, struct http_cfg *c)
{
	struct netaddr n;

	if (c->ntrusted >= HTTP_TRUSTED_MAX)
		return cli_fail("--trusted-proxy: at most %d networks", HTTP_TRUSTED_MAX);
	if (netaddr_parse_cidr(s, &n) != 0)
		return cli_fail("--trusted-proxy %s: an address or a network, e.g. 10.0.0.5 or "
		                "10.0.0.0/24",
		                s);
	if (n.bits == 0)
		return cli_fail("--trusted-proxy %s: would believe every client's own "
		                "X-Forwarded-For; name the proxies",
		                s);
	c->trusted[c->ntrusted++] = n;
	return 0;
}

/* 1 if host is a loopback address (127.0.0.0/8, ::1), else 0 (a name is not). */
static int loopback_host(const char *host)
{
	struct netaddr a, lo4, lo6;

	if (netaddr_parse(host, strlen(host), &a) != 0 ||
	    netaddr_parse_cidr("127.0.0.0/8", &lo4) != 0 || netaddr_parse_cidr("::1", &lo6) != 0)
		return 0;
	return netaddr_in(&a, &lo4) || netaddr_in(&a, &lo6);
}

/*
 * The first flag of vc that weakens the service's defences, or NULL. These
 * exist for tests, benchmarks and demos: the guard that does not act, answers
 * that do not wait for the journal, a service clock that is not the system's
 * (TOTP windows, back-offs and the guard's hours move with it), and login
 * budgets raised above their defaults.
 */
static const char *weakening_flag(const struct vigie_cfg *vc)
{
	struct login_policy d;

	login_policy_defaults(&d);
	if (vc->guard_observe)
		return "--guard observe";
	if (vc->journal_nowait)
		return "--journal-nowait-for-benchmarks";
	if (vc->clock_offset_s)
		return "--clock-offset";
	if (vc->login.ip_fail_burst > d.ip_fail_burst)
		return "--login-burst above its default";
	if (vc->login.accounts_max > d.accounts_max)
		return "--login-accounts-max above its default";
	if (vc->login.sources_max > d.sources_max)
		return "--login-sources-max above its default";
	if (vc->login.spray_max > d.spray_max)
		return "--login-spray-max above its default";
	if (vc->operator_max_age > 300)
		return "--operator-max-age above its default";
	if (vc->malformed_burst > NODE_MALFORMED_BURST)
		return "--lookup-malformed-burst above its default";
	return NULL;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option OPTS[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
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
		{ "login-spray-max", required_argument, NULL, 'Y' },
		{ "operator-max-age", required_argument, NULL, 'Q' },
		{ "lookup-malformed-burst", required_argument, NULL, 'U' },
		{ "deadline", required_argument, NULL, 'D' },
		{ "clock-offset", required_argument, NULL, 'K' },
		{ "log", required_argument, NULL, 'L' },
		{ "smtp", required_argument, NULL, 'M' },
		{ "from-address", required_argument, NULL, 'F' },
		{ "trusted-proxy", required_argument, NULL, 'X' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL, *port_file = NULL, *log_path = NULL, *what = NULL;
	const char *smtp = NULL, *mail_from = NULL;
	struct account_mail_thread *mailer = NULL;
	char mail_lock[4096];
	struct http_server *srv = calloc(1, sizeof(*srv));
	struct vigie_cfg vc;
	struct http_cfg hc;
	struct vigie *v = NULL;
	struct control *ctl = NULL;
	struct vault *vault = NULL;
	struct store *st = NULL;
	sigset_t set;
	uint64_t x;
	int c, sig = 0, status = 1, rc;

	if (!srv)
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
	vigie_cfg_defaults(&vc);
	http_cfg_defaults(&hc);
	vc.origin = JOURNAL_ORIGIN_DEFAULT;
	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'l':
			if (parse_listen(optarg, &hc))
				goto out;
			break;
		case 't':
			if (bounded(optarg, "--threads", 1, 64, &x))
				goto out;
			hc.threads = (unsigned)x;
			break;
		case 'b':
			if (strlen(optarg) >= sizeof(hc.base_url)) {
				cli_fail("--base-url: at most %zu characters",
				         sizeof(hc.base_url) - 1);
				goto out;
			}
			memcpy(hc.base_url, optarg, strlen(optarg) + 1);
			break;
		case 'P': port_file = optarg; break;
		case 'L': log_path = optarg; break;
		case 'M': smtp = optarg; break;
		case 'F': mail_from = optarg; break;
		case 'X':
			if (trusted_proxy(optarg, &hc))
				goto out;
			break;
		case 'T':
			if (bounded(optarg, "--conn-timeout", 1, 3600, &x))
				goto out;
			hc.conn_timeout = (unsigned)x;
			break;
		case 'B':
			if (bounded(optarg, "--login-burst", 1, 10000, &x))
				goto out;
			vc.login.ip_fail_burst = (unsigned)x;
			break;
		case 'o': vc.origin = optarg; break;
		case 'W': vc.journal_nowait = 1; break;
		case 'G':
			if (strcmp(optarg, "enforce") != 0 && strcmp(optarg, "observe") != 0) {
				cli_fail("--guard: enforce (default) or observe");
				goto out;
			}
			vc.guard_observe = strcmp(optarg, "observe") == 0;
			break;
		case 'A':
		case 'S':
			if (bounded(optarg,
			            c == 'A' ? "--login-accounts-max" : "--login-sources-max", 1,
			            250, &x))
				goto out;
			if (c == 'A')
				vc.login.accounts_max = (unsigned)x;
			else
				vc.login.sources_max = (unsigned)x;
			break;
		case 'D':
			if (bounded(optarg, "--deadline", 1, 600, &x))
				goto out;
			hc.deadline = (unsigned)x;
			break;
		case 'Q':
			if (bounded(optarg, "--operator-max-age", 1, 3600, &x))
				goto out;
			vc.operator_max_age = (int64_t)x;
			break;
		case 'U':
			if (bounded(optarg, "--lookup-malformed-burst", 1, 1000000, &x))
				goto out;
			vc.malformed_burst = (unsigned)x;
			break;
		case 'Y':
			if (bounded(optarg, "--login-spray-max", 0, 1000000, &x))
				goto out;
			vc.login.spray_max = (unsigned)x;
			break;
		case 'K':
			if (cli_i64(optarg, "--clock-offset", &vc.clock_offset_s) != 0 ||
			    vc.clock_offset_s < -CLOCK_OFFSET_MAX ||
			    vc.clock_offset_s > CLOCK_OFFSET_MAX) {
				cli_fail("--clock-offset: seconds, at most 100 years either way");
				goto out;
			}
			break;
		case 'C':
			if (bounded(optarg, "--checkpoint-ms", 10, 1000, &x))
				goto out;
			vc.checkpoint_ms = (unsigned)x;
			break;
		default: status = cli_usage("serve"); goto out;
		}
	}
	/* Reachable from elsewhere, the service runs with every defence (issue 12, item 8). */
	what = weakening_flag(&vc);
	if (!what && hc.deadline > 20)
		what = "--deadline above its default";
	if (what && !loopback_host(hc.host)) {
		cli_fail("%s is for tests and benchmarks only: refused with --listen %s, which is "
		         "not a loopback address (127.0.0.0/8, ::1)",
		         what, hc.host);
		goto out;
	}
	what = NULL;
	if (!smtp != !mail_from || (mail_from && !mail_address_ok(mail_from))) {
		cli_fail("account e-mails need --smtp URL and --from-address ADDR (an address)");
		goto out;
	}
	rc = log_path ? log_open(log_path) : 0;
	if (rc != 0) {
		cli_fail("cannot open the log file %s: %s", log_path, vg_strerror(rc));
		goto out;
	}
	dir = cli_data_dir(dir);
	{
		/* The card master secret forges every card proof: never beside the server's keys. */
		char cards[PATH_MAX];
		struct stat sb;

		cli_path(cards, sizeof(cards), dir, "cards.key");
		if (lstat(cards, &sb) == 0) {
			cli_fail("%s forges every card proof and must not sit in the server's data "
			         "directory: move it out (vigie seed now writes it beside the "
			         "directory, as %s-cards.key)",
			         cards, dir);
			goto out;
		}
	}
	if (cli_open(dir, &vault, &st) != 0)
		goto out;
	rc = vigie_new(dir, &vc, vault, st, &v, &what);
	if (rc != 0) {
		if (strcmp(what, "the journal") == 0)
			cli_fail(
			        "cannot open the journal %s/journal: %s (see the log above; `vigie "
			        "journal verify` names any damage)",
			        dir, vg_strerror(rc));
		else
			cli_fail("cannot start: %s: %s", what, vg_strerror(rc));
		goto out;
	}
	if (http_start(srv, v, &hc) != 0) {
		cli_fail("cannot listen on %s:%u (in use, or not a local address?)", hc.host,
		         hc.port);
		goto out;
	}
	if (control_start(v, dir, &ctl) != 0) {
		cli_fail("cannot create the control socket %s/%s", dir, CONTROL_SOCK);
		http_stop(srv);
		goto out;
	}
	/* Insured people's account e-mails: sent every 2 s, or left waiting without --smtp. */
	if (smtp) {
		struct account_mail_cfg mc = { smtp, mail_from, mail_lock, 0 };

		cli_path(mail_lock, sizeof(mail_lock), dir, ACCOUNT_MAIL_LOCK);
		if (account_mail_start(v->store, v->vault, &mc, service_ms, v, &mailer) != 0) {
			cli_fail("cannot start the account e-mails' sender (--smtp %s)", smtp);
			control_stop(ctl);
			ctl = NULL;
			http_stop(srv);
			goto out;
		}
		log_event(LOG_INFO, "serve.account_mail", LS("smtp", smtp));
	} else {
		log_event(LOG_INFO, "serve.account_mail_off",
		          LS("note", "no --smtp: account e-mails wait for vigie notify "
		                     "--account-events"));
	}
	if (port_file && write_port_file(port_file, srv->bound_port) != 0)
		log_event(LOG_WARN, "serve.port_file_failed", LS("path", port_file));
	printf("vigie listening on http://%s:%u (FHIR base %s)\n", srv->cfg.host, srv->bound_port,
	       srv->cfg.base_url);
	fflush(stdout);
	log_event(LOG_INFO, "serve.start", LS("host", srv->cfg.host), LI("port", srv->bound_port),
	          LI("threads", srv->cfg.threads));
	if (vc.guard_observe)
		log_event(LOG_WARN, "serve.guard_observe",
		          LS("warning", "the guard decides but does not act: no step-up, "
		                        "throttle, denial or suspension"));
	if (vc.clock_offset_s)
		log_event(LOG_WARN, "serve.clock_offset", LI("seconds", vc.clock_offset_s),
		          LS("warning", "the service clock is not the system clock: for tests and "
		                        "demos only"));
	if (vc.journal_nowait)
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
			log_event(LOG_INFO, "serve.reloaded",
			          LS("log", log_path ? log_path : "stderr"));
	}
	log_event(LOG_INFO, "serve.stopping", LI("signal", sig));
	control_stop(ctl);
	ctl = NULL;
	http_stop(srv);
	status = 0;
out:
	account_mail_stop(mailer); /* before the node: it borrows its store and vault */
	control_stop(ctl);
	vigie_free(v); /* the journal's queue is empty: http_stop waited for it */
	if (status == 0)
		log_event(LOG_INFO, "serve.stopped", LI("signal", sig));
	log_close();
	free(srv);
	return status;
}
