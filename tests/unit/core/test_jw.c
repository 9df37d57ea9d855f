#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/jw.h"

static void builds_nested_documents(void **state)
{
	struct jw w;

	(void)state;
	jw_init(&w, 4); /* tiny: forces growth */
	jw_obj(&w);
	jw_kstr(&w, "a", "x");
	jw_karr(&w, "b");
	jw_int(&w, -12);
	jw_int(&w, 0);
	jw_bool(&w, 1);
	jw_obj(&w);
	jw_end(&w);
	jw_end(&w);
	jw_kint(&w, "c", INT64_MIN);
	jw_key(&w, "d");
	jw_str(&w, NULL);
	jw_end(&w);
	assert_int_equal(jw_finish(&w), 0);
	assert_string_equal(w.buf, "{\"a\":\"x\",\"b\":[-12,0,true,{}],\"c\":-9223372036854775808,"
	                           "\"d\":null}");
	jw_release(&w);
}

static void escapes_strings(void **state)
{
	struct jw w;
	const char in[] = "q\"b\\n\n\x01\x7f t\xc3\xa9";

	(void)state;
	jw_init(&w, 0);
	jw_strn(&w, in, sizeof(in) - 1);
	assert_int_equal(jw_finish(&w), 0);
	assert_string_equal(w.buf, "\"q\\\"b\\\\n\\n\\u0001\x7f t\xc3\xa9\"");
	jw_release(&w);
}

static void replaces_invalid_utf8(void **state)
{
	struct jw w;
	/* lone continuation, overlong 'A', surrogate, truncated sequence */
	const char in[] = "\x80" "\xc1\x81" "\xed\xa0\x80" "\xe2\x82";

	(void)state;
	jw_init(&w, 0);
	jw_strn(&w, in, sizeof(in) - 1);
	assert_int_equal(jw_finish(&w), 0);
	for (size_t i = 1; i + 1 < w.len; i += 3)
		assert_memory_equal(w.buf + i, "\xef\xbf\xbd", 3);
	assert_int_equal(w.len, 2 + 8 * 3);
	jw_release(&w);
}

static void refuses_misuse(void **state)
{
	struct jw w;

	(void)state;
	jw_init(&w, 0);
	jw_obj(&w);
	jw_str(&w, "value without key");
	jw_end(&w);
	assert_int_equal(jw_finish(&w), VG_EINVAL);
	jw_release(&w);

	jw_init(&w, 0);
	jw_arr(&w);
	assert_int_equal(jw_finish(&w), VG_EINVAL); /* unclosed */
	jw_release(&w);

	jw_init(&w, 0);
	jw_end(&w);
	assert_int_equal(jw_finish(&w), VG_EINVAL); /* close without open */
	jw_release(&w);

	jw_init(&w, 0);
	jw_int(&w, 1);
	jw_int(&w, 2);
	assert_int_equal(jw_finish(&w), VG_EINVAL); /* two top-level values */
	jw_release(&w);

	jw_init(&w, 0);
	for (int i = 0; i < JW_DEPTH + 2; i++)
		jw_arr(&w);
	assert_int_equal(jw_finish(&w), VG_ETOOBIG);
	jw_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builds_nested_documents),
		cmocka_unit_test(escapes_strings),
		cmocka_unit_test(replaces_invalid_utf8),
		cmocka_unit_test(refuses_misuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
