/*
 * simrun.c - see simrun.h. The model, in simulated time (no clock, no I/O
 * but the report):
 *
 * Population: seed_generate's people and professionals (the same as
 * `vigie seed` with the same sizes and seed), about 1 % of households
 * honeytokens.
 *
 * Legitimate traffic, 30 days from Monday 2026-02-02 (Europe/Paris time,
 * core/civil.h), after 28 days of the same from 2026-01-05 that give every
 * account a history (the guard learns from them; nothing of them is
 * reported: a stolen account is not a new one). Each professional has a patientele: 80 % from its
 * department, 17 % from neighbouring ones, 3 % from anywhere; never a
 * honeytoken. Per open day it checks rights for a number of patients around
 * its profession's mean (pharmacist 90, GP 30, specialist 25, lab 70,
 * hospital 200; x0.7 to x1.3), at uniform times within its own opening
 * hours (seed.c's: pharmacies Monday to Saturday, GPs and specialists on
 * weekdays, laboratories from 7:00, hospitals day and night), and a
 * pharmacy on its rota night checks 2 to 7 more between 19:00 and 09:00
 * (pharmacie de garde); 40 % of visits are patients seen in its last 64, 2 % are
 * travelling patients from anywhere. The card is present for 88 % of visits
 * (pharmacist), 83 % (GP), 84 % (specialist), 89 % (lab), 80 % (hospital),
 * and on 0.4 % of days the card reader is broken: no card all day. One
 * address and one client per professional. A step-up is answered with the
 * TOTP and the lookup retried; a legitimate suspension is counted and
 * lifted the next morning by an operator.
 *
 * Attacks, each on stolen accounts (pharmacists) whose owner keeps working:
 * the attacker has the password, the TOTP secret and a live token, so it
 * answers every step-up; it waits 60 s on a throttle, moves to the next
 * NIR on a denial and stops at the suspension. It logs in from its own
 * address (a new one for the account) except in the stolen-token attack,
 * where the owner's token is used from elsewhere. Leaked lists hold distinct
 * people (rank 0), so exposure is the number of distinct real people (not
 * honeytokens) answered, full (never without a card) or verified (the
 * answer of every card-less lookup: a match and the billing rights).
 *
 * The patients watch too (the server tells every card-less answer to the
 * person's account): ACCOUNT_PCT of insured people have an account; of
 * those told of a lookup that was not theirs (an attack), notme_pct (--notme-pct, 30) answer
 * "not me", 2 hours to 3 days later; of those told of their own card-less
 * lookup (a phone call, a relative), NOTME_FALSE_PER_1M say "not me" by
 * mistake. A "not me" stops the account for review at the account's next
 * request after it (guard_stop); a legitimate one is lifted the next
 * morning and counted with the legitimate suspensions (reason not_me).
 * These shares are assumptions, not measurements: no service tells its
 * patients of every card-less check today.
 */
#include "sim/simrun.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/gate.h"
#include "core/geo.h"
#include "core/guard.h"
#include "core/guard_table.h"
#include "core/hours.h"
#include "core/login_policy.h"
#include "core/nir.h"
#include "core/rng.h"
#include "sim/popdata.h"
#include "sim/seed.h"
#include "store/store.h"
#include "core/banned.h"

#define ACCOUNT_PCT        70
#define NOTME_FALSE_PER_1M 20
#define NOTME_MIN_S        (2 * 3600)
#define NOTME_SPAN_S       (70 * 3600)
#define N_ATTACKS          10
#define HISTORY_DAYS       28 /* legitimate days before the measured ones (a multiple of 7) */
#define SLOW_ACCOUNTS      20
#define MAX_ATTACKERS      (8 + 2 * SLOW_ACCOUNTS)
#define CAREFUL_QUOTA      4 /* the careful robot's first day: 4 people, then one more a day */
#define RECENT             64
#define TL_MAX             256

struct sperson {
	char nir[16];
	int16_t dept;
	uint8_t honey;
};

struct spro {
	char rpps[12];
	uint8_t kind;
	int16_t dept;
	uint32_t *pat, npat;
	uint32_t recent[RECENT];
	uint32_t nrecent;
	int attacked;            /* an attacker holds this account */
	int64_t attack_ms;       /* from then on */
	int64_t reinstate_day;   /* legit suspension: lifted on that day (-1: none) */
	struct hours hours;      /* its opening hours and rota (from the seed) */
	struct guard_account *g; /* its state, in sim.accounts */
	int64_t notme_ms;        /* a patient's "not me" arrives then (0: none) */
};

struct ev {
	int64_t t_ms;
	uint32_t pro, person;
	uint8_t card;
};

enum mode { M_SEQ, M_RAND, M_LIST, M_REPLAY };

struct attacker {
	int attack; /* index in ATTACKS */
	uint32_t pro;
	enum mode mode;
	uint32_t *list; /* person indices (M_LIST, M_REPLAY) */
	size_t n, pos;
	char seq_base[11]; /* M_SEQ: first 10 characters */
	unsigned seq_order;
	double gap_s; /* mean gap between lookups */
	int human;    /* exponential gaps, opening hours only */
	int moved;    /* the owner's token from another address */
	/* The careful robot: never answers a step-up, ends its day at one, and keeps a daily
	 * quota that grows by one after a day without a refusal and shrinks by a third after one. */
	int careful, hit;
	uint32_t quota, today_n;
	int64_t today;
	int64_t start_ms, next_ms;
	int stopped;
	char ip[24];
	/* Outcome. */
	uint32_t lookups, full, minimised, step_ups;
	uint32_t dec[GUARD_DECISIONS];
	int64_t first_step_up_ms, suspended_ms;
	int by_patient; /* stopped by a patient's "not me" */
	uint32_t tl_n;
	int64_t tl_t[TL_MAX];
	uint32_t tl_x[TL_MAX];
	struct rng r;
};

static const char *const ATTACK_NAME[N_ATTACKS] = {
	"sequential NIR enumeration",
	"random NIRs with valid keys",
	"leaked list, fast",
	"leaked list, slow, own department, opening hours",
	"the same across 20 accounts",
	"stolen token used from a new address",
	"captured card proof replayed",
	"careful robot, under the budgets it infers",
	"the careful robot across 20 accounts",
	"credential stuffing against logins",
};

struct sim {
	const struct simrun_opts *o;
	struct guard_cfg cfg;
	struct guard_table accounts; /* the guard's per-account table, keyed by pro index + 1 */
	struct login_policy login;
	struct sperson *people;
	uint64_t npeople, cap_people;
	struct spro *pros;
	uint32_t npros, cap_pros;
	uint32_t *by_dept[POPDATA_N_DEPTS], n_dept[POPDATA_N_DEPTS], cap_dept[POPDATA_N_DEPTS];
	uint32_t *nir_tab; /* open addressing: person index + 1 */
	uint64_t nir_cap;
	int64_t t0_ms; /* 2026-01-05 00:00 local: the history starts */
	int64_t m0_ms; /* HISTORY_DAYS later, 2026-02-02: the measured days start */
	struct rng r;
	/* Legitimate traffic. */
	uint64_t legit_lookups[PRO_KINDS], legit_step_ups[PRO_KINDS];
	uint64_t legit_card[PRO_KINDS], legit_min[PRO_KINDS];
	uint64_t legit_throttle, legit_deny, legit_susp, owner_blocked;
	uint32_t legit_susp_reasons, legit_susp_kind[PRO_KINDS];
	uint64_t legit_notme; /* of legit_susp: a patient's "not me" by mistake */
	struct rng notme_r; /* the patients' answers (its own stream: the traffic stays the same) */
	uint32_t *pro_step_ups;
	/* Attacks. */
	struct attacker att[MAX_ATTACKERS];
	int natt;
	/* Credential stuffing. */
	uint32_t stuff_attempts, stuff_checked, spread_attempts, spread_checked;
};

