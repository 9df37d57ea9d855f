/*
 * cmd_enrol.c - `vigie enrol`: the letter that lets an insured person open
 * their own account (an activation code), or choose a new password (--reset:
 * a reset code, by letter, or with --email by e-mail through the account's
 * outbox), for one person (--nir, --birthdate among dependants) or, for
 * demos, the first N people without an account (--sample N).
 *
 * For each person, in this order: the act is journaled (route "enrol.letter"
 * or "enrol.reset" under the person's access pseudonym, through the running
 * server's control socket or the journal itself, as cmd_incident.c does),
 * then the code is issued (node/codes.h: the person's earlier code of the
 * same purpose dies), then the letter is written (incident/enrol.h) or the
 * e-mail queued (incident/account_mail.h). The code is never printed unless
 * --print-code asks (tests, demos).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/open.h"
#include "core/access.h"
#include "core/nir.h"
#include "incident/account_mail.h"
#include "incident/enrol.h"
#include "incident/letter.h"
#include "incident/mail.h"
#include "node/codes.h"
#include "core/banned.h"

#define CLOCK_OFFSET_MAX (100LL * 366 * 86400)
#define SAMPLE_MAX       10000

struct args {
	const char *dir, *nir, *birthdate, *out;
	int reset, email, print_code;
	int64_t sample, offset_s;
};

/* One person, unsealed (wiped after use). */
struct person {
	int64_t id;
	uint8_t patient[VAULT_BIDX];
	struct insured_ident ident;
	struct insured_contact contact;
	struct insured_rights rights;
};

struct run {
	const struct args *a;
	struct store *st;
	const struct vault *v;
	struct cli_journal j;
	int64_t now_ms;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option OPTS[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "nir", required_argument, NULL, 'n' },
		{ "birthdate", required_argument, NULL, 'b' },
		{ "reset", no_argument, NULL, 'r' },
		{ "email", no_argument, NULL, 'e' },
		{ "out", required_argument, NULL, 'o' },
		{ "sample", required_argument, NULL, 's' },
		{ "print-code", no_argument, NULL, 'p' },
		{ "clock-offset", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		switch (c) {
		case 'd': a->dir = optarg; break;
		case 'n': a->nir = optarg; break;
		case 'b': a->birthdate = optarg; break;
		case 'r': a->reset = 1; break;
		case 'e': a->email = 1; break;
		case 'o': a->out = optarg; break;
		case 'p': a->print_code = 1; break;
		case 's':
			if (cli_i64(optarg, "--sample", &a->sample) != 0 || a->sample <= 0 ||
			    a->sample > SAMPLE_MAX)
				return cli_fail("--sample: a number of people, 1 to %d",
				                SAMPLE_MAX) +
				       1;
			break;
		case 'k':
			if (cli_i64(optarg, "--clock-offset", &a->offset_s) != 0 ||
			    a->offset_s < -CLOCK_OFFSET_MAX || a->offset_s > CLOCK_OFFSET_MAX)
				return cli_fail(
				               "--clock-offset: seconds, at most 100 years either way") +
				       1;
			break;
		default: return cli_usage("enrol");
		}
	}
	if (optind < argc || (!a->nir == !a->sample))
		return cli_usage("enrol");
	if (a->sample && (a->reset || a->birthdate))
		return cli_fail("--sample makes activation letters for people with no account: "
		                "no --reset, no --birthdate") +
		       1;
	if (a->email && !a->reset)
		return cli_fail("--email sends a reset code: it needs --reset (activation codes go "
		                "by post)") +
		       1;
	if (!a->email && !a->out)
		return cli_fail("letters need an output directory (--out DIR)") + 1;
	if (a->birthdate && (strlen(a->birthdate) != 10 || a->birthdate[4] != '-' ||
	                     a->birthdate[7] != '-' || strspn(a->birthdate, "0123456789-") != 10))
		return cli_fail("--birthdate: YYYY-MM-DD") + 1;
	if (a->out && access(a->out, W_OK) != 0)
		return cli_fail("--out %s: not a directory we can write to", a->out) + 1;
	a->dir = cli_data_dir(a->dir);
	return 0;
}

