/* people.c - see people.h: three small hash tables under one read-write lock. */
#include "node/people.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "core/banned.h"

#define LOAD_BATCH 512

struct cell {
	uint64_t a, b; /* the key; a == 0 && b == 0: empty */
	int64_t t;     /* when (blocks, oppositions), or the account id (alerts) */
	uint8_t pk[32];
	int dead; /* a removed key (the probe goes on past it) */
};

struct table {
	struct cell *c;
	size_t cap, used; /* used counts live and dead cells */
};

struct people {
	struct store *st;
	pthread_rwlock_t lock;
	struct table blocks, opposed, alerts;
};

static uint64_t mix(uint64_t a, uint64_t b)
{
	uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);

	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ull;
	return x ^ (x >> 29);
}

static struct cell *find(const struct table *t, uint64_t a, uint64_t b)
{
	if (!t->cap)
		return NULL;
	for (size_t i = mix(a, b) & (t->cap - 1), n = 0; n < t->cap;
	     i = (i + 1) & (t->cap - 1), n++) {
		struct cell *c = &t->c[i];

		if (c->a == 0 && c->b == 0 && !c->dead)
			return NULL;
		if (!c->dead && c->a == a && c->b == b)
			return c;
	}
	return NULL;
}

static int grow(struct table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct cell *c = calloc(cap, sizeof(*c)), *old = t->c;
	size_t oldcap = t->cap;

	if (!c)
		return VG_ENOMEM;
	t->c = c;
	t->cap = cap;
	t->used = 0;
	for (size_t i = 0; i < oldcap; i++) {
		struct cell *o = &old[i];

		if ((o->a || o->b) && !o->dead) {
			size_t j = mix(o->a, o->b) & (cap - 1);

			while (c[j].a || c[j].b)
				j = (j + 1) & (cap - 1);
			c[j] = *o;
			t->used++;
		}
	}
	free(old);
	return 0;
}

/* The cell of key (a, b), added if absent; NULL if out of memory. */
static struct cell *put(struct table *t, uint64_t a, uint64_t b)
{
	struct cell *c = find(t, a, b);
	size_t i;

	if (c)
		return c;
	if ((t->used + 1) * 2 > t->cap && grow(t) != 0)
		return NULL;
	for (i = mix(a, b) & (t->cap - 1); (t->c[i].a || t->c[i].b) && !t->c[i].dead;
	     i = (i + 1) & (t->cap - 1))
		;
	c = &t->c[i];
	if (!c->dead)
		t->used++;
	memset(c, 0, sizeof(*c));
	c->a = a;
	c->b = b;
	return c;
}

static void drop(struct table *t, uint64_t a, uint64_t b)
{
	struct cell *c = find(t, a, b);

	if (c)
		c->dead = 1; /* stays counted in used until the next grow */
}

static void key_of_patient(const uint8_t p[VAULT_BIDX], uint64_t *a, uint64_t *b)
{
	memcpy(a, p, 8);
	memcpy(b, p + 8, 8);
	if (*a == 0 && *b == 0)
		*b = 1; /* never the empty key (a pseudonym of zeros has probability 2^-128) */
}

static int load(struct people *p, int64_t now_ms)
{
	int64_t ids[LOAD_BATCH], pros[LOAD_BATCH], after_i = 0, after_p = 0;
	size_t n = 0;
	int rc;

	do { /* blocks */
		rc = store_blocks_all(p->st, after_i, after_p, ids, pros, LOAD_BATCH, &n);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			struct cell *c = put(&p->blocks, (uint64_t)ids[i], (uint64_t)pros[i]);

			if (!c)
				rc = VG_ENOMEM;
		}
		if (n) {
			after_i = ids[n - 1];
			after_p = pros[n - 1];
		}
	} while (rc == 0 && n == LOAD_BATCH);
	after_i = 0;
	do { /* oppositions in the care window */
		rc = rc ? rc
		        : store_cards_opposed(p->st, now_ms - (int64_t)PEOPLE_CARE_DAYS * 86400000,
		                              after_i, ids, pros, LOAD_BATCH, &n);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			struct cell *c = put(&p->opposed, (uint64_t)ids[i], 0);

			if (!c)
				rc = VG_ENOMEM;
			else
				c->t = pros[i];
		}
		if (n)
			after_i = ids[n - 1];
	} while (rc == 0 && n == LOAD_BATCH);
	after_i = 0;
	while (rc == 0) { /* accounts that want every access told */
		struct store_account *acc = calloc(64, sizeof(*acc));

		if (!acc)
			return VG_ENOMEM;
		rc = store_account_alerting(p->st, after_i, acc, 64, &n);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			uint64_t a, b;
			struct cell *c;

			key_of_patient(acc[i].patient, &a, &b);
			c = put(&p->alerts, a, b);
			if (!c)
				rc = VG_ENOMEM;
			else
				c->t = acc[i].id;
			after_i = acc[i].id;
		}
		sodium_memzero(acc, 64 * sizeof(*acc));
		free(acc);
		if (n < 64)
			break;
	}
	return rc;
}

