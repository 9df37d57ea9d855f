/*
 * entry.c - the access record's commitment and sealed blob. See entry.h.
 */
#include "journal/entry.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include "core/banned.h"

int entry_record(struct access_rec *a)
{
	char when[32], patient[2 * VAULT_BIDX + 1];
	time_t secs = (time_t)(a->t_ms / 1000);
	struct tm tm;
	int n;

	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	sodium_bin2hex(patient, sizeof(patient), a->patient, VAULT_BIDX);
	/* Every value is from a fixed vocabulary, digits or hex: nothing to escape. */
	n = snprintf(a->record, sizeof(a->record),
	             "{\"v\":1,\"time\":\"%s.%03dZ\",\"pro\":\"%s\",\"patient\":\"%s\","
	             "\"purpose\":\"%s\",\"route\":\"%s\",\"status\":%d,\"persons\":%d,"
	             "\"fields\":\"%s\",\"decision\":\"%s\"}",
	             when, (int)(a->t_ms % 1000), a->rpps, patient, access_purpose(a->route),
	             a->route, a->status, a->n_results, a->fields, a->decision);
	return n < 0 || (size_t)n >= sizeof(a->record) ? VG_ETOOBIG : 0;
}

void entry_commit(const uint8_t salt[ACCESS_SALT], const char *record, size_t len,
                  uint8_t out[ENTRY_LEN])
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)ENTRY_DOMAIN, sizeof(ENTRY_DOMAIN) - 1);
	crypto_hash_sha256_update(&st, salt, ACCESS_SALT);
	crypto_hash_sha256_update(&st, (const uint8_t *)record, len);
	crypto_hash_sha256_final(&st, out);
}

/* ---- packing: u8 version, then the fields, strings as u16 length + bytes ---- */

struct pk {
	uint8_t *p;
	size_t len, cap;
	int bad;
};

