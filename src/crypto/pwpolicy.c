/*
 * pwpolicy.c - see pwpolicy.h. Three parts: the forms of a word (UTF-8
 * decoding, case folding, the skeleton), the blocklist file (build, open,
 * lookup), and pw_check.
 */
#include "crypto/pwpolicy.h"

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <zxcvbn.h>
#include "crypto/password.h"
#include "core/banned.h"

const char *const PWLIST_SOURCES_DEFAULT[PWLIST_SOURCES_DEFAULT_N] = {
	"/usr/share/john/password.lst",     /* john-data: common passwords, "#!comment:" header */
	"/usr/share/dict/cracklib-small",   /* cracklib-runtime */
	"/usr/share/dict/american-english", /* wamerican */
	"/usr/share/dict/french",           /* wfrench */
	"/usr/share/dict/british-english",  /* wbritish */
};

/*
 * Common French passwords and the service's own words, which Debian's lists
 * lack (john's list is mostly English; wfrench has no "motdepasse" and no
 * keyboard rows). From published tallies of French leaks; each also gets its
 * skeleton, and pw_check also refuses them with a short predictable affix.
 */
/* Word lists, laid out by hand. */
/* clang-format off */
static const char *const BUILTIN_COMMON[] = {
	"123456", "azerty", "azertyuiop", "azerty123", "azerty1234", "azertyui", "azer", "aze123",
	"a1z2e3r4", "qwertz", "1q2w3e4r", "motdepasse", "motdepasse1", "motdepasse123", "mot2passe",
	"m0td3p4ss3", "mdp", "mdp123", "doudou", "loulou", "soleil", "chouchou", "marseille",
	"jetaime", "jetaimemonamour", "monamour", "mamour", "bonjour", "coucou", "bisous",
	"bienvenue", "bienvenu", "cestmoi", "vivelavie", "vivelafrance", "princesse", "chocolat",
	"caramel", "football", "olympiquedemarseille", "allezlom", "parissaintgermain", "france",
	"liberte", "nicolas", "camille", "julien", "marine", "thomas", "alexandre", "maxime",
	"lucas", "chloe", "amelie", "ameli", "vigie", "cartevitale", "carte vitale",
	"securitesociale", "securite sociale", "assurancemaladie", "assurance maladie", "cpam",
	"mutuelle", "pharmacie", "pharmacien", "medecin", "docteur", "infirmiere", "hopital",
	"sante",
};

/* Always part of the context: a password built from the service's name is guessed first. */
static const char *const SERVICE_WORDS[] = {
	"vigie", "ameli", "carte vitale", "securite sociale", "assurance maladie", "cpam",
	"mutuelle",
};

/*
 * Frequent French words, given to libzxcvbn after the context words and
 * BUILTIN_COMMON as its user dictionary: its own dictionaries are English,
 * and without these it scores "bonjour tout le monde" as 21 random letters.
 */
static const char *const FR_FREQUENT[] = {
	"le", "la", "les", "de", "des", "du", "un", "une", "et", "est", "etre", "avoir", "il",
	"elle", "ils", "elles", "je", "tu", "nous", "vous", "on", "ce", "cette", "ces", "que",
	"qui", "quoi", "dans", "en", "au", "aux", "pour", "par", "sur", "sous", "avec", "sans",
	"pas", "plus", "moins", "tout", "tous", "toute", "toutes", "mon", "ma", "mes", "ton", "ta",
	"tes", "son", "sa", "ses", "notre", "votre", "leur", "moi", "toi", "lui", "oui", "non",
	"bien", "tres", "trop", "peu", "aussi", "encore", "toujours", "jamais", "bon", "bonne",
	"beau", "belle", "grand", "grande", "petit", "petite", "vieux", "jeune", "nouveau",
	"premier", "dernier", "faire", "dire", "aller", "voir", "venir", "savoir", "pouvoir",
	"vouloir", "aimer", "aime", "aimes", "manger", "jouer", "vivre", "vie", "amour", "ami",
	"amie", "amis", "famille", "maman", "papa", "mere", "pere", "frere", "soeur", "fille",
	"fils", "enfant", "enfants", "bebe", "cheri", "cherie", "coeur", "homme", "femme", "monde",
	"jour", "nuit", "matin", "soir", "temps", "an", "annee", "maison", "chat", "chien",
	"cheval", "oiseau", "poisson", "lapin", "soleil", "lune", "etoile", "ciel", "mer", "terre",
	"eau", "feu", "air", "vent", "pluie", "neige", "fleur", "arbre", "rose", "rouge", "bleu",
	"vert", "noir", "blanc", "jaune", "paris", "france", "ville", "rue", "porte", "voiture",
	"train", "route", "ecole", "travail", "argent", "livre", "musique", "chanson", "danse",
	"film", "jeu", "sport", "foot", "football", "vacances", "plage", "montagne", "noel", "fete",
	"bonjour", "bonsoir", "salut", "merci", "coucou", "bisous", "doudou", "loulou", "chouchou",
	"mot", "passe", "motdepasse", "secret", "code", "compte", "carte", "nom", "prenom", "date",
	"naissance", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
	"cent", "mille", "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
	"septembre", "octobre", "novembre", "decembre", "lundi", "mardi", "mercredi", "jeudi",
	"vendredi", "samedi", "dimanche", "printemps", "ete", "automne", "hiver", "dieu", "roi",
	"reine", "prince", "princesse", "liberte", "egalite", "fraternite", "pomme", "chocolat",
	"cafe", "pain", "vin", "biere", "fromage", "sucre", "miel",
};
/* clang-format on */

