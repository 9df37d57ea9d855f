/* common.c - opening a data directory's vault and store, shared by the subcommands. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/open.h"
#include "core/banned.h"

int cli_open(const char *dir, struct vault **v, struct store **st)
{
	char db[4096];
	int rc;

	*v = NULL;
	*st = NULL;
	rc = vault_open(dir, v);
	if (rc == VG_ENOTFOUND)
		return cli_fail("%s is not initialised: run `vigie init --data %s` first", dir,
		                dir);
	if (rc == VG_EDENIED)
		return cli_fail("%s/master.key is readable by others: fix with chmod 600", dir);
	if (rc != 0)
		return cli_fail("cannot read %s/master.key: %s", dir, vg_strerror(rc));
	cli_path(db, sizeof(db), dir, DB_FILE);
	rc = store_sqlite_open(db, st);
	if (rc != 0) {
		vault_free(*v);
		*v = NULL;
		return cli_fail("cannot open %s: %s", db, vg_strerror(rc));
	}
	return 0;
}

void cli_journal_paths(const char *dir, struct cli_journal_paths *p)
{
	cli_path(p->dir, sizeof(p->dir), dir, "journal");
	cli_path(p->key, sizeof(p->key), dir, "journal.key");
}
