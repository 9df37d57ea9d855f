/*
 * journal.c - the live journal: open and recover, the group-commit writer,
 * the integrator that tiles and signs, receipts. See journal.h.
 */
#include "journal/journal.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "sys/log.h"
#include "crypto/note.h"
#include "journal/internal.h"
#include "core/banned.h"

#define GROUP_MAX   8192       /* appends in one write + fdatasync */
#define GROUP_BYTES (4u << 20) /* bytes in one write */

struct journal {
	char dir[512];
	char origin[NOTE_NAME_MAX + 1];
	char vkey[NOTE_NAME_MAX + 128];
	struct note_verifier ver;
	uint8_t *sk; /* sodium_malloc'd Ed25519 secret key (64 bytes) */
	unsigned checkpoint_ms;

	/* The writer: appends in, groups made durable. */
	pthread_t writer;
	_Atomic(pthread_t) writer_self; /* set by the writer itself (debug asserts) */
	pthread_mutex_t lock;
	pthread_cond_t wake, idle;
	struct journal_item *head, *tail;
	size_t queued;
	uint64_t accepted, finished; /* appends taken / answered, for journal_sync */
	int stopping, broken;
	int fd;                /* the log, O_APPEND */
	uint64_t off;          /* its length up to the last durable frame */
	_Atomic uint64_t size; /* durable entries */
	uint8_t *frames;
	struct journal_item **group;

	/* The integrator: durable entries in, tiles and checkpoints out. */
	pthread_t integrator;
	_Atomic(pthread_t) integrator_self;
	pthread_mutex_t ilock;
	pthread_cond_t iwake, idone;
	uint8_t *pend; /* [u16 len][entry]... of entries [pend_base, pend_base + pend_n) */
	size_t pend_len, pend_cap;
	uint64_t pend_n;
	uint64_t pend_end_off;        /* the log's length after the last group put in pend */
	uint64_t hint_size, hint_off; /* a frame boundary known good: entry hint_size at hint_off */
	int istop, sync_req;
	uint64_t integrated;  /* entries in tiles (integrator-owned) */
	uint64_t rounds_done; /* integrated as of the last finished round (ilock) */
	int need_repair;      /* a tile could not be written: rebuild from the log */
	struct integ *integ;

	/* The latest signed checkpoint (cplock). */
	pthread_mutex_t cplock;
	char cp[JOURNAL_NOTE_MAX];
	size_t cp_len;
	uint64_t cp_size;
	uint8_t cp_root[MERKLE_HASH_LEN];
};

/* ---- keys --------------------------------------------------------------- */

