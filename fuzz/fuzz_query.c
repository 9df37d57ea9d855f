/* libFuzzer: the FHIR token search parameter "system|NIR" (untrusted query text). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fhir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[512];
	struct nir n;
	const char *why = NULL;

	if (size >= sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (fhir_parse_nir_token(buf, &n, &why) == 0) {
		if (strlen(n.canon) != NIR_LEN || nir_compute_key(n.canon) != n.key)
			abort();
	} else if (!why) {
		abort();
	}
	return 0;
}
