/* incident.c - see incident.h. */
#include "incident/incident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/banned.h"

static int fail(char why[BODY_WHY_MAX], int rc, const char *msg)
{
	snprintf(why, BODY_WHY_MAX, "%s", msg);
	return rc;
}

/* count_of failed: say why when trying again cannot help (affected.c's rows that do not open). */
static int uncountable(char why[BODY_WHY_MAX], int rc)
{
	if (rc == VG_ECORRUPT)
		return fail(why, rc,
		            "an access row of this scope does not open (incident.row_unreadable in "
		            "the log): rebuild access.db from the journal (server stopped, remove "
		            "access.db, start it)");
	return fail(why, rc, "the affected set cannot be computed; try again");
}

/* The act's access record: who, when, which incident, how many people. */
static void act_of(const struct incident_ctx *c, const char *route, int64_t id, int64_t persons,
                   struct access_rec *a)
{
	memset(a, 0, sizeof(*a));
	a->t_ms = c->now_ms;
	a->pro_id = c->by;
	snprintf(a->rpps, sizeof(a->rpps), "%s", c->rpps ? c->rpps : INCIDENT_CONSOLE);
	memcpy(a->ip, "local", 6);
	snprintf(a->route, sizeof(a->route), "%s", route);
	a->status = 200;
	a->n_results = persons > 0x7fffffff ? 0x7fffffff : (int)persons;
	snprintf(a->fields, sizeof(a->fields), "incident:%lld", (long long)id);
	snprintf(a->decision, sizeof(a->decision), "%s", strchr(route, '.') + 1);
}

static int journal_act(struct incident_ctx *c, const char *route, int64_t id, int64_t persons)
{
	struct access_rec a;

	act_of(c, route, id, persons, &a);
	return c->journal(c->journal_arg, &a, &c->last_index);
}

/* The accounts of req as scope parts (ids into parts[0..n_rpps)). */
static int resolve(struct incident_ctx *c, const struct incident_scope_req *req,
                   struct affected_part *parts, char why[BODY_WHY_MAX])
{
	struct store_pro p;
	int rc;

	for (size_t i = 0; i < req->n_rpps; i++) {
		rc = store_pro_get(c->st, req->rpps[i], &p);
		sodium_memzero(p.pwhash, sizeof(p.pwhash));
		sodium_memzero(p.totp_sealed, sizeof(p.totp_sealed));
		if (rc == VG_ENOTFOUND) {
			snprintf(why, BODY_WHY_MAX, "no professional account has RPPS %s",
			         req->rpps[i]);
			return VG_EINVAL;
		}
		if (rc != 0)
			return fail(why, rc, "the store is unavailable; try again");
		if (p.role == ROLE_OPERATOR) {
			snprintf(why, BODY_WHY_MAX,
			         "%s is an operator's account: it looks nobody up", req->rpps[i]);
			return VG_EINVAL;
		}
		parts[i] = (struct affected_part){ p.id, req->from_ms, req->to_ms, req->ip };
	}
	return 0;
}

/* The affected count of parts (for the act's record). */
static int count_of(struct incident_ctx *c, const struct affected_part *parts, size_t n,
                    int64_t *persons)
{
	struct affected *a = NULL;
	int rc = affected_compute(c->st, c->v, parts, n, &a);

	*persons = rc == 0 ? (int64_t)affected_size(a) : 0;
	affected_free(a);
	return rc;
}

/* Put req's parts under incident id, in the caller's transaction. */
static int put_parts(struct incident_ctx *c, int64_t id, const struct incident_scope_req *req,
                     const struct affected_part *parts)
{
	int rc = 0;

	for (size_t i = 0; i < req->n_rpps && rc == 0; i++) {
		struct store_scope s = { .incident_id = id,
			                 .pro_id = parts[i].pro_id,
			                 .from_ms = req->from_ms,
			                 .to_ms = req->to_ms,
			                 .added_ms = c->now_ms,
			                 .added_by = c->by };

		snprintf(s.ip, sizeof(s.ip), "%s", req->ip);
		rc = store_scope_put(c->st, &s);
	}
	return rc;
}

/* Commit once the act is durable; roll back otherwise. */
static int finish(struct incident_ctx *c, int rc, const char *route, int64_t id, int64_t persons,
                  char why[BODY_WHY_MAX])
{
	if (rc == 0) {
		rc = journal_act(c, route, id, persons);
		if (rc != 0)
			snprintf(why, BODY_WHY_MAX,
			         "the journal cannot record this act (%s): "
			         "nothing was changed",
			         vg_strerror(rc));
	} else {
		snprintf(why, BODY_WHY_MAX, "the store is unavailable (%s); try again",
		         vg_strerror(rc));
	}
	if (rc == 0)
		rc = store_commit(c->st);
	else
		VG_IGNORE(store_rollback(c->st)); /* the first error is the one to report */
	return rc;
}

