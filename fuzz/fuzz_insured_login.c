/* libFuzzer: the insured login body {"login","password"} (untrusted JSON), through core/bodies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct insured_login_req lr;
	char why[BODY_WHY_MAX];

	why[0] = '\0';
	if (insured_login_parse((const char *)data, size, &lr, why) == 0) {
		if (!lr.login[0] || memchr(lr.login, 0, sizeof(lr.login)) == NULL ||
		    memchr(lr.password, 0, sizeof(lr.password)) == NULL)
			abort(); /* a login is never empty; both are terminated */
	} else if (!why[0] || lr.login[0] || lr.password[0]) {
		abort();
	}
	return 0;
}
