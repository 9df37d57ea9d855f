/*
 * sessions.h - opaque bearer tokens, for professionals or for insured
 * people's accounts (one struct sessions each, enum session_kind).
 *
 * A token is 32 random bytes, sent base64url (43 characters). Only its keyed
 * hash (vault domain VAULT_D_TOKEN) is stored, so a copied database yields no
 * usable token. Validation is served from an in-memory cache in front of the
 * store; the idle clock is persisted at most once a minute per session.
 * Thread-safe.
 */
#ifndef VIGIE_NODE_SESSIONS_H
#define VIGIE_NODE_SESSIONS_H

#include <stdint.h>
#include "core/err.h"
#include "crypto/vault.h"
#include "store/store.h"

#define TOKEN_B64_LEN 43

struct sessions;

/*
 * kind: enum session_kind; ttl: absolute lifetime; idle: inactivity limit
 * (seconds). *out: sessions_free.
 */
VG_MUST_USE int sessions_new(struct store *st, const struct vault *v, int kind, int64_t ttl,
                             int64_t idle, struct sessions **out);
void sessions_free(struct sessions *s);

/*
 * Open a session for pro_id (the subject: a pro id, or an insured account id); writes the token (NUL-terminated) into token.
 * Returns 0 or a store error.
 */
VG_MUST_USE int sessions_open(struct sessions *s, int64_t pro_id, const char *ip, int64_t now,
                              char token[TOKEN_B64_LEN + 1]);

/*
 * Check a presented token (len bytes, untrusted). Returns 0 and sets *pro_id
 * and, when ip is not NULL, the address the session was opened from; or
 * VG_EDENIED (unknown, expired, idle too long, malformed), or a store error.
 */
VG_MUST_USE int sessions_check(struct sessions *s, const char *token, size_t len, int64_t now,
                               int64_t *pro_id, char ip[46]);

/*
 * End every session of a subject at once (suspension): in the store, so
 * that other nodes see it at their next re-check, and in this cache now.
 */
VG_MUST_USE int sessions_revoke_subject(struct sessions *s, int64_t subject);

/* End a session (logout). 0 even if it did not exist. */
VG_MUST_USE int sessions_close(struct sessions *s, const char *token, size_t len);
/* End the session whose stored hash is h (a person ending one of their sessions). */
VG_MUST_USE int sessions_close_hash(struct sessions *s, const uint8_t h[VAULT_BIDX]);

#endif
