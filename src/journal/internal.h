/*
 * internal.h - what the journal's files share and nothing else includes:
 * the log's frame format, small file helpers, and the integrator (entries
 * in, tiles and bundles out), which serves both the live journal (writing
 * tiles) and `vigie journal verify` (comparing them).
 */
#ifndef VIGIE_JOURNAL_INTERNAL_H
#define VIGIE_JOURNAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/merkle.h"
#include "journal/journal.h"

/*
 * The log: a 16-byte header, then frames
 *     u32 body_len (big-endian) | body | 16-byte check
 *     body  = u16 entry_len | entry | private blob
 *     check = BLAKE2b-128(u64 index | u32 body_len | body)
 * The index inside the check means a frame moved elsewhere in the log no
 * longer checks out.
 */
#define JLOG_MAGIC     "VIGIE-JOURNAL-1\n"
#define JLOG_MAGIC_LEN 16
#define JLOG_CHECK     16
#define JLOG_BODY_MAX  (2 + JOURNAL_ENTRY_MAX + JOURNAL_PRIV_MAX)
#define JLOG_FRAME_MAX (4 + JLOG_BODY_MAX + JLOG_CHECK)

/* The check of frame `index` whose length field and body are lenbody[0 .. n). */
void jlog_check(uint64_t index, const uint8_t *lenbody, size_t n, uint8_t out[JLOG_CHECK]);
/* Encode one frame into out (JLOG_FRAME_MAX bytes); returns its length. */
size_t jlog_frame(uint64_t index, const uint8_t *entry, size_t entry_len, const uint8_t *priv,
                  size_t priv_len, uint8_t *out);

/* Scan up to `limit` frames (UINT64_MAX: all); *good_off gets the offset after the last good frame. */
int jlog_scan(const char *dir, uint64_t from, uint64_t limit, journal_frame_fn fn, void *ctx,
              uint64_t *bad_index, int *torn, uint64_t *count, uint64_t *good_off);

/* The same, starting at frame start_index found at byte start_off (0, 0: the start). */
int jlog_scan_at(const char *dir, uint64_t start_off, uint64_t start_index, uint64_t from,
                 uint64_t limit, journal_frame_fn fn, void *ctx, uint64_t *bad_index, int *torn,
                 uint64_t *count, uint64_t *good_off);

/* dir/name into buf (exits never: returns VG_ETOOBIG). */
int jpath(char *buf, size_t cap, const char *dir, const char *name);
/* mkdir -p of path's parent directories below (and including) root, mode 0700. */
int jmkdirs(const char *path);
/* Whole-file read into buf (cap bytes). VG_ENOTFOUND, VG_ETOOBIG, VG_EIO. */
int jread(const char *path, void *buf, size_t cap, size_t *len);
/* Replace path's content atomically (temporary file + rename). VG_EIO. */
int jwrite(const char *path, const void *buf, size_t len);
/* Append a [u32 len][data] record to path and fdatasync it. */
int jappend_record(const char *path, const void *buf, size_t len);

/* Checkpoint history: calls fn(ctx, note, len) for each record; a torn tail sets *good_off. */
typedef int (*jhist_fn)(void *ctx, const char *note, size_t len);
int jhist_scan(const char *path, jhist_fn fn, void *ctx, uint64_t *count, uint64_t *good_off,
               int *torn);

/* ---- the integrator ---------------------------------------------------- */

enum integ_mode { INTEG_WRITE, INTEG_VERIFY };

struct integ {
	char dir[512];
	enum integ_mode mode;
	struct merkle_frontier f;
	uint8_t tile[MERKLE_TILE_LEVEL_MAX + 1][MERKLE_TILE_WIDTH][MERKLE_HASH_LEN];
	uint8_t bundle[MERKLE_TILE_WIDTH * (2 + JOURNAL_ENTRY_MAX)];
	size_t bundle_len;
	int failed;       /* a file could not be written (write mode) */
	char why[256];    /* verify mode: the first difference found */
	uint64_t written; /* files written (write mode) */
};

/* Set up an empty tree; i is large (about 130 KiB): allocate it. */
void integ_init(struct integ *i, const char *dir, enum integ_mode mode);
/* Add the next entry. Returns 0, or VG_ECORRUPT (verify: a difference, in i->why) / VG_EIO. */
int integ_add(struct integ *i, const uint8_t *entry, size_t len);
/* Emit the partial tiles and bundle of the current size. Same returns. */
int integ_partials(struct integ *i);

#endif
