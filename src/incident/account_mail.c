/* account_mail.c - see account_mail.h. */
#include "incident/account_mail.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "core/access.h"
#include "core/jw.h"
#include "incident/affected.h"
#include "incident/mail.h"
#include "incident/message.h"
#include "incident/report.h"
#include "incident/texts.h"
#include "sys/log.h"
#include "core/banned.h"

#define EVENTS 32 /* events read at a time */

/* ---- the facts of an event ---- */

static const char *jstr(json_t *o, const char *k)
{
	json_t *x = json_object_get(o, k);

	return json_is_string(x) ? json_string_value(x) : NULL;
}

static int64_t jint(json_t *o, const char *k, int64_t dflt)
{
	json_t *x = json_object_get(o, k);

	return json_is_integer(x) ? (int64_t)json_integer_value(x) : dflt;
}

/* Only an address that parses as one, written back canonically. */
static void ip_words(const char *s, char out[46])
{
	unsigned char bin[16];

	out[0] = '\0';
	if (!s)
		return;
	if (inet_pton(AF_INET, s, bin) == 1)
		VG_IGNORE(inet_ntop(AF_INET, bin, out, 46) == NULL);
	else if (inet_pton(AF_INET6, s, bin) == 1)
		VG_IGNORE(inet_ntop(AF_INET6, bin, out, 46) == NULL);
}

void account_mail_client(const char *ua, char out[ACCOUNT_MAIL_CLIENT_MAX])
{
	/* Most specific first: Edge and Opera say "Chrome", Chrome says "Safari". */
	static const struct {
		const char *token, *name;
	} BROWSERS[] = {
		{ "Edg/", "Edge" },        { "EdgA/", "Edge" },
		{ "EdgiOS/", "Edge" },     { "OPR/", "Opera" },
		{ "Opera", "Opera" },      { "SamsungBrowser/", "Samsung Internet" },
		{ "Firefox/", "Firefox" }, { "FxiOS/", "Firefox" },
		{ "CriOS/", "Chrome" },    { "Chrome/", "Chrome" },
		{ "Safari/", "Safari" },
	};
	static const struct {
		const char *token, *name;
	} SYSTEMS[] = {
		{ "Android", "Android" }, { "iPhone", "iOS" },      { "iPad", "iPadOS" },
		{ "CrOS", "ChromeOS" },   { "Windows", "Windows" }, { "Macintosh", "macOS" },
		{ "Linux", "Linux" },
	};
	const char *b = NULL, *o = NULL;

	for (size_t i = 0; ua && !b && i < sizeof(BROWSERS) / sizeof(BROWSERS[0]); i++)
		if (strstr(ua, BROWSERS[i].token))
			b = BROWSERS[i].name;
	for (size_t i = 0; ua && !o && i < sizeof(SYSTEMS) / sizeof(SYSTEMS[0]); i++)
		if (strstr(ua, SYSTEMS[i].token))
			o = SYSTEMS[i].name;
	if (b && o)
		snprintf(out, ACCOUNT_MAIL_CLIENT_MAX, TXT_ACCT_CLIENT_ON, b, o);
	else
		snprintf(out, ACCOUNT_MAIL_CLIENT_MAX, "%s", b ? b : TXT_ACCT_CLIENT_UNKNOWN);
}

/* The bits of a comma-separated list of the access records' field words. */
static uint32_t fields_of(const char *s)
{
	uint32_t bits = 0;

	while (s && *s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		int f = AFF_OTHER;

		for (int i = 0; i < AFF_OTHER; i++)
			if (strlen(affected_field_name(i)) == n &&
			    memcmp(affected_field_name(i), s, n) == 0)
				f = i;
		if (n > 0)
			bits |= 1u << f;
		s += n + (comma ? 1 : 0);
	}
	return bits;
}

int account_mail_facts(const char *kind, int64_t t_ms, const char *detail, size_t len,
                       struct account_mail_facts *out)
{
	json_t *o = NULL;
	const char *s;

