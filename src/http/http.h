/*
 * http.h - the HTTP shell around vigie's core: one struct vigie per server,
 * one struct req per request, and the handlers of each API file.
 *
 * Threads: libmicrohttpd runs a pool of cfg.threads epoll threads; each
 * handler runs on one of them with its own struct req. Everything reachable
 * from struct vigie is either immutable after start-up or thread-safe
 * (store, sessions, throttle, metrics, access log).
 */
#ifndef VIGIE_HTTP_HTTP_H
#define VIGIE_HTTP_HTTP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

#include "core/err.h"
#include "core/hours.h"
#include "core/jw.h"
#include "crypto/vault.h"
#include "store/store.h"
#include "http/metrics.h"

#define VIGIE_VERSION "0.1.0"

struct vigie_cfg {
	char host[64];              /* listen address, default 127.0.0.1 */
	uint16_t port;              /* 0 picks a free port */
	char base_url[256];         /* public FHIR base, default http://host:port/fhir */
	unsigned threads;           /* epoll threads (default: cores) */
	unsigned conn_limit;        /* open connections in all */
	unsigned per_ip_limit;      /* open connections per client address */
	unsigned conn_timeout;      /* seconds of silence before a connection is closed */
	size_t body_max;            /* bytes of request body accepted */
	int64_t token_ttl;          /* absolute token lifetime, seconds */
	int64_t token_idle;         /* idle timeout, seconds */
	unsigned login_parallel;    /* Argon2id verifications at once (64 MiB each) */
	unsigned ip_fail_burst;     /* failed logins per address before throttling */
	unsigned ip_fail_period;    /* seconds to earn back one failed-login allowance */
	unsigned acct_fail_free;    /* consecutive failures before an account backs off */
	unsigned acct_fail_max;     /* consecutive failures that lock an account (<= 100) */
	unsigned me_max;            /* accesses listed per /me/accesses page */
	int journal_nowait;         /* BENCHMARKS ONLY: answer before the entry is durable */
	int guard_observe;          /* the guard decides and journals but does not act */
	unsigned login_sources_max; /* distinct failing addresses on one account before a lock */
	unsigned login_accounts_max;/* distinct accounts failing from one address: then blocked */
	int64_t clock_offset_s;     /* the service clock runs this far ahead of the system's
	                               (tests and demos that need a given hour; 0 in service) */
};

/* Defaults for every field. */
void vigie_cfg_defaults(struct vigie_cfg *c);

struct sessions;
struct throttle;
struct access_log;
struct access_pending;
struct guardian;

struct vigie {
	struct vigie_cfg cfg;
	struct store *store;        /* borrowed */
	const struct vault *vault;  /* borrowed */
	struct sessions *sessions;  /* professionals */
	struct sessions *isessions; /* insured people's accounts */
	struct throttle *throttle;
	struct access_log *access;  /* owns the journal */
	struct guardian *guardian;  /* the guard's per-account state, proofs, alerts */
	struct login_watch *watch;  /* login defences across accounts and addresses */
	_Atomic int stopping;       /* no new journaled replies: shutting down */
	_Atomic long journal_waiting; /* connections suspended until their entry is durable */
	struct metrics metrics;
	struct workers *workers;    /* Argon2id off the event threads; cfg.login_parallel of them */
	pthread_mutex_t login_lock; /* serialises the TOTP-step check-and-set */
	struct MHD_Daemon *daemon;
	uint16_t bound_port;
	int64_t started;
};

enum route {
	R_NONE = 0, R_METADATA, R_PATIENT, R_COVERAGE, R_SUBMIT, R_LOGIN, R_LOGOUT, R_HEALTH,
	R_METRICS, R_JOURNAL, R_ILOGIN, R_ILOGOUT, R_ME_ACCESSES, R_STEP_UP, R_NOTICES,
	R_ADMIN_ALERTS, R_ADMIN_REINSTATE, R_NOT_FOUND, R_N
};

