/*
 * The store contract (store.h), run against the SQLite backend. Written
 * against the interface only, so a second backend can run the same suite.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "store/store.h"
#include "testutil.h"

struct fx {
	char dir[PATH_MAX];
	char db[PATH_MAX + 16];
	struct store *st;
};

static int setup(void **state)
{
	static struct fx f;

	if (sodium_init() < 0 || tu_tempdir(f.dir) != 0)
		return -1;
	snprintf(f.db, sizeof(f.db), "%s/t.db", f.dir);
	if (store_sqlite_open(f.db, &f.st) != 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	tu_rmdir(f->dir);
	return 0;
}

static void fill(struct store_insured *r, int64_t id, uint8_t nir_tag)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	memset(r->nir_bidx, nir_tag, VAULT_BIDX);
	memset(r->pid, (int)(id & 0xff), VAULT_BIDX);
	r->pid[0] = (uint8_t)(id >> 8);
	r->ident_len = 50;
	memset(r->ident, 'i', r->ident_len);
	r->contact_len = 60;
	memset(r->contact, 'c', r->contact_len);
	r->rights_len = 70;
	memset(r->rights, 'r', r->rights_len);
	memset(r->card_pk, 'k', 32);
}

static void insured_put_and_find(void **state)
{
	struct fx *f = *state;
	static struct store_insured r, out[STORE_MATCH_MAX];
	uint8_t none[VAULT_BIDX];
	size_t n = 99;
	int64_t count = 0;

	assert_int_equal(store_begin(f->st), 0);
	for (int64_t id = 1; id <= 3; id++) {
		fill(&r, id, id == 3 ? 0xBB : 0xAA); /* ids 1 and 2 share a NIR */
		assert_int_equal(store_insured_put(f->st, &r), 0);
	}
	assert_int_equal(store_commit(f->st), 0);
	fill(&r, 2, 0xCC);
	assert_int_equal(store_insured_put(f->st, &r), VG_EEXIST); /* id taken */
	assert_int_equal(store_insured_count(f->st, &count), 0);
	assert_int_equal(count, 3);

	memset(none, 0xAA, VAULT_BIDX);
	assert_int_equal(store_insured_find(f->st, none, out, STORE_MATCH_MAX, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].id, 1);
	assert_int_equal(out[1].id, 2);
	assert_int_equal(out[0].ident_len, 50);
	assert_int_equal(out[0].rights_len, 70);
	assert_int_equal(out[0].contact_len, 0); /* contact is never read on lookup */
	assert_int_equal(out[1].pid[VAULT_BIDX - 1], 2);
	/* cap is honoured */
	assert_int_equal(store_insured_find(f->st, none, out, 1, &n), 0);
	assert_int_equal(n, 1);
	memset(none, 0x01, VAULT_BIDX);
	assert_int_equal(store_insured_find(f->st, none, out, STORE_MATCH_MAX, &n), 0);
	assert_int_equal(n, 0);
}

