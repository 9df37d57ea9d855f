/*
 * The guard's decisions (core/guard.h) on hand-built event streams: each
 * signal and each action, attacks stopped within the exposure targets of
 * issue 4, legitimate professionals' months not hindered, explicit time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/civil.h"
#include "core/guard.h"
#include "core/hours.h"
#include "core/nir.h"

_Static_assert(sizeof(struct guard_account) <= 4096, "bounded per-account state");

#define S 1000LL                   /* milliseconds in a second */
#define MIN (60 * S)
#define HOUR (3600 * S)
#define DAY (86400 * S)
#define MONDAY (1763938800LL * S)  /* 2025-11-24 00:00 in Paris (UTC+1) */

static const uint8_t KEY[GUARD_KEY_BYTES] = { 7, 1, 2, 3 };

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 17;
}

/* A valid NIR (with its key) from its fields. */
static void make_nir(char out[16], int sex, int yy, int mm, int dept, int commune, int order)
{
	char s13[32];
	int key;

	snprintf(s13, sizeof(s13), "%d%02d%02d%02d%03d%03d", sex % 10, yy % 100, mm % 100, dept % 100,
	         commune % 1000, order % 1000);
	key = nir_compute_key(s13);
	memcpy(out, s13, 13);
	out[13] = (char)('0' + key / 10);
	out[14] = (char)('0' + key % 10);
	out[15] = '\0';
}

/* Patient k's NIR: spread over sexes, births, departments and communes like real ones. */
static void patient_nir(char out[16], uint64_t k)
{
	uint64_t s = k * 0x9E3779B97F4A7C15ULL + 1;
	int dept = 1 + (int)(lcg(&s) % 95);

	if (dept == 20)
		dept = 21;
	make_nir(out, 1 + (int)(lcg(&s) % 2), (int)(lcg(&s) % 100), 1 + (int)(lcg(&s) % 12), dept,
	         1 + (int)(lcg(&s) % 900), 1 + (int)(lcg(&s) % 999));
}

struct who {
	int profession;
	const char *ip, *ua;
};

static const struct who PHARMACY = { PRO_PHARMACIST, "192.0.2.10", "LGPI/4.2" };
static const struct who ROBOT = { PRO_PHARMACIST, "198.51.100.66", "python-requests/2.31" };

static struct guard_event ev(const struct who *w, int64_t t_ms, const char *nir, bool card)
{
	return (struct guard_event){
		.t_ms = t_ms, .utc_offset_min = 60, .profession = w->profession, .nir = nir,
		.nir_len = strlen(nir),
		.key_valid = true, .found = true, .card = card, .geo = GUARD_GEO_NEAR,
		.ip = w->ip, .ua = w->ua,
	};
}

static struct guard_cfg cfg(void)
{
	struct guard_cfg c;

	guard_cfg_init(&c, KEY);
	return c;
}

static bool served(enum guard_decision d)
{
	return d == GUARD_ALLOW || d == GUARD_MINIMISE;
}

/* GUARD_TRACE=1 prints every decision of the attacks (for tuning). */
static void trace(int i, int64_t t_ms, const struct guard_result *r, const struct guard_account *a)
{
	static int on = -1;

	if (on < 0)
		on = getenv("GUARD_TRACE") != NULL;
	if (!on)
		return;
	fprintf(stderr, "  #%d t=%lld %s score=%u strikes=%.2f", i, (long long)(t_ms / 1000),
	        guard_decision_name(r->decision), r->score, (double)a->strikes);
	for (unsigned b = 0; b < GUARD_REASONS; b++)
		if (r->reasons & (1u << b))
			fprintf(stderr, " %s", guard_reason_name(b));
	fputc('\n', stderr);
}

/* ------------------------------------------------------------------ legitimate traffic */

struct day_stats {
	int lookups, step_ups, refused, suspended, minimised;
	uint32_t reasons; /* of every decision */
};

/*
 * One professional's working days: visits between open and close (local),
 * most from a pool of regulars, some newcomers, cards for most, mostly
 * local. A step-up is satisfied at once (the person is at the desk), and
 * the lookup retried.
 */
struct practice {
	struct who who;
	int visits_per_day, card_pct, local_pct, regular_pct, pool;
	int open_h, close_h;
	uint64_t seed, newcomer;
};

static void practice_day(const struct guard_cfg *c, struct guard_account *a, struct practice *p,
                         int64_t day_start, int card_pct, struct day_stats *st)
{
	int64_t span = (int64_t)(p->close_h - p->open_h) * HOUR;

	for (int v = 0; v < p->visits_per_day; v++) {
		/* Visits spread over the day with random gaps (about Poisson). */
		int64_t t = day_start + p->open_h * HOUR + span * v / p->visits_per_day +
		            (int64_t)(lcg(&p->seed) % (uint64_t)(span / p->visits_per_day));
		uint64_t who = lcg(&p->seed) % 100 < (uint64_t)p->regular_pct
		                       ? lcg(&p->seed) % (uint64_t)p->pool
		                       : 1000000 + p->newcomer++;
		char nir[16];
		struct guard_event e;
		struct guard_result r;

		patient_nir(nir, who + (uint64_t)p->who.profession * 10000000);
		e = ev(&p->who, t, nir, lcg(&p->seed) % 100 < (uint64_t)card_pct);
		e.geo = lcg(&p->seed) % 100 < (uint64_t)p->local_pct ? GUARD_GEO_NEAR : GUARD_GEO_FAR;
		r = guard_decide(c, a, &e);
		st->lookups++;
		st->reasons |= r.reasons;
		if (r.decision == GUARD_STEP_UP) {
			st->step_ups++;
			guard_step_up_done(c, a, t + 30 * S, 60);
			e.t_ms = t + 31 * S;
			r = guard_decide(c, a, &e);
		}
		if (r.decision == GUARD_MINIMISE)
			st->minimised++;
		if (r.decision >= GUARD_THROTTLE)
			st->refused++;
		if (r.decision == GUARD_SUSPEND)
			st->suspended++;
	}
}

