/*
 * libFuzzer: tlog-proof receipts (untrusted: what an insured person or an
 * auditor hands back). Properties: no crash; a parsed receipt's proof is
 * bounded, its checkpoint slice lies inside the input, and (without an
 * extra line) formatting it again gives the input back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct merkle_proof proof;
	static char back[1 << 16];
	const char *cp = NULL;
	uint64_t index = 0;
	size_t cp_len = 0, n = 0;

	if (tlog_proof_parse((const char *)data, size, &index, &proof, &cp, &cp_len) != 0)
		return 0;
	if (proof.len > MERKLE_PROOF_MAX || cp < (const char *)data || cp_len == 0 ||
	    cp + cp_len != (const char *)data + size)
		abort();
	if (size > 30 && memcmp(data + 23, "extra ", 6) != 0 &&
	    tlog_proof_format(index, &proof, cp, cp_len, back, sizeof(back), &n) == 0 &&
	    (n != size || memcmp(back, data, n) != 0))
		abort();
	return 0;
}
