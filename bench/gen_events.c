/*
 * gen_events N OUT [SEED] - N replay events (DESIGN.md's format, with the
 * optional "profession", "dept", "patient_dept" and "found" members of
 * core/event.h) for `vigie replay --events OUT --quiet`, in time order.
 *
 * Legitimate traffic: 2,000 professionals (half pharmacists, then GPs,
 * specialists, laboratories, hospitals), each seeing a pool of their own
 * patients, mostly from their department or a neighbour, in opening hours,
 * 85 % with a card, from their own address. From day 12, attacks: ten of
 * those accounts are taken over from another address (leaked lists, fast
 * and at a human pace, with and without cards never), and ten new
 * accounts enumerate (sequential NIRs, random valid NIRs of nobody,
 * guessed keys). The RPPS of the attacked and attacking accounts are
 * printed on stderr, so that the replay's "suspended" list can be checked.
 *
 * Deterministic for a seed (default 1). Not a substitute for `vigie sim`:
 * it exists to time replay on a realistic mix.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/nir.h"
#include "sim/popdata.h"

#define PROS 2000
#define TAKEN 10          /* legitimate accounts taken over: the last TAKEN */
#define ENUMERATORS 10
#define ATTACK_DAY 12
#define DAY0 1763938800LL /* 2025-11-24 00:00 in Paris (UTC+1) */

struct ev {
	int64_t t_ms;
	uint32_t pro;      /* account index; PROS.. for the enumerators */
	uint64_t patient;  /* patient id (NIR derived from it), or an enumeration counter */
	uint8_t card, kind, found, pdept;
};

enum kind { K_LEGIT, K_LIST, K_SEQ, K_RANDOM, K_GUESS };

struct pro {
	int profession, dept, visits, pool, open_h, close_h;
};

static uint64_t sm(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t *s, uint64_t n)
{
	return sm(s) % n;
}

/* Patient id -> a valid NIR with its key (same id, same NIR). */
static void nir_of(uint64_t id, char out[16])
{
	uint64_t s = id * 0x2545F4914F6CDD1DULL + 7;
	int dept = 1 + (int)below(&s, 95), key;
	char d[32];

	if (dept == 20)
		dept = 21;
	snprintf(d, sizeof(d), "%d%02d%02d%02d%03d%03d", 1 + (int)below(&s, 2), (int)below(&s, 100),
	         1 + (int)below(&s, 12), dept, 1 + (int)below(&s, 900), 1 + (int)below(&s, 999));
	key = nir_compute_key(d);
	memcpy(out, d, 13);
	out[13] = (char)('0' + key / 10);
	out[14] = (char)('0' + key % 10);
	out[15] = '\0';
}

static int cmp_ev(const void *x, const void *y)
{
	const struct ev *a = x, *b = y;

	if (a->t_ms != b->t_ms)
		return a->t_ms < b->t_ms ? -1 : 1;
	return a->pro < b->pro ? -1 : a->pro > b->pro;
}

struct gen {
	struct ev *evs;
	size_t n, cap;
};

static int push(struct gen *g, struct ev e)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 1 << 16;
		struct ev *p = realloc(g->evs, cap * sizeof(*p));

		if (!p)
			return -1;
		g->evs = p;
		g->cap = cap;
	}
	g->evs[g->n++] = e;
	return 0;
}

/* A patient's department: the practice's mostly, a neighbour often, anywhere now and then. */
static int patient_dept(uint64_t *s, int dept)
{
	uint64_t r = below(s, 100);
	const uint8_t *neigh;
	unsigned n;

	if (r < 75)
		return dept;
	n = geo_neighbours(dept, &neigh);
	if (r < 95 && n > 0)
		return neigh[below(s, (uint64_t)n)];
	return (int)below(s, 96);
}

