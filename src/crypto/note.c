/*
 * note.c - signed notes, checkpoints and tlog-proof receipts. See note.h.
 *
 * Parsing is two-staged wherever signatures are involved: the whole input is
 * checked for shape first, and only a well-formed note costs an Ed25519
 * verification, so malformed input is always VG_EINVAL whatever order its
 * lines come in.
 */
#include "crypto/note.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include "core/banned.h"

#define DASH             "\xe2\x80\x94 " /* U+2014 and a space: how a signature line starts */
#define DASH_LEN         4
#define ED_SIG_LEN       (4 + crypto_sign_BYTES) /* key ID || Ed25519 signature */
#define ED_SIG_B64       92                      /* its base64 */
#define HASH_B64         44                      /* base64 of a 32-byte hash */
#define PROOF_HEADER     "c2sp.org/tlog-proof@v1\n"
#define PROOF_HEADER_LEN (sizeof(PROOF_HEADER) - 1)

/* ---- characters --------------------------------------------------------- */

/*
 * Decode one UTF-8 sequence at s (n > 0 bytes left) as RFC 3629 defines it:
 * no overlong forms, no surrogates, nothing above U+10FFFF. Returns its
 * length (1 to 4) with *cp set, or 0 if the bytes are not valid UTF-8.
 */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
		c &= 0x07;
	} else {
		return 0; /* a continuation byte, or a lead byte of no valid sequence */
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* The signed-note character rule: valid UTF-8, no ASCII control but '\n'. */
static bool chars_ok(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k;

		if (u[i] >= 0x20 && u[i] < 0x80) { /* the common case, one byte */
			i++;
			continue;
		}
		k = utf8_next(u + i, n - i, &cp);
		if (k == 0 || (cp < 0x20 && cp != '\n'))
			return false;
		i += k;
	}
	return true;
}

/* Unicode White_Space, the "Unicode spaces" a key name must not contain. */
static bool is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

/*
 * A key name as the spec has it: non-empty, no Unicode space, no '+'; and,
 * since it sits in a note, valid UTF-8 without control characters. No
 * length limit here: names of keys we do not know may be longer than ours.
 */
static bool name_ok(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	if (n == 0)
		return false;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_next(u + i, n - i, &cp);

		if (k == 0 || cp < 0x20 || cp == '+' || is_space(cp))
			return false;
		i += k;
	}
	return true;
}

/* A NUL-terminated name of ours: a key name of at most NOTE_NAME_MAX bytes. */
static bool own_name_ok(const char *name, size_t *n)
{
	*n = strnlen(name, NOTE_NAME_MAX + 1);
	return *n <= NOTE_NAME_MAX && name_ok(name, *n);
}

/* ---- base64 ------------------------------------------------------------- */

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Whether s (n bytes) is canonical standard base64 of something non-empty:
 * groups of four, '=' only as the one or two last characters, the unused
 * bits of the last character zero. Sets *dlen to the decoded length.
 */
