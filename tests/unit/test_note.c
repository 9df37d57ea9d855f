/*
 * Signed notes, checkpoints and tlog-proof receipts (crypto/note.h): the
 * C2SP signed-note test vector, round trips, and refusal of every malformed
 * or forged input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/merkle.h"
#include "crypto/note.h"

/* From c2sp.org/signed-note. */
static const char VEC_VKEY[] = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char VEC_NOTE[] =
	"This is an example message.\n"
	"\n"
	"\xe2\x80\x94 example.com/foo "
	"Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

static void spec_vector_verifies(void **state)
{
	struct note_verifier v;
	size_t tl = 0;

	(void)state;
	assert_int_equal(note_vkey_parse(VEC_VKEY, strlen(VEC_VKEY), &v), 0);
	assert_string_equal(v.name, "example.com/foo");
	assert_int_equal(v.id, 0x530d903a);
	assert_int_equal(note_key_id(v.name, v.pk), 0x530d903a);
	assert_int_equal(note_open(VEC_NOTE, strlen(VEC_NOTE), &v, 1, &tl), 0);
	assert_int_equal(tl, strlen("This is an example message.\n"));
	/* Every single-byte change of the text or the signature is refused. */
	for (size_t i = 0; i < strlen(VEC_NOTE); i++) {
		char m[sizeof(VEC_NOTE)];

		memcpy(m, VEC_NOTE, sizeof(VEC_NOTE));
		m[i] ^= 0x01;
		assert_int_not_equal(note_open(m, strlen(VEC_NOTE), &v, 1, &tl), 0);
	}
}

static void vkey_round_trip_and_refusals(void **state)
{
	uint8_t pk[32], sk[64];
	char buf[256];
	struct note_verifier v;
	char bad[256];

	(void)state;
	crypto_sign_keypair(pk, sk);
	assert_int_equal(note_vkey_format("log.example/a", pk, buf, sizeof(buf)), 0);
	assert_int_equal(note_vkey_parse(buf, strlen(buf), &v), 0);
	assert_memory_equal(v.pk, pk, 32);
	assert_int_equal(note_vkey_format("has space", pk, buf, sizeof(buf)), VG_EINVAL);
	assert_int_equal(note_vkey_format("has+plus", pk, buf, sizeof(buf)), VG_EINVAL);
	assert_int_equal(note_vkey_format("", pk, buf, sizeof(buf)), VG_EINVAL);
	assert_int_equal(note_vkey_format("log.example/a", pk, buf, 20), VG_ETOOBIG);
	/* Wrong id, upper-case hex, wrong type byte, short key, missing parts. */
	snprintf(bad, sizeof(bad), "%s", VEC_VKEY);
	bad[16] = '6';
	assert_int_equal(note_vkey_parse(bad, strlen(bad), &v), VG_EINVAL);
	snprintf(bad, sizeof(bad), "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
	assert_int_equal(note_vkey_parse(bad, strlen(bad), &v), VG_EINVAL);
	snprintf(bad, sizeof(bad), "example.com/foo+530d903a+AkyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
	assert_int_equal(note_vkey_parse(bad, strlen(bad), &v), VG_EINVAL);
	assert_int_equal(note_vkey_parse("example.com/foo", 15, &v), VG_EINVAL);
	assert_int_equal(note_vkey_parse("+530d903a+", 10, &v), VG_EINVAL);
}

static void sign_open_and_unknown_keys(void **state)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64];
	struct note_verifier v, v2;
	char vk[256], note[1024], two[2048];
	const char *text = "log.example/a\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	size_t n = 0, tl = 0;

	(void)state;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	assert_int_equal(note_vkey_format("log.example/a", pk, vk, sizeof(vk)), 0);
	assert_int_equal(note_vkey_parse(vk, strlen(vk), &v), 0);
	assert_int_equal(note_vkey_format("witness.example", pk2, vk, sizeof(vk)), 0);
	assert_int_equal(note_vkey_parse(vk, strlen(vk), &v2), 0);
	assert_int_equal(note_sign("log.example/a", sk, text, strlen(text), note, sizeof(note), &n), 0);
	assert_int_equal(note_open(note, n, &v, 1, &tl), 0);
	assert_int_equal(tl, strlen(text));
	/* Only the other key known: refused. Both known: fine. */
	assert_int_equal(note_open(note, n, &v2, 1, &tl), VG_ECRYPTO);
	struct note_verifier both[2] = { v2, v };
	assert_int_equal(note_open(note, n, both, 2, &tl), 0);
	/* A second signature line by an unknown key is ignored; by a known key it must verify. */
	memcpy(two, note, n);
	memcpy(two + n, "\xe2\x80\x94 other.example AAAA\n", 23);
	assert_int_equal(note_open(two, n + 23, &v, 1, &tl), 0);
	{
		/* A line under a known name and key id whose signature is wrong: the note is refused. */
		uint8_t forged[68] = { (uint8_t)(v2.id >> 24), (uint8_t)(v2.id >> 16),
		                       (uint8_t)(v2.id >> 8), (uint8_t)v2.id };
		char b64[100];

		sodium_bin2base64(b64, sizeof(b64), forged, sizeof(forged),
		                  sodium_base64_VARIANT_ORIGINAL);
		memcpy(two + n, "\xe2\x80\x94 witness.example ", 20);
		memcpy(two + n + 20, b64, 92);
		two[n + 112] = '\n';
		assert_int_equal(note_open(two, n + 113, both, 2, &tl), VG_ECRYPTO);
		/* The same line is ignored by a reader who does not know that key. */
		assert_int_equal(note_open(two, n + 113, &v, 1, &tl), 0);
	}
	/* Malformed texts are not signed. */
	assert_int_equal(note_sign("log.example/a", sk, "no newline", 10, note, sizeof(note), &n),
	                 VG_EINVAL);
	assert_int_equal(note_sign("log.example/a", sk, "a\n\nb\n", 5, note, sizeof(note), &n),
	                 VG_EINVAL);
	assert_int_equal(note_sign("log.example/a", sk, "tab\there\n", 10, note, sizeof(note), &n),
	                 VG_EINVAL);
	assert_int_equal(note_sign("log.example/a", sk, "", 0, note, sizeof(note), &n), VG_EINVAL);
	assert_int_equal(note_sign("log.example/a", sk, "x\n", 2, note, 10, &n), VG_ETOOBIG);
	/* Malformed notes are refused: no signatures, no blank line, no final newline, bad dash. */
	assert_int_equal(note_open("x\n\n", 3, &v, 1, &tl), VG_EINVAL);
	assert_int_equal(note_open("x\n", 2, &v, 1, &tl), VG_EINVAL);
	assert_int_equal(note_sign("log.example/a", sk, text, strlen(text), note, sizeof(note), &n), 0);
	assert_int_equal(note_open(note, n - 1, &v, 1, &tl), VG_EINVAL);
	note[strlen(text) + 1] = '-';
	assert_int_equal(note_open(note, n, &v, 1, &tl), VG_EINVAL);
}

