/*
 * The e-mails of an insured person's account (incident/account_mail.h): what
 * each kind's text says (when, from where, which professional, what was
 * seen, the reset code and its expiry), that none carries a link even when a
 * client's User-Agent does, that the message code closes it as every message;
 * and the outbox's state machine against a store, with a mail server that
 * does not answer: no address, an expired code, an unreadable detail, retries
 * on one message, FAILED after ACCOUNT_MAIL_ATTEMPTS.
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

#include "core/access.h"
#include "core/msgcode.h"
#include "core/nir.h"
#include "core/record.h"
#include "incident/account_mail.h"
#include "incident/affected.h"
#include "incident/message.h"
#include "incident/texts.h"
#include "store/store.h"
#include "testutil.h"

#define CODE    "K7QM-3XPA-9FRT"
#define SECRET  "4D2P-Q8RS-HJ7V"
/* 2026-12-01T14:00:00Z: 15:00 in Paris (winter time). */
#define T_MS    1796133600000LL
#define FIREFOX "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"

static char body[MESSAGE_TEXT_MAX];
static char subject[128];

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
	static const char *const LINKS[] = { "http", "www", "://", ".com", ".example", "href" };

	for (size_t i = 0; i < sizeof(LINKS) / sizeof(LINKS[0]); i++)
		if (strcasestr(s, LINKS[i]))
			fail_msg("a link (%s) in: %s", LINKS[i], s);
}

/* Compose kind with detail (JSON) for Jeanne MARTIN; checks what every e-mail has. */
static void compose(const char *kind, const char *detail, struct account_mail_facts *f)
{
	struct insured_ident id;
	char want[200];

	ident(&id);
	if (account_mail_facts(kind, T_MS, detail, strlen(detail), f) != 0)
		fail_msg("facts of %s", detail);
	memset(body, 'x', sizeof(body));
	account_mail_compose(f, &id, CODE, subject, body, sizeof(body));
	assert_true(strlen(body) < sizeof(body));
	assert_no_link(body);
	assert_no_link(subject);
	snprintf(want, sizeof(want), TXT_MSG_HELLO, "Jeanne Marie", "MARTIN");
	assert_true(strncmp(body, want, strlen(want)) == 0);
	/* The message code closes it, where message_text reads it back. */
	assert_non_null(strstr(body, TXT_MSG_CHECK "\n\n    " CODE "\n"));
	assert_non_null(strstr(body, TXT_MSG_UNKNOWN_CODE));
	/* Nothing personal beyond the name. */
	assert_null(strstr(body, id.nir));
	assert_null(strstr(body, "1955"));
	/* The first indented line is the message code (no other line is). */
	assert_string_equal(strstr(body, "\n    ") + 5, strstr(body, CODE));
}

static void new_client_says_when_where_and_what_to_do(void **state)
{
	struct account_mail_facts f;

	(void)state;
	compose("new_client", "{\"ip\":\"203.0.113.7\",\"client\":\"" FIREFOX "\"}", &f);
	assert_string_equal(subject, TXT_ACCT_NEW_CLIENT_S);
	assert_non_null(strstr(body, "le 01/12/2026 à 15:00 (heure de Paris)"));
	assert_non_null(strstr(body, "Depuis l'adresse 203.0.113.7, avec Firefox sous Windows."));
	assert_non_null(strstr(body, TXT_ACCT_NOT_YOU));
	assert_non_null(strstr(body, "changez votre mot de passe"));
	assert_non_null(strstr(body, "verrouiller votre compte"));
	assert_non_null(strstr(body, TXT_ACCT_NEVER_ASK));
}

