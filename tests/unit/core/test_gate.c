/*
 * core/gate.h: the one policy from (card proof, guard decision, mode) to an
 * answer, and the guard event built from a lookup, for server, replay and
 * simulator alike.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/gate.h"

static struct guard_result decided(enum guard_decision d)
{
	return (struct guard_result){ .decision = d };
}

static void every_verdict(void **state)
{
	static const struct {
		enum gate_proof proof;
		enum guard_decision d;
		enum gate_answer answer;
		enum guard_decision refusal;
		bool bad_proof;
		const char *name;
	} T[] = {
		{ GATE_PROOF_OK, GUARD_ALLOW, GATE_FULL, GUARD_ALLOW, false, "allow" },
		/* With the patient there, the guard's minimise still only verifies. */
		{ GATE_PROOF_OK, GUARD_MINIMISE, GATE_VERIFY, GUARD_ALLOW, false, "minimise" },
		/* Without a proof, never a full answer: allowed or minimised, it verifies. */
		{ GATE_NO_PROOF, GUARD_ALLOW, GATE_VERIFY, GUARD_ALLOW, false, "verify" },
		{ GATE_NO_PROOF, GUARD_MINIMISE, GATE_VERIFY, GUARD_ALLOW, false, "minimise" },
		{ GATE_NO_PROOF, GUARD_STEP_UP, GATE_REFUSE, GUARD_STEP_UP, false, "step-up" },
		{ GATE_NO_PROOF, GUARD_THROTTLE, GATE_REFUSE, GUARD_THROTTLE, false, "throttle" },
		{ GATE_NO_PROOF, GUARD_DENY, GATE_REFUSE, GUARD_DENY, false, "deny" },
		{ GATE_NO_PROOF, GUARD_SUSPEND, GATE_REFUSE, GUARD_SUSPEND, false, "suspend" },
		/* A bad proof is refused, unless the guard's own refusal is stronger. */
		{ GATE_PROOF_BAD, GUARD_ALLOW, GATE_REFUSE, GUARD_DENY, true, "deny" },
		{ GATE_PROOF_BAD, GUARD_MINIMISE, GATE_REFUSE, GUARD_DENY, true, "deny" },
		{ GATE_PROOF_BAD, GUARD_STEP_UP, GATE_REFUSE, GUARD_DENY, true, "deny" },
		{ GATE_PROOF_BAD, GUARD_THROTTLE, GATE_REFUSE, GUARD_THROTTLE, false, "throttle" },
		{ GATE_PROOF_BAD, GUARD_SUSPEND, GATE_REFUSE, GUARD_SUSPEND, false, "suspend" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(T) / sizeof(T[0]); i++) {
		struct guard_result g = decided(T[i].d);
		struct gate_verdict v = gate_verdict(T[i].proof, &g, false);

		assert_int_equal(v.answer, T[i].answer);
		if (v.answer == GATE_REFUSE)
			assert_int_equal(v.refusal, T[i].refusal);
		assert_int_equal(v.bad_proof, T[i].bad_proof);
		assert_string_equal(gate_decision_name(&v), T[i].name);
		/* Observing: decided, never refused; card-less answers still only verify. */
		v = gate_verdict(T[i].proof, &g, true);
		assert_int_equal(v.answer, T[i].proof == GATE_PROOF_OK ? GATE_FULL : GATE_VERIFY);
	}
}

static void invalid_nirs_get_their_400_unless_the_guard_refuses(void **state)
{
	struct guard_result g;

	(void)state;
	for (int d = 0; d < GUARD_DECISIONS; d++) {
		g = decided((enum guard_decision)d);
		assert_int_equal(gate_refuses_invalid(&g, false), d >= GUARD_THROTTLE);
		assert_false(gate_refuses_invalid(&g, true));
	}
}

static void the_event_of_a_lookup(void **state)
{
	struct hours h;
	struct gate_lookup l = {
		.t_ms = 1764600000123, .utc_offset_min = 60, .profession = PRO_GP,
		.practice_dept = "75", .hours = &h, .nir = "185077510100112", .nir_len = 15,
		.key_valid = true, .found = 2, .honeytoken = false, .patient_dept = "92", .near = -1,
		.proof = GATE_PROOF_OK, .ip = "192.0.2.1", .ua = "LGC/5", .token_moved = true,
	};
	struct guard_event e;

	(void)state;
	hours_always(&h);
	gate_event(&l, &e);
	assert_int_equal(e.t_ms, l.t_ms);
	assert_int_equal(e.utc_offset_min, 60);
	assert_int_equal(e.profession, PRO_GP);
	assert_ptr_equal(e.hours, &h);
	assert_true(e.key_valid && e.found && e.card && e.token_moved && !e.honeytoken);
	assert_int_equal(e.geo, GUARD_GEO_NEAR); /* Paris and Hauts-de-Seine share a border */
	assert_string_equal(e.ip, "192.0.2.1");
	l.patient_dept = "13";
	gate_event(&l, &e);
	assert_int_equal(e.geo, GUARD_GEO_FAR);
	l.near = 1; /* the caller knows better (a replay line's "near") */
	gate_event(&l, &e);
	assert_int_equal(e.geo, GUARD_GEO_NEAR);
	l.near = -1;
	l.patient_dept = "99"; /* not a department */
	gate_event(&l, &e);
	assert_int_equal(e.geo, GUARD_GEO_UNKNOWN);
	/* Only a verified proof counts as a card; a bad one is a card-less lookup. */
	l.proof = GATE_PROOF_BAD;
	gate_event(&l, &e);
	assert_false(e.card);
	/* Nobody matched: not found, no geography. */
	l.found = 0;
	l.patient_dept = "92";
	gate_event(&l, &e);
	assert_false(e.found);
	assert_int_equal(e.geo, GUARD_GEO_UNKNOWN);
	/* A NIR that fails its key check is never "found". */
	l.found = 1;
	l.key_valid = false;
	gate_event(&l, &e);
	assert_false(e.found);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_verdict),
		cmocka_unit_test(invalid_nirs_get_their_400_unless_the_guard_refuses),
		cmocka_unit_test(the_event_of_a_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
