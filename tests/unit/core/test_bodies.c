/* core/bodies.h: the strict reader of small JSON bodies, and what it says when it refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/bodies.h"

static const struct body_spec SPEC = {
	"{\"rpps\", \"totp\", \"note\"?}", 3,
	{ { "rpps", 11, 11, BODY_DIGITS }, { "totp", 1, 6, 0 }, { "note", 0, 8, BODY_OPTIONAL } },
};

static int parse(const char *body, char *rpps, char *totp, char *note, char *why)
{
	char *const out[] = { rpps, totp, note };

	return body_parse(body, strlen(body), &SPEC, out, why);
}

static void good_bodies(void **state)
{
	char rpps[12], totp[7], note[9], why[BODY_WHY_MAX];

	(void)state;
	assert_int_equal(parse("{\"rpps\":\"10000000008\",\"totp\":\"123456\"}", rpps, totp, note, why), 0);
	assert_string_equal(rpps, "10000000008");
	assert_string_equal(totp, "123456");
	assert_string_equal(note, "");
	assert_int_equal(parse(" {\"note\":\"é\\u00e9\",\"totp\":\"x\",\"rpps\":\"10000000008\"} ",
	                       rpps, totp, note, why), 0);
	assert_string_equal(note, "\xc3\xa9\xc3\xa9"); /* escapes decoded, UTF-8 bytes counted */
}

static void refusals_say_what_and_leave_nothing(void **state)
{
	static const struct {
		const char *body, *why;
	} BAD[] = {
		{ "", "not valid JSON" },
		{ "{\"rpps\":\"10000000008\",\"rpps\":\"10000000008\",\"totp\":\"1\"}", "not valid JSON (or a member is repeated)" },
		{ "[]", "not a JSON object" },
		{ "\"x\"", "not valid JSON" },
		{ "{\"rpps\":\"10000000008\",\"totp\":\"1\",\"admin\":true}", "an unknown member" },
		{ "{\"totp\":\"1\"}", "member \"rpps\" is missing" },
		{ "{\"rpps\":10000000008,\"totp\":\"1\"}", "member \"rpps\" must be a string" },
		{ "{\"rpps\":\"1000000000\",\"totp\":\"1\"}", "member \"rpps\" is too short" },
		{ "{\"rpps\":\"100000000088\",\"totp\":\"1\"}", "member \"rpps\" is too long" },
		{ "{\"rpps\":\"1000000000A\",\"totp\":\"1\"}", "member \"rpps\" must be digits only" },
		{ "{\"rpps\":\"10000000008\",\"totp\":\"\"}", "member \"totp\" is too short" },
		{ "{\"rpps\":\"10000000008\",\"totp\":\"1\\u0000\"}", "not valid JSON" }, /* jansson: no NUL */
		{ "{\"rpps\":\"10000000008\",\"totp\":\"1\",\"note\":\"123456789\"}", "member \"note\" is too long" },
		{ "{\"rpps\":\"10000000008\",\"totp\":\"1\"} x", "not valid JSON" },
	};
	char rpps[12], totp[7], note[9], why[BODY_WHY_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		memset(rpps, 'x', sizeof(rpps));
		memset(totp, 'x', sizeof(totp));
		memset(note, 'x', sizeof(note));
		assert_int_equal(parse(BAD[i].body, rpps, totp, note, why), VG_EINVAL);
		if (strncmp(why, BAD[i].why, strlen(BAD[i].why)) != 0)
			fail_msg("%s: why is \"%s\", not \"%s...\"", BAD[i].body, why, BAD[i].why);
		assert_non_null(strstr(why, SPEC.shape)); /* and what a good body looks like */
		assert_true(rpps[0] == '\0' && totp[0] == '\0' && note[0] == '\0');
	}
	/* An unknown member is never echoed back. */
	assert_int_equal(parse("{\"<script>\":1}", rpps, totp, note, why), VG_EINVAL);
	assert_null(strstr(why, "script"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_bodies),
		cmocka_unit_test(refusals_say_what_and_leave_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
