/*
 * affected.c - see affected.h.
 *
 * One pass over the scope's access rows groups them by patient pseudonym in
 * an open-addressing table (the pseudonym is a keyed hash: its first bytes
 * are uniform, no further hashing needed); each pseudonym keeps its entries
 * in a singly linked list inside one array. A second pass maps each
 * pseudonym to its persons (an indexed lookup each), and the persons are
 * sorted by id.
 */
#include "incident/affected.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/nir.h"
#include "core/record.h"
#include "journal/entry.h"
#include "sys/log.h"
#include "core/banned.h"

static const char *const FIELD_NAMES[AFF_FIELDS] = {
	"identifier", "name", "gender", "birthDate", "birthYear", "coverage", "benefits", "other",
};

const char *affected_field_name(int f)
{
	return f >= 0 && f < AFF_FIELDS ? FIELD_NAMES[f] : "other";
}

struct pat {
	uint8_t key[VAULT_BIDX];
	uint32_t fields, times, dec[AFF_DECISIONS];
	int64_t first_ms, last_ms;
	int32_t head, tail; /* entries, -1: none */
	int min_results;    /* the fewest persons one of its answers returned */
};

struct ent {
	int64_t idx;
	int64_t t_ms;
	uint32_t pat;
	int32_t next;
};

struct per {
	int64_t id;
	uint32_t pat;
	int uncertain;
};

struct affected {
	struct pat *pats;
	size_t npat, cappat;
	uint32_t *slots; /* pats index + 1; 0: empty */
	size_t nslots;   /* a power of two, at least twice npat */
	struct ent *ents;
	size_t nent, capent;
	struct per *pers;
	int64_t *ids;
	size_t nper;
	struct affected_counts c;
	int oom, unreadable;
	const char *ip; /* the part being read */
	const struct vault *v;
	struct access_rec r; /* the row being read, opened */
};

static uint32_t fields_of(const char *s, struct affected_counts *c)
{
	uint32_t bits = 0;

	while (*s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		int f = AFF_OTHER;

		for (int i = 0; i < AFF_OTHER; i++)
			if (strlen(FIELD_NAMES[i]) == n && memcmp(FIELD_NAMES[i], s, n) == 0)
				f = i;
		if (n > 0 && !(bits & (1u << f))) {
			bits |= 1u << f;
			c->field_records[f]++;
		}
		s += n + (comma ? 1 : 0);
	}
	return bits;
}

