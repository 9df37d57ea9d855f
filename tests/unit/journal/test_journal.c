/*
 * The journal (journal/journal.h) and its entries (journal/entry.h): group
 * commit under concurrency, tiles and checkpoints that reproduce the tree
 * computed independently here, receipts, recovery from a torn tail, refusal
 * of a damaged or shortened log, and `verify` naming the damaged file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/merkle.h"
#include "crypto/note.h"
#include "crypto/vault.h"
#include "journal/entry.h"
#include "journal/journal.h"
#include "testutil.h"

struct fx {
	char dir[PATH_MAX];
	char jdir[PATH_MAX + 16];
	char key[PATH_MAX + 16];
};

static int setup(void **state)
{
	static struct fx f;

	if (sodium_init() < 0 || tu_tempdir(f.dir) != 0)
		return -1;
	snprintf(f.jdir, sizeof(f.jdir), "%s/journal", f.dir);
	snprintf(f.key, sizeof(f.key), "%s/journal.key", f.dir);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tu_rmdir(f->dir);
	return 0;
}

static struct journal *open_j(struct fx *f)
{
	struct journal_cfg c = { .dir = f->jdir, .key_path = f->key, .origin = "test.example/log",
	                         .checkpoint_ms = 20 };
	struct journal *j = NULL;

	assert_int_equal(journal_open(&c, &j), 0);
	return j;
}

/* Entry i: 32 bytes that say i. */
static void entry_of(uint64_t i, uint8_t e[32])
{
	crypto_generichash(e, 32, (const uint8_t *)&i, sizeof(i), NULL, 0);
}

/* The root of entries 0 .. n-1, computed here from scratch. */
static void expected_root(uint64_t n, uint8_t root[32])
{
	uint8_t *leaves = malloc((n ? n : 1) * 32), e[32];

	assert_non_null(leaves);
	for (uint64_t i = 0; i < n; i++) {
		entry_of(i, e);
		merkle_leaf_hash(e, 32, leaves + 32 * i);
	}
	assert_int_equal(merkle_root(leaves, n, root), 0);
	free(leaves);
}

static void append_n(struct journal *j, uint64_t from, uint64_t n)
{
	uint8_t e[32], priv[8] = "private";
	uint64_t idx;

	for (uint64_t i = from; i < from + n; i++) {
		entry_of(i, e);
		assert_int_equal(journal_append_wait(j, e, 32, priv, sizeof(priv), &idx), 0);
		assert_int_equal(idx, i);
	}
}

/* The checkpoint on disk, verified: size and root. */
static void disk_checkpoint(struct fx *f, uint64_t *size, uint8_t root[32])
{
	char note[JOURNAL_NOTE_MAX];
	size_t len;

	assert_int_equal(journal_read_checkpoint(f->jdir, note, sizeof(note), &len, size, root), 0);
}

static void test_checkpoint_tiles_and_receipts_match_the_tree(void **state)
{
	struct fx *f = *state;
	struct journal *j = open_j(f);
	uint8_t want[32], got[32], root[32], e[32], leaf[32];
	const uint64_t n = 70000 / 64; /* several full tiles, a partial one, two levels */
	uint64_t size;
	char buf[16384];
	size_t len;

	append_n(j, 0, n);
	journal_sync(j);
	assert_int_equal(journal_size(j), n);
	expected_root(n, want);
	assert_int_equal(journal_checkpoint(j, buf, sizeof(buf), &len, &size, got), 0);
	assert_int_equal(size, n);
	assert_memory_equal(got, want, 32);
	disk_checkpoint(f, &size, root);
	assert_int_equal(size, n);
	assert_memory_equal(root, want, 32);
	/* The tiles alone give the same root. */
	struct journal_tiles t = { f->jdir, n };
	assert_int_equal(merkle_tree_root(journal_tiles_hash, &t, n, got), 0);
	assert_memory_equal(got, want, 32);
	/* Receipts for a few entries verify end to end. */
	for (uint64_t i = 0; i < n; i += 257) {
		static struct merkle_proof proof;
		struct note_verifier v;
		struct checkpoint cp;
		const char *note;
		size_t note_len, tl;
		uint64_t index;
		char vk[PATH_MAX + 32];
		FILE *vf;

		assert_int_equal(journal_receipt(j, i, buf, sizeof(buf), &len), 0);
		assert_int_equal(tlog_proof_parse(buf, len, &index, &proof, &note, &note_len), 0);
		assert_int_equal(index, i);
		snprintf(vk, sizeof(vk), "%s/vkey", f->jdir);
		vf = fopen(vk, "r");
		assert_non_null(vf);
		assert_non_null(fgets(vk, sizeof(vk), vf));
		fclose(vf);
		vk[strcspn(vk, "\n")] = '\0';
		assert_int_equal(note_vkey_parse(vk, strlen(vk), &v), 0);
		assert_int_equal(note_open(note, note_len, &v, 1, &tl), 0);
		assert_int_equal(checkpoint_parse(note, tl, &cp), 0);
		entry_of(i, e);
		merkle_leaf_hash(e, 32, leaf);
		assert_int_equal(merkle_verify_inclusion(leaf, i, cp.size, &proof, cp.root), 0);
	}
	assert_int_equal(journal_receipt(j, n, buf, sizeof(buf), &len), VG_ENOTFOUND);
	journal_free(j);
}

