/*
 * directory.h - what a node needs to know of a professional on every
 * request (RPPS for access records, profession and department for the
 * guard, role, opening hours and rota), from the store, cached: RPPS,
 * profession and department never change; the role and the hours are read
 * again after DIRECTORY_TTL_S. Thread-safe (sharded locks); the password
 * hash and sealed TOTP secret are never cached.
 */
#ifndef VIGIE_NODE_DIRECTORY_H
#define VIGIE_NODE_DIRECTORY_H

#include <stdint.h>

#include "core/err.h"
#include "core/hours.h"
#include "store/store.h"

#define DIRECTORY_TTL_S 60

struct pro_info {
	int64_t id;
	char rpps[12];
	char dept[4];
	int kind;      /* enum pro_kind */
	int role;      /* enum pro_role */
	int hours_set; /* 0: the profession's usual hours */
	int suspended; /* every request of the account is refused */
	struct hours hours;
};

struct directory;

/* st is borrowed for the directory's life. */
VG_MUST_USE int directory_new(struct store *st, struct directory **out);
void directory_free(struct directory *d);

/* Professional pro_id as of now (unix seconds): 0 and *out, or a store error (VG_ENOTFOUND). */
VG_MUST_USE int directory_get(struct directory *d, int64_t pro_id, int64_t now,
                              struct pro_info *out);

/* Forget what is cached of pro_id (a suspension or a reinstatement on this node). */
void directory_forget(struct directory *d, int64_t pro_id);

#endif
