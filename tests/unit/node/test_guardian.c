/*
 * node/guardian.h: the guard inside a node: per-account states behind
 * sharded locks (decided from several threads at once), step-ups and
 * reinstatement, card proofs accepted once, alerts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/nir.h"
#include "node/guardian.h"

static const uint8_t KEY[GUARD_KEY_BYTES] = { 9, 8, 7 };
#define T0 (1764600000LL * 1000) /* 2025-12-01 14:40 UTC, a Monday afternoon in Paris */

static void nir_of(char out[16], unsigned k)
{
	char s13[14];
	int key;

	snprintf(s13, sizeof(s13), "1850775%03u%03u", 100 + k % 800, k % 997 + 1);
	key = nir_compute_key(s13);
	snprintf(out, 16, "%s%02d", s13, key);
}

static struct guard_event lookup_of(const char *nir, int64_t t_ms, bool card)
{
	return (struct guard_event){ .t_ms = t_ms,
		                     .utc_offset_min = 60,
		                     .profession = PRO_PHARMACIST,
		                     .nir = nir,
		                     .nir_len = 15,
		                     .key_valid = true,
		                     .found = true,
		                     .card = card,
		                     .geo = GUARD_GEO_NEAR,
		                     .ip = "192.0.2.1",
		                     .ua = "LGC" };
}

static void decisions_step_up_and_reinstatement(void **state)
{
	struct guardian *g;
	struct guard_result r = { 0 };
	struct guardian_alert al[4];
	uint64_t counts[GUARD_DECISIONS];
	char nir[16];
	int i;

	(void)state;
	assert_int_equal(guardian_new(KEY, &g), 0);
	/* With the card: always a full lookup. */
	nir_of(nir, 1);
	{
		struct guard_event e = lookup_of(nir, T0, true);

		assert_int_equal(guardian_decide(g, 42, &e).decision, GUARD_ALLOW);
	}
	/* Without: a step-up comes, and is pending until a fresh code. */
	for (i = 0; i < 200; i++) {
		struct guard_event e;

		nir_of(nir, 100 + (unsigned)i);
		e = lookup_of(nir, T0 + (i + 1) * 37000, false);
		r = guardian_decide(g, 42, &e);
		if (r.decision == GUARD_STEP_UP)
			break;
	}
	assert_int_equal(r.decision, GUARD_STEP_UP);
	assert_int_equal(guardian_step_up_pending(g, 42), 1);
	assert_int_equal(guardian_step_up_pending(g, 43), 0); /* another account: untouched */
	assert_int_equal(guardian_step_up(g, 42, T0 + 3600000), 1);
	assert_int_equal(guardian_step_up_pending(g, 42), 0);
	assert_int_equal(guardian_step_up(g, 42, T0 + 3600001), 0); /* nobody asked: nothing */
	assert_int_equal(guardian_step_up(g, 99, T0), 0);           /* an account never seen */
	/* A honeytoken suspends; the alert is kept; reinstatement lifts it. */
	{
		struct guard_event e = lookup_of(nir, T0 + 3700000, false);

		e.honeytoken = true;
		r = guardian_decide(g, 42, &e);
		assert_int_equal(r.decision, GUARD_SUSPEND);
		assert_true(r.suspended_now);
		r = guardian_decide(g, 42, &e);
		assert_false(r.suspended_now); /* the transition only */
	}
	{
		struct guardian_alert a = { .t_ms = T0, .pro_id = 42, .score = 100 };

		memcpy(a.rpps, "10000000008", 12);
		guardian_alert_add(g, &a);
		assert_int_equal(a.id, 1);
	}
	assert_int_equal(guardian_alerts(g, al, 4), 1);
	assert_int_equal(al[0].reinstated_ms, 0);
	guardian_reinstate(g, 42, T0 + 7200000);
	guardian_alert_lifted(g, 42, T0 + 7200000, 7);
	assert_int_equal(guardian_alerts(g, al, 4), 1);
	assert_int_equal(al[0].reinstated_by, 7);
	{
		struct guard_event e = lookup_of(nir, T0 + 7300000, true);

		assert_int_equal(guardian_decide(g, 42, &e).decision, GUARD_ALLOW);
	}
	guardian_counts(g, counts);
	assert_true(counts[GUARD_STEP_UP] >= 1 && counts[GUARD_SUSPEND] == 2 &&
	            counts[GUARD_ALLOW] >= 2);
	guardian_free(g);
}

static void proofs_are_accepted_once(void **state)
{
	struct guardian *g;
	uint8_t id[16];

	(void)state;
	assert_int_equal(guardian_new(KEY, &g), 0);
	randombytes_buf(id, sizeof(id));
	assert_int_equal(guardian_proof_once(g, id, 1000, 1000 + 601, 1000), 0);
	assert_int_equal(guardian_proof_once(g, id, 1000, 1000 + 601, 1000), VG_EEXIST);
	assert_int_equal(guardian_proof_once(g, id, 1000, 1000 + 601, 1500), VG_EEXIST);
	/* Once it has expired it is refused by its time anyway; its slot may be reused. */
	assert_int_equal(guardian_proof_once(g, id, 1700, 1700 + 601, 1700), 0);
	/* After a restart at 2000, a proof made before it is refused, however fresh; later ones go. */
	guardian_proofs_from(g, 2000);
	randombytes_buf(id, sizeof(id));
	assert_int_equal(guardian_proof_once(g, id, 1999, 1999 + 601, 2001), VG_EEXIST);
	assert_int_equal(guardian_proof_once(g, id, 2000, 2000 + 601, 2001), 0);
	guardian_free(g);
}

struct worker_arg {
	struct guardian *g;
	int64_t first_pro;
	int rounds;
	int step_ups;
};

static void *decide_many(void *p)
{
	struct worker_arg *w = p;
	char nir[16];

	for (int i = 0; i < w->rounds; i++) {
		int64_t pro = w->first_pro + i % 16;
		struct guard_event e;
		struct guard_result r;

		nir_of(nir, (unsigned)i);
		e = lookup_of(nir, T0 + (int64_t)i * 1000, false);
		r = guardian_decide(w->g, pro, &e);
		if (r.decision == GUARD_STEP_UP && guardian_step_up(w->g, pro, e.t_ms + 1))
			w->step_ups++;
	}
	return NULL;
}

/* Several threads on shared and separate accounts (the shard asserts check every lock). */
static void threads_share_the_guardian(void **state)
{
	struct guardian *g;
	pthread_t th[4];
	struct worker_arg w[4];
	uint64_t counts[GUARD_DECISIONS], total = 0;

	(void)state;
	assert_int_equal(guardian_new(KEY, &g), 0);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker_arg){ g, i < 2 ? 1 : 1000 * i, 3000, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, decide_many, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	guardian_counts(g, counts);
	for (int d = 0; d < GUARD_DECISIONS; d++)
		total += counts[d];
	assert_int_equal(total, 4 * 3000);
	assert_true(w[2].step_ups > 0 && w[3].step_ups > 0);
	guardian_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decisions_step_up_and_reinstatement),
		cmocka_unit_test(proofs_are_accepted_once),
		cmocka_unit_test(threads_share_the_guardian),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
