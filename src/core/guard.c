/*
 * guard.c - the decision engine. See guard.h for the contract and the
 * policy; this file holds the defaults (with why each is what it is) and
 * the mechanics. The thresholds are reasoned starting points; `vigie sim`
 * (issue 4) is where they are measured against legitimate traffic and the
 * attacks, and tuned.
 */
#include "core/guard.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/banned.h"

_Static_assert(sizeof(struct guard_account) <= 4096, "per-account state stays under 4 KiB");
_Static_assert(GUARD_REASONS <= 32, "reasons fit in a uint32_t");

#define HOUR_MS     3600000LL
#define SEEN_BITS   8192u /* per generation; 2 hashes per patient */
#define SEEN_ROTATE 1200u /* patients per generation: false positives stay under ~7 % each */
#define DAY_BITS    2048u
#define HOUR_BITS   512u
#define HISTORY     32u /* card-less lookups remembered for shares */
#define SEQ_RING    16u
#define SEQ_NEAR    5             /* order numbers this close count as "sequential" */
#define GAP_RESET_S 600.0f        /* a pause this long starts the timing statistics afresh */
#define GAP_W       (1.0f / 8.0f) /* weight of the newest gap in the timing statistics */

/* clang-format off: a table */
static const char *const REASON_NAMES[GUARD_REASONS] = {
	"honeytoken",
	"invalid_key_rate",
	"not_found_rate",
	"sequential_nir",
	"structured_nir",
	"distinct_patients_hour",
	"distinct_patients_day",
	"never_seen_share",
	"far_department",
	"off_hours",
	"regular_timing",
	"many_addresses",
	"many_clients",
	"new_address",
	"no_card_budget",
	"step_up_pending",
	"strikes",
	"suspended",
	"identity_mismatch",
	"not_me",
	"never_seen_weeks",
};
/* clang-format on */

const char *guard_reason_name(unsigned i)
{
	return i < GUARD_REASONS ? REASON_NAMES[i] : "unknown";
}

const char *guard_decision_name(enum guard_decision d)
{
	static const char *const N[GUARD_DECISIONS] = { "allow",    "minimise", "step-up",
		                                        "throttle", "deny",     "suspend" };

	return (unsigned)d < GUARD_DECISIONS ? N[d] : "unknown";
}

