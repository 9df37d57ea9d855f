/* core/guard_table.h: the per-account states of the guard, shared by server, replay and sim. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/guard_table.h"

static void states_are_created_found_and_kept(void **state)
{
	struct guard_table t;
	struct guard_account *a, *b, *first[100];

	(void)state;
	assert_int_equal(guard_table_init(&t, 5000), 0);
	assert_null(guard_table_find(&t, 7));
	assert_int_equal(guard_table_get(&t, 0, &a), VG_EINVAL);
	for (uint64_t k = 1; k <= 5000; k++) {
		assert_int_equal(guard_table_get(&t, k * 7919, &a), 0);
		assert_int_equal(a->version, GUARD_STATE_VERSION); /* fresh: guard_account_init */
		a->strikes = (float)k;
		if (k <= 100)
			first[k - 1] = a;
	}
	assert_int_equal(guard_table_count(&t), 5000);
	/* Pointers stay valid while the table grows; each key finds its own state. */
	for (uint64_t k = 1; k <= 5000; k++) {
		b = guard_table_find(&t, k * 7919);
		assert_non_null(b);
		assert_true(b->strikes == (float)k);
		if (k <= 100)
			assert_ptr_equal(b, first[k - 1]);
		assert_int_equal(guard_table_get(&t, k * 7919, &a), 0);
		assert_ptr_equal(a, b);
	}
	/* The bound. */
	assert_int_equal(guard_table_get(&t, 1, &a), VG_ETOOBIG);
	assert_null(a);
	guard_table_release(&t);
	guard_table_release(&t); /* a released table is a zeroed one */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(states_are_created_found_and_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
