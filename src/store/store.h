/*
 * store.h - vigie's one storage interface.
 *
 * A backend fills a struct store_ops (store_sqlite.c today; store_pg.c is meant
 * to be one more file). Callers use the store_* wrappers below, never a
 * backend's own functions.
 *
 * Invariants:
 *  (a) the store never sees a personal field in clear: insured rows hold
 *      blind indexes and vault-sealed blobs only (see crypto/vault.h);
 *  (b) every function is safe to call from several threads at once on one
 *      struct store (a backend keeps one connection per thread);
 *  (c) functions return 0 or a negative enum vg_err; VG_ENOTFOUND when a
 *      looked-up row does not exist.
 */
#ifndef VIGIE_STORE_STORE_H
#define VIGIE_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "core/access.h"
#include "core/err.h"
#include "core/hours.h"
#include "core/record.h"
#include "crypto/vault.h"

#define STORE_SEALED_MAX (RECORD_PACK_MAX + VAULT_OVERHEAD)
#define STORE_MATCH_MAX  8 /* most people one NIR can match (insured + dependants) */

/* An insured person as stored: blind index, public pseudonym, sealed groups. */
struct store_insured {
	int64_t id;
	uint8_t nir_bidx[VAULT_BIDX];
	uint8_t pid[VAULT_BIDX]; /* pseudonymous id shown in FHIR (hex) */
	uint8_t ident[STORE_SEALED_MAX];
	size_t ident_len;
	uint8_t contact[STORE_SEALED_MAX];
	size_t contact_len;
	uint8_t rights[STORE_SEALED_MAX];
	size_t rights_len;
	uint8_t card_pk[32];         /* Ed25519 public key of the patient's card */
	uint8_t patient[VAULT_BIDX]; /* the access pseudonym (VAULT_D_ACCESS of the NIR) */
	int has_patient;             /* 0: a row from before the pseudonym was stored */
};

/* A professional and their account. RPPS directory data is public; the TOTP secret is sealed. */
struct store_pro {
	int64_t id;
	char rpps[12];
	int kind; /* enum pro_kind */
	char family[64];
	char given[64];
	char dept[4]; /* practice department */
	char city[64];
	char pwhash[128]; /* Argon2id string (crypto_pwhash_str) */
	uint8_t totp_sealed[64 + VAULT_OVERHEAD];
	size_t totp_sealed_len;
	int64_t totp_last_step; /* last accepted TOTP counter: a code is accepted once */
	int32_t failed;         /* consecutive failed logins */
	int64_t locked_until;   /* unix seconds; 0 = not locked */
	int32_t suspended;      /* 1: no login until an operator reinstates */
	int32_t role;           /* enum pro_role */
	int hours_set;          /* 0: hours unknown, judged by the profession's usual ones */
	struct hours hours;     /* opening hours and on-call rota (core/hours.h) */
};

/* Something a professional must be told (the e-mail issue sends them). */
#define NOTICE_DETAIL_MAX 512
struct store_notice {
	int64_t id;
	int64_t pro_id;
	int64_t t;                         /* unix seconds */
	char kind[24];                     /* "new_client", "suspended", "reinstated" */
	uint8_t detail[NOTICE_DETAIL_MAX]; /* vault-sealed JSON ("notice", "detail", pro_id) */
	size_t detail_len;
};

/* Who a session belongs to: a professional, or an insured person's online account. */
enum session_kind { SESSION_PRO = 0, SESSION_INSURED = 1 };

struct store_session {
	uint8_t token_hash[VAULT_BIDX];
	int kind;        /* enum session_kind */
	int64_t pro_id;  /* the subject: pro id, or insured account id */
	int64_t created; /* unix seconds */
	int64_t last_used;
	int64_t expires; /* absolute expiry */
	char ip[46];     /* address the session was opened from */
};

/*
 * An insured person's online account (id = the insured row's id). Login is
 * by NIR or e-mail, both as blind indexes; `patient` is the access
 * pseudonym (VAULT_D_ACCESS of the NIR) under which their accesses are
 * journaled.
 */
#define STORE_RECOVERY_N      10 /* recovery codes of a second factor */
#define STORE_RECOVERY_SEALED (STORE_RECOVERY_N * VAULT_BIDX + VAULT_OVERHEAD)
struct store_account {
	int64_t id;
	uint8_t nir_bidx[VAULT_BIDX];
	uint8_t email_bidx[VAULT_BIDX];
	uint8_t patient[VAULT_BIDX];
	char pwhash[128];
	int32_t failed;
	int64_t locked_until;
	/* The second factor: a TOTP secret (sealed: "account", "totp", id), pending until on. */
	uint8_t totp_sealed[64 + VAULT_OVERHEAD];
	size_t totp_sealed_len; /* 0: none */
	int32_t totp_on;        /* 1: confirmed, asked at login and for sensitive acts */
	int64_t totp_last_step; /* a code is accepted once */
	/* Keyed hashes of the recovery codes (zeros once used), sealed ("account", "recovery"). */
	uint8_t recovery_sealed[STORE_RECOVERY_SEALED];
	size_t recovery_sealed_len;
	int64_t owner_lock_ms; /* 0, or when the owner (or an operator) locked it: no login */
	int32_t alerts;        /* 1: the owner is e-mailed at every access to their record */
	int32_t pw_short;      /* 1: the password is only long enough with a second factor */
	int64_t created_ms, pw_changed_ms;
	int32_t pw_failed; /* wrong current passwords and codes given to a session (sensitive acts) */
};