/* Working days Monday to Saturday from MONDAY + first days. */
static void practice_days(const struct guard_cfg *c, struct guard_account *a, struct practice *p,
                          int first, int n, struct day_stats *st)
{
	for (int d = first; d < first + n; d++)
		if (d % 7 != 6)
			practice_day(c, a, p, MONDAY + d * DAY, p->card_pct, st);
}

static struct practice pharmacy(uint64_t seed)
{
	return (struct practice){ PHARMACY, 80, 85, 95, 85, 600, 9, 19, seed, 0 };
}

static void a_pharmacists_month_is_not_hindered(void **state)
{
	struct guard_cfg c = cfg();

	(void)state;
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct guard_account a;
		struct practice p = pharmacy(seed);
		struct day_stats st = { 0 };

		guard_account_init(&a);
		practice_days(&c, &a, &p, 0, 30, &st);
		assert_true(st.lookups > 2000);
		assert_int_equal(st.suspended, 0);
		assert_int_equal(st.refused, 0);
		assert_false(guard_is_suspended(&a));
		/* Target: at most 5 step-ups per 1,000 lookups. */
		assert_true(st.step_ups * 1000 <= 5 * st.lookups);
	}
}

static void other_professions_are_not_hindered(void **state)
{
	struct guard_cfg c = cfg();
	struct who gp = { PRO_GP, "203.0.113.5", "Firefox/128" };
	struct who hosp = { PRO_HOSPITAL, "203.0.113.80", "Edge/120" };
	struct who lab = { PRO_LAB, "203.0.113.90", "Chrome/120" };
	struct practice ps[3] = {
		{ gp, 25, 90, 97, 90, 800, 8, 19, 11, 0 },
		{ hosp, 180, 75, 85, 50, 5000, 0, 24, 12, 0 }, /* admissions, day and night */
		{ lab, 60, 85, 95, 70, 2000, 7, 13, 13, 0 },   /* samples in the morning */
	};

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct guard_account a;
		struct day_stats st = { 0 };

		guard_account_init(&a);
		practice_days(&c, &a, &ps[i], 0, 30, &st);
		assert_int_equal(st.suspended, 0);
		assert_int_equal(st.refused, 0);
		assert_true(st.step_ups * 1000 <= 5 * st.lookups);
	}
}

/* A warm pharmacist whose card reader is broken all day: own patients, no card. */
static void a_day_without_card_reader_is_not_suspended(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	struct practice p = pharmacy(21);
	struct day_stats st = { 0 }, broken = { 0 };

	(void)state;
	guard_account_init(&a);
	practice_days(&c, &a, &p, 0, 21, &st);
	p.regular_pct = 95;
	practice_day(&c, &a, &p, MONDAY + 21 * DAY, 0, &broken);
	assert_int_equal(broken.suspended, 0);
	assert_int_equal(broken.refused, 0);
	assert_true(broken.step_ups >= 1); /* unusual, so asked; given, so served */
	assert_true(broken.step_ups <= 4);
	assert_false(guard_is_suspended(&a));
}

/* ------------------------------------------------------------------ attacks */

struct attack_stats {
	int exposed, first_step_up, suspended_at, lookups;
	uint32_t reasons;
};

/* Run lookups nir_of(i) from t0 every gap (+ jitter) until suspended or n; count what is served. */
static struct attack_stats attack(const struct guard_cfg *c, struct guard_account *a,
                                  const struct who *w, int n, int64_t t0, int64_t gap,
                                  int64_t jitter, void (*nir_of)(char[16], int, bool *),
                                  bool totp)
{
	struct attack_stats st = { 0, -1, -1, 0, 0 };
	uint64_t s = 99;
	int64_t t = t0;

	for (int i = 0; i < n; i++) {
		char nir[16];
		bool found = true;
		struct guard_event e;
		struct guard_result r;

		nir_of(nir, i, &found);
		e = ev(w, t, nir, false);
		e.found = found;
		r = guard_decide(c, a, &e);
		trace(i, t, &r, a);
		st.lookups++;
		st.reasons |= r.reasons;
		if (r.decision == GUARD_STEP_UP && st.first_step_up < 0)
			st.first_step_up = i;
		if (r.decision == GUARD_STEP_UP && totp) {
			/* An attacker holding the TOTP secret too. */
			guard_step_up_done(c, a, t + S, 60);
			e.t_ms = t + 2 * S;
			r = guard_decide(c, a, &e);
			trace(i, t, &r, a);
			st.reasons |= r.reasons;
		}
		if (served(r.decision) && found)
			st.exposed++;
		if (r.decision == GUARD_SUSPEND) {
			st.suspended_at = i;
			break;
		}
		t += gap + (jitter ? (int64_t)(lcg(&s) % (uint64_t)jitter) : 0);
	}
	return st;
}

static void sequential_nirs(char nir[16], int i, bool *found)
{
	make_nir(nir, 1, 85, 7, 75, 101, 100 + i);
	*found = i % 3 != 0; /* about a third are nobody */
}

static void structured_nirs(char nir[16], int i, bool *found)
{
	make_nir(nir, 2, 72, 3, 69, 123, 1 + (i * 97) % 999); /* one commune, walked */
	*found = true;
}

static void random_valid_nirs(char nir[16], int i, bool *found)
{
	patient_nir(nir, 77000000 + (uint64_t)i);
	*found = false; /* 68 million people among 10^12 valid numbers: nobody */
}

static void guessed_nirs(char nir[16], int i, bool *found)
{
	patient_nir(nir, 78000000 + (uint64_t)i);
	nir[14] = nir[14] == '9' ? '0' : (char)(nir[14] + 1); /* a wrong key */
	*found = false;
}

