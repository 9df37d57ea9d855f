/*
 * api.h - the handlers of vigie's endpoints, grouped under the file that
 * defines each (http/routes.c registers them), and what they share: the
 * bearer-token checks and the request-body parsers (exposed for fuzzers).
 * A handler runs on an event thread with its struct req, prepares one reply
 * and sends it (http/reply.h).
 */
#ifndef VIGIE_HTTP_API_H
#define VIGIE_HTTP_API_H

#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>

#include "core/bodies.h"
#include "core/err.h"
#include "store/store.h"

struct req;
struct sessions;

/* api_auth.c - professional login, logout, step-up; bearer tokens */
enum MHD_Result api_login(struct req *r);
enum MHD_Result api_logout(struct req *r);
enum MHD_Result api_step_up(struct req *r);
/* The bearer token's professional session: 0 and r->who set, or -1 with the 401/503 in *res. */
int auth_require(struct req *r, enum MHD_Result *res);
/* auth_require, and the account must be an operator's (403 otherwise). */
int auth_require_operator(struct req *r, enum MHD_Result *res);
/* The bearer token's session in ss: 0 and r->who.id = its subject, or -1 (*res replied). */
int auth_session(struct req *r, struct sessions *ss, enum MHD_Result *res);
/* Prepare (a worker's) 200 with a new session token for subject in ss (or a 503). */
void reply_prepare_new_session(struct req *r, struct sessions *ss, int64_t subject, int64_t now);
/* 415 unless JSON; then run work on kind's login workers (reply_on_worker). */
enum MHD_Result login_submit(struct req *r, enum session_kind kind, void (*work)(struct req *r));

struct login_req {
	char rpps[16];
	char password[1025];
	char totp[8];
};
/* The login body {"rpps","password","totp"}: 0, or VG_EINVAL with why. out->password is wiped by the caller. */
VG_MUST_USE int login_parse(const char *body, size_t len, struct login_req *out,
                            char why[BODY_WHY_MAX]);
/* The step-up body {"totp": "<6 digits>"}. */
VG_MUST_USE int step_up_parse(const char *body, size_t len, char totp[8], char why[BODY_WHY_MAX]);

/* api_fhir.c - the FHIR R4 rights lookup, behind the gate (core/gate.h) */
enum MHD_Result api_metadata(struct req *r);
enum MHD_Result api_patient_search(struct req *r);
enum MHD_Result api_coverage_search(struct req *r);
enum MHD_Result api_eligibility_submit(struct req *r);

/* api_guard.c - what the guard leaves for people: notices, alerts, reinstatement */
enum MHD_Result api_notices(struct req *r);
enum MHD_Result api_admin_alerts(struct req *r);
enum MHD_Result api_admin_reinstate(struct req *r);
enum MHD_Result api_logout_all(struct req *r);
enum MHD_Result api_pro_password(struct req *r);
enum MHD_Result api_pro_totp(struct req *r);
#define PRO_OTPAUTH_MAX 192
struct vigie;
struct store_pro;
/*
 * A new TOTP secret for professional p (*p re-read under the account's login
 * lock, so a code a concurrent login used up is kept used), sealed and
 * stored with p's other secrets: its base32 and otpauth:// URI, for the one
 * answer that shows them. 0 or an error (nothing changed).
 */
int pro_new_totp(struct vigie *v, struct store_pro *p, char b32[33], char uri[PRO_OTPAUTH_MAX]);
/*
 * Suspend professional pro_id, under its login's lock (a login in flight
 * either ends before or sees it): the store's flag (it outlives a restart),
 * this node's directory entry forgotten, and every session ended, even if
 * the flag could not be stored. 0, or the first error.
 */
int pro_suspend(struct vigie *v, int64_t pro_id);
/*
 * auth_require_operator, and the session proved its second factor (login or
 * step-up) at most cfg.operator_max_age seconds ago (RFC 9470), else 401
 * insufficient_user_authentication with max_age. 0, or -1 and *res.
 */
int auth_require_fresh_operator(struct req *r, enum MHD_Result *res);
enum MHD_Result api_admin_suspend(struct req *r);
enum MHD_Result api_admin_logout(struct req *r);
enum MHD_Result api_admin_unlock(struct req *r);
enum MHD_Result api_admin_totp(struct req *r);
/* The reinstate body {"rpps": "<11-digit RPPS>"}. */
VG_MUST_USE int reinstate_parse(const char *body, size_t len, char rpps[12],
                                char why[BODY_WHY_MAX]);

/* api_me.c - insured people's accounts */
enum MHD_Result api_insured_login(struct req *r);
enum MHD_Result api_insured_logout(struct req *r);
enum MHD_Result api_me_accesses(struct req *r);
/* The same as auth_require for an insured person's token: 0 and r->who.id = the account id. */
int auth_require_insured(struct req *r, enum MHD_Result *res);

struct insured_login_req {
	char login[256];
	char password[1025];
	char second[32]; /* the second factor, when set up: 6 digits or a recovery code */
};
/* The insured login body {"login": NIR or e-mail, "password", "secondFactor"?}. */
VG_MUST_USE int insured_login_parse(const char *body, size_t len, struct insured_login_req *out,
                                    char why[BODY_WHY_MAX]);