/* ------------------------------------------------------------ population -- */

static uint64_t nir_hash(const char *nir)
{
	uint64_t h = 1469598103934665603ULL;

	for (int i = 0; i < NIR_LEN; i++)
		h = (h ^ (uint8_t)nir[i]) * 1099511628211ULL;
	return h;
}

static int64_t nir_find(const struct sim *s, const char *nir)
{
	for (uint64_t i = nir_hash(nir) & (s->nir_cap - 1);; i = (i + 1) & (s->nir_cap - 1)) {
		uint32_t v = s->nir_tab[i];

		if (!v)
			return -1;
		if (memcmp(s->people[v - 1].nir, nir, NIR_LEN) == 0)
			return v - 1;
	}
}

static int on_pro(void *ctx, const struct store_pro *p)
{
	struct sim *s = ctx;
	struct spro *x;

	if (s->npros == s->cap_pros)
		return VG_ENOMEM;
	x = &s->pros[s->npros];
	if (guard_table_get(&s->accounts, (uint64_t)s->npros + 1, &x->g) != 0)
		return VG_ENOMEM;
	s->npros++;
	memcpy(x->rpps, p->rpps, sizeof(x->rpps));
	x->kind = (uint8_t)p->kind;
	x->dept = (int16_t)geo_dept_index(p->dept, strlen(p->dept));
	x->reinstate_day = -1;
	if (p->hours_set)
		x->hours = p->hours;
	else
		hours_always(&x->hours);
	return 0;
}

static int on_person(void *ctx, int64_t id, const struct insured_ident *ident,
                     const struct insured_rights *rights)
{
	struct sim *s = ctx;
	struct sperson *p;
	int d = geo_dept_index(rights->dept, strlen(rights->dept));

	(void)id;
	if (s->npeople == s->cap_people)
		return VG_ENOMEM;
	p = &s->people[s->npeople];
	memcpy(p->nir, ident->nir, sizeof(p->nir));
	p->dept = (int16_t)d;
	p->honey = rights->honeytoken;
	if (ident->rank == 0 && d >= 0) {
		if (s->n_dept[d] == s->cap_dept[d]) {
			uint32_t cap = s->cap_dept[d] ? s->cap_dept[d] * 2 : 256;
			uint32_t *nd = realloc(s->by_dept[d], cap * sizeof(*nd));

			if (!nd)
				return VG_ENOMEM;
			s->by_dept[d] = nd;
			s->cap_dept[d] = cap;
		}
		s->by_dept[d][s->n_dept[d]++] = (uint32_t)s->npeople;
		for (uint64_t i = nir_hash(p->nir) & (s->nir_cap - 1);;
		     i = (i + 1) & (s->nir_cap - 1))
			if (!s->nir_tab[i]) {
				s->nir_tab[i] = (uint32_t)s->npeople + 1;
				break;
			}
	}
	s->npeople++;
	return 0;
}

/* A random real (not honeytoken) insured person of department d, or of anywhere if d has none. */
static uint32_t pick_in(struct sim *s, struct rng *r, int d)
{
	for (int tries = 0; tries < 50; tries++) {
		int dd = d >= 0 && s->n_dept[d] ? d : popdata_pick_dept(r);
		uint32_t k;

		if (!s->n_dept[dd])
			continue;
		k = s->by_dept[dd][rng_below(r, s->n_dept[dd])];
		if (!s->people[k].honey)
			return k;
	}
	return s->by_dept[0] ? s->by_dept[0][0] : 0;
}

static const uint32_t PATIENTELE[PRO_KINDS] = { 1500, 1500, 1000, 2000, 2500, 6000 };
static const uint32_t DAILY[PRO_KINDS] = { 90, 90, 30, 25, 70, 200 };
static const uint32_t CARD_PCT[PRO_KINDS] = { 88, 88, 83, 84, 89, 80 };

static int patientele(struct sim *s)
{
	for (uint32_t i = 0; i < s->npros; i++) {
		struct spro *p = &s->pros[i];
		uint32_t n = PATIENTELE[p->kind < PRO_KINDS ? p->kind : 0];

		p->pat = malloc(n * sizeof(*p->pat));
		if (!p->pat)
			return VG_ENOMEM;
		for (uint32_t k = 0; k < n; k++) {
			unsigned x = (unsigned)rng_below(&s->r, 100);
			int d = x < 80   ? p->dept
			        : x < 97 ? popdata_pick_neighbour(&s->r, p->dept)
			                 : -1;

			p->pat[k] = pick_in(s, &s->r, d);
		}
		p->npat = n;
	}
	return 0;
}

/* ------------------------------------------------------------- the guard -- */

/* A lookup's result through the gate (core/gate.h), as the server applies it. */
struct outcome {
	struct guard_result g;
	struct gate_verdict v;
	enum guard_decision d; /* what the professional got: allow, minimise or the refusal */
};

/* One lookup of nir (15 characters) by pro, through the same gate as the server's; who it found. */
static struct outcome lookup(struct sim *s, struct spro *p, const char *nir, enum gate_proof proof,
                             int moved, const char *ip, const char *ua, int64_t t_ms, int64_t *who)
{
	struct nir n;
	struct gate_lookup l = {
		.t_ms = t_ms,
		.utc_offset_min = civil_paris_offset_min(t_ms / 1000),
		.profession = p->kind,
		.hours = &p->hours,
		.nir = nir,
		.nir_len = NIR_LEN,
		.near = -1,
		.proof = proof,
		.ip = ip,
		.ua = ua,
		.token_moved = moved,
	};
	struct guard_event e;
	struct outcome o;

	l.key_valid = nir_parse(nir, NIR_LEN, &n, NULL) == 0;
	*who = l.key_valid ? nir_find(s, nir) : -1;
	if (*who >= 0) {
		l.found = 1;
		l.honeytoken = s->people[*who].honey;
		l.practice_dept = geo_dept_code(p->dept);
		l.patient_dept = geo_dept_code(s->people[*who].dept);
	}
	gate_event(&l, &e);
	o.g = guard_decide(&s->cfg, p->g, &e);
	o.v = gate_verdict(proof, &o.g, false);
	o.d = o.v.answer == GATE_REFUSE ? o.v.refusal
	      : o.v.minimised           ? GUARD_MINIMISE
	                                : GUARD_ALLOW;
	return o;
}

/* ------------------------------------------------------ legitimate days -- */

static int cmp_ev(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	return x->t_ms < y->t_ms   ? -1
	       : x->t_ms > y->t_ms ? 1
	       : x->pro < y->pro   ? -1
	                           : x->pro > y->pro;
}

/* Unix ms of local time local_ms (ms since the local midnight of sim day d), Europe/Paris. */
static int64_t at_local(const struct sim *s, int d, int64_t local_ms)
{
	int64_t t = s->t0_ms + (int64_t)d * 86400000 + local_ms; /* as if UTC+1 all along */

	return t - (int64_t)(civil_paris_offset_min(t / 1000) - 60) * 60000;
}