static void leaked_list(char nir[16], int i, bool *found)
{
	patient_nir(nir, 50000000 + (uint64_t)i);
	*found = true;
}

static void guessed_run(const struct guard_cfg *c, struct guard_account *a, int n, int64_t t0)
{
	for (int i = 0; i < n; i++) {
		char nir[16];
		bool found;
		struct guard_event e;

		guessed_nirs(nir, i, &found);
		e = ev(&ROBOT, t0 + i * 5 * S, nir, false);
		e.key_valid = false;
		e.found = false;
		(void)guard_decide(c, a, &e);
	}
}

static void honeytoken_suspends_at_once(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	char nir[16];
	struct guard_event e;
	struct guard_result r;

	(void)state;
	guard_account_init(&a);
	patient_nir(nir, 1);
	e = ev(&PHARMACY, MONDAY + 10 * HOUR, nir, false);
	e.honeytoken = true;
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_SUSPEND);
	assert_int_equal(r.reasons, GR_HONEYTOKEN);
	assert_true(r.suspended_now);
	assert_true(guard_is_suspended(&a));
	/* Everything after is refused, card or not, until an operator reinstates. */
	e = ev(&PHARMACY, MONDAY + 10 * HOUR + MIN, nir, true);
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_SUSPEND);
	assert_int_equal(r.reasons, GR_SUSPENDED);
	assert_false(r.suspended_now);
	/* A step-up does not lift a suspension. */
	guard_step_up_done(&c, &a, MONDAY + 10 * HOUR + 2 * MIN, 60);
	assert_true(guard_is_suspended(&a));
	guard_reinstate(&c, &a, MONDAY + 11 * HOUR, 60);
	assert_false(guard_is_suspended(&a));
	e.t_ms = MONDAY + 11 * HOUR + MIN;
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_ALLOW);
}

/*
 * A honeytoken NIR handed to an honest pharmacy ("here is my number") must not
 * suspend it: a clean, known account is denied and an alert raised; a second
 * honeytoken the same day suspends, and so does the first on a fresh account.
 */
static void a_honeytoken_on_a_clean_account_alerts_instead_of_suspending(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	struct practice p = pharmacy(77);
	struct day_stats st = { 0 };
	char nir[16];
	struct guard_event e;
	struct guard_result r;
	int64_t t = MONDAY + 14 * DAY + 10 * HOUR;

	(void)state;
	guard_account_init(&a);
	practice_days(&c, &a, &p, 0, 14, &st);
	assert_int_equal(st.suspended, 0);
	assert_true(a.days >= c.warm_days);
	patient_nir(nir, 901);
	e = ev(&PHARMACY, t, nir, false);
	e.honeytoken = true;
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_DENY);
	assert_true(r.alert);
	assert_false(r.suspended_now);
	assert_true(r.reasons & GR_HONEYTOKEN);
	assert_false(guard_is_suspended(&a));
	/* The pharmacy works on... */
	patient_nir(nir, 902);
	e = ev(&PHARMACY, t + 5 * MIN, nir, true);
	assert_int_equal(guard_decide(&c, &a, &e).decision, GUARD_ALLOW);
	/* ... and a second honeytoken the same day suspends. */
	patient_nir(nir, 903);
	e = ev(&PHARMACY, t + 10 * MIN, nir, false);
	e.honeytoken = true;
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_SUSPEND);
	assert_true(r.suspended_now);
}

/* A stated birth date that matches nobody is a wrong password: per NIR, per day. */
static void wrong_birth_dates_are_wrong_passwords(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	char nir[16], other[16];
	struct guard_event e;
	struct guard_result r;
	int64_t t = MONDAY + 10 * HOUR;

	(void)state;
	guard_account_init(&a);
	patient_nir(nir, 3);
	/* A typo and a second wrong try on one NIR: answered (no match), counted. */
	for (unsigned i = 0; i < c.mismatch_nir; i++) {
		e = ev(&PHARMACY, t += 2 * MIN, nir, false);
		e.found = false;
		e.mismatch = true;
		r = guard_decide(&c, &a, &e);
		assert_true(served(r.decision));
	}
	/* Then the NIR is refused without a card, even with the right date (no oracle)... */
	e = ev(&PHARMACY, t += 2 * MIN, nir, false);
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_DENY);
	assert_true(r.reasons & GR_MISMATCH);
	/* ... asking again presses, it is not a new offence (no suspension for it)... */
	for (int i = 0; i < 4; i++) {
		e.t_ms = t += MIN;
		r = guard_decide(&c, &a, &e);
		assert_int_equal(r.decision, GUARD_DENY);
	}
	assert_false(guard_is_suspended(&a));
	/* ... the card still works, and another NIR is not concerned. */
	e = ev(&PHARMACY, t += MIN, nir, true);
	assert_int_equal(guard_decide(&c, &a, &e).decision, GUARD_ALLOW);
	patient_nir(other, 4);
	e = ev(&PHARMACY, t += MIN, other, false);
	assert_true(served(guard_decide(&c, &a, &e).decision));
	/* The next local day the NIR is free again. */
	e = ev(&PHARMACY, MONDAY + DAY + 10 * HOUR, nir, false);
	assert_true(served(guard_decide(&c, &a, &e).decision));

	/* Wrong dates over many NIRs, one each: a step-up past the soft count, denied at the hard. */
	guard_account_init(&a);
	t = MONDAY + 10 * HOUR;
	for (unsigned i = 0; i < c.mismatch_day_hard; i++) {
		patient_nir(other, 100 + i);
		e = ev(&PHARMACY, t += 3 * MIN, other, false);
		e.found = false;
		e.mismatch = true;
		r = guard_decide(&c, &a, &e);
		if (i + 1 <= c.mismatch_day_soft)
			assert_true(served(r.decision));
		else if (i + 1 < c.mismatch_day_hard)
			assert_true(r.decision >= GUARD_STEP_UP);
		else
			assert_true(r.decision >= GUARD_DENY);
		if (i + 1 > c.mismatch_day_soft)
			assert_true(r.reasons & GR_MISMATCH);
		if (r.decision == GUARD_STEP_UP)
			guard_step_up_done(&c, &a, t + 1000, 60);
	}
}

