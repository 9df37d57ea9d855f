/*
 * entry.h - what vigie puts in its journal for one access: a salted
 * commitment, public, and the sealed access record behind it, private.
 *
 * The record is a canonical JSON text (fixed member order, no spaces):
 *
 *     {"v":1,"time":"2026-11-22T10:04:05.123Z","pro":"10101010101",
 *      "patient":"<32 hex: keyed pseudonym of the NIR asked for>",
 *      "purpose":"rights-check","route":"Patient","status":200,"persons":1,
 *      "fields":"name,birthDate,gender","decision":"allow"}
 *
 * ("purpose" is access_purpose(route): an operator's act on an incident is
 * recorded the same way, route "incident.open", fields "incident:<id>",
 * persons the affected count, the patient pseudonym all zeros; an
 * activation or reset code sent to a person, route "enrol.letter" or
 * "enrol.reset", purpose "account", under that person's pseudonym)
 *
 * and the journal entry (32 bytes) is
 *
 *     SHA-256("vigie-access-v1\n" || salt (32 random bytes) || record)
 *
 * so the public log says nothing about whom or what, while an insured
 * person given the record and the salt recomputes the entry, its leaf hash
 * (RFC 6962: SHA-256(0x00 || entry)) and, with a receipt, the checkpoint.
 *
 * The private blob, sealed by the vault (table "journal", column "access",
 * id = the entry's first 8 bytes), packs the whole struct access_rec, salt
 * and record included, so the database rows can be rebuilt from the log.
 * Pure functions apart from the salt's randomness; thread-safe.
 */
#ifndef VIGIE_JOURNAL_ENTRY_H
#define VIGIE_JOURNAL_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/access.h"
#include "crypto/vault.h"

#define ENTRY_LEN      32
#define ENTRY_DOMAIN   "vigie-access-v1\n"
#define ENTRY_PRIV_MAX (1024 + VAULT_OVERHEAD)

/* Write a's canonical record into a->record (from a's fields). Returns 0 or VG_ETOOBIG. */
VG_MUST_USE int entry_record(struct access_rec *a);

/* out = SHA-256(ENTRY_DOMAIN || salt || record[0 .. len)). */
void entry_commit(const uint8_t salt[ACCESS_SALT], const char *record, size_t len,
                  uint8_t out[ENTRY_LEN]);

/*
 * Prepare a for the journal: a fresh salt, the record, the entry and the
 * sealed private blob (priv, ENTRY_PRIV_MAX bytes; *priv_len set).
 * Returns 0, VG_ETOOBIG or VG_EINVAL.
 */
VG_MUST_USE int entry_prepare(const struct vault *v, struct access_rec *a, uint8_t entry[ENTRY_LEN],
                              uint8_t *priv, size_t *priv_len);

/*
 * Open a private blob read back from the log: unseal it into *a and check
 * that salt and record recompute `entry`. Returns 0, VG_ECRYPTO (forged or
 * another key), VG_ECORRUPT (malformed, or the commitment differs).
 */
VG_MUST_USE int entry_open(const struct vault *v, const uint8_t *entry, size_t entry_len,
                           const uint8_t *priv, size_t priv_len, struct access_rec *a);

/* s's fields for the store (core/access.h) from a journal frame's entry and private blob. */
VG_MUST_USE int entry_sealed(const struct access_rec *a, const uint8_t *entry, size_t entry_len,
                             const uint8_t *priv, size_t priv_len, struct access_sealed *s);

/*
 * Open an access the store kept: entry_open, then the clear columns must be
 * the record's own (a row moved or altered is VG_ECORRUPT); a->idx set.
 */
VG_MUST_USE int entry_open_sealed(const struct vault *v, const struct access_sealed *s,
                                  struct access_rec *a);

#endif