/* A uniform moment (ms after local midnight) in the open half hours of mask (not 0). */
static int64_t open_moment(struct rng *r, uint64_t mask)
{
	unsigned n = (unsigned)__builtin_popcountll(mask), k = (unsigned)rng_below(r, n), half;

	for (half = 0; half < 48; half++)
		if (((mask >> half) & 1) && k-- == 0)
			break;
	return (int64_t)half * 1800000 + (int64_t)(rng_unit(r) * 1800000.0);
}

/* The legitimate events of day d, sorted; *n set. */
static struct ev *legit_day(struct sim *s, int d, size_t *n)
{
	size_t cap = 0, k = 0;
	struct ev *evs = NULL;

	for (uint32_t i = 0; i < s->npros; i++) {
		struct spro *p = &s->pros[i];
		int kind = p->kind < PRO_KINDS ? p->kind : 0;
		uint64_t mask = p->hours.week[d % 7] & ((1ULL << 48) - 1); /* day 0 is a Monday */
		int64_t noon = at_local(s, d, 12 * 3600000) / 1000;
		int64_t local_day = civil_local_day(noon, civil_paris_offset_min(noon));
		uint32_t visits, night;
		int broken;

		night = hours_on_call_night(&p->hours, local_day)
		                ? 2 + (uint32_t)rng_below(&s->r, 6)
		                : 0;
		if (!mask && !night)
			continue;
		visits = mask ? (uint32_t)(DAILY[kind] * (0.7 + 0.6 * rng_unit(&s->r))) : 0;
		visits += night;
		broken = rng_below(&s->r, 1000) < 4;
		if (k + visits > cap) {
			size_t nc = (k + visits) * 2 + 1024;
			struct ev *ne = realloc(evs, nc * sizeof(*ne));

			if (!ne) {
				free(evs);
				return NULL;
			}
			evs = ne;
			cap = nc;
		}
		for (uint32_t v = 0; v < visits; v++) {
			struct ev *e = &evs[k++];
			/* The rota night's visits last, from 19:00 to 09:00 the next morning. */
			int64_t local =
			        v + night >= visits
			                ? (int64_t)((HOURS_NIGHT_FROM +
			                             rng_unit(&s->r) * (24 - HOURS_NIGHT_FROM +
			                                                HOURS_NIGHT_TO)) *
			                            3600000.0)
			                : open_moment(&s->r, mask);
			unsigned x = (unsigned)rng_below(&s->r, 100);

			e->t_ms = at_local(s, d, local);
			e->pro = i;
			if (x < 2)
				e->person = pick_in(s, &s->r, -1); /* travelling */
			else if (x < 42 && p->nrecent)
				e->person = p->recent[rng_below(
				        &s->r, p->nrecent < RECENT ? p->nrecent : RECENT)];
			else
				e->person = p->pat[rng_below(&s->r, p->npat)];
			p->recent[p->nrecent++ % RECENT] = e->person;
			e->card = !broken && rng_below(&s->r, 100) < CARD_PCT[kind];
		}
	}
	qsort(evs, k, sizeof(*evs), cmp_ev);
	*n = k;
	return evs;
}

/* Whether person who has an online account (a fixed share, by person). */
static int has_account(const struct sim *s, int64_t who)
{
	uint64_t x = ((uint64_t)who + 1) * 0x9E3779B97F4A7C15ULL ^ s->o->seed;

	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 29;
	return x % 100 < ACCOUNT_PCT;
}

/* A card-less answer about who, told to their account: maybe a "not me" for p's account. */
static void told(struct sim *s, struct spro *p, int64_t who, int64_t t_ms, uint64_t per_1m)
{
	if (who < 0 || s->people[who].honey || !has_account(s, who) ||
	    rng_below(&s->notme_r, 1000000) >= per_1m)
		return;
	t_ms += (int64_t)(NOTME_MIN_S + rng_below(&s->notme_r, NOTME_SPAN_S)) * 1000;
	if (!p->notme_ms || t_ms < p->notme_ms)
		p->notme_ms = t_ms;
}

/* A "not me" due by t_ms stops p's account: 1 if it did. */
static int not_me_due(struct spro *p, int64_t t_ms)
{
	if (!p->notme_ms || t_ms < p->notme_ms)
		return 0;
	p->notme_ms = 0;
	if (guard_is_suspended(p->g))
		return 0;
	guard_stop(p->g);
	return 1;
}

static void legit_event(struct sim *s, const struct ev *e)
{
	struct spro *p = &s->pros[e->pro];
	int kind = p->kind < PRO_KINDS ? p->kind : 0;
	char ip[24];
	int64_t who;
	struct outcome o;
	enum gate_proof proof = e->card ? GATE_PROOF_OK : GATE_NO_PROOF;

	if (p->attacked && e->t_ms >= p->attack_ms && guard_is_suspended(p->g)) {
		s->owner_blocked++; /* the owner of a stolen account is cut off with the attacker */
		return;
	}
	snprintf(ip, sizeof(ip), "10.%u.%u.1", (e->pro >> 8) & 255, e->pro & 255);
	o = lookup(s, p, s->people[e->person].nir, proof, 0, ip, "LGC/5.2", e->t_ms, &who);
	if (p->attacked) {
		/* Counted with its attack, not as legitimate traffic; before the attack starts, a
		 * suspension of the owner is lifted like any other, so the attack meets a live account. */
		if (o.g.suspended_now && e->t_ms < p->attack_ms)
			p->reinstate_day = (e->t_ms - s->t0_ms) / 86400000 + 1;
		return;
	}
	if (not_me_due(p, e->t_ms)) { /* a patient's mistake: reviewed, lifted the next morning */
		s->legit_susp++;
		s->legit_notme++;
		s->legit_susp_kind[kind]++;
		s->legit_susp_reasons |= GR_NOT_ME;
		p->reinstate_day = (e->t_ms - s->t0_ms) / 86400000 + 1;
	}
	s->legit_lookups[kind]++;
	s->legit_card[kind] += e->card;
	if (o.d == GUARD_STEP_UP) {
		s->legit_step_ups[kind]++;
		s->pro_step_ups[e->pro]++;
		guard_step_up_done(&s->cfg, p->g, e->t_ms + 20000,
		                   civil_paris_offset_min((e->t_ms + 20000) / 1000));
		o = lookup(s, p, s->people[e->person].nir, proof, 0, ip, "LGC/5.2", e->t_ms + 20000,
		           &who);
	}
	if (o.d == GUARD_MINIMISE)
		s->legit_min[kind]++;
	else if (o.d == GUARD_THROTTLE)
		s->legit_throttle++;
	else if (o.d == GUARD_DENY)
		s->legit_deny++;
	if (o.g.suspended_now) {
		s->legit_susp++;
		s->legit_susp_reasons |= o.g.reasons;
		s->legit_susp_kind[kind]++;
		p->reinstate_day = (e->t_ms - s->t0_ms) / 86400000 + 1;
	}
	if ((o.d == GUARD_ALLOW || o.d == GUARD_MINIMISE) && o.v.answer == GATE_VERIFY)
		told(s, p, who, e->t_ms, NOTME_FALSE_PER_1M);
}

/*
 * The accounts' history is over: what the legitimate counters saw in it is
 * not reported (the guard's state, which learnt from it, is kept).
 */
static void forget_history(struct sim *s)
{
	memset(s->legit_lookups, 0, sizeof(s->legit_lookups));
	memset(s->legit_step_ups, 0, sizeof(s->legit_step_ups));
	memset(s->legit_card, 0, sizeof(s->legit_card));
	memset(s->legit_min, 0, sizeof(s->legit_min));
	memset(s->legit_susp_kind, 0, sizeof(s->legit_susp_kind));
	s->legit_throttle = s->legit_deny = s->legit_susp = s->owner_blocked = 0;
	s->legit_susp_reasons = 0;
	s->legit_notme = 0;
	memset(s->pro_step_ups, 0, (size_t)s->cap_pros * sizeof(*s->pro_step_ups));
}

