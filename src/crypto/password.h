/*
 * password.h - password hashing with Argon2id (libsodium crypto_pwhash_str),
 * at libsodium's INTERACTIVE limits (2 passes, 64 MiB) or stronger.
 * Thread-safe. Each call uses 64 MiB for tens of milliseconds: callers bound
 * how many run at once.
 */
#ifndef VIGIE_CRYPTO_PASSWORD_H
#define VIGIE_CRYPTO_PASSWORD_H

#include <stddef.h>
#include "core/err.h"

#define PASSWORD_HASH_MAX 128  /* crypto_pwhash_STRBYTES */
#define PASSWORD_MAX      1024 /* longer passwords are refused before hashing */

/* Hash len bytes of pw into out (NUL-terminated). Returns 0, VG_ETOOBIG or VG_ENOMEM. */
VG_MUST_USE int password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX]);

/*
 * 0 if pw matches the stored hash, VG_EDENIED if not (or the hash is not an
 * Argon2id string), VG_ETOOBIG for an over-long password.
 */
VG_MUST_USE int password_verify(const char *hash, const char *pw, size_t len);

/*
 * A dummy verification costing the same as password_verify, for unknown
 * accounts, so that timing does not tell whether an RPPS has an account.
 */
void password_burn(const char *pw, size_t len);

#endif
