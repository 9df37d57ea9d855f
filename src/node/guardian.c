/*
 * guardian.c - see guardian.h.
 *
 * Accounts: per shard, a guard_table (core/guard_table.h) of states under
 * the shard's mutex. States are never freed while the server runs: the
 * number of professional accounts bounds the memory (100,000 accounts:
 * under 300 MiB; GUARDIAN_ACCOUNTS_MAX in all).
 *
 * Proofs: per shard, a fixed table of (id, until) probed over a window of
 * PROBE slots; a slot whose proof has expired is reused. A proof is
 * refused, never forgotten early: a full window is VG_EBUSY.
 */
#include "node/guardian.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "core/civil.h"
#include "core/guard_table.h"
#include "core/banned.h"

#define SHARDS             64
#define SHARD_ACCOUNTS_MAX (GUARDIAN_ACCOUNTS_MAX / SHARDS)
#define PROOF_SLOTS        16384 /* per shard: 1M proofs alive at once in all */
#define PROBE              32

struct proof_slot {
	uint8_t id[16];
	int64_t until; /* 0: empty */
};

struct shard {
	pthread_mutex_t lock;
	struct guard_table table;
#ifndef NDEBUG
	_Atomic(pthread_t) owner; /* the thread holding lock (debug builds) */
	_Atomic int held;
#endif
	pthread_mutex_t plock;
	struct proof_slot *proofs;
};

struct guardian {
	struct guard_cfg cfg;
	struct shard shard[SHARDS];
	pthread_mutex_t alock;
	struct guardian_alert alerts[GUARDIAN_ALERTS];
	uint64_t alert_seq;
	_Atomic uint64_t counts[GUARD_DECISIONS];
	_Atomic int64_t proofs_from; /* proofs made before it are refused (a restart) */
};

static struct shard *shard_of(struct guardian *g, int64_t id)
{
	uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ULL;

	return &g->shard[x >> 58]; /* top 6 bits: 64 shards */
}

static void shard_lock(struct shard *s)
{
	pthread_mutex_lock(&s->lock);
#ifndef NDEBUG
	atomic_store(&s->owner, pthread_self());
	atomic_store(&s->held, 1);
#endif
}

static void shard_unlock(struct shard *s)
{
#ifndef NDEBUG
	atomic_store(&s->held, 0);
#endif
	pthread_mutex_unlock(&s->lock);
}

#ifndef NDEBUG
/* Whether this thread holds s (SQLite's habit: used inside assert() only). */
static bool shard_held(struct shard *s)
{
	return atomic_load(&s->held) && pthread_equal(atomic_load(&s->owner), pthread_self());
}
#endif

int guardian_new(const uint8_t key[GUARD_KEY_BYTES], struct guardian **out)
{
	struct guardian *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (!g)
		return VG_ENOMEM;
	guard_cfg_init(&g->cfg, key);
	pthread_mutex_init(&g->alock, NULL);
	for (int i = 0; i < SHARDS; i++) {
		struct shard *s = &g->shard[i];

		pthread_mutex_init(&s->lock, NULL);
		pthread_mutex_init(&s->plock, NULL);
		s->proofs = calloc(PROOF_SLOTS, sizeof(*s->proofs));
		if (!s->proofs || guard_table_init(&s->table, SHARD_ACCOUNTS_MAX) != 0) {
			guardian_free(g);
			return VG_ENOMEM;
		}
	}
	*out = g;
	return 0;
}

void guardian_free(struct guardian *g)
{
	if (!g)
		return;
	for (int i = 0; i < SHARDS; i++) {
		struct shard *s = &g->shard[i];

		guard_table_release(&s->table);
		free(s->proofs);
		pthread_mutex_destroy(&s->lock);
		pthread_mutex_destroy(&s->plock);
	}
	pthread_mutex_destroy(&g->alock);
	sodium_memzero(&g->cfg, sizeof(g->cfg));
	free(g);
}

/* The account's state, created on first use if create; NULL when absent or out of memory. */
static struct guard_account *account(struct shard *s, int64_t id, int create)
{
	struct guard_account *a = NULL;

	assert(shard_held(s));
	if (!create)
		return guard_table_find(&s->table, (uint64_t)id);
	return guard_table_get(&s->table, (uint64_t)id, &a) == 0 ? a : NULL;
}

struct guard_result guardian_decide(struct guardian *g, int64_t pro_id, const struct guard_event *e)
{
	struct shard *s = shard_of(g, pro_id);
	struct guard_result res;
	struct guard_account *a;

