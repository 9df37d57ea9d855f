/* Population tables: sizes and sums, department codes and adjacency, samplers' determinism. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sim/popdata.h"

static int neighbour_listed(int i, const char *code)
{
	return geo_near_index(i, geo_dept_index(code, strlen(code))) &&
	       strcmp(geo_dept_code(i), code) != 0;
}

static void departments_are_the_101(void **state)
{
	uint64_t total = 0;

	(void)state;
	for (int i = 0; i < POPDATA_N_DEPTS; i++) {
		const struct popdata_dept *d = &popdata_depts[i];

		assert_true(d->pop > 50000 && d->pop < 3000000);
		assert_true(d->max_commune >= 10);
		/* Paris is one town of 20 arrondissements. */
		assert_true(d->n_towns >= 3 || d->towns[0].n_arr > 1);
		assert_non_null(d->name);
		total += d->pop;
	}
	/* France, 2021: about 67.6 million including Mayotte. */
	assert_true(total > 66000000 && total < 69000000);
	assert_string_equal(geo_dept_code(75), "75"); /* the same indices as core/geo */
	assert_string_equal(popdata_depts[75].towns[0].name, "Paris");
	assert_string_equal(popdata_depts[0].name, "Ain");
	assert_string_equal(popdata_depts[19].name, "Corse-du-Sud");
	assert_string_equal(popdata_depts[100].name, "Mayotte");
}

static void towns_have_postal_codes_of_their_department(void **state)
{
	(void)state;
	for (int i = 0; i < POPDATA_N_DEPTS; i++) {
		const struct popdata_dept *d = &popdata_depts[i];
		/* Corsica's postal codes start with 20; overseas ones with the 3-digit code. */
		const char *prefix = (i == 19 || i == 20) ? "20" : geo_dept_code(i);

		for (int k = 0; k < d->n_towns; k++) {
			const struct popdata_town *t = &d->towns[k];

			assert_int_equal(strlen(t->postal), 5);
			assert_int_equal(strspn(t->postal, "0123456789"), 5);
			assert_memory_equal(t->postal, prefix, strlen(prefix));
			assert_true(t->kpop > 0);
			assert_true(strlen(t->name) > 0 && strlen(t->name) < 64);
		}
	}
}

static void pyramid_and_ages(void **state)
{
	struct rng r;
	uint64_t total = 0, under20 = 0, over75 = 0, sum = 0;
	const int n = 200000;

	(void)state;
	for (int i = 0; i < 21; i++) {
		assert_true(popdata_pyramid[i] > 0);
		total += popdata_pyramid[i];
	}
	assert_true(total > 64000 && total < 71000); /* thousands */
	rng_init(&r, 1);
	for (int i = 0; i < n; i++) {
		int a = popdata_pick_age(&r);

		assert_true(a >= 0 && a <= POPDATA_MAX_AGE);
		sum += (uint64_t)a;
		under20 += a < 20;
		over75 += a >= 75;
	}
	/* INSEE 2024: mean age about 42.5; 23 % under 20; 10.5 % aged 75 and over. */
	assert_true(sum / n >= 40 && sum / n <= 45);
	assert_true(under20 * 100 / n >= 20 && under20 * 100 / n <= 26);
	assert_true(over75 * 1000 / n >= 90 && over75 * 1000 / n <= 125);
	for (int i = 0; i < 1000; i++)
		assert_true(popdata_pick_age_from(&r, 18) >= 18);
	assert_int_equal(popdata_pick_age_from(&r, 100), 100);
}

static int upper_ascii_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || *s == ' ' || *s == '-' || *s == '\''))
			return 0;
	return 1;
}

