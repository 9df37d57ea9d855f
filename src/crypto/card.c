/*
 * card.c - see card.h. The seed is a keyed BLAKE2b-256 of the NIR, so cards.key
 * alone lets the simulator act as any patient's card, and the server (which
 * stores public keys only) cannot.
 */
#include "crypto/card.h"

#include <stdio.h>
#include <string.h>

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

/* The signed message: "vigie-card-proof-v1\n<rpps>\n<nir>\n<t>\n". */
static int proof_message(const char *rpps, const char nir15[15], int64_t t, char *m, size_t cap,
                         size_t *len)
{
	int n = snprintf(m, cap, "vigie-card-proof-v1\n%s\n%.15s\n%lld\n", rpps, nir15,
	                 (long long)t);

	if (n < 0 || (size_t)n >= cap || strlen(rpps) > 11)
		return VG_EINVAL;
	*len = (size_t)n;
	return 0;
}

int card_proof_parse(const char *s, size_t len, struct card_proof *out)
{
	const char *dot;
	int64_t t = 0;
	size_t digits, got = 0;
	const char *end = NULL;
	char again[100];

	memset(out, 0, sizeof(*out));
	if (len < 4 || len > CARD_PROOF_MAX || memcmp(s, "v1.", 3) != 0)
		return VG_EINVAL;
	dot = memchr(s + 3, '.', len - 3);
	if (!dot)
		return VG_EINVAL;
	digits = (size_t)(dot - (s + 3));
	if (digits == 0 || digits > 12 || (s[3] == '0' && digits > 1))
		return VG_EINVAL;
	for (size_t i = 0; i < digits; i++) {
		if (s[3 + i] < '0' || s[3 + i] > '9')
			return VG_EINVAL;
		t = t * 10 + (s[3 + i] - '0');
	}
	/* 64 bytes in unpadded base64url are 86 characters; only that spelling. */
	if ((size_t)(s + len - (dot + 1)) != 86 ||
	    sodium_base642bin(out->sig, sizeof(out->sig), dot + 1, 86, NULL, &got, &end,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    got != 64 || end != s + len) {
		memset(out, 0, sizeof(*out));
		return VG_EINVAL;
	}
	sodium_bin2base64(again, sizeof(again), out->sig, 64, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (memcmp(again, dot + 1, 86) != 0) {
		memset(out, 0, sizeof(*out));
		return VG_EINVAL;
	}
	out->t = t;
	return 0;
}

int card_proof_verify(const struct card_proof *p, const char *rpps, const char nir15[15],
                      const uint8_t pk[32], int64_t now)
{
	char m[96];
	size_t len;

	if (proof_message(rpps, nir15, p->t, m, sizeof(m), &len) != 0)
		return VG_EINVAL;
	if (crypto_sign_verify_detached(p->sig, (const uint8_t *)m, len, pk) != 0)
		return VG_ECRYPTO;
	if (p->t > now + CARD_PROOF_WINDOW || p->t < now - CARD_PROOF_WINDOW)
		return VG_EDENIED;
	return 0;
}

int card_proof_make(const uint8_t sk[64], const char *rpps, const char nir15[15], int64_t t,
                    char *buf, size_t cap)
{
	uint8_t sig[64];
	char m[96], b64[100];
	size_t len;
	int n;

	if (t < 0 || proof_message(rpps, nir15, t, m, sizeof(m), &len) != 0)
		return VG_EINVAL;
	crypto_sign_detached(sig, NULL, (const uint8_t *)m, len, sk);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	n = snprintf(buf, cap, "v1.%lld.%s", (long long)t, b64);
	return n < 0 || (size_t)n >= cap ? VG_ETOOBIG : 0;
}
