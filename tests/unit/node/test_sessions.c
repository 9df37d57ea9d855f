/* Bearer sessions: issue, check, idle and absolute expiry, logout, restart, hashed at rest. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "node/sessions.h"
#include "testutil.h"

struct fx {
	char dir[PATH_MAX];
	struct vault *v;
	struct store *st;
	int64_t pro;
};

static int setup(void **state)
{
	static struct fx f;
	char db[PATH_MAX + 16];
	struct store_pro p = { 0 };

	if (sodium_init() < 0 || tu_tempdir(f.dir) != 0 || vault_keygen(f.dir) != 0 ||
	    vault_open(f.dir, &f.v) != 0)
		return -1;
	snprintf(db, sizeof(db), "%s/s.db", f.dir);
	if (store_sqlite_open(db, &f.st) != 0)
		return -1;
	memcpy(p.rpps, "10000000016", 12);
	p.kind = PRO_GP;
	if (store_pro_put(f.st, &p) != 0)
		return -1;
	f.pro = p.id;
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

static void issue_and_check(void **state)
{
	struct fx *f = *state;
	struct sessions *s;
	struct store_session ss;
	char tok[TOKEN_B64_LEN + 1], tok2[TOKEN_B64_LEN + 1];
	uint8_t h[VAULT_BIDX];
	int64_t pro = 0;

	assert_int_equal(sessions_new(f->st, f->v, SESSION_PRO, 3600, 600, &s), 0);
	assert_int_equal(sessions_open(s, f->pro, "127.0.0.1", 1000, tok), 0);
	assert_int_equal(strlen(tok), TOKEN_B64_LEN);
	assert_int_equal(sessions_open(s, f->pro, "127.0.0.1", 1000, tok2), 0);
	assert_string_not_equal(tok, tok2);
	assert_int_equal(sessions_check(s, tok, strlen(tok), 1001, &pro, NULL), 0);
	assert_int_equal(pro, f->pro);
	/* Stored hashed: the raw token is not the key, its keyed hash is. */
	assert_int_equal(store_session_get(f->st, SESSION_PRO, (const uint8_t *)tok, &ss), VG_ENOTFOUND);
	vault_blind(f->v, VAULT_D_TOKEN, tok, strlen(tok), h);
	assert_int_equal(store_session_get(f->st, SESSION_PRO, h, &ss), 0);
	assert_int_equal(ss.pro_id, f->pro);
	/* Malformed tokens */
	assert_int_equal(sessions_check(s, tok, strlen(tok) - 1, 1001, &pro, NULL), VG_EDENIED);
	tok2[5] = '!';
	assert_int_equal(sessions_check(s, tok2, strlen(tok2), 1001, &pro, NULL), VG_EDENIED);
	assert_int_equal(sessions_check(s, "", 0, 1001, &pro, NULL), VG_EDENIED);
	sessions_free(s);
}

static void expiry_and_logout(void **state)
{
	struct fx *f = *state;
	struct sessions *s, *fresh;
	char a[TOKEN_B64_LEN + 1], b[TOKEN_B64_LEN + 1], c[TOKEN_B64_LEN + 1];
	int64_t pro = 0;

	assert_int_equal(sessions_new(f->st, f->v, SESSION_PRO, 3600, 600, &s), 0);
	assert_int_equal(sessions_open(s, f->pro, "127.0.0.1", 10000, a), 0);
	assert_int_equal(sessions_open(s, f->pro, "127.0.0.1", 10000, b), 0);
	assert_int_equal(sessions_open(s, f->pro, "127.0.0.1", 10000, c), 0);
	/* Idle: used at 10500 (ok), then silent for more than 600 s. */
	assert_int_equal(sessions_check(s, a, TOKEN_B64_LEN, 10500, &pro, NULL), 0);
	assert_int_equal(sessions_check(s, a, TOKEN_B64_LEN, 11101, &pro, NULL), VG_EDENIED);
	assert_int_equal(sessions_check(s, a, TOKEN_B64_LEN, 11102, &pro, NULL), VG_EDENIED);
	/* Absolute: kept busy, still ends at 10000 + 3600. */
	for (int64_t t = 10000; t < 13600; t += 300)
		assert_int_equal(sessions_check(s, b, TOKEN_B64_LEN, t, &pro, NULL), 0);
	assert_int_equal(sessions_check(s, b, TOKEN_B64_LEN, 13600, &pro, NULL), VG_EDENIED);
	/* A new cache (a restart) still knows c from the store; logout ends it everywhere. */
	assert_int_equal(sessions_new(f->st, f->v, SESSION_PRO, 3600, 600, &fresh), 0);
	assert_int_equal(sessions_check(fresh, c, TOKEN_B64_LEN, 10100, &pro, NULL), 0);
	assert_int_equal(sessions_close(s, c, TOKEN_B64_LEN), 0);
	assert_int_equal(sessions_check(s, c, TOKEN_B64_LEN, 10101, &pro, NULL), VG_EDENIED);
	sessions_free(fresh);
	assert_int_equal(sessions_new(f->st, f->v, SESSION_PRO, 3600, 600, &fresh), 0);
	assert_int_equal(sessions_check(fresh, c, TOKEN_B64_LEN, 10102, &pro, NULL), VG_EDENIED);
	sessions_free(fresh);
	sessions_free(s);
}

