/* mail.c - see mail.h. */
#include "incident/mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "core/civil.h"
#include "incident/texts.h"
#include "core/banned.h"

#define MAILER_PER_CONNECTION 100 /* messages on one SMTP connection, then a new one */

struct mailer {
	CURL *curl;
	char *url, *from;
	char from_env[300];
	/* the message being sent */
	const char *data;
	size_t len, at;
	unsigned sent_on_connection; /* messages since the connection was opened */
	int fresh;                   /* the next message opens a new connection */
};

int mail_address_ok(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);

	if (!at || at == s || !at[1] || strchr(at + 1, '@') || n > 254)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"", c))
			return 0;
	}
	return 1;
}

int mailer_new(const char *url, const char *from, struct mailer **out)
{
	struct mailer *m;

	*out = NULL;
	if (!mail_address_ok(from) || strlen(url) > 1000)
		return VG_EINVAL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return VG_ENOMEM;
	if (!(m = calloc(1, sizeof(*m))))
		return VG_ENOMEM;
	m->curl = curl_easy_init();
	m->url = strdup(url);
	m->from = strdup(from);
	if (!m->curl || !m->url || !m->from) {
		mailer_free(m);
		return VG_ENOMEM;
	}
	snprintf(m->from_env, sizeof(m->from_env), "<%s>", from);
	*out = m;
	return 0;
}

void mailer_free(struct mailer *m)
{
	if (!m)
		return;
	if (m->curl)
		curl_easy_cleanup(m->curl);
	free(m->url);
	free(m->from);
	free(m);
}

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct mailer *m = arg;
	size_t want = size * n, left = m->len - m->at;

	if (want > left)
		want = left;
	memcpy(buf, m->data + m->at, want);
	m->at += want;
	return want;
}

