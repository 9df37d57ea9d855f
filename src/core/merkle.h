/*
 * merkle.h - the pure Merkle-tree core of the journal: RFC 6962 / RFC 9162
 * hashing, inclusion and consistency proofs, the sequencer's frontier, and
 * the C2SP tlog-tiles naming. No I/O and no allocation: stored hashes come
 * from the caller through a callback, so the journal can serve them from
 * tiles, a database or memory.
 *
 * Hashing (SHA-256, libsodium):
 *     leaf hash  = H(0x00 || entry)
 *     node hash  = H(0x01 || left || right)
 *     empty root = H("")
 *
 * Invariants and bounds:
 *  - A tree size is at most MERKLE_SIZE_MAX (2^63 - 1, so it fits the signed
 *    64-bit integers of SQLite and Go); every size and index passed in is
 *    checked against it, against each other (index < size, size1 <= size2),
 *    and hostile values give VG_EINVAL, never undefined behaviour.
 *  - Under that bound an inclusion proof holds at most 63 hashes and a
 *    consistency proof at most 64, so struct merkle_proof is a fixed array
 *    of MERKLE_PROOF_MAX hashes and never allocates.
 *  - A "stored hash" (level, index) is the root of the complete subtree over
 *    leaves [index * 2^level, (index + 1) * 2^level). Only such hashes are
 *    ever asked of a hash provider: they are exactly what tiles hold, and
 *    they never change once the tree has grown past them.
 *
 * Proof verification returns 0 only when the proof holds. Callers treat
 * any other value as "not proven"; the two failure codes only help logs:
 * VG_EINVAL for arguments or a proof shape that cannot fit the sizes given,
 * VG_ECRYPTO when the hashes do not lead to the root(s) given.
 *
 * Thread safety: every function is reentrant; the only shared object is a
 * struct merkle_frontier, which the caller must not append to from two
 * threads at once. libsodium must be initialised (sodium_init) first.
 *
 *     struct merkle_frontier f;
 *     uint8_t leaf[MERKLE_HASH_LEN], root[MERKLE_HASH_LEN];
 *
 *     merkle_frontier_init(&f);
 *     merkle_leaf_hash(entry, entry_len, leaf);
 *     if (merkle_frontier_append(&f, leaf, NULL, NULL) != 0) fail();
 *     merkle_frontier_root(&f, root);      // root of the tree of f.size leaves
 */
#ifndef VIGIE_CORE_MERKLE_H
#define VIGIE_CORE_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define MERKLE_HASH_LEN  32
/* Largest tree size accepted anywhere in this module. */
#define MERKLE_SIZE_MAX  ((uint64_t)INT64_MAX)
/* Levels of the frontier: a size below 2^63 has at most 63 set bits. */
#define MERKLE_LEVELS    63
/* Longest proof (a consistency proof near MERKLE_SIZE_MAX). */
#define MERKLE_PROOF_MAX 64

/*
 * A proof: hash[0 .. len) in RFC 9162 order (from the leaf or the old
 * tree's edge upwards). Filled by the prove functions; a parser of an
 * untrusted proof fills it too, and the verifiers reject len > MERKLE_PROOF_MAX
 * rather than trust it.
 */