/* Read or create the signing key, and the vkey beside the log. */
static int load_key(struct journal *j, const char *key_path, const char *origin)
{
	uint8_t seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	char vpath[1024], vbuf[sizeof(j->vkey)];
	size_t n = 0;
	struct stat sb;
	int fd, rc;

	fd = open(key_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		randombytes_buf(seed, sizeof(seed));
		fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return VG_EIO;
		rc = write(fd, seed, sizeof(seed)) == (ssize_t)sizeof(seed) && fsync(fd) == 0
		             ? 0
		             : VG_EIO;
		close(fd);
		if (rc != 0) {
			unlink(key_path);
			goto out;
		}
		log_event(LOG_INFO, "journal.key_created", LS("origin", origin));
	} else {
		if (fd < 0)
			return VG_EIO;
		if (fstat(fd, &sb) != 0 || (sb.st_mode & 077) != 0) {
			close(fd);
			log_event(
			        LOG_ERROR, "journal.key_mode", LS("path", key_path),
			        LS("error", "the signing key must be readable by its owner only"));
			return VG_EDENIED;
		}
		rc = read(fd, seed, sizeof(seed)) == (ssize_t)sizeof(seed) ? 0 : VG_ECORRUPT;
		close(fd);
		if (rc != 0)
			goto out;
	}
	crypto_sign_seed_keypair(pk, j->sk, seed);
	if ((rc = jpath(vpath, sizeof(vpath), j->dir, "vkey")) != 0)
		goto out;
	rc = jread(vpath, vbuf, sizeof(vbuf) - 1, &n);
	if (rc == VG_ENOTFOUND) {
		if ((rc = note_vkey_format(origin, pk, vbuf, sizeof(vbuf))) != 0)
			goto out;
		n = strlen(vbuf);
		vbuf[n++] = '\n';
		if ((rc = jwrite(vpath, vbuf, n)) != 0)
			goto out;
	} else if (rc != 0) {
		goto out;
	}
	while (n > 0 && (vbuf[n - 1] == '\n' || vbuf[n - 1] == ' '))
		n--;
	vbuf[n] = '\0';
	if ((rc = note_vkey_parse(vbuf, n, &j->ver)) != 0 ||
	    sodium_memcmp(j->ver.pk, pk, sizeof(pk)) != 0) {
		log_event(LOG_ERROR, "journal.vkey_mismatch",
		          LS("error", "vkey does not belong to the signing key"));
		rc = VG_ECORRUPT;
		goto out;
	}
	memcpy(j->vkey, vbuf, n + 1);
	snprintf(j->origin, sizeof(j->origin), "%s", j->ver.name);
out:
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

/* ---- checkpoints -------------------------------------------------------- */

struct hist {
	struct journal *j;
	uint64_t size;
	uint8_t root[MERKLE_HASH_LEN];
	char note[JOURNAL_NOTE_MAX];
	size_t len;
	uint64_t n;
};

static int hist_one(void *ctx, const char *note, size_t len)
{
	struct hist *h = ctx;
	struct checkpoint c;
	size_t tl;

	if (note_open(note, len, &h->j->ver, 1, &tl) != 0 || checkpoint_parse(note, tl, &c) != 0 ||
	    strcmp(c.origin, h->j->origin) != 0 || c.size < h->size)
		return VG_ECORRUPT;
	h->size = c.size;
	memcpy(h->root, c.root, sizeof(h->root));
	memcpy(h->note, note, len);
	h->len = len;
	h->n++;
	return 0;
}

/* Sign the integrator's tree, record it in the history, then publish it. */
static int sign_checkpoint(struct journal *j)
{
	struct checkpoint c = { .size = j->integ->f.size };
	char text[JOURNAL_NOTE_MAX], note[JOURNAL_NOTE_MAX], path[1024];
	size_t tl, nl;
	int rc;

	snprintf(c.origin, sizeof(c.origin), "%s", j->origin);
	merkle_frontier_root(&j->integ->f, c.root);
	if ((rc = checkpoint_format(&c, text, sizeof(text), &tl)) != 0 ||
	    (rc = note_sign(j->origin, j->sk, text, tl, note, sizeof(note), &nl)) != 0)
		return rc;
	/* History first: whatever was ever served is in it. */
	if ((rc = jpath(path, sizeof(path), j->dir, "checkpoints")) != 0 ||
	    (rc = jappend_record(path, note, nl)) != 0)
		return rc;
	if ((rc = jpath(path, sizeof(path), j->dir, "checkpoint")) != 0 ||
	    (rc = jwrite(path, note, nl)) != 0)
		return rc;
	pthread_mutex_lock(&j->cplock);
	memcpy(j->cp, note, nl);
	j->cp_len = nl;
	j->cp_size = c.size;
	memcpy(j->cp_root, c.root, sizeof(c.root));
	pthread_mutex_unlock(&j->cplock);
	return 0;
}

/* ---- recovery ------------------------------------------------------------ */

struct rebuild {
	struct integ *i;
	uint64_t check_size; /* a published size whose root must be reproduced */
	const uint8_t *check_root;
	int mismatch;
};

static int rebuild_one(void *ctx, const struct journal_frame *f)
{
	struct rebuild *b = ctx;
	uint8_t root[MERKLE_HASH_LEN];
	int rc = integ_add(b->i, f->entry, f->entry_len);

	if (rc == 0 && b->check_root && b->i->f.size == b->check_size) {
		merkle_frontier_root(&b->i->f, root);
		if (sodium_memcmp(root, b->check_root, sizeof(root)) != 0) {
			b->mismatch = 1;
			return VG_ECORRUPT;
		}
	}
	return rc;
}

/* Rebuild the integrator from the first `limit` frames of the log (write mode). */
static int rebuild(struct journal *j, uint64_t limit, uint64_t check_size,
                   const uint8_t *check_root, uint64_t *count, uint64_t *good_off, int *torn,
                   uint64_t *bad)
{
	struct rebuild b = { j->integ, check_size, check_root, 0 };
	int rc;

	integ_init(j->integ, j->dir, INTEG_WRITE);
	rc = jlog_scan(j->dir, 0, limit, rebuild_one, &b, bad, torn, count, good_off);
	if (b.mismatch) {
		log_event(LOG_ERROR, "journal.checkpoint_mismatch", LI("size", check_size),
		          LS("error", "the log does not reproduce a published checkpoint"));
		return VG_ECORRUPT;
	}
	if (rc == 0)
		rc = integ_partials(j->integ);
	return rc;
}

/* Open (creating) the log and lock it: one sequencer per log, or frames would interleave. */
static int lock_log(struct journal *j)
{
	char path[1024];
	int rc = jpath(path, sizeof(path), j->dir, "log");

	if (rc != 0)
		return rc;
	j->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (j->fd < 0)
		return VG_EIO;
	if (flock(j->fd, LOCK_EX | LOCK_NB) != 0) {
		log_event(LOG_ERROR, "journal.in_use",
		          LS("error", "another vigie process holds this journal"));
		return VG_EBUSY;
	}
	return 0;
}

/* Read tile t of a tree (the full one if the partial was replaced) into buf: exactly want bytes. */
static int read_tile_prefix(struct journal *j, struct merkle_tile t, uint8_t *buf, size_t cap,
                            size_t want, size_t *len)
{
	size_t n = 0;
	int rc = journal_read_tile(j, &t, buf, cap, &n);

	if (rc == VG_ENOTFOUND && t.width < MERKLE_TILE_WIDTH) {
		t.width = MERKLE_TILE_WIDTH;
		rc = journal_read_tile(j, &t, buf, cap, &n);
	}
	if (rc != 0)
		return rc;
	*len = n;
	return n >= want ? 0 : VG_ECORRUPT;
}

/*
 * Start from the last signed tree instead of the whole log: take its frontier
 * and rightmost tiles from disk, check them against the signed root, and
 * integrate only the frames after it (found through dir/resume). Any doubt
 * returns non-zero and the caller reads the whole log instead.
 */
static int fast_rebuild(struct journal *j, uint64_t size, const uint8_t root[MERKLE_HASH_LEN],
                        uint64_t *count, uint64_t *good_off, int *torn, uint64_t *bad)
{
	struct integ *i = j->integ;
	struct journal_tiles t = { j->dir, size };
	struct rebuild b = { i, 0, NULL, 0 };
	char path[1024], line[64];
	uint8_t got[MERKLE_HASH_LEN];
	unsigned long long rs = 0, ro = 0;
	uint64_t nfull;
	unsigned w;
	size_t n = 0;
	int rc;

	if (size == 0 || jpath(path, sizeof(path), j->dir, "resume") != 0 ||
	    jread(path, line, sizeof(line) - 1, &n) != 0)
		return VG_ENOTFOUND;
	line[n] = '\0';
	if (sscanf(line, "%llu %llu", &rs, &ro) != 2 || rs != size || ro < JLOG_MAGIC_LEN)
		return VG_ENOTFOUND;
	{
		/* The signed tree ends at ro: a log shorter than that lost published entries. */
		struct stat sb;

		if (fstat(j->fd, &sb) != 0 || (uint64_t)sb.st_size < ro)
			return VG_ECORRUPT;
	}
	integ_init(i, j->dir, INTEG_WRITE);
	if ((rc = merkle_frontier_load(&i->f, journal_tiles_hash, &t, size)) != 0)
		return rc;
	merkle_frontier_root(&i->f, got);
	if (sodium_memcmp(got, root, MERKLE_HASH_LEN) != 0)
		return VG_ECORRUPT;
	for (int level = 0; level <= MERKLE_TILE_LEVEL_MAX; level++) {
		merkle_tile_level(size, level, &nfull, &w);
		if (w && (rc = read_tile_prefix(j, (struct merkle_tile){ level, nfull, w },
		                                i->tile[level][0], sizeof(i->tile[level]),
		                                (size_t)w * MERKLE_HASH_LEN, &n)) != 0)
			return rc;
	}
	merkle_tile_level(size, MERKLE_TILE_ENTRIES, &nfull, &w);
	if (w) {
		size_t off = 0;

		if ((rc = read_tile_prefix(j, (struct merkle_tile){ MERKLE_TILE_ENTRIES, nfull, w },
		                           i->bundle, sizeof(i->bundle), 2, &n)) != 0)
			return rc;
		/* The partial bundle is not under the signed root by itself: check it against the tile. */
		for (unsigned e = 0; e < w; e++) {
			uint8_t leaf[MERKLE_HASH_LEN];
			size_t el;

			if (off + 2 > n)
				return VG_ECORRUPT;
			el = (size_t)i->bundle[off] << 8 | i->bundle[off + 1];
			if (el == 0 || el > JOURNAL_ENTRY_MAX || off + 2 + el > n)
				return VG_ECORRUPT;
			merkle_leaf_hash(i->bundle + off + 2, el, leaf);
			if (sodium_memcmp(leaf, i->tile[0][e], MERKLE_HASH_LEN) != 0)
				return VG_ECORRUPT;
			off += 2 + el;
		}
		i->bundle_len = off;
	}
	rc = jlog_scan_at(j->dir, ro, size, size, UINT64_MAX, rebuild_one, &b, bad, torn, count,
	                  good_off);
	if (rc == 0)
		rc = integ_partials(i);
	if (rc == 0) {
		j->hint_size = size;
		j->hint_off = ro;
	}
	return rc;
}

static int open_log(struct journal *j, uint64_t good_off, int torn)
{
	char path[1024];
	int rc = jpath(path, sizeof(path), j->dir, "log");

	if (rc != 0)
		return rc;
	if (j->fd < 0)
		return VG_EIO; /* lock_log opened it */
	if (good_off == 0) {
		/* New (or never written) log: the header, durably. */
		if (ftruncate(j->fd, 0) != 0 ||
		    write(j->fd, JLOG_MAGIC, JLOG_MAGIC_LEN) != JLOG_MAGIC_LEN || fsync(j->fd) != 0)
			return VG_EIO;
		good_off = JLOG_MAGIC_LEN;
	} else if (torn) {
		if (ftruncate(j->fd, (off_t)good_off) != 0 || fsync(j->fd) != 0)
			return VG_EIO;
	}
	j->off = good_off;
	return 0;
}

/* ---- the writer ------------------------------------------------------- */

#ifndef NDEBUG
/*
 * Whether this is the writer (or the integrator) thread: one writer owns the
 * log's fd and offset, one integrator the tiles and checkpoints (SQLite's
 * habit: used inside assert() only).
 */
static bool on_writer(struct journal *j)
{
	return pthread_equal(atomic_load(&j->writer_self), pthread_self());
}

static bool on_integrator(struct journal *j)
{
	return pthread_equal(atomic_load(&j->integrator_self), pthread_self());
}
#endif

static void *writer_main(void *arg)
{
	struct journal *j = arg;

	atomic_store(&j->writer_self, pthread_self());
	pthread_setname_np(pthread_self(), "vigie-journal");
	pthread_mutex_lock(&j->lock);
	for (;;) {
		size_t n = 0, bytes = 0;
		uint64_t base;
		int rc = 0;

		while (!j->head && !j->stopping)
			pthread_cond_wait(&j->wake, &j->lock);
		if (!j->head)
			break;
		assert(on_writer(j));
		/* Take what has gathered while the last group was syncing: group commit. */
		while (j->head && n < GROUP_MAX && bytes < GROUP_BYTES) {
			struct journal_item *it = j->head;

			j->head = it->next_;
			j->group[n++] = it;
			bytes += 4 + 2 + it->entry_len + it->priv_len + JLOG_CHECK;
		}
		if (!j->head)
			j->tail = NULL;
		j->queued -= n;
		rc = j->broken ? VG_EIO : 0;
		pthread_mutex_unlock(&j->lock);

		base = atomic_load(&j->size);
		bytes = 0;
		for (size_t k = 0; k < n && rc == 0; k++) {
			struct journal_item *it = j->group[k];

			it->index = base + k;
			bytes += jlog_frame(it->index, it->entry, it->entry_len, it->priv,
			                    it->priv_len, j->frames + bytes);
		}
		for (size_t done = 0; rc == 0 && done < bytes;) {
			ssize_t w = write(j->fd, j->frames + done, bytes - done);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				rc = VG_EIO;
			else
				done += (size_t)w;
		}
		if (rc == 0 && fdatasync(j->fd) != 0)
			rc = VG_EIO;
		if (rc != 0 && !j->broken) {
			int err = errno;

			/* Cut the group off again so the log holds only what was reported durable. */
			if (ftruncate(j->fd, (off_t)j->off) != 0 || fdatasync(j->fd) != 0) {
				j->broken = 1;
				log_event(LOG_ERROR, "journal.broken",
				          LS("error", "the log cannot be written or repaired; "
				                      "lookups stay refused until restart"));
			}
			log_event(LOG_ERROR, "journal.write_failed", LI("appends", n),
			          LS("error", strerror(err)));
		}
		if (rc == 0) {
			j->off += bytes;
			pthread_mutex_lock(&j->ilock);
			for (size_t k = 0; k < n; k++) {
				struct journal_item *it = j->group[k];

				if (j->pend_len + 2 + it->entry_len > j->pend_cap) {
					size_t cap = j->pend_cap * 2;
					uint8_t *p = realloc(j->pend, cap);

					if (!p)
						abort(); /* bounded by the queue; growth is internal */
					j->pend = p;
					j->pend_cap = cap;
				}
				j->pend[j->pend_len] = (uint8_t)(it->entry_len >> 8);
				j->pend[j->pend_len + 1] = (uint8_t)it->entry_len;
				memcpy(j->pend + j->pend_len + 2, it->entry, it->entry_len);
				j->pend_len += 2 + it->entry_len;
			}
			j->pend_n += n;
			j->pend_end_off = j->off;
			if (j->sync_req)
				pthread_cond_signal(&j->iwake);
			pthread_mutex_unlock(&j->ilock);
			atomic_store(&j->size, base + n);
		}
		for (size_t k = 0; k < n; k++) {
			struct journal_item *it = j->group[k];

			/* After done the item may be gone: read nothing from it afterwards. */
			it->done(it->arg, rc, rc == 0 ? it->index : 0);
		}
		pthread_mutex_lock(&j->lock);
		j->finished += n;
		pthread_cond_broadcast(&j->idle);
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

int journal_append(struct journal *j, struct journal_item *it)
{
	if (!it->entry || it->entry_len == 0 || it->entry_len > JOURNAL_ENTRY_MAX ||
	    it->priv_len > JOURNAL_PRIV_MAX || (it->priv_len && !it->priv) || !it->done)
		return VG_EINVAL;
	pthread_mutex_lock(&j->lock);
	if (j->stopping || j->broken) {
		pthread_mutex_unlock(&j->lock);
		return VG_EIO;
	}
	if (j->queued >= JOURNAL_QUEUE_MAX) {
		pthread_mutex_unlock(&j->lock);
		return VG_EBUSY;
	}
	it->next_ = NULL;
	if (j->tail)
		j->tail->next_ = it;
	else
		j->head = it;
	j->tail = it;
	j->queued++;
	j->accepted++;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	return 0;
}

struct waiter {
	pthread_mutex_t m;
	pthread_cond_t c;
	int done, rc;
	uint64_t index;
};

static void wait_done(void *arg, int rc, uint64_t index)
{
	struct waiter *w = arg;

	pthread_mutex_lock(&w->m);
	w->rc = rc;
	w->index = index;
	w->done = 1;
	pthread_cond_signal(&w->c);
	pthread_mutex_unlock(&w->m);
}

int journal_append_wait(struct journal *j, const void *entry, size_t entry_len, const void *priv,
                        size_t priv_len, uint64_t *index)
{
	struct waiter w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0 };
	struct journal_item it = { entry, entry_len, priv, priv_len, wait_done, &w, 0, NULL };
	int rc = journal_append(j, &it);

	if (rc == 0) {
		pthread_mutex_lock(&w.m);
		while (!w.done)
			pthread_cond_wait(&w.c, &w.m);
		pthread_mutex_unlock(&w.m);
		rc = w.rc;
		if (rc == 0 && index)
			*index = w.index;
	}
	pthread_cond_destroy(&w.c);
	pthread_mutex_destroy(&w.m);
	return rc;
}

/* ---- the integrator ----------------------------------------------------- */

/* Remember where the signed tree ends in the log, so the next start need not re-read it. */
static void write_resume(struct journal *j, uint64_t size, uint64_t off)
{
	char path[1024], line[64];
	int n = snprintf(line, sizeof(line), "%" PRIu64 " %" PRIu64 "\n", size, off);

	if (jpath(path, sizeof(path), j->dir, "resume") == 0 && n > 0)
		VG_IGNORE(jwrite(path, line,
		                 (size_t)n)); /* a hint: a missing one costs a full read */
}

static void integrate_round(struct journal *j, uint8_t *buf, size_t len, uint64_t n,
                            uint64_t end_off)
{
	int rc = 0;

	assert(on_integrator(j));
	if (j->need_repair) {
		uint64_t count, off, bad;
		int torn;

		/* Entries [0, integrated) are durable: rebuild their tiles from the log. */
		rc = rebuild(j, j->integrated, 0, NULL, &count, &off, &torn, &bad);
		if (rc != 0 || count != j->integrated || j->integ->failed) {
			log_event(LOG_WARN, "journal.repair_failed", LI("size", j->integrated));
			j->integrated += n; /* still durable; the next repair covers them */
			return;
		}
		j->need_repair = 0;
		log_event(LOG_INFO, "journal.repaired", LI("size", j->integrated));
	}
	for (size_t off = 0; off + 2 <= len && rc == 0;) {
		size_t el = (size_t)buf[off] << 8 | buf[off + 1];

		rc = integ_add(j->integ, buf + off + 2, el);
		off += 2 + el;
	}
	if (rc == 0)
		rc = integ_partials(j->integ);
	j->integrated += n;
	if (rc != 0 || j->integ->failed) {
		j->need_repair = 1;
		log_event(LOG_WARN, "journal.tiles_failed", LI("size", j->integrated),
		          LS("error", "tiles could not be written; retrying from the log"));
		return;
	}
	if (j->integ->f.size != j->integrated)
		abort(); /* the integrator lost count: a bug, never data-dependent */
	if (j->integ->f.size > j->cp_size && (rc = sign_checkpoint(j)) != 0) {
		log_event(LOG_WARN, "journal.checkpoint_failed", LS("error", vg_strerror(rc)));
		return;
	}
	if (n > 0 && end_off)
		write_resume(j, j->integrated, end_off);
}

static void *integrator_main(void *arg)
{
	struct journal *j = arg;
	size_t spare_cap = 1 << 16;
	uint8_t *spare = malloc(spare_cap);

	atomic_store(&j->integrator_self, pthread_self());

	if (!spare)
		abort(); /* fixed internal allocation at start-up */
	pthread_setname_np(pthread_self(), "vigie-tiles");
	pthread_mutex_lock(&j->ilock);
	for (;;) {
		uint8_t *buf = j->pend;
		size_t len = j->pend_len, cap = j->pend_cap;
		uint64_t n = j->pend_n, end_off = j->pend_end_off;
		int stop = j->istop, sync = j->sync_req;

		if (!stop && !sync) {
			/* One checkpoint per period, not one per group: let entries gather. */
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)(j->checkpoint_ms % 1000) * 1000000L;
			ts.tv_sec += j->checkpoint_ms / 1000 + ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&j->iwake, &j->ilock, &ts);
			buf = j->pend;
			len = j->pend_len;
			cap = j->pend_cap;
			n = j->pend_n;
			end_off = j->pend_end_off;
			stop = j->istop;
			sync = j->sync_req;
		}
		/* Swap buffers so the writer keeps appending while we hash. */
		j->pend = spare;
		j->pend_cap = spare_cap;
		j->pend_len = 0;
		j->pend_n = 0;
		spare = buf;
		spare_cap = cap;
		pthread_mutex_unlock(&j->ilock);

		if (n > 0 || j->need_repair || j->cp_size < j->integrated)
			integrate_round(j, buf, len, n, end_off);

		pthread_mutex_lock(&j->ilock);
		j->rounds_done = j->integrated; /* tiles written and checkpoint signed up to here */
		if (sync && j->pend_n == 0)
			j->sync_req = 0;
		pthread_cond_broadcast(&j->idone);
		if (stop && j->pend_n == 0)
			break;
	}
	pthread_mutex_unlock(&j->ilock);
	free(spare);
	return NULL;
}

