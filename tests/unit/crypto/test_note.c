/*
 * Signed notes, checkpoints and tlog-proof receipts (crypto/note.h): the
 * C2SP signed-note test vector, every bit flip of a signed note, the spec's
 * rules on known and unknown keys, round trips, and refusal of every
 * malformed input we could think of, each for the reason given beside it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/merkle.h"
#include "crypto/note.h"

#define DASH "\xe2\x80\x94 "
#define ZERO_ROOT "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

/* From c2sp.org/signed-note, "Verifier keys: Example". */
static const char VEC_VKEY[] = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char VEC_TEXT[] = "This is an example message.\n";
static const char VEC_NOTE[] =
	"This is an example message.\n"
	"\n" DASH "example.com/foo "
	"Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

/* A deterministic key: seed = 32 times `tag`. */
struct key {
	uint8_t pk[32], sk[64];
	struct note_verifier v;
};

static void key_make(struct key *k, const char *name, uint8_t tag)
{
	uint8_t seed[32];
	char vk[NOTE_VKEY_MAX];

	memset(seed, tag, sizeof(seed));
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	assert_int_equal(note_vkey_format(name, k->pk, vk, sizeof(vk)), 0);
	assert_int_equal(note_vkey_parse(vk, strlen(vk), &k->v), 0);
}

/* Append "— <name> base64(id || sig)\n" to buf at *n. */
static void add_sig_line(char *buf, size_t cap, size_t *n, const char *name, uint32_t id,
                         const uint8_t *sig, size_t siglen)
{
	uint8_t raw[4 + 4096];
	char b64[sodium_base64_ENCODED_LEN(sizeof(raw), sodium_base64_VARIANT_ORIGINAL)];
	int w;

	assert_true(siglen <= 4096);
	raw[0] = (uint8_t)(id >> 24);
	raw[1] = (uint8_t)(id >> 16);
	raw[2] = (uint8_t)(id >> 8);
	raw[3] = (uint8_t)id;
	memcpy(raw + 4, sig, siglen);
	sodium_bin2base64(b64, sizeof(b64), raw, 4 + siglen, sodium_base64_VARIANT_ORIGINAL);
	w = snprintf(buf + *n, cap - *n, DASH "%s %s\n", name, b64);
	assert_true(w > 0 && (size_t)w < cap - *n);
	*n += (size_t)w;
}

/* Append k's real signature line over text. */
static void add_real_sig(char *buf, size_t cap, size_t *n, const struct key *k, const char *text,
                         size_t tl)
{
	uint8_t sig[64];

	crypto_sign_detached(sig, NULL, (const uint8_t *)text, tl, k->sk);
	add_sig_line(buf, cap, n, k->v.name, k->v.id, sig, sizeof(sig));
}

static int open_str(const char *msg, const struct note_verifier *v, size_t nv)
{
	size_t tl = 12345;
	int rc = note_open(msg, strlen(msg), v, nv, &tl);

	assert_true(rc == 0 ? tl > 0 && msg[tl - 1] == '\n' && msg[tl] == '\n' : tl == 0);
	return rc;
}

/* ---- the spec's vector -------------------------------------------------- */

static void spec_vector(void **state)
{
	struct note_verifier v;
	char back[NOTE_VKEY_MAX];
	size_t tl = 0;

	(void)state;
	assert_int_equal(note_vkey_parse(VEC_VKEY, strlen(VEC_VKEY), &v), 0);
	assert_string_equal(v.name, "example.com/foo");
	assert_int_equal(v.id, 0x530d903a);
	assert_int_equal(note_key_id(v.name, v.pk), 0x530d903a);
	assert_int_equal(note_vkey_format(v.name, v.pk, back, sizeof(back)), 0);
	assert_string_equal(back, VEC_VKEY);
	assert_int_equal(note_open(VEC_NOTE, strlen(VEC_NOTE), &v, 1, &tl), 0);
	assert_int_equal(tl, strlen(VEC_TEXT));
	assert_memory_equal(VEC_NOTE, VEC_TEXT, tl);
}

/* Every single-bit change, truncation or extension of the vector is refused. */
static void spec_vector_tampered(void **state)
{
	struct note_verifier v;
	size_t len = strlen(VEC_NOTE), tl;
	char m[sizeof(VEC_NOTE) + 1];

	(void)state;
	assert_int_equal(note_vkey_parse(VEC_VKEY, strlen(VEC_VKEY), &v), 0);
	for (size_t i = 0; i < len; i++)
		for (int b = 0; b < 8; b++) {
			int rc;

			memcpy(m, VEC_NOTE, sizeof(VEC_NOTE));
			m[i] = (char)(m[i] ^ (1 << b));
			rc = note_open(m, len, &v, 1, &tl);
			if (rc != VG_EINVAL && rc != VG_ECRYPTO)
				fail_msg("flip of bit %d of byte %zu gave %d", b, i, rc);
			assert_int_equal(tl, 0);
		}
	for (size_t n = 0; n < len; n++)
		assert_int_not_equal(note_open(VEC_NOTE, n, &v, 1, &tl), 0);
	memcpy(m, VEC_NOTE, len);
	m[len] = '\n';
	assert_int_equal(note_open(m, len + 1, &v, 1, &tl), VG_EINVAL); /* empty line at the end */
}

/* ---- verifier keys ------------------------------------------------------ */

