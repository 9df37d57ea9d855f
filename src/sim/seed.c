/*
 * seed.c - see seed.h.
 *
 * Who is generated:
 *  - professionals first (their RPPS, names and practice departments), so
 *    that insured people can declare a GP of their department;
 *  - then households: an adult insured person (rank 0) with, often between
 *    25 and 55, one to three children under 18 billed under the adult's NIR
 *    (ranks 1..3). Every person counts toward n_insured.
 *
 * Determinism: everything about people comes from two struct rng streams
 * derived from the seed (one for professionals, one for households), drawn
 * in one thread in a fixed order. Dates are relative to SEED_REF (2026-01-01),
 * never to the clock. Only credentials (passwords, TOTP secrets, cards.key)
 * and the vault's random nonces come from randombytes.
 *
 * Pipeline: the calling thread generates a batch of people in clear while
 * worker threads seal the previous batch (three vault_seal, two blind indexes
 * and an Ed25519 key derivation each); the calling thread then writes the
 * sealed batch in one transaction. Argon2id hashing of the professionals'
 * passwords runs in two more threads from the start, and the professionals
 * are written last, once their hashes are ready. Only the calling thread uses
 * the store.
 *
 * Refusals and failures: VG_EEXIST when the store already holds insured
 * people or professionals, or when the card master secret exists
 * (seed_cards_path: it is never overwritten). On a failure the files this run created are removed; rows
 * already committed stay, so the store is then refused by a second run.
 */
#include "sim/seed.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/civil.h"
#include "core/hours.h"
#include "core/iban.h"
#include "core/nir.h"
#include "core/record.h"
#include "core/rng.h"
#include "core/rpps.h"
#include "crypto/card.h"
#include "crypto/password.h"
#include "crypto/totp.h"
#include "sim/popdata.h"
#include "core/banned.h"

#define SEED_REF_Y        2026  /* reference date: 2026-01-01 */
#define BATCH             10000 /* people per transaction */
#define HOUSE_MAX         4     /* an adult and up to three children */
#define HASH_THREADS      2     /* Argon2id at 64 MiB each */
#define CRYPT_THREADS_MAX 8
#define PW_LEN            16
#define N_SAMPLE_CATS     4  /* dependants, C2S, AME, ALD */
#define HONEY_PER_MILLE   10 /* households that are honeytokens (see seed.h) */

_Static_assert(HOUSE_MAX <= STORE_MATCH_MAX, "a household must fit in one NIR lookup");
_Static_assert(BATCH >= HOUSE_MAX, "a batch holds at least one household");

