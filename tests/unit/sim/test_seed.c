/*
 * `vigie seed` into a real SQLite store and vault: valid and unique NIRs,
 * plausible rates, determinism for a seed, the files it writes, and the
 * card keys (card.c) the simulator derives from cards.key.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <sodium.h>

#include "core/civil.h"
#include "core/hours.h"
#include "core/nir.h"
#include "core/record.h"
#include "core/rpps.h"
#include "crypto/card.h"
#include "crypto/password.h"
#include "crypto/totp.h"
#include "sim/seed.h"
#include "store/store.h"
#include "testutil.h"

#define N_PEOPLE 3000
#define N_PROS   12

struct run {
	char dir[PATH_MAX];
	struct vault *v;
	struct store *st;
};

struct row {
	char nir[16];
	char family[64];
	char given[96];
	char birth[11];
	char sex;
	char dept[4];
	int rank;
	char email[96];
	char iban[35];
};

/* One person as the store gives it back, unsealed. */
struct person {
	int64_t id;
	struct insured_ident ident;
	struct insured_rights rights;
	uint8_t card_pk[32];
};

static void run_open(struct run *r)
{
	char db[PATH_MAX + 16];

	assert_int_equal(tu_tempdir(r->dir), 0);
	assert_int_equal(vault_keygen(r->dir), 0);
	assert_int_equal(vault_open(r->dir, &r->v), 0);
	snprintf(db, sizeof(db), "%s/vigie.db", r->dir);
	assert_int_equal(store_sqlite_open(db, &r->st), 0);
}

static void run_close(struct run *r)
{
	store_close(r->st);
	vault_free(r->v);
	tu_rmdir(r->dir);
}

static int run_seed(struct run *r, uint64_t seed, uint64_t n, uint32_t pros, uint32_t sample)
{
	struct seed_opts o = { .n_insured = n,
		               .n_pros = pros,
		               .seed = seed,
		               .sample = sample,
		               .dir = r->dir,
		               .progress = 0 };

	return seed_run(r->st, r->v, &o);
}

static void file_path(char *buf, const struct run *r, const char *name)
{
	snprintf(buf, PATH_MAX + 32, "%s/%s", r->dir, name);
}

/* Split line at tabs into at most max fields (in place); returns the count. */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\n")] = '\0';
	while (n < max) {
		char *tab = strchr(p, '\t');

		f[n++] = p;
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

static void copy(char *dst, size_t cap, const char *src)
{
	assert_true(strlen(src) < cap);
	memcpy(dst, src, strlen(src) + 1);
}

/* Read insured-sample.tsv; checks the header. Returns the row count. */
static size_t read_sample(const struct run *r, struct row *rows, size_t max)
{
	char path[PATH_MAX + 32], line[1024], *f[16] = { 0 };
	FILE *fp;
	size_t n = 0;

	file_path(path, r, "insured-sample.tsv");
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	assert_string_equal(line, "nir\tfamily\tgiven\tbirth_date\tsex\tdept\trank\temail\tiban\n");
	while (fgets(line, sizeof(line), fp)) {
		struct row *w = &rows[n];

		assert_true(n < max);
		assert_int_equal(split_tabs(line, f, 16), 9);
		copy(w->nir, sizeof(w->nir), f[0]);
		copy(w->family, sizeof(w->family), f[1]);
		copy(w->given, sizeof(w->given), f[2]);
		copy(w->birth, sizeof(w->birth), f[3]);
		assert_int_equal(strlen(f[4]), 1);
		w->sex = f[4][0];
		copy(w->dept, sizeof(w->dept), f[5]);
		w->rank = (int)strtol(f[6], NULL, 10);
		copy(w->email, sizeof(w->email), f[7]);
		copy(w->iban, sizeof(w->iban), f[8]);
		n++;
	}
	fclose(fp);
	return n;
}

/* Everyone billed under nir in r's store, unsealed, in id order. */
static size_t lookup(const struct run *r, const char *nir, struct person *out)
{
	static struct store_insured rows[STORE_MATCH_MAX];
	uint8_t bidx[VAULT_BIDX], pt[STORE_SEALED_MAX];
	size_t n = 0;

	vault_blind(r->v, VAULT_D_NIR, nir, NIR_LEN, bidx);
	assert_int_equal(store_insured_find(r->st, bidx, rows, STORE_MATCH_MAX, &n), 0);
	for (size_t i = 0; i < n; i++) {
		const struct store_insured *s = &rows[i];

		out[i].id = s->id;
		assert_int_equal(
		        vault_unseal(r->v, "insured", "ident", s->id, s->ident, s->ident_len, pt),
		        0);
		assert_int_equal(
		        record_unpack_ident(pt, s->ident_len - VAULT_OVERHEAD, &out[i].ident), 0);
		assert_int_equal(vault_unseal(r->v, "insured", "rights", s->id, s->rights,
		                              s->rights_len, pt),
		                 0);
		assert_int_equal(
		        record_unpack_rights(pt, s->rights_len - VAULT_OVERHEAD, &out[i].rights),
		        0);
		memcpy(out[i].card_pk, s->card_pk, 32);
	}
	return n;
}

static void read_cards_key(const struct run *r, uint8_t key[CARD_MASTER_LEN])
{
	char path[PATH_MAX + 32];
	FILE *fp;
	struct stat sb;

	assert_int_equal(seed_cards_path(r->dir, path, sizeof(path)), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, CARD_MASTER_LEN);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(key, 1, CARD_MASTER_LEN, fp), CARD_MASTER_LEN);
	fclose(fp);
}

