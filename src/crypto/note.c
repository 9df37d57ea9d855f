/*
 * note.c - signed notes, checkpoints and tlog-proof receipts. See note.h.
 */
#include "crypto/note.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#define DASH "\xe2\x80\x94 " /* U+2014 and a space: a signature line's start */
#define SIG_B64 92           /* base64 of 4-byte key id + 64-byte signature */
#define PROOF_HEADER "c2sp.org/tlog-proof@v1\n"

static int valid_name(const char *s, size_t n)
{
	if (n == 0 || n > NOTE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f || c == '+')
			return 0;
	}
	return 1;
}

/* Note text: non-empty lines each ending in '\n', no other control characters. */
static int valid_text(const char *s, size_t n)
{
	if (n == 0 || s[n - 1] != '\n' || s[0] == '\n')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' && i + 1 < n && s[i + 1] == '\n')
			return 0;
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return 0;
	}
	return 1;
}

/* Canonical standard base64 of exactly `want` bytes. */
static int b64_exact(const char *s, size_t n, uint8_t *out, size_t want)
{
	char again[256];
	size_t got = 0;
	const char *end = NULL;

	if (n != sodium_base64_ENCODED_LEN(want, sodium_base64_VARIANT_ORIGINAL) - 1 ||
	    n >= sizeof(again))
		return 0;
	if (sodium_base642bin(out, want, s, n, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != want || end != s + n)
		return 0;
	sodium_bin2base64(again, sizeof(again), out, want, sodium_base64_VARIANT_ORIGINAL);
	return memcmp(again, s, n) == 0;
}

uint32_t note_key_id(const char *name, const uint8_t pk[32])
{
	crypto_hash_sha256_state st;
	uint8_t h[32], sep[2] = { 0x0a, NOTE_SIG_ED25519 };

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)name, strlen(name));
	crypto_hash_sha256_update(&st, sep, 2);
	crypto_hash_sha256_update(&st, pk, 32);
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

int note_vkey_format(const char *name, const uint8_t pk[32], char *buf, size_t cap)
{
	uint8_t raw[33];
	char b64[64];
	int n;

	if (!valid_name(name, strlen(name)))
		return VG_EINVAL;
	raw[0] = NOTE_SIG_ED25519;
	memcpy(raw + 1, pk, 32);
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(buf, cap, "%s+%08" PRIx32 "+%s", name, note_key_id(name, pk), b64);
	return n < 0 || (size_t)n >= cap ? VG_ETOOBIG : 0;
}

int note_vkey_parse(const char *s, size_t len, struct note_verifier *out)
{
	const char *p1 = memchr(s, '+', len), *p2;
	uint8_t raw[33];
	uint32_t id = 0;

	memset(out, 0, sizeof(*out));
	if (!p1 || !valid_name(s, (size_t)(p1 - s)))
		return VG_EINVAL;
	p2 = memchr(p1 + 1, '+', len - (size_t)(p1 + 1 - s));
	if (!p2 || p2 - p1 - 1 != 8)
		return VG_EINVAL;
	for (const char *h = p1 + 1; h < p2; h++) {
		int d = *h >= '0' && *h <= '9' ? *h - '0' : *h >= 'a' && *h <= 'f' ? *h - 'a' + 10 : -1;

		if (d < 0)
			return VG_EINVAL;
		id = id << 4 | (uint32_t)d;
	}
	if (!b64_exact(p2 + 1, len - (size_t)(p2 + 1 - s), raw, sizeof(raw)) ||
	    raw[0] != NOTE_SIG_ED25519)
		return VG_EINVAL;
	memcpy(out->name, s, (size_t)(p1 - s));
	memcpy(out->pk, raw + 1, 32);
	if (note_key_id(out->name, out->pk) != id) {
		memset(out, 0, sizeof(*out));
		return VG_EINVAL;
	}
	out->id = id;
	return 0;
}

