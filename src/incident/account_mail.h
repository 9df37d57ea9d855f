/*
 * account_mail.h - the e-mails of an insured person's own account: what
 * happened on it (a login from a new client, a new password, a second factor
 * turned on or off, a card opposed...), each access to their record when they
 * asked to be told, and password-reset codes. The account's events
 * (store_event) with mail = MAIL_PENDING are its outbox; the node writes them
 * (node/notices.h: ievent_add) and this module sends them.
 *
 * Every e-mail is a message like a campaign's (incident/message.h): French
 * plain text with no link, its own message code that POST /verify confirms,
 * stored (channel "email", campaign 0) so that the person's account shows
 * it. Texts come from incident/texts.h. Nothing a client sent is copied into
 * a text: an address is printed only if it parses as one, a browser is named
 * from a fixed list (account_mail_client), the fields seen are the
 * catalogue's words. A one-time reset code is not kept in the stored copy
 * (message_reveal): only the e-mail carries it.
 *
 * What is guaranteed (one event):
 *   PENDING, no message --(message made; the event keeps its id: one
 *       commit)--> PENDING with message --(the server took it)--> SENT
 *   - at least once, like a campaign's e-mail: a second copy only if the
 *     run died or lost the server's acknowledgement after the server took
 *     it, and byte-identical (same code, same Message-ID "a<id>@domain");
 *   - a 5xx answer: FAILED; a 4xx or no answer: attempts + 1 and the run
 *     stops (the next run tries again); FAILED after ACCOUNT_MAIL_ATTEMPTS;
 *   - FAILED at once, attempts 0, no message made: a person with no usable
 *     e-mail address, an event whose detail or person cannot be read, a
 *     reset code already expired (sending it would only confuse).
 * Runs of one data directory are serialised by cfg->lock_path (flock), so
 * that a server's sender and `vigie notify --account-events` never send one
 * event twice.
 *
 * Layering: incident/ (store, vault, mail); the caller passes the time in.
 * A struct account_mail is for one thread at a time.
 */
#ifndef VIGIE_INCIDENT_ACCOUNT_MAIL_H
#define VIGIE_INCIDENT_ACCOUNT_MAIL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/msgcode.h"
#include "core/record.h"
#include "crypto/vault.h"
#include "store/store.h"

#define ACCOUNT_MAIL_PERIOD_MS  2000  /* the server's sender: a run every 2 s */
#define ACCOUNT_MAIL_ATTEMPTS   5     /* temporary failures before an event is FAILED */
#define ACCOUNT_MAIL_BACKOFF_MS 60000 /* after one, the sender waits 1, 2, 4, 8 min */
#define ACCOUNT_MAIL_CLIENT_MAX 96    /* bytes of a client's description */
#define ACCOUNT_MAIL_LOCK       "account-mail.lock" /* runs take turns on DIR/this file */

/* What an event's e-mail tells, read from its kind and detail (account_mail_facts). */
enum account_mail_access { ACCESS_SHOWN = 0, ACCESS_MINIMISED, ACCESS_REFUSED, ACCESS_BLOCKED };

struct account_mail_facts {
	char kind[24];
	int64_t t_ms;                         /* when it happened (an access: the access's time) */
	char ip[46];                          /* "" when none, or not an address */
	char client[ACCOUNT_MAIL_CLIENT_MAX]; /* the client in words; "" when none was given */
	/* "access" */
	int64_t index; /* journal entry, -1 when none */
	int64_t pro_id;
	char rpps[12];   /* digits only, "" when none */
	uint32_t fields; /* enum affected_field bits */
	int access;      /* enum account_mail_access */
	int pro_known;   /* the professional below was found (account_mail_run fills it) */
	char pro_given[64], pro_family[64], pro_city[64];
	int pro_kind; /* enum pro_kind */
	/* "reset_code" */
	char secret[MSGCODE_TEXT]; /* canonical, "" when none or malformed */
	int64_t expires_ms;
};