/* The shared seeded population (run A: everyone in the sample). */
struct fx {
	struct run a;
	struct row rows[N_PEOPLE];
	size_t n_rows;
};

static int setup(void **state)
{
	static struct fx f;

	if (sodium_init() < 0 || totp_global_init() != 0)
		return -1;
	run_open(&f.a);
	if (run_seed(&f.a, 7, N_PEOPLE, N_PROS, N_PEOPLE) != 0)
		return -1;
	f.n_rows = read_sample(&f.a, f.rows, N_PEOPLE);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	run_close(&f->a);
	return 0;
}

static int digits2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static void everyone_is_there_with_a_valid_nir(void **state)
{
	struct fx *f = *state;
	static uint8_t seen[N_PEOPLE + 1];
	static struct person p[STORE_MATCH_MAX];
	uint8_t cards[CARD_MASTER_LEN], pk[32];
	int64_t count = 0;
	size_t found = 0, households = 0;

	memset(seen, 0, sizeof(seen));
	assert_int_equal(store_insured_count(f->a.st, &count), 0);
	assert_int_equal(count, N_PEOPLE);
	assert_int_equal(f->n_rows, N_PEOPLE); /* sample >= population: everyone */
	read_cards_key(&f->a, cards);
	for (size_t i = 0; i < f->n_rows; i++) {
		const struct row *w = &f->rows[i];
		struct nir nir;
		size_t n;

		if (w->rank != 0)
			continue;
		assert_int_equal(nir_parse(w->nir, strlen(w->nir), &nir, NULL), 0);
		assert_false(nir.temporary);
		n = lookup(&f->a, w->nir, p);
		assert_true(n >= 1 && n <= 4);
		households++;
		card_keypair(cards, w->nir, pk, NULL);
		for (size_t k = 0; k < n; k++) {
			const struct insured_ident *id = &p[k].ident;

			assert_true(p[k].id >= 1 && p[k].id <= N_PEOPLE);
			assert_false(seen[p[k].id]);
			seen[p[k].id] = 1;
			found++;
			assert_string_equal(id->nir, w->nir);
			assert_int_equal(id->rank, k); /* the insured first, then the dependants */
			/* Dependants share the insured's card. */
			assert_memory_equal(p[k].card_pk, pk, 32);
			assert_true(id->sex == 'M' || id->sex == 'F');
			assert_int_equal(strlen(id->birth_date), 10);
			assert_int_equal(strlen(id->birth_place), 5);
			assert_true(id->family[0] >= 'A' && id->family[0] <= 'Z');
			assert_true(strlen(id->given) > 1);
			if (k == 0) {
				/* The insured's own NIR: sex, year, month and place of birth. */
				assert_int_equal(nir.sex, id->sex == 'M' ? 1 : 2);
				assert_int_equal(nir.year2, digits2(id->birth_date + 2));
				assert_int_equal(nir.month, digits2(id->birth_date + 5));
				if (memcmp(nir.dept, "20", 2) == 0 && nir.dept[2] == '\0') {
					/* Corsica before 1976: 20 in the NIR, 2A/2B in the commune. */
					assert_true(id->birth_date[0] == '1' &&
					            memcmp(id->birth_date, "1976", 4) < 0);
					assert_true(id->birth_place[1] == 'A' ||
					            id->birth_place[1] == 'B');
					assert_memory_equal(id->birth_place + 2, w->nir + 7, 3);
				} else {
					assert_memory_equal(id->birth_place, w->nir + 5, 5);
				}
				assert_true(memcmp(id->birth_date, "1925", 4) >= 0 &&
				            memcmp(id->birth_date, "2008", 4) < 0);
			} else {
				/* Children under 18 on 2026-01-01. */
				assert_true(memcmp(id->birth_date, "2007", 4) >= 0);
				/* The parent was 17 to 46 years old at the child's birth. */
				assert_true(strtol(id->birth_date, NULL, 10) -
				                    strtol(p[0].ident.birth_date, NULL, 10) >=
				            17);
				assert_true(strtol(id->birth_date, NULL, 10) -
				                    strtol(p[0].ident.birth_date, NULL, 10) <=
				            46);
				assert_string_equal(id->family, p[0].ident.family);
			}
		}
	}
	assert_int_equal(found, N_PEOPLE);
	assert_true(households > N_PEOPLE * 70 / 100 && households < N_PEOPLE * 90 / 100);
}

