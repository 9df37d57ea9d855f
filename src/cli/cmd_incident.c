/*
 * cmd_incident.c - the operator's commands after a breach:
 *   vigie incident open|widen|close|show|export|draft|list
 *   vigie notify --incident ID --channel email,letter[,sms]
 *   vigie notify --account-events (what insured people's accounts must tell them)
 * Acts are journaled as the console's: through the running server's control
 * socket (node/control.h) when a server holds the journal, else in the
 * journal itself (the command takes its lock for the time it runs).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/open.h"
#include "incident/account_mail.h"
#include "incident/campaign.h"
#include "incident/incident.h"
#include "incident/letter.h"
#include "incident/report.h"
#include "incident/scope.h"
#include "core/banned.h"

static int64_t offset_s;

static int64_t wall_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + offset_s * 1000;
}

enum {
	O_DATA = 'd',
	O_ID = 'i',
	O_RPPS = 'r',
	O_FROM = 'f',
	O_TO = 't',
	O_IP = 'a',
	O_TITLE = 'T',
	O_FORMAT = 'F',
	O_OUT = 'o',
	O_JSON = 'j',
	O_CONTACT = 'c',
	O_OFFSET = 'k',
	O_CHANNEL = 'C',
	O_SMTP = 's',
	O_MAILFROM = 'm',
	O_RATE = 'R',
	O_BATCH = 'b',
	O_QUIET = 'q',
	O_PARALLEL = 'P',
	O_ACCOUNT = 'A'
};

static const struct option OPTS[] = {
	{ "data", required_argument, NULL, O_DATA },
	{ "incident", required_argument, NULL, O_ID },
	{ "rpps", required_argument, NULL, O_RPPS },
	{ "from", required_argument, NULL, O_FROM },
	{ "to", required_argument, NULL, O_TO },
	{ "ip", required_argument, NULL, O_IP },
	{ "title", required_argument, NULL, O_TITLE },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "out", required_argument, NULL, O_OUT },
	{ "json", no_argument, NULL, O_JSON },
	{ "contact", required_argument, NULL, O_CONTACT },
	{ "clock-offset", required_argument, NULL, O_OFFSET },
	{ "channel", required_argument, NULL, O_CHANNEL },
	{ "smtp", required_argument, NULL, O_SMTP },
	{ "from-address", required_argument, NULL, O_MAILFROM },
	{ "rate", required_argument, NULL, O_RATE },
	{ "batch", required_argument, NULL, O_BATCH },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "parallel", required_argument, NULL, O_PARALLEL },
	{ "account-events", no_argument, NULL, O_ACCOUNT },
	{ NULL, 0, NULL, 0 },
};

struct args {
	const char *dir, *rpps, *from, *to, *ip, *title, *format, *out, *contact, *channel, *smtp,
	        *mailfrom;
	int64_t id;
	int json, quiet, account;
	double rate;
	int64_t batch, parallel;
};

static int parse_args(int argc, char **argv, const char *cmd, struct args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		switch (c) {
		case O_DATA: a->dir = optarg; break;
		case O_ID:
			if (cli_i64(optarg, "--incident", &a->id) != 0 || a->id <= 0)
				return cli_usage(cmd);
			break;
		case O_RPPS: a->rpps = optarg; break;
		case O_FROM: a->from = optarg; break;
		case O_TO: a->to = optarg; break;
		case O_IP: a->ip = optarg; break;
		case O_TITLE: a->title = optarg; break;
		case O_FORMAT: a->format = optarg; break;
		case O_OUT: a->out = optarg; break;
		case O_JSON: a->json = 1; break;
		case O_QUIET: a->quiet = 1; break;
		case O_ACCOUNT: a->account = 1; break;
		case O_CONTACT: a->contact = optarg; break;
		case O_OFFSET:
			if (cli_i64(optarg, "--clock-offset", &offset_s) != 0)
				return cli_usage(cmd);
			break;
		case O_CHANNEL: a->channel = optarg; break;
		case O_SMTP: a->smtp = optarg; break;
		case O_MAILFROM: a->mailfrom = optarg; break;
		case O_RATE: {
			char *end = NULL;

			a->rate = strtod(optarg, &end);
			if (!end || *end || a->rate < 0)
				return cli_fail("--rate: messages per second, e.g. 200");
			break;
		}
		case O_BATCH:
			if (cli_i64(optarg, "--batch", &a->batch) != 0 || a->batch <= 0 ||
			    a->batch > CAMPAIGN_BATCH_MAX)
				return cli_fail("--batch: letters per file, 1 to %d",
				                CAMPAIGN_BATCH_MAX);
			break;
		case O_PARALLEL:
			if (cli_i64(optarg, "--parallel", &a->parallel) != 0 || a->parallel <= 0 ||
			    a->parallel > CAMPAIGN_SENDERS_MAX)
				return cli_fail(
				        "--parallel: connections to the mail server, 1 to %d",
				        CAMPAIGN_SENDERS_MAX);
			break;
		default: return cli_usage(cmd);
		}
	}
	a->dir = cli_data_dir(a->dir);
	return 0;
}

static void ctx_init(struct incident_ctx *c, struct cli_journal *j, struct store *st,
                     const struct vault *v, const char *dir)
{
	cli_journal_init(j, dir, st, v);
	*c = (struct incident_ctx){ .st = st,
		                    .v = v,
		                    .journal = cli_journal_act,
		                    .journal_arg = j,
		                    .now_ms = wall_ms(NULL),
		                    .by = 0,
		                    .rpps = INCIDENT_CONSOLE };
}

static int out_file(void *ctx, const char *s, size_t n)
{
	return fwrite(s, 1, n, ctx) == n ? 0 : VG_EIO;
}

static void print_summary(const struct incident_view *x, int64_t now, struct store *st)
{
	struct affected_counts c;
	struct campaign_progress p;
	static const char *const CH[] = { "email", "letter", "sms" };
	char a[32], b[32];
	int64_t left = (x->inc.opened_ms + INCIDENT_NOTIFY_MS - now) / 1000;

	affected_counts(x->set, &c);
	printf("incident %lld: %s (%s)\n", (long long)x->inc.id, x->inc.title,
	       x->inc.status == INCIDENT_OPEN ? "open" : "closed");
	report_iso(x->inc.opened_ms, a);
	report_iso(x->inc.opened_ms + INCIDENT_NOTIFY_MS, b);
	printf("opened %s; notify the regulator before %s (%s%lld h %02lld min %s)\n", a, b,
	       left < 0 ? "" : "", (long long)(left < 0 ? -left : left) / 3600,
	       (long long)((left < 0 ? -left : left) % 3600) / 60, left < 0 ? "late" : "left");
	printf("scope:\n");
	for (size_t i = 0; i < x->n_parts; i++) {
		report_iso(x->parts[i].from_ms, a);
		report_iso(x->parts[i].to_ms, b);
		printf("  part %d: RPPS %s from %s to %s%s%s\n", x->parts[i].seq, x->part_rpps[i],
		       a, b, x->parts[i].ip[0] ? " from address " : "", x->parts[i].ip);
	}
	printf("affected: %lld people under %lld NIRs, %lld records that returned data",
	       (long long)c.persons, (long long)c.patients, (long long)c.records);
	if (c.uncertain)
		printf(" (%lld people listed as a precaution)", (long long)c.uncertain);
	printf("\n");
	if (c.records) {
		report_iso(c.first_ms, a);
		report_iso(c.last_ms, b);
		printf("seen from %s to %s\n", a, b);
	}
	printf("by field (people / records):\n");
	for (int f = 0; f < AFF_FIELDS; f++)
		if (c.field_records[f])
			printf("  %-12s %10lld %10lld\n", affected_field_name(f),
			       (long long)c.field_persons[f], (long long)c.field_records[f]);
	printf("by decision (people / records):\n  %-12s %10lld %10lld\n  %-12s %10lld %10lld\n",
	       "full", (long long)c.decision_persons[AFF_ALLOW],
	       (long long)c.decision_records[AFF_ALLOW], "minimised",
	       (long long)c.decision_persons[AFF_MINIMISE],
	       (long long)c.decision_records[AFF_MINIMISE]);
	for (size_t i = 0; i < 3; i++)
		if (campaign_status(st, x->inc.id, CH[i], &p) == 0)
			printf("campaign %s: %lld of %lld sent, %lld failed%s\n", CH[i],
			       (long long)p.sent, (long long)p.total, (long long)p.failed,
			       p.done ? " (done)" : "");
}

static int show(struct store *st, const struct vault *v, const struct args *a, int64_t now)
{
	struct incident_view *x = calloc(1, sizeof(*x));
	int rc;

	if (!x)
		return cli_fail("out of memory");
	rc = incident_load(st, v, a->id, x);
	if (rc == 0 && a->json) {
		struct jw w;

		jw_init(&w, 4096);
		report_summary(&w, x, now);
		if (jw_finish(&w) == 0)
			printf("%s\n", w.buf);
		jw_release(&w);
	} else if (rc == 0) {
		print_summary(x, now, st);
	}
	incident_view_release(x);
	free(x);
	if (rc == VG_ENOTFOUND)
		return cli_fail("no incident %lld (vigie incident list)", (long long)a->id);
	return rc ? cli_fail("cannot read incident %lld: %s", (long long)a->id, vg_strerror(rc))
	          : 0;
}

static int export(struct incident_ctx *c, const struct args *a)
{
	struct incident_view *x = calloc(1, sizeof(*x));
	enum report_format fmt =
	        a->format && strcmp(a->format, "json") == 0 ? REPORT_JSON : REPORT_CSV;
	FILE *f = stdout;
	int64_t last = 0;
	int rc;

	if (a->format && strcmp(a->format, "csv") != 0 && strcmp(a->format, "json") != 0)
		return cli_fail("--format is csv or json");
	if (!x)
		return cli_fail("out of memory");
	rc = incident_load(c->st, c->v, a->id, x);
	if (rc == VG_ENOTFOUND) {
		free(x);
		return cli_fail("no incident %lld (vigie incident list)", (long long)a->id);
	}
	/* The export is an act: journaled before any name leaves. */
	if (rc == 0)
		rc = incident_record(c, a->id, "incident.export", (int64_t)affected_size(x->set));
	if (rc == 0 && a->out && !(f = fopen(a->out, "wx")))
		rc = VG_EIO;
	if (rc == 0)
		rc = report_list(x, c->st, c->v, fmt, 0, 0, out_file, f, &last);
	if (f && f != stdout && fclose(f) != 0 && rc == 0)
		rc = VG_EIO;
	if (rc == 0 && a->out)
		fprintf(stderr, "vigie: %zu people written to %s (journal entry %llu)\n",
		        affected_size(x->set), a->out, (unsigned long long)c->last_index);
	incident_view_release(x);
	free(x);
	return rc ? cli_fail("cannot export incident %lld: %s%s", (long long)a->id, vg_strerror(rc),
	                     a->out ? " (--out must be a new file)" : "")
	          : 0;
}

