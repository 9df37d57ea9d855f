/* core/geo.h: the 101 departments, their codes and borders (valid, symmetric, well known). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/geo.h"

static void codes_and_indices(void **state)
{
	(void)state;
	for (int i = 0; i < GEO_DEPTS; i++) {
		const char *c = geo_dept_code(i);

		assert_int_equal(geo_dept_index(c, strlen(c)), i);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(geo_dept_code(j), c);
	}
	assert_int_equal(geo_dept_index("20", 2), -1);
	assert_int_equal(geo_dept_index("00", 2), -1);
	assert_int_equal(geo_dept_index("96", 2), -1);
	assert_int_equal(geo_dept_index("975", 3), -1);
	assert_int_equal(geo_dept_index("7", 1), -1);
	assert_int_equal(geo_dept_index("2a", 2), 19);
	assert_int_equal(geo_dept_index("2B", 2), 20);
	assert_int_equal(geo_dept_index("976", 3), 100);
	assert_string_equal(geo_dept_code(75), "75");
	assert_string_equal(geo_dept_code(-1), "");
	assert_string_equal(geo_dept_code(GEO_DEPTS), "");
}

static void borders_are_valid_and_symmetric(void **state)
{
	(void)state;
	for (int i = 0; i < GEO_DEPTS; i++) {
		const uint8_t *nb;
		unsigned n = geo_neighbours(i, &nb);

		if (i >= 96) { /* overseas */
			assert_int_equal(n, 0);
			continue;
		}
		assert_true(n >= 1 && n <= GEO_NEIGH_MAX);
		for (unsigned k = 0; k < n; k++) {
			assert_true(nb[k] < 96);
			assert_int_not_equal(nb[k], i);
			for (unsigned l = 0; l < k; l++)
				assert_int_not_equal(nb[l], nb[k]);
			if (!geo_near_index(nb[k], i))
				fail_msg("%s lists %s as a neighbour but not the reverse", geo_dept_code(i),
				         geo_dept_code(nb[k]));
		}
	}
	/* A few well-known borders, and some that are not. */
	assert_int_equal(geo_near("75", "92"), 1);
	assert_int_equal(geo_near("2A", "2B"), 1);
	assert_int_equal(geo_near("59", "62"), 1);
	assert_int_equal(geo_near("01", "74"), 1);
	assert_int_equal(geo_near("75", "75"), 1);
	assert_int_equal(geo_near("75", "77"), 0);
	assert_int_equal(geo_near("13", "2A"), 0);
	assert_int_equal(geo_near("974", "976"), 0);
	assert_int_equal(geo_near("974", "974"), 1);
	assert_int_equal(geo_near("75", "20"), -1);
	assert_int_equal(geo_near(NULL, "75"), -1);
	assert_false(geo_near_index(-1, 3));
	assert_false(geo_near_index(3, GEO_DEPTS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes_and_indices),
		cmocka_unit_test(borders_are_valid_and_symmetric),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
