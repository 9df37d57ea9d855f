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
	uint32_t sample;   /* rows of insured-sample.tsv (default 500) */
	uint32_t accounts; /* demo online accounts for sampled insured (default 10, at most 100) */
	const char *dir;   /* where pros.tsv, insured-sample.tsv and cards.key go */
	int progress;      /* 1: a progress bar on stderr */
};

/*
 * Fill an empty store. Writes dir/pros.tsv (RPPS, password, TOTP secret, ...),
 * dir/insured-sample.tsv, dir/insured-accounts.tsv (NIR, e-mail, password of
 * the demo online accounts: the first sampled people who are not
 * dependants) and dir/cards.key (0600). Returns 0, VG_EEXIST if the
 * store already holds people, or another negative enum vg_err.
 */
VG_MUST_USE int seed_run(struct store *st, const struct vault *v, const struct seed_opts *o);

/*
 * Where seed_run writes the card master secret of data directory dir:
 * beside it, "<dir>-cards.key", never inside it (it forges every card
 * proof; `vigie serve` refuses a data directory holding a cards.key); a
 * dir spelt ".", ".." or "/" is named by its real path first, and the root
 * is refused. 0, VG_EINVAL or VG_ETOOBIG.
 */
VG_MUST_USE int seed_cards_path(const char *dir, char *buf, size_t cap);

/*
 * Honeytokens: about 1 % of households (HONEY_PER_MILLE in seed.c, chosen by
 * a hash of the seed and the household, whole households) are synthetic
 * people no legitimate professional looks up: rights.honeytoken is 1,
 * sealed like every other field. They are left out of insured-sample.tsv
 * (unless it samples everyone) and of the demo accounts; their NIRs go to
 * dir/honeytokens.tsv (0600) for operators and tests.
 */

/* Receives the generated population (seed_generate); a non-zero return stops it. */
struct seed_sink {
	void *ctx;
	/* Directory data only: no password, no TOTP secret (may be NULL). */
	int (*pro)(void *ctx, const struct store_pro *p);
	/* Each person, in id order (may be NULL). Borrowed for the call. */
	int (*person)(void *ctx, int64_t id, const struct insured_ident *ident,
	              const struct insured_rights *rights);
};

/*
 * The population seed_run writes for o->(n_insured, n_pros, seed), in
 * memory and in clear, without credentials, sealing, files or store: for
 * `vigie sim`. Returns 0, the sink's non-zero return, or a negative enum vg_err.
 */
VG_MUST_USE int seed_generate(const struct seed_opts *o, const struct seed_sink *sink);

/*
 * Create an operator account (enum pro_role ROLE_OPERATOR: reads the
 * guard's alerts, reinstates accounts, looks no one up) with a random
 * RPPS-shaped id ("19..."), password and TOTP secret, and append its
 * credentials to dir/operators.tsv (0600). rpps_out (may be NULL) gets its
 * id. Returns 0 or a negative enum vg_err.
 */
VG_MUST_USE int seed_operator(struct store *st, const struct vault *v, const char *dir,
                              const char *family, char rpps_out[12]);

#endif