/* What a client sends is never copied: a link in a User-Agent or an address stays out. */
static void hostile_client_and_address(void **state)
{
	struct account_mail_facts f;

	(void)state;
	compose("new_client",
	        "{\"ip\":\"appelez le 01 23 45 67 89 http://x.example\","
	        "\"client\":\"Chrome/1 Windows - verifiez sur http://ameli-secure.example www.x.com\"}",
	        &f);
	assert_null(strstr(body, "01 23 45"));
	assert_null(strstr(body, "verifiez"));
	assert_non_null(strstr(body, "Avec Chrome sous Windows, depuis une adresse inconnue."));
	compose("password_changed", "{\"client\":\"curl/8.0 <script>\"}", &f);
	assert_null(strstr(body, "curl"));
	assert_non_null(strstr(body, TXT_ACCT_CLIENT_UNKNOWN));
	compose("password_changed", "{}", &f);
	assert_non_null(strstr(body, TXT_ACCT_FROM_NONE));
	compose("totp_on", "{\"ip\":\"2001:DB8::0:1\"}", &f);
	assert_non_null(strstr(body, "Depuis l'adresse 2001:db8::1,"));
}

static void clients_in_words(void **state)
{
	static const char *const UA[][2] = {
		{ FIREFOX, "Firefox sous Windows" },
		{ "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/126.0 Mobile Safari/537.36",
		  "Chrome sous Android" },
		{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
		  "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
		  "Safari sous iOS" },
		{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/126.0 Safari/537.36 Edg/126.0",
		  "Edge sous macOS" },
		{ "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
		  "Firefox sous Linux" },
		{ "Firefox/1", "Firefox" },
		{ "python-requests/2.31", TXT_ACCT_CLIENT_UNKNOWN },
		{ "", TXT_ACCT_CLIENT_UNKNOWN },
	};
	char out[ACCOUNT_MAIL_CLIENT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(UA) / sizeof(UA[0]); i++) {
		account_mail_client(UA[i][0], out);
		assert_string_equal(out, UA[i][1]);
	}
	account_mail_client(NULL, out);
	assert_string_equal(out, TXT_ACCT_CLIENT_UNKNOWN);
}

static void each_short_kind_has_its_own_text(void **state)
{
	static const char *const KINDS[] = { "new_client", "password_changed", "totp_on",
		                             "totp_off",   "recovery_used",    "card_opposed",
		                             "locked",     "unlocked",         "sessions_revoked" };
	char subjects[9][128];
	struct account_mail_facts f;

	(void)state;
	for (size_t i = 0; i < 9; i++) {
		compose(KINDS[i], "{\"ip\":\"198.51.100.2\",\"client\":\"" FIREFOX "\"}", &f);
		assert_string_not_equal(subject, TXT_ACCT_OTHER_S);
		assert_non_null(strstr(body, "01/12/2026 à 15:00"));
		assert_non_null(strstr(body, "198.51.100.2"));
		assert_non_null(strstr(body, TXT_ACCT_NOT_YOU));
		snprintf(subjects[i], 128, "%s", subject);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(subjects[i], subjects[k]);
	}
}

static void unknown_kind_is_told_generically(void **state)
{
	struct account_mail_facts f;
	struct insured_ident id;

	(void)state;
	compose("something_new", "{\"ip\":\"198.51.100.2\",\"whatever\":[1,2]}", &f);
	assert_string_equal(subject, TXT_ACCT_OTHER_S);
	assert_non_null(
	        strstr(body, "Une opération a eu lieu sur votre compte le 01/12/2026 à 15:00"));
	assert_non_null(strstr(body, "198.51.100.2"));
	/* A detail that is not JSON: the kind and the time still make an e-mail. */
	ident(&id);
	assert_int_equal(account_mail_facts("locked", T_MS, "not json", 8, &f), VG_EINVAL);
	assert_string_equal(f.kind, "locked");
	account_mail_compose(&f, &id, CODE, subject, body, sizeof(body));
	assert_string_equal(subject, TXT_ACCT_LOCKED_S);
	assert_non_null(strstr(body, "15:00"));
	assert_non_null(strstr(body, CODE));
}

#define ACCESS                                                                                     \
	"{\"index\":48213,\"t_ms\":1796137200000,\"pro_id\":7,\"rpps\":\"10001234567\","           \
	"\"route\":\"Patient\",\"decision\":\"%s\",\"fields\":\"%s\"}"

