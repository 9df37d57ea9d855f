/* libFuzzer: the opening-hours text form (core/hours.h), from the CLI and the store. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hours.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hours h, again;
	char text[HOURS_TEXT_MAX];
	const char *why = NULL;

	memset(&h, 0, sizeof(h));
	if (hours_parse((const char *)data, size, &h, &why) != 0) {
		if (!why)
			abort(); /* a refusal always says why */
		return 0;
	}
	/* What parses formats, and the canonical form parses back to the same hours. */
	if (hours_format(&h, text, sizeof(text)) != 0)
		abort();
	memset(&again, 0, sizeof(again));
	if (hours_parse(text, strlen(text), &again, &why) != 0 ||
	    memcmp(again.week, h.week, sizeof(h.week)) != 0)
		abort();
	for (int i = 0; i < 48; i++)
		if (h.week[i % 7] >> 48)
			abort(); /* only 48 half hours a day */
	/* Any instant, any offset, any rota: an answer. */
	if (size >= 8) {
		int64_t t;

		memcpy(&t, data, sizeof(t));
		hours_set_rota(&h, t % 100000, (unsigned)(data[0] % 40));
		(void)hours_open_near(&h, t / 4, (int32_t)(data[1] % 29) * 60 - 720, 3600);
	}
	return 0;
}
