/*
 * access.h - the access record sink: every lookup, allowed or refused, is
 * recorded (who, which patient by pseudonym, when, from where, what was
 * returned).
 *
 * Records are queued and written by one writer thread in batches (one
 * transaction per batch). The queue is bounded: when it is full, callers wait,
 * so records are never dropped. access_log_free flushes what is queued.
 *
 * This is the seam the write-ahead Merkle journal takes over: it will make
 * access_log_record wait until its entry is durable before the response goes.
 * Thread-safe.
 */
#ifndef VIGIE_HTTP_ACCESS_H
#define VIGIE_HTTP_ACCESS_H

#include "core/err.h"
#include "store/store.h"
#include "http/metrics.h"

struct access_log;

/* m may be NULL. Returns 0, VG_ENOMEM or VG_EIO (thread start). */
VG_MUST_USE int access_log_new(struct store *st, struct metrics *m, struct access_log **out);
/* Flush the queue, stop the writer, free. Accepts NULL. */
void access_log_free(struct access_log *a);
/* Queue one record (copied). Returns 0, or VG_EIO once the log is shutting down. */
VG_MUST_USE int access_log_record(struct access_log *a, const struct access_rec *r);
/* Wait until everything queued so far is written (tests, shutdown). */
void access_log_sync(struct access_log *a);

#endif
