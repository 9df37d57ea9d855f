/*
 * The messages vigie sends (incident/message.h): what each channel's text
 * says, that none carries a link, that the code is in it; and a created
 * message stored under its code's hash, its text sealed and read back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/msgcode.h"
#include "incident/affected.h"
#include "incident/message.h"
#include "incident/texts.h"
#include "store/store.h"
#include "testutil.h"

#define CODE "K7QM-3XPA-9FRT"

static const char *const CHANNELS[] = { "email", "letter", "sms" };

static void ident(struct insured_ident *id)
{
	memset(id, 0, sizeof(*id));
	snprintf(id->nir, sizeof(id->nir), "255081416802538");
	snprintf(id->family, sizeof(id->family), "MARTIN");
	snprintf(id->given, sizeof(id->given), "Jeanne Marie");
	snprintf(id->birth_date, sizeof(id->birth_date), "1955-08-14");
	id->sex = 'F';
}

/* No link and no address of a site, in any case. */
static void assert_no_link(const char *s)
{
	static const char *const LINKS[] = { "http", "www.",  "://",    ".fr/", ".com",
		                             ".fr ", ".gouv", "ameli.", "href" };

	for (size_t i = 0; i < sizeof(LINKS) / sizeof(LINKS[0]); i++)
		if (strcasestr(s, LINKS[i]))
			fail_msg("a link (%s) in: %s", LINKS[i], s);
}

static void email_and_letter_say_what_was_seen(void **state)
{
	static char body[MESSAGE_TEXT_MAX];
	struct insured_ident id;
	/* 2026-11-23T23:30Z is already the 24th in Paris; 2026-11-26T10:00Z the 26th. */
	struct message_facts f = { (1u << AFF_IDENTIFIER) | (1u << AFF_NAME) |
		                           (1u << AFF_BIRTH_DATE),
		                   1795476600000LL, 1796205600000LL - 6 * 86400000LL };
	char subject[128], seen[512], want[700];

	(void)state;
	ident(&id);
	texts_fields_phrase(f.fields, seen, sizeof(seen));
	assert_string_equal(seen, "votre numéro de sécurité sociale, vos nom et prénoms et votre "
	                          "date de naissance");
	for (int c = 0; c < 2; c++) {
		memset(body, 'x', sizeof(body));
		message_compose(&id, &f, CHANNELS[c], CODE, subject, body, sizeof(body));
		assert_true(strlen(body) < sizeof(body));
		assert_string_equal(subject, TXT_MSG_SUBJECT);
		assert_no_link(body);
		assert_no_link(subject);
		/* Addressed to the person. */
		snprintf(want, sizeof(want), TXT_MSG_HELLO, "Jeanne Marie", "MARTIN");
		assert_true(strncmp(body, want, strlen(want)) == 0);
		/* When, in Paris days. */
		assert_non_null(strstr(body, "Entre le 24/11/2026 et le 26/11/2026"));
		/* What was seen: exactly the phrase of these fields; and what was not. */
		snprintf(want, sizeof(want), "Ce qui a été vu : %s.\n", seen);
		assert_non_null(strstr(body, want));
		assert_non_null(strstr(body, TXT_MSG_NOT_SEEN));
		assert_non_null(strstr(body, TXT_MSG_DONE));
		assert_non_null(strstr(body, TXT_MSG_TODO));
		/* How to check, then the code on its own indented line. */
		assert_non_null(strstr(body, TXT_MSG_CHECK "\n\n    " CODE "\n"));
		assert_non_null(strstr(body, TXT_MSG_UNKNOWN_CODE));
		/* The fields not seen are not named. */
		assert_null(strstr(body, texts_field_label(AFF_COVERAGE)));
		assert_null(strstr(body, texts_field_label(AFF_BENEFITS)));
		assert_null(strstr(body, texts_field_label(AFF_GENDER)));
		assert_null(strstr(body, texts_field_label(AFF_BIRTH_YEAR)));
		/* Nothing personal beyond the name: no NIR, no birth date. */
		assert_null(strstr(body, id.nir));
		assert_null(strstr(body, "1955"));
	}
}