/* -------------------------------------------------------------- attacks -- */

static uint32_t pick_pharmacist(struct sim *s, uint32_t *cursor)
{
	for (uint32_t k = 0; k < s->npros; k++) {
		uint32_t i = (*cursor + k * 7919) % s->npros;

		if (s->pros[i].kind == PRO_PHARMACIST && !s->pros[i].attacked) {
			*cursor = i + 1;
			return i;
		}
	}
	for (uint32_t i = 0; i < s->npros; i++)
		if (!s->pros[i].attacked)
			return i;
	return 0;
}

/*
 * A leaked list: up to *n distinct people (rank 0, one per NIR) of
 * department d, or of anywhere when d < 0 (honeytokens included: a leak of
 * the operator's own data holds them). *n is set to the list's length.
 */
static uint32_t *leaked_list(struct sim *s, struct rng *r, int d, size_t *n)
{
	size_t pool_n = 0, k = 0;
	uint32_t *pool, *l;

	for (int dd = 0; dd < POPDATA_N_DEPTS; dd++)
		pool_n += d < 0 || dd == d ? s->n_dept[dd] : 0;
	pool = malloc((pool_n + 1) * sizeof(*pool));
	if (!pool)
		return NULL;
	for (int dd = 0; dd < POPDATA_N_DEPTS; dd++)
		if (d < 0 || dd == d)
			for (uint32_t i = 0; i < s->n_dept[dd]; i++)
				pool[k++] = s->by_dept[dd][i];
	if (*n > pool_n)
		*n = pool_n;
	for (size_t i = 0; i < *n; i++) { /* a partial Fisher-Yates shuffle */
		size_t j = i + (size_t)rng_below(r, pool_n - i);
		uint32_t t = pool[i];

		pool[i] = pool[j];
		pool[j] = t;
	}
	l = realloc(pool, (*n + 1) * sizeof(*l));
	return l ? l : pool;
}

static int add_attacker(struct sim *s, int attack, uint32_t pro, enum mode m, double gap_s,
                        int human, int day, double hour, uint32_t *list, size_t n)
{
	struct attacker *a = &s->att[s->natt];

	memset(a, 0, sizeof(*a));
	a->attack = attack;
	a->pro = pro;
	a->mode = m;
	a->list = list;
	a->n = n;
	a->gap_s = gap_s;
	a->human = human;
	a->start_ms = a->next_ms = s->m0_ms + (int64_t)day * 86400000 + (int64_t)(hour * 3600000);
	a->first_step_up_ms = a->suspended_ms = -1;
	snprintf(a->ip, sizeof(a->ip), "203.0.113.%d", s->natt + 1);
	rng_init(&a->r, s->o->seed * 1000003u + (uint64_t)s->natt);
	s->pros[pro].attacked = 1;
	s->pros[pro].attack_ms = a->start_ms;
	s->natt++;
	return 0;
}

static int plan_attacks(struct sim *s)
{
	uint32_t cur = 0, pro, *list;
	struct rng r;
	size_t n;

	rng_init(&r, s->o->seed ^ 0xa77acc5ULL);
	/* 1. Sequential: from a real NIR upward, a request every ~1.5 s. */
	pro = pick_pharmacist(s, &cur);
	add_attacker(s, 0, pro, M_SEQ, 1.5, 0, 1, 10.0, NULL, 3000);
	{
		struct attacker *a = &s->att[s->natt - 1];
		const char *base = s->people[pick_in(s, &r, s->pros[pro].dept)].nir;

		memcpy(a->seq_base, base, 10);
		a->seq_order =
		        (unsigned)((base[10] - '0') * 100 + (base[11] - '0') * 10 + base[12] - '0');
	}
	/* 2. Random NIRs with valid keys, one a second. */
	add_attacker(s, 1, pick_pharmacist(s, &cur), M_RAND, 1.0, 0, 3, 14.0, NULL, 3000);
	/* 3. A leaked list of real NIRs, fast, at night. */
	n = 3000;
	list = leaked_list(s, &r, -1, &n);
	add_attacker(s, 2, pick_pharmacist(s, &cur), M_LIST, 0.5, 0, 5, 3.0, list, n);
	/* 4. The list filtered to the account's department, human pace, opening hours. */
	pro = pick_pharmacist(s, &cur);
	n = 3000;
	list = leaked_list(s, &r, s->pros[pro].dept, &n);
	add_attacker(s, 3, pro, M_LIST, 240, 1, 7, 9.5, list, n);
	/* 5. The same spread over 20 stolen accounts. */
	for (int k = 0; k < SLOW_ACCOUNTS; k++) {
		pro = pick_pharmacist(s, &cur);
		n = 3000;
		list = leaked_list(s, &r, s->pros[pro].dept, &n);
		add_attacker(s, 4, pro, M_LIST, 240, 1, 9 + k % 3, 9.0 + 0.1 * k, list, n);
	}
	/* 6. The owner's token, used from a new address, every ~20 s. */
	pro = pick_pharmacist(s, &cur);
	n = 3000;
	list = leaked_list(s, &r, s->pros[pro].dept, &n);
	add_attacker(s, 5, pro, M_LIST, 20, 0, 12, 11.0, list, n);
	s->att[s->natt - 1].moved = 1;
	/* 7. Captured card proofs replayed (refused: each counts as a card-less lookup). */
	pro = pick_pharmacist(s, &cur);
	n = 50;
	list = leaked_list(s, &r, s->pros[pro].dept, &n);
	add_attacker(s, 6, pro, M_REPLAY, 5, 0, 14, 10.0, list, n);
	/* 8. and 9. The careful robot, on one account and on 20, for the whole month. */
	for (int k = 0; k <= SLOW_ACCOUNTS; k++) {
		struct attacker *a;

		pro = pick_pharmacist(s, &cur);
		n = 3000;
		list = leaked_list(s, &r, s->pros[pro].dept, &n);
		add_attacker(s, k ? 8 : 7, pro, M_LIST, 240, 1, 1 + k % 3, 9.5 + 0.1 * k, list, n);
		a = &s->att[s->natt - 1];
		a->careful = 1;
		a->quota = CAREFUL_QUOTA;
		a->today = -1;
	}
	for (int i = 0; i < s->natt; i++)
		if ((s->att[i].mode == M_LIST || s->att[i].mode == M_REPLAY) && !s->att[i].list &&
		    s->att[i].n)
			return VG_ENOMEM;
	return 0;
}

/* nir = s13 and its key. */
static void set_key(const char *s13, char nir[16])
{
	int k = nir_compute_key(s13);

	memcpy(nir, s13, 13);
	nir[13] = (char)('0' + (k / 10) % 10);
	nir[14] = (char)('0' + k % 10);
	nir[15] = '\0';
}

