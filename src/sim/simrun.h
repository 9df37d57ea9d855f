/*
 * simrun.h - `vigie sim`: the guard (core/guard.h) against 30 days of
 * legitimate traffic and every attack of issue 4, on the seeded population
 * (seed_generate), in simulated time. Deterministic for a seed.
 *
 * The model is described at the top of simrun.c and in the report.
 */
#ifndef VIGIE_SIM_SIMRUN_H
#define VIGIE_SIM_SIMRUN_H

#include <stdint.h>
#include <stdio.h>
#include "core/err.h"

struct simrun_opts {
	uint64_t n_insured;
	uint32_t n_pros;
	uint64_t seed;
	uint32_t days;
	uint32_t notme_pct; /* of people with an account told of a lookup not theirs, who answer */
	int quiet;
};

/*
 * Run the simulation and write the JSON report to json and the HTML report
 * to html (either may be NULL), the summary table to table (may be NULL).
 * Returns 0 or a negative enum vg_err.
 */
VG_MUST_USE int simrun(const struct simrun_opts *o, FILE *json, FILE *html, FILE *table);

#endif
