/*
 * routes.h - the one table of endpoints: path, method, name (for metrics
 * and logs) and handler. Adding an endpoint is one line in routes.c and its
 * handler in an api_*.c file (declared in http/api.h).
 */
#ifndef VIGIE_HTTP_ROUTES_H
#define VIGIE_HTTP_ROUTES_H

#include <stddef.h>
#include <microhttpd.h>

struct req;

typedef enum MHD_Result (*route_handler)(struct req *r);

struct route {
	const char *path; /* exact path, or a prefix ending in '/' when prefix */
	int prefix;
	const char *method; /* "GET" or "POST" */
	int head;           /* HEAD is served too (what it answers discloses nothing) */
	const char *name;   /* "Patient", "login", ... (metrics, logs) */
	route_handler handler;
};

/* The pseudo-routes of requests no endpoint took: refused before routing, and unknown paths. */
extern const struct route ROUTE_NONE, ROUTE_NOT_FOUND;

/*
 * The route of (method, url): the endpoint, with *method_ok 0 when the path
 * is known but not with this method (then *allow is the Allow header), or
 * &ROUTE_NOT_FOUND.
 */
const struct route *routes_find(const char *method, const char *url, int *method_ok,
                                const char **allow);

/* Every route, ROUTE_NONE first and ROUTE_NOT_FOUND last, by a dense index (metrics). */
size_t routes_count(void);
const struct route *routes_at(size_t i);
size_t routes_index(const struct route *r);

#endif