static void sequential_enumeration_is_suspended_within_a_few_lookups(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	struct attack_stats st;

	(void)state;
	guard_account_init(&a);
	/* Fast, and at a human pace: the order numbers give it away either way. */
	st = attack(&c, &a, &ROBOT, 1000, MONDAY + 10 * HOUR, 2 * S, 0, sequential_nirs, false);
	assert_true(st.suspended_at >= 0 && st.suspended_at <= 6);
	assert_true(st.exposed <= 3);
	assert_true(st.reasons & GR_SEQUENTIAL);
	guard_account_init(&a);
	st = attack(&c, &a, &ROBOT, 1000, MONDAY + 10 * HOUR, 90 * S, 60 * S, sequential_nirs, true);
	assert_true(st.suspended_at >= 0 && st.suspended_at <= 6);
	assert_true(st.exposed <= 3);
}

static void structured_enumeration_is_suspended(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	struct attack_stats st;

	(void)state;
	guard_account_init(&a);
	st = attack(&c, &a, &ROBOT, 1000, MONDAY + 10 * HOUR, 20 * S, 20 * S, structured_nirs, true);
	assert_true(st.suspended_at >= 0 && st.suspended_at <= (int)c.struct_hard + 2);
	assert_true(st.exposed <= (int)c.struct_soft + 1);
	assert_true(st.reasons & GR_STRUCTURED);
}

static void not_found_and_invalid_key_rates_suspend(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	struct attack_stats st;
	struct guard_result r;
	char nir[16];
	struct guard_event e;

	(void)state;
	guard_account_init(&a);
	st = attack(&c, &a, &ROBOT, 1000, MONDAY + 10 * HOUR, 3 * S, 4 * S, random_valid_nirs, true);
	assert_true(st.suspended_at >= 0 && st.suspended_at < (int)c.notfound_hard);
	assert_int_equal(st.exposed, 0);
	assert_true(st.reasons & GR_NOT_FOUND);

	/* Guessed keys: throttled past invalid_soft in the hour, suspended at invalid_hard. */
	guard_account_init(&a);
	guessed_run(&c, &a, (int)c.invalid_soft, MONDAY + 10 * HOUR);
	assert_false(guard_is_suspended(&a));
	guessed_nirs(nir, 500, &(bool){ false });
	e = ev(&ROBOT, MONDAY + 10 * HOUR + 30 * MIN, nir, false);
	e.key_valid = e.found = false;
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_THROTTLE);
	assert_true(r.reasons & GR_INVALID_KEY);
	guard_account_init(&a);
	guessed_run(&c, &a, (int)c.invalid_hard, MONDAY + 10 * HOUR);
	assert_true(guard_is_suspended(&a));

	/* A typo now and then, or a patient of another scheme, is nothing. */
	guard_account_init(&a);
	for (int i = 0; i < 40; i++) {
		patient_nir(nir, (uint64_t)i);
		e = ev(&PHARMACY, MONDAY + 9 * HOUR + i * 10 * MIN, nir, i % 5 != 0);
		if (i % 10 == 3)
			e.found = false;
		if (i % 13 == 7)
			e.key_valid = e.found = false;
		e.card = e.card && e.found;
		r = guard_decide(&c, &a, &e);
		assert_true(served(r.decision));
	}
}

static void a_leaked_list_without_card_gets_the_budget_and_no_more(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	struct attack_stats st;

	(void)state;
	/* Real patients, valid NIRs, no card, every 3 to 8 s: a robot with a password. */
	guard_account_init(&a);
	st = attack(&c, &a, &ROBOT, 5000, MONDAY + 10 * HOUR, 3 * S, 5 * S, leaked_list, false);
	assert_true(st.first_step_up > 0 && st.first_step_up <= 12);
	assert_true(st.exposed <= 12);
	assert_true(st.reasons & GR_NO_CARD_BUDGET);
	/* It cannot give a second factor; pressing on, it is suspended. */
	assert_true(st.suspended_at > 0);
	assert_true(st.reasons & GR_STRIKES);

	/* The same at a human pace in opening hours: the day budget, then stuck. */
	guard_account_init(&a);
	st = attack(&c, &a, &ROBOT, 400, MONDAY + 9 * HOUR, 90 * S, 120 * S, leaked_list, false);
	assert_true(st.exposed <= 30);
	assert_true(st.first_step_up > 0);

	/*
	 * With the TOTP secret too, the hard cap on card-less lookups (twice the
	 * day budget of 30) suspends it; today's patients are a 2,048-bit map, so
	 * a patient whose bit another set first is not counted (about 3 % at 60).
	 */
	guard_account_init(&a);
	st = attack(&c, &a, &ROBOT, 5000, MONDAY + 10 * HOUR, 20 * S, 20 * S, leaked_list, true);
	assert_true(st.suspended_at > 0);
	assert_true(st.exposed <= 64);
}