	memset(out, 0, sizeof(*out));
	snprintf(out->kind, sizeof(out->kind), "%s", kind);
	out->t_ms = t_ms;
	out->index = -1;
	if (detail)
		o = json_loadb(detail, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return VG_EINVAL;
	}
	ip_words(jstr(o, "ip"), out->ip);
	if (jstr(o, "client"))
		account_mail_client(jstr(o, "client"), out->client);
	out->index = jint(o, "index", -1);
	out->pro_id = jint(o, "pro_id", 0);
	if ((s = jstr(o, "rpps")) && strlen(s) == 11 && strspn(s, "0123456789") == 11)
		memcpy(out->rpps, s, 12);
	out->fields = fields_of(jstr(o, "fields"));
	s = jstr(o, "decision");
	out->access = !s                           ? ACCESS_REFUSED
	              : strcmp(s, "allow") == 0    ? ACCESS_SHOWN
	              : strcmp(s, "minimise") == 0 ? ACCESS_MINIMISED
	              : strcmp(s, "verify") == 0   ? ACCESS_MINIMISED
	              : strcmp(s, "blocked") == 0  ? ACCESS_BLOCKED
	                                           : ACCESS_REFUSED;
	if (strcmp(kind, "access") == 0 && jint(o, "t_ms", 0) > 0)
		out->t_ms = jint(o, "t_ms", 0);
	if ((s = jstr(o, "code")) && msgcode_parse(s, strlen(s), out->secret) != 0)
		out->secret[0] = '\0';
	out->expires_ms = jint(o, "expires_ms", 0);
	json_decref(o);
	return 0;
}

/* ---- the text ---- */

/*
 * The kinds told in one sentence of when ("... le 01/12/2026 à 15:04 (heure
 * de Paris)."), then where from: 0 and the subject, or -1 (not one of them).
 * One literal format per kind, so that the compiler checks each.
 */
static int short_text(const char *kind, const char *when, char *body, size_t cap, size_t *n,
                      const char **subject)
{
#define KIND(word, s, fmt)                                                                         \
	if (strcmp(kind, word) == 0) {                                                             \
		*subject = s;                                                                      \
		message_addf(body, cap, n, fmt "\n", when);                                        \
		return 0;                                                                          \
	}
	KIND("new_client", TXT_ACCT_NEW_CLIENT_S, TXT_ACCT_NEW_CLIENT)
	KIND("password_changed", TXT_ACCT_PASSWORD_S, TXT_ACCT_PASSWORD)
	KIND("totp_on", TXT_ACCT_TOTP_ON_S, TXT_ACCT_TOTP_ON)
	KIND("totp_off", TXT_ACCT_TOTP_OFF_S, TXT_ACCT_TOTP_OFF)
	KIND("recovery_used", TXT_ACCT_RECOVERY_S, TXT_ACCT_RECOVERY)
	KIND("card_opposed", TXT_ACCT_CARD_S, TXT_ACCT_CARD)
	KIND("locked", TXT_ACCT_LOCKED_S, TXT_ACCT_LOCKED)
	KIND("unlocked", TXT_ACCT_UNLOCKED_S, TXT_ACCT_UNLOCKED)
	KIND("sessions_revoked", TXT_ACCT_SESSIONS_S, TXT_ACCT_SESSIONS)
#undef KIND
	return -1;
}

static void from_line(const struct account_mail_facts *f, char *body, size_t cap, size_t *n)
{
	if (f->ip[0])
		message_addf(body, cap, n, TXT_ACCT_FROM "\n", f->ip,
		             f->client[0] ? f->client : TXT_ACCT_CLIENT_UNKNOWN);
	else if (f->client[0])
		message_addf(body, cap, n, TXT_ACCT_FROM_NO_IP "\n", f->client);
	else
		message_addf(body, cap, n, TXT_ACCT_FROM_NONE "\n");
}

