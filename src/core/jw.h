/*
 * jw.h - a small, fast JSON writer into a growable buffer.
 *
 * The writer tracks nesting so commas come out right; strings are escaped and
 * invalid UTF-8 is replaced by U+FFFD, so untrusted text can be echoed safely.
 * An allocation failure or a nesting error sets w->err and later calls do
 * nothing: check jw_finish once at the end.
 *
 *     struct jw w;
 *     jw_init(&w, 1024);
 *     jw_obj(&w); jw_kstr(&w, "resourceType", "Patient"); jw_end(&w);
 *     if (jw_finish(&w) == 0) use(w.buf, w.len);   // w.buf is NUL-terminated
 *     jw_release(&w);
 *
 * Not thread-safe (one writer per request).
 */
#ifndef VIGIE_CORE_JW_H
#define VIGIE_CORE_JW_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

#define JW_DEPTH 32

struct jw {
	char *buf; /* owned; NUL-terminated after jw_finish */
	size_t len, cap;
	int err; /* 0 or the first enum vg_err */
	int depth;
	char kind[JW_DEPTH];     /* '}' or ']' closing each open container */
	uint8_t state[JW_DEPTH]; /* 0 empty, 1 has members, 2 just after a key */
};

/* Set up w with an initial capacity (0 picks a default). Sets w->err on failure. */
void jw_init(struct jw *w, size_t cap);
/* Free the buffer. */
void jw_release(struct jw *w);
/* Hand the buffer to the caller (free() it); w is left empty. */
char *jw_detach(struct jw *w, size_t *len);
/* 0 if everything was written and every container closed, else the error. */
VG_MUST_USE int jw_finish(struct jw *w);

void jw_obj(struct jw *w);                /* { as a value */
void jw_arr(struct jw *w);                /* [ as a value */
void jw_end(struct jw *w);                /* } or ] */
void jw_key(struct jw *w, const char *k); /* "k": (k is a trusted constant) */
void jw_str(struct jw *w, const char *s); /* escaped string value; NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, int v);
/* Shorthands: a key then a value. */
void jw_kstr(struct jw *w, const char *k, const char *s);
void jw_kint(struct jw *w, const char *k, int64_t v);
void jw_kbool(struct jw *w, const char *k, int v);
void jw_kobj(struct jw *w, const char *k);
void jw_karr(struct jw *w, const char *k);
/* Raw bytes, for callers that format numbers themselves; no separator logic. */
void jw_raw(struct jw *w, const char *s, size_t n);
/* One whole JSON value already formatted (trusted: written by vigie), as a member or element. */
void jw_raw_value(struct jw *w, const char *s, size_t n);

#endif