/*
 * A one-time code sent by post or e-mail: enrolment (activation), password
 * reset, or the confirmation of a login from a client the account never used.
 */
enum code_purpose { CODE_ENROL = 1, CODE_RESET = 2, CODE_LOGIN = 3 };
enum code_channel { CODE_LETTER = 1, CODE_EMAIL = 2 };
struct store_code {
	int64_t id;
	int64_t insured_id;
	int purpose;              /* enum code_purpose */
	int channel;              /* enum code_channel */
	uint8_t hash[VAULT_BIDX]; /* keyed hash (VAULT_D_MESSAGE) of the canonical code */
	int64_t created_ms, expires_ms, used_ms;
	int32_t failures;
};

/*
 * An event of an insured account (activity, and what the owner is e-mailed):
 * "login", "login_failed", "new_client", "password_changed", "access"... The
 * detail (address, client, what happened) is JSON sealed ("event", "detail",
 * account id). mail: 0 nothing to send, 1 to be e-mailed, 2 sent, 3 failed.
 */
#define EVENT_DETAIL_MAX 768
enum event_mail { MAIL_NONE = 0, MAIL_PENDING = 1, MAIL_SENT = 2, MAIL_FAILED = 3 };
struct store_event {
	int64_t id;
	int64_t account_id;
	int64_t t_ms;
	char kind[24];
	uint8_t detail[EVENT_DETAIL_MAX + VAULT_OVERHEAD];
	size_t detail_len;
	int mail; /* enum event_mail */
	int attempts;
	int64_t message_id; /* the e-mail sent for it (store_message), 0 before */
};

/* "I did not visit this pharmacy on that day": a person's report on one access to them. */
#define STORE_MISUSE_MAX (2000 + VAULT_OVERHEAD)
struct store_misuse {
	int64_t id;
	int64_t account_id;
	int64_t t_ms;
	int64_t access_idx;             /* the journal entry reported */
	uint8_t body[STORE_MISUSE_MAX]; /* sealed ("misuse", "body", id): the person's words */
	size_t body_len;
};

/* An incident (vigie incident, /admin/incidents): an operator's case about stolen accounts. */
enum incident_status { INCIDENT_OPEN = 0, INCIDENT_CLOSED = 1 };

struct store_incident {
	int64_t id;
	int64_t opened_ms, opened_by; /* when, and which operator account */
	int64_t closed_ms, closed_by; /* 0 while open */
	int status;                   /* enum incident_status */
	char title[128];
};

/* One part of an incident's scope: a professional account over a window, maybe one address. */
struct store_scope {
	int64_t incident_id;
	int seq; /* 0, 1, ... in the order they were added */
	int64_t pro_id;
	int64_t from_ms, to_ms; /* [from, to) */
	char ip[46];            /* "": any address */
	int64_t added_ms, added_by;
};

/*
 * A message vigie sent (e-mail, letter, SMS text): its code's keyed hash
 * (VAULT_D_MESSAGE, never the code itself), whom, how, when, and the full
 * text sealed (table "message", column "body", the row's id).
 */
#define STORE_MESSAGE_MAX (6144 + VAULT_OVERHEAD)
struct store_message {
	int64_t id; /* chosen by the caller (random), before sealing */
	uint8_t code[VAULT_BIDX];
	int64_t person_id; /* the insured person (0: nobody, e.g. a test message) */
	int64_t campaign_id;
	int64_t created_ms;
	char channel[8]; /* "email", "letter", "sms" */
	char subject[128];
	uint8_t body[STORE_MESSAGE_MAX];
	size_t body_len;
};

/* A suspicious message someone reported (POST /report-phishing), sealed ("report", "body", id). */
#define STORE_REPORT_MAX (8192 + VAULT_OVERHEAD)
struct store_report {
	int64_t id; /* chosen by the caller: growing with time (t_ms * 10^6 + random) */
	int64_t t_ms;
	char channel[16]; /* "sms", "email", "phone", "letter", "other" */
	uint8_t body[STORE_REPORT_MAX];
	size_t body_len;
};

/* A notification campaign and its outbox: one row per person, with its state. */
enum outbox_state { OUTBOX_PENDING = 0, OUTBOX_SENDING = 1, OUTBOX_SENT = 2, OUTBOX_FAILED = 3 };