void journal_sync(struct journal *j)
{
	uint64_t target;

	pthread_mutex_lock(&j->lock);
	target = j->accepted;
	while (j->finished < target)
		pthread_cond_wait(&j->idle, &j->lock);
	pthread_mutex_unlock(&j->lock);
	pthread_mutex_lock(&j->ilock);
	target = atomic_load(&j->size);
	while (j->rounds_done < target && !j->istop) {
		j->sync_req = 1;
		pthread_cond_signal(&j->iwake);
		pthread_cond_wait(&j->idone, &j->ilock);
	}
	pthread_mutex_unlock(&j->ilock);
}

/* ---- open and close ----------------------------------------------------- */

static void journal_release(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	if (j->sk)
		sodium_free(j->sk);
	free(j->integ);
	free(j->frames);
	free(j->group);
	free(j->pend);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	pthread_cond_destroy(&j->idle);
	pthread_mutex_destroy(&j->ilock);
	pthread_cond_destroy(&j->iwake);
	pthread_cond_destroy(&j->idone);
	pthread_mutex_destroy(&j->cplock);
	free(j);
}

int journal_open(const struct journal_cfg *cfg, struct journal **out)
{
	struct journal *j;
	struct hist *h = NULL;
	char path[1024];
	uint64_t count = 0, good_off = 0, bad = 0, hcount, hoff;
	int torn = 0, htorn = 0, rc;

	*out = NULL;
	if (!cfg->dir || !cfg->key_path || !cfg->origin || strlen(cfg->dir) >= 400)
		return VG_EINVAL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return VG_ENOMEM;
	j->fd = -1;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->wake, NULL);
	pthread_cond_init(&j->idle, NULL);
	pthread_mutex_init(&j->ilock, NULL);
	pthread_cond_init(&j->iwake, NULL);
	pthread_cond_init(&j->idone, NULL);
	pthread_mutex_init(&j->cplock, NULL);
	snprintf(j->dir, sizeof(j->dir), "%s", cfg->dir);
	j->checkpoint_ms = cfg->checkpoint_ms ? cfg->checkpoint_ms : 200;
	j->sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	j->integ = malloc(sizeof(*j->integ));
	j->frames = malloc(GROUP_BYTES + JLOG_FRAME_MAX);
	j->group = malloc(GROUP_MAX * sizeof(*j->group));
	j->pend_cap = 1 << 16;
	j->pend = malloc(j->pend_cap);
	h = calloc(1, sizeof(*h));
	if (!j->sk || !j->integ || !j->frames || !j->group || !j->pend || !h) {
		rc = VG_ENOMEM;
		goto fail;
	}
	if (mkdir(j->dir, 0700) != 0 && errno != EEXIST) {
		rc = VG_EIO;
		goto fail;
	}
	if ((rc = load_key(j, cfg->key_path, cfg->origin)) != 0 || (rc = lock_log(j)) != 0)
		goto fail;

	/* The published checkpoints: the log must reproduce the last. */
	h->j = j;
	if ((rc = jpath(path, sizeof(path), j->dir, "checkpoints")) != 0)
		goto fail;
	rc = jhist_scan(path, hist_one, h, &hcount, &hoff, &htorn);
	if (rc != 0) {
		log_event(LOG_ERROR, "journal.history_damaged", LI("checkpoint", hcount),
		          LS("error", "a published checkpoint does not verify"));
		rc = VG_ECORRUPT;
		goto fail;
	}
	if (htorn && truncate(path, (off_t)hoff) != 0) {
		rc = VG_EIO;
		goto fail;
	}
	rc = h->n && !cfg->full ? fast_rebuild(j, h->size, h->root, &count, &good_off, &torn, &bad)
	                        : VG_ENOTFOUND;
	if (rc != 0) {
		if (rc != VG_ENOTFOUND)
			log_event(LOG_WARN, "journal.resume_refused", LS("error", vg_strerror(rc)),
			          LS("note", "reading the whole log again"));
		rc = rebuild(j, UINT64_MAX, h->size, h->n ? h->root : NULL, &count, &good_off,
		             &torn, &bad);
	}
	if (rc == VG_ECORRUPT && !torn) {
		log_event(LOG_ERROR, "journal.log_damaged", LI("index", bad),
		          LS("error", "a log frame does not check; run vigie journal verify"));
		goto fail;
	}
	if (rc != 0)
		goto fail;
	if (j->integ->failed) {
		rc = VG_EIO;
		goto fail;
	}
	if (count < h->size) {
		log_event(LOG_ERROR, "journal.log_short", LI("entries", count),
		          LI("checkpoint", h->size),
		          LS("error", "the log is shorter than a published checkpoint"));
		rc = VG_ECORRUPT;
		goto fail;
	}
	if (torn)
		log_event(LOG_WARN, "journal.torn_tail", LI("entries", count),
		          LS("note", "an unfinished write was cut off; it was never acknowledged"));
	if ((rc = open_log(j, good_off, torn)) != 0)
		goto fail;
	atomic_store(&j->size, count);
	j->integrated = count;
	j->rounds_done = count;
	j->pend_end_off = j->off;
	if (h->n) {
		memcpy(j->cp, h->note, h->len);
		j->cp_len = h->len;
		j->cp_size = h->size;
		memcpy(j->cp_root, h->root, sizeof(j->cp_root));
		/* The public copy may lag the history by one crash: make it the last one. */
		if ((rc = jpath(path, sizeof(path), j->dir, "checkpoint")) != 0 ||
		    (rc = jwrite(path, h->note, h->len)) != 0)
			goto fail;
	}
	if ((!h->n || count > h->size) && (rc = sign_checkpoint(j)) != 0)
		goto fail;
	write_resume(j, count, j->off);
	if (count > 0 && j->hint_size == 0) {
		j->hint_size = count;
		j->hint_off = j->off;
	}
	if (pthread_create(&j->writer, NULL, writer_main, j) != 0) {
		rc = VG_EIO;
		goto fail;
	}
	if (pthread_create(&j->integrator, NULL, integrator_main, j) != 0) {
		pthread_mutex_lock(&j->lock);
		j->stopping = 1;
		pthread_cond_signal(&j->wake);
		pthread_mutex_unlock(&j->lock);
		pthread_join(j->writer, NULL);
		rc = VG_EIO;
		goto fail;
	}
	log_event(LOG_INFO, "journal.open", LI("entries", count), LI("checkpoints", h->n),
	          LI("tiles_written", j->integ->written), LS("origin", j->origin));
	free(h);
	*out = j;
	return 0;
