/*
 * seed.h - `vigie seed`: a deterministic synthetic population.
 *
 * The same (n_insured, n_pros, seed) gives the same people, NIRs and rights.
 * Credentials (passwords, TOTP secrets) and cards.key are random each run: a
 * seed value must not be a way to guess them.
 */
#ifndef VIGIE_SIM_SEED_H
#define VIGIE_SIM_SEED_H

#include <stdint.h>
#include "core/err.h"
#include "crypto/vault.h"
#include "store/store.h"

struct seed_opts {
	uint64_t n_insured;
	uint32_t n_pros;
	uint64_t seed;
	uint32_t sample;     /* rows of insured-sample.tsv (default 500) */
	uint32_t accounts;   /* demo online accounts for sampled insured (default 10, at most 100) */
	const char *dir;     /* where pros.tsv, insured-sample.tsv and cards.key go */
	int progress;        /* 1: a progress bar on stderr */
};

/*
 * Fill an empty store. Writes dir/pros.tsv (RPPS, password, TOTP secret, ...),
 * dir/insured-sample.tsv, dir/insured-accounts.tsv (NIR, e-mail, password of
 * the demo online accounts: the first sampled people who are not
 * dependants) and dir/cards.key (0600). Returns 0, VG_EEXIST if the
 * store already holds people, or another negative enum vg_err.
 */
VG_MUST_USE int seed_run(struct store *st, const struct vault *v, const struct seed_opts *o);

#endif
