/*
 * rpps.h - the RPPS number of a health professional: 11 digits, the last a
 * Luhn check digit over the first 10. Pure, thread-safe.
 */
#ifndef VIGIE_CORE_RPPS_H
#define VIGIE_CORE_RPPS_H

#include <stddef.h>
#include "core/err.h"

#define RPPS_LEN 11

/*
 * 0 if the len bytes at s (borrowed, not necessarily NUL-terminated) are 11
 * digits with a correct Luhn key, else VG_EINVAL.
 */
VG_MUST_USE int rpps_validate(const char *s, size_t len);

/*
 * The Luhn check digit ('0'..'9', as a character) to append to the 10 digits
 * at s10; -1 if they are not all digits. Reads no further than the first
 * non-digit, so a shorter NUL-terminated string is safe.
 */
int rpps_check_digit(const char *s10);

#endif
