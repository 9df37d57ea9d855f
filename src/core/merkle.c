#include "core/merkle.h"

#include <assert.h>
#include <string.h>
#include <sodium.h>
#include "core/banned.h"

/* ---- hashing ---------------------------------------------------------- */

void merkle_leaf_hash(const void *entry, size_t len, uint8_t out[MERKLE_HASH_LEN])
{
	static const uint8_t prefix = 0x00;
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	if (len > 0)
		crypto_hash_sha256_update(&st, entry, len);
	crypto_hash_sha256_final(&st, out);
}

void merkle_node_hash(const uint8_t left[MERKLE_HASH_LEN], const uint8_t right[MERKLE_HASH_LEN],
                      uint8_t out[MERKLE_HASH_LEN])
{
	/* One contiguous buffer: cheaper than three updates, and out may alias an input. */
	uint8_t buf[1 + 2 * MERKLE_HASH_LEN];

	buf[0] = 0x01;
	memcpy(buf + 1, left, MERKLE_HASH_LEN);
	memcpy(buf + 1 + MERKLE_HASH_LEN, right, MERKLE_HASH_LEN);
	crypto_hash_sha256(out, buf, sizeof(buf));
}

void merkle_empty_root(uint8_t out[MERKLE_HASH_LEN])
{
	crypto_hash_sha256(out, NULL, 0);
}

/* ---- the frontier ----------------------------------------------------- */

void merkle_frontier_init(struct merkle_frontier *f)
{
	memset(f, 0, sizeof(*f));
}

int merkle_frontier_append(struct merkle_frontier *f, const uint8_t leaf_hash[MERKLE_HASH_LEN],
                           uint8_t completed[][MERKLE_HASH_LEN], unsigned *ncompleted)
{
	uint8_t h[MERKLE_HASH_LEN];
	unsigned l = 0;

	if (f->size >= MERKLE_SIZE_MAX)
		return VG_ETOOBIG;
	memcpy(h, leaf_hash, MERKLE_HASH_LEN);
	if (completed)
		memcpy(completed[0], h, MERKLE_HASH_LEN);
	/*
	 * Each trailing 1 bit of the old size is a complete subtree the new
	 * leaf now pairs with, like a carry in binary addition. f->size <
	 * 2^63 - 1 bounds the carry to 62 steps, so l stays below MERKLE_LEVELS.
	 */
	while ((f->size >> l) & 1) {
		merkle_node_hash(f->hash[l], h, h);
		l++;
		if (completed)
			memcpy(completed[l], h, MERKLE_HASH_LEN);
	}
	assert(l < MERKLE_LEVELS);
	memcpy(f->hash[l], h, MERKLE_HASH_LEN);
	f->size++;
	if (ncompleted)
		*ncompleted = l + 1;
	return 0;
}

void merkle_frontier_root(const struct merkle_frontier *f, uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t r[MERKLE_HASH_LEN];
	bool have = false;

	/* The lowest set bit is the rightmost subtree; fold leftwards. */
	for (unsigned l = 0; l < MERKLE_LEVELS; l++) {
		if (!((f->size >> l) & 1))
			continue;
		if (have) {
			merkle_node_hash(f->hash[l], r, r);
		} else {
			memcpy(r, f->hash[l], MERKLE_HASH_LEN);
			have = true;
		}
	}
	if (have)
		memcpy(out, r, MERKLE_HASH_LEN);
	else
		merkle_empty_root(out);
}

int merkle_frontier_load(struct merkle_frontier *f, merkle_hash_fn get, void *ctx, uint64_t size)
{
	int err = 0;

	merkle_frontier_init(f);
	if (size > MERKLE_SIZE_MAX)
		return VG_EINVAL;
	for (unsigned l = 0; l < MERKLE_LEVELS; l++) {
		if (!((size >> l) & 1))
			continue;
		err = get(ctx, l, (size >> l) - 1, f->hash[l]);
		if (err != 0)
			goto out;
	}
	f->size = size;
out:
	if (err != 0)
		merkle_frontier_init(f);
	return err;
}

