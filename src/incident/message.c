/* message.c - see message.h. */
#include "incident/message.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/civil.h"
#include "incident/texts.h"
#include "core/banned.h"

#define CODE_INDENT "    "

static void fr_date(int64_t t_ms, char out[16])
{
	int64_t t = civil_floor_div(t_ms, 1000), y;
	int64_t day = civil_local_day(t, civil_paris_offset_min(t));
	int m, d;

	civil_date(day, &y, &m, &d);
	snprintf(out, 16, "%02d/%02d/%04lld", d, m, (long long)y);
}

void message_addf(char *body, size_t cap, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*n >= cap)
		return;
	va_start(ap, fmt);
	k = vsnprintf(body + *n, cap - *n, fmt, ap);
	va_end(ap);
	if (k < 0)
		body[*n] = '\0';
	else
		*n += (size_t)k;
	if (*n >= cap)
		*n = cap; /* cut: vsnprintf left it NUL-terminated at cap - 1 */
}

void message_closing(char *body, size_t cap, size_t *n, const char code[MSGCODE_TEXT])
{
	message_addf(body, cap, n, TXT_MSG_CHECK "\n\n" CODE_INDENT "%s\n\n", code);
	message_addf(body, cap, n, TXT_MSG_UNKNOWN_CODE "\n\n");
	message_addf(body, cap, n, TXT_MSG_SIGN "\n");
}

void message_compose(const struct insured_ident *id, const struct message_facts *f,
                     const char *channel, const char code[MSGCODE_TEXT], char subject[128],
                     char *body, size_t cap)
{
	char from[16], to[16], seen[512];
	size_t n = 0;

	fr_date(f->first_ms, from);
	fr_date(f->last_ms, to);
	texts_fields_phrase(f->fields, seen, sizeof(seen));
	snprintf(subject, 128, "%s", TXT_MSG_SUBJECT);
	if (cap == 0)
		return;
	body[0] = '\0';
	if (strcmp(channel, "sms") == 0) {
		snprintf(body, cap, TXT_SMS, code);
		return;
	}
	message_addf(body, cap, &n, TXT_MSG_HELLO "\n\n", id->given, id->family);
	if (strcmp(from, to) == 0)
		message_addf(body, cap, &n, TXT_MSG_WHAT_DAY "\n\n", from);
	else
		message_addf(body, cap, &n, TXT_MSG_WHAT "\n\n", from, to);
	message_addf(body, cap, &n, TXT_MSG_SEEN "\n", seen);
	message_addf(body, cap, &n, TXT_MSG_NOT_SEEN "\n\n");
	message_addf(body, cap, &n, TXT_MSG_DONE "\n\n");
	message_addf(body, cap, &n, TXT_MSG_TODO_H "\n" TXT_MSG_TODO "\n\n");
	message_closing(body, cap, &n, code);
}

void message_code_hash(const struct vault *v, const char code[MSGCODE_TEXT],
                       uint8_t out[VAULT_BIDX])
{
	vault_blind(v, VAULT_D_MESSAGE, code, MSGCODE_TEXT - 1, out);
}

struct campaign_text {
	const struct insured_ident *id;
	const struct message_facts *f;
	const char *channel;
};

static void campaign_compose(void *arg, const char code[MSGCODE_TEXT], char subject[128],
                             char *body, size_t cap)
{
	const struct campaign_text *t = arg;

	message_compose(t->id, t->f, t->channel, code, subject, body, cap);
}

int message_create(struct store *st, const struct vault *v, int64_t person, int64_t campaign,
                   const char *channel, const struct insured_ident *id,
                   const struct message_facts *f, int64_t now_ms, struct store_message *m,
                   char code[MSGCODE_TEXT])
{
	struct campaign_text t = { id, f, channel };

	return message_new(st, v, person, campaign, channel, now_ms, campaign_compose, &t, m, code);
}

int message_new(struct store *st, const struct vault *v, int64_t person, int64_t campaign,
                const char *channel, int64_t now_ms, message_compose_fn compose, void *arg,
                struct store_message *m, char code[MSGCODE_TEXT])
{
	char body[MESSAGE_TEXT_MAX];
	int rc = VG_EEXIST;

	memset(m, 0, sizeof(*m));
	/* A clash of ids (63 bits) or codes (60 bits) is drawn again, a few times at most. */
	for (int tries = 0; tries < 8 && rc == VG_EEXIST; tries++) {
		uint8_t rnd[MSGCODE_RANDOM];
		uint64_t mid;
		size_t len;

		randombytes_buf(rnd, sizeof(rnd));
		msgcode_make(rnd, code);
		randombytes_buf(&mid, sizeof(mid));
		m->id = (int64_t)(mid >> 1) | 1; /* positive, never 0 */
		m->person_id = person;
		m->campaign_id = campaign;
		m->created_ms = now_ms;
		snprintf(m->channel, sizeof(m->channel), "%s", channel);
		compose(arg, code, m->subject, body, sizeof(body));
		len = strlen(body);
		message_code_hash(v, code, m->code);
		rc = vault_seal(v, "message", "body", m->id, (const uint8_t *)body, len, m->body);
		m->body_len = len + VAULT_OVERHEAD;
		if (rc == 0)
			rc = store_message_put(st, m);
	}
	sodium_memzero(body, sizeof(body));
	return rc;
}

int message_reveal(const char *text, const char *secret, char *out, size_t cap)
{
	const char *at = strstr(text, TXT_SECRET_WITHHELD);
	size_t head, mark = strlen(TXT_SECRET_WITHHELD), sl = strlen(secret);

	if (!at)
		return VG_ENOTFOUND;
	head = (size_t)(at - text);
	if (strlen(text) - mark + sl >= cap)
		return VG_ETOOBIG;
	memcpy(out, text, head);
	memcpy(out + head, secret, sl);
	memcpy(out + head + sl, at + mark, strlen(at + mark) + 1);
	return 0;
}

int message_text(const struct vault *v, const struct store_message *m, char *body,
                 char code[MSGCODE_TEXT])
{
	size_t len;
	const char *at;

	if (m->body_len < VAULT_OVERHEAD || m->body_len - VAULT_OVERHEAD > MESSAGE_TEXT_MAX)
		return VG_ECORRUPT;
	len = m->body_len - VAULT_OVERHEAD;
	if (vault_unseal(v, "message", "body", m->id, m->body, m->body_len, (uint8_t *)body) != 0)
		return VG_ECRYPTO;
	body[len] = '\0';
	if (!code)
		return 0;
	/* The code is the indented line (letters, e-mails) or the text's end (SMS). */
	at = strstr(body, "\n" CODE_INDENT);
	at = at ? at + 1 + strlen(CODE_INDENT)
	        : (len >= MSGCODE_TEXT - 1 ? body + len - (MSGCODE_TEXT - 1) : NULL);
	if (!at || msgcode_parse(at, MSGCODE_TEXT - 1, code) != 0)
		return VG_ECORRUPT;
	return 0;
}
