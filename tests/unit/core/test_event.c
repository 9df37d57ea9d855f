/* The replay event line parser (core/event.h): what it accepts, and what it names when not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/event.h"

static int parse(const char *s, struct replay_event *e, const char **why)
{
	*why = NULL;
	return event_parse(s, strlen(s), e, why);
}

static void the_design_line_and_defaults(void **state)
{
	struct replay_event e;
	const char *why;

	(void)state;
	assert_int_equal(parse("{\"t\": 1763971200, \"rpps\": \"10000000001\", \"nir\": \"185077510100112\","
	                       " \"card\": true, \"ip\": \"192.0.2.1\", \"ua\": \"LGPI/4.2\"}\r\n", &e, &why),
	                 0);
	assert_true(e.t_ms == 1763971200000LL);
	assert_string_equal(e.rpps, "10000000001");
	assert_string_equal(e.nir, "185077510100112");
	assert_true(e.card);
	assert_string_equal(e.ip, "192.0.2.1");
	assert_string_equal(e.ua, "LGPI/4.2");
	assert_int_equal(e.action, REPLAY_LOOKUP);
	assert_int_equal(e.profession, 0);
	assert_int_equal(e.found, -1);
	assert_int_equal(e.honeytoken, -1);
	assert_int_equal(e.near, -1);
	assert_int_equal(e.token_moved, -1);
	assert_string_equal(e.dept, "");
	/* Only t, rpps and nir are needed; card is false when absent. */
	assert_int_equal(parse("{\"nir\":\"x\",\"rpps\":\"1\",\"t\":0}", &e, &why), 0);
	assert_false(e.card);
	assert_string_equal(e.ip, "");
}

static void optional_members(void **state)
{
	struct replay_event e;
	const char *why;

	(void)state;
	assert_int_equal(parse("{\"t\":1.5,\"rpps\":\"1\",\"nir\":\"2\",\"profession\":\"hospital\","
	                       "\"dept\":\"2A\",\"patient_dept\":\"974\",\"found\":false,"
	                       "\"honeytoken\":true,\"near\":false,\"token_moved\":true}", &e, &why), 0);
	assert_true(e.t_ms == 1500);
	assert_int_equal(e.profession, 5);
	assert_string_equal(e.dept, "2A");
	assert_string_equal(e.patient_dept, "974");
	assert_int_equal(e.found, 0);
	assert_int_equal(e.honeytoken, 1);
	assert_int_equal(e.near, 0);
	assert_int_equal(e.token_moved, 1);
	assert_int_equal(parse("{\"t\":2.0009,\"rpps\":\"1\",\"nir\":\"2\",\"profession\":3}", &e, &why), 0);
	assert_true(e.t_ms == 2000);
	assert_int_equal(e.profession, 3);
	/* Action lines need no NIR. */
	assert_int_equal(parse("{\"t\":3,\"rpps\":\"1\",\"action\":\"step_up\"}", &e, &why), 0);
	assert_int_equal(e.action, REPLAY_STEP_UP);
	assert_int_equal(parse("{\"t\":3,\"rpps\":\"1\",\"action\":\"reinstate\"}", &e, &why), 0);
	assert_int_equal(e.action, REPLAY_REINSTATE);
}