static bool b64_canonical(const char *s, size_t n, size_t *dlen)
{
	size_t pad = 0;

	if (n == 0 || n % 4 != 0)
		return false;
	while (pad < 2 && s[n - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < n - pad; i++)
		if (b64_value((unsigned char)s[i]) < 0)
			return false;
	if (pad == 1 && (b64_value((unsigned char)s[n - 2]) & 0x03) != 0)
		return false;
	if (pad == 2 && (b64_value((unsigned char)s[n - 3]) & 0x0f) != 0)
		return false;
	*dlen = n / 4 * 3 - pad;
	return true;
}

/* Decode canonical base64 s (n bytes) of exactly `want` bytes into out. */
static bool b64_exact(const char *s, size_t n, uint8_t *out, size_t want)
{
	size_t dlen = 0, got = 0;

	if (!b64_canonical(s, n, &dlen) || dlen != want)
		return false;
	return sodium_base642bin(out, want, s, n, NULL, &got, NULL,
	                         sodium_base64_VARIANT_ORIGINAL) == 0 &&
	       got == want;
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* ---- lines and numbers -------------------------------------------------- */

/*
 * The line at *p (before end): *line and *n (without its '\n'); *p moves
 * past the '\n'. False if no '\n' is left.
 */
static bool next_line(const char **p, const char *end, const char **line, size_t *n)
{
	const char *eol = memchr(*p, '\n', (size_t)(end - *p));

	if (!eol)
		return false;
	*line = *p;
	*n = (size_t)(eol - *p);
	*p = eol + 1;
	return true;
}

/* ASCII decimal without leading zero ("0" alone is fine), at most max. */
static bool parse_dec(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	/* 19 digits stay below 2^64, and MERKLE_SIZE_MAX has 19. */
	if (n == 0 || n > 19 || (s[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* ---- keys --------------------------------------------------------------- */

uint32_t note_key_id(const char *name, const uint8_t pk[32])
{
	crypto_hash_sha256_state st;
	uint8_t h[crypto_hash_sha256_BYTES];
	const uint8_t sep[2] = { 0x0a, NOTE_SIG_ED25519 };

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)name, strlen(name));
	crypto_hash_sha256_update(&st, sep, sizeof(sep));
	crypto_hash_sha256_update(&st, pk, 32);
	crypto_hash_sha256_final(&st, h);
	return be32(h);
}

int note_vkey_format(const char *name, const uint8_t pk[32], char *buf, size_t cap)
{
	uint8_t raw[33];
	char b64[sodium_base64_ENCODED_LEN(33, sodium_base64_VARIANT_ORIGINAL)];
	size_t nl;
	int n, rc;

	if (!own_name_ok(name, &nl)) {
		rc = VG_EINVAL;
		goto out;
	}
	raw[0] = NOTE_SIG_ED25519;
	memcpy(raw + 1, pk, 32);
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(buf, cap, "%s+%08" PRIx32 "+%s", name, note_key_id(name, pk), b64);
	rc = n < 0 || (size_t)n >= cap ? VG_ETOOBIG : 0;
out:
	if (rc != 0 && cap > 0)
		buf[0] = '\0';
	return rc;
}

int note_vkey_parse(const char *s, size_t len, struct note_verifier *out)
{
	const char *p1, *p2, *key;
	uint8_t raw[33];
	uint32_t id = 0;
	size_t nl, kl;
	int rc = VG_EINVAL;

	memset(out, 0, sizeof(*out));
	/* The name has no '+', so the first '+' ends it; base64 may hold '+'. */
	p1 = memchr(s, '+', len);
	if (!p1)
		goto out;
	nl = (size_t)(p1 - s);
	if (nl > NOTE_NAME_MAX || !name_ok(s, nl) || len - nl - 1 < 9 || p1[9] != '+')
		goto out;
	p2 = p1 + 9;
	for (const char *h = p1 + 1; h < p2; h++) {
		int d;

		if (*h >= '0' && *h <= '9')
			d = *h - '0';
		else if (*h >= 'a' && *h <= 'f')
			d = *h - 'a' + 10;
		else if (*h >= 'A' && *h <= 'F')
			d = *h - 'A' + 10;
		else
			goto out;
		id = id << 4 | (uint32_t)d;
	}
	key = p2 + 1;
	kl = len - (size_t)(key - s);
	if (!b64_exact(key, kl, raw, sizeof(raw)) || raw[0] != NOTE_SIG_ED25519)
		goto out;
	memcpy(out->name, s, nl);
	memcpy(out->pk, raw + 1, 32);
	if (note_key_id(out->name, out->pk) != id)
		goto out;
	out->id = id;
	rc = 0;
out:
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* ---- signed notes ------------------------------------------------------- */

int note_sign(const char *name, const uint8_t sk[64], const char *text, size_t len, char *out,
              size_t cap, size_t *out_len)
{
	uint8_t sig[ED_SIG_LEN];
	char b64[ED_SIG_B64 + 1];
	size_t nl, total, off;
	uint32_t id;

	*out_len = 0;
	if (len > NOTE_MAX)
		return VG_ETOOBIG;
	if (!own_name_ok(name, &nl) || len == 0 || text[len - 1] != '\n' || !chars_ok(text, len))
		return VG_EINVAL;
	total = len + 1 + DASH_LEN + nl + 1 + ED_SIG_B64 + 1;
	if (total > NOTE_MAX || total > cap)
		return VG_ETOOBIG;
	/* The key ID comes from the public key, the second half of a libsodium secret key. */
	id = note_key_id(name, sk + crypto_sign_SEEDBYTES);
	sig[0] = (uint8_t)(id >> 24);
	sig[1] = (uint8_t)(id >> 16);
	sig[2] = (uint8_t)(id >> 8);
	sig[3] = (uint8_t)id;
	crypto_sign_detached(sig + 4, NULL, (const uint8_t *)text, len, sk);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	memcpy(out, text, len);
	off = len;
	out[off++] = '\n';
	memcpy(out + off, DASH, DASH_LEN);
	off += DASH_LEN;
	memcpy(out + off, name, nl);
	off += nl;
	out[off++] = ' ';
	memcpy(out + off, b64, ED_SIG_B64);
	off += ED_SIG_B64;
	out[off++] = '\n';
	*out_len = off;
	return 0;
}

/* One signature line, split but not verified. */
struct sig_line {
	const char *name;
	size_t name_len;
	const char *b64;
	size_t b64_len;
	size_t sig_len; /* decoded bytes: key ID and signature */
	uint32_t id;
};

/* Parse "— <name> <base64>" (n bytes, '\n' excluded). False if malformed. */
static bool sig_line_parse(const char *p, size_t n, struct sig_line *sl)
{
	const char *sp;
	uint8_t head[6];
	size_t got = 0;

	if (n < DASH_LEN || memcmp(p, DASH, DASH_LEN) != 0)
		return false;
	sl->name = p + DASH_LEN;
	sp = memchr(sl->name, ' ', n - DASH_LEN);
	if (!sp)
		return false;
	sl->name_len = (size_t)(sp - sl->name);
	sl->b64 = sp + 1;
	sl->b64_len = n - DASH_LEN - sl->name_len - 1;
	/* "4+n bytes": a key ID and a signature of at least one byte. */
	if (!name_ok(sl->name, sl->name_len) ||
	    !b64_canonical(sl->b64, sl->b64_len, &sl->sig_len) || sl->sig_len < 5)
		return false;
	/* The key ID is in the first group of 8 characters (5 or 6 bytes). */
	if (sodium_base642bin(head, sizeof(head), sl->b64, 8, NULL, &got, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got < 4)
		return false;
	sl->id = be32(head);
	return true;
}

/*
 * Check one well-formed signature line against the known keys: 0 if it is
 * by none of them (ignored), 1 if a known key verifies it, VG_ECRYPTO if it
 * is by a known key (name and ID) and does not verify.
 */
static int sig_line_check(const struct sig_line *sl, const char *text, size_t text_len,
                          const struct note_verifier *v, size_t nv)
{
	uint8_t sig[ED_SIG_LEN];
	bool known = false;

	for (size_t k = 0; k < nv; k++) {
		size_t nl = strnlen(v[k].name, sizeof(v[k].name));

		if (v[k].id != sl->id || nl != sl->name_len || memcmp(v[k].name, sl->name, nl) != 0)
			continue;
		known = true;
		if (sl->sig_len != ED_SIG_LEN || !b64_exact(sl->b64, sl->b64_len, sig, sizeof(sig)))
			continue; /* cannot be an Ed25519 signature: it fails */
		if (crypto_sign_verify_detached(sig + 4, (const uint8_t *)text, text_len,
		                                v[k].pk) == 0)
			return 1;
	}
	return known ? VG_ECRYPTO : 0;
}

int note_open(const char *msg, size_t len, const struct note_verifier *v, size_t nv,
              size_t *text_len)
{
	const char *p, *end = msg + len, *line;
	size_t tl = 0, n, nsigs = 0;
	struct sig_line sl;
	bool verified = false;
	int rc = VG_EINVAL;

	*text_len = 0;
	if (len > NOTE_MAX) {
		rc = VG_ETOOBIG;
		goto out;
	}
	if (len < 2 || msg[len - 1] != '\n' || !chars_ok(msg, len))
		goto out;
	/* The text ends at the last empty line: after the last "\n\n", only signature lines. */
	for (size_t i = len - 1; i > 0; i--)
		if (msg[i] == '\n' && msg[i - 1] == '\n') {
			tl = i; /* msg[tl] is the empty line's '\n' */
			break;
		}
	if (tl == 0 || tl + 1 == len)
		goto out;
	/* Shape first. */
	for (p = msg + tl + 1; next_line(&p, end, &line, &n);) {
		if (++nsigs > NOTE_SIGS_MAX) {
			rc = VG_ETOOBIG;
			goto out;
		}
		if (!sig_line_parse(line, n, &sl))
			goto out;
	}
	/* Then signatures: a known key's failure rejects the note. */
	rc = VG_ECRYPTO;
	for (p = msg + tl + 1; next_line(&p, end, &line, &n);) {
		int r;

		if (!sig_line_parse(line, n, &sl)) { /* cannot happen: checked above */
			rc = VG_EINVAL;
			goto out;
		}
		r = sig_line_check(&sl, msg, tl, v, nv);
		if (r < 0)
			goto out;
		verified = verified || r == 1;
	}
	if (!verified)
		goto out;
	*text_len = tl;
	rc = 0;
out:
	return rc;
}

/* ---- checkpoints -------------------------------------------------------- */

/* A checkpoint origin: 1 to NOTE_NAME_MAX bytes of note characters, no '\n'. */
static bool origin_ok(const char *s, size_t n)
{
	return n >= 1 && n <= NOTE_NAME_MAX && memchr(s, '\n', n) == NULL && chars_ok(s, n);
}

int checkpoint_format(const struct checkpoint *c, char *buf, size_t cap, size_t *len)
{
	char b64[HASH_B64 + 1];
	size_t ol = strnlen(c->origin, sizeof(c->origin));
	int n, rc;

	*len = 0;
	if (!origin_ok(c->origin, ol) || c->size > MERKLE_SIZE_MAX) {
		rc = VG_EINVAL;
		goto out;
	}
	sodium_bin2base64(b64, sizeof(b64), c->root, MERKLE_HASH_LEN,
	                  sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(buf, cap, "%s\n%" PRIu64 "\n%s\n", c->origin, c->size, b64);
	if (n < 0 || (size_t)n >= cap) {
		rc = VG_ETOOBIG;
		goto out;
	}
	*len = (size_t)n;
	rc = 0;
out:
	if (rc != 0 && cap > 0)
		buf[0] = '\0';
	return rc;
}

int checkpoint_parse(const char *text, size_t len, struct checkpoint *out)
{
	const char *p = text, *end = text + len, *line;
	size_t n;
	int rc = VG_EINVAL;

	memset(out, 0, sizeof(*out));
	if (len > NOTE_MAX) {
		rc = VG_ETOOBIG;
		goto out;
	}
	/* Lines all non-empty and '\n'-terminated; extension lines need nothing more. */
	if (len == 0 || text[0] == '\n' || text[len - 1] != '\n' || memmem(text, len, "\n\n", 2) ||
	    !chars_ok(text, len))
		goto out;
	if (!next_line(&p, end, &line, &n) || !origin_ok(line, n))
		goto out;
	memcpy(out->origin, line, n);
	if (!next_line(&p, end, &line, &n) || !parse_dec(line, n, MERKLE_SIZE_MAX, &out->size))
		goto out;
	if (!next_line(&p, end, &line, &n) || !b64_exact(line, n, out->root, MERKLE_HASH_LEN))
		goto out;
	rc = 0;
out:
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* ---- tlog-proof receipts ------------------------------------------------ */

int tlog_proof_format(uint64_t index, const struct merkle_proof *proof,
                      const char *signed_checkpoint, size_t cp_len, char *buf, size_t cap,
                      size_t *len)
{
	char head[PROOF_HEADER_LEN + 32];
	size_t off, total;
	int n;

	*len = 0;
	if (index > MERKLE_SIZE_MAX || proof->len > MERKLE_PROOF_MAX || cp_len == 0)
		return VG_EINVAL;
	n = snprintf(head, sizeof(head), PROOF_HEADER "index %" PRIu64 "\n", index);
	if (n < 0 || (size_t)n >= sizeof(head))
		return VG_EINVAL; /* cannot happen: index has at most 19 digits */
	if (cp_len > TLOG_PROOF_MAX)
		return VG_ETOOBIG;
	total = (size_t)n + proof->len * (HASH_B64 + 1) + 1 + cp_len;
	if (total > TLOG_PROOF_MAX || total > cap)
		return VG_ETOOBIG;
	memcpy(buf, head, (size_t)n);
	off = (size_t)n;
	for (size_t i = 0; i < proof->len; i++) {
		char b64[HASH_B64 + 1];

		sodium_bin2base64(b64, sizeof(b64), proof->hash[i], MERKLE_HASH_LEN,
		                  sodium_base64_VARIANT_ORIGINAL);
		memcpy(buf + off, b64, HASH_B64);
		off += HASH_B64;
		buf[off++] = '\n';
	}
	buf[off++] = '\n';
	memcpy(buf + off, signed_checkpoint, cp_len);
	*len = off + cp_len;
	return 0;
}

int tlog_proof_parse(const char *s, size_t len, uint64_t *index, struct merkle_proof *proof,
                     const char **cp, size_t *cp_len)
{
	const char *p = s, *end = s + len, *line;
	size_t n, dlen;
	int rc = VG_EINVAL;

	*index = 0;
	proof->len = 0;
	*cp = NULL;
	*cp_len = 0;
	if (len > TLOG_PROOF_MAX) {
		rc = VG_ETOOBIG;
		goto out;
	}
	if (len < PROOF_HEADER_LEN || memcmp(s, PROOF_HEADER, PROOF_HEADER_LEN) != 0)
		goto out;
	p += PROOF_HEADER_LEN;
	if (!next_line(&p, end, &line, &n))
		goto out;
	/* "extra <base64>": opaque and unauthenticated; absent rather than empty. */
	if (n >= 6 && memcmp(line, "extra ", 6) == 0) {
		if (!b64_canonical(line + 6, n - 6, &dlen) || !next_line(&p, end, &line, &n))
			goto out;
	}
	if (n < 7 || memcmp(line, "index ", 6) != 0 ||
	    !parse_dec(line + 6, n - 6, MERKLE_SIZE_MAX, index))
		goto out;
	for (;;) {
		if (!next_line(&p, end, &line, &n))
			goto out;
		if (n == 0)
			break;
		if (proof->len == MERKLE_PROOF_MAX) {
			rc = VG_ETOOBIG;
			goto out;
		}
		if (!b64_exact(line, n, proof->hash[proof->len], MERKLE_HASH_LEN))
			goto out;
		proof->len++;
	}
	if (p == end)
		goto out;
	*cp = p;
	*cp_len = (size_t)(end - p);
	rc = 0;
out:
	if (rc != 0) {
		*index = 0;
		proof->len = 0;
	}
	return rc;
}
