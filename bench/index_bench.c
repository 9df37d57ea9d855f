/*
 * index_bench DB BATCH ROWS - how fast the store takes access rows (the
 * per-person view the journal's indexer writes): ROWS rows with random
 * patient pseudonyms, BATCH rows a transaction, into a fresh database DB.
 * Prints "BENCH rows=N seconds=S per_sec=R batch=B".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "store/store.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* argv[i] as a positive integer, or def when absent; -1 when it is not one. */
static long arg(int argc, char **argv, int i, long def)
{
	char *end = NULL;
	long v;

	if (argc <= i)
		return def;
	v = strtol(argv[i], &end, 10);
	return end == argv[i] || *end || v < 1 ? -1 : v;
}

int main(int argc, char **argv)
{
	struct store *st;
	struct access_sealed *r;
	long batch = arg(argc, argv, 2, 5000), total = arg(argc, argv, 3, 1000000);
	long idx = 0;
	double t0;

	if (argc < 2 || batch < 1 || batch > 100000 || total < 1 || sodium_init() < 0 ||
	    store_sqlite_open(argv[1], &st) != 0) {
		fprintf(stderr, "usage: index_bench DB BATCH ROWS (DB must not exist)\n");
		return 2;
	}
	r = calloc((size_t)batch, sizeof(*r));
	if (!r)
		return 1;
	t0 = now_s();
	while (idx < total) {
		for (long i = 0; i < batch; i++) {
			struct access_sealed *a = &r[i];

			a->idx = idx++;
			a->t_ms = 1763971200000 + idx;
			a->pro_id = 1 + idx % 20;
			randombytes_buf(a->patient, sizeof(a->patient));
			randombytes_buf(a->entry, sizeof(a->entry));
			/* A sealed record of the usual length (entry.c seals the real one). */
			a->sealed_len = 470;
			randombytes_buf(a->sealed, a->sealed_len);
		}
		if (store_access_put(st, r, (size_t)batch) != 0) {
			fprintf(stderr, "index_bench: insert failed\n");
			return 1;
		}
	}
	printf("BENCH rows=%ld seconds=%.1f per_sec=%.0f batch=%ld\n", idx, now_s() - t0,
	       (double)idx / (now_s() - t0), batch);
	store_close(st);
	free(r);
	return 0;
}
