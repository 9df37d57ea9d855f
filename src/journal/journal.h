/*
 * journal.h - the write-ahead, tamper-evident journal: an append-only log of
 * small public entries (for vigie: salted commitments to access records),
 * each with a private blob beside it, published as a C2SP transparency log.
 *
 * On disk, in one directory (created 0700):
 *
 *     log           the sequence: every entry and its private blob, framed
 *                   and checksummed. It is the one source of truth and the
 *                   only file made durable before an append is reported done.
 *     checkpoints   every checkpoint ever published, in order (private:
 *                   `vigie journal verify` checks each against the last).
 *     checkpoint    the latest signed checkpoint (public, c2sp.org/tlog-checkpoint).
 *     tile/...      hash tiles and entry bundles (public, c2sp.org/tlog-tiles).
 *     vkey          the verifier key, "<origin>+<key id>+<base64 key>" (public).
 *
 * Tiles and the checkpoint are derived from the log, so a crash at any point
 * loses at most appends that were never reported done. At open the journal
 * resumes from the last signed tree (dir/resume: its size and where it ends
 * in the log), after checking the tiles at its edge against the signed root,
 * and integrates only the frames after it; with cfg.full, or when that
 * check fails, the whole log is read again and every missing or stale tile
 * rewritten (`vigie journal rebuild`).
 *
 * Threads: one writer thread makes appends durable in groups (one write and
 * one fdatasync per group: "group commit"); one integrator thread turns
 * durable entries into tiles and signs a checkpoint at most checkpoint_ms
 * after they became durable. journal_append and the getters are thread-safe.
 *
 * Invariants:
 *  (a) an append's done callback gets rc 0 only once its frame is on disk and
 *      fdatasync has returned;
 *  (b) a checkpoint is only signed over entries that are durable, and never
 *      over a tree that does not extend the previous checkpoint's (at open,
 *      the log must reproduce the last published root or the journal will not
 *      open);
 *  (c) when the log cannot be written (full disk, I/O error) the failed group
 *      is cut off the file again and every append in it fails: nothing is
 *      reported durable that is not.
 */
#ifndef VIGIE_JOURNAL_JOURNAL_H
#define VIGIE_JOURNAL_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/merkle.h"

#define JOURNAL_ENTRY_MAX 256   /* bytes of a public entry */
#define JOURNAL_PRIV_MAX  4096  /* bytes of a private blob */
#define JOURNAL_NOTE_MAX  1024  /* bytes of a signed checkpoint */
#define JOURNAL_QUEUE_MAX 65536 /* appends waiting for the writer; more get VG_EBUSY */

struct journal;
struct journal_item;

/* Called once per append on the writer thread: rc 0 and its index, or an error. */
typedef void (*journal_done_fn)(void *arg, int rc, uint64_t index);

/*
 * One append, owned by the caller, who must keep it (and what it points to)
 * alive and unchanged until done is called.
 */
struct journal_item {
	const uint8_t *entry; /* public entry, 1 .. JOURNAL_ENTRY_MAX bytes */
	size_t entry_len;
	const uint8_t *priv; /* private blob, 0 .. JOURNAL_PRIV_MAX bytes */
	size_t priv_len;
	journal_done_fn done;
	void *arg;
	uint64_t index;             /* set by the journal before done */
	struct journal_item *next_; /* the journal's */
};

struct journal_cfg {
	const char *dir;        /* journal directory */
	const char *key_path;   /* Ed25519 signing key (32-byte seed, 0600) */
	const char *origin;     /* checkpoint origin, used when the key is created */
	unsigned checkpoint_ms; /* longest wait from durable to signed (default 200) */
	int full;               /* read the whole log at open (else from the last signed tree) */
};

/*
 * Create (if missing: directory, key at key_path with origin, vkey) or
 * re-open the journal, read the log again, repair the tiles and start the
 * threads. A torn last frame (a crash during a write) is cut off; any other
 * damage, or a log that does not reproduce the last published checkpoint,
 * gives VG_ECORRUPT with the reason logged. Returns 0, VG_EIO, VG_ECORRUPT,
 * VG_EINVAL (bad cfg), VG_ENOMEM. *out is the caller's: journal_free.
 */
VG_MUST_USE int journal_open(const struct journal_cfg *cfg, struct journal **out);

/* Finish every queued append, integrate and sign, stop the threads, free. Accepts NULL. */
void journal_free(struct journal *j);

/*
 * Queue an append (see struct journal_item). Returns 0 (done will be
 * called exactly once), VG_EINVAL (bad sizes), VG_EBUSY (queue full) or
 * VG_EIO (the journal is stopping or has failed for good); on error done is
 * not called.
 */
VG_MUST_USE int journal_append(struct journal *j, struct journal_item *it);

/* Append and wait until durable; *index is set. For tools, tests and benchmarks. */
VG_MUST_USE int journal_append_wait(struct journal *j, const void *entry, size_t entry_len,
                                    const void *priv, size_t priv_len, uint64_t *index);

