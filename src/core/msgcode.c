/* msgcode.c - see msgcode.h. */
#include "core/msgcode.h"

#include <string.h>

#include "core/banned.h"

static const char SYMBOLS[32] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void msgcode_make(const uint8_t random[MSGCODE_RANDOM], char out[MSGCODE_TEXT])
{
	uint64_t v = 0;

	for (int i = 0; i < MSGCODE_RANDOM; i++)
		v = v << 8 | random[i];
	for (int i = MSGCODE_SYMBOLS - 1; i >= 0; i--) {
		int at = i + i / 4; /* a dash after every four symbols */

		out[at] = SYMBOLS[v & 31];
		v >>= 5;
	}
	out[4] = out[9] = '-';
	out[14] = '\0';
}

/* The value of a typed character, -1 if it is no symbol, -2 if it is ignored. */
static int value_of(char c)
{
	if (c == '-' || c == ' ' || c == '\t')
		return -2;
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'O')
		c = '0';
	if (c == 'I' || c == 'L')
		c = '1';
	for (int i = 0; i < 32; i++)
		if (SYMBOLS[i] == c)
			return i;
	return -1;
}

int msgcode_parse(const char *s, size_t len, char out[MSGCODE_TEXT])
{
	char sym[MSGCODE_SYMBOLS];
	size_t n = 0;

	if (len > 64)
		return VG_EINVAL;
	for (size_t i = 0; i < len; i++) {
		int v = value_of(s[i]);

		if (v == -2)
			continue;
		if (v < 0 || n == MSGCODE_SYMBOLS)
			return VG_EINVAL;
		sym[n++] = SYMBOLS[v];
	}
	if (n != MSGCODE_SYMBOLS)
		return VG_EINVAL;
	for (int i = 0; i < MSGCODE_SYMBOLS; i++)
		out[i + i / 4] = sym[i];
	out[4] = out[9] = '-';
	out[14] = '\0';
	return 0;
}
