/* Vault: sealing binds to place, tampering fails closed, key file rules. Misuse suite. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <sodium.h>

#include "crypto/vault.h"
#include "testutil.h"

struct fx {
	char dir[PATH_MAX];
	struct vault *v;
};

static int setup(void **state)
{
	static struct fx f;

	if (sodium_init() < 0 || tu_tempdir(f.dir) != 0 || vault_keygen(f.dir) != 0 ||
	    vault_open(f.dir, &f.v) != 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	vault_free(f->v);
	tu_rmdir(f->dir);
	return 0;
}

static void seal_round_trip(void **state)
{
	struct fx *f = *state;
	const uint8_t msg[] = "DUPONT Jeanne 1980-01-01";
	uint8_t sealed[sizeof(msg) + VAULT_OVERHEAD], out[sizeof(msg)], again[sizeof(sealed)];

	assert_int_equal(vault_seal(f->v, "insured", "ident", 42, msg, sizeof(msg), sealed), 0);
	assert_null(memmem(sealed, sizeof(sealed), "DUPONT", 6));
	assert_int_equal(vault_unseal(f->v, "insured", "ident", 42, sealed, sizeof(sealed), out), 0);
	assert_memory_equal(out, msg, sizeof(msg));
	/* Random nonces: sealing twice gives different bytes. */
	assert_int_equal(vault_seal(f->v, "insured", "ident", 42, msg, sizeof(msg), again), 0);
	assert_memory_not_equal(again, sealed, sizeof(sealed));
}

static void sealed_value_is_bound_to_its_place(void **state)
{
	struct fx *f = *state;
	const uint8_t msg[] = "secret";
	uint8_t sealed[sizeof(msg) + VAULT_OVERHEAD], out[sizeof(msg)];

	assert_int_equal(vault_seal(f->v, "insured", "ident", 7, msg, sizeof(msg), sealed), 0);
	assert_int_equal(vault_unseal(f->v, "insured", "ident", 8, sealed, sizeof(sealed), out),
	                 VG_ECRYPTO);
	assert_int_equal(vault_unseal(f->v, "insured", "rights", 7, sealed, sizeof(sealed), out),
	                 VG_ECRYPTO);
	assert_int_equal(vault_unseal(f->v, "pro", "ident", 7, sealed, sizeof(sealed), out),
	                 VG_ECRYPTO);
	/* Output is wiped on failure. */
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0);
}

static void every_flipped_bit_is_caught(void **state)
{
	struct fx *f = *state;
	const uint8_t msg[] = "IBAN FR7630006000011234567890189";
	uint8_t sealed[sizeof(msg) + VAULT_OVERHEAD], out[sizeof(msg)];

	assert_int_equal(vault_seal(f->v, "insured", "contact", 1, msg, sizeof(msg), sealed), 0);
	for (size_t i = 0; i < sizeof(sealed); i++) {
		sealed[i] ^= 0x01;
		assert_int_equal(vault_unseal(f->v, "insured", "contact", 1, sealed, sizeof(sealed),
		                              out), VG_ECRYPTO);
		sealed[i] ^= 0x01;
	}
	/* Truncated input. */
	assert_int_equal(vault_unseal(f->v, "insured", "contact", 1, sealed, VAULT_OVERHEAD - 1, out),
	                 VG_EINVAL);
	assert_int_equal(vault_unseal(f->v, "insured", "contact", 1, sealed, sizeof(sealed) - 1, out),
	                 VG_ECRYPTO);
}

static void blind_index_is_keyed_and_separated(void **state)
{
	struct fx *f = *state;
	uint8_t a[VAULT_BIDX], b[VAULT_BIDX], c[VAULT_BIDX], plain[VAULT_BIDX];
	struct vault *other;
	char dir2[PATH_MAX];

	vault_blind(f->v, VAULT_D_NIR, "255081416802538", 15, a);
	vault_blind(f->v, VAULT_D_NIR, "255081416802538", 15, b);
	assert_memory_equal(a, b, VAULT_BIDX);
	vault_blind(f->v, VAULT_D_ACCESS, "255081416802538", 15, c);
	assert_memory_not_equal(a, c, VAULT_BIDX); /* domains do not collide */
	crypto_generichash(plain, VAULT_BIDX, (const uint8_t *)"255081416802538", 15, NULL, 0);
	assert_memory_not_equal(a, plain, VAULT_BIDX); /* not an unkeyed hash */
	assert_int_equal(tu_tempdir(dir2), 0);
	assert_int_equal(vault_keygen(dir2), 0);
	assert_int_equal(vault_open(dir2, &other), 0);
	vault_blind(other, VAULT_D_NIR, "255081416802538", 15, b);
	assert_memory_not_equal(a, b, VAULT_BIDX); /* another key, another index */
	vault_free(other);
	tu_rmdir(dir2);
}

static void key_file_rules(void **state)
{
	struct fx *f = *state;
	char dir[PATH_MAX], path[PATH_MAX + 16];
	struct vault *v = NULL;
	struct stat st;
	FILE *fp;

	assert_int_equal(vault_keygen(f->dir), VG_EEXIST); /* never overwrites */
	assert_int_equal(tu_tempdir(dir), 0);
	assert_int_equal(vault_open(dir, &v), VG_ENOTFOUND);
	assert_int_equal(vault_keygen(dir), 0);
	snprintf(path, sizeof(path), "%s/master.key", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 32);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(vault_open(dir, &v), VG_EDENIED); /* readable by others: refused */
	assert_null(v);
	assert_int_equal(chmod(path, 0600), 0);
	fp = fopen(path, "a");
	assert_non_null(fp);
	fputc('x', fp);
	fclose(fp);
	assert_int_equal(vault_open(dir, &v), VG_ECORRUPT); /* wrong size */
	tu_rmdir(dir);
	vault_free(NULL); /* accepts NULL */
}

static void oversized_input_is_refused(void **state)
{
	struct fx *f = *state;
	static uint8_t big[70 * 1024], out[70 * 1024 + VAULT_OVERHEAD];

	assert_int_equal(vault_seal(f->v, "t", "c", 1, big, sizeof(big), out), VG_EINVAL);
	assert_int_equal(vault_unseal(f->v, "t", "c", 1, out, sizeof(out), big), VG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seal_round_trip),
		cmocka_unit_test(sealed_value_is_bound_to_its_place),
		cmocka_unit_test(every_flipped_bit_is_caught),
		cmocka_unit_test(blind_index_is_keyed_and_separated),
		cmocka_unit_test(key_file_rules),
		cmocka_unit_test(oversized_input_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