int note_sign(const char *name, const uint8_t sk[64], const char *text, size_t len, char *out,
              size_t cap, size_t *out_len)
{
	uint8_t sig[4 + 64];
	char b64[SIG_B64 + 1];
	size_t nl = strlen(name);
	uint32_t id;

	*out_len = 0;
	if (!valid_name(name, nl) || !valid_text(text, len))
		return VG_EINVAL;
	if (len + 1 + 4 + nl + 1 + SIG_B64 + 1 > cap)
		return VG_ETOOBIG;
	/* The key id comes from the public key, the last 32 bytes of a libsodium secret key. */
	id = note_key_id(name, sk + 32);
	sig[0] = (uint8_t)(id >> 24);
	sig[1] = (uint8_t)(id >> 16);
	sig[2] = (uint8_t)(id >> 8);
	sig[3] = (uint8_t)id;
	crypto_sign_detached(sig + 4, NULL, (const uint8_t *)text, len, sk);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	memcpy(out, text, len);
	out[len] = '\n';
	memcpy(out + len + 1, DASH, 4);
	memcpy(out + len + 5, name, nl);
	out[len + 5 + nl] = ' ';
	memcpy(out + len + 6 + nl, b64, SIG_B64);
	out[len + 6 + nl + SIG_B64] = '\n';
	*out_len = len + 7 + nl + SIG_B64;
	return 0;
}

int note_open(const char *msg, size_t len, const struct note_verifier *v, size_t nv,
              size_t *text_len)
{
	size_t split = 0, nsigs = 0;
	int verified = 0;
	const char *p, *end = msg + len;

	*text_len = 0;
	if (len < 2 || len > NOTE_MAX || msg[len - 1] != '\n')
		return VG_EINVAL;
	/* The text ends at the last "\n\n". */
	for (size_t i = len - 1; i > 0; i--)
		if (msg[i] == '\n' && msg[i - 1] == '\n') {
			split = i; /* msg[split] is the empty line's '\n' */
			break;
		}
	if (split == 0 || !valid_text(msg, split))
		return VG_EINVAL;
	for (p = msg + split + 1; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *sp;
		uint8_t sig[4 + 64];
		uint32_t id;

		if (!eol || ++nsigs > NOTE_SIGS_MAX || eol - p < 4 || memcmp(p, DASH, 4) != 0)
			return VG_EINVAL;
		sp = memchr(p + 4, ' ', (size_t)(eol - p - 4));
		if (!sp || !valid_name(p + 4, (size_t)(sp - p - 4)))
			return VG_EINVAL;
		for (size_t k = 0; k < nv; k++) {
			size_t nl = strlen(v[k].name);

			if (nl != (size_t)(sp - p - 4) || memcmp(v[k].name, p + 4, nl) != 0)
				continue;
			if (!b64_exact(sp + 1, (size_t)(eol - sp - 1), sig, sizeof(sig)))
				continue; /* not an Ed25519 signature: another key type under this name */
			id = (uint32_t)sig[0] << 24 | (uint32_t)sig[1] << 16 | (uint32_t)sig[2] << 8 | sig[3];
			if (id != v[k].id)
				continue;
			if (crypto_sign_verify_detached(sig + 4, (const uint8_t *)msg, split, v[k].pk) != 0)
				return VG_ECRYPTO;
			verified = 1;
		}
		p = eol + 1;
	}
	if (nsigs == 0)
		return VG_EINVAL;
	if (!verified)
		return VG_ECRYPTO;
	*text_len = split;
	return 0;
}