static void vkey_round_trip_and_refusals(void **state)
{
	struct key k;
	struct note_verifier v;
	char buf[NOTE_VKEY_MAX], bad[512], name[NOTE_NAME_MAX + 2];
	static const char *const BAD[] = {
		"example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", /* wrong id */
		"example.com/fo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  /* other name */
		"example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", /* type 0x02 */
		"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2l", /* trailing bits */
		"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2",  /* short */
		"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2kAAAA",
		"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k\n",
		" example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
		"example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  /* 7 hex */
		"example.com/foo+0530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
		"example.com/foo+530d903g+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
		"example.com/foo+530d903a",
		"example.com/foo+530d903a+",
		"example.com/foo",
		"+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
		"",
	};

	(void)state;
	key_make(&k, "log.example/a", 1);
	assert_string_equal(k.v.name, "log.example/a");
	assert_memory_equal(k.v.pk, k.pk, 32);
	assert_int_equal(k.v.id, note_key_id("log.example/a", k.pk));
	/* The spec gives no case for the hex ID; Go reads both, so do we. */
	assert_int_equal(note_vkey_parse("example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
	                                 strlen(VEC_VKEY), &v), 0);
	assert_int_equal(v.id, 0x530d903a);
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		memset(&v, 0x55, sizeof(v));
		if (note_vkey_parse(BAD[i], strlen(BAD[i]), &v) != VG_EINVAL)
			fail_msg("accepted bad vkey %zu: %s", i, BAD[i]);
		assert_int_equal(v.id, 0);
		assert_int_equal(v.name[0], 0);
	}
	/* Names: no Unicode space, no '+', no control character, at most NOTE_NAME_MAX bytes. */
	assert_int_equal(note_vkey_format("has space", k.pk, buf, sizeof(buf)), VG_EINVAL);
	assert_int_equal(note_vkey_format("has+plus", k.pk, buf, sizeof(buf)), VG_EINVAL);
	assert_int_equal(note_vkey_format("nb\xc2\xa0sp", k.pk, buf, sizeof(buf)), VG_EINVAL);
	assert_int_equal(note_vkey_format("em\xe2\x80\x83sp", k.pk, buf, sizeof(buf)), VG_EINVAL);
	assert_int_equal(note_vkey_format("ideo\xe3\x80\x80sp", k.pk, buf, sizeof(buf)), VG_EINVAL);
	assert_int_equal(note_vkey_format("tab\there", k.pk, buf, sizeof(buf)), VG_EINVAL);
	assert_int_equal(note_vkey_format("bell\x07", k.pk, buf, sizeof(buf)), VG_EINVAL);
	assert_int_equal(note_vkey_format("bad\xff", k.pk, buf, sizeof(buf)), VG_EINVAL);
	assert_int_equal(note_vkey_format("", k.pk, buf, sizeof(buf)), VG_EINVAL);
	/* Not spaces: a zero-width space and an em dash are fine in a name. */
	assert_int_equal(note_vkey_format("zw\xe2\x80\x8bsp", k.pk, buf, sizeof(buf)), 0);
	assert_int_equal(note_vkey_parse(buf, strlen(buf), &v), 0);
	assert_string_equal(v.name, "zw\xe2\x80\x8bsp");
	memset(name, 'n', NOTE_NAME_MAX);
	name[NOTE_NAME_MAX] = '\0';
	assert_int_equal(note_vkey_format(name, k.pk, buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), NOTE_VKEY_MAX - 1);
	assert_int_equal(note_vkey_parse(buf, strlen(buf), &v), 0);
	assert_int_equal(strlen(v.name), NOTE_NAME_MAX);
	name[NOTE_NAME_MAX] = 'n';
	name[NOTE_NAME_MAX + 1] = '\0';
	assert_int_equal(note_vkey_format(name, k.pk, buf, sizeof(buf)), VG_EINVAL);
	/* A longer name is refused by the parser too, even with the right id. */
	snprintf(bad, sizeof(bad), "%s+%08x+", name, note_key_id(name, k.pk));
	{
		uint8_t raw[33] = { NOTE_SIG_ED25519 };
		size_t off = strlen(bad);

		memcpy(raw + 1, k.pk, 32);
		sodium_bin2base64(bad + off, sizeof(bad) - off, raw, sizeof(raw),
		                  sodium_base64_VARIANT_ORIGINAL);
	}
	assert_int_equal(note_vkey_parse(bad, strlen(bad), &v), VG_EINVAL);
	/* Too small a buffer: VG_ETOOBIG and an empty string; one byte more is enough. */
	assert_int_equal(note_vkey_format("log.example/a", k.pk, buf, sizeof(buf)), 0);
	{
		size_t need = strlen(buf) + 1;

		assert_int_equal(note_vkey_format("log.example/a", k.pk, buf, need - 1), VG_ETOOBIG);
		assert_string_equal(buf, "");
		assert_int_equal(note_vkey_format("log.example/a", k.pk, buf, need), 0);
	}
}

/* ---- signing and opening ------------------------------------------------ */

