/*
 * guard.h - the decision engine that stops a stolen professional account
 * from extracting records in bulk (issue 4). It decides, for each lookup,
 * whether to answer fully, minimise, ask for a fresh second factor
 * (step-up), throttle, deny, or suspend the account, and says why.
 *
 * Pure: no I/O, no clock reads, no allocation, no globals. The caller
 * passes the time with every call (guard_event.t_ms, unix milliseconds,
 * UTC) and owns one struct guard_account per professional account; the
 * same code serves live requests, `vigie replay` and simulations, and the
 * same inputs always give the same outputs and the same state bytes.
 * Local time (opening hours, day windows) is UTC + the offset the caller
 * passes with the time (guard_event.utc_offset_min; core/civil.h gives
 * Europe/Paris's: 60 in winter, 120 in summer): the guard reads neither the
 * clock nor a time zone database. The hour windows are UTC hours, sliding.
 *
 * Threading contract:
 *  (a) struct guard_cfg is read-only once guard_cfg_init returned; any
 *      number of threads may share one.
 *  (b) Every call that takes a struct guard_account * mutates it: the
 *      caller serialises calls on one account (a mutex per account, or one
 *      per shard of accounts, e.g. 64 shards by a hash of the RPPS). Calls
 *      on different accounts may run in parallel; nothing else is shared.
 *  (c) struct guard_account is plain bytes with no pointers (fixed size,
 *      GUARD_ACCOUNT_BYTES <= 4 KiB): it may be copied, stored and loaded
 *      back (Redis, a table) on a build with the same GUARD_STATE_VERSION.
 *  (d) Events of one account should arrive in time order; an event older
 *      than the account's windows is counted in the current ones.
 *
 * Privacy: the state holds no NIR, address or user agent in clear, only
 * keyed 64-bit hashes (SipHash-1-3 under guard_cfg.key) and bits derived
 * from them. The key is a secret of the server: without it the bits do not
 * say which patients an account saw.
 *
 * The policy (thresholds in struct guard_cfg, defaults in guard.c):
 *  1. A honeytoken record suspends the account at once, unless the
 *     account has a clean history (warm, not refused today, no strike): an
 *     honest pharmacy handed a honeytoken NIR by an attacker is denied and
 *     an alert raised (guard_result.alert), and only a second one the same
 *     day suspends. A suspended account gets GUARD_SUSPEND on every call
 *     until guard_reinstate.
 *  2. A lookup with a valid card-presence proof is a full lookup: it is
 *     always allowed (the patient is there) and costs no budget; it feeds
 *     the account's history (patients seen, addresses, timing).
 *  3. Lookups without a card draw on a budget of distinct patients per
 *     hour (sliding) and per local day, and once the account has a history
 *     (warm_days), on a day budget of patients it never saw before; each
 *     is learned from the account's own history (EWMA over active days)
 *     blended with its profession's peers, floored and capped. Past the
 *     soft share of a budget answers are minimised; past the budget a
 *     step-up is required; a step-up satisfied (guard_step_up_done) grants
 *     a fresh allowance. Looking up again a patient already looked up
 *     today costs nothing.
 *  4. Signals add points to the lookup's score, and each is named in the
 *     reasons: enumeration (wrong keys, NIRs of nobody, consecutive or
 *     structured NIRs), volume of distinct patients against the account's
 *     baseline, a high share of never-seen patients, far departments,
 *     off-hours, machine-regular timing, several addresses or clients, a
 *     new address or a token that moved. Signals only score lookups
 *     without a card (a card proof is for a valid NIR of someone present).
 *  5. score >= suspend_at: suspend; >= deny_at: deny; >= throttle_at:
 *     throttle; otherwise, without a card: step-up when the budget is spent,
 *     the score reaches step_up_at or a step-up is pending; minimise past the
 *     soft budget or from minimise_at; else allow.
 *  6. Refusals leave strikes (step-up asked, throttle, deny, a satisfied
 *     step-up) that halve every local day; at strike_suspend the account is
 *     suspended: an account that keeps being refused, or that needs many
 *     step-ups, is abusive even if each request looks mild. The same
 *     happens when card-less patients in a day exceed hard_mult times the
 *     day budget, whatever the step-ups (never-seen ones against the
 *     never-seen budget once the account is warm, so that a day with a
 *     broken card reader, its own patients, is not abuse).
 *  7. A card-less lookup states who the patient is (NIR and birth date,
 *     core/gate.h); a birth date that matches nobody under an existing NIR
 *     is a wrong password (guard_event.mismatch): after mismatch_nir of
 *     them on one NIR in a local day that NIR is denied card-less until
 *     the next day, whatever date is stated; past mismatch_day_soft in a
 *     day a step-up is asked, at mismatch_day_hard the lookup is denied.
 *  8. Staying under the day budgets is not enough: once the account is
 *     warm, card-less patients it never saw are also counted over rolling
 *     7, 30 and 90 local days, against window_mult[w] x its daily baseline
 *     (blended with its peers') x its active days in the window +
 *     window_slack[w], never less than a day's budget, plus what satisfied
 *     step-ups in the window granted. Past one a step-up is asked; past
 *     hard_mult times one (step-ups or not) the account is suspended. That
 *     baseline learns upwards only slowly above the peers' level
 *     (growth_alpha, at most growth_cap above itself a day): a robot on top
 *     of an honest account's work cannot teach the guard its own pace.
 *
 * Mapping to HTTP (for the request path): ALLOW 200 full answer; MINIMISE
 * 200 with only what the rights check needs; STEP_UP 401 with
 * WWW-Authenticate: Bearer error="insufficient_user_authentication"
 * (RFC 9470); THROTTLE 429 with Retry-After; DENY 403; SUSPEND 403, revoke
 * the account's tokens and raise an alert (only on the transition, see
 * guard_result.suspended_now).
 */
