/*
 * The affected set of an incident (incident/affected.h), computed from
 * access rows in a real store: what counts and what does not, persons under
 * one NIR, the uncertain ones, per-field and per-decision counts, the
 * address filter, and the backfill of rows stored before the pseudonym.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/record.h"
#include "incident/affected.h"
#include "journal/entry.h"
#include "store/store.h"
#include "testutil.h"

/* Four NIRs: A (persons 1 and 2), B (3), C (4, never disclosed), D (5, stored without pseudonym). */
static const char *const NIR[] = { "255081416802538", "185057800608436", "299122A01234561",
	                           "170017512345690" };

struct fx {
	char dir[PATH_MAX];
	char db[PATH_MAX + 16];
	struct store *st;
	struct vault *v;
	uint8_t pat[4][VAULT_BIDX];
};

static void put_person(struct fx *f, int64_t id, int nir, int with_patient)
{
	static struct store_insured r;
	struct insured_ident ident;
	uint8_t packed[RECORD_PACK_MAX];
	int len;

	memset(&r, 0, sizeof(r));
	memset(&ident, 0, sizeof(ident));
	r.id = id;
	memset(r.nir_bidx, 0x30 + nir, VAULT_BIDX);
	memset(r.pid, (int)id, VAULT_BIDX);
	snprintf(ident.nir, sizeof(ident.nir), "%s", NIR[nir]);
	snprintf(ident.family, sizeof(ident.family), "PERSONNE%lld", (long long)id);
	snprintf(ident.given, sizeof(ident.given), "Test");
	ident.rank = (uint8_t)(id == 2);
	len = record_pack_ident(&ident, packed, sizeof(packed));
	assert_true(len > 0);
	assert_int_equal(vault_seal(f->v, "insured", "ident", id, packed, (size_t)len, r.ident), 0);
	r.ident_len = (size_t)len + VAULT_OVERHEAD;
	r.rights_len = 10;
	r.contact_len = 10;
	if (with_patient) {
		memcpy(r.patient, f->pat[nir], VAULT_BIDX);
		r.has_patient = 1;
	}
	assert_int_equal(store_insured_put(f->st, &r), 0);
}

static void acc(struct access_rec *a, int64_t idx, int64_t pro, int64_t t, int nir, int status,
                int n, const char *fields, const char *decision, const char *ip,
                const uint8_t pat[4][VAULT_BIDX])
{
	memset(a, 0, sizeof(*a));
	a->idx = idx;
	a->pro_id = pro;
	a->t_ms = t;
	memcpy(a->patient, pat[nir], VAULT_BIDX);
	a->status = status;
	a->n_results = n;
	snprintf(a->fields, sizeof(a->fields), "%s", fields);
	snprintf(a->decision, sizeof(a->decision), "%s", decision);
	snprintf(a->ip, sizeof(a->ip), "%s", ip);
	snprintf(a->route, sizeof(a->route), "Patient");
	snprintf(a->rpps, sizeof(a->rpps), "10000000017");
	snprintf(a->record, sizeof(a->record), "{\"i\":%lld}", (long long)idx);
}