struct merkle_proof {
	size_t len;
	uint8_t hash[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
};

/* ---- hashing ---------------------------------------------------------- */

/* out = H(0x00 || entry). entry may be NULL when len is 0. */
void merkle_leaf_hash(const void *entry, size_t len, uint8_t out[MERKLE_HASH_LEN]);
/* out = H(0x01 || left || right). out may alias left or right. */
void merkle_node_hash(const uint8_t left[MERKLE_HASH_LEN], const uint8_t right[MERKLE_HASH_LEN],
                      uint8_t out[MERKLE_HASH_LEN]);
/* out = H(""), the root of the empty tree. */
void merkle_empty_root(uint8_t out[MERKLE_HASH_LEN]);

/*
 * The Merkle tree hash (MTH) of n leaf hashes stored back to back in
 * leaf_hashes (n * MERKLE_HASH_LEN bytes, borrowed; may be NULL when n is
 * 0). O(n) time, O(log n) stack, no allocation. Also the root of a run of
 * tile hashes: a full tile's 8,192 bytes give the hash one level up.
 *
 * Returns 0, or VG_EINVAL if n > MERKLE_SIZE_MAX or leaf_hashes is NULL
 * with n > 0.
 */
VG_MUST_USE int merkle_root(const uint8_t *leaf_hashes, uint64_t n, uint8_t out[MERKLE_HASH_LEN]);

/* ---- stored hashes ---------------------------------------------------- */

/*
 * A hash provider: write the stored hash (level, index) - the root of
 * leaves [index << level, (index + 1) << level) - to out, and return 0 or a
 * negative enum vg_err, which the caller passes through unchanged. The
 * functions below only ask for subtrees that lie wholly inside the tree
 * size they were given, with level < MERKLE_LEVELS. ctx is the caller's.
 */
typedef int (*merkle_hash_fn)(void *ctx, unsigned level, uint64_t index,
                              uint8_t out[MERKLE_HASH_LEN]);

/*
 * The root of the tree of the first `size` leaves, from at most 63 stored
 * hashes (one per set bit of size). size 0 gives the empty root without
 * calling get. Returns 0, VG_EINVAL (size > MERKLE_SIZE_MAX), or get's error.
 */
VG_MUST_USE int merkle_tree_root(merkle_hash_fn get, void *ctx, uint64_t size,
                                 uint8_t out[MERKLE_HASH_LEN]);

/* ---- inclusion proofs (RFC 9162 §2.1.3) ------------------------------- */

/*
 * The inclusion proof of leaf `index` in the tree of `size` leaves, into
 * *out (at most 63 hashes, O(log size) calls to get). Returns 0, VG_EINVAL
 * (index >= size or size > MERKLE_SIZE_MAX), or get's error; *out is
 * emptied (len 0) on every error.
 */
VG_MUST_USE int merkle_prove_inclusion(merkle_hash_fn get, void *ctx, uint64_t index, uint64_t size,
                                       struct merkle_proof *out);

/*
 * Verify that leaf_hash is leaf `index` of the tree of `size` leaves whose
 * root is `root`, with the algorithm of RFC 9162 §2.1.3.2. All pointers are
 * borrowed. Returns 0 if proven; VG_EINVAL if index >= size, size >
 * MERKLE_SIZE_MAX, or proof->len is not exactly the path length for that
 * index and size; VG_ECRYPTO if the recomputed root differs.
 */
VG_MUST_USE int merkle_verify_inclusion(const uint8_t leaf_hash[MERKLE_HASH_LEN], uint64_t index,
                                        uint64_t size, const struct merkle_proof *proof,
                                        const uint8_t root[MERKLE_HASH_LEN]);

/* ---- consistency proofs (RFC 9162 §2.1.4) ----------------------------- */

/*
 * The proof that the tree of size1 leaves is a prefix of the tree of size2
 * leaves, into *out (at most 64 hashes). The proof is empty when size1 is 0
 * or size1 == size2. Returns 0, VG_EINVAL (size1 > size2 or size2 >
 * MERKLE_SIZE_MAX), or get's error; *out is emptied on every error.
 */
VG_MUST_USE int merkle_prove_consistency(merkle_hash_fn get, void *ctx, uint64_t size1,
                                         uint64_t size2, struct merkle_proof *out);

/*
 * Verify that root1 (size1 leaves) and root2 (size2 leaves) are roots of one
 * append-only log, with the algorithm of RFC 9162 §2.1.4.2. Beyond the RFC's
 * 0 < size1 < size2 case: size1 == size2 needs an empty proof and root1 ==
 * root2; size1 == 0 needs an empty proof and root1 == the empty root (every
 * tree extends the empty one). Returns 0 if proven; VG_EINVAL if size1 >
 * size2, size2 > MERKLE_SIZE_MAX or the proof length does not fit the
 * sizes; VG_ECRYPTO if a recomputed root differs.
 */
VG_MUST_USE int merkle_verify_consistency(uint64_t size1, uint64_t size2,
                                          const uint8_t root1[MERKLE_HASH_LEN],
                                          const uint8_t root2[MERKLE_HASH_LEN],
                                          const struct merkle_proof *proof);

/* ---- the frontier: what a sequencer keeps ----------------------------- */

/*
 * The right edge of a tree: for every set bit l of size, hash[l] is the
 * stored hash (l, (size >> l) - 1), the complete subtree of 2^l leaves that
 * sits at that place on the edge. Entries for clear bits are unspecified.
 * About 2 KiB, caller-owned, no pointers: copy it to snapshot it.
 */
struct merkle_frontier {
	uint64_t size;
	uint8_t hash[MERKLE_LEVELS][MERKLE_HASH_LEN];
};

/* Set f to the empty tree. */
void merkle_frontier_init(struct merkle_frontier *f);

/*
 * Append one leaf hash, O(log n). If `completed` is not NULL it receives
 * the stored hashes this append finishes, level 0 (the leaf itself) first:
 * completed[l] is (l, (new_size >> l) - 1) for l = 0 .. ctz(new_size), and
 * *ncompleted (required with completed) their number, at most MERKLE_LEVELS.
 * These are exactly the hashes a tile writer must store.
 * Returns 0, or VG_ETOOBIG when f->size is already MERKLE_SIZE_MAX (f is
 * then unchanged).
 */
VG_MUST_USE int merkle_frontier_append(struct merkle_frontier *f,
                                       const uint8_t leaf_hash[MERKLE_HASH_LEN],
                                       uint8_t completed[][MERKLE_HASH_LEN], unsigned *ncompleted);

/* The root of the tree of f->size leaves (the empty root for size 0). */
void merkle_frontier_root(const struct merkle_frontier *f, uint8_t out[MERKLE_HASH_LEN]);

/*
 * Rebuild the frontier of a tree of `size` leaves from stored hashes, e.g.
 * from tiles after a restart. Returns 0, VG_EINVAL (size > MERKLE_SIZE_MAX)
 * or get's error; f is set to the empty tree on error.
 */
VG_MUST_USE int merkle_frontier_load(struct merkle_frontier *f, merkle_hash_fn get, void *ctx,
                                     uint64_t size);

/* ---- C2SP tlog-tiles -------------------------------------------------- */

#define MERKLE_TILE_HEIGHT    8    /* tree levels per tile level */
#define MERKLE_TILE_WIDTH     256  /* hashes (or entries) in a full tile */
#define MERKLE_TILE_ENTRIES   (-1) /* struct merkle_tile.level of an entry bundle */
/* Highest hash-tile level that can exist below MERKLE_SIZE_MAX. */
#define MERKLE_TILE_LEVEL_MAX 7
/* Room for any path merkle_tile_path writes, NUL included. */
#define MERKLE_TILE_PATH_MAX  64

/*
 * A tile: hash tile `index` at tile level `level` (0 .. MERKLE_TILE_LEVEL_MAX),
 * or entry bundle `index` when level is MERKLE_TILE_ENTRIES; width is
 * 1 .. 256, 256 meaning a full tile. Hash i of hash tile (L, N) is the
 * stored hash (8L, N*256 + i): the root over entries
 * [(N*256+i) * 256^L, (N*256+i+1) * 256^L). Entry bundle N holds entries
 * [N*256, N*256 + width).
 *
 * A tile is "valid" when level and width are in range and the tile fits in
 * a tree of MERKLE_SIZE_MAX entries: (N*256 + width) * 256^L <= MERKLE_SIZE_MAX
 * (the spec allows levels up to 63; above 7 no tile can exist here).
 */
struct merkle_tile {
	int level;
	uint64_t index;
	unsigned width;
};

/* Whether t is valid (see above). */
bool merkle_tile_valid(const struct merkle_tile *t);

/*
 * Write t's path relative to the log's prefix - "tile/<L>/<N>[.p/<W>]" or
 * "tile/entries/<N>[.p/<W>]", N in x-prefixed three-digit groups - as a
 * NUL-terminated string into buf (cap bytes; MERKLE_TILE_PATH_MAX always
 * suffices). Returns 0, VG_EINVAL if t is not valid, VG_ETOOBIG if cap is
 * too small (buf then holds "" if cap > 0).
 */
VG_MUST_USE int merkle_tile_path(const struct merkle_tile *t, char *buf, size_t cap);

/*
 * Parse an untrusted path of len bytes (no leading '/', no NUL needed) in
 * the form merkle_tile_path writes. Only the canonical spelling is
 * accepted: exactly three digits per group, every group but the last
 * prefixed with 'x', no leading zero group, L and W in decimal without
 * leading zeros, W in 1 .. 255, no trailing or doubled '/', and a valid
 * tile. Returns 0 with *out set, or VG_EINVAL with *out zeroed.
 */
VG_MUST_USE int merkle_tile_parse(const char *path, size_t len, struct merkle_tile *out);

/*
 * Which stored hash is hash i of hash tile t: (*level, *index) =
 * (8L, N*256 + i). Returns 0, or VG_EINVAL if t is not a valid hash tile
 * (entry bundles hold entries, not hashes) or i >= t->width.
 */
VG_MUST_USE int merkle_tile_hash_at(const struct merkle_tile *t, unsigned i, unsigned *level,
                                    uint64_t *index);

/*
 * The tiles at tile level `level` of a tree of `size` entries: tiles
 * 0 .. *nfull - 1 are full, and when *partial_width > 0 tile *nfull is
 * partial with that width (floor(size / 256^L) mod 256). Entry bundles
 * (MERKLE_TILE_ENTRIES) follow level 0 exactly. Levels above
 * MERKLE_TILE_LEVEL_MAX, other negative levels and sizes above
 * MERKLE_SIZE_MAX have no tiles.
 */
void merkle_tile_level(uint64_t size, int level, uint64_t *nfull, unsigned *partial_width);

/*
 * Every hash tile of a tree, level 0 first, each level in index order:
 *
 *     struct merkle_tile_iter it;
 *     struct merkle_tile t;
 *     merkle_tile_iter_init(&it, size);
 *     while (merkle_tile_iter_next(&it, &t)) use(&t);
 */
struct merkle_tile_iter {
	uint64_t size;
	int level;
	uint64_t next;
};
void merkle_tile_iter_init(struct merkle_tile_iter *it, uint64_t size);
bool merkle_tile_iter_next(struct merkle_tile_iter *it, struct merkle_tile *t);

/*
 * Where the stored hash (level, index) lives in the tiles: it is the root
 * (merkle_root) of the *count = 2^(level mod 8) consecutive hashes
 * *first .. *first + *count - 1 of hash tile (*tile_level, *tile_index),
 * with *tile_level = level / 8. Returns 0 or VG_EINVAL if level >=
 * MERKLE_LEVELS or the subtree does not fit below MERKLE_SIZE_MAX.
 */
VG_MUST_USE int merkle_tile_locate(unsigned level, uint64_t index, int *tile_level,
                                   uint64_t *tile_index, unsigned *first, unsigned *count);

#endif
