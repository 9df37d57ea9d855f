/*
 * note.h - C2SP signed notes with Ed25519 keys (c2sp.org/signed-note), the
 * checkpoints they carry (c2sp.org/tlog-checkpoint) and offline inclusion
 * receipts (c2sp.org/tlog-proof@v1): format, sign, parse and verify.
 *
 * A signed note, byte for byte:
 *
 *     <text: lines each ending in '\n'; empty lines allowed>
 *     \n                                   the separating empty line
 *     U+2014 ' ' <key name> ' ' <base64(key ID || signature)> '\n'   1..100 of these
 *
 * The whole note is valid UTF-8 without ASCII control characters other than
 * '\n', and its text ends at the *last* empty line ("\n\n"). A key name is
 * non-empty and has no Unicode space (White_Space) and no '+'. An Ed25519
 * key's ID is the first 4 bytes (big-endian) of
 * SHA-256(name || 0x0A || 0x01 || pk); its signature covers the text only.
 *
 * Invariants and bounds:
 *  - Pure: no I/O, no allocation, no globals. Every input is a (pointer,
 *    length) pair that is borrowed for the call only, except the slice
 *    tlog_proof_parse hands back, which points into the caller's buffer.
 *  - Untrusted input is bounded before it is scanned: a note is at most
 *    NOTE_MAX bytes with at most NOTE_SIGS_MAX signature lines, a receipt at
 *    most TLOG_PROOF_MAX bytes; names, origins and proofs fit fixed arrays.
 *  - Base64 is standard (RFC 4648 section 4) and must be canonical: padded,
 *    no whitespace, zero trailing bits. One value has one spelling.
 *  - Parsers zero (or empty) their outputs on every error.
 *
 * Errors: VG_EINVAL for input that breaks a spec (or a bound of ours on a
 * name), VG_ETOOBIG for input or output over a size bound, VG_ECRYPTO when
 * signatures decide against a note.
 *
 * Thread safety: every function is reentrant and may run concurrently;
 * libsodium must be initialised (sodium_init) first.
 *
 *     struct note_verifier v;
 *     struct checkpoint c;
 *     size_t tl;
 *
 *     if (note_vkey_parse(vkey, strlen(vkey), &v) != 0 ||
 *         note_open(msg, len, &v, 1, &tl) != 0 ||   // msg[0 .. tl) is the text
 *         checkpoint_parse(msg, tl, &c) != 0 || strcmp(c.origin, v.name) != 0)
 *             refuse();
 */
#ifndef VIGIE_CRYPTO_NOTE_H
#define VIGIE_CRYPTO_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/merkle.h"

#define NOTE_NAME_MAX       128       /* key name / origin bytes, excluding NUL */
#define NOTE_SIG_ED25519    0x01      /* signature type byte of an Ed25519 key */
#define NOTE_MAX            (1 << 20) /* longest note accepted or produced, bytes */
#define NOTE_SIGS_MAX       100       /* most signature lines accepted (Go's x/mod limit) */
/* Room for any verifier key note_vkey_format writes, NUL included. */
#define NOTE_VKEY_MAX       (NOTE_NAME_MAX + 1 + 8 + 1 + 44 + 1)
/* Most bytes note_sign adds after the text: "\n— <name> <92 base64>\n". */
#define NOTE_SIGN_OVERHEAD  (1 + 4 + NOTE_NAME_MAX + 1 + 92 + 1)
/* Room for any text checkpoint_format writes, NUL included. */
#define CHECKPOINT_TEXT_MAX (NOTE_NAME_MAX + 1 + 19 + 1 + 44 + 1 + 1)
/* Longest receipt accepted or produced: a note plus room for the proof lines. */
#define TLOG_PROOF_MAX      (NOTE_MAX + (1 << 16))

/* ---- keys --------------------------------------------------------------- */

/*
 * The key ID of the Ed25519 public key pk under `name`:
 * SHA-256(name || 0x0A || 0x01 || pk)[:4] read as a big-endian uint32.
 * name is a NUL-terminated string; it is not validated here (the ID of an
 * invalid name is well defined, merely useless). Both pointers borrowed.
 */
