/*
 * logins.h - a node's login defences (the policy is core/login_policy.h):
 * failures per address (GCRA, node/throttle.h), credential stuffing and
 * distributed attacks on one account (the login watch, under a lock), and
 * per-account locks for the check-and-set of failure counts and one-time
 * code steps (striped: logins of different accounts do not wait for each
 * other). Thread-safe.
 */
#ifndef VIGIE_NODE_LOGINS_H
#define VIGIE_NODE_LOGINS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/login_policy.h"

struct logins;

/* p is copied. *out: logins_free. */
VG_MUST_USE int logins_new(const struct login_policy *p, struct logins **out);
void logins_free(struct logins *l);
const struct login_policy *logins_policy(const struct logins *l);

/*
 * The watch, before an attempt from ip of kind (enum session_kind) naming
 * login (len bytes; NULL: the address alone) at now: seconds it must wait
 * (0: go on) and why (a static sentence): the address blocked for stuffing,
 * or the login locked by a distributed attack (with or without an account).
 */
int64_t logins_watch_wait(struct logins *l, const char *ip, int kind, const void *login, size_t len,
                          int64_t now, const char **why);
/* The address's budget of failures (GCRA): seconds to wait, 0 to go on. */
int64_t logins_address_wait(struct logins *l, const char *ip, int64_t now);
/*
 * Count an attempt from ip against its address's budget before the slow
 * checks (so that concurrent attempts cannot all slip under the limit);
 * logins_succeeded takes it back.
 */
void logins_attempt(struct logins *l, const char *ip, int64_t now);
void logins_succeeded(struct logins *l, const char *ip, int64_t now);
/*
 * A failed login of kind naming login (len bytes: an RPPS, a blind index),
 * see login_watch_failed: the actions it triggered, enum login_watch_action.
 */
unsigned logins_failed(struct logins *l, const char *ip, int kind, const void *login, size_t len,
                       int64_t now);
/* Whether the spray alarm is raised (login_watch_alarm). */
int logins_alarm(struct logins *l, int64_t now);

/*
 * Decoys: a login that names no account (an unknown RPPS, a NIR or e-mail
 * with no account, a honeytoken) fails and locks exactly as an account does
 * (login_policy_account_lock over its consecutive failures), so that no
 * answer tells whether an account exists. kind: enum session_kind; login:
 * the bytes the login named (an RPPS, a blind index). logins_decoy_lock is
 * the time until which it is locked (0: not; INT64_MAX: as an account at
 * acct_fail_max). In memory, DECOY_SLOTS of them (a flood evicts the oldest).
 */
int64_t logins_decoy_lock(struct logins *l, int kind, const void *login, size_t len, int64_t now);
void logins_decoy_failed(struct logins *l, int kind, const void *login, size_t len, int64_t now);
/*
 * Count a strike against key (len bytes) in the decoys' table under a kind of
 * its own (LOGINS_STRIKE_*, apart from the session kinds): the strikes so far,
 * this one included. Used for the wrong step-up codes of one session.
 */
#define LOGINS_STRIKE_STEP_UP 16
#define LOGINS_STRIKE_CRED    18 /* wrong passwords or codes given to change credentials */
unsigned logins_strike(struct logins *l, int kind, const void *key, size_t len, int64_t now);
/*
 * When the session of token (len bytes) last proved its second factor (a
 * login, a step-up), in memory and in the decoys' table under a kind of its
 * own (a flood may evict it: then the session steps up again; a restart
 * forgets it the same way). logins_fresh_at: 0 if never seen.
 */
#define LOGINS_FRESH 17
void logins_fresh_set(struct logins *l, const void *token, size_t len, int64_t now);
int64_t logins_fresh_at(struct logins *l, const void *token, size_t len);
/*
 * The lock of one account (kind: enum session_kind) for a check-and-set of
 * its login state. Locks are striped (two accounts may share one): hold one
 * at a time, never two.
 */
void logins_lock(struct logins *l, int kind, int64_t id);
void logins_unlock(struct logins *l, int kind, int64_t id);

#endif
