/*
 * hours.h - a practice's opening hours and on-call rota, as data.
 *
 * The guard judges "off hours" against the professional's own hours (from
 * the store), not a guess by profession: a hospital is open day and night,
 * and a pharmacy on its on-call rota night (pharmacie de garde) is open
 * that night.
 *
 *  - week: opening hours in local time, by half hour: bit k of week[d] is
 *    set when the practice is open from k*30 to (k+1)*30 minutes past
 *    midnight on weekday d (0 = Monday).
 *  - the rota: the practice is on call one night in rota_every (0: never),
 *    the nights whose local day number n has n mod rota_every == rota_phase;
 *    the night of day n runs from HOURS_NIGHT_FROM on day n to HOURS_NIGHT_TO
 *    on day n + 1, local time.
 *
 * Text form (hours_parse, hours_format), a small subset of OpenStreetMap's
 * opening_hours: "24/7", "closed", or rules "DAYS HH:MM-HH:MM[,HH:MM-HH:MM]"
 * separated by "; ", where DAYS is Mo, Tu, We, Th, Fr, Sa, Su or ranges and
 * lists of them ("Mo-Fr", "Mo,We,Fr"), minutes are 00 or 30, 24:00 ends a
 * day and a range does not cross midnight. Later rules add to earlier
 * ones. Example: "Mo-Fr 08:30-12:30,14:00-19:30; Sa 09:00-12:00".
 *
 * Pure: no clock (the caller passes the instant and the UTC offset in
 * force), no allocation. Thread-safe.
 */
#ifndef VIGIE_CORE_HOURS_H
#define VIGIE_CORE_HOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define HOURS_TEXT_MAX   160 /* longest text form accepted or written, NUL included */
#define HOURS_NIGHT_FROM 19  /* an on-call night starts at 19:00 ... */
#define HOURS_NIGHT_TO   9   /* ... and ends at 09:00 the next morning */
#define HOURS_ROTA_MAX   366 /* rota_every: at most one night a year */

struct hours {
	uint64_t week[7];    /* bit k: open in half hour k (0..47) of the day, Monday first */
	uint16_t rota_every; /* on call one night in this many (0: no rota) */
	uint16_t rota_phase; /* the nights n with n mod rota_every == rota_phase */
};

/* Open day and night, every day. */
void hours_always(struct hours *h);

/*
 * Parse the text form (len bytes, no NUL needed) into out->week; the rota is
 * left as it was. Returns 0, or VG_EINVAL with *why a static sentence.
 */
VG_MUST_USE int hours_parse(const char *s, size_t len, struct hours *out, const char **why);

/* The canonical text form of h->week into buf (HOURS_TEXT_MAX is always enough). */
VG_MUST_USE int hours_format(const struct hours *h, char *buf, size_t cap);

/* Set the rota: on call the night of day `night` and every `every` nights from it (0: none). */
void hours_set_rota(struct hours *h, int64_t night, unsigned every);

/* Whether the night of local day n is one of the rota's. */
bool hours_on_call_night(const struct hours *h, int64_t n);

/*
 * Whether the practice is open at unix time t_s, local time being UTC +
 * utc_offset_min: by its week, or on call (its rota night).
 */
bool hours_open(const struct hours *h, int64_t t_s, int32_t utc_offset_min);

/*
 * Whether it is open at some moment within margin_s seconds of t_s (a
 * lookup a little before opening or after closing is not "off hours").
 */
bool hours_open_near(const struct hours *h, int64_t t_s, int32_t utc_offset_min, int64_t margin_s);

#endif
