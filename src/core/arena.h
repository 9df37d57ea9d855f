/*
 * arena.h - per-request memory (CONVENTIONS §6): allocations that live
 * exactly as long as one request, wiped and released together when it ends.
 *
 * Invariants:
 *  (a) an arena never holds more than its limit (a size an attacker
 *      influences is bounded before it is allocated): arena_alloc returns
 *      NULL past it, as on malloc failure;
 *  (b) everything arena_alloc returned is zeroed, 16-byte aligned, and valid
 *      until arena_release, which wipes every byte (secrets and personal
 *      data go through request buffers) and frees the chunks;
 *  (c) not thread-safe: one arena, one thread at a time (a request moves
 *      between an event thread and a worker, never both at once).
 *
 * Life cycle: arena_init (caller-owned struct, optional first chunk in it),
 * arena_alloc any number of times, arena_release.
 */
#ifndef VIGIE_CORE_ARENA_H
#define VIGIE_CORE_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *chunks; /* owned, newest first */
	unsigned char *first;       /* borrowed first chunk (may be NULL) */
	size_t first_cap, first_used;
	size_t used, limit; /* bytes handed out (chunk headers aside), and the bound */
};

/* Set up a: first (may be NULL) is a buffer of first_cap bytes used before any malloc. */
void arena_init(struct arena *a, void *first, size_t first_cap, size_t limit);

/* n zeroed bytes, 16-byte aligned, or NULL (over the limit, or out of memory). */
void *arena_alloc(struct arena *a, size_t n);

/* Wipe and free everything; a may be used again after arena_init. Accepts a zeroed struct. */
void arena_release(struct arena *a);

#endif