static void revocation_in_the_store_is_seen_within_seconds(void **state)
{
	struct fx *f = *state;
	struct sessions *s;
	char tok[TOKEN_B64_LEN + 1];
	uint8_t h[VAULT_BIDX];
	int64_t pro = 0;

	assert_int_equal(sessions_new(f->st, f->v, SESSION_PRO, 3600, 600, &s), 0);
	assert_int_equal(sessions_open(s, f->pro, "127.0.0.1", 20000, tok), 0);
	assert_int_equal(sessions_check(s, tok, TOKEN_B64_LEN, 20001, &pro, NULL), 0);
	/* Revoked behind the cache's back (an operator, another node). */
	vault_blind(f->v, VAULT_D_TOKEN, tok, TOKEN_B64_LEN, h);
	assert_int_equal(store_session_delete(f->st, SESSION_PRO, h), 0);
	assert_int_equal(sessions_check(s, tok, TOKEN_B64_LEN, 20006, &pro, NULL), VG_EDENIED);
	assert_int_equal(sessions_check(s, tok, TOKEN_B64_LEN, 20007, &pro, NULL), VG_EDENIED);
	sessions_free(s);
}

/* A suspension ends every session of the subject at once, in the cache and in the store. */
static void revoke_subject_ends_all_its_sessions_now(void **state)
{
	struct fx *f = *state;
	struct sessions *s, *other;
	char a[TOKEN_B64_LEN + 1], b[TOKEN_B64_LEN + 1], ip[46];
	int64_t pro = 0;

	assert_int_equal(sessions_new(f->st, f->v, SESSION_PRO, 3600, 600, &s), 0);
	assert_int_equal(sessions_new(f->st, f->v, SESSION_PRO, 3600, 600, &other), 0);
	assert_int_equal(sessions_open(s, f->pro, "10.0.0.7", 30000, a), 0);
	assert_int_equal(sessions_open(s, f->pro, "10.0.0.8", 30000, b), 0);
	/* The address each token was issued to comes back with the check (cached or not). */
	assert_int_equal(sessions_check(s, a, TOKEN_B64_LEN, 30001, &pro, ip), 0);
	assert_string_equal(ip, "10.0.0.7");
	assert_int_equal(sessions_check(other, b, TOKEN_B64_LEN, 30001, &pro, ip), 0);
	assert_string_equal(ip, "10.0.0.8");
	assert_int_equal(sessions_revoke_subject(s, f->pro), 0);
	/* At once in this cache, without waiting for the re-check... */
	assert_int_equal(sessions_check(s, a, TOKEN_B64_LEN, 30002, &pro, NULL), VG_EDENIED);
	assert_int_equal(sessions_check(s, b, TOKEN_B64_LEN, 30002, &pro, NULL), VG_EDENIED);
	/* ...and another node's cache sees it at its next re-check. */
	assert_int_equal(sessions_check(other, b, TOKEN_B64_LEN, 30010, &pro, NULL), VG_EDENIED);
	sessions_free(s);
	sessions_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(issue_and_check),
		cmocka_unit_test(expiry_and_logout),
		cmocka_unit_test(revocation_in_the_store_is_seen_within_seconds),
		cmocka_unit_test(revoke_subject_ends_all_its_sessions_now),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