/* The NIR of the attacker's next lookup. */
static void next_nir(struct sim *s, struct attacker *a, char nir[16])
{
	switch (a->mode) {
	case M_SEQ: {
		char s13[14];

		memcpy(s13, a->seq_base, 10);
		snprintf(s13 + 10, 4, "%03u", (a->seq_order + (unsigned)a->pos + 1) % 1000);
		set_key(s13, nir);
		break;
	}
	case M_RAND: {
		char s13[14];
		int d = popdata_pick_dept(&a->r);
		const char *code = geo_dept_code(d);

		snprintf(s13, sizeof(s13), "%u%02u%02u%.2s%03u%03u",
		         1 + (unsigned)rng_below(&a->r, 2), (unsigned)rng_below(&a->r, 100),
		         1 + (unsigned)rng_below(&a->r, 12), strlen(code) == 2 ? code : "75",
		         1 + (unsigned)rng_below(&a->r, 400), 1 + (unsigned)rng_below(&a->r, 999));
		set_key(s13, nir);
		break;
	}
	default: memcpy(nir, s->people[a->list[a->pos]].nir, 16); break;
	}
	(void)s;
}

/* When the attacker acts next, after `after` ms; human attackers keep to opening hours. */
static int64_t schedule(struct sim *s, struct attacker *a, int64_t now)
{
	double gap = a->human ? -log(1.0 - rng_unit(&a->r)) * a->gap_s
	                      : a->gap_s * (0.8 + 0.4 * rng_unit(&a->r));
	int64_t t = now + (int64_t)(gap * 1000.0) + 1;

	if (a->human) {
		for (int guard = 0; guard < 14; guard++) {
			int64_t since = t - s->t0_ms, day = since / 86400000;
			double hour = (double)(since % 86400000) / 3600000.0;

			if (day % 7 < 6 && hour >= 9.0 && hour < 19.0)
				break;
			t = s->t0_ms + (hour >= 19.0 || day % 7 == 6 ? day + 1 : day) * 86400000 +
			    9 * 3600000 + (int64_t)(rng_unit(&a->r) * 1800000.0);
		}
	}
	return t;
}

static void timeline(struct attacker *a, int64_t t)
{
	uint32_t x = a->full + a->minimised;

	if (a->tl_n < TL_MAX)
		a->tl_n++;
	else
		memmove(a->tl_t + TL_MAX / 2, a->tl_t + TL_MAX / 2 + 1,
		        (TL_MAX / 2 - 1) * sizeof(a->tl_t[0])),
		        memmove(a->tl_x + TL_MAX / 2, a->tl_x + TL_MAX / 2 + 1,
		                (TL_MAX / 2 - 1) * sizeof(a->tl_x[0]));
	a->tl_t[a->tl_n - 1] = t;
	a->tl_x[a->tl_n - 1] = x;
}

/*
 * The careful robot's day: a new day grows its quota by one after a day
 * without a refusal; once the quota is reached it rests until tomorrow's
 * opening hours. 1 if it rests now (a->next_ms set).
 */
static int careful_rests(struct sim *s, struct attacker *a, int64_t t)
{
	int64_t day = (t - s->t0_ms) / 86400000;

	if (day != a->today) {
		if (a->today >= 0 && !a->hit)
			a->quota++;
		a->today = day;
		a->today_n = 0;
		a->hit = 0;
	}
	if (a->today_n < a->quota)
		return 0;
	a->next_ms = schedule(s, a, s->t0_ms + (day + 1) * 86400000 + 8 * 3600000);
	return 1;
}

static void attacker_step(struct sim *s, struct attacker *a)
{
	struct spro *p = &s->pros[a->pro];
	int64_t t = a->next_ms, who;
	char nir[16], ip[24];
	/* Captured card proofs replayed are refused as used: the gate decides what that gives. */
	enum gate_proof proof = a->mode == M_REPLAY ? GATE_PROOF_BAD : GATE_NO_PROOF;
	struct outcome o;

	if (not_me_due(p, t))
		a->by_patient = 1; /* a person it looked up said "not me" */
	if (a->pos >= a->n || guard_is_suspended(p->g)) {
		a->stopped = 1;
		if (guard_is_suspended(p->g) && a->suspended_ms < 0)
			a->suspended_ms = t;
		return;
	}
	if (a->careful && careful_rests(s, a, t))
		return;
	next_nir(s, a, nir);
	a->lookups++;
	/* The stolen token keeps the owner's client but not its address; a login of one's own
	 * is a new address and a new client. */
	snprintf(ip, sizeof(ip), "%s", a->ip);
	o = lookup(s, p, nir, proof, a->moved, ip, a->moved ? "LGC/5.2" : "Mozilla/5.0", t, &who);
	a->today_n++;
	if (o.d == GUARD_STEP_UP) {
		a->step_ups++;
		if (a->first_step_up_ms < 0)
			a->first_step_up_ms = t;
	}
	if (a->careful && o.d >= GUARD_STEP_UP && o.d != GUARD_SUSPEND) {
		/* Refused: it does not press (a pressed refusal is a strike), it comes back tomorrow. */
		a->dec[o.d]++;
		a->hit = 1;
		a->quota = a->quota > 3 ? a->quota * 2 / 3 : 2;
		a->today_n = a->quota; /* its next step finds the quota spent and rests */
		a->next_ms = schedule(s, a, t);
		return;
	}
	if (o.d == GUARD_STEP_UP) {
		guard_step_up_done(&s->cfg, p->g, t + 2000,
		                   civil_paris_offset_min((t + 2000) / 1000));
		t += 2000;
		o = lookup(s, p, nir, proof, a->moved, ip, a->moved ? "LGC/5.2" : "Mozilla/5.0", t,
		           &who);
	}
	a->dec[o.d]++;
	if (o.d == GUARD_SUSPEND) {
		a->suspended_ms = t;
		a->stopped = 1;
		return;
	}
	if ((o.d == GUARD_ALLOW || o.d == GUARD_MINIMISE) && who >= 0 && !s->people[who].honey) {
		/* Full only with a card; a card-less answer verifies, with the billing rights. */
		if (o.v.answer == GATE_FULL)
			a->full++;
		else
			a->minimised++;
		if (o.v.answer == GATE_VERIFY)
			told(s, p, who, t, (uint64_t)s->o->notme_pct * 10000);
		timeline(a, t);
	}
	if (o.d != GUARD_THROTTLE)
		a->pos++;
	a->next_ms = schedule(s, a, o.d == GUARD_THROTTLE ? t + 60000 : t);
}

/* Credential stuffing, on the server's own login defences (core/login_policy), in simulated time. */
static int stuffing(struct sim *s)
{
	static const uint8_t KEY[LOGIN_WATCH_KEY_BYTES] = { 0x5a };
	struct login_watch *w = malloc(sizeof(*w));
	int64_t now = s->m0_ms / 1000 + 20 * 86400;
	const char *ip = "198.51.100.7", *why;

	if (!w)
		return VG_ENOMEM;
	login_watch_init(w, KEY);
	/* One address, 10 attempts a second for an hour, each on another account. */
	for (int i = 0; i < 36000; i++) {
		int64_t t = now + i / 10;
		uint32_t k = (uint32_t)i % s->npros;

		s->stuff_attempts++;
		if (login_watch_wait(w, ip, LOGIN_PRO, NULL, 0, t, &why) > 0)
			continue;
		s->stuff_checked++;
		(void)login_watch_failed(w, &s->login, ip, LOGIN_PRO, s->pros[k].rpps,
		                         strlen(s->pros[k].rpps), t);
	}
	/* Many addresses (a botnet), one attempt each, on one account. */
	for (int i = 0; i < 1000; i++) {
		int64_t t = now + i;
		char from[32];

		snprintf(from, sizeof(from), "100.64.%d.%d", i / 250, i % 250);
		s->spread_attempts++;
		if (login_watch_wait(w, from, LOGIN_PRO, s->pros[0].rpps, strlen(s->pros[0].rpps),
		                     t, &why) > 0 ||
		    login_policy_account_lock(&s->login, (int32_t)s->spread_checked) > 0)
			continue;
		s->spread_checked++;
		(void)login_watch_failed(w, &s->login, from, LOGIN_PRO, s->pros[0].rpps,
		                         strlen(s->pros[0].rpps), t);
	}
	free(w);
	return 0;
}