static int day_events(struct gen *g, const struct pro *pros, int day, uint64_t *s)
{
	int64_t base = (DAY0 + (int64_t)day * 86400) * 1000;

	if (day % 7 == 6)
		return 0; /* Sunday */
	for (uint32_t p = 0; p < PROS; p++) {
		const struct pro *q = &pros[p];
		int64_t span = (int64_t)(q->close_h - q->open_h) * 3600000;

		if (day >= ATTACK_DAY && p >= PROS - TAKEN && (p % 2))
			continue; /* half the taken accounts' owners are away: only the attacker works */
		for (int v = 0; v < q->visits; v++) {
			struct ev e = { 0 };
			uint64_t who = below(s, 100) < 85 ? below(s, (uint64_t)q->pool)
			                                  : 1000000 + below(s, 100000000);

			e.t_ms = base + q->open_h * 3600000LL + (int64_t)below(s, (uint64_t)span);
			e.pro = p;
			e.patient = (uint64_t)p * 100000000000ULL + who;
			e.card = below(s, 100) < 85;
			e.kind = K_LEGIT;
			e.found = 1;
			e.pdept = (uint8_t)patient_dept(s, q->dept);
			if (push(g, e) != 0)
				return -1;
		}
	}
	if (day < ATTACK_DAY)
		return 0;
	/* Taken-over accounts: a leaked list, fast (even) or at a human pace (odd). */
	for (uint32_t p = PROS - TAKEN; p < PROS; p++) {
		int fast = p % 2 == 0, n = fast ? 2000 : 300;
		int64_t t = base + 9 * 3600000LL;

		for (int i = 0; i < n; i++) {
			struct ev e = { 0 };

			t += fast ? 1000 + (int64_t)below(s, 4000) : 60000 + (int64_t)below(s, 120000);
			e.t_ms = t;
			e.pro = p;
			e.patient = 900000000000000ULL + (uint64_t)day * 1000000 + p * 10000 + (uint64_t)i;
			e.kind = K_LIST;
			e.found = 1;
			e.pdept = (uint8_t)pros[p].dept; /* filtered to the account's department */
			if (push(g, e) != 0)
				return -1;
		}
	}
	/* Enumerators: new accounts walking NIRs. */
	for (uint32_t k = 0; k < ENUMERATORS; k++) {
		int64_t t = base + 10 * 3600000LL;

		for (int i = 0; i < 3000; i++) {
			struct ev e = { 0 };

			t += 500 + (int64_t)below(s, 1500);
			e.t_ms = t;
			e.pro = PROS + k;
			e.patient = (uint64_t)day * 100000 + (uint64_t)i;
			e.kind = (uint8_t)(k % 3 == 0 ? K_SEQ : k % 3 == 1 ? K_RANDOM : K_GUESS);
			e.found = e.kind == K_SEQ ? i % 3 != 0 : 0;
			e.pdept = 255;
			if (push(g, e) != 0)
				return -1;
		}
	}
	return 0;
}

struct out {
	FILE *f;
	char buf[1 << 16];
	size_t n;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->n + n > sizeof(o->buf)) {
		fwrite(o->buf, 1, o->n, o->f);
		o->n = 0;
	}
	memcpy(o->buf + o->n, s, n);
	o->n += n;
}

