/*
 * event.h - one line of DESIGN.md's replay event format, parsed from
 * untrusted text:
 *
 *     {"t": <unix seconds>, "rpps": "...", "nir": "...", "card": true|false,
 *      "ip": "...", "ua": "..."}
 *
 * with optional members for simulations and recorded traffic that know
 * more (defaults, applied by `vigie replay`, in brackets):
 *   "profession": 1..5 or "pharmacist", "gp", "specialist", "lab",
 *                 "hospital" (store.h's enum pro_kind) [unknown: judged as
 *                 a pharmacist];
 *   "dept", "patient_dept": department codes of the practice and of the
 *                 patient's address ("75", "2A", "974") [unknown];
 *   "near": the patient lives in the practice's department or a neighbour
 *                 [computed from the two departments when both are given];
 *   "found": someone matches [the NIR is valid];
 *   "honeytoken": the record is a honeytoken [false];
 *   "mismatch": the NIR has records but the stated birth date matches none
 *                 of them (a wrong password; "found" is then false) [false];
 *   "token_moved": the session token was issued to another address [false];
 *   "open": the practice was open at t, by its own hours or on-call rota
 *                 [judged from the profession's usual hours].
 *
 * A line may also record what happened to the account instead of a
 * lookup: "action": "step_up" (a fresh second factor was given) or
 * "reinstate" (an operator lifted a suspension); such a line needs "t" and
 * "rpps" only.
 *
 * The parser is small and hand-written (`vigie replay` reads millions of
 * lines a second): one flat object; "t" an integer or a decimal number of
 * seconds (kept to the millisecond); strings without control characters,
 * escapes allowed in "ip" and "ua" only (kept as written, for hashing);
 * "ua" longer than its buffer is cut (it is only hashed); unknown or
 * repeated members are refused, like everywhere else in vigie. Pure and
 * thread-safe.
 */
#ifndef VIGIE_CORE_EVENT_H
#define VIGIE_CORE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define EVENT_T_MAX_S 99999999999LL /* about the year 5138 */

enum replay_action {
	REPLAY_LOOKUP = 0,
	REPLAY_STEP_UP,
	REPLAY_REINSTATE,
};

struct replay_event {
	int64_t t_ms; /* unix milliseconds */
	enum replay_action action;
	char rpps[16];
	char nir[16];
	char ip[48];
	char ua[256];
	char dept[4]; /* "" when not given */
	char patient_dept[4];
	bool card;
	int profession;     /* 0 when not given */
	int8_t found;       /* 1, 0, or -1 when the line does not say */
	int8_t honeytoken;  /* 1, 0, or -1 */
	int8_t mismatch;    /* 1, 0, or -1 */
	int8_t near;        /* 1, 0, or -1 */
	int8_t token_moved; /* 1, 0, or -1 */
	int8_t open;        /* 1, 0, or -1 */
};

/*
 * Parse the len bytes at s (no NUL needed; surrounding white space,
 * including a trailing '\r', is allowed). "t", "rpps" and, for a lookup,
 * "nir" are required. Returns 0 with *out filled, or VG_EINVAL with *why set to a
 * static, lower-case sentence naming what is wrong (and *out unspecified).
 * s and out are borrowed.
 */
VG_MUST_USE int event_parse(const char *s, size_t len, struct replay_event *out, const char **why);

#endif