/* ---------------------------------------------------------------- report -- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct attack_sum {
	uint32_t accounts, lookups, total, full, minimised, max, median, suspended, step_ups;
	uint32_t by_patients;                    /* of suspended: stopped by a patient's "not me" */
	double first_step_up_min, suspended_min; /* -1: never */
	uint32_t per[SLOW_ACCOUNTS];
	uint32_t dec[GUARD_DECISIONS];
};

static void summarise(const struct sim *s, int attack, struct attack_sum *o)
{
	uint32_t xs[MAX_ATTACKERS];

	memset(o, 0, sizeof(*o));
	o->first_step_up_min = o->suspended_min = -1;
	for (int i = 0; i < s->natt; i++) {
		const struct attacker *a = &s->att[i];
		uint32_t x = a->full + a->minimised;

		if (a->attack != attack)
			continue;
		if (o->accounts < SLOW_ACCOUNTS)
			o->per[o->accounts] = x;
		xs[o->accounts++] = x;
		o->lookups += a->lookups;
		o->total += x;
		o->full += a->full;
		o->minimised += a->minimised;
		o->step_ups += a->step_ups;
		o->max = x > o->max ? x : o->max;
		o->suspended += a->suspended_ms >= 0;
		o->by_patients += a->by_patient != 0;
		for (int d = 0; d < GUARD_DECISIONS; d++)
			o->dec[d] += a->dec[d];
		if (a->first_step_up_ms >= 0) {
			double m = (double)(a->first_step_up_ms - a->start_ms) / 60000.0;

			if (o->first_step_up_min < 0 || m > o->first_step_up_min)
				o->first_step_up_min = m; /* the slowest account */
		}
		if (a->suspended_ms >= 0) {
			double m = (double)(a->suspended_ms - a->start_ms) / 60000.0;

			if (o->suspended_min < 0 || m > o->suspended_min)
				o->suspended_min = m;
		}
	}
	qsort(xs, o->accounts, sizeof(xs[0]), cmp_u32);
	o->median = o->accounts ? xs[o->accounts / 2] : 0;
}

static void fmt_min(char *b, size_t cap, double m)
{
	if (m < 0)
		snprintf(b, cap, "never");
	else if (m < 120)
		snprintf(b, cap, "%.1f min", m);
	else
		snprintf(b, cap, "%.1f h", m / 60);
}

static uint64_t sum6(const uint64_t *v)
{
	uint64_t t = 0;

	for (int i = 0; i < PRO_KINDS; i++)
		t += v[i];
	return t;
}

static void write_json(const struct sim *s, FILE *f, const struct attack_sum *sum,
                       uint32_t median_all, uint32_t max_acc)
{
	uint64_t L = sum6(s->legit_lookups), SU = sum6(s->legit_step_ups);

	fprintf(f,
	        "{\n  \"population\": {\"insured\": %llu, \"professionals\": %u, \"seed\": %llu, "
	        "\"days\": %u, \"history_days\": %u, \"start\": \"2026-02-02\", "
	        "\"time_zone\": \"Europe/Paris\", \"notme_pct\": %u},\n",
	        (unsigned long long)s->o->n_insured, s->npros, (unsigned long long)s->o->seed,
	        s->o->days, HISTORY_DAYS, s->o->notme_pct);
	fprintf(f,
	        "  \"legit\": {\"lookups\": %llu, \"card_share\": %.4f, \"step_ups\": %llu, "
	        "\"step_ups_per_1000\": %.3f, \"minimised_per_1000\": %.3f, \"throttles\": %llu, "
	        "\"denials\": %llu, \"suspensions\": %llu, \"suspensions_not_me\": %llu, "
	        "\"owner_lookups_refused\": %llu,\n"
	        "    \"by_profession\": {",
	        (unsigned long long)L, L ? (double)sum6(s->legit_card) / (double)L : 0,
	        (unsigned long long)SU, L ? 1000.0 * (double)SU / (double)L : 0,
	        L ? 1000.0 * (double)sum6(s->legit_min) / (double)L : 0,
	        (unsigned long long)s->legit_throttle, (unsigned long long)s->legit_deny,
	        (unsigned long long)s->legit_susp, (unsigned long long)s->legit_notme,
	        (unsigned long long)s->owner_blocked);
	for (int k = 1; k < PRO_KINDS; k++)
		fprintf(f, "%s\"%s\": {\"lookups\": %llu, \"step_ups_per_1000\": %.3f}",
		        k > 1 ? ", " : "", access_profession_name(k),
		        (unsigned long long)s->legit_lookups[k],
		        s->legit_lookups[k] ? 1000.0 * (double)s->legit_step_ups[k] /
		                                      (double)s->legit_lookups[k]
		                            : 0);
	fprintf(f, "}},\n  \"attacks\": [\n");
	for (int i = 0; i < N_ATTACKS - 1; i++) {
		const struct attack_sum *a = &sum[i];

		fprintf(f,
		        "    {\"name\": \"%s\", \"accounts\": %u, \"lookups\": %u, "
		        "\"exposed_total\": %u, \"exposed_full\": %u, \"exposed_minimised\": %u, "
		        "\"exposed_median_per_account\": %u, \"exposed_max_per_account\": %u, "
		        "\"per_account\": [",
		        ATTACK_NAME[i], a->accounts, a->lookups, a->total, a->full, a->minimised,
		        a->median, a->max);
		for (uint32_t k = 0; k < a->accounts && k < SLOW_ACCOUNTS; k++)
			fprintf(f, "%s%u", k ? ", " : "", a->per[k]);
		fprintf(f,
		        "], \"step_ups\": %u, \"first_step_up_min\": %.2f, "
		        "\"suspended_accounts\": %u, \"stopped_by_patients\": %u, "
		        "\"suspended_after_min\": %.2f, \"decisions\": {",
		        a->step_ups, a->first_step_up_min, a->suspended, a->by_patients,
		        a->suspended_min);
		for (int d = 0; d < GUARD_DECISIONS; d++)
			fprintf(f, "%s\"%s\": %u", d ? ", " : "",
			        guard_decision_name((enum guard_decision)d), a->dec[d]);
		fprintf(f, "}},\n");
	}
	fprintf(f,
	        "    {\"name\": \"%s\", \"accounts\": 0, \"exposed_total\": 0, "
	        "\"one_address\": {\"attempts\": %u, \"password_checks\": %u}, "
	        "\"many_addresses_one_account\": {\"attempts\": %u, \"password_checks\": %u}}\n  ],\n",
	        ATTACK_NAME[N_ATTACKS - 1], s->stuff_attempts, s->stuff_checked, s->spread_attempts,
	        s->spread_checked);
	fprintf(f,
	        "  \"targets\": {\"median_exposure_per_account\": {\"value\": %u, \"target\": 20, "
	        "\"met\": %s}, \"max_exposure_per_account\": {\"value\": %u, \"target\": 100, "
	        "\"met\": %s}, \"legit_suspensions\": {\"value\": %llu, \"target\": 0, \"met\": %s}, "
	        "\"legit_step_ups_per_1000\": {\"value\": %.3f, \"target\": 5, \"met\": %s}}\n}\n",
	        median_all, median_all <= 20 ? "true" : "false", max_acc,
	        max_acc <= 100 ? "true" : "false", (unsigned long long)s->legit_susp,
	        s->legit_susp == 0 ? "true" : "false", L ? 1000.0 * (double)SU / (double)L : 0,
	        L && 1000.0 * (double)SU / (double)L <= 5 ? "true" : "false");
}

