/* Packed personal-data groups: round trips, a pinned format, and hostile bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/record.h"
#include "core/rng.h"

/* Fill a char array with n-1 printable characters and its NUL. */
#define FILL(field, ch) do { \
		memset((field), (ch), sizeof(field) - 1); \
		(field)[sizeof(field) - 1] = '\0'; \
	} while (0)

static void full_ident(struct insured_ident *r)
{
	memset(r, 0, sizeof(*r));
	FILL(r->nir, '1');
	FILL(r->family, 'F');
	FILL(r->given, 'g');
	FILL(r->birth_date, '9');
	r->sex = 'F';
	FILL(r->birth_place, '7');
	r->rank = 255;
}

static void full_contact(struct insured_contact *r)
{
	memset(r, 0, sizeof(*r));
	FILL(r->line, 'l');
	FILL(r->postal, '7');
	FILL(r->city, 'c');
	FILL(r->email, 'e');
	FILL(r->phone, '+');
	FILL(r->iban, 'I');
}

static void full_rights(struct insured_rights *r)
{
	memset(r, 0, sizeof(*r));
	FILL(r->dept, '2');
	FILL(r->start, 's');
	FILL(r->end, 'e');
	r->active = 1;
	r->c2s = C2S_CONTRIB;
	FILL(r->c2s_end, 'c');
	r->ame = 0;
	FILL(r->ame_end, 'a');
	r->ald = 1;
	FILL(r->ald_end, 'd');
	FILL(r->gp_rpps, '8');
	FILL(r->gp_name, 'D');
}

static void round_trips_full_groups(void **state)
{
	uint8_t buf[RECORD_PACK_MAX];
	struct insured_ident i1, i2;
	struct insured_contact c1, c2;
	struct insured_rights r1, r2;
	int n;

	(void)state;
	full_ident(&i1);
	n = record_pack_ident(&i1, buf, sizeof(buf));
	assert_true(n > 0 && n <= RECORD_PACK_MAX);
	assert_int_equal(record_unpack_ident(buf, (size_t)n, &i2), 0);
	assert_memory_equal(&i1, &i2, sizeof(i1));

	full_contact(&c1);
	n = record_pack_contact(&c1, buf, sizeof(buf));
	assert_true(n > 0 && n <= RECORD_PACK_MAX);
	assert_int_equal(record_unpack_contact(buf, (size_t)n, &c2), 0);
	assert_memory_equal(&c1, &c2, sizeof(c1));

	full_rights(&r1);
	n = record_pack_rights(&r1, buf, sizeof(buf));
	assert_true(n > 0 && n <= RECORD_PACK_MAX);
	assert_int_equal(record_unpack_rights(buf, (size_t)n, &r2), 0);
	assert_memory_equal(&r1, &r2, sizeof(r1));
}

static void round_trips_empty_groups(void **state)
{
	uint8_t buf[RECORD_PACK_MAX];
	struct insured_ident i1, i2;
	struct insured_contact c1, c2;
	struct insured_rights r1, r2;
	int n;

	(void)state;
	memset(&i1, 0, sizeof(i1));
	memset(&c1, 0, sizeof(c1));
	memset(&r1, 0, sizeof(r1));
	memset(&i2, 0x33, sizeof(i2));
	memset(&c2, 0x33, sizeof(c2));
	memset(&r2, 0x33, sizeof(r2));
	n = record_pack_ident(&i1, buf, sizeof(buf));
	assert_int_equal(n, 1 + 7 + 1); /* version, 7 lengths, rank's byte */
	assert_int_equal(record_unpack_ident(buf, (size_t)n, &i2), 0);
	assert_memory_equal(&i1, &i2, sizeof(i1));
	n = record_pack_contact(&c1, buf, sizeof(buf));
	assert_int_equal(n, 1 + 6);
	assert_int_equal(record_unpack_contact(buf, (size_t)n, &c2), 0);
	assert_memory_equal(&c1, &c2, sizeof(c1));
	n = record_pack_rights(&r1, buf, sizeof(buf));
	assert_int_equal(n, 1 + 13 + 5); /* version, 13 lengths, 5 uint8 bytes */
	assert_int_equal(record_unpack_rights(buf, (size_t)n, &r2), 0);
	assert_memory_equal(&r1, &r2, sizeof(r1));
}

