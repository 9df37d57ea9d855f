/*
 * The guard's decisions (core/guard.h) on hand-built event streams: each
 * attack is stopped, a legitimate professional's week is not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/guard.h"

#define PARIS 60
#define MONDAY_8H 1763967600 /* 2025-11-24 07:00 UTC, 08:00 in Paris */

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 11;
}

static struct guard_event ev(int64_t t, uint64_t patient, int card)
{
	return (struct guard_event){ .t = t, .patient = patient, .nir_serial = 1850775000000ULL + patient % 1000000,
	                             .ip = 42, .key_valid = true, .found = true, .card = card != 0,
	                             .near = true, .utc_offset_min = PARIS };
}

static void honeytoken_suspends_at_once(void **state)
{
	struct guard_cfg c;
	struct guard_account a = { 0 };
	struct guard_event e = ev(MONDAY_8H + 3600, 7, 1);
	struct guard_result r;

	(void)state;
	guard_cfg_defaults(&c);
	e.honeytoken = true;
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_SUSPEND);
	assert_true(r.reasons & GR_HONEYTOKEN);
	/* Everything after is refused, card or not, until an operator reinstates. */
	e = ev(MONDAY_8H + 3700, 8, 1);
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_SUSPEND);
	assert_true(r.reasons & GR_SUSPENDED);
	guard_reinstate(&a);
	r = guard_decide(&c, &a, &e);
	assert_int_equal(r.decision, GUARD_ALLOW);
	assert_string_equal(guard_reason_name(0), "honeytoken");
	assert_string_equal(guard_decision_name(GUARD_STEP_UP), "step-up");
}

/* Run an attack until suspended (or n events); return the records it got (allow/minimise). */
static int attack(struct guard_account *a, const struct guard_cfg *c, int n, int64_t t0,
                  int64_t gap, int sequential, int found, int key_valid, int *suspended_at)
{
	int exposed = 0;

	*suspended_at = -1;
	for (int i = 0; i < n; i++) {
		struct guard_event e = ev(t0 + i * gap, 1000 + (uint64_t)i * (sequential ? 1 : 7919), 0);
		struct guard_result r;

		e.nir_serial = sequential ? 1850775000100ULL + (uint64_t)i : 1850775000100ULL + (uint64_t)i * 7919;
		e.found = found && (i % 3 != 0 || !sequential); /* a third of sequential NIRs hit someone */
		e.key_valid = key_valid;
		r = guard_decide(c, a, &e);
		if ((r.decision == GUARD_ALLOW || r.decision == GUARD_MINIMISE) && e.found)
			exposed++;
		if (r.decision == GUARD_SUSPEND) {
			*suspended_at = i;
			break;
		}
	}
	return exposed;
}

static void enumeration_is_suspended_within_a_few_lookups(void **state)
{
	struct guard_cfg c;
	struct guard_account a;
	int at, exposed;

	(void)state;
	guard_cfg_defaults(&c);
	/* Sequential NIRs. */
	memset(&a, 0, sizeof(a));
	exposed = attack(&a, &c, 1000, MONDAY_8H + 7200, 2, 1, 1, 1, &at);
	assert_true(at >= 0 && at <= 5);
	assert_true(exposed <= 4);
	/* Random NIRs with valid keys: mostly nobody. */
	memset(&a, 0, sizeof(a));
	exposed = attack(&a, &c, 1000, MONDAY_8H + 7200, 2, 0, 0, 1, &at);
	assert_true(at >= 0 && at <= 2 * (int)c.notfound_max + 1);
	assert_int_equal(exposed, 0);
	/* Guessed keys. */
	memset(&a, 0, sizeof(a));
	exposed = attack(&a, &c, 1000, MONDAY_8H + 7200, 2, 0, 0, 0, &at);
	assert_true(at >= 0 && at <= 2 * (int)c.invalid_max + 1);
}

static void leaked_list_without_card_is_stopped_by_the_budget(void **state)
{
	struct guard_cfg c;
	struct guard_account a = { 0 };
	uint64_t s = 1;
	int exposed = 0, step_ups = 0;

	(void)state;
	guard_cfg_defaults(&c);
	/* Real patients, valid NIRs, no card, one every 3 to 8 seconds: a robot with a password. */
	for (int i = 0, t = 0; i < 2000; i++) {
		struct guard_event e;
		struct guard_result r;

		t += 3 + (int)(lcg(&s) % 6);
		e = ev(MONDAY_8H + 3600 + t, lcg(&s), 0);
		e.nir_serial = 1000000000000ULL + lcg(&s) % 1000000000000ULL;
		r = guard_decide(&c, &a, &e);
		if (r.decision == GUARD_ALLOW || r.decision == GUARD_MINIMISE)
			exposed++;
		if (r.decision == GUARD_STEP_UP)
			step_ups++;
	}
	/* The robot cannot give a fresh second factor: it gets the hourly budget, no more. */
	assert_true(exposed <= (int)c.hour_budget);
	assert_true(step_ups > 0);
	/* A fresh TOTP refills it: the step-up is satisfied. */
	guard_step_up_done(&c, &a, MONDAY_8H + 20000);
	{
		struct guard_event e = ev(MONDAY_8H + 20001, 99, 0);

		assert_true(guard_decide(&c, &a, &e).decision <= GUARD_MINIMISE);
	}
}

