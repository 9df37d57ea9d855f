/*
 * libFuzzer: X-Forwarded-For values as a trusted proxy passes them on
 * (core/netaddr.h). The input is split at newlines into header values.
 * Whatever the bytes: no crash and no read past them; a found client is
 * never a trusted proxy unless every hop was one, and its text parses back
 * to itself. Also netaddr_parse on the whole input, and as a network.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/netaddr.h"

#define LINES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *p, text[NETADDR_TEXT_MAX];
	const char *v[LINES];
	struct netaddr trusted[2], peer, client, back, a;
	size_t n = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* Raw bytes, exactly as long as the input: ASan sees any read past them. */
	if (netaddr_parse((const char *)data, size, &a) == 0) {
		netaddr_format(&a, text);
		if (netaddr_parse(text, strlen(text), &back) != 0 || memcmp(&a, &back, sizeof(a)) != 0)
			abort();
	}
	if (memchr(buf, '\0', size) == NULL && netaddr_parse_cidr(buf, &a) == 0 &&
	    !netaddr_in(&a, &a))
		abort();
	if (netaddr_parse_cidr("10.0.0.0/8", &trusted[0]) != 0 ||
	    netaddr_parse_cidr("2001:db8::/32", &trusted[1]) != 0 ||
	    netaddr_parse("10.0.0.1", 8, &peer) != 0)
		abort();
	for (p = buf; n < LINES;) {
		char *nl = strchr(p, '\n');

		v[n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	if (netaddr_forwarded(v, n, trusted, 2, &peer, &client) == 0) {
		netaddr_format(&client, text);
		if (netaddr_parse(text, strlen(text), &back) != 0 ||
		    memcmp(&client, &back, sizeof(client)) != 0)
			abort();
		/* A trusted client means every hop was trusted: then it is the leftmost. */
		if (netaddr_in_any(&client, trusted, 2) && n > 0 && strchr(v[0], ',') == NULL &&
		    netaddr_parse(v[0], strlen(v[0]), &a) == 0 && memcmp(&a, &client, sizeof(a)) != 0)
			abort();
	}
	free(buf);
	return 0;
}
