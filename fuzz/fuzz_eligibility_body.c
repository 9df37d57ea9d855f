/* libFuzzer: the CoverageEligibilityRequest/$submit body, then the response writer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fhir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fhir_elig_req rq;
	struct fhir_person p;
	const char *why = NULL;
	struct jw w;

	if (fhir_parse_eligibility((const char *)data, size, &rq, &why) != 0) {
		if (!why)
			abort();
		return 0;
	}
	if (rq.purposes == 0 || strlen(rq.nir.canon) != NIR_LEN)
		abort();
	/* Whatever was accepted must produce a well-formed response. */
	memset(&p, 0, sizeof(p));
	memcpy(p.pid, "0123456789abcdef0123456789abcdef", FHIR_PID_HEX);
	memcpy(p.ident.nir, rq.nir.canon, NIR_LEN + 1);
	memcpy(p.rights.dept, "75", 3);
	p.rights.active = 1;
	jw_init(&w, 0);
	fhir_eligibility_response(&w, "id", "2026-01-01T00:00:00Z", &rq, &p);
	if (jw_finish(&w) != 0)
		abort();
	jw_release(&w);
	return 0;
}
