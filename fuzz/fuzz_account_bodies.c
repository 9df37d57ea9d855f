/*
 * libFuzzer: the bodies of the insured person's own account (http/
 * api_account.c: activation, reset, password, second factor, sessions,
 * export, blocks, alerts, misuse reports, operators' person bodies), each
 * an untrusted JSON object read through core/bodies. The first byte picks
 * the body kind; the rest is the body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[BODY_WHY_MAX];
	int rc;

	if (size < 1)
		return 0;
	why[0] = '\0';
	rc = account_body_parse(data[0] % ACCOUNT_BODIES, (const char *)data + 1, size - 1, why);
	if (rc != 0 && (rc != VG_EINVAL || !why[0]))
		abort(); /* every refusal is a 400 that says why */
	if (rc == 0 && why[0])
		abort();
	return 0;
}
