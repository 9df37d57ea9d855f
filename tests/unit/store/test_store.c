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
	struct access_sealed r[3];
	char v[16];
	int64_t n = 0;

	struct access_sealed out[4];
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
		memset(r[i].entry, 0x30 + i, ACCESS_ENTRY_LEN);
		/* The store keeps the sealed bytes as they are (journal/entry.h seals them). */
		r[i].sealed_len = 100 + (size_t)i;
		memset(r[i].sealed, 0x40 + i, r[i].sealed_len);
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
	assert_int_equal(out[1].sealed_len, 100);
	assert_memory_equal(out[1].sealed, r[0].sealed, 100);
	assert_memory_equal(out[0].entry, r[2].entry, ACCESS_ENTRY_LEN);
	assert_int_equal(out[0].t_ms, 1002);
	assert_int_equal(out[0].pro_id, 1);
	assert_memory_equal(out[0].patient, p0, VAULT_BIDX);
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

/* ---- incidents, scopes, messages, reports, campaigns, outbox ---- */

static void incidents(void **state)
{
	struct fx *f = *state;
	struct store_incident a = { .opened_ms = 5000, .opened_by = 7 }, b = { 0 }, o, list[4];
	size_t n = 0;

	snprintf(a.title, sizeof(a.title), "Comptes vol\xc3\xa9s, pharmacie de Lyon");
	assert_int_equal(store_incident_put(f->st, &a), 0);
	assert_true(a.id > 0);
	assert_int_equal(a.status, INCIDENT_OPEN);
	b.opened_ms = 6000;
	b.opened_by = 8;
	memset(b.title, 'T', sizeof(b.title) - 1); /* the longest title */
	assert_int_equal(store_incident_put(f->st, &b), 0);
	assert_true(b.id > a.id);
	assert_int_equal(store_incident_get(f->st, a.id, &o), 0);
	assert_int_equal(o.id, a.id);
	assert_int_equal(o.opened_ms, 5000);
	assert_int_equal(o.opened_by, 7);
	assert_int_equal(o.status, INCIDENT_OPEN);
	assert_int_equal(o.closed_ms, 0);
	assert_int_equal(o.closed_by, 0);
	assert_string_equal(o.title, a.title);
	assert_int_equal(store_incident_get(f->st, b.id, &o), 0);
	assert_string_equal(o.title, b.title);
	assert_int_equal(store_incident_get(f->st, b.id + 100, &o), VG_ENOTFOUND);
	/* Newest first; cap honoured. */
	assert_int_equal(store_incident_list(f->st, list, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, b.id);
	assert_int_equal(list[1].id, a.id);
	assert_int_equal(store_incident_list(f->st, list, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, b.id);
	/* Closing: once; an unknown or closed incident is VG_ENOTFOUND. */
	assert_int_equal(store_incident_close(f->st, a.id, 9000, 9), 0);
	assert_int_equal(store_incident_get(f->st, a.id, &o), 0);
	assert_int_equal(o.status, INCIDENT_CLOSED);
	assert_int_equal(o.closed_ms, 9000);
	assert_int_equal(o.closed_by, 9);
	assert_int_equal(store_incident_close(f->st, a.id, 9500, 10), VG_ENOTFOUND);
	assert_int_equal(store_incident_get(f->st, a.id, &o), 0);
	assert_int_equal(o.closed_ms, 9000); /* the first close stands */
	assert_int_equal(o.closed_by, 9);
	assert_int_equal(store_incident_close(f->st, b.id + 100, 9000, 9), VG_ENOTFOUND);
	assert_int_equal(store_incident_get(f->st, b.id, &o), 0);
	assert_int_equal(o.status, INCIDENT_OPEN);
}

static void scopes(void **state)
{
	struct fx *f = *state;
	struct store_incident i1 = { .opened_ms = 1, .opened_by = 1 },
	                      i2 = { .opened_ms = 2, .opened_by = 1 };
	struct store_scope x, out[8];
	size_t n = 0;

	assert_int_equal(store_incident_put(f->st, &i1), 0);
	assert_int_equal(store_incident_put(f->st, &i2), 0);
	for (int k = 0; k < 3; k++) {
		memset(&x, 0, sizeof(x));
		x.incident_id = i1.id;
		x.seq = 99; /* set by the store */
		x.pro_id = 10 + k;
		x.from_ms = 1000 * k;
		x.to_ms = 1000 * k + 500;
		snprintf(x.ip, sizeof(x.ip), "%s", k == 1 ? "2001:db8::1" : "");
		x.added_ms = 7000 + k;
		x.added_by = 3;
		assert_int_equal(store_scope_put(f->st, &x), 0);
		assert_int_equal(x.seq, k);
	}
	/* Another incident counts from 0. */
	memset(&x, 0, sizeof(x));
	x.incident_id = i2.id;
	x.pro_id = 50;
	x.to_ms = 1;
	assert_int_equal(store_scope_put(f->st, &x), 0);
	assert_int_equal(x.seq, 0);
	assert_int_equal(store_scopes(f->st, i1.id, out, 8, &n), 0);
	assert_int_equal(n, 3);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(out[k].incident_id, i1.id);
		assert_int_equal(out[k].seq, k);
		assert_int_equal(out[k].pro_id, 10 + k);
		assert_int_equal(out[k].from_ms, 1000 * k);
		assert_int_equal(out[k].to_ms, 1000 * k + 500);
		assert_int_equal(out[k].added_ms, 7000 + k);
		assert_int_equal(out[k].added_by, 3);
	}
	assert_string_equal(out[0].ip, "");
	assert_string_equal(out[1].ip, "2001:db8::1");
	assert_int_equal(store_scopes(f->st, i1.id, out, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[1].seq, 1);
	assert_int_equal(store_scopes(f->st, i2.id, out, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].pro_id, 50);
	assert_int_equal(store_scopes(f->st, i2.id + 100, out, 8, &n), 0);
	assert_int_equal(n, 0);
}

static void message_fill(struct store_message *m, int64_t id, uint8_t code, int64_t person,
                         int64_t t)
{
	memset(m, 0, sizeof(*m));
	m->id = id;
	memset(m->code, code, VAULT_BIDX);
	m->person_id = person;
	m->campaign_id = 4;
	m->created_ms = t;
	snprintf(m->channel, sizeof(m->channel), "email");
	snprintf(m->subject, sizeof(m->subject), "Objet %lld", (long long)id);
	m->body_len = 100 + (size_t)id % 50;
	for (size_t i = 0; i < m->body_len; i++)
		m->body[i] = (uint8_t)(i * 7 + (size_t)id);
}

static void messages(void **state)
{
	struct fx *f = *state;
	static struct store_message m, o, list[8];
	uint8_t code[VAULT_BIDX];
	size_t n = 0;

	message_fill(&m, 1001, 0xA1, 42, 3000);
	assert_int_equal(store_message_put(f->st, &m), 0);
	message_fill(&m, 1002, 0xA2, 42, 5000);
	assert_int_equal(store_message_put(f->st, &m), 0);
	message_fill(&m, 1003, 0xA3, 42, 4000);
	snprintf(m.channel, sizeof(m.channel), "sms");
	assert_int_equal(store_message_put(f->st, &m), 0);
	message_fill(&m, 1004, 0xA4, 43, 4000);
	assert_int_equal(store_message_put(f->st, &m), 0);
	/* A taken id or a taken code: VG_EEXIST (the caller draws again). */
	message_fill(&m, 1001, 0xB1, 42, 3000);
	assert_int_equal(store_message_put(f->st, &m), VG_EEXIST);
	message_fill(&m, 1005, 0xA2, 42, 3000);
	assert_int_equal(store_message_put(f->st, &m), VG_EEXIST);
	/* By code hash: the whole row back. */
	memset(code, 0xA3, VAULT_BIDX);
	assert_int_equal(store_message_by_code(f->st, code, &o), 0);
	message_fill(&m, 1003, 0xA3, 42, 4000);
	assert_int_equal(o.id, 1003);
	assert_memory_equal(o.code, code, VAULT_BIDX);
	assert_int_equal(o.person_id, 42);
	assert_int_equal(o.campaign_id, 4);
	assert_int_equal(o.created_ms, 4000);
	assert_string_equal(o.channel, "sms");
	assert_string_equal(o.subject, "Objet 1003");
	assert_int_equal(o.body_len, m.body_len);
	assert_memory_equal(o.body, m.body, m.body_len);
	memset(code, 0xB1, VAULT_BIDX);
	assert_int_equal(store_message_by_code(f->st, code, &o), VG_ENOTFOUND);
	assert_int_equal(store_message_get(f->st, 1002, &o), 0);
	assert_int_equal(o.created_ms, 5000);
	assert_int_equal(store_message_get(f->st, 1005, &o), VG_ENOTFOUND);
	/* A person's messages, newest first; only theirs; cap honoured. */
	assert_int_equal(store_messages_of(f->st, 42, list, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].id, 1002);
	assert_int_equal(list[1].id, 1003);
	assert_int_equal(list[2].id, 1001);
	assert_int_equal(store_messages_of(f->st, 42, list, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[1].id, 1003);
	assert_int_equal(store_messages_of(f->st, 43, list, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, 1004);
	assert_int_equal(store_messages_of(f->st, 44, list, 8, &n), 0);
	assert_int_equal(n, 0);
	/* The largest sealed text fits. */
	message_fill(&m, 1006, 0xA6, 45, 1);
	m.body_len = STORE_MESSAGE_MAX;
	memset(m.body, 0x5c, m.body_len);
	assert_int_equal(store_message_put(f->st, &m), 0);
	assert_int_equal(store_message_get(f->st, 1006, &o), 0);
	assert_int_equal(o.body_len, STORE_MESSAGE_MAX);
	assert_memory_equal(o.body, m.body, STORE_MESSAGE_MAX);
}

static void report_fill(struct store_report *x, int64_t id, int64_t t)
{
	memset(x, 0, sizeof(*x));
	x->id = id;
	x->t_ms = t;
	snprintf(x->channel, sizeof(x->channel), "%s", id / 10 % 2 ? "sms" : "email");
	x->body_len = 60 + (size_t)id;
	memset(x->body, (int)id, x->body_len);
}

static void reports(void **state)
{
	struct fx *f = *state;
	static struct store_report x, out[8];
	size_t n = 0;

	/* Ids that grow with time, as paging by id needs. */
	for (int k = 1; k <= 5; k++) {
		report_fill(&x, 10 * k, 100000 + 1000 * k);
		assert_int_equal(store_report_put(f->st, &x), 0);
	}
	report_fill(&x, 30, 1);
	assert_int_equal(store_report_put(f->st, &x), VG_EEXIST);
	/* Newest first, the whole row. */
	assert_int_equal(store_reports(f->st, INT64_MAX, out, 8, &n), 0);
	assert_int_equal(n, 5);
	for (int k = 0; k < 5; k++)
		assert_int_equal(out[k].id, 10 * (5 - k));
	report_fill(&x, 50, 105000);
	assert_int_equal(out[0].t_ms, 105000);
	assert_string_equal(out[0].channel, "sms");
	assert_int_equal(out[0].body_len, x.body_len);
	assert_memory_equal(out[0].body, x.body, x.body_len);
	assert_string_equal(out[1].channel, "email");
}

/*
 * store.h: "Reports with id < before (INT64_MAX: the newest), newest
 * first", and GET /admin/reports pages with before = the last id of the
 * previous page. Walking the pages visits every report once.
 */
static void reports_page_by_id(void **state)
{
	struct fx *f = *state;
	static struct store_report out[8];
	int64_t before = INT64_MAX;
	size_t n = 0, seen = 0;

	/* The five reports of the test above: ids 50, 40, 30, 20, 10. */
	assert_int_equal(store_reports(f->st, INT64_MAX, out, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].id, 50);
	assert_int_equal(out[1].id, 40);
	assert_int_equal(store_reports(f->st, 40, out, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].id, 30);
	assert_int_equal(out[1].id, 20);
	assert_int_equal(store_reports(f->st, 20, out, 2, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, 10);
	for (int page = 0; page < 10; page++) {
		assert_int_equal(store_reports(f->st, before, out, 2, &n), 0);
		for (size_t i = 0; i < n; i++)
			assert_true(out[i].id < before);
		seen += n;
		if (n < 2)
			break;
		before = out[n - 1].id;
	}
	assert_int_equal(seen, 5);
}

static void campaigns_and_outbox(void **state)
{
	struct fx *f = *state;
	struct store_incident inc = { .opened_ms = 1, .opened_by = 1 }, other = { .opened_ms = 2 };
	struct store_campaign c, again, letter, o;
	struct store_outbox rows[8], row;
	const int64_t first[] = { 30, 10, 20 }, more[] = { 20, 40, 40 }, none[] = { 0 };
	int64_t added = -1, counts[4];
	size_t n = 0;

	assert_int_equal(store_incident_put(f->st, &inc), 0);
	assert_int_equal(store_incident_put(f->st, &other), 0);
	memset(&c, 0, sizeof(c));
	c.incident_id = inc.id;
	snprintf(c.channel, sizeof(c.channel), "email");
	c.created_ms = 8000;
	c.created_by = 2;
	assert_int_equal(store_campaign_find(f->st, inc.id, "email", &o), VG_ENOTFOUND);
	assert_int_equal(store_campaign_put(f->st, &c, first, 3, &added), 0);
	assert_int_equal(added, 3);
	assert_true(c.id > 0);
	assert_int_equal(c.incident_id, inc.id);
	assert_string_equal(c.channel, "email");
	assert_int_equal(c.total, 3);
	assert_int_equal(c.done_ms, 0);
	assert_int_equal(c.created_ms, 8000);
	assert_int_equal(c.created_by, 2);
	/* The same persons again: the same campaign, nobody added. */
	memset(&again, 0, sizeof(again));
	again.incident_id = inc.id;
	snprintf(again.channel, sizeof(again.channel), "email");
	again.created_ms = 9000;
	assert_int_equal(store_campaign_put(f->st, &again, first, 3, &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(again.id, c.id);
	assert_int_equal(again.total, 3);
	assert_int_equal(again.created_ms, 8000); /* read back: the first one's */
	/* Some new, some known, one twice in the list: each person once. */
	assert_int_equal(store_campaign_put(f->st, &again, more, 3, &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(again.id, c.id);
	assert_int_equal(again.total, 4);
	/* Another channel is another campaign; so is another incident. */
	memset(&letter, 0, sizeof(letter));
	letter.incident_id = inc.id;
	snprintf(letter.channel, sizeof(letter.channel), "letter");
	assert_int_equal(store_campaign_put(f->st, &letter, first, 2, &added), 0);
	assert_int_equal(added, 2);
	assert_true(letter.id != c.id);
	assert_int_equal(letter.total, 2);
	memset(&o, 0, sizeof(o));
	o.incident_id = other.id;
	snprintf(o.channel, sizeof(o.channel), "email");
	assert_int_equal(store_campaign_put(f->st, &o, first, 3, &added), 0);
	assert_int_equal(added, 3);
	assert_true(o.id != c.id && o.id != letter.id);
	/* find and get agree. */
	assert_int_equal(store_campaign_find(f->st, inc.id, "email", &o), 0);
	assert_int_equal(o.id, c.id);
	assert_int_equal(o.total, 4);
	assert_int_equal(store_campaign_get(f->st, letter.id, &o), 0);
	assert_string_equal(o.channel, "letter");
	assert_int_equal(store_campaign_get(f->st, letter.id + 100, &o), VG_ENOTFOUND);

	/* The outbox: pending rows in person order, paged by person. */
	assert_int_equal(store_outbox_next(f->st, c.id, 0, rows, 8, &n), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rows[i].campaign_id, c.id);
		assert_int_equal(rows[i].person_id, 10 * (int64_t)(i + 1));
		assert_int_equal(rows[i].state, OUTBOX_PENDING);
		assert_int_equal(rows[i].attempts, 0);
		assert_int_equal(rows[i].message_id, 0);
	}
	assert_int_equal(store_outbox_next(f->st, c.id, 0, rows, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[1].person_id, 20);
	assert_int_equal(store_outbox_next(f->st, c.id, 20, rows, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].person_id, 30);
	assert_int_equal(rows[1].person_id, 40);
	/* Sending stays in the queue (a crash resumes it); sent and failed leave it. */
	row = (struct store_outbox){ c.id, 10, OUTBOX_SENDING, 1, 555, 8100 };
	assert_int_equal(store_outbox_set(f->st, &row), 0);
	row = (struct store_outbox){ c.id, 20, OUTBOX_SENT, 2, 556, 8200 };
	assert_int_equal(store_outbox_set(f->st, &row), 0);
	row = (struct store_outbox){ c.id, 30, OUTBOX_FAILED, 5, 557, 8300 };
	assert_int_equal(store_outbox_set(f->st, &row), 0);
	row = (struct store_outbox){ c.id, 99, OUTBOX_SENT, 1, 1, 1 };
	assert_int_equal(store_outbox_set(f->st, &row), VG_ENOTFOUND);
	assert_int_equal(store_outbox_next(f->st, c.id, 0, rows, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].person_id, 10);
	assert_int_equal(rows[0].state, OUTBOX_SENDING);
	assert_int_equal(rows[0].attempts, 1);
	assert_int_equal(rows[0].message_id, 555);
	assert_int_equal(rows[0].updated_ms, 8100);
	assert_int_equal(rows[1].person_id, 40);
	assert_int_equal(store_outbox_counts(f->st, c.id, counts), 0);
	assert_int_equal(counts[OUTBOX_PENDING], 1);
	assert_int_equal(counts[OUTBOX_SENDING], 1);
	assert_int_equal(counts[OUTBOX_SENT], 1);
	assert_int_equal(counts[OUTBOX_FAILED], 1);
	/* The letter campaign's rows are its own. */
	assert_int_equal(store_outbox_counts(f->st, letter.id, counts), 0);
	assert_int_equal(counts[OUTBOX_PENDING], 2);
	assert_int_equal(counts[OUTBOX_SENT], 0);
	assert_int_equal(store_outbox_counts(f->st, letter.id + 100, counts), 0);
	assert_int_equal(counts[0] + counts[1] + counts[2] + counts[3], 0);
	/* Re-adding a sent person does not send again: the row keeps its state. */
	assert_int_equal(store_campaign_put(f->st, &again, first, 3, &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(store_outbox_counts(f->st, c.id, counts), 0);
	assert_int_equal(counts[OUTBOX_SENT], 1);
	assert_int_equal(counts[OUTBOX_PENDING], 1);

	/* Done: stays done while nobody is added, and is cleared when someone is. */
	assert_int_equal(store_campaign_done(f->st, c.id, 9999), 0);
	assert_int_equal(store_campaign_get(f->st, c.id, &o), 0);
	assert_int_equal(o.done_ms, 9999);
	assert_int_equal(store_campaign_put(f->st, &again, first, 3, &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(again.done_ms, 9999);
	assert_int_equal(store_campaign_put(f->st, &again, none, 0, &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(again.done_ms, 9999);
	{
		const int64_t late[] = { 50 };

		assert_int_equal(store_campaign_put(f->st, &again, late, 1, &added), 0);
		assert_int_equal(added, 1);
		assert_int_equal(again.done_ms, 0);
		assert_int_equal(again.total, 5);
	}
}

static void insured_by_patient(void **state)
{
	struct fx *f = *state;
	static struct store_insured r, o, rows[8];
	uint8_t p[VAULT_BIDX], q[VAULT_BIDX];
	int64_t ids[8];
	size_t n = 0;

	memset(p, 0x71, VAULT_BIDX);
	memset(q, 0x72, VAULT_BIDX);
	/* Three people under pseudonym p (inserted out of order), one under q, one without. */
	for (int k = 0; k < 5; k++) {
		static const int64_t ID[] = { 203, 201, 202, 204, 205 };

		fill(&r, ID[k], 0xE0);
		if (k < 3) {
			memcpy(r.patient, p, VAULT_BIDX);
			r.has_patient = 1;
		} else if (k == 3) {
			memcpy(r.patient, q, VAULT_BIDX);
			r.has_patient = 1;
		}
		assert_int_equal(store_insured_put(f->st, &r), 0);
	}
	assert_int_equal(store_insured_ids_by_patient(f->st, p, ids, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], 201);
	assert_int_equal(ids[1], 202);
	assert_int_equal(ids[2], 203);
	assert_int_equal(store_insured_ids_by_patient(f->st, p, ids, 2, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[1], 202);
	assert_int_equal(store_insured_ids_by_patient(f->st, q, ids, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 204);
	/* The whole row, contact and pseudonym included. */
	assert_int_equal(store_insured_get(f->st, 204, &o), 0);
	assert_int_equal(o.id, 204);
	assert_true(o.has_patient);
	assert_memory_equal(o.patient, q, VAULT_BIDX);
	assert_int_equal(o.contact_len, 60);
	assert_int_equal(o.ident_len, 50);
	assert_int_equal(o.rights_len, 70);
	assert_int_equal(o.nir_bidx[0], 0xE0);
	assert_int_equal(store_insured_get(f->st, 205, &o), 0);
	assert_false(o.has_patient);
	assert_int_equal(store_insured_get(f->st, 9999, &o), VG_ENOTFOUND);
	/* Rows without a pseudonym (here 205 and the older ones), then set it. */
	assert_int_equal(store_insured_without_patient(f->st, 200, rows, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, 205);
	assert_int_equal(rows[0].ident_len, 50);
	assert_int_equal(store_insured_without_patient(f->st, 0, rows, 8, &n), 0);
	assert_true(n >= 2);
	for (size_t i = 1; i < n; i++)
		assert_true(rows[i].id > rows[i - 1].id);
	assert_int_equal(store_insured_set_patient(f->st, 205, p), 0);
	assert_int_equal(store_insured_ids_by_patient(f->st, p, ids, 8, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(ids[3], 205);
	assert_int_equal(store_insured_without_patient(f->st, 200, rows, 8, &n), 0);
	assert_int_equal(n, 0);
}

struct acc_ctx {
	int64_t idx[8];
	size_t n, stop_after;
};

static int acc_cb(void *arg, const struct access_sealed *a)
{
	struct acc_ctx *c = arg;

	c->idx[c->n++] = a->idx;
	return c->stop_after && c->n == c->stop_after;
}

/* A professional's accesses in [from, to), in time order (the rows of access_records_and_meta). */
static void access_of_pro(void **state)
{
	struct fx *f = *state;
	struct acc_ctx c = { 0 };

	assert_int_equal(store_access_of_pro(f->st, 1, 1000, 1002, acc_cb, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.idx[0], 10);
	assert_int_equal(c.idx[1], 11);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_access_of_pro(f->st, 1, 0, INT64_MAX, acc_cb, &c), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.idx[2], 12);
	memset(&c, 0, sizeof(c));
	c.stop_after = 1; /* non-zero stops */
	assert_int_equal(store_access_of_pro(f->st, 1, 0, INT64_MAX, acc_cb, &c), 0);
	assert_int_equal(c.n, 1);
	memset(&c, 0, sizeof(c));
	assert_int_equal(store_access_of_pro(f->st, 2, 0, INT64_MAX, acc_cb, &c), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(store_access_of_pro(f->st, 1, 1003, 2000, acc_cb, &c), 0);
	assert_int_equal(c.n, 0);
}

/* A client is known to an account once seen, only to that account, and asking marks nothing. */
static void iclients(void **state)
{
	struct fx *f = *state;
	uint8_t a[VAULT_BIDX], b[VAULT_BIDX];
	int known = -1, is_new = -1;

	memset(a, 0xa1, sizeof(a));
	memset(b, 0xb2, sizeof(b));
	assert_int_equal(store_iclient_known(f->st, 7, a, &known), 0);
	assert_int_equal(known, 0);
	assert_int_equal(store_iclient_known(f->st, 7, a, &known), 0);
	assert_int_equal(known, 0); /* asking did not mark it */
	assert_int_equal(store_iclient_seen(f->st, 7, a, 100, &is_new), 0);
	assert_int_equal(is_new, 1);
	assert_int_equal(store_iclient_seen(f->st, 7, a, 200, &is_new), 0);
	assert_int_equal(is_new, 0);
	assert_int_equal(store_iclient_known(f->st, 7, a, &known), 0);
	assert_int_equal(known, 1);
	assert_int_equal(store_iclient_known(f->st, 8, a, &known), 0);
	assert_int_equal(known, 0); /* another account */
	assert_int_equal(store_iclient_known(f->st, 7, b, &known), 0);
	assert_int_equal(known, 0); /* another client */
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
		cmocka_unit_test(incidents),
		cmocka_unit_test(scopes),
		cmocka_unit_test(messages),
		cmocka_unit_test(reports),
		cmocka_unit_test(reports_page_by_id),
		cmocka_unit_test(campaigns_and_outbox),
		cmocka_unit_test(insured_by_patient),
		cmocka_unit_test(access_of_pro),
		cmocka_unit_test(iclients),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