int mailer_send(struct mailer *m, const char *to, const char *data, size_t len, char err[128])
{
	struct curl_slist *rcpt = NULL;
	char env[300];
	long code = 0;
	CURLcode cc;

	err[0] = '\0';
	if (!mail_address_ok(to)) {
		snprintf(err, 128, "the recipient's address is not one we send to");
		return VG_EINVAL;
	}
	snprintf(env, sizeof(env), "<%s>", to);
	if (!(rcpt = curl_slist_append(NULL, env)))
		return VG_ENOMEM;
	m->data = data;
	m->len = len;
	m->at = 0;
	curl_easy_setopt(m->curl, CURLOPT_URL, m->url);
	curl_easy_setopt(m->curl, CURLOPT_MAIL_FROM, m->from_env);
	curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(m->curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(m->curl, CURLOPT_READDATA, m);
	curl_easy_setopt(m->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(m->curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(m->curl, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(m->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(m->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	/* Servers cap messages per session (OpenSMTPD: 100): a new one before the cap, or after a failure. */
	curl_easy_setopt(m->curl, CURLOPT_FRESH_CONNECT,
	                 m->fresh || m->sent_on_connection >= MAILER_PER_CONNECTION ? 1L : 0L);
	if (m->fresh || m->sent_on_connection >= MAILER_PER_CONNECTION)
		m->sent_on_connection = 0;
	m->fresh = 0;
	cc = curl_easy_perform(m->curl);
	curl_slist_free_all(rcpt);
	curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, NULL);
	if (cc == CURLE_OK) {
		m->sent_on_connection++;
		return 0;
	}
	m->fresh = 1;
	curl_easy_getinfo(m->curl, CURLINFO_RESPONSE_CODE, &code);
	snprintf(err, 128, "%s (SMTP %ld)", curl_easy_strerror(cc), code);
	return code >= 500 && code < 600 ? VG_EINVAL : VG_EBUSY;
}

/* The subject as RFC 2047 encoded words of at most 45 bytes each, never splitting a character. */
static void subject_words(struct jw *w, const char *s)
{
	size_t n = strlen(s), at = 0;
	int first = 1;

	while (at < n) {
		size_t k = n - at > 45 ? 45 : n - at;
		char b64[128];

		while (at + k < n && k > 0 && ((unsigned char)s[at + k] & 0xc0) == 0x80)
			k--; /* do not cut inside a UTF-8 sequence */
		if (k == 0)  /* not UTF-8 at all: cut anywhere, but move on */
			k = n - at > 45 ? 45 : n - at;
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s + at, k,
		                  sodium_base64_VARIANT_ORIGINAL);
		if (!first)
			jw_raw(w, "\r\n ", 3);
		jw_raw(w, "=?UTF-8?B?", 10);
		jw_raw(w, b64, strlen(b64));
		jw_raw(w, "?=", 2);
		first = 0;
		at += k;
	}
}

/* Quoted-printable (RFC 2045 6.7): lines of at most 76, CRLF, 8-bit bytes and '=' escaped. */
static void quoted_printable(struct jw *w, const char *s)
{
	static const char HEX[] = "0123456789ABCDEF";
	size_t col = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char enc[3];
		size_t k = 1;

		if (c == '\n') {
			jw_raw(w, "\r\n", 2);
			col = 0;
			continue;
		}
		if (c == '\r')
			continue;
		/* Escaped: 8-bit bytes, DEL, '=', controls, a blank before a line end (a
		 * decoder drops it), and a line's leading "." or "From " (RFC 2049 3). */
		if (c >= 0x7f || c == '=' || (c < 0x20 && c != '\t') ||
		    ((c == ' ' || c == '\t') &&
		     (s[1] == '\n' || s[1] == '\0' ||
		      (s[1] == '\r' && (s[2] == '\n' || s[2] == '\0')))) ||
		    (col == 0 && (c == '.' || strncmp(s, "From ", 5) == 0))) {
			enc[0] = '=';
			enc[1] = HEX[c >> 4];
			enc[2] = HEX[c & 15];
			k = 3;
		} else {
			enc[0] = (char)c;
		}
		if (col + k > 75) {
			jw_raw(w, "=\r\n", 3);
			col = 0;
		}
		jw_raw(w, enc, k);
		col += k;
	}
	if (col)
		jw_raw(w, "\r\n", 2);
}

int mail_format(const char *from, const char *to, const char *subject, const char *body,
                const char *id, int64_t date_ms, struct jw *out)
{
	static const char *const DAYS[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	static const char *const MONTHS[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t t = civil_floor_div(date_ms, 1000), day = civil_floor_div(t, 86400), y;
	int64_t sec = t - day * 86400;
	char line[2048], name[128];
	int mo, d, len;

	if (!mail_address_ok(from) || !mail_address_ok(to))
		return VG_EINVAL;
	sodium_bin2base64(name, sizeof(name), (const unsigned char *)TXT_MAIL_FROM_NAME,
	                  sizeof(TXT_MAIL_FROM_NAME) - 1, sodium_base64_VARIANT_ORIGINAL);
	civil_date(day, &y, &mo, &d);
	len = snprintf(line, sizeof(line),
	               "From: =?UTF-8?B?%s?= <%s>\r\nTo: <%s>\r\n"
	               "Date: %s, %02d %s %04lld %02d:%02d:%02d +0000\r\n"
	               "Message-ID: <%s@%s>\r\n",
	               name, from, to, DAYS[civil_weekday(day)], d, MONTHS[mo - 1], (long long)y,
	               (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60), id,
	               strchr(from, '@') + 1);
	if (len < 0 || (size_t)len >= sizeof(line) || strpbrk(id, "<>\r\n @"))
		return VG_EINVAL; /* never a cut header: addresses are at most 254 bytes, ids short */
	jw_raw(out, line, (size_t)len);
	jw_raw(out, "Subject: ", 9);
	subject_words(out, subject);
	snprintf(line, sizeof(line),
	         "\r\nMIME-Version: 1.0\r\n"
	         "Content-Type: text/plain; charset=utf-8\r\n"
	         "Content-Transfer-Encoding: quoted-printable\r\n"
	         "Content-Language: fr\r\n"
	         "Auto-Submitted: auto-generated\r\n\r\n");
	jw_raw(out, line, strlen(line));
	quoted_printable(out, body);
	return out->err;
}
