/*
 * pwpolicy.h - which passwords vigie accepts, after NIST SP 800-63B-4
 * (§3.1.1.2, "Password verifiers"): a minimum length counted in Unicode code
 * points, 15 for a password used alone and 8 once the account has a second
 * factor; a maximum of PASSWORD_MAX bytes (at least 256 characters, NIST asks
 * for 64); no composition rules; and refusals of what an attacker tries first:
 * common or breached passwords and dictionary words (the blocklist below),
 * words of the account's own context (names, e-mail, NIR, birth date, the
 * service's own words), repetitive or sequential strings, and what libzxcvbn
 * estimates weaker than a floor (PW_BITS_ALONE, PW_BITS_WITH_MFA).
 *
 * The blocklist is a file built once, at `vigie init`, from Debian's word
 * lists (PWLIST_SOURCES_DEFAULT) and a short built-in list of common French
 * passwords that those lists lack ("motdepasse", "azertyuiop"...). It is an
 * open-addressing hash table of 64-bit fingerprints, mmapped read-only, so a
 * lookup is one keyed BLAKE2b and a few probes whatever the list's size:
 *
 *     header (64 bytes, integers little-endian)
 *       0  magic    "VGPWLST\0"
 *       8  u32      version (1)
 *      12  u32      max_probe: the longest probe sequence of any entry
 *      16  u64      count: distinct fingerprints
 *      24  u64      slots: a power of two, >= 2 * count
 *      32  digest   BLAKE2b-256 of bytes 0..31 and of the table
 *     64  u64[slots] table: 0 is an empty slot, else a fingerprint
 *
 * A fingerprint is BLAKE2b-64 of a key under a fixed domain key; the key of
 * a word is its case-folded UTF-8 (simple folding of Latin, Greek and
 * Cyrillic letters; other scripts compare as they are). Each list entry also
 * adds its "skeleton" (folded, accents removed, letters and digits only), so
 * that "Élève", "eleve" and "é-l-è-v-e" are all refused. With ~600,000
 * fingerprints and pw_check's three lookups, a password is wrongly refused
 * by a fingerprint collision with probability about 2^-43.
 *
 * Invariants: a struct pwlist is immutable after pwlist_open and safe to
 * share between threads; pw_check keeps no state and is thread-safe
 * (libzxcvbn's ZxcvbnMatch has no mutable global state when, as in Debian,
 * its dictionary is compiled in). Passwords are secrets: the copies this
 * module makes are on the stack and wiped before returning (libzxcvbn's own
 * heap copies are freed unwiped; nothing of this module logs them).
 *
 * libsodium must be initialised (sodium_init) before any function here.
 * This module calls only core/ and libc, libsodium, libzxcvbn.
 */
#ifndef VIGIE_CRYPTO_PWPOLICY_H
#define VIGIE_CRYPTO_PWPOLICY_H

#include <stddef.h>
#include "core/err.h"

#define PWLIST_FILE      "pwlist.bin" /* in the data directory (pwlist_ensure) */
#define PWLIST_MAX       (1u << 24)   /* fingerprints a list may hold (a 256 MiB table) */
#define PW_MIN_ALONE     15           /* code points, a password used alone */
#define PW_MIN_WITH_MFA  8            /* code points, once a second factor is set up */
/*
 * Floors of the estimated guessing entropy, in bits. The estimate is
 * libzxcvbn's, the lower of two readings: the password as typed, and its
 * skeleton (see above) plus 5 bits per distinct character dropped
 * (separators, symbols) and 1 if the case was folded. zxcvbn-c scores each
 * space as a brute-force break and so credits four common words with ~20
 * bits they do not have (four of the 1,000 commonest English words, 40
 * bits, score 60 as typed); read through the skeleton its figure tracks the
 * real entropy of random-word passphrases within a bit or two (medians
 * 41.6, 44.6, 50.4 bits for four words of the 1,000, 2,000, 7,776
 * commonest, spaced: 39.9, 43.9, 51.7 real).
 *
 * 40 bits alone: 10^12 guesses, weeks of a 100-GPU farm against one
 * Argon2id hash of a stolen database (online guessing stops at 100
 * failures); four random words from the 2,000 commonest pass 88 % of the
 * time, from the 7,776 commonest 99 %, three of those a third of the time.
 * 50 would refuse half of the diceware-strength (51.7-bit) passphrases.
 * 30 bits with a second factor: the password alone no longer opens the
 * account, and 10^9 guesses still outlast online guessing many times over.
 */
#define PW_BITS_ALONE    40
#define PW_BITS_WITH_MFA 30
#define PW_CONTEXT_MAX   32 /* context words pw_check considers; the rest are ignored */

/* Debian's word lists (packages john-data, cracklib-runtime, wamerican, wfrench, wbritish). */
#define PWLIST_SOURCES_DEFAULT_N 5
extern const char *const PWLIST_SOURCES_DEFAULT[PWLIST_SOURCES_DEFAULT_N];

struct pwlist;

