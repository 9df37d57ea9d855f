/*
 * cmd_replay.c - `vigie replay --events FILE.jsonl [--quiet] [--skip-bad]
 * [--utc-offset MIN] [--max-accounts N]`: the guard (core/guard.h) over a
 * recorded or generated event stream (core/event.h), in file order.
 *
 * Output on stdout: one decision a lookup line,
 *     {"i":N,"decision":"...","score":S,"reasons":["...",...]}
 * where N is the 0-based line number in the file (blank lines and action
 * lines, "action":"step_up"|"reinstate", print nothing and keep their
 * number), then one summary line {"summary":{...}} with the counts per
 * decision, the accounts, those suspended (the first 100 by RPPS), the
 * actions applied, the time taken. --quiet prints the summary only
 * (benchmarks). Events whose line does not say the profession are judged
 * as a pharmacist's; "found" defaults to "the NIR is valid"; the patient's
 * department against the practice's comes from "near", else from "dept"
 * and "patient_dept" and popdata's neighbours, else is unknown.
 *
 * A malformed line is named on stderr ("FILE: line N: why"). By default
 * replay stops there, prints the summary of what came before and exits 1;
 * with --skip-bad it names the first 10, counts them all ("bad_lines") and
 * goes on (exit 0).
 *
 * Accounts are keyed by RPPS in an open-addressing table; their guard
 * states (about 2.8 KiB each) live in chunks allocated as accounts appear.
 * More than --max-accounts (default and ceiling 1,000,000, about 2.8 GB of
 * state) is refused with an error. Patients, addresses and user agents are
 * hashed under a fixed key: replay is offline analysis and keeps nothing,
 * and a fixed key makes two runs over one file print the same lines.
 * Local time is UTC + --utc-offset minutes, or by default Europe/Paris's
 * time at each event (core/civil.h: summer time included). A line that says
 * "open" is judged open (or closed) at its time, whatever the profession's
 * usual hours.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/civil.h"
#include "core/event.h"
#include "core/guard.h"
#include "core/nir.h"
#include "sim/popdata.h"

#define ACCOUNTS_MAX 1000000u
#define CHUNK 4096u            /* guard states per allocation */
#define LINE_MAX_BYTES 65536u  /* longer lines are refused */
#define READ_BYTES (1u << 20)
#define OUT_BYTES (1u << 16)
#define SUSPENDED_LISTED 100
#define BAD_NAMED 10

/* ------------------------------------------------------------------ accounts */

struct slot {
	uint64_t h;      /* hash of rpps; 0 marks an empty slot */
	uint32_t idx;    /* index of the state */
	char rpps[16];
};

struct accounts {
	struct slot *slots;
	size_t cap, n, max;
	struct guard_account **chunks; /* max / CHUNK + 1 pointers */
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h | 1;
}

static int accounts_init(struct accounts *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
	t->cap = 1024;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	t->chunks = calloc(max / CHUNK + 1, sizeof(*t->chunks));
	return t->slots && t->chunks ? 0 : VG_ENOMEM;
}

static void accounts_release(struct accounts *t)
{
	for (size_t i = 0; t->chunks && i <= t->max / CHUNK; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->slots);
}

static struct guard_account *state_of(const struct accounts *t, uint32_t idx)
{
	return &t->chunks[idx / CHUNK][idx % CHUNK];
}

static int grow(struct accounts *t)
{
	size_t cap = t->cap * 2;
	struct slot *s = calloc(cap, sizeof(*s));

	if (!s)
		return VG_ENOMEM;
	for (size_t k = 0; k < t->cap; k++) {
		size_t i;

		if (!t->slots[k].h)
			continue;
		for (i = t->slots[k].h & (cap - 1); s[i].h; i = (i + 1) & (cap - 1))
			;
		s[i] = t->slots[k];
	}
	free(t->slots);
	t->slots = s;
	t->cap = cap;
	return 0;
}

