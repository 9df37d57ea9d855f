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
	uint8_t master[CARD_MASTER_LEN], pk[32], sk[64], sig[64];
	char hdr[CARD_PROOF_MAX], m[128], b64[100], mine[CARD_PROOF_MAX];
	struct card_proof p;
	int64_t t = 1763971200;

	(void)state;
	memset(master, 7, sizeof(master));
	card_keypair(master, NIR, pk, sk);
	/* Built here from DESIGN.md's words, not by card_proof_make. */
	snprintf(m, sizeof(m), "vigie-card-proof-v1\n%s\n%s\n%lld\n", RPPS, NIR, (long long)t);
	crypto_sign_detached(sig, NULL, (const uint8_t *)m, strlen(m), sk);
	sodium_bin2base64(b64, sizeof(b64), sig, 64, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(hdr, sizeof(hdr), "v1.%lld.%s", (long long)t, b64);
	assert_int_equal(card_proof_make(sk, RPPS, NIR, t, mine, sizeof(mine)), 0);
	assert_string_equal(mine, hdr);
	assert_int_equal(card_proof_parse(hdr, strlen(hdr), &p), 0);
	assert_int_equal(p.t, t);
	assert_int_equal(card_proof_verify(&p, RPPS, NIR, pk, t + 10), 0);
	assert_int_equal(card_proof_verify(&p, RPPS, NIR, pk, t - CARD_PROOF_WINDOW), 0);
	/* Too old or from the future, another professional, another NIR, another card. */
	assert_int_equal(card_proof_verify(&p, RPPS, NIR, pk, t + CARD_PROOF_WINDOW + 1), VG_EDENIED);
	assert_int_equal(card_proof_verify(&p, RPPS, NIR, pk, t - CARD_PROOF_WINDOW - 1), VG_EDENIED);
	assert_int_equal(card_proof_verify(&p, "10000000016", NIR, pk, t), VG_ECRYPTO);
	assert_int_equal(card_proof_verify(&p, RPPS, "285077510100187", pk, t), VG_ECRYPTO);
	memset(master, 8, sizeof(master));
	card_keypair(master, NIR, pk, NULL);
	assert_int_equal(card_proof_verify(&p, RPPS, NIR, pk, t), VG_ECRYPTO);
}

static void malformed_headers_are_refused(void **state)
{
	struct card_proof p;
	char ok[CARD_PROOF_MAX], bad[CARD_PROOF_MAX + 8];
	uint8_t sk[64], pk[32];
	static const char *const BAD[] = { "", "v1", "v1.", "v2.1.x", "v1.01.x", "v1.-5.x",
	                                   "v1.1763971200.", "v1.1763971200.abc",
	                                   "v1.1234567890123.AAAA" };

	(void)state;
	crypto_sign_keypair(pk, sk);
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++)
		assert_int_equal(card_proof_parse(BAD[i], strlen(BAD[i]), &p), VG_EINVAL);
	assert_int_equal(card_proof_make(sk, RPPS, NIR, 1763971200, ok, sizeof(ok)), 0);
	/* Padding, standard base64 characters, a trailing byte: one spelling only. */
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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proof_follows_the_contract),
		cmocka_unit_test(malformed_headers_are_refused),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
