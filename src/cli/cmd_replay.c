/*
 * cmd_replay.c - `vigie replay --events FILE.jsonl [--quiet]`: the guard
 * (core/guard.h) over a recorded or generated event stream, one decision a
 * line ({"i","decision","score","reasons"}) and a summary. Accounts are
 * keyed by RPPS in an open-addressing table (at most 1,000,000); patients
 * and addresses are hashed (FNV-1a: this is offline analysis, not the live
 * pseudonyms). Local time is Europe/Paris winter time (UTC+1).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/event.h"
#include "core/guard.h"
#include "core/nir.h"

#define ACCOUNTS_MAX 1000000

struct slot {
	char rpps[16];
	struct guard_account a;
};

struct table {
	struct slot *s;
	size_t cap, n;
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct guard_account *account(struct table *t, const char *rpps)
{
	size_t i;

	if (t->n * 2 >= t->cap) {
		struct table g = { calloc(t->cap ? t->cap * 2 : 1024, sizeof(struct slot)),
		                   t->cap ? t->cap * 2 : 1024, 0 };

		if (!g.s)
			return NULL;
		for (size_t k = 0; k < t->cap; k++) {
			if (!t->s[k].rpps[0])
				continue;
			for (i = fnv(t->s[k].rpps) & (g.cap - 1); g.s[i].rpps[0]; i = (i + 1) & (g.cap - 1))
				;
			g.s[i] = t->s[k];
			g.n++;
		}
		free(t->s);
		*t = g;
	}
	for (i = fnv(rpps) & (t->cap - 1); t->s[i].rpps[0]; i = (i + 1) & (t->cap - 1))
		if (strcmp(t->s[i].rpps, rpps) == 0)
			return &t->s[i].a;
	if (t->n >= ACCOUNTS_MAX)
		return NULL;
	memcpy(t->s[i].rpps, rpps, sizeof(t->s[i].rpps));
	t->n++;
	return &t->s[i].a;
}

/* The first 13 characters of a canonical NIR as a number (2A -> 19, 2B -> 18), 0 if not valid. */
static uint64_t serial(const char *canon, int valid)
{
	char d[14];
	uint64_t v = 0;

	if (!valid)
		return 0;
	memcpy(d, canon, 13);
	d[13] = '\0';
	if (d[5] == '2' && (d[6] == 'A' || d[6] == 'B')) {
		d[5] = '1';
		d[6] = d[6] == 'A' ? '9' : '8';
	}
	for (int i = 0; i < 13; i++)
		v = v * 10 + (uint64_t)(d[i] - '0');
	return v;
}

int cmd_replay(int argc, char **argv)
{
	static const struct option OPTS[] = { { "events", required_argument, NULL, 'e' },
	                                       { "quiet", no_argument, NULL, 'q' },
	                                       { NULL, 0, NULL, 0 } };
	const char *path = NULL;
	struct guard_cfg cfg;
	struct table tab = { 0 };
	uint64_t counts[GUARD_SUSPEND + 1] = { 0 }, n = 0, suspended = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int c, quiet = 0, status = 0;
	struct timespec t0, t1;

	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		if (c == 'e')
			path = optarg;
		else if (c == 'q')
			quiet = 1;
		else
			return cli_fail("usage: vigie replay --events FILE.jsonl [--quiet]");
	}
	if (!path)
		return cli_fail("usage: vigie replay --events FILE.jsonl [--quiet]");
	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	if (!f)
		return cli_fail("cannot read %s", path);
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);
	guard_cfg_defaults(&cfg);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((len = getline(&line, &cap, f)) > 0) {
		struct replay_event re;
		struct guard_event ge;
		struct guard_account *a;
		struct guard_result r;
		struct nir nir;
		enum nir_fault fault;
		const char *why;
		int valid;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		if (event_parse(line, (size_t)len, &re, &why) != 0) {
			fflush(stdout);
			fprintf(stderr, "vigie: %s: line %" PRIu64 ": %s\n", path, n + 1, why);
			status = 1;
			break;
		}
		if (!(a = account(&tab, re.rpps))) {
			fflush(stdout);
			fprintf(stderr, "vigie: %s: more than %d accounts\n", path, ACCOUNTS_MAX);
			status = 1;
			break;
		}
		valid = nir_parse(re.nir, strlen(re.nir), &nir, &fault) == 0;
		ge = (struct guard_event){
			.t = re.t, .patient = fnv(re.nir), .nir_serial = serial(nir.canon, valid),
			.ip = fnv(re.ip), .key_valid = valid,
			.found = re.found < 0 ? valid : re.found == 1,
			.honeytoken = re.honeytoken == 1, .card = re.card,
			.near = re.near != 0, .utc_offset_min = 60,
		};
		int was = (int)a->suspended;
		r = guard_decide(&cfg, a, &ge);
		counts[r.decision]++;
		if (!was && a->suspended)
			suspended++;
		if (!quiet) {
			printf("{\"i\":%" PRIu64 ",\"decision\":\"%s\",\"score\":%u,\"reasons\":[", n,
			       guard_decision_name(r.decision), r.score);
			for (unsigned b = 0, first = 1; b < GUARD_REASONS; b++)
				if (r.reasons & (1u << b)) {
					printf("%s\"%s\"", first ? "" : ",", guard_reason_name(b));
					first = 0;
				}
			fputs("]}\n", stdout);
		}
		n++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(line);
	if (f != stdin)
		fclose(f);
	{
		double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

		printf("{\"summary\":{\"events\":%" PRIu64 ",\"accounts\":%zu,\"suspended_accounts\":%" PRIu64
		       ",\"allow\":%" PRIu64 ",\"minimise\":%" PRIu64 ",\"step_up\":%" PRIu64
		       ",\"throttle\":%" PRIu64 ",\"deny\":%" PRIu64 ",\"suspend\":%" PRIu64
		       ",\"seconds\":%.3f,\"events_per_second\":%.0f}}\n",
		       n, tab.n, suspended, counts[GUARD_ALLOW], counts[GUARD_MINIMISE],
		       counts[GUARD_STEP_UP], counts[GUARD_THROTTLE], counts[GUARD_DENY],
		       counts[GUARD_SUSPEND], secs, secs > 0 ? (double)n / secs : 0);
	}
	fflush(stdout);
	free(tab.s);
	return status;
}
