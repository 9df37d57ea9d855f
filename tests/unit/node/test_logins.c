/* node/logins.h: a node's login defences, thread-safe, with the policy of core/login_policy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "node/logins.h"
#include "store/store.h"

static void address_budget_and_watch(void **state)
{
	struct login_policy p;
	struct logins *l;
	const char *why = NULL;
	char rpps[16];
	int64_t t = 5000;

	(void)state;
	login_policy_defaults(&p);
	p.ip_fail_burst = 3;
	assert_int_equal(logins_new(&p, &l), 0);
	assert_int_equal(logins_policy(l)->ip_fail_burst, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(logins_address_wait(l, "192.0.2.1", t), 0);
		logins_attempt(l, "192.0.2.1", t);
	}
	assert_int_equal(logins_address_wait(l, "192.0.2.1", t), 60);
	logins_succeeded(l, "192.0.2.1", t); /* the owner: one attempt back */
	assert_int_equal(logins_address_wait(l, "192.0.2.1", t), 0);
	/* The watch: five accounts from one address. */
	for (int i = 0; i < 5; i++) {
		snprintf(rpps, sizeof(rpps), "1000000003%d", i);
		assert_int_equal(logins_failed(l, "192.0.2.2", SESSION_PRO, rpps, strlen(rpps), t),
		                 i == 4 ? LOGIN_STUFFING_BLOCKED : 0);
	}
	assert_true(logins_watch_wait(l, "192.0.2.2", SESSION_PRO, NULL, 0, t, &why) > 0);
	assert_string_equal(why, "too many accounts tried from this address");
	assert_int_equal(logins_watch_wait(l, "192.0.2.3", SESSION_PRO, NULL, 0, t, &why), 0);
	/* Per-account locks, one at a time (logins.h): many ids of both kinds. */
	for (int64_t id = 1; id < 1000; id++) {
		logins_lock(l, SESSION_PRO, id);
		logins_unlock(l, SESSION_PRO, id);
		logins_lock(l, SESSION_INSURED, id);
		logins_unlock(l, SESSION_INSURED, id);
	}
	logins_free(l);
}

/* A login naming no account backs off and locks as an account would (login_policy_account_lock). */
static void decoys_fail_like_accounts(void **state)
{
	struct login_policy p;
	struct logins *l;
	int64_t t = 10000;
	char login[32];

	(void)state;
	login_policy_defaults(&p);
	assert_int_equal(logins_new(&p, &l), 0);
	for (int32_t k = 1; k <= (int32_t)p.acct_fail_max; k++) {
		int64_t lock = login_policy_account_lock(&p, k);

		assert_int_equal(logins_decoy_lock(l, SESSION_PRO, "10000000001", 11, t), 0);
		logins_decoy_failed(l, SESSION_PRO, "10000000001", 11, t);
		assert_int_equal(logins_decoy_lock(l, SESSION_PRO, "10000000001", 11, t),
		                 lock == LOGIN_LOCKED_FOREVER ? INT64_MAX
		                 : lock                       ? t + lock
		                                              : 0);
		if (lock != LOGIN_LOCKED_FOREVER)
			t += lock; /* wait the lock out, as a patient guesser does */
	}
	/* Locked for good, as an account at acct_fail_max. */
	assert_int_equal(logins_decoy_lock(l, SESSION_PRO, "10000000001", 11, t + 86400 * 365),
	                 INT64_MAX);
	/* Another login, and the same bytes under the other kind, are untouched. */
	assert_int_equal(logins_decoy_lock(l, SESSION_PRO, "10000000002", 11, t), 0);
	assert_int_equal(logins_decoy_lock(l, SESSION_INSURED, "10000000001", 11, t), 0);
	/* A flood of other logins evicts the oldest first, never the locked one. */
	for (int i = 0; i < 20000; i++) {
		snprintf(login, sizeof(login), "flood-%d", i);
		logins_decoy_failed(l, SESSION_INSURED, login, strlen(login), t);
	}
	assert_int_equal(logins_decoy_lock(l, SESSION_PRO, "10000000001", 11, t), INT64_MAX);
	logins_free(l);
}

/* A session's step-up strikes and fresh mark outlive any flood of logins (which anyone can send). */
static void session_marks_outlive_login_floods(void **state)
{
	struct login_policy p;
	struct logins *l;
	const char tok[] = "a-stolen-session-token";
	char login[32];

	(void)state;
	login_policy_defaults(&p);
	assert_int_equal(logins_new(&p, &l), 0);
	assert_int_equal(logins_strike(l, LOGINS_STRIKE_STEP_UP, tok, sizeof(tok) - 1, 100), 1);
	assert_int_equal(logins_strike(l, LOGINS_STRIKE_STEP_UP, tok, sizeof(tok) - 1, 101), 2);
	logins_fresh_set(l, tok, sizeof(tok) - 1, 102);
	for (int i = 0; i < 50000; i++) {
		snprintf(login, sizeof(login), "flood-%d", i);
		logins_decoy_failed(l, i & 1 ? SESSION_INSURED : SESSION_PRO, login, strlen(login),
		                    200 + i);
	}
	assert_int_equal(logins_strike(l, LOGINS_STRIKE_STEP_UP, tok, sizeof(tok) - 1, 60000), 3);
	assert_int_equal(logins_fresh_at(l, tok, sizeof(tok) - 1), 102);
	/* The kinds of mark stay apart: a credential strike is its own count. */
	assert_int_equal(logins_strike(l, LOGINS_STRIKE_CRED, tok, sizeof(tok) - 1, 60001), 1);
	logins_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(address_budget_and_watch),
		cmocka_unit_test(decoys_fail_like_accounts),
		cmocka_unit_test(session_marks_outlive_login_floods),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