static void strings(void **state)
{
	struct replay_event e;
	const char *why;
	char line[1024];

	(void)state;
	/* Escapes in ip and ua are kept as written (they are only hashed). */
	assert_int_equal(parse("{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\",\"ua\":\"a \\\"b\\\" \\u00e9\\\\\"}", &e,
	                       &why), 0);
	assert_string_equal(e.ua, "a \\\"b\\\" \\u00e9\\\\");
	/* A long user agent is cut; a long address, RPPS or NIR is refused. */
	memcpy(line, "{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\",\"ua\":\"", 34);
	memset(line + 34, 'u', 600);
	memcpy(line + 634, "\"}", 3);
	assert_int_equal(parse(line, &e, &why), 0);
	assert_int_equal(strlen(e.ua), sizeof(e.ua) - 1);
	assert_int_equal(parse("{\"t\":1,\"rpps\":\"1234567890123456\",\"nir\":\"2\"}", &e, &why), VG_EINVAL);
	assert_int_equal(parse("{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\",\"ip\":\"" /* 48 characters */
	                       "000000000011111111112222222222333333333344444444\"}", &e, &why),
	                 VG_EINVAL);
	assert_string_equal(why, "a member's value has the wrong type or is too long");
	assert_int_equal(parse("{\"t\":1,\"rpps\":\"1\",\"nir\":\"1\\u0032\"}", &e, &why), VG_EINVAL);
	assert_int_equal(parse("{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\",\"ua\":\"\\x\"}", &e, &why), VG_EINVAL);
	assert_int_equal(parse("{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\",\"ua\":\"a\tb\"}", &e, &why), VG_EINVAL);
}

static void refusals_name_the_fault(void **state)
{
	static const struct { const char *line, *why; } BAD[] = {
		{ "", "an event is a JSON object {\"t\",\"rpps\",\"nir\",\"card\",\"ip\",\"ua\"}" },
		{ "[1]", "an event is a JSON object {\"t\",\"rpps\",\"nir\",\"card\",\"ip\",\"ua\"}" },
		{ "{\"t\":\"soon\",\"rpps\":\"1\",\"nir\":\"2\"}", "t must be unix seconds (a non-negative number)" },
		{ "{\"t\":-1,\"rpps\":\"1\",\"nir\":\"2\"}", "t must be unix seconds (a non-negative number)" },
		{ "{\"t\":1.,\"rpps\":\"1\",\"nir\":\"2\"}", "t must be unix seconds (a non-negative number)" },
		{ "{\"t\":100000000000,\"rpps\":\"1\",\"nir\":\"2\"}", "t must be unix seconds (a non-negative number)" },
		{ "{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\",\"colour\":\"red\"}", "unknown member" },
		{ "{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\",\"t\":2}", "a member is repeated" },
		{ "{\"t\":1,\"rpps\":\"1\"}", "t, rpps and nir are required (rpps not empty)" },
		{ "{\"t\":1,\"rpps\":\"\",\"nir\":\"2\"}", "t, rpps and nir are required (rpps not empty)" },
		{ "{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\"} x", "text after the object" },
		{ "{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\"", "the object is not closed (or a comma is missing)" },
		{ "{\"t\":1 \"rpps\":\"1\"}", "the object is not closed (or a comma is missing)" },
		{ "{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\",\"card\":1}", "a member's value has the wrong type or is too long" },
		{ "{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\",\"profession\":7}", "a member's value has the wrong type or is too long" },
		{ "{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\",\"profession\":\"nurse\"}", "a member's value has the wrong type or is too long" },
		{ "{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\",\"dept\":\"7\"}", "a member's value has the wrong type or is too long" },
		{ "{\"t\":1,\"rpps\":\"1\",\"action\":\"dance\"}", "a member's value has the wrong type or is too long" },
		{ "{t:1}", "a member name is malformed" },
	};
	struct replay_event e;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		assert_int_equal(parse(BAD[i].line, &e, &why), VG_EINVAL);
		assert_string_equal(why, BAD[i].why);
	}
	/* A NUL inside the given length is not the end of the line. */
	{
		static const char NUL[] = "{\"t\":1,\"rpps\":\"1\",\"nir\":\"2\"}\0junk";

		assert_int_equal(event_parse(NUL, sizeof(NUL) - 1, &e, &why), VG_EINVAL);
		assert_string_equal(why, "text after the object");
		assert_int_equal(event_parse(NUL, strlen(NUL), &e, &why), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_design_line_and_defaults),
		cmocka_unit_test(optional_members),
		cmocka_unit_test(strings),
		cmocka_unit_test(refusals_name_the_fault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
