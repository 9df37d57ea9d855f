/* libFuzzer: the Vigie-Card-Proof header value (untrusted). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/card.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct card_proof p;
	static const uint8_t pk[32] = { 1 };

	if (card_proof_parse((const char *)data, size, &p) == 0) {
		if (p.t < 0)
			abort();
		/* Verification of a parsed proof never crashes, whatever it says. */
		(void)card_proof_verify(&p, "10000000008", "185077510100112", pk, p.t);
	}
	return 0;
}
