#include "node/sessions.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/banned.h"

#define SLOTS         4096 /* cache entries; a miss falls back to the store */
#define TOUCH_EVERY   60   /* seconds between persisted idle-clock updates */
#define RECHECK_EVERY 5    /* seconds a cached session is trusted without the store */
#define STRIPES       16

struct entry {
	uint8_t h[VAULT_BIDX];
	int64_t pro_id, expires, last_used, persisted, checked;
	int used;
	char ip[46]; /* the address the session was opened from */
};

struct sessions {
	struct store *st;
	const struct vault *v;
	int kind;
	int64_t ttl, idle;
	pthread_mutex_t lock[STRIPES];
	struct entry slot[SLOTS];
};

int sessions_new(struct store *st, const struct vault *v, int kind, int64_t ttl, int64_t idle,
                 struct sessions **out)
{
	struct sessions *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return VG_ENOMEM;
	s->st = st;
	s->v = v;
	s->kind = kind;
	s->ttl = ttl;
	s->idle = idle;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&s->lock[i], NULL);
	*out = s;
	return 0;
}

void sessions_free(struct sessions *s)
{
	if (!s)
		return;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&s->lock[i]);
	sodium_memzero(s->slot, sizeof(s->slot));
	free(s);
}

static unsigned slot_of(const uint8_t h[VAULT_BIDX])
{
	unsigned x;

	memcpy(&x, h, sizeof(x)); /* h is a keyed hash: its bytes are uniform */
	return x % SLOTS;
}

