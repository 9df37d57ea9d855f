/*
 * throttle.h - failed-login throttling.
 *
 * Per client address: a GCRA (generic cell rate) limiter. Each failure adds
 * `period` seconds of debt; an address may go on while its debt is under
 * burst * period, so `burst` quick failures are allowed, then one more per
 * period. The table has a fixed size (an address flood evicts the
 * least-indebted entries, never grows memory). Thread-safe.
 *
 * Per account: throttle_account_lock says how long an account is locked after
 * n consecutive failures (exponential back-off, then a hard lock at max, as
 * NIST SP 800-63B asks: never more than 100 consecutive failures).
 */
#ifndef VIGIE_HTTP_THROTTLE_H
#define VIGIE_HTTP_THROTTLE_H

#include <stdint.h>
#include "core/err.h"

#define THROTTLE_FOREVER INT64_MAX

struct throttle;

VG_MUST_USE int throttle_new(unsigned burst, unsigned period, struct throttle **out);
void throttle_free(struct throttle *t);

/* Seconds before addr may try to log in again; 0 if it may now. */
int64_t throttle_ip_wait(struct throttle *t, const char *addr, int64_t now);
/*
 * Record a login attempt from addr as failed. Callers count an attempt before
 * the slow password check, so concurrent attempts cannot all slip under the
 * limit, and refund it when the login succeeds.
 */
void throttle_ip_fail(struct throttle *t, const char *addr, int64_t now);
/* Take back one throttle_ip_fail (the attempt succeeded). */
void throttle_ip_refund(struct throttle *t, const char *addr, int64_t now);

/*
 * The lock, in seconds, after `failed` consecutive failures of one account:
 * 0 below free_n; then 30 s doubling per further failure, capped at one hour;
 * THROTTLE_FOREVER from max_n on (an operator must reinstate). Pure.
 */
int64_t throttle_account_lock(int32_t failed, unsigned free_n, unsigned max_n);

/*
 * Login defences across accounts and addresses (a login_watch):
 *  - credential stuffing: one address failing logins on many distinct
 *    accounts (known or not) is blocked for a while, however slowly it goes;
 *  - a distributed attack on one account: failures from many distinct
 *    addresses lock the account for a while, whoever is right.
 * Each key (an address, an account) keeps the distinct items it failed with
 * in a sliding window, in a fixed-size table (a flood evicts the oldest
 * entries, never grows memory). Thread-safe.
 */
struct login_watch;

VG_MUST_USE int login_watch_new(struct login_watch **out);
void login_watch_free(struct login_watch *w);

/*
 * A failed login of `item` from `key` at now (seconds): returns how many
 * distinct items `key` failed with in the last `window` seconds, this one
 * included (at most 255). Keys and items are strings ("ip:..", an RPPS).
 */
unsigned login_watch_fail(struct login_watch *w, const char *key, const char *item, int64_t now,
                          int64_t window);
/* Block key until `until` (unix seconds). */
void login_watch_block(struct login_watch *w, const char *key, int64_t until);
/* Seconds key is still blocked for, 0 if it is not. */
int64_t login_watch_blocked(struct login_watch *w, const char *key, int64_t now);

#endif
