/*
 * access.c - access records through the journal, then into the store. See access.h.
 */
#include "node/access.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "sys/log.h"
#include "core/banned.h"

#define BATCH     8192
#define GATHER_NS 250000000 /* 250 ms: big transactions, see the bucketed index in store_sqlite.c */

struct access_log {
	struct store *st;
	const struct vault *vault;
	struct metrics *m;
	struct journal *j;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake, progress;
	_Atomic uint64_t indexed; /* entries [0, indexed) are rows in the store (or unreadable) */
	int stopping;
	void (*on_rows)(void *ctx, const struct access_rec *rows, size_t n);
	void *on_rows_ctx;
};

/* rows opened for the hook, sealed (as in the log) for the store. */
static int put_rows(struct access_log *a, const struct access_rec *rows,
                    const struct access_sealed *sealed, size_t n)
{
	int rc = store_access_put(a->st, sealed, n);

	for (int tries = 0; rc == VG_EBUSY && tries < 50; tries++)
		rc = store_access_put(a->st, sealed, n);
	if (a->m)
		atomic_fetch_add(rc == 0 ? &a->m->access_records : &a->m->access_errors, n);
	if (rc == 0 && a->on_rows)
		a->on_rows(a->on_rows_ctx, rows, n);
	return rc;
}

struct batch {
	struct access_log *a;
	struct access_rec *rows;
	struct access_sealed *sealed;
	size_t n;
};

static int collect_row(void *ctx, const struct journal_frame *f)
{
	struct batch *b = ctx;
	int rc = entry_open(b->a->vault, f->entry, f->entry_len, f->priv, f->priv_len,
	                    &b->rows[b->n]);

	if (rc != 0) {
		/* Unreadable here (another master key?): the entry stays in the journal, not in the rows. */
		log_event(LOG_ERROR, "access.unreadable_record", LI("index", f->index),
		          LS("error", vg_strerror(rc)));
		if (b->a->m)
			atomic_fetch_add(&b->a->m->access_errors, 1);
		return 0;
	}
	b->rows[b->n].idx = (int64_t)f->index;
	rc = entry_sealed(&b->rows[b->n], f->entry, f->entry_len, f->priv, f->priv_len,
	                  &b->sealed[b->n]);
	if (rc != 0) { /* opened above: cannot happen, but never store what does not fit */
		if (b->a->m)
			atomic_fetch_add(&b->a->m->access_errors, 1);
		return 0;
	}
	b->n++;
	return 0;
}

/* After a failure: wait a second before retrying; 1 if the log is closing meanwhile. */
static int wait_unless_stopping(struct access_log *a)
{
	int stop;

	sleep(1);
	pthread_mutex_lock(&a->lock);
	stop = a->stopping;
	pthread_mutex_unlock(&a->lock);
	return stop;
}

/*
 * The indexer follows the journal's log, behind the requests: it never holds
 * the journal up (a slow store only makes the per-person view lag, see
 * vigie_journal_index_lag), and it runs at a lower priority than the request
 * threads. It starts from the last row in the store, so rows a crash lost
 * are read again from the log.
 */
static void *indexer(void *arg)
{
	struct access_log *a = arg;
	struct batch b = { a, malloc(BATCH * sizeof(struct access_rec)),
		           malloc(BATCH * sizeof(struct access_sealed)), 0 };
	struct journal_follower *f = NULL;
	int64_t last = -1;
	int rc;

	if (!b.rows || !b.sealed)
		abort(); /* fixed internal allocation at start-up */
	pthread_setname_np(pthread_self(), "vigie-index");
	VG_IGNORE(setpriority(PRIO_PROCESS, (id_t)gettid(), 10));
	while ((rc = store_access_last(a->st, &last)) != 0 ||
	       (rc = journal_follower_new(a->j, (uint64_t)(last + 1), &f)) != 0) {
		log_event(LOG_ERROR, "access.indexer_cannot_start", LS("error", vg_strerror(rc)));
		if (wait_unless_stopping(a))
			goto out;
	}
	atomic_store(&a->indexed, journal_follower_position(f));
	for (;;) {
		size_t got = 0;
		uint64_t pos = journal_follower_position(f);

		b.n = 0;
		rc = journal_follower_next(f, BATCH, collect_row, &b, &got);
		if (rc != 0) {
			log_event(LOG_ERROR, "access.log_unreadable", LI("index", pos),
			          LS("error", vg_strerror(rc)),
			          LS("note", "run vigie journal verify; indexing stops here"));
			break;
		}
		if (b.n > 0) {
			/* The rows must land before the position moves on: retry until they do. */
			while (put_rows(a, b.rows, b.sealed, b.n) != 0) {
				log_event(LOG_ERROR, "access.index_failed", LI("records", b.n));
				if (wait_unless_stopping(a))
					goto out;
			}
		}
		atomic_store(&a->indexed, journal_follower_position(f));
		pthread_mutex_lock(&a->lock);
		pthread_cond_broadcast(&a->progress);
		if (a->stopping && journal_follower_position(f) >= journal_size(a->j)) {
			pthread_mutex_unlock(&a->lock);
			break;
		}
		if (got < BATCH && !a->stopping) {
			/* Caught up: let rows gather before the next transaction. */
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += GATHER_NS;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&a->wake, &a->lock, &ts);
		}
		pthread_mutex_unlock(&a->lock);
	}
out:
	sodium_memzero(b.rows, BATCH * sizeof(struct access_rec));
	free(b.rows);
	free(b.sealed);
	journal_follower_free(f);
	return NULL;
}

