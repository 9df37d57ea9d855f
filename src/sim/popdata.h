/*
 * popdata.h - French population tables and deterministic samplers for the
 * synthetic population (`vigie seed`, simulations).
 *
 * The tables are approximations of public statistics, good enough that a
 * synthetic population "looks French" to a guard or an analyst:
 *  - the 101 departments (01..95 with 2A/2B instead of 20, then 971, 972,
 *    973, 974, 976) with their population (INSEE, about 2021), a few real
 *    towns each with their postal code (towns[0] is the prefecture), and
 *    their land neighbours (symmetric; overseas departments have none);
 *  - the most frequent French surnames (INSEE births 1891-1990) plus names
 *    of the main immigrant and overseas origins, with frequency weights;
 *  - given names by sex, with a weight for each birth-year band (a name that
 *    was common in 1940 is rare in 2010);
 *  - the age pyramid by 5-year bands (INSEE 2024, ages 0..100);
 *  - countries of birth abroad (INSEE country codes, as in a NIR);
 *  - street names and types for postal addresses.
 *
 * Invariants: every table is a file-scope constant; samplers draw only from
 * the struct rng they are given, so the same seed gives the same sequence on
 * every machine. Strings are UTF-8 (given names and towns carry accents,
 * surnames are upper-case ASCII). Nothing here allocates; all functions are
 * thread-safe as long as each thread has its own struct rng.
 *
 * Departments are named by their index 0..POPDATA_N_DEPTS-1 in the order
 * above (01 is 0, 2A is 19, 2B is 20, 21..95 are 21..95, 971 is 96 ... 976 is 100).
 */
#ifndef VIGIE_SIM_POPDATA_H
#define VIGIE_SIM_POPDATA_H

#include <stddef.h>
#include <stdint.h>
#include "core/geo.h"
#include "core/rng.h"

#define POPDATA_N_DEPTS GEO_DEPTS
#define POPDATA_MAX_AGE 100
#define POPDATA_N_BANDS 4 /* given-name bands: born <1950, 1950-74, 1975-99, 2000+ */

/* Where a family's names come from. */
enum popdata_origin {
	POP_FR = 0,  /* metropolitan France (and German, Belgian, Swiss, British births) */
	POP_MAGHREB, /* Algeria, Morocco, Tunisia */
	POP_IBERIAN, /* Portugal, Spain */
	POP_ITALIAN,
	POP_EASTERN, /* Romania, Poland */
	POP_TURKISH,
	POP_AFRICA,   /* sub-Saharan Africa, Madagascar */
	POP_ASIA,     /* Vietnam, China */
	POP_REUNION,  /* La Réunion (given names from POP_FR) */
	POP_ANTILLES, /* Guadeloupe, Martinique, Guyane (given names from POP_FR) */
	POP_MAYOTTE,  /* Mayotte, Comoros (given names from POP_MAGHREB) */
	POP_N_ORIGINS
};

struct popdata_town {
	const char *name;   /* "Bourg-en-Bresse" */
	const char *postal; /* "01000"; with n_arr > 0, the first of n_arr codes (75001..75020) */
	uint16_t kpop;      /* inhabitants, thousands (weight for sampling) */
	uint8_t n_arr;      /* arrondissements with a postal code each (Paris, Lyon, Marseille) */
};

/* Department i of core/geo.h (its code: geo_dept_code(i); its neighbours: geo_neighbours). */
struct popdata_dept {
	const char *name;                 /* "Ain" */
	uint32_t pop;                     /* inhabitants */
	uint16_t max_commune;             /* highest commune number used for NIR birth places */
	const struct popdata_town *towns; /* towns[0] is the prefecture */
	uint8_t n_towns;
};

struct popdata_surname {
	const char *name; /* upper-case ASCII, may hold a space or a hyphen: "LE GALL" */
	uint8_t origin;   /* enum popdata_origin */
	uint16_t w;       /* relative frequency (about: bearers / 1000 for POP_FR) */
};

struct popdata_given {
	const char *name;           /* "Hélène", "Jean-Pierre" */
	char sex;                   /* 'F' or 'M' */
	uint8_t origin;             /* POP_FR..POP_ASIA (never REUNION, ANTILLES, MAYOTTE) */
	uint8_t w[POPDATA_N_BANDS]; /* relative frequency in each birth-year band */
};

struct popdata_country {
	const char *code; /* INSEE country code ("352" Algeria): NIR birth place 99xxx */
	const char *name;
	uint16_t w;     /* weight among people born abroad living in France */
	uint8_t origin; /* enum popdata_origin of their names */
};

/* The tables, for tests and reports. */
extern const struct popdata_dept popdata_depts[POPDATA_N_DEPTS];
extern const struct popdata_surname popdata_surnames[];
extern const size_t popdata_n_surnames;
extern const struct popdata_given popdata_givens[];
extern const size_t popdata_n_givens;
extern const struct popdata_country popdata_countries[];
extern const size_t popdata_n_countries;
/* Inhabitants (thousands) aged 5i..5i+4, i = 0..20; band 20 is "100 and over". */
extern const uint16_t popdata_pyramid[21];
extern const char *const popdata_street_types[];
extern const size_t popdata_n_street_types;
extern const char *const popdata_street_names[];
extern const size_t popdata_n_street_names;

/* 1 if department i is overseas (971..976). */
int popdata_dept_overseas(int i);

/* A department index, weighted by population. */
int popdata_pick_dept(struct rng *r);

/* A neighbour of department i, uniformly; -1 if it has none (overseas). */
int popdata_pick_neighbour(struct rng *r, int i);

/* A town of department i, weighted by its population. Never NULL for a valid i. */
const struct popdata_town *popdata_pick_town(struct rng *r, int i);

/* The postal code of t into out: t->postal, or one of its arrondissements' codes. */
void popdata_town_postal(struct rng *r, const struct popdata_town *t, char out[6]);

/* An age 0..POPDATA_MAX_AGE following the pyramid. */
int popdata_pick_age(struct rng *r);

/* Like popdata_pick_age, restricted to min_age..POPDATA_MAX_AGE (min_age <= 100). */
int popdata_pick_age_from(struct rng *r, int min_age);

/* The given-name band (0..POPDATA_N_BANDS-1) of a birth year. */
int popdata_band(int birth_year);

/*
 * The names of a family of this origin living in department dept, born in
 * France: mostly POP_FR in metropolitan France, mostly the local pool overseas.
 */
enum popdata_origin popdata_pick_origin(struct rng *r, int dept);

/* A surname of this origin, weighted by frequency. */
const char *popdata_pick_surname(struct rng *r, enum popdata_origin o);

/*
 * A given name for sex ('F' or 'M') born in birth_year, of this origin
 * (REUNION and ANTILLES use the French names, MAYOTTE the Maghreb ones).
 */
const char *popdata_pick_given(struct rng *r, char sex, int birth_year, enum popdata_origin o);

/* A country of birth abroad, weighted by the immigrant population. */
const struct popdata_country *popdata_pick_country(struct rng *r);

/*
 * A street address line ("12 rue de la Gare", "3 bis avenue Jean Jaurès")
 * into out (cap bytes, truncated and always NUL-terminated when cap > 0).
 */
void popdata_street(struct rng *r, char *out, size_t cap);

#endif