/* Each set of fields gives its own phrase in the text. */
static void every_field_set(void **state)
{
	static char body[MESSAGE_TEXT_MAX];
	struct insured_ident id;
	char subject[128], seen[512], want[700];

	(void)state;
	ident(&id);
	for (uint32_t bits = 1; bits < (1u << AFF_FIELDS); bits++) {
		struct message_facts f = { bits, 1795476600000LL, 1795476600000LL };

		texts_fields_phrase(bits, seen, sizeof(seen));
		message_compose(&id, &f, "email", CODE, subject, body, sizeof(body));
		snprintf(want, sizeof(want), "Ce qui a été vu : %s.\n", seen);
		assert_non_null(strstr(body, want));
		assert_non_null(strstr(body, TXT_MSG_NOT_SEEN));
		assert_non_null(strstr(body, CODE));
		assert_no_link(body);
		/* The sentence names each field seen and no other (the advice further down
		 * mentions the number and the birth date whatever was seen). */
		{
			const char *at = strstr(body, "Ce qui a été vu : ");
			const char *eol = at ? strchr(at, '\n') : NULL;
			char line[700];

			assert_non_null(eol);
			snprintf(line, sizeof(line), "%.*s", (int)(eol - at), at);
			for (int k = 0; k < AFF_FIELDS; k++) {
				const char *label = texts_field_label(k);

				if ((bits >> k) & 1)
					assert_non_null(strstr(line, label));
				else
					assert_null(strstr(line, label));
			}
		}
	}
}

