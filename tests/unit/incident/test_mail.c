/*
 * The one shape of vigie's e-mails (incident/mail.h, mail_format): CRLF
 * lines, RFC 2047 subject and sender name, quoted-printable UTF-8 body that
 * decodes back to the text, byte-identical for the same inputs; and the
 * addresses it will put in an envelope and a header (mail_address_ok).
 * mailer_send needs a server: tests/js/mta.mjs covers it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/jw.h"
#include "incident/mail.h"
#include "incident/texts.h"

#define FROM    "ne-pas-repondre@verif.example.fr"
#define TO      "jeanne.martin@exemple.org"
#define DATE_MS 1796202307000LL /* Wed, 02 Dec 2026 09:05:07 +0000 */

struct msg {
	char *buf; /* NUL-terminated copy of the formatted message */
	size_t len;
	char *body; /* after the blank line */
};

/* Messages not yet freed: a failed assertion leaves its test early; teardown frees them. */
static char *live[16];

static void live_add(char *p)
{
	for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++)
		if (!live[i]) {
			live[i] = p;
			return;
		}
	fail_msg("too many messages alive");
}

static void live_drop(char *p)
{
	for (size_t i = 0; p && i < sizeof(live) / sizeof(live[0]); i++)
		if (live[i] == p)
			live[i] = NULL;
}

static int free_live(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
		free(live[i]);
		live[i] = NULL;
	}
	return 0;
}

static int format(const char *from, const char *to, const char *subject, const char *body,
                  const char *id, int64_t date_ms, struct msg *m)
{
	struct jw w;
	int rc;

	memset(m, 0, sizeof(*m));
	jw_init(&w, 0);
	rc = mail_format(from, to, subject, body, id, date_ms, &w);
	if (rc == 0) {
		m->buf = malloc(w.len + 1);
		if (m->buf) {
			memcpy(m->buf, w.buf, w.len);
			m->buf[w.len] = '\0';
			m->len = w.len;
		}
	}
	jw_release(&w);
	if (rc != 0)
		return rc;
	assert_non_null(m->buf);
	live_add(m->buf);
	assert_int_equal(strlen(m->buf), m->len); /* no NUL in a message */
	m->body = strstr(m->buf, "\r\n\r\n");
	assert_non_null(m->body);
	m->body += 4;
	return 0;
}

static void msg_free(struct msg *m)
{
	live_drop(m->buf);
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

/* Every line ends in CRLF: no bare CR, no bare LF, and the message ends with CRLF. */
static void assert_crlf_only(const struct msg *m)
{
	for (size_t i = 0; i < m->len; i++) {
		if (m->buf[i] == '\r')
			assert_true(i + 1 < m->len && m->buf[i + 1] == '\n');
		if (m->buf[i] == '\n')
			assert_true(i > 0 && m->buf[i - 1] == '\r');
	}
	assert_true(m->len >= 2 && m->buf[m->len - 2] == '\r' && m->buf[m->len - 1] == '\n');
}

/*
 * The unfolded value of header name (case-insensitive), into out; the
 * number of times it appears.
 */
static int header(const struct msg *m, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	const char *p = m->buf, *end = m->body - 2;
	int found = 0;

	out[0] = '\0';
	while (p < end) {
		const char *eol = strstr(p, "\r\n");

		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t n = 0;

			found++;
			while (*v == ' ')
				v++;
			for (;;) { /* the line, and its continuation lines */
				while (v < eol && n + 1 < cap)
					out[n++] = *v++;
				if (eol[2] != ' ' && eol[2] != '\t')
					break;
				v = eol + 2;
				eol = strstr(v, "\r\n");
			}
			out[n] = '\0';
			p = eol + 2;
			continue;
		}
		p = eol + 2;
	}
	return found;
}