int merkle_root(const uint8_t *leaf_hashes, uint64_t n, uint8_t out[MERKLE_HASH_LEN])
{
	struct merkle_frontier f;

	if (n > MERKLE_SIZE_MAX || (n > 0 && leaf_hashes == NULL))
		return VG_EINVAL;
	merkle_frontier_init(&f);
	for (uint64_t i = 0; i < n; i++) {
		int err = merkle_frontier_append(&f, leaf_hashes + i * MERKLE_HASH_LEN, NULL, NULL);

		/* n <= MERKLE_SIZE_MAX, so the frontier cannot fill up. */
		assert(err == 0);
		(void)err;
	}
	merkle_frontier_root(&f, out);
	return 0;
}

/* ---- subtrees from stored hashes -------------------------------------- */

/*
 * The MTH of leaves [lo, hi), lo < hi, where lo is a multiple of a power of
 * two >= hi - lo (true of every range the RFC's recursion visits). Such a
 * range is the concatenation of complete subtrees, one per set bit of
 * hi - lo, largest first; fold them from the right.
 */
static int subtree_root(merkle_hash_fn get, void *ctx, uint64_t lo, uint64_t hi,
                        uint8_t out[MERKLE_HASH_LEN])
{
	uint64_t n = hi - lo, end = hi;
	uint8_t h[MERKLE_HASH_LEN];
	bool have = false;
	int err;

	assert(lo < hi);
	for (unsigned l = 0; l < MERKLE_LEVELS; l++) {
		uint64_t start;

		if (!((n >> l) & 1))
			continue;
		start = end - ((uint64_t)1 << l);
		assert(start % ((uint64_t)1 << l) == 0);
		err = get(ctx, l, start >> l, h);
		if (err != 0)
			return err;
		if (have) {
			merkle_node_hash(h, out, out);
		} else {
			memcpy(out, h, MERKLE_HASH_LEN);
			have = true;
		}
		end = start;
	}
	return 0;
}

int merkle_tree_root(merkle_hash_fn get, void *ctx, uint64_t size, uint8_t out[MERKLE_HASH_LEN])
{
	if (size > MERKLE_SIZE_MAX)
		return VG_EINVAL;
	if (size == 0) {
		merkle_empty_root(out);
		return 0;
	}
	return subtree_root(get, ctx, 0, size, out);
}

