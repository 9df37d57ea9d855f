/*
 * api_verify.c - what the insured and the public may ask after a breach,
 * and what operators read of it:
 *   POST /verify            {"code"}: is this message from us? (no account)
 *   POST /report-phishing   {"channel","sender","text"}: a suspicious message (no account)
 *   GET  /admin/reports     operators: the reports, newest first (?before=<id>)
 *   GET  /me/messages       the insured: the full text of every message sent to them
 *
 * /verify answers a genuine code with its date, channel and subject only
 * (the text is in the person's account), and an unknown code with the same
 * shape and the advice for a probable phishing message. Unknown codes are
 * throttled per address and in all (node.h, NODE_VERIFY_*: the arithmetic).
 * Neither endpoint says anything about any person, and neither logs the code
 * or the text.
 */
#include "http/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/msgcode.h"
#include "http/request.h"
#include "incident/message.h"
#include "incident/report.h"
#include "incident/texts.h"
#include "node/node.h"
#include "node/throttle.h"
#include "sys/log.h"
#include "core/banned.h"

#define REPORTS_MAX  50
#define MESSAGES_MAX 20

static const struct body_spec VERIFY_BODY = {
	"{\"code\": \"<the code of the message, e.g. K7QM-3XPA-9FRT>\"}",
	1,
	{ { "code", 1, 40, 0 } },
};

int verify_parse(const char *body, size_t len, char code[16], char why[BODY_WHY_MAX])
{
	char raw[41];
	char *const o[] = { raw };

	memset(code, 0, 16);
	if (body_parse(body, len, &VERIFY_BODY, o, why) != 0)
		return VG_EINVAL;
	if (msgcode_parse(raw, strlen(raw), code) != 0) {
		memset(code, 0, 16);
		snprintf(why, BODY_WHY_MAX,
		         "a message code is 12 letters and digits in three groups, like "
		         "K7QM-3XPA-9FRT: the body must be %s",
		         VERIFY_BODY.shape);
		return VG_EINVAL;
	}
	return 0;
}

static const struct body_spec REPORT_BODY = {
	"{\"channel\": \"sms|email|phone|letter|other\", \"sender\": \"<who it claims to be "
	"from, optional>\", \"text\": \"<the message, at most 8000 bytes>\"}",
	3,
	{ { "channel", 1, 15, 0 },
	  { "sender", 0, REPORT_SENDER_MAX, BODY_OPTIONAL },
	  { "text", 1, REPORT_TEXT_MAX, 0 } },
};

int report_parse(const char *body, size_t len, struct phishing_report *out, char why[BODY_WHY_MAX])
{
	static const char *const CH[] = { "sms", "email", "phone", "letter", "other" };
	char *const o[] = { out->channel, out->sender, out->text };

	memset(out, 0, sizeof(*out));
	if (body_parse(body, len, &REPORT_BODY, o, why) != 0)
		return VG_EINVAL;
	for (size_t i = 0; i < sizeof(CH) / sizeof(CH[0]); i++)
		if (strcmp(out->channel, CH[i]) == 0)
			return 0;
	memset(out, 0, sizeof(*out));
	snprintf(why, BODY_WHY_MAX, "%s",
	         "member \"channel\" is sms, email, phone, letter or other");
	return VG_EINVAL;
}

/* 429 unless this address, and all together, may go on. */
static int throttled(struct req *r, struct throttle *t, _Atomic int64_t *tat, int per_s, int burst,
                     int64_t *wait)
{
	int64_t now = r->now_ms / 1000;

	*wait = throttle_ip_wait(t, r->ip, now);
	if (*wait == 0)
		*wait = vigie_gcra_take(tat, r->now_ms, per_s, burst);
	return *wait != 0;
}

static void day_of(int64_t t_ms, char out[32])
{
	report_iso(t_ms, out);
	out[10] = '\0';
}

enum MHD_Result api_verify(struct req *r)
{
	struct vigie *v = r->v;
	struct store_message *m = req_alloc(r, sizeof(*m));
	char code[16], why[BODY_WHY_MAX], day[32];
	uint8_t h[VAULT_BIDX];
	int64_t wait;
	struct jw w;
	int rc;