static void sms_is_short_and_carries_the_code(void **state)
{
	static char body[MESSAGE_TEXT_MAX];
	struct insured_ident id;
	struct message_facts f = { 0xff, 1795476600000LL, 1796205600000LL };
	char subject[128];

	(void)state;
	ident(&id);
	message_compose(&id, &f, "sms", CODE, subject, body, sizeof(body));
	/* Three concatenated SMS of 153 GSM-7 characters: 7-bit text, at most 459 bytes. */
	assert_true(strlen(body) <= 459);
	for (const char *p = body; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	assert_non_null(strstr(body, CODE));
	assert_no_link(body);
	/* No personal data in an SMS: neither the name nor the NIR. */
	assert_null(strstr(body, "MARTIN"));
	assert_null(strstr(body, id.nir));
	/* The code ends the text, where message_text finds it again. */
	assert_string_equal(body + strlen(body) - strlen(CODE), CODE);
}

/* Long names and every field: the letter still fits, the code line whole. */
static void longest_text_fits(void **state)
{
	static char body[MESSAGE_TEXT_MAX];
	struct insured_ident id;
	struct message_facts f = { (1u << AFF_FIELDS) - 1, 1795476600000LL, 1796205600000LL };
	char subject[128];

	(void)state;
	ident(&id);
	memset(id.family, 'W', sizeof(id.family) - 1);
	id.family[sizeof(id.family) - 1] = '\0';
	memset(id.given, 'w', sizeof(id.given) - 1);
	id.given[sizeof(id.given) - 1] = '\0';
	message_compose(&id, &f, "letter", CODE, subject, body, sizeof(body));
	assert_true(strlen(body) < MESSAGE_TEXT_MAX);
	assert_non_null(strstr(body, "\n    " CODE "\n"));
	assert_non_null(strstr(body, TXT_MSG_SIGN));
}

/* A small buffer gets a NUL-terminated start of the text, never an overflow. */
static void small_buffers(void **state)
{
	struct insured_ident id;
	struct message_facts f = { 1, 1795476600000LL, 1796205600000LL };
	char subject[128], body[300];

	(void)state;
	ident(&id);
	for (size_t cap = 1; cap <= sizeof(body); cap += 7) {
		for (int c = 0; c < 3; c++) {
			memset(body, 'x', sizeof(body));
			message_compose(&id, &f, CHANNELS[c], CODE, subject, body, cap);
			assert_true(strlen(body) < cap);
			for (size_t i = cap; i < sizeof(body); i++)
				assert_int_equal(body[i], 'x'); /* nothing written past cap */
		}
	}
}

/* ---- message_create, message_text, message_code_hash (store and vault) ---- */

struct fx {
	char dir[PATH_MAX];
	char db[PATH_MAX + 16];
	struct store *st;
	struct vault *v;
};

static int setup(void **state)
{
	static struct fx f;

	if (sodium_init() < 0 || tu_tempdir(f.dir) != 0 || vault_keygen(f.dir) != 0 ||
	    vault_open(f.dir, &f.v) != 0)
		return -1;
	snprintf(f.db, sizeof(f.db), "%s/t.db", f.dir);
	if (store_sqlite_open(f.db, &f.st) != 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->st);
	vault_free(f->v);
	tu_rmdir(f->dir);
	return 0;
}

static void create_store_and_read_back(void **state)
{
	struct fx *f = *state;
	static struct store_message m, got, list[8];
	static char text[MESSAGE_TEXT_MAX + 1], composed[MESSAGE_TEXT_MAX];
	struct insured_ident id;
	struct message_facts facts = { 3, 1795476600000LL, 1796205600000LL };
	char code[MSGCODE_TEXT], back[MSGCODE_TEXT], canon[MSGCODE_TEXT], subject[128];
	uint8_t h[VAULT_BIDX];
	int64_t first_id = 0;
	size_t n = 0;

	ident(&id);
	for (int c = 0; c < 3; c++) {
		assert_int_equal(message_create(f->st, f->v, 77, 5, CHANNELS[c], &id, &facts,
		                                1000 + c, &m, code),
		                 0);
		if (c == 0)
			first_id = m.id;
		/* A fresh canonical code and a positive id. */
		assert_int_equal(msgcode_parse(code, strlen(code), canon), 0);
		assert_string_equal(canon, code);
		assert_true(m.id > 0);
		assert_string_equal(m.channel, CHANNELS[c]);
		assert_int_equal(m.person_id, 77);
		assert_int_equal(m.campaign_id, 5);
		assert_int_equal(m.created_ms, 1000 + c);
		/* Stored under the code's keyed hash, not the code. */
		message_code_hash(f->v, code, h);
		assert_memory_equal(m.code, h, VAULT_BIDX);
		assert_null(memmem(m.body, m.body_len, code, strlen(code)));
		assert_int_equal(store_message_by_code(f->st, h, &got), 0);
		assert_int_equal(got.id, m.id);
		assert_int_equal(got.body_len, m.body_len);
		assert_string_equal(got.subject, TXT_MSG_SUBJECT);
		/* The text unseals to what message_compose writes, and gives the code back. */
		memset(back, 0, sizeof(back));
		assert_int_equal(message_text(f->v, &got, text, back), 0);
		assert_string_equal(back, code);
		message_compose(&id, &facts, CHANNELS[c], code, subject, composed,
		                sizeof(composed));
		assert_string_equal(text, composed);
		assert_int_equal(message_text(f->v, &got, text, NULL), 0);
		/* The text is bound to its row: another id does not open it. */
		got.id++;
		assert_int_equal(message_text(f->v, &got, text, back), VG_ECRYPTO);
		got.id--;
		got.body[VAULT_NONCE + 3] ^= 1;
		assert_int_equal(message_text(f->v, &got, text, back), VG_ECRYPTO);
		got.body_len = VAULT_OVERHEAD - 1;
		assert_int_equal(message_text(f->v, &got, text, back), VG_ECORRUPT);
	}
	/* The code hash is keyed and depends on the code. */
	message_code_hash(f->v, "0000-0000-0000", h);
	assert_int_equal(store_message_by_code(f->st, h, &got), VG_ENOTFOUND);
	/* The person's three messages, newest first. */
	assert_int_equal(store_messages_of(f->st, 77, list, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].channel, "sms");
	assert_string_equal(list[2].channel, "email");
	assert_int_equal(list[2].id, first_id);
	assert_int_equal(store_message_get(f->st, first_id, &got), 0);
	assert_string_equal(got.channel, "email");
}

/* Many messages: codes never repeat (the store refuses a repeated one anyway). */
static void codes_are_fresh(void **state)
{
	struct fx *f = *state;
	static struct store_message m;
	static char codes[200][MSGCODE_TEXT];
	struct insured_ident id;
	struct message_facts facts = { 1, 1795476600000LL, 1796205600000LL };

	ident(&id);
	for (int i = 0; i < 200; i++) {
		assert_int_equal(message_create(f->st, f->v, 1000 + i, 6, "sms", &id, &facts, 5000,
		                                &m, codes[i]),
		                 0);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(codes[i], codes[j]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(email_and_letter_say_what_was_seen),
		cmocka_unit_test(every_field_set),
		cmocka_unit_test(sms_is_short_and_carries_the_code),
		cmocka_unit_test(longest_text_fits),
		cmocka_unit_test(small_buffers),
		cmocka_unit_test_setup_teardown(create_store_and_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(codes_are_fresh, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
