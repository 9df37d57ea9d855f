/*
 * cmd_init.c - `vigie init`: the data directory (0700), the master key (0600), the database,
 * the journal, and the password blocklist (pwlist.bin, from Debian's word lists).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/open.h"
#include "crypto/pwpolicy.h"
#include "crypto/vault.h"
#include "journal/journal.h"
#include "store/store.h"
#include "core/banned.h"

/* n with a comma every three digits ("592,115"), into buf. */
static const char *grouped(size_t n, char *buf, size_t cap)
{
	char digits[32];
	int len = snprintf(digits, sizeof(digits), "%zu", n), i, k = 0;

	for (i = 0; i < len && (size_t)k + 2 < cap; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = digits[i];
	}
	buf[k] = '\0';
	return buf;
}

/*
 * The password blocklist. Not fatal: init cannot be run twice, and pwlist_ensure (the server's
 * way in) builds a missing list once the word lists are installed.
 */
static void init_pwlist(const char *dir)
{
	char path[4096], count[40];
	size_t n = 0;
	int rc;

	cli_path(path, sizeof(path), dir, PWLIST_FILE);
	rc = pwlist_build(path, PWLIST_SOURCES_DEFAULT, PWLIST_SOURCES_DEFAULT_N, &n);
	if (rc == 0)
		printf("password blocklist: %s entries (%s)\n", grouped(n, count, sizeof(count)),
		       PWLIST_FILE);
	else if (rc == VG_ENOTFOUND)
		fprintf(stderr, "vigie: warning: no word list found for the password blocklist "
		                "(apt-get install john-data cracklib-runtime wamerican wfrench "
		                "wbritish); it is built when first needed once they are\n");
	else
		fprintf(stderr, "vigie: warning: cannot build the password blocklist %s: %s\n",
		        path, vg_strerror(rc));
}

int cmd_init(int argc, char **argv)
{
	static const struct option OPTS[] = { { "data", required_argument, NULL, 'd' },
		                              { "origin", required_argument, NULL, 'o' },
		                              { NULL, 0, NULL, 0 } };
	const char *dir = NULL, *origin = JOURNAL_ORIGIN_DEFAULT;
	struct cli_journal_paths jp;
	struct journal *j = NULL;
	char db[4096], stamp[32];
	struct store *st = NULL;
	struct vault *v = NULL;
	struct stat sb;
	time_t t = time(NULL);
	int c, rc;

	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		if (c == 'd')
			dir = optarg;
		else if (c == 'o')
			origin = optarg;
		else
			return cli_usage("init");
	}
	dir = cli_data_dir(dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return cli_fail("cannot create %s: %s", dir, strerror(errno));
	if (lstat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return cli_fail("%s is not a directory", dir);
	if ((sb.st_mode & 077) != 0 && chmod(dir, 0700) != 0)
		return cli_fail("cannot make %s private (mode 0700)", dir);
	rc = vault_keygen(dir);
	if (rc == VG_EEXIST)
		return cli_fail("%s is already initialised (master.key exists); nothing changed",
		                dir);
	if (rc != 0)
		return cli_fail("cannot write the master key in %s: %s", dir, vg_strerror(rc));
	if ((rc = vault_open(dir, &v)) != 0)
		return cli_fail("cannot read back the master key: %s", vg_strerror(rc));
	cli_path(db, sizeof(db), dir, DB_FILE);
	rc = store_sqlite_open(db, &st);
	if (rc == 0) {
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		rc = store_meta_set(st, "created", stamp);
		if (rc == 0)
			rc = store_meta_set(st, "schema", "1");
	}
	store_close(st);
	vault_free(v);
	if (rc != 0)
		return cli_fail("cannot create the database %s: %s", db, vg_strerror(rc));
	if (chmod(db, 0600) != 0)
		return cli_fail("cannot set mode 0600 on %s", db);
	init_pwlist(dir);
	/* The journal: its signing key (0600), verifier key, and the empty tree's checkpoint. */
	cli_journal_paths(dir, &jp);
	{
		struct journal_cfg jc = { .dir = jp.dir, .key_path = jp.key, .origin = origin };

		if ((rc = journal_open(&jc, &j)) != 0)
			return cli_fail("cannot create the journal in %s: %s (origin must be a "
			                "name without spaces or '+')",
			                jp.dir, vg_strerror(rc));
		printf("journal %s, verifier key:\n  %s\n", jp.dir, journal_vkey(j));
		journal_free(j);
	}
	printf("initialised %s (master.key and journal.key 0600, %s)\n", dir, DB_FILE);
	return 0;
}