fail:
	free(h);
	journal_release(j);
	return rc;
}

void journal_free(struct journal *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stopping = 1;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	pthread_join(j->writer, NULL);
	pthread_mutex_lock(&j->ilock);
	j->istop = 1;
	pthread_cond_signal(&j->iwake);
	pthread_mutex_unlock(&j->ilock);
	pthread_join(j->integrator, NULL);
	journal_release(j);
}

uint64_t journal_size(struct journal *j)
{
	return atomic_load(&j->size);
}

const char *journal_vkey(const struct journal *j)
{
	return j->vkey;
}

const char *journal_dir(const struct journal *j)
{
	return j->dir;
}

int journal_checkpoint(struct journal *j, char *buf, size_t cap, size_t *len, uint64_t *size,
                       uint8_t root[MERKLE_HASH_LEN])
{
	int rc = 0;

	pthread_mutex_lock(&j->cplock);
	if (j->cp_len > cap) {
		rc = VG_ETOOBIG;
	} else {
		memcpy(buf, j->cp, j->cp_len);
		*len = j->cp_len;
		if (size)
			*size = j->cp_size;
		if (root)
			memcpy(root, j->cp_root, MERKLE_HASH_LEN);
	}
	pthread_mutex_unlock(&j->cplock);
	return rc;
}