static void sign_open_round_trip(void **state)
{
	struct key k;
	char note[1024];
	size_t n, tl;
	static const char *const GOOD[] = {
		"log.example/a\n5\n" ZERO_ROOT "\n",
		"one line\n",
		"a\n\nb\n",                 /* the spec: a text MAY contain empty lines */
		"\nstarts empty\n",
		"ends empty\n\n",
		"\n",                       /* a single empty line is a text ending in newline */
		"caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x93\x9c\n", /* UTF-8 */
		"del \x7f is not below U+0020\n",
		"next line \xc2\x85 is a C1 control, not ASCII\n",
	};
	static const char *const BAD[] = {
		"no newline",
		"tab\there\n",
		"cr\r\n",
		"esc\x1b\n",
		"bad \xff\n",
		"overlong \xc0\xaf\n",
		"overlong \xe0\x80\xaf\n",
		"surrogate \xed\xa0\x80\n",
		"too high \xf4\x90\x80\x80\n",
		"cut \xe2\x80\n",
		"lone continuation \x80\n",
	};

	(void)state;
	key_make(&k, "log.example/a", 1);
	for (size_t i = 0; i < sizeof(GOOD) / sizeof(GOOD[0]); i++) {
		size_t len = strlen(GOOD[i]);

		assert_int_equal(note_sign("log.example/a", k.sk, GOOD[i], len, note, sizeof(note), &n), 0);
		assert_int_equal(n, len + 1 + 4 + strlen("log.example/a") + 1 + 92 + 1);
		assert_memory_equal(note, GOOD[i], len);
		assert_memory_equal(note + len, "\n" DASH "log.example/a ", 19);
		tl = 0;
		if (note_open(note, n, &k.v, 1, &tl) != 0)
			fail_msg("own note %zu does not open", i);
		assert_int_equal(tl, len);
	}
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		n = 7;
		if (note_sign("log.example/a", k.sk, BAD[i], strlen(BAD[i]), note, sizeof(note), &n) !=
		    VG_EINVAL)
			fail_msg("signed bad text %zu", i);
		assert_int_equal(n, 0);
	}
	/* An embedded NUL is a control character. */
	assert_int_equal(note_sign("log.example/a", k.sk, "a\0b\n", 4, note, sizeof(note), &n),
	                 VG_EINVAL);
	assert_int_equal(note_sign("log.example/a", k.sk, "", 0, note, sizeof(note), &n), VG_EINVAL);
	assert_int_equal(note_sign("bad name", k.sk, "x\n", 2, note, sizeof(note), &n), VG_EINVAL);
	/* Exactly enough room, and one byte less. */
	assert_int_equal(note_sign("log.example/a", k.sk, "x\n", 2, note, 2 + 112, &n), 0);
	assert_int_equal(n, 2 + 112);
	assert_int_equal(note_sign("log.example/a", k.sk, "x\n", 2, note, 2 + 111, &n), VG_ETOOBIG);
	assert_int_equal(n, 0);
	/* A note over NOTE_MAX is neither made nor opened. */
	{
		size_t big = NOTE_MAX;
		char *t = malloc(big + NOTE_SIGN_OVERHEAD), *o = malloc(big + NOTE_SIGN_OVERHEAD);

		assert_non_null(t);
		assert_non_null(o);
		memset(t, 'x', big);
		t[big - 1] = '\n';
		assert_int_equal(note_sign("log.example/a", k.sk, t, big, o, big + NOTE_SIGN_OVERHEAD,
		                           &n), VG_ETOOBIG);
		big = NOTE_MAX - 112;
		t[big - 1] = '\n';
		assert_int_equal(note_sign("log.example/a", k.sk, t, big, o, big + NOTE_SIGN_OVERHEAD,
		                           &n), 0);
		assert_int_equal(n, NOTE_MAX);
		assert_int_equal(note_open(o, n, &k.v, 1, &tl), 0);
		assert_int_equal(tl, big);
		o[n] = '\n';
		assert_int_equal(note_open(o, n + 1, &k.v, 1, &tl), VG_ETOOBIG);
		free(t);
		free(o);
	}
}

/* A note by key a, then a line by an unknown key: flips there are the unknown key's business. */
static void bit_flips_with_unknown_line(void **state)
{
	struct key a, other;
	const char *text = "log.example/a\n37\n" ZERO_ROOT "\n";
	char note[1024], m[1024];
	size_t n = 0, ours, tl;
	unsigned still_ok = 0, malformed = 0;

	(void)state;
	key_make(&a, "log.example/a", 1);
	key_make(&other, "witness.example/w", 2);
	assert_int_equal(note_sign("log.example/a", a.sk, text, strlen(text), note, sizeof(note), &n), 0);
	ours = n;
	add_real_sig(note, sizeof(note), &n, &other, text, strlen(text));
	assert_int_equal(note_open(note, n, &a.v, 1, &tl), 0);
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 8; b++) {
			int rc;

			memcpy(m, note, n);
			m[i] = (char)(m[i] ^ (1 << b));
			rc = note_open(m, n, &a.v, 1, &tl);
			if (i < ours - 1) {
				/* Text, empty line or our signature line (its '\n' aside). */
				if (rc != VG_EINVAL && rc != VG_ECRYPTO)
					fail_msg("flip of bit %d of byte %zu gave %d", b, i, rc);
			} else if (rc == 0) {
				still_ok++; /* the unknown line changed but is still well formed */
				assert_int_equal(tl, strlen(text));
			} else if (rc == VG_EINVAL) {
				malformed++; /* the unknown line no longer parses: the note is malformed */
			} else {
				fail_msg("flip of bit %d of byte %zu (unknown line) gave %d", b, i, rc);
			}
		}
	assert_true(still_ok > 100);
	assert_true(malformed > 100);
	/*
	 * Knowing the other key too, any flip of its signature proper is refused.
	 * A flip of its name or key ID makes it the line of some unknown key,
	 * which the spec says to ignore: the note then stands on a's signature.
	 */
	{
		struct note_verifier both[2] = { a.v, other.v };
		size_t b64 = ours + 4 + strlen(other.v.name) + 1;

		assert_int_equal(note_open(note, n, both, 2, &tl), 0);
		for (size_t i = b64 + 6; i < n - 1; i++) { /* characters 0-5 carry the key ID */
			memcpy(m, note, n);
			m[i] = (char)(m[i] ^ 0x01);
			if (note_open(m, n, both, 2, &tl) == 0)
				fail_msg("flip of byte %zu accepted with both keys known", i);
		}
		memcpy(m, note, n);
		m[ours + 4] = (char)(m[ours + 4] ^ 0x01); /* "witness..." -> "vitness..." */
		assert_int_equal(note_open(m, n, both, 2, &tl), 0);
		assert_int_equal(note_open(m, n, &other.v, 1, &tl), VG_ECRYPTO);
	}
}

