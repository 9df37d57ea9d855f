/*
 * mail.h - e-mail over SMTP (libcurl), and the one shape of vigie's e-mails:
 * plain text only (no HTML part, so no link can hide in one), UTF-8 in
 * quoted-printable, the subject in RFC 2047 words, a Message-ID that names
 * the message (a resend after a lost acknowledgement is byte-identical),
 * Auto-Submitted: auto-generated.
 *
 * A struct mailer keeps one connection open to the server across messages
 * (libcurl reuses it). Not thread-safe: one mailer per thread.
 */
#ifndef VIGIE_INCIDENT_MAIL_H
#define VIGIE_INCIDENT_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/jw.h"

struct mailer;

/*
 * A mailer for url ("smtp://127.0.0.1:2525"; "smtps://" or STARTTLS with
 * "smtp://...;" are libcurl's) sending as from (an address). VG_EINVAL for a
 * bad from, VG_ENOMEM.
 */
VG_MUST_USE int mailer_new(const char *url, const char *from, struct mailer **out);
void mailer_free(struct mailer *m);

/*
 * Send len bytes of a formatted message (mail_format) to one recipient.
 * Returns 0 (the server accepted it), VG_EINVAL (refused for good: a 5xx
 * answer), VG_EBUSY (try again: no connection, a 4xx answer, a timeout). err
 * (128 bytes) says what the server said, without the address.
 */
VG_MUST_USE int mailer_send(struct mailer *m, const char *to, const char *data, size_t len,
                            char err[128]);

/* Whether s is an address we put in an envelope and a header: local@domain, no spaces, no CR/LF. */
int mail_address_ok(const char *s);

/*
 * The message into out: headers (From, To, Subject, Date of date_ms,
 * Message-ID <id@domain-of-from>, MIME), then body in quoted-printable
 * with CRLF line ends. Returns 0, VG_EINVAL (an id with "<>@", blanks or line ends, an address mail_address_ok
 * refuses), VG_ENOMEM.
 */
VG_MUST_USE int mail_format(const char *from, const char *to, const char *subject, const char *body,
                            const char *id, int64_t date_ms, struct jw *out);

#endif