/* A stolen account of a pharmacist with a history: never-seen patients show the list. */
static void never_seen_patients_show_a_list_on_a_known_account(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	struct practice p = pharmacy(31);
	struct day_stats st = { 0 };
	struct attack_stats at;

	(void)state;
	guard_account_init(&a);
	practice_days(&c, &a, &p, 0, 20, &st);
	assert_true(a.days >= c.warm_days);
	/* Sunday: the pharmacy is closed, the attacker (with the TOTP secret) is not. */
	at = attack(&c, &a, &ROBOT, 2000, MONDAY + 20 * DAY + 10 * HOUR, 60 * S, 60 * S,
	            leaked_list, true);
	assert_true(at.reasons & GR_NEVER_SEEN);
	assert_true(at.first_step_up >= 0 && at.first_step_up <= (int)c.never_seen_min + 2);
	assert_true(at.suspended_at > 0);
	assert_true(at.exposed <= 40);
}

/*
 * Rule 8, alone: the day budgets and the never-seen share are set out of
 * the way (40 never-seen patients a day, the share not judged), so only
 * the weeks can speak. A robot with the account, on top of the
 * pharmacist's own work, takes 8 card-less never-seen people a working
 * day after closing time and ends its day at the first refusal without
 * giving a second factor. The days alone would let it take 8 people a day
 * for months; the weeks refuse it within its first week, and again as it
 * goes on, although the pharmacist's own second factor, given the next
 * morning, lifts each step-up (what that leaves the robot with the real
 * day budgets is measured by `vigie sim`).
 */
static void staying_under_the_day_budget_is_not_enough(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	struct practice p = pharmacy(41);
	struct day_stats honest = { 0 }, owner = { 0 };
	int first_refusal_day = -1, refused_days = 0, i = 0;

	(void)state;
	c.never_floor = c.never_cap = 40;
	c.never_seen_cap = 0;
	guard_account_init(&a);
	practice_days(&c, &a, &p, 0, 63, &honest);
	assert_true(a.days >= c.warm_days);
	assert_false(honest.reasons & GR_WEEKS); /* nine honest weeks: no window spoke */
	for (int d = 63; d < 63 + 28; d++) {
		if (d % 7 == 6)
			continue;
		practice_day(&c, &a, &p, MONDAY + d * DAY, p.card_pct, &owner);
		for (int k = 0; k < 8; k++, i++) {
			char nir[16];
			bool found = true;
			struct guard_event e;
			struct guard_result r;

			leaked_list(nir, i, &found);
			e = ev(&PHARMACY, MONDAY + d * DAY + 19 * HOUR + k * 4 * 60 * S, nir, false);
			r = guard_decide(&c, &a, &e);
			trace(i, e.t_ms, &r, &a);
			if (!served(r.decision)) {
				assert_int_equal(r.decision, GUARD_STEP_UP);
				if (first_refusal_day < 0) {
					assert_true(r.reasons & GR_WEEKS);
					first_refusal_day = d;
				}
				refused_days++;
				break; /* careful: it comes back tomorrow */
			}
		}
	}
	assert_true(first_refusal_day >= 63 && first_refusal_day < 70);
	assert_true(refused_days >= 3);
	assert_int_equal(owner.suspended, 0);
	assert_false(guard_is_suspended(&a));
}

static void step_up_satisfied_restores_the_allowance(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	int64_t t = MONDAY + 10 * HOUR;
	int served_before = 0, served_after = 0;
	struct guard_result r = { 0 };
	char nir[16];
	struct guard_event e;

	(void)state;
	guard_account_init(&a);
	for (int i = 0; i < 100; i++, t += 97 * S) {
		patient_nir(nir, 3000 + (uint64_t)i);
		e = ev(&PHARMACY, t, nir, false);
		r = guard_decide(&c, &a, &e);
		if (r.decision == GUARD_STEP_UP)
			break;
		served_before += served(r.decision);
	}
	assert_int_equal(r.decision, GUARD_STEP_UP);
	assert_true(served_before >= 10);
	/* Pending: card-less lookups keep asking; a card is always a full lookup. */
	e.t_ms = t + S;
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_STEP_UP);
	assert_true(r.reasons & GR_STEP_UP_PENDING);
	patient_nir(nir, 9999);
	e = ev(&PHARMACY, t + 2 * S, nir, true);
	assert_int_equal(guard_decide(&c, &a, &e).decision, GUARD_ALLOW);
	/* A fresh TOTP: served again, for an allowance. */
	guard_step_up_done(&c, &a, t + 3 * S, 60);
	for (int i = 0; i < 100; i++) {
		t += 97 * S;
		patient_nir(nir, 4000 + (uint64_t)i);
		e = ev(&PHARMACY, t, nir, false);
		r = guard_decide(&c, &a, &e);
		if (!served(r.decision))
			break;
		served_after++;
	}
	assert_true(served_after >= 5);
	assert_int_equal(r.decision, GUARD_STEP_UP);
	assert_false(guard_is_suspended(&a));
}

static void budget_learns_from_the_accounts_history_within_bounds(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	struct practice p = pharmacy(41);
	struct day_stats first = { 0 }, later = { 0 }, st = { 0 };

	(void)state;
	/* A pharmacy whose patients often phone: 40 % without a card (32 a day). */
	p.card_pct = 60;
	guard_account_init(&a);
	practice_day(&c, &a, &p, MONDAY, p.card_pct, &first);
	practice_days(&c, &a, &p, 1, 40, &st);
	practice_day(&c, &a, &p, MONDAY + 43 * DAY, p.card_pct, &later);
	assert_true(first.step_ups >= 1);  /* the peers' budget is too small for it */
	assert_int_equal(later.step_ups, 0); /* its own history now says it is normal */
	assert_true(a.b_nocard_day > 20 && a.b_nocard_day < 45);
	assert_int_equal(st.suspended, 0);

	/* Capped: however much history, no more than day_cap a day without a card. */
	a.b_nocard_day = 1e6f;
	a.b_nocard_hour = 1e6f;
	{
		int64_t t = MONDAY + 50 * DAY + 8 * HOUR;
		int n = 0;
		char nir[16];

		for (;; n++, t += 30 * S) {
			struct guard_event e;
			struct guard_result r;

			patient_nir(nir, 60000000 + (uint64_t)n);
			e = ev(&PHARMACY, t, nir, false);
			r = guard_decide(&c, &a, &e);
			if (!served(r.decision))
				break;
		}
		assert_true(n <= (int)c.hour_cap);
	}
}

