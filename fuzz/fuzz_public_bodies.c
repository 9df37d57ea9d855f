/*
 * libFuzzer: the bodies anyone may send without an account (untrusted JSON,
 * through core/bodies): POST /verify {"code"} and POST /report-phishing
 * {"channel","sender","text"}.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/msgcode.h"
#include "http/api.h"

static struct phishing_report rep;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char code[16], again[MSGCODE_TEXT], why[BODY_WHY_MAX];

	why[0] = '\0';
	if (verify_parse((const char *)data, size, code, why) == 0) {
		/* Invariant: a canonical code, which reads back as itself. */
		if (strlen(code) != MSGCODE_TEXT - 1 || code[4] != '-' || code[9] != '-' ||
		    msgcode_parse(code, strlen(code), again) != 0 || strcmp(code, again) != 0)
			abort();
	} else if (!why[0] || code[0]) {
		abort(); /* every refusal says why, and leaves nothing */
	}
	why[0] = '\0';
	if (report_parse((const char *)data, size, &rep, why) == 0) {
		if (!rep.channel[0] || !rep.text[0] || strlen(rep.text) > REPORT_TEXT_MAX ||
		    strlen(rep.sender) > REPORT_SENDER_MAX)
			abort();
	} else if (!why[0] || rep.channel[0] || rep.text[0]) {
		abort();
	}
	return 0;
}