/* The stored format, byte for byte: changing it needs a new version byte. */
static void pinned_format(void **state)
{
	static const uint8_t want_ident[] =
		"\x01"
		"\x0f" "255081416802538"
		"\x06" "DUPONT"
		"\x0a" "Marie Anne"
		"\x0a" "1955-08-14"
		"\x01" "F"
		"\x05" "14168"
		"\x01" "\x02";
	static const uint8_t want_rights[] =
		"\x02"
		"\x02" "75"
		"\x0a" "2020-01-01"
		"\x00"
		"\x01" "\x01"
		"\x01" "\x01"
		"\x0a" "2025-12-31"
		"\x01" "\x00"
		"\x00"
		"\x01" "\x00"
		"\x00"
		"\x0b" "10000000009"
		"\x10" "Dr Jeanne MARTIN"
		"\x01" "\x00";
	struct insured_ident id = {
		.nir = "255081416802538", .family = "DUPONT", .given = "Marie Anne",
		.birth_date = "1955-08-14", .sex = 'F', .birth_place = "14168", .rank = 2,
	};
	struct insured_rights rt = {
		.dept = "75", .start = "2020-01-01", .active = 1, .c2s = C2S_FREE,
		.c2s_end = "2025-12-31", .gp_rpps = "10000000009", .gp_name = "Dr Jeanne MARTIN",
	};
	uint8_t buf[RECORD_PACK_MAX];
	int n;

	(void)state;
	n = record_pack_ident(&id, buf, sizeof(buf));
	assert_int_equal(n, sizeof(want_ident) - 1);
	assert_memory_equal(buf, want_ident, sizeof(want_ident) - 1);
	n = record_pack_rights(&rt, buf, sizeof(buf));
	assert_int_equal(n, sizeof(want_rights) - 1);
	assert_memory_equal(buf, want_rights, sizeof(want_rights) - 1);
}

typedef int (*unpack_fn)(const uint8_t *, size_t, void *);

static int unpack_ident(const uint8_t *in, size_t len, void *r)
{
	return record_unpack_ident(in, len, r);
}

static int unpack_contact(const uint8_t *in, size_t len, void *r)
{
	return record_unpack_contact(in, len, r);
}

static int unpack_rights(const uint8_t *in, size_t len, void *r)
{
	return record_unpack_rights(in, len, r);
}

/* Every strict prefix and any extra byte is refused, and leaves r zeroed. */
static void check_cuts(const uint8_t *blob, size_t n, unpack_fn unpack, void *r, size_t rsize)
{
	uint8_t more[RECORD_PACK_MAX + 1];
	uint8_t zero[512];

	assert_true(rsize <= sizeof(zero));
	memset(zero, 0, sizeof(zero));
	for (size_t cut = 0; cut < n; cut++) {
		memset(r, 0x5a, rsize);
		assert_int_equal(unpack(blob, cut, r), VG_ECORRUPT);
		assert_memory_equal(r, zero, rsize);
	}
	memcpy(more, blob, n);
	more[n] = 0;
	assert_int_equal(unpack(more, n + 1, r), VG_ECORRUPT);
	more[n] = 'x';
	assert_int_equal(unpack(more, n + 1, r), VG_ECORRUPT);
	/* Any other version byte (rights are at 2, the other groups at 1). */
	for (uint8_t v = 0; v < 4; v++) {
		if (v == blob[0])
			continue;
		more[0] = v;
		assert_int_equal(unpack(more, n, r), VG_ECORRUPT);
	}
	assert_int_equal(unpack(blob, n, r), 0);
}

