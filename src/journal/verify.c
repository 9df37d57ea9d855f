/*
 * verify.c - `vigie journal verify`: everything published must follow from
 * the log. See journal_verify in journal.h.
 *
 * Order: the published checkpoints (signatures, origin, sizes that never
 * shrink), the public checkpoint against the last of them, then one pass
 * over the log that recomputes every bundle and tile up to the last
 * published size and compares them with the files, and each checkpoint's
 * root at its size; finally a consistency proof, built from the tiles on
 * disk, between each checkpoint and the one before it.
 */
#include "journal/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/note.h"
#include "core/banned.h"

struct cp {
	uint64_t size;
	uint8_t root[MERKLE_HASH_LEN];
};

struct vctx {
	struct note_verifier ver;
	struct cp *cps;
	size_t ncp, cap;
	size_t next; /* next checkpoint whose size the scan has not reached */
	struct integ *integ;
	journal_frame_fn check_priv;
	void *ctx;
	char *why;
	size_t why_cap;
	char last_note[JOURNAL_NOTE_MAX], prev_note[JOURNAL_NOTE_MAX];
	size_t last_len, prev_len;
};

static int collect(void *arg, const char *note, size_t len)
{
	struct vctx *v = arg;
	struct checkpoint c;
	size_t tl;

	if (note_open(note, len, &v->ver, 1, &tl) != 0) {
		snprintf(v->why, v->why_cap,
		         "checkpoints: checkpoint %zu: signature does not verify", v->ncp);
		return VG_ECORRUPT;
	}
	if (checkpoint_parse(note, tl, &c) != 0 || strcmp(c.origin, v->ver.name) != 0) {
		snprintf(v->why, v->why_cap,
		         "checkpoints: checkpoint %zu: malformed or wrong origin", v->ncp);
		return VG_ECORRUPT;
	}
	if (v->ncp > 0 && c.size < v->cps[v->ncp - 1].size) {
		snprintf(v->why, v->why_cap,
		         "checkpoints: checkpoint %zu: size %" PRIu64
		         " is below the previous %" PRIu64,
		         v->ncp, c.size, v->cps[v->ncp - 1].size);
		return VG_ECORRUPT;
	}
	if (v->ncp == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 256;
		struct cp *p = realloc(v->cps, cap * sizeof(*p));

		if (!p)
			return VG_ENOMEM;
		v->cps = p;
		v->cap = cap;
	}
	v->cps[v->ncp].size = c.size;
	memcpy(v->cps[v->ncp].root, c.root, MERKLE_HASH_LEN);
	v->ncp++;
	memcpy(v->prev_note, v->last_note, v->last_len);
	v->prev_len = v->last_len;
	memcpy(v->last_note, note, len);
	v->last_len = len;
	return 0;
}

/* Checkpoints whose size the tree has reached must carry its root. */
static int check_roots(struct vctx *v)
{
	uint8_t root[MERKLE_HASH_LEN];

	while (v->next < v->ncp && v->cps[v->next].size == v->integ->f.size) {
		merkle_frontier_root(&v->integ->f, root);
		if (sodium_memcmp(root, v->cps[v->next].root, sizeof(root)) != 0) {
			snprintf(v->why, v->why_cap,
			         "checkpoints: checkpoint %zu (size %" PRIu64
			         "): root differs from the log's",
			         v->next, v->cps[v->next].size);
			return VG_ECORRUPT;
		}
		v->next++;
	}
	return 0;
}

static int verify_one(void *arg, const struct journal_frame *f)
{
	struct vctx *v = arg;
	uint64_t published = v->ncp ? v->cps[v->ncp - 1].size : 0;
	int rc;

	if (v->check_priv && (rc = v->check_priv(v->ctx, f)) != 0) {
		snprintf(v->why, v->why_cap,
		         "log: entry %" PRIu64 ": its private record does not "
		         "match the entry",
		         f->index);
		return VG_ECORRUPT;
	}
	if (f->index >= published)
		return 0; /* not yet published: only the frame itself is checked */
	rc = integ_add(v->integ, f->entry, f->entry_len);
	if (rc != 0) {
		snprintf(v->why, v->why_cap, "%s",
		         v->integ->why[0] ? v->integ->why : "log: bad entry");
		return VG_ECORRUPT;
	}
	return check_roots(v);
}

