/* cmd_tools.c - small operator commands: totp, backup, status. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "cli/open.h"
#include "core/civil.h"
#include "core/hours.h"
#include "core/nir.h"
#include "core/rpps.h"
#include "crypto/card.h"
#include "crypto/totp.h"
#include "journal/journal.h"
#include "sim/seed.h"
#include "core/banned.h"

/* Find rpps in dir/name and copy its TOTP secret (third column): 0, 1 not there, -1 no file. */
static int secret_in(const char *dir, const char *name, const char *rpps, char *out, size_t cap)
{
	char path[4096], line[1024];
	FILE *f;
	int rc = 1;

	cli_path(path, sizeof(path), dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *tab1 = strchr(line, '\t'), *tab2, *tab3;

		if (!tab1 || (size_t)(tab1 - line) != strlen(rpps) ||
		    memcmp(line, rpps, strlen(rpps)) != 0)
			continue;
		tab2 = strchr(tab1 + 1, '\t');
		tab3 = tab2 ? strchr(tab2 + 1, '\t') : NULL;
		if (tab3 && (size_t)(tab3 - tab2 - 1) < cap) {
			memcpy(out, tab2 + 1, (size_t)(tab3 - tab2 - 1));
			out[tab3 - tab2 - 1] = '\0';
			rc = 0;
		}
		break;
	}
	fclose(f);
	return rc;
}

/* The demo TOTP secret of a professional (pros.tsv) or an operator (operators.tsv). */
static int secret_from_pros(const char *dir, const char *rpps, char *out, size_t cap)
{
	int rc = secret_in(dir, "pros.tsv", rpps, out, cap);

	if (rc == -1)
		return cli_fail("cannot read %s/pros.tsv (run `vigie seed` first)", dir);
	if (rc == 1 && secret_in(dir, "operators.tsv", rpps, out, cap) == 0)
		rc = 0;
	if (rc != 0)
		return cli_fail("RPPS %s is not in %s/pros.tsv or %s/operators.tsv", rpps, dir,
		                dir);
	return 0;
}

int cmd_totp(int argc, char **argv)
{
	static const struct option OPTS[] = { { "data", required_argument, NULL, 'd' },
		                              { "rpps", required_argument, NULL, 'r' },
		                              { "at", required_argument, NULL, 't' },
		                              { NULL, 0, NULL, 0 } };
	const char *dir = NULL, *rpps = NULL;
	char b32[128], code[7];
	uint8_t secret[TOTP_SECRET_LEN];
	int64_t at = (int64_t)time(NULL);
	int c;

	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		if (c == 'd')
			dir = optarg;
		else if (c == 'r')
			rpps = optarg;
		else if (c == 't' && cli_i64(optarg, "--at", &at) == 0 && at >= 0)
			;
		else
			return cli_usage("totp");
	}
	if (rpps) {
		if (secret_from_pros(cli_data_dir(dir), rpps, b32, sizeof(b32)) != 0)
			return 1;
	} else if (optind < argc && strlen(argv[optind]) < sizeof(b32)) {
		memcpy(b32, argv[optind], strlen(argv[optind]) + 1);
	} else {
		return cli_usage("totp");
	}
	if (totp_from_base32(b32, secret) != 0)
		return cli_fail("not a base32 TOTP secret of %d bytes", TOTP_SECRET_LEN);
	if (totp_code(secret, at, code) != 0)
		return cli_fail("cannot compute the code");
	sodium_memzero(secret, sizeof(secret));
	puts(code);
	return 0;
}

