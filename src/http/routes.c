/* routes.c - see routes.h: the endpoints of vigie, in one table. */
#include "http/routes.h"

#include <string.h>

#include "http/api.h"
#include "node/metrics.h"
#include "core/banned.h"

const struct route ROUTE_NONE = { "", 0, "", 0, "none", NULL };
const struct route ROUTE_NOT_FOUND = { "", 0, "", 0, "not_found", NULL };

/* HEAD is served where it discloses nothing: never on lookups or personal lists. */
static const struct route ROUTES[] = {
	{ "/fhir/metadata", 0, "GET", 1, "metadata", api_metadata },
	{ "/fhir/Patient", 0, "GET", 0, "Patient", api_patient_search },
	{ "/fhir/Coverage", 0, "GET", 0, "Coverage", api_coverage_search },
	{ "/fhir/CoverageEligibilityRequest/$submit", 0, "POST", 0, "$submit",
	  api_eligibility_submit },
	{ "/auth/pro/login", 0, "POST", 0, "login", api_login },
	{ "/auth/pro/logout", 0, "POST", 0, "logout", api_logout },
	{ "/auth/pro/step-up", 0, "POST", 0, "step_up", api_step_up },
	{ "/auth/pro/logout-all", 0, "POST", 0, "logout_all", api_logout_all },
	{ "/auth/pro/password", 0, "POST", 0, "pro_password", api_pro_password },
	{ "/auth/pro/totp", 0, "POST", 0, "pro_totp", api_pro_totp },
	{ "/auth/pro/notices", 0, "GET", 0, "notices", api_notices },
	{ "/auth/insured/login", 0, "POST", 0, "insured_login", api_insured_login },
	{ "/auth/insured/logout", 0, "POST", 0, "insured_logout", api_insured_logout },
	{ "/auth/insured/activate", 0, "POST", 0, "insured_activate", api_insured_activate },
	{ "/auth/insured/reset/request", 0, "POST", 0, "insured_reset_request",
	  api_insured_reset_request },
	{ "/auth/insured/reset", 0, "POST", 0, "insured_reset", api_insured_reset },
	{ "/me", 0, "GET", 0, "me", api_me_record },
	{ "/me/accesses", 0, "GET", 0, "me_accesses", api_me_accesses },
	{ "/me/account", 0, "GET", 0, "me_account", api_me_account },
	{ "/me/activity", 0, "GET", 0, "me_activity", api_me_activity },
	{ "/me/sessions/revoke", 0, "POST", 0, "me_sessions_revoke", api_me_sessions_revoke },
	{ "/me/password", 0, "POST", 0, "me_password", api_me_password },
	{ "/me/totp", 0, "POST", 0, "me_totp", api_me_totp },
	{ "/me/totp/confirm", 0, "POST", 0, "me_totp_confirm", api_me_totp_confirm },
	{ "/me/totp/disable", 0, "POST", 0, "me_totp_disable", api_me_totp_disable },
	{ "/me/export", 0, "POST", 0, "me_export", api_me_export },
	{ "/me/card/oppose", 0, "POST", 0, "me_card_oppose", api_me_card_oppose },
	{ "/me/lock", 0, "POST", 0, "me_lock", api_me_lock },
	{ "/me/blocks", 0, "GET", 0, "me_blocks", api_me_blocks_get },
	{ "/me/blocks", 0, "POST", 0, "me_blocks_add", api_me_blocks_add },
	{ "/me/blocks/remove", 0, "POST", 0, "me_blocks_remove", api_me_blocks_remove },
	{ "/me/alerts", 0, "POST", 0, "me_alerts", api_me_alerts },
	{ "/me/reports", 0, "GET", 0, "me_reports", api_me_reports_get },
	{ "/me/reports", 0, "POST", 0, "me_reports_add", api_me_reports_add },
	{ "/admin/misuse", 0, "GET", 0, "admin_misuse", api_admin_misuse },
	{ "/admin/insured/unlock", 0, "POST", 0, "admin_insured_unlock", api_admin_insured_unlock },
	{ "/admin/insured/logout", 0, "POST", 0, "admin_insured_logout", api_admin_insured_logout },
	{ "/admin/insured/totp-reset", 0, "POST", 0, "admin_insured_totp", api_admin_insured_totp },
	{ "/admin/insured/card", 0, "POST", 0, "admin_insured_card", api_admin_insured_card },
	{ "/admin/alerts", 0, "GET", 0, "admin_alerts", api_admin_alerts },
	{ "/admin/reinstate", 0, "POST", 0, "admin_reinstate", api_admin_reinstate },
	{ "/admin/pro/suspend", 0, "POST", 0, "admin_suspend", api_admin_suspend },
	{ "/admin/pro/logout", 0, "POST", 0, "admin_logout", api_admin_logout },
	{ "/admin/pro/unlock", 0, "POST", 0, "admin_unlock", api_admin_unlock },
	{ "/admin/pro/totp-reset", 0, "POST", 0, "admin_totp_reset", api_admin_totp },
	{ "/admin/incidents", 0, "GET", 0, "admin_incidents", api_admin_incidents },
	{ "/admin/incidents/", 1, "GET", 0, "admin_incident", api_admin_incident_get },
	{ "/admin/incidents/", 1, "POST", 0, "admin_incident_act", api_admin_incident_post },
	{ "/admin/reports", 0, "GET", 0, "admin_reports", api_admin_reports },
	{ "/verify", 0, "POST", 0, "verify", api_verify },
	{ "/report-phishing", 0, "POST", 0, "report_phishing", api_report_phishing },
	{ "/me/messages", 0, "GET", 0, "me_messages", api_me_messages },
	{ "/healthz", 0, "GET", 1, "healthz", api_healthz },
	{ "/metrics", 0, "GET", 0, "metrics", api_metrics },
	/* The public log: read-only files, answered by api_journal (404 if none). */
	{ "/journal/", 1, "GET", 1, "journal", api_journal },
};

