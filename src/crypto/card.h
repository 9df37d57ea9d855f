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

#include <stdint.h>

#define CARD_MASTER_LEN 32

/* Derive the card keypair for a canonical NIR (15 characters). sk may be NULL. */
void card_keypair(const uint8_t master[CARD_MASTER_LEN], const char nir15[15],
                  uint8_t pk[32], uint8_t sk[64]);

#endif