/* Unambiguous characters: no 0/O, 1/l/I. */
static const char PW_ALPHABET[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

static const struct {
	const char *code;
	unsigned w;
} BANKS[] = {
	{ "30004", 18 }, /* BNP Paribas */
	{ "30003", 14 }, /* Société Générale */
	{ "30006", 10 }, /* Crédit Agricole */
	{ "16606", 6 },  /* Crédit Agricole Normandie */
	{ "18206", 6 },  /* Crédit Agricole Île-de-France */
	{ "20041", 14 }, /* La Banque Postale */
	{ "17515", 8 },  /* Caisse d'Épargne Île-de-France */
	{ "10107", 5 },  /* BRED */
	{ "10278", 12 }, /* Crédit Mutuel */
	{ "30002", 7 },  /* LCL */
};

/* An insured person in clear, before sealing. */
struct person {
	int64_t id;
	struct insured_ident ident;
	struct insured_contact contact;
	struct insured_rights rights;
};

/* A professional, with the clear credentials that go to pros.tsv. */
struct pro_seed {
	struct store_pro p;
	char password[PW_LEN + 1];
	uint8_t totp[TOTP_SECRET_LEN];
};

/* ----------------------------------------------------------------- dates -- */

static int64_t days_from_civil(int y, int m, int d)
{
	return civil_days(y, m, d);
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t yy;

	civil_date(z, &yy, m, d);
	*y = (int)yy;
}

/* "YYYY-MM-DD" of a day number (years 1000..9999). */
static void fmt_date(int64_t days, char out[11])
{
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

static void put_digits(char *out, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* ------------------------------------------------------ sets of numbers -- */

/*
 * A set of non-zero 64-bit codes (open addressing, linear probing), grown
 * at 70 % load. Issued NIRs are encoded exactly (base 12 of their first 13
 * characters, 2A/2B being digits 10 and 11), so the set has no false hits.
 */
struct u64set {
	uint64_t *slot;
	uint64_t mask;
	uint64_t n;
};

static int u64set_init(struct u64set *s, uint64_t cap_pow2)
{
	s->slot = calloc(cap_pow2, sizeof(*s->slot));
	s->mask = cap_pow2 - 1;
	s->n = 0;
	return s->slot ? 0 : VG_ENOMEM;
}

static void u64set_release(struct u64set *s)
{
	free(s->slot);
	s->slot = NULL;
}

static uint64_t u64_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static int u64set_has(const struct u64set *s, uint64_t code)
{
	for (uint64_t i = u64_mix(code) & s->mask;; i = (i + 1) & s->mask) {
		if (s->slot[i] == code)
			return 1;
		if (s->slot[i] == 0)
			return 0;
	}
}

static void u64set_put_new(struct u64set *s, uint64_t code)
{
	uint64_t i = u64_mix(code) & s->mask;

	while (s->slot[i] != 0)
		i = (i + 1) & s->mask;
	s->slot[i] = code;
	s->n++;
}

/* Add code (non-zero, not present). Returns 0 or VG_ENOMEM. */
static int u64set_add(struct u64set *s, uint64_t code)
{
	if ((s->n + 1) * 10 > (s->mask + 1) * 7) {
		struct u64set big;
		int rc = u64set_init(&big, (s->mask + 1) * 2);

		if (rc != 0)
			return rc;
		for (uint64_t i = 0; i <= s->mask; i++)
			if (s->slot[i])
				u64set_put_new(&big, s->slot[i]);
		u64set_release(s);
		*s = big;
	}
	u64set_put_new(s, code);
	return 0;
}

static uint64_t nir_code(const char *s13)
{
	uint64_t v = 0;

	for (int i = 0; i < 13; i++) {
		char c = s13[i];
		v = v * 12 + (uint64_t)(c == 'A' ? 10 : c == 'B' ? 11 : c - '0');
	}
	return v + 1;
}

/* ------------------------------------------------------------ text bits -- */

/*
 * Lower-case ASCII of a UTF-8 name for an e-mail address: accents dropped
 * (é -> e, ç -> c, œ -> oe), spaces and apostrophes removed, hyphens kept.
 */
static size_t ascii_fold(const char *s, char *out, size_t cap)
{
	static const char LATIN1[65] = "aaaaaaaceeeeiiiidnooooo_ouuuuy_s"
	                               "aaaaaaaceeeeiiiidnooooo_ouuuuy_y";
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	if (cap == 0)
		return 0;
	while (*p && o + 2 < cap) {
		unsigned char c = *p++;

		if (c >= 'A' && c <= 'Z')
			out[o++] = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
			out[o++] = (char)c;
		else if (c == 0xC3 && *p >= 0x80 && *p <= 0xBF) {
			char f = LATIN1[*p++ - 0x80];
			if (f != '_')
				out[o++] = f;
		} else if (c == 0xC5 && (*p == 0x92 || *p == 0x93)) {
			p++;
			out[o++] = 'o';
			out[o++] = 'e';
		} else if (c >= 0x80) {
			while ((*p & 0xC0) == 0x80)
				p++; /* another non-ASCII character: drop it whole */
		}
	}
	out[o] = '\0';
	return o;
}

/* First word of a space-separated list of given names into out. */
static void first_given(const char *given, char *out, size_t cap)
{
	size_t n = strcspn(given, " ");

	if (n >= cap)
		n = cap - 1;
	memcpy(out, given, n);
	out[n] = '\0';
}

/* ------------------------------------------------------------ generator -- */

struct gen {
	struct rng r;
	struct u64set nirs;
	int64_t ref; /* day number of SEED_REF */
	const struct pro_seed *pros;
	uint32_t *gp; /* indices into pros of GPs, grouped by department */
	uint32_t gp_start[POPDATA_N_DEPTS + 1];
	uint64_t n_total;
	int64_t next_id;     /* next insured id, from 1 */
	uint64_t honey_salt; /* which households are honeytokens (from the seed) */
};

/* What a household shares: residence, origin, contact, household-level rights. */
struct household {
	int dept;
	enum popdata_origin origin;
	int immigrant; /* the adult was born abroad */
	uint8_t c2s;
	char c2s_end[11];
	uint8_t ame;
	char ame_end[11];
	uint8_t active;
	char end[11];
};

static int chance(struct rng *r, unsigned per_mille)
{
	return rng_below(r, 1000) < per_mille;
}

/* Share of women among adults of an age (more women at old ages). */
static unsigned female_per_mille(int age)
{
	if (age >= 85)
		return 680;
	if (age >= 75)
		return 590;
	if (age >= 60)
		return 535;
	return 505;
}

/* Probability (per mille) that an adult of this age has children billed under them. */
static unsigned parent_per_mille(int age)
{
	static const uint16_t BY5[] = { 0, 0, 0, 0, 50, 180, 330, 400, 400, 330, 180, 50 };

	/* From 60 on, any child of theirs is an adult. */
	return age / 5 < (int)(sizeof(BY5) / sizeof(BY5[0])) ? BY5[age / 5] : 0;
}

/* Complementary solidarity health (C2S), per mille, for an adult. */
static unsigned c2s_per_mille(int age, int has_children, int immigrant)
{
	unsigned p = age < 25   ? 165
	             : age < 35 ? 125
	             : age < 50 ? 105
	             : age < 65 ? 80
	             : age < 75 ? 50
	                        : 40;

	if (has_children)
		p = p * 3 / 2;
	if (immigrant)
		p = p * 8 / 5;
	return p;
}

/* Long-term illness (ALD, 100 % coverage), per mille, by age. */
static unsigned ald_per_mille(int age)
{
	return age < 20 ? 30 : age < 40 ? 80 : age < 60 ? 170 : age < 75 ? 340 : 440;
}

static void given_names(struct gen *g, char sex, int year, enum popdata_origin o, int immigrant,
                        char *out, size_t cap)
{
	const char *first, *second = NULL;
	enum popdata_origin pool = o;

	/* Children of immigrants often get French names; the overseas pools are local names. */
	if (o != POP_FR && o != POP_REUNION && o != POP_ANTILLES && o != POP_MAYOTTE)
		pool = chance(&g->r, immigrant ? 100 : 500) ? POP_FR : o;
	first = popdata_pick_given(&g->r, sex, year, pool);
	/* A second given name, more often among older people. */
	if (chance(&g->r, year < 1960 ? 550 : 350)) {
		for (int tries = 0; tries < 4; tries++) {
			second = popdata_pick_given(&g->r, sex, year, pool);
			if (strcmp(second, first) != 0)
				break;
			second = NULL;
		}
	}
	if (second)
		snprintf(out, cap, "%s %s", first, second);
	else
		snprintf(out, cap, "%s", first);
}

/*
 * Birth place (5 characters: department + commune, or 99 + country) and the
 * NIR's 5 place characters, which differ only for Corsica before 1976 ("20").
 */
static void birth_place(struct gen *g, int dept, int born_year, const char *country, char place[8],
                        char nirplace[6])
{
	const struct popdata_dept *d;
	const char *code = geo_dept_code(dept);
	unsigned c;

	if (country) {
		memcpy(place, "99", 2);
		memcpy(place + 2, country, 3);
		place[5] = '\0';
		memcpy(nirplace, place, 6);
		return;
	}
	d = &popdata_depts[dept];
	if (popdata_dept_overseas(dept)) {
		c = 1 + (unsigned)rng_below(&g->r, d->max_commune);
		memcpy(place, code, 3);
		put_digits(place + 3, c, 2);
	} else {
		/* Paris births carry their arrondissement, 101-120. */
		c = strcmp(code, "75") == 0 ? 101 + (unsigned)rng_below(&g->r, 20)
		                            : 1 + (unsigned)rng_below(&g->r, d->max_commune);
		memcpy(place, code, 2);
		put_digits(place + 2, c, 3);
	}
	place[5] = '\0';
	memcpy(nirplace, place, 6);
	if (code[0] == '2' && (code[1] == 'A' || code[1] == 'B') && born_year < 1976)
		nirplace[1] = '0';
}

/* The birth department of someone living in dept: mostly there or next door. */
static int birth_dept(struct gen *g, int dept, int child)
{
	unsigned x = (unsigned)rng_below(&g->r, 1000);
	int nb;

	if (x < (child ? 800u : 620u))
		return dept;
	if (x < (child ? 920u : 860u)) {
		nb = popdata_pick_neighbour(&g->r, dept);
		return nb >= 0 ? nb : dept;
	}
	return popdata_pick_dept(&g->r);
}

/*
 * Issue a unique NIR for a person born in (year, month) at nirplace; the
 * order number is drawn until the NIR is new. Fills out (15 + NUL).
 * Returns 0, VG_EEXIST if no number is free at that place and month, or VG_ENOMEM.
 */
static int issue_nir(struct gen *g, char sex, int year, int month, const char nirplace[6],
                     char out[16])
{
	uint64_t code;
	int key;

	out[0] = sex == 'F' ? '2' : '1';
	put_digits(out + 1, (unsigned)(year % 100), 2);
	put_digits(out + 3, (unsigned)month, 2);
	memcpy(out + 5, nirplace, 5);
	for (int tries = 0; tries < 200; tries++) {
		put_digits(out + 10, 1 + (unsigned)rng_below(&g->r, 999), 3);
		code = nir_code(out);
		if (u64set_has(&g->nirs, code))
			continue;
		key = nir_compute_key(out);
		if (key < 1)
			return VG_EINVAL; /* a bug: the 13 characters are ours */
		put_digits(out + 13, (unsigned)key, 2);
		out[15] = '\0';
		return u64set_add(&g->nirs, code);
	}
	return VG_EEXIST;
}

/* Birth date of someone aged `age` on SEED_REF: a day of year SEED_REF_Y - 1 - age. */
static int64_t birth_day(struct gen *g, int age, int *year, int *month)
{
	int y = SEED_REF_Y - 1 - age, d;
	int64_t first = days_from_civil(y, 1, 1);
	int64_t day =
	        first + (int64_t)rng_below(&g->r, (uint64_t)(days_from_civil(y + 1, 1, 1) - first));

	civil_from_days(day, year, month, &d);
	return day;
}

static void make_email(struct gen *g, const char *given, const char *family, int64_t id, char *out,
                       size_t cap)
{
	static const char *const DOMAINS[] = { "example.org", "example.net", "example.com" };
	char g1[64], fg[24], ff[32];
	const char *dom = DOMAINS[rng_below(&g->r, 3)];
	unsigned style = (unsigned)rng_below(&g->r, 10);

	first_given(given, g1, sizeof(g1));
	ascii_fold(g1, fg, sizeof(fg));
	ascii_fold(family, ff, sizeof(ff));
	/* The id keeps addresses unique. */
	if (style < 7)
		snprintf(out, cap, "%s.%s%lld@%s", fg, ff, (long long)id, dom);
	else if (style < 9)
		snprintf(out, cap, "%c%s%lld@%s", fg[0] ? fg[0] : 'x', ff, (long long)id, dom);
	else
		snprintf(out, cap, "%s.%s%lld@%s", ff, fg, (long long)id, dom);
}

static void make_phone(struct gen *g, int dept, char *out, size_t cap)
{
	/* Mobile prefixes of 971, 972, 973, 974, 976, in department index order. */
	static const char *const OVERSEAS[] = {
		"+590690", "+596696", "+594694", "+262692", "+262639",
	};
	char digits[9];

	if (popdata_dept_overseas(dept)) {
		put_digits(digits, (unsigned)rng_below(&g->r, 1000000), 6);
		digits[6] = '\0';
		snprintf(out, cap, "%s%s", OVERSEAS[dept - 96], digits);
		return;
	}
	put_digits(digits, (unsigned)rng_below(&g->r, 100000000), 8);
	digits[8] = '\0';
	snprintf(out, cap, "+33%c%s", chance(&g->r, 800) ? '6' : '7', digits);
}

static int make_iban(struct gen *g, char out[IBAN_FR_LEN + 1])
{
	unsigned total = 0, x;
	size_t i;
	char branch[6], account[12];

	for (i = 0; i < sizeof(BANKS) / sizeof(BANKS[0]); i++)
		total += BANKS[i].w;
	x = (unsigned)rng_below(&g->r, total);
	for (i = 0; i < sizeof(BANKS) / sizeof(BANKS[0]) - 1; i++) {
		if (x < BANKS[i].w)
			break;
		x -= BANKS[i].w;
	}
	put_digits(branch, 1 + (unsigned)rng_below(&g->r, 99999), 5);
	branch[5] = '\0';
	put_digits(account, (unsigned)rng_below(&g->r, 1000), 3);
	put_digits(account + 3, (unsigned)rng_below(&g->r, 100000000), 8);
	account[11] = '\0';
	return iban_make_fr(BANKS[i].code, branch, account, out);
}

/* A GP for someone living in dept: one of that department's, else any. -1 if none exists. */
static int pick_gp(struct gen *g, int dept)
{
	uint32_t lo = g->gp_start[dept], hi = g->gp_start[dept + 1];
	uint32_t all = g->gp_start[POPDATA_N_DEPTS];

	if (all == 0)
		return -1;
	if (hi > lo)
		return (int)g->gp[lo + rng_below(&g->r, hi - lo)];
	return (int)g->gp[rng_below(&g->r, all)];
}

static void declare_gp(struct gen *g, struct insured_rights *rt, int dept)
{
	char g1[64];
	int k = pick_gp(g, dept);
	const struct store_pro *p;

	if (k < 0)
		return;
	p = &g->pros[k].p;
	memcpy(rt->gp_rpps, p->rpps, sizeof(rt->gp_rpps));
	first_given(p->given, g1, sizeof(g1));
	/* Names are far shorter than the bounds; the precisions only make that visible. */
	snprintf(rt->gp_name, sizeof(rt->gp_name), "Dr %.24s %.35s", g1, p->family);
}

/* Rights of one person; household-level C2S/AME and coverage status come from h. */
static void make_rights(struct gen *g, const struct household *h, struct person *p, int age,
                        int64_t born)
{
	struct insured_rights *rt = &p->rights;
	int64_t start;

	snprintf(rt->dept, sizeof(rt->dept), "%s", geo_dept_code(h->dept));
	if (p->ident.rank > 0 || age < 18) {
		start = born + (int64_t)rng_below(&g->r, 60);
	} else {
		/* Affiliated in their own name after turning 18, within the last 30 years. */
		int64_t span = (int64_t)(age - 18 < 30 ? age - 18 : 30) * 365 + 1;
		start = g->ref - 1 - (int64_t)rng_below(&g->r, (uint64_t)span);
	}
	if (start >= g->ref)
		start = g->ref - 1;
	fmt_date(start, rt->start);
	rt->active = h->active;
	memcpy(rt->end, h->end, sizeof(rt->end));
	rt->c2s = h->c2s;
	memcpy(rt->c2s_end, h->c2s_end, sizeof(rt->c2s_end));
	rt->ame = h->ame;
	memcpy(rt->ame_end, h->ame_end, sizeof(rt->ame_end));
	/* AME covers care in full and has no ALD nor attending-physician scheme. */
	if (!h->ame && chance(&g->r, ald_per_mille(age))) {
		rt->ald = 1;
		fmt_date(g->ref + 365 + (int64_t)rng_below(&g->r, 9 * 365), rt->ald_end);
	}
	if (!h->ame && chance(&g->r, age >= 16 ? 900 : 250))
		declare_gp(g, rt, h->dept);
}

static void household_rights(struct gen *g, struct household *h, int age, int has_children)
{
	h->active = 1;
	h->end[0] = '\0';
	h->c2s = C2S_NONE;
	h->c2s_end[0] = '\0';
	h->ame = 0;
	h->ame_end[0] = '\0';
	if (chance(&g->r, 10)) {
		/* Rights closed in the last year (moved abroad, changed scheme...). */
		h->active = 0;
		fmt_date(g->ref - 1 - (int64_t)rng_below(&g->r, 365), h->end);
		return;
	}
	if (chance(&g->r, h->immigrant ? 45 : 1)) {
		h->ame = 1;
		fmt_date(g->ref + 1 + (int64_t)rng_below(&g->r, 365), h->ame_end);
		return;
	}
	if (chance(&g->r, c2s_per_mille(age, has_children, h->immigrant))) {
		h->c2s = chance(&g->r, 667) ? C2S_FREE : C2S_CONTRIB;
		fmt_date(g->ref + 1 + (int64_t)rng_below(&g->r, 365), h->c2s_end);
	}
}

/* Identity (and NIR for rank 0) of one person; returns 0 or a negative enum vg_err. */
static int make_person(struct gen *g, const struct household *h, struct person *p, uint8_t rank,
                       int age, char sex, const char *family, const char *bill_nir,
                       const struct popdata_country *abroad, int64_t *born)
{
	struct insured_ident *id = &p->ident;
	char nirplace[6];
	int year, month, bd, rc;

	memset(p, 0, sizeof(*p));
	p->id = g->next_id++;
	id->rank = rank;
	id->sex = sex;
	snprintf(id->family, sizeof(id->family), "%s", family);
	*born = birth_day(g, age, &year, &month);
	fmt_date(*born, id->birth_date);
	given_names(g, sex, year, h->origin, abroad != NULL, id->given, sizeof(id->given));
	bd = abroad ? -1 : birth_dept(g, h->dept, rank > 0);
	birth_place(g, bd, year, abroad ? abroad->code : NULL, id->birth_place, nirplace);
	if (bill_nir) {
		memcpy(id->nir, bill_nir, sizeof(id->nir));
		return 0;
	}
	rc = issue_nir(g, sex, year, month, nirplace, id->nir);
	for (int tries = 0; rc == VG_EEXIST && tries < 8; tries++) {
		/* That month's numbers at that place are taken: born elsewhere in France. */
		birth_place(g, popdata_pick_dept(&g->r), year, NULL, id->birth_place, nirplace);
		rc = issue_nir(g, sex, year, month, nirplace, id->nir);
	}
	return rc;
}

/*
 * One household into out (at most room people, room >= 1). Sets *n.
 * Returns 0 or a negative enum vg_err.
 */
static int gen_household(struct gen *g, struct person *out, size_t room, size_t *n)
{
	struct household h;
	const struct popdata_country *abroad = NULL;
	const char *family;
	int age = popdata_pick_age_from(&g->r, 18), kids = 0, rc;
	char sex;
	int64_t born;
	struct insured_contact *c;

	*n = 0;
	memset(&h, 0, sizeof(h));
	h.dept = popdata_pick_dept(&g->r);
	sex = chance(&g->r, female_per_mille(age)) ? 'F' : 'M';
	if (chance(&g->r, popdata_dept_overseas(h.dept) ? 40 : 115)) {
		abroad = popdata_pick_country(&g->r);
		h.origin = (enum popdata_origin)abroad->origin;
		h.immigrant = 1;
	} else {
		h.origin = popdata_pick_origin(&g->r, h.dept);
	}
	family = popdata_pick_surname(&g->r, h.origin);
	if (room > 1 && chance(&g->r, parent_per_mille(age))) {
		unsigned x = (unsigned)rng_below(&g->r, 100);
		kids = x < 42 ? 1 : x < 82 ? 2 : 3;
		if ((size_t)kids > room - 1)
			kids = (int)room - 1;
	}
	household_rights(g, &h, age, kids > 0);

	rc = make_person(g, &h, &out[0], 0, age, sex, family, NULL, abroad, &born);
	if (rc != 0)
		return rc;
	make_rights(g, &h, &out[0], age, born);
	c = &out[0].contact;
	popdata_street(&g->r, c->line, sizeof(c->line));
	{
		const struct popdata_town *t = popdata_pick_town(&g->r, h.dept);
		popdata_town_postal(&g->r, t, c->postal);
		snprintf(c->city, sizeof(c->city), "%s", t->name);
	}
	make_email(g, out[0].ident.given, family, out[0].id, c->email, sizeof(c->email));
	make_phone(g, h.dept, c->phone, sizeof(c->phone));
	rc = make_iban(g, c->iban);
	if (rc != 0)
		return rc;
	*n = 1;

	for (int k = 0; k < kids; k++) {
		/* The parent was 18 to 45 at the child's birth. */
		int lo = age - 45 > 0 ? age - 45 : 0, hi = age - 18 < 17 ? age - 18 : 17;
		int cage;
		char csex = chance(&g->r, 488) ? 'F' : 'M';
		const struct popdata_country *cabroad =
		        abroad && chance(&g->r, 300) ? abroad : NULL;
		struct person *ch = &out[*n];

		if (hi < lo)
			break; /* no child under 18 possible at this age */
		cage = lo + (int)rng_below(&g->r, (uint64_t)(hi - lo + 1));
		rc = make_person(g, &h, ch, (uint8_t)(k + 1), cage, csex, family, out[0].ident.nir,
		                 cabroad, &born);
		if (rc != 0)
			return rc;
		make_rights(g, &h, ch, cage, born);
		/* Dependants share the insured's address, contact and bank account. */
		ch->contact = out[0].contact;
		(*n)++;
	}
	/*
	 * A whole household or none: a lookup by NIR returns everyone billed
	 * under it, so a real person never shares a NIR with a honeytoken. Drawn
	 * from a hash, not from g->r, so the people are the same as before.
	 */
	if (u64_mix(g->honey_salt ^ (uint64_t)out[0].id * 0x9e3779b97f4a7c15ULL) % 1000 <
	    HONEY_PER_MILLE)
		for (size_t i = 0; i < *n; i++)
			out[i].rights.honeytoken = 1;
	return 0;
}

/* -------------------------------------------------------------- sealing -- */

static int seal_group(const struct vault *v, const char *col, int64_t id, const uint8_t *pt,
                      int len, uint8_t *out, size_t *out_len)
{
	int rc;

	if (len < 0)
		return len;
	rc = vault_seal(v, "insured", col, id, pt, (size_t)len, out);
	*out_len = (size_t)len + VAULT_OVERHEAD;
	return rc;
}

static int seal_person(const struct vault *v, const uint8_t *cards, const struct person *p,
                       struct store_insured *o)
{
	uint8_t buf[RECORD_PACK_MAX], le[8];
	uint64_t u = (uint64_t)p->id;
	int rc;

	o->id = p->id;
	rc = seal_group(v, "ident", p->id, buf, record_pack_ident(&p->ident, buf, sizeof(buf)),
	                o->ident, &o->ident_len);
	if (rc == 0)
		rc = seal_group(v, "contact", p->id, buf,
		                record_pack_contact(&p->contact, buf, sizeof(buf)), o->contact,
		                &o->contact_len);
	if (rc == 0)
		rc = seal_group(v, "rights", p->id, buf,
		                record_pack_rights(&p->rights, buf, sizeof(buf)), o->rights,
		                &o->rights_len);
	sodium_memzero(buf, sizeof(buf));
	if (rc != 0)
		return rc;
	vault_blind(v, VAULT_D_NIR, p->ident.nir, NIR_LEN, o->nir_bidx);
	/* The pseudonym access records carry for this NIR: incidents map it back to people. */
	vault_blind(v, VAULT_D_ACCESS, p->ident.nir, NIR_LEN, o->patient);
	o->has_patient = 1;
	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)(u >> (8 * i));
	vault_blind(v, VAULT_D_PID, le, sizeof(le), o->pid);
	/* Dependants share the insured's card: copied after the batch is sealed. */
	if (p->ident.rank == 0)
		card_keypair(cards, p->ident.nir, o->card_pk, NULL);
	return 0;
}

struct crypt_job {
	pthread_t th;
	int started;
	const struct vault *v;
	const uint8_t *cards;
	const struct person *in;
	struct store_insured *out;
	size_t lo, hi;
	int rc;
};

static void *crypt_run(void *arg)
{
	struct crypt_job *j = arg;

	j->rc = 0;
	for (size_t i = j->lo; i < j->hi && j->rc == 0; i++)
		j->rc = seal_person(j->v, j->cards, &j->in[i], &j->out[i]);
	return NULL;
}

struct batch {
	struct person *p;
	struct store_insured *s;
	size_t n;
};

/* Start sealing b on n_jobs threads (inline when a thread cannot start). */
static void crypt_start(struct crypt_job *jobs, int n_jobs, const struct vault *v,
                        const uint8_t *cards, struct batch *b)
{
	for (int t = 0; t < n_jobs; t++) {
		struct crypt_job *j = &jobs[t];

		j->v = v;
		j->cards = cards;
		j->in = b->p;
		j->out = b->s;
		j->lo = b->n * (size_t)t / (size_t)n_jobs;
		j->hi = b->n * (size_t)(t + 1) / (size_t)n_jobs;
		j->rc = 0;
		j->started = pthread_create(&j->th, NULL, crypt_run, j) == 0;
		if (!j->started)
			crypt_run(j);
	}
}

static int crypt_join(struct crypt_job *jobs, int n_jobs, struct batch *b)
{
	int rc = 0;
	const uint8_t *card = NULL;

	for (int t = 0; t < n_jobs; t++) {
		if (jobs[t].started)
			pthread_join(jobs[t].th, NULL);
		jobs[t].started = 0;
		if (rc == 0)
			rc = jobs[t].rc;
	}
	if (rc != 0)
		return rc;
	/* Batches hold whole households, so every dependant follows its insured. */
	for (size_t i = 0; i < b->n; i++) {
		if (b->p[i].ident.rank == 0)
			card = b->s[i].card_pk;
		else if (card)
			memcpy(b->s[i].card_pk, card, 32);
		else
			return VG_EINVAL;
	}
	return 0;
}

static int insert_batch(struct store *st, const struct batch *b)
{
	int rc = store_begin(st);

	if (rc != 0)
		return rc;
	for (size_t i = 0; i < b->n && rc == 0; i++)
		rc = store_insured_put(st, &b->s[i]);
	if (rc == 0)
		return store_commit(st);
	VG_IGNORE(store_rollback(st)); /* the insert's error is the one to report */
	return rc;
}

/* ------------------------------------------------------------- progress -- */

struct progress {
	int on;
	const char *label;
	uint64_t total;
	double t0, last;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_start(struct progress *pr, int on, const char *label, uint64_t total)
{
	pr->on = on;
	pr->label = label;
	pr->total = total;
	pr->t0 = now_s();
	pr->last = 0;
}

/* Redraw at most ten times a second; the final call ends the line. */
static void progress_show(struct progress *pr, uint64_t done, int final)
{
	char bar[31], rate_s[32];
	double t, rate;
	uint64_t fill;

	if (!pr->on)
		return;
	t = now_s();
	if (!final && t - pr->last < 0.1)
		return;
	pr->last = t;
	fill = pr->total ? done * 30 / pr->total : 30;
	for (uint64_t i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	rate = (double)done / (t - pr->t0 > 1e-3 ? t - pr->t0 : 1e-3);
	if (rate >= 10000)
		snprintf(rate_s, sizeof(rate_s), "%.0fk/s", rate / 1000);
	else
		snprintf(rate_s, sizeof(rate_s), "%.0f/s", rate);
	fprintf(stderr, "\r%s [%s] %3u%% %llu/%llu %s  ", pr->label, bar,
	        (unsigned)(pr->total ? done * 100 / pr->total : 100), (unsigned long long)done,
	        (unsigned long long)pr->total, rate_s);
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}

/* --------------------------------------------------------------- sample -- */

/*
 * insured-sample.tsv: people spread evenly over the ids, plus a few of each
 * category a demo wants (dependants, C2S, AME, ALD), themselves spread.
 */
#define ACCOUNTS_MAX 100

/* A sampled person who gets a demo online account. */
struct account_seed {
	int64_t id;
	char nir[16];
	char email[128];
	char family[64], given[96];
};

struct sampler {
	FILE *f;
	FILE *honey; /* honeytokens.tsv: the honeytoken NIRs, for operators and tests */
	struct account_seed acc[ACCOUNTS_MAX];
	uint32_t n_acc, want_acc;
	uint64_t n_total;
	int all;
	uint64_t stride, base_want, base_taken;
	uint64_t quota, cat_gap, cat_taken[N_SAMPLE_CATS];
};

static void sampler_init(struct sampler *s, FILE *f, uint64_t want, uint64_t n_total)
{
	memset(s, 0, sizeof(*s));
	s->f = f;
	s->n_total = n_total;
	s->all = want >= n_total;
	s->quota = want / 20;
	s->base_want = want - N_SAMPLE_CATS * s->quota;
	s->stride = s->base_want ? n_total / s->base_want : 0;
	if (s->stride == 0)
		s->stride = 1;
	s->cat_gap = s->quota ? n_total / s->quota : 0;
}

static int sample_cat(const struct person *p, int c)
{
	switch (c) {
	case 0: return p->ident.rank > 0;
	case 1: return p->rights.c2s != C2S_NONE;
	case 2: return p->rights.ame;
	default: return p->rights.ald;
	}
}

static void sample_consider(struct sampler *s, const struct person *p)
{
	uint64_t k = (uint64_t)p->id - 1;
	int take = s->all;

	/*
	 * Honeytokens are not in a demo sample: nobody legitimate looks them up.
	 * A sample of everyone (sample >= population, for tests) has them too.
	 */
	if (p->rights.honeytoken) {
		if (p->ident.rank == 0 && s->honey)
			fprintf(s->honey, "%s\t%s\n", p->ident.nir, p->rights.dept);
		if (!s->all)
			return;
	}
	if (!take && s->base_want && k % s->stride == 0 && s->base_taken < s->base_want) {
		take = 1;
		s->base_taken++;
	}
	for (int c = 0; !take && c < N_SAMPLE_CATS; c++) {
		if (s->cat_taken[c] < s->quota && k >= s->cat_taken[c] * s->cat_gap &&
		    sample_cat(p, c)) {
			take = 1;
			s->cat_taken[c]++;
		}
	}
	if (!take)
		return;
	if (p->ident.rank == 0 && !p->rights.honeytoken && s->n_acc < s->want_acc) {
		struct account_seed *a = &s->acc[s->n_acc++];

		a->id = p->id;
		snprintf(a->nir, sizeof(a->nir), "%s", p->ident.nir);
		snprintf(a->email, sizeof(a->email), "%s", p->contact.email);
		snprintf(a->family, sizeof(a->family), "%s", p->ident.family);
		snprintf(a->given, sizeof(a->given), "%s", p->ident.given);
	}
	fprintf(s->f, "%s\t%s\t%s\t%s\t%c\t%s\t%u\t%s\t%s\n", p->ident.nir, p->ident.family,
	        p->ident.given, p->ident.birth_date, p->ident.sex, p->rights.dept,
	        (unsigned)p->ident.rank, p->contact.email, p->contact.iban);
}

/* ---------------------------------------------------------- professionals -- */

static int pro_kind(struct rng *r)
{
	unsigned x = (unsigned)rng_below(r, 100);

	return x < 35   ? PRO_PHARMACIST
	       : x < 75 ? PRO_GP
	       : x < 90 ? PRO_SPECIALIST
	       : x < 95 ? PRO_LAB
	                : PRO_HOSPITAL;
}

/* "HH:MM" of half hour k. */
static void hhmm(int k, char out[6])
{
	out[0] = (char)('0' + (k / 2) / 10 % 10);
	out[1] = (char)('0' + (k / 2) % 10);
	out[2] = ':';
	out[3] = k % 2 ? '3' : '0';
	out[4] = '0';
	out[5] = '\0';
}

/*
 * Opening hours and rota as practices keep them (from r, its own stream):
 * pharmacies Monday to Saturday from 8:30-9:00 to 19:00-20:00, a third
 * closing for lunch, a few open Sunday morning, and each on the rota of its
 * sector one night in 7 to 28 (pharmacie de garde); GPs and specialists on
 * weekdays, with a lunch break for most and a Saturday morning for some;
 * laboratories from 7:00 on weekdays and Saturday mornings; hospitals day and
 * night.
 */
static void gen_hours(struct rng *r, int kind, struct hours *h)
{
	char spec[HOURS_TEXT_MAX], a[6], b[6], c[6], d[6];
	const char *why;
	int open, close;

	memset(h, 0, sizeof(*h));
	switch (kind) {
	case PRO_PHARMACIST:
		open = 17 + (int)rng_below(r, 2);  /* 08:30 or 09:00 */
		close = 38 + (int)rng_below(r, 3); /* 19:00 to 20:00 */
		hhmm(open, a);
		hhmm(close, b);
		if (chance(r, 330))
			snprintf(spec, sizeof(spec),
			         "Mo-Fr %s-12:30,14:00-%s; Sa %s-12:30,14:00-19:00", a, b, a);
		else
			snprintf(spec, sizeof(spec), "Mo-Fr %s-%s; Sa %s-%s", a, b, a,
			         chance(r, 500) ? "19:00" : "12:30");
		if (chance(r, 80))
			snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec),
			         "; Su 09:00-12:30");
		hours_set_rota(h, (int64_t)rng_below(r, 28), 7 + (unsigned)rng_below(r, 22));
		break;
	case PRO_GP:
	case PRO_SPECIALIST:
		open = (kind == PRO_GP ? 16 : 17) + (int)rng_below(r, 2);
		close = (kind == PRO_GP ? 37 : 35) + (int)rng_below(r, 3);
		hhmm(open, a);
		hhmm(close, b);
		hhmm(24 + (int)rng_below(r, 2), c); /* lunch from 12:00 or 12:30 */
		hhmm(27 + (int)rng_below(r, 2), d); /* to 13:30 or 14:00 */
		if (chance(r, 700))
			snprintf(spec, sizeof(spec), "Mo-Fr %s-%s,%s-%s", a, c, d, b);
		else
			snprintf(spec, sizeof(spec), "Mo-Fr %s-%s", a, b);
		if (chance(r, kind == PRO_GP ? 400 : 150))
			snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec),
			         "; Sa 09:00-12:00");
		break;
	case PRO_LAB:
		snprintf(spec, sizeof(spec), "Mo-Fr 07:00-%s; Sa 07:30-12:00",
		         chance(r, 500) ? "18:00" : "19:00");
		break;
	default: snprintf(spec, sizeof(spec), "24/7"); break;
	}
	if (hours_parse(spec, strlen(spec), h, &why) != 0)
		abort(); /* built above from valid pieces */
}

