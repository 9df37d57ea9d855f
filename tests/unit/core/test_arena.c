/* core/arena.h: per-request memory: zeroed, aligned, bounded, wiped and freed at once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"

static void blocks_are_zeroed_aligned_and_distinct(void **state)
{
	_Alignas(16) unsigned char first[256];
	struct arena a;
	unsigned char *p[64];

	(void)state;
	memset(first, 0xee, sizeof(first));
	arena_init(&a, first, sizeof(first), 1 << 20);
	for (int i = 0; i < 64; i++) {
		size_t n = 1 + (size_t)i * 97;

		p[i] = arena_alloc(&a, n);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		for (size_t k = 0; k < n; k++)
			assert_int_equal(p[i][k], 0);
		memset(p[i], i + 1, n);
	}
	/* Nothing overlaps: each block still holds its own byte. */
	for (int i = 0; i < 64; i++)
		for (size_t k = 0; k < 1 + (size_t)i * 97; k++)
			assert_int_equal(p[i][k], i + 1);
	assert_true(p[0] >= first && p[0] < first + sizeof(first)); /* the first chunk first */
	arena_release(&a);
	/* The borrowed first chunk is wiped too. */
	for (size_t k = 0; k < 16; k++)
		assert_int_equal(first[k], 0);
}

static void the_limit_holds(void **state)
{
	struct arena a;

	(void)state;
	arena_init(&a, NULL, 0, 100000);
	assert_non_null(arena_alloc(&a, 60000));
	assert_null(arena_alloc(&a, 60000));   /* over the limit in all */
	assert_non_null(arena_alloc(&a, 30000));
	assert_null(arena_alloc(&a, SIZE_MAX)); /* no overflow on rounding */
	assert_null(arena_alloc(&a, SIZE_MAX - 8));
	arena_release(&a);
	/* Usable again after a release and an init. */
	arena_init(&a, NULL, 0, 100000);
	assert_non_null(arena_alloc(&a, 90000));
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks_are_zeroed_aligned_and_distinct),
		cmocka_unit_test(the_limit_holds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