static void known_and_unknown_keys(void **state)
{
	struct key a, b, c;
	const char *text = "log.example/a\n5\n" ZERO_ROOT "\n";
	size_t tl_text = strlen(text), n, base;
	char note[16384];
	uint8_t junk[64], big[2420];

	(void)state;
	key_make(&a, "log.example/a", 1);
	key_make(&b, "witness.example/b", 2);
	key_make(&c, "log.example/a", 3); /* same name as a, another key and ID */
	memset(junk, 0x5a, sizeof(junk));
	memset(big, 0x33, sizeof(big));
	assert_int_not_equal(a.v.id, c.v.id);
	assert_int_equal(note_sign("log.example/a", a.sk, text, tl_text, note, sizeof(note), &base), 0);
	note[base] = '\0';

	/* Only a known key counts, and at least one must have signed. */
	assert_int_equal(open_str(note, &a.v, 1), 0);
	assert_int_equal(open_str(note, &b.v, 1), VG_ECRYPTO);
	assert_int_equal(open_str(note, &c.v, 1), VG_ECRYPTO);
	assert_int_equal(open_str(note, NULL, 0), VG_ECRYPTO);
	{
		struct note_verifier ba[2] = { b.v, a.v };

		assert_int_equal(open_str(note, ba, 2), 0);
	}
	/* Same name as a known key but another ID: another key, ignored. */
	n = base;
	add_sig_line(note, sizeof(note), &n, "log.example/a", a.v.id ^ 1, junk, sizeof(junk));
	assert_int_equal(open_str(note, &a.v, 1), 0);
	/* Same ID but another name: ignored too. */
	n = base;
	add_sig_line(note, sizeof(note), &n, "log.example/b", a.v.id, junk, sizeof(junk));
	assert_int_equal(open_str(note, &a.v, 1), 0);
	/* Both name and ID of a known key: it must verify, and a bad one rejects the note. */
	n = base;
	add_sig_line(note, sizeof(note), &n, "log.example/a", a.v.id, junk, sizeof(junk));
	assert_int_equal(open_str(note, &a.v, 1), VG_ECRYPTO);
	n = base;
	add_sig_line(note, sizeof(note), &n, "log.example/a", a.v.id, junk, 10); /* wrong length */
	assert_int_equal(open_str(note, &a.v, 1), VG_ECRYPTO);
	n = base;
	add_sig_line(note, sizeof(note), &n, "log.example/a", a.v.id, junk, 1); /* 5 bytes */
	assert_int_equal(open_str(note, &a.v, 1), VG_ECRYPTO);
	/* ... and it is the line, not its place, that counts: a bad line first. */
	n = 0;
	memcpy(note, text, tl_text);
	n = tl_text;
	note[n++] = '\n';
	add_sig_line(note, sizeof(note), &n, "log.example/a", a.v.id, junk, sizeof(junk));
	add_real_sig(note, sizeof(note), &n, &a, text, tl_text);
	assert_int_equal(open_str(note, &a.v, 1), VG_ECRYPTO);
	/* A valid signature by a known key over another text is a bad signature. */
	n = tl_text + 1;
	add_real_sig(note, sizeof(note), &n, &a, text, tl_text);
	add_real_sig(note, sizeof(note), &n, &b, "other\n", 6);
	{
		struct note_verifier ab[2] = { a.v, b.v };

		assert_int_equal(open_str(note, &a.v, 1), 0);
		assert_int_equal(open_str(note, ab, 2), VG_ECRYPTO);
	}
	/* Cosigned: either key alone, or both, verifies. */
	n = tl_text + 1;
	add_real_sig(note, sizeof(note), &n, &a, text, tl_text);
	add_real_sig(note, sizeof(note), &n, &b, text, tl_text);
	add_real_sig(note, sizeof(note), &n, &a, text, tl_text); /* a duplicate is verified again */
	{
		struct note_verifier ab[2] = { a.v, b.v };

		assert_int_equal(open_str(note, &a.v, 1), 0);
		assert_int_equal(open_str(note, &b.v, 1), 0);
		assert_int_equal(open_str(note, ab, 2), 0);
	}
	/* Unknown keys may be of other types: a post-quantum-sized signature, a long name. */
	n = tl_text + 1;
	add_sig_line(note, sizeof(note), &n, "pq.example/w", 0x01020304, big, sizeof(big));
	add_real_sig(note, sizeof(note), &n, &a, text, tl_text);
	{
		char name[300];

		memset(name, 'w', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		add_sig_line(note, sizeof(note), &n, name, 0x01020304, junk, sizeof(junk));
	}
	assert_int_equal(open_str(note, &a.v, 1), 0);
}

/* The spec's limit on signature lines (Go's x/mod: 100) and on size. */
static void signature_count_bound(void **state)
{
	struct key a;
	const char *text = "t\n";
	static char note[NOTE_SIGS_MAX * 128 + 1024];
	uint8_t junk[64];
	size_t n, tl;

	(void)state;
	key_make(&a, "log.example/a", 1);
	memset(junk, 7, sizeof(junk));
	memcpy(note, text, 2);
	note[2] = '\n';
	n = 3;
	add_real_sig(note, sizeof(note), &n, &a, text, 2);
	for (int i = 1; i < NOTE_SIGS_MAX; i++)
		add_sig_line(note, sizeof(note), &n, "w.example", (uint32_t)i, junk, sizeof(junk));
	assert_int_equal(note_open(note, n, &a.v, 1, &tl), 0);
	add_sig_line(note, sizeof(note), &n, "w.example", 0, junk, sizeof(junk));
	assert_int_equal(note_open(note, n, &a.v, 1, &tl), VG_ETOOBIG);
	assert_int_equal(tl, 0);
}

static void open_refuses_malformed(void **state)
{
	struct key a;
	const char *text = "log.example/a\n5\n" ZERO_ROOT "\n";
	char good[512], m[1024], sigb64[100];
	size_t gl = 0, tl = strlen(text);
	const char *line;
	/* Each case: pre || text || mid || the first siglen characters of the good base64 || post. */
	struct {
		const char *what, *pre, *mid;
		size_t siglen;
		const char *post;
	} const BAD[] = {
		{ "no empty line", "", DASH "log.example/a ", 92, "\n" },
		{ "no signature", "", "\n", 0, "" },
		{ "no final newline", "", "\n" DASH "log.example/a ", 92, "" },
		{ "hyphen for em dash", "", "\n- log.example/a ", 92, "\n" },
		{ "en dash", "", "\n\xe2\x80\x93 log.example/a ", 92, "\n" },
		{ "no space after dash", "", "\n\xe2\x80\x94log.example/a ", 92, "\n" },
		{ "two spaces after dash", "", "\n" DASH " log.example/a ", 92, "\n" },
		{ "two spaces before sig", "", "\n" DASH "log.example/a  ", 92, "\n" },
		{ "tab before sig", "", "\n" DASH "log.example/a\t", 92, "\n" },
		{ "no sig", "", "\n" DASH "log.example/a", 0, "\n" },
		{ "empty sig", "", "\n" DASH "log.example/a ", 0, "\n" },
		{ "empty name", "", "\n" DASH " ", 92, "\n" },
		{ "trailing space", "", "\n" DASH "log.example/a ", 92, " \n" },
		{ "CRLF", "", "\n" DASH "log.example/a ", 92, "\r\n" },
		{ "plus in name", "", "\n" DASH "log.example+a ", 92, "\n" },
		{ "NBSP in name", "", "\n" DASH "log\xc2\xa0" "a ", 92, "\n" },
		{ "bad UTF-8 in name", "", "\n" DASH "log\xff ", 92, "\n" },
		{ "text line after sigs", "", "\n" DASH "log.example/a ", 92, "\nmore\n" },
		{ "control in text", "\x01", "\n" DASH "log.example/a ", 92, "\n" },
		{ "bad UTF-8 in text", "\xc3", "\n" DASH "log.example/a ", 92, "\n" },
		{ "sig too short", "", "\n" DASH "log.example/a ", 4, "\n" },
		{ "sig unpadded", "", "\n" DASH "log.example/a ", 91, "\n" },
	};

	(void)state;
	key_make(&a, "log.example/a", 1);
	assert_int_equal(note_sign("log.example/a", a.sk, text, tl, good, sizeof(good), &gl), 0);
	good[gl] = '\0';
	line = good + tl + 1 + 4 + strlen("log.example/a") + 1;
	memcpy(sigb64, line, 92);
	sigb64[92] = '\0';
	assert_int_equal(open_str(good, &a.v, 1), 0);
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		int rc;

		snprintf(m, sizeof(m), "%s%s%s%.*s%s", BAD[i].pre, text, BAD[i].mid, (int)BAD[i].siglen,
		         sigb64, BAD[i].post);
		rc = open_str(m, &a.v, 1);
		if (rc != VG_EINVAL)
			fail_msg("%s: %d, want VG_EINVAL", BAD[i].what, rc);
	}
	/* An unknown line must be well formed too: base64 of at least 4 + 1 bytes, canonical. */
	{
		static const char *const UNK[] = {
			"AAAAAA==",      /* 4 bytes: a key ID and no signature */
			"AAAAAAB=",      /* non-zero trailing bits */
			"AAAAAAAAAAB=",  /* the same, after the key ID's group */
			"AAAAAAAAAB==",
			"AAAAAAA",       /* unpadded */
			"AAAA AAA=",     /* inner space */
			"AAAAAAA==",     /* too much padding */
			"AAAAAA=A",      /* padding inside */
			"AAAAAAA-",      /* URL alphabet */
		};

		for (size_t i = 0; i < sizeof(UNK) / sizeof(UNK[0]); i++) {
			snprintf(m, sizeof(m), "%s" DASH "w.example %s\n", good, UNK[i]);
			if (open_str(m, &a.v, 1) != VG_EINVAL)
				fail_msg("unknown line %s accepted", UNK[i]);
		}
		snprintf(m, sizeof(m), "%s" DASH "w.example AAAAAAA=\n", good); /* 5 bytes: fine */
		assert_int_equal(open_str(m, &a.v, 1), 0);
	}
	/* An empty line among the signatures moves the text's end: the signature no longer fits. */
	snprintf(m, sizeof(m), "%s\n" DASH "w.example AAAAAAA=\n", good);
	assert_int_equal(open_str(m, &a.v, 1), VG_ECRYPTO);
	/* Nothing but the separator. */
	assert_int_equal(open_str("\n\n", &a.v, 1), VG_EINVAL);
	assert_int_equal(open_str("x\n\n", &a.v, 1), VG_EINVAL);
	assert_int_equal(note_open("", 0, &a.v, 1, &tl), VG_EINVAL);
}

