#include "node/workers.h"

#include <pthread.h>
#include <stdlib.h>
#include "core/banned.h"

struct job {
	void (*fn)(void *);
	void *arg;
};

struct workers {
	pthread_mutex_t lock;
	pthread_cond_t ready;
	struct job *q; /* ring of qcap */
	unsigned qcap, head, len, n;
	int stopping;
	pthread_t th[];
};

static void *run(void *arg)
{
	struct workers *w = arg;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		struct job j;

		while (w->len == 0 && !w->stopping)
			pthread_cond_wait(&w->ready, &w->lock);
		if (w->len == 0)
			break; /* stopping and drained */
		j = w->q[w->head];
		w->head = (w->head + 1) % w->qcap;
		w->len--;
		pthread_mutex_unlock(&w->lock);
		j.fn(j.arg);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int workers_new(unsigned n, unsigned qcap, struct workers **out)
{
	struct workers *w;

	*out = NULL;
	if (n == 0)
		n = 1;
	w = calloc(1, sizeof(*w) + n * sizeof(pthread_t));
	if (!w)
		return VG_ENOMEM;
	w->q = calloc(qcap ? qcap : 1, sizeof(*w->q));
	if (!w->q) {
		free(w);
		return VG_ENOMEM;
	}
	w->qcap = qcap ? qcap : 1;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->ready, NULL);
	for (; w->n < n; w->n++) {
		if (pthread_create(&w->th[w->n], NULL, run, w) != 0) {
			workers_free(w); /* joins the w->n threads started */
			return VG_EIO;
		}
	}
	*out = w;
	return 0;
}

int workers_submit(struct workers *w, void (*fn)(void *), void *arg)
{
	int rc = 0;

	pthread_mutex_lock(&w->lock);
	if (w->stopping || w->len == w->qcap) {
		rc = VG_EBUSY;
	} else {
		w->q[(w->head + w->len) % w->qcap] = (struct job){ fn, arg };
		w->len++;
		pthread_cond_signal(&w->ready);
	}
	pthread_mutex_unlock(&w->lock);
	return rc;
}

void workers_stop(struct workers *w)
{
	int joined;

	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	joined = w->stopping == 2;
	w->stopping = 2;
	pthread_cond_broadcast(&w->ready);
	pthread_mutex_unlock(&w->lock);
	for (unsigned i = 0; !joined && i < w->n; i++)
		pthread_join(w->th[i], NULL);
}

void workers_free(struct workers *w)
{
	if (!w)
		return;
	workers_stop(w);
	pthread_cond_destroy(&w->ready);
	pthread_mutex_destroy(&w->lock);
	free(w->q);
	free(w);
}