/* The state of rpps, created fresh if new. VG_ETOOBIG past max accounts, VG_ENOMEM. */
static int account(struct accounts *t, const char *rpps, struct guard_account **out)
{
	uint64_t h = fnv(rpps);
	size_t i;
	uint32_t idx;

	for (i = h & (t->cap - 1); t->slots[i].h; i = (i + 1) & (t->cap - 1))
		if (t->slots[i].h == h && strcmp(t->slots[i].rpps, rpps) == 0) {
			*out = state_of(t, t->slots[i].idx);
			return 0;
		}
	if (t->n >= t->max)
		return VG_ETOOBIG;
	idx = (uint32_t)t->n;
	if (!t->chunks[idx / CHUNK]) {
		t->chunks[idx / CHUNK] = malloc(CHUNK * sizeof(struct guard_account));
		if (!t->chunks[idx / CHUNK])
			return VG_ENOMEM;
	}
	guard_account_init(state_of(t, idx));
	t->slots[i].h = h;
	t->slots[i].idx = idx;
	memcpy(t->slots[i].rpps, rpps, sizeof(t->slots[i].rpps));
	t->n++;
	*out = state_of(t, idx);
	if (t->n * 2 > t->cap && grow(t) != 0)
		return VG_ENOMEM;
	return 0;
}

/* ------------------------------------------------------------------ output */

struct out {
	char buf[OUT_BYTES];
	size_t n;
	int failed;
};

static void out_flush(struct out *o)
{
	if (o->n && fwrite(o->buf, 1, o->n, stdout) != o->n)
		o->failed = 1;
	o->n = 0;
}

static void out_bytes(struct out *o, const char *s, size_t n)
{
	if (o->n + n > sizeof(o->buf))
		out_flush(o);
	memcpy(o->buf + o->n, s, n);
	o->n += n;
}