static void rates_are_plausible(void **state)
{
	struct fx *f = *state;
	static struct person p[STORE_MATCH_MAX];
	char pros_gp[N_PROS][12];
	size_t n_gp = 0;
	unsigned n = 0, c2s = 0, c2s_free = 0, ame = 0, ald = 0, active = 0, deps = 0;
	unsigned adults16 = 0, gp16 = 0, abroad = 0, ald_old = 0, old = 0;
	char path[PATH_MAX + 32], line[512], *fl[12] = { 0 };
	FILE *fp;

	file_path(path, &f->a, "pros.tsv");
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	while (fgets(line, sizeof(line), fp)) {
		assert_int_equal(split_tabs(line, fl, 12), 11);
		if (strcmp(fl[3], "gp") == 0)
			copy(pros_gp[n_gp++], 12, fl[0]);
	}
	fclose(fp);
	assert_true(n_gp >= 1);

	for (size_t i = 0; i < f->n_rows; i++) {
		size_t m;

		if (f->rows[i].rank != 0)
			continue;
		m = lookup(&f->a, f->rows[i].nir, p);
		for (size_t k = 0; k < m; k++) {
			const struct insured_rights *rt = &p[k].rights;
			int born = (int)strtol(p[k].ident.birth_date, NULL, 10);
			int age = 2025 - born;

			n++;
			deps += p[k].ident.rank > 0;
			abroad += memcmp(p[k].ident.birth_place, "99", 2) == 0;
			active += rt->active;
			c2s += rt->c2s != C2S_NONE;
			c2s_free += rt->c2s == C2S_FREE;
			ame += rt->ame;
			ald += rt->ald;
			if (age >= 75) {
				old++;
				ald_old += rt->ald;
			}
			assert_false(rt->ame && rt->c2s); /* AME people have no C2S */
			if (rt->c2s)
				assert_true(strcmp(rt->c2s_end, "2026-01-01") > 0 &&
				            strcmp(rt->c2s_end, "2027-01-02") < 0);
			if (rt->ald)
				assert_true(strcmp(rt->ald_end, "2027-01-01") >= 0);
			if (!rt->active)
				assert_true(rt->end[0] && strcmp(rt->end, "2026-01-01") < 0);
			assert_string_equal(rt->dept, f->rows[i].dept);
			assert_true(strcmp(rt->start, "2026-01-01") < 0);
			if (age >= 16) {
				adults16++;
				gp16 += rt->gp_rpps[0] != '\0';
			}
			if (rt->gp_rpps[0]) {
				size_t g;

				assert_int_equal(rpps_validate(rt->gp_rpps, 11), 0);
				for (g = 0; g < n_gp; g++)
					if (strcmp(pros_gp[g], rt->gp_rpps) == 0)
						break;
				assert_true(g < n_gp); /* a seeded GP */
				assert_memory_equal(rt->gp_name, "Dr ", 3);
			}
		}
	}
	assert_int_equal(n, N_PEOPLE);
	print_message(
	        "rates over %u: C2S %.1f%% (free %.1f%%), AME %.2f%%, "
	        "ALD %.1f%% (75+: %.1f%%), active %.1f%%, dependants %.1f%%, born abroad %.1f%%, GP 16+ %.1f%%\n",
	        n, 100.0 * c2s / n, 100.0 * c2s_free / n, 100.0 * ame / n, 100.0 * ald / n,
	        old ? 100.0 * ald_old / old : 0.0, 100.0 * active / n, 100.0 * deps / n,
	        100.0 * abroad / n, 100.0 * gp16 / adults16);
	assert_true(c2s * 100 >= n * 6 && c2s * 100 <= n * 17);
	assert_true(c2s_free * 2 > c2s && c2s_free * 10 < c2s * 9);
	assert_true(ame >= 2 && ame * 1000 <= n * 20);
	assert_true(ald * 100 >= n * 11 && ald * 100 <= n * 26);
	assert_true(old > 0 && ald_old * 100 >= old * 28);
	assert_true(active * 100 >= n * 97 && active < n);
	assert_true(deps * 100 >= n * 12 && deps * 100 <= n * 30);
	assert_true(abroad * 100 >= n * 5 && abroad * 100 <= n * 15);
	assert_true(gp16 * 100 >= adults16 * 80);
}