int access_log_new(struct store *st, const struct vault *v, struct metrics *m,
                   const struct access_cfg *cfg, struct access_log **out)
{
	struct access_log *a = calloc(1, sizeof(*a));
	struct journal_cfg jc = { 0 };
	int rc;

	*out = NULL;
	if (!a)
		return VG_ENOMEM;
	a->st = st;
	a->vault = v;
	a->m = m;
	a->on_rows = cfg->on_rows;
	a->on_rows_ctx = cfg->on_rows_ctx;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->wake, NULL);
	pthread_cond_init(&a->progress, NULL);
	jc.dir = cfg->journal_dir;
	jc.key_path = cfg->key_path;
	jc.origin = cfg->origin;
	jc.checkpoint_ms = cfg->checkpoint_ms;
	if ((rc = journal_open(&jc, &a->j)) != 0)
		goto fail;
	if (pthread_create(&a->thread, NULL, indexer, a) != 0) {
		rc = VG_EIO;
		goto fail;
	}
	*out = a;
	return 0;
fail:
	journal_free(a->j);
	pthread_cond_destroy(&a->wake);
	pthread_cond_destroy(&a->progress);
	pthread_mutex_destroy(&a->lock);
	free(a);
	return rc;
}

uint64_t access_log_index_lag(struct access_log *a)
{
	uint64_t size = journal_size(a->j), done = atomic_load(&a->indexed);

	return size > done ? size - done : 0;
}

int access_log_submit(struct access_log *a, struct access_pending *p, const struct access_rec *r,
                      journal_done_fn done, void *arg)
{
	size_t priv_len = 0;
	int rc;

	p->rec = *r;
	if ((rc = entry_prepare(a->vault, &p->rec, p->entry, p->priv, &priv_len)) != 0)
		return rc;
	p->item = (struct journal_item){
		.entry = p->entry,
		.entry_len = ENTRY_LEN,
		.priv = p->priv,
		.priv_len = priv_len,
		.done = done,
		.arg = arg,
	};
	return journal_append(a->j, &p->item);
}

struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done, rc;
	uint64_t index;
};

static void wake_waiter(void *arg, int rc, uint64_t index)
{
	struct waiter *w = arg;

	pthread_mutex_lock(&w->lock);
	w->rc = rc;
	w->index = index;
	w->done = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

int access_log_append_wait(struct access_log *a, const struct access_rec *r, uint64_t *index)
{
	struct access_pending *p = malloc(sizeof(*p));
	struct waiter w = { .done = 0 };
	int rc;

	if (!p)
		return VG_ENOMEM;
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	rc = access_log_submit(a, p, r, wake_waiter, &w);
	if (rc == 0) {
		pthread_mutex_lock(&w.lock);
		while (!w.done)
			pthread_cond_wait(&w.cond, &w.lock);
		pthread_mutex_unlock(&w.lock);
		rc = w.rc;
		if (rc == 0 && index)
			*index = w.index;
	}
	pthread_cond_destroy(&w.cond);
	pthread_mutex_destroy(&w.lock);
	sodium_memzero(p, sizeof(*p));
	free(p);
	return rc;
}

void access_log_sync(struct access_log *a)
{
	uint64_t target;

	journal_sync(a->j);
	target = journal_size(a->j);
	pthread_mutex_lock(&a->lock);
	pthread_cond_signal(&a->wake);
	while (atomic_load(&a->indexed) < target && !a->stopping)
		pthread_cond_wait(&a->progress, &a->lock);
	pthread_mutex_unlock(&a->lock);
}

struct journal *access_log_journal(struct access_log *a)
{
	return a->j;
}

void access_log_free(struct access_log *a)
{
	if (!a)
		return;
	/* The indexer catches up with what is durable, then the journal closes. */
	pthread_mutex_lock(&a->lock);
	a->stopping = 1;
	pthread_cond_broadcast(&a->wake);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	journal_free(a->j);
	pthread_cond_destroy(&a->wake);
	pthread_cond_destroy(&a->progress);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

#define READ_CHUNK 64

/* A stored row that did not open: one log line (its index, nothing personal) and one count. */
static void row_unreadable(struct metrics *m, int64_t idx, int rc)
{
	log_event(LOG_ERROR, "access.row_unreadable", LI("index", idx),
	          LS("error", vg_strerror(rc)));
	if (m)
		atomic_fetch_add(&m->access_unreadable, 1);
}

int access_rows_of_patient(struct store *st, const struct vault *v, struct metrics *m,
                           const uint8_t patient[ACCESS_PATIENT_LEN], int64_t before,
                           struct access_rec *out, size_t cap, size_t *n)
{
	struct access_sealed *buf = malloc(READ_CHUNK * sizeof(*buf));
	size_t k = 0, got = 0;
	int rc = 0;

	*n = 0;
	if (!buf)
		return VG_ENOMEM;
	/* Rows that do not open are skipped: read on until cap open or the rows end. */
	while (k < cap) {
		size_t want = cap - k < READ_CHUNK ? cap - k : READ_CHUNK;

		if ((rc = store_access_by_patient(st, patient, before, buf, want, &got)) != 0)
			break;
		for (size_t i = 0; i < got; i++) {
			int orc = entry_open_sealed(v, &buf[i], &out[k]);

			if (orc == 0)
				k++;
			else
				row_unreadable(m, buf[i].idx, orc);
		}
		if (got < want)
			break;
		before = buf[got - 1].idx;
	}
	free(buf);
	*n = k;
	return rc;
}

int access_row_get(struct store *st, const struct vault *v, struct metrics *m, int64_t idx,
                   struct access_rec *out)
{
	struct access_sealed *s = malloc(sizeof(*s));
	int rc;

	if (!s)
		return VG_ENOMEM;
	rc = store_access_get(st, idx, s);
	if (rc == 0 && (rc = entry_open_sealed(v, s, out)) != 0)
		row_unreadable(m, idx, rc);
	free(s);
	return rc;
}
