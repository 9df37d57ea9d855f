/*
 * cmd_replay.c - `vigie replay --events FILE.jsonl [--quiet] [--skip-bad]
 * [--utc-offset MIN] [--max-accounts N] [--data DIR]`: the guard over a
 * recorded or generated event stream (core/event.h), in file order, through
 * the same gate (core/gate.h) and per-account table (core/guard_table.h) as
 * the server.
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
 * and "patient_dept" (core/geo), else is unknown.
 *
 * A malformed line is named on stderr ("FILE: line N: why"). By default
 * replay stops there, prints the summary of what came before and exits 1;
 * with --skip-bad it names the first 10, counts them all ("bad_lines") and
 * goes on (exit 0).
 *
 * Accounts are keyed by RPPS; their guard states (about 2.8 KiB each) are
 * allocated as accounts appear. More than --max-accounts (default and
 * ceiling 1,000,000, about 2.8 GB of state) is refused with an error.
 * Patients, addresses and user agents are hashed under a fixed key (two
 * runs over one file print the same lines), or with --data DIR under the
 * server's own guard key, with the professional's profession, department
 * and opening hours from DIR's directory where a line does not say them:
 * recorded traffic is then judged exactly as that server judged it.
 * Local time is UTC + --utc-offset minutes, or by default Europe/Paris's
 * time at each event (core/civil.h: summer time included). A line that says
 * "open" is judged open (or closed) at its time, whatever the hours.
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
#include <sodium.h>

#include "cli/open.h"
#include "core/civil.h"
#include "core/event.h"
#include "core/gate.h"
#include "core/guard_table.h"
#include "node/node.h"
#include "core/guard.h"
#include "core/nir.h"
#include "core/geo.h"
#include "core/banned.h"

#define ACCOUNTS_MAX     1000000u
#define CHUNK            4096u  /* guard states per allocation */
#define LINE_MAX_BYTES   65536u /* longer lines are refused */
#define READ_BYTES       (1u << 20)
#define OUT_BYTES        (1u << 16)
#define SUSPENDED_LISTED 100
#define BAD_NAMED        10

/* ------------------------------------------------------------------ accounts */

/*
 * The account key of an RPPS (core/guard_table.h): the number itself when
 * it is all digits (an RPPS is 11), else a 64-bit hash with the top bit set,
 * so the two kinds never meet.
 */
static uint64_t account_key(const char *rpps)
{
	uint64_t k = 0, h = 1469598103934665603ULL;
	size_t n = strlen(rpps);

	if (n > 0 && n <= 18 && strspn(rpps, "0123456789") == n) {
		for (size_t i = 0; i < n; i++)
			k = k * 10 + (uint64_t)(rpps[i] - '0');
		return k + 1;
	}
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)rpps[i]) * 1099511628211ULL;
	return h | (1ULL << 63);
}

/* ------------------------------------------------------------------ --data */

/* What the data directory says of a professional (--data): profession, department, hours. */
struct known {
	int kind;
	char dept[4];
	int hours_set;
	struct hours hours;
};

/* Professionals already read from the directory, by account key (open addressing). */
struct knowns {
	uint64_t *keys;     /* 0: empty */
	struct known *vals; /* NULL entries: not in the directory */
	uint8_t *present;
	size_t cap, n;
};

struct run;
/* The directory's data of rpps (NULL when it has no such professional): 0 or a fatal error. */
static int known(struct run *r, const char *rpps, const struct known **out);

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

/* GUARD_GEO_*, or -1 when a department code is not a French department's. */
static int geo_of(const struct replay_event *re)
{
	int i, j;

	if (re->near >= 0)
		return re->near ? GUARD_GEO_NEAR : GUARD_GEO_FAR;
	if (!re->dept[0] || !re->patient_dept[0])
		return GUARD_GEO_UNKNOWN;
	i = geo_dept_index(re->dept, strlen(re->dept));
	j = geo_dept_index(re->patient_dept, strlen(re->patient_dept));
	if (i < 0 || j < 0)
		return -1;
	return geo_near_index(i, j) ? GUARD_GEO_NEAR : GUARD_GEO_FAR;
}

/* ------------------------------------------------------------------ the command */

/* A parsed line waiting for its decision, its account's state already being fetched. */
struct staged {
	struct replay_event re;
	struct guard_account *a;
	const struct known *who; /* NULL: the line alone says who */
	struct nir nir;
	uint64_t line;
	int geo, valid;
};

struct run {
	const char *path;
	struct store *store; /* --data: the professionals' directory (NULL without it) */
	int quiet, skip_bad;
	int fixed_offset; /* --utc-offset given: that offset, else Europe/Paris's at each t */
	int32_t offset;
	struct hours open, closed; /* for lines that say "open" */
	struct guard_cfg cfg;
	struct guard_table acc;
	struct out *out;
	struct knowns knowns;
	uint64_t events, bad, counts[GUARD_DECISIONS], suspended, step_ups, reinstated;
	struct staged slots[2], *pending;
	int turn;
	uint64_t line; /* lines read so far (the current one's number) */
	char listed[SUSPENDED_LISTED][16];
};