static void truncations_and_trailing_bytes_fail(void **state)
{
	uint8_t buf[RECORD_PACK_MAX];
	struct insured_ident id;
	struct insured_contact ct;
	struct insured_rights rt;
	int n;

	(void)state;
	full_ident(&id);
	n = record_pack_ident(&id, buf, sizeof(buf));
	assert_true(n > 0);
	check_cuts(buf, (size_t)n, unpack_ident, &id, sizeof(id));
	memset(&id, 0, sizeof(id));
	n = record_pack_ident(&id, buf, sizeof(buf));
	assert_true(n > 0);
	check_cuts(buf, (size_t)n, unpack_ident, &id, sizeof(id));

	full_contact(&ct);
	n = record_pack_contact(&ct, buf, sizeof(buf));
	assert_true(n > 0);
	check_cuts(buf, (size_t)n, unpack_contact, &ct, sizeof(ct));

	full_rights(&rt);
	n = record_pack_rights(&rt, buf, sizeof(buf));
	assert_true(n > 0);
	check_cuts(buf, (size_t)n, unpack_rights, &rt, sizeof(rt));
}

/* Append one field (length byte and bytes) to a hand-built blob. */
static void put(uint8_t *buf, size_t *pos, const void *v, size_t n)
{
	buf[(*pos)++] = (uint8_t)n;
	memcpy(buf + *pos, v, n);
	*pos += n;
}

/* An ident blob whose nir field is the n bytes at nir and whose sex field is sex/sexlen. */
static size_t ident_blob(uint8_t *buf, const void *nir, size_t n, const void *sex,
                         size_t sexlen, const void *rank, size_t ranklen)
{
	size_t pos = 0;

	buf[pos++] = 1;
	put(buf, &pos, nir, n);
	put(buf, &pos, "DUPONT", 6);
	put(buf, &pos, "Marie", 5);
	put(buf, &pos, "1955-08-14", 10);
	put(buf, &pos, sex, sexlen);
	put(buf, &pos, "14168", 5);
	put(buf, &pos, rank, ranklen);
	return pos;
}

static void refuses_bad_fields(void **state)
{
	uint8_t buf[RECORD_PACK_MAX];
	struct insured_ident id;
	char big[300];
	size_t n;

	(void)state;
	memset(big, '1', sizeof(big));
	/* The hand-built blob is right as it stands. */
	n = ident_blob(buf, "255081416802538", 15, "F", 1, "\x00", 1);
	assert_int_equal(record_unpack_ident(buf, n, &id), 0);
	assert_string_equal(id.nir, "255081416802538");
	assert_string_equal(id.given, "Marie");
	assert_int_equal(id.sex, 'F');
	assert_int_equal(id.rank, 0);

	/* 16 bytes do not fit nir[16] with its NUL; 255 neither. */
	n = ident_blob(buf, big, 16, "F", 1, "\x00", 1);
	assert_int_equal(record_unpack_ident(buf, n, &id), VG_ECORRUPT);
	n = ident_blob(buf, big, 255, "F", 1, "\x00", 1);
	assert_int_equal(record_unpack_ident(buf, n, &id), VG_ECORRUPT);
	/* A NUL inside a string. */
	n = ident_blob(buf, "2550814\00016802538", 15, "F", 1, "\x00", 1);
	assert_int_equal(record_unpack_ident(buf, n, &id), VG_ECORRUPT);
	n = ident_blob(buf, "25508141680253\0", 15, "F", 1, "\x00", 1);
	assert_int_equal(record_unpack_ident(buf, n, &id), VG_ECORRUPT);
	/* sex: empty is '\0'; a NUL byte or two bytes are not. */
	n = ident_blob(buf, "1", 1, "", 0, "\x00", 1);
	assert_int_equal(record_unpack_ident(buf, n, &id), 0);
	assert_int_equal(id.sex, '\0');
	n = ident_blob(buf, "1", 1, "\0", 1, "\x00", 1);
	assert_int_equal(record_unpack_ident(buf, n, &id), VG_ECORRUPT);
	n = ident_blob(buf, "1", 1, "FM", 2, "\x00", 1);
	assert_int_equal(record_unpack_ident(buf, n, &id), VG_ECORRUPT);
	/* rank is exactly one byte. */
	n = ident_blob(buf, "1", 1, "M", 1, "", 0);
	assert_int_equal(record_unpack_ident(buf, n, &id), VG_ECORRUPT);
	n = ident_blob(buf, "1", 1, "M", 1, "\x01\x02", 2);
	assert_int_equal(record_unpack_ident(buf, n, &id), VG_ECORRUPT);
	/* A length that runs past the end. */
	n = ident_blob(buf, "1", 1, "M", 1, "\x07", 1);
	buf[n - 2] = 2;
	assert_int_equal(record_unpack_ident(buf, n, &id), VG_ECORRUPT);
	buf[n - 2] = 255;
	assert_int_equal(record_unpack_ident(buf, n, &id), VG_ECORRUPT);
	/* Nothing at all, and a lone version byte. */
	assert_int_equal(record_unpack_ident(buf, 0, &id), VG_ECORRUPT);
	assert_int_equal(record_unpack_ident((const uint8_t *)"\x01", 1, &id), VG_ECORRUPT);
}