/* One request. Freed when libmicrohttpd reports it complete. */
struct req {
	struct vigie *v;
	struct MHD_Connection *conn;
	const char *method;      /* borrowed from libmicrohttpd for the request's life */
	const char *url;
	enum route route;
	char ip[46];
	int64_t t0_ns;           /* monotonic start */
	int64_t now_ms;          /* the service clock when the request arrived: its one "now" */
	char *body;              /* owned, NUL-terminated, at most cfg.body_max bytes */
	size_t body_len;
	int too_big;             /* the body went over cfg.body_max */
	const char *refusal;     /* set on the first call: why the request is refused */
	int refusal_status;
	int close_after;         /* send Connection: close (framing we will not trust) */
	int replied;
	int status;              /* status sent */
	/* A reply prepared on a worker thread, queued when the connection resumes. */
	int deferred;            /* replies are stored, not queued (set by the worker) */
	int pend_ready;
	int pend_status;
	const char *pend_ctype, *pend_hname; /* static strings */
	char pend_hvalue[96];
	char *pend_buf;          /* owned until queued */
	size_t pend_len;
	int64_t pro_id;          /* authenticated professional (or insured account), 0 if none */
	char rpps[12];           /* the professional's RPPS, set with pro_id */
	int pro_kind;            /* enum pro_kind, set with pro_id */
	int role;                /* enum pro_role, set with pro_id */
	char pro_dept[4];        /* the practice's department, set with pro_id */
	struct hours pro_hours;  /* the practice's opening hours and rota, set with pro_id */
	int pro_hours_set;       /* 0: unknown (the guard uses the profession's usual hours) */
	char session_ip[46];     /* the address the bearer token was issued to */
	const char *xh_name;     /* one more response header (static name), or NULL */
	char xh_value[192];
	struct access_pending *jp; /* owned: the journaled access this reply waits for */
	int journaled;           /* the reply carries Vigie-Journal-Entry */
	uint64_t journal_index;
};

/*
 * Bind cfg.host:cfg.port (0: a free port, then in v->bound_port), set
 * cfg.base_url (from base_url, or http://host:port/fhir), start the threads.
 * Returns 0, VG_EIO or VG_ETOOBIG. v must outlive the server.
 */
VG_MUST_USE int vigie_start(struct vigie *v, const char *base_url);
/* Stop accepting, finish requests in flight, stop threads. */
void vigie_stop(struct vigie *v);

/* The monotonic clock (durations only). */
int64_t now_ns(void);
/*
 * The service clock, unix milliseconds: the system clock plus
 * cfg.clock_offset_s. Every decision reads it once per request (r->now_ms)
 * and passes it down; nothing below the shell reads a clock.
 */
int64_t vigie_now_ms(const struct vigie *v);

/* Replies: each queues exactly one response and sets r->status. Return MHD_YES/MHD_NO. */
enum MHD_Result reply_json(struct req *r, int status, const char *ctype, struct jw *w);
enum MHD_Result reply_text(struct req *r, int status, const char *ctype, const char *text);
/* An OperationOutcome (application/fhir+json) with one issue. */
enum MHD_Result reply_outcome(struct req *r, int status, const char *code, const char *diag);
/* An OperationOutcome with one extra response header (Allow, Retry-After, ...). */
enum MHD_Result reply_with_header(struct req *r, int status, const char *code, const char *diag,
                                  const char *hname, const char *hvalue);
/* 401 with WWW-Authenticate: Bearer (error="invalid_token" when a token was sent). */
enum MHD_Result reply_unauthorized(struct req *r, int token_sent);
/* 429 with Retry-After. */
enum MHD_Result reply_throttled(struct req *r, int64_t retry_after, const char *diag);

/* Queue the reply a worker prepared (r->pend_ready). */
enum MHD_Result reply_flush(struct req *r);

/* The bearer token's session: 0 and sets r->pro_id and r->rpps, or replies 401 itself (-1). */
int auth_require(struct req *r, enum MHD_Result *res);
/*
 * Run a login's slow part (work, Argon2id) on the worker pool with the
 * connection suspended; 415 for a non-JSON body, 429 when the pool is full.
 */
