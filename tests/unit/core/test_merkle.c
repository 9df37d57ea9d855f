/*
 * The Merkle core: RFC 6962 known answers, proofs checked against a naive
 * recursive transcription of the RFC, the invariant that every proof of a
 * random tree verifies and any tampering fails, the frontier against the
 * full computation, tiles (paths, the size 70,000 listing, a tile-backed
 * hash provider) and hostile sizes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/merkle.h"
#include "core/rng.h"

#define HL MERKLE_HASH_LEN

static void unhex(const char *hex, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(hex), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void assert_hex(const uint8_t *h, const char *hex)
{
	uint8_t want[HL];

	unhex(hex, want, HL);
	assert_memory_equal(h, want, HL);
}

/* ---- a naive tree, straight from RFC 6962 §2.1 -------------------------- */

static uint64_t naive_k(uint64_t n)
{
	uint64_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

static void naive_mth(const uint8_t *d, uint64_t n, uint8_t out[HL])
{
	uint8_t l[HL], r[HL];
	uint64_t k;

	if (n == 0) {
		crypto_hash_sha256(out, NULL, 0);
		return;
	}
	if (n == 1) {
		memcpy(out, d, HL);
		return;
	}
	k = naive_k(n);
	naive_mth(d, k, l);
	naive_mth(d + k * HL, n - k, r);
	merkle_node_hash(l, r, out);
}

static void naive_path(uint64_t m, const uint8_t *d, uint64_t n, struct merkle_proof *p)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = naive_k(n);
	if (m < k) {
		naive_path(m, d, k, p);
		naive_mth(d + k * HL, n - k, p->hash[p->len++]);
	} else {
		naive_path(m - k, d + k * HL, n - k, p);
		naive_mth(d, k, p->hash[p->len++]);
	}
}

static void naive_subproof(uint64_t m, const uint8_t *d, uint64_t n, int b,
			   struct merkle_proof *p)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			naive_mth(d, n, p->hash[p->len++]);
		return;
	}
	k = naive_k(n);
	if (m <= k) {
		naive_subproof(m, d, k, b, p);
		naive_mth(d + k * HL, n - k, p->hash[p->len++]);
	} else {
		naive_subproof(m - k, d + k * HL, n - k, 0, p);
		naive_mth(d, k, p->hash[p->len++]);
	}
}

/* ---- a fully stored tree as a hash provider ----------------------------- */

struct full_tree {
	uint64_t n;
	uint8_t *level[MERKLE_LEVELS]; /* level[l]: n >> l complete subtree hashes */
	uint64_t limit;                /* the size the current call may look inside */
	unsigned calls;
	int fail;                      /* return this instead when nonzero */
};

static void full_tree_build(struct full_tree *t, const uint8_t *leaves, uint64_t n)
{
	memset(t, 0, sizeof(*t));
	t->n = n;
	for (unsigned l = 0; l < MERKLE_LEVELS && (n >> l) > 0; l++) {
		uint64_t cnt = n >> l;

		t->level[l] = malloc(cnt * HL);
		assert_non_null(t->level[l]);
		for (uint64_t i = 0; i < cnt; i++) {
			if (l == 0)
				memcpy(t->level[0] + i * HL, leaves + i * HL, HL);
			else
				merkle_node_hash(t->level[l - 1] + 2 * i * HL,
						 t->level[l - 1] + (2 * i + 1) * HL,
						 t->level[l] + i * HL);
		}
	}
}

static void full_tree_release(struct full_tree *t)
{
	for (unsigned l = 0; l < MERKLE_LEVELS; l++)
		free(t->level[l]);
}

static int full_tree_get(void *ctx, unsigned level, uint64_t index, uint8_t out[HL])
{
	struct full_tree *t = ctx;

	t->calls++;
	if (t->fail)
		return t->fail;
	/* The contract: only complete subtrees inside the size being asked about. */
	assert_true(level < MERKLE_LEVELS);
	assert_true(((index + 1) << level) <= t->limit);
	memcpy(out, t->level[level] + index * HL, HL);
	return 0;
}

/* Random leaf hashes of random entries. */
static uint8_t *random_leaves(struct rng *r, uint64_t n)
{
	uint8_t *d = malloc(n * HL + 1);
	uint8_t entry[40];

	assert_non_null(d);
	for (uint64_t i = 0; i < n; i++) {
		/* Distinct entries: a duplicate leaf would "verify" at the other index. */
		size_t len = 8 + (size_t)rng_below(r, sizeof(entry) - 8);

		memcpy(entry, &i, 8);
		for (size_t j = 8; j < len; j++)
			entry[j] = (uint8_t)rng_next(r);
		merkle_leaf_hash(entry, len, d + i * HL);
	}
	return d;
}

/* ---- known answers ------------------------------------------------------ */

/*
 * The certificate-transparency reference vectors (RFC 6962 test data).
 * Every hex value below was recomputed with node:crypto from the RFC's
 * definitions (a separate recursive MTH, PATH and SUBPROOF), not copied.
 */