static void contact_data_in_the_sample(void **state)
{
	struct fx *f = *state;

	for (size_t i = 0; i < f->n_rows; i++) {
		const struct row *w = &f->rows[i];
		const char *at = strchr(w->email, '@');

		assert_non_null(at);
		assert_true(strcmp(at, "@example.org") == 0 || strcmp(at, "@example.net") == 0 ||
		            strcmp(at, "@example.com") == 0);
		for (const char *c = w->email; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
			            *c == '.' || *c == '-' || *c == '@');
		assert_int_equal(strlen(w->iban), 27);
		assert_memory_equal(w->iban, "FR", 2);
		assert_true(w->sex == 'M' || w->sex == 'F');
	}
}

static void professionals_and_their_credentials(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX + 32], line[512], *fl[12] = { 0 };
	FILE *fp;
	struct stat sb;
	int64_t count = 0;
	int n = 0, rotas = 0;

	assert_int_equal(store_pro_count(f->a.st, &count), 0);
	assert_int_equal(count, N_PROS);
	file_path(path, &f->a, "pros.tsv");
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	assert_string_equal(line, "rpps\tpassword\ttotp_secret\tkind\tfamily\tgiven\tdept\tcity\t"
	                          "hours\ton_call_every\ton_call_night\n");
	while (fgets(line, sizeof(line), fp)) {
		struct store_pro p;
		uint8_t secret[TOTP_SECRET_LEN], stored[TOTP_SECRET_LEN];
		static const char *const KINDS[] = { "",           "pharmacist", "gp",
			                             "specialist", "lab",        "hospital" };

		assert_int_equal(split_tabs(line, fl, 12), 11);
		assert_int_equal(rpps_validate(fl[0], strlen(fl[0])), 0);
		assert_memory_equal(fl[0], "10", 2);
		assert_int_equal(strlen(fl[1]), 16);
		assert_int_equal(strlen(fl[2]), TOTP_B32_LEN);
		assert_int_equal(totp_from_base32(fl[2], secret), 0);
		assert_int_equal(store_pro_get(f->a.st, fl[0], &p), 0);
		assert_string_equal(KINDS[p.kind], fl[3]);
		assert_string_equal(p.family, fl[4]);
		assert_string_equal(p.given, fl[5]);
		assert_string_equal(p.dept, fl[6]);
		assert_string_equal(p.city, fl[7]);
		/* Opening hours and rota: stored, and the same in the file. */
		{
			char hours[HOURS_TEXT_MAX];
			int y, m, d;

			assert_int_equal(p.hours_set, 1);
			assert_int_equal(hours_format(&p.hours, hours, sizeof(hours)), 0);
			assert_string_equal(hours, fl[8]);
			assert_int_equal(p.hours.rota_every, strtol(fl[9], NULL, 10));
			if (p.kind == PRO_HOSPITAL)
				assert_string_equal(fl[8], "24/7");
			if (p.kind == PRO_PHARMACIST) {
				assert_in_range(p.hours.rota_every, 7, 28);
				assert_int_equal(sscanf(fl[10], "%4d-%2d-%2d", &y, &m, &d), 3);
				assert_true(hours_on_call_night(&p.hours, civil_days(y, m, d)));
				assert_false(
				        hours_on_call_night(&p.hours, civil_days(y, m, d) + 1));
				rotas++;
			} else {
				assert_int_equal(p.hours.rota_every, 0);
				assert_string_equal(fl[10], "-");
			}
		}
		assert_int_equal(p.id, n + 1);
		assert_int_equal(p.suspended, 0);
		assert_int_equal(vault_unseal(f->a.v, "pro", "totp", p.id, p.totp_sealed,
		                              p.totp_sealed_len, stored),
		                 0);
		assert_memory_equal(stored, secret, TOTP_SECRET_LEN);
		assert_memory_equal(p.pwhash, "$argon2id$", 10);
		/* Argon2id is slow: verify two passwords, and refuse a wrong one once. */
		if (n < 2)
			assert_int_equal(password_verify(p.pwhash, fl[1], strlen(fl[1])), 0);
		if (n == 0)
			assert_int_equal(password_verify(p.pwhash, "wrong", 5), VG_EDENIED);
		n++;
	}
	fclose(fp);
	assert_int_equal(n, N_PROS);
	assert_true(rotas > 0); /* the seeded directory has pharmacies, on a rota */
}