/* api_account.c - the insured person's own account, and the operators' side of it */
enum MHD_Result api_insured_activate(struct req *r);
enum MHD_Result api_insured_reset_request(struct req *r);
enum MHD_Result api_insured_reset(struct req *r);
enum MHD_Result api_me_record(struct req *r);
enum MHD_Result api_me_account(struct req *r);
enum MHD_Result api_me_activity(struct req *r);
enum MHD_Result api_me_sessions_revoke(struct req *r);
enum MHD_Result api_me_password(struct req *r);
enum MHD_Result api_me_totp(struct req *r);
enum MHD_Result api_me_totp_confirm(struct req *r);
enum MHD_Result api_me_totp_disable(struct req *r);
enum MHD_Result api_me_export(struct req *r);
enum MHD_Result api_me_card_oppose(struct req *r);
enum MHD_Result api_me_lock(struct req *r);
enum MHD_Result api_me_blocks_get(struct req *r);
enum MHD_Result api_me_blocks_add(struct req *r);
enum MHD_Result api_me_blocks_remove(struct req *r);
enum MHD_Result api_me_alerts(struct req *r);
enum MHD_Result api_me_reports_get(struct req *r);
enum MHD_Result api_me_reports_add(struct req *r);
enum MHD_Result api_admin_misuse(struct req *r);
enum MHD_Result api_admin_insured_unlock(struct req *r);
enum MHD_Result api_admin_insured_logout(struct req *r);
enum MHD_Result api_admin_insured_totp(struct req *r);
enum MHD_Result api_admin_insured_card(struct req *r);
/*
 * Parse len bytes of untrusted body against the spec of account body kind
 * (0 .. ACCOUNT_BODIES - 1: activate, reset request, reset, password, ...),
 * for the fuzzer; 0 or VG_EINVAL with why. Secrets read are wiped.
 */
#define ACCOUNT_BODIES 13
struct store_account;
/* A login's second factor for account a (6 digits, or a recovery code): 1 right, 0 wrong. */
int account_second_factor(struct req *r, struct store_account *a, const char *code, int *recovery);
/*
 * A failed login of kind (enum session_kind) naming login (len bytes: an
 * RPPS, a blind index) on account id (0: none), from r->ip: the login watch
 * (node/logins.h), and the log lines and metrics of what it triggered.
 */
void login_watch_failure(struct req *r, int kind, const void *login, size_t len, int64_t id,
                         int64_t now);
/*
 * A login of account id from a client it never used, while the spray alarm
 * is up, with the right password: typed (the secondFactor, "" if none) is
 * the code e-mailed for it. 1 when typed is that live code (used up now);
 * else 0, and with typed empty a new code is e-mailed (at most one every 2
 * minutes). The account's login lock is taken here.
 */
int account_login_code(struct req *r, int64_t id, const char *typed);
/* A login of account id succeeded: its events (and the new-client notice). 0 or an error. */
int account_note_login(struct req *r, int64_t id);
/* 1 if account id has logged in from this request's client (address and user agent) before. */
int account_known_client(struct req *r, int64_t id);
/* An event of account id with this request's client (extra: trusted ,"k":v pairs or NULL). */
int account_event(struct req *r, int64_t id, const char *kind, int mail, const char *extra);
/* A login of account id failed (why: a static word): its event. */
void account_note_failure(struct req *r, int64_t id, const char *why);
VG_MUST_USE int account_body_parse(int kind, const char *body, size_t len, char why[BODY_WHY_MAX]);

/* api_incident.c - operators after a breach: incidents, their affected set, the draft */
enum MHD_Result api_admin_incidents(struct req *r);
enum MHD_Result api_admin_incident_get(struct req *r);
enum MHD_Result api_admin_incident_post(struct req *r);

/* api_verify.c - messages after a breach: is this one genuine, here is a suspicious one, mine */
enum MHD_Result api_verify(struct req *r);
enum MHD_Result api_report_phishing(struct req *r);
enum MHD_Result api_admin_reports(struct req *r);
enum MHD_Result api_me_messages(struct req *r);

#define REPORT_TEXT_MAX   8000 /* bytes of a reported message's text */
#define REPORT_SENDER_MAX 200
struct phishing_report {
	char channel[16]; /* "sms", "email", "phone", "letter", "other" */
	char sender[REPORT_SENDER_MAX + 1];
	char text[REPORT_TEXT_MAX + 1];
};
/* The verify body {"code": "<the message code>"}: 0 and code canonical, or VG_EINVAL with why. */
VG_MUST_USE int verify_parse(const char *body, size_t len, char code[16], char why[BODY_WHY_MAX]);
/* The report body {"channel", "sender" (optional), "text"}. */
VG_MUST_USE int report_parse(const char *body, size_t len, struct phishing_report *out,
                             char why[BODY_WHY_MAX]);

/* api_ops.c - /healthz (public, liveness only) and /metrics (operator accounts only) */
enum MHD_Result api_healthz(struct req *r);
enum MHD_Result api_metrics(struct req *r);

/* api_journal.c - the public journal under /journal/ */
enum MHD_Result api_journal(struct req *r);

#endif
