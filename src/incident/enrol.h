/*
 * enrol.h - the letters that open or give back an insured person's own
 * account: an activation code (the account does not exist yet) or a
 * password-reset code, sent by post to the person's address (`vigie enrol`).
 *
 * A letter is a message like a campaign's (incident/message.h): French, no
 * link, its own message code in the box that POST /verify confirms, stored
 * (channel "letter", campaign 0) so that the person's account lists it. The
 * one-time code is printed large on its own line; it is not kept in the
 * stored copy (TXT_SECRET_WITHHELD there, message_reveal for the paper), so
 * that neither the account's view of its messages nor anyone under the same
 * NIR (dependants' letters are shown to the insured) can read it back.
 *
 * The caller issues the code (node/codes.h: codes_issue) and journals the act
 * before the letter is written. Thread-safe; the PDF holds personal data
 * (created 0600, like every letter).
 */
#ifndef VIGIE_INCIDENT_ENROL_H
#define VIGIE_INCIDENT_ENROL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/msgcode.h"
#include "core/record.h"
#include "crypto/vault.h"
#include "store/store.h"

struct enrol_letter {
	const struct insured_ident *who;     /* borrowed */
	const struct insured_contact *where; /* borrowed: the postal address */
	int reset;                           /* 0: activation, 1: password reset */
	const char *secret;                  /* the one-time code, "XXXX-XXXX-XXXX" */
	int64_t expires_ms;
};

/*
 * The letter's subject (128 bytes) and stored text (cap bytes; MESSAGE_TEXT_MAX
 * is enough) with message code code: the one-time code appears as
 * TXT_SECRET_WITHHELD on its own line of two spaces (incident/letter.h). Pure.
 */
void enrol_compose(const struct enrol_letter *l, const char code[MSGCODE_TEXT], char subject[128],
                   char *body, size_t cap);

/*
 * Make the message of letter l to person (dated now_ms) and write it as one
 * PDF in dir (exists): "<dir>/enrol-<person>-<message id>.pdf" (reset-...
 * for a reset), written to a ".tmp", synced, then renamed. path (cap bytes)
 * receives the file's name, m the stored message. Returns 0; VG_EINVAL (the
 * address cannot be printed: no line, postal code or city, or a bad
 * character), VG_ETOOBIG (path), VG_EIO (the file), or the store's error.
 */
VG_MUST_USE int enrol_letter_write(struct store *st, const struct vault *v, int64_t person,
                                   const struct enrol_letter *l, int64_t now_ms, const char *dir,
                                   char *path, size_t cap, struct store_message *m);

#endif