static void access_text(const struct account_mail_facts *f, const char *when, char *body,
                        size_t cap, size_t *n)
{
	char who[300], seen[512];

	if (f->pro_known && f->pro_city[0])
		snprintf(who, sizeof(who), TXT_ACCT_PRO, f->pro_given, f->pro_family,
		         texts_profession(f->pro_kind), f->pro_city);
	else if (f->pro_known)
		snprintf(who, sizeof(who), TXT_ACCT_PRO_NO_CITY, f->pro_given, f->pro_family,
		         texts_profession(f->pro_kind));
	else
		snprintf(who, sizeof(who), TXT_ACCT_PRO_UNKNOWN, f->rpps[0] ? f->rpps : "?");
	switch (f->access) {
	case ACCESS_SHOWN:
	case ACCESS_MINIMISED:
		message_addf(body, cap, n, TXT_ACCT_ACCESS "\n", when, who);
		if (f->fields) {
			texts_fields_phrase(f->fields, seen, sizeof(seen));
			message_addf(body, cap, n, TXT_ACCT_ACCESS_SEEN "\n", seen);
		}
		if (f->access == ACCESS_MINIMISED)
			message_addf(body, cap, n, TXT_ACCT_ACCESS_MINIMISED "\n");
		break;
	case ACCESS_BLOCKED:
		message_addf(body, cap, n, TXT_ACCT_ACCESS_BLOCKED "\n", when, who);
		break;
	default: message_addf(body, cap, n, TXT_ACCT_ACCESS_REFUSED "\n", when, who); break;
	}
	if (f->index >= 0)
		message_addf(body, cap, n, TXT_ACCT_ACCESS_ENTRY "\n", (long long)f->index);
	message_addf(body, cap, n, "\n" TXT_ACCT_ACCESS_NOT_YOU "\n\n");
}

void account_mail_compose(const struct account_mail_facts *f, const struct insured_ident *who,
                          const char code[MSGCODE_TEXT], char subject[128], char *body, size_t cap)
{
	char at[48], when[80], until[48];
	size_t n = 0;

	report_paris(f->t_ms, at);
	snprintf(when, sizeof(when), TXT_ACCT_WHEN, at);
	snprintf(subject, 128, "%s", TXT_ACCT_OTHER_S);
	if (cap == 0)
		return;
	body[0] = '\0';
	message_addf(body, cap, &n, TXT_MSG_HELLO "\n\n", who->given, who->family);
	if (strcmp(f->kind, "access") == 0) {
		snprintf(subject, 128, "%s", TXT_ACCT_ACCESS_S);
		/* It begins the sentence: "Le 01/12/2026 à 15:04 (heure de Paris), ...". */
		when[0] = 'L';
		access_text(f, when, body, cap, &n);
	} else if (strcmp(f->kind, "reset_code") == 0) {
		snprintf(subject, 128, "%s", TXT_ACCT_RESET_S);
		report_paris(f->expires_ms, until);
		/* On its own line, as in a letter (two spaces: not the message code's four). */
		message_addf(body, cap, &n, TXT_ACCT_RESET "\n\n  " TXT_SECRET_WITHHELD "\n\n");
		message_addf(body, cap, &n, TXT_ACCT_RESET_UNTIL "\n\n", until);
		message_addf(body, cap, &n, TXT_ACCT_RESET_HOW "\n\n");
		message_addf(body, cap, &n, TXT_ACCT_RESET_NOT_YOU "\n\n");
		message_addf(body, cap, &n, TXT_ACCT_NEVER_ASK "\n\n");
	} else if (strcmp(f->kind, "login_code") == 0) {
		snprintf(subject, 128, "%s", TXT_ACCT_LOGIN_S);
		/* It begins the sentence: "Le 01/12/2026 à 15:04 (heure de Paris), quelqu'un ...". */
		when[0] = 'L';
		message_addf(body, cap, &n, TXT_ACCT_LOGIN "\n\n  " TXT_SECRET_WITHHELD "\n\n",
		             when);
		from_line(f, body, cap, &n);
		message_addf(body, cap, &n, "\n" TXT_ACCT_LOGIN_HOW "\n\n");
		message_addf(body, cap, &n, TXT_ACCT_LOGIN_NOT_YOU "\n\n");
		message_addf(body, cap, &n, TXT_ACCT_NEVER_ASK "\n\n");
	} else {
		const char *subj = TXT_ACCT_OTHER_S;

		/* A kind this file does not know yet: the generic text, never nothing. */
		if (short_text(f->kind, when, body, cap, &n, &subj) != 0)
			message_addf(body, cap, &n, TXT_ACCT_OTHER "\n", when);
		snprintf(subject, 128, "%s", subj);
		from_line(f, body, cap, &n);
		message_addf(body, cap, &n, "\n" TXT_ACCT_YOU "\n" TXT_ACCT_NOT_YOU "\n\n");
		message_addf(body, cap, &n, TXT_ACCT_NEVER_ASK "\n\n");
	}
	message_closing(body, cap, &n, code);
}

