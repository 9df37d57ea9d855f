/*
 * throttle.h - failed logins per client address: a GCRA (generic cell rate)
 * limiter. Each failure adds `period` seconds of debt; an address may go on
 * while its debt is under burst * period, so `burst` quick failures are
 * allowed, then one more per period. The table has a fixed size (an address
 * flood evicts the least-indebted entries, never grows memory).
 * Thread-safe. (The other login defences: core/login_policy.h, node/logins.h.)
 */
#ifndef VIGIE_NODE_THROTTLE_H
#define VIGIE_NODE_THROTTLE_H

#include <stdint.h>
#include "core/err.h"

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

#endif
