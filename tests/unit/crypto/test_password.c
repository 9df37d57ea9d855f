/* Argon2id password hashes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "crypto/password.h"

static void hash_and_verify(void **state)
{
	char h[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];

	(void)state;
	assert_true(sodium_init() >= 0);
	assert_int_equal(password_hash("correct horse", 13, h), 0);
	assert_non_null(strstr(h, "$argon2id$"));
	assert_null(strstr(h, "correct"));
	assert_int_equal(password_verify(h, "correct horse", 13), 0);
	assert_int_equal(password_verify(h, "correct hors", 12), VG_EDENIED);
	assert_int_equal(password_verify(h, "Correct horse", 13), VG_EDENIED);
	/* Salted: the same password hashes differently. */
	assert_int_equal(password_hash("correct horse", 13, h2), 0);
	assert_string_not_equal(h, h2);
}

static void refuses_bad_input(void **state)
{
	static char big[PASSWORD_MAX + 2];
	char h[PASSWORD_HASH_MAX];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	assert_int_equal(password_hash(big, sizeof(big) - 1, h), VG_ETOOBIG);
	assert_int_equal(password_verify("$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA", "x", 1),
	                 VG_EDENIED); /* not Argon2id */
	assert_int_equal(password_verify("", "x", 1), VG_EDENIED);
	password_burn("x", 1); /* must not crash; costs one hash */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_and_verify),
		cmocka_unit_test(refuses_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