static void pack_refuses_small_buffers_and_unterminated_fields(void **state)
{
	uint8_t buf[RECORD_PACK_MAX];
	struct insured_ident id;
	struct insured_contact ct;
	struct insured_rights rt;
	int n;

	(void)state;
	full_ident(&id);
	n = record_pack_ident(&id, buf, sizeof(buf));
	for (int cap = 0; cap < n; cap++)
		assert_int_equal(record_pack_ident(&id, buf, (size_t)cap), VG_ETOOBIG);
	assert_int_equal(record_pack_ident(&id, buf, (size_t)n), n);

	full_rights(&rt);
	n = record_pack_rights(&rt, buf, sizeof(buf));
	for (int cap = 0; cap < n; cap++)
		assert_int_equal(record_pack_rights(&rt, buf, (size_t)cap), VG_ETOOBIG);

	full_contact(&ct);
	ct.iban[sizeof(ct.iban) - 1] = 'X'; /* no NUL left */
	assert_int_equal(record_pack_contact(&ct, buf, sizeof(buf)), VG_ETOOBIG);
	full_ident(&id);
	id.nir[sizeof(id.nir) - 1] = '1';
	assert_int_equal(record_pack_ident(&id, buf, sizeof(buf)), VG_ETOOBIG);
}

/* If bytes parse, packing the result gives the same bytes back. */
static void check_garbage(const uint8_t *b, size_t n)
{
	uint8_t again[RECORD_PACK_MAX];
	struct insured_ident id;
	struct insured_contact ct;
	struct insured_rights rt;
	int rc;

	rc = record_unpack_ident(b, n, &id);
	assert_true(rc == 0 || rc == VG_ECORRUPT);
	if (rc == 0) {
		assert_int_equal(record_pack_ident(&id, again, sizeof(again)), (int)n);
		assert_memory_equal(again, b, n);
	}
	rc = record_unpack_contact(b, n, &ct);
	assert_true(rc == 0 || rc == VG_ECORRUPT);
	if (rc == 0) {
		assert_int_equal(record_pack_contact(&ct, again, sizeof(again)), (int)n);
		assert_memory_equal(again, b, n);
	}
	rc = record_unpack_rights(b, n, &rt);
	assert_true(rc == 0 || rc == VG_ECORRUPT);
	if (rc == 0) {
		assert_int_equal(record_pack_rights(&rt, again, sizeof(again)), (int)n);
		assert_memory_equal(again, b, n);
	}
}

