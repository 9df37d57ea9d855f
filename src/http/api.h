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
/* 415 unless JSON; then run work on the login workers (reply_on_worker). */
enum MHD_Result login_submit(struct req *r, void (*work)(struct req *r));

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
};
/* The insured login body {"login": NIR or e-mail, "password"}. */
VG_MUST_USE int insured_login_parse(const char *body, size_t len, struct insured_login_req *out,
                                    char why[BODY_WHY_MAX]);

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

/* api_ops.c - /healthz and /metrics */
enum MHD_Result api_healthz(struct req *r);
enum MHD_Result api_metrics(struct req *r);

/* api_journal.c - the public journal under /journal/ */
enum MHD_Result api_journal(struct req *r);

#endif