int incident_open(struct incident_ctx *c, const struct incident_scope_req *req, int64_t *id,
                  char why[BODY_WHY_MAX])
{
	struct affected_part parts[SCOPE_RPPS_MAX];
	struct store_incident x = { 0 };
	int64_t persons = 0;
	int rc;

	*id = 0;
	if ((rc = resolve(c, req, parts, why)) != 0)
		return rc;
	if ((rc = count_of(c, parts, req->n_rpps, &persons)) != 0)
		return uncountable(why, rc);
	x.opened_ms = c->now_ms;
	x.opened_by = c->by;
	snprintf(x.title, sizeof(x.title), "%s", req->title[0] ? req->title : "incident");
	if ((rc = store_begin(c->st)) != 0)
		return fail(why, rc, "the store is unavailable; try again");
	rc = store_incident_put(c->st, &x);
	if (rc == 0)
		rc = put_parts(c, x.id, req, parts);
	rc = finish(c, rc, "incident.open", x.id, persons, why);
	if (rc == 0)
		*id = x.id;
	return rc;
}

int incident_widen(struct incident_ctx *c, int64_t id, const struct incident_scope_req *req,
                   char why[BODY_WHY_MAX])
{
	struct incident_view *w = calloc(1, sizeof(*w));
	struct affected_part *all = NULL;
	size_t n = 0;
	int64_t persons = 0;
	int rc;

	if (!w)
		return fail(why, VG_ENOMEM, "out of memory");
	if ((rc = store_incident_get(c->st, id, &w->inc)) != 0) {
		rc = fail(why, rc,
		          rc == VG_ENOTFOUND ? "no such incident" : "the store is unavailable");
		goto out;
	}
	if (w->inc.status != INCIDENT_OPEN) {
		rc = fail(why, VG_EDENIED, "this incident is closed");
		goto out;
	}
	if ((rc = store_scopes(c->st, id, w->parts, INCIDENT_PARTS_MAX, &w->n_parts)) != 0) {
		rc = fail(why, rc, "the store is unavailable; try again");
		goto out;
	}
	if (w->n_parts + req->n_rpps > INCIDENT_PARTS_MAX) {
		rc = fail(why, VG_ETOOBIG, "an incident has at most 256 scope parts");
		goto out;
	}
	all = calloc(w->n_parts + req->n_rpps, sizeof(*all));
	if (!all) {
		rc = fail(why, VG_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = resolve(c, req, all + w->n_parts, why)) != 0)
		goto out;
	for (size_t i = 0; i < w->n_parts; i++) {
		const struct store_scope *s = &w->parts[i];

		all[i] = (struct affected_part){ s->pro_id, s->from_ms, s->to_ms, s->ip };
		for (size_t j = 0; j < req->n_rpps; j++) {
			const struct affected_part *p = &all[w->n_parts + j];

			if (scope_parts_overlap(s->pro_id, s->from_ms, s->to_ms, s->ip, p->pro_id,
			                        p->from_ms, p->to_ms, p->ip)) {
				snprintf(why, BODY_WHY_MAX,
				         "the account %s over this window is already in the "
				         "scope (part %d): nothing was added",
				         req->rpps[j], s->seq);
				rc = VG_EEXIST;
				goto out;
			}
		}
	}
	n = w->n_parts + req->n_rpps;
	if ((rc = count_of(c, all, n, &persons)) != 0) {
		rc = uncountable(why, rc);
		goto out;
	}
	if ((rc = store_begin(c->st)) != 0) {
		rc = fail(why, rc, "the store is unavailable; try again");
		goto out;
	}
	rc = put_parts(c, id, req, all + w->n_parts);
	rc = finish(c, rc, "incident.widen", id, persons, why);
out:
	free(all);
	free(w);
	return rc;
}

int incident_close(struct incident_ctx *c, int64_t id, char why[BODY_WHY_MAX])
{
	struct store_incident x;
	int rc = store_incident_get(c->st, id, &x);

	if (rc != 0)
		return fail(why, rc,
		            rc == VG_ENOTFOUND ? "no such incident" : "the store is unavailable");
	if (x.status != INCIDENT_OPEN)
		return fail(why, VG_EDENIED, "this incident is already closed");
	if ((rc = store_begin(c->st)) != 0)
		return fail(why, rc, "the store is unavailable; try again");
	rc = store_incident_close(c->st, id, c->now_ms, c->by);
	return finish(c, rc, "incident.close", id, 0, why);
}

int incident_record(struct incident_ctx *c, int64_t id, const char *route, int64_t persons)
{
	struct store_incident x;
	int rc = store_incident_get(c->st, id, &x);

	return rc != 0 ? rc : journal_act(c, route, id, persons);
}

int incident_load(struct store *st, const struct vault *v, int64_t id, struct incident_view *out)
{
	struct affected_part *parts = NULL;
	struct store_pro p;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_incident_get(st, id, &out->inc)) != 0)
		return rc;
	if ((rc = store_scopes(st, id, out->parts, INCIDENT_PARTS_MAX, &out->n_parts)) != 0)
		return rc;
	parts = calloc(out->n_parts ? out->n_parts : 1, sizeof(*parts));
	if (!parts)
		return VG_ENOMEM;
	for (size_t i = 0; i < out->n_parts; i++) {
		const struct store_scope *s = &out->parts[i];

		parts[i] = (struct affected_part){ s->pro_id, s->from_ms, s->to_ms, s->ip };
		if (store_pro_get_id(st, s->pro_id, &p) == 0)
			memcpy(out->part_rpps[i], p.rpps, sizeof(p.rpps));
		sodium_memzero(&p, sizeof(p));
	}
	rc = affected_compute(st, v, parts, out->n_parts, &out->set);
	free(parts);
	return rc;
}

void incident_view_release(struct incident_view *out)
{
	affected_free(out->set);
	out->set = NULL;
}