static int64_t clock_ms(int64_t offset_s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + offset_s * 1000;
}

/* Unseal row s into p: 0, or an error (the row cannot be read). */
static int person_open(const struct vault *v, const struct store_insured *s, struct person *p)
{
	uint8_t pt[STORE_SEALED_MAX];
	int rc = VG_ECORRUPT;

	memset(p, 0, sizeof(*p));
	p->id = s->id;
	if (s->ident_len >= VAULT_OVERHEAD && s->contact_len >= VAULT_OVERHEAD &&
	    s->rights_len >= VAULT_OVERHEAD) {
		rc = vault_unseal(v, "insured", "ident", s->id, s->ident, s->ident_len, pt)
		             ? VG_ECRYPTO
		             : record_unpack_ident(pt, s->ident_len - VAULT_OVERHEAD, &p->ident);
		if (rc == 0)
			rc = vault_unseal(v, "insured", "contact", s->id, s->contact,
			                  s->contact_len, pt)
			             ? VG_ECRYPTO
			             : record_unpack_contact(pt, s->contact_len - VAULT_OVERHEAD,
			                                     &p->contact);
		if (rc == 0)
			rc = vault_unseal(v, "insured", "rights", s->id, s->rights, s->rights_len,
			                  pt)
			             ? VG_ECRYPTO
			             : record_unpack_rights(pt, s->rights_len - VAULT_OVERHEAD,
			                                    &p->rights);
	}
	sodium_memzero(pt, sizeof(pt));
	/* The pseudonym the person's accesses are journaled under. */
	if (s->has_patient)
		memcpy(p->patient, s->patient, VAULT_BIDX);
	else if (rc == 0)
		vault_blind(v, VAULT_D_ACCESS, p->ident.nir, strnlen(p->ident.nir, NIR_LEN),
		            p->patient);
	return rc;
}

/* Whether person id has an online account: 1, 0, or a negative error. */
static int has_account(struct store *st, int64_t id)
{
	struct store_account acct;
	int rc = store_account_get(st, id, &acct);

	sodium_memzero(&acct, sizeof(acct));
	return rc == 0 ? 1 : rc == VG_ENOTFOUND ? 0 : rc;
}

/* The act, journaled before anything is issued: 0 or 1 (printed). */
static int journal(struct run *r, const struct person *p, uint64_t *index)
{
	struct access_rec act;
	int rc;

	memset(&act, 0, sizeof(act));
	act.t_ms = r->now_ms;
	snprintf(act.rpps, sizeof(act.rpps), "console");
	memcpy(act.ip, "local", 6);
	memcpy(act.patient, p->patient, sizeof(act.patient));
	snprintf(act.route, sizeof(act.route), "%s", r->a->reset ? "enrol.reset" : "enrol.letter");
	snprintf(act.decision, sizeof(act.decision), "%s", r->a->reset ? "reset" : "letter");
	snprintf(act.fields, sizeof(act.fields), "%s", r->a->email ? "email" : "letter");
	act.status = 200;
	act.n_results = 1;
	rc = cli_journal_act(&r->j, &act, index);
	return rc ? cli_fail("the journal cannot record the act (%s): nothing was issued",
	                     vg_strerror(rc))
	          : 0;
}