#ifndef VIGIE_CORE_GUARD_H
#define VIGIE_CORE_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/access.h"
#include "core/hours.h"

#define GUARD_STATE_VERSION 4
#define GUARD_WINDOW_DAYS   90 /* the longest card-less window (rule 8) */
#define GUARD_KEY_BYTES     16

enum guard_decision {
	GUARD_ALLOW = 0,
	GUARD_MINIMISE, /* answer only what the rights check needs */
	GUARD_STEP_UP,  /* 401 insufficient_user_authentication until a fresh TOTP */
	GUARD_THROTTLE, /* 429: not now */
	GUARD_DENY,     /* 403 for this request */
	GUARD_SUSPEND,  /* the account is suspended until an operator reinstates it */
};
#define GUARD_DECISIONS 6

/* Where the patient lives against the practice: the caller decides (popdata neighbours). */
enum guard_geo {
	GUARD_GEO_UNKNOWN = 0,
	GUARD_GEO_NEAR, /* the practice's department or a neighbouring one */
	GUARD_GEO_FAR,
};

/* Reason bits of a decision; guard_reason_name(bit index) is the stable name. */
enum guard_reason {
	GR_HONEYTOKEN = 1u << 0,       /* "honeytoken" */
	GR_INVALID_KEY = 1u << 1,      /* "invalid_key_rate": NIRs that do not check */
	GR_NOT_FOUND = 1u << 2,        /* "not_found_rate": valid NIRs of nobody */
	GR_SEQUENTIAL = 1u << 3,       /* "sequential_nir": near-consecutive order numbers */
	GR_STRUCTURED = 1u << 4,       /* "structured_nir": many NIRs sharing sex/birth/commune */
	GR_DISTINCT_HOUR = 1u << 5,    /* "distinct_patients_hour": over the account's baseline */
	GR_DISTINCT_DAY = 1u << 6,     /* "distinct_patients_day" */
	GR_NEVER_SEEN = 1u << 7,       /* "never_seen_share": card-less lookups of unknown patients
	                                 (their recent share, or today's count over budget) */
	GR_FAR = 1u << 8,              /* "far_department" */
	GR_OFF_HOURS = 1u << 9,        /* "off_hours": outside the practice's hours and rota */
	GR_REGULAR = 1u << 10,         /* "regular_timing": machine-regular gaps */
	GR_MANY_ADDRESSES = 1u << 11,  /* "many_addresses": several addresses at once */
	GR_MANY_CLIENTS = 1u << 12,    /* "many_clients": several user agents at once */
	GR_NEW_ADDRESS = 1u << 13,     /* "new_address": unknown address, or a token that moved */
	GR_NO_CARD_BUDGET = 1u << 14,  /* "no_card_budget": card-less budget (soft or spent) */
	GR_STEP_UP_PENDING = 1u << 15, /* "step_up_pending": a step-up asked and not yet given */
	GR_STRIKES = 1u << 16,         /* "strikes": refused too often, or far over the budget */
	GR_SUSPENDED = 1u << 17,       /* "suspended": already suspended */
	GR_MISMATCH = 1u << 18, /* "identity_mismatch": stated birth dates that match nobody */
	GR_NOT_ME = 1u << 19,   /* "not_me": a patient said a card-less lookup was not them
	                           (set by the shell, never by guard_decide) */
	GR_WEEKS = 1u << 20,    /* "never_seen_weeks": card-less never-seen patients over
	                           7, 30 or 90 days past the account's budget (rule 8) */
};
#define GUARD_REASONS 21