static int draft(struct store *st, const struct vault *v, const struct args *a, int64_t now)
{
	struct incident_view *x = calloc(1, sizeof(*x));
	struct jw w;
	int rc;

	if (!x)
		return cli_fail("out of memory");
	rc = incident_load(st, v, a->id, x);
	if (rc == 0) {
		jw_init(&w, 8192);
		report_draft(&w, x, st, now, a->contact);
		if (jw_finish(&w) == 0)
			fputs(w.buf, stdout);
		jw_release(&w);
	}
	incident_view_release(x);
	free(x);
	if (rc == VG_ENOTFOUND)
		return cli_fail("no incident %lld (vigie incident list)", (long long)a->id);
	return rc ? cli_fail("cannot read incident %lld: %s", (long long)a->id, vg_strerror(rc))
	          : 0;
}

static int list(struct store *st)
{
	struct store_incident xs[200];
	char t[32];
	size_t n = 0;
	int rc = store_incident_list(st, xs, 200, &n);

	if (rc != 0)
		return cli_fail("cannot list incidents: %s", vg_strerror(rc));
	for (size_t i = 0; i < n; i++) {
		report_iso(xs[i].opened_ms, t);
		printf("%lld\t%s\t%s\t%s\n", (long long)xs[i].id,
		       xs[i].status == INCIDENT_OPEN ? "open" : "closed", t, xs[i].title);
	}
	return 0;
}