uint32_t note_key_id(const char *name, const uint8_t pk[32]);

/*
 * Write the verifier key "<name>+<8 lower-case hex of the key ID>+
 * <base64(0x01 || pk)>" into buf (cap bytes; NOTE_VKEY_MAX always suffices),
 * NUL-terminated. Returns 0; VG_EINVAL if name is not a valid key name or is
 * longer than NOTE_NAME_MAX bytes; VG_ETOOBIG if cap is too small. On error
 * buf holds "" (if cap > 0).
 */
VG_MUST_USE int note_vkey_format(const char *name, const uint8_t pk[32], char *buf, size_t cap);

/* A known Ed25519 key. Fill it with note_vkey_parse. name is NUL-terminated. */
struct note_verifier {
	char name[NOTE_NAME_MAX + 1];
	uint32_t id;
	uint8_t pk[32];
};

/*
 * Parse an untrusted verifier key of len bytes (no NUL needed; no
 * surrounding whitespace allowed) into *out. Accepted: a valid key name of
 * at most NOTE_NAME_MAX bytes, '+', exactly 8 hex digits (either case; the
 * spec does not say, and Go accepts both), '+', the canonical base64 of
 * 0x01 followed by a 32-byte key, and an ID equal to note_key_id of that
 * name and key. Returns 0, or VG_EINVAL with *out zeroed.
 */
VG_MUST_USE int note_vkey_parse(const char *s, size_t len, struct note_verifier *out);

/* ---- signed notes ------------------------------------------------------- */

/*
 * Sign text (len bytes) under key `name` with the libsodium Ed25519 secret
 * key sk (64 bytes: seed || public key; the key ID comes from its second
 * half). This function assumes:
 *  (a) text is a note text: len >= 1, it ends in '\n', it is valid UTF-8
 *      and has no ASCII control character but '\n' (empty lines are fine;
 *      a checkpoint's text has none, but that is checkpoint_parse's rule);
 *  (b) name is a valid key name of at most NOTE_NAME_MAX bytes.
 * Writes text, "\n" and "— <name> <base64(id || sig)>\n" into out (cap
 * bytes; len + NOTE_SIGN_OVERHEAD always suffices), not NUL-terminated, and
 * sets *out_len. text and out must not overlap. Returns 0; VG_EINVAL if (a)
 * or (b) does not hold; VG_ETOOBIG if cap is too small or the note would be
 * over NOTE_MAX. On error *out_len is 0. sk is borrowed and not copied.
 */
VG_MUST_USE int note_sign(const char *name, const uint8_t sk[64], const char *text, size_t len,
                          char *out, size_t cap, size_t *out_len);

/*
 * Open an untrusted signed note msg (len bytes, no NUL needed) against the
 * nv known keys v[0 .. nv) (borrowed, from note_vkey_parse; v may be NULL
 * when nv is 0). The note must be exactly as described at the top of this
 * file, each signature line's base64 canonical and at least 5 bytes long.
 * A line is by a known key when both its name and its key ID match one of
 * v; every such line must verify (a 68-byte ID || Ed25519 signature over
 * the text). Lines by other keys, even sharing a name or an ID with a known
 * key, are ignored. At least one line by a known key must verify.
 *
 * Returns 0 with *text_len set: the text is msg[0 .. *text_len), ends in
 * '\n', and msg[*text_len] is the separating '\n'. Otherwise *text_len is 0
 * and it returns VG_ETOOBIG (len > NOTE_MAX, or more than NOTE_SIGS_MAX
 * signature lines), VG_EINVAL (malformed; checked before any signature), or
 * VG_ECRYPTO (a known key's signature fails, or no known key signed).
 */
VG_MUST_USE int note_open(const char *msg, size_t len, const struct note_verifier *v, size_t nv,
                          size_t *text_len);

/* ---- checkpoints -------------------------------------------------------- */

/* A checkpoint's three mandatory lines. origin is NUL-terminated. */
struct checkpoint {
	char origin[NOTE_NAME_MAX + 1];
	uint64_t size;
	uint8_t root[MERKLE_HASH_LEN];
};