static void a_second_seed_is_refused(void **state)
{
	struct fx *f = *state;
	uint8_t before[CARD_MASTER_LEN], after[CARD_MASTER_LEN];
	int64_t count = 0;

	read_cards_key(&f->a, before);
	assert_int_equal(run_seed(&f->a, 8, 100, 1, 10), VG_EEXIST);
	read_cards_key(&f->a, after);
	assert_memory_equal(before, after, CARD_MASTER_LEN);
	assert_int_equal(store_insured_count(f->a.st, &count), 0);
	assert_int_equal(count, N_PEOPLE);
}

static void same_seed_same_people_other_seed_other_people(void **state)
{
	struct fx *f = *state;
	static struct person pa[STORE_MATCH_MAX], pb[STORE_MATCH_MAX];
	static struct row sb_rows[N_PEOPLE];
	struct run b, c;
	size_t same = 0, in_c = 0, insured = 0, n_sb;
	uint8_t ka[CARD_MASTER_LEN], kb[CARD_MASTER_LEN];
	int cats[4] = { 0 };

	run_open(&b);
	run_open(&c);
	/* Another vault and a small sample: the people must still be the same. */
	assert_int_equal(run_seed(&b, 7, N_PEOPLE, N_PROS, 60), 0);
	assert_int_equal(run_seed(&c, 8, N_PEOPLE, N_PROS, 60), 0);
	read_cards_key(&f->a, ka);
	read_cards_key(&b, kb);
	assert_memory_not_equal(ka, kb, CARD_MASTER_LEN); /* secrets are not seeded */

	for (size_t i = 0; i < f->n_rows; i++) {
		size_t na, nb;

		if (f->rows[i].rank != 0)
			continue;
		insured++;
		na = lookup(&f->a, f->rows[i].nir, pa);
		nb = lookup(&b, f->rows[i].nir, pb);
		assert_int_equal(na, nb);
		for (size_t k = 0; k < na; k++) {
			assert_int_equal(pa[k].id, pb[k].id);
			assert_memory_equal(&pa[k].ident, &pb[k].ident, sizeof(pa[k].ident));
			assert_memory_equal(&pa[k].rights, &pb[k].rights, sizeof(pa[k].rights));
			same++;
		}
		in_c += lookup(&c, f->rows[i].nir, pb) > 0;
	}
	assert_int_equal(same, N_PEOPLE);
	assert_true(in_c * 10 < insured);

	/* The small sample: spread out, with dependants, C2S, AME and ALD among its rows. */
	n_sb = read_sample(&b, sb_rows, N_PEOPLE);
	assert_true(n_sb >= 50 && n_sb <= 60);
	for (size_t i = 0; i < n_sb; i++) {
		size_t m = lookup(&b, sb_rows[i].nir, pb), k;

		for (k = 0; k < m; k++)
			if (pb[k].ident.rank == sb_rows[i].rank)
				break;
		assert_true(k < m); /* the sample's people are found by their NIR */
		assert_string_equal(pb[k].ident.family, sb_rows[i].family);
		assert_string_equal(pb[k].ident.given, sb_rows[i].given);
		assert_string_equal(pb[k].ident.birth_date, sb_rows[i].birth);
		cats[0] += sb_rows[i].rank > 0;
		cats[1] += pb[k].rights.c2s != C2S_NONE;
		cats[2] += pb[k].rights.ame;
		cats[3] += pb[k].rights.ald;
	}
	for (int i = 0; i < 4; i++)
		assert_true(cats[i] >= 1);
	assert_string_not_equal(sb_rows[0].nir, sb_rows[n_sb - 1].nir);
	run_close(&b);
	run_close(&c);
}