/* The stable name of reason bit index i (0..GUARD_REASONS-1), or "unknown". */
const char *guard_reason_name(unsigned i);
/* "allow", "minimise", "step-up", "throttle", "deny", "suspend", or "unknown". */
const char *guard_decision_name(enum guard_decision d);

/*
 * One lookup, as the guard sees it. All pointers are borrowed for the call
 * only; NULL strings mean "unknown".
 */
struct guard_event {
	int64_t t_ms;           /* unix time in milliseconds, UTC */
	int32_t utc_offset_min; /* local time = UTC + this, at t_ms (Europe/Paris: 60 or 120) */
	int profession;         /* enum pro_kind (core/access.h); out of range counts as unknown */
	const char *nir;        /* the NIR asked for, nir_len bytes (15 when well-formed) */
	size_t nir_len;
	bool key_valid;            /* the NIR passes nir_parse (format and key) */
	bool found;                /* someone matches (ignored when !key_valid) */
	bool mismatch;             /* the NIR has records, but none has the birth date the
	                              professional stated (then found is false) */
	bool honeytoken;           /* the matched record is a honeytoken (the caller knows) */
	bool card;                 /* a valid, fresh, not yet used card-presence proof */
	bool token_moved;          /* the session token was issued to another address */
	enum guard_geo geo;        /* patient's department against the practice's */
	const struct hours *hours; /* the practice's hours and rota; NULL: its profession's usual */
	const char *ip;            /* client address, NUL-terminated */
	const char *ua;            /* user agent, NUL-terminated */
};

/* What a profession looks like, for accounts with little history of their own. */
struct guard_peer {
	float nocard_day;    /* card-less distinct patients in an active day */
	float nocard_hour;   /* ... in the busiest hour of the day */
	float never_day;     /* card-less patients never seen before, in an active day */
	float distinct_day;  /* distinct patients in an active day, card or not */
	float distinct_hour; /* ... in the busiest hour */
	struct hours hours;  /* usual opening hours, for events that do not bring their own */
};

