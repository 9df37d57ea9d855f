/*
 * guard.h - the decision engine that stops a stolen professional account
 * from extracting records in bulk (issue 4 groundwork: the pure core and
 * `vigie replay`; not yet wired into the HTTP path).
 *
 * Pure: no I/O, no clock, no allocation, no globals. The caller passes the
 * time with each event and owns one struct guard_account per professional
 * account (fixed size, see GUARD_ACCOUNT_BYTES); the same code serves live
 * requests, `vigie replay` and simulations.
 *
 * Threading: guard_decide mutates the account's state only; callers
 * serialise events of one account (a lock per account or per shard), events
 * of different accounts may run in parallel. guard_cfg is read-only.
 *
 * Each decision carries a score and the reasons behind it (enum guard_reason
 * bits, with stable names for logs and reports). The policy, in short:
 *  - a honeytoken record (a synthetic insured no legitimate professional
 *    looks up) suspends the account at once;
 *  - lookups with a valid card-presence proof are full lookups and cost
 *    nothing against the budget;
 *  - lookups without a card draw on a budget per hour and per day; past the
 *    soft part of it answers are minimised, past the rest a step-up (fresh
 *    second factor) is required, and a step-up satisfied refills it;
 *  - enumeration (invalid keys, not-found NIRs, consecutive NIRs), machine-
 *    regular timing, many addresses, far-away patients and off-hours use
 *    add to a score that throttles, denies or suspends.
 */
#ifndef VIGIE_CORE_GUARD_H
#define VIGIE_CORE_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum guard_decision {
	GUARD_ALLOW = 0,
	GUARD_MINIMISE,   /* answer only what the rights check needs */
	GUARD_STEP_UP,    /* 401 insufficient_user_authentication (RFC 9470) until a fresh TOTP */
	GUARD_THROTTLE,   /* 429, try later */
	GUARD_DENY,       /* 403 for this request */
	GUARD_SUSPEND,    /* the account is suspended: tokens revoked, an operator must reinstate */
};

enum guard_reason {
	GR_HONEYTOKEN = 1u << 0,
	GR_INVALID_KEYS = 1u << 1,     /* many NIRs with a wrong key: guessing */
	GR_NOT_FOUND = 1u << 2,        /* many valid NIRs that match no one: enumeration */
	GR_SEQUENTIAL = 1u << 3,       /* NIRs that follow each other */
	GR_BUDGET_HOUR = 1u << 4,      /* card-less lookups over the hourly budget */
	GR_BUDGET_DAY = 1u << 5,       /* card-less lookups over the daily budget */
	GR_NEVER_SEEN = 1u << 6,       /* mostly patients this account never saw */
	GR_FAR = 1u << 7,              /* patients far from the practice */
	GR_OFF_HOURS = 1u << 8,        /* outside opening hours */
	GR_REGULAR = 1u << 9,          /* machine-regular timing */
	GR_MANY_ADDRESSES = 1u << 10,  /* several addresses on one account at once */
	GR_NEW_ADDRESS = 1u << 11,     /* a token used from an address not seen before */
	GR_SUSPENDED = 1u << 12,       /* already suspended */
	GR_CARD = 1u << 13,            /* informative: a valid card proof was given */
};
#define GUARD_REASONS 14

/* The stable name of one reason bit ("honeytoken", ...), or "unknown". */
const char *guard_reason_name(unsigned bit);
const char *guard_decision_name(enum guard_decision d);

/* One lookup, as the guard sees it. Times in unix seconds. */
struct guard_event {
	int64_t t;
	uint64_t patient;        /* keyed hash of the NIR asked for (never the NIR itself) */
	uint64_t nir_serial;     /* the NIR's first 13 digits as a number (2A/2B as 19/18), 0 if invalid */
	uint64_t ip;             /* keyed hash of the client address */
	bool key_valid;          /* the NIR's key checks */
	bool found;              /* someone matches */
	bool honeytoken;         /* the matched record is a honeytoken */
	bool card;               /* a valid, fresh, unused card-presence proof */
	bool near;               /* patient's department is the practice's or a neighbour */
	int utc_offset_min;      /* local time = t + offset (Europe/Paris: 60 or 120) */
};

struct guard_cfg {
	uint32_t hour_budget;    /* card-less lookups an hour before step-up (default 12) */
	uint32_t day_budget;     /* card-less lookups a day before step-up (default 40) */
	uint32_t soft_pct;       /* past this share of a budget, answers are minimised (75) */
	uint32_t invalid_max;    /* wrong-key NIRs an hour before deny, twice that suspends (5) */
	uint32_t notfound_max;   /* not-found NIRs an hour before deny, twice that suspends (10) */
	uint32_t sequential_max; /* consecutive NIRs in a row before suspension (4) */
	uint32_t open_hour, close_hour; /* opening hours, local time (7, 21) */
	uint32_t score_throttle, score_deny, score_suspend; /* (40, 70, 100) */
};

/* Defaults for every field. */
void guard_cfg_defaults(struct guard_cfg *c);

/* Per-account state: fixed size, zero-initialised is a fresh account. */
struct guard_account {
	int64_t hour_start, day_start;   /* windows (unix seconds, local-day aligned) */
	uint32_t hour_nocard, day_nocard; /* card-less lookups in the windows */
	uint32_t hour_invalid, hour_notfound;
	uint32_t hour_far, hour_lookups, hour_new;
	uint32_t allowance;              /* card-less lookups granted by step-ups today */
	uint64_t last_serial;
	uint32_t sequential;             /* length of the current run of consecutive NIRs */
	int64_t last_t;
	double gap_mean, gap_m2;         /* running mean and M2 of inter-arrival gaps (Welford) */
	uint32_t gaps;
	uint64_t ips[4];                 /* addresses seen in the last hour (hashes) */
	int64_t ip_seen[4];
	uint64_t known_ips[8];           /* addresses ever used, most recent first */
	uint64_t seen[64];               /* 4096-bit filter of patients seen before */
	uint32_t suspended;
	uint32_t step_up_pending;
};
#define GUARD_ACCOUNT_BYTES sizeof(struct guard_account)

struct guard_result {
	enum guard_decision decision;
	uint32_t score;
	uint32_t reasons;                /* enum guard_reason bits */
};

/* Decide on one lookup and update the account. Deterministic for the same inputs. */
struct guard_result guard_decide(const struct guard_cfg *c, struct guard_account *a,
                                 const struct guard_event *e);

/* A fresh second factor was given: the step-up is satisfied, the budget refilled once. */
void guard_step_up_done(const struct guard_cfg *c, struct guard_account *a, int64_t t);
/* An operator reinstated the account. */
void guard_reinstate(struct guard_account *a);

#endif