int account_event_add(struct store *st, const struct vault *v, int64_t account_id, int64_t t_ms,
                      const char *kind, const char *detail_json, int mail, struct store_event *e)
{
	size_t len = strlen(detail_json);
	int rc;

	memset(e, 0, sizeof(*e));
	if (len > EVENT_DETAIL_MAX)
		return VG_ETOOBIG;
	e->account_id = account_id;
	e->t_ms = t_ms;
	e->mail = mail;
	snprintf(e->kind, sizeof(e->kind), "%s", kind);
	rc = vault_seal(v, "event", "detail", account_id, (const uint8_t *)detail_json, len,
	                e->detail);
	if (rc != 0)
		return rc;
	e->detail_len = len + VAULT_OVERHEAD;
	return store_event_put(st, e);
}

/* ---- the sender ---- */

struct account_mail {
	struct mailer *mailer;
	char *from, *lock_path;
	int lock_wait;
};

int account_mail_new(const struct account_mail_cfg *cfg, struct account_mail **out)
{
	struct account_mail *am;
	int rc;

	*out = NULL;
	if (!cfg->smtp_url || !cfg->from || !mail_address_ok(cfg->from))
		return VG_EINVAL;
	if (!(am = calloc(1, sizeof(*am))))
		return VG_ENOMEM;
	am->lock_wait = cfg->lock_wait;
	am->from = strdup(cfg->from);
	am->lock_path = cfg->lock_path ? strdup(cfg->lock_path) : NULL;
	rc = !am->from || (cfg->lock_path && !am->lock_path)
	             ? VG_ENOMEM
	             : mailer_new(cfg->smtp_url, cfg->from, &am->mailer);
	if (rc != 0) {
		account_mail_free(am);
		return rc;
	}
	*out = am;
	return 0;
}

void account_mail_free(struct account_mail *am)
{
	if (!am)
		return;
	mailer_free(am->mailer);
	free(am->from);
	free(am->lock_path);
	free(am);
}

/* One event's person and facts, unsealed (wiped after use). */
struct job {
	struct insured_ident ident;
	struct insured_contact contact;
	struct account_mail_facts facts;
};

static int person_load(struct store *st, const struct vault *v, int64_t id, struct job *j)
{
	struct store_insured *s = malloc(sizeof(*s));
	uint8_t pt[STORE_SEALED_MAX];
	int rc;

	if (!s)
		return VG_ENOMEM;
	rc = store_insured_get(st, id, s);
	if (rc == 0 && (s->ident_len < VAULT_OVERHEAD || s->contact_len < VAULT_OVERHEAD))
		rc = VG_ECORRUPT;
	if (rc == 0)
		rc = vault_unseal(v, "insured", "ident", id, s->ident, s->ident_len, pt)
		             ? VG_ECRYPTO
		             : record_unpack_ident(pt, s->ident_len - VAULT_OVERHEAD, &j->ident);
	if (rc == 0)
		rc = vault_unseal(v, "insured", "contact", id, s->contact, s->contact_len, pt)
		             ? VG_ECRYPTO
		             : record_unpack_contact(pt, s->contact_len - VAULT_OVERHEAD,
		                                     &j->contact);
	sodium_memzero(pt, sizeof(pt));
	free(s);
	return rc;
}