static void a_pharmacists_week_is_not_hindered(void **state)
{
	struct guard_cfg c;
	struct guard_account a = { 0 };
	uint64_t s = 7, regulars[400];
	int step_ups = 0, refused = 0, lookups = 0;

	(void)state;
	guard_cfg_defaults(&c);
	for (int k = 0; k < 400; k++)
		regulars[k] = lcg(&s);
	for (int day = 0; day < 5; day++) {
		int64_t t = MONDAY_8H + day * 86400 + 3600; /* 09:00 */

		for (int v = 0; v < 80; v++) {
			struct guard_event e;
			struct guard_result r;

			t += 120 + (int64_t)(lcg(&s) % 600); /* a visit every 2 to 12 minutes */
			e = ev(t, lcg(&s) % 10 < 8 ? regulars[lcg(&s) % 400] : lcg(&s), lcg(&s) % 100 < 85);
			e.near = lcg(&s) % 100 < 95;
			e.ip = lcg(&s) % 100 < 98 ? 42 : 43; /* now and then from the back office */
			r = guard_decide(&c, &a, &e);
			lookups++;
			if (r.decision == GUARD_STEP_UP)
				step_ups++;
			if (r.decision >= GUARD_THROTTLE)
				refused++;
		}
	}
	assert_int_equal(refused, 0);
	assert_true(step_ups * 1000 <= 5 * lookups);
	assert_int_equal(a.suspended, 0);
}

static void machine_regular_timing_and_many_addresses_count(void **state)
{
	struct guard_cfg c;
	struct guard_account a = { 0 };
	struct guard_result r = { 0 };

	(void)state;
	guard_cfg_defaults(&c);
	for (int i = 0; i < 30; i++) {
		struct guard_event e = ev(MONDAY_8H + 3600 + i * 10, 5000 + (uint64_t)i * 7919, 1);

		e.nir_serial = 1850775000100ULL + (uint64_t)i * 7919;
		r = guard_decide(&c, &a, &e);
	}
	assert_true(r.reasons & GR_REGULAR);
	memset(&a, 0, sizeof(a));
	for (int i = 0; i < 4; i++) {
		struct guard_event e = ev(MONDAY_8H + 3600 + i * 97, 77 + (uint64_t)i * 7919, 1);

		e.ip = 100 + (uint64_t)i;
		r = guard_decide(&c, &a, &e);
	}
	assert_true(r.reasons & GR_MANY_ADDRESSES);
	assert_true(r.reasons & GR_NEW_ADDRESS);
}

static void decisions_are_deterministic(void **state)
{
	struct guard_cfg c;
	struct guard_account a1 = { 0 }, a2 = { 0 };
	uint64_t s1 = 3, s2 = 3;

	(void)state;
	guard_cfg_defaults(&c);
	for (int i = 0; i < 500; i++) {
		struct guard_event e1 = ev(MONDAY_8H + i * 37, lcg(&s1), (int)(lcg(&s1) % 2));
		struct guard_event e2 = ev(MONDAY_8H + i * 37, lcg(&s2), (int)(lcg(&s2) % 2));
		struct guard_result r1 = guard_decide(&c, &a1, &e1), r2 = guard_decide(&c, &a2, &e2);

		assert_int_equal(r1.decision, r2.decision);
		assert_int_equal(r1.reasons, r2.reasons);
		assert_int_equal(r1.score, r2.score);
	}
	assert_memory_equal(&a1, &a2, sizeof(a1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(honeytoken_suspends_at_once),
		cmocka_unit_test(enumeration_is_suspended_within_a_few_lookups),
		cmocka_unit_test(leaked_list_without_card_is_stopped_by_the_budget),
		cmocka_unit_test(a_pharmacists_week_is_not_hindered),
		cmocka_unit_test(machine_regular_timing_and_many_addresses_count),
		cmocka_unit_test(decisions_are_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
