/*
 * totp.h - time-based one-time passwords (RFC 6238: HMAC-SHA1, 30 s steps,
 * 6 digits), through liboath so that any authenticator app agrees.
 * Thread-safe once totp_global_init has run.
 */
#ifndef VIGIE_CRYPTO_TOTP_H
#define VIGIE_CRYPTO_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define TOTP_SECRET_LEN 20      /* bytes, as RFC 4226 recommends (160 bits) */
#define TOTP_B32_LEN    32      /* base32 characters of a 20-byte secret */
#define TOTP_ISSUER     "vigie" /* the issuer of otpauth:// URIs */
#define TOTP_STEP       30
#define TOTP_WINDOW     1 /* steps accepted either side of now */

/* Call once at start-up (liboath's own global set-up). Returns 0 or VG_EIO. */
VG_MUST_USE int totp_global_init(void);

/* Base32 (RFC 4648, no padding) of a secret; out must hold TOTP_B32_LEN + 1. */
void totp_base32(const uint8_t secret[TOTP_SECRET_LEN], char out[TOTP_B32_LEN + 1]);

/* Decode a base32 secret (spaces and lower-case accepted). Returns 0 or VG_EINVAL. */
VG_MUST_USE int totp_from_base32(const char *b32, uint8_t secret[TOTP_SECRET_LEN]);

/* The 6-digit code for time now, into out (7 bytes with the NUL). Returns 0 or VG_EIO. */
VG_MUST_USE int totp_code(const uint8_t secret[TOTP_SECRET_LEN], int64_t now, char out[7]);

/*
 * Check code against the secret at time now, within TOTP_WINDOW steps. A code
 * whose step is not after last_step is refused (each code is accepted once).
 * Returns 0 and sets *step to the matched step, or VG_EDENIED.
 */
VG_MUST_USE int totp_verify(const uint8_t secret[TOTP_SECRET_LEN], int64_t now, const char *code,
                            int64_t last_step, int64_t *step);

#endif