int cmd_backup(int argc, char **argv)
{
	static const struct option OPTS[] = { { "data", required_argument, NULL, 'd' },
		                              { "out", required_argument, NULL, 'o' },
		                              { NULL, 0, NULL, 0 } };
	const char *dir = NULL, *outp = NULL;
	char acc[4096];
	struct vault *v;
	struct store *st;
	int c, rc, fd;

	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		if (c == 'd')
			dir = optarg;
		else if (c == 'o')
			outp = optarg;
		else
			return cli_usage("backup");
	}
	if (!outp)
		return cli_usage("backup");
	/* Create both files ourselves: new, private, never through a planted symlink. */
	if (snprintf(acc, sizeof(acc), "%s-access", outp) >= (int)sizeof(acc))
		return cli_fail("path too long: %s", outp);
	fd = open(outp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cli_fail("cannot create %s (it must not exist yet)", outp);
	close(fd);
	fd = open(acc, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		unlink(outp);
		return cli_fail("cannot create %s (it must not exist yet)", acc);
	}
	close(fd);
	if (cli_open(cli_data_dir(dir), &v, &st) != 0)
		return 1;
	rc = store_backup(st, outp);
	store_close(st);
	vault_free(v);
	if (rc != 0) {
		unlink(outp);
		unlink(acc);
		return cli_fail("backup failed: %s", vg_strerror(rc));
	}
	printf("backup written to %s and %s (personal fields stay sealed; keep master.key "
	       "apart)\n",
	       outp, acc);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	static const struct option OPTS[] = { { "data", required_argument, NULL, 'd' },
		                              { NULL, 0, NULL, 0 } };
	const char *dir = NULL;
	struct vault *v;
	struct store *st;
	int64_t ni = 0, np = 0, na = 0;
	char created[64] = "?";
	int c, rc;

	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		if (c != 'd')
			return cli_usage("status");
		dir = optarg;
	}
	dir = cli_data_dir(dir);
	if (cli_open(dir, &v, &st) != 0)
		return 1;
	VG_IGNORE(store_meta_get(st, "created", created, sizeof(created)));
	rc = store_insured_count(st, &ni);
	if (rc == 0)
		rc = store_pro_count(st, &np);
	if (rc == 0)
		rc = store_access_count(st, &na);
	store_close(st);
	vault_free(v);
	if (rc != 0)
		return cli_fail("cannot read %s: %s", dir, vg_strerror(rc));
	printf("data directory  %s\ncreated         %s\ninsured         %lld\n"
	       "professionals   %lld\naccess records  %lld\n",
	       dir, created, (long long)ni, (long long)np, (long long)na);
	{
		struct cli_journal_paths jp;
		char note[JOURNAL_NOTE_MAX];
		uint8_t root[MERKLE_HASH_LEN];
		uint64_t size = 0;
		size_t len;

		cli_journal_paths(dir, &jp);
		if (journal_read_checkpoint(jp.dir, note, sizeof(note), &len, &size, root) == 0)
			printf("journal         %llu entries in the latest signed checkpoint\n",
			       (unsigned long long)size);
		else
			printf("journal         none or unreadable (vigie journal verify says why)\n");
	}
	return 0;
}

/* vigie operator add: an operator account (alerts, reinstatement), credentials to operators.tsv. */
int cmd_operator(int argc, char **argv)
{
	static const struct option OPTS[] = { { "data", required_argument, NULL, 'd' },
		                              { "name", required_argument, NULL, 'n' },
		                              { NULL, 0, NULL, 0 } };
	const char *dir = NULL, *name = "OPERATOR";
	char rpps[12];
	struct vault *v;
	struct store *st;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return cli_usage("operator");
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		if (c == 'd')
			dir = optarg;
		else if (c == 'n' && strlen(optarg) > 0 && strlen(optarg) < 64)
			name = optarg;
		else
			return cli_usage("operator");
	}
	dir = cli_data_dir(dir);
	if (cli_open(dir, &v, &st) != 0)
		return 1;
	rc = seed_operator(st, v, dir, name, rpps);
	store_close(st);
	vault_free(v);
	if (rc != 0)
		return cli_fail("cannot add an operator: %s", vg_strerror(rc));
	printf("operator %s added; password and TOTP secret in %s/operators.tsv (0600)\n", rpps,
	       dir);
	return 0;
}

/*
 * vigie card-proof: a Vigie-Card-Proof header value for (rpps, nir), made
 * with the demo card key derived from cards.key (what a card reader with the
 * patient's card would send). For demos and tests; the server never reads
 * cards.key.
 */
int cmd_card_proof(int argc, char **argv)
{
	static const struct option OPTS[] = { { "data", required_argument, NULL, 'd' },
		                              { "rpps", required_argument, NULL, 'r' },
		                              { "nir", required_argument, NULL, 'n' },
		                              { "at", required_argument, NULL, 't' },
		                              { NULL, 0, NULL, 0 } };
	const char *dir = NULL, *rpps = NULL, *nir = NULL;
	uint8_t master[CARD_MASTER_LEN], pk[32], sk[64];
	char path[4096], out[CARD_PROOF_MAX];
	int64_t at = (int64_t)time(NULL);
	struct nir n;
	int c, fd, rc;

	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		if (c == 'd')
			dir = optarg;
		else if (c == 'r')
			rpps = optarg;
		else if (c == 'n')
			nir = optarg;
		else if (c == 't' && cli_i64(optarg, "--at", &at) == 0 && at >= 0)
			;
		else
			return cli_usage("card-proof");
	}
	if (!rpps || !nir || rpps_validate(rpps, strlen(rpps)) != 0 ||
	    nir_parse(nir, strlen(nir), &n, NULL) != 0)
		return cli_fail(
		        "card-proof needs a valid --rpps and --nir (vigie card-proof --help)");
	if (seed_cards_path(cli_data_dir(dir), path, sizeof(path)) != 0)
		return cli_fail(
		        "no card key beside this data directory (its path is too long, or it is /)");
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cli_fail("cannot read %s (made by vigie seed)", path);
	rc = read(fd, master, sizeof(master)) == (ssize_t)sizeof(master) ? 0 : -1;
	close(fd);
	if (rc != 0)
		return cli_fail("%s is not a card master key", path);
	card_keypair(master, n.canon, pk, sk);
	rc = card_proof_make(sk, rpps, n.canon, at, NULL, out, sizeof(out));
	sodium_memzero(master, sizeof(master));
	sodium_memzero(sk, sizeof(sk));
	if (rc != 0)
		return cli_fail("cannot make the proof: %s", vg_strerror(rc));
	printf("%s\n", out);
	return 0;
}

