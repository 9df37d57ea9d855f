/*
 * codes.h - one-time codes an insured person receives by post or e-mail
 * (enrolment, password reset), and the recovery codes of a second factor.
 *
 * A code is a message code's shape (core/msgcode.h: 60 random bits, typed
 * back leniently); only its keyed hash (VAULT_D_CODE) is stored. A code is
 * accepted once, before it expires, and dies after CODES_MAX_FAILURES wrong
 * guesses (each also costs the address like a failed password: the caller's
 * logins_attempt). The caller serialises checks of one person under
 * logins_lock(SESSION_INSURED, insured id). Thread-safe otherwise.
 */
#ifndef VIGIE_NODE_CODES_H
#define VIGIE_NODE_CODES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/msgcode.h"
#include "crypto/vault.h"
#include "store/store.h"

#define CODES_LETTER_TTL_MS (60LL * 86400 * 1000) /* a letter takes days; 60 days to use it */
#define CODES_EMAIL_TTL_MS  (3600LL * 1000)       /* an e-mailed reset code: one hour */
#define CODES_MAX_FAILURES  5

/*
 * A new code for insured_id (its earlier ones of the same purpose die),
 * written into code ("XXXX-XXXX-XXXX"); *expires_ms set. 0 or a store error.
 */
VG_MUST_USE int codes_issue(struct store *st, const struct vault *v, int64_t insured_id,
                            int purpose, int channel, int64_t now_ms, char code[MSGCODE_TEXT],
                            int64_t *expires_ms);

/*
 * Check a typed code (len bytes, untrusted) for insured_id: 0 and *out is the
 * live code it matches (not used up yet: codes_use, once what it buys is
 * done, so that a refused password does not cost the letter); VG_EDENIED
 * (wrong: counted), VG_ENOTFOUND (no live code), VG_EINVAL (not a code's
 * shape: not counted), or a store error.
 */
VG_MUST_USE int codes_check(struct store *st, const struct vault *v, int64_t insured_id,
                            int purpose, const char *typed, size_t len, int64_t now_ms,
                            struct store_code *out);
/* Use up code c at now_ms. 0 or a store error. */
VG_MUST_USE int codes_use(struct store *st, struct store_code *c, int64_t now_ms);

/* Make STORE_RECOVERY_N recovery codes into codes and a->recovery_sealed (sealed hashes). */
VG_MUST_USE int codes_recovery_new(const struct vault *v, struct store_account *a,
                                   char codes[STORE_RECOVERY_N][MSGCODE_TEXT]);
/* Use a typed recovery code of account a: 0 and a->recovery_sealed updated, or VG_EDENIED. */
VG_MUST_USE int codes_recovery_use(const struct vault *v, struct store_account *a,
                                   const char *typed, size_t len);
/* How many unused recovery codes a has left. */
int codes_recovery_left(const struct vault *v, const struct store_account *a);

#endif
