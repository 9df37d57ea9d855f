/* event.c - the replay event line. See event.h. */
#include "core/event.h"

#include "core/access.h"

#include <string.h>
#include "core/banned.h"

struct cur {
	const char *p, *end;
};

static void ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static bool lit(struct cur *c, char ch)
{
	ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static bool hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/*
 * A string into out (cap bytes, NUL-terminated). Without escapes allowed, a
 * backslash is refused; with them, a valid JSON escape is kept as written.
 * When cut is set, characters past cap - 1 are dropped instead of refused.
 * Returns 0, or -1 (malformed or too long).
 */
static int str(struct cur *c, char *out, size_t cap, bool escapes, bool cut)
{
	size_t n = 0;

	if (!lit(c, '"'))
		return -1;
	/* The common case in one pass: no escape before the closing quote. */
	for (const char *q = c->p; q < c->end; q++) {
		unsigned char ch = (unsigned char)*q;

		if (ch == '"') {
			if (n >= cap)
				n = cap - 1; /* cut (or refused above) */
			out[n] = '\0';
			c->p = q + 1;
			return 0;
		}
		if (ch < 0x20)
			return -1;
		if (ch == '\\')
			break;
		if (n + 1 < cap)
			out[n] = (char)ch;
		else if (!cut)
			return -1;
		n++;
	}
	n = 0;
	if (!escapes)
		return -1;
	while (c->p < c->end && *c->p != '"') {
		unsigned char ch = (unsigned char)*c->p;
		size_t w = 1;

		if (ch < 0x20)
			return -1;
		if (ch == '\\') {
			if (c->end - c->p < 2)
				return -1;
			if (c->p[1] == 'u') {
				if (c->end - c->p < 6 || !hex(c->p[2]) || !hex(c->p[3]) ||
				    !hex(c->p[4]) || !hex(c->p[5]))
					return -1;
				w = 6;
			} else if (c->p[1] != '\0' && strchr("\"\\/bfnrt", c->p[1])) {
				w = 2;
			} else {
				return -1;
			}
		}
		if (n + w >= cap) {
			if (!cut)
				return -1;
		} else {
			memcpy(out + n, c->p, w);
			n += w;
		}
		c->p += w;
	}
	if (c->p == c->end)
		return -1;
	c->p++;
	out[n] = '\0';
	return 0;
}

static int boolean(struct cur *c, int8_t *out)
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

/* Non-negative seconds, an integer or with a fraction (kept to the millisecond). */
static int seconds(struct cur *c, int64_t *ms)
{
	int64_t s = 0, frac = 0;
	int digits = 0, fdigits = 0;

	ws(c);
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		if (++digits > 11)
			return -1;
		s = s * 10 + (*c->p - '0');
		c->p++;
	}
	if (!digits)
		return -1;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			if (++fdigits > 9)
				return -1;
			if (fdigits <= 3)
				frac = frac * 10 + (*c->p - '0');
			c->p++;
		}
		if (!fdigits)
			return -1;
		for (int i = fdigits; i < 3; i++)
			frac *= 10;
	}
	if (s > EVENT_T_MAX_S)
		return -1;
	*ms = s * 1000 + frac;
	return 0;
}

static int profession(struct cur *c, int *out)
{
	char name[16];

	ws(c);
	if (c->p < c->end && *c->p >= '0' && *c->p <= '5') {
		*out = *c->p - '0';
		c->p++;
		return c->p < c->end && *c->p >= '0' && *c->p <= '9' ? -1 : 0;
	}
	if (str(c, name, sizeof(name), false, false) != 0)
		return -1;
	*out = access_profession_parse(name, strlen(name));
	return *out > 0 ? 0 : -1;
}

/* A department code: 2 or 3 characters, digits or 2A/2B (checked against the tables later). */
static int dept(struct cur *c, char out[4])
{
	size_t n;

	if (str(c, out, 4, false, false) != 0)
		return -1;
	n = strlen(out);
	return n == 2 || n == 3 ? 0 : -1;
}

static int action(struct cur *c, enum replay_action *out)
{
	char a[16];

	if (str(c, a, sizeof(a), false, false) != 0)
		return -1;
	if (strcmp(a, "step_up") == 0)
		*out = REPLAY_STEP_UP;
	else if (strcmp(a, "reinstate") == 0)
		*out = REPLAY_REINSTATE;
	else
		return -1;
	return 0;
}

enum member {
	M_T = 1 << 0,
	M_RPPS = 1 << 1,
	M_NIR = 1 << 2,
	M_CARD = 1 << 3,
	M_IP = 1 << 4,
	M_UA = 1 << 5,
	M_PROF = 1 << 6,
	M_DEPT = 1 << 7,
	M_PDEPT = 1 << 8,
	M_FOUND = 1 << 9,
	M_HONEY = 1 << 10,
	M_NEAR = 1 << 11,
	M_MOVED = 1 << 12,
	M_ACTION = 1 << 13,
	M_OPEN = 1 << 14,
	M_MISMATCH = 1 << 15,
};

