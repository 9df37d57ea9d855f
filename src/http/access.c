#include "http/access.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"

#define QCAP 65536
#define BATCH 2048
#define GATHER_NS 5000000 /* 5 ms */

struct access_log {
	struct store *st;
	struct metrics *m;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t nonempty, nonfull, drained;
	struct access_rec *q; /* ring of QCAP */
	size_t head, len;
	uint64_t queued, written; /* counts, for access_log_sync */
	int stopping;
};

static void *writer(void *arg)
{
	struct access_log *a = arg;
	struct access_rec *batch = malloc(BATCH * sizeof(*batch));

	if (!batch)
		abort(); /* fixed internal allocation at start-up */
	pthread_setname_np(pthread_self(), "vigie-access");
	pthread_mutex_lock(&a->lock);
	for (;;) {
		size_t n = 0;
		int rc;

		while (a->len == 0 && !a->stopping)
			pthread_cond_wait(&a->nonempty, &a->lock);
		if (a->len == 0 && a->stopping)
			break;
		if (a->len < BATCH && !a->stopping) {
			/* Let a batch gather: one transaction for many records, not one each. */
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
		rc = store_access_put(a->st, batch, n);
		for (int tries = 0; rc == VG_EBUSY && tries < 50; tries++)
			rc = store_access_put(a->st, batch, n);
		if (a->m)
			atomic_fetch_add(rc == 0 ? &a->m->access_records : &a->m->access_errors, n);
		if (rc != 0)
			log_event(LOG_ERROR, "access.write_failed", LI("records", n),
			          LS("error", vg_strerror(rc)));
		pthread_mutex_lock(&a->lock);
		a->written += n;
		pthread_cond_broadcast(&a->drained);
	}
	pthread_mutex_unlock(&a->lock);
	free(batch);
	return NULL;
}

int access_log_new(struct store *st, struct metrics *m, struct access_log **out)
{
	struct access_log *a = calloc(1, sizeof(*a));

	*out = NULL;
	if (!a)
		return VG_ENOMEM;
	a->q = calloc(QCAP, sizeof(*a->q));
	if (!a->q) {
		free(a);
		return VG_ENOMEM;
	}
	a->st = st;
	a->m = m;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->nonempty, NULL);
	pthread_cond_init(&a->nonfull, NULL);
	pthread_cond_init(&a->drained, NULL);
	if (pthread_create(&a->thread, NULL, writer, a) != 0) {
		free(a->q);
		free(a);
		return VG_EIO;
	}
	*out = a;
	return 0;
}

int access_log_record(struct access_log *a, const struct access_rec *r)
{
	pthread_mutex_lock(&a->lock);
	while (a->len == QCAP && !a->stopping)
		pthread_cond_wait(&a->nonfull, &a->lock);
	if (a->stopping) {
		pthread_mutex_unlock(&a->lock);
		return VG_EIO;
	}
	a->q[(a->head + a->len) % QCAP] = *r;
	a->len++;
	a->queued++;
	pthread_cond_signal(&a->nonempty);
	pthread_mutex_unlock(&a->lock);
	return 0;
}

void access_log_sync(struct access_log *a)
{
	pthread_mutex_lock(&a->lock);
	uint64_t target = a->queued;
	while (a->written < target)
		pthread_cond_wait(&a->drained, &a->lock);
	pthread_mutex_unlock(&a->lock);
}

void access_log_free(struct access_log *a)
{
	if (!a)
		return;
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