/* "YYYY-MM-DD" into a day number: 0, or -1. */
static int parse_date(const char *s, int64_t *day)
{
	int y, m, d;
	int64_t yy;
	int mm, dd;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return -1;
	*day = civil_days(y, m, d);
	civil_date(*day, &yy, &mm, &dd);
	return yy == y && mm == m && dd == d ? 0 : -1; /* 2026-02-30 is not a date */
}

static void print_hours(const struct store_pro *p, int64_t today)
{
	char text[HOURS_TEXT_MAX] = "?";

	if (p->hours_set)
		VG_IGNORE(hours_format(&p->hours, text, sizeof(text)));
	printf("%s  %s\n", p->rpps, p->hours_set ? text : "(the profession's usual hours)");
	if (p->hours.rota_every) {
		int64_t d = today, y;
		int m, dd;

		while (!hours_on_call_night(&p->hours, d))
			d++;
		civil_date(d, &y, &m, &dd);
		printf("on call one night in %u (19:00-09:00), next %04lld-%02d-%02d\n",
		       (unsigned)p->hours.rota_every, (long long)y, m, dd);
	} else {
		printf("no on-call rota\n");
	}
}

/* vigie hours: a professional's opening hours and on-call rota (the guard's "off hours"). */
int cmd_hours(int argc, char **argv)
{
	static const struct option OPTS[] = { { "data", required_argument, NULL, 'd' },
		                              { "rpps", required_argument, NULL, 'r' },
		                              { "set", required_argument, NULL, 's' },
		                              { "usual", no_argument, NULL, 'u' },
		                              { "on-call-every", required_argument, NULL, 'e' },
		                              { "on-call-night", required_argument, NULL, 'n' },
		                              { "no-on-call", no_argument, NULL, 'x' },
		                              { NULL, 0, NULL, 0 } };
	const char *dir = NULL, *rpps = NULL, *set = NULL, *why = NULL;
	int usual = 0, no_rota = 0, c, rc, changed;
	int64_t night = INT64_MIN, today = civil_floor_div((int64_t)time(NULL) + 3600, 86400);
	uint64_t every = 0;
	struct store_pro p;
	struct vault *v;
	struct store *st;

	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'r': rpps = optarg; break;
		case 's': set = optarg; break;
		case 'u': usual = 1; break;
		case 'x': no_rota = 1; break;
		case 'e':
			if (cli_u64(optarg, "--on-call-every", &every) || every < 1 ||
			    every > HOURS_ROTA_MAX)
				return cli_fail("--on-call-every: 1..%d nights", HOURS_ROTA_MAX);
			break;
		case 'n':
			if (parse_date(optarg, &night) != 0)
				return cli_fail("--on-call-night: a date YYYY-MM-DD");
			break;
		default: return cli_usage("hours");
		}
	}
	if (!rpps || optind != argc || (set && usual) ||
	    (no_rota && (every || night != INT64_MIN)) || (!every != (night == INT64_MIN)))
		return cli_usage("hours");
	memset(&p, 0, sizeof(p));
	if (set && hours_parse(set, strlen(set), &p.hours, &why) != 0)
		return cli_fail("%s", why);
	dir = cli_data_dir(dir);
	if (cli_open(dir, &v, &st) != 0)
		return 1;
	{
		struct hours week = p.hours;

		rc = store_pro_get(st, rpps, &p);
		changed = set || usual || no_rota || every;
		if (rc == 0 && changed) {
			if (set) {
				memcpy(p.hours.week, week.week, sizeof(week.week));
				p.hours_set = 1;
			}
			if (usual)
				p.hours_set = 0;
			if (no_rota)
				hours_set_rota(&p.hours, 0, 0);
			if (every)
				hours_set_rota(&p.hours, night, (unsigned)every);
			rc = store_pro_set_hours(st, p.id, p.hours_set, &p.hours);
		}
	}
	store_close(st);
	vault_free(v);
	if (rc == VG_ENOTFOUND)
		return cli_fail("no professional has RPPS %s in %s", rpps, dir);
	if (rc != 0)
		return cli_fail("cannot %s the hours: %s", changed ? "set" : "read",
		                vg_strerror(rc));
	print_hours(&p, today);
	sodium_memzero(&p, sizeof(p));
	return 0;
}
