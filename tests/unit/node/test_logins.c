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
		assert_int_equal(logins_failed(l, "192.0.2.2", rpps, 0, t),
		                 i == 4 ? LOGIN_STUFFING_BLOCKED : 0);
	}
	assert_true(logins_watch_wait(l, "192.0.2.2", 0, t, &why) > 0);
	assert_string_equal(why, "too many accounts tried from this address");
	assert_int_equal(logins_watch_wait(l, "192.0.2.3", 0, t, &why), 0);
	/* Per-account locks, one at a time (logins.h): many ids of both kinds. */
	for (int64_t id = 1; id < 1000; id++) {
		logins_lock(l, SESSION_PRO, id);
		logins_unlock(l, SESSION_PRO, id);
		logins_lock(l, SESSION_INSURED, id);
		logins_unlock(l, SESSION_INSURED, id);
	}
	logins_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(address_budget_and_watch),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