static void put(struct pk *b, const void *d, size_t n)
{
	if (b->bad || b->len + n > b->cap) {
		b->bad = 1;
		return;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void put_u64(struct pk *b, uint64_t v)
{
	uint8_t x[8];

	for (int k = 0; k < 8; k++)
		x[k] = (uint8_t)(v >> (56 - 8 * k));
	put(b, x, 8);
}

static void put_str(struct pk *b, const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	uint8_t x[2] = { (uint8_t)(n >> 8), (uint8_t)n };

	put(b, x, 2);
	put(b, s, n);
}

static void get(struct pk *b, void *d, size_t n)
{
	if (b->bad || b->len + n > b->cap) {
		b->bad = 1;
		memset(d, 0, n);
		return;
	}
	memcpy(d, b->p + b->len, n);
	b->len += n;
}

static uint64_t get_u64(struct pk *b)
{
	uint8_t x[8];
	uint64_t v = 0;

	get(b, x, 8);
	for (int k = 0; k < 8; k++)
		v = v << 8 | x[k];
	return v;
}

static void get_str(struct pk *b, char *s, size_t cap)
{
	uint8_t x[2];
	size_t n;

	get(b, x, 2);
	n = (size_t)x[0] << 8 | x[1];
	if (b->bad || n >= cap) {
		b->bad = 1;
		s[0] = '\0';
		return;
	}
	get(b, s, n);
	s[b->bad ? 0 : n] = '\0';
	if (memchr(s, '\0', n))
		b->bad = 1;
}

static uint64_t entry_id(const uint8_t *entry)
{
	uint64_t id = 0;

	for (int k = 0; k < 8; k++)
		id = id << 8 | entry[k];
	return id & INT64_MAX;
}

int entry_prepare(const struct vault *v, struct access_rec *a, uint8_t entry[ENTRY_LEN],
                  uint8_t *priv, size_t *priv_len)
{
	uint8_t pt[ENTRY_PRIV_MAX - VAULT_OVERHEAD];
	struct pk b = { pt, 0, sizeof(pt), 0 };
	uint8_t ver = 1;
	int rc;

	randombytes_buf(a->salt, sizeof(a->salt));
	if ((rc = entry_record(a)) != 0)
		return rc;
	entry_commit(a->salt, a->record, strlen(a->record), entry);
	put(&b, &ver, 1);
	put_u64(&b, (uint64_t)a->t_ms);
	put_u64(&b, (uint64_t)a->pro_id);
	put_str(&b, a->rpps, sizeof(a->rpps));
	put(&b, a->patient, VAULT_BIDX);
	put_str(&b, a->ip, sizeof(a->ip));
	put_str(&b, a->route, sizeof(a->route));
	put_u64(&b, (uint64_t)(int64_t)a->status);
	put_u64(&b, (uint64_t)(int64_t)a->n_results);
	put_str(&b, a->fields, sizeof(a->fields));
	put_str(&b, a->decision, sizeof(a->decision));
	put(&b, a->salt, ACCESS_SALT);
	put_str(&b, a->record, sizeof(a->record));
	if (b.bad) {
		sodium_memzero(pt, sizeof(pt));
		return VG_ETOOBIG;
	}
	rc = vault_seal(v, "journal", "access", (int64_t)entry_id(entry), pt, b.len, priv);
	*priv_len = b.len + VAULT_OVERHEAD;
	sodium_memzero(pt, sizeof(pt));
	return rc;
}

int entry_open(const struct vault *v, const uint8_t *entry, size_t entry_len, const uint8_t *priv,
               size_t priv_len, struct access_rec *a)
{
	uint8_t pt[ENTRY_PRIV_MAX - VAULT_OVERHEAD], again[ENTRY_LEN], ver = 0;
	struct pk b = { pt, 0, 0, 0 };
	int rc;

	memset(a, 0, sizeof(*a));
	if (entry_len != ENTRY_LEN || priv_len < VAULT_OVERHEAD || priv_len > ENTRY_PRIV_MAX)
		return VG_ECORRUPT;
	if ((rc = vault_unseal(v, "journal", "access", (int64_t)entry_id(entry), priv, priv_len,
	                       pt)) != 0)
		return rc;
	b.cap = priv_len - VAULT_OVERHEAD;
	get(&b, &ver, 1);
	a->t_ms = (int64_t)get_u64(&b);
	a->pro_id = (int64_t)get_u64(&b);
	get_str(&b, a->rpps, sizeof(a->rpps));
	get(&b, a->patient, VAULT_BIDX);
	get_str(&b, a->ip, sizeof(a->ip));
	get_str(&b, a->route, sizeof(a->route));
	a->status = (int)(int64_t)get_u64(&b);
	a->n_results = (int)(int64_t)get_u64(&b);
	get_str(&b, a->fields, sizeof(a->fields));
	get_str(&b, a->decision, sizeof(a->decision));
	get(&b, a->salt, ACCESS_SALT);
	get_str(&b, a->record, sizeof(a->record));
	sodium_memzero(pt, sizeof(pt));
	if (b.bad || ver != 1 || b.len != b.cap) {
		memset(a, 0, sizeof(*a));
		return VG_ECORRUPT;
	}
	entry_commit(a->salt, a->record, strlen(a->record), again);
	if (sodium_memcmp(again, entry, ENTRY_LEN) != 0) {
		memset(a, 0, sizeof(*a));
		return VG_ECORRUPT;
	}
	return 0;
}

_Static_assert(ENTRY_PRIV_MAX == ACCESS_SEALED_MAX && ENTRY_LEN == ACCESS_ENTRY_LEN,
               "the store keeps the log's sealed records as they are");

int entry_sealed(const struct access_rec *a, const uint8_t *entry, size_t entry_len,
                 const uint8_t *priv, size_t priv_len, struct access_sealed *s)
{
	if (entry_len != ENTRY_LEN || priv_len > ACCESS_SEALED_MAX)
		return VG_ECORRUPT;
	memset(s, 0, sizeof(*s));
	s->idx = a->idx;
	s->t_ms = a->t_ms;
	s->pro_id = a->pro_id;
	memcpy(s->patient, a->patient, sizeof(s->patient));
	memcpy(s->entry, entry, ENTRY_LEN);
	memcpy(s->sealed, priv, priv_len);
	s->sealed_len = priv_len;
	return 0;
}

int entry_open_sealed(const struct vault *v, const struct access_sealed *s, struct access_rec *a)
{
	int rc = entry_open(v, s->entry, ENTRY_LEN, s->sealed, s->sealed_len, a);

	if (rc != 0)
		return rc;
	if (a->t_ms != s->t_ms || a->pro_id != s->pro_id ||
	    sodium_memcmp(a->patient, s->patient, sizeof(s->patient)) != 0) {
		sodium_memzero(a, sizeof(*a));
		return VG_ECORRUPT;
	}
	a->idx = s->idx;
	return 0;
}