/* ---- tiles as a hash provider, receipts ---------------------------------- */

int journal_tiles_hash(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH_LEN])
{
	static __thread uint8_t tile[MERKLE_TILE_WIDTH * MERKLE_HASH_LEN];
	const struct journal_tiles *t = ctx;
	struct merkle_tile mt;
	char rel[MERKLE_TILE_PATH_MAX], path[1024];
	uint64_t nfull;
	unsigned first, count, w;
	size_t n = 0;
	int rc;

	if ((rc = merkle_tile_locate(level, index, &mt.level, &mt.index, &first, &count)) != 0)
		return rc;
	mt.width = MERKLE_TILE_WIDTH;
	if ((rc = merkle_tile_path(&mt, rel, sizeof(rel))) != 0 ||
	    (rc = jpath(path, sizeof(path), t->dir, rel)) != 0)
		return rc;
	rc = jread(path, tile, sizeof(tile), &n);
	if (rc == VG_ENOTFOUND) {
		/* Not full yet: the partial tile this size implies. */
		merkle_tile_level(t->size, mt.level, &nfull, &w);
		if (mt.index != nfull || w == 0)
			return VG_ECORRUPT;
		mt.width = w;
		if ((rc = merkle_tile_path(&mt, rel, sizeof(rel))) != 0 ||
		    (rc = jpath(path, sizeof(path), t->dir, rel)) != 0)
			return rc;
		rc = jread(path, tile, sizeof(tile), &n);
		if (rc == VG_ENOTFOUND) {
			/* Completed meanwhile (its partials are then removed): read the full one. */
			mt.width = MERKLE_TILE_WIDTH;
			if ((rc = merkle_tile_path(&mt, rel, sizeof(rel))) != 0 ||
			    (rc = jpath(path, sizeof(path), t->dir, rel)) != 0)
				return rc;
			rc = jread(path, tile, sizeof(tile), &n);
		}
	}
	if (rc != 0)
		return rc == VG_ENOTFOUND ? VG_ECORRUPT : rc;
	if (n % MERKLE_HASH_LEN != 0 || (size_t)(first + count) * MERKLE_HASH_LEN > n)
		return VG_ECORRUPT;
	return merkle_root(tile + (size_t)first * MERKLE_HASH_LEN, count, out);
}