void guard_cfg_init(struct guard_cfg *c, const uint8_t key[GUARD_KEY_BYTES])
{
	/*
	 * Peers: what an active day of each profession looks like (card-less
	 * distinct patients a day, in the busiest hour, and never seen before;
	 * distinct patients a day and in the busiest hour). A pharmacy sees 80-100
	 * people a day, most with their card; a GP 20-30; a laboratory takes
	 * many samples in the morning; a hospital's admission desk is open day
	 * and night. Their usual hours (below) only judge events that do not
	 * bring the practice's own (struct guard_event.hours, from the store).
	 */
	static const struct guard_peer PEERS[PRO_KINDS] = {
		[PRO_UNKNOWN] = { 12, 4, 5, 90, 20, { { 0 }, 0, 0 } },
		[PRO_PHARMACIST] = { 12, 4, 5, 90, 20, { { 0 }, 0, 0 } },
		[PRO_GP] = { 5, 2, 2, 30, 6, { { 0 }, 0, 0 } },
		[PRO_SPECIALIST] = { 4, 2, 2, 25, 6, { { 0 }, 0, 0 } },
		[PRO_LAB] = { 8, 3, 4, 70, 25, { { 0 }, 0, 0 } },
		[PRO_HOSPITAL] = { 40, 8, 20, 200, 40, { { 0 }, 0, 0 } },
	};
	/* Usual hours, every day (the margin below widens each by an hour either side). */
	static const char *const USUAL[PRO_KINDS] = {
		"Mo-Su 08:00-21:00", "Mo-Su 08:00-21:00", "Mo-Su 08:00-20:00",
		"Mo-Su 08:00-20:00", "Mo-Su 07:00-19:00", "24/7",
	};
	const char *why;

	memset(c, 0, sizeof(*c));
	memcpy(c->key, key, GUARD_KEY_BYTES);
	memcpy(c->peer, PEERS, sizeof(PEERS));
	for (int k = 0; k < PRO_KINDS; k++)
		if (hours_parse(USUAL[k], strlen(USUAL[k]), &c->peer[k].hours, &why) != 0)
			abort(); /* a constant above */
	/* A new account is judged by its peers; after a week its own days weigh as much. */
	c->prior_days = 7;
	c->ewma_alpha = 0.15f;
	/*
	 * Budget = 2 x baseline + slack: a pharmacist (12 card-less a day, 4 in
	 * the busiest hour) gets 30 a day and 12 an hour, well above a Poisson
	 * day's spread (12 +- 3.5), and a robot gets no more than that before
	 * it needs a second factor.
	 */
	c->budget_mult = 2.0f;
	c->day_slack = 6, c->day_floor = 10, c->day_cap = 80;
	c->hour_slack = 4, c->hour_floor = 6, c->hour_cap = 30;
	/*
	 * Never-seen patients without a card: a pharmacist's 5 a day give 14.
	 * A list of stolen NIRs is all never-seen: on an account with a history
	 * it gets this budget, and hard_mult times it with the TOTP secret too.
	 */
	c->never_slack = 4, c->never_floor = 8, c->never_cap = 40;
	c->soft_pct = 75;
	c->step_up_allowance = 0.5f; /* half a day per fresh second factor */
	c->hard_mult = 2.0f;         /* twice the day budget without a card is no practice */
	/* Volume of distinct patients (card or not): 3 x baseline + slack, a signal not a wall. */
	c->volume_mult = 3.0f, c->volume_day_slack = 20, c->volume_hour_slack = 10;
	/*
	 * Enumeration. Typos give a wrong key now and then, never 4 in an hour;
	 * a valid NIR of nobody happens (other schemes: MSA, SNCF, ...), about
	 * one lookup in ten for some practices, hence a count and a share.
	 */
	c->invalid_soft = 3, c->invalid_hard = 8, c->invalid_day_hard = 20;
	c->notfound_soft = 5, c->notfound_hard = 12, c->notfound_day_hard = 40;
	c->notfound_min_pct = 30;
	/*
	 * The NIR gives the year and month of birth: 31 guesses find the day.
	 * A wrong date and a second try on one NIR is a typo, a third is not;
	 * a counter mistypes a few dates a day, not ten.
	 */
	c->mismatch_nir = 2, c->mismatch_day_soft = 4, c->mismatch_day_hard = 10;
	/*
	 * Rolling windows (rule 8), on the account's daily never-seen pace
	 * (blended with its peers'). A pharmacist's 5 card-less never-seen
	 * patients an active day make 30 a week (+- 5.5), 125 a month: 1.4 x + 8
	 * over a week and 1.25 x + 15 over a month sit 3 to 4 standard
	 * deviations above an honest account's own pace (tuned on `vigie sim`'s
	 * seed 1: legitimate step-ups 0.19 -> 0.27 per 1,000, suspensions
	 * unchanged), and a robot adding what the day budget leaves on top of
	 * the owner's work passes them within days, where it had months under
	 * the day budget alone.
	 */
	c->window_days[0] = 7, c->window_days[1] = 30, c->window_days[2] = GUARD_WINDOW_DAYS;
	c->window_mult[0] = 1.4f, c->window_mult[1] = 1.25f, c->window_mult[2] = 1.2f;
	c->window_slack[0] = 8, c->window_slack[1] = 15, c->window_slack[2] = 20;
	/*
	 * A day above the never-seen baseline (and above the peers' level)
	 * teaches it at most a quarter more, at a fifth of the usual weight: a
	 * robot's 15 a day against an honest 5 moves it by about 2 in a month,
	 * an honest practice that grows for good gets there in a season.
	 */
	c->growth_alpha = 0.03f, c->growth_cap = 0.25f;
	/*
	 * Structure: twins share the first 10 characters and have consecutive
	 * order numbers; triplets of the same sex without cards are the only
	 * legitimate way to reach seq_soft. Four people with the same sex,
	 * birth month and commune among 16 card-less lookups is a list walked.
	 */
	c->seq_soft = 2, c->seq_hard = 4;
	c->struct_soft = 4, c->struct_hard = 7;
	/*
	 * Card-less lookups are mostly of known patients (renewals by phone),
	 * once the account has been used for a while: the signal is judged
	 * against the account's own share, from a lenient prior (a new account
	 * sees only new patients). 20 lookups: a list shows within about 10 on
	 * an account at 30 %, while an honest window of 20 at 30 % reaches
	 * 65 % about once in 800.
	 */
	c->never_seen_window = 20, c->never_seen_min = 12;
	c->never_seen_prior = 0.8f, c->never_seen_margin = 0.35f;
	c->never_seen_floor = 0.6f, c->never_seen_cap = 0.95f;
	c->share_pct = 50, c->share_min = 6;
	/* Rights checked while opening or closing up are not a night's work. */
	c->hours_margin_s = 3600;
	c->warm_days = 7;
	/* People's gaps vary about as much as they last (cv ~ 1); a script's do not. */
	c->regular_min_gaps = 16, c->regular_cv = 0.15f, c->regular_max_gap_s = 120;
	c->addr_window_s = 900;
	c->step_up_grace_s = 300;
	c->pts_soft = 40, c->pts_hard = 100;
	c->pts_volume = 30, c->pts_never_seen = 25, c->pts_far_one = 5, c->pts_far_share = 20;
	c->pts_off_hours = 15, c->pts_off_share = 15, c->pts_regular = 35;
	c->pts_many_addresses = 30, c->pts_many_clients = 10;
	c->pts_new_address = 10, c->pts_token_moved = 30;
	c->minimise_at = 10, c->step_up_at = 25, c->throttle_at = 40, c->deny_at = 70;
	c->suspend_at = 100;
	/*
	 * Strikes halve every day; 8 means four step-ups asked and given in a
	 * day (1 + 0.5 each), or 32 requests pressed against a pending step-up.
	 * A legitimate account at the target (5 step-ups per 1,000 lookups)
	 * stays under 3 even at a hospital's volume.
	 */
	c->strike_step_up = 1.0f, c->strike_repeat = 0.25f, c->strike_throttle = 1.0f;
	c->strike_deny = 2.0f, c->strike_step_up_done = 0.5f;
	c->strike_suspend = 8.0f;
}

void guard_account_init(struct guard_account *a)
{
	memset(a, 0, sizeof(*a));
	a->version = GUARD_STATE_VERSION;
	a->hour = INT64_MIN;
	a->day = INT64_MIN;
}

/* ---------------------------------------------------------------- SipHash-1-3 */

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* clang-format off: SipHash's rounds, as the paper writes them */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = ROTL(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = ROTL(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = ROTL(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = ROTL(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = ROTL(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = ROTL(v2, 32);                                                                 \
	} while (0)
/* clang-format on */

/*
 * SipHash-1-3 (one compression round, three finalisation rounds: the
 * variant Rust's and Python's hash tables use) of len bytes under the key,
 * with a domain byte folded into k1. The hashes stay in memory, keyed by a
 * server secret; -1-3 halves the cost of -2-4 on the hot path.
 */