struct store_campaign {
	int64_t id;
	int64_t incident_id;
	char channel[8]; /* "email" or "letter" */
	int64_t created_ms, created_by, total;
	int64_t done_ms; /* 0 until every row is sent or failed */
};

struct store_outbox {
	int64_t campaign_id, person_id;
	int state; /* enum outbox_state */
	int attempts;
	int64_t message_id; /* the message sent (or being sent), 0 before */
	int64_t updated_ms;
};

/* An access row, for incident scopes (store_access_of_pro); borrowed for the call. */
typedef int (*store_access_fn)(void *ctx, const struct access_sealed *a);

struct store;

struct store_ops {
	const char *name;
	void (*close)(struct store *s);
	int (*begin)(struct store *s);
	int (*commit)(struct store *s);
	int (*rollback)(struct store *s);
	int (*meta_get)(struct store *s, const char *key, char *val, size_t cap);
	int (*meta_set)(struct store *s, const char *key, const char *val);
	int (*insured_put)(struct store *s, const struct store_insured *r);
	int (*insured_find)(struct store *s, const uint8_t nir_bidx[VAULT_BIDX],
	                    struct store_insured *out, size_t cap, size_t *n);
	int (*insured_count)(struct store *s, int64_t *n);
	int (*pro_put)(struct store *s, struct store_pro *p);
	int (*pro_get)(struct store *s, const char *rpps, struct store_pro *out);
	int (*pro_get_id)(struct store *s, int64_t id, struct store_pro *out);
	int (*pro_set_auth)(struct store *s, int64_t id, int32_t failed, int64_t locked_until,
	                    int64_t totp_last_step);
	int (*pro_count)(struct store *s, int64_t *n);
	int (*pro_set_suspended)(struct store *s, int64_t id, int32_t suspended);
	int (*pro_set_secrets)(struct store *s, const struct store_pro *p);
	int (*pro_suspended)(struct store *s, struct store_pro *out, size_t cap, size_t *n);
	int (*pro_set_hours)(struct store *s, int64_t id, int hours_set, const struct hours *h);
	int (*client_seen)(struct store *s, int64_t pro_id, const uint8_t client[VAULT_BIDX],
	                   int64_t t, int *is_new);
	int (*notice_put)(struct store *s, const struct store_notice *x);
	int (*notice_list)(struct store *s, int64_t pro_id, int64_t before,
	                   struct store_notice *out, size_t cap, size_t *n);
	int (*session_delete_subject)(struct store *s, int kind, int64_t subject);
	int (*session_put)(struct store *s, const struct store_session *ss);
	int (*session_get)(struct store *s, int kind, const uint8_t token_hash[VAULT_BIDX],
	                   struct store_session *out);
	int (*session_touch)(struct store *s, int kind, const uint8_t token_hash[VAULT_BIDX],
	                     int64_t t);
	int (*session_delete)(struct store *s, int kind, const uint8_t token_hash[VAULT_BIDX]);
	int (*session_purge)(struct store *s, int64_t now, int64_t idle);
	int (*account_put)(struct store *s, const struct store_account *a);
	int (*account_find)(struct store *s, int by_email, const uint8_t bidx[VAULT_BIDX],
	                    struct store_account *out, size_t cap, size_t *n);
	int (*account_get)(struct store *s, int64_t id, struct store_account *out);
	int (*account_set_auth)(struct store *s, int64_t id, int32_t failed, int64_t locked_until);
	int (*access_put)(struct store *s, const struct access_sealed *recs, size_t n);
	int (*access_count)(struct store *s, int64_t *n);
	int (*access_last)(struct store *s, int64_t *idx);
	int (*access_by_patient)(struct store *s, const uint8_t patient[VAULT_BIDX], int64_t before,
	                         struct access_sealed *out, size_t cap, size_t *n);
	int (*backup)(struct store *s, const char *path);
	int (*insured_get)(struct store *s, int64_t id, struct store_insured *out);
	int (*insured_ids_by_patient)(struct store *s, const uint8_t patient[VAULT_BIDX],
	                              int64_t *ids, size_t cap, size_t *n);
	int (*insured_without_patient)(struct store *s, int64_t after, struct store_insured *out,
	                               size_t cap, size_t *n);
	int (*insured_set_patient)(struct store *s, int64_t id, const uint8_t patient[VAULT_BIDX]);
	int (*access_of_pro)(struct store *s, int64_t pro_id, int64_t from_ms, int64_t to_ms,
	                     store_access_fn fn, void *ctx);
	int (*incident_put)(struct store *s, struct store_incident *x);
	int (*incident_get)(struct store *s, int64_t id, struct store_incident *out);
	int (*incident_list)(struct store *s, struct store_incident *out, size_t cap, size_t *n);
	int (*incident_close)(struct store *s, int64_t id, int64_t t_ms, int64_t by);
	int (*scope_put)(struct store *s, struct store_scope *x);
	int (*scopes)(struct store *s, int64_t incident_id, struct store_scope *out, size_t cap,
	              size_t *n);
	int (*message_put)(struct store *s, const struct store_message *m);
	int (*message_by_code)(struct store *s, const uint8_t code[VAULT_BIDX],
	                       struct store_message *out);
	int (*messages_of)(struct store *s, int64_t person_id, struct store_message *out,
	                   size_t cap, size_t *n);
	int (*report_put)(struct store *s, const struct store_report *x);
	int (*reports)(struct store *s, int64_t before, struct store_report *out, size_t cap,
	               size_t *n);
	int (*campaign_put)(struct store *s, struct store_campaign *c, const int64_t *persons,
	                    size_t n, int64_t *added);
	int (*campaign_find)(struct store *s, int64_t incident_id, const char *channel,
	                     struct store_campaign *out);
	int (*message_get)(struct store *s, int64_t id, struct store_message *out);
	int (*campaign_get)(struct store *s, int64_t id, struct store_campaign *out);
	int (*campaign_done)(struct store *s, int64_t id, int64_t t_ms);
	int (*outbox_next)(struct store *s, int64_t campaign_id, int64_t after_person,
	                   struct store_outbox *out, size_t cap, size_t *n);
	int (*outbox_set)(struct store *s, const struct store_outbox *o);
	int (*outbox_counts)(struct store *s, int64_t campaign_id, int64_t counts[4]);
	/* The insured person's own account (issue "the insured person's own account"). */
	int (*account_update)(struct store *s, const struct store_account *a);
	int (*account_alerting)(struct store *s, int64_t after, struct store_account *out,
	                        size_t cap, size_t *n);
	int (*sessions_of)(struct store *s, int kind, int64_t subject, struct store_session *out,
	                   size_t cap, size_t *n);
	int (*iclient_seen)(struct store *s, int64_t account_id, const uint8_t client[VAULT_BIDX],
	                    int64_t t, int *is_new);
	int (*iclient_known)(struct store *s, int64_t account_id, const uint8_t client[VAULT_BIDX],
	                     int *known);
	int (*code_put)(struct store *s, struct store_code *c);
	int (*code_live)(struct store *s, int64_t insured_id, int purpose, int64_t now_ms,
	                 struct store_code *out);
	int (*code_set)(struct store *s, const struct store_code *c);
	int (*event_put)(struct store *s, struct store_event *e);
	int (*events_of)(struct store *s, int64_t account_id, int with_access, int64_t before,
	                 struct store_event *out, size_t cap, size_t *n);
	int (*events_to_mail)(struct store *s, int64_t after, struct store_event *out, size_t cap,
	                      size_t *n);
	int (*event_mailed)(struct store *s, const struct store_event *e);
	int (*block_set)(struct store *s, int64_t insured_id, int64_t pro_id, int on, int64_t t_ms);
	int (*blocks_of)(struct store *s, int64_t insured_id, int64_t *pro_ids, int64_t *t_ms,
	                 size_t cap, size_t *n);
	int (*blocks_all)(struct store *s, int64_t after_insured, int64_t after_pro,
	                  int64_t *insured_ids, int64_t *pro_ids, size_t cap, size_t *n);
	int (*card_set)(struct store *s, int64_t insured_id, const uint8_t pk[32],
	                int64_t opposed_ms);
	int (*cards_opposed)(struct store *s, int64_t since_ms, int64_t after, int64_t *ids,
	                     int64_t *opposed_ms, size_t cap, size_t *n);
	int (*misuse_put)(struct store *s, struct store_misuse *m);
	int (*misuse_list)(struct store *s, int64_t account_id, int64_t before,
	                   struct store_misuse *out, size_t cap, size_t *n);
	int (*access_get)(struct store *s, int64_t idx, struct access_sealed *out);
};

