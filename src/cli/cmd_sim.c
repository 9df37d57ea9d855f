/* vigie sim: the guard against 30 days of legitimate traffic and attacks (see sim/simrun.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/err.h"
#include "sim/simrun.h"
#include "core/banned.h"

int cmd_sim(int argc, char **argv)
{
	static const struct option OPTS[] = { { "insured", required_argument, NULL, 'i' },
		                              { "pros", required_argument, NULL, 'p' },
		                              { "seed", required_argument, NULL, 's' },
		                              { "days", required_argument, NULL, 'D' },
		                              { "out", required_argument, NULL, 'o' },
		                              { "quiet", no_argument, NULL, 'q' },
		                              { "notme-pct", required_argument, NULL, 'n' },
		                              { NULL, 0, NULL, 0 } };
	struct simrun_opts o = {
		.n_insured = 200000, .n_pros = 2000, .seed = 1, .days = 30, .notme_pct = 30
	};
	const char *out = "sim-report";
	char jp[4096], hp[4096];
	FILE *jf, *hf;
	uint64_t x;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (cli_u64(optarg, "--insured", &x) || x < 1000 || x > 10000000)
				return cli_fail("--insured: 1000..10000000");
			o.n_insured = x;
			break;
		case 'p':
			if (cli_u64(optarg, "--pros", &x) || x < 100 || x > 100000)
				return cli_fail(
				        "--pros: 100..100000 (the attacks need 48 pharmacists' accounts)");
			o.n_pros = (uint32_t)x;
			break;
		case 's':
			if (cli_u64(optarg, "--seed", &x))
				return 1;
			o.seed = x;
			break;
		case 'D':
			if (cli_u64(optarg, "--days", &x) || x < 16 || x > 365)
				return cli_fail("--days: 16..365 (the attacks start by day 15)");
			o.days = (uint32_t)x;
			break;
		case 'n':
			if (cli_u64(optarg, "--notme-pct", &x) || x > 100)
				return cli_fail("--notme-pct: 0..100");
			o.notme_pct = (uint32_t)x;
			break;
		case 'o': out = optarg; break;
		case 'q': o.quiet = 1; break;
		default: return cli_usage("sim");
		}
	}
	if (mkdir(out, 0755) != 0) {
		struct stat st;

		if (stat(out, &st) != 0 || !S_ISDIR(st.st_mode))
			return cli_fail("cannot create %s", out);
	}
	cli_path(jp, sizeof(jp), out, "report.json");
	cli_path(hp, sizeof(hp), out, "report.html");
	jf = fopen(jp, "w");
	hf = fopen(hp, "w");
	if (!jf || !hf) {
		if (jf)
			fclose(jf);
		if (hf)
			fclose(hf);
		return cli_fail("cannot write %s/report.{json,html}", out);
	}
	rc = simrun(&o, jf, hf, stdout);
	if (fclose(jf) != 0 || fclose(hf) != 0)
		rc = rc ? rc : -1;
	if (rc != 0)
		return cli_fail("the simulation failed: %s", vg_strerror(rc));
	printf("\nreport: %s/report.html and %s/report.json\n", out, out);
	return 0;
}
