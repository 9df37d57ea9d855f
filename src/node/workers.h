/*
 * workers.h - a small pool of threads for slow work that must not run on
 * libmicrohttpd's event threads (Argon2id: 64 MiB and tens of milliseconds).
 *
 * A handler suspends its connection, submits a job, and returns; the job
 * prepares the reply and resumes the connection. The queue is bounded: a full
 * queue is refused (VG_EBUSY) so that a login flood cannot pile up memory.
 * Thread-safe.
 */
#ifndef VIGIE_NODE_WORKERS_H
#define VIGIE_NODE_WORKERS_H

#include "core/err.h"

struct workers;

/* n threads (at least 1), at most qcap queued jobs. Returns 0, VG_ENOMEM or VG_EIO. */
VG_MUST_USE int workers_new(unsigned n, unsigned qcap, struct workers **out);
/* Run fn(arg) on a worker. Returns 0, or VG_EBUSY when the queue is full or stopping. */
VG_MUST_USE int workers_submit(struct workers *w, void (*fn)(void *), void *arg);
/*
 * Finish every queued job and stop the threads; later submissions get
 * VG_EBUSY. Idempotent; the struct stays valid until workers_free.
 */
void workers_stop(struct workers *w);
/* workers_stop, then free. Accepts NULL. */
void workers_free(struct workers *w);

#endif