int checkpoint_format(const struct checkpoint *c, char *buf, size_t cap, size_t *len)
{
	char b64[64];
	int n;

	if (!valid_name(c->origin, strlen(c->origin)) || c->size > MERKLE_SIZE_MAX)
		return VG_EINVAL;
	sodium_bin2base64(b64, sizeof(b64), c->root, MERKLE_HASH_LEN, sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(buf, cap, "%s\n%" PRIu64 "\n%s\n", c->origin, c->size, b64);
	if (n < 0 || (size_t)n >= cap)
		return VG_ETOOBIG;
	*len = (size_t)n;
	return 0;
}

/* The line at *p (up to end): its length without '\n'; *p moves past it. -1 if no '\n'. */
static long next_line(const char **p, const char *end, const char **line)
{
	const char *eol = memchr(*p, '\n', (size_t)(end - *p));
	long n;

	if (!eol)
		return -1;
	*line = *p;
	n = eol - *p;
	*p = eol + 1;
	return n;
}

static int parse_u64(const char *s, long n, uint64_t *out)
{
	uint64_t v = 0;

	if (n <= 0 || n > 19 || (s[0] == '0' && n > 1))
		return -1;
	for (long i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > MERKLE_SIZE_MAX)
		return -1;
	*out = v;
	return 0;
}

int checkpoint_parse(const char *text, size_t len, struct checkpoint *out)
{
	const char *p = text, *end = text + len, *line;
	long n;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len > NOTE_MAX || !valid_text(text, len))
		return VG_EINVAL;
	n = next_line(&p, end, &line);
	/* An origin is spelled like a key name (it should be the log's key name). */
	if (n <= 0 || !valid_name(line, (size_t)n))
		goto bad;
	memcpy(out->origin, line, (size_t)n);
	n = next_line(&p, end, &line);
	if (parse_u64(line, n, &out->size) != 0)
		goto bad;
	n = next_line(&p, end, &line);
	if (n < 0 || !b64_exact(line, (size_t)n, out->root, MERKLE_HASH_LEN))
		goto bad;
	return 0; /* extension lines, if any, were checked non-empty by valid_text */
bad:
	memset(out, 0, sizeof(*out));
	return VG_EINVAL;
}

int tlog_proof_format(uint64_t index, const struct merkle_proof *proof,
                      const char *signed_checkpoint, size_t cp_len, char *buf, size_t cap,
                      size_t *len)
{
	size_t off;
	int n;

	*len = 0;
	if (proof->len > MERKLE_PROOF_MAX || cp_len == 0)
		return VG_EINVAL;
	n = snprintf(buf, cap, PROOF_HEADER "index %" PRIu64 "\n", index);
	if (n < 0 || (size_t)n >= cap)
		return VG_ETOOBIG;
	off = (size_t)n;
	for (size_t i = 0; i < proof->len; i++) {
		if (off + 45 + 1 > cap)
			return VG_ETOOBIG;
		sodium_bin2base64(buf + off, cap - off, proof->hash[i], MERKLE_HASH_LEN,
		                  sodium_base64_VARIANT_ORIGINAL);
		off += 44;
		buf[off++] = '\n';
	}
	if (off + 1 + cp_len > cap)
		return VG_ETOOBIG;
	buf[off++] = '\n';
	memcpy(buf + off, signed_checkpoint, cp_len);
	*len = off + cp_len;
	return 0;
}

int tlog_proof_parse(const char *s, size_t len, uint64_t *index, struct merkle_proof *proof,
                     const char **cp, size_t *cp_len)
{
	const char *p = s, *end = s + len, *line;
	long n;

	*index = 0;
	proof->len = 0;
	*cp = NULL;
	*cp_len = 0;
	if (len > NOTE_MAX || len < sizeof(PROOF_HEADER) - 1 ||
	    memcmp(s, PROOF_HEADER, sizeof(PROOF_HEADER) - 1) != 0)
		return VG_EINVAL;
	p += sizeof(PROOF_HEADER) - 1;
	n = next_line(&p, end, &line);
	if (n >= 6 && memcmp(line, "extra ", 6) == 0) {
		/* Opaque to us, but it must be base64. */
		if (n == 6 || (n - 6) % 4 != 0)
			return VG_EINVAL;
		for (long i = 6; i < n; i++) {
			char c = line[i];

			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			      c == '+' || c == '/' || (c == '=' && i >= n - 2)))
				return VG_EINVAL;
		}
		n = next_line(&p, end, &line);
	}
	if (n < 7 || memcmp(line, "index ", 6) != 0 || parse_u64(line + 6, n - 6, index) != 0)
		return VG_EINVAL;
	for (;;) {
		n = next_line(&p, end, &line);
		if (n < 0)
			return VG_EINVAL;
		if (n == 0)
			break;
		if (proof->len == MERKLE_PROOF_MAX ||
		    !b64_exact(line, (size_t)n, proof->hash[proof->len], MERKLE_HASH_LEN)) {
			proof->len = 0;
			return VG_EINVAL;
		}
		proof->len++;
	}
	if (p == end) {
		proof->len = 0;
		return VG_EINVAL;
	}
	*cp = p;
	*cp_len = (size_t)(end - p);
	return 0;
}
