/*
 * libFuzzer: signed notes, verifier keys and checkpoints on arbitrary bytes
 * (untrusted: what a client or `vigie journal` reads back). Properties:
 *  - note_open accepts only with a text that is a prefix of the note ending
 *    in "\n" and followed by the empty line's '\n'; on refusal *text_len is 0;
 *  - note_sign and note_open agree on what a text is: if the input signs,
 *    the note made opens, with exactly the input as its text;
 *  - an accepted checkpoint formats back to exactly the input's first three
 *    lines (one spelling only), and a refused one leaves *out zeroed;
 *  - an accepted verifier key has the ID of its name and key and formats
 *    back to the input (but for the hex case);
 *  - nothing crashes or reads outside the input (ASan).
 *
 * The corpus (fuzz/corpus/checkpoint) holds notes signed by the fixed key
 * below and by the spec's key, so mutations reach signature checks.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/note.h"

#define FUZZ_NAME "fuzz.example/log"
#define FUZZ_SEED 0x42 /* the signing key's seed: 32 bytes of this */

static const char SPEC_VKEY[] =
	"example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";

static struct note_verifier vs[2];
static uint8_t sk[64];
static char *signed_buf;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t seed[32], pk[32];
	char vk[NOTE_VKEY_MAX];

	(void)argc;
	(void)argv;
	memset(seed, FUZZ_SEED, sizeof(seed));
	signed_buf = malloc(NOTE_MAX + NOTE_SIGN_OVERHEAD);
	if (sodium_init() < 0 || !signed_buf)
		abort();
	crypto_sign_seed_keypair(pk, sk, seed);
	if (note_vkey_parse(SPEC_VKEY, strlen(SPEC_VKEY), &vs[0]) != 0 ||
	    note_vkey_format(FUZZ_NAME, pk, vk, sizeof(vk)) != 0 ||
	    note_vkey_parse(vk, strlen(vk), &vs[1]) != 0)
		abort();
	return 0;
}

static void check_vkey(const char *s, size_t size)
{
	struct note_verifier v;
	char back[NOTE_VKEY_MAX];

	if (note_vkey_parse(s, size, &v) != 0) {
		if (v.name[0] != 0 || v.id != 0)
			abort();
		return;
	}
	if (note_key_id(v.name, v.pk) != v.id || note_vkey_format(v.name, v.pk, back, sizeof(back)) != 0 ||
	    strlen(back) != size)
		abort();
	for (size_t i = 0; i < size; i++)
		if (tolower((unsigned char)back[i]) != tolower((unsigned char)s[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct checkpoint c;
	char back[CHECKPOINT_TEXT_MAX];
	size_t tl = 1, n = 1;
	int rc;

	rc = note_open(s, size, vs, 2, &tl);
	if (rc == 0 && (tl == 0 || tl >= size || s[tl - 1] != '\n' || s[tl] != '\n'))
		abort();
	if (rc != 0 && tl != 0)
		abort();

	if (note_sign(FUZZ_NAME, sk, s, size, signed_buf, NOTE_MAX + NOTE_SIGN_OVERHEAD, &n) == 0) {
		if (note_open(signed_buf, n, &vs[1], 1, &tl) != 0 || tl != size ||
		    memcmp(signed_buf, s, size) != 0)
			abort();
	} else if (n != 0) {
		abort();
	}

	if (checkpoint_parse(s, size, &c) == 0) {
		if (checkpoint_format(&c, back, sizeof(back), &n) != 0 || n > size ||
		    memcmp(back, s, n) != 0)
			abort();
	} else if (c.origin[0] != 0 || c.size != 0) {
		abort();
	}

	check_vkey(s, size);
	return 0;
}