/* Decode RFC 2047 B-words (UTF-8) separated by white space; -1 on anything else. */
static int decode_words(const char *v, char *out, size_t cap, int check_each_utf8)
{
	size_t n = 0;

	while (*v) {
		const char *end;
		char b64[256];
		size_t k, bin = 0;

		while (*v == ' ' || *v == '\t')
			v++;
		if (!*v)
			break;
		if (strncmp(v, "=?UTF-8?B?", 10) != 0)
			return -1;
		end = strstr(v + 10, "?=");
		if (!end)
			return -1;
		if ((size_t)(end + 2 - v) > 75) /* RFC 2047 2: at most 75 characters */
			return -1;
		k = (size_t)(end - (v + 10));
		memcpy(b64, v + 10, k);
		b64[k] = '\0';
		if (sodium_base642bin((unsigned char *)out + n, cap - n - 1, b64, k, NULL, &bin,
		                      NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
			return -1;
		/* RFC 2047 5: each word holds whole characters. */
		if (check_each_utf8) {
			for (size_t i = 0; i < bin;) {
				unsigned char c = (unsigned char)out[n + i];
				size_t len = c < 0x80    ? 1
				             : c >= 0xf0 ? 4
				             : c >= 0xe0 ? 3
				             : c >= 0xc0 ? 2
				                         : 0;

				if (!len || i + len > bin)
					return -1;
				for (size_t j = 1; j < len; j++)
					if (((unsigned char)out[n + i + j] & 0xc0) != 0x80)
						return -1;
				i += len;
			}
		}
		n += bin;
		v = end + 2;
	}
	out[n] = '\0';
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1; /* RFC 2045: upper-case hex only from an encoder */
}

/*
 * Quoted-printable decoding (RFC 2045 6.7), with CRLF read as "\n". Trailing
 * white space of each line is dropped, as the RFC asks of decoders (it may
 * have been added in transport). -1 on a malformed escape or a line over 76.
 */
static int qp_decode(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	while (*s) {
		const char *eol = strstr(s, "\r\n"), *end;
		int soft = 0;

		if (!eol)
			return -1; /* every body line ends with CRLF */
		if (eol - s > 76)
			return -1;
		end = eol;
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > s && end[-1] == '=') {
			soft = 1;
			end--;
		}
		for (const char *p = s; p < end; p++) {
			unsigned char c = (unsigned char)*p;

			if (n + 2 >= cap)
				return -1;
			if (c == '=') {
				int hi, lo;

				if (end - p < 3)
					return -1; /* "=" and two hex digits, on this line */
				hi = hexval(p[1]);
				lo = hexval(p[2]);
				if (hi < 0 || lo < 0)
					return -1;
				out[n++] = (char)(hi << 4 | lo);
				p += 2;
			} else if (c == '\t' || (c >= 0x20 && c < 0x7f)) {
				out[n++] = (char)c;
			} else {
				return -1; /* QP output is 7-bit printable */
			}
		}
		if (!soft)
			out[n++] = '\n';
		s = eol + 2;
	}
	out[n] = '\0';
	return 0;
}

/* The body as mail_format should carry it: CR dropped, a last line ended. */
static void expected_text(const char *in, char *out, size_t cap)
{
	size_t n = 0;

	for (; *in && n + 2 < cap; in++)
		if (*in != '\r')
			out[n++] = *in;
	if (n > 0 && out[n - 1] != '\n')
		out[n++] = '\n';
	out[n] = '\0';
}

static void assert_body_round_trips(const char *text)
{
	static char got[65536], want[65536];
	struct msg m;

	assert_int_equal(format(FROM, TO, "Objet", text, "m1", DATE_MS, &m), 0);
	assert_crlf_only(&m);
	if (qp_decode(m.body, got, sizeof(got)) != 0)
		fail_msg("body is not well-formed quoted-printable:\n%s", m.body);
	expected_text(text, want, sizeof(want));
	assert_string_equal(got, want);
	msg_free(&m);
}

static const char LETTER[] =
        "Madame, Monsieur Jeanne MARTIN,\n\n"
        "Entre le 24/11/2026 et le 26/11/2026, des comptes de professionnels de sant\xc3\xa9 dont "
        "les identifiants avaient \xc3\xa9t\xc3\xa9 vol\xc3\xa9s ont servi \xc3\xa0 consulter le "
        "service.\n\n"
        "Ce qui a \xc3\xa9t\xc3\xa9 vu : votre num\xc3\xa9ro de s\xc3\xa9"
        "curit\xc3\xa9 sociale.\n"
        "Pour v\xc3\xa9rifier, saisissez ce code \xc2\xab V\xc3\xa9rifier un message \xc2\xbb :\n\n"
        "    K7QM-3XPA-9FRT\n\n"
        "Le service de v\xc3\xa9rification des droits \xc3\xa0 l'assurance maladie\n";

static void headers(void **state)
{
	char v[1024], name[256];
	struct msg m;

	(void)state;
	assert_int_equal(
	        format(FROM, TO, TXT_MSG_SUBJECT, LETTER, "m00000000000000ab", DATE_MS, &m), 0);
	assert_crlf_only(&m);
	/* From: the display name in RFC 2047 words, then the address. */
	assert_int_equal(header(&m, "From", v, sizeof(v)), 1);
	{
		char *lt = strstr(v, " <");

		assert_non_null(lt);
		assert_string_equal(lt, " <" FROM ">");
		*lt = '\0';
		assert_int_equal(decode_words(v, name, sizeof(name), 1), 0);
		assert_string_equal(name, TXT_MAIL_FROM_NAME);
	}
	assert_int_equal(header(&m, "To", v, sizeof(v)), 1);
	assert_string_equal(v, "<" TO ">");
	/* Subject: encoded words that decode to the UTF-8 subject, each with whole characters. */
	assert_int_equal(header(&m, "Subject", v, sizeof(v)), 1);
	assert_int_equal(decode_words(v, name, sizeof(name), 1), 0);
	assert_string_equal(name, TXT_MSG_SUBJECT);
	assert_int_equal(header(&m, "Date", v, sizeof(v)), 1);
	assert_string_equal(v, "Wed, 02 Dec 2026 09:05:07 +0000");
	assert_int_equal(header(&m, "Message-ID", v, sizeof(v)), 1);
	assert_string_equal(v, "<m00000000000000ab@verif.example.fr>");
	assert_int_equal(header(&m, "MIME-Version", v, sizeof(v)), 1);
	assert_string_equal(v, "1.0");
	assert_int_equal(header(&m, "Content-Type", v, sizeof(v)), 1);
	assert_int_equal(strncasecmp(v, "text/plain", 10), 0);
	assert_non_null(strcasestr(v, "charset=utf-8"));
	assert_int_equal(header(&m, "Content-Transfer-Encoding", v, sizeof(v)), 1);
	assert_int_equal(strcasecmp(v, "quoted-printable"), 0);
	assert_int_equal(header(&m, "Auto-Submitted", v, sizeof(v)), 1);
	assert_string_equal(v, "auto-generated");
	/* Plain text only: no other part, no HTML. */
	assert_null(strcasestr(m.buf, "multipart"));
	assert_null(strcasestr(m.buf, "text/html"));
	assert_int_equal(header(&m, "Bcc", v, sizeof(v)), 0);
	assert_int_equal(header(&m, "Cc", v, sizeof(v)), 0);
	/*
	 * Header lines are 7-bit and within RFC 5322's hard limit of 998 (its
	 * 78 is a SHOULD: an encoded word after "Subject: " goes a little past).
	 */
	for (const char *p = m.buf; p < m.body - 2;) {
		const char *eol = strstr(p, "\r\n");

		assert_true(eol - p <= 998);
		for (const char *q = p; q < eol; q++)
			assert_true((unsigned char)*q >= 0x20 && (unsigned char)*q < 0x7f);
		p = eol + 2;
	}
	msg_free(&m);
	/* Another date: the epoch was a Thursday. */
	assert_int_equal(format(FROM, TO, "x", "y", "id", 0, &m), 0);
	assert_int_equal(header(&m, "Date", v, sizeof(v)), 1);
	assert_string_equal(v, "Thu, 01 Jan 1970 00:00:00 +0000");
	msg_free(&m);
	/* 2028-02-29T23:59:59.999Z: a leap day, milliseconds dropped. */
	assert_int_equal(format(FROM, TO, "x", "y", "id", 1835481599999LL, &m), 0);
	assert_int_equal(header(&m, "Date", v, sizeof(v)), 1);
	assert_string_equal(v, "Tue, 29 Feb 2028 23:59:59 +0000");
	msg_free(&m);
}

/* Subjects of any length and script come back whole; a CR/LF in one is no header. */
static void subjects(void **state)
{
	static const char *const SUBJECTS[] = {
		"",
		"a",
		"Plain ASCII subject",
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", /* 30 x 2 bytes */
		"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
		"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
		"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", /* 20 x 3 */
		"x\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92"
		"\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92"
		"\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92\xf0\x9f\x94\x92", /* 1 + 14 x 4 */
		"Hello\r\nBcc: victim@example.org\r\n\r\nbody",
		"=?UTF-8?B?SGk=?= already encoded",
		TXT_MSG_SUBJECT,
	};
	char v[2048], dec[1024];
	struct msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(SUBJECTS) / sizeof(SUBJECTS[0]); i++) {
		assert_int_equal(format(FROM, TO, SUBJECTS[i], "b", "m1", DATE_MS, &m), 0);
		assert_crlf_only(&m);
		assert_int_equal(header(&m, "Subject", v, sizeof(v)), 1);
		assert_int_equal(header(&m, "Bcc", dec, sizeof(dec)), 0);
		assert_int_equal(decode_words(v, dec, sizeof(dec), 1), 0);
		assert_string_equal(dec, SUBJECTS[i]);
		/* The blank line that ends the headers is the first one. */
		assert_true(strstr(m.buf, "\r\n\r\n") + 4 == m.body);
		assert_string_equal(m.body, "b\r\n");
		msg_free(&m);
	}
}

