/* libFuzzer: one replay event line (untrusted text from FILE.jsonl). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay_event e;
	const char *why = NULL;

	if (event_parse((const char *)data, size, &e, &why) == 0) {
		/* Strings are NUL-terminated inside their buffers; required members are there. */
		if (!memchr(e.rpps, 0, sizeof(e.rpps)) || !memchr(e.nir, 0, sizeof(e.nir)) ||
		    !memchr(e.ip, 0, sizeof(e.ip)) || !memchr(e.ua, 0, sizeof(e.ua)) || !e.rpps[0] ||
		    !e.nir[0] || e.t < 0)
			abort();
	} else if (!why) {
		abort();
	}
	return 0;
}
