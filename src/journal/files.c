/*
 * files.c - the journal's on-disk formats: log frames, the checkpoint
 * history, and small file helpers (atomic replace, mkdir -p, whole reads).
 */
#include "journal/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include "core/banned.h"

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void jlog_check(uint64_t index, const uint8_t *lenbody, size_t n, uint8_t out[JLOG_CHECK])
{
	crypto_generichash_state st;
	uint8_t ix[8];

	for (int k = 0; k < 8; k++)
		ix[k] = (uint8_t)(index >> (56 - 8 * k));
	crypto_generichash_init(&st, NULL, 0, JLOG_CHECK);
	crypto_generichash_update(&st, ix, sizeof(ix));
	crypto_generichash_update(&st, lenbody, n);
	crypto_generichash_final(&st, out, JLOG_CHECK);
}

size_t jlog_frame(uint64_t index, const uint8_t *entry, size_t entry_len, const uint8_t *priv,
                  size_t priv_len, uint8_t *out)
{
	size_t body = 2 + entry_len + priv_len;

	be32(out, (uint32_t)body);
	out[4] = (uint8_t)(entry_len >> 8);
	out[5] = (uint8_t)entry_len;
	memcpy(out + 6, entry, entry_len);
	if (priv_len)
		memcpy(out + 6 + entry_len, priv, priv_len);
	jlog_check(index, out, 4 + body, out + 4 + body);
	return 4 + body + JLOG_CHECK;
}

int jpath(char *buf, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(buf, cap, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= cap ? VG_ETOOBIG : 0;
}

int jmkdirs(const char *path)
{
	char p[1024];
	size_t n = strlen(path);

	if (n >= sizeof(p))
		return VG_ETOOBIG;
	memcpy(p, path, n + 1);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return VG_EIO;
		*s = '/';
	}
	return 0;
}