static const char *const ct_leaves[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};
static const char *const ct_roots[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static void ct_leaf_hashes(uint8_t out[8 * HL])
{
	for (int i = 0; i < 8; i++) {
		uint8_t e[16];
		size_t n = strlen(ct_leaves[i]) / 2;

		unhex(ct_leaves[i], e, n);
		merkle_leaf_hash(n ? e : NULL, n, out + i * HL);
	}
}

static void known_roots(void **state)
{
	uint8_t lh[8 * HL], root[HL];
	struct merkle_frontier f;

	(void)state;
	merkle_empty_root(root);
	assert_hex(root, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(merkle_root(NULL, 0, root), 0);
	assert_hex(root, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ct_leaf_hashes(lh);
	/* Leaf 0 is the empty entry: its hash is H(0x00), the size-1 root. */
	assert_hex(lh, ct_roots[0]);
	merkle_frontier_init(&f);
	merkle_frontier_root(&f, root);
	assert_hex(root, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	for (int n = 1; n <= 8; n++) {
		assert_int_equal(merkle_root(lh, (uint64_t)n, root), 0);
		assert_hex(root, ct_roots[n - 1]);
		assert_int_equal(merkle_frontier_append(&f, lh + (n - 1) * HL, NULL, NULL), 0);
		merkle_frontier_root(&f, root);
		assert_hex(root, ct_roots[n - 1]);
	}
}

static void check_proof(const struct merkle_proof *p, const char *const *hex, size_t n)
{
	assert_int_equal(p->len, n);
	for (size_t i = 0; i < n; i++)
		assert_hex(p->hash[i], hex[i]);
}

static void known_proofs(void **state)
{
	static const char *const incl_0_8[] = {
		"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	};
	static const char *const incl_5_8[] = {
		"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	};
	static const char *const incl_2_5[] = {
		"07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	};
	static const char *const incl_6_8[] = {
		"46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
		"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	};
	static const char *const cons_1_8[] = {
		"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	};
	static const char *const cons_6_8[] = {
		"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	};
	static const char *const cons_2_5[] = {
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	};
	static const char *const cons_3_7[] = {
		"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
		"07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e",
	};
	static const char *const cons_4_7[] = {
		"837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e",
	};
	static const struct {
		uint64_t a, b;
		const char *const *hex;
		size_t n;
	} incl[] = {
		{ 0, 8, incl_0_8, 3 }, { 5, 8, incl_5_8, 3 },
		{ 2, 5, incl_2_5, 3 }, { 6, 8, incl_6_8, 3 },
	}, cons[] = {
		{ 1, 8, cons_1_8, 3 }, { 6, 8, cons_6_8, 3 }, { 2, 5, cons_2_5, 2 },
		{ 3, 7, cons_3_7, 4 }, { 4, 7, cons_4_7, 1 },
	};
	uint8_t lh[8 * HL], r1[HL], r2[HL];
	struct full_tree t;
	struct merkle_proof p;

	(void)state;
	ct_leaf_hashes(lh);
	full_tree_build(&t, lh, 8);
	for (size_t i = 0; i < sizeof(incl) / sizeof(incl[0]); i++) {
		t.limit = incl[i].b;
		assert_int_equal(merkle_prove_inclusion(full_tree_get, &t, incl[i].a, incl[i].b, &p), 0);
		check_proof(&p, incl[i].hex, incl[i].n);
		unhex(ct_roots[incl[i].b - 1], r2, HL);
		assert_int_equal(merkle_verify_inclusion(lh + incl[i].a * HL, incl[i].a, incl[i].b,
							 &p, r2), 0);
	}
	for (size_t i = 0; i < sizeof(cons) / sizeof(cons[0]); i++) {
		t.limit = cons[i].b;
		assert_int_equal(merkle_prove_consistency(full_tree_get, &t, cons[i].a, cons[i].b,
							  &p), 0);
		check_proof(&p, cons[i].hex, cons[i].n);
		unhex(ct_roots[cons[i].a - 1], r1, HL);
		unhex(ct_roots[cons[i].b - 1], r2, HL);
		assert_int_equal(merkle_verify_consistency(cons[i].a, cons[i].b, r1, r2, &p), 0);
		assert_int_equal(merkle_verify_consistency(cons[i].a, cons[i].b, r2, r1, &p),
				 VG_ECRYPTO);
	}
	full_tree_release(&t);
}

/* ---- the invariant: every honest proof verifies, every altered one fails -- */

static void flip_bit(struct merkle_proof *p, struct rng *r, size_t *h, unsigned *bit)
{
	*h = (size_t)rng_below(r, p->len);
	*bit = (unsigned)rng_below(r, 8 * HL);
	p->hash[*h][*bit / 8] ^= (uint8_t)(1u << (*bit % 8));
}

static void inclusion_invariant(struct rng *r, const uint8_t *lh, uint64_t n,
				struct full_tree *t, const uint8_t *roots, uint64_t nmax)
{
	struct merkle_proof p, naive, q;
	const uint8_t *root = roots + n * HL;

	t->limit = n;
	for (uint64_t i = 0; i < n; i++) {
		size_t h;
		unsigned bit;
		uint64_t j;

		assert_int_equal(merkle_prove_inclusion(full_tree_get, t, i, n, &p), 0);
		naive.len = 0;
		naive_path(i, lh, n, &naive);
		assert_int_equal(p.len, naive.len);
		assert_memory_equal(p.hash, naive.hash, p.len * HL);
		assert_int_equal(merkle_verify_inclusion(lh + i * HL, i, n, &p, root), 0);

		/* Another leaf, another index, another size (with its own root). */
		j = rng_below(r, n);
		if (j != i) {
			assert_int_not_equal(merkle_verify_inclusion(lh + j * HL, i, n, &p, root), 0);
			assert_int_not_equal(merkle_verify_inclusion(lh + i * HL, j, n, &p, root), 0);
		}
		if (i + 1 < n)
			assert_int_not_equal(merkle_verify_inclusion(lh + i * HL, i + 1, n, &p, root), 0);
		if (i > 0)
			assert_int_not_equal(merkle_verify_inclusion(lh + i * HL, i - 1, n, &p, root), 0);
		if (n + 1 <= nmax)
			assert_int_not_equal(merkle_verify_inclusion(lh + i * HL, i, n + 1, &p,
								     roots + (n + 1) * HL), 0);
		if (i < n - 1)
			assert_int_not_equal(merkle_verify_inclusion(lh + i * HL, i, n - 1, &p,
								     roots + (n - 1) * HL), 0);
		assert_int_equal(merkle_verify_inclusion(lh + i * HL, n, n, &p, root), VG_EINVAL);

		/* Truncated and extended proofs are refused before any hash is compared. */
		if (p.len > 0) {
			q = p;
			q.len--;
			assert_int_equal(merkle_verify_inclusion(lh + i * HL, i, n, &q, root), VG_EINVAL);
		}
		if (p.len < MERKLE_PROOF_MAX) {
			q = p;
			memcpy(q.hash[q.len++], root, HL);
			assert_int_equal(merkle_verify_inclusion(lh + i * HL, i, n, &q, root), VG_EINVAL);
		}

		/* One flipped bit anywhere: in the proof, the leaf or the root. */
		if (p.len > 0) {
			q = p;
			flip_bit(&q, r, &h, &bit);
			assert_int_equal(merkle_verify_inclusion(lh + i * HL, i, n, &q, root), VG_ECRYPTO);
		}
		{
			uint8_t leaf[HL], rt[HL];

			memcpy(leaf, lh + i * HL, HL);
			memcpy(rt, root, HL);
			leaf[rng_below(r, HL)] ^= (uint8_t)(1u << rng_below(r, 8));
			rt[rng_below(r, HL)] ^= (uint8_t)(1u << rng_below(r, 8));
			assert_int_equal(merkle_verify_inclusion(leaf, i, n, &p, root), VG_ECRYPTO);
			assert_int_equal(merkle_verify_inclusion(lh + i * HL, i, n, &p, rt), VG_ECRYPTO);
		}
	}
	/* Every single bit of one proof, exhaustively. */
	if (n > 1) {
		uint64_t i = rng_below(r, n);

		assert_int_equal(merkle_prove_inclusion(full_tree_get, t, i, n, &p), 0);
		for (size_t h = 0; h < p.len; h++) {
			for (unsigned bit = 0; bit < 8 * HL; bit++) {
				q = p;
				q.hash[h][bit / 8] ^= (uint8_t)(1u << (bit % 8));
				assert_int_equal(merkle_verify_inclusion(lh + i * HL, i, n, &q, root),
						 VG_ECRYPTO);
			}
		}
	}
}

static void consistency_pair(struct rng *r, const uint8_t *lh, uint64_t m, uint64_t n,
			     struct full_tree *t, const uint8_t *roots, uint64_t nmax)
{
	struct merkle_proof p, naive, q;
	const uint8_t *r1 = roots + m * HL, *r2 = roots + n * HL;
	size_t h;
	unsigned bit;

	t->limit = n;
	assert_int_equal(merkle_prove_consistency(full_tree_get, t, m, n, &p), 0);
	naive.len = 0;
	if (m > 0 && m < n)
		naive_subproof(m, lh, n, 1, &naive);
	assert_int_equal(p.len, naive.len);
	assert_memory_equal(p.hash, naive.hash, p.len * HL);
	assert_true(p.len <= MERKLE_PROOF_MAX);
	assert_int_equal(merkle_verify_consistency(m, n, r1, r2, &p), 0);

	/* Other sizes with their own roots. */
	if (m + 1 < n)
		assert_int_not_equal(merkle_verify_consistency(m + 1, n, roots + (m + 1) * HL, r2, &p), 0);
	if (m > 1)
		assert_int_not_equal(merkle_verify_consistency(m - 1, n, roots + (m - 1) * HL, r2, &p), 0);
	/* (With size1 0 any size2 goes: every tree extends the empty one.) */
	if (m > 0 && n + 1 <= nmax)
		assert_int_not_equal(merkle_verify_consistency(m, n + 1, r1, roots + (n + 1) * HL, &p), 0);
	if (m > 0 && n - 1 > m)
		assert_int_not_equal(merkle_verify_consistency(m, n - 1, r1, roots + (n - 1) * HL, &p), 0);
	if (m < n) {
		assert_int_equal(merkle_verify_consistency(n, m, r2, r1, &p), VG_EINVAL);
		assert_int_not_equal(merkle_verify_consistency(m, n, r2, r1, &p), 0);
	}
	/* A root that is not the tree's. */
	{
		uint8_t bad[HL];

		memcpy(bad, r1, HL);
		bad[rng_below(r, HL)] ^= (uint8_t)(1u << rng_below(r, 8));
		assert_int_not_equal(merkle_verify_consistency(m, n, bad, r2, &p), 0);
		/* Every tree extends the empty one: with size1 0 root2 is not constrained. */
		memcpy(bad, r2, HL);
		bad[rng_below(r, HL)] ^= (uint8_t)(1u << rng_below(r, 8));
		assert_int_equal(merkle_verify_consistency(m, n, r1, bad, &p), m == 0 ? 0 : VG_ECRYPTO);
	}
	if (p.len == 0)
		return;
	q = p;
	flip_bit(&q, r, &h, &bit);
	assert_int_equal(merkle_verify_consistency(m, n, r1, r2, &q), VG_ECRYPTO);
	q = p;
	q.len--;
	assert_int_not_equal(merkle_verify_consistency(m, n, r1, r2, &q), 0);
	if (p.len < MERKLE_PROOF_MAX) {
		q = p;
		memcpy(q.hash[q.len++], r2, HL);
		assert_int_equal(merkle_verify_consistency(m, n, r1, r2, &q), VG_EINVAL);
	}
}

static void random_trees(void **state)
{
	struct rng r;
	unsigned trees = 0, pairs = 0;

	(void)state;
	rng_init(&r, 6962);
	for (int round = 0; round < 14; round++) {
		/* Small sizes exhaustively, then larger ones up to 600 leaves. */
		uint64_t nmax = round < 6 ? 1 + (uint64_t)round * 13 : 300 + rng_below(&r, 301);
		uint8_t *lh = random_leaves(&r, nmax);
		uint8_t *roots = malloc((nmax + 1) * HL);
		struct merkle_frontier f;
		struct full_tree t;

		assert_non_null(roots);
		full_tree_build(&t, lh, nmax);
		/* roots[k] for every size k, three ways. */
		merkle_frontier_init(&f);
		for (uint64_t k = 0; k <= nmax; k++) {
			uint8_t naive[HL], flat[HL], stored[HL];

			if (k > 0)
				assert_int_equal(merkle_frontier_append(&f, lh + (k - 1) * HL, NULL, NULL), 0);
			assert_int_equal(f.size, k);
			merkle_frontier_root(&f, roots + k * HL);
			naive_mth(lh, k, naive);
			assert_memory_equal(roots + k * HL, naive, HL);
			assert_int_equal(merkle_root(lh, k, flat), 0);
			assert_memory_equal(flat, naive, HL);
			t.limit = k;
			assert_int_equal(merkle_tree_root(full_tree_get, &t, k, stored), 0);
			assert_memory_equal(stored, naive, HL);
		}
		for (uint64_t n = 1; n <= nmax; n += n < 70 ? 1 : 1 + rng_below(&r, 40)) {
			uint64_t m_tries = n < 40 ? n + 1 : 40;

			/* Every index of the largest trees, a sample of sizes below. */
			if (n == nmax || n < 70 || rng_below(&r, 4) == 0)
				inclusion_invariant(&r, lh, n, &t, roots, nmax);
			for (uint64_t a = 0; a < m_tries; a++) {
				uint64_t m = n < 40 ? a : rng_below(&r, n + 1);

				consistency_pair(&r, lh, m, n, &t, roots, nmax);
				pairs++;
			}
		}
		inclusion_invariant(&r, lh, nmax, &t, roots, nmax);
		full_tree_release(&t);
		free(roots);
		free(lh);
		trees++;
	}
	print_message("  %u trees, %u consistency pairs\n", trees, pairs);
}

/* ---- the frontier ------------------------------------------------------- */

static void frontier_completed_and_load(void **state)
{
	struct rng r;
	uint64_t n = 1100;
	uint8_t *lh;
	struct full_tree t;
	struct merkle_frontier f, g;

	(void)state;
	rng_init(&r, 9162);
	lh = random_leaves(&r, n);
	full_tree_build(&t, lh, n);
	merkle_frontier_init(&f);
	for (uint64_t k = 1; k <= n; k++) {
		uint8_t done[MERKLE_LEVELS][HL], a[HL], b[HL];
		unsigned nd = 0;

		assert_int_equal(merkle_frontier_append(&f, lh + (k - 1) * HL, done, &nd), 0);
		/* Exactly the stored hashes (l, (k >> l) - 1) for l = 0 .. ctz(k). */
		assert_int_equal(nd, (unsigned)__builtin_ctzll(k) + 1);
		for (unsigned l = 0; l < nd; l++)
			assert_memory_equal(done[l], t.level[l] + ((k >> l) - 1) * HL, HL);
		t.limit = k;
		assert_int_equal(merkle_frontier_load(&g, full_tree_get, &t, k), 0);
		assert_int_equal(g.size, k);
		for (unsigned l = 0; l < MERKLE_LEVELS; l++) {
			if ((k >> l) & 1)
				assert_memory_equal(g.hash[l], f.hash[l], HL);
		}
		merkle_frontier_root(&f, a);
		merkle_frontier_root(&g, b);
		assert_memory_equal(a, b, HL);
	}
	/* Appending to a loaded frontier continues the same tree. */
	t.limit = 700;
	assert_int_equal(merkle_frontier_load(&g, full_tree_get, &t, 700), 0);
	for (uint64_t k = 700; k < n; k++)
		assert_int_equal(merkle_frontier_append(&g, lh + k * HL, NULL, NULL), 0);
	assert_memory_equal(&g, &f, sizeof(f));

	/* A provider error comes back unchanged and leaves the frontier empty. */
	t.fail = VG_EIO;
	assert_int_equal(merkle_frontier_load(&g, full_tree_get, &t, 700), VG_EIO);
	assert_int_equal(g.size, 0);
	full_tree_release(&t);
	free(lh);
}

/* ---- hostile sizes and indices ------------------------------------------ */

/*
 * A genuine tree too large to store: every leaf hash is Z except a few
 * "special" leaves, whose hash is derived from their index. A complete
 * subtree without a special leaf has the hash Z_l of 2^l copies of Z;
 * only the few subtrees above special leaves are computed, so each
 * stored hash costs O(63 * nspecial).
 */
struct sparse_tree {
	uint8_t z[MERKLE_LEVELS][HL];
	uint64_t special[8];
	unsigned nspecial;
};

static void sparse_init(struct sparse_tree *s)
{
	memset(s, 0, sizeof(*s));
	merkle_leaf_hash("z", 1, s->z[0]);
	for (unsigned l = 1; l < MERKLE_LEVELS; l++)
		merkle_node_hash(s->z[l - 1], s->z[l - 1], s->z[l]);
}

static void sparse_leaf(uint64_t index, uint8_t out[HL])
{
	merkle_leaf_hash(&index, sizeof(index), out);
}

static int sparse_get(void *ctx, unsigned level, uint64_t index, uint8_t out[HL])
{
	struct sparse_tree *s = ctx;
	uint64_t lo, hi;
	bool hit = false;
	uint8_t l[HL], r[HL];

	assert_true(level < MERKLE_LEVELS);
	assert_true(index < (MERKLE_SIZE_MAX >> level));
	lo = index << level;
	hi = lo + ((uint64_t)1 << level);
	for (unsigned k = 0; k < s->nspecial; k++)
		hit |= s->special[k] >= lo && s->special[k] < hi;
	if (!hit) {
		memcpy(out, s->z[level], HL);
		return 0;
	}
	if (level == 0) {
		sparse_leaf(index, out);
		return 0;
	}
	assert_int_equal(sparse_get(ctx, level - 1, 2 * index, l), 0);
	assert_int_equal(sparse_get(ctx, level - 1, 2 * index + 1, r), 0);
	merkle_node_hash(l, r, out);
	return 0;
}

static void hostile_values(void **state)
{
	static const uint64_t bad[] = {
		MERKLE_SIZE_MAX + 1, UINT64_MAX, UINT64_MAX - 1, (uint64_t)1 << 63,
	};
	uint8_t leaf[HL] = { 1 }, r1[HL], r2[HL];
	struct merkle_proof p;
	struct merkle_frontier f;
	struct full_tree t = { 0 };
	struct rng r;
	struct sparse_tree sp;
	size_t longest = 0;

	(void)state;
	memset(&p, 0, sizeof(p));
	/* Indices and sizes out of range never reach the provider. */
	t.fail = VG_EIO;
	assert_int_equal(merkle_prove_inclusion(full_tree_get, &t, 0, 0, &p), VG_EINVAL);
	assert_int_equal(merkle_prove_inclusion(full_tree_get, &t, 5, 5, &p), VG_EINVAL);
	assert_int_equal(merkle_prove_consistency(full_tree_get, &t, 6, 5, &p), VG_EINVAL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(merkle_prove_inclusion(full_tree_get, &t, 0, bad[i], &p), VG_EINVAL);
		assert_int_equal(merkle_prove_consistency(full_tree_get, &t, 1, bad[i], &p), VG_EINVAL);
		assert_int_equal(merkle_tree_root(full_tree_get, &t, bad[i], r1), VG_EINVAL);
		assert_int_equal(merkle_frontier_load(&f, full_tree_get, &t, bad[i]), VG_EINVAL);
		assert_int_equal(merkle_root(leaf, bad[i], r1), VG_EINVAL);
		assert_int_equal(merkle_verify_inclusion(leaf, 0, bad[i], &p, r1), VG_EINVAL);
		assert_int_equal(merkle_verify_inclusion(leaf, bad[i] - 1, bad[i], &p, r1), VG_EINVAL);
		assert_int_equal(merkle_verify_consistency(1, bad[i], r1, r2, &p), VG_EINVAL);
		assert_int_equal(merkle_verify_consistency(bad[i], bad[i], r1, r1, &p), VG_EINVAL);
	}
	assert_int_equal(t.calls, 0);
	/* Empty proofs where none is possible; a proof where none is expected. */
	assert_int_equal(merkle_prove_consistency(full_tree_get, &t, 0, 9, &p), 0);
	assert_int_equal(p.len, 0);
	assert_int_equal(merkle_prove_consistency(full_tree_get, &t, 9, 9, &p), 0);
	assert_int_equal(p.len, 0);
	merkle_empty_root(r1);
	assert_int_equal(merkle_verify_consistency(0, 9, r1, leaf, &p), 0);
	assert_int_equal(merkle_verify_consistency(0, 0, r1, leaf, &p), 0);
	assert_int_equal(merkle_verify_consistency(0, 9, leaf, leaf, &p), VG_ECRYPTO);
	assert_int_equal(merkle_verify_consistency(9, 9, leaf, leaf, &p), 0);
	assert_int_equal(merkle_verify_consistency(9, 9, leaf, r1, &p), VG_ECRYPTO);
	assert_int_equal(merkle_verify_consistency(3, 9, leaf, r1, &p), VG_EINVAL);
	assert_int_equal(merkle_verify_inclusion(leaf, 0, 1, &p, leaf), 0);
	assert_int_equal(merkle_verify_inclusion(leaf, 0, 2, &p, leaf), VG_EINVAL);
	p.len = 1;
	assert_int_equal(merkle_verify_consistency(9, 9, leaf, leaf, &p), VG_EINVAL);
	assert_int_equal(merkle_verify_consistency(0, 9, r1, leaf, &p), VG_EINVAL);
	assert_int_equal(merkle_verify_inclusion(leaf, 0, 1, &p, leaf), VG_EINVAL);
	/* A length field larger than the array is refused, not followed. */
	p.len = MERKLE_PROOF_MAX + 1;
	assert_int_equal(merkle_verify_inclusion(leaf, 1, 9, &p, leaf), VG_EINVAL);
	assert_int_equal(merkle_verify_consistency(3, 9, leaf, leaf, &p), VG_EINVAL);
	p.len = SIZE_MAX;
	assert_int_equal(merkle_verify_inclusion(leaf, 1, 9, &p, leaf), VG_EINVAL);
	assert_int_equal(merkle_verify_consistency(3, 9, leaf, leaf, &p), VG_EINVAL);

	/* A provider error reaches the caller with an empty proof. */
	assert_int_equal(merkle_prove_inclusion(full_tree_get, &t, 3, 9, &p), VG_EIO);
	assert_int_equal(p.len, 0);
	assert_int_equal(merkle_prove_consistency(full_tree_get, &t, 3, 9, &p), VG_EIO);
	assert_int_equal(p.len, 0);

	/* The largest trees: proofs stay within bounds, verify, and catch a wrong leaf. */
	sparse_init(&sp);
	rng_init(&r, 1);
	for (int k = 0; k < 3000; k++) {
		uint64_t n = MERKLE_SIZE_MAX - (k < 1000 ? (uint64_t)k : rng_below(&r, MERKLE_SIZE_MAX));
		uint64_t i = k % 2 ? n - 1 - rng_below(&r, 1000 < n ? 1000 : n) : rng_below(&r, n);
		uint64_t m = k % 3 ? n - rng_below(&r, n) : ((uint64_t)1 << rng_below(&r, 63)) % n + 1;

		sp.nspecial = 0;
		sp.special[sp.nspecial++] = i;
		sp.special[sp.nspecial++] = m - 1;
		sp.special[sp.nspecial++] = n - 1;
		sp.special[sp.nspecial++] = rng_below(&r, n);
		sp.special[sp.nspecial++] = i ^ 1;
		assert_int_equal(merkle_prove_inclusion(sparse_get, &sp, i, n, &p), 0);
		assert_true(p.len <= 63);
		assert_int_equal(merkle_tree_root(sparse_get, &sp, n, r2), 0);
		sparse_leaf(i, leaf);
		assert_int_equal(merkle_verify_inclusion(leaf, i, n, &p, r2), 0);
		assert_int_equal(merkle_verify_inclusion(sp.z[0], i, n, &p, r2), VG_ECRYPTO);
		assert_int_not_equal(merkle_verify_inclusion(leaf, i, n - 1 > i ? n - 1 : n, &p, r1), 0);
		assert_int_equal(merkle_prove_consistency(sparse_get, &sp, m, n, &p), 0);
		if (p.len > longest)
			longest = p.len;
		assert_int_equal(merkle_tree_root(sparse_get, &sp, m, r1), 0);
		assert_int_equal(merkle_verify_consistency(m, n, r1, r2, &p), 0);
		if (m < n) {
			r1[0] ^= 1;
			assert_int_equal(merkle_verify_consistency(m, n, r1, r2, &p), VG_ECRYPTO);
		}
	}
	/* size1 = 2^62 + 1, size2 = 2^63 - 1 takes every level: 64 hashes, the bound. */
	sp.nspecial = 0;
	assert_int_equal(merkle_prove_consistency(sparse_get, &sp, ((uint64_t)1 << 62) + 1,
						  MERKLE_SIZE_MAX, &p), 0);
	print_message("  longest random consistency proof %zu, constructed %zu\n", longest, p.len);
	assert_int_equal(p.len, MERKLE_PROOF_MAX);

	/* A full frontier refuses more and stays as it was. */
	merkle_frontier_init(&f);
	f.size = MERKLE_SIZE_MAX;
	assert_int_equal(merkle_frontier_append(&f, leaf, NULL, NULL), VG_ETOOBIG);
	assert_int_equal(f.size, MERKLE_SIZE_MAX);
	merkle_frontier_root(&f, r1);
	f.size = MERKLE_SIZE_MAX - 1;
	assert_int_equal(merkle_frontier_append(&f, leaf, NULL, NULL), 0);
}

/* ---- tiles -------------------------------------------------------------- */

static void tile_paths(void **state)
{
	static const struct {
		int level;
		uint64_t index;
		unsigned width;
		const char *path;
	} good[] = {
		{ 0, 5, 256, "tile/0/005" },
		{ 0, 0, 256, "tile/0/000" },
		{ 0, 999, 256, "tile/0/999" },
		{ 0, 1000, 256, "tile/0/x001/000" },
		{ 0, 1234067, 256, "tile/0/x001/x234/067" },
		{ 0, 273, 112, "tile/0/273.p/112" },
		{ 1, 1, 17, "tile/1/001.p/17" },
		{ 2, 0, 1, "tile/2/000.p/1" },
		{ 3, 1000000, 255, "tile/3/x001/x000/000.p/255" },
		{ MERKLE_TILE_ENTRIES, 5, 256, "tile/entries/005" },
		{ MERKLE_TILE_ENTRIES, 273, 112, "tile/entries/273.p/112" },
		{ MERKLE_TILE_ENTRIES, 1234067, 9, "tile/entries/x001/x234/067.p/9" },
		/* The last tiles that fit below 2^63 entries. */
		{ 0, 36028797018963966, 256, "tile/0/x036/x028/x797/x018/x963/966" },
		{ 0, 36028797018963967, 255, "tile/0/x036/x028/x797/x018/x963/967.p/255" },
		{ MERKLE_TILE_ENTRIES, 36028797018963967, 255,
		  "tile/entries/x036/x028/x797/x018/x963/967.p/255" },
		{ 7, 0, 127, "tile/7/000.p/127" },
	};
	static const char *const bad[] = {
		"", "tile", "tile/", "tile/0", "tile/0/", "tile/0/5", "tile/0/05", "tile/0/0005",
		"tile/0/005/", "/tile/0/005", "tile//005", "tile/00/005", "tile/01/005",
		"tile/-1/005", "tile/0/-05", "tile/0/+05", "tile/0/001/000", "tile/0/x001000",
		"tile/0/x1/000", "tile/0/x0001/000", "tile/0/x000/005", "tile/0/x000/x001/000",
		"tile/0/xx001/000", "tile/0/x001/", "tile/0/x001", "tile/0/001/x000",
		"tile/0/x001//000", "tile/0/005.p/", "tile/0/005.p/0", "tile/0/005.p/256",
		"tile/0/005.p/00", "tile/0/005.p/012", "tile/0/005.p/1000", "tile/0/005.p/12/",
		"tile/0/005.p12", "tile/0/005.P/12", "tile/0/005.p/-1", "tile/0/005/.p/1",
		"tile/0/005 ", " tile/0/005", "tile/0/005\n", "TILE/0/005", "tile/entry/005",
		"tile/entries", "tile/entries/", "tile/entries/5", "tile/entries/005/",
		"tile/entries/x000/005", "tile/8/000.p/1", "tile/63/000", "tile/64/000",
		"tile/100/000",
		/* Beyond MERKLE_SIZE_MAX and beyond uint64_t. */
		"tile/0/x036/x028/x797/x018/x963/967",
		"tile/0/x036/x028/x797/x018/x963/968.p/1",
		"tile/7/001",
		"tile/1/x140/x737/x488/x355/328",
		"tile/0/x018/x446/x744/x073/x709/x551/615",
		"tile/0/x999/x999/x999/x999/x999/x999/x999/x999/999",
		"tile/0/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/001",
	};
	char buf[MERKLE_TILE_PATH_MAX];
	struct merkle_tile t, u;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		t.level = good[i].level;
		t.index = good[i].index;
		t.width = good[i].width;
		assert_true(merkle_tile_valid(&t));
		assert_int_equal(merkle_tile_path(&t, buf, sizeof(buf)), 0);
		assert_string_equal(buf, good[i].path);
		assert_int_equal(merkle_tile_parse(buf, strlen(buf), &u), 0);
		assert_int_equal(u.level, t.level);
		assert_int_equal(u.index, t.index);
		assert_int_equal(u.width, t.width);
		/* Exactly the room it needs, and one byte less. */
		assert_int_equal(merkle_tile_path(&t, buf, strlen(good[i].path) + 1), 0);
		assert_int_equal(merkle_tile_path(&t, buf, strlen(good[i].path)), VG_ETOOBIG);
		assert_string_equal(buf, "");
		/*
		 * The parser takes a length, not a NUL: a proper prefix is refused
		 * unless it is itself a canonical path ("tile/0/273" of "tile/0/273.p/112").
		 */
		for (size_t k = 0; k < strlen(good[i].path); k++) {
			if (merkle_tile_parse(good[i].path, k, &u) != 0)
				continue;
			assert_int_equal(merkle_tile_path(&u, buf, sizeof(buf)), 0);
			assert_int_equal(strlen(buf), k);
			assert_memory_equal(buf, good[i].path, k);
		}
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&u, 0xab, sizeof(u));
		if (merkle_tile_parse(bad[i], strlen(bad[i]), &u) != VG_EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_int_equal(u.level, 0);
		assert_int_equal(u.index, 0);
		assert_int_equal(u.width, 0);
	}
	/* An embedded NUL is just a bad byte. */
	assert_int_equal(merkle_tile_parse("tile/0/005\0", 11, &u), VG_EINVAL);
	assert_int_equal(merkle_tile_parse(NULL, 0, &u), VG_EINVAL);

	/* Invalid tiles have no path. */
	{
		static const struct merkle_tile inv[] = {
			{ 0, 0, 0 }, { 0, 0, 257 }, { -2, 0, 1 }, { 8, 0, 1 }, { 7, 1, 256 },
			{ 0, UINT64_MAX, 1 }, { 0, 36028797018963967, 256 },
			{ MERKLE_TILE_ENTRIES, UINT64_MAX / 256, 1 },
		};
		for (size_t i = 0; i < sizeof(inv) / sizeof(inv[0]); i++) {
			assert_false(merkle_tile_valid(&inv[i]));
			assert_int_equal(merkle_tile_path(&inv[i], buf, sizeof(buf)), VG_EINVAL);
		}
	}

	/* Round trips over many indices and widths at every level. */
	{
		struct rng r;

		rng_init(&r, 256);
		for (int k = 0; k < 200000; k++) {
			t.level = (int)rng_below(&r, MERKLE_TILE_LEVEL_MAX + 2) - 1;
			t.index = rng_next(&r) >> rng_below(&r, 64);
			t.width = rng_below(&r, 2) ? 256 : 1 + (unsigned)rng_below(&r, 255);
			if (merkle_tile_path(&t, buf, sizeof(buf)) != 0) {
				assert_false(merkle_tile_valid(&t));
				continue;
			}
			assert_true(strlen(buf) < MERKLE_TILE_PATH_MAX);
			assert_int_equal(merkle_tile_parse(buf, strlen(buf), &u), 0);
			assert_true(u.level == t.level && u.index == t.index && u.width == t.width);
		}
	}
}

static void tiles_for_size_70000(void **state)
{
	struct merkle_tile_iter it;
	struct merkle_tile t;
	char buf[MERKLE_TILE_PATH_MAX];
	uint64_t counted[MERKLE_TILE_LEVEL_MAX + 1] = { 0 }, nfull;
	unsigned pw, total = 0;
	const char *partials[3] = { NULL };

	(void)state;
	merkle_tile_iter_init(&it, 70000);
	while (merkle_tile_iter_next(&it, &t)) {
		assert_true(t.level >= 0 && t.level <= 2);
		assert_int_equal(merkle_tile_path(&t, buf, sizeof(buf)), 0);
		if (t.width < MERKLE_TILE_WIDTH) {
			assert_null(partials[t.level]);
			partials[t.level] = strdup(buf);
		} else {
			counted[t.level]++;
		}
		total++;
	}
	assert_int_equal(counted[0], 273);
	assert_int_equal(counted[1], 1);
	assert_int_equal(counted[2], 0);
	assert_string_equal(partials[0], "tile/0/273.p/112");
	assert_string_equal(partials[1], "tile/1/001.p/17");
	assert_string_equal(partials[2], "tile/2/000.p/1");
	assert_int_equal(total, 273 + 1 + 1 + 1 + 1);
	for (int i = 0; i < 3; i++)
		free((void *)partials[i]);
	merkle_tile_level(70000, MERKLE_TILE_ENTRIES, &nfull, &pw);
	assert_int_equal(nfull, 273);
	assert_int_equal(pw, 112);
	merkle_tile_level(70000, 3, &nfull, &pw);
	assert_true(nfull == 0 && pw == 0);

	/* Edges: nothing for 0; exact multiples have no partial tile. */
	merkle_tile_iter_init(&it, 0);
	assert_false(merkle_tile_iter_next(&it, &t));
	merkle_tile_iter_init(&it, 65536);
	total = 0;
	while (merkle_tile_iter_next(&it, &t)) {
		assert_int_equal(t.width, t.level == 2 ? 1 : 256);
		total++;
	}
	assert_int_equal(total, 256 + 1 + 1);
	merkle_tile_level(MERKLE_SIZE_MAX, 7, &nfull, &pw);
	assert_true(nfull == 0 && pw == 127);
	merkle_tile_level(MERKLE_SIZE_MAX + 1, 0, &nfull, &pw);
	assert_true(nfull == 0 && pw == 0);
	merkle_tile_level(100, 8, &nfull, &pw);
	assert_true(nfull == 0 && pw == 0);
}

/* Hash tiles held in memory: rows[L] are the stored hashes at tree level 8L. */
struct tiles {
	uint8_t *rows[3];
	uint64_t len[3];
	unsigned reads;
};

static int tiles_get(void *ctx, unsigned level, uint64_t index, uint8_t out[HL])
{
	struct tiles *ts = ctx;
	struct merkle_tile t;
	unsigned first, count, lvl;
	uint64_t at;
	int tl;
	int err;

	err = merkle_tile_locate(level, index, &tl, &t.index, &first, &count);
	if (err != 0)
		return err;
	assert_true(tl >= 0 && tl < 3);
	assert_true(first + count <= MERKLE_TILE_WIDTH);
	t.level = tl;
	t.width = MERKLE_TILE_WIDTH;
	assert_int_equal(merkle_tile_hash_at(&t, first, &lvl, &at), 0);
	assert_int_equal(lvl, 8 * (unsigned)tl);
	assert_true(at + count <= ts->len[tl]);
	ts->reads++;
	return merkle_root(ts->rows[tl] + at * HL, count, out);
}

static void tile_backed_provider(void **state)
{
	const uint64_t n = 70000;
	struct tiles ts = { 0 };
	struct full_tree ft;
	struct merkle_frontier f;
	struct merkle_proof p, q;
	uint8_t *lh, *sampled;
	struct rng r;

	(void)state;
	rng_init(&r, 70000);
	lh = random_leaves(&r, n);
	full_tree_build(&ft, lh, n);
	ft.limit = n;
	for (int l = 0; l < 3; l++) {
		ts.rows[l] = malloc((n >> (8 * l)) * HL + 1);
		assert_non_null(ts.rows[l]);
	}
	sampled = malloc((n / 997 + 1) * HL);
	assert_non_null(sampled);
	/* Fill the tiles the way a sequencer would: from what each append completes. */
	merkle_frontier_init(&f);
	for (uint64_t k = 1; k <= n; k++) {
		uint8_t done[MERKLE_LEVELS][HL];
		unsigned nd;

		assert_int_equal(merkle_frontier_append(&f, lh + (k - 1) * HL, done, &nd), 0);
		for (unsigned l = 0; l < nd; l += 8) {
			assert_int_equal(ts.len[l / 8], (k >> l) - 1);
			memcpy(ts.rows[l / 8] + ts.len[l / 8]++ * HL, done[l], HL);
		}
		if (k % 997 == 0)
			merkle_frontier_root(&f, sampled + (k / 997) * HL);
	}
	assert_int_equal(ts.len[0], 70000);
	assert_int_equal(ts.len[1], 273);
	assert_int_equal(ts.len[2], 1);
	/* Each tile the listing names has its hashes available. */
	{
		struct merkle_tile_iter it;
		struct merkle_tile t;
		unsigned lvl;
		uint64_t at;

		merkle_tile_iter_init(&it, n);
		while (merkle_tile_iter_next(&it, &t)) {
			assert_int_equal(merkle_tile_hash_at(&t, t.width - 1, &lvl, &at), 0);
			assert_true(at < ts.len[t.level]);
			assert_int_equal(merkle_tile_hash_at(&t, t.width, &lvl, &at), VG_EINVAL);
		}
	}
	/* Roots at sampled sizes and proofs agree with the fully stored tree. */
	for (uint64_t k = 997; k <= n; k += 997) {
		uint8_t a[HL];

		assert_int_equal(merkle_tree_root(tiles_get, &ts, k, a), 0);
		assert_memory_equal(a, sampled + (k / 997) * HL, HL);
	}
	for (int k = 0; k < 300; k++) {
		uint64_t size = 1 + rng_below(&r, n), idx = rng_below(&r, size);
		uint64_t old = rng_below(&r, size + 1);
		uint8_t r1[HL], r2[HL];

		ft.limit = size;
		assert_int_equal(merkle_prove_inclusion(tiles_get, &ts, idx, size, &p), 0);
		assert_int_equal(merkle_prove_inclusion(full_tree_get, &ft, idx, size, &q), 0);
		assert_int_equal(p.len, q.len);
		assert_memory_equal(p.hash, q.hash, p.len * HL);
		assert_int_equal(merkle_tree_root(tiles_get, &ts, size, r2), 0);
		assert_int_equal(merkle_verify_inclusion(lh + idx * HL, idx, size, &p, r2), 0);
		assert_int_equal(merkle_prove_consistency(tiles_get, &ts, old, size, &p), 0);
		assert_int_equal(merkle_prove_consistency(full_tree_get, &ft, old, size, &q), 0);
		assert_int_equal(p.len, q.len);
		assert_memory_equal(p.hash, q.hash, p.len * HL);
		assert_int_equal(merkle_tree_root(tiles_get, &ts, old, r1), 0);
		assert_int_equal(merkle_verify_consistency(old, size, r1, r2, &p), 0);
	}
	/* merkle_tile_locate: bounds. */
	{
		int tl;
		uint64_t ti;
		unsigned first, count;

		assert_int_equal(merkle_tile_locate(19, 3, &tl, &ti, &first, &count), 0);
		assert_true(tl == 2 && ti == 0 && first == 24 && count == 8);
		assert_int_equal(merkle_tile_locate(62, 0, &tl, &ti, &first, &count), 0);
		assert_int_equal(merkle_tile_locate(62, 1, &tl, &ti, &first, &count), VG_EINVAL);
		assert_int_equal(merkle_tile_locate(63, 0, &tl, &ti, &first, &count), VG_EINVAL);
		assert_int_equal(merkle_tile_locate(0, MERKLE_SIZE_MAX - 1, &tl, &ti, &first, &count), 0);
		assert_int_equal(merkle_tile_locate(0, MERKLE_SIZE_MAX, &tl, &ti, &first, &count),
				 VG_EINVAL);
		assert_int_equal(merkle_tile_locate(0, UINT64_MAX, &tl, &ti, &first, &count), VG_EINVAL);
	}
	{
		struct merkle_tile e = { MERKLE_TILE_ENTRIES, 0, 256 };
		unsigned lvl;
		uint64_t at;

		assert_int_equal(merkle_tile_hash_at(&e, 0, &lvl, &at), VG_EINVAL);
	}
	print_message("  %u tile reads\n", ts.reads);
	full_tree_release(&ft);
	for (int l = 0; l < 3; l++)
		free(ts.rows[l]);
	free(sampled);
	free(lh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_roots),
		cmocka_unit_test(known_proofs),
		cmocka_unit_test(random_trees),
		cmocka_unit_test(frontier_completed_and_load),
		cmocka_unit_test(hostile_values),
		cmocka_unit_test(tile_paths),
		cmocka_unit_test(tiles_for_size_70000),
		cmocka_unit_test(tile_backed_provider),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
