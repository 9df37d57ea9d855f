/*
 * gate.h - the gate every lookup passes: from what the shell knows of one
 * lookup (who asks, what, the card proof's verdict) to the guard's event,
 * and from the guard's decision to what is answered. One policy for the
 * server (http/api_fhir.c), `vigie replay` and `vigie sim`: change a rule
 * here and all three follow.
 *
 * The verdict:
 *  1. a card proof that does not verify (forged, stale, another
 *     professional's, already used) is refused (403), and the lookup was
 *     judged as card-less; the guard's own refusal wins when it is stronger
 *     (throttle, deny, suspend);
 *  2. otherwise the guard's decision: step-up, throttle, deny and suspend
 *     are refusals of that kind (401, 429, 403, 403); allow is a full answer
 *     only with a verified card proof (the patient is there); without one,
 *     and whenever the guard minimises, the answer verifies and does not
 *     disclose (GATE_VERIFY): for the persons the professional stated (NIR
 *     and birth date), whether they match and the rights billing needs,
 *     never a name, a gender, a physician, AME or ALD. Card-less answers
 *     are thus the same whether the guard allowed or minimised them: an
 *     answer does not tell a client where its budget stands;
 *  3. in observe mode (a first rollout, benchmarks) the guard decides and
 *     counts but refuses nothing; card-less answers still only verify.
 * A NIR-shaped value that fails its key check is judged too (enumeration);
 * it gets its 400 unless the guard refuses it (throttle and above).
 *
 * Pure; thread-safe.
 */
#ifndef VIGIE_CORE_GATE_H
#define VIGIE_CORE_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/guard.h"
#include "core/hours.h"

enum gate_proof {
	GATE_NO_PROOF = 0, /* no Vigie-Card-Proof header */
	GATE_PROOF_OK,     /* verified for this professional and NIR, fresh, first use */
	GATE_PROOF_BAD,    /* sent, but refused */
};

/* One lookup, as the shell knows it. Strings are borrowed for the call (NULL: unknown). */
struct gate_lookup {
	int64_t t_ms;              /* unix milliseconds */
	int32_t utc_offset_min;    /* local time = UTC + this, at t_ms */
	int profession;            /* enum pro_kind */
	const char *practice_dept; /* the practice's department code */
	const struct hours *hours; /* the practice's hours and rota; NULL: the profession's usual */
	const char *nir;           /* what was asked for, nir_len bytes */
	size_t nir_len;
	bool key_valid;           /* a NIR (format and key) */
	size_t found;             /* people who match (with a stated birth date, that too) */
	bool mismatch;            /* the NIR has records, none with the stated birth date */
	bool honeytoken;          /* one of them is a honeytoken */
	const char *patient_dept; /* the first match's department */
	int near;                 /* 1/0: the patient lives near/far (known otherwise); -1: from
	                                the two departments */
	enum gate_proof proof;
	const char *ip, *ua; /* the client's address and user agent */
	bool token_moved;    /* the session token was issued to another address */
};

/* The guard's event for a lookup (geography from core/geo; a proof counts only when OK). */
void gate_event(const struct gate_lookup *l, struct guard_event *e);

enum gate_answer {
	GATE_FULL = 0, /* the persons matched, in full: a verified card proof */
	GATE_VERIFY,   /* the stated persons' match and billing rights only */
	GATE_REFUSE,
};

struct gate_verdict {
	enum gate_answer answer;
	enum guard_decision refusal; /* with GATE_REFUSE: step-up, throttle, deny or suspend */
	bool bad_proof;              /* refused for its card proof (403) */
	bool minimised;              /* GATE_VERIFY because the guard minimised */
};

/* What to answer, from the proof's verdict and the guard's decision (see the top). */
struct gate_verdict gate_verdict(enum gate_proof proof, const struct guard_result *g, bool observe);

/* Whether a NIR-shaped value that fails its key check is refused by the guard (not a 400). */
bool gate_refuses_invalid(const struct guard_result *g, bool observe);

/*
 * The access record's decision word for a verdict: "allow" (full),
 * "verify" (card-less, within the guard's budget), "minimise" (verified,
 * the guard minimised), "step-up", "throttle", "deny", "suspend" (a bad
 * proof: "deny").
 */
const char *gate_decision_name(const struct gate_verdict *v);

#endif
