/*
 * access.c - access records through the journal, then into the store. See access.h.
 */
#include "http/access.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/log.h"

#define QCAP 16384
#define BATCH 2048
#define GATHER_NS 5000000 /* 5 ms: one store transaction for many rows, not one per group */

struct access_log {
	struct store *st;
	const struct vault *vault;
	struct metrics *m;
	struct journal *j;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t nonempty, nonfull, drained;
	struct access_rec *q; /* ring of QCAP rows waiting for the store */
	size_t head, len;
	uint64_t queued, written;
	int stopping;
};

static int put_rows(struct access_log *a, const struct access_rec *rows, size_t n)
{
	int rc = store_access_put(a->st, rows, n);

	for (int tries = 0; rc == VG_EBUSY && tries < 50; tries++)
		rc = store_access_put(a->st, rows, n);
	if (a->m)
		atomic_fetch_add(rc == 0 ? &a->m->access_records : &a->m->access_errors, n);
	if (rc != 0)
		log_event(LOG_ERROR, "access.index_failed", LI("records", n),
		          LS("error", vg_strerror(rc)),
		          LS("note", "the journal holds them; they are re-indexed at restart"));
	return rc;
}

static void *indexer(void *arg)
{
	struct access_log *a = arg;
	struct access_rec *batch = malloc(BATCH * sizeof(*batch));

	if (!batch)
		abort(); /* fixed internal allocation at start-up */
	pthread_setname_np(pthread_self(), "vigie-index");
	pthread_mutex_lock(&a->lock);
	for (;;) {
		size_t n = 0;

		while (a->len == 0 && !a->stopping)
			pthread_cond_wait(&a->nonempty, &a->lock);
		if (a->len == 0 && a->stopping)
			break;
		if (a->len < BATCH && !a->stopping) {
			struct timespec gather = { 0, GATHER_NS };

			pthread_mutex_unlock(&a->lock);
			nanosleep(&gather, NULL);
			pthread_mutex_lock(&a->lock);
		}
		while (n < BATCH && a->len > 0) {
			batch[n++] = a->q[a->head];
			a->head = (a->head + 1) % QCAP;
			a->len--;
		}
		pthread_cond_broadcast(&a->nonfull);
		pthread_mutex_unlock(&a->lock);
		VG_IGNORE(put_rows(a, batch, n));
		pthread_mutex_lock(&a->lock);
		a->written += n;
		pthread_cond_broadcast(&a->drained);
	}
	pthread_mutex_unlock(&a->lock);
	free(batch);
	return NULL;
}

/* On the journal's writer thread: the group is durable; queue its rows. */
static void on_durable(void *ctx, struct journal_item *const *items, size_t n)
{
	struct access_log *a = ctx;

	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i < n; i++) {
		struct access_pending *p =
			(struct access_pending *)((char *)items[i] - offsetof(struct access_pending, item));

		while (a->len == QCAP && !a->stopping)
			pthread_cond_wait(&a->nonfull, &a->lock);
		p->rec.idx = (int64_t)items[i]->index;
		a->q[(a->head + a->len) % QCAP] = p->rec;
		a->len++;
		a->queued++;
	}
	pthread_cond_signal(&a->nonempty);
	pthread_mutex_unlock(&a->lock);
}

/* Start-up: rows the store is missing (durable, not yet indexed at a crash). */
struct refill {
	struct access_log *a;
	struct access_rec *rows;
	size_t n;
	uint64_t total;
	int rc;
};

static int refill_one(void *ctx, const struct journal_frame *f)
{
	struct refill *r = ctx;
	int rc = entry_open(r->a->vault, f->entry, f->entry_len, f->priv, f->priv_len,
	                    &r->rows[r->n]);

	if (rc != 0) {
		log_event(LOG_ERROR, "access.refill_unreadable", LI("index", f->index),
		          LS("error", vg_strerror(rc)));
		return rc;
	}
	r->rows[r->n++].idx = (int64_t)f->index;
	if (r->n == BATCH) {
		if ((rc = put_rows(r->a, r->rows, r->n)) != 0)
			return rc;
		r->total += r->n;
		r->n = 0;
	}
	return 0;
}