int journal_receipt(struct journal *j, uint64_t index, char *buf, size_t cap, size_t *len)
{
	static __thread struct merkle_proof proof;
	char note[JOURNAL_NOTE_MAX];
	uint8_t root[MERKLE_HASH_LEN];
	size_t nl;
	int rc;

	pthread_mutex_lock(&j->cplock);
	struct journal_tiles t = { j->dir, j->cp_size };
	memcpy(note, j->cp, j->cp_len);
	nl = j->cp_len;
	memcpy(root, j->cp_root, sizeof(root));
	pthread_mutex_unlock(&j->cplock);
	if (index >= t.size)
		return VG_ENOTFOUND;
	if ((rc = merkle_prove_inclusion(journal_tiles_hash, &t, index, t.size, &proof)) != 0)
		return rc;
	return tlog_proof_format(index, &proof, note, nl, buf, cap, len);
}

int journal_read_checkpoint(const char *dir, char *buf, size_t cap, size_t *len, uint64_t *size,
                            uint8_t root[MERKLE_HASH_LEN])
{
	char path[1024], vbuf[NOTE_NAME_MAX + 128];
	struct note_verifier v;
	struct checkpoint c;
	size_t n = 0, tl;
	int rc;

	if ((rc = jpath(path, sizeof(path), dir, "vkey")) != 0 ||
	    (rc = jread(path, vbuf, sizeof(vbuf), &n)) != 0)
		return rc == VG_ENOTFOUND ? VG_EIO : rc;
	while (n > 0 && (vbuf[n - 1] == '\n' || vbuf[n - 1] == ' '))
		n--;
	if (note_vkey_parse(vbuf, n, &v) != 0)
		return VG_ECORRUPT;
	if ((rc = jpath(path, sizeof(path), dir, "checkpoint")) != 0 ||
	    (rc = jread(path, buf, cap, len)) != 0)
		return rc == VG_ENOTFOUND ? VG_EIO : rc;
	if (note_open(buf, *len, &v, 1, &tl) != 0 || checkpoint_parse(buf, tl, &c) != 0)
		return VG_ECORRUPT;
	*size = c.size;
	memcpy(root, c.root, MERKLE_HASH_LEN);
	return 0;
}