/* Directory data (deterministic) and credentials (random) of the professionals. */
static int gen_pros(uint64_t seed, const struct vault *v, struct pro_seed *pros, uint32_t n)
{
	struct u64set rpps;
	struct rng rr, rh, *r = &rr;
	int rc = u64set_init(&rpps, 1024);

	/* Hours have a stream of their own: the directory does not depend on them. */
	rng_init(&rr, seed ^ 0x70726f66657373ULL);
	rng_init(&rh, seed ^ 0x686f757273ULL);

	if (rc != 0)
		return rc;
	for (uint32_t i = 0; i < n; i++) {
		struct store_pro *p = &pros[i].p;
		/* At least one per department when there are enough, then by population. */
		int dept =
		        n >= POPDATA_N_DEPTS && i < POPDATA_N_DEPTS ? (int)i : popdata_pick_dept(r);
		int age = 28 + (int)rng_below(r, 40);
		char sex = chance(r, 550) ? 'F' : 'M';
		enum popdata_origin o = popdata_pick_origin(r, dept);
		unsigned num;
		int check;

		memset(&pros[i], 0, sizeof(pros[i]));
		p->id = (int64_t)i + 1;
		p->kind = pro_kind(r);
		snprintf(p->dept, sizeof(p->dept), "%s", geo_dept_code(dept));
		snprintf(p->family, sizeof(p->family), "%s", popdata_pick_surname(r, o));
		snprintf(p->given, sizeof(p->given), "%s",
		         popdata_pick_given(r, sex, SEED_REF_Y - 1 - age, o));
		snprintf(p->city, sizeof(p->city), "%s", popdata_pick_town(r, dept)->name);
		do {
			num = (unsigned)rng_below(r, 100000000);
		} while (u64set_has(&rpps, (uint64_t)num + 1));
		rc = u64set_add(&rpps, (uint64_t)num + 1);
		if (rc != 0)
			goto out;
		p->rpps[0] = '1';
		p->rpps[1] = '0';
		put_digits(p->rpps + 2, num, 8);
		p->rpps[10] = '\0';
		check = rpps_check_digit(p->rpps);
		if (check < 0) {
			rc = VG_EINVAL;
			goto out;
		}
		p->rpps[10] = (char)check;
		p->rpps[11] = '\0';
		gen_hours(&rh, p->kind, &p->hours);
		p->hours_set = 1;

		if (!v)
			continue; /* seed_generate: directory data only */
		for (int k = 0; k < PW_LEN; k++)
			pros[i].password[k] =
			        PW_ALPHABET[randombytes_uniform(sizeof(PW_ALPHABET) - 1)];
		pros[i].password[PW_LEN] = '\0';
		randombytes_buf(pros[i].totp, TOTP_SECRET_LEN);
		if ((rc = vault_seal(v, "pro", "totp", p->id, pros[i].totp, TOTP_SECRET_LEN,
		                     p->totp_sealed)) != 0)
			goto out;
		p->totp_sealed_len = TOTP_SECRET_LEN + VAULT_OVERHEAD;
	}
out:
	u64set_release(&rpps);
	return rc;
}