static int facts_load(struct store *st, const struct vault *v, const struct store_event *e,
                      struct job *j)
{
	char detail[EVENT_DETAIL_MAX + 1];
	size_t len;
	int rc;

	if (e->detail_len < VAULT_OVERHEAD || e->detail_len - VAULT_OVERHEAD > EVENT_DETAIL_MAX)
		return VG_ECORRUPT;
	len = e->detail_len - VAULT_OVERHEAD;
	if (vault_unseal(v, "event", "detail", e->account_id, e->detail, e->detail_len,
	                 (uint8_t *)detail) != 0)
		return VG_ECRYPTO;
	detail[len] = '\0';
	/* A detail that is not JSON still makes an e-mail of its kind and time. */
	VG_IGNORE(account_mail_facts(e->kind, e->t_ms, detail, len, &j->facts));
	sodium_memzero(detail, sizeof(detail));
	if (strcmp(e->kind, "access") == 0 && j->facts.pro_id > 0) {
		struct store_pro p;

		rc = store_pro_get_id(st, j->facts.pro_id, &p);
		if (rc == 0) {
			j->facts.pro_known = 1;
			j->facts.pro_kind = p.kind;
			snprintf(j->facts.pro_given, sizeof(j->facts.pro_given), "%s", p.given);
			snprintf(j->facts.pro_family, sizeof(j->facts.pro_family), "%s", p.family);
			snprintf(j->facts.pro_city, sizeof(j->facts.pro_city), "%s", p.city);
			if (!j->facts.rpps[0])
				memcpy(j->facts.rpps, p.rpps, sizeof(j->facts.rpps));
		}
		sodium_memzero(&p, sizeof(p));
		if (rc != 0 && rc != VG_ENOTFOUND)
			return rc;
	}
	return 0;
}

static void compose_cb(void *arg, const char code[MSGCODE_TEXT], char subject[128], char *body,
                       size_t cap)
{
	const struct job *j = arg;

	account_mail_compose(&j->facts, &j->ident, code, subject, body, cap);
}

static int mark(struct store *st, struct store_event *e, int mail, struct account_mail_counts *c,
                const char *why)
{
	e->mail = mail;
	if (mail == MAIL_FAILED) {
		c->failed++;
		log_event(LOG_WARN, "account_mail.failed", LI("event", e->id), LS("kind", e->kind),
		          LS("why", why));
	} else if (mail == MAIL_SENT) {
		c->sent++;
		log_event(LOG_INFO, "account_mail.sent", LI("event", e->id), LS("kind", e->kind));
	}
	return store_event_mailed(st, e);
}

/* Commit when rc is 0, else roll back; the first error is the one returned. */
static int end_txn(struct store *st, int rc)
{
	if (rc == 0)
		return store_commit(st);
	VG_IGNORE(store_rollback(st));
	return rc;
}

/* Send event e: 0 (handled: sent or failed), VG_EBUSY (try later), or a store error. */
static int send_one(struct account_mail *am, struct store *st, const struct vault *v,
                    struct store_event *e, int64_t now_ms, struct account_mail_counts *c,
                    struct store_message *m, char *text, char *sent)
{
	struct job *j = calloc(1, sizeof(*j));
	char code[MSGCODE_TEXT], mid[40], err[128];
	const char *body = text;
	struct jw w;
	int rc;

