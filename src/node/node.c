/* node.c - see node.h: one node assembled from its data directory, and taken apart. */
#include "node/node.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/pwpolicy.h"
#include "node/access.h"
#include "node/directory.h"
#include "node/guardian.h"
#include "node/logins.h"
#include "node/notices.h"
#include "node/people.h"
#include "node/sessions.h"
#include "node/throttle.h"
#include "node/workers.h"
#include "sys/log.h"
#include "core/banned.h"

#define LOGIN_QUEUE 256

void vigie_cfg_defaults(struct vigie_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->token_ttl = 8 * 3600;
	c->token_idle = 30 * 60;
	c->login_parallel = 2;
	c->login_queue = LOGIN_QUEUE;
	login_policy_defaults(&c->login);
	c->me_max = 100;
	c->operator_max_age = 300; /* RFC 9470's max_age for operators' acts */
	c->malformed_burst = NODE_MALFORMED_BURST;
}

int64_t vigie_now_ms(const struct vigie *v)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + v->cfg.clock_offset_s * 1000;
}

void vigie_guard_key(const struct vault *v, uint8_t key[GUARD_KEY_BYTES])
{
	_Static_assert(VAULT_BIDX == GUARD_KEY_BYTES, "one blind index is one guard key");
	vault_blind(v, VAULT_D_GUARD, "guard-key-v1", 12, key);
}

static int start_guard(struct vigie *v)
{
	uint8_t key[GUARD_KEY_BYTES];
	int rc;

	vigie_guard_key(v->vault, key);
	rc = guardian_new(key, &v->guardian);
	sodium_memzero(key, sizeof(key));
	if (rc == 0) /* the used proofs of an earlier run are forgotten: refuse theirs */
		guardian_proofs_from(v->guardian, vigie_now_ms(v) / 1000);
	return rc;
}

/* Accesses filed later than this after they happened are not told (a refill, not news). */
#define TELL_WITHIN_MS (24 * 3600 * 1000LL)

/* A card-less answer (a verification: core/gate.h): the patient was not shown to be there. */
static int cardless_answer(const struct access_rec *a)
{
	return a->pro_id != 0 && a->status == 200 && a->n_results > 0 &&
	       (strcmp(a->decision, "verify") == 0 || strcmp(a->decision, "minimise") == 0);
}

/*
 * The indexer's hook: each access by a professional to a person whose
 * account asked to be told of every access becomes an event to e-mail; so
 * does every card-less answer about a person who has an account, asked or
 * not (the patients watch too: "not me" is one answer away, and the
 * guard's strongest signal). The accounts are those of everyone billed
 * under the NIR asked for (the record names the NIR, not which of them).
 */
static void tell_accesses(void *ctx, const struct access_rec *rows, size_t n)
{
	struct vigie *v = ctx;
	int64_t stale = vigie_now_ms(v) - TELL_WITHIN_MS;

	for (size_t i = 0; i < n; i++) {
		const struct access_rec *a = &rows[i];
		int64_t alerting, ids[STORE_MATCH_MAX];
		size_t k = 0;
		char detail[256];

		/* (A store refilled from the log at start files old rows again: told once.) */
		if (a->pro_id == 0 || a->t_ms < stale)
			continue;
		alerting = people_alerting(v->people, a->patient);
		snprintf(detail, sizeof(detail),
		         "{\"index\":%lld,\"t_ms\":%lld,\"pro_id\":%lld,\"rpps\":\"%s\","
		         "\"route\":\"%s\",\"decision\":\"%s\",\"fields\":\"%s\"}",
		         (long long)a->idx, (long long)a->t_ms, (long long)a->pro_id, a->rpps,
		         a->route, a->decision, a->fields);
		if (alerting &&
		    ievent_add(v, alerting, a->t_ms, "access", detail, MAIL_PENDING) != 0)
			log_event(LOG_ERROR, "people.alert_failed", LI("index", a->idx));
		if (!cardless_answer(a) || store_insured_ids_by_patient(v->store, a->patient, ids,
		                                                        STORE_MATCH_MAX, &k) != 0)
			continue;
		for (size_t j = 0; j < k; j++) {
			struct store_account acct;

			if (ids[j] == alerting || store_account_get(v->store, ids[j], &acct) != 0)
				continue; /* told already, or no account */
			if (ievent_add(v, acct.id, a->t_ms, "access", detail, MAIL_PENDING) != 0)
				log_event(LOG_ERROR, "people.cardless_notice_failed",
				          LI("index", a->idx));
			sodium_memzero(&acct, sizeof(acct));
		}
	}
}

int vigie_new(const char *dir, const struct vigie_cfg *cfg, struct vault *vault,
              struct store *store, struct vigie **out, const char **what)
{
	struct vigie *v = calloc(1, sizeof(*v));
	char jdir[4096], jkey[4096];
	struct access_cfg ac = { 0 };
	int rc = VG_ENOMEM, n, m;
	unsigned pro_n, insured_n;