struct worker {
	struct journal *j;
	int id, n;
	uint64_t *seen;     /* index -> 1 + worker, shared */
	pthread_mutex_t *m;
	int errors;
};

struct pending {
	struct journal_item it;
	uint8_t e[32];
	struct worker *w;
	int done;
	pthread_mutex_t m;
	pthread_cond_t c;
};

static void on_done(void *arg, int rc, uint64_t index)
{
	struct pending *p = arg;

	pthread_mutex_lock(p->w->m);
	if (rc != 0 || p->w->seen[index] != 0)
		p->w->errors++;
	else
		p->w->seen[index] = 1 + (uint64_t)p->w->id;
	pthread_mutex_unlock(p->w->m);
	pthread_mutex_lock(&p->m);
	p->done = 1;
	pthread_cond_signal(&p->c);
	pthread_mutex_unlock(&p->m);
}

static void *appender(void *arg)
{
	struct worker *w = arg;
	enum { INFLIGHT = 16 };
	struct pending p[INFLIGHT];

	/* Keep INFLIGHT appends outstanding, so groups really form. */
	for (int b = 0; b < w->n; b += INFLIGHT) {
		int k = w->n - b < INFLIGHT ? w->n - b : INFLIGHT;

		for (int i = 0; i < k; i++) {
			memset(&p[i], 0, sizeof(p[i]));
			pthread_mutex_init(&p[i].m, NULL);
			pthread_cond_init(&p[i].c, NULL);
			p[i].w = w;
			memset(p[i].e, w->id, sizeof(p[i].e));
			p[i].it = (struct journal_item){ .entry = p[i].e, .entry_len = 32,
			                                 .done = on_done, .arg = &p[i] };
			if (journal_append(w->j, &p[i].it) != 0)
				w->errors++, p[i].done = 1;
		}
		for (int i = 0; i < k; i++) {
			pthread_mutex_lock(&p[i].m);
			while (!p[i].done)
				pthread_cond_wait(&p[i].c, &p[i].m);
			pthread_mutex_unlock(&p[i].m);
			pthread_cond_destroy(&p[i].c);
			pthread_mutex_destroy(&p[i].m);
		}
	}
	return NULL;
}

static void test_concurrent_appends_get_unique_dense_indexes(void **state)
{
	struct fx *f = *state;
	struct journal *j = open_j(f);
	enum { W = 8, N = 500 };
	pthread_t th[W];
	struct worker w[W];
	uint64_t *seen = calloc(W * N, sizeof(*seen));
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	uint64_t size, ncp;
	char why[256];

	assert_non_null(seen);
	for (int i = 0; i < W; i++) {
		w[i] = (struct worker){ j, i, N, seen, &m, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, appender, &w[i]), 0);
	}
	for (int i = 0; i < W; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].errors, 0);
	}
	for (int i = 0; i < W * N; i++)
		assert_true(seen[i] >= 1 && seen[i] <= W);
	journal_sync(j);
	assert_int_equal(journal_size(j), W * N);
	journal_free(j);
	assert_int_equal(journal_verify(f->jdir, NULL, NULL, &size, &ncp, why, sizeof(why)), 0);
	assert_int_equal(size, W * N);
	assert_true(ncp >= 2);
	free(seen);
}

