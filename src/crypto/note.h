/*
 * note.h - C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, the
 * checkpoints they carry (c2sp.org/tlog-checkpoint) and offline inclusion
 * receipts (c2sp.org/tlog-proof). Pure: no I/O, no allocation; thread-safe.
 */
#ifndef VIGIE_CRYPTO_NOTE_H
#define VIGIE_CRYPTO_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/merkle.h"

#define NOTE_NAME_MAX 128      /* key name / origin bytes, excluding NUL */
#define NOTE_SIG_ED25519 0x01
#define NOTE_MAX (1 << 20)     /* longest note accepted */
#define NOTE_SIGS_MAX 100      /* most signature lines accepted */

/* Key ID: the first 4 bytes (big-endian) of SHA-256(name || 0x0A || 0x01 || pk). */
uint32_t note_key_id(const char *name, const uint8_t pk[32]);

/* "<name>+<8 hex>+<base64(0x01 || pk)>" into buf. VG_EINVAL (bad name), VG_ETOOBIG. */
VG_MUST_USE int note_vkey_format(const char *name, const uint8_t pk[32], char *buf, size_t cap);

struct note_verifier {
	char name[NOTE_NAME_MAX + 1];
	uint32_t id;
	uint8_t pk[32];
};

/* Parse an untrusted verifier key string of len bytes. 0 or VG_EINVAL. */
VG_MUST_USE int note_vkey_parse(const char *s, size_t len, struct note_verifier *out);

/*
 * Sign note text (len bytes: non-empty lines each ending in '\n', UTF-8
 * without control characters) under key `name` with the libsodium secret
 * key sk. out gets text, an empty line and one signature line.
 * Returns 0, VG_EINVAL (bad text or name), VG_ETOOBIG.
 */
VG_MUST_USE int note_sign(const char *name, const uint8_t sk[64], const char *text, size_t len,
                          char *out, size_t cap, size_t *out_len);

/*
 * Open an untrusted signed note: the text ends at the last "\n\n"; signature
 * lines by unknown keys are ignored; a known key's bad signature rejects the
 * note; at least one known key must verify. *text_len is the text's length
 * (msg[0 .. *text_len), ending in '\n'). Returns 0, VG_EINVAL (malformed),
 * VG_ECRYPTO (no known key verified, or a bad signature).
 */
VG_MUST_USE int note_open(const char *msg, size_t len, const struct note_verifier *v, size_t nv,
                          size_t *text_len);

struct checkpoint {
	char origin[NOTE_NAME_MAX + 1];
	uint64_t size;
	uint8_t root[MERKLE_HASH_LEN];
};

/* "<origin>\n<size>\n<base64 root>\n" into buf. VG_EINVAL, VG_ETOOBIG. */
VG_MUST_USE int checkpoint_format(const struct checkpoint *c, char *buf, size_t cap, size_t *len);
/*
 * Parse an untrusted checkpoint text (as note_open returns it): an origin
 * spelled like a key name (no spaces, '+' or control characters), a decimal size without leading zeros up to MERKLE_SIZE_MAX, the
 * canonical base64 of 32 bytes; extension lines after are allowed.
 * Returns 0 or VG_EINVAL.
 */
VG_MUST_USE int checkpoint_parse(const char *text, size_t len, struct checkpoint *out);

/* A c2sp.org/tlog-proof@v1 receipt (no extra line) into buf. VG_EINVAL, VG_ETOOBIG. */
VG_MUST_USE int tlog_proof_format(uint64_t index, const struct merkle_proof *proof,
                                  const char *signed_checkpoint, size_t cp_len, char *buf,
                                  size_t cap, size_t *len);
/*
 * Parse an untrusted receipt: *index, *proof (at most MERKLE_PROOF_MAX
 * hashes), and the signed checkpoint as a slice of s (*cp, *cp_len) for the
 * caller to open and check. An "extra" line is accepted and ignored.
 * Returns 0 or VG_EINVAL.
 */
VG_MUST_USE int tlog_proof_parse(const char *s, size_t len, uint64_t *index,
                                 struct merkle_proof *proof, const char **cp, size_t *cp_len);

#endif