int journal_verify(const char *dir, journal_frame_fn check_priv, void *ctx, uint64_t *size,
                   uint64_t *ncheckpoints, char *why, size_t why_cap)
{
	struct vctx *v = calloc(1, sizeof(*v));
	char path[1024], vbuf[NOTE_NAME_MAX + 128], pub[JOURNAL_NOTE_MAX];
	uint64_t hcount, hoff, count = 0, off, bad = 0, published;
	size_t n = 0;
	int torn = 0, rc;

	*size = 0;
	*ncheckpoints = 0;
	why[0] = '\0';
	if (!v)
		return VG_ENOMEM;
	v->why = why;
	v->why_cap = why_cap;
	v->check_priv = check_priv;
	v->ctx = ctx;
	v->integ = malloc(sizeof(*v->integ));
	if (!v->integ) {
		rc = VG_ENOMEM;
		goto out;
	}
	integ_init(v->integ, dir, INTEG_VERIFY);

	if ((rc = jpath(path, sizeof(path), dir, "vkey")) != 0 ||
	    (rc = jread(path, vbuf, sizeof(vbuf), &n)) != 0) {
		snprintf(why, why_cap, "vkey: cannot be read");
		rc = VG_EIO;
		goto out;
	}
	while (n > 0 && (vbuf[n - 1] == '\n' || vbuf[n - 1] == ' '))
		n--;
	if (note_vkey_parse(vbuf, n, &v->ver) != 0) {
		snprintf(why, why_cap, "vkey: not a valid verifier key");
		rc = VG_ECORRUPT;
		goto out;
	}

	if ((rc = jpath(path, sizeof(path), dir, "checkpoints")) != 0)
		goto out;
	rc = jhist_scan(path, collect, v, &hcount, &hoff, &torn);
	if (rc == VG_ECORRUPT && !why[0])
		snprintf(why, why_cap, "checkpoints: record %" PRIu64 " is malformed", hcount);
	if (rc != 0)
		goto out;
	if (torn) {
		snprintf(why, why_cap, "checkpoints: cut short after %" PRIu64 " checkpoints",
		         hcount);
		rc = VG_ECORRUPT;
		goto out;
	}
	if (v->ncp == 0) {
		snprintf(why, why_cap, "checkpoints: none published");
		rc = VG_ECORRUPT;
		goto out;
	}

	/* The public checkpoint is the last published (or, mid-publication, the one before). */
	if ((rc = jpath(path, sizeof(path), dir, "checkpoint")) != 0 ||
	    jread(path, pub, sizeof(pub), &n) != 0) {
		snprintf(why, why_cap, "checkpoint: cannot be read");
		rc = VG_ECORRUPT;
		goto out;
	}
	if (!(n == v->last_len && memcmp(pub, v->last_note, n) == 0) &&
	    !(n == v->prev_len && memcmp(pub, v->prev_note, n) == 0)) {
		snprintf(why, why_cap, "checkpoint: is not the last published checkpoint");
		rc = VG_ECORRUPT;
		goto out;
	}

	published = v->cps[v->ncp - 1].size;
	if ((rc = check_roots(v)) != 0) /* checkpoints of the empty tree */
		goto out;
	rc = jlog_scan(dir, 0, UINT64_MAX, verify_one, v, &bad, &torn, &count, &off);
	if (rc == VG_ECORRUPT && !why[0])
		snprintf(why, why_cap, "log: entry %" PRIu64 ": frame is damaged", bad);
	if (rc != 0)
		goto out;
	if (count < published || (torn && bad < published)) {
		snprintf(why, why_cap,
		         "log: holds %" PRIu64 " entries but a checkpoint of size %" PRIu64
		         " was published",
		         count, published);
		rc = VG_ECORRUPT;
		goto out;
	}
	if ((rc = integ_partials(v->integ)) != 0) {
		snprintf(why, why_cap, "%s", v->integ->why);
		goto out;
	}
	/* Every checkpoint extends the one before: prove it from the tiles. */
	for (size_t k = 1; k < v->ncp; k++) {
		static struct merkle_proof proof;
		struct journal_tiles t = { dir, v->cps[k].size };

		rc = merkle_prove_consistency(journal_tiles_hash, &t, v->cps[k - 1].size,
		                              v->cps[k].size, &proof);
		if (rc == 0)
			rc = merkle_verify_consistency(v->cps[k - 1].size, v->cps[k].size,
			                               v->cps[k - 1].root, v->cps[k].root, &proof);
		if (rc != 0) {
			snprintf(why, why_cap,
			         "checkpoints: checkpoint %zu (size %" PRIu64
			         ") is not consistent with checkpoint %zu (size %" PRIu64 ")",
			         k, v->cps[k].size, k - 1, v->cps[k - 1].size);
			rc = VG_ECORRUPT;
			goto out;
		}
	}
	*size = count;
	*ncheckpoints = v->ncp;
out:
	if (v->integ)
		free(v->integ);
	free(v->cps);
	free(v);
	return rc;
}