	if (!j)
		return VG_ENOMEM;
	jw_init(&w, 8192);
	if ((rc = facts_load(st, v, e, j)) != 0 ||
	    (rc = person_load(st, v, e->account_id, j)) != 0) {
		rc = rc == VG_ECRYPTO || rc == VG_ECORRUPT || rc == VG_ENOTFOUND
		             ? mark(st, e, MAIL_FAILED, c, "unreadable")
		             : rc;
		goto out;
	}
	if (!mail_address_ok(j->contact.email)) {
		rc = mark(st, e, MAIL_FAILED, c, "no_address");
		goto out;
	}
	if ((strcmp(e->kind, "reset_code") == 0 || strcmp(e->kind, "login_code") == 0) &&
	    (!j->facts.secret[0] || j->facts.expires_ms <= now_ms)) {
		rc = mark(st, e, MAIL_FAILED, c, j->facts.secret[0] ? "expired" : "no_code");
		goto out;
	}
	if (e->message_id == 0) {
		/* The message and the event's link to it in one commit: a resend reuses both. */
		if ((rc = store_begin(st)) != 0)
			goto out;
		rc = message_new(st, v, e->account_id, 0, "email", now_ms, compose_cb, j, m, code);
		if (rc == 0) {
			e->message_id = m->id;
			rc = store_event_mailed(st, e);
		}
		if ((rc = end_txn(st, rc)) != 0) {
			e->message_id = 0;
			goto out;
		}
	} else if ((rc = store_message_get(st, e->message_id, m)) != 0) {
		rc = rc == VG_ENOTFOUND ? mark(st, e, MAIL_FAILED, c, "message_lost") : rc;
		goto out;
	}
	if ((rc = message_text(v, m, text, code)) != 0) {
		rc = mark(st, e, MAIL_FAILED, c, "message_unreadable");
		goto out;
	}
	if (j->facts.secret[0]) {
		if (message_reveal(text, j->facts.secret, sent, MESSAGE_TEXT_MAX + 1) != 0) {
			rc = mark(st, e, MAIL_FAILED, c, "no_mark");
			goto out;
		}
		body = sent;
	}
	snprintf(mid, sizeof(mid), "a%016llx", (unsigned long long)m->id);
	if (mail_format(am->from, j->contact.email, m->subject, body, mid, m->created_ms, &w) !=
	    0) {
		rc = mark(st, e, MAIL_FAILED, c, "unformattable");
		goto out;
	}
	/* A connection the server closed while idle fails once: at once again, on a new one. */
	rc = mailer_send(am->mailer, j->contact.email, w.buf, w.len, err);
	if (rc == VG_EBUSY)
		rc = mailer_send(am->mailer, j->contact.email, w.buf, w.len, err);
	if (rc == 0) {
		rc = mark(st, e, MAIL_SENT, c, NULL);
	} else if (rc == VG_EINVAL) { /* refused for good: this address will not take it */
		rc = mark(st, e, MAIL_FAILED, c, "refused");
	} else {
		e->attempts++;
		c->retry++;
		log_event(LOG_WARN, "account_mail.retry", LI("event", e->id), LS("error", err),
		          LI("attempts", e->attempts));
		rc = mark(st, e, e->attempts >= ACCOUNT_MAIL_ATTEMPTS ? MAIL_FAILED : MAIL_PENDING,
		          c, "attempts");
		rc = rc ? rc : VG_EBUSY;
	}
out:
	if (w.buf)
		sodium_memzero(w.buf, w.cap);
	jw_release(&w);
	sodium_memzero(code, sizeof(code));
	sodium_memzero(j, sizeof(*j));
	free(j);
	return rc;
}

/* The lock of one run: a file descriptor, -1 when skipped, or an error. */
static int lock_take(const struct account_mail *am, int *fd)
{
	*fd = -1;
	if (!am->lock_path)
		return 0;
	*fd = open(am->lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd < 0)
		return VG_EIO;
	while (flock(*fd, LOCK_EX | (am->lock_wait ? 0 : LOCK_NB)) != 0) {
		if (errno == EINTR)
			continue;
		close(*fd);
		*fd = -1;
		return errno == EWOULDBLOCK ? VG_EBUSY : VG_EIO;
	}
	return 0;
}