/* A subject that is not UTF-8 (45 bytes that all look like continuations) still ends. */
static void subject_of_continuation_bytes_terminates(void **state)
{
	char subject[80];
	pid_t pid;
	int status = 0;

	(void)state;
	memset(subject, 0x80, sizeof(subject) - 1);
	subject[sizeof(subject) - 1] = '\0';
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct jw w;
		int rc;

		alarm(5);
		jw_init(&w, 0);
		rc = mail_format(FROM, TO, subject, "b", "m1", DATE_MS, &w);
		jw_release(&w);
		_exit(rc == 0 || rc == VG_EINVAL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("mail_format did not return (signal %d)", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void body_quoted_printable(void **state)
{
	static char text[20000];
	size_t n = 0;

	(void)state;
	assert_body_round_trips(LETTER);
	assert_body_round_trips("");
	assert_body_round_trips("no final newline");
	assert_body_round_trips("a = b, 50% =3D =\n==\n");
	assert_body_round_trips("trailing space \ntrailing tab\t\n \n\t\nend \t");
	assert_body_round_trips("tab\tinside and  two spaces\n");
	assert_body_round_trips("control \x01\x07\x1b bytes\n");
	assert_body_round_trips("\n\n\nblank lines\n\n");
	/* Lines around the 76-character limit, of plain and of escaped characters. */
	for (int len = 70; len <= 160; len++) {
		char line[400];
		int k = 0;

		for (int i = 0; i < len; i++)
			line[k++] = (char)('a' + i % 26);
		line[k++] = '\n';
		line[k] = '\0';
		assert_body_round_trips(line);
		k = 0;
		for (int i = 0; i < len / 2; i++) {
			if (i % 7 == 3)
				line[k++] = ' ';
			else {
				line[k++] = '\xc3';
				line[k++] = '\xa9';
			}
		}
		line[k++] = ' '; /* white space right at the end */
		line[k] = '\0';
		assert_body_round_trips(line);
		k = 0;
		for (int i = 0; i < len; i++)
			line[k++] = i % 5 == 0 ? '=' : i % 5 == 1 ? ' ' : 'x';
		line[k] = '\0';
		assert_body_round_trips(line);
	}
	/* One long paragraph of French, as message_compose writes them. */
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		                      "V\xc3\xa9rifiez toute d\xc3\xa9marche sur le site officiel, "
		                      "%d fois ; ",
		                      i);
	text[n++] = '\n';
	text[n] = '\0';
	assert_body_round_trips(text);
}

/* RFC 2045 6.7 (1), (2): only 33..60 and 62..126 may stand for themselves; DEL is escaped. */
static void body_del_is_escaped(void **state)
{
	(void)state;
	assert_body_round_trips("delete \x7f byte\n");
}

/*
 * A body written with CRLF line ends is the same text: CR is dropped, and
 * white space before the line end is still protected.
 */
static void body_with_crlf_input(void **state)
{
	(void)state;
	assert_body_round_trips("first\r\nsecond\r\n");
	assert_body_round_trips("trailing space \r\nnext\r\n");
	assert_body_round_trips("trailing tab\t\r\n");
}

/* A line that is "." or starts with "." or "From " comes back as it was. */
static void dot_and_from_lines(void **state)
{
	char v[64];
	struct msg m;

	(void)state;
	assert_body_round_trips(".\n");
	assert_body_round_trips("before\n.\nafter\n");
	assert_body_round_trips("..\n.hidden\n. \n");
	assert_body_round_trips("From here on\nFrom: someone\n");
	assert_body_round_trips("\r\n.\r\n");
	/* Whatever the body says, it cannot add a header. */
	assert_int_equal(format(FROM, TO, "x", "\nBcc: victim@example.org\n\n", "m1", DATE_MS, &m),
	                 0);
	assert_int_equal(header(&m, "Bcc", v, sizeof(v)), 0);
	msg_free(&m);
}

static void address_checks(void **state)
{
	static const char *const GOOD[] = {
		"a@b",
		"jeanne.martin@exemple.org",
		"jean-pierre+vigie@sous.domaine.example.fr",
		"x_y=z'w@example.com",
		"1234@host",
	};
	static const char *const BAD[] = {
		"",
		"@",
		"a@",
		"@b",
		"ab",
		"a@b@c",
		"a b@c",
		"a@b c",
		"a@b\r\nBcc: x@y",
		"a@b\n",
		"a\r@b",
		"a\t@b",
		"<a@b>",
		"a@b>",
		"\"a\"@b",
		"a,b@c",
		"a@b;c",
		"a@b:25",
		"a(b)@c",
		"a@[127.0.0.1]",
		"a\\b@c",
		"j\xc3\xa9@exemple.fr",
		"a@b\x7f",
		"a@b\x01",
		"a@b\r",
		"a@b ",
	};
	char long_ok[256], long_bad[256];
	struct msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(GOOD) / sizeof(GOOD[0]); i++)
		if (!mail_address_ok(GOOD[i]))
			fail_msg("refused %s", GOOD[i]);
	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		if (mail_address_ok(BAD[i]))
			fail_msg("accepted %s", BAD[i]);
		/* mail_format refuses it as sender and as recipient, and writes nothing usable. */
		assert_int_equal(format(BAD[i], TO, "s", "b", "m1", DATE_MS, &m), VG_EINVAL);
		assert_int_equal(format(FROM, BAD[i], "s", "b", "m1", DATE_MS, &m), VG_EINVAL);
	}
	/* 254 bytes is the longest address; 255 is refused. */
	memset(long_ok, 'a', 254);
	memcpy(long_ok + 240, "@example.org", 12);
	long_ok[254] = '\0';
	memset(long_ok + 252, 'x', 2);
	assert_int_equal(strlen(long_ok), 254);
	assert_true(mail_address_ok(long_ok));
	memcpy(long_bad, long_ok, 254);
	long_bad[254] = 'x';
	long_bad[255] = '\0';
	assert_false(mail_address_ok(long_bad));
}

