/*
 * access.h - every lookup, allowed or refused, is journaled before its
 * answer leaves (write-ahead): who, which patient by pseudonym, when, from
 * where, what was returned, the decision.
 *
 * The access log owns the journal (journal/journal.h) and an indexer thread:
 *
 *     request thread:  access_log_submit -> entry_prepare (salt, record,
 *                      commitment, sealed blob) -> journal_append
 *     journal writer:  group write + fdatasync -> the request's done callback
 *                      (the reply goes)
 *     indexer:         follows the log (journal_follower), behind the requests
 *                      and at a lower priority, and puts the rows into the store
 *                      in batches (the per-person view, incidents); it resumes
 *                      from the last row stored, so a crash loses no row.
 *
 * Thread-safe.
 */
#ifndef VIGIE_NODE_ACCESS_H
#define VIGIE_NODE_ACCESS_H

#include "core/err.h"
#include "crypto/vault.h"
#include "node/metrics.h"
#include "journal/entry.h"
#include "journal/journal.h"
#include "store/store.h"

struct access_log;

/* One journaled access in flight: caller-owned, alive until done is called. */
struct access_pending {
	struct journal_item item;
	struct access_rec rec;
	uint8_t entry[ENTRY_LEN];
	uint8_t priv[ENTRY_PRIV_MAX];
	journal_done_fn done;
	void *arg;
};

struct access_cfg {
	const char *journal_dir;
	const char *key_path;
	const char *origin;
	unsigned checkpoint_ms; /* 0: the journal's default */
	/* Called on the indexer's thread with each batch of rows once stored (may be NULL). */
	void (*on_rows)(void *ctx, const struct access_rec *rows, size_t n);
	void *on_rows_ctx;
};

/*
 * Open the journal and start the indexer (which first catches up with rows
 * a crash left out). m may be NULL.
 * Returns 0, VG_ENOMEM, VG_EIO, VG_ECORRUPT (see journal_open).
 */
VG_MUST_USE int access_log_new(struct store *st, const struct vault *v, struct metrics *m,
                               const struct access_cfg *cfg, struct access_log **out);
/* Index what is durable, close the journal, stop, free. Accepts NULL. */
void access_log_free(struct access_log *a);

/*
 * Journal r (copied into p; r->idx, salt and record are filled in p->rec):
 * done(arg, rc, index) is called on the journal's thread once the entry is
 * durable (rc 0) or has failed. Returns 0, or an error (VG_EBUSY, VG_EIO,
 * VG_ETOOBIG) when done will not be called.
 */
VG_MUST_USE int access_log_submit(struct access_log *a, struct access_pending *p,
                                  const struct access_rec *r, journal_done_fn done, void *arg);
/*
 * Journal r and wait until it is durable (operator acts, on a thread that may
 * block: a worker, the control socket's, a command). *index: its entry.
 * Returns 0 or the journal's error (nothing was recorded).
 */
VG_MUST_USE int access_log_append_wait(struct access_log *a, const struct access_rec *r,
                                       uint64_t *index);
/* Wait until everything submitted so far is durable, signed and indexed. */
void access_log_sync(struct access_log *a);
/* Durable entries not yet rows in the store (the per-person view's delay). */
uint64_t access_log_index_lag(struct access_log *a);
/* The journal (borrowed). */
struct journal *access_log_journal(struct access_log *a);

/*
 * A person's accesses as the store keeps them, opened with the vault
 * (journal/entry.h entry_open_sealed): newest first, idx < before
 * (INT64_MAX: from the newest), at most cap into out, *n set. A row that
 * does not open (altered, moved, another key) is left out, logged and
 * counted in m->access_unreadable (m may be NULL): the person sees what the
 * journal proves, never a row it does not.
 */
VG_MUST_USE int access_rows_of_patient(struct store *st, const struct vault *v, struct metrics *m,
                                       const uint8_t patient[ACCESS_PATIENT_LEN], int64_t before,
                                       struct access_rec *out, size_t cap, size_t *n);

/*
 * One access by its journal index, opened: 0, VG_ENOTFOUND, a store error,
 * or VG_ECORRUPT / VG_ECRYPTO when it does not open (logged and counted as
 * above).
 */
VG_MUST_USE int access_row_get(struct store *st, const struct vault *v, struct metrics *m,
                               int64_t idx, struct access_rec *out);

#endif