/* Journal, issue the code, write the letter or queue the e-mail: 0, or 1 (printed). */
static int enrol_one(struct run *r, const struct person *p)
{
	const struct args *a = r->a;
	char code[MSGCODE_TEXT], path[4200], detail[128];
	struct store_message *m = malloc(sizeof(*m));
	struct store_event e;
	int64_t expires = 0;
	uint64_t index = 0;
	int rc, status = 1;

	if (!m)
		return cli_fail("out of memory");
	if (journal(r, p, &index) != 0)
		goto out;
	rc = codes_issue(r->st, r->v, p->id, a->reset ? CODE_RESET : CODE_ENROL,
	                 a->email ? CODE_EMAIL : CODE_LETTER, r->now_ms, code, &expires);
	if (rc != 0) {
		cli_fail("the code cannot be stored (%s)", vg_strerror(rc));
		goto out;
	}
	if (a->email) {
		snprintf(detail, sizeof(detail), "{\"code\":\"%s\",\"expires_ms\":%lld}", code,
		         (long long)expires);
		rc = account_event_add(r->st, r->v, p->id, r->now_ms, "reset_code", detail,
		                       MAIL_PENDING, &e);
		sodium_memzero(detail, sizeof(detail));
		if (rc != 0) {
			cli_fail("the e-mail cannot be queued (%s)", vg_strerror(rc));
			goto out;
		}
		fprintf(stderr,
		        "vigie: reset code of person %lld queued for e-mail (event %lld, journal "
		        "entry %llu): a server started with --smtp, or `vigie notify "
		        "--account-events`, sends it\n",
		        (long long)p->id, (long long)e.id, (unsigned long long)index);
	} else {
		struct enrol_letter l = { &p->ident, &p->contact, a->reset, code, expires };

		rc = enrol_letter_write(r->st, r->v, p->id, &l, r->now_ms, a->out, path,
		                        sizeof(path), m);
		if (rc != 0) {
			cli_fail("the letter of person %lld cannot be written (%s)%s",
			         (long long)p->id, vg_strerror(rc),
			         rc == VG_EINVAL ? ": their postal address cannot be printed" : "");
			goto out;
		}
		printf("%s\n", path);
		fprintf(stderr, "vigie: letter of person %lld written (journal entry %llu)\n",
		        (long long)p->id, (unsigned long long)index);
	}
	if (a->print_code)
		printf("code: %s\n", code);
	status = 0;
out:
	sodium_memzero(code, sizeof(code));
	if (m)
		sodium_memzero(m, sizeof(*m));
	free(m);
	return status;
}

/* The one person --nir (and --birthdate) names, checked against --reset and --email. */
static int by_nir(struct run *r)
{
	const struct args *a = r->a;
	struct store_insured *rows = calloc(STORE_MATCH_MAX, sizeof(*rows));
	struct person *p = calloc(1, sizeof(*p)), *pick = calloc(1, sizeof(*pick));
	uint8_t bidx[VAULT_BIDX];
	enum nir_fault why;
	struct nir n;
	size_t found = 0, matched = 0;
	int rc, status = 1, acct;

	if (!rows || !p || !pick) {
		cli_fail("out of memory");
		goto out;
	}
	if (nir_parse(a->nir, strlen(a->nir), &n, &why) != 0) {
		cli_fail("--nir: not a valid NIR (%s)", nir_fault_str(why));
		goto out;
	}
	vault_blind(r->v, VAULT_D_NIR, n.canon, NIR_LEN, bidx);
	if ((rc = store_insured_find(r->st, bidx, rows, STORE_MATCH_MAX, &found)) != 0) {
		cli_fail("cannot read the insured people: %s", vg_strerror(rc));
		goto out;
	}
	if (found == 0) {
		cli_fail("no insured person has this NIR");
		goto out;
	}
	for (size_t i = 0; i < found; i++) {
		/* The lookup path leaves the contact group out: the whole row, for the address. */
		if ((rc = store_insured_get(r->st, rows[i].id, &rows[i])) != 0 ||
		    (rc = person_open(r->v, &rows[i], p)) != 0) {
			cli_fail("the record of person %lld cannot be read (%s)",
			         (long long)rows[i].id, vg_strerror(rc));
			goto out;
		}
		if (a->birthdate && strcmp(p->ident.birth_date, a->birthdate) != 0)
			continue;
		matched++;
		*pick = *p;
	}
	if (matched == 0) {
		cli_fail("nobody under this NIR was born on %s", a->birthdate);
		goto out;
	}
	if (matched > 1) {
		cli_fail(
		        "%zu people share this NIR (the insured and dependants): say which one with "
		        "--birthdate YYYY-MM-DD",
		        matched);
		goto out;
	}
	if ((acct = has_account(r->st, pick->id)) < 0) {
		cli_fail("cannot read the accounts: %s", vg_strerror(acct));
		goto out;
	}
	if (acct && !a->reset) {
		cli_fail("this person already has an account; use --reset");
		goto out;
	}
	if (!acct && a->reset) {
		cli_fail("this person has no account yet: an activation letter needs no --reset");
		goto out;
	}
	if (a->email && !mail_address_ok(pick->contact.email)) {
		cli_fail("this person has no e-mail address we can send to: send the reset code by "
		         "post (without --email)");
		goto out;
	}
	status = enrol_one(r, pick);
out:
	if (rows)
		sodium_memzero(rows, STORE_MATCH_MAX * sizeof(*rows));
	if (p)
		sodium_memzero(p, sizeof(*p));
	if (pick)
		sodium_memzero(pick, sizeof(*pick));
	free(rows);
	free(p);
	free(pick);
	return status;
}