static void test_reopen_recovers_and_cuts_a_torn_tail(void **state)
{
	struct fx *f = *state;
	struct journal *j = open_j(f);
	uint8_t want[32], root[32];
	char log[PATH_MAX + 32];
	struct stat sb;
	uint64_t size;
	FILE *lf;

	append_n(j, 0, 300);
	journal_free(j); /* integrates and signs on the way out */
	/* Half a frame at the end, as a crash during a write leaves it. */
	snprintf(log, sizeof(log), "%s/log", f->jdir);
	assert_int_equal(stat(log, &sb), 0);
	lf = fopen(log, "ab");
	assert_non_null(lf);
	fwrite("\x00\x00\x00\x40garbage", 1, 11, lf);
	fclose(lf);
	j = open_j(f);
	assert_int_equal(journal_size(j), 300);
	append_n(j, 300, 10); /* appends continue where the good frames end */
	journal_free(j);
	expected_root(310, want);
	disk_checkpoint(f, &size, root);
	assert_int_equal(size, 310);
	assert_memory_equal(root, want, 32);
}

static void test_damage_or_a_short_log_refuses_to_open(void **state)
{
	struct fx *f = *state;
	struct journal_cfg c = { .dir = f->jdir, .key_path = f->key, .origin = "test.example/log",
	                         .full = 1 };
	uint64_t size, ncp;
	char why[256];
	struct journal *j = open_j(f);
	char log[PATH_MAX + 32];
	struct stat sb;
	int fd;
	uint8_t b;

	append_n(j, 0, 100);
	journal_free(j);
	snprintf(log, sizeof(log), "%s/log", f->jdir);
	/* A flipped byte in the first frame (not the tail): damage, not a crash. */
	fd = open(log, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, 30), 1);
	b ^= 1;
	assert_int_equal(pwrite(fd, &b, 1, 30), 1);
	assert_int_equal(journal_open(&c, &j), VG_ECORRUPT);
	/* Resuming from the signed tree does not read that frame again; verify still finds it. */
	c.full = 0;
	assert_int_equal(journal_open(&c, &j), 0);
	journal_free(j);
	assert_int_equal(journal_verify(f->jdir, NULL, NULL, &size, &ncp, why, sizeof(why)),
	                 VG_ECORRUPT);
	assert_non_null(strstr(why, "log: entry 0: frame is damaged"));
	c.full = 1;
	b ^= 1;
	assert_int_equal(pwrite(fd, &b, 1, 30), 1);
	close(fd);
	j = open_j(f);
	journal_free(j);
	/* A log cut below the last published checkpoint. */
	assert_int_equal(stat(log, &sb), 0);
	assert_int_equal(truncate(log, sb.st_size / 2), 0);
	assert_int_equal(journal_open(&c, &j), VG_ECORRUPT);
	c.full = 0;
	assert_int_equal(journal_open(&c, &j), VG_ECORRUPT);
}

static void test_verify_names_the_damaged_tile(void **state)
{
	struct fx *f = *state;
	struct journal *j = open_j(f);
	char path[PATH_MAX + 64], why[256];
	uint64_t size, ncp;
	int fd;
	uint8_t b;

	append_n(j, 0, 600);
	journal_free(j);
	assert_int_equal(journal_verify(f->jdir, NULL, NULL, &size, &ncp, why, sizeof(why)), 0);
	assert_int_equal(size, 600);
	snprintf(path, sizeof(path), "%s/tile/0/001", f->jdir);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, 32 * 5 + 3), 1);
	b ^= 0x80;
	assert_int_equal(pwrite(fd, &b, 1, 32 * 5 + 3), 1);
	close(fd);
	assert_int_equal(journal_verify(f->jdir, NULL, NULL, &size, &ncp, why, sizeof(why)),
	                 VG_ECORRUPT);
	assert_non_null(strstr(why, "tile/0/001: differs from the log at hash 5"));
	/* Opening with the whole log read again (vigie journal rebuild) rewrites stale tiles. */
	{
		struct journal_cfg c = { .dir = f->jdir, .key_path = f->key, .origin = "x", .full = 1 };

		assert_int_equal(journal_open(&c, &j), 0);
		journal_free(j);
	}
	assert_int_equal(journal_verify(f->jdir, NULL, NULL, &size, &ncp, why, sizeof(why)), 0);
}