struct hasher {
	struct pro_seed *pros;
	uint32_t n;
	atomic_uint next;
	atomic_uint done;
	atomic_int rc;
	atomic_int stop;
	pthread_t th[HASH_THREADS];
	int started[HASH_THREADS];
};

static void *hash_run(void *arg)
{
	struct hasher *h = arg;
	while (!atomic_load(&h->stop)) {
		unsigned i = atomic_fetch_add(&h->next, 1);
		int rc;

		if (i >= h->n)
			break;
		rc = password_hash(h->pros[i].password, PW_LEN, h->pros[i].p.pwhash);

		if (rc != 0) {
			atomic_store(&h->rc, rc);
			atomic_store(&h->stop, 1);
		}
		atomic_fetch_add(&h->done, 1);
	}
	return NULL;
}

static void hasher_start(struct hasher *h, struct pro_seed *pros, uint32_t n)
{
	h->pros = pros;
	h->n = n;
	atomic_init(&h->next, 0);
	atomic_init(&h->done, 0);
	atomic_init(&h->rc, 0);
	atomic_init(&h->stop, 0);
	for (int t = 0; t < HASH_THREADS; t++)
		h->started[t] = pthread_create(&h->th[t], NULL, hash_run, h) == 0;
}

/* Wait for the hashes (hashing inline if no thread could start). Returns 0 or the first error. */
static int hasher_join(struct hasher *h, struct progress *pr)
{
	int any = 0;

	for (int t = 0; t < HASH_THREADS; t++)
		any |= h->started[t];
	if (!any)
		hash_run(h);
	while (pr && atomic_load(&h->done) < h->n && !atomic_load(&h->stop)) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		progress_show(pr, atomic_load(&h->done), 0);
		nanosleep(&ts, NULL);
	}
	for (int t = 0; t < HASH_THREADS; t++) {
		if (h->started[t])
			pthread_join(h->th[t], NULL);
		h->started[t] = 0;
	}
	if (pr)
		progress_show(pr, atomic_load(&h->done), 1);
	return atomic_load(&h->rc);
}

