/*
 * libFuzzer: signed notes and checkpoints (untrusted: what a client or
 * `vigie journal` reads back). Properties: no crash; a parsed checkpoint
 * formats back to exactly the three lines it was read from (one spelling
 * only); note_open's text is a prefix of the note ending in '\n'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/note.h"

static const char VKEY[] = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct note_verifier v;
	static int ready;
	struct checkpoint c;
	char back[512];
	size_t tl = 0, n = 0;

	if (!ready) {
		if (note_vkey_parse(VKEY, strlen(VKEY), &v) != 0)
			abort();
		ready = 1;
	}
	if (note_open((const char *)data, size, &v, 1, &tl) == 0 &&
	    (tl == 0 || tl > size || data[tl - 1] != '\n'))
		abort();
	if (checkpoint_parse((const char *)data, size, &c) == 0) {
		if (checkpoint_format(&c, back, sizeof(back), &n) != 0 || n > size ||
		    memcmp(back, data, n) != 0)
			abort();
	}
	return 0;
}