static void write_table(const struct sim *s, FILE *f, const struct attack_sum *sum, int md)
{
	char a[32], b[32];
	uint64_t L = sum6(s->legit_lookups), SU = sum6(s->legit_step_ups);

	fprintf(f,
	        md ? "| attack | accounts | lookups | exposed (full+verified) | per account median / max | first step-up | suspended after | suspended |\n|---|---|---|---|---|---|---|---|\n"
	           : "%-48s %4s %7s %9s %11s %12s %12s %5s\n",
	        "attack", "acc", "lookups", "exposed", "median/max", "1st step-up", "suspended",
	        "susp");
	for (int i = 0; i < N_ATTACKS - 1; i++) {
		const struct attack_sum *x = &sum[i];

		fmt_min(a, sizeof(a), x->first_step_up_min);
		fmt_min(b, sizeof(b), x->suspended_min);
		if (md)
			fprintf(f, "| %s | %u | %u | %u (%u+%u) | %u / %u | %s | %s | %u/%u |\n",
			        ATTACK_NAME[i], x->accounts, x->lookups, x->total, x->full,
			        x->minimised, x->median, x->max, a, b, x->suspended, x->accounts);
		else
			fprintf(f, "%-48s %4u %7u %9u %5u / %-4u %12s %12s %2u/%u\n",
			        ATTACK_NAME[i], x->accounts, x->lookups, x->total, x->median,
			        x->max, a, b, x->suspended, x->accounts);
	}
	fprintf(f,
	        md ? "| %s | - | %u attempts from one address (%u reached a password check), %u from 1,000 addresses on one account (%u checked) | 0 (no TOTP) | - | - | - | - |\n"
	           : "%-48s %u attempts from one address: %u checked; %u from 1000 addresses: %u checked\n",
	        ATTACK_NAME[N_ATTACKS - 1], s->stuff_attempts, s->stuff_checked, s->spread_attempts,
	        s->spread_checked);
	if (!md)
		fprintf(f,
		        "legitimate: %llu lookups (%.1f %% with a card), %llu step-ups (%.2f per 1,000), "
		        "%llu suspensions (%llu by a patient's mistaken \"not me\"), %llu throttles, "
		        "%llu denials\n",
		        (unsigned long long)L,
		        L ? 100.0 * (double)sum6(s->legit_card) / (double)L : 0,
		        (unsigned long long)SU, L ? 1000.0 * (double)SU / (double)L : 0,
		        (unsigned long long)s->legit_susp, (unsigned long long)s->legit_notme,
		        (unsigned long long)s->legit_throttle, (unsigned long long)s->legit_deny);
	if (!md && s->legit_susp) {
		fprintf(f,
		        "legitimate suspensions by profession (pharmacist, GP, specialist, lab, "
		        "hospital): %u %u %u %u %u; reasons:",
		        s->legit_susp_kind[1], s->legit_susp_kind[2], s->legit_susp_kind[3],
		        s->legit_susp_kind[4], s->legit_susp_kind[5]);
		for (unsigned i = 0; i < GUARD_REASONS; i++)
			if (s->legit_susp_reasons & (1u << i))
				fprintf(f, " %s", guard_reason_name(i));
		fputc('\n', f);
	}
}

static void svg_bars(FILE *f, const struct attack_sum *sum)
{
	double top = 1;

	for (int i = 0; i < N_ATTACKS - 1; i++)
		top = sum[i].max > top ? sum[i].max : top;
	fprintf(f,
	        "<svg width=\"760\" height=\"300\" role=\"img\" aria-label=\"records exposed per "
	        "account\"><line x1=\"300\" y1=\"10\" x2=\"300\" y2=\"290\" stroke=\"#444\"/>\n");
	for (int i = 0; i < N_ATTACKS - 1; i++) {
		double y = 14 + i * 38, wmax = 420 * sum[i].max / top,
		       wmed = 420 * sum[i].median / top;

		fprintf(f,
		        "<text x=\"295\" y=\"%.0f\" text-anchor=\"end\" font-size=\"12\">%s</text>\n",
		        y + 14, ATTACK_NAME[i]);
		fprintf(f,
		        "<rect x=\"300\" y=\"%.0f\" width=\"%.1f\" height=\"14\" fill=\"#e8a\"/>"
		        "<rect x=\"300\" y=\"%.0f\" width=\"%.1f\" height=\"14\" fill=\"#c24\"/>"
		        "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\">median %u, max %u</text>\n",
		        y + 4, wmax, y + 4, wmed, 305 + wmax, y + 15, sum[i].median, sum[i].max);
	}
	fprintf(f, "</svg>\n");
}

static void svg_timeline(FILE *f, const struct sim *s)
{
	static const char *const COL[N_ATTACKS] = { "#c24", "#24c", "#2a4", "#a60", "#808",
		                                    "#088", "#555", "#e80", "#0a8", "#000" };
	double top = 1, span = (double)s->o->days * 86400000.0;

	for (int i = 0; i < s->natt; i++)
		for (uint32_t k = 0; k < s->att[i].tl_n; k++)
			top = s->att[i].tl_x[k] > top ? s->att[i].tl_x[k] : top;
	fprintf(f,
	        "<svg width=\"760\" height=\"260\" role=\"img\" aria-label=\"cumulative exposure "
	        "over the 30 days\"><rect x=\"40\" y=\"10\" width=\"700\" height=\"220\" fill=\"none\" "
	        "stroke=\"#444\"/><text x=\"40\" y=\"250\" font-size=\"11\">day 0</text><text "
	        "x=\"700\" y=\"250\" font-size=\"11\">day %u</text><text x=\"5\" y=\"20\" "
	        "font-size=\"11\">%.0f</text>\n",
	        s->o->days, top);
	for (int i = 0; i < s->natt; i++) {
		const struct attacker *a = &s->att[i];

		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" points=\"", COL[a->attack]);
		fprintf(f, "%.1f,230 ", 40 + 700 * (double)(a->start_ms - s->m0_ms) / span);
		for (uint32_t k = 0; k < a->tl_n; k++)
			fprintf(f, "%.1f,%.1f ", 40 + 700 * (double)(a->tl_t[k] - s->m0_ms) / span,
			        230 - 220 * a->tl_x[k] / top);
		fprintf(f, "\"/>\n");
	}
	fprintf(f, "</svg>\n<p>");
	for (int i = 0; i < N_ATTACKS - 1; i++)
		fprintf(f, "<span style=\"color:%s\">&#9632; %s</span> ", COL[i], ATTACK_NAME[i]);
	fprintf(f, "</p>\n");
}

