/*
 * card.c - see card.h. The seed is a keyed BLAKE2b-256 of the NIR, so cards.key
 * alone lets the simulator act as any patient's card, and the server (which
 * stores public keys only) cannot.
 */
#include "crypto/card.h"

#include <sodium.h>

void card_keypair(const uint8_t master[CARD_MASTER_LEN], const char nir15[15], uint8_t pk[32],
                  uint8_t sk[64])
{
	uint8_t seed[crypto_sign_SEEDBYTES];
	uint8_t sk_local[crypto_sign_SECRETKEYBYTES];
	uint8_t *skp = sk ? sk : sk_local;

	crypto_generichash(seed, sizeof(seed), (const uint8_t *)nir15, 15, master, CARD_MASTER_LEN);
	crypto_sign_seed_keypair(pk, skp, seed);
	sodium_memzero(seed, sizeof(seed));
	if (!sk)
		sodium_memzero(sk_local, sizeof(sk_local));
}