struct store {
	const struct store_ops *ops;
};

/*
 * Open (creating if needed, with the schema) the SQLite database at path.
 * *out is owned by the caller: store_close. Returns 0, VG_EIO or VG_ECORRUPT.
 */
VG_MUST_USE int store_sqlite_open(const char *path, struct store **out);

/* clang-format off: one-line wrappers, one a line */
/* Wrappers: see struct store_ops. */
static inline void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}
VG_MUST_USE static inline int store_begin(struct store *s)
{
	return s->ops->begin(s);
}
VG_MUST_USE static inline int store_commit(struct store *s)
{
	return s->ops->commit(s);
}
VG_MUST_USE static inline int store_rollback(struct store *s)
{
	return s->ops->rollback(s);
}
/* Copy the value of key (NUL-terminated) into val; VG_ENOTFOUND, VG_ETOOBIG. */
VG_MUST_USE static inline int store_meta_get(struct store *s, const char *k, char *v, size_t cap)
{
	return s->ops->meta_get(s, k, v, cap);
}
VG_MUST_USE static inline int store_meta_set(struct store *s, const char *k, const char *v)
{
	return s->ops->meta_set(s, k, v);
}
/* Insert an insured row with its given id; VG_EEXIST if the id is taken. */
VG_MUST_USE static inline int store_insured_put(struct store *s, const struct store_insured *r)
{
	return s->ops->insured_put(s, r);
}
/*
 * Every row with this NIR blind index, up to cap, in id order; *n is set (0 is
 * not an error). Reads a snapshot at most 100 ms old (rows are written by
 * `vigie seed`, not while serving): a row inserted just now may be missed.
 */
