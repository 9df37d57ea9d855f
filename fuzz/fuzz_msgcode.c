/*
 * libFuzzer: a message code typed by a person (core/msgcode.h, POST /verify).
 * What parses is canonical and parses back to itself; any 8 bytes make a code
 * that parses back to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/msgcode.h"

static const char SYMBOLS[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void check_canonical(const char c[MSGCODE_TEXT])
{
	char again[MSGCODE_TEXT];

	if (strlen(c) != MSGCODE_TEXT - 1)
		abort();
	for (int i = 0; i < MSGCODE_TEXT - 1; i++) {
		if (i == 4 || i == 9) {
			if (c[i] != '-')
				abort();
		} else if (!memchr(SYMBOLS, c[i], 32)) {
			abort();
		}
	}
	if (msgcode_parse(c, MSGCODE_TEXT - 1, again) != 0 || memcmp(again, c, MSGCODE_TEXT) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[MSGCODE_TEXT];

	if (msgcode_parse((const char *)data, size, out) == 0)
		check_canonical(out);
	if (size >= MSGCODE_RANDOM) {
		msgcode_make(data, out);
		check_canonical(out);
	}
	return 0;
}