int people_new(struct store *st, int64_t now_ms, struct people **out)
{
	struct people *p = calloc(1, sizeof(*p));
	int rc;

	*out = NULL;
	if (!p)
		return VG_ENOMEM;
	p->st = st;
	pthread_rwlock_init(&p->lock, NULL);
	rc = load(p, now_ms);
	if (rc != 0) {
		people_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void people_free(struct people *p)
{
	if (!p)
		return;
	pthread_rwlock_destroy(&p->lock);
	free(p->blocks.c);
	free(p->opposed.c);
	free(p->alerts.c);
	free(p);
}

int people_blocked(struct people *p, int64_t insured_id, int64_t pro_id)
{
	int hit;

	pthread_rwlock_rdlock(&p->lock);
	hit = find(&p->blocks, (uint64_t)insured_id, (uint64_t)pro_id) != NULL;
	pthread_rwlock_unlock(&p->lock);
	return hit;
}

int people_block(struct people *p, int64_t insured_id, int64_t pro_id, int on, int64_t t_ms)
{
	int rc = store_block_set(p->st, insured_id, pro_id, on, t_ms);

	if (rc != 0)
		return rc;
	pthread_rwlock_wrlock(&p->lock);
	if (on) {
		struct cell *c = put(&p->blocks, (uint64_t)insured_id, (uint64_t)pro_id);

		if (!c)
			rc = VG_ENOMEM;
		else
			c->t = t_ms;
	} else {
		drop(&p->blocks, (uint64_t)insured_id, (uint64_t)pro_id);
	}
	pthread_rwlock_unlock(&p->lock);
	return rc;
}

int64_t people_opposed(struct people *p, int64_t insured_id, uint8_t revoked_pk[32])
{
	const struct cell *c;
	int64_t t = 0;

	memset(revoked_pk, 0, 32);
	pthread_rwlock_rdlock(&p->lock);
	c = find(&p->opposed, (uint64_t)insured_id, 0);
	if (c) {
		t = c->t;
		memcpy(revoked_pk, c->pk, 32);
	}
	pthread_rwlock_unlock(&p->lock);
	return t;
}

int people_oppose(struct people *p, int64_t insured_id, const uint8_t pk[32], int64_t t_ms)
{
	static const uint8_t NONE[32];
	int rc = store_card_set(p->st, insured_id, NONE, t_ms);
	struct cell *c;

	if (rc != 0)
		return rc;
	pthread_rwlock_wrlock(&p->lock);
	c = put(&p->opposed, (uint64_t)insured_id, 0);
	if (c) {
		c->t = t_ms;
		memcpy(c->pk, pk, 32);
	}
	pthread_rwlock_unlock(&p->lock);
	return c ? 0 : VG_ENOMEM;
}

int people_new_card(struct people *p, int64_t insured_id, const uint8_t pk[32])
{
	int rc = store_card_set(p->st, insured_id, pk, 0);
	struct cell *c;

	if (rc != 0)
		return rc;
	pthread_rwlock_wrlock(&p->lock);
	c = find(&p->opposed, (uint64_t)insured_id, 0);
	if (c && sodium_memcmp(c->pk, pk, 32) == 0)
		memset(c->pk, 0, 32); /* the same key again: no longer refused */
	pthread_rwlock_unlock(&p->lock);
	return 0;
}

int64_t people_alerting(struct people *p, const uint8_t patient[VAULT_BIDX])
{
	uint64_t a, b;
	const struct cell *c;
	int64_t id = 0;

	key_of_patient(patient, &a, &b);
	pthread_rwlock_rdlock(&p->lock);
	c = find(&p->alerts, a, b);
	if (c)
		id = c->t;
	pthread_rwlock_unlock(&p->lock);
	return id;
}

int people_set_alerting(struct people *p, const uint8_t patient[VAULT_BIDX], int64_t account_id,
                        int on)
{
	uint64_t a, b;
	int rc = 0;

	key_of_patient(patient, &a, &b);
	pthread_rwlock_wrlock(&p->lock);
	if (on) {
		struct cell *c = put(&p->alerts, a, b);

		if (!c)
			rc = VG_ENOMEM;
		else
			c->t = account_id;
	} else {
		drop(&p->alerts, a, b);
	}
	pthread_rwlock_unlock(&p->lock);
	return rc;
}