#define N_BUILTIN (sizeof(BUILTIN_COMMON) / sizeof(BUILTIN_COMMON[0]))
#define N_SERVICE (sizeof(SERVICE_WORDS) / sizeof(SERVICE_WORDS[0]))
#define N_FR      (sizeof(FR_FREQUENT) / sizeof(FR_FREQUENT[0]))

/* ---- The forms of a word ---------------------------------------------------------------- */

/*
 * The code points of s into cp (capacity len), *n of them. -1 if s is not
 * strict UTF-8 (overlong forms, surrogates, beyond U+10FFFF, truncated) or
 * holds a NUL, which no C-string interface downstream could carry.
 */
static int utf8_decode(const uint8_t *s, size_t len, uint32_t *cp, size_t *n)
{
	size_t i = 0, k = 0;

	while (i < len) {
		uint32_t c = s[i], min;
		size_t need, j;

		if (c < 0x80) {
			need = 0;
			min = 1; /* a NUL is refused */
		} else if ((c & 0xE0) == 0xC0) {
			need = 1;
			c &= 0x1F;
			min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			need = 2;
			c &= 0x0F;
			min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			need = 3;
			c &= 0x07;
			min = 0x10000;
		} else {
			return -1;
		}
		if (need > len - i - 1)
			return -1;
		for (j = 1; j <= need; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return -1;
			c = (c << 6) | (s[i + j] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return -1;
		cp[k++] = c;
		i += need + 1;
	}
	*n = k;
	return 0;
}

/* Encode c (a valid scalar value) at out; returns the bytes written, 1 to 4. */
static size_t utf8_put(uint32_t c, uint8_t *out)
{
	if (c < 0x80) {
		out[0] = (uint8_t)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (uint8_t)(0xC0 | (c >> 6));
		out[1] = (uint8_t)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (uint8_t)(0xE0 | (c >> 12));
		out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (uint8_t)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (uint8_t)(0xF0 | (c >> 18));
	out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (uint8_t)(0x80 | (c & 0x3F));
	return 4;
}

/*
 * Simple case folding of ASCII, Latin-1, Latin Extended-A, Greek and
 * Cyrillic capitals. Never lengthens the UTF-8 form (U+0178 and U+00FF are
 * both two bytes; U+0130 folds to a one-byte 'i'), so folded text fits the
 * buffer of the original.
 */
static uint32_t fold_cp(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c < 0xC0)
		return c;
	if (c <= 0xDE)
		return c == 0xD7 ? c : c + 32;
	if (c < 0x100)
		return c;
	if (c == 0x130)
		return 'i';
	if (c == 0x178)
		return 0xFF;
	if ((c <= 0x137 && c != 0x131) || (c >= 0x14A && c <= 0x177))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1) ? c + 1 : c;
	if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2)
		return c + 32;
	if (c >= 0x410 && c <= 0x42F)
		return c + 32;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	return c;
}

/*
 * The base letters of U+00C0..U+017F for a skeleton, one byte each: a
 * letter, '-' for a symbol (dropped), or a mark of a two-letter base:
 * '#' ae, '$' th, '%' ss, '*' ij, '+' oe.
 */
static const char LATIN_BASE[] = "aaaaaa#ceeeeiiiidnooooo-ouuuuy$%" /* U+00C0 */
                                 "aaaaaa#ceeeeiiiidnooooo-ouuuuy$y" /* U+00E0 */
                                 "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkk"
                                 "llllllllllnnnnnnnnnoooooo++rrrrrrssssssssttttttuuuuuuuuuuuuww"
                                 "yyyzzzzzzs"; /* ... U+017F */
_Static_assert(sizeof(LATIN_BASE) == 0x180 - 0xC0 + 1, "one base per code point");

/*
 * What the folded code point c becomes in a skeleton, written at out:
 * letters and digits stay (Latin letters lose their accents), separators,
 * punctuation and spaces go. Returns the bytes written, 0 to 4; never more
 * than c's own UTF-8 length.
 */
static size_t skel_cp(uint32_t c, uint8_t *out)
{
	if (c < 0x80) {
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			out[0] = (uint8_t)c;
			return 1;
		}
		return 0;
	}
	if (c < 0xC0 || (c >= 0x2000 && c <= 0x206F) || c == 0x3000 || c == 0xFEFF)
		return 0; /* C1 controls, NBSP, Latin-1 symbols, general punctuation, spaces */
	if (c < 0x180) {
		char b = LATIN_BASE[c - 0xC0];
		static const char two[] = "#ae$th%ss*ij+oe";
		const char *t;

		if (b == '-')
			return 0;
		if (b >= 'a' && b <= 'z') {
			out[0] = (uint8_t)b;
			return 1;
		}
		t = strchr(two, b);
		if (t == NULL)
			return 0;
		out[0] = (uint8_t)t[1];
		out[1] = (uint8_t)t[2];
		return 2;
	}
	return utf8_put(c, out);
}

