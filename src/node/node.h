/*
 * node.h - one running vigie node, without HTTP: its keys, store, journal,
 * sessions, login defences, guard, workers and counters, assembled from a
 * data directory. The HTTP shell (http/server.h) serves a node; the same
 * node could be driven by another front.
 *
 * Invariants:
 *  (a) everything reachable from a struct vigie is immutable once vigie_new
 *      returned, or thread-safe (each module's header says how);
 *  (b) the node owns what it opened (vault, store, journal, threads):
 *      vigie_free stops the threads, flushes the journal, wipes the keys;
 *  (c) the service clock is the system clock plus cfg.clock_offset_s, read
 *      through vigie_now_ms only; nothing below the node reads a clock to
 *      decide anything.
 *
 * Layering: node/ may use core/, sys/, crypto/, store/ and journal/, never
 * http/ or sim/ (scripts/check-layers.sh).
 *
 * Life cycle: vigie_cfg_defaults, then vigie_new (opens DIR: master.key,
 * vigie.db, journal/; starts the journal, the indexer and the login
 * workers), then vigie_free.
 */
#ifndef VIGIE_NODE_NODE_H
#define VIGIE_NODE_NODE_H

#include <stdatomic.h>
#include <stdint.h>

#include "core/err.h"
#include "core/guard.h"
#include "core/login_policy.h"
#include "crypto/vault.h"
#include "node/metrics.h"
#include "store/store.h"

#define VIGIE_VERSION "0.1.0"

/*
 * POST /verify: an unknown code costs its address NODE_VERIFY_PERIOD seconds
 * (NODE_VERIFY_BURST at once), and all addresses together at most
 * NODE_VERIFY_GLOBAL_PER_S a second (burst NODE_VERIFY_GLOBAL_BURST). With
 * 2^60 codes and a million live ones, a guess hits with p = 2^-40; at the
 * global ceiling that is one hit in 2^40 / 50 s, about 700 years (docs/
 * THREAT-MODEL.md, "Message codes"). A genuine code costs nothing.
 */
#define NODE_VERIFY_BURST          10
#define NODE_VERIFY_PERIOD         6
#define NODE_VERIFY_GLOBAL_PER_S   50
#define NODE_VERIFY_GLOBAL_BURST   500
/* POST /report-phishing: 5 at once per address, then one a minute; 5 a second in all. */
#define NODE_REPORT_BURST          5
#define NODE_REPORT_PERIOD         60
#define NODE_REPORT_GLOBAL_PER_S   5
#define NODE_REPORT_GLOBAL_BURST   100
/*
 * Malformed lookups per professional account: NODE_MALFORMED_BURST at once
 * (vigie_cfg.malformed_burst, `--lookup-malformed-burst`),
 * then one every NODE_MALFORMED_PERIOD seconds, each journaled; past that a
 * 429, journaled once per NODE_MALFORMED_NOTE_PERIOD per account (decision
 * "throttle") and otherwise counted: every refusal is accounted for, and a
 * token cannot fill the journal with nonsense.
 */
#define NODE_MALFORMED_BURST       20
#define NODE_MALFORMED_PERIOD      6
#define NODE_MALFORMED_NOTE_PERIOD 60

/*
 * One cell of a global GCRA limiter on *tat (the theoretical arrival time,
 * unix ms): 0 and the cell taken, or the seconds to wait. Lock-free.
 */
int64_t vigie_gcra_take(_Atomic int64_t *tat, int64_t now_ms, int per_s, int burst);

