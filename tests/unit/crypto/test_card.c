/*
 * The card-presence proof (crypto/card.h): DESIGN.md's contract, made and
 * checked independently here with libsodium, the time window, and refusal
 * of every other professional, NIR, key or spelling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "crypto/card.h"

static const char NIR[] = "185077510100112";
static const char RPPS[] = "10000000008";

static void proof_follows_the_contract(void **state)
{
	uint8_t master[CARD_MASTER_LEN], pk[32], sk[64], sig[64], nonce[CARD_NONCE_LEN];
	char hdr[CARD_PROOF_MAX], m[160], b64[100], nb[32], mine[CARD_PROOF_MAX];
	struct card_proof p;
	int64_t t = 1763971200;

	(void)state;
	memset(master, 7, sizeof(master));
	for (size_t i = 0; i < sizeof(nonce); i++)
		nonce[i] = (uint8_t)(0xf0 + i);
	card_keypair(master, NIR, pk, sk);
	/* Built here from DESIGN.md's words, not by card_proof_make. */
	sodium_bin2base64(nb, sizeof(nb), nonce, sizeof(nonce), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_int_equal(strlen(nb), 22);
	snprintf(m, sizeof(m), "vigie-card-proof-v2\n%s\n%s\n%lld\n%s\n", RPPS, NIR, (long long)t, nb);
	crypto_sign_detached(sig, NULL, (const uint8_t *)m, strlen(m), sk);
	sodium_bin2base64(b64, sizeof(b64), sig, 64, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(hdr, sizeof(hdr), "v2.%lld.%s.%s", (long long)t, nb, b64);
	assert_int_equal(card_proof_make(sk, RPPS, NIR, t, nonce, mine, sizeof(mine)), 0);
	assert_string_equal(mine, hdr);
	assert_int_equal(card_proof_parse(hdr, strlen(hdr), &p), 0);
	assert_int_equal(p.t, t);
	assert_memory_equal(p.nonce, nonce, sizeof(nonce));
	assert_int_equal(card_proof_verify(&p, RPPS, NIR, pk, t + 10), 0);
	assert_int_equal(card_proof_verify(&p, RPPS, NIR, pk, t - CARD_PROOF_WINDOW), 0);
	/* Too old or from the future, another professional, another NIR, another card. */
	assert_int_equal(card_proof_verify(&p, RPPS, NIR, pk, t + CARD_PROOF_WINDOW + 1), VG_EDENIED);
	assert_int_equal(card_proof_verify(&p, RPPS, NIR, pk, t - CARD_PROOF_WINDOW - 1), VG_EDENIED);
	assert_int_equal(card_proof_verify(&p, "10000000016", NIR, pk, t), VG_ECRYPTO);
	assert_int_equal(card_proof_verify(&p, RPPS, "285077510100187", pk, t), VG_ECRYPTO);
	/* The nonce is signed: another one with the same signature does not verify. */
	p.nonce[0] ^= 1;
	assert_int_equal(card_proof_verify(&p, RPPS, NIR, pk, t), VG_ECRYPTO);
	p.nonce[0] ^= 1;
	memset(master, 8, sizeof(master));
	card_keypair(master, NIR, pk, NULL);
	assert_int_equal(card_proof_verify(&p, RPPS, NIR, pk, t), VG_ECRYPTO);
}

static void two_proofs_in_one_second_differ(void **state)
{
	uint8_t master[CARD_MASTER_LEN], pk[32], sk[64];
	char a[CARD_PROOF_MAX], b[CARD_PROOF_MAX];
	struct card_proof pa, pb;
	int64_t t = 1763971200;

	(void)state;
	memset(master, 9, sizeof(master));
	card_keypair(master, NIR, pk, sk);
	assert_int_equal(card_proof_make(sk, RPPS, NIR, t, NULL, a, sizeof(a)), 0);
	assert_int_equal(card_proof_make(sk, RPPS, NIR, t, NULL, b, sizeof(b)), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(card_proof_parse(a, strlen(a), &pa), 0);
	assert_int_equal(card_proof_parse(b, strlen(b), &pb), 0);
	assert_int_equal(card_proof_verify(&pa, RPPS, NIR, pk, t), 0);
	assert_int_equal(card_proof_verify(&pb, RPPS, NIR, pk, t), 0);
	assert_memory_not_equal(pa.sig, pb.sig, sizeof(pa.sig)); /* two ids for "accepted once" */
}

static void malformed_headers_are_refused(void **state)
{
	struct card_proof p;
	char ok[CARD_PROOF_MAX], bad[CARD_PROOF_MAX + 8], v1[CARD_PROOF_MAX];
	uint8_t sk[64], pk[32];
	static const char *const BAD[] = { "", "v2", "v2.", "v3.1.x.y", "v2.01.x.y", "v2.-5.x.y",
	                                   "v2.1763971200.", "v2.1763971200.abc",
	                                   "v2.1763971200.AAAAAAAAAAAAAAAAAAAAAA.",
	                                   "v2.1234567890123.AAAA.AAAA" };
	char *dot;

	(void)state;
	crypto_sign_keypair(pk, sk);
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++)
		assert_int_equal(card_proof_parse(BAD[i], strlen(BAD[i]), &p), VG_EINVAL);
	assert_int_equal(card_proof_make(sk, RPPS, NIR, 1763971200, NULL, ok, sizeof(ok)), 0);
	assert_int_equal(card_proof_parse(ok, strlen(ok), &p), 0);
	/* v1 (no nonce) is refused: "v1.<t>.<signature>". */
	dot = strrchr(ok, '.');
	snprintf(v1, sizeof(v1), "v1.1763971200%s", dot);
	assert_int_equal(card_proof_parse(v1, strlen(v1), &p), VG_EINVAL);
	/* Padding, standard base64 characters, a trailing byte, a missing one: one spelling only. */
	snprintf(bad, sizeof(bad), "%s=", ok);
	assert_int_equal(card_proof_parse(bad, strlen(bad), &p), VG_EINVAL);
	snprintf(bad, sizeof(bad), "%s", ok);
	for (char *c = bad + 14; *c; c++)
		if (*c == '-' || *c == '_') {
			*c = *c == '-' ? '+' : '/';
			assert_int_equal(card_proof_parse(bad, strlen(bad), &p), VG_EINVAL);
			break;
		}
	assert_int_equal(card_proof_parse(ok, strlen(ok) - 1, &p), VG_EINVAL);
	/* The nonce's last character with unused bits set: not the canonical spelling. */
	snprintf(bad, sizeof(bad), "%s", ok);
	dot = strchr(bad + 3, '.');
	dot[22] = 'B'; /* 000001: a canonical nonce ends in a character whose low 4 bits are 0 */
	assert_int_equal(card_proof_parse(bad, strlen(bad), &p), VG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proof_follows_the_contract),
		cmocka_unit_test(two_proofs_in_one_second_differ),
		cmocka_unit_test(malformed_headers_are_refused),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
