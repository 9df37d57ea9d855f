/*
 * journal_bench DIR [SECONDS] [THREADS] [INFLIGHT] [RATE] - durable appends per
 * second through the journal's group commit, and the time from an append
 * being durable to a signed checkpoint that covers it.
 *
 * THREADS appenders each keep INFLIGHT appends outstanding (as a server's
 * connections do), with entries of 32 bytes and private blobs of 300 bytes
 * (the size of a sealed access record). Every append is durable (written and
 * fdatasync'd) before its callback runs. RATE (appends/s, all threads; 0 =
 * as fast as possible) paces the appenders, to measure the checkpoint
 * latency at a given load rather than at saturation. Prints one line:
 *
 *   BENCH appends=N seconds=S per_sec=R groups_fsyncs=... checkpoint_ms_p50=.. p99=.. max=..
 */
#include <inttypes.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "journal/journal.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct slot {
	struct journal_item it;
	uint8_t entry[32];
	uint8_t priv[300];
	_Atomic int busy;
	sem_t *freed;           /* the appender's: posted when a slot comes back */
};

struct appender {
	struct journal *j;
	struct slot *slots;
	int inflight;
	double until;
	double rate;            /* appends/s for this thread, 0: unpaced */
	_Atomic uint64_t *done;
	sem_t freed;
};

static void on_done(void *arg, int rc, uint64_t index)
{
	struct slot *s = arg;

	(void)index;
	if (rc != 0) {
		fprintf(stderr, "journal_bench: append failed: %s\n", vg_strerror(rc));
		exit(1);
	}
	atomic_store(&s->busy, 0);
	sem_post(s->freed);
}

static void *run(void *arg)
{
	struct appender *a = arg;
	uint64_t n = 0;
	double start = now_s();

	while (now_s() < a->until) {
		int idle = 1;

		if (a->rate > 0 && (double)n > (now_s() - start) * a->rate) {
			usleep(200); /* ahead of the pace */
			continue;
		}

		for (int i = 0; i < a->inflight; i++) {
			struct slot *s = &a->slots[i];

			if (atomic_load(&s->busy))
				continue;
			idle = 0;
			s->freed = &a->freed;
			atomic_store(&s->busy, 1);
			randombytes_buf(s->entry, sizeof(s->entry));
			s->it = (struct journal_item){ .entry = s->entry, .entry_len = 32, .priv = s->priv,
			                               .priv_len = sizeof(s->priv), .done = on_done,
			                               .arg = s };
			if (journal_append(a->j, &s->it) != 0) {
				atomic_store(&s->busy, 0);
				continue;
			}
			n++;
		}
		if (idle) {
			/* Block like a server's connections do, rather than spin: the writer
			 * and the integrator need the cores. */
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 10000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			sem_timedwait(&a->freed, &ts);
		}
	}
	for (int i = 0; i < a->inflight; i++)
		while (atomic_load(&a->slots[i].busy))
			sched_yield();
	atomic_fetch_add(a->done, n);
	return NULL;
}

/* argv[i] as a non-negative number, or def when absent; -1 when it is not one. */
static double arg(int argc, char **argv, int i, double def)
{
	char *end = NULL;
	double v;

	if (argc <= i)
		return def;
	v = strtod(argv[i], &end);
	return end == argv[i] || *end || v < 0 ? -1 : v;
}

static int cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : NULL;
	double secs = arg(argc, argv, 2, 5);
	int threads = (int)arg(argc, argv, 3, 8), inflight = (int)arg(argc, argv, 4, 64);
	double rate = arg(argc, argv, 5, 0);
	char jdir[4096], key[4096], note[JOURNAL_NOTE_MAX];
	_Atomic uint64_t done = 0;
	struct journal *j = NULL;
	pthread_t *th;
	struct appender *ap;
	double t0, t1, lat[200];
	int nlat = 0;

	if (!dir || secs <= 0 || threads < 1 || threads > 1024 || inflight < 1 || inflight > 65536 ||
	    rate < 0 || sodium_init() < 0) {
		fprintf(stderr, "usage: journal_bench DIR [SECONDS] [THREADS] [INFLIGHT] [RATE]\n");
		return 2;
	}
	snprintf(jdir, sizeof(jdir), "%s/journal", dir);
	snprintf(key, sizeof(key), "%s/journal.key", dir);
	struct journal_cfg c = { .dir = jdir, .key_path = key, .origin = "bench.example/journal" };
	if (journal_open(&c, &j) != 0) {
		fprintf(stderr, "journal_bench: cannot open %s\n", jdir);
		return 1;
	}
	th = calloc((size_t)threads, sizeof(*th));
	ap = calloc((size_t)threads, sizeof(*ap));
	t0 = now_s();
	for (int i = 0; i < threads; i++) {
		ap[i].j = j;
		ap[i].slots = calloc((size_t)inflight, sizeof(struct slot));
		ap[i].inflight = inflight;
		ap[i].until = t0 + secs;
		ap[i].done = &done;
		ap[i].rate = rate / threads;
		sem_init(&ap[i].freed, 0, 0);
		pthread_create(&th[i], NULL, run, &ap[i]);
	}
	/* Meanwhile: how long from durable to signed? Sample the size now, wait for a checkpoint over it. */
	while (now_s() < t0 + secs - 0.2 && nlat < 200) {
		uint64_t target = journal_size(j), size = 0;
		double s0 = now_s();
		size_t len;

		while (size < target && now_s() < s0 + 5) {
			if (journal_checkpoint(j, note, sizeof(note), &len, &size, NULL) != 0)
				break;
			usleep(500);
		}
		lat[nlat++] = (now_s() - s0) * 1000;
		usleep(20000);
	}
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	t1 = now_s();
	qsort(lat, (size_t)nlat, sizeof(lat[0]), cmp);
	printf("BENCH appends=%" PRIu64 " seconds=%.2f per_sec=%.0f threads=%d inflight=%d rate=%.0f "
	       "checkpoint_ms_p50=%.0f p99=%.0f max=%.0f samples=%d\n",
	       (uint64_t)atomic_load(&done), t1 - t0, (double)atomic_load(&done) / (t1 - t0),
	       threads, inflight, rate, nlat ? lat[nlat / 2] : 0, nlat ? lat[nlat * 99 / 100] : 0,
	       nlat ? lat[nlat - 1] : 0, nlat);
	journal_free(j);
	for (int i = 0; i < threads; i++)
		free(ap[i].slots);
	free(ap);
	free(th);
	return 0;
}
