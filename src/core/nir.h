/*
 * nir.h - the French social-security number (NIR, "numéro de sécurité sociale").
 *
 * A NIR is 15 characters: sex(1) year(2) month(2) department(2) commune(3)
 * order(3) key(2). The key is 97 - (first 13 digits mod 97); Corsican
 * departments 2A and 2B count as 19 and 18 when computing it. Departments 97
 * and 98 (overseas) use a 3-digit department and 2-digit commune; 99 means born
 * abroad and the commune is an INSEE country code. Sex 3/4 and 7/8 appear on
 * provisional or temporary numbers. Months 20, 30-42 and 50-99 mean "month
 * unknown" on incomplete civil records.
 *
 * What is accepted, precisely:
 *   (a) sex 1, 2 (permanent) or 3, 4, 7, 8 (temporary);
 *   (b) month 01-12, or 20, 30-42, 50-99 (unknown);
 *   (c) department 01-95 (20 included: Corsica before 1976), 2A, 2B, 99, or
 *       an overseas code 971-978 or 984-989 followed by a 2-digit commune;
 *   (d) commune (or, for 99, country code) not all zeros;
 *   (e) order 001-999; key 01-97 and equal to nir_compute_key().
 *
 * Pure code: no I/O, no allocation, thread-safe.
 */
#ifndef VIGIE_CORE_NIR_H
#define VIGIE_CORE_NIR_H

#include <stddef.h>
#include "core/err.h"

#define NIR_LEN 15

enum nir_fault {
	NIR_FAULT_NONE = 0,
	NIR_FAULT_LENGTH,  /* not exactly 15 characters */
	NIR_FAULT_CHAR,    /* a character that cannot appear at its position */
	NIR_FAULT_SEX,     /* first digit not 1,2,3,4,7,8 */
	NIR_FAULT_MONTH,   /* month 00, 13-19, 21-29, 43-49 */
	NIR_FAULT_DEPT,    /* department 00, 96, or an impossible overseas code */
	NIR_FAULT_COMMUNE, /* commune 000 (00 overseas), or country 000 for 99 */
	NIR_FAULT_ORDER,   /* order number 000 */
	NIR_FAULT_KEY,     /* key out of 01-97 or does not match */
};

struct nir {
	char canon[NIR_LEN + 1];    /* canonical form, upper-case 2A/2B, NUL-terminated */
	int sex;                    /* first digit as parsed: 1..8 */
	int year2;                  /* 0..99 */
	int month;                  /* 1..12, or 0 when "month unknown" */
	char dept[4];               /* "01".."95", "2A", "2B", "971".."989", "99" */
	char commune[4];            /* 3 digits; 2 when overseas; the country code for 99 */
	int order;                  /* 1..999 */
	int key;                    /* 1..97 */
	unsigned temporary : 1;     /* sex digit 3,4,7 or 8 */
	unsigned overseas : 1;      /* department 97x/98x */
	unsigned born_abroad : 1;   /* department 99 */
	unsigned month_unknown : 1; /* month code meant "unknown" */
};

/*
 * Parse and validate the len bytes at s (not necessarily NUL-terminated;
 * a NUL byte inside is a bad character). Accepts lower-case 2a/2b and
 * canonicalises them. Spaces are not accepted.
 * Returns 0 and fills *out, or VG_EINVAL and sets *why (if why is not NULL)
 * to the first fault found, checking in the order of enum nir_fault (a NIR
 * with a bad month and a bad key is NIR_FAULT_MONTH). On success *why is
 * NIR_FAULT_NONE; on failure *out is all zeros. s and out are borrowed.
 */
VG_MUST_USE int nir_parse(const char *s, size_t len, struct nir *out, enum nir_fault *why);

/* A static, lower-case English sentence for a fault, e.g. "the NIR key does not match". */
const char *nir_fault_str(enum nir_fault why);

/*
 * The key (1..97) of the first 13 characters at s13 (2A/2B, any case,
 * allowed at 0-based positions 5-6 and counted as 19/18). Returns -1 if the
 * 13 characters are not digits (or 2A/2B at the department). Reads no further
 * than the first bad character, so a shorter NUL-terminated string is safe.
 * Only the characters are checked, not the meaning of the fields.
 */
int nir_compute_key(const char *s13);

#endif
