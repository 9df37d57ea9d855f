/*
 * control.h - the running server's control socket, DIR/control.sock, through
 * which a command on the same machine (vigie incident, vigie notify) journals
 * its acts while the server holds the journal (one writer per journal).
 *
 * Protocol: one request line, one answer line, then the connection closes.
 *     -> {"route":"incident.open","fields":"incident:12","persons":5310}
 *     <- {"index":48213}            or  {"error":"<why>"}
 * Only operator acts are accepted: route "incident.<word>" or
 * "notify.<word>", fields "incident:<id>", persons 0..2^31-1; or an
 * enrolment act about one person (vigie enrol): route "enrol.letter" or
 * "enrol.reset", fields "letter" or "email", persons 1 and "patient", the
 * person's access pseudonym in hex (so that their own view of who accessed
 * their record shows the letter). The record is
 * written as the console's (rpps "console", address "local") at the server's
 * clock, and answered once durable. The socket is 0600 in the 0700 data
 * directory, and a peer whose uid is neither the server's nor root is refused
 * (SO_PEERCRED). Requests are served one at a time, each bounded (1 KiB,
 * 5 s to send it).
 *
 * Thread-safe: the server side runs its own thread.
 */
#ifndef VIGIE_NODE_CONTROL_H
#define VIGIE_NODE_CONTROL_H

#include <stdint.h>

#include "core/access.h"
#include "core/err.h"

#define CONTROL_SOCK "control.sock"

struct vigie;
struct control;

/* Listen on dir/control.sock (a stale socket file is replaced) and serve v's journal. */
VG_MUST_USE int control_start(struct vigie *v, const char *dir, struct control **out);
/* Stop serving, remove the socket file, free. Accepts NULL. */
void control_stop(struct control *c);

/*
 * The command's side: journal act through the server of dir. Returns 0
 * (*index set), VG_ENOTFOUND (no server answers there: open the journal
 * directly), VG_EDENIED / VG_EINVAL (the server refused: why), VG_EIO.
 */
VG_MUST_USE int control_journal(const char *dir, const struct access_rec *act, uint64_t *index,
                                char why[128]);

#endif