/* ---- checkpoints -------------------------------------------------------- */

static void checkpoint_round_trip(void **state)
{
	struct checkpoint c = { .origin = "log.example/a", .size = 70000 }, back;
	char buf[CHECKPOINT_TEXT_MAX];
	size_t n = 0;
	static const uint64_t SIZES[] = { 0, 1, 9, 10, 70000, MERKLE_SIZE_MAX };

	(void)state;
	memset(c.root, 0xab, sizeof(c.root));
	assert_int_equal(checkpoint_format(&c, buf, sizeof(buf), &n), 0);
	assert_string_equal(buf, "log.example/a\n70000\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n");
	assert_int_equal(n, strlen(buf));
	for (size_t i = 0; i < sizeof(SIZES) / sizeof(SIZES[0]); i++) {
		c.size = SIZES[i];
		c.root[0] = (uint8_t)i;
		assert_int_equal(checkpoint_format(&c, buf, sizeof(buf), &n), 0);
		memset(&back, 0x55, sizeof(back));
		assert_int_equal(checkpoint_parse(buf, n, &back), 0);
		assert_string_equal(back.origin, c.origin);
		assert_int_equal(back.size, SIZES[i]);
		assert_memory_equal(back.root, c.root, 32);
	}
	/* The longest text fits CHECKPOINT_TEXT_MAX exactly. */
	memset(c.origin, 'o', NOTE_NAME_MAX);
	c.origin[NOTE_NAME_MAX] = '\0';
	c.size = MERKLE_SIZE_MAX;
	assert_int_equal(checkpoint_format(&c, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, CHECKPOINT_TEXT_MAX - 1);
	assert_int_equal(checkpoint_parse(buf, n, &back), 0);
	assert_int_equal(strlen(back.origin), NOTE_NAME_MAX);
	assert_int_equal(checkpoint_format(&c, buf, sizeof(buf) - 1, &n), VG_ETOOBIG);
	assert_int_equal(n, 0);
	assert_string_equal(buf, "");
	/* Clients must not assume the origin looks like a URL: spaces and '+' parse and format back. */
	snprintf(c.origin, sizeof(c.origin), "My Log + friends");
	c.size = 3;
	assert_int_equal(checkpoint_format(&c, buf, sizeof(buf), &n), 0);
	assert_int_equal(checkpoint_parse(buf, n, &back), 0);
	assert_string_equal(back.origin, "My Log + friends");
	/* Extension lines are allowed and ignored. */
	{
		static const char EXT[] = "o\n0\n" ZERO_ROOT "\next\nmore ext\n";

		assert_int_equal(checkpoint_parse(EXT, strlen(EXT), &back), 0);
	}
	assert_string_equal(back.origin, "o");
	assert_int_equal(back.size, 0);
	/* Format refuses what parse would. */
	c.origin[0] = '\0';
	assert_int_equal(checkpoint_format(&c, buf, sizeof(buf), &n), VG_EINVAL);
	snprintf(c.origin, sizeof(c.origin), "two\nlines");
	assert_int_equal(checkpoint_format(&c, buf, sizeof(buf), &n), VG_EINVAL);
	snprintf(c.origin, sizeof(c.origin), "tab\t");
	assert_int_equal(checkpoint_format(&c, buf, sizeof(buf), &n), VG_EINVAL);
	memset(c.origin, 'o', sizeof(c.origin)); /* not NUL-terminated: too long */
	assert_int_equal(checkpoint_format(&c, buf, sizeof(buf), &n), VG_EINVAL);
	snprintf(c.origin, sizeof(c.origin), "o");
	c.size = MERKLE_SIZE_MAX + 1;
	assert_int_equal(checkpoint_format(&c, buf, sizeof(buf), &n), VG_EINVAL);
}

static void checkpoint_refusals(void **state)
{
	struct checkpoint back;
	char longer[512];
	static const char *const BAD[] = {
		"o\n01\n" ZERO_ROOT "\n",                     /* leading zero */
		"o\n00\n" ZERO_ROOT "\n",
		"o\n9223372036854775808\n" ZERO_ROOT "\n",    /* 2^63 > MERKLE_SIZE_MAX */
		"o\n18446744073709551616\n" ZERO_ROOT "\n",   /* 2^64 */
		"o\n99999999999999999999\n" ZERO_ROOT "\n",   /* 20 digits */
		"o\n-5\n" ZERO_ROOT "\n",
		"o\n+5\n" ZERO_ROOT "\n",
		"o\n 5\n" ZERO_ROOT "\n",
		"o\n5 \n" ZERO_ROOT "\n",
		"o\n0x5\n" ZERO_ROOT "\n",
		"o\n\n" ZERO_ROOT "\n",                       /* empty size */
		"o\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n",  /* 31 bytes */
		"o\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", /* 34 bytes */
		"o\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n",  /* trailing bits */
		"o\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",   /* unpadded */
		"o\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-=\n",  /* URL alphabet */
		"o\n5\n" ZERO_ROOT " \n",
		"o\n5\n" ZERO_ROOT "\r\n",
		"o\n5\n" ZERO_ROOT,                           /* no final newline */
		"o\n5\n",                                     /* two lines */
		"o\n",
		"",
		"\n5\n" ZERO_ROOT "\n",                       /* empty origin */
		"o\n5\n" ZERO_ROOT "\n\n",                    /* empty extension line */
		"o\n5\n" ZERO_ROOT "\n\next\n",
		"o\n5\n\n" ZERO_ROOT "\n",
		"o\x01\n5\n" ZERO_ROOT "\n",                  /* control character */
		"o\xff\n5\n" ZERO_ROOT "\n",                  /* not UTF-8 */
		"o\n5\n" ZERO_ROOT "\next\xc3\n",             /* not UTF-8 in an extension */
	};

	(void)state;
	assert_int_equal(checkpoint_parse("o\n9223372036854775807\n" ZERO_ROOT "\n", 67, &back), 0);
	assert_int_equal(back.size, MERKLE_SIZE_MAX);
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		memset(&back, 0x55, sizeof(back));
		if (checkpoint_parse(BAD[i], strlen(BAD[i]), &back) != VG_EINVAL)
			fail_msg("accepted bad checkpoint %zu", i);
		assert_int_equal(back.size, 0);
		assert_int_equal(back.origin[0], 0);
	}
	/* An origin longer than NOTE_NAME_MAX does not fit. */
	memset(longer, 'o', NOTE_NAME_MAX + 1);
	snprintf(longer + NOTE_NAME_MAX + 1, sizeof(longer) - NOTE_NAME_MAX - 1, "\n5\n" ZERO_ROOT "\n");
	assert_int_equal(checkpoint_parse(longer, strlen(longer), &back), VG_EINVAL);
	assert_int_equal(checkpoint_parse(longer + 1, strlen(longer) - 1, &back), 0);
}