/*
 * Build the blocklist file out_path from n_sources word lists (paths,
 * borrowed; NULL entries skipped) and the built-in list: one word per line,
 * CR trimmed; empty lines, "#!comment:" lines (john's), lines over
 * PASSWORD_MAX bytes and lines that are not valid UTF-8 or hold a NUL are
 * skipped; a missing source (ENOENT) is ignored. Duplicates are merged. The
 * file is written to a temporary file beside out_path, synced, made 0644 and
 * renamed over out_path, so a reader sees the old list or the new one, never
 * half of one. *entries (may be NULL) receives the number of distinct
 * fingerprints. Takes about half a second and 40 MiB for Debian's lists.
 * Returns 0, VG_ENOTFOUND (no source exists), VG_ETOOBIG (over PWLIST_MAX
 * fingerprints, a source over 256 MiB, or a path too long), VG_ENOMEM or
 * VG_EIO (a source cannot be read, or out_path cannot be written).
 */
VG_MUST_USE int pwlist_build(const char *out_path, const char *const *sources, size_t n_sources,
                             size_t *entries);

/*
 * Map the blocklist file at path (opened O_NOFOLLOW) read-only and check it:
 * magic, version, a power-of-two table that fills the file exactly, a count
 * and probe bound that fit, and the digest. *out is owned by the caller:
 * release it with pwlist_free. Returns 0, VG_ENOTFOUND, VG_ECORRUPT (any
 * check failed: a damaged, truncated or foreign file), VG_ENOMEM or VG_EIO.
 */
VG_MUST_USE int pwlist_open(const char *path, struct pwlist **out);

/*
 * Open dir/PWLIST_FILE, building it first from PWLIST_SOURCES_DEFAULT when
 * it does not exist (data directories made before the blocklist). A
 * damaged file is not rebuilt: VG_ECORRUPT says so, and removing it makes
 * the next call rebuild it. Returns what pwlist_build and pwlist_open return.
 */
VG_MUST_USE int pwlist_ensure(const char *dir, struct pwlist **out);

/* Unmap and free. Accepts NULL. */
void pwlist_free(struct pwlist *l);

/* The number of distinct fingerprints in the list. */
size_t pwlist_count(const struct pwlist *l);

/*
 * 1 if the len bytes of pw (not NUL-terminated), case-folded, or their
 * skeleton, are in the open list l (not NULL); 0 if not, and for input
 * that is not valid UTF-8 or longer than PASSWORD_MAX (the build skips
 * such lines). One BLAKE2b and at most max_probe slot reads per key.
 */
VG_MUST_USE int pwlist_contains(const struct pwlist *l, const char *pw, size_t len);

enum pw_verdict {
	PW_OK = 0,
	PW_TOO_SHORT,   /* fewer code points than pw_min_length */
	PW_TOO_LONG,    /* over PASSWORD_MAX bytes */
	PW_BAD_UTF8,    /* not valid UTF-8, or a NUL character */
	PW_BLOCKLISTED, /* a listed word, or mostly one ("motdepasse123456") */
	PW_CONTEXT,     /* mostly words of the account or of the service */
	PW_REPETITIVE,  /* repeated or sequential ("aaaa...", "12345678...", "azertyuiop") */
	PW_WEAK,        /* estimated entropy under PW_BITS_ALONE or PW_BITS_WITH_MFA */
};

/*
 * Judge the len bytes of pw (a candidate password; not NUL-terminated, may
 * hold any bytes) for an account that has (has_second_factor != 0) or has
 * not a second factor. Checks run in this order and the first that fails
 * gives the verdict: length in bytes, UTF-8, length in code points,
 * repetition, the blocklist, the context, the entropy floor.
 *
 * This function assumes: (a) list is an open list, or NULL to skip the
 * blocklist (tests; a server should always pass one: pwlist_ensure); (b) context
 * (NULL, or n_context NUL-terminated words, borrowed; NULL entries skipped):
 * names, the e-mail's local part, the NIR, a birth date as YYYY-MM-DD (its
 * DDMMYYYY, DDMMYY and YYYYMMDD forms are added); the service's own words
 * ("vigie", "ameli", "carte vitale", "securite sociale"...) are always
 * added. Words past PW_CONTEXT_MAX, or over 128 bytes, are ignored; tokens
 * under 3 characters do not count for PW_CONTEXT.
 *
 * Never fails: any input has a verdict. Thread-safe. Uses about 32 KiB
 * of stack. Takes about a millisecond for a typical password and at most
 * ~5 ms for PASSWORD_MAX bytes (libzxcvbn looks at the first 100 in
 * detail): less than the Argon2id hash that follows it.
 */
VG_MUST_USE enum pw_verdict pw_check(const struct pwlist *list, const char *pw, size_t len,
                                     int has_second_factor, const char *const *context,
                                     size_t n_context);

/* The stable machine token of a verdict ("ok", "too-short", "common"...); never NULL. */
const char *pw_verdict_code(enum pw_verdict v);

/* One English sentence that says what to do instead, for API diagnostics; never NULL. */
const char *pw_verdict_reason(enum pw_verdict v, int has_second_factor);

/* PW_MIN_WITH_MFA if has_second_factor, else PW_MIN_ALONE (code points). */
int pw_min_length(int has_second_factor);

#endif
