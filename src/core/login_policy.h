/*
 * login_policy.h - the login defences, as policy and pure state: one
 * definition for the server (node/logins) and `vigie sim`.
 *
 * Three defences, each against a real attack:
 *  - per address, a GCRA budget of failures (node/throttle: ip_fail_burst
 *    quick failures, then one per ip_fail_period);
 *  - per account, consecutive failures back off, then lock
 *    (login_policy_account_lock: never more than 100, NIST SP 800-63B);
 *  - across accounts and addresses (the watch below): credential stuffing
 *    (one address failing on accounts_max distinct accounts within window_s
 *    is blocked for stuffing_block_s, however slowly it goes), and a
 *    distributed attack on one login (failures from more than sources_max
 *    distinct addresses within window_s lock it for spread_lock_s, whether
 *    or not an account has it).
 *
 * A block or a lock stops the failing pattern, not the people behind it: the
 * caller still lets in a login that carries what a robot with a list of
 * passwords does not have (a professional's current TOTP code, an insured
 * person's second factor or known client; api_auth.c, api_me.c), and checks
 * it before any password, so a blocked address costs no Argon2id.
 *
 * The spray alarm is the defence across addresses for insured logins, which
 * may have no second factor: when failed insured logins on the whole node
 * reach spray_max within window_s (a list of stolen pairs spread over many
 * addresses), logins from a client the account has never used need a code
 * e-mailed to the account for spray_s (0: always).
 *
 * The watch is a fixed-size table (a flood evicts the oldest entries; memory
 * never grows) of keyed hashes, with explicit time. It is not thread-safe:
 * the caller serialises calls (node/logins holds a mutex; the simulator is
 * one thread). No clock, no I/O.
 */
#ifndef VIGIE_CORE_LOGIN_POLICY_H
#define VIGIE_CORE_LOGIN_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define LOGIN_LOCKED_FOREVER  INT64_MAX
#define LOGIN_WATCH_SLOTS     4096
#define LOGIN_WATCH_ITEMS     16
#define LOGIN_WATCH_KEY_BYTES 16
#define LOGIN_WATCH_LOGIN_MAX 256 /* bytes of a login the watch tells apart */

struct login_policy {
	unsigned ip_fail_burst;   /* failed logins per address before throttling */
	unsigned ip_fail_period;  /* seconds to earn back one failed-login allowance */
	unsigned acct_fail_free;  /* consecutive failures before an account backs off */
	unsigned acct_fail_max;   /* consecutive failures that lock an account (<= 100) */
	unsigned accounts_max;    /* distinct accounts failing from one address: blocked */
	unsigned sources_max;     /* distinct addresses failing on one account: past it, locked */
	int64_t window_s;         /* over which accounts and addresses are counted */
	int64_t stuffing_block_s; /* how long an address that tried too many accounts waits */
	int64_t spread_lock_s;    /* how long an account failed from too many addresses waits */
	unsigned spray_max; /* failed insured logins on the node that raise the alarm; 0: on */
	int64_t spray_s;    /* how long the alarm lasts after it is raised */
};

/* The two login kinds the watch keeps apart (the values of store.h's enum session_kind). */
enum login_kind { LOGIN_PRO = 0, LOGIN_INSURED = 1 };

/* The defaults (documented beside each value in login_policy.c). */
void login_policy_defaults(struct login_policy *p);

/*
 * The lock, in seconds, after `failed` consecutive failures of one account:
 * 0 below acct_fail_free; then 30 s doubling per further failure, capped at
 * one hour; LOGIN_LOCKED_FOREVER from acct_fail_max on (an operator must
 * reinstate).
 */
int64_t login_policy_account_lock(const struct login_policy *p, int32_t failed);

struct login_watch_cell {
	uint64_t key;  /* 0 = empty */
	int64_t start; /* the window's start */
	int64_t last;  /* last failure (eviction: the oldest goes) */
	int64_t blocked_until;
	uint32_t n; /* distinct items in the window (saturates at 255) */
	uint64_t item[LOGIN_WATCH_ITEMS];
};

/* The watch: caller-owned (about 700 KiB), set up by login_watch_init. */
struct login_watch {
	uint8_t hkey
	        [LOGIN_WATCH_KEY_BYTES]; /* keyed hashes: addresses cannot be chosen to collide */
	struct login_watch_cell cell[LOGIN_WATCH_SLOTS];
	int64_t spray_start, spray_until; /* the alarm's window and how long it is raised */
	uint32_t spray_n;                 /* failed insured logins in the window */
};

void login_watch_init(struct login_watch *w, const uint8_t hkey[LOGIN_WATCH_KEY_BYTES]);

/*
 * Before a login attempt from ip of kind (enum login_kind) naming login (len
 * bytes; NULL: the address alone) at now: seconds it must wait (0: go on),
 * and why (a static sentence) when it must. A login is watched whether or
 * not an account has it.
 */
int64_t login_watch_wait(const struct login_watch *w, const char *ip, int kind, const void *login,
                         size_t len, int64_t now, const char **why);

enum login_watch_action {
	LOGIN_STUFFING_BLOCKED = 1 << 0, /* this failure blocked the address */
	LOGIN_SPREAD_LOCKED = 1 << 1,    /* this failure locked the account */
	LOGIN_SPRAY_ALARM = 1 << 2,      /* this failure raised the spray alarm */
};

/*
 * A failed login at now from ip of kind (enum login_kind) naming login (len
 * bytes as typed or its blind index: known or not, counted the same). Returns the actions this failure triggered (enum
 * login_watch_action bits), once each: the transition, not every failure
 * after it. Insured failures count towards the spray alarm.
 */
unsigned login_watch_failed(struct login_watch *w, const struct login_policy *p, const char *ip,
                            int kind, const void *login, size_t len, int64_t now);

/* Whether the spray alarm is raised at now (always when p->spray_max is 0). */
int login_watch_alarm(const struct login_watch *w, const struct login_policy *p, int64_t now);

#endif