	if (!req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	if (verify_parse(r->body ? r->body : "", r->body_len, code, why) != 0)
		return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
	if (throttled(r, v->verify_ip, &v->verify_tat_ms, NODE_VERIFY_GLOBAL_PER_S,
	              NODE_VERIFY_GLOBAL_BURST, &wait)) {
		atomic_fetch_add(&v->metrics.verify_throttled, 1);
		return reply_throttled(r, wait, "too many codes checked; try again later");
	}
	if (!m)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	message_code_hash(v->vault, code, h);
	rc = store_message_by_code(v->store, h, m);
	if (rc != 0 && rc != VG_ENOTFOUND)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	jw_init(&w, 1024);
	jw_obj(&w);
	jw_kstr(&w, "code", code);
	jw_kbool(&w, "genuine", rc == 0);
	if (rc == 0) {
		day_of(m->created_ms, day);
		jw_kstr(&w, "date", day);
		jw_kstr(&w, "channel", m->channel);
		jw_kstr(&w, "subject", m->subject);
		jw_kstr(&w, "advice", TXT_VERIFY_GENUINE);
		atomic_fetch_add(&v->metrics.verify_genuine, 1);
	} else {
		/* The same members, empty: the shape tells nothing; the advice does. */
		jw_key(&w, "date");
		jw_str(&w, NULL);
		jw_key(&w, "channel");
		jw_str(&w, NULL);
		jw_key(&w, "subject");
		jw_str(&w, NULL);
		jw_kstr(&w, "advice", TXT_VERIFY_UNKNOWN);
		atomic_fetch_add(&v->metrics.verify_unknown, 1);
		/* Only unknown codes cost: a person checking their letter is never held up. */
		throttle_ip_fail(v->verify_ip, r->ip, r->now_ms / 1000);
	}
	jw_end(&w);
	sodium_memzero(m->body, m->body_len);
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}

enum MHD_Result api_report_phishing(struct req *r)
{
	struct vigie *v = r->v;
	struct phishing_report *q = req_alloc(r, sizeof(*q));
	struct store_report *x = req_alloc(r, sizeof(*x));
	char why[BODY_WHY_MAX];
	uint32_t rid;
	int64_t wait;
	struct jw w;
	int rc;

	if (!req_is_json(r))
		return reply_outcome(r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "not-supported",
		                     "Content-Type must be application/json");
	if (!q || !x)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	if (report_parse(r->body ? r->body : "", r->body_len, q, why) != 0)
		return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid", why);
	if (throttled(r, v->report_ip, &v->report_tat_ms, NODE_REPORT_GLOBAL_PER_S,
	              NODE_REPORT_GLOBAL_BURST, &wait)) {
		sodium_memzero(q, sizeof(*q));
		atomic_fetch_add(&v->metrics.reports_throttled, 1);
		return reply_throttled(r, wait,
		                       "too many reports from this address; try again later");
	}
	throttle_ip_fail(v->report_ip, r->ip, r->now_ms / 1000);
	/* What was reported is sealed: it may quote a person's number or name. */
	jw_init(&w, 512 + strlen(q->text) * 2);
	jw_obj(&w);
	jw_kstr(&w, "channel", q->channel);
	jw_kstr(&w, "sender", q->sender);
	jw_kstr(&w, "text", q->text);
	jw_end(&w);
	rc = jw_finish(&w);
	/* Ids grow with time (paging by id is newest first) and do not repeat (a random tail). */
	rid = randombytes_uniform(1000000);
	x->id = r->now_ms * 1000000 + (int64_t)rid;
	x->t_ms = r->now_ms;
	snprintf(x->channel, sizeof(x->channel), "%s", q->channel);
	if (rc == 0 && w.len + VAULT_OVERHEAD > sizeof(x->body))
		rc = VG_ETOOBIG;
	if (rc == 0)
		rc = vault_seal(v->vault, "report", "body", x->id, (const uint8_t *)w.buf, w.len,
		                x->body);
	x->body_len = w.len + VAULT_OVERHEAD;
	if (rc == 0)
		rc = store_report_put(v->store, x);
	for (int tries = 0; rc == VG_EEXIST && tries < 3;
	     tries++) { /* same millisecond, same tail */
		x->id = r->now_ms * 1000000 + (int64_t)randombytes_uniform(1000000);
		rc = vault_seal(v->vault, "report", "body", x->id, (const uint8_t *)w.buf, w.len,
		                x->body);
		if (rc == 0)
			rc = store_report_put(v->store, x);
	}
	if (w.buf)
		sodium_memzero(w.buf, w.len);
	jw_release(&w);
	sodium_memzero(q, sizeof(*q));
	if (rc != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	atomic_fetch_add(&v->metrics.reports_received, 1);
	log_event(LOG_WARN, "phishing.reported", LS("channel", x->channel));
	jw_init(&w, 512);
	jw_obj(&w);
	jw_kstr(&w, "status", "received");
	jw_kstr(&w, "advice", TXT_REPORT_THANKS);
	jw_end(&w);
	return reply_json(r, MHD_HTTP_CREATED, "application/json", &w);
}

enum MHD_Result api_admin_reports(struct req *r)
{
	struct store_report *xs = req_alloc(r, REPORTS_MAX * sizeof(*xs));
	uint8_t *pt = req_alloc(r, STORE_REPORT_MAX);
	int64_t before = INT64_MAX;
	enum MHD_Result res;
	char t[32];
	size_t n = 0;
	struct jw w;

