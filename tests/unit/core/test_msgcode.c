/*
 * Message codes (core/msgcode.h): 12 symbols of Crockford's base32 grouped
 * "XXXX-XXXX-XXXX", 60 random bits, read back leniently.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/msgcode.h"
#include "core/rng.h"

static const char CROCKFORD[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Parse exactly len bytes from a heap copy of their own size (ASan sees an over-read). */
static int parse_n(const char *s, size_t len, char out[MSGCODE_TEXT])
{
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, s, len);
	rc = msgcode_parse(copy, len, out);
	free(copy);
	return rc;
}

static int parse(const char *s, char out[MSGCODE_TEXT])
{
	return parse_n(s, strlen(s), out);
}

static void random8(struct rng *r, uint8_t b[MSGCODE_RANDOM])
{
	for (int i = 0; i < MSGCODE_RANDOM; i++)
		b[i] = (uint8_t)rng_below(r, 256);
}

/* The shape of a canonical code: 14 characters, dashes at 4 and 9, symbols elsewhere. */
static void assert_canonical(const char *c)
{
	assert_int_equal(strlen(c), MSGCODE_TEXT - 1);
	for (int i = 0; i < MSGCODE_TEXT - 1; i++) {
		if (i == 4 || i == 9)
			assert_int_equal(c[i], '-');
		else
			assert_non_null(memchr(CROCKFORD, c[i], 32));
	}
}

static void make_known_values(void **state)
{
	uint8_t b[MSGCODE_RANDOM] = { 0 };
	char c[MSGCODE_TEXT];

	(void)state;
	assert_int_equal(MSGCODE_TEXT, 15);
	assert_int_equal(MSGCODE_BITS, 60);
	msgcode_make(b, c);
	assert_string_equal(c, "0000-0000-0000");
	b[7] = 1;
	msgcode_make(b, c);
	assert_string_equal(c, "0000-0000-0001");
	b[7] = 31;
	msgcode_make(b, c);
	assert_string_equal(c, "0000-0000-000Z");
	b[7] = 32; /* the next symbol up */
	msgcode_make(b, c);
	assert_string_equal(c, "0000-0000-0010");
	memset(b, 0xff, sizeof(b));
	msgcode_make(b, c);
	assert_string_equal(c, "ZZZZ-ZZZZ-ZZZZ");
	/* Big-endian: the first byte's low nibble is the top of the code's 60 bits. */
	memset(b, 0, sizeof(b));
	b[0] = 0x08;
	msgcode_make(b, c);
	assert_string_equal(c, "G000-0000-0000"); /* 0x08 << 56 = 16 << 55: symbol 16 = 'G' */
	/* The top four bits of the 64 are not part of the code. */
	b[0] = 0xf8;
	msgcode_make(b, c);
	assert_string_equal(c, "G000-0000-0000");
}

