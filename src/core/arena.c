/* arena.c - see arena.h. */
#include "core/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include "core/banned.h"

#define ALIGN     16
#define CHUNK_MIN 16384

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap, used;
	_Alignas(16) unsigned char data[];
};

static size_t round_up(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

void arena_init(struct arena *a, void *first, size_t first_cap, size_t limit)
{
	memset(a, 0, sizeof(*a));
	/* The first chunk must be aligned itself for the rounding below to align its blocks. */
	if (first && ((uintptr_t)first % ALIGN) == 0) {
		a->first = first;
		a->first_cap = first_cap & ~(size_t)(ALIGN - 1);
	}
	a->limit = limit;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c;
	size_t need = round_up(n ? n : 1), cap;
	void *p;

	if (need < n || need > a->limit || a->used > a->limit - need)
		return NULL;
	if (a->first && a->first_cap - a->first_used >= need) {
		p = a->first + a->first_used;
		a->first_used += need;
		a->used += need;
		memset(p, 0, need); /* only what is handed out: most requests use little of it */
		return p;
	}
	c = a->chunks;
	if (!c || c->cap - c->used < need) {
		cap = need > CHUNK_MIN ? need : CHUNK_MIN;
		c = calloc(1, sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->next = a->chunks;
		a->chunks = c;
	}
	p = c->data + c->used;
	c->used += need;
	a->used += need;
	return p; /* calloc'd, and never handed out twice */
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->chunks, *next;

	for (; c; c = next) {
		next = c->next;
		sodium_memzero(c->data, c->used);
		free(c);
	}
	if (a->first)
		sodium_memzero(a->first, a->first_used);
	a->chunks = NULL;
	a->first_used = 0;
	a->used = 0;
}
