/* common.c - opening a data directory's vault and store, shared by the subcommands. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/open.h"
#include "node/access.h"
#include "node/control.h"
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

void cli_journal_init(struct cli_journal *j, const char *dir, struct store *st,
                      const struct vault *v)
{
	*j = (struct cli_journal){ dir, st, v, NULL };
}

int cli_journal_act(void *arg, const struct access_rec *act, uint64_t *index)
{
	struct cli_journal *j = arg;
	char why[128];
	int rc;

	if (!j->direct) {
		struct cli_journal_paths jp;
		struct access_cfg cfg = { 0 };

		rc = control_journal(j->dir, act, index, why);
		if (rc == 0)
			return 0;
		if (rc != VG_ENOTFOUND) {
			fprintf(stderr, "vigie: the server did not journal the act: %s\n", why);
			return rc;
		}
		cli_journal_paths(j->dir, &jp);
		cfg.journal_dir = jp.dir;
		cfg.key_path = jp.key;
		cfg.origin = JOURNAL_ORIGIN_DEFAULT;
		rc = access_log_new(j->st, j->v, NULL, &cfg, &j->direct);
		if (rc != 0) {
			fprintf(stderr,
			        "vigie: cannot open the journal %s (%s): is a server running without "
			        "its control socket %s/%s?\n",
			        jp.dir, vg_strerror(rc), j->dir, CONTROL_SOCK);
			return rc;
		}
	}
	return access_log_append_wait(j->direct, act, index);
}

void cli_journal_release(struct cli_journal *j)
{
	access_log_free(j->direct);
	j->direct = NULL;
}