static uint64_t siphash(const uint8_t key[16], uint8_t domain, const void *in, size_t len)
{
	const uint8_t *p = in, *end = p + (len & ~(size_t)7);
	uint64_t k0 = le64(key), k1 = le64(key + 8) ^ domain;
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t b = (uint64_t)len << 56, m;

	for (; p != end; p += 8) {
		m = le64(p);
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t i = 0; i < (len & 7); i++)
		b |= (uint64_t)p[i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* ---------------------------------------------------------------- helpers */

static void inc16(uint16_t *x)
{
	if (*x < UINT16_MAX)
		(*x)++;
}

static uint16_t max16(uint16_t a, uint16_t b)
{
	return a > b ? a : b;
}

static float clampf(float v, float lo, float hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static bool bit_get(const uint64_t *map, unsigned i)
{
	return (map[i / 64] >> (i % 64)) & 1;
}

static void bit_set(uint64_t *map, unsigned i)
{
	map[i / 64] |= (uint64_t)1 << (i % 64);
}

/*
 * Distinct patients today, from the day bitmap by linear counting: the
 * counter misses the patients whose bit another one set first (7 % at 300).
 */
static float day_distinct(const struct guard_account *a)
{
	unsigned set = 0;

	for (unsigned i = 0; i < DAY_BITS / 64; i++)
		set += (unsigned)__builtin_popcountll(a->day_map[i]);
	if (set >= DAY_BITS)
		return (float)DAY_BITS * 8;
	return -(float)DAY_BITS * logf(1.0f - (float)set / (float)DAY_BITS);
}

static const struct guard_peer *peer_of(const struct guard_cfg *c, unsigned profession)
{
	return &c->peer[profession < PRO_KINDS ? profession : PRO_UNKNOWN];
}

/* The account's own baseline, shrunk towards its peers' while it has few days of its own. */
static float blend(const struct guard_cfg *c, const struct guard_account *a, float own, float peer)
{
	float n = a->days < 60 ? (float)a->days : 60.0f;

	return (own * n + peer * c->prior_days) / (n + c->prior_days);
}

static float day_budget(const struct guard_cfg *c, const struct guard_account *a)
{
	const struct guard_peer *p = peer_of(c, a->profession);

	return clampf(c->budget_mult * blend(c, a, a->b_nocard_day, p->nocard_day) + c->day_slack,
	              c->day_floor, c->day_cap);
}

static float hour_budget(const struct guard_cfg *c, const struct guard_account *a)
{
	const struct guard_peer *p = peer_of(c, a->profession);

	return clampf(c->budget_mult * blend(c, a, a->b_nocard_hour, p->nocard_hour) +
	                      c->hour_slack,
	              c->hour_floor, c->hour_cap);
}

static float never_budget(const struct guard_cfg *c, const struct guard_account *a)
{
	const struct guard_peer *p = peer_of(c, a->profession);

	return clampf(c->budget_mult * blend(c, a, a->b_never_day, p->never_day) + c->never_slack,
	              c->never_floor, c->never_cap);
}

/* A count over the sliding hour: this hour's plus the part of the last one still inside. */
static float sliding(uint16_t cur, uint16_t prev, int64_t t_ms)
{
	float into = (float)(t_ms - civil_floor_div(t_ms, HOUR_MS) * HOUR_MS) / (float)HOUR_MS;

	return (float)cur + (float)prev * (1.0f - into);
}

/* One day into a baseline, bounded so that a slow ramp cannot teach the guard much. */
static void learn(const struct guard_cfg *c, const struct guard_account *a, float *b, float v,
                  float peer)
{
	float cap = 1.5f * blend(c, a, *b, peer) + 4.0f;

	if (v > cap)
		v = cap;
	*b = a->days == 0 ? v : *b + c->ewma_alpha * (v - *b);
}

/*
 * A day's card-less never-seen patients into their baseline (rule 8): as
 * usual up to the peers' level (what any account of the profession is granted), and above it
 * at growth_alpha and by at most growth_cap above the baseline, so that a
 * robot adding its lookups to an honest account's cannot teach the guard
 * its pace.
 */
static void learn_slow(const struct guard_cfg *c, const struct guard_account *a, float *b, float v,
                       float peer)
{
	float ref = *b > peer ? *b : peer, cap = (1.0f + c->growth_cap) * ref + 1.0f;

	if (a->days == 0 || v <= ref)
		learn(c, a, b, v, peer);
	else
		*b += c->growth_alpha * ((v > cap ? cap : v) - *b);
}

static void close_day(const struct guard_cfg *c, struct guard_account *a)
{
	const struct guard_peer *p = peer_of(c, a->profession);

	if (a->d_distinct == 0 && a->d_nocard == 0)
		return; /* an idle day teaches nothing (weekends do not lower the baseline) */
	if (a->tainted)
		return; /* a day with refusals is not a model of the account */
	learn(c, a, &a->b_nocard_day, a->d_nocard, p->nocard_day);
	learn(c, a, &a->b_nocard_hour, max16(a->d_peak_nocard, a->h_nocard), p->nocard_hour);
	learn(c, a, &a->b_distinct_day, day_distinct(a), p->distinct_day);
	learn_slow(c, a, &a->b_never_day, a->d_nocard_new, p->never_day);
	learn(c, a, &a->b_distinct_hour, max16(a->d_peak_distinct, a->h_distinct),
	      p->distinct_hour);
	if (a->d_nc_found >= 3) {
		float share = (float)a->d_nc_never / (float)a->d_nc_found;

		a->b_never = a->never_days == 0 ? share
		                                : a->b_never + c->ewma_alpha * (share - a->b_never);
		if (a->never_days < UINT16_MAX)
			a->never_days++;
	}
	if (a->days < UINT16_MAX)
		a->days++;
}

static unsigned wslot(int64_t day)
{
	return (unsigned)(day - civil_floor_div(day, GUARD_WINDOW_DAYS) * GUARD_WINDOW_DAYS);
}

/* The rolling windows move from a->day to day (later): the days in between start empty. */
static void window_roll(struct guard_account *a, int64_t day)
{
	int64_t d = a->day == INT64_MIN || day - a->day > GUARD_WINDOW_DAYS
	                    ? day - GUARD_WINDOW_DAYS
	                    : a->day;

	for (d = d + 1; d <= day; d++) {
		unsigned i = wslot(d);

		a->w_never[i] = 0;
		a->w_steps[i] = a->w_active[i] = 0;
	}
}

/* Move the hour and day windows to t_ms (never backwards); days are local (UTC + offset). */
static void roll(const struct guard_cfg *c, struct guard_account *a, int64_t t_ms,
                 int32_t utc_offset_min)
{
	int64_t hour = civil_floor_div(t_ms, HOUR_MS);
	int64_t day = civil_local_day(civil_floor_div(t_ms, 1000), utc_offset_min);

	if (hour > a->hour) {
		a->d_peak_nocard = max16(a->d_peak_nocard, a->h_nocard);
		a->d_peak_distinct = max16(a->d_peak_distinct, a->h_distinct);
		if (a->hour != INT64_MIN && hour == a->hour + 1) {
			a->h_nocard_prev = a->h_nocard;
			a->h_distinct_prev = a->h_distinct;
			a->h_invalid_prev = a->h_invalid;
			a->h_notfound_prev = a->h_notfound;
			a->h_lookups_prev = a->h_lookups;
		} else {
			a->h_nocard_prev = a->h_distinct_prev = a->h_invalid_prev = 0;
			a->h_notfound_prev = a->h_lookups_prev = 0;
		}
		a->h_nocard = a->h_distinct = a->h_invalid = a->h_notfound = a->h_lookups = 0;
		memset(a->hour_map, 0, sizeof(a->hour_map));
		a->hour = hour;
	}
	if (day > a->day) {
		if (a->day != INT64_MIN) {
			int64_t gone = day - a->day;

			close_day(c, a);
			a->strikes = ldexpf(a->strikes, gone > 30 ? -30 : -(int)gone);
		}
		a->d_nocard = a->d_distinct = a->d_invalid = a->d_notfound = a->d_nocard_new = 0;
		a->d_nc_found = a->d_nc_never = 0;
		a->d_mismatch = 0;
		memset(a->mm_nir, 0, sizeof(a->mm_nir));
		memset(a->mm_n, 0, sizeof(a->mm_n));
		a->d_peak_nocard = a->d_peak_distinct = a->d_step_ups = 0;
		a->allow_day = a->allow_never = 0;
		a->tainted = 0;
		memset(a->day_map, 0, sizeof(a->day_map));
		window_roll(a, day);
		a->day = day;
	}
}

/*
 * Rule 8: a card-less lookup of a found patient the account never saw,
 * on a warm account, against the rolling windows. Sets *over past a
 * window's budget (with its satisfied step-ups' allowances), and scores a
 * suspension past hard_mult times one, step-ups or not. Known patients
 * looked up without their card (a practice that takes calls) are the day
 * budgets' business: a list of stolen NIRs is people the account never saw.
 */
static void windows(const struct guard_cfg *c, const struct guard_account *a, bool *over,
                    uint32_t *score, uint32_t *reasons)
{
	const struct guard_peer *p = peer_of(c, a->profession);
	float base = blend(c, a, a->b_never_day, p->never_day), day = never_budget(c, a);
	float active = 0, never = 1, steps = 0; /* this lookup's patient counts */
	int k = 0;

	/* One pass back from today; each window is judged when its last day is added. */
	for (uint32_t back = 0; back < GUARD_WINDOW_DAYS && k < 3; back++) {
		unsigned i = wslot(a->day - (int64_t)back);

		active += a->w_active[i];
		never += a->w_never[i];
		steps += a->w_steps[i];
		if (back + 1 < c->window_days[k] && back + 1 < GUARD_WINDOW_DAYS)
			continue;
		/* A window is never tighter than a day. */
		float budget = fmaxf(
		        c->window_mult[k] * base * fmaxf(active, 1) + c->window_slack[k], day);

		if (never > budget + steps * c->step_up_allowance * day) {
			*over = true;
			*reasons |= GR_WEEKS;
		}
		if (never > c->hard_mult * budget) {
			*score += c->suspend_at;
			*reasons |= GR_WEEKS;
		}
		k++;
	}
}

/*
 * A blocked Bloom filter: both bits of a patient fall in one 512-bit block
 * (one cache line), so that a lookup touches one line per generation.
 */
static void seen_bits(uint64_t h, unsigned *b1, unsigned *b2)
{
	unsigned block = (unsigned)(h % (SEEN_BITS / 512)) * 512;

	*b1 = block + (unsigned)((h >> 8) % 512);
	*b2 = block + (unsigned)((h >> 17) % 512);
}

static bool seen_has(const struct guard_account *a, uint64_t h)
{
	unsigned b1, b2;

	seen_bits(h, &b1, &b2);
	for (int g = 0; g < 2; g++)
		if (bit_get(a->seen[g], b1) && bit_get(a->seen[g], b2))
			return true;
	return false;
}

static void seen_add(struct guard_account *a, uint64_t h)
{
	unsigned b1, b2;
	uint64_t *cur = a->seen[a->seen_gen & 1];

	seen_bits(h, &b1, &b2);
	if (bit_get(cur, b1) && bit_get(cur, b2))
		return;
	bit_set(cur, b1);
	bit_set(cur, b2);
	/*
	 * Two generations: when the current one is full enough, the older is
	 * dropped and refilled. A patient stays "seen" for one to two
	 * generations (a pharmacy's 1,200 to 2,400 most recent patients), and
	 * every lookup renews them in the current one.
	 */
	if (++a->seen_items >= SEEN_ROTATE) {
		a->seen_gen ^= 1;
		memset(a->seen[a->seen_gen & 1], 0, sizeof(a->seen[0]));
		a->seen_items = 0;
	}
}

static unsigned popcount32(uint32_t x)
{
	return (unsigned)__builtin_popcount(x);
}

static uint32_t history_mask(uint32_t n)
{
	return n >= 32 ? UINT32_MAX : ((uint32_t)1 << n) - 1;
}

/* Note a keyed hash in a 4-slot ring of recent ones; return how many were used within window. */
static unsigned recent(uint64_t ring[4], int64_t when[4], uint64_t h, int64_t t_ms,
                       int64_t window_ms)
{
	unsigned slot = 0, n = 0;

	for (unsigned i = 0; i < 4; i++) {
		if (ring[i] == h) {
			slot = i;
			break;
		}
		if (when[i] < when[slot])
			slot = i;
	}
	ring[slot] = h;
	if (t_ms > when[slot])
		when[slot] = t_ms;
	for (unsigned i = 0; i < 4; i++)
		if (ring[i] && t_ms - when[i] < window_ms)
			n++;
	return n;
}

/* Whether ip (a keyed hash) is a known address of the account; remembers it, most recent first. */
static bool known_address(struct guard_account *a, uint64_t ip)
{
	unsigned i;
	bool known;

	for (i = 0; i < 7 && a->known_ip[i] != ip; i++)
		;
	known = a->known_ip[i] == ip;
	memmove(&a->known_ip[1], &a->known_ip[0],
	        i * sizeof(a->known_ip[0])); /* drops the oldest */
	a->known_ip[0] = ip;
	return known;
}

static void suspend(struct guard_account *a, struct guard_result *r)
{
	r->decision = GUARD_SUSPEND;
	r->suspended_now = !a->suspended;
	a->suspended = 1;
	a->tainted = 1;
	a->step_up_pending = 0;
}

/* The order number (characters 10-12, after sex, birth, department and commune), or -1. */
static int order_of(const char *nir, size_t len)
{
	if (!nir || len != 15)
		return -1;
	for (int i = 10; i < 13; i++)
		if (nir[i] < '0' || nir[i] > '9')
			return -1;
	return (nir[10] - '0') * 100 + (nir[11] - '0') * 10 + (nir[12] - '0');
}

/* Enumeration by structure: near-consecutive and same-prefix NIRs among recent card-less ones. */
static void structure(const struct guard_cfg *c, struct guard_account *a,
                      const struct guard_event *e, uint32_t *score, uint32_t *reasons)
{
	int order = order_of(e->nir, e->nir_len);
	uint32_t prefix, near = 0, same = 0;

	if (order < 0)
		return;
	prefix = (uint32_t)siphash(c->key, 'P', e->nir, 10);
	for (unsigned i = 0; i < a->seq_n; i++) {
		int d = (int)a->seq_order[i] - order;

		if (a->seq_prefix[i] != prefix || d == 0)
			continue; /* the same person (or their dependants) again is not a pattern */
		if (d >= -SEQ_NEAR && d <= SEQ_NEAR)
			near++;
		else
			same++;
	}
	a->seq_prefix[a->seq_pos] = prefix;
	a->seq_order[a->seq_pos] = (uint16_t)order;
	a->seq_pos = (a->seq_pos + 1) % SEQ_RING;
	if (a->seq_n < SEQ_RING)
		a->seq_n++;
	if (near >= c->seq_hard) {
		*score += c->pts_hard;
		*reasons |= GR_SEQUENTIAL;
	} else if (near >= c->seq_soft) {
		*score += c->pts_soft;
		*reasons |= GR_SEQUENTIAL;
	}
	if (same >= c->struct_hard) {
		*score += c->pts_hard;
		*reasons |= GR_STRUCTURED;
	} else if (same >= c->struct_soft) {
		*score += c->pts_soft;
		*reasons |= GR_STRUCTURED;
	}
}

/* Wrong keys and NIRs of nobody, per sliding hour and per day. */
static void enumeration(const struct guard_cfg *c, struct guard_account *a,
                        const struct guard_event *e, uint32_t *score, uint32_t *reasons)
{
	float n;

	if (!e->key_valid) {
		inc16(&a->h_invalid);
		inc16(&a->d_invalid);
		n = sliding(a->h_invalid, a->h_invalid_prev, e->t_ms);
		if (n >= (float)c->invalid_hard || a->d_invalid >= c->invalid_day_hard) {
			*score += c->pts_hard;
			*reasons |= GR_INVALID_KEY;
		} else if (n > (float)c->invalid_soft) {
			*score += c->pts_soft;
			*reasons |= GR_INVALID_KEY;
		}
	} else if (!e->found) {
		inc16(&a->h_notfound);
		inc16(&a->d_notfound);
		n = sliding(a->h_notfound, a->h_notfound_prev, e->t_ms);
		if (n >= (float)c->notfound_hard || a->d_notfound >= c->notfound_day_hard) {
			*score += c->pts_hard;
			*reasons |= GR_NOT_FOUND;
		} else if (n > (float)c->notfound_soft &&
		           n * 100 >= (float)c->notfound_min_pct *
		                              sliding(a->h_lookups, a->h_lookups_prev, e->t_ms)) {
			*score += c->pts_soft;
			*reasons |= GR_NOT_FOUND;
		}
	}
}

/*
 * Stated identities (h: the NIR's keyed hash): 1 if this NIR had
 * mismatch_nir wrong birth dates today (then it is refused card-less,
 * whatever date is stated now, so that a refusal is no oracle); a mismatch
 * now is counted on the NIR and on the day, like a wrong password.
 */
static bool mismatched(const struct guard_cfg *c, struct guard_account *a,
                       const struct guard_event *e, uint64_t h, uint32_t *score, uint32_t *reasons)
{
	unsigned i, slot = 0;
	bool locked;

	if (!e->key_valid || !e->nir)
		return false;
	h |= 1; /* 0 is "empty" */
	for (i = 0; i < 8; i++)
		if (a->mm_n[i] && a->mm_nir[i] == h)
			break;
	locked = i < 8 && a->mm_n[i] >= c->mismatch_nir;
	if (locked)
		*reasons |= GR_MISMATCH;
	if (!e->mismatch)
		return locked;
	if (i == 8) {
		/* A free slot, or the NIR with the fewest mismatches (the day cap still counts). */
		for (i = 0; i < 8; i++) {
			if (!a->mm_n[i])
				break;
			if (a->mm_n[i] < a->mm_n[slot])
				slot = i;
		}
		if (i == 8)
			i = slot;
		a->mm_nir[i] = h;
		a->mm_n[i] = 0;
	}
	if (a->mm_n[i] < UINT8_MAX)
		a->mm_n[i]++;
	inc16(&a->d_mismatch);
	if (a->d_mismatch >= c->mismatch_day_hard) {
		*score += c->deny_at;
		*reasons |= GR_MISMATCH;
	} else if (a->d_mismatch > c->mismatch_day_soft) {
		*score += c->step_up_at;
		*reasons |= GR_MISMATCH;
	}
	return locked;
}

/* Inter-arrival gaps: exponentially weighted mean and variance, in seconds. */
static bool regular(const struct guard_cfg *c, struct guard_account *a, int64_t t_ms)
{
	float g, d;

	if (a->last_ms == 0 || t_ms < a->last_ms)
		return false;
	g = (float)(t_ms - a->last_ms) / 1000.0f;
	if (g > GAP_RESET_S) {
		a->gaps = 0;
		a->gap_mean = a->gap_var = 0;
		return false;
	}
	if (a->gaps == 0) {
		a->gap_mean = g;
		a->gap_var = 0;
	} else {
		d = g - a->gap_mean;
		a->gap_mean += GAP_W * d;
		a->gap_var = (1.0f - GAP_W) * (a->gap_var + GAP_W * d * d);
	}
	if (a->gaps < UINT32_MAX)
		a->gaps++;
	if (a->gaps < c->regular_min_gaps || a->gap_mean >= c->regular_max_gap_s)
		return false;
	d = c->regular_cv * a->gap_mean + 0.05f; /* 50 ms: clocks and schedulers jitter */
	return a->gap_var < d * d;
}

struct guard_result guard_decide(const struct guard_cfg *c, struct guard_account *a,
                                 const struct guard_event *e)
{
	struct guard_result r = { GUARD_ALLOW, 0, 0, false, false };
	const struct guard_peer *p;
	uint64_t h = 0;
	bool card, new_today, new_hour, never, over = false, soft = false;
	unsigned n_ip = 0, n_ua = 0, bit_day, bit_hour;
	bool new_addr = false, nir_locked = false;

	if (a->suspended) {
		r.decision = GUARD_SUSPEND;
		r.reasons = GR_SUSPENDED;
		r.score = c->suspend_at;
		return r;
	}
	a->profession = (uint8_t)((unsigned)e->profession < PRO_KINDS ? e->profession : 0);
	p = peer_of(c, a->profession);
	roll(c, a, e->t_ms, e->utc_offset_min);
	inc16(&a->h_lookups);
	a->w_active[wslot(a->day)] = 1;
	if (e->honeytoken) {
		/* Nobody with a reason to look has this record's NIR. */
		r.reasons = GR_HONEYTOKEN;
		if (!e->card && a->days >= c->warm_days && !a->tainted && !a->step_up_pending &&
		    a->strikes < 1.0f) {
			/*
			 * ... but an attacker who learnt one can hand it to an honest
			 * pharmacy ("here is my number"): an account with a clean history
			 * is denied and raises an alert; a second one today suspends.
			 */
			r.decision = GUARD_DENY;
			r.score = c->deny_at;
			r.alert = true;
			a->strikes += c->strike_deny;
			a->tainted = 1;
			goto out;
		}
		r.score = c->suspend_at;
		suspend(a, &r);
		goto out;
	}
	/* A card proof is for a record that exists: trust it only then. */
	card = e->card && e->key_valid && e->found;
	if (e->nir)
		h = siphash(c->key, 'N', e->nir, e->nir_len);
	bit_day = (unsigned)((h >> 26) % DAY_BITS);
	bit_hour = (unsigned)((h >> 37) % HOUR_BITS);
	new_today = !bit_get(a->day_map, bit_day);
	new_hour = !bit_get(a->hour_map, bit_hour);
	never = !seen_has(a, h);

	/* What every lookup teaches: timing, addresses, clients. */
	{
		bool reg = regular(c, a, e->t_ms);
		int64_t w = (int64_t)c->addr_window_s * 1000;

		if (e->ip) {
			uint64_t ip =
			        siphash(c->key, 'I', e->ip, strlen(e->ip)) | 1; /* 0 is "empty" */

			n_ip = recent(a->ip, a->ip_ms, ip, e->t_ms, w);
			new_addr = !known_address(a, ip) && a->known_ip[1] != 0;
		}
		if (e->ua)
			n_ua = recent(a->ua, a->ua_ms,
			              siphash(c->key, 'U', e->ua, strlen(e->ua)) | 1, e->t_ms, w);
		if (card)
			goto decide; /* the patient is there: a full lookup */
		if (reg) {
			r.score += c->pts_regular;
			r.reasons |= GR_REGULAR;
		}
		if (n_ip >= 3) {
			r.score += c->pts_many_addresses;
			r.reasons |= GR_MANY_ADDRESSES;
		}
		if (n_ua >= 3) {
			r.score += c->pts_many_clients;
			r.reasons |= GR_MANY_CLIENTS;
		}
		if (e->token_moved || new_addr) {
			r.score += e->token_moved ? c->pts_token_moved : c->pts_new_address;
			r.reasons |= GR_NEW_ADDRESS;
		}
	}

	/* Enumeration, stated identities and structure. */
	enumeration(c, a, e, &r.score, &r.reasons);
	nir_locked = mismatched(c, a, e, h, &r.score, &r.reasons);
	if (e->key_valid)
		structure(c, a, e, &r.score, &r.reasons);

	/* The card-less history and its shares. */
	{
		bool off = !hours_open_near(e->hours ? e->hours : &p->hours,
		                            civil_floor_div(e->t_ms, 1000), e->utc_offset_min,
		                            c->hours_margin_s);
		bool found = e->key_valid && e->found;
		bool far = e->geo == GUARD_GEO_FAR;
		uint32_t n, m;

		if (a->nc_n < HISTORY)
			a->nc_n++;
		a->nc_never = a->nc_never << 1 | (found && never);
		a->nc_geo = a->nc_geo << 1 | (e->geo != GUARD_GEO_UNKNOWN);
		a->nc_far = a->nc_far << 1 | far;
		a->nc_off = a->nc_off << 1 | off;
		m = history_mask(a->nc_n);
		n = a->nc_n;
		if (found) {
			inc16(&a->d_nc_found);
			if (never)
				inc16(&a->d_nc_never);
		}
		if (found && never && a->days >= c->warm_days) {
			uint32_t w = n < c->never_seen_window ? n : c->never_seen_window;
			float nd = a->never_days < 60 ? (float)a->never_days : 60.0f;
			float base = (a->b_never * nd + c->never_seen_prior * c->prior_days) /
			             (nd + c->prior_days);
			float limit = base + c->never_seen_margin;

			/*
			 * An account that mostly sees new people (a hospital, a new
			 * account) cannot be told from a list by this share: past the
			 * cap the signal says nothing, and the never-seen budget speaks.
			 */
			if (limit < c->never_seen_floor)
				limit = c->never_seen_floor;
			if (limit <= c->never_seen_cap && w >= c->never_seen_min &&
			    (float)popcount32(a->nc_never & history_mask(w)) >= limit * (float)w) {
				r.score += c->pts_never_seen;
				r.reasons |= GR_NEVER_SEEN;
			}
		}
		if (far) {
			uint32_t g = popcount32(a->nc_geo & m), f = popcount32(a->nc_far & m);

			r.score += c->pts_far_one;
			if (g >= c->share_min && f * 100 >= c->share_pct * g)
				r.score += c->pts_far_share;
			r.reasons |= GR_FAR;
		}
		if (off) {
			uint32_t o = popcount32(a->nc_off & m);

			r.score += c->pts_off_hours;
			if (n >= c->share_min && o * 100 >= c->share_pct * n)
				r.score += c->pts_off_share;
			r.reasons |= GR_OFF_HOURS;
		}
	}

	/* Volume and budget: only a patient not yet looked up today costs (a wrong key discloses nothing). */
	if (new_today && e->key_valid) {
		float hb = hour_budget(c, a), db = day_budget(c, a) + a->allow_day;
		float nh = sliding(a->h_nocard, a->h_nocard_prev, e->t_ms) + 1;
		float nd = (float)a->d_nocard + 1;
		float lim_h = c->volume_mult * blend(c, a, a->b_distinct_hour, p->distinct_hour) +
		              c->volume_hour_slack;
		float lim_d = c->volume_mult * blend(c, a, a->b_distinct_day, p->distinct_day) +
		              c->volume_day_slack;

		if (new_hour && sliding(a->h_distinct, a->h_distinct_prev, e->t_ms) + 1 > lim_h) {
			r.score += c->pts_volume;
			r.reasons |= GR_DISTINCT_HOUR;
		}
		if (day_distinct(a) + 1 > lim_d) {
			r.score += c->pts_volume;
			r.reasons |= GR_DISTINCT_DAY;
		}
		over = nh > hb || nd > db;
		soft = nh * 100 > (float)c->soft_pct * hb || nd * 100 > (float)c->soft_pct * db;
		if (over || soft)
			r.reasons |= GR_NO_CARD_BUDGET;
		if (a->days >= c->warm_days) {
			/* A known account: never-seen patients have their own budget and hard cap. */
			float nb = never_budget(c, a), nn = (float)a->d_nocard_new + 1;
			float nbx = nb + a->allow_never;

			if (never && e->found) {
				bool n_over = nn > nbx,
				     n_soft = nn * 100 > (float)c->soft_pct * nbx;

				if (n_over || n_soft)
					r.reasons |= GR_NEVER_SEEN;
				over |= n_over;
				soft |= n_soft;
				if (nn > c->hard_mult * nb) {
					r.score += c->suspend_at;
					r.reasons |= GR_NEVER_SEEN;
				}
				windows(c, a, &over, &r.score, &r.reasons);
			}
		} else if (nd > c->hard_mult * day_budget(c, a)) {
			/* Far past the budget, step-ups or not. */
			r.score += c->suspend_at;
			r.reasons |= GR_NO_CARD_BUDGET;
		}
	}

decide:
	if (r.score >= c->suspend_at) {
		suspend(a, &r);
	} else if (r.score >= c->deny_at) {
		r.decision = GUARD_DENY;
		a->strikes += c->strike_deny;
		a->tainted = 1;
	} else if (nir_locked) {
		/* "Present the card", asked again: pressing, not a new offence. */
		r.decision = GUARD_DENY;
		a->strikes += c->strike_repeat;
	} else if (r.score >= c->throttle_at) {
		r.decision = GUARD_THROTTLE;
		a->strikes += c->strike_throttle;
		a->tainted = 1;
	} else if (card) {
		r.decision = GUARD_ALLOW;
	} else if (a->step_up_pending) {
		r.decision = GUARD_STEP_UP;
		r.reasons |= GR_STEP_UP_PENDING;
		a->strikes += c->strike_repeat;
	} else if (over || (r.score >= c->step_up_at && e->t_ms >= a->grace_until_ms)) {
		r.decision = GUARD_STEP_UP;
		a->step_up_pending = 1;
		a->strikes += c->strike_step_up;
	} else if (soft || r.score >= c->minimise_at) {
		r.decision = GUARD_MINIMISE;
	}
	if (r.decision != GUARD_SUSPEND && a->strikes >= c->strike_suspend) {
		r.reasons |= GR_STRIKES;
		suspend(a, &r);
	}

	/* What was served is remembered: today's and this hour's patients, patients seen. */
	if (r.decision <= GUARD_MINIMISE && e->key_valid) {
		if (new_today) {
			bit_set(a->day_map, bit_day);
			inc16(&a->d_distinct);
			if (!card) {
				inc16(&a->d_nocard);
				inc16(&a->h_nocard);
				if (never && e->found) {
					inc16(&a->d_nocard_new);
					/* The windows count from warm: to a new account, everyone is new. */
					if (a->days >= c->warm_days)
						inc16(&a->w_never[wslot(a->day)]);
				}
			}
		}
		if (new_hour) {
			bit_set(a->hour_map, bit_hour);
			inc16(&a->h_distinct);
		}
		if (e->found)
			seen_add(a, h);
	}
out:
	if (e->t_ms > a->last_ms)
		a->last_ms = e->t_ms;
	return r;
}

void guard_step_up_done(const struct guard_cfg *c, struct guard_account *a, int64_t t_ms,
                        int32_t utc_offset_min)
{
	if (a->suspended || !a->step_up_pending)
		return; /* a second factor nobody asked for buys nothing */
	roll(c, a, t_ms, utc_offset_min);
	a->step_up_pending = 0;
	a->allow_day += c->step_up_allowance * day_budget(c, a);
	a->allow_never += c->step_up_allowance * never_budget(c, a);
	a->h_nocard = a->h_nocard_prev = 0; /* a fresh hour */
	a->nc_n = a->nc_never = a->nc_geo = a->nc_far = a->nc_off = 0;
	if (a->d_step_ups < UINT16_MAX)
		a->d_step_ups++;
	if (a->w_steps[wslot(a->day)] < UINT8_MAX)
		a->w_steps[wslot(a->day)]++;
	a->strikes += c->strike_step_up_done;
	a->grace_until_ms = t_ms + (int64_t)c->step_up_grace_s * 1000;
}

void guard_stop(struct guard_account *a)
{
	a->suspended = 1;
	a->tainted = 1;
	a->step_up_pending = 0;
}

void guard_reinstate(const struct guard_cfg *c, struct guard_account *a, int64_t t_ms,
                     int32_t utc_offset_min)
{
	roll(c, a, t_ms, utc_offset_min);
	a->suspended = 0;
	a->step_up_pending = 0;
	a->strikes = 0;
	a->h_invalid = a->h_invalid_prev = a->h_notfound = a->h_notfound_prev = 0;
	a->d_invalid = a->d_notfound = a->d_mismatch = 0;
	memset(a->mm_nir, 0, sizeof(a->mm_nir));
	memset(a->mm_n, 0, sizeof(a->mm_n));
	a->h_nocard = a->h_nocard_prev = 0;
	a->d_nocard = a->d_nocard_new = 0;
	a->allow_day = a->allow_never = 0;
	/* What the windows counted was reviewed with the suspension: they start afresh. */
	memset(a->w_never, 0, sizeof(a->w_never));
	memset(a->w_steps, 0, sizeof(a->w_steps));
	a->seq_n = 0;
	a->seq_pos = 0;
	a->gaps = 0;
	a->gap_mean = a->gap_var = 0;
	a->nc_n = a->nc_never = a->nc_geo = a->nc_far = a->nc_off = 0;
	memset(a->ip, 0, sizeof(a->ip));
	memset(a->ip_ms, 0, sizeof(a->ip_ms));
	memset(a->ua, 0, sizeof(a->ua));
	memset(a->ua_ms, 0, sizeof(a->ua_ms));
	a->grace_until_ms = t_ms + (int64_t)c->step_up_grace_s * 1000;
}