static void write_ev(struct out *o, const struct ev *e, const struct pro *pros)
{
	char line[512], nir[16], rpps[16];
	int n, prof = e->pro < PROS ? pros[e->pro].profession : 1;
	const char *ua = "LGPI/4.2";
	char ip[32];

	snprintf(rpps, sizeof(rpps), "%011" PRIu64,
	         (uint64_t)(e->pro < PROS ? 10000000000ULL + e->pro : 19000000000ULL + e->pro - PROS));
	if (e->kind == K_SEQ) {
		char d[32];
		int key;

		snprintf(d, sizeof(d), "1850775%03d%03d", (int)(101 + e->patient / 999 % 800),
		         (int)(1 + e->patient % 999));
		key = nir_compute_key(d);
		snprintf(nir, sizeof(nir), "%.13s%02d", d, key);
	} else {
		nir_of(e->patient, nir);
		if (e->kind == K_GUESS)
			nir[14] = nir[14] == '9' ? '0' : (char)(nir[14] + 1);
	}
	if (e->kind != K_LEGIT) {
		snprintf(ip, sizeof(ip), "198.51.100.%u", (unsigned)(e->pro % 250));
		ua = "python-requests/2.31";
	} else {
		snprintf(ip, sizeof(ip), "10.%u.%u.1", (unsigned)(e->pro >> 8 & 255),
		         (unsigned)(e->pro & 255));
	}
	if (e->pdept != 255)
		n = snprintf(line, sizeof(line),
		             "{\"t\":%" PRId64 ".%03d,\"rpps\":\"%s\",\"nir\":\"%s\",\"card\":%s,"
		             "\"ip\":\"", e->t_ms / 1000, (int)(e->t_ms % 1000), rpps, nir,
		             e->card ? "true" : "false");
	else
		n = snprintf(line, sizeof(line),
		             "{\"t\":%" PRId64 ".%03d,\"rpps\":\"%s\",\"nir\":\"%s\",\"card\":false,"
		             "\"ip\":\"", e->t_ms / 1000, (int)(e->t_ms % 1000), rpps, nir);
	n += snprintf(line + n, sizeof(line) - (size_t)n, "%s\",\"ua\":\"%s\",\"profession\":%d", ip,
	              ua, prof);
	if (e->pdept != 255 && e->pro < PROS)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ",\"dept\":\"%s\",\"patient_dept\":\"%s\"",
		              geo_dept_code(pros[e->pro].dept), geo_dept_code(e->pdept));
	if (e->kind == K_RANDOM)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ",\"found\":false");
	else if (e->kind == K_SEQ && !e->found)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ",\"found\":false");
	n += snprintf(line + n, sizeof(line) - (size_t)n, "}\n");
	put(o, line, (size_t)n);
}

int main(int argc, char **argv)
{
	static struct pro pros[PROS];
	static struct out o;
	struct gen g = { 0 };
	uint64_t n, written = 0, seed = 1, s;
	char *end;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: gen_events N OUT [SEED]\n");
		return 2;
	}
	errno = 0;
	n = strtoull(argv[1], &end, 10);
	if (errno || *end || n == 0) {
		fprintf(stderr, "gen_events: N must be a positive number\n");
		return 2;
	}
	if (argc == 4) {
		seed = strtoull(argv[3], &end, 10);
		if (errno || *end) {
			fprintf(stderr, "gen_events: SEED must be a number\n");
			return 2;
		}
	}
	o.f = strcmp(argv[2], "-") == 0 ? stdout : fopen(argv[2], "w");
	if (!o.f) {
		fprintf(stderr, "gen_events: cannot write %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	s = seed;
	for (int p = 0; p < PROS; p++) {
		uint64_t r = below(&s, 100);
		struct pro *q = &pros[p];

		q->dept = (int)below(&s, 96);
		if (r < 50)
			*q = (struct pro){ 1, q->dept, 80, 600, 9, 19 };
		else if (r < 80)
			*q = (struct pro){ 2, q->dept, 25, 800, 8, 19 };
		else if (r < 90)
			*q = (struct pro){ 3, q->dept, 20, 1000, 9, 18 };
		else if (r < 97)
			*q = (struct pro){ 4, q->dept, 60, 2000, 7, 13 };
		else
			*q = (struct pro){ 5, q->dept, 180, 5000, 0, 24 };
	}
	fprintf(stderr, "gen_events: taken-over accounts 10000001990..10000001999 from day %d, "
	                "enumerators 19000000000..19000000009\n", ATTACK_DAY);
	for (int day = 0; written < n; day++) {
		g.n = 0;
		if (day_events(&g, pros, day, &s) != 0) {
			fprintf(stderr, "gen_events: out of memory\n");
			return 1;
		}
		qsort(g.evs, g.n, sizeof(*g.evs), cmp_ev);
		for (size_t i = 0; i < g.n && written < n; i++, written++)
			write_ev(&o, &g.evs[i], pros);
	}
	fwrite(o.buf, 1, o.n, o.f);
	free(g.evs);
	if (fflush(o.f) != 0 || (o.f != stdout && fclose(o.f) != 0)) {
		fprintf(stderr, "gen_events: cannot write %s\n", argv[2]);
		return 1;
	}
	return 0;
}