static void surnames_and_given_names(void **state)
{
	size_t fr = 0, female = 0, male = 0;
	uint32_t band_total[2][POPDATA_N_BANDS] = { { 0 } };

	(void)state;
	for (size_t i = 0; i < popdata_n_surnames; i++) {
		const struct popdata_surname *s = &popdata_surnames[i];

		assert_true(upper_ascii_name(s->name));
		assert_true(strlen(s->name) < 40);
		assert_true(s->w > 0);
		assert_true(s->origin < POP_N_ORIGINS);
		fr += s->origin == POP_FR;
		if (s->origin == POP_FR && i > 0)
			assert_true(s->w <= popdata_surnames[0].w);
	}
	assert_string_equal(popdata_surnames[0].name, "MARTIN");
	assert_true(fr >= 150);
	for (int o = 0; o < POP_N_ORIGINS; o++) {
		size_t k = 0;

		for (size_t i = 0; i < popdata_n_surnames; i++)
			k += popdata_surnames[i].origin == o;
		assert_true(k >= 10);
	}
	for (size_t i = 0; i < popdata_n_givens; i++) {
		const struct popdata_given *g = &popdata_givens[i];
		unsigned any = 0;

		assert_true(g->sex == 'F' || g->sex == 'M');
		assert_true(strlen(g->name) > 1 && strlen(g->name) < 32);
		for (int b = 0; b < POPDATA_N_BANDS; b++) {
			any += g->w[b];
			if (g->origin == POP_FR)
				band_total[g->sex == 'F'][b] += g->w[b];
		}
		assert_true(any > 0);
		if (g->origin == POP_FR) {
			female += g->sex == 'F';
			male += g->sex == 'M';
		}
	}
	assert_true(female >= 100 && male >= 100);
	for (int s = 0; s < 2; s++)
		for (int b = 0; b < POPDATA_N_BANDS; b++)
			assert_true(band_total[s][b] > 500);
	for (size_t i = 0; i < popdata_n_countries; i++) {
		assert_int_equal(strlen(popdata_countries[i].code), 3);
		assert_int_equal(strspn(popdata_countries[i].code, "0123456789"), 3);
		assert_true(popdata_countries[i].code[0] != '0');
	}
}

static void given_names_follow_their_time(void **state)
{
	struct rng r;
	int emma_old = 0, emma_new = 0, jacqueline_old = 0, jacqueline_new = 0;

	(void)state;
	rng_init(&r, 5);
	for (int i = 0; i < 20000; i++) {
		emma_old += strcmp(popdata_pick_given(&r, 'F', 1940, POP_FR), "Emma") == 0;
		emma_new += strcmp(popdata_pick_given(&r, 'F', 2015, POP_FR), "Emma") == 0;
		jacqueline_old +=
			strcmp(popdata_pick_given(&r, 'F', 1940, POP_FR), "Jacqueline") == 0;
		jacqueline_new +=
			strcmp(popdata_pick_given(&r, 'F', 2015, POP_FR), "Jacqueline") == 0;
	}
	assert_int_equal(emma_old, 0);
	assert_true(emma_new > 100);
	assert_true(jacqueline_old > 100);
	assert_int_equal(jacqueline_new, 0);
	/* Overseas pools borrow given names; every origin yields something of the right sex. */
	for (int o = 0; o < POP_N_ORIGINS; o++) {
		for (int y = 1930; y < 2026; y += 19) {
			const char *f = popdata_pick_given(&r, 'F', y, (enum popdata_origin)o);
			size_t i;

			for (i = 0; i < popdata_n_givens; i++)
				if (strcmp(popdata_givens[i].name, f) == 0 &&
				    popdata_givens[i].sex == 'F')
					break;
			assert_true(i < popdata_n_givens);
		}
	}
}

static void department_weights(void **state)
{
	struct rng r;
	uint32_t hits[POPDATA_N_DEPTS] = { 0 };
	const int n = 300000;

	(void)state;
	rng_init(&r, 2);
	for (int i = 0; i < n; i++) {
		int d = popdata_pick_dept(&r);

		assert_true(d >= 0 && d < POPDATA_N_DEPTS);
		hits[d]++;
	}
	/* Nord 3.9 %, Paris 3.2 %, Lozère 0.11 %. */
	assert_true(hits[59] > n * 35 / 1000 && hits[59] < n * 43 / 1000);
	assert_true(hits[75] > n * 28 / 1000 && hits[75] < n * 36 / 1000);
	assert_true(hits[48] > n * 5 / 10000 && hits[48] < n * 18 / 10000);
	for (int d = 0; d < POPDATA_N_DEPTS; d++)
		assert_true(hits[d] > 0);
}