/* The code points of k skeleton bytes from skel_cp: its ASCII letters, or one other. */
static size_t skel_cps(const uint8_t *sk, size_t k)
{
	return k > 0 && sk[0] >= 0x80 ? 1 : k;
}

/*
 * A word's forms. Each buffer holds PASSWORD_MAX bytes, which is enough: a
 * word has at most as many code points as bytes, and neither folding nor the
 * skeleton lengthens UTF-8.
 */
struct pwform {
	uint32_t cp[PASSWORD_MAX]; /* folded code points */
	size_t n;
	uint8_t fold[PASSWORD_MAX]; /* folded UTF-8 */
	size_t fold_len;
	uint8_t skel[PASSWORD_MAX]; /* skeleton UTF-8 */
	size_t skel_len;
	size_t skel_n;   /* code points of the skeleton */
	int case_folded; /* folding changed a letter */
	size_t dropped;  /* distinct code points the skeleton drops, at most DROPPED_MAX */
};

#define DROPPED_MAX 16

/* Fill f from len bytes of s. -1 if s is over PASSWORD_MAX bytes or not valid UTF-8. */
static int pwform_make(struct pwform *f, const void *s, size_t len)
{
	size_t i;

	if (len > PASSWORD_MAX || utf8_decode(s, len, f->cp, &f->n) != 0)
		return -1;
	f->fold_len = f->skel_len = f->skel_n = f->dropped = 0;
	f->case_folded = 0;
	for (i = 0; i < f->n; i++) {
		uint32_t folded = fold_cp(f->cp[i]);
		size_t k, j;

		f->case_folded |= folded != f->cp[i];
		f->cp[i] = folded;
		f->fold_len += utf8_put(f->cp[i], f->fold + f->fold_len);
		k = skel_cp(f->cp[i], f->skel + f->skel_len);
		f->skel_n += skel_cps(f->skel + f->skel_len, k);
		f->skel_len += k;
		if (k > 0 || f->dropped == DROPPED_MAX)
			continue;
		for (j = 0; j < i && f->cp[j] != folded; j++)
			;
		f->dropped += j == i;
	}
	return 0;
}

/* ---- The blocklist file ----------------------------------------------------------------- */

#define HDR_LEN   64
#define MAGIC     "VGPWLST"
#define VERSION   1
#define SLOTS_MAX (2 * (uint64_t)PWLIST_MAX)

/* The fingerprints' BLAKE2b key: domain separation, not a secret. */
static const uint8_t FP_KEY[crypto_generichash_KEYBYTES] = "vigie pwlist v1 fingerprint key";

struct pwlist {
	const uint8_t *map; /* the whole file, read-only */
	size_t map_len;
	const uint8_t *table; /* map + HDR_LEN: slots little-endian u64 */
	uint64_t mask;        /* slots - 1 */
	uint32_t max_probe;
	size_t count;
};

static uint64_t fingerprint(const uint8_t *key, size_t len)
{
	uint8_t h[8];
	uint64_t v;

	crypto_generichash(h, sizeof(h), key, len, FP_KEY, sizeof(FP_KEY));
	memcpy(&v, h, sizeof(v));
	v = le64toh(v);
	return v != 0 ? v : 1; /* 0 marks an empty slot */
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

/* 1 if fp is in the table: at most max_probe slots from its home slot (linear probing). */
static int lookup(const struct pwlist *l, uint64_t fp)
{
	uint64_t i = fp & l->mask;
	uint32_t k;

	for (k = 0; k < l->max_probe; k++) {
		uint64_t v = get64(l->table + 8 * i);

		if (v == fp)
			return 1;
		if (v == 0)
			return 0;
		i = (i + 1) & l->mask;
	}
	return 0;
}

/* The "mostly" rule: a form counts only if it keeps at least half of the password. */
static int listed_form(const struct pwlist *l, const struct pwform *f)
{
	if (lookup(l, fingerprint(f->fold, f->fold_len)))
		return 1;
	return f->skel_len > 0 && 2 * f->skel_n >= f->n &&
	       lookup(l, fingerprint(f->skel, f->skel_len));
}

int pwlist_contains(const struct pwlist *l, const char *pw, size_t len)
{
	struct pwform f;
	int hit = 0;

	assert(l != NULL);
	if (pwform_make(&f, pw, len) == 0)
		hit = listed_form(l, &f);
	sodium_memzero(&f, sizeof(f));
	return hit;
}

size_t pwlist_count(const struct pwlist *l)
{
	return l->count;
}

/* Fingerprints as they are collected, duplicates included; bounded by SLOTS_MAX. */
struct fpvec {
	uint64_t *v;
	size_t n, cap;
};

static int fpvec_push(struct fpvec *a, uint64_t x)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : (size_t)1 << 16;
		uint64_t *v;

		if (a->cap >= SLOTS_MAX)
			return VG_ETOOBIG;
		v = realloc(a->v, cap * sizeof(*v));
		if (v == NULL)
			return VG_ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = x;
	return 0;
}