/* The largest power of two strictly below n; n >= 2. */
static uint64_t split_point(uint64_t n)
{
	assert(n >= 2);
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

/* Proofs are built root-first by the RFC's recursion, then turned leaf-first. */
static void reverse(struct merkle_proof *p)
{
	uint8_t t[MERKLE_HASH_LEN];

	for (size_t i = 0, j = p->len; i + 1 < j; i++, j--) {
		memcpy(t, p->hash[i], MERKLE_HASH_LEN);
		memcpy(p->hash[i], p->hash[j - 1], MERKLE_HASH_LEN);
		memcpy(p->hash[j - 1], t, MERKLE_HASH_LEN);
	}
}

/* ---- inclusion -------------------------------------------------------- */

int merkle_prove_inclusion(merkle_hash_fn get, void *ctx, uint64_t index, uint64_t size,
                           struct merkle_proof *out)
{
	uint64_t lo = 0, n = size, m = index;
	int err = 0;

	out->len = 0;
	if (size > MERKLE_SIZE_MAX || index >= size)
		return VG_EINVAL;
	/* RFC 9162 §2.1.3.1: PATH(m, D[n]), one level per iteration. */
	while (n > 1) {
		uint64_t k = split_point(n);

		assert(out->len < MERKLE_PROOF_MAX);
		if (m < k) {
			err = subtree_root(get, ctx, lo + k, lo + n, out->hash[out->len]);
			n = k;
		} else {
			err = subtree_root(get, ctx, lo, lo + k, out->hash[out->len]);
			lo += k;
			m -= k;
			n -= k;
		}
		if (err != 0)
			goto out;
		out->len++;
	}
	reverse(out);
out:
	if (err != 0)
		out->len = 0;
	return err;
}

int merkle_verify_inclusion(const uint8_t leaf_hash[MERKLE_HASH_LEN], uint64_t index, uint64_t size,
                            const struct merkle_proof *proof, const uint8_t root[MERKLE_HASH_LEN])
{
	uint8_t r[MERKLE_HASH_LEN];
	uint64_t fn, sn;

	if (size > MERKLE_SIZE_MAX || index >= size || proof->len > MERKLE_PROOF_MAX)
		return VG_EINVAL;
	/* RFC 9162 §2.1.3.2. */
	fn = index;
	sn = size - 1;
	memcpy(r, leaf_hash, MERKLE_HASH_LEN);
	for (size_t i = 0; i < proof->len; i++) {
		const uint8_t *p = proof->hash[i];

		if (sn == 0)
			return VG_EINVAL; /* proof longer than the path */
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(p, r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			merkle_node_hash(r, p, r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return VG_EINVAL; /* proof shorter than the path */
	return sodium_memcmp(r, root, MERKLE_HASH_LEN) == 0 ? 0 : VG_ECRYPTO;
}

/* ---- consistency ------------------------------------------------------ */

int merkle_prove_consistency(merkle_hash_fn get, void *ctx, uint64_t size1, uint64_t size2,
                             struct merkle_proof *out)
{
	uint64_t lo = 0, n = size2, m = size1;
	bool whole = true; /* the RFC's b: still inside the old tree's own subtree */
	int err = 0;

	out->len = 0;
	if (size2 > MERKLE_SIZE_MAX || size1 > size2)
		return VG_EINVAL;
	if (size1 == 0 || size1 == size2)
		return 0;
	/* RFC 9162 §2.1.4.1: SUBPROOF(m, D[n], true), one level per iteration. */
	while (m != n) {
		uint64_t k = split_point(n);

		assert(out->len < MERKLE_PROOF_MAX);
		if (m <= k) {
			err = subtree_root(get, ctx, lo + k, lo + n, out->hash[out->len]);
			n = k;
		} else {
			err = subtree_root(get, ctx, lo, lo + k, out->hash[out->len]);
			lo += k;
			m -= k;
			n -= k;
			whole = false;
		}
		if (err != 0)
			goto out;
		out->len++;
	}
	if (!whole) {
		assert(out->len < MERKLE_PROOF_MAX);
		err = subtree_root(get, ctx, lo, lo + n, out->hash[out->len]);
		if (err != 0)
			goto out;
		out->len++;
	}
	reverse(out);
out:
	if (err != 0)
		out->len = 0;
	return err;
}

int merkle_verify_consistency(uint64_t size1, uint64_t size2, const uint8_t root1[MERKLE_HASH_LEN],
                              const uint8_t root2[MERKLE_HASH_LEN],
                              const struct merkle_proof *proof)
{
	uint8_t fr[MERKLE_HASH_LEN], sr[MERKLE_HASH_LEN];
	uint64_t fn, sn;
	size_t i;
	bool ok;

	if (size2 > MERKLE_SIZE_MAX || size1 > size2 || proof->len > MERKLE_PROOF_MAX)
		return VG_EINVAL;
	if (size1 == 0) {
		uint8_t empty[MERKLE_HASH_LEN];

		if (proof->len != 0)
			return VG_EINVAL;
		merkle_empty_root(empty);
		return sodium_memcmp(root1, empty, MERKLE_HASH_LEN) == 0 ? 0 : VG_ECRYPTO;
	}
	if (size1 == size2) {
		if (proof->len != 0)
			return VG_EINVAL;
		return sodium_memcmp(root1, root2, MERKLE_HASH_LEN) == 0 ? 0 : VG_ECRYPTO;
	}
	/* RFC 9162 §2.1.4.2. */
	if (proof->len == 0)
		return VG_EINVAL;
	/* Step 2, without copying: when size1 is a power of two, root1 is the implicit first hash. */
	if ((size1 & (size1 - 1)) == 0) {
		memcpy(fr, root1, MERKLE_HASH_LEN);
		i = 0;
	} else {
		memcpy(fr, proof->hash[0], MERKLE_HASH_LEN);
		i = 1;
	}
	memcpy(sr, fr, MERKLE_HASH_LEN);
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < proof->len; i++) {
		const uint8_t *c = proof->hash[i];

		if (sn == 0)
			return VG_EINVAL; /* proof longer than the sizes allow */
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(c, fr, fr);
			merkle_node_hash(c, sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			merkle_node_hash(sr, c, sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return VG_EINVAL; /* proof shorter than the sizes need */
	ok = sodium_memcmp(fr, root1, MERKLE_HASH_LEN) == 0;
	ok &= sodium_memcmp(sr, root2, MERKLE_HASH_LEN) == 0;
	return ok ? 0 : VG_ECRYPTO;
}

/* ---- tiles ------------------------------------------------------------ */

/* Tree levels below tile level L: hash i of a level-L tile spans 256^L = 2^shift entries. */
static unsigned tile_shift(int level)
{
	return level == MERKLE_TILE_ENTRIES ? 0 : (unsigned)level * MERKLE_TILE_HEIGHT;
}

bool merkle_tile_valid(const struct merkle_tile *t)
{
	uint64_t end;

	if (t->level < MERKLE_TILE_ENTRIES || t->level > MERKLE_TILE_LEVEL_MAX)
		return false;
	if (t->width < 1 || t->width > MERKLE_TILE_WIDTH)
		return false;
	/* (N*256 + W) << shift <= MERKLE_SIZE_MAX, checked without overflow. */
	if (t->index > (MERKLE_SIZE_MAX - t->width) / MERKLE_TILE_WIDTH)
		return false;
	end = t->index * MERKLE_TILE_WIDTH + t->width;
	return end <= (MERKLE_SIZE_MAX >> tile_shift(t->level));
}

/* Append the decimal digits of v to buf at *pos, at least `pad` of them. */
static void put_decimal(char *buf, size_t *pos, uint64_t v, unsigned pad)
{
	char tmp[20];
	unsigned n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n < pad)
		tmp[n++] = '0';
	while (n > 0)
		buf[(*pos)++] = tmp[--n];
}

int merkle_tile_path(const struct merkle_tile *t, char *buf, size_t cap)
{
	char tmp[MERKLE_TILE_PATH_MAX];
	uint64_t groups[7]; /* 2^64 has 20 digits: at most 7 groups */
	unsigned ng = 0;
	uint64_t n = t->index;
	size_t pos = 0;

	if (cap > 0)
		buf[0] = '\0';
	if (!merkle_tile_valid(t))
		return VG_EINVAL;
	memcpy(tmp, "tile/", 5);
	pos = 5;
	if (t->level == MERKLE_TILE_ENTRIES) {
		memcpy(tmp + pos, "entries", 7);
		pos += 7;
	} else {
		put_decimal(tmp, &pos, (uint64_t)t->level, 1);
	}
	tmp[pos++] = '/';
	do {
		groups[ng++] = n % 1000;
		n /= 1000;
	} while (n > 0);
	while (ng > 1) {
		tmp[pos++] = 'x';
		put_decimal(tmp, &pos, groups[--ng], 3);
		tmp[pos++] = '/';
	}
	put_decimal(tmp, &pos, groups[0], 3);
	if (t->width < MERKLE_TILE_WIDTH) {
		memcpy(tmp + pos, ".p/", 3);
		pos += 3;
		put_decimal(tmp, &pos, t->width, 1);
	}
	assert(pos < sizeof(tmp));
	if (pos + 1 > cap)
		return VG_ETOOBIG;
	memcpy(buf, tmp, pos);
	buf[pos] = '\0';
	return 0;
}

/*
 * A canonical decimal at s[*pos] of at most maxdigits digits: "0" or no
 * leading zero. Stores its value and advances *pos; false if none.
 */
static bool take_decimal(const char *s, size_t len, size_t *pos, unsigned maxdigits,
                         unsigned *value)
{
	size_t i = *pos;
	unsigned v = 0, nd = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9') {
		if (nd == maxdigits)
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
		nd++;
		i++;
	}
	if (nd == 0 || (nd > 1 && s[*pos] == '0'))
		return false;
	*pos = i;
	*value = v;
	return true;
}

/* Exactly three digits at s[*pos]. */
static bool take_group(const char *s, size_t len, size_t *pos, unsigned *value)
{
	size_t i = *pos;

	if (len - i < 3)
		return false;
	for (unsigned k = 0; k < 3; k++) {
		if (s[i + k] < '0' || s[i + k] > '9')
			return false;
	}
	*value = (unsigned)(s[i] - '0') * 100 + (unsigned)(s[i + 1] - '0') * 10 +
	         (unsigned)(s[i + 2] - '0');
	*pos = i + 3;
	return true;
}

static bool has_prefix(const char *s, size_t len, size_t pos, const char *p)
{
	size_t n = strlen(p);

	return len - pos >= n && memcmp(s + pos, p, n) == 0;
}

int merkle_tile_parse(const char *path, size_t len, struct merkle_tile *out)
{
	struct merkle_tile t = { 0 };
	size_t pos = 0;
	unsigned v, ng = 0;
	uint64_t n = 0;

	memset(out, 0, sizeof(*out));
	if (path == NULL || !has_prefix(path, len, pos, "tile/"))
		return VG_EINVAL;
	pos += 5;
	if (has_prefix(path, len, pos, "entries/")) {
		t.level = MERKLE_TILE_ENTRIES;
		pos += 8;
	} else {
		/* The spec's levels go up to 63; merkle_tile_valid narrows to what can exist. */
		if (!take_decimal(path, len, &pos, 2, &v) || v > 63)
			return VG_EINVAL;
		if (pos >= len || path[pos] != '/')
			return VG_EINVAL;
		t.level = (int)v;
		pos++;
	}
	for (;;) {
		bool more = pos < len && path[pos] == 'x';

		if (more)
			pos++;
		if (!take_group(path, len, &pos, &v))
			return VG_EINVAL;
		/* A leading group of 000 is a non-canonical spelling of a shorter N. */
		if (ng == 0 && more && v == 0)
			return VG_EINVAL;
		/* Any valid N is below 2^56; stop long before uint64_t could wrap. */
		if (n > (MERKLE_SIZE_MAX >> 8) / 1000)
			return VG_EINVAL;
		n = n * 1000 + v;
		ng++;
		if (!more)
			break;
		if (pos >= len || path[pos] != '/')
			return VG_EINVAL;
		pos++;
	}
	t.index = n;
	t.width = MERKLE_TILE_WIDTH;
	if (pos < len) {
		if (!has_prefix(path, len, pos, ".p/"))
			return VG_EINVAL;
		pos += 3;
		if (!take_decimal(path, len, &pos, 3, &v) || v < 1 || v >= MERKLE_TILE_WIDTH)
			return VG_EINVAL;
		t.width = v;
	}
	if (pos != len || !merkle_tile_valid(&t))
		return VG_EINVAL;
	*out = t;
	return 0;
}

int merkle_tile_hash_at(const struct merkle_tile *t, unsigned i, unsigned *level, uint64_t *index)
{
	if (!merkle_tile_valid(t) || t->level == MERKLE_TILE_ENTRIES || i >= t->width)
		return VG_EINVAL;
	*level = tile_shift(t->level);
	*index = t->index * MERKLE_TILE_WIDTH + i;
	return 0;
}

void merkle_tile_level(uint64_t size, int level, uint64_t *nfull, unsigned *partial_width)
{
	uint64_t s;

	*nfull = 0;
	*partial_width = 0;
	if (size > MERKLE_SIZE_MAX || level < MERKLE_TILE_ENTRIES || level > MERKLE_TILE_LEVEL_MAX)
		return;
	s = size >> tile_shift(level);
	*nfull = s / MERKLE_TILE_WIDTH;
	*partial_width = (unsigned)(s % MERKLE_TILE_WIDTH);
}

void merkle_tile_iter_init(struct merkle_tile_iter *it, uint64_t size)
{
	it->size = size;
	it->level = 0;
	it->next = 0;
}

bool merkle_tile_iter_next(struct merkle_tile_iter *it, struct merkle_tile *t)
{
	while (it->level <= MERKLE_TILE_LEVEL_MAX) {
		uint64_t nfull;
		unsigned pw;

		merkle_tile_level(it->size, it->level, &nfull, &pw);
		if (it->next < nfull || (it->next == nfull && pw > 0)) {
			t->level = it->level;
			t->index = it->next;
			t->width = it->next < nfull ? MERKLE_TILE_WIDTH : pw;
			it->next++;
			return true;
		}
		it->level++;
		it->next = 0;
	}
	return false;
}

int merkle_tile_locate(unsigned level, uint64_t index, int *tile_level, uint64_t *tile_index,
                       unsigned *first, unsigned *count)
{
	unsigned r;
	uint64_t start;

	/* (index + 1) << level <= MERKLE_SIZE_MAX: the subtree fits in some tree. */
	if (level >= MERKLE_LEVELS || index >= (MERKLE_SIZE_MAX >> level))
		return VG_EINVAL;
	r = level % MERKLE_TILE_HEIGHT;
	start = index << r; /* position in tree level level - r, a tile row */
	*tile_level = (int)(level / MERKLE_TILE_HEIGHT);
	*tile_index = start / MERKLE_TILE_WIDTH;
	*first = (unsigned)(start % MERKLE_TILE_WIDTH);
	*count = 1u << r;
	return 0;
}
