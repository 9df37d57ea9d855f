/* request.c - see request.h. */
#include "http/request.h"

#include <string.h>
#include <strings.h>
#include "core/banned.h"

void *req_alloc(struct req *r, size_t n)
{
	return arena_alloc(&r->arena, n);
}

char *req_strdup(struct req *r, const char *s)
{
	size_t n = strlen(s);
	char *p = req_alloc(r, n + 1);

	if (p)
		memcpy(p, s, n + 1);
	return p;
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int req_is_json(struct req *r)
{
	const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n;

	if (!ct)
		return 0;
	n = strcspn(ct, "; \t");
	return (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
	       (n == 21 && strncasecmp(ct, "application/fhir+json", 21) == 0);
}

const char *req_bearer(struct req *r, size_t *len)
{
	const char *h = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);

	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	*len = strlen(h);
	return h;
}

int req_query_num(struct req *r, const char *name, int64_t max, int64_t *out)
{
	const char *s = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
	int64_t v = 0;

	if (!s)
		return 0;
	if (!*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
		return -1;
	for (; *s; s++)
		v = v * 10 + (*s - '0');
	if (v > max)
		return -1;
	*out = v;
	return 0;
}