static void access_names_the_professional_time_and_fields(void **state)
{
	struct account_mail_facts f;
	struct insured_ident id;
	char detail[300], seen[512], want[700];

	(void)state;
	ident(&id);
	snprintf(detail, sizeof(detail), ACCESS, "allow", "identifier,name,gender,birthDate");
	assert_int_equal(account_mail_facts("access", T_MS, detail, strlen(detail), &f), 0);
	assert_int_equal(f.t_ms, 1796137200000LL); /* the access's own time: 16:00 in Paris */
	assert_int_equal(f.pro_id, 7);
	assert_int_equal(f.index, 48213);
	f.pro_known = 1;
	f.pro_kind = PRO_PHARMACIST;
	snprintf(f.pro_given, sizeof(f.pro_given), "Paul");
	snprintf(f.pro_family, sizeof(f.pro_family), "DUPONT");
	snprintf(f.pro_city, sizeof(f.pro_city), "Lyon");
	account_mail_compose(&f, &id, CODE, subject, body, sizeof(body));
	assert_string_equal(subject, TXT_ACCT_ACCESS_S);
	assert_no_link(body);
	assert_non_null(strstr(body, "Le 01/12/2026 à 16:00 (heure de Paris), Paul DUPONT, "
	                             "pharmacien à Lyon, a consulté votre dossier"));
	texts_fields_phrase((1u << AFF_IDENTIFIER) | (1u << AFF_NAME) | (1u << AFF_GENDER) |
	                            (1u << AFF_BIRTH_DATE),
	                    seen, sizeof(seen));
	snprintf(want, sizeof(want), "Ce qui lui a été montré : %s.", seen);
	assert_non_null(strstr(body, want));
	assert_non_null(strstr(body, "l'entrée n° 48213 du journal"));
	assert_non_null(strstr(body, "« Ce n'était pas moi »"));
	assert_null(strstr(body, "sans votre carte"));
	assert_non_null(strstr(body, "    " CODE "\n"));
	/* Minimised. */
	snprintf(detail, sizeof(detail), ACCESS, "minimise", "identifier,birthYear");
	VG_IGNORE(account_mail_facts("access", T_MS, detail, strlen(detail), &f));
	f.pro_known = 1;
	f.pro_kind = PRO_GP;
	snprintf(f.pro_family, sizeof(f.pro_family), "DURAND");
	account_mail_compose(&f, &id, CODE, subject, body, sizeof(body));
	assert_non_null(strstr(body, "médecin généraliste"));
	assert_non_null(strstr(body, TXT_ACCT_ACCESS_MINIMISED));
	assert_non_null(strstr(body, texts_field_label(AFF_BIRTH_YEAR)));
	/* A verification (every card-less answer) is told the same way. */
	snprintf(detail, sizeof(detail), ACCESS, "verify", "identifier,coverage");
	VG_IGNORE(account_mail_facts("access", T_MS, detail, strlen(detail), &f));
	account_mail_compose(&f, &id, CODE, subject, body, sizeof(body));
	assert_non_null(strstr(body, TXT_ACCT_ACCESS_MINIMISED));
	assert_non_null(strstr(body, "« Ce n'était pas moi »"));
	/* Blocked by the person, refused by the guard: nothing shown. */
	snprintf(detail, sizeof(detail), ACCESS, "blocked", "");
	VG_IGNORE(account_mail_facts("access", T_MS, detail, strlen(detail), &f));
	account_mail_compose(&f, &id, CODE, subject, body, sizeof(body));
	assert_non_null(
	        strstr(body, "Vous avez bloqué ce professionnel : rien ne lui a été montré"));
	assert_non_null(strstr(body, "un professionnel de santé (RPPS 10001234567)"));
	assert_null(strstr(body, "Ce qui lui a été montré"));
	snprintf(detail, sizeof(detail), ACCESS, "deny", "");
	VG_IGNORE(account_mail_facts("access", T_MS, detail, strlen(detail), &f));
	account_mail_compose(&f, &id, CODE, subject, body, sizeof(body));
	assert_non_null(strstr(body, "La consultation a été refusée"));
	assert_no_link(body);
}

