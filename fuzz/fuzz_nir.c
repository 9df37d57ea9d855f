/*
 * libFuzzer: nir_parse on arbitrary bytes. A parsed NIR must be canonical:
 * 15 characters, its key recomputed from canon, and canon parsing back to
 * the very same struct. A refused one must say why, and its struct must be
 * zeroed. nir_compute_key must agree with nir_parse on the key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/nir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct nir zero;
	const char *s = (const char *)data;
	struct nir a, b;
	enum nir_fault why = NIR_FAULT_NONE, why2 = NIR_FAULT_KEY;
	char s13[14];

	if (nir_parse(s, size, &a, &why) != 0) {
		if (why == NIR_FAULT_NONE || memcmp(&a, &zero, sizeof(a)) != 0)
			abort();
		if (nir_fault_str(why) == NULL)
			abort();
		return 0;
	}
	if (why != NIR_FAULT_NONE || strlen(a.canon) != NIR_LEN)
		abort();
	if (nir_compute_key(a.canon) != a.key || a.key < 1 || a.key > 97)
		abort();
	if (nir_parse(a.canon, NIR_LEN, &b, &why2) != 0 || why2 != NIR_FAULT_NONE)
		abort();
	if (memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	/* The key over the input as given (lower-case 2a/2b included) is the same. */
	memcpy(s13, s, 13);
	s13[13] = '\0';
	if (nir_compute_key(s13) != a.key)
		abort();
	if (a.temporary != (a.sex > 2) || (a.month == 0) != a.month_unknown)
		abort();
	return 0;
}
