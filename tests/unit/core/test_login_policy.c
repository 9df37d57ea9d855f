/*
 * core/login_policy.h: the account back-off, and the watch across accounts
 * and addresses (credential stuffing, distributed attacks), in explicit time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/login_policy.h"

static const uint8_t KEY[LOGIN_WATCH_KEY_BYTES] = { 1, 2, 3 };

static void account_backoff(void **state)
{
	struct login_policy p;

	(void)state;
	login_policy_defaults(&p);
	assert_int_equal(login_policy_account_lock(&p, 0), 0);
	assert_int_equal(login_policy_account_lock(&p, 4), 0);
	assert_int_equal(login_policy_account_lock(&p, 5), 30);
	assert_int_equal(login_policy_account_lock(&p, 6), 60);
	assert_int_equal(login_policy_account_lock(&p, 11), 1920);
	assert_int_equal(login_policy_account_lock(&p, 12), 3600);
	assert_int_equal(login_policy_account_lock(&p, 99), 3600);
	assert_int_equal(login_policy_account_lock(&p, 100), LOGIN_LOCKED_FOREVER);
	/* Never more than 100 consecutive failures, whatever is configured. */
	p.acct_fail_max = 1000;
	assert_int_equal(login_policy_account_lock(&p, 100), LOGIN_LOCKED_FOREVER);
}

static void stuffing_from_one_address_is_blocked(void **state)
{
	struct login_policy p;
	struct login_watch *w = malloc(sizeof(*w));
	const char *why = NULL;
	char rpps[16];
	int64_t t = 1000000;

	(void)state;
	assert_non_null(w);
	login_policy_defaults(&p);
	login_watch_init(w, KEY);
	/* The same account five times is one account: a forgetful person, not stuffing. */
	for (int i = 0; i < 5; i++)
		assert_int_equal(login_watch_failed(w, &p, "192.0.2.7", LOGIN_PRO, "10000000008",
		                                    strlen("10000000008"), t + i),
		                 0);
	assert_int_equal(login_watch_wait(w, "192.0.2.7", LOGIN_PRO, NULL, 0, t + 10, &why), 0);
	/* Four more distinct accounts make five: blocked, once, for an hour. */
	for (int i = 1; i <= 4; i++) {
		unsigned a;

		snprintf(rpps, sizeof(rpps), "1000000001%d", i);
		a = login_watch_failed(w, &p, "192.0.2.7", LOGIN_PRO, rpps, strlen(rpps),
		                       t + 20 + i);
		assert_int_equal(a, i == 4 ? LOGIN_STUFFING_BLOCKED : 0);
	}
	assert_int_equal(login_watch_failed(w, &p, "192.0.2.7", LOGIN_PRO, "10000000099",
	                                    strlen("10000000099"), t + 30),
	                 0);
	assert_int_equal(login_watch_wait(w, "192.0.2.7", LOGIN_PRO, NULL, 0, t + 30, &why),
	                 p.stuffing_block_s - 6);
	assert_string_equal(why, "too many accounts tried from this address");
	assert_int_equal(login_watch_wait(w, "192.0.2.8", LOGIN_PRO, NULL, 0, t + 30, &why),
	                 0); /* others go on */
	assert_int_equal(login_watch_wait(w, "192.0.2.7", LOGIN_PRO, NULL, 0,
	                                  t + 24 + p.stuffing_block_s, &why),
	                 0);
	free(w);
}

static void many_addresses_on_one_login_lock_it(void **state)
{
	struct login_policy p;
	struct login_watch *w = malloc(sizeof(*w));
	const char *why = NULL;
	char ip[32];
	int64_t t = 2000000;

	(void)state;
	assert_non_null(w);
	login_policy_defaults(&p);
	p.sources_max = 3;
	login_watch_init(w, KEY);
	for (int i = 0; i < 4; i++) {
		snprintf(ip, sizeof(ip), "100.64.0.%d", i);
		assert_int_equal(login_watch_failed(w, &p, ip, LOGIN_PRO, "10000000008",
		                                    strlen("10000000008"), t + i),
		                 i == 3 ? LOGIN_SPREAD_LOCKED : 0);
	}
	assert_int_equal(
	        login_watch_wait(w, "203.0.113.1", LOGIN_PRO, "10000000008", 11, t + 4, &why),
	        p.spread_lock_s - 1);
	assert_string_equal(why, "too many failed logins on this account");
	assert_int_equal(
	        login_watch_wait(w, "203.0.113.1", LOGIN_PRO, "10000000016", 11, t + 4, &why), 0);
	/* The window: failures an hour apart are not "at once". */
	login_watch_init(w, KEY);
	for (int i = 0; i < 8; i++) {
		snprintf(ip, sizeof(ip), "100.64.1.%d", i);
		assert_int_equal(login_watch_failed(w, &p, ip, LOGIN_PRO, "10000000008",
		                                    strlen("10000000008"), t + i * p.window_s),
		                 0);
	}
	free(w);
}