int journal_read_tile(struct journal *j, const struct merkle_tile *t, void *buf, size_t cap,
                      size_t *len)
{
	char rel[MERKLE_TILE_PATH_MAX], path[1024];
	int rc;

	if ((rc = merkle_tile_path(t, rel, sizeof(rel))) != 0 ||
	    (rc = jpath(path, sizeof(path), j->dir, rel)) != 0)
		return rc == VG_EINVAL ? VG_ENOTFOUND : rc;
	return jread(path, buf, cap, len);
}

/* ---- the follower ------------------------------------------------------- */

struct journal_follower {
	struct journal *j;
	int fd;
	uint64_t next; /* index of the next frame */
	uint64_t off;  /* its offset in the log */
	uint8_t *buf;  /* JLOG_FRAME_MAX */
};

static int read_exact(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(fd, (uint8_t *)buf + got, n - got, (off_t)(off + got));

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return VG_EIO;
		got += (size_t)k;
	}
	return 0;
}

/* The frame at f->off, checked; fills fr. */
static int follower_frame(struct journal_follower *f, struct journal_frame *fr, size_t *len)
{
	uint8_t check[JLOG_CHECK];
	uint32_t body;
	size_t el;
	int rc = read_exact(f->fd, f->buf, 4, f->off);

	if (rc != 0)
		return rc;
	body = (uint32_t)f->buf[0] << 24 | (uint32_t)f->buf[1] << 16 | (uint32_t)f->buf[2] << 8 |
	       f->buf[3];
	if (body < 3 || body > JLOG_BODY_MAX)
		return VG_ECORRUPT;
	if ((rc = read_exact(f->fd, f->buf + 4, body + JLOG_CHECK, f->off + 4)) != 0)
		return rc;
	el = (size_t)f->buf[4] << 8 | f->buf[5];
	if (el == 0 || el > JOURNAL_ENTRY_MAX || 2 + el > body)
		return VG_ECORRUPT;
	/* The frame must check at its place, as at open: the log may have been tampered with since. */
	jlog_check(f->next, f->buf, 4 + body, check);
	if (sodium_memcmp(check, f->buf + 4 + body, JLOG_CHECK) != 0)
		return VG_ECORRUPT;
	*fr = (struct journal_frame){ f->next, f->buf + 6, el, f->buf + 6 + el, body - 2 - el };
	*len = 4 + body + JLOG_CHECK;
	return 0;
}

