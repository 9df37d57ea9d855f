/*
 * libFuzzer: the proof verifiers on arbitrary bytes, then an invariant.
 *
 * Input layout: byte 0 picks the mode; then index / size1, size2 (8 bytes
 * each, little-endian), a proof length byte, and the rest as hashes.
 *
 * Mode even: hostile values straight into merkle_verify_inclusion and
 * merkle_verify_consistency (any index, any size, any length field up to
 * 255 over a 64-hash array). Nothing may crash, and nothing may verify
 * that could not: a 0 result needs sizes in range and a length that fits.
 *
 * Mode odd: a real tree of up to 300 leaves; the honest proofs for the
 * chosen index and sizes must verify, and the same proofs XORed with the
 * remaining input bytes must fail whenever the XOR changed anything.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "core/merkle.h"

#define HL MERKLE_HASH_LEN
#define NMAX 300

static uint8_t levels[10][NMAX][HL];

static int get(void *ctx, unsigned level, uint64_t index, uint8_t out[HL])
{
	uint64_t limit = *(const uint64_t *)ctx;

	if (level >= 10 || ((index + 1) << level) > limit)
		abort(); /* the prover asked outside the tree it was given */
	memcpy(out, levels[level][index], HL);
	return 0;
}

static uint64_t take64(const uint8_t **p, size_t *n)
{
	uint64_t v = 0;

	for (int i = 0; i < 8 && *n > 0; i++, (*p)++, (*n)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

static void build(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		merkle_leaf_hash(&i, sizeof(i), levels[0][i]);
	for (unsigned l = 1; l < 10; l++)
		for (uint64_t i = 0; i < (n >> l); i++)
			merkle_node_hash(levels[l - 1][2 * i], levels[l - 1][2 * i + 1], levels[l][i]);
}

static void hostile(const uint8_t *p, size_t n)
{
	struct merkle_proof proof;
	uint8_t leaf[HL] = { 0 }, r1[HL] = { 0 }, r2[HL] = { 0 };
	uint64_t a = take64(&p, &n), b = take64(&p, &n);
	size_t len = n > 0 ? *p : 0, avail;

	if (n > 0) {
		p++;
		n--;
	}
	memset(&proof, 0, sizeof(proof));
	avail = n < sizeof(proof.hash) ? n : sizeof(proof.hash);
	memcpy(proof.hash, p, avail);
	if (n >= 3 * HL) {
		memcpy(leaf, p + n - HL, HL);
		memcpy(r1, p + n - 2 * HL, HL);
		memcpy(r2, p + n - 3 * HL, HL);
	}
	proof.len = len;
	if (merkle_verify_inclusion(leaf, a, b, &proof, r1) == 0) {
		if (a >= b || b > MERKLE_SIZE_MAX || len > MERKLE_PROOF_MAX)
			abort();
	}
	if (merkle_verify_consistency(a, b, r1, r2, &proof) == 0) {
		if (a > b || b > MERKLE_SIZE_MAX || len > MERKLE_PROOF_MAX)
			abort();
	}
}

static void invariant(const uint8_t *p, size_t n)
{
	struct merkle_proof proof, bent;
	struct merkle_frontier f;
	uint8_t r1[HL], r2[HL];
	uint64_t size = take64(&p, &n) % NMAX + 1;
	uint64_t idx = take64(&p, &n) % size, old = idx % (size + 1);
	uint64_t limit = size;
	bool changed = false;

	build(size);
	/* Roots from the frontier, so the prover and the roots come from different code. */
	merkle_frontier_init(&f);
	for (uint64_t i = 0; i < size; i++) {
		if (i == old)
			merkle_frontier_root(&f, r1);
		if (merkle_frontier_append(&f, levels[0][i], NULL, NULL) != 0)
			abort();
	}
	if (old == size)
		merkle_frontier_root(&f, r1);
	merkle_frontier_root(&f, r2);

	if (merkle_prove_inclusion(get, &limit, idx, size, &proof) != 0)
		abort();
	if (merkle_verify_inclusion(levels[0][idx], idx, size, &proof, r2) != 0)
		abort();
	bent = proof;
	for (size_t i = 0; i < n && i < proof.len * HL; i++) {
		bent.hash[i / HL][i % HL] ^= p[i];
		changed |= p[i] != 0;
	}
	if (changed && merkle_verify_inclusion(levels[0][idx], idx, size, &bent, r2) == 0)
		abort();

	if (merkle_prove_consistency(get, &limit, old, size, &proof) != 0)
		abort();
	if (merkle_verify_consistency(old, size, r1, r2, &proof) != 0)
		abort();
	bent = proof;
	changed = false;
	for (size_t i = 0; i < n && i < proof.len * HL; i++) {
		bent.hash[i / HL][i % HL] ^= p[i];
		changed |= p[i] != 0;
	}
	if (changed && merkle_verify_consistency(old, size, r1, r2, &bent) == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	if (size == 0)
		return 0;
	if (data[0] & 1)
		invariant(data + 1, size - 1);
	else
		hostile(data + 1, size - 1);
	return 0;
}