/* ---------------------------------------------------------------- files -- */

static int path_in(char *buf, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= cap ? VG_ETOOBIG : 0;
}

int seed_cards_path(const char *dir, char *buf, size_t cap)
{
	char real[PATH_MAX];
	size_t n = strlen(dir), base;
	int w;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	for (base = n; base > 0 && dir[base - 1] != '/'; base--)
		;
	/* ".", ".." or "/": beside it is inside it; name the directory by its real path. */
	if ((n - base == 1 && dir[base] == '.') ||
	    (n - base == 2 && dir[base] == '.' && dir[base + 1] == '.') || n - base == 0) {
		if (!realpath(dir, real))
			return VG_EINVAL;
		dir = real;
		n = strlen(real);
		if (n <= 1) /* the root has no outside */
			return VG_EINVAL;
	}
	w = snprintf(buf, cap, "%.*s-cards.key", (int)n, dir);
	return w < 0 || (size_t)w >= cap ? VG_ETOOBIG : 0;
}

/* Create a new file of exactly these bytes, mode 0600; never overwrites (VG_EEXIST). */
static int write_new_secret(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc;

	if (fd < 0)
		return errno == EEXIST ? VG_EEXIST : VG_EIO;
	rc = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : VG_EIO;
	if (close(fd) != 0)
		rc = VG_EIO;
	return rc;
}

