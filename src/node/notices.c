/* notices.c - see notices.h. */
#include "node/notices.h"

#include <stdio.h>
#include <string.h>

#include "node/node.h"
#include "sys/log.h"
#include "core/banned.h"

int notice_put(struct vigie *v, int64_t pro_id, int64_t t_s, const char *kind,
               const char *detail_json)
{
	struct store_notice x = { .pro_id = pro_id, .t = t_s };
	size_t len = strlen(detail_json);
	int rc;

	snprintf(x.kind, sizeof(x.kind), "%s", kind);
	if (len + VAULT_OVERHEAD > sizeof(x.detail))
		return VG_ETOOBIG;
	rc = vault_seal(v->vault, "notice", "detail", pro_id, (const uint8_t *)detail_json, len,
	                x.detail);
	if (rc != 0)
		return rc;
	x.detail_len = len + VAULT_OVERHEAD;
	return store_notice_put(v->store, &x);
}

void notice_add(struct vigie *v, int64_t pro_id, int64_t t_s, const char *kind,
                const char *detail_json)
{
	int rc = notice_put(v, pro_id, t_s, kind, detail_json);

	if (rc != 0)
		log_event(LOG_ERROR, "notice.store_failed", LI("pro", pro_id), LS("kind", kind),
		          LS("error", vg_strerror(rc)));
}

int ievent_add(struct vigie *v, int64_t account_id, int64_t t_ms, const char *kind,
               const char *detail_json, int mail)
{
	struct store_event e = { .account_id = account_id, .t_ms = t_ms, .mail = mail };
	size_t len = strlen(detail_json);
	int rc;

	if (len > EVENT_DETAIL_MAX)
		return VG_ETOOBIG;
	snprintf(e.kind, sizeof(e.kind), "%s", kind);
	rc = vault_seal(v->vault, "event", "detail", account_id, (const uint8_t *)detail_json, len,
	                e.detail);
	if (rc != 0)
		return rc;
	e.detail_len = len + VAULT_OVERHEAD;
	rc = store_event_put(v->store, &e);
	if (rc != 0)
		log_event(LOG_ERROR, "ievent.store_failed", LI("account", account_id),
		          LS("kind", kind));
	return rc;
}