static void out_str(struct out *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

static void out_u64(struct out *o, uint64_t v)
{
	char d[20];
	size_t n = 0;

	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out_bytes(o, d + sizeof(d) - n, n);
}

static void out_decision(struct out *o, uint64_t i, const struct guard_result *r)
{
	int first = 1;

	if (o->n + 512 > sizeof(o->buf)) /* a line is at most about 400 bytes */
		out_flush(o);
	out_str(o, "{\"i\":");
	out_u64(o, i);
	out_str(o, ",\"decision\":\"");
	out_str(o, guard_decision_name(r->decision));
	out_str(o, "\",\"score\":");
	out_u64(o, r->score);
	out_str(o, ",\"reasons\":[");
	for (unsigned b = 0; b < GUARD_REASONS; b++) {
		if (!(r->reasons & (1u << b)))
			continue;
		out_str(o, first ? "\"" : ",\"");
		out_str(o, guard_reason_name(b));
		out_str(o, "\"");
		first = 0;
	}
	out_str(o, "]}\n");
}

/* ------------------------------------------------------------------ geography */

/* near[i] has bit j when department j is i or one of its neighbours (popdata indices). */
struct geo {
	uint64_t near[POPDATA_N_DEPTS][2];
};

static void geo_init(struct geo *g)
{
	memset(g, 0, sizeof(*g));
	for (int i = 0; i < POPDATA_N_DEPTS; i++) {
		g->near[i][i / 64] |= (uint64_t)1 << (i % 64);
		for (int k = 0; k < popdata_depts[i].n_neigh; k++) {
			int j = popdata_dept_index(popdata_depts[i].neigh[k]);

			if (j >= 0)
				g->near[i][j / 64] |= (uint64_t)1 << (j % 64);
		}
	}
}

/* GUARD_GEO_*, or -1 when a department code is not in the tables. */
static int geo_of(const struct geo *g, const struct replay_event *re)
{
	int i, j;

	if (re->near >= 0)
		return re->near ? GUARD_GEO_NEAR : GUARD_GEO_FAR;
	if (!re->dept[0] || !re->patient_dept[0])
		return GUARD_GEO_UNKNOWN;
	i = popdata_dept_index(re->dept);
	j = popdata_dept_index(re->patient_dept);
	if (i < 0 || j < 0)
		return -1;
	return (g->near[i][j / 64] >> (j % 64)) & 1 ? GUARD_GEO_NEAR : GUARD_GEO_FAR;
}

/* ------------------------------------------------------------------ the command */

/* A parsed line waiting for its decision, its account's state already being fetched. */
struct staged {
	struct replay_event re;
	struct guard_account *a;
	struct nir nir;
	uint64_t line;
	int geo, valid;
};

struct run {
	const char *path;
	int quiet, skip_bad;
	int fixed_offset;    /* --utc-offset given: that offset, else Europe/Paris's at each t */
	int32_t offset;
	struct hours open, closed; /* for lines that say "open" */
	struct guard_cfg cfg;
	struct accounts acc;
	struct geo geo;
	struct out *out;
	uint64_t events, bad, counts[GUARD_DECISIONS], suspended, step_ups, reinstated;
	struct staged slots[2], *pending;
	int turn;
	uint64_t line;       /* lines read so far (the current one's number) */
	char listed[SUSPENDED_LISTED][16];
};

static void bad_line(struct run *r, uint64_t line, const char *why)
{
	if (++r->bad <= BAD_NAMED || !r->skip_bad) {
		out_flush(r->out);
		fflush(stdout);
		fprintf(stderr, "vigie: %s: line %" PRIu64 ": %s\n", r->path, line, why);
	}
}

/*
 * Parse a line into sl and find its account. 0, 1 for a bad line (*why
 * set), or a fatal VG_* error.
 */
static int stage(struct run *r, struct staged *sl, const char *s, size_t len, uint64_t line,
                 const char **why)
{
	enum nir_fault fault;
	int rc;

	if (event_parse(s, len, &sl->re, why) != 0)
		return 1;
	sl->geo = geo_of(&r->geo, &sl->re);
	if (sl->geo < 0) {
		*why = "dept or patient_dept is not a French department code";
		return 1;
	}
	rc = account(&r->acc, sl->re.rpps, &sl->a);
	if (rc != 0)
		return rc;
	/*
	 * The state (a few KiB) is rarely in cache with thousands of accounts:
	 * fetch its scalars and rings now, while the previous line is decided.
	 */
	for (size_t o = 0; o < offsetof(struct guard_account, day_map); o += 64)
		__builtin_prefetch((const char *)sl->a + o, 1);
	sl->line = line;
	sl->valid = sl->re.action == REPLAY_LOOKUP &&
	            nir_parse(sl->re.nir, strlen(sl->re.nir), &sl->nir, &fault) == 0;
	return 0;
}

static void decide(struct run *r, struct staged *sl)
{
	const struct replay_event *re = &sl->re;
	int32_t offset = r->fixed_offset ? r->offset : civil_paris_offset_min(re->t_ms / 1000);
	struct guard_event ge;
	struct guard_result res;

	if (re->action == REPLAY_STEP_UP) {
		guard_step_up_done(&r->cfg, sl->a, re->t_ms, offset);
		r->step_ups++;
		return;
	}
	if (re->action == REPLAY_REINSTATE) {
		guard_reinstate(&r->cfg, sl->a, re->t_ms, offset);
		r->reinstated++;
		return;
	}
	ge = (struct guard_event){
		.t_ms = re->t_ms,
		.utc_offset_min = offset,
		.hours = re->open < 0 ? NULL : re->open ? &r->open : &r->closed,
		.profession = re->profession,
		.nir = sl->valid ? sl->nir.canon : re->nir,
		.nir_len = sl->valid ? NIR_LEN : strlen(re->nir),
		.key_valid = sl->valid,
		.found = re->found < 0 ? sl->valid : re->found == 1,
		.honeytoken = re->honeytoken == 1,
		.card = re->card,
		.token_moved = re->token_moved == 1,
		.geo = (enum guard_geo)sl->geo,
		.ip = re->ip[0] ? re->ip : NULL,
		.ua = re->ua[0] ? re->ua : NULL,
	};
	res = guard_decide(&r->cfg, sl->a, &ge);
	r->counts[res.decision]++;
	r->events++;
	if (res.suspended_now) {
		if (r->suspended < SUSPENDED_LISTED)
			memcpy(r->listed[r->suspended], re->rpps, sizeof(re->rpps));
		r->suspended++;
	}
	if (!r->quiet)
		out_decision(r->out, sl->line - 1, &res);
}

/* Decide the line staged before, if any. */
static void drain(struct run *r)
{
	if (r->pending) {
		decide(r, r->pending);
		r->pending = NULL;
	}
}

/*
 * One line (without its newline), in two steps so that the memory of one
 * account is fetched while the line before is decided; decisions stay in
 * file order. 0, 1 for a bad line, or a fatal VG_* error.
 */
static int one(struct run *r, const char *s, size_t len, uint64_t line)
{
	struct staged *sl = &r->slots[r->turn];
	const char *why = NULL;
	int rc = stage(r, sl, s, len, line, &why);

	drain(r);
	if (rc == 1)
		bad_line(r, line, why);
	if (rc != 0)
		return rc;
	r->pending = sl;
	r->turn ^= 1;
	return 0;
}

/* Skip the rest of a line too long for the buffer. 0 and the bytes after it in buf, or VG_EIO. */
static int skip_line(int fd, char *buf, size_t *have)
{
	for (;;) {
		ssize_t got = read(fd, buf, READ_BYTES);
		char *nl;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return VG_EIO;
		if (got == 0) {
			*have = 0;
			return 0;
		}
		nl = memchr(buf, '\n', (size_t)got);
		if (nl) {
			*have = (size_t)got - (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, *have);
			return 0;
		}
	}
}

/*
 * Every line of fd through one(), in blocks of READ_BYTES (the last line
 * may lack its newline). 0 at the end of the file, 1 when stopped on a bad
 * line, VG_EIO if reading failed, or the fatal error of one().
 */
static int replay_fd(struct run *r, int fd, char *buf)
{
	size_t have = 0;
	int rc = 0;

	for (;;) {
		ssize_t got = read(fd, buf + have, READ_BYTES - have);
		size_t start = 0;
		bool eof;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return VG_EIO;
		eof = got == 0;
		have += (size_t)got;
		while (start < have) {
			char *nl = memchr(buf + start, '\n', have - start);
			size_t len;

			if (!nl && !eof)
				break;
			len = nl ? (size_t)(nl - (buf + start)) : have - start;
			r->line++;
			if (len > LINE_MAX_BYTES) {
				drain(r);
				bad_line(r, r->line, "the line is longer than 65536 bytes");
				rc = 1;
			} else if (len == 0 || (len == 1 && buf[start] == '\r')) {
				rc = 0;
			} else {
				rc = one(r, buf + start, len, r->line);
			}
			if (rc < 0 || (rc == 1 && !r->skip_bad))
				return rc;
			start += len + (nl ? 1 : 0);
		}
		if (eof)
			return 0;
		if (start == 0 && have == READ_BYTES) {
			/* One line fills the buffer: it is too long whatever follows. */
			drain(r);
			bad_line(r, ++r->line, "the line is longer than 65536 bytes");
			if (!r->skip_bad)
				return 1;
			rc = skip_line(fd, buf, &have);
			if (rc != 0)
				return rc;
			continue;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
	}
}

static void summary(struct run *r, double secs)
{
	static const char *const KEYS[GUARD_DECISIONS] = { "allow", "minimise", "step_up",
	                                                   "throttle", "deny", "suspend" };
	struct out *o = r->out;
	char num[64];

	out_str(o, "{\"summary\":{\"events\":");
	out_u64(o, r->events);
	out_str(o, ",\"bad_lines\":");
	out_u64(o, r->bad);
	out_str(o, ",\"accounts\":");
	out_u64(o, r->acc.n);
	out_str(o, ",\"suspended_accounts\":");
	out_u64(o, r->suspended);
	out_str(o, ",\"step_ups_given\":");
	out_u64(o, r->step_ups);
	out_str(o, ",\"reinstated\":");
	out_u64(o, r->reinstated);
	for (int d = 0; d < GUARD_DECISIONS; d++) {
		out_str(o, ",\"");
		out_str(o, KEYS[d]);
		out_str(o, "\":");
		out_u64(o, r->counts[d]);
	}
	out_str(o, ",\"suspended\":[");
	for (uint64_t k = 0; k < r->suspended && k < SUSPENDED_LISTED; k++) {
		out_str(o, k ? ",\"" : "\"");
		out_str(o, r->listed[k]); /* an RPPS from the parser: no quote or backslash */
		out_str(o, "\"");
	}
	snprintf(num, sizeof(num), "],\"seconds\":%.3f,\"events_per_second\":%.0f}}\n", secs,
	         secs > 0 ? (double)r->events / secs : 0.0);
	out_str(o, num);
	out_flush(o);
}

static int parse_offset(const char *s, int32_t *out)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < -720 || v > 840)
		return -1;
	*out = (int32_t)v;
	return 0;
}

