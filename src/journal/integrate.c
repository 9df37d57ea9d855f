/*
 * integrate.c - entries in, C2SP tiles and entry bundles out.
 *
 * The integrator keeps the tree's frontier and, for each tile level, the
 * hashes of the rightmost (not yet full) tile, so adding an entry costs
 * O(1) amortised hashing and a tile is emitted once when it fills; the
 * partial tiles of the current size are emitted on request (before a
 * checkpoint is signed). In write mode an emitted tile replaces what is on
 * disk unless that is already identical (so a restart rewrites only what a
 * crash left stale) and a completed tile's partial versions are removed; in
 * verify mode it is compared with what is on disk, with every partial
 * version of it, and the first difference is described in i->why.
 */
#include "journal/internal.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/banned.h"

void integ_init(struct integ *i, const char *dir, enum integ_mode mode)
{
	memset(i, 0, sizeof(*i));
	snprintf(i->dir, sizeof(i->dir), "%s", dir);
	i->mode = mode;
	merkle_frontier_init(&i->f);
}

static int tile_file(const struct integ *i, const struct merkle_tile *t, char *path, size_t cap)
{
	char rel[MERKLE_TILE_PATH_MAX];
	int rc = merkle_tile_path(t, rel, sizeof(rel));

	return rc != 0 ? rc : jpath(path, cap, i->dir, rel);
}

/* Describe where byte offset `at` of tile t (whose true bytes are want) falls. */
static void describe(struct integ *i, const char *rel, const struct merkle_tile *t,
                     const uint8_t *want, size_t len, size_t at, const char *what)
{
	if (t->level == MERKLE_TILE_ENTRIES) {
		size_t off = 0, e = 0;

		/* Walk the length prefixes to the entry holding byte `at`. */
		while (off + 2 <= len) {
			size_t next = off + 2 + ((size_t)want[off] << 8 | want[off + 1]);

			if (at < next)
				break;
			off = next;
			e++;
		}
		snprintf(i->why, sizeof(i->why), "%s: %s at entry %zu (log index %" PRIu64 ")", rel,
		         what, e, t->index * MERKLE_TILE_WIDTH + e);
		return;
	}
	snprintf(i->why, sizeof(i->why),
	         "%s: %s at hash %zu (stored hash level %d index %" PRIu64 ")", rel, what,
	         at / MERKLE_HASH_LEN, 8 * t->level,
	         t->index * MERKLE_TILE_WIDTH + at / MERKLE_HASH_LEN);
}

/* Verify mode: does the file at path hold exactly want (or, for a partial prefix, its first n bytes)? */
static int compare_file(struct integ *i, const char *path, const struct merkle_tile *t,
                        const uint8_t *want, size_t len, int prefix_ok)
{
	static __thread uint8_t have[MERKLE_TILE_WIDTH * (2 + JOURNAL_ENTRY_MAX)];
	const char *rel = path + strlen(i->dir) + 1;
	size_t n = 0;
	int rc = jread(path, have, sizeof(have), &n);

	if (rc == VG_ENOTFOUND)
		return VG_ENOTFOUND;
	if (rc != 0) {
		snprintf(i->why, sizeof(i->why), "%s: cannot be read", rel);
		return VG_ECORRUPT;
	}
	for (size_t k = 0; k < len && k < n; k++)
		if (have[k] != want[k]) {
			describe(i, rel, t, want, len, k, "differs from the log");
			return VG_ECORRUPT;
		}
	if (n != len && !(prefix_ok && n > len)) {
		describe(i, rel, t, want, len, n < len ? n : len,
		         n < len ? "is shorter than the log says" : "is longer than the log says");
		return VG_ECORRUPT;
	}
	return 0;
}

/* Every partial version "<N>.p/<w>" of tile t must be a prefix of want. */
static int check_partials(struct integ *i, const struct merkle_tile *t, const uint8_t *want,
                          size_t len, unsigned width)
{
	struct merkle_tile p = *t;
	char path[1024];
	int rc;

	for (unsigned w = 1; w < width && w < MERKLE_TILE_WIDTH; w++) {
		size_t plen;

		p.width = w;
		if ((rc = tile_file(i, &p, path, sizeof(path))) != 0)
			return rc;
		if (access(path, F_OK) != 0)
			continue;
		if (t->level == MERKLE_TILE_ENTRIES) {
			/* w entries of the bundle: walk the length prefixes. */
			plen = 0;
			for (unsigned e = 0; e < w && plen + 2 <= len; e++)
				plen += 2 + ((size_t)want[plen] << 8 | want[plen + 1]);
		} else {
			plen = (size_t)w * MERKLE_HASH_LEN;
		}
		rc = compare_file(i, path, &p, want, plen, 0);
		if (rc != 0)
			return rc == VG_ENOTFOUND ? 0 : rc;
	}
	return 0;
}