static void a_gp_gets_a_smaller_budget_than_a_pharmacist(void **state)
{
	struct guard_cfg c = cfg();
	struct who gp = { PRO_GP, "203.0.113.5", "Firefox/128" };
	struct who robot_gp = gp;
	struct guard_account a;
	struct attack_stats ph, g;

	(void)state;
	robot_gp.ip = ROBOT.ip;
	guard_account_init(&a);
	ph = attack(&c, &a, &ROBOT, 500, MONDAY + 10 * HOUR, 30 * S, 30 * S, leaked_list, false);
	guard_account_init(&a);
	g = attack(&c, &a, &robot_gp, 500, MONDAY + 10 * HOUR, 30 * S, 30 * S, leaked_list, false);
	assert_true(g.exposed < ph.exposed);
	assert_true(g.exposed <= 8);
}

static void distinct_patients_over_the_baseline(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	char nir[16];
	struct guard_event e;
	struct guard_result r;
	int64_t t = MONDAY + 10 * HOUR;

	(void)state;
	/* 80 patients with cards in 40 minutes: served (they are there)... */
	guard_account_init(&a);
	for (int i = 0; i < 80; i++, t += 20 * S + (i * 7919 % 20) * S) {
		patient_nir(nir, 5000 + (uint64_t)i);
		e = ev(&PHARMACY, t, nir, true);
		assert_int_equal(guard_decide(&c, &a, &e).decision, GUARD_ALLOW);
	}
	/* ...but a card-less one now is far above what this hour should hold. */
	patient_nir(nir, 6000);
	e = ev(&PHARMACY, t, nir, false);
	r = guard_decide(&c, &a, &e);
	assert_true(r.reasons & GR_DISTINCT_HOUR);
	assert_int_equal(r.decision, GUARD_STEP_UP);

	/* 300 in a day, spread out: the day's volume. */
	guard_account_init(&a);
	t = MONDAY + 8 * HOUR;
	for (int i = 0; i < 300; i++, t += 1 * MIN + (i * 7919 % 60) * S) {
		patient_nir(nir, 7000 + (uint64_t)i);
		e = ev(&PHARMACY, t, nir, true);
		(void)guard_decide(&c, &a, &e);
	}
	patient_nir(nir, 8000);
	e = ev(&PHARMACY, t, nir, false);
	r = guard_decide(&c, &a, &e);
	assert_true(r.reasons & GR_DISTINCT_DAY);
	assert_false(r.reasons & GR_DISTINCT_HOUR);
}

static void far_departments_and_off_hours(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	char nir[16];
	struct guard_event e;
	struct guard_result r = { 0 };

	(void)state;
	/* One far patient without a card: noted, served. */
	guard_account_init(&a);
	patient_nir(nir, 1);
	e = ev(&PHARMACY, MONDAY + 10 * HOUR, nir, false);
	e.geo = GUARD_GEO_FAR;
	r = guard_decide(&c, &a, &e);
	assert_true(r.reasons & GR_FAR);
	assert_int_equal(r.decision, GUARD_ALLOW);
	/* Mostly far patients without cards: a step-up. */
	for (int i = 2; i < 10 && r.decision != GUARD_STEP_UP; i++) {
		patient_nir(nir, (uint64_t)i);
		e = ev(&PHARMACY, MONDAY + 10 * HOUR + i * 7 * MIN, nir, false);
		e.geo = GUARD_GEO_FAR;
		r = guard_decide(&c, &a, &e);
	}
	assert_int_equal(r.decision, GUARD_STEP_UP);
	assert_true(r.reasons & GR_FAR);
	assert_true(r.score >= c.step_up_at);

	/* 03:00 in Paris without a card: minimised; with a card: a full lookup (on-call pharmacy). */
	guard_account_init(&a);
	patient_nir(nir, 11);
	e = ev(&PHARMACY, MONDAY + 3 * HOUR, nir, false);
	r = guard_decide(&c, &a, &e);
	assert_true(r.reasons & GR_OFF_HOURS);
	assert_int_equal(r.decision, GUARD_MINIMISE);
	patient_nir(nir, 12);
	e = ev(&PHARMACY, MONDAY + 3 * HOUR + MIN, nir, true);
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_ALLOW);
	assert_int_equal(r.reasons, 0);
	/* Hospitals are always open. */
	{
		struct who h = { PRO_HOSPITAL, "203.0.113.80", "Edge/120" };

		guard_account_init(&a);
		patient_nir(nir, 13);
		e = ev(&h, MONDAY + 3 * HOUR, nir, false);
		r = guard_decide(&c, &a, &e);
		assert_false(r.reasons & GR_OFF_HOURS);
	}
	/* The offset is the caller's: 10:00 UTC is off hours at UTC-11. */
	guard_account_init(&a);
	patient_nir(nir, 14);
	e = ev(&PHARMACY, MONDAY + HOUR + 10 * HOUR, nir, false);
	e.utc_offset_min = -11 * 60;
	assert_true(guard_decide(&c, &a, &e).reasons & GR_OFF_HOURS);
	/*
	 * The practice's own hours, from the store, win over its profession's: a
	 * pharmacy on its rota night is open at 03:00 (the night of Sunday to
	 * Monday here), and one whose hours are Saturday mornings only is not
	 * open on a Monday at 10:00.
	 */
	{
		struct hours own = { { 0 }, 0, 0 };
		const char *why;

		assert_int_equal(hours_parse("Mo-Sa 09:00-19:00", 17, &own, &why), 0);
		hours_set_rota(&own, civil_local_day(MONDAY / S, 60) - 1, 21);
		guard_account_init(&a);
		patient_nir(nir, 15);
		e = ev(&PHARMACY, MONDAY + 3 * HOUR, nir, false);
		e.hours = &own;
		r = guard_decide(&c, &a, &e);
		assert_false(r.reasons & GR_OFF_HOURS);
		assert_int_equal(r.decision, GUARD_ALLOW);
		/* The next night it is not on call: off hours again. */
		patient_nir(nir, 16);
		e = ev(&PHARMACY, MONDAY + DAY + 3 * HOUR, nir, false);
		e.hours = &own;
		assert_true(guard_decide(&c, &a, &e).reasons & GR_OFF_HOURS);
		assert_int_equal(hours_parse("Sa 09:00-12:00", 14, &own, &why), 0);
		hours_set_rota(&own, 0, 0);
		guard_account_init(&a);
		patient_nir(nir, 17);
		e = ev(&PHARMACY, MONDAY + 10 * HOUR, nir, false);
		assert_false(guard_decide(&c, &a, &e).reasons & GR_OFF_HOURS); /* usual: open */
		patient_nir(nir, 18);
		e = ev(&PHARMACY, MONDAY + 10 * HOUR + MIN, nir, false);
		e.hours = &own;
		assert_true(guard_decide(&c, &a, &e).reasons & GR_OFF_HOURS); /* its own: closed */
	}
}