/* Wait until everything appended so far is durable, integrated and signed. */
void journal_sync(struct journal *j);

/* Entries durable so far. */
uint64_t journal_size(struct journal *j);

/*
 * Copy the latest signed checkpoint into buf (cap bytes; JOURNAL_NOTE_MAX
 * suffices), with its tree size and root. Returns 0 or VG_ETOOBIG.
 */
VG_MUST_USE int journal_checkpoint(struct journal *j, char *buf, size_t cap, size_t *len,
                                   uint64_t *size, uint8_t root[MERKLE_HASH_LEN]);

/* The verifier key string (NUL-terminated, borrowed for the journal's life). */
const char *journal_vkey(const struct journal *j);
/* The directory (borrowed). */
const char *journal_dir(const struct journal *j);

/*
 * A C2SP tlog-proof receipt for entry index in the latest checkpoint, into
 * buf. Returns 0, VG_ENOTFOUND (index not yet in a signed checkpoint),
 * VG_ETOOBIG, VG_EIO or VG_ECORRUPT (tiles unreadable).
 */
VG_MUST_USE int journal_receipt(struct journal *j, uint64_t index, char *buf, size_t cap,
                                size_t *len);

/*
 * Read tile t (hash tile or entry bundle, as written under the journal's
 * directory) into buf. Returns 0, VG_ENOTFOUND (not written, or a partial
 * tile superseded by the full one), VG_ETOOBIG, VG_EIO.
 */
VG_MUST_USE int journal_read_tile(struct journal *j, const struct merkle_tile *t, void *buf,
                                  size_t cap, size_t *len);

/* ---- offline access (the CLI; also safe beside a running server) ---- */

/*
 * The stored hash (level, index) of the tree of `size` entries, read from
 * the tiles under dir (full tile, else the partial one that size implies).
 * ctx is a struct journal_tiles. A merkle_hash_fn.
 */
struct journal_tiles {
	const char *dir;
	uint64_t size;
};
int journal_tiles_hash(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH_LEN]);

/* One frame of the log, as journal_scan hands it out (borrowed for the call). */
struct journal_frame {
	uint64_t index;
	const uint8_t *entry;
	size_t entry_len;
	const uint8_t *priv;
	size_t priv_len;
};
/* Return 0 to go on, anything else to stop the scan with that value. */
typedef int (*journal_frame_fn)(void *ctx, const struct journal_frame *f);

/*
 * Read the log under dir from entry `from` on, calling fn for each frame in
 * order. A damaged frame stops the scan with VG_ECORRUPT and sets *bad_index
 * (if not NULL) to its index; a torn end is reported the same way with
 * *torn set to 1. Returns 0, fn's value, VG_EIO or VG_ECORRUPT.
 */
VG_MUST_USE int journal_scan(const char *dir, uint64_t from, journal_frame_fn fn, void *ctx,
                             uint64_t *bad_index, int *torn);

/*
 * `vigie journal verify`: recompute every entry bundle and tile and the root
 * from the log, compare them with what is on disk, and check every
 * published checkpoint (signature by vkey, root at its size, consistency
 * with the one before) and that the public checkpoint is the last one.
 * check_priv, if not NULL, is called for every frame too (the caller checks
 * the private blob against the entry). The first fault is written to why
 * (NUL-terminated, naming the file and the hash or entry) and the function
 * returns VG_ECORRUPT; 0 when all holds, with *size the log's size and
 * *ncheckpoints the checkpoints checked. VG_EIO when files cannot be read.
 */
VG_MUST_USE int journal_verify(const char *dir, journal_frame_fn check_priv, void *ctx,
                               uint64_t *size, uint64_t *ncheckpoints, char *why, size_t why_cap);

/*
 * The latest signed checkpoint under dir, read from disk and verified with
 * dir/vkey, into buf; *size and root set. Returns 0, VG_EIO, VG_ECORRUPT.
 */
VG_MUST_USE int journal_read_checkpoint(const char *dir, char *buf, size_t cap, size_t *len,
                                        uint64_t *size, uint8_t root[MERKLE_HASH_LEN]);

/*
 * A follower of the log: reads durable frames in order, for consumers that
 * must never hold the writer up (the database indexer). Not thread-safe:
 * one follower per thread.
 */
struct journal_follower;

/* Open a follower on j's log positioned at entry `from`. Returns 0, VG_EIO, VG_ENOMEM. */
VG_MUST_USE int journal_follower_new(struct journal *j, uint64_t from,
                                     struct journal_follower **out);
void journal_follower_free(struct journal_follower *f);
/*
 * Hand at most max durable frames, from the follower's position on, to fn
 * (borrowed for the call); *n is how many. Stops early, keeping the
 * position, if fn returns non-zero. Returns 0, fn's value, VG_EIO or
 * VG_ECORRUPT.
 */
VG_MUST_USE int journal_follower_next(struct journal_follower *f, size_t max, journal_frame_fn fn,
                                      void *ctx, size_t *n);
/* The index of the next frame the follower will hand out. */
uint64_t journal_follower_position(const struct journal_follower *f);

#endif
