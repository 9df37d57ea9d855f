/*
 * guard_table.h - the guard's per-account states (struct guard_account),
 * by account key: the one table behind the server's guardian (one per
 * shard, under the shard's lock), `vigie replay` and `vigie sim`.
 *
 * Keys are non-zero 64-bit numbers the caller chooses (the server: the
 * account id; replay: the RPPS read as a number). States are allocated in
 * chunks of GUARD_TABLE_CHUNK as accounts appear, never moved (a pointer
 * stays valid until guard_table_release), and fresh ones are
 * guard_account_init'ed. At most `max` accounts (a bound on memory: about
 * 2.8 KiB each).
 *
 * Not thread-safe: the caller serialises every call on one table (the
 * guard's threading contract, guard.h (b)).
 */
#ifndef VIGIE_CORE_GUARD_TABLE_H
#define VIGIE_CORE_GUARD_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/guard.h"

#define GUARD_TABLE_CHUNK 256

struct guard_table_slot {
	uint64_t key; /* 0: empty */
	uint32_t idx; /* the state's index */
};

struct guard_table {
	struct guard_table_slot
	        *slots; /* open addressing, power-of-two capacity, under 50 % full */
	size_t cap, n, max;
	struct guard_account **chunks; /* max / GUARD_TABLE_CHUNK + 1 pointers */
};

/* Set up t for at most max accounts (>= 1). 0 or VG_ENOMEM. */
VG_MUST_USE int guard_table_init(struct guard_table *t, size_t max);
/* Wipe every state and free. Accepts a zeroed struct. */
void guard_table_release(struct guard_table *t);

/*
 * The state of key, created if new: 0 and *out, VG_ETOOBIG past max accounts,
 * VG_ENOMEM, VG_EINVAL for key 0.
 */
VG_MUST_USE int guard_table_get(struct guard_table *t, uint64_t key, struct guard_account **out);
/* The state of key, or NULL if it has none. */
struct guard_account *guard_table_find(const struct guard_table *t, uint64_t key);

static inline size_t guard_table_count(const struct guard_table *t)
{
	return t->n;
}

#endif