static int refill(struct access_log *a)
{
	struct refill r = { a, NULL, 0, 0, 0 };
	int64_t last = -1;
	int rc = store_access_last(a->st, &last);

	if (rc != 0)
		return rc;
	if ((uint64_t)(last + 1) >= journal_size(a->j))
		return 0;
	r.rows = malloc(BATCH * sizeof(*r.rows));
	if (!r.rows)
		return VG_ENOMEM;
	rc = journal_scan(journal_dir(a->j), (uint64_t)(last + 1), refill_one, &r, NULL, NULL);
	if (rc == 0 && r.n > 0) {
		rc = put_rows(a, r.rows, r.n);
		r.total += r.n;
	}
	sodium_memzero(r.rows, BATCH * sizeof(*r.rows));
	free(r.rows);
	if (rc == 0)
		log_event(LOG_INFO, "access.refilled", LI("records", r.total));
	return rc;
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
	a->q = calloc(QCAP, sizeof(*a->q));
	if (!a->q) {
		free(a);
		return VG_ENOMEM;
	}
	a->st = st;
	a->vault = v;
	a->m = m;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->nonempty, NULL);
	pthread_cond_init(&a->nonfull, NULL);
	pthread_cond_init(&a->drained, NULL);
	jc.dir = cfg->journal_dir;
	jc.key_path = cfg->key_path;
	jc.origin = cfg->origin;
	jc.checkpoint_ms = cfg->checkpoint_ms;
	jc.on_durable = on_durable;
	jc.ctx = a;
	if ((rc = journal_open(&jc, &a->j)) != 0 || (rc = refill(a)) != 0)
		goto fail;
	if (pthread_create(&a->thread, NULL, indexer, a) != 0) {
		rc = VG_EIO;
		goto fail;
	}
	*out = a;
	return 0;
fail:
	journal_free(a->j);
	pthread_cond_destroy(&a->nonempty);
	pthread_cond_destroy(&a->nonfull);
	pthread_cond_destroy(&a->drained);
	pthread_mutex_destroy(&a->lock);
	free(a->q);
	free(a);
	return rc;
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
	pthread_mutex_t m;
	pthread_cond_t c;
	int done, rc;
	uint64_t index;
};

static void wait_done(void *arg, int rc, uint64_t index)
{
	struct waiter *w = arg;

	pthread_mutex_lock(&w->m);
	w->rc = rc;
	w->index = index;
	w->done = 1;
	pthread_cond_signal(&w->c);
	pthread_mutex_unlock(&w->m);
}

int access_log_record(struct access_log *a, const struct access_rec *r, uint64_t *index)
{
	struct waiter w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0 };
	struct access_pending *p = malloc(sizeof(*p));
	int rc;

	if (!p)
		return VG_ENOMEM;
	rc = access_log_submit(a, p, r, wait_done, &w);
	if (rc == 0) {
		pthread_mutex_lock(&w.m);
		while (!w.done)
			pthread_cond_wait(&w.c, &w.m);
		pthread_mutex_unlock(&w.m);
		rc = w.rc;
		if (rc == 0 && index)
			*index = w.index;
	}
	free(p);
	pthread_cond_destroy(&w.c);
	pthread_mutex_destroy(&w.m);
	return rc;
}

void access_log_sync(struct access_log *a)
{
	uint64_t target;

	journal_sync(a->j);
	pthread_mutex_lock(&a->lock);
	target = a->queued;
	while (a->written < target)
		pthread_cond_wait(&a->drained, &a->lock);
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
	journal_free(a->j); /* every durable group's rows are queued by now */
	pthread_mutex_lock(&a->lock);
	a->stopping = 1;
	pthread_cond_broadcast(&a->nonempty);
	pthread_cond_broadcast(&a->nonfull);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->nonempty);
	pthread_cond_destroy(&a->nonfull);
	pthread_cond_destroy(&a->drained);
	pthread_mutex_destroy(&a->lock);
	free(a->q);
	free(a);
}
