/*
 * libFuzzer: tlog-proof receipts on arbitrary bytes (untrusted: what an
 * insured person or an auditor hands back). Properties:
 *  - a refused receipt leaves every output empty;
 *  - an accepted one has at most MERKLE_PROOF_MAX hashes and a non-empty
 *    checkpoint slice that ends where the input ends;
 *  - formatting it again gives the input back, without its "extra" line if
 *    it had one (one spelling only);
 *  - the whole client check (open the checkpoint, parse it, verify an
 *    inclusion) never crashes, whatever the sizes and proof lengths.
 *
 * The corpus (fuzz/corpus/receipt) holds real receipts signed by the fixed
 * key below, so mutations reach the signature and inclusion checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/note.h"

#define FUZZ_NAME "fuzz.example/log"
#define FUZZ_SEED 0x42 /* the signing key's seed: 32 bytes of this */

static struct note_verifier v;
static char *back;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t seed[32], pk[32], sk[64];
	char vk[NOTE_VKEY_MAX];

	(void)argc;
	(void)argv;
	memset(seed, FUZZ_SEED, sizeof(seed));
	back = malloc(TLOG_PROOF_MAX);
	if (sodium_init() < 0 || !back)
		abort();
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(sk, sizeof(sk));
	if (note_vkey_format(FUZZ_NAME, pk, vk, sizeof(vk)) != 0 ||
	    note_vkey_parse(vk, strlen(vk), &v) != 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct merkle_proof proof;
	const char *s = (const char *)data, *cp = s;
	static const char HEAD[] = "c2sp.org/tlog-proof@v1\n";
	const size_t hl = sizeof(HEAD) - 1;
	struct checkpoint c;
	uint8_t leaf[MERKLE_HASH_LEN];
	uint64_t index = 1;
	size_t cp_len = 1, n = 0, skip = 0, tl;

	proof.len = 1;
	if (tlog_proof_parse(s, size, &index, &proof, &cp, &cp_len) != 0) {
		if (index != 0 || proof.len != 0 || cp != NULL || cp_len != 0)
			abort();
		return 0;
	}
	if (proof.len > MERKLE_PROOF_MAX || cp <= s || cp_len == 0 || cp + cp_len != s + size)
		abort();

	/* Written again, it is the input, less an "extra" line. */
	if (size > hl + 6 && memcmp(s + hl, "extra ", 6) == 0) {
		const char *eol = memchr(s + hl, '\n', size - hl);

		if (!eol)
			abort();
		skip = (size_t)(eol + 1 - (s + hl));
	}
	if (tlog_proof_format(index, &proof, cp, cp_len, back, TLOG_PROOF_MAX, &n) != 0 ||
	    n != size - skip || memcmp(back, s, hl) != 0 ||
	    memcmp(back + hl, s + hl + skip, size - hl - skip) != 0)
		abort();

	/* The client's check, all the way down; the leaf is the entry "" or a proof hash. */
	if (note_open(cp, cp_len, &v, 1, &tl) != 0 || checkpoint_parse(cp, tl, &c) != 0)
		return 0;
	merkle_leaf_hash(NULL, 0, leaf);
	VG_IGNORE(merkle_verify_inclusion(leaf, index, c.size, &proof, c.root));
	for (size_t i = 0; i < proof.len; i++)
		VG_IGNORE(merkle_verify_inclusion(proof.hash[i], index, c.size, &proof, c.root));
	return 0;
}
