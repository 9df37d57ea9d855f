/* main.c - `vigie <command>`: dispatch to one file per subcommand. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli/cli.h"
#include "sys/log.h"
#include "crypto/totp.h"
#include "node/node.h"
#include "core/banned.h"

static void usage(FILE *f)
{
	fputs("usage: vigie <command> [options]   (vigie <command> --help for its options)\n"
	      "\ncommands:\n",
	      f);
	cli_commands(f);
	fputs("  version                                 (also --version)\n"
	      "\nDIR defaults to $VIGIE_DATA, else ./data. Logs: JSON lines on stderr,\n"
	      "level from $VIGIE_LOG (error, warn, info, debug).\n",
	      f);
}

const char *cli_data_dir(const char *opt)
{
	const char *e = getenv("VIGIE_DATA");

	return opt ? opt : e && *e ? e : "data";
}

void cli_path(char *buf, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= cap) {
		fprintf(stderr, "vigie: path too long: %s/%s\n", dir, name);
		exit(1);
	}
}

int cli_u64(const char *s, const char *what, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	errno = 0;
	if (!s || !*s || *s == '-') {
		fprintf(stderr, "vigie: %s needs a non-negative number\n", what);
		return -1;
	}
	v = strtoull(s, &end, 10);
	if (errno || *end) {
		fprintf(stderr, "vigie: %s: not a number: %s\n", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_i64(const char *s, const char *what, int64_t *out)
{
	char *end = NULL;
	long long v;

	errno = 0;
	if (!s || !*s) {
		fprintf(stderr, "vigie: %s needs a number\n", what);
		return -1;
	}
	v = strtoll(s, &end, 10);
	if (errno || *end) {
		fprintf(stderr, "vigie: %s: not a number: %s\n", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("vigie: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} CMDS[] = {
		{ "init", cmd_init },         { "seed", cmd_seed },
		{ "serve", cmd_serve },       { "totp", cmd_totp },
		{ "backup", cmd_backup },     { "status", cmd_status },
		{ "journal", cmd_journal },   { "replay", cmd_replay },
		{ "operator", cmd_operator }, { "card-proof", cmd_card_proof },
		{ "sim", cmd_sim },           { "hours", cmd_hours },
		{ "incident", cmd_incident }, { "notify", cmd_notify },
		{ "enrol", cmd_enrol },
	};

	if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		puts("vigie " VIGIE_VERSION);
		return 0;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			if (cli_help(argv[1]) == 0)
				return 0;
			break;
		}
	}
	/* Every file vigie creates (database, WAL, access records, backups) is private. */
	umask(077);
	if (sodium_init() < 0 || totp_global_init() != 0)
		return cli_fail("cannot initialise the crypto libraries");
	log_init_from_env();
	for (size_t i = 0; i < sizeof(CMDS) / sizeof(CMDS[0]); i++)
		if (strcmp(argv[1], CMDS[i].name) == 0)
			return CMDS[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "vigie: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
