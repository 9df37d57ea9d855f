/*
 * card.h - the patient's card key, as the simulation and demo derive it.
 *
 * seed = BLAKE2b-256(key = cards.key (32 bytes), message = the 15-character NIR),
 * keypair = crypto_sign_seed_keypair(seed). The server stores only public keys;
 * cards.key is written by `vigie seed` for the simulator and never read by the
 * server. Thread-safe.
 */
#ifndef VIGIE_CRYPTO_CARD_H
#define VIGIE_CRYPTO_CARD_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define CARD_MASTER_LEN   32
#define CARD_PROOF_WINDOW 300 /* seconds either side of the server clock */
#define CARD_PROOF_MAX    128 /* longest header value accepted */
#define CARD_NONCE_LEN    16

/* Derive the card keypair for a canonical NIR (15 characters). sk may be NULL. */
void card_keypair(const uint8_t master[CARD_MASTER_LEN], const char nir15[15], uint8_t pk[32],
                  uint8_t sk[64]);

/*
 * The card-presence proof (DESIGN.md): header "Vigie-Card-Proof:
 * v2.<unix_time>.<base64url(nonce)>.<base64url(signature)>", the Ed25519
 * signature by the patient's card key over
 * "vigie-card-proof-v2\n<rpps>\n<nir>\n<unix_time>\n<base64url(nonce)>\n"
 * with a random 16-byte nonce: two proofs made in the same second differ,
 * so each of two honest lookups has its own (v1, without a nonce, made the
 * same bytes and the second was refused as a replay; it is refused now).
 */
struct card_proof {
	int64_t t;
	uint8_t nonce[CARD_NONCE_LEN];
	uint8_t sig[64];
};

/*
 * Parse an untrusted header value (len bytes): "v2.", canonical decimal
 * time, unpadded base64url only. 0 or VG_EINVAL.
 */
VG_MUST_USE int card_proof_parse(const char *s, size_t len, struct card_proof *out);

/*
 * Check a parsed proof for (rpps, nir15) against the card's public key at
 * server time now: signature valid and |now - t| <= CARD_PROOF_WINDOW.
 * Returns 0, VG_ECRYPTO (bad signature), VG_EDENIED (outside the window).
 * Accepting each proof once is the caller's job (see http/: a replay cache).
 */
VG_MUST_USE int card_proof_verify(const struct card_proof *p, const char *rpps,
                                  const char nir15[15], const uint8_t pk[32], int64_t now);

/*
 * Make a proof (simulation, demos, tests): the header value into buf
 * (CARD_PROOF_MAX). nonce: CARD_NONCE_LEN bytes, or NULL for fresh random ones.
 */
VG_MUST_USE int card_proof_make(const uint8_t sk[64], const char *rpps, const char nir15[15],
                                int64_t t, const uint8_t *nonce, char *buf, size_t cap);

#endif