int cmd_incident(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";
	struct incident_scope_req *q = calloc(1, sizeof(*q));
	struct cli_journal j;
	struct incident_ctx c;
	char why[BODY_WHY_MAX] = "";
	struct store *st = NULL;
	struct vault *v = NULL;
	struct args a;
	int64_t id = 0;
	int rc, status = 1;

	if (!q)
		return cli_fail("out of memory");
	if (argc < 2 || parse_args(argc - 1, argv + 1, "incident", &a) != 0) {
		free(q);
		return argc < 2 ? cli_usage("incident") : 2;
	}
	if (strcmp(sub, "list") != 0 && strcmp(sub, "open") != 0 && a.id == 0) {
		free(q);
		return strcmp(sub, "widen") && strcmp(sub, "close") && strcmp(sub, "show") &&
		                       strcmp(sub, "export") && strcmp(sub, "draft")
		               ? cli_usage("incident")
		               : cli_fail("%s needs --incident ID", sub);
	}
	if (strcmp(sub, "open") == 0 || strcmp(sub, "widen") == 0) {
		if (!a.rpps || !a.from || !a.to) {
			free(q);
			return cli_fail("%s needs --rpps RPPS[,RPPS...] --from WHEN --to WHEN",
			                sub);
		}
		if (scope_from_args(strcmp(sub, "open") == 0 ? a.title : NULL, a.rpps, a.from, a.to,
		                    a.ip, wall_ms(NULL), q, why) != 0) {
			free(q);
			return cli_fail("%s", why);
		}
	}
	if (cli_open(a.dir, &v, &st) != 0) {
		free(q);
		return 1;
	}
	ctx_init(&c, &j, st, v, a.dir);
	if (strcmp(sub, "open") == 0 || strcmp(sub, "widen") == 0 || strcmp(sub, "close") == 0) {
		if (strcmp(sub, "open") == 0)
			rc = incident_open(&c, q, &id, why);
		else if (strcmp(sub, "widen") == 0)
			rc = incident_widen(&c, id = a.id, q, why);
		else
			rc = incident_close(&c, id = a.id, why);
		if (rc != 0) {
			cli_fail("%s", why);
		} else {
			fprintf(stderr, "vigie: incident %lld %s (journal entry %llu)\n",
			        (long long)id,
			        strcmp(sub, "open") == 0    ? "opened"
			        : strcmp(sub, "widen") == 0 ? "widened"
			                                    : "closed",
			        (unsigned long long)c.last_index);
			if (strcmp(sub, "open") == 0)
				printf("%lld\n", (long long)id);
			status = 0;
		}
	} else if (strcmp(sub, "show") == 0) {
		status = show(st, v, &a, c.now_ms);
	} else if (strcmp(sub, "export") == 0) {
		status = export(&c, &a);
	} else if (strcmp(sub, "draft") == 0) {
		status = draft(st, v, &a, c.now_ms);
	} else if (strcmp(sub, "list") == 0) {
		status = list(st);
	} else {
		status = cli_usage("incident");
	}
	cli_journal_release(&j);
	store_close(st);
	vault_free(v);
	free(q);
	return status;
}