/*
 * Any pair of addresses mail_address_ok accepts makes a whole message:
 * To and Message-ID intact, Subject on its own line.
 */
static void long_addresses_make_whole_messages(void **state)
{
	char from[256], to[256], v[1024], want[600];
	struct msg m;
	int rc;

	(void)state;
	/* to: 254 bytes; from: 120 bytes with a 100-byte domain. */
	memset(to, 't', 254);
	memcpy(to + 200, "@", 1);
	to[254] = '\0';
	memset(from, 'f', 120);
	from[19] = '@';
	from[120] = '\0';
	assert_true(mail_address_ok(to));
	assert_true(mail_address_ok(from));
	rc = format(from, to, "Objet", "Texte", "m0123456789abcdef", DATE_MS, &m);
	if (rc == VG_EINVAL)
		return; /* refusing is allowed; a cut message is not */
	assert_int_equal(rc, 0);
	assert_crlf_only(&m);
	assert_int_equal(header(&m, "To", v, sizeof(v)), 1);
	snprintf(want, sizeof(want), "<%s>", to);
	assert_string_equal(v, want);
	assert_int_equal(header(&m, "Message-ID", v, sizeof(v)), 1);
	snprintf(want, sizeof(want), "<m0123456789abcdef@%s>", from + 20);
	assert_string_equal(v, want);
	assert_int_equal(header(&m, "Subject", v, sizeof(v)), 1);
	assert_int_equal(header(&m, "Date", v, sizeof(v)), 1);
	assert_string_equal(m.body, "Texte\r\n");
	msg_free(&m);
}