static void neighbours_towns_postal_codes(void **state)
{
	struct rng r;
	char postal[6];
	int paris_seen[21] = { 0 };

	(void)state;
	rng_init(&r, 3);
	for (int i = 0; i < POPDATA_N_DEPTS; i++) {
		for (int k = 0; k < 20; k++) {
			int nb = popdata_pick_neighbour(&r, i);
			const struct popdata_town *t = popdata_pick_town(&r, i);

			if (popdata_dept_overseas(i))
				assert_int_equal(nb, -1);
			else
				assert_true(neighbour_listed(i, geo_dept_code(nb)));
			assert_non_null(t);
			assert_true(t >= popdata_depts[i].towns &&
			            t < popdata_depts[i].towns + popdata_depts[i].n_towns);
			popdata_town_postal(&r, t, postal);
			assert_int_equal(strlen(postal), 5);
		}
	}
	for (int k = 0; k < 2000; k++) {
		unsigned arr;

		popdata_town_postal(&r, &popdata_depts[75].towns[0], postal);
		assert_memory_equal(postal, "750", 3);
		arr = (unsigned)(postal[3] - '0') * 10 + (unsigned)(postal[4] - '0');
		assert_true(arr >= 1 && arr <= 20);
		paris_seen[arr] = 1;
	}
	for (int a = 1; a <= 20; a++)
		assert_true(paris_seen[a]);
	assert_int_equal(popdata_pick_neighbour(&r, -1), -1);
	assert_int_equal(popdata_pick_neighbour(&r, POPDATA_N_DEPTS), -1);
	assert_null(popdata_pick_town(&r, POPDATA_N_DEPTS));
}

/* Everything a sampler returns, drawn in a fixed order, as text. */
static void draw_all(uint64_t seed, char *out, size_t cap)
{
	struct rng r;
	size_t o = 0;

	rng_init(&r, seed);
	for (int i = 0; i < 200 && o + 200 < cap; i++) {
		/* One draw per statement: argument evaluation order is unspecified. */
		int d = popdata_pick_dept(&r);
		char street[96], postal[6];
		const struct popdata_town *t = popdata_pick_town(&r, d);
		int age, nb;
		const char *fam, *giv, *country;

		popdata_town_postal(&r, t, postal);
		popdata_street(&r, street, sizeof(street));
		age = popdata_pick_age(&r);
		fam = popdata_pick_surname(&r, POP_FR);
		giv = popdata_pick_given(&r, i & 1 ? 'F' : 'M', 1930 + i / 2, POP_FR);
		country = popdata_pick_country(&r)->code;
		nb = popdata_pick_neighbour(&r, d);
		o += (size_t)snprintf(out + o, cap - o, "%d %d %s %s %s %s %s %s %d|", d, age, fam,
		                      giv, country, t->name, postal, street, nb);
	}
}

static void sampling_is_deterministic(void **state)
{
	static char a[65536], b[65536], c[65536];

	(void)state;
	draw_all(42, a, sizeof(a));
	draw_all(42, b, sizeof(b));
	draw_all(43, c, sizeof(c));
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
}

static void streets(void **state)
{
	struct rng r;
	char s[96], tiny[8];

	(void)state;
	rng_init(&r, 9);
	for (int i = 0; i < 1000; i++) {
		popdata_street(&r, s, sizeof(s));
		assert_true(s[0] >= '1' && s[0] <= '9');
		assert_non_null(strchr(s, ' '));
		assert_true(strlen(s) < 80);
	}
	popdata_street(&r, tiny, sizeof(tiny));
	assert_true(strlen(tiny) < sizeof(tiny));
}

static void origins(void **state)
{
	struct rng r;
	int fr = 0, reunion = 0;

	(void)state;
	rng_init(&r, 11);
	for (int i = 0; i < 10000; i++) {
		fr += popdata_pick_origin(&r, 75) == POP_FR;
		reunion += popdata_pick_origin(&r, geo_dept_index("974", 3)) == POP_REUNION;
	}
	assert_true(fr > 8000 && fr < 9200);
	assert_true(reunion > 8000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(departments_are_the_101),
		cmocka_unit_test(towns_have_postal_codes_of_their_department),
		cmocka_unit_test(pyramid_and_ages),
		cmocka_unit_test(surnames_and_given_names),
		cmocka_unit_test(given_names_follow_their_time),
		cmocka_unit_test(department_weights),
		cmocka_unit_test(neighbours_towns_postal_codes),
		cmocka_unit_test(sampling_is_deterministic),
		cmocka_unit_test(streets),
		cmocka_unit_test(origins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