static int setup(void **state)
{
	static struct fx f;
	static struct access_rec r[12];
	static struct access_sealed sealed[12];

	if (sodium_init() < 0 || tu_tempdir(f.dir) != 0 || vault_keygen(f.dir) != 0 ||
	    vault_open(f.dir, &f.v) != 0)
		return -1;
	snprintf(f.db, sizeof(f.db), "%s/t.db", f.dir);
	if (store_sqlite_open(f.db, &f.st) != 0)
		return -1;
	for (int i = 0; i < 4; i++)
		vault_blind(f.v, VAULT_D_ACCESS, NIR[i], strlen(NIR[i]), f.pat[i]);
	put_person(&f, 1, 0, 1);
	put_person(&f, 2, 0, 1);
	put_person(&f, 3, 1, 1);
	put_person(&f, 4, 2, 1);
	put_person(&f, 5, 3, 0); /* an older row: no pseudonym yet */
	/* Pro 10 and pro 11 are in the scope, over [0, 5000); pro 12 is not. */
	acc(&r[0], 1, 10, 1000, 0, 200, 2, "identifier,name", "allow", "192.0.2.1", f.pat);
	acc(&r[1], 2, 10, 2000, 1, 200, 1, "birthDate,coverage", "minimise", "192.0.2.2", f.pat);
	acc(&r[2], 3, 10, 3000, 0, 404, 0, "", "allow", "192.0.2.1", f.pat);           /* refused */
	acc(&r[3], 4, 10, 3500, 2, 200, 0, "identifier", "allow", "192.0.2.1", f.pat); /* empty */
	acc(&r[4], 5, 10, 4000, 2, 200, 1, "", "allow", "192.0.2.1", f.pat);    /* no field */
	acc(&r[5], 6, 10, 4500, 2, 200, 1, "name", "deny", "192.0.2.1", f.pat); /* no answer */
	/* A $submit that answered one person of NIR A's two: both listed, uncertain. */
	acc(&r[6], 7, 11, 1500, 0, 200, 1, "name,gender,someNewWord", "allow", "192.0.2.9", f.pat);
	acc(&r[7], 8, 10, 5000, 1, 200, 1, "name", "allow", "192.0.2.1", f.pat); /* at to: out */
	acc(&r[8], 9, 12, 1000, 1, 200, 1, "name", "allow", "192.0.2.1", f.pat); /* other pro */
	acc(&r[9], 10, 10, 4800, 3, 200, 1, "identifier", "allow", "192.0.2.1", f.pat);
	/* Pro 13: two accounts' accesses to B, the later one first in the parts. */
	acc(&r[10], 11, 13, 2500, 1, 200, 1, "name", "allow", "192.0.2.1", f.pat);
	acc(&r[11], 12, 14, 1200, 1, 200, 1, "gender", "allow", "192.0.2.1", f.pat);
	/* Sealed as the journal's indexer stores them (journal/entry.h). */
	for (int i = 0; i < 12; i++) {
		uint8_t entry[ENTRY_LEN], priv[ENTRY_PRIV_MAX];
		size_t plen = 0;

		if (entry_prepare(f.v, &r[i], entry, priv, &plen) != 0 ||
		    entry_sealed(&r[i], entry, sizeof(entry), priv, plen, &sealed[i]) != 0)
			return -1;
	}
	if (store_access_put(f.st, sealed, 12) != 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	vault_free(f->v);
	tu_rmdir(f->dir);
	return 0;
}

static void field_names(void **state)
{
	(void)state;
	assert_string_equal(affected_field_name(AFF_IDENTIFIER), "identifier");
	assert_string_equal(affected_field_name(AFF_BIRTH_DATE), "birthDate");
	assert_string_equal(affected_field_name(AFF_OTHER), "other");
	assert_string_equal(affected_field_name(-1), "other");
	assert_string_equal(affected_field_name(AFF_FIELDS), "other");
}

static void the_set(void **state)
{
	struct fx *f = *state;
	const struct affected_part parts[] = { { 10, 0, 5000, "" }, { 11, 0, 5000, NULL } };
	struct affected *a = NULL;
	struct affected_counts c;
	struct affected_person p;
	struct store_insured row;
	int64_t e[8];

	assert_int_equal(affected_compute(f->st, f->v, parts, 2, &a), 0);
	assert_non_null(a);
	/* Persons 1 and 2 (A), 3 (B), 5 (D, found once its pseudonym is filled); not 4. */
	assert_int_equal(affected_size(a), 4);
	assert_int_equal(affected_ids(a)[0], 1);
	assert_int_equal(affected_ids(a)[1], 2);
	assert_int_equal(affected_ids(a)[2], 3);
	assert_int_equal(affected_ids(a)[3], 5);
	affected_counts(a, &c);
	assert_int_equal(c.persons, 4);
	assert_int_equal(c.patients, 3);
	assert_int_equal(c.records, 4); /* idx 1, 2, 7, 10 */
	assert_int_equal(c.uncertain, 2);
	assert_int_equal(c.first_ms, 1000);
	assert_int_equal(c.last_ms, 4800);
	assert_int_equal(c.field_persons[AFF_IDENTIFIER], 3);
	assert_int_equal(c.field_persons[AFF_NAME], 2);
	assert_int_equal(c.field_persons[AFF_GENDER], 2);
	assert_int_equal(c.field_persons[AFF_BIRTH_DATE], 1);
	assert_int_equal(c.field_persons[AFF_COVERAGE], 1);
	assert_int_equal(c.field_persons[AFF_OTHER], 2);
	assert_int_equal(c.field_persons[AFF_BENEFITS], 0);
	assert_int_equal(c.field_records[AFF_IDENTIFIER], 2);
	assert_int_equal(c.field_records[AFF_NAME], 2);
	assert_int_equal(c.field_records[AFF_OTHER], 1);
	assert_int_equal(c.decision_persons[AFF_ALLOW], 3);
	assert_int_equal(c.decision_persons[AFF_MINIMISE], 1);
	assert_int_equal(c.decision_records[AFF_ALLOW], 3);
	assert_int_equal(c.decision_records[AFF_MINIMISE], 1);
	/* Person 1: two accesses to NIR A, both allowed, one that may not have returned them. */
	affected_person_at(a, 0, &p, e, 8);
	assert_int_equal(p.id, 1);
	assert_int_equal(p.fields, (1u << AFF_IDENTIFIER) | (1u << AFF_NAME) | (1u << AFF_GENDER) |
	                                   (1u << AFF_OTHER));
	assert_int_equal(p.times, 2);
	assert_int_equal(p.decisions[AFF_ALLOW], 2);
	assert_int_equal(p.decisions[AFF_MINIMISE], 0);
	assert_int_equal(p.first_ms, 1000);
	assert_int_equal(p.last_ms, 1500);
	assert_true(p.uncertain);
	assert_int_equal(p.n_entries, 2);
	assert_int_equal(e[0], 1);
	assert_int_equal(e[1], 7);
	/* cap limits what is written, not what is counted. */
	e[0] = e[1] = -1;
	affected_person_at(a, 1, &p, e, 1);
	assert_int_equal(p.id, 2);
	assert_int_equal(p.n_entries, 2);
	assert_int_equal(e[0], 1);
	assert_int_equal(e[1], -1);
	affected_person_at(a, 1, &p, NULL, 0);
	assert_int_equal(p.n_entries, 2);
	/* Person 3: one minimised answer; certain (one person under B, one returned). */
	affected_person_at(a, 2, &p, e, 8);
	assert_int_equal(p.id, 3);
	assert_int_equal(p.fields, (1u << AFF_BIRTH_DATE) | (1u << AFF_COVERAGE));
	assert_int_equal(p.decisions[AFF_MINIMISE], 1);
	assert_false(p.uncertain);
	assert_int_equal(p.n_entries, 1);
	assert_int_equal(e[0], 2);
	affected_person_at(a, 3, &p, e, 8);
	assert_int_equal(p.id, 5);
	assert_int_equal(e[0], 10);
	affected_free(a);
	/* The backfill stored the pseudonym of person 5. */
	assert_int_equal(store_insured_get(f->st, 5, &row), 0);
	assert_true(row.has_patient);
	assert_memory_equal(row.patient, f->pat[3], VAULT_BIDX);
}

static void address_and_window_filters(void **state)
{
	struct fx *f = *state;
	const struct affected_part by_ip[] = { { 10, 0, 5000, "192.0.2.2" } };
	const struct affected_part narrow[] = { { 10, 1000, 1001, "" } };
	const struct affected_part later[] = { { 10, 0, 5001, "" } };
	struct affected *a = NULL;
	struct affected_counts c;

	assert_int_equal(affected_compute(f->st, f->v, by_ip, 1, &a), 0);
	assert_int_equal(affected_size(a), 1);
	assert_int_equal(affected_ids(a)[0], 3);
	affected_free(a);
	assert_int_equal(affected_compute(f->st, f->v, narrow, 1, &a), 0);
	assert_int_equal(affected_size(a), 2); /* idx 1 only: NIR A */
	affected_counts(a, &c);
	assert_int_equal(c.records, 1);
	assert_int_equal(c.uncertain, 0); /* that answer returned both */
	affected_free(a);
	assert_int_equal(affected_compute(f->st, f->v, later, 1, &a), 0);
	affected_counts(a, &c);
	assert_int_equal(c.records, 4); /* idx 8 at t = 5000 now in */
	affected_free(a);
	affected_free(NULL);
}

/* A row of the scope altered in the store stops the set (exact or not given); outside it, not. */
static void a_row_that_does_not_open_stops_the_set(void **state)
{
	struct fx *f = *state;
	static struct access_rec r[2];
	static struct access_sealed sealed[2];
	const struct affected_part all[] = { { 20, 0, 5000, "" } };
	const struct affected_part before_it[] = { { 20, 0, 1500, "" } };
	struct affected *a = NULL;

	acc(&r[0], 100, 20, 1000, 1, 200, 1, "name", "allow", "192.0.2.1", f->pat);
	acc(&r[1], 101, 20, 2000, 0, 200, 2, "name", "allow", "192.0.2.1", f->pat);
	for (int i = 0; i < 2; i++) {
		uint8_t entry[ENTRY_LEN], priv[ENTRY_PRIV_MAX];
		size_t plen = 0;

		assert_int_equal(entry_prepare(f->v, &r[i], entry, priv, &plen), 0);
		assert_int_equal(entry_sealed(&r[i], entry, sizeof(entry), priv, plen, &sealed[i]), 0);
	}
	sealed[1].sealed[sealed[1].sealed_len / 2] ^= 1; /* one byte, in the store */
	assert_int_equal(store_access_put(f->st, sealed, 2), 0);
	assert_int_equal(affected_compute(f->st, f->v, all, 1, &a), VG_ECORRUPT);
	assert_null(a);
	assert_int_equal(affected_compute(f->st, f->v, before_it, 1, &a), 0);
	assert_int_equal(affected_size(a), 1);
	assert_int_equal(affected_ids(a)[0], 3); /* NIR B */
	affected_free(a);
}

/* A scope that disclosed nothing (no parts, or no access in them): an empty set, zero counts. */
static void empty_set(void **state)
{
	struct fx *f = *state;
	const struct affected_part quiet[] = { { 99, 0, 5000, "" } };
	struct affected *a = NULL;
	struct affected_counts c;

	assert_int_equal(affected_compute(f->st, f->v, quiet, 1, &a), 0);
	assert_int_equal(affected_size(a), 0);
	assert_non_null(affected_ids(a));
	affected_counts(a, &c);
	assert_int_equal(c.persons + c.records + c.patients + c.first_ms + c.last_ms, 0);
	affected_free(a);
	assert_int_equal(affected_compute(f->st, f->v, NULL, 0, &a), 0);
	assert_int_equal(affected_size(a), 0);
	affected_free(a);
}

/* affected.h: a person's entries are "in time order", whichever part found them. */
static void entries_in_time_order_across_parts(void **state)
{
	struct fx *f = *state;
	const struct affected_part parts[] = { { 13, 0, 5000, "" }, { 14, 0, 5000, "" } };
	struct affected *a = NULL;
	struct affected_person p;
	int64_t e[4];

	assert_int_equal(affected_compute(f->st, f->v, parts, 2, &a), 0);
	assert_int_equal(affected_size(a), 1);
	affected_person_at(a, 0, &p, e, 4);
	assert_int_equal(p.id, 3);
	assert_int_equal(p.n_entries, 2);
	assert_int_equal(p.first_ms, 1200);
	assert_int_equal(p.last_ms, 2500);
	assert_int_equal(e[0], 12); /* t = 1200 */
	assert_int_equal(e[1], 11); /* t = 2500 */
	affected_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(field_names),
		cmocka_unit_test(the_set),
		cmocka_unit_test(address_and_window_filters),
		cmocka_unit_test(entries_in_time_order_across_parts),
		cmocka_unit_test(a_row_that_does_not_open_stops_the_set),
		cmocka_unit_test(empty_set), /* last: UBSan stops the program here (see report) */
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
