/*
 * iban.h - IBAN validation (ISO 13616, mod 97-10) and French IBAN
 * construction (bank 5, branch 5, account 11 alphanumerics, RIB key 2).
 * Pure, thread-safe.
 */
#ifndef VIGIE_CORE_IBAN_H
#define VIGIE_CORE_IBAN_H

#include <stddef.h>
#include "core/err.h"

#define IBAN_MAX    34
#define IBAN_FR_LEN 27

/*
 * 0 if the len bytes at s (borrowed, not necessarily NUL-terminated) form a
 * valid IBAN in electronic form, else VG_EINVAL. Electronic form means:
 *   (a) no spaces, and only digits and upper-case letters (lower case is
 *       refused, not folded);
 *   (b) a two-letter country code, then two check digits 02..98 (00, 01 and
 *       99 pass mod 97 whenever 97, 98 and 02 do, but are never issued);
 *   (c) 15..34 characters, and exactly 27 for FR;
 *   (d) the whole number, rearranged per ISO 13616, is 1 mod 97.
 * For FR the BBAN must also be bank (5 digits), branch (5 digits), account
 * (11 digits or upper-case letters) and a RIB key that matches: every French
 * IBAN carries a valid RIB key, so one that does not is a forgery or a typo.
 * Other countries' BBAN structure is not checked.
 */
VG_MUST_USE int iban_validate(const char *s, size_t len);

/*
 * Build a French IBAN from bank (5 digits), branch (5 digits) and account
 * (11 digits or upper-case letters): computes the RIB key and the IBAN check
 * digits. out receives 27 characters and a NUL. Returns 0 or VG_EINVAL
 * (out untouched) if an input is not of that shape. The inputs are read up to
 * their fixed lengths or the first bad character, whichever comes first, so
 * shorter NUL-terminated strings are safe. The RIB key counts letters in the
 * account as A-I = 1-9, J-R = 1-9, S-Z = 2-9; the IBAN check digits count
 * them as A = 10 ... Z = 35. The result always passes iban_validate().
 */
VG_MUST_USE int iban_make_fr(const char *bank5, const char *branch5, const char *account11,
                             char out[IBAN_FR_LEN + 1]);

#endif