/* ---- vigie notify ---- */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct bar {
	int quiet, tty;
	int64_t last_ms;
	const char *channel;
};

static int progress(void *arg, const struct campaign_progress *p)
{
	struct bar *b = arg;
	int64_t now = wall_ms(NULL), done = p->sent + p->failed;
	double frac = p->total ? (double)done / (double)p->total : 1.0, rate;
	char cells[41];
	int full = (int)(frac * 40);

	if (b->quiet || (!p->done && now - b->last_ms < (b->tty ? 200 : 5000)))
		return 0;
	b->last_ms = now;
	for (int i = 0; i < 40; i++)
		cells[i] = i < full ? '#' : '.';
	cells[40] = '\0';
	rate = p->elapsed_ms > 0 ? (double)p->this_run * 1000.0 / (double)p->elapsed_ms : 0;
	fprintf(stderr, "%s%-6s [%s] %5.1f%% %lld/%lld sent, %lld failed, %.0f/s%s",
	        b->tty ? "\r" : "", b->channel, cells, frac * 100, (long long)p->sent,
	        (long long)p->total, (long long)p->failed, rate, b->tty && !p->done ? "" : "\n");
	return 0;
}

/*
 * --account-events: what insured people's accounts have to tell them, sent
 * once (a server started without --smtp leaves them waiting). Runs of one
 * data directory take turns on DIR/account-mail.lock with a server's sender.
 */
