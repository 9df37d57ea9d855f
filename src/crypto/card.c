/*
 * card.c - see card.h. The seed is a keyed BLAKE2b-256 of the NIR, so cards.key
 * alone lets the simulator act as any patient's card, and the server (which
 * stores public keys only) cannot.
 */
#include "crypto/card.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include "core/banned.h"

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

#define NONCE_B64 22 /* 16 bytes in unpadded base64url */
#define SIG_B64   86 /* 64 bytes */

/* The signed message: "vigie-card-proof-v2\n<rpps>\n<nir>\n<t>\n<base64url(nonce)>\n". */
static int proof_message(const char *rpps, const char nir15[15], int64_t t,
                         const uint8_t nonce[CARD_NONCE_LEN], char *m, size_t cap, size_t *len)
{
	char nb[NONCE_B64 + 1];
	int n;

	if (strlen(rpps) > 11)
		return VG_EINVAL;
	sodium_bin2base64(nb, sizeof(nb), nonce, CARD_NONCE_LEN,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	n = snprintf(m, cap, "vigie-card-proof-v2\n%s\n%.15s\n%lld\n%s\n", rpps, nir15,
	             (long long)t, nb);
	if (n < 0 || (size_t)n >= cap)
		return VG_EINVAL;
	*len = (size_t)n;
	return 0;
}

/* Exactly `chars` characters of canonical unpadded base64url at s into out (n bytes). */
static int b64_exact(const char *s, size_t chars, uint8_t *out, size_t n)
{
	char again[SIG_B64 + 1];
	size_t got = 0;
	const char *end = NULL;

	if (sodium_base642bin(out, n, s, chars, NULL, &got, &end,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    got != n || end != s + chars)
		return VG_EINVAL;
	/* The last character may carry unused bits: only the one spelling that has them zero. */
	sodium_bin2base64(again, sizeof(again), out, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return memcmp(again, s, chars) == 0 ? 0 : VG_EINVAL;
}

int card_proof_parse(const char *s, size_t len, struct card_proof *out)
{
	const char *dot, *p, *end = s + len;
	int64_t t = 0;
	size_t digits;

	memset(out, 0, sizeof(*out));
	if (len < 4 || len > CARD_PROOF_MAX || memcmp(s, "v2.", 3) != 0)
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
	p = dot + 1;
	if (end - p != NONCE_B64 + 1 + SIG_B64 || p[NONCE_B64] != '.' ||
	    b64_exact(p, NONCE_B64, out->nonce, CARD_NONCE_LEN) != 0 ||
	    b64_exact(p + NONCE_B64 + 1, SIG_B64, out->sig, sizeof(out->sig)) != 0) {
		memset(out, 0, sizeof(*out));
		return VG_EINVAL;
	}
	out->t = t;
	return 0;
}

int card_proof_verify(const struct card_proof *p, const char *rpps, const char nir15[15],
                      const uint8_t pk[32], int64_t now)
{
	char m[128];
	size_t len;

	if (proof_message(rpps, nir15, p->t, p->nonce, m, sizeof(m), &len) != 0)
		return VG_EINVAL;
	if (crypto_sign_verify_detached(p->sig, (const uint8_t *)m, len, pk) != 0)
		return VG_ECRYPTO;
	if (p->t > now + CARD_PROOF_WINDOW || p->t < now - CARD_PROOF_WINDOW)
		return VG_EDENIED;
	return 0;
}

int card_proof_make(const uint8_t sk[64], const char *rpps, const char nir15[15], int64_t t,
                    const uint8_t *nonce, char *buf, size_t cap)
{
	uint8_t sig[64], fresh[CARD_NONCE_LEN];
	char m[128], nb[NONCE_B64 + 1], sb[SIG_B64 + 1];
	size_t len;
	int n;

	if (!nonce) {
		randombytes_buf(fresh, sizeof(fresh));
		nonce = fresh;
	}
	if (t < 0 || proof_message(rpps, nir15, t, nonce, m, sizeof(m), &len) != 0)
		return VG_EINVAL;
	crypto_sign_detached(sig, NULL, (const uint8_t *)m, len, sk);
	sodium_bin2base64(nb, sizeof(nb), nonce, CARD_NONCE_LEN,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_bin2base64(sb, sizeof(sb), sig, sizeof(sig),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	n = snprintf(buf, cap, "v2.%lld.%s.%s", (long long)t, nb, sb);
	return n < 0 || (size_t)n >= cap ? VG_ETOOBIG : 0;
}
