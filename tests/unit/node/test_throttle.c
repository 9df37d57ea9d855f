/* node/throttle: failed logins per address (GCRA). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "node/throttle.h"

static void address_burst_then_one_per_period(void **state)
{
	struct throttle *t;
	int64_t now = 1000;

	(void)state;
	assert_true(sodium_init() >= 0);
	assert_int_equal(throttle_new(5, 60, &t), 0);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(throttle_ip_wait(t, "192.0.2.1", now), 0);
		throttle_ip_fail(t, "192.0.2.1", now);
	}
	assert_int_equal(throttle_ip_wait(t, "192.0.2.1", now), 60);
	assert_int_equal(throttle_ip_wait(t, "192.0.2.2", now), 0); /* others unaffected */
	assert_int_equal(throttle_ip_wait(t, "192.0.2.1", now + 59), 1);
	assert_int_equal(throttle_ip_wait(t, "192.0.2.1", now + 60), 0);
	throttle_ip_fail(t, "192.0.2.1", now + 60);
	assert_int_equal(throttle_ip_wait(t, "192.0.2.1", now + 60), 60);
	/* A refund (the attempt succeeded) takes one failure back. */
	throttle_ip_refund(t, "192.0.2.1", now + 60);
	assert_int_equal(throttle_ip_wait(t, "192.0.2.1", now + 60), 0);
	throttle_ip_refund(t, "192.0.2.9", now); /* unknown address: nothing to refund */
	assert_int_equal(throttle_ip_wait(t, "192.0.2.9", now), 0);
	throttle_free(t);
}

static void flood_of_addresses_keeps_memory_fixed(void **state)
{
	struct throttle *t;
	char ip[32];

	(void)state;
	assert_int_equal(throttle_new(3, 60, &t), 0);
	/* 100,000 addresses into a fixed table: no growth, no crash. */
	for (int i = 0; i < 100000; i++) {
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		throttle_ip_fail(t, ip, 5000);
	}
	/* A fresh attacker address is still throttled after its burst. */
	for (int i = 0; i < 3; i++)
		throttle_ip_fail(t, "198.51.100.9", 5000);
	assert_true(throttle_ip_wait(t, "198.51.100.9", 5000) > 0);
	throttle_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(address_burst_then_one_per_period),
		cmocka_unit_test(flood_of_addresses_keeps_memory_fixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
