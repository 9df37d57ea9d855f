/*
 * event.h - one line of DESIGN.md's replay event format, parsed from
 * untrusted text:
 *
 *     {"t": <unix seconds>, "rpps": "...", "nir": "...", "card": true|false,
 *      "ip": "...", "ua": "..."}
 *
 * plus optional "found", "honeytoken", "near" (booleans, for simulations
 * that know them). A small hand-written parser (`vigie replay` reads
 * millions of lines a second): one flat object, string values without
 * escapes, integers, booleans; unknown members are refused, like
 * everywhere else in vigie. Pure and thread-safe.
 */
#ifndef VIGIE_CORE_EVENT_H
#define VIGIE_CORE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct replay_event {
	int64_t t;
	char rpps[16];
	char nir[16];
	bool card;
	char ip[48];
	char ua[128];
	int found;        /* 1, 0, or -1 when the line does not say */
	int honeytoken;   /* 1, 0, or -1 */
	int near;         /* 1, 0, or -1 */
};

/*
 * Parse len bytes (no NUL needed; a trailing '\r' or spaces are allowed).
 * "t", "rpps" and "nir" are required. Returns 0, or VG_EINVAL with *why set
 * to a static sentence.
 */
VG_MUST_USE int event_parse(const char *s, size_t len, struct replay_event *out,
                            const char **why);

#endif
