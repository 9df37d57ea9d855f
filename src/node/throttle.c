#include "node/throttle.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "core/banned.h"

#define SLOTS 8192
#define PROBE 8

struct cell {
	uint64_t key; /* SipHash of the address; 0 = empty */
	int64_t tat;  /* theoretical arrival time (GCRA), unix seconds */
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
