/* open.h - open a data directory's vault and store (see common.c). */
#ifndef VIGIE_CLI_OPEN_H
#define VIGIE_CLI_OPEN_H

#include <stdint.h>

#include "crypto/vault.h"
#include "store/store.h"

#define JOURNAL_ORIGIN_DEFAULT "vigie.localhost/journal"

/* Paths of dir's journal (dir/journal) and its signing key (dir/journal.key). */
struct cli_journal_paths {
	char dir[4096];
	char key[4096];
};
void cli_journal_paths(const char *dir, struct cli_journal_paths *p);

/*
 * An operator's act journaled from the command line (incident_journal_fn):
 * through the running server's control socket (node/control.h) when a
 * server holds the journal, else in the journal itself, opened on first use
 * and held until cli_journal_release. Errors are printed. st and v borrowed.
 */
struct access_log;
struct access_rec;
struct cli_journal {
	const char *dir;
	struct store *st;
	const struct vault *v;
	struct access_log *direct; /* the journal itself, when no server holds it */
};
void cli_journal_init(struct cli_journal *j, const char *dir, struct store *st,
                      const struct vault *v);
int cli_journal_act(void *arg, const struct access_rec *act, uint64_t *index);
void cli_journal_release(struct cli_journal *j);

/* 0, or prints why and returns 1 (both outputs NULL). Caller frees both. */
int cli_open(const char *dir, struct vault **v, struct store **st);

#endif