struct vigie_cfg {
	const char *origin;        /* the journal's origin (NULL: the default) */
	unsigned checkpoint_ms;    /* journal integration period (0: the default) */
	int64_t token_ttl;         /* absolute token lifetime, seconds */
	int64_t token_idle;        /* idle timeout, seconds */
	unsigned login_parallel;   /* Argon2id verifications at once, both login kinds
	                              together (64 MiB each; at least 2: one per kind) */
	unsigned login_queue;      /* per login kind, work waiting for a worker; more is
	                              refused (429) */
	struct login_policy login; /* the login defences (core/login_policy.h) */
	unsigned me_max;           /* accesses listed per /me/accesses page */
	int journal_nowait;        /* BENCHMARKS ONLY: answers do not wait for their entry */
	int guard_observe;         /* the guard decides and journals but does not act */
	int64_t operator_max_age;  /* seconds an operator's second factor stays fresh for an act */
	unsigned
	        malformed_burst; /* malformed lookups an account sends at once (NODE_MALFORMED_*) */
	int64_t clock_offset_s;  /* the service clock runs this far ahead of the system's
	                               (tests and demos that need a given hour; 0 in service) */
};

/* Defaults for every field. */
void vigie_cfg_defaults(struct vigie_cfg *c);

struct sessions;
struct logins;
struct access_log;
struct guardian;
struct directory;
struct workers;
struct throttle;
struct people;
struct pwlist;

struct vigie {
	struct vigie_cfg cfg;
	struct vault *vault; /* the data key, in locked memory */
	struct store *store;
	struct access_log *access;   /* owns the journal */
	struct sessions *sessions;   /* professionals' and operators' bearer tokens */
	struct sessions *isessions;  /* insured people's */
	struct logins *logins;       /* login defences and per-account locks */
	struct guardian *guardian;   /* the guard's per-account state, proofs, alerts */
	struct directory *directory; /* professionals' directory data, cached */
	struct people *people;       /* what insured people said: blocks, oppositions, alerts */
	struct pwlist *pwlist;       /* common and breached passwords (crypto/pwpolicy.h) */
	/*
	 * Argon2id off the event threads, one pool per login kind (enum
	 * session_kind): SESSION_PRO for professional logins, SESSION_INSURED
	 * for insured logins and account work. Each has its own threads and its
	 * own bounded queue, so a flood of one kind never waits in front of the
	 * other; together they run at most cfg.login_parallel hashes.
	 */
	struct workers *login_workers[2];
	struct workers *slow;       /* operators' long work (incidents): never holds logins up */
	struct throttle *verify_ip; /* POST /verify: unknown codes per address */
	struct throttle *report_ip; /* POST /report-phishing per address */
	struct throttle *malformed; /* malformed lookups per account ("pro:<id>") */
	struct throttle *malformed_note; /* their throttled bursts' journal entries, per account */
	_Atomic int64_t verify_tat_ms, report_tat_ms; /* the same, all addresses together (GCRA) */
	struct metrics metrics;
	int64_t started_s; /* service clock at start */
};

/*
 * Start a node on data directory dir, whose vault and store the caller
 * opened (cli/common.c says why when they do not open); both are taken,
 * even on failure. Opens dir/journal (signing key dir/journal.key) and
 * starts the threads. On failure returns a negative enum vg_err and *what
 * names the part that failed ("the journal", ...) for the operator's message.
 */
VG_MUST_USE int vigie_new(const char *dir, const struct vigie_cfg *cfg, struct vault *vault,
                          struct store *store, struct vigie **out, const char **what);
/*
 * Finish the logins queued on the login workers (both kinds) and take no more (the HTTP shell
 * calls it while their connections can still be resumed). Idempotent.
 */
void vigie_drain(struct vigie *v);
/* Stop the threads (queued logins finish), flush the journal, wipe the keys, free. Accepts NULL. */
void vigie_free(struct vigie *v);

/* The service clock, unix milliseconds (see (c) above). Thread-safe. */
int64_t vigie_now_ms(const struct vigie *v);

/*
 * The guard's secret, derived from the master key (its own vault domain):
 * stable across restarts, the same on every node, and what `vigie replay
 * --data` uses to judge recorded traffic as the server did.
 */
void vigie_guard_key(const struct vault *v, uint8_t key[GUARD_KEY_BYTES]);

#endif