static void tiny_populations_have_the_exact_size(void **state)
{
	(void)state;
	for (uint64_t n = 1; n <= 7; n += 6) {
		struct run r;
		int64_t count = 0;
		struct row rows[8];

		run_open(&r);
		assert_int_equal(run_seed(&r, 1, n, 1, 500), 0);
		assert_int_equal(store_insured_count(r.st, &count), 0);
		assert_int_equal(count, (int64_t)n);
		assert_int_equal(read_sample(&r, rows, 8), n);
		run_close(&r);
	}
}

static void card_keys_are_derived_from_the_nir(void **state)
{
	uint8_t master[CARD_MASTER_LEN], pk[32], pk2[32], sk[64], pk3[32], sig[64];
	const char *msg = "vigie-card-proof-v1\n10003456789\n255081416802538\n1767225600\n";

	(void)state;
	memset(master, 7, sizeof(master));
	card_keypair(master, "255081416802538", pk, NULL);
	card_keypair(master, "255081416802538", pk2, sk);
	assert_memory_equal(pk, pk2, 32);
	crypto_sign_ed25519_sk_to_pk(pk3, sk);
	assert_memory_equal(pk, pk3, 32);
	crypto_sign_detached(sig, NULL, (const uint8_t *)msg, strlen(msg), sk);
	assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)msg, strlen(msg), pk),
	                 0);
	/* Another NIR or another master key: another card. */
	card_keypair(master, "253072B07300470", pk2, NULL);
	assert_memory_not_equal(pk, pk2, 32);
	master[0] ^= 1;
	card_keypair(master, "255081416802538", pk2, NULL);
	assert_memory_not_equal(pk, pk2, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(everyone_is_there_with_a_valid_nir),
		cmocka_unit_test(rates_are_plausible),
		cmocka_unit_test(contact_data_in_the_sample),
		cmocka_unit_test(professionals_and_their_credentials),
		cmocka_unit_test(a_second_seed_is_refused),
		cmocka_unit_test(same_seed_same_people_other_seed_other_people),
		cmocka_unit_test(tiny_populations_have_the_exact_size),
		cmocka_unit_test(card_keys_are_derived_from_the_nir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
