/* gate.c - see gate.h. */
#include "core/gate.h"

#include <string.h>

#include "core/geo.h"
#include "core/banned.h"

void gate_event(const struct gate_lookup *l, struct guard_event *e)
{
	int near = l->near;

	memset(e, 0, sizeof(*e));
	e->t_ms = l->t_ms;
	e->utc_offset_min = l->utc_offset_min;
	e->profession = l->profession;
	e->nir = l->nir;
	e->nir_len = l->nir_len;
	e->key_valid = l->key_valid;
	e->found = l->key_valid && l->found > 0;
	e->mismatch = l->key_valid && l->mismatch && l->found == 0;
	e->honeytoken = l->honeytoken;
	e->card = l->proof == GATE_PROOF_OK;
	e->token_moved = l->token_moved;
	e->hours = l->hours;
	e->ip = l->ip;
	e->ua = l->ua;
	if (near < 0 && l->found > 0)
		near = geo_near(l->practice_dept, l->patient_dept);
	e->geo = near < 0 ? GUARD_GEO_UNKNOWN : near ? GUARD_GEO_NEAR : GUARD_GEO_FAR;
}

struct gate_verdict gate_verdict(enum gate_proof proof, const struct guard_result *g, bool observe)
{
	struct gate_verdict v = { GATE_FULL, GUARD_ALLOW, false, false };

	if (proof != GATE_PROOF_OK)
		v.answer = GATE_VERIFY; /* without the patient, a lookup verifies */
	if (observe)
		return v; /* decided and counted, not acted on */
	if (g->decision >= GUARD_THROTTLE) {
		v.answer = GATE_REFUSE;
		v.refusal = g->decision;
	} else if (proof == GATE_PROOF_BAD) {
		/* A replayed, stale or forged proof: refused; the lookup counted as card-less. */
		v.answer = GATE_REFUSE;
		v.refusal = GUARD_DENY;
		v.bad_proof = true;
	} else if (g->decision == GUARD_STEP_UP) {
		v.answer = GATE_REFUSE;
		v.refusal = GUARD_STEP_UP;
	} else if (g->decision == GUARD_MINIMISE) {
		v.answer = GATE_VERIFY;
		v.minimised = true;
	}
	return v;
}

bool gate_refuses_invalid(const struct guard_result *g, bool observe)
{
	return !observe && g->decision >= GUARD_THROTTLE;
}

const char *gate_decision_name(const struct gate_verdict *v)
{
	if (v->answer == GATE_FULL)
		return "allow";
	if (v->answer == GATE_VERIFY)
		return v->minimised ? "minimise" : "verify";
	return guard_decision_name(v->refusal);
}