static enum member member_of(const char *k, size_t n)
{
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(k, lit, n) == 0)
	switch (k[0]) {
	case 't': return IS("t") ? M_T : IS("token_moved") ? M_MOVED : 0;
	case 'r': return IS("rpps") ? M_RPPS : 0;
	case 'n': return IS("nir") ? M_NIR : IS("near") ? M_NEAR : 0;
	case 'o': return IS("open") ? M_OPEN : 0;
	case 'c': return IS("card") ? M_CARD : 0;
	case 'i': return IS("ip") ? M_IP : 0;
	case 'u': return IS("ua") ? M_UA : 0;
	case 'p': return IS("profession") ? M_PROF : IS("patient_dept") ? M_PDEPT : 0;
	case 'd': return IS("dept") ? M_DEPT : 0;
	case 'f': return IS("found") ? M_FOUND : 0;
	case 'h': return IS("honeytoken") ? M_HONEY : 0;
	case 'a': return IS("action") ? M_ACTION : 0;
	case 'm': return IS("mismatch") ? M_MISMATCH : 0;
	default: return 0;
	}
#undef IS
}

/* A member name, in place (names have no escapes: one that has is unknown). */
static int name(struct cur *c, const char **k, size_t *n)
{
	const char *q;

	if (!lit(c, '"'))
		return -1;
	q = memchr(c->p, '"', (size_t)(c->end - c->p));
	if (!q)
		return -1;
	*k = c->p;
	*n = (size_t)(q - c->p);
	c->p = q + 1;
	return 0;
}

int event_parse(const char *s, size_t len, struct replay_event *out, const char **why)
{
	struct cur c = { s, s + len };
	unsigned have = 0;

	out->t_ms = 0;
	out->action = REPLAY_LOOKUP;
	out->rpps[0] = out->nir[0] = out->ip[0] = out->ua[0] = '\0';
	out->dept[0] = out->patient_dept[0] = '\0';
	out->card = false;
	out->profession = 0;
	out->found = out->honeytoken = out->near = out->token_moved = out->open = -1;
	out->mismatch = -1;
	if (!lit(&c, '{')) {
		*why = "an event is a JSON object {\"t\",\"rpps\",\"nir\",\"card\",\"ip\",\"ua\"}";
		return VG_EINVAL;
	}
	if (!lit(&c, '}')) {
		do {
			enum member m;
			int rc = -1;
			int8_t b = 0;
			const char *k;
			size_t kn;

			if (name(&c, &k, &kn) != 0 || !lit(&c, ':')) {
				*why = "a member name is malformed";
				return VG_EINVAL;
			}
			m = member_of(k, kn);
			if (!m || (have & m)) {
				*why = m ? "a member is repeated" : "unknown member";
				return VG_EINVAL;
			}
			have |= m;
			switch (m) {
			case M_T:
				if (seconds(&c, &out->t_ms) != 0) {
					*why = "t must be unix seconds (a non-negative number)";
					return VG_EINVAL;
				}
				continue;
			case M_RPPS:
				rc = str(&c, out->rpps, sizeof(out->rpps), false, false);
				break;
			case M_NIR: rc = str(&c, out->nir, sizeof(out->nir), false, false); break;
			case M_IP: rc = str(&c, out->ip, sizeof(out->ip), true, false); break;
			case M_UA: rc = str(&c, out->ua, sizeof(out->ua), true, true); break;
			case M_CARD:
				rc = boolean(&c, &b);
				out->card = b == 1;
				break;
			case M_PROF: rc = profession(&c, &out->profession); break;
			case M_DEPT: rc = dept(&c, out->dept); break;
			case M_PDEPT: rc = dept(&c, out->patient_dept); break;
			case M_FOUND: rc = boolean(&c, &out->found); break;
			case M_HONEY: rc = boolean(&c, &out->honeytoken); break;
			case M_NEAR: rc = boolean(&c, &out->near); break;
			case M_MOVED: rc = boolean(&c, &out->token_moved); break;
			case M_OPEN: rc = boolean(&c, &out->open); break;
			case M_MISMATCH: rc = boolean(&c, &out->mismatch); break;
			case M_ACTION: rc = action(&c, &out->action); break;
			}
			if (rc != 0) {
				*why = "a member's value has the wrong type or is too long";
				return VG_EINVAL;
			}
		} while (lit(&c, ','));
		if (!lit(&c, '}')) {
			*why = "the object is not closed (or a comma is missing)";
			return VG_EINVAL;
		}
	}
	ws(&c);
	if (c.p != c.end) {
		*why = "text after the object";
		return VG_EINVAL;
	}
	if ((have & (M_T | M_RPPS)) != (M_T | M_RPPS) || !out->rpps[0] ||
	    (out->action == REPLAY_LOOKUP && !(have & M_NIR))) {
		*why = "t, rpps and nir are required (rpps not empty)";
		return VG_EINVAL;
	}
	return 0;
}
