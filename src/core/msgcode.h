/*
 * msgcode.h - the code every message vigie sends carries, so that its
 * reader can check it is genuine without following any link: 12 symbols of
 * Crockford's base32 (60 random bits), grouped by four for reading, e.g.
 * "K7QM-3XPA-9FRT". Typed back, a code is read leniently: case, spaces and
 * dashes do not matter, and the letters people confuse with digits (O, I, L)
 * read as the digits (0, 1, 1); U is not a symbol (Crockford leaves it out).
 *
 * Pure; thread-safe. The caller supplies the randomness (msgcode_make).
 */
#ifndef VIGIE_CORE_MSGCODE_H
#define VIGIE_CORE_MSGCODE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define MSGCODE_SYMBOLS 12
#define MSGCODE_BITS    (5 * MSGCODE_SYMBOLS) /* 60 */
#define MSGCODE_TEXT    15                    /* "XXXX-XXXX-XXXX" */
#define MSGCODE_RANDOM  8                     /* bytes of randomness msgcode_make reads */

/* The code of 8 random bytes (the low 60 bits of their big-endian value) into out. */
void msgcode_make(const uint8_t random[MSGCODE_RANDOM], char out[MSGCODE_TEXT]);

/*
 * Read len bytes typed by a person into the canonical form "XXXX-XXXX-XXXX".
 * 0, or VG_EINVAL (not 12 symbols, a character that is no symbol, too long).
 */
VG_MUST_USE int msgcode_parse(const char *s, size_t len, char out[MSGCODE_TEXT]);

#endif
