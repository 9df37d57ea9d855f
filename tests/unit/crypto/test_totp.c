/* TOTP: RFC 6238 SHA-1 vectors (truncated to 6 digits), window, once-only, base32. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/totp.h"

/* RFC 6238 appendix B: the SHA-1 seed is "12345678901234567890". */
static const uint8_t SEED[TOTP_SECRET_LEN] = "12345678901234567890";

static int setup(void **state)
{
	(void)state;
	return totp_global_init();
}

static void rfc6238_vectors(void **state)
{
	static const struct { int64_t t; const char *code8; } V[] = {
		{ 59, "94287082" }, { 1111111109, "07081804" }, { 1111111111, "14050471" },
		{ 1234567890, "89005924" }, { 2000000000, "69279037" }, { 20000000000, "65353130" },
	};
	char code[7];

	(void)state;
	for (size_t i = 0; i < sizeof(V) / sizeof(V[0]); i++) {
		assert_int_equal(totp_code(SEED, V[i].t, code), 0);
		/* 6 digits are the 8-digit value mod 10^6: its last six characters. */
		assert_string_equal(code, V[i].code8 + 2);
	}
}

static void window_and_replay(void **state)
{
	char code[7];
	int64_t t = 1234567890, step = 0;

	(void)state;
	assert_int_equal(totp_code(SEED, t, code), 0);
	assert_int_equal(totp_verify(SEED, t, code, 0, &step), 0);
	assert_int_equal(step, t / 30);
	/* Accepted once: the same step is refused afterwards. */
	assert_int_equal(totp_verify(SEED, t, code, step, &step), VG_EDENIED);
	/* One step either side is accepted, two are not. */
	assert_int_equal(totp_verify(SEED, t + 30, code, 0, &step), 0);
	assert_int_equal(totp_verify(SEED, t - 30, code, 0, &step), 0);
	assert_int_equal(totp_verify(SEED, t + 61, code, 0, &step), VG_EDENIED);
	assert_int_equal(totp_verify(SEED, t - 61, code, 0, &step), VG_EDENIED);
	/* Malformed codes. */
	assert_int_equal(totp_verify(SEED, t, "", 0, &step), VG_EDENIED);
	assert_int_equal(totp_verify(SEED, t, "12345", 0, &step), VG_EDENIED);
	assert_int_equal(totp_verify(SEED, t, "1234567", 0, &step), VG_EDENIED);
	assert_int_equal(totp_verify(SEED, t, "12a456", 0, &step), VG_EDENIED);
}

static void base32_round_trip(void **state)
{
	char b32[TOTP_B32_LEN + 1];
	uint8_t back[TOTP_SECRET_LEN];

	(void)state;
	totp_base32(SEED, b32);
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"); /* RFC 4648 of the seed */
	assert_int_equal(totp_from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", back), 0);
	assert_memory_equal(back, SEED, TOTP_SECRET_LEN);
	assert_int_equal(totp_from_base32("GEZDGNBVGY3TQOJQ", back), VG_EINVAL);       /* short */
	assert_int_equal(totp_from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE", back), VG_EINVAL);
	assert_int_equal(totp_from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1", back), VG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6238_vectors),
		cmocka_unit_test(window_and_replay),
		cmocka_unit_test(base32_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
