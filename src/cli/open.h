/* open.h - open a data directory's vault and store (see common.c). */
#ifndef VIGIE_CLI_OPEN_H
#define VIGIE_CLI_OPEN_H

#include "crypto/vault.h"
#include "store/store.h"

#define JOURNAL_ORIGIN_DEFAULT "vigie.localhost/journal"

/* Paths of dir's journal (dir/journal) and its signing key (dir/journal.key). */
struct cli_journal_paths {
	char dir[4096];
	char key[4096];
};
void cli_journal_paths(const char *dir, struct cli_journal_paths *p);

/* 0, or prints why and returns 1 (both outputs NULL). Caller frees both. */
int cli_open(const char *dir, struct vault **v, struct store **st);

#endif