	shard_lock(s);
	a = account(s, pro_id, 1);
	if (a) {
		res = guard_decide(&g->cfg, a, e);
	} else {
		/* No memory to judge: refuse rather than let lookups through unjudged. */
		res = (struct guard_result){ .decision = GUARD_THROTTLE };
	}
	shard_unlock(s);
	if ((unsigned)res.decision < GUARD_DECISIONS)
		atomic_fetch_add_explicit(&g->counts[res.decision], 1, memory_order_relaxed);
	return res;
}

int guardian_step_up(struct guardian *g, int64_t pro_id, int64_t t_ms)
{
	struct shard *s = shard_of(g, pro_id);
	struct guard_account *a;
	int pending = 0;

	shard_lock(s);
	a = account(s, pro_id, 0);
	if (a && guard_step_up_is_pending(a) && !guard_is_suspended(a)) {
		pending = 1;
		guard_step_up_done(&g->cfg, a, t_ms, civil_paris_offset_min(t_ms / 1000));
	}
	shard_unlock(s);
	return pending;
}

int guardian_step_up_pending(struct guardian *g, int64_t pro_id)
{
	struct shard *s = shard_of(g, pro_id);
	struct guard_account *a;
	int pending;

	shard_lock(s);
	a = account(s, pro_id, 0);
	pending = a && guard_step_up_is_pending(a);
	shard_unlock(s);
	return pending;
}

void guardian_reinstate(struct guardian *g, int64_t pro_id, int64_t t_ms)
{
	struct shard *s = shard_of(g, pro_id);
	struct guard_account *a;

	shard_lock(s);
	a = account(s, pro_id, 0);
	if (a)
		guard_reinstate(&g->cfg, a, t_ms, civil_paris_offset_min(t_ms / 1000));
	shard_unlock(s);
}

void guardian_proofs_from(struct guardian *g, int64_t from_s)
{
	atomic_store(&g->proofs_from, from_s);
}

int guardian_proof_once(struct guardian *g, const uint8_t id[16], int64_t made_s, int64_t until_s,
                        int64_t now_s)
{
	uint64_t h;
	struct shard *s;
	struct proof_slot *free_slot = NULL;
	size_t base;
	int rc = VG_EBUSY;

	if (made_s < atomic_load(&g->proofs_from))
		return VG_EEXIST;  /* perhaps used before a restart: nobody remembers */
	memcpy(&h, id, sizeof(h)); /* id is a hash: its bytes are uniform */
	assert(until_s > now_s);
	s = &g->shard[h % SHARDS];
	base = (size_t)(h / SHARDS) & (PROOF_SLOTS - 1);
	pthread_mutex_lock(&s->plock);
	for (size_t k = 0; k < PROBE; k++) {
		struct proof_slot *p = &s->proofs[(base + k) & (PROOF_SLOTS - 1)];

		if (p->until > now_s && sodium_memcmp(p->id, id, 16) == 0) {
			rc = VG_EEXIST;
			goto out;
		}
		if (!free_slot && p->until <= now_s)
			free_slot = p;
	}
	if (free_slot) {
		memcpy(free_slot->id, id, 16);
		free_slot->until = until_s;
		rc = 0;
	}
out:
	pthread_mutex_unlock(&s->plock);
	return rc;
}

void guardian_alert_add(struct guardian *g, struct guardian_alert *a)
{
	pthread_mutex_lock(&g->alock);
	a->id = ++g->alert_seq;
	g->alerts[(a->id - 1) % GUARDIAN_ALERTS] = *a;
	pthread_mutex_unlock(&g->alock);
}

void guardian_alert_lifted(struct guardian *g, int64_t pro_id, int64_t t_ms, int64_t by)
{
	pthread_mutex_lock(&g->alock);
	for (size_t i = 0; i < GUARDIAN_ALERTS; i++) {
		struct guardian_alert *a = &g->alerts[i];

		if (a->id && a->pro_id == pro_id && !a->reinstated_ms) {
			a->reinstated_ms = t_ms;
			a->reinstated_by = by;
		}
	}
	pthread_mutex_unlock(&g->alock);
}

size_t guardian_alerts(struct guardian *g, struct guardian_alert *out, size_t cap)
{
	size_t n = 0;

	pthread_mutex_lock(&g->alock);
	for (uint64_t id = g->alert_seq; id > 0 && n < cap && g->alert_seq - id < GUARDIAN_ALERTS;
	     id--)
		out[n++] = g->alerts[(id - 1) % GUARDIAN_ALERTS];
	pthread_mutex_unlock(&g->alock);
	return n;
}

void guardian_counts(struct guardian *g, uint64_t out[GUARD_DECISIONS])
{
	for (int i = 0; i < GUARD_DECISIONS; i++)
		out[i] = atomic_load_explicit(&g->counts[i], memory_order_relaxed);
}
