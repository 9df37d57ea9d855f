/* cmd_init.c - `vigie init`: the data directory (0700), the master key (0600), the database. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/vault.h"
#include "store/store.h"

int cmd_init(int argc, char **argv)
{
	static const struct option OPTS[] = { { "data", required_argument, NULL, 'd' },
	                                       { NULL, 0, NULL, 0 } };
	const char *dir = NULL;
	char db[4096], stamp[32];
	struct store *st = NULL;
	struct vault *v = NULL;
	struct stat sb;
	time_t t = time(NULL);
	int c, rc;

	while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
		if (c != 'd')
			return cli_fail("usage: vigie init [--data DIR]");
		dir = optarg;
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
		return cli_fail("%s is already initialised (master.key exists); nothing changed", dir);
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
	printf("initialised %s (master.key 0600, %s)\n", dir, DB_FILE);
	return 0;
}
