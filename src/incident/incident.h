/*
 * incident.h - an operator's case after a breach: open it from a scope,
 * widen it, close it, and read it back with its affected set.
 *
 * Every act (open, widen, close, export, a campaign's start) is an access
 * record in the journal, like a lookup (journal/entry.h: purpose
 * "incident-response", route "incident.<act>", fields "incident:<id>",
 * persons = the affected count), written through the caller's journal
 * function before the act takes effect: the store change is made in a
 * transaction that commits only once the record is durable, so the
 * response is as accountable as the accesses it answers.
 *
 * The caller provides: (a) the store and the vault; (b) the journal
 * function (the server: access_log_append_wait; the command line: the
 * running server's control socket, or the journal itself when no server
 * holds it); (c) the instant and who acts (an operator's account, or
 * "console" for the command line). Not thread-safe per context; contexts
 * on different threads may run at once (the store serialises writers).
 */
#ifndef VIGIE_INCIDENT_INCIDENT_H
#define VIGIE_INCIDENT_INCIDENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/access.h"
#include "core/bodies.h"
#include "core/err.h"
#include "crypto/vault.h"
#include "incident/affected.h"
#include "incident/scope.h"
#include "store/store.h"

#define INCIDENT_PARTS_MAX 256                  /* scope parts of one incident, in all */
#define INCIDENT_NOTIFY_MS (72LL * 3600 * 1000) /* GDPR art. 33: 72 hours */
#define INCIDENT_CONSOLE   "console"            /* who acts from the command line */

/* Journal act and wait until it is durable: 0 (index set) or an error (nothing recorded). */
typedef int (*incident_journal_fn)(void *arg, const struct access_rec *act, uint64_t *index);

struct incident_ctx {
	struct store *st;
	const struct vault *v;
	incident_journal_fn journal;
	void *journal_arg;
	int64_t now_ms;
	int64_t by;          /* the operator's account id; 0 for the console */
	const char *rpps;    /* the operator's RPPS-shaped id, or INCIDENT_CONSOLE */
	uint64_t last_index; /* the journal entry of the last act */
};

/* An incident, its scope and its affected set (incident_load). */
struct incident_view {
	struct store_incident inc;
	struct store_scope parts[INCIDENT_PARTS_MAX];
	char part_rpps[INCIDENT_PARTS_MAX][12];
	size_t n_parts;
	struct affected *set; /* owned */
};

/*
 * Open an incident from req (title, accounts, window, address). Errors, with
 * why: VG_EINVAL (an RPPS no account has, or one of an operator), VG_EIO /
 * VG_EBUSY (the store or the journal: nothing changed). *id set on success.
 */
VG_MUST_USE int incident_open(struct incident_ctx *c, const struct incident_scope_req *req,
                              int64_t *id, char why[BODY_WHY_MAX]);
/*
 * Add req's parts to incident id. VG_ENOTFOUND (no such incident), VG_EDENIED
 * (closed), VG_EEXIST (a part overlaps one it has: why names it), VG_ETOOBIG
 * (over INCIDENT_PARTS_MAX), VG_EINVAL as for open.
 */
VG_MUST_USE int incident_widen(struct incident_ctx *c, int64_t id,
                               const struct incident_scope_req *req, char why[BODY_WHY_MAX]);
/* Close incident id: VG_ENOTFOUND, VG_EDENIED (already closed). */
VG_MUST_USE int incident_close(struct incident_ctx *c, int64_t id, char why[BODY_WHY_MAX]);
/*
 * Record an act that discloses (act "export", "notify.email", ...) on
 * incident id, with persons people; no store change. VG_ENOTFOUND.
 */
VG_MUST_USE int incident_record(struct incident_ctx *c, int64_t id, const char *route,
                                int64_t persons);

/* Read incident id and compute its affected set into *out (release with incident_view_release). */
VG_MUST_USE int incident_load(struct store *st, const struct vault *v, int64_t id,
                              struct incident_view *out);
void incident_view_release(struct incident_view *out);

#endif
