/*
 * libFuzzer: an incident's scope body (incident/scope.h), untrusted JSON from
 * POST /admin/incidents/open (with a title) and .../widen (without). Whatever
 * parses holds scope.h's invariants; every refusal says why.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/rpps.h"
#include "incident/scope.h"

#define NOW_MS 1798758000000LL /* 2027-01-01T00:00 in Paris */

static void check(const struct incident_scope_req *o, int with_title)
{
	unsigned char bin[16];
	char canon[46];

	if (o->n_rpps < 1 || o->n_rpps > SCOPE_RPPS_MAX)
		abort();
	for (size_t i = 0; i < o->n_rpps; i++) {
		if (memchr(o->rpps[i], '\0', 12) != o->rpps[i] + 11 ||
		    rpps_validate(o->rpps[i], 11) != 0)
			abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(o->rpps[i], o->rpps[j]) == 0)
				abort(); /* no two alike */
	}
	if (o->from_ms < 0 || o->from_ms >= o->to_ms ||
	    o->to_ms - o->from_ms > SCOPE_WINDOW_MAX_MS || o->from_ms > NOW_MS)
		abort();
	if (!memchr(o->title, '\0', sizeof(o->title)) || (!with_title && o->title[0]))
		abort();
	for (const char *t = o->title; *t; t++)
		if ((unsigned char)*t < 0x20 || *t == 0x7f)
			abort(); /* a title is text for people */
	if (!memchr(o->ip, '\0', sizeof(o->ip)))
		abort();
	if (o->ip[0]) { /* a valid address, in canonical form */
		int af = strchr(o->ip, ':') ? AF_INET6 : AF_INET;

		if (inet_pton(af, o->ip, bin) != 1 || !inet_ntop(af, bin, canon, sizeof(canon)) ||
		    strcmp(canon, o->ip) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct incident_scope_req o;
	char why[BODY_WHY_MAX];

	for (int with_title = 0; with_title < 2; with_title++) {
		why[0] = '\0';
		if (scope_parse((const char *)data, size, with_title, NOW_MS, &o, why) == 0)
			check(&o, with_title);
		else if (!why[0] || !memchr(why, '\0', sizeof(why)))
			abort(); /* every refusal says why */
	}
	return 0;
}
