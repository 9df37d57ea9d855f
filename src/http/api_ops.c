/* api_ops.c - /healthz and /metrics, for the operators' probes and Prometheus. */
#include "http/http.h"

#include <string.h>

enum MHD_Result api_healthz(struct req *r)
{
	struct jw w;

	jw_init(&w, 128);
	jw_obj(&w);
	jw_kstr(&w, "status", "ok");
	jw_kstr(&w, "version", VIGIE_VERSION);
	jw_kint(&w, "uptime_s", now_unix() - r->v->started);
	jw_end(&w);
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}

enum MHD_Result api_metrics(struct req *r)
{
	const char *names[METRICS_ROUTES];
	struct jw w;

	for (int i = 0; i < METRICS_ROUTES; i++)
		names[i] = vigie_route_name(i);
	jw_init(&w, 4096);
	metrics_render(&r->v->metrics, names, &w);
	return reply_json(r, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", &w);
}
