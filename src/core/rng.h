/*
 * rng.h - a deterministic pseudo-random generator (xoshiro256**, seeded by
 * splitmix64) for synthetic data and simulation. NOT for secrets: keys,
 * tokens and salts come from libsodium's randombytes.
 */
#ifndef VIGIE_CORE_RNG_H
#define VIGIE_CORE_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

void rng_init(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Uniform double in [0, 1). */
double rng_unit(struct rng *r);

#endif