VG_MUST_USE static inline int store_insured_find(struct store *s, const uint8_t b[VAULT_BIDX],
                                                 struct store_insured *out, size_t cap, size_t *n)
{
	return s->ops->insured_find(s, b, out, cap, n);
}
VG_MUST_USE static inline int store_insured_count(struct store *s, int64_t *n)
{
	return s->ops->insured_count(s, n);
}
/* Insert a professional; p->id is set to the new id. VG_EEXIST if the RPPS exists. */
VG_MUST_USE static inline int store_pro_put(struct store *s, struct store_pro *p)
{
	return s->ops->pro_put(s, p);
}
VG_MUST_USE static inline int store_pro_get(struct store *s, const char *rpps, struct store_pro *o)
{
	return s->ops->pro_get(s, rpps, o);
}
VG_MUST_USE static inline int store_pro_get_id(struct store *s, int64_t id, struct store_pro *o)
{
	return s->ops->pro_get_id(s, id, o);
}
VG_MUST_USE static inline int store_pro_set_auth(struct store *s, int64_t id, int32_t failed,
                                                 int64_t locked_until, int64_t totp_last_step)
{
	return s->ops->pro_set_auth(s, id, failed, locked_until, totp_last_step);
}
VG_MUST_USE static inline int store_pro_count(struct store *s, int64_t *n)
{
	return s->ops->pro_count(s, n);
}
/* Suspend (1) or reinstate (0) a professional's account. */
/* Write p's password hash, sealed TOTP secret and last TOTP step (a change of credentials). */
VG_MUST_USE static inline int store_pro_set_secrets(struct store *s, const struct store_pro *p)
{
	return s->ops->pro_set_secrets(s, p);
}

VG_MUST_USE static inline int store_pro_set_suspended(struct store *s, int64_t id, int32_t on)
{
	return s->ops->pro_set_suspended(s, id, on);
}
/* The suspended accounts, by id, at most cap; *n is set. */
VG_MUST_USE static inline int store_pro_suspended(struct store *s, struct store_pro *out,
                                                  size_t cap, size_t *n)
{
	return s->ops->pro_suspended(s, out, cap, n);
}
/*
 * Set a professional's opening hours (hours_set 0: the profession's usual
 * ones) and rota (h->rota_*). VG_ENOTFOUND when there is no such id.
 */
VG_MUST_USE static inline int store_pro_set_hours(struct store *s, int64_t id, int hours_set,
                                                  const struct hours *h)
{
	return s->ops->pro_set_hours(s, id, hours_set, h);
}
/* Remember that pro_id used client (a keyed hash); *is_new is 1 the first time. */
VG_MUST_USE static inline int store_client_seen(struct store *s, int64_t pro_id,
                                                const uint8_t c[VAULT_BIDX], int64_t t, int *is_new)
{
	return s->ops->client_seen(s, pro_id, c, t, is_new);
}
VG_MUST_USE static inline int store_notice_put(struct store *s, const struct store_notice *x)
{
	return s->ops->notice_put(s, x);
}
/* A professional's notices with id < before (INT64_MAX: newest), newest first, at most cap. */
VG_MUST_USE static inline int store_notice_list(struct store *s, int64_t pro_id, int64_t before,
                                                struct store_notice *out, size_t cap, size_t *n)
{
	return s->ops->notice_list(s, pro_id, before, out, cap, n);
}
/* End every session of one subject (revocation on suspension). */
VG_MUST_USE static inline int store_session_delete_subject(struct store *s, int kind,
                                                           int64_t subject)
{
	return s->ops->session_delete_subject(s, kind, subject);
}
VG_MUST_USE static inline int store_session_put(struct store *s, const struct store_session *x)
{
	return s->ops->session_put(s, x);
}
/* Sessions of one kind (enum session_kind); put takes it from x->kind. */
VG_MUST_USE static inline int store_session_get(struct store *s, int kind,
                                                const uint8_t h[VAULT_BIDX],
                                                struct store_session *o)
{
	return s->ops->session_get(s, kind, h, o);
}
VG_MUST_USE static inline int store_session_touch(struct store *s, int kind,
                                                  const uint8_t h[VAULT_BIDX], int64_t t)
{
	return s->ops->session_touch(s, kind, h, t);
}
VG_MUST_USE static inline int store_session_delete(struct store *s, int kind,
                                                   const uint8_t h[VAULT_BIDX])
{
	return s->ops->session_delete(s, kind, h);
}
/* Delete sessions (both kinds) past their absolute expiry or idle for more than idle seconds. */
VG_MUST_USE static inline int store_session_purge(struct store *s, int64_t now, int64_t idle)
{
	return s->ops->session_purge(s, now, idle);
}
/* Insert an insured account; VG_EEXIST if its id or e-mail index is taken. */
VG_MUST_USE static inline int store_account_put(struct store *s, const struct store_account *a)
{
	return s->ops->account_put(s, a);
}
/* Accounts with this NIR (by_email 0) or e-mail (by_email 1) blind index, up to cap. */
VG_MUST_USE static inline int store_account_find(struct store *s, int by_email,
                                                 const uint8_t b[VAULT_BIDX],
                                                 struct store_account *out, size_t cap, size_t *n)
{
	return s->ops->account_find(s, by_email, b, out, cap, n);
}
VG_MUST_USE static inline int store_account_get(struct store *s, int64_t id,
                                                struct store_account *o)
{
	return s->ops->account_get(s, id, o);
}
VG_MUST_USE static inline int store_account_set_auth(struct store *s, int64_t id, int32_t failed,
                                                     int64_t locked_until)
{
	return s->ops->account_set_auth(s, id, failed, locked_until);
}
/*
 * Append n access records (sealed as in the journal's log, core/access.h) in
 * one transaction; an idx already stored is left as it is.
 */