	*out = NULL;
	*what = "memory";
	if (!v) {
		vault_free(vault);
		store_close(store);
		return VG_ENOMEM;
	}
	v->cfg = *cfg;
	v->vault = vault;
	v->store = store;
	*what = "the journal";
	n = snprintf(jdir, sizeof(jdir), "%s/journal", dir);
	m = snprintf(jkey, sizeof(jkey), "%s/journal.key", dir);
	if (n < 0 || (size_t)n >= sizeof(jdir) || m < 0 || (size_t)m >= sizeof(jkey)) {
		rc = VG_ETOOBIG;
		goto fail;
	}
	ac.journal_dir = jdir;
	ac.key_path = jkey;
	ac.origin = cfg->origin;
	ac.checkpoint_ms = cfg->checkpoint_ms;
	ac.on_rows = tell_accesses;
	ac.on_rows_ctx = v;
	*what = "what people said (blocks, oppositions, alerts)";
	rc = people_new(store, vigie_now_ms(v), &v->people);
	if (rc != 0)
		goto fail;
	*what = "the password blocklist";
	rc = pwlist_ensure(dir, &v->pwlist);
	if (rc != 0)
		goto fail;
	*what = "the journal";
	rc = access_log_new(store, vault, &v->metrics, &ac, &v->access);
	if (rc != 0)
		goto fail;
	*what = "the sessions";
	rc = sessions_new(store, vault, SESSION_PRO, cfg->token_ttl, cfg->token_idle, &v->sessions);
	if (rc == 0)
		rc = sessions_new(store, vault, SESSION_INSURED, cfg->token_ttl, cfg->token_idle,
		                  &v->isessions);
	if (rc != 0)
		goto fail;
	*what = "the login defences";
	rc = logins_new(&cfg->login, &v->logins);
	if (rc != 0)
		goto fail;
	*what = "the guard";
	rc = start_guard(v);
	if (rc != 0)
		goto fail;
	*what = "the directory";
	rc = directory_new(store, &v->directory);
	if (rc != 0)
		goto fail;
	/*
	 * The professionals' logins get half the hashes (at least one), the
	 * insured side the rest (at least one): 300 bogus insured logins must not
	 * hold a pharmacist's login up, and the 64 MiB hashes stay bounded at
	 * login_parallel (or 2) together.
	 */
	*what = "the login workers";
	pro_n = cfg->login_parallel / 2 ? cfg->login_parallel / 2 : 1;
	insured_n = cfg->login_parallel > pro_n ? cfg->login_parallel - pro_n : 1;
	rc = workers_new(pro_n, cfg->login_queue, &v->login_workers[SESSION_PRO]);
	if (rc == 0)
		rc = workers_new(insured_n, cfg->login_queue, &v->login_workers[SESSION_INSURED]);
	if (rc != 0)
		goto fail;
	*what = "the operators' workers";
	rc = workers_new(1, 8, &v->slow);
	if (rc != 0)
		goto fail;
	*what = "the public endpoints' throttles";
	rc = throttle_new(NODE_VERIFY_BURST, NODE_VERIFY_PERIOD, &v->verify_ip);
	if (rc == 0)
		rc = throttle_new(NODE_REPORT_BURST, NODE_REPORT_PERIOD, &v->report_ip);
	if (rc == 0)
		rc = throttle_new(cfg->malformed_burst, NODE_MALFORMED_PERIOD, &v->malformed);
	if (rc == 0)
		rc = throttle_new(1, NODE_MALFORMED_NOTE_PERIOD, &v->malformed_note);
	if (rc != 0)
		goto fail;
	v->started_s = vigie_now_ms(v) / 1000;
	/* Sessions the last run left to expire. */
	VG_IGNORE(store_session_purge(store, v->started_s, cfg->token_idle));
	*what = NULL;
	*out = v;
	return 0;
fail:
	vigie_free(v);
	return rc;
}

void vigie_drain(struct vigie *v)
{
	workers_stop(v->login_workers[SESSION_PRO]);
	workers_stop(v->login_workers[SESSION_INSURED]);
	workers_stop(v->slow);
}

void vigie_free(struct vigie *v)
{
	if (!v)
		return;
	workers_free(v->login_workers[SESSION_PRO]); /* queued logins finish first */
	workers_free(v->login_workers[SESSION_INSURED]);
	workers_free(v->slow);
	throttle_free(v->verify_ip);
	throttle_free(v->report_ip);
	throttle_free(v->malformed);
	throttle_free(v->malformed_note);
	access_log_free(v->access); /* everything journaled is indexed */
	people_free(v->people);
	pwlist_free(v->pwlist);
	directory_free(v->directory);
	guardian_free(v->guardian);
	logins_free(v->logins);
	sessions_free(v->sessions);
	sessions_free(v->isessions);
	store_close(v->store);
	vault_free(v->vault);
	free(v);
}

int64_t vigie_gcra_take(_Atomic int64_t *tat, int64_t now_ms, int per_s, int burst)
{
	int64_t step = 1000 / per_s, cur = atomic_load(tat), next;

	for (;;) {
		int64_t base = cur > now_ms ? cur : now_ms;

		if (base - now_ms > step * burst)
			return (base - now_ms - step * burst) / 1000 + 1;
		next = base + step;
		if (atomic_compare_exchange_weak(tat, &cur, next))
			return 0;
	}
}
