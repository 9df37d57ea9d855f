/* testutil.h - shared set-up for unit tests: a private temporary directory. */
#ifndef VIGIE_TESTUTIL_H
#define VIGIE_TESTUTIL_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* mkdtemp under $TMPDIR (or /tmp); dir must hold PATH_MAX. Returns 0 or -1. */
static inline int tu_tempdir(char *dir)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, PATH_MAX, "%s/vigie-unit-XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

/* rm -rf dir (test scratch only). */
static inline void tu_rmdir(const char *dir)
{
	char cmd[2 * PATH_MAX + 32];

	/* and the card master secret a seed writes beside it (sim/seed.h) */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s-cards.key'", dir, dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

#endif
