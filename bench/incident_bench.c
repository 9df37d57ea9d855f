/*
 * incident_bench DATA PERSONS - how long an incident takes to answer at the
 * 2022 breach's size: one stolen account that looked up enough NIRs of the
 * seeded population in DATA to expose PERSONS people (510,000), written as
 * the journal's indexer would write the access rows; then the affected set
 * computed from them, the incident opened (affected set included; the
 * journal act is counted, not written: journal_bench measures appends), and
 * the CSV list written to /dev/null. Prints one "BENCH ..." line per step
 * and, last, "INCIDENT <id>" for the campaigns bench/incident.sh runs on it.
 * DATA is modified (rows and an incident): use a copy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "crypto/vault.h"
#include "incident/affected.h"
#include "incident/incident.h"
#include "incident/report.h"
#include "journal/entry.h"
#include "store/store.h"

#define T0_MS  1795000000000LL /* 2026-11-18 */
#define WINDOW (30LL * 86400 * 1000)
#define BATCH  5000

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int journal_count(void *arg, const struct access_rec *act, uint64_t *index)
{
	(void)act;
	*index = ++*(uint64_t *)arg;
	return 0;
}

/* Rows as the journal's indexer stores them: sealed (journal/entry.h). */
static int seal_rows(const struct vault *v, struct access_rec *r, struct access_sealed *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t entry[ENTRY_LEN], priv[ENTRY_PRIV_MAX];
		size_t plen = 0;

		if (entry_prepare(v, &r[i], entry, priv, &plen) != 0 ||
		    entry_sealed(&r[i], entry, sizeof(entry), priv, plen, &s[i]) != 0)
			return -1;
	}
	return 0;
}

static int null_out(void *ctx, const char *s, size_t n)
{
	return fwrite(s, 1, n, ctx) == n ? 0 : VG_EIO;
}

int main(int argc, char **argv)
{
	char path[4096];
	struct vault *v = NULL;
	struct store *st = NULL;
	struct store_insured *ins = malloc(sizeof(*ins));
	struct access_rec *rows = calloc(BATCH, sizeof(*rows));
	struct access_sealed *sealed = calloc(BATCH, sizeof(*sealed));
	struct store_pro pro;
	struct affected *set = NULL;
	struct incident_scope_req *q = calloc(1, sizeof(*q));
	struct incident_view *x = calloc(1, sizeof(*x));
	uint8_t last_patient[VAULT_BIDX] = { 0 };
	int64_t want, persons = 0, nirs = 0, last = -1, id = 0, total = 0, lastid = 0;
	uint64_t acts = 0;
	size_t n = 0;
	char why[BODY_WHY_MAX];
	double t;
	FILE *devnull = fopen("/dev/null", "w");

	if (argc != 3 || (want = strtoll(argv[2], NULL, 10)) < 1 || sodium_init() < 0 || !ins ||
	    !rows || !sealed || !q || !x || !devnull) {
		fprintf(stderr, "usage: incident_bench DATA PERSONS\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/vigie.db", argv[1]);
	if (vault_open(argv[1], &v) != 0 || store_sqlite_open(path, &st) != 0 ||
	    store_insured_count(st, &total) != 0 || store_pro_get_id(st, 1, &pro) != 0 ||
	    store_access_last(st, &last) != 0) {
		fprintf(stderr, "incident_bench: %s is not a seeded data directory\n", argv[1]);
		return 1;
	}
	/* The lookups: one per NIR (household), in id order, until PERSONS people are exposed. */
	t = now_s();
	for (int64_t i = 1; i <= total && persons < want; i++) {
		if (store_insured_get(st, i, ins) != 0 || !ins->has_patient)
			continue;
		persons++;
		if (memcmp(ins->patient, last_patient, VAULT_BIDX) == 0)
			continue;
		memcpy(last_patient, ins->patient, VAULT_BIDX);
		struct access_rec *a = &rows[n++];

		memset(a, 0, sizeof(*a));
		a->idx = ++last;
		a->t_ms = T0_MS + (nirs * 5003) % WINDOW;
		a->pro_id = pro.id;
		memcpy(a->rpps, pro.rpps, sizeof(a->rpps));
		memcpy(a->patient, ins->patient, sizeof(a->patient));
		memcpy(a->ip, "203.0.113.7", 12);
		memcpy(a->route, "Patient", 8);
		a->status = 200;
		a->n_results = 1;
		snprintf(a->fields, sizeof(a->fields), "identifier,name,gender,birthDate,coverage");
		memcpy(a->decision, "allow", 6);
		nirs++;
		if (n == BATCH || persons >= want) {
			if (seal_rows(v, rows, sealed, n) != 0 ||
			    store_access_put(st, sealed, n) != 0) {
				fprintf(stderr, "incident_bench: insert failed\n");
				return 1;
			}
			n = 0;
		}
	}
	if (n && (seal_rows(v, rows, sealed, n) != 0 || store_access_put(st, sealed, n) != 0))
		return 1;
	printf("BENCH step=rows nirs=%lld persons=%lld seconds=%.2f\n", (long long)nirs,
	       (long long)persons, now_s() - t);

	struct affected_part part = { pro.id, T0_MS, T0_MS + WINDOW, "" };

	t = now_s();
	if (affected_compute(st, v, &part, 1, &set) != 0)
		return 1;
	printf("BENCH step=affected persons=%zu seconds=%.2f\n", affected_size(set), now_s() - t);
	affected_free(set);

	struct incident_ctx c = { .st = st, .v = v, .journal = journal_count, .journal_arg = &acts,
		                  .now_ms = T0_MS + WINDOW, .rpps = INCIDENT_CONSOLE };

	q->n_rpps = 1;
	memcpy(q->rpps[0], pro.rpps, sizeof(pro.rpps));
	q->from_ms = T0_MS;
	q->to_ms = T0_MS + WINDOW;
	snprintf(q->title, sizeof(q->title), "incident_bench");
	t = now_s();
	if (incident_open(&c, q, &id, why) != 0) {
		fprintf(stderr, "incident_bench: %s\n", why);
		return 1;
	}
	printf("BENCH step=open seconds=%.2f\n", now_s() - t);
	t = now_s();
	if (incident_load(st, v, id, x) != 0)
		return 1;
	printf("BENCH step=load persons=%zu seconds=%.2f\n", affected_size(x->set), now_s() - t);
	t = now_s();
	if (report_list(x, st, v, REPORT_CSV, 0, 0, null_out, devnull, &lastid) != 0)
		return 1;
	printf("BENCH step=export_csv persons=%zu seconds=%.2f\n", affected_size(x->set),
	       now_s() - t);
	printf("INCIDENT %lld\n", (long long)id);
	incident_view_release(x);
	store_close(st);
	vault_free(v);
	fclose(devnull);
	free(x);
	free(q);
	free(rows);
	free(ins);
	return 0;
}
