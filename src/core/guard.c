/*
 * guard.c - the decision engine. See guard.h; the thresholds are starting
 * points to be tuned against `vigie sim` (issue 4), not measured values.
 */
#include "core/guard.h"

#include <math.h>
#include <string.h>

_Static_assert(sizeof(struct guard_account) <= 1024, "per-account state stays small");

static const char *const REASON_NAMES[GUARD_REASONS] = {
	"honeytoken", "invalid_key_rate", "not_found_rate", "sequential_nir",
	"no_card_budget_hour", "no_card_budget_day", "never_seen_share", "far_department",
	"off_hours", "regular_timing", "many_addresses", "new_address", "suspended", "card",
};

const char *guard_reason_name(unsigned bit)
{
	return bit < GUARD_REASONS ? REASON_NAMES[bit] : "unknown";
}

const char *guard_decision_name(enum guard_decision d)
{
	static const char *const N[] = { "allow", "minimise", "step-up", "throttle", "deny",
	                                 "suspend" };

	return (unsigned)d < sizeof(N) / sizeof(N[0]) ? N[d] : "unknown";
}

void guard_cfg_defaults(struct guard_cfg *c)
{
	*c = (struct guard_cfg){
		.hour_budget = 12, .day_budget = 40, .soft_pct = 75,
		.invalid_max = 5, .notfound_max = 10, .sequential_max = 4,
		.open_hour = 7, .close_hour = 21,
		.score_throttle = 40, .score_deny = 70, .score_suspend = 100,
	};
}

/* Start new hour and day windows when the event's time has left them. */
static void roll(struct guard_account *a, const struct guard_event *e)
{
	int64_t local = e->t + (int64_t)e->utc_offset_min * 60;
	int64_t day = local - ((local % 86400) + 86400) % 86400;
	int64_t hour = e->t - ((e->t % 3600) + 3600) % 3600;

	if (a->hour_start != hour) {
		a->hour_start = hour;
		a->hour_nocard = a->hour_invalid = a->hour_notfound = 0;
		a->hour_far = a->hour_lookups = a->hour_new = 0;
	}
	if (a->day_start != day) {
		a->day_start = day;
		a->day_nocard = 0;
		a->allowance = 0;
	}
}

static unsigned seen_bit(uint64_t patient)
{
	/* patient is already a keyed hash: its low bits are uniform. */
	return (unsigned)(patient % (sizeof(((struct guard_account *)0)->seen) * 8));
}

/* Addresses: distinct ones within the hour, and whether this one was ever used. */
static void addresses(struct guard_account *a, const struct guard_event *e, uint32_t *reasons,
                      uint32_t *score)
{
	unsigned recent = 0, slot = 0, known = 0;
	int64_t oldest = INT64_MAX;

	for (unsigned i = 0; i < 4; i++) {
		if (a->ips[i] == e->ip) {
			slot = i;
			oldest = INT64_MIN;
		} else if (oldest != INT64_MIN && a->ip_seen[i] < oldest) {
			oldest = a->ip_seen[i];
			slot = i;
		}
	}
	a->ips[slot] = e->ip;
	a->ip_seen[slot] = e->t;
	for (unsigned i = 0; i < 4; i++)
		if (a->ip_seen[i] && e->t - a->ip_seen[i] < 3600)
			recent++;
	if (recent >= 3) {
		*reasons |= GR_MANY_ADDRESSES;
		*score += 30;
	}
	for (unsigned i = 0; i < 8; i++)
		if (a->known_ips[i] == e->ip)
			known = 1;
	if (!known) {
		if (a->known_ips[0]) { /* the account's first address is not "new" */
			*reasons |= GR_NEW_ADDRESS;
			*score += 10;
		}
		memmove(&a->known_ips[1], &a->known_ips[0], 7 * sizeof(a->known_ips[0]));
		a->known_ips[0] = e->ip;
	}
}