static int known(struct run *r, const char *rpps, const struct known **out)
{
	struct knowns *k = &r->knowns;
	uint64_t key = account_key(rpps);
	size_t i;
	struct store_pro p;
	int rc;

	*out = NULL;
	if (k->n * 2 >= k->cap) { /* grow (the first call allocates) */
		size_t cap = k->cap ? k->cap * 2 : 1024;
		uint64_t *keys = calloc(cap, sizeof(*keys));
		struct known *vals = calloc(cap, sizeof(*vals));
		uint8_t *present = calloc(cap, 1);

		if (!keys || !vals || !present) {
			free(keys);
			free(vals);
			free(present);
			return VG_ENOMEM;
		}
		for (size_t j = 0; j < k->cap; j++) {
			if (!k->keys[j])
				continue;
			for (i = k->keys[j] & (cap - 1); keys[i]; i = (i + 1) & (cap - 1))
				;
			keys[i] = k->keys[j];
			vals[i] = k->vals[j];
			present[i] = k->present[j];
		}
		free(k->keys);
		free(k->vals);
		free(k->present);
		k->keys = keys;
		k->vals = vals;
		k->present = present;
		k->cap = cap;
	}
	for (i = key & (k->cap - 1); k->keys[i]; i = (i + 1) & (k->cap - 1))
		if (k->keys[i] == key) {
			*out = k->present[i] ? &k->vals[i] : NULL;
			return 0;
		}
	k->keys[i] = key;
	k->n++;
	rc = strlen(rpps) < sizeof(p.rpps) ? store_pro_get(r->store, rpps, &p) : VG_ENOTFOUND;
	if (rc == VG_ENOTFOUND)
		return 0; /* not in the directory: the line alone says who */
	if (rc != 0)
		return rc;
	k->present[i] = 1;
	k->vals[i].kind = p.kind;
	memcpy(k->vals[i].dept, p.dept, sizeof(k->vals[i].dept));
	k->vals[i].hours_set = p.hours_set;
	k->vals[i].hours = p.hours;
	sodium_memzero(&p, sizeof(p));
	*out = &k->vals[i];
	return 0;
}

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
	sl->who = NULL;
	if (r->store) {
		rc = known(r, sl->re.rpps, &sl->who);
		if (rc != 0)
			return rc;
		if (sl->who && !sl->re.dept[0])
			memcpy(sl->re.dept, sl->who->dept, sizeof(sl->re.dept));
	}
	sl->geo = geo_of(&sl->re);
	if (sl->geo < 0) {
		*why = "dept or patient_dept is not a French department code";
		return 1;
	}
	rc = guard_table_get(&r->acc, account_key(sl->re.rpps), &sl->a);
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
	struct gate_lookup l;
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
	l = (struct gate_lookup){
		.t_ms = re->t_ms,
		.utc_offset_min = offset,
		.profession = re->profession ? re->profession
		              : sl->who      ? sl->who->kind
		                             : 0,
		.practice_dept = re->dept,
		.hours = re->open >= 0                   ? (re->open ? &r->open : &r->closed)
		         : sl->who && sl->who->hours_set ? &sl->who->hours
		                                         : NULL,
		.nir = sl->valid ? sl->nir.canon : re->nir,
		.nir_len = sl->valid ? NIR_LEN : strlen(re->nir),
		.key_valid = sl->valid,
		.found = (re->found < 0 ? sl->valid : re->found == 1) ? 1 : 0,
		.honeytoken = re->honeytoken == 1,
		.mismatch = re->mismatch == 1,
		.patient_dept = re->patient_dept,
		.near = sl->geo == GUARD_GEO_NEAR  ? 1
		        : sl->geo == GUARD_GEO_FAR ? 0
		                                   : -1,
		.proof = re->card ? GATE_PROOF_OK : GATE_NO_PROOF,
		.ip = re->ip[0] ? re->ip : NULL,
		.ua = re->ua[0] ? re->ua : NULL,
		.token_moved = re->token_moved == 1,
	};
	gate_event(&l, &ge);
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
	static const char *const KEYS[GUARD_DECISIONS] = { "allow",    "minimise", "step_up",
		                                           "throttle", "deny",     "suspend" };
	struct out *o = r->out;
	char num[64];

	out_str(o, "{\"summary\":{\"events\":");
	out_u64(o, r->events);
	out_str(o, ",\"bad_lines\":");
	out_u64(o, r->bad);
	out_str(o, ",\"accounts\":");
	out_u64(o, guard_table_count(&r->acc));
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
	static const struct option OPTS[] = { { "events", required_argument, NULL, 'e' },
		                              { "quiet", no_argument, NULL, 'q' },
		                              { "skip-bad", no_argument, NULL, 's' },
		                              { "utc-offset", required_argument, NULL, 'u' },
		                              { "max-accounts", required_argument, NULL, 'm' },
		                              { "data", required_argument, NULL, 'd' },
		                              { NULL, 0, NULL, 0 } };
	uint8_t key[GUARD_KEY_BYTES] = { 0 };
	struct vault *vault = NULL;
	struct store *st = NULL;
	const char *dir = NULL;
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
		else if (c == 'd')
			dir = optarg;
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
	if (guard_table_init(&r->acc, (size_t)max) != 0) {
		cli_fail("out of memory");
		goto out;
	}
	if (dir) {
		/* The server's view: its guard key, and its directory of professionals. */
		if (cli_open(dir, &vault, &st) != 0)
			goto out;
		vigie_guard_key(vault, key);
		r->store = st;
	}
	guard_cfg_init(&r->cfg, key);
	sodium_memzero(key, sizeof(key));
	r->fixed_offset = fixed_offset;
	r->offset = offset;
	hours_always(&r->open);
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
		cli_fail("%s: line %" PRIu64 ": more than %" PRIu64 " accounts (--max-accounts)",
		         path, r->line, max);
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
	store_close(st);
	vault_free(vault);
	if (r) {
		free(r->knowns.keys);
		free(r->knowns.vals);
		free(r->knowns.present);
		guard_table_release(&r->acc);
		free(r->out);
	}
	free(r);
	free(buf);
	return status;
}