int journal_follower_new(struct journal *j, uint64_t from, struct journal_follower **out)
{
	struct journal_follower *f = calloc(1, sizeof(*f));
	char path[1024];
	int rc;

	*out = NULL;
	if (!f || !(f->buf = malloc(JLOG_FRAME_MAX))) {
		free(f);
		return VG_ENOMEM;
	}
	f->j = j;
	f->off = JLOG_MAGIC_LEN;
	if (j->hint_size && from >= j->hint_size) {
		/* A boundary known good at open: skip the frames before it without reading them. */
		f->next = j->hint_size;
		f->off = j->hint_off;
	}
	if ((rc = jpath(path, sizeof(path), j->dir, "log")) != 0 ||
	    (f->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		free(f->buf);
		free(f);
		return rc ? rc : VG_EIO;
	}
	/* Skip to `from`, reading only the length of each frame. */
	while (f->next < from && f->next < journal_size(j)) {
		uint8_t hdr[4];

		if ((rc = read_exact(f->fd, hdr, 4, f->off)) != 0) {
			journal_follower_free(f);
			return rc;
		}
		f->off += 4 +
		          ((uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 |
		           hdr[3]) +
		          JLOG_CHECK;
		f->next++;
	}
	*out = f;
	return 0;
}

void journal_follower_free(struct journal_follower *f)
{
	if (!f)
		return;
	close(f->fd);
	free(f->buf);
	free(f);
}

uint64_t journal_follower_position(const struct journal_follower *f)
{
	return f->next;
}

int journal_follower_next(struct journal_follower *f, size_t max, journal_frame_fn fn, void *ctx,
                          size_t *n)
{
	uint64_t durable = journal_size(f->j);
	int rc = 0;

	*n = 0;
	while (*n < max && f->next < durable) {
		struct journal_frame fr;
		size_t len;

		if ((rc = follower_frame(f, &fr, &len)) != 0)
			return rc;
		if ((rc = fn(ctx, &fr)) != 0)
			return rc;
		f->off += len;
		f->next++;
		(*n)++;
	}
	return 0;
}