/* The same inputs give the same bytes (a resend is the same message); any change shows. */
static void deterministic(void **state)
{
	struct msg a, b;

	(void)state;
	assert_int_equal(format(FROM, TO, TXT_MSG_SUBJECT, LETTER, "m42", DATE_MS, &a), 0);
	assert_int_equal(format(FROM, TO, TXT_MSG_SUBJECT, LETTER, "m42", DATE_MS, &b), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	msg_free(&b);
	assert_int_equal(format(FROM, TO, TXT_MSG_SUBJECT, LETTER, "m43", DATE_MS, &b), 0);
	assert_string_not_equal(a.buf, b.buf);
	msg_free(&b);
	assert_int_equal(format(FROM, TO, TXT_MSG_SUBJECT, LETTER, "m42", DATE_MS + 1000, &b), 0);
	assert_string_not_equal(a.buf, b.buf);
	msg_free(&b);
	msg_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(headers),
		cmocka_unit_test(subjects),
		cmocka_unit_test(subject_of_continuation_bytes_terminates),
		cmocka_unit_test(body_quoted_printable),
		cmocka_unit_test(body_del_is_escaped),
		cmocka_unit_test(body_with_crlf_input),
		cmocka_unit_test(dot_and_from_lines),
		cmocka_unit_test(address_checks),
		cmocka_unit_test(long_addresses_make_whole_messages),
		cmocka_unit_test(deterministic),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, free_live);
}
