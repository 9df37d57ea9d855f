/*
 * libFuzzer: the three unpackers on arbitrary bytes (stored blobs are
 * authenticated before they are unpacked, but a parser is still a parser).
 * Whatever parses must pack back to its canonical form: the input bytes
 * themselves when they are of the newest version, or (an older rights blob,
 * version 1, packs back as version 2) bytes that unpack to the same record
 * and pack to themselves. Every string must be NUL-terminated within its
 * field, and a failure must be VG_ECORRUPT with the struct zeroed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/record.h"

static void check_str(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
}

static void check_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			abort();
}

static void check_same(int n, const uint8_t *again, const uint8_t *data, size_t size)
{
	if (n < 0 || (size_t)n != size || memcmp(again, data, size) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t again[RECORD_PACK_MAX];
	struct insured_ident id;
	struct insured_contact ct;
	struct insured_rights rt;
	int rc;

	rc = record_unpack_ident(data, size, &id);
	if (rc == 0) {
		check_str(id.nir, sizeof(id.nir));
		check_str(id.family, sizeof(id.family));
		check_str(id.given, sizeof(id.given));
		check_str(id.birth_date, sizeof(id.birth_date));
		check_str(id.birth_place, sizeof(id.birth_place));
		check_same(record_pack_ident(&id, again, sizeof(again)), again, data, size);
	} else if (rc == VG_ECORRUPT) {
		check_zero(&id, sizeof(id));
	} else {
		abort();
	}

	rc = record_unpack_contact(data, size, &ct);
	if (rc == 0) {
		check_str(ct.line, sizeof(ct.line));
		check_str(ct.postal, sizeof(ct.postal));
		check_str(ct.city, sizeof(ct.city));
		check_str(ct.email, sizeof(ct.email));
		check_str(ct.phone, sizeof(ct.phone));
		check_str(ct.iban, sizeof(ct.iban));
		check_same(record_pack_contact(&ct, again, sizeof(again)), again, data, size);
	} else if (rc == VG_ECORRUPT) {
		check_zero(&ct, sizeof(ct));
	} else {
		abort();
	}

	rc = record_unpack_rights(data, size, &rt);
	if (rc == 0) {
		check_str(rt.dept, sizeof(rt.dept));
		check_str(rt.start, sizeof(rt.start));
		check_str(rt.end, sizeof(rt.end));
		check_str(rt.c2s_end, sizeof(rt.c2s_end));
		check_str(rt.ame_end, sizeof(rt.ame_end));
		check_str(rt.ald_end, sizeof(rt.ald_end));
		check_str(rt.gp_rpps, sizeof(rt.gp_rpps));
		check_str(rt.gp_name, sizeof(rt.gp_name));
		int n = record_pack_rights(&rt, again, sizeof(again));

		if (n < 0)
			abort();
		if (size > 0 && data[0] == 2) {
			check_same(n, again, data, size); /* the newest version: byte for byte */
		} else {
			/* An older version: the newest form says the same, and is a fixed point. */
			static uint8_t twice[RECORD_PACK_MAX];
			struct insured_rights rt2;

			if (record_unpack_rights(again, (size_t)n, &rt2) != 0 ||
			    memcmp(&rt, &rt2, sizeof(rt)) != 0)
				abort();
			check_same(record_pack_rights(&rt2, twice, sizeof(twice)), twice, again,
			           (size_t)n);
		}
	} else if (rc == VG_ECORRUPT) {
		check_zero(&rt, sizeof(rt));
	} else {
		abort();
	}
	return 0;
}