static void test_entry_commits_to_the_record_and_seals_it(void **state)
{
	struct fx *f = *state;
	struct vault *v = NULL, *other = NULL;
	char odir[PATH_MAX + 8];
	struct access_rec a = { .t_ms = 1763805845123, .pro_id = 7, .rpps = "10000000008",
	                        .ip = "127.0.0.1", .route = "Patient", .status = 200,
	                        .n_results = 1, .fields = "identifier,name", .decision = "allow" };
	struct access_rec back;
	uint8_t entry[ENTRY_LEN], again[ENTRY_LEN], priv[ENTRY_PRIV_MAX];
	size_t plen;

	memset(a.patient, 0xab, sizeof(a.patient));
	assert_int_equal(vault_keygen(f->dir), 0);
	assert_int_equal(vault_open(f->dir, &v), 0);
	assert_int_equal(entry_prepare(v, &a, entry, priv, &plen), 0);
	assert_string_equal(a.record,
	                    "{\"v\":1,\"time\":\"2025-11-22T10:04:05.123Z\",\"pro\":\"10000000008\","
	                    "\"patient\":\"abababababababababababababababab\","
	                    "\"purpose\":\"rights-check\",\"route\":\"Patient\",\"status\":200,"
	                    "\"persons\":1,\"fields\":\"identifier,name\",\"decision\":\"allow\"}");
	entry_commit(a.salt, a.record, strlen(a.record), again);
	assert_memory_equal(entry, again, ENTRY_LEN);
	assert_int_equal(entry_open(v, entry, ENTRY_LEN, priv, plen, &back), 0);
	assert_string_equal(back.record, a.record);
	assert_memory_equal(back.salt, a.salt, ACCESS_SALT);
	assert_int_equal(back.pro_id, 7);
	assert_string_equal(back.ip, "127.0.0.1");
	/* Another entry (a commitment that does not match) or another key: refused. */
	again[0] ^= 1;
	assert_int_not_equal(entry_open(v, again, ENTRY_LEN, priv, plen, &back), 0);
	priv[plen - 1] ^= 1;
	assert_int_equal(entry_open(v, entry, ENTRY_LEN, priv, plen, &back), VG_ECRYPTO);
	priv[plen - 1] ^= 1;
	snprintf(odir, sizeof(odir), "%s/o", f->dir);
	assert_int_equal(mkdir(odir, 0700), 0);
	assert_int_equal(vault_keygen(odir), 0);
	assert_int_equal(vault_open(odir, &other), 0);
	assert_int_equal(entry_open(other, entry, ENTRY_LEN, priv, plen, &back), VG_ECRYPTO);
	/* As the store keeps it: opens; a byte altered, a clear column moved: refused. */
	{
		struct access_sealed sl;

		a.idx = 41;
		assert_int_equal(entry_sealed(&a, entry, ENTRY_LEN, priv, plen, &sl), 0);
		assert_int_equal(entry_open_sealed(v, &sl, &back), 0);
		assert_int_equal(back.idx, 41);
		assert_string_equal(back.record, a.record);
		assert_string_equal(back.ip, "127.0.0.1");
		sl.sealed[10] ^= 1;
		assert_int_equal(entry_open_sealed(v, &sl, &back), VG_ECRYPTO);
		sl.sealed[10] ^= 1;
		sl.t_ms++;
		assert_int_equal(entry_open_sealed(v, &sl, &back), VG_ECORRUPT);
		sl.t_ms--;
		sl.patient[0] ^= 1;
		assert_int_equal(entry_open_sealed(v, &sl, &back), VG_ECORRUPT);
		sl.patient[0] ^= 1;
		sl.pro_id = 8;
		assert_int_equal(entry_open_sealed(v, &sl, &back), VG_ECORRUPT);
	}
	/* Two preparations of one access: fresh salts, unlinkable entries. */
	assert_int_equal(entry_prepare(v, &a, again, priv, &plen), 0);
	assert_memory_not_equal(entry, again, ENTRY_LEN);
	vault_free(v);
	vault_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_checkpoint_tiles_and_receipts_match_the_tree, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_appends_get_unique_dense_indexes, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_reopen_recovers_and_cuts_a_torn_tail, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_damage_or_a_short_log_refuses_to_open, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_verify_names_the_damaged_tile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_commits_to_the_record_and_seals_it, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