struct guard_cfg {
	uint8_t key[GUARD_KEY_BYTES];      /* SipHash key for patients, addresses, clients */
	struct guard_peer peer[PRO_KINDS]; /* callers may refresh from the store */
	float prior_days; /* weight of the peers' baseline, in days of own history */
	float ewma_alpha; /* weight of the newest day in the account's baseline */
	/* Card-less budget = clamp(mult * baseline + slack, floor, cap). */
	float budget_mult;
	float day_slack, day_floor, day_cap;
	float hour_slack, hour_floor, hour_cap;
	float never_slack, never_floor, never_cap; /* card-less never-seen patients a day */
	uint32_t soft_pct;                         /* past this share of a budget, minimise */
	float step_up_allowance; /* a satisfied step-up adds this share of the day budget */
	float hard_mult;         /* card-less patients > hard_mult * budget: suspend (see 6.) */
	/* Distinct patients (card or not) over volume_mult * baseline + slack: a signal. */
	float volume_mult, volume_day_slack, volume_hour_slack;
	/* Enumeration, per sliding hour and per day. */
	uint32_t invalid_soft, invalid_hard, invalid_day_hard;
	uint32_t notfound_soft, notfound_hard, notfound_day_hard;
	uint32_t notfound_min_pct; /* the soft not-found signal also needs this share of the hour */
	/*
	 * A stated birth date that matches nobody under an existing NIR is a
	 * wrong password: mismatch_nir of them on one NIR in a local day and
	 * that NIR is refused card-less for the rest of the day; more than
	 * mismatch_day_soft in a day asks a step-up, mismatch_day_hard denies.
	 */
	uint32_t mismatch_nir, mismatch_day_soft, mismatch_day_hard;
	/* Rolling windows (rule 8): their length in local days, budget factor and slack. */
	uint32_t window_days[3];
	float window_mult[3], window_slack[3];
	/* Upward learning of the never-seen baseline: weight and bound of a day above it. */
	float growth_alpha, growth_cap;
	uint32_t seq_soft, seq_hard; /* recent NIRs with the same prefix and an order within 5 */
	uint32_t struct_soft, struct_hard; /* recent NIRs with the same 10-character prefix */
	/*
	 * Never-seen patients among the last never_seen_window card-less lookups
	 * of someone: a signal past the account's own daily share + margin (at
	 * least floor); not judged when that limit is over cap (an account that
	 * mostly sees new people). The prior share is for accounts with few days.
	 */
	uint32_t never_seen_window, never_seen_min;
	float never_seen_prior, never_seen_margin, never_seen_floor, never_seen_cap;
	/* Shares over the last 32 card-less lookups (percent, with a minimum count). */
	uint32_t share_pct, share_min; /* far and off-hours shares */
	uint32_t hours_margin_s;       /* a lookup this close to opening hours is not off hours */
	uint32_t warm_days; /* never-seen share and budget judged from this many active days */
	/* Timing and addresses. */
	uint32_t regular_min_gaps; /* gaps observed before judging regularity */
	float regular_cv;          /* coefficient of variation below which gaps are a machine's */
	float regular_max_gap_s;   /* only for gaps shorter than this (seconds) */
	uint32_t addr_window_s;    /* "at once" for addresses and clients (seconds) */
	uint32_t step_up_grace_s;  /* after a step-up, scores alone do not ask again this long */
	/* Points of each signal. */
	uint32_t pts_soft, pts_hard; /* enumeration: soft and hard */
	uint32_t pts_volume, pts_never_seen, pts_far_one, pts_far_share;
	uint32_t pts_off_hours, pts_off_share, pts_regular;
	uint32_t pts_many_addresses, pts_many_clients, pts_new_address, pts_token_moved;
	/* Score thresholds. */
	uint32_t minimise_at, step_up_at, throttle_at, deny_at, suspend_at;
	/* Strikes. */
	float strike_step_up, strike_repeat, strike_throttle, strike_deny, strike_step_up_done;
	float strike_suspend;
};

/*
 * Fill c with the defaults (documented in guard.c beside each value) and
 * the given key (GUARD_KEY_BYTES, borrowed; copied). c is caller-owned and
 * holds the key: wipe it (sodium_memzero) when done. Thread-safe.
 */
void guard_cfg_init(struct guard_cfg *c, const uint8_t key[GUARD_KEY_BYTES]);

/*
 * Per-account state. The fields are private to guard.c; they are here so
 * that callers can allocate the struct (fixed size, no pointers, see the
 * threading contract). Set it up with guard_account_init.
 */
