/* open.h - open a data directory's vault and store (see common.c). */
#ifndef VIGIE_CLI_OPEN_H
#define VIGIE_CLI_OPEN_H

#include "crypto/vault.h"
#include "store/store.h"

/* 0, or prints why and returns 1 (both outputs NULL). Caller frees both. */
int cli_open(const char *dir, struct vault **v, struct store **st);

#endif
