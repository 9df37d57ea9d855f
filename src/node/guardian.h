/*
 * guardian.h - the guard (core/guard.h) inside a running node: one
 * struct guard_account per professional, in memory, in 64 shards (each a
 * core/guard_table under its mutex); the "accepted once" memory of card-presence proofs; and the
 * alerts the security team reads at GET /admin/alerts.
 *
 * Thread-safe: every function may be called from any request thread.
 * Accounts of different shards are decided in parallel; one account's
 * lookups are serialised (the guard's threading contract).
 *
 * What is kept where: an account's guard state lives in memory only (its
 * baselines are relearnt after a restart, from the profession's peers);
 * a suspension is also written to the store (pro.suspended), so it
 * survives a restart and blocks logins; alerts are kept in memory (the
 * last GUARDIAN_ALERTS) and in the structured log.
 */
#ifndef VIGIE_NODE_GUARDIAN_H
#define VIGIE_NODE_GUARDIAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/guard.h"

#define GUARDIAN_ALERTS       512
#define GUARDIAN_ACCOUNTS_MAX (64 * 65536) /* about 4 million professional accounts */

struct guardian;

/* key: the guard's secret (GUARD_KEY_BYTES), copied. *out: guardian_free. */
VG_MUST_USE int guardian_new(const uint8_t key[GUARD_KEY_BYTES], struct guardian **out);
void guardian_free(struct guardian *g);

/* Decide on one lookup of pro_id (see guard_decide). Never fails (VG_ENOMEM: suspends). */
struct guard_result guardian_decide(struct guardian *g, int64_t pro_id,
                                    const struct guard_event *e);

/*
 * A fresh TOTP was given at t_ms: 1 if a step-up was pending (now satisfied),
 * 0 if none was. The node's local time is Europe/Paris (core/civil.h).
 */
int guardian_step_up(struct guardian *g, int64_t pro_id, int64_t t_ms);

/* 1 if a step-up is pending for pro_id. */
int guardian_step_up_pending(struct guardian *g, int64_t pro_id);

/* An operator lifted the suspension of pro_id (see guard_reinstate). */
void guardian_reinstate(struct guardian *g, int64_t pro_id, int64_t t_ms);

/*
 * The "accepted once" rule of card-presence proofs: id identifies one proof
 * (a hash of its signature), made at made_s by its own time and valid until
 * until_s (unix seconds). Returns 0 the first time, VG_EEXIST when it was
 * already used or was made before guardian_proofs_from's time, VG_EBUSY when
 * the memory is full of live proofs (then the proof is not accepted either).
 */
VG_MUST_USE int guardian_proof_once(struct guardian *g, const uint8_t id[16], int64_t made_s,
                                    int64_t until_s, int64_t now_s);

/*
 * The memory of used proofs starts at from_s (the server's start): a proof
 * made before it may have been used by the process before, whose memory is
 * gone, so it is refused; the patient's card makes a new one.
 */
void guardian_proofs_from(struct guardian *g, int64_t from_s);

struct guardian_alert {
	uint64_t id; /* 1, 2, ... since start */
	int64_t t_ms;
	int64_t pro_id;
	char rpps[12];
	char decision[12];       /* "suspend" */
	uint32_t score, reasons; /* guard_result */
	int64_t reinstated_ms;   /* 0 while the account is suspended */
	int64_t reinstated_by;   /* operator's account id */
};

/* Record an alert (the copy's id is set). */
void guardian_alert_add(struct guardian *g, struct guardian_alert *a);
/* Mark pro_id's open alerts as lifted by operator `by` at t_ms. */
void guardian_alert_lifted(struct guardian *g, int64_t pro_id, int64_t t_ms, int64_t by);
/* Copy the newest alerts, newest first, at most cap; returns how many. */
size_t guardian_alerts(struct guardian *g, struct guardian_alert *out, size_t cap);

/* Decisions taken since start, by enum guard_decision. */
void guardian_counts(struct guardian *g, uint64_t out[GUARD_DECISIONS]);

#endif
