/*
 * record.c - see record.h. Each group is described once, by a table of its
 * fields, and both directions walk the same table: the order on disk cannot
 * drift between pack and unpack.
 *
 * Encoding (version 1): byte 0 is RECORD_VERSION, then for each field in
 * table order a uint8 length n and n bytes:
 *   - a string field: its bytes without the NUL, n < sizeof(field), no NUL;
 *   - a char field (sex): n = 0 for '\0', else n = 1 and the char (not NUL);
 *   - a uint8 field: n = 1 and the byte.
 * Every value therefore has exactly one encoding, so unpack then pack gives
 * back the input bytes.
 *
 * Rights are at version 2: version 1 plus a trailing `honeytoken` byte.
 * A version-1 rights blob (written before honeytokens) still unpacks, with
 * honeytoken 0; packing always writes the newest version.
 */
#include "core/record.h"

#include <stddef.h>
#include <string.h>
#include "core/banned.h"

#define RECORD_VERSION   1
#define RIGHTS_VERSION   2
#define RIGHTS_V1_FIELDS 12 /* the fields before honeytoken */

enum field_kind { F_STR, F_CHAR, F_U8 };

struct field {
	size_t off;
	size_t size;
	enum field_kind kind;
};

#define STR(type, m)                                                                               \
	{                                                                                          \
		offsetof(type, m), sizeof(((type *)0)->m), F_STR                                   \
	}
#define CHR(type, m)                                                                               \
	{                                                                                          \
		offsetof(type, m), sizeof(((type *)0)->m), F_CHAR                                  \
	}
#define U8(type, m)                                                                                \
	{                                                                                          \
		offsetof(type, m), sizeof(((type *)0)->m), F_U8                                    \
	}

/* The order of these tables is the on-disk order: append, never reorder. */
static const struct field ident_fields[] = {
	STR(struct insured_ident, nir),   STR(struct insured_ident, family),
	STR(struct insured_ident, given), STR(struct insured_ident, birth_date),
	CHR(struct insured_ident, sex),   STR(struct insured_ident, birth_place),
	U8(struct insured_ident, rank),
};

static const struct field contact_fields[] = {
	STR(struct insured_contact, line),  STR(struct insured_contact, postal),
	STR(struct insured_contact, city),  STR(struct insured_contact, email),
	STR(struct insured_contact, phone), STR(struct insured_contact, iban),
};

static const struct field rights_fields[] = {
	STR(struct insured_rights, dept),      STR(struct insured_rights, start),
	STR(struct insured_rights, end),       U8(struct insured_rights, active),
	U8(struct insured_rights, c2s),        STR(struct insured_rights, c2s_end),
	U8(struct insured_rights, ame),        STR(struct insured_rights, ame_end),
	U8(struct insured_rights, ald),        STR(struct insured_rights, ald_end),
	STR(struct insured_rights, gp_rpps),   STR(struct insured_rights, gp_name),
	U8(struct insured_rights, honeytoken), /* version 2 */
};

#define NFIELDS(t) (sizeof(t) / sizeof((t)[0]))

static int pack(const struct field *fields, size_t nfields, uint8_t version, const void *rec,
                uint8_t *out, size_t cap)
{
	const uint8_t *base = rec;
	size_t pos = 0;

	if (cap < 1)
		return VG_ETOOBIG;
	out[pos++] = version;
	for (size_t i = 0; i < nfields; i++) {
		const struct field *f = &fields[i];
		const uint8_t *v = base + f->off;
		size_t n;

		switch (f->kind) {
		case F_STR:
			n = strnlen((const char *)v, f->size);
			/* A field without its NUL is over its own bound. */
			if (n == f->size)
				return VG_ETOOBIG;
			break;
		case F_CHAR: n = *v != 0; break;
		default: n = 1; break;
		}
		if (n > UINT8_MAX || cap - pos < 1 + n)
			return VG_ETOOBIG;
		out[pos++] = (uint8_t)n;
		memcpy(out + pos, v, n);
		pos += n;
	}
	return (int)pos;
}

/* nfields[v] is the number of fields of version v (0: not a version this build reads). */
static int unpack(const struct field *fields, const size_t *nfields, size_t nversions,
                  const uint8_t *in, size_t len, void *rec, size_t recsize)
{
	uint8_t *base = rec;
	size_t pos = 0;
	int rc = VG_ECORRUPT;
	size_t nf;

	memset(rec, 0, recsize);

	if (len < 1 || in[0] >= nversions || (nf = nfields[in[0]]) == 0)
		goto out;
	pos++;
	for (size_t i = 0; i < nf; i++) {
		const struct field *f = &fields[i];
		size_t n;

		if (pos >= len)
			goto out;
		n = in[pos++];
		if (n > len - pos)
			goto out;
		switch (f->kind) {
		case F_STR:
			/* Room for the NUL, and no NUL inside to cut the field short. */
			if (n >= f->size || memchr(in + pos, 0, n))
				goto out;
			break;
		case F_CHAR:
			if (n > 1 || (n == 1 && in[pos] == 0))
				goto out;
			break;
		default:
			if (n != 1)
				goto out;
			break;
		}
		/* rec was zeroed, so strings are already NUL-terminated. */
		memcpy(base + f->off, in + pos, n);
		pos += n;
	}
	if (pos != len)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		memset(rec, 0, recsize);
	return rc;
}

int record_pack_ident(const struct insured_ident *r, uint8_t *out, size_t cap)
{
	return pack(ident_fields, NFIELDS(ident_fields), RECORD_VERSION, r, out, cap);
}

int record_pack_contact(const struct insured_contact *r, uint8_t *out, size_t cap)
{
	return pack(contact_fields, NFIELDS(contact_fields), RECORD_VERSION, r, out, cap);
}

int record_pack_rights(const struct insured_rights *r, uint8_t *out, size_t cap)
{
	return pack(rights_fields, NFIELDS(rights_fields), RIGHTS_VERSION, r, out, cap);
}

int record_unpack_ident(const uint8_t *in, size_t len, struct insured_ident *r)
{
	static const size_t nf[] = { 0, NFIELDS(ident_fields) };

	return unpack(ident_fields, nf, 2, in, len, r, sizeof(*r));
}

int record_unpack_contact(const uint8_t *in, size_t len, struct insured_contact *r)
{
	static const size_t nf[] = { 0, NFIELDS(contact_fields) };

	return unpack(contact_fields, nf, 2, in, len, r, sizeof(*r));
}

int record_unpack_rights(const uint8_t *in, size_t len, struct insured_rights *r)
{
	static const size_t nf[] = { 0, RIGHTS_V1_FIELDS, NFIELDS(rights_fields) };

	return unpack(rights_fields, nf, 3, in, len, r, sizeof(*r));
}
