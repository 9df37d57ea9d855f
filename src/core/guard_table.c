/* guard_table.c - see guard_table.h. */
#include "core/guard_table.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include "core/banned.h"

static size_t slot_of(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)(key & (cap - 1));
}

int guard_table_init(struct guard_table *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max ? max : 1;
	t->cap = 64;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	t->chunks = calloc(t->max / GUARD_TABLE_CHUNK + 1, sizeof(*t->chunks));
	if (!t->slots || !t->chunks) {
		guard_table_release(t);
		return VG_ENOMEM;
	}
	return 0;
}

void guard_table_release(struct guard_table *t)
{
	for (size_t i = 0; t->chunks && i <= t->max / GUARD_TABLE_CHUNK; i++) {
		if (!t->chunks[i])
			continue;
		sodium_memzero(t->chunks[i], GUARD_TABLE_CHUNK * sizeof(struct guard_account));
		free(t->chunks[i]);
	}
	free(t->chunks);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static struct guard_account *state(const struct guard_table *t, uint32_t idx)
{
	return &t->chunks[idx / GUARD_TABLE_CHUNK][idx % GUARD_TABLE_CHUNK];
}

struct guard_account *guard_table_find(const struct guard_table *t, uint64_t key)
{
	if (!key || !t->slots)
		return NULL;
	for (size_t i = slot_of(key, t->cap); t->slots[i].key; i = (i + 1) & (t->cap - 1))
		if (t->slots[i].key == key)
			return state(t, t->slots[i].idx);
	return NULL;
}

static int grow(struct guard_table *t)
{
	size_t cap = t->cap * 2;
	struct guard_table_slot *s = calloc(cap, sizeof(*s));

	if (!s)
		return VG_ENOMEM;
	for (size_t k = 0; k < t->cap; k++) {
		size_t i;

		if (!t->slots[k].key)
			continue;
		for (i = slot_of(t->slots[k].key, cap); s[i].key; i = (i + 1) & (cap - 1))
			;
		s[i] = t->slots[k];
	}
	free(t->slots);
	t->slots = s;
	t->cap = cap;
	return 0;
}

int guard_table_get(struct guard_table *t, uint64_t key, struct guard_account **out)
{
	size_t i;
	uint32_t idx;

	*out = NULL;
	if (!key)
		return VG_EINVAL;
	for (i = slot_of(key, t->cap); t->slots[i].key; i = (i + 1) & (t->cap - 1))
		if (t->slots[i].key == key) {
			*out = state(t, t->slots[i].idx);
			return 0;
		}
	if (t->n >= t->max)
		return VG_ETOOBIG;
	if ((t->n + 1) * 2 > t->cap) {
		if (grow(t) != 0)
			return VG_ENOMEM;
		for (i = slot_of(key, t->cap); t->slots[i].key; i = (i + 1) & (t->cap - 1))
			;
	}
	idx = (uint32_t)t->n;
	if (!t->chunks[idx / GUARD_TABLE_CHUNK]) {
		t->chunks[idx / GUARD_TABLE_CHUNK] =
		        malloc(GUARD_TABLE_CHUNK * sizeof(struct guard_account));
		if (!t->chunks[idx / GUARD_TABLE_CHUNK])
			return VG_ENOMEM;
	}
	guard_account_init(state(t, idx));
	t->slots[i].key = key;
	t->slots[i].idx = idx;
	t->n++;
	*out = state(t, idx);
	return 0;
}