enum MHD_Result login_submit(struct req *r, void (*work)(void *));
/* Open a session for subject in ss and answer 200 with its token (or 503). */
struct sessions;
enum MHD_Result reply_new_session(struct req *r, struct sessions *ss, int64_t subject, int64_t now);
/* The bearer token's session in ss: 0 and r->pro_id = its subject, or replies 401/503 itself (-1). */
int auth_session(struct req *r, struct sessions *ss, enum MHD_Result *res);
/* auth_require, and the account must be an operator's (403 otherwise). */
int auth_require_operator(struct req *r, enum MHD_Result *res);
/* The same for an insured person's token: 0 and r->pro_id = the account id, or -1. */
int auth_require_insured(struct req *r, enum MHD_Result *res);

/*
 * Send the reply prepared by `prepare` (which must queue exactly one reply
 * through the reply_* functions) only once access record a is durable in
 * the journal: the connection is suspended meanwhile. If the journal cannot
 * take it, the reply is replaced by a 503 OperationOutcome and nothing
 * prepared is sent. a is copied.
 */
enum MHD_Result reply_journaled(struct req *r, const struct access_rec *a, int status,
                                struct jw *w, const char *code, const char *diag);
/* The token of "Authorization: Bearer <token>" (*len set), or NULL. */
const char *req_bearer(struct req *r, size_t *len);
/* The value of a request header, or NULL. */
const char *req_header(struct req *r, const char *name);
/* 1 if the Content-Type is JSON (application/json or application/fhir+json). */
int req_is_json(struct req *r);

/* The route's name for metrics and logs. */
const char *vigie_route_name(int route);

/* Handlers (api_*.c). */
enum MHD_Result api_metadata(struct req *r);
enum MHD_Result api_patient_search(struct req *r);
enum MHD_Result api_coverage_search(struct req *r);
enum MHD_Result api_eligibility_submit(struct req *r);
enum MHD_Result api_login(struct req *r);
enum MHD_Result api_logout(struct req *r);
enum MHD_Result api_healthz(struct req *r);
enum MHD_Result api_metrics(struct req *r);
enum MHD_Result api_journal(struct req *r);
enum MHD_Result api_insured_login(struct req *r);
enum MHD_Result api_insured_logout(struct req *r);
enum MHD_Result api_me_accesses(struct req *r);
enum MHD_Result api_step_up(struct req *r);
enum MHD_Result api_notices(struct req *r);
enum MHD_Result api_admin_alerts(struct req *r);
enum MHD_Result api_admin_reinstate(struct req *r);

/* The step-up body {"totp"} (exposed for the fuzzer). */
VG_MUST_USE int step_up_parse(const char *body, size_t len, char totp[8], const char **why);
/* The reinstate body {"rpps"} (exposed for the fuzzer). */
VG_MUST_USE int reinstate_parse(const char *body, size_t len, char rpps[12], const char **why);

/*
 * Record something the professional pro_id must be told (the e-mail issue
 * sends them): kind "new_client", "suspended", ...; detail is JSON, sealed
 * before it is stored. Best effort: a failure is logged.
 */
void notice_add(struct vigie *v, int64_t pro_id, int64_t t_s, const char *kind,
                const char *detail_json);

/* The login body, parsed from untrusted JSON (exposed for the fuzzer). */
struct login_req {
	char rpps[16];
	char password[1025];
	char totp[8];
};
/* 0, or VG_EINVAL with *why set. out->password is wiped by the caller after use. */
VG_MUST_USE int login_parse(const char *body, size_t len, struct login_req *out, const char **why);

/* The insured login body {"login": NIR or e-mail, "password"} (exposed for the fuzzer). */
struct insured_login_req {
	char login[256];
	char password[1025];
};
VG_MUST_USE int insured_login_parse(const char *body, size_t len, struct insured_login_req *out,
                                    const char **why);

#endif
