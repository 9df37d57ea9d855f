#include "core/jw.h"

#include <stdlib.h>
#include <string.h>
#include "core/banned.h"

#define JW_MAX (16u * 1024 * 1024) /* no response of ours comes near this */

enum { ST_EMPTY = 0, ST_MEMBERS = 1, ST_KEY = 2 };

void jw_init(struct jw *w, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->cap = cap ? cap : 1024;
	w->buf = malloc(w->cap);
	if (!w->buf) {
		w->cap = 0;
		w->err = VG_ENOMEM;
	}
}

void jw_release(struct jw *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

char *jw_detach(struct jw *w, size_t *len)
{
	char *b = w->buf;

	if (len)
		*len = w->len;
	w->buf = NULL;
	w->len = w->cap = 0;
	return b;
}

static void fail(struct jw *w, int err)
{
	if (!w->err)
		w->err = err;
}

static int grow(struct jw *w, size_t add)
{
	size_t need, ncap;
	char *nb;

	if (w->err)
		return -1;
	need = w->len + add + 1; /* room for the final NUL */
	if (need <= w->cap)
		return 0;
	if (need > JW_MAX) {
		fail(w, VG_ETOOBIG);
		return -1;
	}
	ncap = w->cap * 2 > need ? w->cap * 2 : need;
	nb = realloc(w->buf, ncap);
	if (!nb) {
		fail(w, VG_ENOMEM);
		return -1;
	}
	w->buf = nb;
	w->cap = ncap;
	return 0;
}

void jw_raw(struct jw *w, const char *s, size_t n)
{
	if (grow(w, n) != 0)
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void put(struct jw *w, char c)
{
	if (grow(w, 1) != 0)
		return;
	w->buf[w->len++] = c;
}

/* Before any value: a comma between array members; nothing after a key. */
static void before_value(struct jw *w)
{
	uint8_t *st = &w->state[w->depth];

	if (w->depth > 0 && w->kind[w->depth] == '}' && *st != ST_KEY) {
		fail(w, VG_EINVAL); /* a value in an object needs a key */
		return;
	}
	if (*st == ST_MEMBERS && w->depth == 0)
		fail(w, VG_EINVAL); /* a second top-level value */
	else if (*st == ST_MEMBERS)
		put(w, ',');
	*st = ST_MEMBERS;
}

static void push(struct jw *w, char open, char close)
{
	before_value(w);
	put(w, open);
	if (w->depth + 1 >= JW_DEPTH) {
		fail(w, VG_ETOOBIG);
		return;
	}
	w->depth++;
	w->kind[w->depth] = close;
	w->state[w->depth] = ST_EMPTY;
}

void jw_raw_value(struct jw *w, const char *s, size_t n)
{
	before_value(w);
	jw_raw(w, s, n);
}

void jw_obj(struct jw *w)
{
	push(w, '{', '}');
}
void jw_arr(struct jw *w)
{
	push(w, '[', ']');
}

void jw_end(struct jw *w)
{
	if (w->depth == 0 || w->state[w->depth] == ST_KEY) {
		fail(w, VG_EINVAL);
		return;
	}
	put(w, w->kind[w->depth]);
	w->depth--;
}

void jw_key(struct jw *w, const char *k)
{
	if (w->depth == 0 || w->kind[w->depth] != '}' || w->state[w->depth] == ST_KEY) {
		fail(w, VG_EINVAL);
		return;
	}
	if (w->state[w->depth] == ST_MEMBERS)
		put(w, ',');
	put(w, '"');
	jw_raw(w, k, strlen(k));
	jw_raw(w, "\":", 2);
	w->state[w->depth] = ST_KEY;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	before_value(w);
	put(w, '"');
	while (i < n) {
		unsigned char c = p[i];
		size_t ul;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			run++;
			continue;
		}
		jw_raw(w, (const char *)p + i - run, run);
		run = 0;
		if (c >= 0x80) {
			ul = utf8_len(p + i, n - i);
			if (ul) {
				jw_raw(w, (const char *)p + i, ul);
				i += ul;
			} else {
				jw_raw(w, "\xef\xbf\xbd", 3); /* U+FFFD */
				i++;
			}
			continue;
		}
		switch (c) {
		case '"': jw_raw(w, "\\\"", 2); break;
		case '\\': jw_raw(w, "\\\\", 2); break;
		case '\n': jw_raw(w, "\\n", 2); break;
		case '\r': jw_raw(w, "\\r", 2); break;
		case '\t': jw_raw(w, "\\t", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			jw_raw(w, u, 6);
		}
		}
		i++;
	}
	jw_raw(w, (const char *)p + i - run, run);
	put(w, '"');
}

void jw_str(struct jw *w, const char *s)
{
	if (!s) {
		before_value(w);
		jw_raw(w, "null", 4);
		return;
	}
	jw_strn(w, s, strlen(s));
}

void jw_int(struct jw *w, int64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	before_value(w);
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	jw_raw(w, tmp + i, sizeof(tmp) - i);
}

void jw_bool(struct jw *w, int v)
{
	before_value(w);
	if (v)
		jw_raw(w, "true", 4);
	else
		jw_raw(w, "false", 5);
}

int jw_finish(struct jw *w)
{
	if (w->err)
		return w->err;
	if (w->depth != 0)
		return VG_EINVAL;
	if (grow(w, 0) != 0)
		return w->err;
	w->buf[w->len] = '\0';
	return 0;
}

void jw_kstr(struct jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_str(w, s);
}
void jw_kint(struct jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_int(w, v);
}
void jw_kbool(struct jw *w, const char *k, int v)
{
	jw_key(w, k);
	jw_bool(w, v);
}
void jw_kobj(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_obj(w);
}
void jw_karr(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_arr(w);
}