#define N_ROUTES (sizeof(ROUTES) / sizeof(ROUTES[0]))
_Static_assert(N_ROUTES + 2 <= METRICS_ROUTES, "metrics has a slot per route");

const struct route *routes_find(const char *method, const char *url, int *method_ok,
                                const char **allow)
{
	const struct route *first = NULL;
	int get = 0, head = 0, post = 0;

	*method_ok = 1;
	*allow = NULL;
	/* A path may have a GET entry and a POST entry: the one of the method wins. */
	for (size_t i = 0; i < N_ROUTES; i++) {
		const struct route *rt = &ROUTES[i];

		if (rt->prefix ? strncmp(url, rt->path, strlen(rt->path)) != 0
		               : strcmp(url, rt->path) != 0)
			continue;
		if (strcmp(method, rt->method) == 0 || (rt->head && strcmp(method, "HEAD") == 0))
			return rt;
		if (!first)
			first = rt;
		post |= strcmp(rt->method, "POST") == 0;
		get |= strcmp(rt->method, "GET") == 0;
		head |= rt->head;
	}
	if (!first)
		return &ROUTE_NOT_FOUND;
	*method_ok = 0;
	*allow = get && post ? (head ? "GET, HEAD, POST" : "GET, POST")
	         : post      ? "POST"
	         : head      ? "GET, HEAD"
	                     : "GET";
	return first;
}

size_t routes_count(void)
{
	return N_ROUTES + 2;
}

const struct route *routes_at(size_t i)
{
	if (i == 0)
		return &ROUTE_NONE;
	if (i <= N_ROUTES)
		return &ROUTES[i - 1];
	return &ROUTE_NOT_FOUND;
}

size_t routes_index(const struct route *r)
{
	if (r == &ROUTE_NONE || !r)
		return 0;
	if (r >= ROUTES && r < ROUTES + N_ROUTES)
		return (size_t)(r - ROUTES) + 1;
	return N_ROUTES + 1;
}