/* Remove the partial versions of a tile that is now full (write mode). */
static void drop_partials(struct integ *i, const struct merkle_tile *t)
{
	char path[1024], dpath[1100];
	struct merkle_tile p = *t;
	DIR *d;
	struct dirent *de;

	p.width = 1;
	if (tile_file(i, &p, path, sizeof(path)) != 0)
		return;
	/* path ends in ".p/1": the directory is everything before the last '/'. */
	*strrchr(path, '/') = '\0';
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(dpath, sizeof(dpath), "%s/%s", path, de->d_name) < (int)sizeof(dpath))
			unlink(dpath);
	}
	closedir(d);
	rmdir(path);
}

static int emit(struct integ *i, const struct merkle_tile *t, const uint8_t *data, size_t len)
{
	static __thread uint8_t have[MERKLE_TILE_WIDTH * (2 + JOURNAL_ENTRY_MAX)];
	char path[1024];
	size_t n;
	int rc = tile_file(i, t, path, sizeof(path));

	if (rc != 0)
		return rc;
	if (i->mode == INTEG_VERIFY) {
		rc = compare_file(i, path, t, data, len, 0);
		if (rc == VG_ENOTFOUND && t->width < MERKLE_TILE_WIDTH) {
			/* The partial may be gone because the full tile exists: it must start the same. */
			struct merkle_tile full = *t;
			char fpath[1024];

			full.width = MERKLE_TILE_WIDTH;
			if (tile_file(i, &full, fpath, sizeof(fpath)) == 0)
				rc = compare_file(i, fpath, &full, data, len, 1);
		}
		if (rc == VG_ENOTFOUND) {
			snprintf(i->why, sizeof(i->why), "%s: missing", path + strlen(i->dir) + 1);
			return VG_ECORRUPT;
		}
		if (rc != 0)
			return rc;
		return check_partials(i, t, data, len, t->width);
	}
	/* Write mode: leave identical files alone (a restart rewrites only what is stale). */
	if (jread(path, have, sizeof(have), &n) == 0 && n == len && memcmp(have, data, len) == 0)
		rc = 0;
	else if ((rc = jwrite(path, data, len)) == 0)
		i->written++;
	if (rc != 0) {
		i->failed = 1;
		return VG_EIO;
	}
	if (t->width == MERKLE_TILE_WIDTH)
		drop_partials(i, t);
	return 0;
}

int integ_add(struct integ *i, const uint8_t *entry, size_t len)
{
	uint8_t leaf[MERKLE_HASH_LEN], done[MERKLE_LEVELS][MERKLE_HASH_LEN];
	unsigned ndone = 0;
	uint64_t idx = i->f.size;
	int rc;

	if (len == 0 || len > JOURNAL_ENTRY_MAX)
		return VG_EINVAL;
	/* The bundle first: entry idx goes in bundle idx / 256. */
	i->bundle[i->bundle_len] = (uint8_t)(len >> 8);
	i->bundle[i->bundle_len + 1] = (uint8_t)len;
	memcpy(i->bundle + i->bundle_len + 2, entry, len);
	i->bundle_len += 2 + len;
	merkle_leaf_hash(entry, len, leaf);
	if ((rc = merkle_frontier_append(&i->f, leaf, done, &ndone)) != 0)
		return rc;
	if (idx % MERKLE_TILE_WIDTH == MERKLE_TILE_WIDTH - 1) {
		struct merkle_tile b = { MERKLE_TILE_ENTRIES, idx / MERKLE_TILE_WIDTH,
			                 MERKLE_TILE_WIDTH };

		rc = emit(i, &b, i->bundle, i->bundle_len);
		i->bundle_len = 0;
		if (rc != 0)
			return rc;
	}
	/* Hash (8L, k) completes hash k % 256 of tile (L, k / 256); a tile fills at 255. */
	for (unsigned l = 0; l < ndone; l += MERKLE_TILE_HEIGHT) {
		int level = (int)(l / MERKLE_TILE_HEIGHT);
		uint64_t k = (i->f.size >> l) - 1;

		if (level > MERKLE_TILE_LEVEL_MAX)
			break;
		memcpy(i->tile[level][k % MERKLE_TILE_WIDTH], done[l], MERKLE_HASH_LEN);
		if (k % MERKLE_TILE_WIDTH == MERKLE_TILE_WIDTH - 1) {
			struct merkle_tile t = { level, k / MERKLE_TILE_WIDTH, MERKLE_TILE_WIDTH };

			if ((rc = emit(i, &t, i->tile[level][0], sizeof(i->tile[level]))) != 0)
				return rc;
		}
	}
	return 0;
}

int integ_partials(struct integ *i)
{
	uint64_t nfull;
	unsigned w;
	int rc;

	merkle_tile_level(i->f.size, MERKLE_TILE_ENTRIES, &nfull, &w);
	if (w > 0) {
		struct merkle_tile b = { MERKLE_TILE_ENTRIES, nfull, w };

		if ((rc = emit(i, &b, i->bundle, i->bundle_len)) != 0)
			return rc;
	}
	for (int level = 0; level <= MERKLE_TILE_LEVEL_MAX; level++) {
		merkle_tile_level(i->f.size, level, &nfull, &w);
		if (w == 0)
			continue;
		struct merkle_tile t = { level, nfull, w };

		if ((rc = emit(i, &t, i->tile[level][0], (size_t)w * MERKLE_HASH_LEN)) != 0)
			return rc;
	}
	return 0;
}
