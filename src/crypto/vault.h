/*
 * vault.h - encryption at rest and keyed blind indexes.
 *
 * One 32-byte master key (file "master.key", mode 0600, created by
 * vault_keygen at `vigie init`) is read into sodium_malloc'd, mlock'ed memory
 * and never written elsewhere. Subkeys are derived with crypto_kdf for each
 * purpose, so a leaked blind-index key says nothing of the encryption key.
 *
 * Sealed values are XChaCha20-Poly1305 (IETF) with a random 24-byte nonce:
 *     sealed = nonce(24) || ciphertext(len) || tag(16)
 * The associated data binds a sealed value to its place: the table, the
 * column and the record id. A value moved to another record or column fails
 * to open (VG_ECRYPTO).
 *
 * A vault is immutable after vault_open and safe to share between threads.
 */
#ifndef VIGIE_CRYPTO_VAULT_H
#define VIGIE_CRYPTO_VAULT_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define VAULT_NONCE    24
#define VAULT_TAG      16
#define VAULT_OVERHEAD (VAULT_NONCE + VAULT_TAG)
#define VAULT_BIDX     16 /* bytes of a blind index */

struct vault;

/* What a blind index or keyed hash is for; each gets its own subkey. */
enum vault_domain {
	VAULT_D_NIR = 1,     /* blind index of a canonical NIR */
	VAULT_D_PID = 2,     /* public pseudonymous patient id from a record id */
	VAULT_D_TOKEN = 3,   /* hash of a bearer token, as stored */
	VAULT_D_ACCESS = 4,  /* pseudonym of a patient in access records */
	VAULT_D_EMAIL = 5,   /* blind index of a lower-cased e-mail address (insured login) */
	VAULT_D_GUARD = 6,   /* the guard's key, proof-cache keys, professionals' client hashes */
	VAULT_D_MESSAGE = 7, /* hash of a message code (canonical form), as stored */
	VAULT_D_CODE = 8,    /* one-time codes (letters, e-mails) and recovery codes, as stored */
};

/*
 * Create dir/master.key with 32 random bytes, mode 0600, O_EXCL|O_NOFOLLOW.
 * Returns 0, VG_EEXIST if the file exists, or VG_EIO.
 */
VG_MUST_USE int vault_keygen(const char *dir);

/*
 * Read dir/master.key (refusing a file readable by group or others) and derive
 * the subkeys. *out is owned by the caller: release it with vault_free.
 * Returns 0, VG_ENOTFOUND, VG_EDENIED (bad mode), VG_ECORRUPT (bad size), VG_EIO.
 */
VG_MUST_USE int vault_open(const char *dir, struct vault **out);

/* Wipe and free. Accepts NULL. */
void vault_free(struct vault *v);

/*
 * Seal len bytes of pt into out, which must have len + VAULT_OVERHEAD bytes.
 * table and column are short constant strings ("insured", "ident"); id is the
 * record's id. Returns 0 or VG_EINVAL (len over 64 KiB).
 */
VG_MUST_USE int vault_seal(const struct vault *v, const char *table, const char *column, int64_t id,
                           const uint8_t *pt, size_t len, uint8_t *out);

/*
 * Authenticate and open a sealed value of len bytes into pt (len - VAULT_OVERHEAD
 * bytes). Returns 0, VG_EINVAL (too short) or VG_ECRYPTO (forged, or bound to
 * another place). pt is zeroed on failure.
 */
VG_MUST_USE int vault_unseal(const struct vault *v, const char *table, const char *column,
                             int64_t id, const uint8_t *sealed, size_t len, uint8_t *pt);

/* Keyed BLAKE2b of data under the domain's subkey, VAULT_BIDX bytes into out. */
void vault_blind(const struct vault *v, enum vault_domain d, const void *data, size_t len,
                 uint8_t out[VAULT_BIDX]);

#endif