static void reset_code_is_in_the_mail_not_in_the_copy(void **state)
{
	struct account_mail_facts f;
	char sent[MESSAGE_TEXT_MAX + 1];

	(void)state;
	/* Expires 2026-12-01T15:00Z: 16:00 in Paris. Typed leniently, read canonically. */
	compose("reset_code", "{\"code\":\"4d2p q8rs hj7v\",\"expires_ms\":1796137200000}", &f);
	assert_string_equal(f.secret, SECRET);
	assert_string_equal(subject, TXT_ACCT_RESET_S);
	assert_null(strstr(body, SECRET));
	assert_non_null(strstr(body, TXT_SECRET_WITHHELD));
	assert_non_null(strstr(body, "valable jusqu'au 01/12/2026 à 16:00 (heure de Paris)"));
	assert_non_null(strstr(body, "au moins 15 caractères"));
	assert_non_null(strstr(body, TXT_ACCT_NEVER_ASK));
	assert_int_equal(message_reveal(body, f.secret, sent, sizeof(sent)), 0);
	assert_non_null(strstr(sent, "à usage unique :\n\n  " SECRET "\n\n"));
	assert_null(strstr(sent, TXT_SECRET_WITHHELD));
	assert_no_link(sent);
	/* The message code is still the first indented line of what is sent. */
	assert_string_equal(strstr(sent, "\n    ") + 5, strstr(sent, CODE));
	assert_int_equal(message_reveal(sent, f.secret, body, sizeof(body)), VG_ENOTFOUND);
	assert_int_equal(message_reveal(body, f.secret, sent, 20), VG_ETOOBIG);
	/* A malformed code reads as none. */
	compose("reset_code", "{\"code\":\"nope\",\"expires_ms\":1}", &f);
	assert_string_equal(f.secret, "");
}

/* Small buffers: cut, NUL-terminated, nothing written past cap. */
static void small_buffers(void **state)
{
	struct account_mail_facts f;
	struct insured_ident id;
	char small[300];

	(void)state;
	ident(&id);
	VG_IGNORE(account_mail_facts("new_client", T_MS, "{}", 2, &f));
	for (size_t cap = 1; cap <= sizeof(small); cap += 7) {
		memset(small, 'x', sizeof(small));
		account_mail_compose(&f, &id, CODE, subject, small, cap);
		assert_true(strlen(small) < cap);
		for (size_t i = cap; i < sizeof(small); i++)
			assert_int_equal(small[i], 'x');
	}
}

/* ---- the outbox, against a store and a mail server that is not there ---- */

struct fx {
	char dir[PATH_MAX];
	char db[PATH_MAX + 16];
	struct store *st;
	struct vault *v;
	struct account_mail *am;
};

