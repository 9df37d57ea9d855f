#include "http/throttle.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#define SLOTS 8192
#define PROBE 8

struct cell {
	uint64_t key;  /* SipHash of the address; 0 = empty */
	int64_t tat;   /* theoretical arrival time (GCRA), unix seconds */
};

struct throttle {
	unsigned burst, period;
	uint8_t hkey[crypto_shorthash_KEYBYTES]; /* random: addresses cannot be chosen to collide */
	pthread_mutex_t lock;
	struct cell cell[SLOTS];
};

int throttle_new(unsigned burst, unsigned period, struct throttle **out)
{
	struct throttle *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return VG_ENOMEM;
	t->burst = burst ? burst : 1;
	t->period = period ? period : 1;
	crypto_shorthash_keygen(t->hkey);
	pthread_mutex_init(&t->lock, NULL);
	*out = t;
	return 0;
}

void throttle_free(struct throttle *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static uint64_t key_of(const struct throttle *t, const char *addr)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t k;

	crypto_shorthash(h, (const unsigned char *)addr, strlen(addr), t->hkey);
	memcpy(&k, h, sizeof(k));
	return k ? k : 1;
}

/* The cell for key, or a free/evictable one if create; NULL if absent. Caller holds lock. */
static struct cell *find(struct throttle *t, uint64_t key, int create, int64_t now)
{
	struct cell *victim = NULL;

	for (unsigned i = 0; i < PROBE; i++) {
		struct cell *c = &t->cell[(key + i) % SLOTS];

		if (c->key == key)
			return c;
		if (!create)
			continue;
		if (c->key == 0 || c->tat <= now) {
			if (!victim || victim->key != 0)
				victim = c;
		} else if (!victim || (victim->key != 0 && c->tat < victim->tat)) {
			victim = c;
		}
	}
	if (victim) {
		victim->key = key;
		victim->tat = now;
	}
	return victim;
}

int64_t throttle_ip_wait(struct throttle *t, const char *addr, int64_t now)
{
	uint64_t key = key_of(t, addr);
	/* After burst quick failures the debt is burst * period: wait one period. */
	int64_t wait = 0, allowance = (int64_t)(t->burst - 1) * t->period;
	struct cell *c;

	pthread_mutex_lock(&t->lock);
	c = find(t, key, 0, now);
	if (c && c->tat - now > allowance)
		wait = c->tat - now - allowance;
	pthread_mutex_unlock(&t->lock);
	return wait;
}

/* Move addr's debt by one period: up for a failure, down (not below now) for a refund. */
static void adjust(struct throttle *t, const char *addr, int64_t now, int up)
{
	uint64_t key = key_of(t, addr);
	struct cell *c;
	int64_t base;

	pthread_mutex_lock(&t->lock);
	c = find(t, key, up, now);
	if (c) {
		base = c->tat > now ? c->tat : now;
		c->tat = up ? base + t->period : base - t->period > now ? base - t->period : now;
	}
	pthread_mutex_unlock(&t->lock);
}

void throttle_ip_fail(struct throttle *t, const char *addr, int64_t now)
{
	adjust(t, addr, now, 1);
}

void throttle_ip_refund(struct throttle *t, const char *addr, int64_t now)
{
	adjust(t, addr, now, 0);
}

int64_t throttle_account_lock(int32_t failed, unsigned free_n, unsigned max_n)
{
	int64_t secs;
	int32_t over;

	if (max_n > 100)
		max_n = 100;
	if (failed >= (int32_t)max_n)
		return THROTTLE_FOREVER;
	if (failed < (int32_t)free_n)
		return 0;
	over = failed - (int32_t)free_n;
	secs = over >= 7 ? 3600 : (int64_t)30 << over;
	return secs > 3600 ? 3600 : secs;
}


/* ---- login_watch ---- */

#define W_SLOTS 4096
#define W_PROBE 8
#define W_ITEMS 16

struct wcell {
	uint64_t key;                 /* 0 = empty */
	int64_t start;                /* the window's start */
	int64_t last;                 /* last failure (eviction: the oldest goes) */
	int64_t blocked_until;
	uint32_t n;                   /* distinct items in the window (saturates at 255) */
	uint64_t item[W_ITEMS];       /* the first W_ITEMS of them */
};

struct login_watch {
	uint8_t hkey[crypto_shorthash_KEYBYTES];
	pthread_mutex_t lock;
	struct wcell cell[W_SLOTS];
};

int login_watch_new(struct login_watch **out)
{
	struct login_watch *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (!w)
		return VG_ENOMEM;
	crypto_shorthash_keygen(w->hkey);
	pthread_mutex_init(&w->lock, NULL);
	*out = w;
	return 0;
}

void login_watch_free(struct login_watch *w)
{
	if (!w)
		return;
	pthread_mutex_destroy(&w->lock);
	free(w);
}

static uint64_t whash(const struct login_watch *w, const char *s)
{
	uint8_t h[crypto_shorthash_BYTES];
	uint64_t k;

	crypto_shorthash(h, (const unsigned char *)s, strlen(s), w->hkey);
	memcpy(&k, h, sizeof(k));
	return k ? k : 1;
}

/* key's cell, taking the oldest of its probe window if absent and create. Lock held. */
static struct wcell *wfind(struct login_watch *w, uint64_t key, int create)
{
	size_t base = (size_t)(key % W_SLOTS);
	struct wcell *victim = NULL;

	for (size_t i = 0; i < W_PROBE; i++) {
		struct wcell *c = &w->cell[(base + i) % W_SLOTS];

		if (c->key == key)
			return c;
		if (!victim || c->key == 0 || (victim->key != 0 && c->last < victim->last))
			victim = c;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	victim->key = key;
	return victim;
}

unsigned login_watch_fail(struct login_watch *w, const char *key, const char *item, int64_t now,
                          int64_t window)
{
	uint64_t k = whash(w, key), it = whash(w, item);
	struct wcell *c;
	unsigned n;
	int seen = 0;

	pthread_mutex_lock(&w->lock);
	c = wfind(w, k, 1);
	if (now - c->start >= window) {
		/* A new window; a block outlives it. */
		c->start = now;
		c->n = 0;
	}
	c->last = now;
	for (uint32_t i = 0; i < c->n && i < W_ITEMS; i++)
		if (c->item[i] == it)
			seen = 1;
	if (!seen) {
		if (c->n < W_ITEMS)
			c->item[c->n] = it;
		if (c->n < 255)
			c->n++;
	}
	n = c->n;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void login_watch_block(struct login_watch *w, const char *key, int64_t until)
{
	struct wcell *c;

	pthread_mutex_lock(&w->lock);
	c = wfind(w, whash(w, key), 1);
	if (until > c->blocked_until)
		c->blocked_until = until;
	if (c->last < until)
		c->last = until; /* a blocked key is the last to be evicted */
	pthread_mutex_unlock(&w->lock);
}

int64_t login_watch_blocked(struct login_watch *w, const char *key, int64_t now)
{
	struct wcell *c;
	int64_t left = 0;

	pthread_mutex_lock(&w->lock);
	c = wfind(w, whash(w, key), 0);
	if (c && c->blocked_until > now)
		left = c->blocked_until - now;
	pthread_mutex_unlock(&w->lock);
	return left;
}