/* Open path for writing, truncated, mode 0600 (also when it existed), not through a symlink. */
static FILE *open_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f = NULL;

	if (fd < 0)
		return NULL;
	if (fchmod(fd, 0600) == 0)
		f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

static int close_file(FILE *f)
{
	int rc = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0 ? VG_EIO : 0;

	if (fclose(f) != 0)
		rc = VG_EIO;
	return rc;
}

static int write_pros_tsv(const char *path, const struct pro_seed *pros, uint32_t n)
{
	FILE *f = open_private(path);
	char b32[TOTP_B32_LEN + 1];

	if (!f)
		return VG_EIO;
	fputs("rpps\tpassword\ttotp_secret\tkind\tfamily\tgiven\tdept\tcity\thours\t"
	      "on_call_every\ton_call_night\n",
	      f);
	for (uint32_t i = 0; i < n; i++) {
		const struct store_pro *p = &pros[i].p;
		char hours[HOURS_TEXT_MAX], night[11] = "-";

		if (hours_format(&p->hours, hours, sizeof(hours)) != 0)
			snprintf(hours, sizeof(hours), "-");
		/* A night of the rota (the first from the reference date): the others follow. */
		if (p->hours.rota_every) {
			int64_t d = days_from_civil(SEED_REF_Y, 1, 1);

			while (!hours_on_call_night(&p->hours, d))
				d++;
			fmt_date(d, night);
		}
		totp_base32(pros[i].totp, b32);
		fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%u\t%s\n", p->rpps,
		        pros[i].password, b32, access_profession_name(p->kind), p->family, p->given,
		        p->dept, p->city, hours, (unsigned)p->hours.rota_every, night);
	}
	sodium_memzero(b32, sizeof(b32));
	return close_file(f);
}

/* ------------------------------------------------------------- insured -- */

static int crypt_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > CRYPT_THREADS_MAX ? CRYPT_THREADS_MAX : (int)n;
}

/* Fill b with whole households until it is full or everyone is generated. */
static int gen_batch(struct gen *g, struct batch *b, struct sampler *smp)
{
	b->n = 0;
	while (b->n + HOUSE_MAX <= BATCH && (uint64_t)(g->next_id - 1) < g->n_total) {
		uint64_t left = g->n_total - (uint64_t)(g->next_id - 1);
		size_t room = left < HOUSE_MAX ? (size_t)left : HOUSE_MAX, k;
		int rc = gen_household(g, &b->p[b->n], room, &k);

		if (rc != 0)
			return rc;
		for (size_t i = 0; i < k; i++)
			sample_consider(smp, &b->p[b->n + i]);
		b->n += k;
	}
	return 0;
}