VG_MUST_USE static inline int store_access_put(struct store *s, const struct access_sealed *r,
                                               size_t n)
{
	return s->ops->access_put(s, r, n);
}
VG_MUST_USE static inline int store_access_count(struct store *s, int64_t *n)
{
	return s->ops->access_count(s, n);
}
/* The highest journal index stored, or -1 when none. */
VG_MUST_USE static inline int store_access_last(struct store *s, int64_t *idx)
{
	return s->ops->access_last(s, idx);
}
/*
 * A patient's accesses, newest first, with idx < before (INT64_MAX: from the
 * newest), at most cap into out; *n is set.
 */
VG_MUST_USE static inline int store_access_by_patient(struct store *s, const uint8_t p[VAULT_BIDX],
                                                      int64_t before, struct access_sealed *out,
                                                      size_t cap, size_t *n)
{
	return s->ops->access_by_patient(s, p, before, out, cap, n);
}
/* A consistent online copy of the data to path and of the access records to path + "-access". */
VG_MUST_USE static inline int store_backup(struct store *s, const char *path)
{
	return s->ops->backup(s, path);
}

/* The whole row of insured person id, contact included (not the lookup path). */
VG_MUST_USE static inline int store_insured_get(struct store *s, int64_t id,
                                                struct store_insured *o)
{
	return s->ops->insured_get(s, id, o);
}
/* The ids of everyone under one access pseudonym (a NIR: the insured, dependants), in order. */
VG_MUST_USE static inline int store_insured_ids_by_patient(struct store *s,
                                                           const uint8_t p[VAULT_BIDX],
                                                           int64_t *ids, size_t cap, size_t *n)
{
	return s->ops->insured_ids_by_patient(s, p, ids, cap, n);
}
/* Rows written before the access pseudonym was stored (id > after, id order): ident only. */
VG_MUST_USE static inline int store_insured_without_patient(struct store *s, int64_t after,
                                                            struct store_insured *o, size_t cap,
                                                            size_t *n)
{
	return s->ops->insured_without_patient(s, after, o, cap, n);
}
VG_MUST_USE static inline int store_insured_set_patient(struct store *s, int64_t id,
                                                        const uint8_t p[VAULT_BIDX])
{
	return s->ops->insured_set_patient(s, id, p);
}
/* Every access row of pro_id with from_ms <= t_ms < to_ms, in time order, through fn (non-zero stops). */
VG_MUST_USE static inline int store_access_of_pro(struct store *s, int64_t pro_id, int64_t from_ms,
                                                  int64_t to_ms, store_access_fn fn, void *ctx)
{
	return s->ops->access_of_pro(s, pro_id, from_ms, to_ms, fn, ctx);
}
/* Incidents: put sets x->id; list is newest first; close is VG_ENOTFOUND when not open. */
VG_MUST_USE static inline int store_incident_put(struct store *s, struct store_incident *x)
{
	return s->ops->incident_put(s, x);
}
VG_MUST_USE static inline int store_incident_get(struct store *s, int64_t id,
                                                 struct store_incident *o)
{
	return s->ops->incident_get(s, id, o);
}
VG_MUST_USE static inline int store_incident_list(struct store *s, struct store_incident *o,
                                                  size_t cap, size_t *n)
{
	return s->ops->incident_list(s, o, cap, n);
}
VG_MUST_USE static inline int store_incident_close(struct store *s, int64_t id, int64_t t,
                                                   int64_t by)
{
	return s->ops->incident_close(s, id, t, by);
}
/* A scope part: put sets x->seq (the next one); scopes lists them in order. */
VG_MUST_USE static inline int store_scope_put(struct store *s, struct store_scope *x)
{
	return s->ops->scope_put(s, x);
}
VG_MUST_USE static inline int store_scopes(struct store *s, int64_t incident, struct store_scope *o,
                                           size_t cap, size_t *n)
{
	return s->ops->scopes(s, incident, o, cap, n);
}
/* Messages: VG_EEXIST when the id or the code is taken (draw another). */
VG_MUST_USE static inline int store_message_put(struct store *s, const struct store_message *m)
{
	return s->ops->message_put(s, m);
}
VG_MUST_USE static inline int store_message_by_code(struct store *s, const uint8_t c[VAULT_BIDX],
                                                    struct store_message *o)
{
	return s->ops->message_by_code(s, c, o);
}
/* A person's messages, newest first, up to cap. */
VG_MUST_USE static inline int store_messages_of(struct store *s, int64_t person,
                                                struct store_message *o, size_t cap, size_t *n)
{
	return s->ops->messages_of(s, person, o, cap, n);
}
VG_MUST_USE static inline int store_report_put(struct store *s, const struct store_report *x)
{
	return s->ops->report_put(s, x);
}
/* Reports with id < before (INT64_MAX: the newest), by id downwards: newest first. */
VG_MUST_USE static inline int store_reports(struct store *s, int64_t before, struct store_report *o,
                                            size_t cap, size_t *n)
{
	return s->ops->reports(s, before, o, cap, n);
}
/*
 * The campaign of (c->incident_id, c->channel), created if it has none, and
 * a pending outbox row for each of persons[0..n) not in it yet (*added of
 * them), in one transaction; c is read back (id, total, done_ms: 0 if rows
 * were added). One campaign per incident and channel: nobody gets two.
 */