static void random_bytes_never_crash(void **state)
{
	uint8_t b[400];
	struct rng r;

	(void)state;
	rng_init(&r, 1);
	for (int i = 0; i < 200000; i++) {
		size_t n = (size_t)rng_below(&r, sizeof(b) + 1);

		for (size_t k = 0; k < n; k++)
			b[k] = (uint8_t)rng_next(&r);
		if (n > 0 && rng_below(&r, 2))
			b[0] = 1; /* get past the version byte half the time */
		check_garbage(b, n);
	}
}

/* Valid blobs with a few bytes changed: closer to the format, so more of them parse. */
static void mutated_blobs_round_trip_or_fail(void **state)
{
	uint8_t b[RECORD_PACK_MAX];
	struct insured_ident id;
	struct insured_rights rt;
	struct rng r;
	int parsed = 0;

	(void)state;
	rng_init(&r, 2);
	for (int i = 0; i < 100000; i++) {
		int n;

		if (i % 2) {
			full_ident(&id);
			n = record_pack_ident(&id, b, sizeof(b));
		} else {
			full_rights(&rt);
			n = record_pack_rights(&rt, b, sizeof(b));
		}
		assert_true(n > 0);
		for (int k = (int)rng_below(&r, 3) + 1; k > 0; k--)
			b[rng_below(&r, (uint64_t)n)] = (uint8_t)rng_next(&r);
		if (record_unpack_ident(b, (size_t)n, &id) == 0 ||
		    record_unpack_rights(b, (size_t)n, &rt) == 0)
			parsed++;
		check_garbage(b, (size_t)n);
	}
	/* Some mutations (a changed letter) still parse: the round trip was exercised. */
	assert_true(parsed > 1000);
}

/* Rights written before honeytokens (version 1) still read, as honeytoken 0; packing writes v2. */
static void reads_version1_rights_and_honeytokens(void **state)
{
	static const uint8_t v1[] =
		"\x01"
		"\x02" "75" "\x0a" "2020-01-01" "\x00" "\x01" "\x01" "\x01" "\x01"
		"\x0a" "2025-12-31" "\x01" "\x00" "\x00" "\x01" "\x00" "\x00"
		"\x0b" "10000000009" "\x10" "Dr Jeanne MARTIN";
	struct insured_rights r, back;
	uint8_t buf[RECORD_PACK_MAX];
	int n;

	(void)state;
	assert_int_equal(record_unpack_rights(v1, sizeof(v1) - 1, &r), 0);
	assert_string_equal(r.gp_name, "Dr Jeanne MARTIN");
	assert_int_equal(r.honeytoken, 0);
	/* A v1 blob with the v2 field appended is not v1: refused. */
	memcpy(buf, v1, sizeof(v1) - 1);
	buf[sizeof(v1) - 1] = 1;
	buf[sizeof(v1)] = 1;
	assert_int_equal(record_unpack_rights(buf, sizeof(v1) + 1, &r), VG_ECORRUPT);
	/* Unknown versions are refused. */
	buf[0] = 3;
	assert_int_equal(record_unpack_rights(buf, sizeof(v1) + 1, &r), VG_ECORRUPT);
	buf[0] = 0;
	assert_int_equal(record_unpack_rights(buf, sizeof(v1) + 1, &r), VG_ECORRUPT);
	/* The flag round-trips. */
	assert_int_equal(record_unpack_rights(v1, sizeof(v1) - 1, &r), 0);
	r.honeytoken = 1;
	n = record_pack_rights(&r, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(buf[0], 2);
	assert_int_equal(record_unpack_rights(buf, (size_t)n, &back), 0);
	assert_int_equal(back.honeytoken, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips_full_groups),
		cmocka_unit_test(round_trips_empty_groups),
		cmocka_unit_test(pinned_format),
		cmocka_unit_test(reads_version1_rights_and_honeytokens),
		cmocka_unit_test(truncations_and_trailing_bytes_fail),
		cmocka_unit_test(refuses_bad_fields),
		cmocka_unit_test(pack_refuses_small_buffers_and_unterminated_fields),
		cmocka_unit_test(random_bytes_never_crash),
		cmocka_unit_test(mutated_blobs_round_trip_or_fail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