static void machine_regular_timing(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	char nir[16];
	struct guard_result r = { 0 };
	int first = -1;

	(void)state;
	guard_account_init(&a);
	for (int i = 0; i < 40; i++) {
		struct guard_event e;

		patient_nir(nir, 20000 + (uint64_t)i);
		e = ev(&ROBOT, MONDAY + 10 * HOUR + i * 10 * S + (i % 2) * 20, nir, false);
		r = guard_decide(&c, &a, &e);
		if ((r.reasons & GR_REGULAR) && first < 0)
			first = i;
	}
	assert_true(first >= (int)c.regular_min_gaps && first <= (int)c.regular_min_gaps + 2);
	/* A person's gaps are not regular. */
	{
		struct practice p = pharmacy(51);
		struct day_stats st = { 0 };

		guard_account_init(&a);
		p.card_pct = 0;
		p.visits_per_day = 60;
		for (int i = 0; i < 60; i++) {
			struct guard_event e;
			int64_t t = MONDAY + 9 * HOUR + i * 8 * MIN + (int64_t)(lcg(&p.seed) % (8 * 60)) * S;

			patient_nir(nir, 21000 + (uint64_t)i);
			e = ev(&PHARMACY, t, nir, false);
			r = guard_decide(&c, &a, &e);
			assert_false(r.reasons & GR_REGULAR);
			if (r.decision == GUARD_STEP_UP)
				guard_step_up_done(&c, &a, t + S, 60);
		}
		(void)st;
	}
}

static void addresses_and_clients(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	char nir[16];
	struct guard_event e;
	struct guard_result r = { 0 };
	static const char *const IPS[] = { "192.0.2.10", "198.51.100.1", "198.51.100.2",
	                                   "198.51.100.3" };
	static const char *const UAS[] = { "LGPI/4.2", "curl/8", "Go-http-client/1.1",
	                                   "python-requests/2.31" };

	(void)state;
	guard_account_init(&a);
	for (int i = 0; i < 4; i++) {
		patient_nir(nir, 30000 + (uint64_t)i);
		e = ev(&PHARMACY, MONDAY + 10 * HOUR + i * MIN, nir, false);
		e.ip = IPS[i];
		r = guard_decide(&c, &a, &e);
		if (i == 0)
			assert_false(r.reasons & GR_NEW_ADDRESS); /* an account's first address is not new */
		else
			assert_true(r.reasons & GR_NEW_ADDRESS);
	}
	assert_true(r.reasons & GR_MANY_ADDRESSES);
	assert_true(r.decision >= GUARD_STEP_UP);
	/* A known address again is not new; outside the window the count drops. */
	patient_nir(nir, 30010);
	e = ev(&PHARMACY, MONDAY + 12 * HOUR, nir, false);
	r = guard_decide(&c, &a, &e);
	assert_false(r.reasons & (GR_NEW_ADDRESS | GR_MANY_ADDRESSES));

	guard_account_init(&a);
	for (int i = 0; i < 4; i++) {
		patient_nir(nir, 31000 + (uint64_t)i);
		e = ev(&PHARMACY, MONDAY + 10 * HOUR + i * MIN, nir, false);
		e.ua = UAS[i];
		r = guard_decide(&c, &a, &e);
	}
	assert_true(r.reasons & GR_MANY_CLIENTS);

	/* A token used from an address it was not issued to: step-up. */
	guard_account_init(&a);
	patient_nir(nir, 32000);
	e = ev(&PHARMACY, MONDAY + 10 * HOUR, nir, false);
	e.token_moved = true;
	r = guard_decide(&c, &a, &e);
	assert_true(r.reasons & GR_NEW_ADDRESS);
	assert_int_equal(r.decision, GUARD_STEP_UP);
}

static void reinstate_keeps_the_history(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	struct practice p = pharmacy(61);
	struct day_stats st = { 0 };
	float before;
	uint16_t days;
	struct attack_stats at;

	(void)state;
	guard_account_init(&a);
	practice_days(&c, &a, &p, 0, 14, &st);
	at = attack(&c, &a, &ROBOT, 100, MONDAY + 14 * DAY + 10 * HOUR, 2 * S, 0, sequential_nirs,
	            false);
	assert_true(at.suspended_at >= 0);
	before = a.b_nocard_day;
	days = a.days;
	/* The day of the attack (tainted) teaches the baseline nothing; the history stays. */
	guard_reinstate(&c, &a, MONDAY + 15 * DAY + 8 * HOUR, 60);
	assert_false(guard_is_suspended(&a));
	assert_true(a.b_nocard_day == before);
	assert_int_equal(a.days, days);
	assert_true(a.days >= 10);
	practice_day(&c, &a, &p, MONDAY + 15 * DAY, p.card_pct, &st);
	assert_false(guard_is_suspended(&a));
}