/*
 * Write the checkpoint text "<origin>\n<size>\n<base64 root>\n" (no
 * extension lines) into buf (cap bytes; CHECKPOINT_TEXT_MAX always
 * suffices), NUL-terminated, and set *len to its length without the NUL.
 * Returns 0; VG_EINVAL if the origin is not one checkpoint_parse accepts or
 * size > MERKLE_SIZE_MAX; VG_ETOOBIG if cap is too small. On error *len is
 * 0 and buf holds "" (if cap > 0).
 */
VG_MUST_USE int checkpoint_format(const struct checkpoint *c, char *buf, size_t cap, size_t *len);

/*
 * Parse an untrusted checkpoint text of len bytes (as note_open returns it)
 * into *out. Accepted: valid UTF-8 without control characters but '\n', at
 * least three lines, every line non-empty and ending in '\n':
 *  1. the origin: any non-empty line (the spec tells clients not to assume
 *     it looks like a key name), at most NOTE_NAME_MAX bytes;
 *  2. the tree size in decimal, no leading zero, at most MERKLE_SIZE_MAX;
 *  3. the canonical base64 of the 32-byte root hash;
 *  4. optional extension lines, accepted and ignored (so texts differing
 *     only in them parse alike; compare lengths with checkpoint_format's if
 *     that matters).
 * Whether the origin is the expected log is the caller's check. Returns 0,
 * VG_EINVAL (malformed) or VG_ETOOBIG (len > NOTE_MAX); *out is zeroed on
 * error.
 */
VG_MUST_USE int checkpoint_parse(const char *text, size_t len, struct checkpoint *out);

/* ---- tlog-proof receipts ------------------------------------------------ */

/*
 * Write the c2sp.org/tlog-proof@v1 receipt
 *
 *     c2sp.org/tlog-proof@v1\n
 *     index <index>\n
 *     <base64 hash>\n       proof->hash[0 .. proof->len), leaf's sibling first
 *     \n
 *     <signed_checkpoint, verbatim>
 *
 * into buf (cap bytes), not NUL-terminated, and set *len. No "extra" line
 * is written. signed_checkpoint (cp_len bytes, borrowed) is copied as is;
 * it must be non-empty. Returns 0; VG_EINVAL if index > MERKLE_SIZE_MAX,
 * proof->len > MERKLE_PROOF_MAX or cp_len is 0; VG_ETOOBIG if cap is too
 * small or the receipt would be over TLOG_PROOF_MAX. On error *len is 0.
 */
VG_MUST_USE int tlog_proof_format(uint64_t index, const struct merkle_proof *proof,
                                  const char *signed_checkpoint, size_t cp_len, char *buf,
                                  size_t cap, size_t *len);

/*
 * Parse an untrusted receipt s (len bytes, no NUL needed): the header line
 * exactly; an optional "extra <base64>" line, which must be non-empty
 * canonical base64 and is then ignored (it is unauthenticated, and vigie
 * writes none); "index <n>" in decimal without leading zero, n <=
 * MERKLE_SIZE_MAX; zero to MERKLE_PROOF_MAX lines each the canonical base64
 * of one 32-byte hash, into *proof; an empty line; and a non-empty rest,
 * which is the signed checkpoint.
 *
 * Returns 0 with *index, *proof and the checkpoint as a slice of s: *cp
 * points into s (borrowed: valid while s is) and runs to its end, *cp_len
 * bytes. Nothing of the checkpoint is checked here; the caller must
 * note_open it, checkpoint_parse the text, check the origin, and
 * merkle_verify_inclusion(leaf, *index, size, proof, root). Otherwise
 * returns VG_EINVAL or VG_ETOOBIG (len > TLOG_PROOF_MAX, or more than
 * MERKLE_PROOF_MAX hashes) with *index 0, proof->len 0, *cp NULL, *cp_len 0.
 */
VG_MUST_USE int tlog_proof_parse(const char *s, size_t len, uint64_t *index,
                                 struct merkle_proof *proof, const char **cp, size_t *cp_len);

#endif
