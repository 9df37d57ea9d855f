/* codes.c - see codes.h. */
#include "node/codes.h"

#include <string.h>
#include <sodium.h>

#include "core/banned.h"

static void code_hash(const struct vault *v, const char canon[MSGCODE_TEXT],
                      uint8_t out[VAULT_BIDX])
{
	vault_blind(v, VAULT_D_CODE, canon, MSGCODE_TEXT - 1, out);
}

static void code_new(char out[MSGCODE_TEXT])
{
	uint8_t rnd[MSGCODE_RANDOM];

	randombytes_buf(rnd, sizeof(rnd));
	msgcode_make(rnd, out);
	sodium_memzero(rnd, sizeof(rnd));
}

int codes_issue(struct store *st, const struct vault *v, int64_t insured_id, int purpose,
                int channel, int64_t now_ms, char code[MSGCODE_TEXT], int64_t *expires_ms)
{
	struct store_code c = { .insured_id = insured_id, .purpose = purpose, .channel = channel };

	code_new(code);
	code_hash(v, code, c.hash);
	c.created_ms = now_ms;
	c.expires_ms = now_ms + (channel == CODE_EMAIL ? CODES_EMAIL_TTL_MS : CODES_LETTER_TTL_MS);
	*expires_ms = c.expires_ms;
	return store_code_put(st, &c);
}

int codes_check(struct store *st, const struct vault *v, int64_t insured_id, int purpose,
                const char *typed, size_t len, int64_t now_ms, struct store_code *out)
{
	char canon[MSGCODE_TEXT];
	uint8_t h[VAULT_BIDX];
	int rc;

	if (msgcode_parse(typed, len, canon) != 0)
		return VG_EINVAL;
	rc = store_code_live(st, insured_id, purpose, now_ms, out);
	if (rc != 0)
		return rc;
	code_hash(v, canon, h);
	if (sodium_memcmp(h, out->hash, VAULT_BIDX) == 0)
		return 0;
	out->failures++;
	if (out->failures >= CODES_MAX_FAILURES)
		out->used_ms = -1; /* dead: a new letter is needed */
	rc = store_code_set(st, out);
	return rc ? rc : VG_EDENIED;
}

int codes_use(struct store *st, struct store_code *c, int64_t now_ms)
{
	c->used_ms = now_ms;
	return store_code_set(st, c);
}

static int recovery_open(const struct vault *v, const struct store_account *a,
                         uint8_t hashes[STORE_RECOVERY_N][VAULT_BIDX])
{
	if (a->recovery_sealed_len != STORE_RECOVERY_SEALED)
		return VG_ENOTFOUND;
	return vault_unseal(v, "account", "recovery", a->id, a->recovery_sealed,
	                    a->recovery_sealed_len, &hashes[0][0]);
}

static int recovery_seal(const struct vault *v, struct store_account *a,
                         uint8_t hashes[STORE_RECOVERY_N][VAULT_BIDX])
{
	int rc = vault_seal(v, "account", "recovery", a->id, &hashes[0][0],
	                    STORE_RECOVERY_N * VAULT_BIDX, a->recovery_sealed);

	a->recovery_sealed_len = rc == 0 ? STORE_RECOVERY_SEALED : 0;
	return rc;
}

int codes_recovery_new(const struct vault *v, struct store_account *a,
                       char codes[STORE_RECOVERY_N][MSGCODE_TEXT])
{
	uint8_t hashes[STORE_RECOVERY_N][VAULT_BIDX];
	int rc;

	for (int i = 0; i < STORE_RECOVERY_N; i++) {
		code_new(codes[i]);
		code_hash(v, codes[i], hashes[i]);
	}
	rc = recovery_seal(v, a, hashes);
	sodium_memzero(hashes, sizeof(hashes));
	return rc;
}

int codes_recovery_use(const struct vault *v, struct store_account *a, const char *typed,
                       size_t len)
{
	static const uint8_t USED[VAULT_BIDX];
	uint8_t hashes[STORE_RECOVERY_N][VAULT_BIDX], h[VAULT_BIDX];
	char canon[MSGCODE_TEXT];
	int hit = -1, rc;

	if (msgcode_parse(typed, len, canon) != 0 || recovery_open(v, a, hashes) != 0)
		return VG_EDENIED;
	code_hash(v, canon, h);
	for (int i = 0; i < STORE_RECOVERY_N; i++)
		if (sodium_memcmp(hashes[i], h, VAULT_BIDX) == 0 &&
		    sodium_memcmp(hashes[i], USED, VAULT_BIDX) != 0)
			hit = i;
	if (hit < 0) {
		sodium_memzero(hashes, sizeof(hashes));
		return VG_EDENIED;
	}
	memset(hashes[hit], 0, VAULT_BIDX);
	rc = recovery_seal(v, a, hashes);
	sodium_memzero(hashes, sizeof(hashes));
	return rc ? rc : 0;
}

int codes_recovery_left(const struct vault *v, const struct store_account *a)
{
	static const uint8_t USED[VAULT_BIDX];
	uint8_t hashes[STORE_RECOVERY_N][VAULT_BIDX];
	int left = 0;

	if (recovery_open(v, a, hashes) != 0)
		return 0;
	for (int i = 0; i < STORE_RECOVERY_N; i++)
		left += sodium_memcmp(hashes[i], USED, VAULT_BIDX) != 0;
	sodium_memzero(hashes, sizeof(hashes));
	return left;
}