int account_mail_run(struct account_mail *am, struct store *st, const struct vault *v,
                     int64_t now_ms, const atomic_int *stop, struct account_mail_counts *c)
{
	struct account_mail_counts none;
	struct store_event *ev = calloc(EVENTS, sizeof(*ev));
	struct store_message *m = malloc(sizeof(*m));
	char *text = malloc(MESSAGE_TEXT_MAX + 1), *sent = malloc(MESSAGE_TEXT_MAX + 1);
	int64_t after = 0;
	size_t n;
	int rc, fd = -1;

	c = c ? c : &none;
	memset(c, 0, sizeof(*c));
	if (!ev || !m || !text || !sent) {
		rc = VG_ENOMEM;
		goto out;
	}
	rc = lock_take(am, &fd);
	if (rc == VG_EBUSY) {
		c->skipped = 1;
		rc = 0;
		goto out;
	}
	while (rc == 0 && !(stop && atomic_load(stop))) {
		if ((rc = store_events_to_mail(st, after, ev, EVENTS, &n)) != 0 || n == 0)
			break;
		for (size_t i = 0; i < n && rc == 0 && !(stop && atomic_load(stop)); i++) {
			after = ev[i].id;
			rc = send_one(am, st, v, &ev[i], now_ms, c, m, text, sent);
		}
	}
out:
	if (fd >= 0)
		close(fd); /* and the lock with it */
	if (ev)
		sodium_memzero(ev, EVENTS * sizeof(*ev));
	if (m)
		sodium_memzero(m, sizeof(*m));
	if (text)
		sodium_memzero(text, MESSAGE_TEXT_MAX + 1);
	if (sent)
		sodium_memzero(sent, MESSAGE_TEXT_MAX + 1);
	free(ev);
	free(m);
	free(text);
	free(sent);
	return rc;
}

/* ---- the server's thread ---- */

struct account_mail_thread {
	struct account_mail *am;
	struct store *st;
	const struct vault *v;
	int64_t (*now_ms)(void *arg);
	void *now_arg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake; /* on CLOCK_MONOTONIC: pacing, not a decision */
	atomic_int stop;
};

static void *sender(void *arg)
{
	struct account_mail_thread *t = arg;
	int64_t wait_ms = ACCOUNT_MAIL_PERIOD_MS, backoff = 0;

	pthread_setname_np(pthread_self(), "vigie-mail");
	while (!atomic_load(&t->stop)) {
		struct account_mail_counts c;
		struct timespec ts;
		int rc = account_mail_run(t->am, t->st, t->v, t->now_ms(t->now_arg), &t->stop, &c);

		if (rc == VG_EBUSY) {
			backoff = backoff ? backoff * 2 : ACCOUNT_MAIL_BACKOFF_MS;
			if (backoff > 8 * ACCOUNT_MAIL_BACKOFF_MS)
				backoff = 8 * ACCOUNT_MAIL_BACKOFF_MS;
			wait_ms = backoff;
		} else {
			if (rc != 0)
				log_event(LOG_ERROR, "account_mail.run_failed",
				          LS("error", vg_strerror(rc)));
			backoff = 0;
			wait_ms = ACCOUNT_MAIL_PERIOD_MS;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += wait_ms / 1000;
		ts.tv_nsec += (wait_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&t->lock);
		while (!atomic_load(&t->stop) &&
		       pthread_cond_timedwait(&t->wake, &t->lock, &ts) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&t->lock);
	}
	return NULL;
}

int account_mail_start(struct store *st, const struct vault *v, const struct account_mail_cfg *cfg,
                       int64_t (*now_ms)(void *arg), void *now_arg,
                       struct account_mail_thread **out)
{
	struct account_mail_thread *t = calloc(1, sizeof(*t));
	pthread_condattr_t ca;
	int rc;

	*out = NULL;
	if (!t)
		return VG_ENOMEM;
	if (!now_ms) {
		free(t);
		return VG_EINVAL;
	}
	if ((rc = account_mail_new(cfg, &t->am)) != 0) {
		free(t);
		return rc;
	}
	t->st = st;
	t->v = v;
	t->now_ms = now_ms;
	t->now_arg = now_arg;
	pthread_mutex_init(&t->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t->thread, NULL, sender, t) != 0) {
		pthread_cond_destroy(&t->wake);
		pthread_mutex_destroy(&t->lock);
		account_mail_free(t->am);
		free(t);
		return VG_ENOMEM;
	}
	*out = t;
	return 0;
}

void account_mail_stop(struct account_mail_thread *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	atomic_store(&t->stop, 1);
	pthread_cond_broadcast(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
	account_mail_free(t->am);
	free(t);
}