struct guard_result guard_decide(const struct guard_cfg *c, struct guard_account *a,
                                 const struct guard_event *e)
{
	struct guard_result r = { GUARD_ALLOW, 0, 0 };
	enum guard_decision budget = GUARD_ALLOW;
	int64_t local_hour;

	if (a->suspended) {
		r.decision = GUARD_SUSPEND;
		r.reasons = GR_SUSPENDED;
		r.score = c->score_suspend;
		return r;
	}
	roll(a, e);
	a->hour_lookups++;
	if (e->key_valid && e->found && e->honeytoken) {
		/* Nobody with a reason to look has this record's NIR. */
		a->suspended = 1;
		r.decision = GUARD_SUSPEND;
		r.reasons = GR_HONEYTOKEN;
		r.score = c->score_suspend;
		return r;
	}
	if (e->card)
		r.reasons |= GR_CARD;

	/* Enumeration: guessed keys, NIRs of nobody, NIRs in a row. */
	if (!e->key_valid && ++a->hour_invalid > c->invalid_max) {
		r.reasons |= GR_INVALID_KEYS;
		r.score += a->hour_invalid > 2 * c->invalid_max ? c->score_suspend : c->score_deny;
	}
	if (e->key_valid && !e->found && ++a->hour_notfound > c->notfound_max) {
		r.reasons |= GR_NOT_FOUND;
		r.score += a->hour_notfound > 2 * c->notfound_max ? c->score_suspend : c->score_deny;
	}
	if (e->nir_serial && a->last_serial &&
	    (e->nir_serial == a->last_serial + 1 || e->nir_serial + 1 == a->last_serial))
		a->sequential++;
	else if (e->nir_serial != a->last_serial)
		a->sequential = 0;
	if (a->sequential >= 2) {
		r.reasons |= GR_SEQUENTIAL;
		r.score += a->sequential >= c->sequential_max ? c->score_suspend : 20;
	}

	/* Timing: a robot's gaps barely vary (Welford's running variance). */
	if (a->last_t && e->t >= a->last_t) {
		double gap = (double)(e->t - a->last_t), d;

		if (gap < 3600) {
			a->gaps++;
			d = gap - a->gap_mean;
			a->gap_mean += d / a->gaps;
			a->gap_m2 += d * (gap - a->gap_mean);
			if (a->gaps >= 20 && a->gap_mean < 120 &&
			    sqrt(a->gap_m2 / (a->gaps - 1)) < 0.1 * a->gap_mean + 0.5) {
				r.reasons |= GR_REGULAR;
				r.score += 40;
			}
		} else {
			a->gaps = 0;
			a->gap_mean = a->gap_m2 = 0;
		}
	}
	addresses(a, e, &r.reasons, &r.score);

	if (!e->card) {
		/* Only lookups that disclose something draw on the budgets (counted at the end). */
		uint32_t hb = c->hour_budget, db = c->day_budget + a->allowance;
		uint32_t hn = a->hour_nocard + 1, dn = a->day_nocard + 1;

		if (!(a->seen[seen_bit(e->patient) / 64] >> (seen_bit(e->patient) % 64) & 1))
			a->hour_new++;
		if (a->hour_lookups >= 10 && a->hour_new * 100 > 80 * a->hour_lookups) {
			r.reasons |= GR_NEVER_SEEN;
			r.score += 20;
		}
		if (e->found && !e->near && ++a->hour_far > 5 && a->hour_far * 2 > a->hour_lookups) {
			r.reasons |= GR_FAR;
			r.score += 20;
		}
		local_hour = ((e->t + (int64_t)e->utc_offset_min * 60) % 86400 + 86400) % 86400 / 3600;
		if (local_hour < c->open_hour || local_hour >= c->close_hour) {
			r.reasons |= GR_OFF_HOURS;
			r.score += 15;
		}
		if (a->allowance)
			hb += c->hour_budget; /* a step-up today vouches for a busier hour too */
		if (hn > hb || dn > db) {
			r.reasons |= hn > hb ? GR_BUDGET_HOUR : GR_BUDGET_DAY;
			budget = GUARD_STEP_UP;
			a->step_up_pending = 1;
		} else if (hn * 100 > hb * c->soft_pct || dn * 100 > db * c->soft_pct) {
			budget = GUARD_MINIMISE;
		}
	}
	if (a->step_up_pending && !e->card)
		budget = GUARD_STEP_UP;

	if (r.score >= c->score_suspend) {
		a->suspended = 1;
		r.decision = GUARD_SUSPEND;
	} else if (r.score >= c->score_deny) {
		r.decision = GUARD_DENY;
	} else if (r.score >= c->score_throttle) {
		r.decision = GUARD_THROTTLE;
	} else {
		r.decision = budget;
	}
	if (r.decision <= GUARD_MINIMISE && !e->card) {
		a->hour_nocard++;
		a->day_nocard++;
	}
	if (r.decision <= GUARD_MINIMISE && e->found) {
		unsigned bit = seen_bit(e->patient);

		a->seen[bit / 64] |= (uint64_t)1 << (bit % 64);
	}
	a->last_t = e->t;
	if (e->nir_serial)
		a->last_serial = e->nir_serial;
	return r;
}

void guard_step_up_done(const struct guard_cfg *c, struct guard_account *a, int64_t t)
{
	(void)t;
	a->step_up_pending = 0;
	a->allowance += c->day_budget / 2;
	a->hour_nocard = 0;
}

void guard_reinstate(struct guard_account *a)
{
	a->suspended = 0;
	a->step_up_pending = 0;
	a->hour_invalid = a->hour_notfound = 0;
	a->sequential = 0;
	a->gaps = 0;
	a->gap_mean = a->gap_m2 = 0;
}