VG_MUST_USE static inline int store_campaign_put(struct store *s, struct store_campaign *c,
                                                 const int64_t *persons, size_t n, int64_t *added)
{
	return s->ops->campaign_put(s, c, persons, n, added);
}
VG_MUST_USE static inline int store_campaign_find(struct store *s, int64_t incident, const char *ch,
                                                  struct store_campaign *o)
{
	return s->ops->campaign_find(s, incident, ch, o);
}
VG_MUST_USE static inline int store_message_get(struct store *s, int64_t id,
                                                struct store_message *o)
{
	return s->ops->message_get(s, id, o);
}
VG_MUST_USE static inline int store_campaign_get(struct store *s, int64_t id,
                                                 struct store_campaign *o)
{
	return s->ops->campaign_get(s, id, o);
}
VG_MUST_USE static inline int store_campaign_done(struct store *s, int64_t id, int64_t t)
{
	return s->ops->campaign_done(s, id, t);
}
/* Outbox rows not yet sent (pending or sending) with person_id > after, in person order. */
VG_MUST_USE static inline int store_outbox_next(struct store *s, int64_t campaign, int64_t after,
                                                struct store_outbox *o, size_t cap, size_t *n)
{
	return s->ops->outbox_next(s, campaign, after, o, cap, n);
}
/* Write a row's state, attempts and message id (durably: synchronous commit). */
VG_MUST_USE static inline int store_outbox_set(struct store *s, const struct store_outbox *o)
{
	return s->ops->outbox_set(s, o);
}
/* Rows of a campaign by enum outbox_state. */
VG_MUST_USE static inline int store_outbox_counts(struct store *s, int64_t campaign, int64_t c[4])
{
	return s->ops->outbox_counts(s, campaign, c);
}
/* clang-format on */