	if (auth_require_operator(r, &res) != 0)
		return res;
	if (req_query_num(r, "before", INT64_MAX - 1, &before) != 0)
		return reply_outcome(r, MHD_HTTP_BAD_REQUEST, "invalid",
		                     "before is the id of the last report of the previous page");
	if (!xs || !pt || store_reports(r->v->store, before, xs, REPORTS_MAX, &n) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	jw_init(&w, 4096 + n * 1024);
	jw_obj(&w);
	jw_karr(&w, "reports");
	for (size_t i = 0; i < n; i++) {
		struct store_report *x = &xs[i];

		if (x->body_len < VAULT_OVERHEAD ||
		    vault_unseal(r->v->vault, "report", "body", x->id, x->body, x->body_len, pt) !=
		            0)
			continue;
		report_iso(x->t_ms, t);
		jw_obj(&w);
		jw_kint(&w, "id", x->id);
		jw_kstr(&w, "time", t);
		jw_kstr(&w, "channel", x->channel);
		jw_key(&w, "report");
		jw_raw_value(&w, (const char *)pt, x->body_len - VAULT_OVERHEAD); /* our own JSON */
		jw_end(&w);
	}
	jw_end(&w);
	if (n == REPORTS_MAX)
		jw_kint(&w, "before", xs[n - 1].id);
	jw_kint(&w, "received", (int64_t)atomic_load(&r->v->metrics.reports_received));
	jw_end(&w);
	sodium_memzero(pt, STORE_REPORT_MAX);
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}

enum MHD_Result api_me_messages(struct req *r)
{
	struct vigie *v = r->v;
	struct store_message *ms = req_alloc(r, MESSAGES_MAX * sizeof(*ms));
	char *text = req_alloc(r, MESSAGE_TEXT_MAX + 1);
	int64_t ids[STORE_MATCH_MAX];
	struct store_account acct;
	enum MHD_Result res;
	char t[32], code[MSGCODE_TEXT];
	size_t nids = 0;
	struct jw w;

	if (auth_require_insured(r, &res) != 0)
		return res;
	if (!ms || !text || store_account_get(v->store, r->who.id, &acct) != 0 ||
	    store_insured_ids_by_patient(v->store, acct.patient, ids, STORE_MATCH_MAX, &nids) != 0)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	sodium_memzero(&acct, sizeof(acct));
	jw_init(&w, 8192);
	jw_obj(&w);
	jw_karr(&w, "messages");
	/* Everyone under my number: me and the dependants whose letters I receive. */
	for (size_t k = 0; k < nids; k++) {
		size_t n = 0;

		if (store_messages_of(v->store, ids[k], ms, MESSAGES_MAX, &n) != 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (message_text(v->vault, &ms[i], text, code) != 0)
				continue;
			report_iso(ms[i].created_ms, t);
			jw_obj(&w);
			jw_kstr(&w, "time", t);
			jw_kstr(&w, "channel", ms[i].channel);
			jw_kstr(&w, "code", code);
			jw_kstr(&w, "subject", ms[i].subject);
			jw_kstr(&w, "text", text);
			jw_end(&w);
		}
		sodium_memzero(ms, n * sizeof(*ms));
	}
	jw_end(&w);
	jw_end(&w);
	sodium_memzero(text, MESSAGE_TEXT_MAX + 1);
	return reply_json(r, MHD_HTTP_OK, "application/json", &w);
}