struct guard_account {
	uint32_t version; /* GUARD_STATE_VERSION */
	uint8_t suspended, step_up_pending, tainted, seq_n;
	uint8_t profession; /* of the latest event (peers for the baseline) */
	uint8_t pad_[7];
	int64_t last_ms;        /* time of the last lookup (0: none yet) */
	int64_t hour;           /* current UTC hour (unix ms / 3.6e6) */
	int64_t day;            /* current local day number */
	int64_t grace_until_ms; /* score-triggered step-ups suppressed until then */
	/* Sliding hour: this hour's and the previous hour's counts. */
	uint16_t h_nocard, h_nocard_prev, h_distinct, h_distinct_prev;
	uint16_t h_invalid, h_invalid_prev, h_notfound, h_notfound_prev;
	uint16_t h_lookups, h_lookups_prev;
	/* Today (local). */
	uint16_t d_nocard, d_distinct, d_invalid, d_notfound;
	uint16_t d_peak_nocard, d_peak_distinct; /* busiest hour so far today */
	uint16_t d_step_ups;                     /* step-ups satisfied today (for reports) */
	uint16_t d_nocard_new;                   /* card-less patients today never seen before */
	uint16_t d_nc_found, d_nc_never;         /* card-less lookups of someone, never seen */
	uint16_t days;                           /* active days in the baseline (saturates) */
	uint16_t never_days;                     /* days in b_never (saturates) */
	uint16_t pad2_[2];
	float allow_day, allow_never; /* card-less allowances from step-ups today */
	float strikes;
	/* Baselines: EWMAs over active days. */
	float b_nocard_day, b_nocard_hour, b_distinct_day, b_distinct_hour;
	float b_never;     /* share of never-seen among card-less lookups */
	float b_never_day; /* card-less never-seen patients a day */
	/* Timing: exponentially weighted mean and variance of gaps (seconds). */
	float gap_mean, gap_var;
	uint32_t gaps;
	/* Card-less history, newest in bit 0: how many, never seen, far (of known geo), off-hours. */
	uint32_t nc_n, nc_never, nc_geo, nc_far, nc_off;
	/* Recent NIR structure: keyed hash of the first 10 characters, order number. */
	uint32_t seq_prefix[16];
	uint16_t seq_order[16];
	uint32_t seq_pos;
	/* Addresses and clients used recently (keyed hashes, last use). */
	uint64_t ip[4], ua[4];
	int64_t ip_ms[4], ua_ms[4];
	uint64_t known_ip[8]; /* addresses ever used, most recent first */
	/* Patients: today's and this hour's (bitmaps), seen before (two generations). */
	uint64_t day_map[32];  /* 2048 bits */
	uint64_t hour_map[8];  /* 512 bits */
	uint32_t seen_items;   /* patients added to the current generation */
	uint32_t seen_gen;     /* which of seen[] is current */
	uint64_t seen[2][128]; /* 2 x 8192 bits, 2 hashes a patient in one 512-bit block */
	/* Stated identities that matched nobody today: NIRs (keyed hashes) and counts. */
	uint64_t mm_nir[8];
	uint8_t mm_n[8];
	uint16_t d_mismatch;
	uint16_t pad3_[3];
	/* Rolling windows: per local day (slot day % GUARD_WINDOW_DAYS, up to `day`)
	 * card-less never-seen patients, satisfied step-ups, and whether the account was used. */
	uint16_t w_never[GUARD_WINDOW_DAYS];
	uint8_t w_steps[GUARD_WINDOW_DAYS], w_active[GUARD_WINDOW_DAYS];
};
#define GUARD_ACCOUNT_BYTES sizeof(struct guard_account)

/* Set up a (caller-owned) as a fresh account: no history, judged by its profession's peers. */
void guard_account_init(struct guard_account *a);

struct guard_result {
	enum guard_decision decision;
	uint32_t score;     /* the points of this lookup's signals */
	uint32_t reasons;   /* enum guard_reason bits */
	bool suspended_now; /* this call suspended the account: revoke, alert */
	bool alert;         /* raise an alert without suspending (a honeytoken, rule 1) */
};

/*
 * Decide on one lookup and update the account. c and e are borrowed; a is
 * mutated (see the threading contract). Never fails: every input, however
 * odd (nir NULL, times going back), gives a decision.
 */
struct guard_result guard_decide(const struct guard_cfg *c, struct guard_account *a,
                                 const struct guard_event *e);

/*
 * A fresh second factor was given at t_ms (local time UTC + utc_offset_min)
 * in answer to GUARD_STEP_UP: the
 * step-up is cleared, an allowance granted (a share of each day budget, and
 * a fresh hour), a strike left, the card-less history behind the shares
 * forgotten (new evidence is needed to ask again), and for step_up_grace_s
 * scores alone do not ask again. When no step-up was pending, or the
 * account is suspended, nothing happens: a second factor nobody asked for
 * buys nothing.
 */
void guard_step_up_done(const struct guard_cfg *c, struct guard_account *a, int64_t t_ms,
                        int32_t utc_offset_min);

/*
 * An operator reinstated the account at t_ms (local time UTC +
 * utc_offset_min): not suspended, no strikes,
 * no pending step-up, enumeration counters and recent NIRs forgotten; its
 * baselines and the patients it saw are kept.
 */
void guard_reinstate(const struct guard_cfg *c, struct guard_account *a, int64_t t_ms,
                     int32_t utc_offset_min);

/*
 * The shell stopped the account for review (a patient's "not me" about a
 * card-less answer, rule 4 of the design; an operator): suspended
 * from now until guard_reinstate, the day tainted (it teaches no baseline).
 */
void guard_stop(struct guard_account *a);

static inline bool guard_is_suspended(const struct guard_account *a)
{
	return a->suspended != 0;
}

/* A step-up was asked (GUARD_STEP_UP) and not yet given. */
static inline bool guard_step_up_is_pending(const struct guard_account *a)
{
	return a->step_up_pending != 0;
}

#endif
