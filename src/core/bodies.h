/*
 * bodies.h - the one reader of small JSON request bodies (logins, step-up,
 * operator actions): an object whose members are all known, none repeated,
 * each a string within its bounds (or a boolean where the spec says so). Everything else is refused with a
 * sentence for the OperationOutcome that names what is wrong and the shape
 * expected, and never echoes the request (an unknown member is not named).
 *
 *     static const struct body_spec SPEC = {
 *             "{\"totp\": \"<6 digits>\"}", 1,
 *             { { "totp", 6, 6, BODY_DIGITS } } };
 *     char totp[7], why[BODY_WHY_MAX];
 *     char *out[] = { totp };
 *     if (body_parse(body, len, &SPEC, out, why) != 0) ... 400, why
 *
 * Pure; thread-safe; jansson underneath (duplicates refused).
 */
#ifndef VIGIE_CORE_BODIES_H
#define VIGIE_CORE_BODIES_H

#include <stddef.h>

#include "core/err.h"

#define BODY_MEMBERS_MAX 8
#define BODY_WHY_MAX     200

enum body_flags {
	BODY_OPTIONAL = 1 << 0, /* may be missing: the output is then "" */
	BODY_DIGITS = 1 << 1,   /* only 0-9 */
	BODY_BOOL = 1 << 2,     /* a JSON true or false, read as "true" or "false" (max >= 5) */
};

struct body_member {
	const char *name;
	size_t min, max; /* length bounds of the value, in bytes (max < the output's size) */
	unsigned flags;  /* enum body_flags */
};

struct body_spec {
	const char *shape; /* what a good body looks like, for messages */
	size_t n;
	struct body_member m[BODY_MEMBERS_MAX];
};

/*
 * Parse len bytes of untrusted body (no NUL needed) against spec. out[i]
 * receives member i's value, NUL-terminated (it has room for m[i].max + 1
 * bytes; the caller owns it and wipes secrets). Returns 0, or VG_EINVAL with
 * why (BODY_WHY_MAX bytes) set and every out[i] emptied.
 */
VG_MUST_USE int body_parse(const char *body, size_t len, const struct body_spec *spec,
                           char *const *out, char why[BODY_WHY_MAX]);

#endif