static int seed_insured(struct store *st, const struct vault *v, const uint8_t *cards,
                        struct gen *g, struct sampler *smp, int progress)
{
	struct batch b[2] = { { 0 } };
	struct batch *sealing = NULL; /* the batch the workers are on, if any */
	struct crypt_job jobs[CRYPT_THREADS_MAX];
	int n_jobs = crypt_threads(), rc = 0, k = 0;
	uint64_t written = 0;
	struct progress pr;

	progress_start(&pr, progress, "seeding insured", g->n_total);
	for (int i = 0; i < 2; i++) {
		b[i].p = malloc(BATCH * sizeof(*b[i].p));
		b[i].s = malloc(BATCH * sizeof(*b[i].s));
		if (!b[i].p || !b[i].s) {
			rc = VG_ENOMEM;
			goto out;
		}
	}
	/* Generate batch k+1 while batch k is sealed; write batch k while batch k+1 is sealed. */
	rc = gen_batch(g, &b[0], smp);
	if (rc != 0)
		goto out;
	crypt_start(jobs, n_jobs, v, cards, &b[0]);
	sealing = &b[0];
	for (;;) {
		struct batch *cur = &b[k & 1], *nxt = &b[(k + 1) & 1];

		rc = gen_batch(g, nxt, smp);
		if (rc != 0)
			goto out;
		sealing = NULL;
		rc = crypt_join(jobs, n_jobs, cur);
		if (rc != 0)
			goto out;
		if (nxt->n > 0) {
			crypt_start(jobs, n_jobs, v, cards, nxt);
			sealing = nxt;
		}
		rc = insert_batch(st, cur);
		if (rc != 0)
			goto out;
		written += cur->n;
		progress_show(&pr, written, 0);
		if (nxt->n == 0)
			break;
		k++;
	}
	progress_show(&pr, written, 1);
out:
	if (sealing)
		VG_IGNORE(crypt_join(jobs, n_jobs, sealing)); /* rc already holds the first error */
	for (int i = 0; i < 2; i++) {
		if (b[i].p)
			sodium_memzero(b[i].p, BATCH * sizeof(*b[i].p));
		free(b[i].p);
		free(b[i].s);
	}
	return rc;
}

/* ------------------------------------------------------------------ run -- */

/* Group the GPs' indices by department, for declaring attending physicians. */
static int index_gps(struct gen *g, const struct pro_seed *pros, uint32_t n)
{
	uint32_t fill[POPDATA_N_DEPTS + 1];

	memset(g->gp_start, 0, sizeof(g->gp_start));
	for (uint32_t i = 0; i < n; i++)
		if (pros[i].p.kind == PRO_GP)
			g->gp_start[geo_dept_index(pros[i].p.dept, strlen(pros[i].p.dept)) + 1]++;
	for (int d = 0; d < POPDATA_N_DEPTS; d++)
		g->gp_start[d + 1] += g->gp_start[d];
	g->gp = malloc((g->gp_start[POPDATA_N_DEPTS] + 1) * sizeof(*g->gp));
	if (!g->gp)
		return VG_ENOMEM;
	memcpy(fill, g->gp_start, sizeof(fill));
	for (uint32_t i = 0; i < n; i++)
		if (pros[i].p.kind == PRO_GP)
			g->gp[fill[geo_dept_index(pros[i].p.dept, strlen(pros[i].p.dept))]++] = i;
	return 0;
}

static int insert_pros(struct store *st, struct pro_seed *pros, uint32_t n)
{
	int rc = store_begin(st);

	if (rc != 0)
		return rc;
	for (uint32_t i = 0; i < n && rc == 0; i++)
		rc = store_pro_put(st, &pros[i].p);
	if (rc == 0)
		return store_commit(st);
	VG_IGNORE(store_rollback(st)); /* the insert's error is the one to report */
	return rc;
}

/*
 * The demo online accounts: a random password each (Argon2id), logins by NIR
 * or e-mail as blind indexes, the access pseudonym their accesses are
 * journaled under; credentials to dir/insured-accounts.tsv.
 */