/*
 * The facts of an event of kind at t_ms with detail (len bytes of JSON,
 * untrusted: unknown members are ignored, wrong types read as absent).
 * Returns 0, or VG_EINVAL when detail is not a JSON object (out then holds
 * the kind and time only, which still make an e-mail).
 */
VG_MUST_USE int account_mail_facts(const char *kind, int64_t t_ms, const char *detail, size_t len,
                                   struct account_mail_facts *out);

/*
 * A client (a User-Agent, untrusted) in words, from a fixed list: "Firefox
 * sous Windows", "Safari sous iOS", or TXT_ACCT_CLIENT_UNKNOWN. No byte of ua
 * is copied.
 */
void account_mail_client(const char *ua, char out[ACCOUNT_MAIL_CLIENT_MAX]);

/*
 * The e-mail for f to who, with message code code: subject (128 bytes) and
 * the stored copy of the text (cap bytes, NUL-terminated; MESSAGE_TEXT_MAX
 * is always enough): a reset code appears as TXT_SECRET_WITHHELD, which
 * message_reveal replaces by f->secret in the copy sent. Pure.
 */
void account_mail_compose(const struct account_mail_facts *f, const struct insured_ident *who,
                          const char code[MSGCODE_TEXT], char subject[128], char *body, size_t cap);

/*
 * Record an event of account account_id, its detail sealed ("event",
 * "detail", account id) as node/notices.h's ievent_add does, for callers
 * without a node (the command line: vigie enrol --reset --email). e->id set.
 * 0, VG_ETOOBIG (detail over EVENT_DETAIL_MAX), or the vault's or store's error.
 */
VG_MUST_USE int account_event_add(struct store *st, const struct vault *v, int64_t account_id,
                                  int64_t t_ms, const char *kind, const char *detail_json, int mail,
                                  struct store_event *e);

struct account_mail_cfg {
	const char *smtp_url;  /* "smtp://127.0.0.1:25" */
	const char *from;      /* the sender's address */
	const char *lock_path; /* DIR/account-mail.lock: one run at a time; NULL: no lock */
	int lock_wait;         /* 1: wait for the lock (the command line); 0: skip the run */
};

struct account_mail_counts {
	int64_t sent, failed; /* events this run marked SENT, FAILED */
	int64_t retry;        /* temporary failures this run (the event stays PENDING) */
	int skipped;          /* 1: another run held the lock; nothing was done */
};

struct account_mail;

/* A sender for cfg (strings copied). VG_EINVAL (a bad sender address), VG_ENOMEM. */
VG_MUST_USE int account_mail_new(const struct account_mail_cfg *cfg, struct account_mail **out);
/* Accepts NULL. */
void account_mail_free(struct account_mail *am);

/*
 * Send every event waiting (store_events_to_mail), in id order, at now_ms
 * (message dates, expiry of reset codes), until none is left or *stop (may be
 * NULL) is set. c: this run's counts (may be NULL). Returns 0, VG_EBUSY (the
 * mail server did not take a message: the rest wait for the next run),
 * VG_EIO (the lock file), or the store's error.
 */
VG_MUST_USE int account_mail_run(struct account_mail *am, struct store *st, const struct vault *v,
                                 int64_t now_ms, const atomic_int *stop,
                                 struct account_mail_counts *c);

/*
 * The server's sender: a thread that runs account_mail_run every
 * ACCOUNT_MAIL_PERIOD_MS with now_ms(now_arg) (the service clock), backing
 * off after a temporary failure (ACCOUNT_MAIL_BACKOFF_MS, doubling, at most
 * 8 times it). st and v are borrowed until account_mail_stop. 0, VG_EINVAL,
 * VG_ENOMEM.
 */
struct account_mail_thread;
VG_MUST_USE int account_mail_start(struct store *st, const struct vault *v,
                                   const struct account_mail_cfg *cfg, int64_t (*now_ms)(void *arg),
                                   void *now_arg, struct account_mail_thread **out);
/* Stop the thread (a run in progress ends after its message in flight), join it, free. NULL ok. */
void account_mail_stop(struct account_mail_thread *t);

#endif
