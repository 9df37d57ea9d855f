/*
 * api_journal.c - the public, read-only journal under /journal/ (C2SP
 * tlog-tiles): the signed checkpoint, hash tiles and entry bundles.
 *
 * Only two kinds of path are served: "checkpoint", and tile paths that
 * merkle_tile_parse accepts in their canonical spelling, so no request can
 * name any other file (the log and the checkpoint history sit in the same
 * directory and are private). Tiles are immutable once written and cached
 * for a year; the checkpoint changes and is cached for a second.
 */
#include "http/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/merkle.h"
#include "http/request.h"
#include "journal/journal.h"
#include "node/access.h"
#include "node/node.h"
#include "core/banned.h"

#define CT_TEXT "text/plain; charset=utf-8"
#define CT_BIN  "application/octet-stream"

/* Public files: cacheable, and readable by verifiers on other origins. */
static enum MHD_Result send_bytes(struct req *r, const char *ctype, const char *cache,
                                  const void *data, size_t len)
{
	reply_prepare_bytes(r, MHD_HTTP_OK, ctype, data, len);
	r->reply.cache = cache;
	reply_add_header(r, "Access-Control-Allow-Origin", "*");
	return reply_send(r);
}

enum MHD_Result api_journal(struct req *r)
{
	enum { TILE_MAX = MERKLE_TILE_WIDTH * (2 + JOURNAL_ENTRY_MAX) };
	uint8_t *buf;
	struct journal *j = access_log_journal(r->v->access);
	const char *path = r->url + strlen("/journal/");
	struct merkle_tile t;
	size_t len = 0;
	int rc;

	if (strcmp(path, "checkpoint") == 0) {
		char note[JOURNAL_NOTE_MAX];

		if (journal_checkpoint(j, note, sizeof(note), &len, NULL, NULL) != 0)
			return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
			                     "the checkpoint is unavailable");
		return send_bytes(r, CT_TEXT, "public, max-age=1", note, len);
	}
	if (merkle_tile_parse(path, strlen(path), &t) != 0)
		return reply_outcome(
		        r, MHD_HTTP_NOT_FOUND, "not-found",
		        "no such journal resource: checkpoint and tile/... are served");
	buf = req_alloc(r, TILE_MAX);
	if (!buf)
		return reply_outcome(r, MHD_HTTP_SERVICE_UNAVAILABLE, "transient",
		                     "the service is busy; try again");
	rc = journal_read_tile(j, &t, buf, TILE_MAX, &len);
	if (rc != 0)
		return reply_outcome(r, MHD_HTTP_NOT_FOUND, "not-found",
		                     "no such tile (yet): fetch the checkpoint first");
	return send_bytes(r, CT_BIN, "public, max-age=31536000, immutable", buf, len);
}