static int seed_accounts(struct store *st, const struct vault *v, const struct sampler *smp,
                         const char *path)
{
	static const char ALPHA[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	FILE *f = open_private(path);
	int rc = 0;

	if (!f)
		return VG_EIO;
	fputs("nir\temail\tpassword\tfamily\tgiven\n", f);
	for (uint32_t i = 0; i < smp->n_acc && rc == 0; i++) {
		const struct account_seed *a = &smp->acc[i];
		struct store_account acct = { .id = a->id };
		char pw[17], low[128];
		size_t el = strlen(a->email);

		for (size_t k = 0; k < 16; k++)
			pw[k] = ALPHA[randombytes_uniform(sizeof(ALPHA) - 1)];
		pw[16] = '\0';
		for (size_t k = 0; k <= el && k < sizeof(low); k++)
			low[k] = (char)tolower((unsigned char)a->email[k]);
		vault_blind(v, VAULT_D_NIR, a->nir, strlen(a->nir), acct.nir_bidx);
		vault_blind(v, VAULT_D_EMAIL, low, el, acct.email_bidx);
		vault_blind(v, VAULT_D_ACCESS, a->nir, strlen(a->nir), acct.patient);
		rc = password_hash(pw, 16, acct.pwhash);
		if (rc == 0)
			rc = store_account_put(st, &acct);
		if (rc == 0)
			fprintf(f, "%s\t%s\t%s\t%s\t%s\n", a->nir, a->email, pw, a->family,
			        a->given);
		sodium_memzero(pw, sizeof(pw));
		sodium_memzero(&acct, sizeof(acct));
	}
	if (close_file(f) != 0 && rc == 0)
		rc = VG_EIO;
	return rc;
}

int seed_run(struct store *st, const struct vault *v, const struct seed_opts *o)
{
	char cards_path[PATH_MAX], pros_path[PATH_MAX], sample_path[PATH_MAX], acc_path[PATH_MAX];
	char honey_path[PATH_MAX];
	uint8_t *cards = NULL;
	struct pro_seed *pros = NULL;
	struct gen g;
	struct hasher h;
	struct sampler smp;
	struct progress pr;
	FILE *sample = NULL, *honey = NULL;
	int64_t count = 0;
	int rc, hashing = 0, made_cards = 0, made_files = 0;

	memset(&g, 0, sizeof(g));
	if (!st || !v || !o || !o->dir || o->n_insured == 0 || o->n_insured > INT64_MAX / 2)
		return VG_EINVAL;
	if (seed_cards_path(o->dir, cards_path, sizeof(cards_path)) != 0 ||
	    path_in(pros_path, sizeof(pros_path), o->dir, "pros.tsv") != 0 ||
	    path_in(sample_path, sizeof(sample_path), o->dir, "insured-sample.tsv") != 0 ||
	    path_in(acc_path, sizeof(acc_path), o->dir, "insured-accounts.tsv") != 0 ||
	    path_in(honey_path, sizeof(honey_path), o->dir, "honeytokens.tsv") != 0)
		return VG_ETOOBIG;
	rc = store_insured_count(st, &count);
	if (rc != 0)
		return rc;
	if (count == 0) {
		rc = store_pro_count(st, &count);
		if (rc != 0)
			return rc;
	}
	if (count > 0)
		return VG_EEXIST;
	if (sodium_init() < 0)
		return VG_EIO;

	cards = sodium_malloc(CARD_MASTER_LEN);
	pros = o->n_pros ? sodium_allocarray(o->n_pros, sizeof(*pros)) : NULL;
	if (!cards || (o->n_pros && !pros)) {
		rc = VG_ENOMEM;
		goto out;
	}
	randombytes_buf(cards, CARD_MASTER_LEN);
	rc = write_new_secret(cards_path, cards, CARD_MASTER_LEN);
	if (rc != 0)
		goto out;
	made_cards = 1;

	/* Separate streams: the people do not depend on how many professionals were drawn. */
	rng_init(&g.r, o->seed ^ 0x696e7375726564ULL);
	rc = gen_pros(o->seed, v, pros, o->n_pros);
	if (rc != 0)
		goto out;
	hasher_start(&h, pros, o->n_pros);
	hashing = 1;
	rc = index_gps(&g, pros, o->n_pros);
	if (rc != 0)
		goto out;
	g.pros = pros;
	g.ref = days_from_civil(SEED_REF_Y, 1, 1);
	g.n_total = o->n_insured;
	g.next_id = 1;
	g.honey_salt = u64_mix(o->seed ^ 0x686f6e6579ULL);
	rc = u64set_init(&g.nirs, 1 << 16);
	if (rc != 0)
		goto out;

	made_files = 1;
	sample = open_private(sample_path);
	honey = open_private(honey_path);
	if (!sample || !honey) {
		rc = VG_EIO;
		goto out;
	}
	fputs("nir\tfamily\tgiven\tbirth_date\tsex\tdept\trank\temail\tiban\n", sample);
	fputs("nir\tdept\n", honey);
	sampler_init(&smp, sample, o->sample, o->n_insured);
	smp.honey = honey;
	smp.want_acc = o->accounts < ACCOUNTS_MAX ? o->accounts : ACCOUNTS_MAX;
	rc = seed_insured(st, v, cards, &g, &smp, o->progress);
	if (rc != 0)
		goto out;
	rc = close_file(sample);
	sample = NULL;
	if (rc == 0)
		rc = close_file(honey);
	honey = NULL;
	if (rc != 0)
		goto out;

	progress_start(&pr, o->progress, "hashing passwords", o->n_pros);
	hashing = 0;
	rc = hasher_join(&h, o->progress ? &pr : NULL);
	if (rc != 0)
		goto out;
	rc = insert_pros(st, pros, o->n_pros);
	if (rc != 0)
		goto out;
	rc = seed_accounts(st, v, &smp, acc_path);
	if (rc != 0)
		goto out;
	rc = write_pros_tsv(pros_path, pros, o->n_pros);
out:
	if (hashing) {
		atomic_store(&h.stop, 1);
		VG_IGNORE(hasher_join(&h, NULL));
	}
	if (sample)
		fclose(sample);
	if (honey)
		fclose(honey);
	if (rc != 0 && made_cards)
		unlink(cards_path);
	if (rc != 0 && made_files) {
		unlink(sample_path);
		unlink(pros_path);
		unlink(acc_path);
		unlink(honey_path);
	}
	u64set_release(&g.nirs);
	free(g.gp);
	if (pros)
		sodium_free(pros); /* wipes the passwords and TOTP secrets */
	if (cards)
		sodium_free(cards);
	return rc;
}

int seed_generate(const struct seed_opts *o, const struct seed_sink *sink)
{
	struct pro_seed *pros = NULL;
	struct person house[HOUSE_MAX];
	struct gen g;
	int rc;

	memset(&g, 0, sizeof(g));
	if (!o || !sink || o->n_insured == 0 || o->n_insured > INT64_MAX / 2)
		return VG_EINVAL;
	pros = o->n_pros ? calloc(o->n_pros, sizeof(*pros)) : NULL;
	if (o->n_pros && !pros)
		return VG_ENOMEM;
	/* The same streams, salt and order as seed_run: the same people. */
	rng_init(&g.r, o->seed ^ 0x696e7375726564ULL);
	rc = gen_pros(o->seed, NULL, pros, o->n_pros);
	if (rc != 0)
		goto out;
	for (uint32_t i = 0; i < o->n_pros && rc == 0 && sink->pro; i++)
		rc = sink->pro(sink->ctx, &pros[i].p);
	if (rc != 0)
		goto out;
	rc = index_gps(&g, pros, o->n_pros);
	if (rc != 0)
		goto out;
	g.pros = pros;
	g.ref = days_from_civil(SEED_REF_Y, 1, 1);
	g.n_total = o->n_insured;
	g.next_id = 1;
	g.honey_salt = u64_mix(o->seed ^ 0x686f6e6579ULL);
	rc = u64set_init(&g.nirs, 1 << 16);
	while (rc == 0 && (uint64_t)(g.next_id - 1) < g.n_total) {
		uint64_t left = g.n_total - (uint64_t)(g.next_id - 1);
		size_t room = left < HOUSE_MAX ? (size_t)left : HOUSE_MAX, k = 0;

		rc = gen_household(&g, house, room, &k);
		for (size_t i = 0; i < k && rc == 0 && sink->person; i++)
			rc = sink->person(sink->ctx, house[i].id, &house[i].ident,
			                  &house[i].rights);
	}
out:
	sodium_memzero(house, sizeof(house));
	u64set_release(&g.nirs);
	free(g.gp);
	free(pros);
	return rc;
}

int seed_operator(struct store *st, const struct vault *v, const char *dir, const char *family,
                  char rpps_out[12])
{
	char path[PATH_MAX], b32[TOTP_B32_LEN + 1];
	struct pro_seed op;
	struct store_pro probe;
	int fd, rc, tries = 0, fresh;
	FILE *f;

	memset(&op, 0, sizeof(op));
	if (path_in(path, sizeof(path), dir, "operators.tsv") != 0)
		return VG_ETOOBIG;
	/* An RPPS-shaped id of its own ("19" + 8 digits + key), unused. */
	do {
		unsigned num = randombytes_uniform(100000000);
		int check;

		op.p.rpps[0] = '1';
		op.p.rpps[1] = '9';
		put_digits(op.p.rpps + 2, num, 8);
		op.p.rpps[10] = '\0';
		check = rpps_check_digit(op.p.rpps);
		if (check < 0)
			return VG_EINVAL;
		op.p.rpps[10] = (char)check;
		op.p.rpps[11] = '\0';
		rc = store_pro_get(st, op.p.rpps, &probe);
		sodium_memzero(&probe, sizeof(probe));
	} while (rc == 0 && ++tries < 100);
	if (rc != VG_ENOTFOUND)
		return rc == 0 ? VG_EEXIST : rc;
	op.p.kind = PRO_HOSPITAL; /* not used for operators: they look no one up */
	op.p.role = ROLE_OPERATOR;
	snprintf(op.p.family, sizeof(op.p.family), "%s", family ? family : "OPERATOR");
	snprintf(op.p.given, sizeof(op.p.given), "Security team");
	snprintf(op.p.dept, sizeof(op.p.dept), "75");
	snprintf(op.p.city, sizeof(op.p.city), "Paris");
	for (int k = 0; k < PW_LEN; k++)
		op.password[k] = PW_ALPHABET[randombytes_uniform(sizeof(PW_ALPHABET) - 1)];
	randombytes_buf(op.totp, TOTP_SECRET_LEN);
	if ((rc = password_hash(op.password, PW_LEN, op.p.pwhash)) != 0)
		goto out;
	/* The secret is sealed under the row's id: pick a free one after the others. */
	{
		int64_t n = 0;

		if ((rc = store_pro_count(st, &n)) != 0)
			goto out;
		op.p.totp_sealed_len = TOTP_SECRET_LEN + VAULT_OVERHEAD;
		rc = VG_EEXIST;
		for (int64_t id = n + 1; rc == VG_EEXIST && id < n + 1000; id++) {
			op.p.id = id;
			if ((rc = vault_seal(v, "pro", "totp", id, op.totp, TOTP_SECRET_LEN,
			                     op.p.totp_sealed)) == 0)
				rc = store_pro_put(st, &op.p);
		}
		if (rc != 0)
			goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	f = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		rc = VG_EIO;
		goto out;
	}
	fresh = ftell(f) == 0;
	if (fresh)
		fputs("rpps\tpassword\ttotp_secret\tfamily\n", f);
	totp_base32(op.totp, b32);
	fprintf(f, "%s\t%s\t%s\t%s\n", op.p.rpps, op.password, b32, op.p.family);
	sodium_memzero(b32, sizeof(b32));
	rc = close_file(f);
	if (rc == 0 && rpps_out)
		memcpy(rpps_out, op.p.rpps, 12);
out:
	sodium_memzero(&op, sizeof(op));
	return rc;
}