/* Every one of the 60 low bits changes the code: none is lost. */
static void each_of_60_bits_counts(void **state)
{
	uint8_t b[MSGCODE_RANDOM];
	char base[MSGCODE_TEXT], c[MSGCODE_TEXT];
	struct rng r;

	(void)state;
	rng_init(&r, 60);
	for (int round = 0; round < 50; round++) {
		random8(&r, b);
		msgcode_make(b, base);
		for (int bit = 0; bit < MSGCODE_BITS; bit++) {
			b[7 - bit / 8] ^= (uint8_t)(1u << (bit % 8));
			msgcode_make(b, c);
			assert_string_not_equal(c, base);
			assert_canonical(c);
			b[7 - bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
	}
}

static int cmp_code(const void *a, const void *b)
{
	return memcmp(a, b, MSGCODE_TEXT);
}

/* Random inputs: canonical shape, no two alike, every symbol used in every position. */
static void random_codes_are_distinct_and_use_all_symbols(void **state)
{
	enum { N = 20000 };
	char(*codes)[MSGCODE_TEXT] = calloc(N, MSGCODE_TEXT);
	int seen[MSGCODE_TEXT][256] = { { 0 } };
	uint8_t b[MSGCODE_RANDOM];
	struct rng r;

	(void)state;
	assert_non_null(codes);
	rng_init(&r, 2026);
	for (int i = 0; i < N; i++) {
		random8(&r, b);
		msgcode_make(b, codes[i]);
		assert_canonical(codes[i]);
		for (int k = 0; k < MSGCODE_TEXT - 1; k++)
			seen[k][(unsigned char)codes[i][k]]++;
	}
	qsort(codes, N, MSGCODE_TEXT, cmp_code);
	for (int i = 1; i < N; i++)
		assert_int_not_equal(memcmp(codes[i - 1], codes[i], MSGCODE_TEXT), 0);
	for (int k = 0; k < MSGCODE_TEXT - 1; k++) {
		if (k == 4 || k == 9)
			continue;
		for (int s = 0; s < 32; s++)
			assert_true(seen[k][(unsigned char)CROCKFORD[s]] > 0);
		/* ... and nothing that is not a symbol: U, I, L, O and lower case never. */
		assert_int_equal(seen[k]['U'] + seen[k]['I'] + seen[k]['L'] + seen[k]['O'] +
		                         seen[k]['a'],
		                 0);
	}
	free(codes);
}

static void parse_is_lenient(void **state)
{
	char c[MSGCODE_TEXT];

	(void)state;
	assert_int_equal(parse("K7QM-3XPA-9FRT", c), 0);
	assert_string_equal(c, "K7QM-3XPA-9FRT");
	assert_int_equal(parse("k7qm-3xpa-9frt", c), 0); /* case */
	assert_string_equal(c, "K7QM-3XPA-9FRT");
	assert_int_equal(parse("K7QM3XPA9FRT", c), 0); /* no dashes */
	assert_string_equal(c, "K7QM-3XPA-9FRT");
	assert_int_equal(parse("K7 QM 3X PA 9F RT", c), 0); /* spaces anywhere */
	assert_string_equal(c, "K7QM-3XPA-9FRT");
	assert_int_equal(parse("  k7qm - 3xpa - 9frt  ", c), 0);
	assert_string_equal(c, "K7QM-3XPA-9FRT");
	assert_int_equal(parse("K7QM\t3XPA\t9FRT", c), 0);
	assert_string_equal(c, "K7QM-3XPA-9FRT");
	assert_int_equal(parse("K-7-Q-M-3-X-P-A-9-F-R-T", c), 0); /* dashes anywhere */
	assert_string_equal(c, "K7QM-3XPA-9FRT");
	assert_int_equal(parse("K7QM--3XPA--9FRT", c), 0);
	assert_string_equal(c, "K7QM-3XPA-9FRT");
	/* The letters people read as digits. */
	assert_int_equal(parse("OoOo-IiIi-LlLl", c), 0);
	assert_string_equal(c, "0000-1111-1111");
	assert_int_equal(parse("A0B1-C1DO-EIFL", c), 0);
	assert_string_equal(c, "A0B1-C1D0-E1F1");
	/* Out comes NUL-terminated even over a dirty buffer. */
	memset(c, 'x', sizeof(c));
	assert_int_equal(parse("zzzzzzzzzzzz", c), 0);
	assert_string_equal(c, "ZZZZ-ZZZZ-ZZZZ");
}

static void parse_refuses(void **state)
{
	char c[MSGCODE_TEXT];
	char big[256];

	(void)state;
	/* Wrong number of symbols. */
	assert_int_equal(parse("", c), VG_EINVAL);
	assert_int_equal(parse("---- ", c), VG_EINVAL);
	assert_int_equal(parse("K7QM-3XPA-9FR", c), VG_EINVAL);   /* 11 */
	assert_int_equal(parse("K7QM-3XPA-9FRTX", c), VG_EINVAL); /* 13 */
	assert_int_equal(parse("K7QM-3XPA-9FRT-K7QM", c), VG_EINVAL);
	/* Characters that are no symbol: U (left out by Crockford), punctuation, 8-bit. */
	assert_int_equal(parse("K7QM-3XPA-9FRU", c), VG_EINVAL);
	assert_int_equal(parse("u7QM-3XPA-9FRT", c), VG_EINVAL);
	assert_int_equal(parse("K7QM_3XPA_9FRT", c), VG_EINVAL);
	assert_int_equal(parse("K7QM.3XPA.9FRT", c), VG_EINVAL);
	assert_int_equal(parse("K7QM-3XPA-9FR*", c), VG_EINVAL);
	assert_int_equal(parse("K7QM-3XPA-9FR\xc3\xa9", c), VG_EINVAL);
	assert_int_equal(parse("K7QM-3XPA-9F\xef\xbc\xb2", c), VG_EINVAL); /* full-width R */
	assert_int_equal(parse("K7QM\n3XPA\n9FRT", c), VG_EINVAL);
	assert_int_equal(parse("K7QM-3XPA-9FRT\r", c), VG_EINVAL);
	/* A NUL inside the typed bytes is a character, not the end. */
	assert_int_equal(parse_n("K7QM-3XPA-9FRT\0", 15, c), VG_EINVAL);
	assert_int_equal(parse_n("K7QM\0-3XPA-9FRT", 15, c), VG_EINVAL);
	/* Over-long input: twelve good symbols drowned in padding are still refused. */
	memset(big, ' ', sizeof(big));
	memcpy(big + 100, "K7QM3XPA9FRT", 12);
	assert_int_equal(parse_n(big, sizeof(big), c), VG_EINVAL);
	memset(big, '-', sizeof(big));
	memcpy(big, "K7QM3XPA9FRT", 12);
	assert_int_equal(parse_n(big, sizeof(big), c), VG_EINVAL);
	/* A few spaces around are not "too long". */
	assert_int_equal(parse("   K7QM-3XPA-9FRT   ", c), 0);
}

/* parse(make(x)) is make(x), however the code is typed back. */
static void round_trip(void **state)
{
	uint8_t b[MSGCODE_RANDOM];
	char made[MSGCODE_TEXT], typed[64], back[MSGCODE_TEXT];
	struct rng r;

	(void)state;
	rng_init(&r, 7);
	for (int i = 0; i < 5000; i++) {
		size_t n = 0;

		random8(&r, b);
		msgcode_make(b, made);
		assert_int_equal(parse(made, back), 0);
		assert_string_equal(back, made);
		assert_int_equal(parse(back, typed), 0); /* idempotent */
		assert_string_equal(typed, made);
		/* Lower case, dashes dropped, a space every few symbols. */
		for (int k = 0; made[k]; k++) {
			char ch = made[k];

			if (ch == '-')
				continue;
			if (ch >= 'A' && ch <= 'Z' && (i & 1))
				ch = (char)(ch - 'A' + 'a');
			if (ch == '0' && (i & 2))
				ch = 'O';
			if (ch == '1' && (i & 4))
				ch = (i & 8) ? 'l' : 'I';
			typed[n++] = ch;
			if (k % 3 == 2)
				typed[n++] = ' ';
		}
		memset(back, 0, sizeof(back));
		assert_int_equal(parse_n(typed, n, back), 0);
		assert_string_equal(back, made);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(make_known_values),
		cmocka_unit_test(each_of_60_bits_counts),
		cmocka_unit_test(random_codes_are_distinct_and_use_all_symbols),
		cmocka_unit_test(parse_is_lenient),
		cmocka_unit_test(parse_refuses),
		cmocka_unit_test(round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