static int grow(void **p, size_t *cap, size_t elem, size_t need)
{
	size_t n = *cap ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return VG_ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static uint64_t key_hash(const uint8_t k[VAULT_BIDX])
{
	uint64_t h;

	memcpy(&h, k, sizeof(h));
	return h;
}

static int rehash(struct affected *a)
{
	size_t n = a->nslots ? a->nslots * 2 : 4096;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return VG_ENOMEM;
	for (size_t i = 0; i < a->npat; i++) {
		size_t at = key_hash(a->pats[i].key) & (n - 1);

		while (s[at])
			at = (at + 1) & (n - 1);
		s[at] = (uint32_t)i + 1;
	}
	free(a->slots);
	a->slots = s;
	a->nslots = n;
	return 0;
}

/* The pseudonym's group, created when new; NULL when out of memory. */
static struct pat *pat_of(struct affected *a, const uint8_t key[VAULT_BIDX])
{
	size_t at;
	struct pat *p;

	if ((a->npat + 1) * 2 > a->nslots && rehash(a) != 0)
		return NULL;
	at = key_hash(key) & (a->nslots - 1);
	while (a->slots[at]) {
		p = &a->pats[a->slots[at] - 1];
		if (memcmp(p->key, key, VAULT_BIDX) == 0)
			return p;
		at = (at + 1) & (a->nslots - 1);
	}
	if (grow((void **)&a->pats, &a->cappat, sizeof(*a->pats), a->npat + 1) != 0)
		return NULL;
	p = &a->pats[a->npat];
	memset(p, 0, sizeof(*p));
	memcpy(p->key, key, VAULT_BIDX);
	p->head = p->tail = -1;
	p->min_results = 1 << 30;
	a->slots[at] = (uint32_t)++a->npat;
	return p;
}

/*
 * One access row of a scope part (store_access_fn), opened. A row that does
 * not open stops the computation: an incident's list is exact or not given.
 * The log names it (its index, nothing personal), for whoever must rebuild.
 */
static int take_row(void *ctx, const struct access_sealed *s)
{
	struct affected *a = ctx;
	const struct access_rec *r = &a->r;
	struct pat *p;
	int dec, rc = entry_open_sealed(a->v, s, &a->r);

	if (rc != 0) {
		log_event(LOG_ERROR, "incident.row_unreadable", LI("index", s->idx),
		          LS("error", vg_strerror(rc)),
		          LS("note",
		             "access.db altered or of another key: stop the server, remove "
		             "access.db and start it, the rows are written again from the log"));
		a->unreadable = 1;
		return 1;
	}

	if (r->status != 200 || r->n_results <= 0 || !r->fields[0])
		return 0; /* nothing was disclosed */
	if (strcmp(r->decision, "allow") == 0)
		dec = AFF_ALLOW;
	else if (strcmp(r->decision, "minimise") == 0 || strcmp(r->decision, "verify") == 0)
		dec = AFF_MINIMISE; /* a verification: the rights, not the identity */
	else
		return 0; /* operator acts and anything else that is no lookup answer */
	if (a->ip && a->ip[0] && strcmp(a->ip, r->ip) != 0)
		return 0;
	if (!(p = pat_of(a, r->patient)) ||
	    grow((void **)&a->ents, &a->capent, sizeof(*a->ents), a->nent + 1) != 0) {
		a->oom = 1;
		return 1;
	}
	a->ents[a->nent].idx = r->idx;
	a->ents[a->nent].t_ms = r->t_ms;
	a->ents[a->nent].pat = (uint32_t)(p - a->pats);
	a->ents[a->nent].next = -1;
	if (p->tail >= 0)
		a->ents[p->tail].next = (int32_t)a->nent;
	else
		p->head = (int32_t)a->nent;
	p->tail = (int32_t)a->nent++;
	p->fields |= fields_of(r->fields, &a->c);
	p->times++;
	p->dec[dec]++;
	if (!p->first_ms || r->t_ms < p->first_ms)
		p->first_ms = r->t_ms;
	if (r->t_ms > p->last_ms)
		p->last_ms = r->t_ms;
	if (r->n_results < p->min_results)
		p->min_results = r->n_results;
	a->c.records++;
	a->c.decision_records[dec]++;
	if (!a->c.first_ms || r->t_ms < a->c.first_ms)
		a->c.first_ms = r->t_ms;
	if (r->t_ms > a->c.last_ms)
		a->c.last_ms = r->t_ms;
	return 0;
}

static int by_id(const void *x, const void *y)
{
	int64_t a = ((const struct per *)x)->id, b = ((const struct per *)y)->id;

	return (a > b) - (a < b);
}

int affected_backfill(struct store *st, const struct vault *v, int64_t *done)
{
	struct store_insured *rows = malloc(256 * sizeof(*rows));
	uint8_t pt[RECORD_PACK_MAX], patient[VAULT_BIDX];
	struct insured_ident id;
	int64_t after = 0;
	size_t n = 0;
	int rc = 0;

	*done = 0;
	if (!rows)
		return VG_ENOMEM;
	for (;;) {
		if ((rc = store_insured_without_patient(st, after, rows, 256, &n)) != 0 || n == 0)
			break;
		if ((rc = store_begin(st)) != 0)
			break;
		for (size_t i = 0; i < n && rc == 0; i++) {
			struct store_insured *r = &rows[i];

			after = r->id;
			if (r->ident_len < VAULT_OVERHEAD ||
			    vault_unseal(v, "insured", "ident", r->id, r->ident, r->ident_len,
			                 pt) != 0 ||
			    record_unpack_ident(pt, r->ident_len - VAULT_OVERHEAD, &id) != 0)
				continue; /* unreadable here: stays without, found by no incident */
			vault_blind(v, VAULT_D_ACCESS, id.nir, strnlen(id.nir, sizeof(id.nir)),
			            patient);
			rc = store_insured_set_patient(st, r->id, patient);
			if (rc == 0)
				(*done)++;
		}
		if (rc == 0)
			rc = store_commit(st);
		else
			VG_IGNORE(store_rollback(st)); /* report the error that stopped us */
		if (rc != 0 || n < 256)
			break;
	}
	sodium_memzero(pt, sizeof(pt));
	sodium_memzero(&id, sizeof(id));
	sodium_memzero(rows, 256 * sizeof(*rows));
	free(rows);
	return rc;
}

static int by_pat_time(const void *x, const void *y)
{
	const struct ent *a = x, *b = y;

	if (a->pat != b->pat)
		return a->pat < b->pat ? -1 : 1;
	if (a->t_ms != b->t_ms)
		return a->t_ms < b->t_ms ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Parts come one after another: put each person's entries back in time order. */
static void entries_in_time_order(struct affected *a)
{
	if (a->nent < 2)
		return;
	qsort(a->ents, a->nent, sizeof(*a->ents), by_pat_time);
	for (size_t i = 0; i < a->npat; i++)
		a->pats[i].head = a->pats[i].tail = -1;
	for (size_t i = 0; i < a->nent; i++) {
		struct pat *p = &a->pats[a->ents[i].pat];

		a->ents[i].next = -1;
		if (p->tail >= 0)
			a->ents[p->tail].next = (int32_t)i;
		else
			p->head = (int32_t)i;
		p->tail = (int32_t)i;
	}
}

int affected_compute(struct store *st, const struct vault *v, const struct affected_part *parts,
                     size_t n, struct affected **out)
{
	struct affected *a = calloc(1, sizeof(*a));
	int64_t filled, ids[STORE_MATCH_MAX];
	size_t cap = 0;
	int rc;

	*out = NULL;
	if (!a)
		return VG_ENOMEM;
	if ((rc = affected_backfill(st, v, &filled)) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		a->ip = parts[i].ip;
		a->v = v;
		rc = store_access_of_pro(st, parts[i].pro_id, parts[i].from_ms, parts[i].to_ms,
		                         take_row, a);
		if (rc == 0 && a->oom)
			rc = VG_ENOMEM;
		if (rc == 0 && a->unreadable)
			rc = VG_ECORRUPT; /* access.db altered or of another key: rebuild it from the log */
		if (rc != 0)
			goto fail;
	}
	a->ip = NULL;
	if (n > 1)
		entries_in_time_order(a);
	for (size_t i = 0; i < a->npat; i++) {
		struct pat *p = &a->pats[i];
		size_t k = 0;

		if ((rc = store_insured_ids_by_patient(st, p->key, ids, STORE_MATCH_MAX, &k)) != 0)
			goto fail;
		if (grow((void **)&a->pers, &cap, sizeof(*a->pers), a->nper + k) != 0) {
			rc = VG_ENOMEM;
			goto fail;
		}
		for (size_t j = 0; j < k; j++) {
			struct per *q = &a->pers[a->nper++];

			q->id = ids[j];
			q->pat = (uint32_t)i;
			q->uncertain = p->min_results < (int)k;
			a->c.uncertain += q->uncertain;
			for (int f = 0; f < AFF_FIELDS; f++)
				a->c.field_persons[f] += (p->fields >> f) & 1;
			for (int d = 0; d < AFF_DECISIONS; d++)
				a->c.decision_persons[d] += p->dec[d] > 0;
		}
	}
	if (a->nper > 1)
		qsort(a->pers, a->nper, sizeof(*a->pers), by_id);
	a->ids = malloc((a->nper ? a->nper : 1) * sizeof(*a->ids));
	if (!a->ids) {
		rc = VG_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < a->nper; i++)
		a->ids[i] = a->pers[i].id;
	a->c.persons = (int64_t)a->nper;
	a->c.patients = (int64_t)a->npat;
	free(a->slots); /* only needed while grouping */
	a->slots = NULL;
	*out = a;
	return 0;
fail:
	affected_free(a);
	return rc;
}

void affected_free(struct affected *a)
{
	if (!a)
		return;
	free(a->pats);
	free(a->slots);
	free(a->ents);
	free(a->pers);
	free(a->ids);
	free(a);
}

void affected_counts(const struct affected *a, struct affected_counts *out)
{
	*out = a->c;
}

size_t affected_size(const struct affected *a)
{
	return a->nper;
}

const int64_t *affected_ids(const struct affected *a)
{
	return a->ids;
}

void affected_person_at(const struct affected *a, size_t i, struct affected_person *out,
                        int64_t *entries, size_t cap)
{
	const struct per *q = &a->pers[i];
	const struct pat *p = &a->pats[q->pat];
	size_t k = 0;

	memset(out, 0, sizeof(*out));
	out->id = q->id;
	out->fields = p->fields;
	out->times = p->times;
	memcpy(out->decisions, p->dec, sizeof(out->decisions));
	out->first_ms = p->first_ms;
	out->last_ms = p->last_ms;
	out->uncertain = q->uncertain;
	for (int32_t e = p->head; e >= 0; e = a->ents[e].next, k++)
		if (k < cap)
			entries[k] = a->ents[e].idx;
	out->n_entries = k;
}