int jread(const char *path, void *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t got = 0;

	*len = 0;
	if (fd < 0)
		return errno == ENOENT ? VG_ENOTFOUND : VG_EIO;
	for (;;) {
		ssize_t k;

		if (got == cap) {
			char extra;

			k = read(fd, &extra, 1);
			close(fd);
			return k == 0 ? (*len = got, 0) : VG_ETOOBIG;
		}
		k = read(fd, (char *)buf + got, cap - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			close(fd);
			return VG_EIO;
		}
		if (k == 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	*len = got;
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t k = write(fd, p, len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return VG_EIO;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

int jwrite(const char *path, const void *buf, size_t len)
{
	char tmp[1100];
	int fd, rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return VG_ETOOBIG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ENOENT && jmkdirs(path) == 0)
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return VG_EIO;
	rc = write_all(fd, buf, len);
	if (close(fd) != 0)
		rc = VG_EIO;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = VG_EIO;
	if (rc != 0)
		unlink(tmp);
	return rc;
}

int jappend_record(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	struct stat sb;
	uint8_t hdr[4];
	int rc;

	if (fd < 0)
		return VG_EIO;
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return VG_EIO;
	}
	be32(hdr, (uint32_t)len);
	rc = write_all(fd, hdr, 4);
	if (rc == 0)
		rc = write_all(fd, buf, len);
	if (rc == 0 && fdatasync(fd) != 0)
		rc = VG_EIO;
	if (rc != 0 && ftruncate(fd, sb.st_size) == 0)
		VG_IGNORE(fdatasync(fd)); /* best effort: the record is not there */
	close(fd);
	return rc;
}

int jhist_scan(const char *path, jhist_fn fn, void *ctx, uint64_t *count, uint64_t *good_off,
               int *torn)
{
	FILE *f = fopen(path, "rbe");
	char note[JOURNAL_NOTE_MAX];
	uint64_t off = 0, n = 0;
	int rc = 0;

	*torn = 0;
	*count = 0;
	*good_off = 0;
	if (!f)
		return errno == ENOENT ? 0 : VG_EIO;
	for (;;) {
		uint8_t hdr[4];
		size_t got = fread(hdr, 1, 4, f), len;

		if (got == 0)
			break;
		if (got < 4) {
			*torn = 1;
			break;
		}
		len = rd32(hdr);
		if (len == 0 || len > sizeof(note)) {
			rc = VG_ECORRUPT;
			break;
		}
		if (fread(note, 1, len, f) != len) {
			*torn = 1;
			break;
		}
		if (fn && (rc = fn(ctx, note, len)) != 0)
			break;
		off += 4 + len;
		n++;
	}
	if (ferror(f))
		rc = VG_EIO;
	fclose(f);
	*count = n;
	*good_off = off;
	return rc;
}

int jlog_scan(const char *dir, uint64_t from, uint64_t limit, journal_frame_fn fn, void *ctx,
              uint64_t *bad_index, int *torn, uint64_t *count, uint64_t *good_off)
{
	return jlog_scan_at(dir, 0, 0, from, limit, fn, ctx, bad_index, torn, count, good_off);
}

int jlog_scan_at(const char *dir, uint64_t start_off, uint64_t start_index, uint64_t from,
                 uint64_t limit, journal_frame_fn fn, void *ctx, uint64_t *bad_index, int *torn,
                 uint64_t *count, uint64_t *good_off)
{
	char path[1024];
	uint8_t *frame = NULL;
	char magic[JLOG_MAGIC_LEN];
	uint64_t index = start_index, off = start_off ? start_off : JLOG_MAGIC_LEN;
	FILE *f = NULL;
	int rc = 0;

	*torn = 0;
	*count = 0;
	*good_off = 0;
	if (bad_index)
		*bad_index = 0;
	if ((rc = jpath(path, sizeof(path), dir, "log")) != 0)
		return rc;
	f = fopen(path, "rbe");
	if (!f)
		return errno == ENOENT ? 0 : VG_EIO;
	frame = malloc(JLOG_FRAME_MAX);
	if (!frame) {
		fclose(f);
		return VG_ENOMEM;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	if (start_off) {
		/* Resume at a known frame boundary; its frames still check at their indexes. */
		if (fseeko(f, (off_t)start_off, SEEK_SET) != 0) {
			rc = VG_EIO;
			goto out;
		}
	} else {
		size_t got = fread(magic, 1, JLOG_MAGIC_LEN, f);

		if (got != JLOG_MAGIC_LEN) {
			/* Empty (just created), or the header never fully reached the disk. */
			*torn = got > 0;
			off = 0;
			goto out;
		}
		if (memcmp(magic, JLOG_MAGIC, JLOG_MAGIC_LEN) != 0) {
			rc = VG_ECORRUPT;
			goto out;
		}
	}
	while (index < limit) {
		size_t got = fread(frame, 1, 4, f), body, entry_len;
		uint8_t check[JLOG_CHECK];
		int at_end;

		if (got == 0)
			break;
		if (got < 4) {
			*torn = 1;
			break;
		}
		body = rd32(frame);
		if (body < 3 || body > JLOG_BODY_MAX)
			goto bad_frame; /* a length no writer produces */
		got = fread(frame + 4, 1, body + JLOG_CHECK, f);
		if (got < body + JLOG_CHECK) {
			*torn = 1;
			if (bad_index)
				*bad_index = index;
			break;
		}
		jlog_check(index, frame, 4 + body, check);
		entry_len = (size_t)frame[4] << 8 | frame[5];
		if (sodium_memcmp(check, frame + 4 + body, JLOG_CHECK) != 0 || entry_len == 0 ||
		    entry_len > JOURNAL_ENTRY_MAX || 2 + entry_len > body)
			goto bad_frame;
		if (index >= from && fn) {
			struct journal_frame fr = {
				.index = index,
				.entry = frame + 6,
				.entry_len = entry_len,
				.priv = frame + 6 + entry_len,
				.priv_len = body - 2 - entry_len,
			};

			if ((rc = fn(ctx, &fr)) != 0)
				break;
		}
		off += 4 + body + JLOG_CHECK;
		index++;
		continue;
	bad_frame:
		/* A frame that does not check: torn if nothing follows it, else damage. */
		at_end = fgetc(f) == EOF;
		if (at_end)
			*torn = 1;
		else
			rc = VG_ECORRUPT;
		if (bad_index)
			*bad_index = index;
		break;
	}
	if (ferror(f))
		rc = VG_EIO;
out:
	fclose(f);
	free(frame);
	*count = index;
	*good_off = off;
	return rc;
}

int journal_scan(const char *dir, uint64_t from, journal_frame_fn fn, void *ctx,
                 uint64_t *bad_index, int *torn)
{
	uint64_t count, off;
	int t = 0, rc = jlog_scan(dir, from, UINT64_MAX, fn, ctx, bad_index, &t, &count, &off);

	if (torn)
		*torn = t;
	if (rc == 0 && t)
		rc = VG_ECORRUPT;
	return rc;
}