/* ---- receipts ----------------------------------------------------------- */

#define TREE 37

struct tree {
	uint8_t leaves[TREE][32];
};

static int tree_get(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
	struct tree *t = ctx;

	return merkle_root(t->leaves[0] + (index << level) * 32, (uint64_t)1 << level, out);
}

struct signed_tree {
	struct tree t;
	struct key k;
	char note[512];
	size_t nl;
};

static void signed_tree_make(struct signed_tree *st, uint64_t size)
{
	struct checkpoint c = { .origin = "log.example/a", .size = size };
	char text[CHECKPOINT_TEXT_MAX];
	size_t tl;

	for (uint8_t i = 0; i < TREE; i++)
		merkle_leaf_hash(&i, 1, st->t.leaves[i]);
	assert_int_equal(merkle_root(st->t.leaves[0], size, c.root), 0);
	key_make(&st->k, "log.example/a", 9);
	assert_int_equal(checkpoint_format(&c, text, sizeof(text), &tl), 0);
	assert_int_equal(note_sign("log.example/a", st->k.sk, text, tl, st->note,
	                           sizeof(st->note) - 1, &st->nl), 0);
	st->note[st->nl] = '\0';
}

/* A receipt's whole check, as a client does it. */
static int check_receipt(const char *r, size_t rl, const struct note_verifier *v,
                         const uint8_t leaf[32], uint64_t *index)
{
	static struct merkle_proof proof;
	struct checkpoint c;
	const char *cp;
	size_t cpl, tl;
	int rc;

	if ((rc = tlog_proof_parse(r, rl, index, &proof, &cp, &cpl)) != 0)
		return rc;
	assert_true(cp > r && cp + cpl == r + rl);
	if ((rc = note_open(cp, cpl, v, 1, &tl)) != 0 || (rc = checkpoint_parse(cp, tl, &c)) != 0)
		return rc;
	if (strcmp(c.origin, v->name) != 0)
		return VG_EINVAL;
	return merkle_verify_inclusion(leaf, *index, c.size, &proof, c.root);
}