/* A list entry's keys: its folded form, and its skeleton when that differs. */
static int add_word(struct fpvec *a, struct pwform *f, const char *w, size_t len)
{
	int rc;

	if (len == 0 || pwform_make(f, w, len) != 0)
		return 0; /* skipped, as pwlist_build says */
	rc = fpvec_push(a, fingerprint(f->fold, f->fold_len));
	if (rc == 0 && f->skel_len > 0 &&
	    (f->skel_len != f->fold_len || memcmp(f->skel, f->fold, f->skel_len) != 0))
		rc = fpvec_push(a, fingerprint(f->skel, f->skel_len));
	return rc;
}

#define SOURCE_MAX ((size_t)256 << 20) /* bytes of one word list */

/*
 * One word list, read whole (word lists are a few MiB; over SOURCE_MAX is
 * VG_ETOOBIG) and split at '\n'. *found is set if the file exists.
 */
static int add_source(struct fpvec *a, struct pwform *f, const char *path, int *found)
{
	static const char COMMENT[] = "#!comment:";
	char *buf = NULL, *p, *end;
	size_t len = 0;
	struct stat sb;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : VG_EIO;
	*found = 1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = VG_EIO;
		goto out;
	}
	if ((uint64_t)sb.st_size > SOURCE_MAX) {
		rc = VG_ETOOBIG;
		goto out;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (buf == NULL) {
		rc = VG_ENOMEM;
		goto out;
	}
	while (len < (size_t)sb.st_size) { /* a file that shrinks meanwhile is read as it is */
		ssize_t k = read(fd, buf + len, (size_t)sb.st_size - len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			rc = VG_EIO;
			goto out;
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	for (p = buf, end = buf + len; rc == 0 && p < end; p++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		/* Lines over PASSWORD_MAX, or with a NUL or bad UTF-8, are skipped by add_word. */
		if (n < sizeof(COMMENT) - 1 || memcmp(p, COMMENT, sizeof(COMMENT) - 1) != 0)
			rc = add_word(a, f, p, n);
		p = nl ? nl : end;
	}
out:
	free(buf);
	close(fd);
	return rc;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

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

/* fsync the directory that holds path, so that a rename into it is durable. */
static int sync_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd, rc;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return VG_ETOOBIG;
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return VG_EIO;
	rc = fsync(fd) == 0 ? 0 : VG_EIO;
	close(fd);
	return rc;
}

/*
 * The table of the n distinct fingerprints fps (sorted), written to a
 * temporary file beside out_path and renamed over it.
 */
static int write_list(const char *out_path, const uint64_t *fps, size_t n)
{
	uint8_t hdr[HDR_LEN] = { 0 };
	crypto_generichash_state st;
	uint64_t slots = 16, *table = NULL, i;
	uint32_t max_probe = 1;
	char tmp[PATH_MAX];
	int fd = -1, rc = 0;

	while (slots < 2 * (uint64_t)n)
		slots *= 2;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", out_path) >= (int)sizeof(tmp))
		return VG_ETOOBIG;
	table = calloc(slots, sizeof(*table));
	if (table == NULL)
		return VG_ENOMEM;
	for (i = 0; i < n; i++) {
		uint64_t s = fps[i] & (slots - 1);
		uint32_t probe = 1;

		while (table[s] != 0) {
			s = (s + 1) & (slots - 1);
			probe++;
		}
		table[s] = fps[i];
		if (probe > max_probe)
			max_probe = probe;
	}
	for (i = 0; i < slots; i++)
		table[i] = htole64(table[i]);

	memcpy(hdr, MAGIC, sizeof(MAGIC));
	put32(hdr + 8, VERSION);
	put32(hdr + 12, max_probe);
	put64(hdr + 16, n);
	put64(hdr + 24, slots);
	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, hdr, 32);
	crypto_generichash_update(&st, (const uint8_t *)table, slots * sizeof(*table));
	crypto_generichash_final(&st, hdr + 32, 32);

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = VG_EIO;
		goto out;
	}
	rc = write_all(fd, hdr, sizeof(hdr));
	if (rc == 0)
		rc = write_all(fd, table, slots * sizeof(*table));
	if (rc == 0 && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
		rc = VG_EIO;
	if (close(fd) != 0 && rc == 0)
		rc = VG_EIO;
	if (rc == 0 && rename(tmp, out_path) != 0)
		rc = VG_EIO;
	if (rc != 0)
		unlink(tmp);
	else
		rc = sync_parent(out_path);
out:
	free(table);
	return rc;
}

int pwlist_build(const char *out_path, const char *const *sources, size_t n_sources,
                 size_t *entries)
{
	struct fpvec a = { NULL, 0, 0 };
	struct pwform *f = malloc(sizeof(*f));
	size_t i, n = 0;
	int found = 0, rc = 0;

	if (entries)
		*entries = 0;
	if (f == NULL)
		return VG_ENOMEM;
	for (i = 0; rc == 0 && i < n_sources; i++)
		if (sources[i] != NULL)
			rc = add_source(&a, f, sources[i], &found);
	if (rc == 0 && !found)
		rc = VG_ENOTFOUND;
	for (i = 0; rc == 0 && i < N_BUILTIN; i++)
		rc = add_word(&a, f, BUILTIN_COMMON[i], strlen(BUILTIN_COMMON[i]));
	if (rc != 0)
		goto out;
	qsort(a.v, a.n, sizeof(*a.v), cmp_u64);
	for (i = 0; i < a.n; i++)
		if (n == 0 || a.v[i] != a.v[n - 1])
			a.v[n++] = a.v[i];
	if (n > PWLIST_MAX) {
		rc = VG_ETOOBIG;
		goto out;
	}
	rc = write_list(out_path, a.v, n);
	if (rc == 0 && entries)
		*entries = n;
out:
	free(a.v);
	free(f);
	return rc;
}

/* The checks of pwlist_open, on a mapping of len bytes. 0 or VG_ECORRUPT. */
static int check_map(const uint8_t *m, size_t len, struct pwlist *l)
{
	crypto_generichash_state st;
	uint8_t digest[32];
	uint64_t slots, count;
	uint32_t max_probe;

	if (len < HDR_LEN || memcmp(m, MAGIC, sizeof(MAGIC)) != 0 || get32(m + 8) != VERSION)
		return VG_ECORRUPT;
	max_probe = get32(m + 12);
	count = get64(m + 16);
	slots = get64(m + 24);
	if (slots < 2 || slots > SLOTS_MAX || (slots & (slots - 1)) != 0 ||
	    len - HDR_LEN != slots * 8 || count > slots / 2 || max_probe < 1 || max_probe > slots)
		return VG_ECORRUPT;
	crypto_generichash_init(&st, NULL, 0, sizeof(digest));
	crypto_generichash_update(&st, m, 32);
	crypto_generichash_update(&st, m + HDR_LEN, len - HDR_LEN);
	crypto_generichash_final(&st, digest, sizeof(digest));
	if (memcmp(digest, m + 32, sizeof(digest)) != 0)
		return VG_ECORRUPT;
	l->table = m + HDR_LEN;
	l->mask = slots - 1;
	l->max_probe = max_probe;
	l->count = (size_t)count;
	return 0;
}

int pwlist_open(const char *path, struct pwlist **out)
{
	struct pwlist *l = NULL;
	void *m = MAP_FAILED;
	struct stat sb;
	size_t len = 0;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? VG_ENOTFOUND : VG_EIO;
	if (fstat(fd, &sb) != 0) {
		rc = VG_EIO;
		goto out;
	}
	/* Bound the size before mapping: a header and the largest table. */
	if (!S_ISREG(sb.st_mode) || sb.st_size < HDR_LEN ||
	    (uint64_t)sb.st_size > HDR_LEN + 8 * SLOTS_MAX) {
		rc = VG_ECORRUPT;
		goto out;
	}
	len = (size_t)sb.st_size;
	m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		rc = VG_EIO;
		goto out;
	}
	l = calloc(1, sizeof(*l));
	if (l == NULL) {
		rc = VG_ENOMEM;
		goto out;
	}
	rc = check_map(m, len, l);
	if (rc != 0)
		goto out;
	l->map = m;
	l->map_len = len;
	*out = l;
	l = NULL;
	m = MAP_FAILED;
out:
	free(l);
	if (m != MAP_FAILED)
		munmap(m, len);
	close(fd);
	return rc;
}

