/*
 * notices.h - what a professional must be told (a login from a new client,
 * a suspension, a reinstatement...), sealed and stored; the e-mail issue
 * sends them; and the events of insured people's accounts, some of them
 * e-mailed to the owner. Thread-safe.
 */
#ifndef VIGIE_NODE_NOTICES_H
#define VIGIE_NODE_NOTICES_H

#include <stdint.h>

#include "core/err.h"

struct vigie;

/*
 * Record a notice for professional pro_id at t_s (unix seconds): kind
 * "new_client", "suspended", "reinstated", ...; detail is JSON, sealed
 * before it is stored. Best effort: a failure is logged.
 */
void notice_add(struct vigie *v, int64_t pro_id, int64_t t_s, const char *kind,
                const char *detail_json);
/* notice_add that says whether it was recorded: 0, VG_ETOOBIG (detail too long) or an error. */
VG_MUST_USE int notice_put(struct vigie *v, int64_t pro_id, int64_t t_s, const char *kind,
                           const char *detail_json);

/*
 * Record an event of insured account account_id at t_ms (unix ms): kind
 * "login", "login_failed", "new_client", "password_changed", "access", ...
 * (store_event); detail is JSON, sealed before it is stored; mail:
 * MAIL_PENDING to e-mail the owner (the outbox), or MAIL_NONE. Returns 0,
 * VG_ETOOBIG (detail over EVENT_DETAIL_MAX) or a store error: an event that
 * must be told and cannot be recorded is the caller's error to report.
 */
VG_MUST_USE int ievent_add(struct vigie *v, int64_t account_id, int64_t t_ms, const char *kind,
                           const char *detail_json, int mail);

#endif