/*
 * The first N insured people (rank 0: not a dependant) with no account, no
 * activation letter on its way (a live code), a postal address and not a
 * honeytoken, by id: the demo's letters. Seeded ids
 * run from 1; the scan stops after the last row (insured_count ids past the
 * first gap is enough for a seeded population).
 */
static int sample(struct run *r)
{
	struct store_insured *s = malloc(sizeof(*s));
	struct person *p = malloc(sizeof(*p));
	int64_t total = 0, done = 0, seen = 0;
	int rc, status = 0;

	if (!s || !p) {
		free(s);
		free(p);
		return cli_fail("out of memory");
	}
	if ((rc = store_insured_count(r->st, &total)) != 0) {
		status = cli_fail("cannot count the insured people: %s", vg_strerror(rc));
		goto out;
	}
	for (int64_t id = 1; done < r->a->sample && seen < total && status == 0; id++) {
		struct store_code live;
		int acct;

		rc = store_insured_get(r->st, id, s);
		if (rc == VG_ENOTFOUND)
			continue;
		seen++;
		if (rc != 0 || person_open(r->v, s, p) != 0) {
			status =
			        cli_fail("the record of person %lld cannot be read", (long long)id);
			break;
		}
		if ((acct = has_account(r->st, id)) < 0) {
			status = cli_fail("cannot read the accounts: %s", vg_strerror(acct));
			break;
		}
		if (acct || p->ident.rank != 0 || p->rights.honeytoken || !p->contact.line[0] ||
		    !p->contact.postal[0] || !p->contact.city[0])
			continue;
		/* A letter on its way already: a second one would only kill its code. */
		if (store_code_live(r->st, id, CODE_ENROL, r->now_ms, &live) == 0)
			continue;
		status = enrol_one(r, p);
		done += status == 0;
	}
	if (status == 0 && done < r->a->sample)
		fprintf(stderr, "vigie: only %lld people without an account could be written to\n",
		        (long long)done);
out:
	sodium_memzero(s, sizeof(*s));
	sodium_memzero(p, sizeof(*p));
	free(s);
	free(p);
	return status;
}

int cmd_enrol(int argc, char **argv)
{
	struct args a;
	struct run r = { .a = &a };
	struct vault *v = NULL;
	int status;

	if ((status = parse(argc, argv, &a)) != 0)
		return status;
	if (cli_open(a.dir, &v, &r.st) != 0)
		return 1;
	r.v = v;
	r.now_ms = clock_ms(a.offset_s); /* the one reading of the clock */
	cli_journal_init(&r.j, a.dir, r.st, v);
	status = a.sample ? sample(&r) : by_nir(&r);
	cli_journal_release(&r.j);
	store_close(r.st);
	vault_free(v);
	letter_fonts_release();
	return status;
}