int pwlist_ensure(const char *dir, struct pwlist **out)
{
	char path[PATH_MAX];
	int rc;

	*out = NULL;
	if (snprintf(path, sizeof(path), "%s/%s", dir, PWLIST_FILE) >= (int)sizeof(path))
		return VG_ETOOBIG;
	rc = pwlist_open(path, out);
	if (rc != VG_ENOTFOUND)
		return rc;
	rc = pwlist_build(path, PWLIST_SOURCES_DEFAULT, PWLIST_SOURCES_DEFAULT_N, NULL);
	if (rc != 0)
		return rc;
	return pwlist_open(path, out);
}

void pwlist_free(struct pwlist *l)
{
	if (l == NULL)
		return;
	munmap((void *)l->map, l->map_len);
	free(l);
}

/* ---- Repetition and sequences ----------------------------------------------------------- */

/* Keyboard rows, unshifted and folded: QWERTY, AZERTY (French), QWERTZ. */
static const uint32_t ROWS[][11] = {
	{ 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p' },
	{ 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l' },
	{ 'z', 'x', 'c', 'v', 'b', 'n', 'm' },
	{ 'a', 'z', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p' },
	{ 'q', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm' },
	{ 'w', 'x', 'c', 'v', 'b', 'n' },
	{ 'q', 'w', 'e', 'r', 't', 'z', 'u', 'i', 'o', 'p' },
	{ 'y', 'x', 'c', 'v', 'b', 'n', 'm' },
	/* AZERTY's digit row without shift: & é " ' ( - è _ ç à */
	{ '&', 0xE9, '"', '\'', '(', '-', 0xE8, '_', 0xE7, 0xE0 },
};

enum {
	STEP_SAME = 1,      /* "aaaa" */
	STEP_UP = 2,        /* "abcd", "6789012" */
	STEP_DOWN = 4,      /* "dcba", "3210987" */
	STEP_ROW_UP = 8,    /* "qwer", "azer" */
	STEP_ROW_DOWN = 16, /* "rewq" */
};

/* Every way in which b predictably follows a: a set of STEP_ bits, 0 if none. */
static unsigned step(uint32_t a, uint32_t b)
{
	unsigned s = 0;
	size_t r, i;

	if (a == b)
		return STEP_SAME;
	if (b == a + 1 || (a == '9' && b == '0'))
		s |= STEP_UP;
	if (a == b + 1 || (a == '0' && b == '9'))
		s |= STEP_DOWN;
	for (r = 0; r < sizeof(ROWS) / sizeof(ROWS[0]); r++)
		for (i = 0; i < 10 && ROWS[r][i] != 0; i++)
			if (ROWS[r][i] == a) {
				if (ROWS[r][i + 1] == b && b != 0)
					s |= STEP_ROW_UP;
				if (i > 0 && ROWS[r][i - 1] == b)
					s |= STEP_ROW_DOWN;
			}
	return s;
}

/*
 * The runs of cp[from], cp[from + stride], ...: a run's step is what its
 * pairs share, and a pair that shares nothing starts a run.
 */
static size_t runs_of(const uint32_t *cp, size_t n, size_t from, size_t stride)
{
	size_t i, runs = 1;
	unsigned mask = 0;

	for (i = from + stride; i < n; i += stride) {
		unsigned s = step(cp[i - stride], cp[i]);

		if (mask == 0) { /* the run so far is one character */
			mask = s;
			runs += s == 0;
			continue;
		}
		if ((mask & s) != 0) {
			mask &= s;
			continue;
		}
		runs++;
		mask = 0; /* cp[i] begins a run; its step comes from the next pair */
	}
	return runs;
}

/*
 * Repetitive or sequential, on folded code points: one unit repeated (a
 * period of at most half the length), at most three distinct characters,
 * or made of runs of one constant step (same, +1, -1, along a keyboard
 * row) that are few (two at most) or long (four characters on average),
 * or two such sequences interleaved. Natural passphrases average under 1.5
 * characters a run.
 */
static int repetitive(const uint32_t *cp, size_t n)
{
	size_t p, i, runs, distinct = 0;
	uint32_t seen[4];

	if (n < 2)
		return 0;
	for (p = 1; 2 * p <= n; p++) {
		for (i = p; i < n && cp[i] == cp[i - p]; i++)
			;
		if (i == n)
			return 1;
	}
	for (i = 0; i < n && distinct <= 3; i++) {
		size_t k;

		for (k = 0; k < distinct && seen[k] != cp[i]; k++)
			;
		if (k == distinct && distinct < 4)
			seen[distinct++] = cp[i];
	}
	if (distinct <= 3)
		return 1;
	runs = runs_of(cp, n, 0, 1);
	if (runs <= 2 || 4 * runs <= n)
		return 1;
	/* Two sequences interleaved: "a1b2c3d4e5f6g7h8". */
	return n >= 8 && runs_of(cp, n, 0, 2) == 1 && runs_of(cp, n, 1, 2) == 1;
}

/* ---- The context ------------------------------------------------------------------------ */

#define CTX_WORD_MAX 128 /* bytes of one context word */
#define CTX_FORMS    256
#define CTX_POOL     8192

/* The context's forms: NUL-terminated strings for libzxcvbn, skeletons also for coverage. */
struct ctx {
	char pool[CTX_POOL];
	size_t used;
	const char *form[CTX_FORMS];
	size_t len[CTX_FORMS];
	uint8_t is_skel[CTX_FORMS];
	size_t n;
};

/* Add a form of at least 3 code points; silently dropped when the context is full. */
static void ctx_add(struct ctx *c, const uint8_t *s, size_t len, size_t ncp, int is_skel)
{
	size_t i;

	if (ncp < 3)
		return;
	for (i = 0; i < c->n; i++)
		if (c->len[i] == len && memcmp(c->form[i], s, len) == 0) {
			/* "jean" is both its folded form and its skeleton */
			c->is_skel[i] |= (uint8_t)is_skel;
			return;
		}
	if (c->n == CTX_FORMS || len + 1 > CTX_POOL - c->used)
		return;
	memcpy(c->pool + c->used, s, len);
	c->pool[c->used + len] = '\0';
	c->form[c->n] = c->pool + c->used;
	c->len[c->n] = len;
	c->is_skel[c->n] = (uint8_t)is_skel;
	c->n++;
	c->used += len + 1;
}

static int is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * One context word: its whole folded form and skeleton, the folded form and
 * skeleton of each of its tokens (split at separators: "Jean-Pierre" gives
 * "jean" and "pierre" too), and for a YYYY-MM-DD date its DDMMYYYY, DDMMYY
 * and YYYYMMDD forms.
 */
static void ctx_word(struct ctx *c, const char *w)
{
	uint8_t fold[CTX_WORD_MAX], skel[CTX_WORD_MAX], tf[CTX_WORD_MAX], ts[CTX_WORD_MAX];
	size_t len, n, i, fl = 0, sl = 0, sn = 0, tfl = 0, tsl = 0, tsn = 0, tfn = 0;
	uint32_t cp[CTX_WORD_MAX];

	if (w == NULL)
		return;
	len = strnlen(w, CTX_WORD_MAX + 1);
	if (len > CTX_WORD_MAX || utf8_decode((const uint8_t *)w, len, cp, &n) != 0)
		return;
	for (i = 0; i <= n; i++) {
		uint8_t sk[4];
		size_t k = 0;

		if (i < n) {
			cp[i] = fold_cp(cp[i]);
			fl += utf8_put(cp[i], fold + fl);
			k = skel_cp(cp[i], sk);
		}
		if (k == 0) { /* a separator, or the end: a token ends */
			ctx_add(c, tf, tfl, tfn, 0);
			ctx_add(c, ts, tsl, tsn, 1);
			tfl = tsl = tsn = tfn = 0;
			continue;
		}
		memcpy(skel + sl, sk, k);
		memcpy(ts + tsl, sk, k);
		sl += k;
		tsl += k;
		sn += skel_cps(sk, k);
		tsn += skel_cps(sk, k);
		tfl += utf8_put(cp[i], tf + tfl);
		tfn++;
	}
	ctx_add(c, fold, fl, n, 0);
	ctx_add(c, skel, sl, sn, 1);
	if (len == 10 && w[4] == '-' && w[7] == '-' && is_digits(w, 4) && is_digits(w + 5, 2) &&
	    is_digits(w + 8, 2)) {
		char d[9];

		/* DDMMYYYY, DDMMYY: how French people write a date; YYYYMMDD is the skeleton. */
		snprintf(d, sizeof(d), "%.2s%.2s%.4s", w + 8, w + 5, w);
		ctx_add(c, (const uint8_t *)d, 8, 8, 1);
		snprintf(d, sizeof(d), "%.2s%.2s%.2s", w + 8, w + 5, w + 2);
		ctx_add(c, (const uint8_t *)d, 6, 6, 1);
	}
}

/*
 * PW_CONTEXT's test: the skeleton forms of the context, wherever they occur
 * in the password's skeleton, cover at least half of the password's code
 * points (separators and symbols count on the password's side).
 */
static int context_covers(const struct ctx *c, const struct pwform *f)
{
	uint8_t mark[PASSWORD_MAX] = { 0 };
	size_t i, covered = 0;

	for (i = 0; i < c->n; i++) {
		const uint8_t *s = f->skel, *end = f->skel + f->skel_len;

		if (!c->is_skel[i])
			continue;
		while (s < end) {
			const uint8_t *hit = memmem(s, (size_t)(end - s), c->form[i], c->len[i]);

			if (hit == NULL)
				break;
			memset(mark + (hit - f->skel), 1, c->len[i]);
			s = hit + 1;
		}
	}
	for (i = 0; i < f->skel_len; i++)
		covered += mark[i] && (f->skel[i] & 0xC0) != 0x80;
	return covered >= 3 && 2 * covered >= f->n;
}

/* ---- The estimate ----------------------------------------------------------------------- */

#define DROP_BITS 5 /* per distinct character the skeleton drops: log2 of ~32 ASCII symbols */

/*
 * libzxcvbn's entropy of the len bytes of pw (no NUL inside), the lower of
 * two readings (see PW_BITS_ALONE in pwpolicy.h for why):
 *   - the password as typed;
 *   - its skeleton f (folded, unaccented, letters and digits only), plus
 *     DROP_BITS per distinct character dropped (separators, symbols) and a
 *     bit if the case was folded. Accents cost an attacker nothing on a
 *     correctly spelled word, and libzxcvbn, which knows no French, scores
 *     accented letters as rare symbols: "ÉLÈVE-ÉLÈVE-ÉLÈVE" would pass as
 *     typed. (Without separators only, keeping case, accents and symbols,
 *     is never lower than the skeleton's reading, so it is not computed.)
 */
static double estimate(const char *pw, size_t len, const struct pwform *f, const char **dict)
{
	char typed[PASSWORD_MAX + 1], skel[PASSWORD_MAX + 1];
	double bits, more;

	memcpy(typed, pw, len);
	typed[len] = '\0';
	bits = ZxcvbnMatch(typed, dict, NULL);
	if (f->skel_len != len || memcmp(f->skel, pw, len) != 0) {
		memcpy(skel, f->skel, f->skel_len);
		skel[f->skel_len] = '\0';
		more = (f->skel_len > 0 ? ZxcvbnMatch(skel, dict, NULL) : 0) +
		       DROP_BITS * (double)f->dropped + (f->case_folded ? 1 : 0);
		if (more < bits)
			bits = more;
	}
	sodium_memzero(typed, sizeof(typed));
	sodium_memzero(skel, sizeof(skel));
	return bits;
}

/* ---- pw_check --------------------------------------------------------------------------- */

int pw_min_length(int has_second_factor)
{
	return has_second_factor ? PW_MIN_WITH_MFA : PW_MIN_ALONE;
}

/*
 * The core of a skeleton: without its leading and trailing digits
 * ("motdepasse123456" -> "motdepasse"), when that still keeps half of the
 * password and leaves a letter. Returns 0 and the core's bounds, or -1.
 */
static int core_of(const struct pwform *f, size_t *off, size_t *len)
{
	size_t a = 0, b = f->skel_len;

	while (a < b && f->skel[a] >= '0' && f->skel[a] <= '9')
		a++;
	while (b > a && f->skel[b - 1] >= '0' && f->skel[b - 1] <= '9')
		b--;
	if (a == b || (a == 0 && b == f->skel_len) ||
	    2 * (f->skel_n - (f->skel_len - (b - a))) < f->n)
		return -1;
	*off = a;
	*len = b - a;
	return 0;
}

static int blocklisted(const struct pwlist *l, const struct pwform *f)
{
	size_t off, len;

	if (listed_form(l, f))
		return 1;
	return core_of(f, &off, &len) == 0 && lookup(l, fingerprint(f->skel + off, len));
}

/* pw_check's working set, on its stack (about 25 KiB), wiped before it returns. */
struct pwcheck {
	struct pwform f;
	struct ctx ctx;
	const char *dict[CTX_FORMS + N_BUILTIN + N_FR + 1];
};

enum pw_verdict pw_check(const struct pwlist *list, const char *pw, size_t len,
                         int has_second_factor, const char *const *context, size_t n_context)
{
	struct pwcheck w;
	enum pw_verdict v = PW_OK;
	size_t i, nd = 0;

	if (len > PASSWORD_MAX)
		return PW_TOO_LONG;
	if (pw == NULL)
		len = 0;
	w.ctx.n = w.ctx.used = 0;
	if (pwform_make(&w.f, pw ? pw : "", len) != 0) {
		v = PW_BAD_UTF8;
		goto out;
	}
	if (w.f.n < (size_t)pw_min_length(has_second_factor)) {
		v = PW_TOO_SHORT;
		goto out;
	}
	if (repetitive(w.f.cp, w.f.n)) {
		v = PW_REPETITIVE;
		goto out;
	}
	if (list != NULL && blocklisted(list, &w.f)) {
		v = PW_BLOCKLISTED;
		goto out;
	}
	/* The service's words first: a long context may fill the forms, never push them out. */
	for (i = 0; i < N_SERVICE; i++)
		ctx_word(&w.ctx, SERVICE_WORDS[i]);
	for (i = 0; context != NULL && i < n_context && i < PW_CONTEXT_MAX; i++)
		ctx_word(&w.ctx, context[i]);
	if (context_covers(&w.ctx, &w.f)) {
		v = PW_CONTEXT;
		goto out;
	}
	/* The user dictionary: the context (the cheapest guesses), common French passwords, then
	 * frequent French words. */
	for (i = 0; i < w.ctx.n; i++)
		w.dict[nd++] = w.ctx.form[i];
	for (i = 0; i < N_BUILTIN; i++)
		w.dict[nd++] = BUILTIN_COMMON[i];
	for (i = 0; i < N_FR; i++)
		w.dict[nd++] = FR_FREQUENT[i];
	w.dict[nd] = NULL;
	if (estimate(pw, len, &w.f, w.dict) <
	    (has_second_factor ? PW_BITS_WITH_MFA : PW_BITS_ALONE))
		v = PW_WEAK;
out:
	sodium_memzero(&w, sizeof(w));
	return v;
}

const char *pw_verdict_code(enum pw_verdict v)
{
	switch (v) {
	case PW_OK: return "ok";
	case PW_TOO_SHORT: return "too-short";
	case PW_TOO_LONG: return "too-long";
	case PW_BAD_UTF8: return "bad-utf8";
	case PW_BLOCKLISTED: return "common";
	case PW_CONTEXT: return "personal";
	case PW_REPETITIVE: return "repetitive";
	case PW_WEAK: return "weak";
	}
	return "unknown";
}

const char *pw_verdict_reason(enum pw_verdict v, int has_second_factor)
{
	switch (v) {
	case PW_OK: return "the password is accepted";
	case PW_TOO_SHORT:
		if (has_second_factor)
			return "use at least 8 characters; a few unrelated words make a good "
			       "password";
		return "use at least 15 characters (8 once a second factor is set up); a few "
		       "unrelated words make a good password";
	case PW_TOO_LONG:
		return "use at most 1024 bytes; a few unrelated words are "
		       "long enough";
	case PW_BAD_UTF8:
		return "send the password as UTF-8 text without NUL "
		       "characters";
	case PW_BLOCKLISTED:
		return "this password is a common one, a dictionary word or close to one; "
		       "choose a few unrelated words instead";
	case PW_CONTEXT:
		return "do not build the password from your name, e-mail, social security number, "
		       "birth date or the service's name; choose a few unrelated words instead";
	case PW_REPETITIVE:
		return "avoid repeated or sequential characters such as \"aaaa\", \"1234\" or "
		       "keyboard rows; choose a few unrelated words instead";
	case PW_WEAK:
		return "this password is too easy to guess; add a few more "
		       "unrelated words";
	}
	return "the password cannot be checked; choose a few unrelated words";
}
