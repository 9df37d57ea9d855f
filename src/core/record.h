/*
 * record.h - an insured person's personal data, and its compact binary form.
 *
 * The data is kept in three groups, each sealed separately by the vault so that
 * a request decrypts only what it returns: identity (looked up), rights (looked
 * up), contact (never on the lookup path: portal, notifications).
 *
 * The binary form is a version byte followed by length-prefixed fields
 * (uint8 length, bytes) in a fixed order. Unpacking checks every length and
 * NUL-terminates every field; a packed blob that does not parse is VG_ECORRUPT.
 * Pure, thread-safe.
 */
#ifndef VIGIE_CORE_RECORD_H
#define VIGIE_CORE_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define RECORD_PACK_MAX 1024 /* upper bound of any packed group */

struct insured_ident {
	char nir[16];        /* the NIR under which the person is billed */
	char family[64];     /* upper-case family name */
	char given[96];      /* given names, space-separated */
	char birth_date[11]; /* YYYY-MM-DD */
	char sex;            /* 'M' or 'F' */
	char birth_place[8]; /* INSEE commune code (5) or "99" + country code */
	uint8_t rank;        /* 0 = the insured, 1.. = dependants billed under nir */
};

struct insured_contact {
	char line[96];  /* "12 rue de la Paix" */
	char postal[8]; /* "75002" */
	char city[64];
	char email[96];
	char phone[20]; /* "+33612345678" */
	char iban[35];
};

enum c2s_kind { C2S_NONE = 0, C2S_FREE = 1, C2S_CONTRIB = 2 };

struct insured_rights {
	char dept[4];   /* department of residence (the paying CPAM) */
	char start[11]; /* coverage start, YYYY-MM-DD */
	char end[11];   /* coverage end, "" when open-ended */
	uint8_t active; /* 1 while rights are open */
	uint8_t c2s;    /* enum c2s_kind */
	char c2s_end[11];
	uint8_t ame; /* state medical aid (aide médicale de l'État) */
	char ame_end[11];
	uint8_t ald; /* 100 % coverage for a long-term illness (ALD) */
	char ald_end[11];
	char gp_rpps[12];   /* declared attending physician's RPPS, "" if none */
	char gp_name[64];   /* "Dr Jeanne MARTIN" */
	uint8_t honeytoken; /* 1: a synthetic person no legitimate professional looks up;
	                            sealed like the rest, so only the server's key tells */
};

/* Pack into out (cap bytes). Returns the packed length (> 0) or VG_ETOOBIG. */
VG_MUST_USE int record_pack_ident(const struct insured_ident *r, uint8_t *out, size_t cap);
VG_MUST_USE int record_pack_contact(const struct insured_contact *r, uint8_t *out, size_t cap);
VG_MUST_USE int record_pack_rights(const struct insured_rights *r, uint8_t *out, size_t cap);

/* Unpack len bytes. Returns 0, or VG_ECORRUPT if the bytes are not a packed group. */
VG_MUST_USE int record_unpack_ident(const uint8_t *in, size_t len, struct insured_ident *r);
VG_MUST_USE int record_unpack_contact(const uint8_t *in, size_t len, struct insured_contact *r);
VG_MUST_USE int record_unpack_rights(const uint8_t *in, size_t len, struct insured_rights *r);

#endif