static int hash_token(const struct sessions *s, const char *token, size_t len,
                      uint8_t h[VAULT_BIDX])
{
	if (len != TOKEN_B64_LEN)
		return VG_EDENIED;
	for (size_t i = 0; i < len; i++) {
		char c = token[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return VG_EDENIED;
	}
	vault_blind(s->v, VAULT_D_TOKEN, token, len, h);
	return 0;
}

int sessions_open(struct sessions *s, int64_t pro_id, const char *ip, int64_t now,
                  char token[TOKEN_B64_LEN + 1])
{
	uint8_t raw[32];
	struct store_session ss = { 0 };
	unsigned k;
	int rc;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, TOKEN_B64_LEN + 1, raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	rc = hash_token(s, token, TOKEN_B64_LEN, ss.token_hash);
	if (rc != 0)
		return rc;
	ss.kind = s->kind;
	ss.pro_id = pro_id;
	ss.created = ss.last_used = now;
	ss.expires = now + s->ttl;
	memcpy(ss.ip, ip, strnlen(ip, sizeof(ss.ip) - 1));
	rc = store_session_put(s->st, &ss);
	if (rc != 0)
		return rc;
	k = slot_of(ss.token_hash);
	pthread_mutex_lock(&s->lock[k % STRIPES]);
	s->slot[k] = (struct entry){ .pro_id = pro_id,
		                     .expires = ss.expires,
		                     .last_used = now,
		                     .persisted = now,
		                     .checked = now,
		                     .used = 1 };
	memcpy(s->slot[k].h, ss.token_hash, VAULT_BIDX);
	memcpy(s->slot[k].ip, ss.ip, sizeof(ss.ip));
	pthread_mutex_unlock(&s->lock[k % STRIPES]);
	return 0;
}

int sessions_check(struct sessions *s, const char *token, size_t len, int64_t now, int64_t *pro_id,
                   char ip[46])
{
	uint8_t h[VAULT_BIDX];
	struct store_session ss;
	struct entry *e;
	unsigned k;
	int rc = 0, persist = 0, hit = 0;
	int64_t last_used = 0, persisted = 0;

	if (hash_token(s, token, len, h) != 0)
		return VG_EDENIED;
	k = slot_of(h);
	e = &s->slot[k];
	pthread_mutex_lock(&s->lock[k % STRIPES]);
	/*
	 * A cached entry is re-read from the store every few seconds, so that a
	 * session ended elsewhere (logout on another node, revocation by an
	 * operator, a lost race with a concurrent logout) stops working quickly.
	 */
	if (e->used && sodium_memcmp(e->h, h, VAULT_BIDX) == 0) {
		if (now - e->checked < RECHECK_EVERY) {
			hit = 1;
			if (now >= e->expires || now - e->last_used > s->idle) {
				e->used = 0;
				rc = VG_EDENIED;
			} else {
				e->last_used = now;
				if (now - e->persisted >= TOUCH_EVERY) {
					e->persisted = now;
					persist = 1;
				}
				*pro_id = e->pro_id;
				if (ip)
					memcpy(ip, e->ip, sizeof(e->ip));
				rc = 0;
			}
		} else {
			/* Due for a re-check: keep the idle clock the cache knows better. */
			last_used = e->last_used;
			persisted = e->persisted;
		}
	}
	pthread_mutex_unlock(&s->lock[k % STRIPES]);
	if (hit) {
		if (rc == VG_EDENIED)
			VG_IGNORE(store_session_delete(s->st, s->kind, h));
		else if (persist)
			VG_IGNORE(store_session_touch(s->st, s->kind, h,
			                              now)); /* best effort: idle clock only */
		return rc;
	}
	/* Not cached (evicted, issued before a restart) or due for a re-check: ask the store. */
	rc = store_session_get(s->st, s->kind, h, &ss);
	if (rc == VG_ENOTFOUND)
		return VG_EDENIED;
	if (rc != 0)
		return rc;
	if (ss.last_used > last_used)
		last_used = ss.last_used;
	if (ss.last_used > persisted)
		persisted = ss.last_used;
	if (now >= ss.expires || now - last_used > s->idle) {
		VG_IGNORE(store_session_delete(s->st, s->kind, h));
		return VG_EDENIED;
	}
	if (now - persisted >= TOUCH_EVERY) {
		VG_IGNORE(store_session_touch(s->st, s->kind, h, now));
		persisted = now;
	}
	pthread_mutex_lock(&s->lock[k % STRIPES]);
	*e = (struct entry){ .pro_id = ss.pro_id,
		             .expires = ss.expires,
		             .last_used = now,
		             .persisted = persisted,
		             .checked = now,
		             .used = 1 };
	memcpy(e->h, h, VAULT_BIDX);
	memcpy(e->ip, ss.ip, sizeof(ss.ip));
	pthread_mutex_unlock(&s->lock[k % STRIPES]);
	*pro_id = ss.pro_id;
	if (ip)
		memcpy(ip, ss.ip, sizeof(ss.ip));
	return 0;
}

int sessions_revoke_subject(struct sessions *s, int64_t subject)
{
	/* The store first: a re-check that races with this finds nothing. */
	int rc = store_session_delete_subject(s->st, s->kind, subject);

	for (unsigned k = 0; k < SLOTS; k++) {
		pthread_mutex_lock(&s->lock[k % STRIPES]);
		if (s->slot[k].used && s->slot[k].pro_id == subject)
			s->slot[k].used = 0;
		pthread_mutex_unlock(&s->lock[k % STRIPES]);
	}
	return rc;
}

int sessions_close(struct sessions *s, const char *token, size_t len)
{
	uint8_t h[VAULT_BIDX];

	if (hash_token(s, token, len, h) != 0)
		return 0;
	return sessions_close_hash(s, h);
}

int sessions_close_hash(struct sessions *s, const uint8_t h[VAULT_BIDX])
{
	unsigned k = slot_of(h);

	pthread_mutex_lock(&s->lock[k % STRIPES]);
	if (s->slot[k].used && sodium_memcmp(s->slot[k].h, h, VAULT_BIDX) == 0)
		s->slot[k].used = 0;
	pthread_mutex_unlock(&s->lock[k % STRIPES]);
	return store_session_delete(s->st, s->kind, h);
}