int cmd_replay(int argc, char **argv)
{
	static const struct option OPTS[] = {
		{ "events", required_argument, NULL, 'e' }, { "quiet", no_argument, NULL, 'q' },
		{ "skip-bad", no_argument, NULL, 's' },     { "utc-offset", required_argument, NULL, 'u' },
		{ "max-accounts", required_argument, NULL, 'm' }, { NULL, 0, NULL, 0 }
	};
	static const uint8_t KEY[GUARD_KEY_BYTES] = { 0 };
	struct run *r = NULL;
	char *buf = NULL;
	uint64_t max = ACCOUNTS_MAX;
	int32_t offset = 0;
	int c, fd = -1, status = 1, rc, quiet = 0, skip_bad = 0, fixed_offset = 0;
	struct timespec t0, t1;
	const char *path = NULL;

	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		if (c == 'e')
			path = optarg;
		else if (c == 'q')
			quiet = 1;
		else if (c == 's')
			skip_bad = 1;
		else if (c == 'u' && parse_offset(optarg, &offset) == 0)
			fixed_offset = 1;
		else if (c == 'm' && cli_u64(optarg, "--max-accounts", &max) == 0 && max >= 1 &&
		         max <= ACCOUNTS_MAX)
			;
		else if (c == 'u' || c == 'm')
			return cli_fail("--utc-offset: -720..840 minutes; --max-accounts: 1..%u",
			                ACCOUNTS_MAX);
		else
			return cli_usage("replay");
	}
	if (!path || optind != argc)
		return cli_usage("replay");
	r = calloc(1, sizeof(*r));
	buf = malloc(READ_BYTES);
	if (!r || !buf || !(r->out = calloc(1, sizeof(*r->out)))) {
		cli_fail("out of memory");
		goto out;
	}
	r->quiet = quiet;
	r->skip_bad = skip_bad;
	r->path = path;
	if (accounts_init(&r->acc, (size_t)max) != 0) {
		cli_fail("out of memory");
		goto out;
	}
	guard_cfg_init(&r->cfg, KEY);
	r->fixed_offset = fixed_offset;
	r->offset = offset;
	hours_always(&r->open);
	geo_init(&r->geo);
	fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_fail("cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = replay_fd(r, fd, buf);
	drain(r);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == VG_ETOOBIG)
		cli_fail("%s: line %" PRIu64 ": more than %" PRIu64 " accounts (--max-accounts)", path,
		         r->line, max);
	else if (rc == VG_EIO)
		cli_fail("cannot read %s: %s", path, strerror(errno));
	else if (rc < 0)
		cli_fail("%s: line %" PRIu64 ": %s", path, r->line, vg_strerror(rc));
	out_flush(r->out);
	summary(r, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (fflush(stdout) != 0 || r->out->failed)
		cli_fail("cannot write the decisions: %s", strerror(errno));
	else if (rc == 0)
		status = 0;
out:
	if (fd > STDIN_FILENO)
		close(fd);
	if (r) {
		accounts_release(&r->acc);
		free(r->out);
	}
	free(r);
	free(buf);
	return status;
}