static int account_events(const struct args *a)
{
	static atomic_int stop_account;
	struct account_mail_counts c;
	struct account_mail *am = NULL;
	struct store *st = NULL;
	struct vault *v = NULL;
	char lock[4096];
	struct account_mail_cfg cfg = { a->smtp, a->mailfrom, lock, 1 };
	int rc;

	if (!a->smtp || !a->mailfrom)
		return cli_fail("--account-events needs --smtp URL and --from-address ADDR");
	cli_path(lock, sizeof(lock), a->dir, ACCOUNT_MAIL_LOCK);
	if (account_mail_new(&cfg, &am) != 0)
		return cli_fail("--from-address: not an address we send as");
	if (cli_open(a->dir, &v, &st) != 0) {
		account_mail_free(am);
		return 1;
	}
	rc = account_mail_run(am, st, v, wall_ms(NULL), &stop_account, &c);
	if (!a->quiet || rc != 0)
		fprintf(stderr,
		        "vigie: account e-mails: %lld sent, %lld failed, %lld to try again%s\n",
		        (long long)c.sent, (long long)c.failed, (long long)c.retry,
		        rc == VG_EBUSY ? " (the mail server did not take one: run this again)"
		                       : "");
	account_mail_free(am);
	store_close(st);
	vault_free(v);
	if (rc != 0 && rc != VG_EBUSY)
		return cli_fail("account e-mails: %s", vg_strerror(rc));
	return rc == VG_EBUSY ? 3 : 0;
}

int cmd_notify(int argc, char **argv)
{
	struct cli_journal j;
	struct incident_ctx c;
	struct campaign_progress p;
	char why[BODY_WHY_MAX], channels[64], *save = NULL, *ch;
	struct store *st = NULL;
	struct vault *v = NULL;
	struct sigaction sa;
	struct args a;
	int rc = 0, status = 0;

	if (parse_args(argc, argv, "notify", &a) != 0)
		return 2;
	if (a.account)
		return a.id || a.channel ? cli_usage("notify") : account_events(&a);
	if (a.id == 0 || !a.channel || strlen(a.channel) >= sizeof(channels))
		return cli_usage("notify");
	if (cli_open(a.dir, &v, &st) != 0)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ctx_init(&c, &j, st, v, a.dir);
	memcpy(channels, a.channel, strlen(a.channel) + 1);
	for (ch = strtok_r(channels, ",", &save); ch && !stop_flag;
	     ch = strtok_r(NULL, ",", &save)) {
		struct bar b = { a.quiet, isatty(2), 0, ch };
		struct campaign_cfg cfg = { .channel = ch,
			                    .smtp_url = a.smtp,
			                    .from = a.mailfrom,
			                    .out_dir = a.out,
			                    .batch = (size_t)a.batch,
			                    .senders = (size_t)a.parallel,
			                    .rate = a.rate,
			                    .now_ms = wall_ms,
			                    .progress = progress,
			                    .progress_arg = &b,
			                    .stop = &stop_flag };

		c.now_ms = wall_ms(NULL);
		rc = campaign_run(&c, a.id, &cfg, &p, why);
		if (rc != 0) {
			if (b.tty && !a.quiet)
				fputc('\n', stderr);
			cli_fail("%s: %s", ch, why);
			status = rc == VG_EBUSY ? 3 : 1;
			break;
		}
		if (!a.quiet)
			fprintf(stderr,
			        "vigie: %s: %lld sent, %lld failed, %lld with no address for this "
			        "channel (campaign %lld)\n",
			        ch, (long long)p.sent, (long long)p.failed,
			        (long long)p.unreachable, (long long)p.campaign_id);
	}
	cli_journal_release(&j);
	store_close(st);
	vault_free(v);
	letter_fonts_release();
	return status;
}
