/* cmd_seed.c - `vigie seed`: a deterministic synthetic population (src/sim/seed.c). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/open.h"
#include "sim/seed.h"
#include "core/banned.h"

int cmd_seed(int argc, char **argv)
{
	static const struct option OPTS[] = { { "data", required_argument, NULL, 'd' },
		                              { "insured", required_argument, NULL, 'i' },
		                              { "pros", required_argument, NULL, 'p' },
		                              { "seed", required_argument, NULL, 's' },
		                              { "sample", required_argument, NULL, 'k' },
		                              { "quiet", no_argument, NULL, 'q' },
		                              { "accounts", required_argument, NULL, 'a' },
		                              { NULL, 0, NULL, 0 } };
	struct seed_opts o = {
		.n_insured = 100000, .n_pros = 2000, .seed = 1, .sample = 500, .accounts = 10
	};
	const char *dir = NULL;
	char cards[PATH_MAX];
	uint64_t x;
	struct vault *v;
	struct store *st;
	struct timespec t0, t1;
	int c, rc, quiet = 0;

	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'i':
			if (cli_u64(optarg, "--insured", &o.n_insured))
				return 2;
			break;
		case 'p':
			if (cli_u64(optarg, "--pros", &x) || x > 1000000)
				return cli_fail("--pros: at most 1000000");
			o.n_pros = (uint32_t)x;
			break;
		case 's':
			if (cli_u64(optarg, "--seed", &o.seed))
				return 2;
			break;
		case 'k':
			if (cli_u64(optarg, "--sample", &x) || x > 100000)
				return cli_fail("--sample: at most 100000");
			o.sample = (uint32_t)x;
			break;
		case 'q': quiet = 1; break;
		case 'a':
			if (cli_u64(optarg, "--accounts", &x) || x > 100)
				return cli_fail("--accounts: at most 100");
			o.accounts = (uint32_t)x;
			break;
		default: return cli_usage("seed");
		}
	}
	if (o.n_insured == 0 || o.n_insured > 100000000 || o.n_pros == 0)
		return cli_fail("--insured must be 1..100000000 and --pros at least 1");
	dir = cli_data_dir(dir);
	o.dir = dir;
	if (seed_cards_path(dir, cards, sizeof(cards)) != 0)
		return cli_fail(
		        "no card key beside this data directory (its path is too long, or it "
		        "is /)");
	o.progress = !quiet && isatty(STDERR_FILENO);
	if (cli_open(dir, &v, &st) != 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = seed_run(st, v, &o);
	if (rc == 0)
		rc = seed_operator(st, v, dir, "OPERATOR", NULL); /* the demo's security team */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	store_close(st);
	vault_free(v);
	if (rc == VG_EEXIST)
		return cli_fail("%s already holds a population; nothing changed", dir);
	if (rc != 0)
		return cli_fail("seeding failed: %s", vg_strerror(rc));
	printf("seeded %llu insured and %u professionals in %.1f s (seed %llu)\n"
	       "  %s/pros.tsv             demo professionals: RPPS, password, TOTP secret\n"
	       "  %s/insured-sample.tsv   demo insured: NIR, name\n"
	       "  %s/insured-accounts.tsv demo online accounts: NIR, e-mail, password\n"
	       "  %s/operators.tsv        operator account (alerts, reinstatement): RPPS, "
	       "password, TOTP secret\n"
	       "  %s/honeytokens.tsv      honeytoken NIRs (synthetic people nobody legitimate "
	       "looks up)\n"
	       "  %s  card master secret for demos and simulations, beside "
	       "the data directory (the server refuses one inside it)\n",
	       (unsigned long long)o.n_insured, o.n_pros,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (unsigned long long)o.seed, dir, dir, dir, dir, dir, cards);
	return 0;
}