static void receipt_round_trip_and_chain(void **state)
{
	static struct merkle_proof proof, back;
	static struct signed_tree st;
	static char rc_buf[8192], bad[16384];
	size_t rl, cpl;
	uint64_t index;
	const char *cp;

	(void)state;
	signed_tree_make(&st, TREE);
	for (uint64_t i = 0; i < TREE; i++) {
		assert_int_equal(merkle_prove_inclusion(tree_get, &st.t, i, TREE, &proof), 0);
		assert_int_equal(tlog_proof_format(i, &proof, st.note, st.nl, rc_buf, sizeof(rc_buf), &rl), 0);
		assert_int_equal(check_receipt(rc_buf, rl, &st.k.v, st.t.leaves[i], &index), 0);
		assert_int_equal(index, i);
		/* Another leaf, or another index, is not proven. */
		assert_int_not_equal(check_receipt(rc_buf, rl, &st.k.v, st.t.leaves[(i + 1) % TREE], &index), 0);
	}
	/* The exact bytes for one index. */
	assert_int_equal(merkle_prove_inclusion(tree_get, &st.t, 21, TREE, &proof), 0);
	assert_int_equal(tlog_proof_format(21, &proof, st.note, st.nl, rc_buf, sizeof(rc_buf) - 1, &rl), 0);
	rc_buf[rl] = '\0';
	{
		char want[8192];
		size_t off = (size_t)snprintf(want, sizeof(want), "c2sp.org/tlog-proof@v1\nindex 21\n");

		for (size_t h = 0; h < proof.len; h++) {
			sodium_bin2base64(want + off, sizeof(want) - off, proof.hash[h], 32,
			                  sodium_base64_VARIANT_ORIGINAL);
			off += 44;
			want[off++] = '\n';
		}
		snprintf(want + off, sizeof(want) - off, "\n%s", st.note);
		assert_string_equal(rc_buf, want);
	}
	assert_int_equal(tlog_proof_parse(rc_buf, rl, &index, &back, &cp, &cpl), 0);
	assert_int_equal(back.len, proof.len);
	assert_memory_equal(back.hash, proof.hash, proof.len * 32);
	assert_int_equal(cpl, st.nl);
	assert_memory_equal(cp, st.note, st.nl);
	/* A changed proof hash parses, and fails the inclusion check. */
	memcpy(bad, rc_buf, rl);
	bad[32] = bad[32] == 'A' ? 'B' : 'A';
	assert_int_equal(check_receipt(bad, rl, &st.k.v, st.t.leaves[21], &index), VG_ECRYPTO);
	/* Another index with the same proof fails too. */
	snprintf(bad, sizeof(bad), "c2sp.org/tlog-proof@v1\nindex 20\n%s", rc_buf + 32);
	assert_int_not_equal(check_receipt(bad, strlen(bad), &st.k.v, st.t.leaves[21], &index), 0);
	/* An extra line is accepted (and ignored). */
	snprintf(bad, sizeof(bad), "c2sp.org/tlog-proof@v1\nextra YWJj\n%s", rc_buf + 23);
	assert_int_equal(check_receipt(bad, strlen(bad), &st.k.v, st.t.leaves[21], &index), 0);
	assert_int_equal(index, 21);
	/* A one-leaf tree: no proof lines at all. */
	signed_tree_make(&st, 1);
	proof.len = 0;
	assert_int_equal(tlog_proof_format(0, &proof, st.note, st.nl, rc_buf, sizeof(rc_buf), &rl), 0);
	assert_memory_equal(rc_buf, "c2sp.org/tlog-proof@v1\nindex 0\n\n", 32);
	assert_int_equal(check_receipt(rc_buf, rl, &st.k.v, st.t.leaves[0], &index), 0);
}