static void checkpoint_round_trip_and_refusals(void **state)
{
	struct checkpoint c = { .origin = "log.example/a", .size = 70000 }, back;
	char buf[512];
	size_t n = 0;
	static const char *const BAD[] = {
		"log.example/a\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",   /* leading zero */
		"log.example/a\n9223372036854775808\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"log.example/a\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n",     /* 31 bytes */
		"log.example/a\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n",     /* non-canonical */
		"log.example/a\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",       /* no final newline */
		"log.example/a\n-5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",                  /* empty origin */
		"log.example/a\n5\n",
		"log.example/a\n\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	};

	(void)state;
	memset(c.root, 0xab, sizeof(c.root));
	assert_int_equal(checkpoint_format(&c, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, strlen(buf));
	assert_int_equal(checkpoint_parse(buf, n, &back), 0);
	assert_string_equal(back.origin, c.origin);
	assert_int_equal(back.size, 70000);
	assert_memory_equal(back.root, c.root, 32);
	/* Extension lines are allowed after the three. */
	assert_int_equal(checkpoint_parse("o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next\n", 49,
	                                  &back), 0);
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++)
		assert_int_equal(checkpoint_parse(BAD[i], strlen(BAD[i]), &back), VG_EINVAL);
	c.size = MERKLE_SIZE_MAX + 1;
	assert_int_equal(checkpoint_format(&c, buf, sizeof(buf), &n), VG_EINVAL);
}

/* Leaves i -> H(0x00 || i) for a small tree, as a hash provider. */
static uint8_t leaves[37][32];

static int leaf_get(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
	(void)ctx;
	return merkle_root(leaves[0] + (index << level) * 32, (uint64_t)1 << level, out);
}

static void receipt_round_trip_and_refusals(void **state)
{
	static struct merkle_proof proof, back;
	uint8_t pk[32], sk[64], root[32];
	struct note_verifier v;
	struct checkpoint c = { .origin = "log.example/a", .size = 37 }, cp;
	char vk[256], text[256], note[1024], rc[4096], bad[8192];
	size_t tl, nl, rl, cpl;
	uint64_t index;
	const char *cps;

	(void)state;
	for (uint8_t i = 0; i < 37; i++)
		merkle_leaf_hash(&i, 1, leaves[i]);
	assert_int_equal(merkle_root(leaves[0], 37, root), 0);
	memcpy(c.root, root, 32);
	crypto_sign_keypair(pk, sk);
	assert_int_equal(note_vkey_format("log.example/a", pk, vk, sizeof(vk)), 0);
	assert_int_equal(note_vkey_parse(vk, strlen(vk), &v), 0);
	assert_int_equal(checkpoint_format(&c, text, sizeof(text), &tl), 0);
	assert_int_equal(note_sign("log.example/a", sk, text, tl, note, sizeof(note) - 1, &nl), 0);
	note[nl] = '\0';
	assert_int_equal(merkle_prove_inclusion(leaf_get, NULL, 21, 37, &proof), 0);
	assert_int_equal(tlog_proof_format(21, &proof, note, nl, rc, sizeof(rc) - 1, &rl), 0);
	rc[rl] = '\0';
	assert_true(strncmp(rc, "c2sp.org/tlog-proof@v1\nindex 21\n", 32) == 0);
	/* The whole chain: parse, open the checkpoint, verify the inclusion. */
	assert_int_equal(tlog_proof_parse(rc, rl, &index, &back, &cps, &cpl), 0);
	assert_int_equal(index, 21);
	assert_int_equal(back.len, proof.len);
	assert_int_equal(note_open(cps, cpl, &v, 1, &tl), 0);
	assert_int_equal(checkpoint_parse(cps, tl, &cp), 0);
	assert_int_equal(merkle_verify_inclusion(leaves[21], index, cp.size, &back, cp.root), 0);
	assert_int_not_equal(merkle_verify_inclusion(leaves[20], index, cp.size, &back, cp.root), 0);
	/* An extra line is accepted; malformed receipts are not. */
	snprintf(bad, sizeof(bad), "c2sp.org/tlog-proof@v1\nextra YWJj\n%s", rc + 23);
	assert_int_equal(tlog_proof_parse(bad, strlen(bad), &index, &back, &cps, &cpl), 0);
	assert_int_equal(index, 21);
	snprintf(bad, sizeof(bad), "c2sp.org/tlog-proof@v2\n%s", rc + 23);
	assert_int_equal(tlog_proof_parse(bad, strlen(bad), &index, &back, &cps, &cpl), VG_EINVAL);
	snprintf(bad, sizeof(bad), "c2sp.org/tlog-proof@v1\nindex 021\n%s", rc + 32);
	assert_int_equal(tlog_proof_parse(bad, strlen(bad), &index, &back, &cps, &cpl), VG_EINVAL);
	snprintf(bad, sizeof(bad), "c2sp.org/tlog-proof@v1\nextra !!\n%s", rc + 23);
	assert_int_equal(tlog_proof_parse(bad, strlen(bad), &index, &back, &cps, &cpl), VG_EINVAL);
	/* No blank line before the checkpoint, or nothing after it. */
	memcpy(bad, rc, rl);
	assert_int_equal(tlog_proof_parse(bad, (size_t)(cps - rc), &index, &back, &cps, &cpl), VG_EINVAL);
	/* More hashes than any proof has. */
	{
		size_t off = (size_t)snprintf(bad, sizeof(bad), "c2sp.org/tlog-proof@v1\nindex 1\n");

		for (int i = 0; i < MERKLE_PROOF_MAX + 1; i++)
			off += (size_t)snprintf(bad + off, sizeof(bad) - off,
			                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
		off += (size_t)snprintf(bad + off, sizeof(bad) - off, "\n%s", note);
		assert_int_equal(tlog_proof_parse(bad, off, &index, &back, &cps, &cpl), VG_EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_vector_verifies),
		cmocka_unit_test(vkey_round_trip_and_refusals),
		cmocka_unit_test(sign_open_and_unknown_keys),
		cmocka_unit_test(checkpoint_round_trip_and_refusals),
		cmocka_unit_test(receipt_round_trip_and_refusals),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