static void lookups_see_new_rows_within_a_snapshot_period(void **state)
{
	struct fx *f = *state;
	static struct store_insured r, out[STORE_MATCH_MAX];
	uint8_t b[VAULT_BIDX];
	size_t n = 0;

	memset(b, 0xDD, VAULT_BIDX);
	assert_int_equal(store_insured_find(f->st, b, out, STORE_MATCH_MAX, &n), 0);
	assert_int_equal(n, 0);
	fill(&r, 10, 0xDD);
	assert_int_equal(store_insured_put(f->st, &r), 0);
	usleep(150 * 1000); /* past the 100 ms snapshot period of store.h */
	assert_int_equal(store_insured_find(f->st, b, out, STORE_MATCH_MAX, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, 10);
}

static void pro_accounts(void **state)
{
	struct fx *f = *state;
	struct store_pro p = { 0 }, q;
	int64_t n = 0;

	memcpy(p.rpps, "10000000016", 12);
	p.kind = PRO_PHARMACIST;
	memcpy(p.family, "MARTIN", 7);
	memcpy(p.given, "Anne", 5);
	memcpy(p.dept, "69", 3);
	memcpy(p.city, "Lyon", 5);
	memcpy(p.pwhash, "$argon2id$x", 12);
	p.totp_sealed_len = 60;
	memset(p.totp_sealed, 's', 60);
	assert_int_equal(store_pro_put(f->st, &p), 0);
	assert_true(p.id > 0);
	assert_int_equal(store_pro_put(f->st, &p), VG_EEXIST);
	assert_int_equal(store_pro_get(f->st, "10000000016", &q), 0);
	assert_int_equal(q.id, p.id);
	assert_string_equal(q.city, "Lyon");
	assert_int_equal(q.totp_sealed_len, 60);
	assert_int_equal(store_pro_get(f->st, "10000000024", &q), VG_ENOTFOUND);
	/* The TOTP step never goes backwards (a code is accepted once). */
	assert_int_equal(store_pro_set_auth(f->st, p.id, 3, 5000, 100), 0);
	assert_int_equal(store_pro_set_auth(f->st, p.id, 4, 6000, 90), 0);
	assert_int_equal(store_pro_get_id(f->st, p.id, &q), 0);
	assert_int_equal(q.failed, 4);
	assert_int_equal(q.locked_until, 6000);
	assert_int_equal(q.totp_last_step, 100);
	assert_int_equal(store_pro_get_id(f->st, p.id + 1000, &q), VG_ENOTFOUND);
	assert_int_equal(store_pro_count(f->st, &n), 0);
	assert_int_equal(n, 1);
}

static void sessions_expire_and_purge(void **state)
{
	struct fx *f = *state;
	struct store_session s = { .pro_id = 1, .created = 100, .last_used = 100, .expires = 1000 };
	struct store_session o;

	memset(s.token_hash, 0x11, VAULT_BIDX);
	memcpy(s.ip, "127.0.0.1", 10);
	assert_int_equal(store_session_put(f->st, &s), 0);
	assert_int_equal(store_session_put(f->st, &s), VG_EEXIST);
	assert_int_equal(store_session_get(f->st, SESSION_PRO, s.token_hash, &o), 0);
	assert_int_equal(o.expires, 1000);
	assert_string_equal(o.ip, "127.0.0.1");
	assert_int_equal(store_session_touch(f->st, SESSION_PRO, s.token_hash, 500), 0);
	assert_int_equal(store_session_get(f->st, SESSION_PRO, s.token_hash, &o), 0);
	assert_int_equal(o.last_used, 500);
	/* idle limit 600 at t=1000: expired by absolute time */
	assert_int_equal(store_session_purge(f->st, 900, 600), 0);
	assert_int_equal(store_session_get(f->st, SESSION_PRO, s.token_hash, &o), 0);
	assert_int_equal(store_session_purge(f->st, 1000, 600), 0);
	assert_int_equal(store_session_get(f->st, SESSION_PRO, s.token_hash, &o), VG_ENOTFOUND);
	s.expires = 5000;
	assert_int_equal(store_session_put(f->st, &s), 0);
	assert_int_equal(store_session_delete(f->st, SESSION_PRO, s.token_hash), 0);
	assert_int_equal(store_session_get(f->st, SESSION_PRO, s.token_hash, &o), VG_ENOTFOUND);
}

static void access_records_and_meta(void **state)
{
	struct fx *f = *state;
	struct access_rec r[3];
	char v[16];
	int64_t n = 0;

	struct access_rec out[4];
	uint8_t p0[VAULT_BIDX], p1[VAULT_BIDX];
	size_t got = 0;
	int64_t last = 0;

	memset(r, 0, sizeof(r));
	memset(p0, 0x11, sizeof(p0));
	memset(p1, 0x22, sizeof(p1));
	assert_int_equal(store_access_last(f->st, &last), 0);
	assert_int_equal(last, -1);
	for (int i = 0; i < 3; i++) {
		r[i].idx = 10 + i;
		r[i].t_ms = 1000 + i;
		r[i].pro_id = 1;
		memcpy(r[i].patient, i == 1 ? p1 : p0, VAULT_BIDX);
		memcpy(r[i].route, "Patient", 8);
		memcpy(r[i].decision, "allow", 6);
		memcpy(r[i].ip, "127.0.0.1", 10);
		memset(r[i].salt, i, ACCESS_SALT);
		snprintf(r[i].record, sizeof(r[i].record), "{\"v\":1,\"i\":%d}", i);
		r[i].status = 200;
	}
	assert_int_equal(store_access_put(f->st, r, 3), 0);
	/* Rows are keyed by journal index: refilling after a crash adds nothing twice. */
	assert_int_equal(store_access_put(f->st, r, 3), 0);
	assert_int_equal(store_access_count(f->st, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(store_access_last(f->st, &last), 0);
	assert_int_equal(last, 12);
	/* A patient's accesses, newest first, and only theirs. */
	assert_int_equal(store_access_by_patient(f->st, p0, INT64_MAX, out, 4, &got), 0);
	assert_int_equal(got, 2);
	assert_int_equal(out[0].idx, 12);
	assert_int_equal(out[1].idx, 10);
	assert_string_equal(out[1].record, "{\"v\":1,\"i\":0}");
	assert_memory_equal(out[0].salt, r[2].salt, ACCESS_SALT);
	assert_int_equal(store_access_by_patient(f->st, p0, 12, out, 4, &got), 0);
	assert_int_equal(got, 1);
	assert_int_equal(out[0].idx, 10);
	assert_int_equal(store_access_by_patient(f->st, p1, INT64_MAX, out, 4, &got), 0);
	assert_int_equal(got, 1);
	assert_int_equal(out[0].idx, 11);
	assert_int_equal(store_meta_get(f->st, "k", v, sizeof(v)), VG_ENOTFOUND);
	assert_int_equal(store_meta_set(f->st, "k", "value"), 0);
	assert_int_equal(store_meta_set(f->st, "k", "value2"), 0);
	assert_int_equal(store_meta_get(f->st, "k", v, sizeof(v)), 0);
	assert_string_equal(v, "value2");
	assert_int_equal(store_meta_get(f->st, "k", v, 3), VG_ETOOBIG);
}

static void *reader(void *arg)
{
	struct store *st = arg;
	static __thread struct store_insured out[STORE_MATCH_MAX];
	uint8_t b[VAULT_BIDX];
	size_t n;
	intptr_t bad = 0;

	memset(b, 0xAA, VAULT_BIDX);
	for (int i = 0; i < 500; i++)
		if (store_insured_find(st, b, out, STORE_MATCH_MAX, &n) != 0 || n != 2)
			bad++;
	return (void *)bad;
}

static void concurrent_readers(void **state)
{
	struct fx *f = *state;
	pthread_t th[4];
	void *bad;

	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, reader, f->st), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], &bad), 0);
		assert_int_equal((intptr_t)bad, 0);
	}
}

static void backup_is_a_full_copy(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX + 16];
	struct store *b;
	int64_t n = 0;

	snprintf(path, sizeof(path), "%s/backup.db", f->dir);
	assert_int_equal(store_backup(f->st, path), 0);
	assert_int_equal(store_sqlite_open(path, &b), 0);
	assert_int_equal(store_insured_count(b, &n), 0);
	assert_int_equal(n, 4); /* 3 + the one added by the snapshot test */
	store_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(insured_put_and_find),
		cmocka_unit_test(lookups_see_new_rows_within_a_snapshot_period),
		cmocka_unit_test(pro_accounts),
		cmocka_unit_test(sessions_expire_and_purge),
		cmocka_unit_test(access_records_and_meta),
		cmocka_unit_test(concurrent_readers),
		cmocka_unit_test(backup_is_a_full_copy),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