static void put_person(struct fx *f, int64_t id, const char *email)
{
	struct store_insured *r = calloc(1, sizeof(*r));
	struct insured_ident idn;
	struct insured_contact c = { .line = "3 rue des Lilas", .postal = "69003", .city = "LYON" };
	uint8_t buf[RECORD_PACK_MAX];
	int n;

	assert_non_null(r);
	ident(&idn);
	snprintf(c.email, sizeof(c.email), "%s", email);
	r->id = id;
	n = record_pack_ident(&idn, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(vault_seal(f->v, "insured", "ident", id, buf, (size_t)n, r->ident), 0);
	r->ident_len = (size_t)n + VAULT_OVERHEAD;
	n = record_pack_contact(&c, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(vault_seal(f->v, "insured", "contact", id, buf, (size_t)n, r->contact), 0);
	r->contact_len = (size_t)n + VAULT_OVERHEAD;
	n = record_pack_rights(&(struct insured_rights){ .dept = "69" }, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(vault_seal(f->v, "insured", "rights", id, buf, (size_t)n, r->rights), 0);
	r->rights_len = (size_t)n + VAULT_OVERHEAD;
	vault_blind(f->v, VAULT_D_NIR, idn.nir, NIR_LEN, r->nir_bidx);
	r->nir_bidx[0] ^= (uint8_t)id; /* distinct rows */
	r->pid[0] = (uint8_t)id;
	r->patient[0] = (uint8_t)id;
	r->has_patient = 1;
	assert_int_equal(store_insured_put(f->st, r), 0);
	free(r);
}

static int setup(void **state)
{
	static struct fx f;
	struct account_mail_cfg cfg = { "smtp://127.0.0.1:1", "securite@assurance-maladie.test",
		                        NULL, 1 };

	memset(&f, 0, sizeof(f));
	if (sodium_init() < 0 || tu_tempdir(f.dir) != 0 || vault_keygen(f.dir) != 0 ||
	    vault_open(f.dir, &f.v) != 0)
		return -1;
	snprintf(f.db, sizeof(f.db), "%s/t.db", f.dir);
	if (store_sqlite_open(f.db, &f.st) != 0)
		return -1;
	if (account_mail_new(&cfg, &f.am) != 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	account_mail_free(f->am);
	store_close(f->st);
	vault_free(f->v);
	tu_rmdir(f->dir);
	return 0;
}

/* The event row as the store has it now (by id, among the account's). */
static void event_now(struct fx *f, int64_t account, int64_t id, struct store_event *out)
{
	static struct store_event evs[16];
	size_t n = 0;

	assert_int_equal(store_events_of(f->st, account, 1, INT64_MAX, evs, 16, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (evs[i].id == id) {
			*out = evs[i];
			return;
		}
	fail_msg("no event %lld", (long long)id);
}

static void no_address_expired_unreadable_fail_at_once(void **state)
{
	struct fx *f = *state;
	struct store_event e, got;
	struct account_mail_counts c;
	static struct store_message ms[4];
	size_t n = 9;

	put_person(f, 11, "");                /* no e-mail address */
	put_person(f, 12, "pas une adresse"); /* not one we send to */
	put_person(f, 13, "jeanne.martin@exemple.test");
	assert_int_equal(
	        account_event_add(f->st, f->v, 11, T_MS, "new_client", "{}", MAIL_PENDING, &e), 0);
	assert_int_equal(
	        account_event_add(f->st, f->v, 12, T_MS, "locked", "{}", MAIL_PENDING, &got), 0);
	assert_int_equal(account_mail_run(f->am, f->st, f->v, T_MS, NULL, &c), 0);
	assert_int_equal(c.failed, 2);
	assert_int_equal(c.sent + c.retry, 0);
	event_now(f, 11, e.id, &got);
	assert_int_equal(got.mail, MAIL_FAILED);
	assert_int_equal(got.attempts, 0);
	assert_int_equal(got.message_id, 0);
	assert_int_equal(store_messages_of(f->st, 11, ms, 4, &n), 0);
	assert_int_equal(n, 0); /* nothing made for nobody */
	/* An expired reset code is not sent. */
	assert_int_equal(account_event_add(f->st, f->v, 13, T_MS, "reset_code",
	                                   "{\"code\":\"" SECRET "\",\"expires_ms\":1796133600000}",
	                                   MAIL_PENDING, &e),
	                 0);
	/* A detail sealed for another account does not open: failed, not stuck. */
	assert_int_equal(account_event_add(f->st, f->v, 12, T_MS, "locked", "{}", MAIL_NONE, &got),
	                 0);
	got.account_id = 13;
	got.mail = MAIL_PENDING;
	assert_int_equal(store_event_put(f->st, &got), 0);
	assert_int_equal(account_mail_run(f->am, f->st, f->v, T_MS + 1, NULL, &c), 0);
	assert_int_equal(c.failed, 2);
	event_now(f, 13, e.id, &e);
	assert_int_equal(e.mail, MAIL_FAILED);
	event_now(f, 13, got.id, &got);
	assert_int_equal(got.mail, MAIL_FAILED);
	/* Nothing left. */
	assert_int_equal(account_mail_run(f->am, f->st, f->v, T_MS + 2, NULL, &c), 0);
	assert_int_equal(c.failed + c.sent + c.retry, 0);
}

static void retries_reuse_one_message_then_fail(void **state)
{
	struct fx *f = *state;
	struct store_event e, got;
	struct account_mail_counts c;
	static struct store_message m;
	static char text[MESSAGE_TEXT_MAX + 1];
	char code[MSGCODE_TEXT];
	uint8_t h[VAULT_BIDX];
	int64_t mid = 0;

	put_person(f, 21, "jeanne.martin@exemple.test");
	assert_int_equal(account_event_add(f->st, f->v, 21, T_MS, "reset_code",
	                                   "{\"code\":\"" SECRET "\",\"expires_ms\":1796137200000}",
	                                   MAIL_PENDING, &e),
	                 0);
	for (int i = 1; i <= ACCOUNT_MAIL_ATTEMPTS; i++) {
		/* Nobody listens on port 1: a temporary failure, the run stops. */
		assert_int_equal(account_mail_run(f->am, f->st, f->v, T_MS + i, NULL, &c),
		                 VG_EBUSY);
		assert_int_equal(c.retry, 1);
		event_now(f, 21, e.id, &got);
		assert_int_equal(got.attempts, i);
		assert_int_equal(got.mail, i < ACCOUNT_MAIL_ATTEMPTS ? MAIL_PENDING : MAIL_FAILED);
		assert_true(got.message_id != 0);
		if (i == 1)
			mid = got.message_id;
		assert_int_equal(got.message_id, mid); /* one message, resent identical */
	}
	assert_int_equal(account_mail_run(f->am, f->st, f->v, T_MS + 9, NULL, &c), 0);
	assert_int_equal(c.retry, 0);
	/* The stored copy: an e-mail of no campaign, whose code verifies, without the reset code. */
	assert_int_equal(store_message_get(f->st, mid, &m), 0);
	assert_string_equal(m.channel, "email");
	assert_int_equal(m.campaign_id, 0);
	assert_int_equal(m.person_id, 21);
	assert_int_equal(m.created_ms, T_MS + 1);
	assert_string_equal(m.subject, TXT_ACCT_RESET_S);
	assert_int_equal(message_text(f->v, &m, text, code), 0);
	assert_null(strstr(text, SECRET));
	assert_non_null(strstr(text, TXT_SECRET_WITHHELD));
	message_code_hash(f->v, code, h);
	assert_int_equal(store_message_by_code(f->st, h, &m), 0);
	assert_int_equal(m.id, mid);
}

static void stop_flag_and_bad_config(void **state)
{
	struct fx *f = *state;
	struct store_event e;
	struct account_mail_counts c;
	struct account_mail *bad = NULL;
	atomic_int stop = 1;
	struct account_mail_cfg cfg = { "smtp://127.0.0.1:1", "not an address", NULL, 0 };

	put_person(f, 31, "");
	assert_int_equal(account_event_add(f->st, f->v, 31, T_MS, "locked", "{}", MAIL_PENDING, &e),
	                 0);
	assert_int_equal(account_mail_run(f->am, f->st, f->v, T_MS, &stop, &c), 0);
	assert_int_equal(c.failed, 0); /* stopped before the first */
	assert_int_equal(account_mail_new(&cfg, &bad), VG_EINVAL);
	assert_null(bad);
	cfg.from = "a@b.test";
	cfg.smtp_url = NULL;
	assert_int_equal(account_mail_new(&cfg, &bad), VG_EINVAL);
	{
		static char big[EVENT_DETAIL_MAX + 16];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(
		        account_event_add(f->st, f->v, 31, T_MS, "x", big, MAIL_PENDING, &e),
		        VG_ETOOBIG);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_client_says_when_where_and_what_to_do),
		cmocka_unit_test(hostile_client_and_address),
		cmocka_unit_test(clients_in_words),
		cmocka_unit_test(each_short_kind_has_its_own_text),
		cmocka_unit_test(unknown_kind_is_told_generically),
		cmocka_unit_test(access_names_the_professional_time_and_fields),
		cmocka_unit_test(reset_code_is_in_the_mail_not_in_the_copy),
		cmocka_unit_test(small_buffers),
		cmocka_unit_test_setup_teardown(no_address_expired_unreadable_fail_at_once, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(retries_reuse_one_message_then_fail, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(stop_flag_and_bad_config, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
