/* event.c - the replay event line. See event.h. */
#include "core/event.h"

#include <string.h>

struct cur {
	const char *p, *end;
};

static void ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static int lit(struct cur *c, char ch)
{
	ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return 1;
	}
	return 0;
}

/* A string without escapes or control characters, into out (cap bytes). */
static int str(struct cur *c, char *out, size_t cap)
{
	size_t n = 0;

	if (!lit(c, '"'))
		return -1;
	while (c->p < c->end && *c->p != '"') {
		unsigned char ch = (unsigned char)*c->p;

		if (ch == '\\' || ch < 0x20 || n + 1 >= cap)
			return -1;
		out[n++] = (char)ch;
		c->p++;
	}
	if (c->p == c->end)
		return -1;
	c->p++;
	out[n] = '\0';
	return 0;
}

static int boolean(struct cur *c, int *out)
{
	ws(c);
	if (c->end - c->p >= 4 && memcmp(c->p, "true", 4) == 0) {
		c->p += 4;
		*out = 1;
		return 0;
	}
	if (c->end - c->p >= 5 && memcmp(c->p, "false", 5) == 0) {
		c->p += 5;
		*out = 0;
		return 0;
	}
	return -1;
}

static int integer(struct cur *c, int64_t *out)
{
	int64_t v = 0;
	int digits = 0;

	ws(c);
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		if (++digits > 12) /* unix seconds until the year 33658 */
			return -1;
		v = v * 10 + (*c->p - '0');
		c->p++;
	}
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

int event_parse(const char *s, size_t len, struct replay_event *out, const char **why)
{
	struct cur c = { s, s + len };
	int have_t = 0, card = 0;
	char key[16];

	memset(out, 0, sizeof(*out));
	out->found = out->honeytoken = out->near = -1;
	*why = "an event is a JSON object {\"t\",\"rpps\",\"nir\",\"card\",\"ip\",\"ua\"}";
	if (!lit(&c, '{'))
		return VG_EINVAL;
	if (!lit(&c, '}')) {
		do {
			int rc = -1;

			if (str(&c, key, sizeof(key)) != 0 || !lit(&c, ':')) {
				*why = "a member name is malformed";
				return VG_EINVAL;
			}
			if (strcmp(key, "t") == 0 && !have_t) {
				rc = integer(&c, &out->t);
				have_t = 1;
				if (rc != 0)
					*why = "t must be unix seconds (a non-negative integer)";
			} else if (strcmp(key, "rpps") == 0 && !out->rpps[0]) {
				rc = str(&c, out->rpps, sizeof(out->rpps));
			} else if (strcmp(key, "nir") == 0 && !out->nir[0]) {
				rc = str(&c, out->nir, sizeof(out->nir));
			} else if (strcmp(key, "ip") == 0 && !out->ip[0]) {
				rc = str(&c, out->ip, sizeof(out->ip));
			} else if (strcmp(key, "ua") == 0 && !out->ua[0]) {
				rc = str(&c, out->ua, sizeof(out->ua));
			} else if (strcmp(key, "card") == 0) {
				rc = boolean(&c, &card);
				out->card = card == 1;
			} else if (strcmp(key, "found") == 0 && out->found < 0) {
				rc = boolean(&c, &out->found);
			} else if (strcmp(key, "honeytoken") == 0 && out->honeytoken < 0) {
				rc = boolean(&c, &out->honeytoken);
			} else if (strcmp(key, "near") == 0 && out->near < 0) {
				rc = boolean(&c, &out->near);
			} else {
				*why = "unknown or repeated member";
				return VG_EINVAL;
			}
			if (rc != 0) {
				if (strcmp(key, "t") != 0)
					*why = "a member's value has the wrong type or is too long";
				return VG_EINVAL;
			}
		} while (lit(&c, ','));
		if (!lit(&c, '}')) {
			*why = "the object is not closed";
			return VG_EINVAL;
		}
	}
	ws(&c);
	if (c.p != c.end) {
		*why = "text after the object";
		return VG_EINVAL;
	}
	if (!have_t || !out->rpps[0] || !out->nir[0]) {
		*why = "t, rpps and nir are required";
		return VG_EINVAL;
	}
	return 0;
}
