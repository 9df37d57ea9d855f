/*
 * notices.h - what a professional must be told (a login from a new client,
 * a suspension, a reinstatement...), sealed and stored; the e-mail issue
 * sends them. Thread-safe.
 */
#ifndef VIGIE_NODE_NOTICES_H
#define VIGIE_NODE_NOTICES_H

#include <stdint.h>

struct vigie;

/*
 * Record a notice for professional pro_id at t_s (unix seconds): kind
 * "new_client", "suspended", "reinstated", ...; detail is JSON, sealed
 * before it is stored. Best effort: a failure is logged.
 */
void notice_add(struct vigie *v, int64_t pro_id, int64_t t_s, const char *kind,
                const char *detail_json);

#endif