static void receipt_refusals(void **state)
{
	static struct merkle_proof proof, back;
	static struct signed_tree st;
	static char r[8192], bad[16384];
	size_t rl, cpl, off;
	uint64_t index;
	const char *cp;
	const char *body;  /* r after its index line */
	struct {
		const char *what, *head;
	} const BAD[] = {
		{ "v2", "c2sp.org/tlog-proof@v2\nindex 21\n" },
		{ "no header", "index 21\n" },
		{ "header with space", "c2sp.org/tlog-proof@v1 \nindex 21\n" },
		{ "CRLF header", "c2sp.org/tlog-proof@v1\r\nindex 21\n" },
		{ "upper-case header", "C2SP.org/tlog-proof@v1\nindex 21\n" },
		{ "leading zero", "c2sp.org/tlog-proof@v1\nindex 021\n" },
		{ "negative", "c2sp.org/tlog-proof@v1\nindex -1\n" },
		{ "plus", "c2sp.org/tlog-proof@v1\nindex +21\n" },
		{ "two spaces", "c2sp.org/tlog-proof@v1\nindex  21\n" },
		{ "no number", "c2sp.org/tlog-proof@v1\nindex \n" },
		{ "no space", "c2sp.org/tlog-proof@v1\nindex21\n" },
		{ "2^63", "c2sp.org/tlog-proof@v1\nindex 9223372036854775808\n" },
		{ "trailing space", "c2sp.org/tlog-proof@v1\nindex 21 \n" },
		{ "no index", "c2sp.org/tlog-proof@v1\n" },
		{ "empty extra", "c2sp.org/tlog-proof@v1\nextra \nindex 21\n" },
		{ "extra not base64", "c2sp.org/tlog-proof@v1\nextra !!!!\nindex 21\n" },
		{ "extra unpadded", "c2sp.org/tlog-proof@v1\nextra YWJjZA\nindex 21\n" },
		{ "extra trailing bits", "c2sp.org/tlog-proof@v1\nextra YWJjZB==\nindex 21\n" },
		{ "extra trailing bit", "c2sp.org/tlog-proof@v1\nextra YWJjZGF=\nindex 21\n" },
		{ "extra after index", "c2sp.org/tlog-proof@v1\nindex 21\nextra YWJj\n" },
		{ "two extras", "c2sp.org/tlog-proof@v1\nextra YWJj\nextra YWJj\nindex 21\n" },
	};

	(void)state;
	signed_tree_make(&st, TREE);
	assert_int_equal(merkle_prove_inclusion(tree_get, &st.t, 21, TREE, &proof), 0);
	assert_int_equal(tlog_proof_format(21, &proof, st.note, st.nl, r, sizeof(r) - 1, &rl), 0);
	r[rl] = '\0';
	body = r + 32;
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		int rc;

		snprintf(bad, sizeof(bad), "%s%s", BAD[i].head, body);
		index = 99;
		back.len = 99;
		rc = tlog_proof_parse(bad, strlen(bad), &index, &back, &cp, &cpl);
		if (rc != VG_EINVAL)
			fail_msg("%s: %d, want VG_EINVAL", BAD[i].what, rc);
		assert_int_equal(index, 0);
		assert_int_equal(back.len, 0);
		assert_null(cp);
		assert_int_equal(cpl, 0);
	}
	/* Hash lines: each exactly a canonical 32-byte hash. */
	{
		static const char *const HL[] = {
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",      /* 31 bytes */
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  /* 34 bytes */
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=",      /* trailing bits */
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",       /* unpadded */
			" AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		};

		for (size_t i = 0; i < sizeof(HL) / sizeof(HL[0]); i++) {
			snprintf(bad, sizeof(bad), "c2sp.org/tlog-proof@v1\nindex 21\n%s\n%s", HL[i], body);
			if (tlog_proof_parse(bad, strlen(bad), &index, &back, &cp, &cpl) != VG_EINVAL)
				fail_msg("accepted hash line %s", HL[i]);
		}
	}
	/* No empty line before the checkpoint: the checkpoint's lines are not hashes. */
	off = (size_t)snprintf(bad, sizeof(bad), "c2sp.org/tlog-proof@v1\nindex 21\n");
	for (size_t h = 0; h < proof.len; h++) {
		sodium_bin2base64(bad + off, sizeof(bad) - off, proof.hash[h], 32,
		                  sodium_base64_VARIANT_ORIGINAL);
		off += 44;
		bad[off++] = '\n';
	}
	memcpy(bad + off, st.note, st.nl);
	assert_int_equal(tlog_proof_parse(bad, off + st.nl, &index, &back, &cp, &cpl), VG_EINVAL);
	/* The empty line but nothing after it, or no end to the proof at all. */
	bad[off] = '\n';
	assert_int_equal(tlog_proof_parse(bad, off + 1, &index, &back, &cp, &cpl), VG_EINVAL);
	assert_int_equal(tlog_proof_parse(bad, off, &index, &back, &cp, &cpl), VG_EINVAL);
	assert_int_equal(tlog_proof_parse(bad, off - 1, &index, &back, &cp, &cpl), VG_EINVAL);
	/* At most MERKLE_PROOF_MAX hashes. */
	off = (size_t)snprintf(bad, sizeof(bad), "c2sp.org/tlog-proof@v1\nindex 1\n");
	for (int i = 0; i < MERKLE_PROOF_MAX; i++)
		off += (size_t)snprintf(bad + off, sizeof(bad) - off, ZERO_ROOT "\n");
	snprintf(bad + off, sizeof(bad) - off, "\n%s", st.note);
	assert_int_equal(tlog_proof_parse(bad, strlen(bad), &index, &back, &cp, &cpl), 0);
	assert_int_equal(back.len, MERKLE_PROOF_MAX);
	snprintf(bad + off, sizeof(bad) - off, ZERO_ROOT "\n\n%s", st.note);
	assert_int_equal(tlog_proof_parse(bad, strlen(bad), &index, &back, &cp, &cpl), VG_ETOOBIG);
	assert_int_equal(back.len, 0);
	/* Over TLOG_PROOF_MAX is refused before it is read. */
	assert_int_equal(tlog_proof_parse(r, (size_t)TLOG_PROOF_MAX + 1, &index, &back, &cp, &cpl),
	                 VG_ETOOBIG);
	/* Format refuses what parse would. */
	back = proof;
	back.len = MERKLE_PROOF_MAX + 1;
	assert_int_equal(tlog_proof_format(1, &back, st.note, st.nl, bad, sizeof(bad), &rl), VG_EINVAL);
	assert_int_equal(rl, 0);
	assert_int_equal(tlog_proof_format(MERKLE_SIZE_MAX + 1, &proof, st.note, st.nl, bad,
	                                   sizeof(bad), &rl), VG_EINVAL);
	assert_int_equal(tlog_proof_format(1, &proof, st.note, 0, bad, sizeof(bad), &rl), VG_EINVAL);
	assert_int_equal(tlog_proof_format(21, &proof, st.note, st.nl, bad, strlen(r) - 1, &rl),
	                 VG_ETOOBIG);
	assert_int_equal(rl, 0);
	assert_int_equal(tlog_proof_format(21, &proof, st.note, st.nl, bad, strlen(r), &rl), 0);
	assert_int_equal(rl, strlen(r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_vector),
		cmocka_unit_test(spec_vector_tampered),
		cmocka_unit_test(vkey_round_trip_and_refusals),
		cmocka_unit_test(sign_open_round_trip),
		cmocka_unit_test(bit_flips_with_unknown_line),
		cmocka_unit_test(known_and_unknown_keys),
		cmocka_unit_test(signature_count_bound),
		cmocka_unit_test(open_refuses_malformed),
		cmocka_unit_test(checkpoint_round_trip),
		cmocka_unit_test(checkpoint_refusals),
		cmocka_unit_test(receipt_round_trip_and_chain),
		cmocka_unit_test(receipt_refusals),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