/* ---- the insured person's own account ---- */
/* clang-format off */
/* Write every mutable column of an account (password, locks, second factor, settings). */
VG_MUST_USE static inline int store_account_update(struct store *s, const struct store_account *a)
{
	return s->ops->account_update(s, a);
}
/* Accounts with alerts on, by id after `after`, at most cap (loading the node's set). */
VG_MUST_USE static inline int store_account_alerting(struct store *s, int64_t after, struct store_account *out, size_t cap, size_t *n)
{
	return s->ops->account_alerting(s, after, out, cap, n);
}
/* The open sessions of a subject, newest first, at most cap. */
VG_MUST_USE static inline int store_sessions_of(struct store *s, int kind, int64_t subject, struct store_session *out, size_t cap, size_t *n)
{
	return s->ops->sessions_of(s, kind, subject, out, cap, n);
}
/* Record that an insured account logged in from client; *is_new is 1 the first time. */
VG_MUST_USE static inline int store_iclient_seen(struct store *s, int64_t account_id, const uint8_t client[VAULT_BIDX], int64_t t, int *is_new)
{
	return s->ops->iclient_seen(s, account_id, client, t, is_new);
}
/* Whether an insured account has logged in from client before (*known 1), without marking it. */
VG_MUST_USE static inline int store_iclient_known(struct store *s, int64_t account_id, const uint8_t client[VAULT_BIDX], int *known)
{
	return s->ops->iclient_known(s, account_id, client, known);
}
/* Insert a one-time code (c->id is set); codes of the same person and purpose before it die. */
VG_MUST_USE static inline int store_code_put(struct store *s, struct store_code *c)
{
	return s->ops->code_put(s, c);
}
/* The person's newest unused, unexpired code of purpose; VG_ENOTFOUND if none. */
VG_MUST_USE static inline int store_code_live(struct store *s, int64_t insured_id, int purpose, int64_t now_ms, struct store_code *out)
{
	return s->ops->code_live(s, insured_id, purpose, now_ms, out);
}
/* Write a code's used_ms and failures. */
VG_MUST_USE static inline int store_code_set(struct store *s, const struct store_code *c)
{
	return s->ops->code_set(s, c);
}
/* Insert an account event (e->id is set). */
VG_MUST_USE static inline int store_event_put(struct store *s, struct store_event *e)
{
	return s->ops->event_put(s, e);
}
/* An account's events with id < before, newest first; "access" ones only if with_access. */
VG_MUST_USE static inline int store_events_of(struct store *s, int64_t account_id, int with_access, int64_t before, struct store_event *out, size_t cap, size_t *n)
{
	return s->ops->events_of(s, account_id, with_access, before, out, cap, n);
}
/* Events waiting to be e-mailed (mail = MAIL_PENDING), by id after `after`. */
VG_MUST_USE static inline int store_events_to_mail(struct store *s, int64_t after, struct store_event *out, size_t cap, size_t *n)
{
	return s->ops->events_to_mail(s, after, out, cap, n);
}
/* Write an event's mail, attempts and message_id. */
VG_MUST_USE static inline int store_event_mailed(struct store *s, const struct store_event *e)
{
	return s->ops->event_mailed(s, e);
}
/* Block (on = 1) or unblock a professional from looking an insured person up. */
VG_MUST_USE static inline int store_block_set(struct store *s, int64_t insured_id, int64_t pro_id, int on, int64_t t_ms)
{
	return s->ops->block_set(s, insured_id, pro_id, on, t_ms);
}
/* The professionals a person blocked, with when, at most cap. */
VG_MUST_USE static inline int store_blocks_of(struct store *s, int64_t insured_id, int64_t *pro_ids, int64_t *t_ms, size_t cap, size_t *n)
{
	return s->ops->blocks_of(s, insured_id, pro_ids, t_ms, cap, n);
}
/* Every block after (after_insured, after_pro), in that order, at most cap (loading the node). */
VG_MUST_USE static inline int store_blocks_all(struct store *s, int64_t after_insured, int64_t after_pro, int64_t *insured_ids, int64_t *pro_ids, size_t cap, size_t *n)
{
	return s->ops->blocks_all(s, after_insured, after_pro, insured_ids, pro_ids, cap, n);
}
/* Set a person's card key (all zeros: none) and when it was opposed (0: kept). */
VG_MUST_USE static inline int store_card_set(struct store *s, int64_t insured_id, const uint8_t pk[32], int64_t opposed_ms)
{
	return s->ops->card_set(s, insured_id, pk, opposed_ms);
}
/* People whose card was opposed at or after since_ms, by id after `after`, at most cap. */
VG_MUST_USE static inline int store_cards_opposed(struct store *s, int64_t since_ms, int64_t after, int64_t *ids, int64_t *opposed_ms, size_t cap, size_t *n)
{
	return s->ops->cards_opposed(s, since_ms, after, ids, opposed_ms, cap, n);
}
/* Insert a misuse report (m->id is set). */
VG_MUST_USE static inline int store_misuse_put(struct store *s, struct store_misuse *m)
{
	return s->ops->misuse_put(s, m);
}
/* Misuse reports with id < before, newest first: one account's (account_id > 0) or all. */
VG_MUST_USE static inline int store_misuse_list(struct store *s, int64_t account_id, int64_t before, struct store_misuse *out, size_t cap, size_t *n)
{
	return s->ops->misuse_list(s, account_id, before, out, cap, n);
}
/* The access row of journal entry idx; VG_ENOTFOUND if it is not (yet) indexed. */
VG_MUST_USE static inline int store_access_get(struct store *s, int64_t idx,
                                               struct access_sealed *out)
{
	return s->ops->access_get(s, idx, out);
}
/* clang-format on */

#endif