static void a_flood_keeps_the_table_fixed(void **state)
{
	struct login_policy p;
	struct login_watch *w = malloc(sizeof(*w));
	const char *why;
	char ip[32];

	(void)state;
	assert_non_null(w);
	login_policy_defaults(&p);
	login_watch_init(w, KEY);
	for (int i = 0; i < 5; i++) {
		char rpps[16];

		snprintf(rpps, sizeof(rpps), "1000000002%d", i);
		(void)login_watch_failed(w, &p, "198.51.100.9", LOGIN_PRO, rpps, strlen(rpps), 100);
	}
	/* 200,000 other addresses afterwards: the blocked one is the last to be evicted. */
	for (int i = 0; i < 200000; i++) {
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		(void)login_watch_failed(w, &p, ip, LOGIN_PRO, "10000000008", strlen("10000000008"),
		                         101);
	}
	assert_true(login_watch_wait(w, "198.51.100.9", LOGIN_PRO, NULL, 0, 102, &why) > 0);
	free(w);
}

static void kinds_apart_and_the_spray_alarm(void **state)
{
	struct login_policy p;
	struct login_watch *w = malloc(sizeof(*w));
	const char *why = NULL;
	char ip[32], login[32];
	int64_t t = 5000000;
	unsigned raised = 0;

	(void)state;
	assert_non_null(w);
	login_policy_defaults(&p);
	p.spray_max = 50;
	login_watch_init(w, KEY);
	/* An insured login and a professional one with the same bytes are two logins. */
	for (int i = 0; i < 11; i++) {
		snprintf(ip, sizeof(ip), "203.0.113.%d", i + 1);
		(void)login_watch_failed(w, &p, ip, LOGIN_INSURED, "x@example.test", 14, t + i);
	}
	assert_true(login_watch_wait(w, "192.0.2.1", LOGIN_INSURED, "x@example.test", 14, t + 12,
	                             &why) > 0);
	assert_int_equal(
	        login_watch_wait(w, "192.0.2.1", LOGIN_PRO, "x@example.test", 14, t + 12, &why), 0);
	/* 11 insured failures so far; professional failures never count towards the alarm. */
	for (int i = 0; i < 100; i++) {
		snprintf(ip, sizeof(ip), "198.51.100.%d", i % 200 + 1);
		snprintf(login, sizeof(login), "1%010d", i);
		(void)login_watch_failed(w, &p, ip, LOGIN_PRO, login, strlen(login), t + 20);
	}
	assert_false(login_watch_alarm(w, &p, t + 20));
	/* A spread list: one failure per address, each on another account. */
	for (int i = 0; i < 39; i++) {
		unsigned a;

		snprintf(ip, sizeof(ip), "100.64.0.%d", i + 1);
		snprintf(login, sizeof(login), "p%d@example.test", i);
		a = login_watch_failed(w, &p, ip, LOGIN_INSURED, login, strlen(login), t + 30 + i);
		assert_int_equal(login_watch_wait(w, ip, LOGIN_INSURED, NULL, 0, t + 30 + i, &why),
		                 0);
		if (a & LOGIN_SPRAY_ALARM)
			raised++;
		assert_int_equal(login_watch_alarm(w, &p, t + 30 + i), i == 38);
	}
	assert_int_equal(raised, 1);
	/* It stays raised spray_s after the last failure, then falls. */
	assert_true(login_watch_alarm(w, &p, t + 68 + p.spray_s - 1));
	assert_false(login_watch_alarm(w, &p, t + 68 + p.spray_s));
	/* A new window starts the count again. */
	snprintf(login, sizeof(login), "late@example.test");
	assert_int_equal(login_watch_failed(w, &p, "100.64.9.9", LOGIN_INSURED, login,
	                                    strlen(login), t + 68 + p.spray_s),
	                 0);
	assert_false(login_watch_alarm(w, &p, t + 69 + p.spray_s));
	/* spray_max 0: always raised. */
	p.spray_max = 0;
	assert_true(login_watch_alarm(w, &p, t));
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(account_backoff),
		cmocka_unit_test(stuffing_from_one_address_is_blocked),
		cmocka_unit_test(many_addresses_on_one_login_lock_it),
		cmocka_unit_test(a_flood_keeps_the_table_fixed),
		cmocka_unit_test(kinds_apart_and_the_spray_alarm),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