static void time_is_explicit_and_decisions_deterministic(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a1, a2;
	uint64_t s = 3;

	(void)state;
	guard_account_init(&a1);
	guard_account_init(&a2);
	for (int i = 0; i < 3000; i++) {
		char nir[16];
		int64_t t = MONDAY + 8 * HOUR + i * 37 * S;
		bool card = lcg(&s) % 2;
		struct guard_event e;
		struct guard_result r1, r2;

		patient_nir(nir, lcg(&s) % 500);
		e = ev(i % 100 < 90 ? &PHARMACY : &ROBOT, t, nir, card);
		r1 = guard_decide(&c, &a1, &e);
		r2 = guard_decide(&c, &a2, &e);
		assert_int_equal(r1.decision, r2.decision);
		assert_int_equal(r1.reasons, r2.reasons);
		assert_int_equal(r1.score, r2.score);
		if (r1.decision == GUARD_STEP_UP) {
			guard_step_up_done(&c, &a1, t + S, 60);
			guard_step_up_done(&c, &a2, t + S, 60);
		}
	}
	assert_memory_equal(&a1, &a2, sizeof(a1));
	/* Another key, other hashes: the state says nothing without the key. */
	{
		struct guard_cfg c2 = cfg();
		struct guard_account b1, b2;
		char nir[16];
		struct guard_event e;

		c2.key[0] ^= 1;
		guard_account_init(&b1);
		guard_account_init(&b2);
		patient_nir(nir, 1);
		e = ev(&PHARMACY, MONDAY + 10 * HOUR, nir, true);
		(void)guard_decide(&c, &b1, &e);
		(void)guard_decide(&c2, &b2, &e);
		assert_memory_not_equal(b1.seen, b2.seen, sizeof(b1.seen));
	}
}

static void odd_inputs_still_get_a_decision(void **state)
{
	struct guard_cfg c = cfg();
	struct guard_account a;
	struct guard_event e = { 0 };
	struct guard_result r;

	(void)state;
	guard_account_init(&a);
	/* No NIR, no address, no client, an unknown profession, time zero then back in time. */
	e.profession = 42;
	r = guard_decide(&c, &a, &e);
	assert_true((unsigned)r.decision < GUARD_DECISIONS);
	e.t_ms = -5 * DAY;
	e.nir = "";
	r = guard_decide(&c, &a, &e);
	assert_true((unsigned)r.decision < GUARD_DECISIONS);
	e.t_ms = INT64_MAX / 2;
	e.nir = "1850775101001";
	e.nir_len = 13;
	e.key_valid = true;
	e.found = true;
	e.card = true;
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_ALLOW);
	/* A card for a NIR that matches nobody is not trusted. */
	e.found = false;
	r = guard_decide(&c, &a, &e);
	assert_int_not_equal(r.decision, GUARD_SUSPEND);
}

static void names_are_stable_and_distinct(void **state)
{
	(void)state;
	assert_string_equal(guard_reason_name(0), "honeytoken");
	assert_string_equal(guard_reason_name(2), "not_found_rate");
	assert_string_equal(guard_reason_name(GUARD_REASONS), "unknown");
	assert_string_equal(guard_decision_name(GUARD_STEP_UP), "step-up");
	assert_string_equal(guard_decision_name(GUARD_SUSPEND), "suspend");
	assert_string_equal(guard_decision_name((enum guard_decision)99), "unknown");
	for (unsigned i = 0; i < GUARD_REASONS; i++) {
		assert_string_not_equal(guard_reason_name(i), "unknown");
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(guard_reason_name(i), guard_reason_name(j));
	}
	assert_true(GUARD_ACCOUNT_BYTES <= 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(honeytoken_suspends_at_once),
		cmocka_unit_test(wrong_birth_dates_are_wrong_passwords),
		cmocka_unit_test(a_honeytoken_on_a_clean_account_alerts_instead_of_suspending),
		cmocka_unit_test(sequential_enumeration_is_suspended_within_a_few_lookups),
		cmocka_unit_test(structured_enumeration_is_suspended),
		cmocka_unit_test(not_found_and_invalid_key_rates_suspend),
		cmocka_unit_test(a_leaked_list_without_card_gets_the_budget_and_no_more),
		cmocka_unit_test(never_seen_patients_show_a_list_on_a_known_account),
		cmocka_unit_test(staying_under_the_day_budget_is_not_enough),
		cmocka_unit_test(step_up_satisfied_restores_the_allowance),
		cmocka_unit_test(budget_learns_from_the_accounts_history_within_bounds),
		cmocka_unit_test(a_gp_gets_a_smaller_budget_than_a_pharmacist),
		cmocka_unit_test(distinct_patients_over_the_baseline),
		cmocka_unit_test(far_departments_and_off_hours),
		cmocka_unit_test(machine_regular_timing),
		cmocka_unit_test(addresses_and_clients),
		cmocka_unit_test(a_pharmacists_month_is_not_hindered),
		cmocka_unit_test(other_professions_are_not_hindered),
		cmocka_unit_test(a_day_without_card_reader_is_not_suspended),
		cmocka_unit_test(reinstate_keeps_the_history),
		cmocka_unit_test(time_is_explicit_and_decisions_deterministic),
		cmocka_unit_test(odd_inputs_still_get_a_decision),
		cmocka_unit_test(names_are_stable_and_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