static void svg_stepups(FILE *f, const struct sim *s)
{
	uint32_t hist[8] = { 0 }, top = 1;
	static const char *const LAB[8] = { "0", "1", "2", "3", "4", "5-9", "10-19", "20+" };

	for (uint32_t i = 0; i < s->npros; i++) {
		uint32_t x = s->pro_step_ups[i];

		if (s->pros[i].attacked)
			continue;
		hist[x < 5 ? x : x < 10 ? 5 : x < 20 ? 6 : 7]++;
	}
	for (int k = 0; k < 8; k++)
		top = hist[k] > top ? hist[k] : top;
	fprintf(f, "<svg width=\"760\" height=\"200\" role=\"img\" aria-label=\"step-ups per "
	           "legitimate professional\">\n");
	for (int k = 0; k < 8; k++) {
		double h = 150.0 * hist[k] / top;

		fprintf(f,
		        "<rect x=\"%d\" y=\"%.1f\" width=\"60\" height=\"%.1f\" fill=\"#24c\"/>"
		        "<text x=\"%d\" y=\"190\" font-size=\"11\">%s</text><text x=\"%d\" y=\"%.1f\" "
		        "font-size=\"11\">%u</text>\n",
		        40 + k * 85, 170 - h, h, 55 + k * 85, LAB[k], 45 + k * 85, 165 - h,
		        hist[k]);
	}
	fprintf(f, "</svg>\n");
}

static void write_html(const struct sim *s, FILE *f, const struct attack_sum *sum)
{
	fprintf(f,
	        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>vigie "
	        "sim: the guard against stolen accounts</title><style>body{font-family:sans-serif;"
	        "max-width:900px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px "
	        "solid #ccc;padding:4px 8px;font-size:13px}</style></head><body>\n"
	        "<h1>vigie sim</h1><p>%u days from Monday 2026-02-02 (after 4 weeks of history) "
	        "on the population of "
	        "<code>vigie seed --insured %llu --pros %u --seed %llu</code>: legitimate traffic of "
	        "every professional and 9 attacks on stolen accounts (password, TOTP secret and a "
	        "live token), plus credential stuffing; %u %% of the people told of a lookup that "
	        "was not theirs answer &laquo;&nbsp;not me&nbsp;&raquo;. The model is described in "
	        "<code>src/sim/simrun.c</code>.</p>\n<h2>Results</h2><pre>",
	        s->o->days, (unsigned long long)s->o->n_insured, s->npros,
	        (unsigned long long)s->o->seed, s->o->notme_pct);
	write_table(s, f, sum, 0);
	fprintf(f, "</pre>\n<h2>Records exposed per stolen account</h2>\n");
	svg_bars(f, sum);
	fprintf(f, "<h2>Cumulative records exposed, each stolen account</h2>\n");
	svg_timeline(f, s);
	fprintf(f, "<h2>Step-ups per legitimate professional over the period</h2>\n");
	svg_stepups(f, s);
	fprintf(f, "</body></html>\n");
}

/* ------------------------------------------------------------------ run -- */

int simrun(const struct simrun_opts *o, FILE *json, FILE *html, FILE *table)
{
	struct sim *s = calloc(1, sizeof(*s));
	struct seed_opts so = { .n_insured = o->n_insured, .n_pros = o->n_pros, .seed = o->seed };
	struct seed_sink sink;
	struct attack_sum sum[N_ATTACKS];
	uint8_t key[GUARD_KEY_BYTES];
	uint32_t all[MAX_ATTACKERS], median_all, max_acc = 0;
	int rc;

	if (!s)
		return VG_ENOMEM;
	s->o = o;
	for (int i = 0; i < GUARD_KEY_BYTES; i++)
		key[i] = (uint8_t)(o->seed >> (8 * (i % 8))) ^ (uint8_t)(0x5a + i);
	guard_cfg_init(&s->cfg, key);
	login_policy_defaults(&s->login);
	rng_init(&s->r, o->seed ^ 0x51b0a7ULL);
	rng_init(&s->notme_r, o->seed ^ 0x4e07ae5ULL);
	s->t0_ms = (int64_t)20458 * 86400000 - 3600000; /* 2026-01-05 00:00 in Paris (UTC+1) */
	s->m0_ms = s->t0_ms + (int64_t)HISTORY_DAYS * 86400000;
	s->cap_people = o->n_insured;
	s->cap_pros = o->n_pros;
	for (s->nir_cap = 1024; s->nir_cap < o->n_insured * 2; s->nir_cap *= 2)
		;
	s->people = calloc(s->cap_people, sizeof(*s->people));
	s->pros = calloc(s->cap_pros, sizeof(*s->pros));
	s->nir_tab = calloc(s->nir_cap, sizeof(*s->nir_tab));
	s->pro_step_ups = calloc(s->cap_pros, sizeof(*s->pro_step_ups));
	rc = s->people && s->pros && s->nir_tab && s->pro_step_ups ? 0 : VG_ENOMEM;
	if (rc == 0)
		rc = guard_table_init(&s->accounts, s->cap_pros);
	sink = (struct seed_sink){ .ctx = s, .pro = on_pro, .person = on_person };
	if (rc == 0)
		rc = seed_generate(&so, &sink);
	if (rc == 0)
		rc = patientele(s);
	if (rc == 0)
		rc = plan_attacks(s);
	for (uint32_t d = 0; rc == 0 && d < HISTORY_DAYS + o->days; d++) {
		size_t n = 0, k = 0;
		struct ev *evs = legit_day(s, (int)d, &n);
		int64_t end = s->t0_ms + (int64_t)(d + 1) * 86400000;

		if (!evs && n) {
			rc = VG_ENOMEM;
			break;
		}
		for (uint32_t i = 0; i < s->npros; i++)
			if (s->pros[i].reinstate_day == (int64_t)d) {
				guard_reinstate(&s->cfg, s->pros[i].g, at_local(s, d, 0),
				                civil_paris_offset_min(at_local(s, d, 0) / 1000));
				s->pros[i].reinstate_day = -1;
			}
		for (;;) {
			struct attacker *next = NULL;

			for (int i = 0; i < s->natt; i++)
				if (!s->att[i].stopped && s->att[i].next_ms < end &&
				    (!next || s->att[i].next_ms < next->next_ms))
					next = &s->att[i];
			if (k < n && (!next || evs[k].t_ms <= next->next_ms))
				legit_event(s, &evs[k++]);
			else if (next)
				attacker_step(s, next);
			else
				break;
		}
		free(evs);
		if (d + 1 == HISTORY_DAYS)
			forget_history(s);
		if (!o->quiet)
			fprintf(stderr, "\rvigie sim: day %u/%u", d + 1, HISTORY_DAYS + o->days);
	}
	if (!o->quiet)
		fputc('\n', stderr);
	if (rc == 0)
		rc = stuffing(s);
	if (rc == 0) {
		int na = 0;

		for (int i = 0; i < N_ATTACKS - 1; i++)
			summarise(s, i, &sum[i]);
		for (int i = 0; i < s->natt; i++) {
			all[na++] = s->att[i].full + s->att[i].minimised;
			max_acc = all[na - 1] > max_acc ? all[na - 1] : max_acc;
		}
		qsort(all, (size_t)na, sizeof(all[0]), cmp_u32);
		median_all = na ? all[na / 2] : 0;
		if (json)
			write_json(s, json, sum, median_all, max_acc);
		if (html)
			write_html(s, html, sum);
		if (table) {
			write_table(s, table, sum, 0);
			fprintf(table,
			        "median exposure per stolen account %u (target <= 20), max %u "
			        "(target <= 100)\n\nmarkdown:\n",
			        median_all, max_acc);
			write_table(s, table, sum, 1);
		}
	}
	for (int i = 0; i < s->natt; i++)
		free(s->att[i].list);
	for (uint32_t i = 0; i < s->npros; i++)
		free(s->pros[i].pat);
	for (int d = 0; d < POPDATA_N_DEPTS; d++)
		free(s->by_dept[d]);
	free(s->people);
	free(s->pros);
	guard_table_release(&s->accounts);
	free(s->nir_tab);
	free(s->pro_step_ups);
	free(s);
	return rc;
}
