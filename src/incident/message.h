/*
 * message.h - the messages vigie sends to people, and how a reader checks
 * one: every message (e-mail, letter, SMS text) carries no link and a
 * message code (core/msgcode.h, 60 random bits), and is stored with the
 * code's keyed hash (VAULT_D_MESSAGE: a copied database gives no code) and
 * its full text sealed ("message", "body", id), so that
 *   - POST /verify answers, for a code, whether it is genuine and then only
 *     its date, channel and subject;
 *   - the person's account shows the whole text (GET /me/messages).
 *
 * The text says what was seen (from the affected set's fields), what was
 * not, what vigie did, what the person should do, and how to check the
 * code (incident/texts.h). Thread-safe; randomness from libsodium.
 */
#ifndef VIGIE_INCIDENT_MESSAGE_H
#define VIGIE_INCIDENT_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/msgcode.h"
#include "core/record.h"
#include "crypto/vault.h"
#include "store/store.h"

#define MESSAGE_TEXT_MAX 6144 /* subject excluded; STORE_MESSAGE_MAX less the seal */

/* What a message says about one person. */
struct message_facts {
	uint32_t fields;           /* enum affected_field bits */
	int64_t first_ms, last_ms; /* when their record was seen */
};

/*
 * The text of a message for channel ("email", "letter" or "sms") to the
 * person id, with code: subject (128 bytes) and body (MESSAGE_TEXT_MAX)
 * into out buffers, NUL-terminated. No link, no address of any site.
 */
void message_compose(const struct insured_ident *id, const struct message_facts *f,
                     const char *channel, const char code[MSGCODE_TEXT], char subject[128],
                     char *body, size_t cap);

/*
 * Make and store a new message for person (in campaign) on channel: a fresh
 * id and code, the text composed, sealed and stored. m receives the row
 * (its body sealed); code the code in clear, for the message itself.
 * Returns 0, or the store's error.
 */
VG_MUST_USE int message_create(struct store *st, const struct vault *v, int64_t person,
                               int64_t campaign, const char *channel,
                               const struct insured_ident *id, const struct message_facts *f,
                               int64_t now_ms, struct store_message *m, char code[MSGCODE_TEXT]);

/*
 * Writes a message's subject (128 bytes) and text (cap bytes, NUL-terminated)
 * for its code; arg is the caller's. Called once or more by message_new (a
 * clash of codes draws another): the same arguments must give the same text.
 */
typedef void (*message_compose_fn)(void *arg, const char code[MSGCODE_TEXT], char subject[128],
                                   char *body, size_t cap);

/*
 * message_create for any text: a fresh id and code, the text from compose,
 * sealed and stored; campaign 0 for a message of no campaign (an account's
 * e-mails, enrolment letters). Same results as message_create. compose's
 * text must carry the code as message_closing writes it (message_text reads
 * it back from there).
 */
VG_MUST_USE int message_new(struct store *st, const struct vault *v, int64_t person,
                            int64_t campaign, const char *channel, int64_t now_ms,
                            message_compose_fn compose, void *arg, struct store_message *m,
                            char code[MSGCODE_TEXT]);

/*
 * Append to body (cap bytes; *n its length so far, advanced, and kept NUL-
 * terminated even when cut) what every message ends with: how to check it
 * (TXT_MSG_CHECK), the code on its own indented line, what to do if the code
 * is unknown, the signature.
 */
void message_closing(char *body, size_t cap, size_t *n, const char code[MSGCODE_TEXT]);

/* Append printf-style to body as message_closing does (a cut text stays NUL-terminated). */
void message_addf(char *body, size_t cap, size_t *n, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/*
 * A one-time code the message gives (an activation or reset code) is not kept
 * in its stored copy, which the person's account shows and a session thief
 * could read: the stored text has TXT_SECRET_WITHHELD where the code goes,
 * and the copy that is sent is message_reveal's. Copy text into out (cap
 * bytes) with the first TXT_SECRET_WITHHELD replaced by secret. 0, VG_ENOTFOUND
 * (no such mark in text), VG_ETOOBIG (out is too small).
 */
VG_MUST_USE int message_reveal(const char *text, const char *secret, char *out, size_t cap);

/*
 * The text of stored message m (its body unsealed) into body (MESSAGE_TEXT_MAX
 * + 1 bytes), and its code recovered from the text (the line after the check
 * sentence) into code when not NULL. 0, VG_ECRYPTO, VG_ECORRUPT.
 */
VG_MUST_USE int message_text(const struct vault *v, const struct store_message *m, char *body,
                             char code[MSGCODE_TEXT]);

/* The stored hash of a canonical code. */
void message_code_hash(const struct vault *v, const char code[MSGCODE_TEXT],
                       uint8_t out[VAULT_BIDX]);

#endif
