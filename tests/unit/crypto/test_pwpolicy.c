/*
 * crypto/pwpolicy.h: the blocklist file (built from a small list, then from
 * Debian's real word lists), its checks on open, and pw_check's verdicts on
 * real examples, hostile bytes and several threads at once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "crypto/password.h"
#include "crypto/pwpolicy.h"
#include "testutil.h"

static char dir[PATH_MAX];
static struct pwlist *real; /* built from PWLIST_SOURCES_DEFAULT, or NULL if they are missing */
static size_t real_entries;

static void path_in(char *buf, const char *name)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", dir, name);

	assert_true(n > 0 && n < PATH_MAX);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static size_t read_file(const char *path, uint8_t **data)
{
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	*data = malloc((size_t)n);
	assert_non_null(*data);
	assert_int_equal(fread(*data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return (size_t)n;
}

static int contains(const struct pwlist *l, const char *w)
{
	return pwlist_contains(l, w, strlen(w));
}

static enum pw_verdict check(const char *pw, int mfa)
{
	return pw_check(real, pw, strlen(pw), mfa, NULL, 0);
}

static int have_sources(void)
{
	size_t i;

	for (i = 0; i < PWLIST_SOURCES_DEFAULT_N; i++)
		if (access(PWLIST_SOURCES_DEFAULT[i], R_OK) != 0)
			return 0;
	return 1;
}

static int group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0 || tu_tempdir(dir) != 0)
		return -1;
	if (have_sources()) {
		/* pwlist_ensure builds the list in a directory that has none, then opens it. */
		if (pwlist_ensure(dir, &real) != 0)
			return -1;
		real_entries = pwlist_count(real);
	} else {
		fprintf(stderr, "Debian word lists missing: real-list tests skipped "
		                "(apt-get install john-data cracklib-runtime wamerican wfrench "
		                "wbritish)\n");
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	pwlist_free(real);
	tu_rmdir(dir);
	return 0;
}

/* A small list: lookups, case, CR, comments, skipped lines, a missing source, the mode. */
static void small_list(void **state)
{
	static const char words[] =
	        "Soleil\r\n"
	        "\n"
	        "azerty\n"
	        "#!comment: hidden\n"
	        "\xc3\x89l\xc3\xa8ve\n"                                      /* Élève */
	        "\xd0\x9f\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c\n"         /* Пароль */
	        "\xce\xba\xcf\x89\xce\xb4\xce\xb9\xce\xba\xcf\x8c\xcf\x82\n" /* κωδικός */
	        "\xff\xfe bad utf-8\n"
	        "with\0nul\n"
	        "last-line-without-newline";
	char src[PATH_MAX], out[PATH_MAX], missing[PATH_MAX];
	const char *sources[3];
	struct pwlist *l = NULL;
	char *longline;
	size_t n = 0, n2 = 0;
	struct stat sb;
	FILE *f;

	(void)state;
	path_in(src, "small.txt");
	path_in(out, "small.bin");
	path_in(missing, "no-such-list.txt");
	write_file(src, words, sizeof(words) - 1);
	/* An over-long line is skipped whole, and the next line still counts. */
	longline = malloc(PASSWORD_MAX + 2);
	assert_non_null(longline);
	memset(longline, 'q', PASSWORD_MAX + 1);
	longline[PASSWORD_MAX + 1] = '\0';
	f = fopen(src, "ab");
	assert_non_null(f);
	fprintf(f, "\n%s\nafterlong\n", longline);
	fclose(f);

	sources[0] = missing; /* ignored */
	sources[1] = src;
	sources[2] = NULL; /* ignored */
	assert_int_equal(pwlist_build(out, sources, 3, &n), 0);
	assert_int_equal(pwlist_open(out, &l), 0);
	assert_int_equal(pwlist_count(l), n);

	assert_true(contains(l, "soleil")); /* CR trimmed */
	assert_true(contains(l, "SOLEIL"));
	assert_true(contains(l, "SoLeIl"));
	assert_true(contains(l, "azerty"));
	assert_true(contains(l, "\xc3\xa9l\xc3\xa8ve")); /* élève */
	assert_true(contains(l, "\xc3\x89L\xc3\x88VE")); /* ÉLÈVE: Latin-1 folded */
	assert_true(contains(l, "eleve"));               /* its skeleton */
	/* Cyrillic and Greek capitals fold (their skeleton is themselves, folded). */
	assert_true(contains(l, "\xd0\x9f\xd0\x90\xd0\xa0\xd0\x9e\xd0\x9b\xd0\xac")); /* ПАРОЛЬ */
	assert_true(contains(l, "\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c")); /* пароль */
	assert_true(contains(
	        l, "\xce\x9a\xce\xa9\xce\x94\xce\x99\xce\x9a\xcf\x8c\xcf\x82")); /* ΚΩΔΙΚός */
	assert_true(contains(l, "last-line-without-newline"));
	assert_true(contains(l, "lastlinewithoutnewline")); /* skeleton */
	assert_true(contains(l, "afterlong"));
	assert_false(contains(l, "with")); /* a line with a NUL is skipped, and only it */
	assert_false(contains(l, "with\0nul"));
	assert_true(contains(l, "motdepasse")); /* built in */
	assert_false(contains(l, "hidden"));
	assert_false(contains(l, "#!comment: hidden"));
	assert_false(contains(l, "absent"));
	assert_false(contains(l, "soleil2"));
	assert_false(contains(l, "solei"));
	assert_false(contains(l, ""));
	assert_false(contains(l, "\xff\xfe bad utf-8"));
	assert_false(pwlist_contains(l, longline, PASSWORD_MAX + 1));
	{
		/* Far over the bound: refused before any copy (ASan watches). */
		char *huge = malloc(4 * PASSWORD_MAX);

		assert_non_null(huge);
		memset(huge, 'a', 4 * PASSWORD_MAX);
		assert_false(pwlist_contains(l, huge, 4 * PASSWORD_MAX));
		assert_int_equal(pw_check(l, huge, 4 * PASSWORD_MAX, 0, NULL, 0), PW_TOO_LONG);
		free(huge);
	}
	longline[PASSWORD_MAX] = '\0';
	assert_false(contains(l, longline));
	/* Not NUL-terminated: len counts, not the terminator. */
	assert_true(pwlist_contains(l, "azertyXYZ", 6));
	pwlist_free(l);
	l = NULL;

	/* 0644 whatever the umask, and no temporary file left behind. */
	assert_int_equal(stat(out, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);
	{
		DIR *d = opendir(dir);
		struct dirent *e;
		int tmps = 0;

		assert_non_null(d);
		while ((e = readdir(d)) != NULL)
			tmps += strncmp(e->d_name, "small.bin.", 10) == 0;
		closedir(d);
		assert_int_equal(tmps, 0);
	}

	/* Rebuilding gives the same count (dedupe is by fingerprint, not by line). */
	sources[0] = src;
	sources[1] = src;
	assert_int_equal(pwlist_build(out, sources, 2, &n2), 0);
	assert_int_equal(n2, n);
	free(longline);
}

static void no_source_at_all(void **state)
{
	char out[PATH_MAX], missing[PATH_MAX];
	const char *sources[1];
	size_t n = 99;

	(void)state;
	path_in(out, "none.bin");
	path_in(missing, "missing.txt");
	sources[0] = missing;
	assert_int_equal(pwlist_build(out, sources, 1, &n), VG_ENOTFOUND);
	assert_int_equal(n, 0);
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(pwlist_build(out, sources, 0, NULL), VG_ENOTFOUND);
}

/* Every damaged form of a good file is refused with VG_ECORRUPT. */
static void corrupt_files(void **state)
{
	char src[PATH_MAX], good[PATH_MAX], bad[PATH_MAX], link[PATH_MAX];
	const char *sources[1];
	struct pwlist *l = (struct pwlist *)1;
	uint8_t *data, *copy;
	size_t len, i;
	static const size_t flips[] = { 0, 7, 8, 12, 16, 24, 32, 63, 64, 100 };

	(void)state;
	path_in(src, "c.txt");
	path_in(good, "c.bin");
	path_in(bad, "bad.bin");
	write_file(src, "one\ntwo\nthree\n", 14);
	sources[0] = src;
	assert_int_equal(pwlist_build(good, sources, 1, NULL), 0);
	len = read_file(good, &data);
	assert_int_equal((len - 64) % 8, 0);
	copy = malloc(len + 8);
	assert_non_null(copy);

	for (i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		memcpy(copy, data, len);
		copy[flips[i]] ^=
		        0x40; /* magic, version, probe bound, count, slots, digest, table */
		write_file(bad, copy, len);
		assert_int_equal(pwlist_open(bad, &l), VG_ECORRUPT);
		assert_null(l);
	}
	memcpy(copy, data, len);
	copy[len - 1] ^= 1; /* the last slot */
	write_file(bad, copy, len);
	assert_int_equal(pwlist_open(bad, &l), VG_ECORRUPT);
	write_file(bad, data, len - 8); /* truncated by one slot */
	assert_int_equal(pwlist_open(bad, &l), VG_ECORRUPT);
	memcpy(copy, data, len);
	memset(copy + len, 0, 8);
	write_file(bad, copy, len + 8); /* one slot too many */
	assert_int_equal(pwlist_open(bad, &l), VG_ECORRUPT);
	write_file(bad, data, 40); /* half a header */
	assert_int_equal(pwlist_open(bad, &l), VG_ECORRUPT);
	write_file(bad, "", 0);
	assert_int_equal(pwlist_open(bad, &l), VG_ECORRUPT);
	path_in(bad, "missing.bin");
	assert_int_equal(pwlist_open(bad, &l), VG_ENOTFOUND);
	assert_int_equal(pwlist_open(dir, &l), VG_ECORRUPT); /* a directory */
	/* A symbolic link is not followed (O_NOFOLLOW): the path could be swapped. */
	path_in(link, "link.bin");
	assert_int_equal(symlink(good, link), 0);
	assert_int_equal(pwlist_open(link, &l), VG_EIO);
	assert_null(l);
	/* The good file still opens. */
	assert_int_equal(pwlist_open(good, &l), 0);
	assert_true(contains(l, "TWO"));
	pwlist_free(l);
	pwlist_free(NULL);
	free(copy);
	free(data);
}

/* Debian's lists: hundreds of thousands of entries, English and French. */
static void real_sources(void **state)
{
	char path[PATH_MAX];
	struct pwlist *again = NULL;

	(void)state;
	if (real == NULL)
		skip();
	assert_true(real_entries > 200000);
	assert_true(contains(real, "password")); /* john */
	assert_true(contains(real, "Password1"));
	assert_true(contains(real, "azerty"));     /* cracklib-small */
	assert_true(contains(real, "soleil"));     /* wfrench, john */
	assert_true(contains(real, "motdepasse")); /* built in: in none of the lists */
	assert_true(contains(real, "dictionary")); /* wamerican */
	assert_true(contains(real, "colour"));     /* wbritish */
	assert_true(contains(real, "anticonstitutionnellement"));
	assert_true(contains(real, "\xc3\xa9l\xc3\xa8ve")); /* élève, wfrench */
	assert_true(contains(real, "eleve"));               /* and its skeleton */
	assert_false(contains(real, "zq7vplmx3kd"));
	assert_false(contains(real, "plume girafe tambour hiver"));
	/* pwlist_ensure opens what is there, and the file is where the server looks. */
	path_in(path, PWLIST_FILE);
	assert_int_equal(access(path, R_OK), 0);
	assert_int_equal(pwlist_ensure(dir, &again), 0);
	assert_int_equal(pwlist_count(again), real_entries);
	pwlist_free(again);
}

static void lengths(void **state)
{
	static char big[PASSWORD_MAX + 2];
	/* 15 accented letters: 30 bytes, 15 code points. */
	static const char fifteen[] = "\xc3\xa7\xc3\xa0\xc3\xa9\xc3\xa8\xc3\xb9\xc3\xa2\xc3\xaa"
	                              "\xc3\xae\xc3\xb4\xc3\xbb\xc3\xab\xc3\xaf\xc3\xbc\xc5\x93"
	                              "\xc3\xa6";
	/* Greek, 8 letters in 16 bytes */
	static const char greek8[] = "\xce\xb7\xce\xbb\xce\xb9\xce\xbf\xcf\x83\xcf\x86\xce\xb1"
	                             "\xcf\x81";
	size_t i;

	(void)state;
	assert_int_equal(pw_min_length(0), 15);
	assert_int_equal(pw_min_length(1), 8);
	/* Too short alone, long enough once there is a second factor. */
	assert_int_equal(check("Tr0ub4dor&3", 0), PW_TOO_SHORT);
	assert_int_equal(check("Tr0ub4dor&3", 1), PW_OK);
	assert_int_equal(check("plume girafe", 0), PW_TOO_SHORT);
	assert_int_equal(check("plume girafe", 1), PW_OK);
	assert_int_equal(check("kx8#Qp2", 1), PW_TOO_SHORT);
	assert_int_equal(check("", 0), PW_TOO_SHORT);
	assert_int_equal(pw_check(real, NULL, 0, 0, NULL, 0), PW_TOO_SHORT);
	/* Code points, not bytes: 30 bytes are 15 characters, 28 bytes are 14. */
	assert_int_equal(strlen(fifteen), 30);
	assert_int_not_equal(pw_check(real, fifteen, 30, 0, NULL, 0), PW_TOO_SHORT);
	assert_int_equal(pw_check(real, fifteen, 28, 0, NULL, 0), PW_TOO_SHORT);
	assert_int_equal(pw_check(real, greek8, 16, 1, NULL, 0), PW_OK);
	assert_int_equal(pw_check(real, greek8, 14, 1, NULL, 0), PW_TOO_SHORT);
	assert_int_equal(pw_check(real, greek8, 16, 0, NULL, 0), PW_TOO_SHORT);
	/* The maximum: PASSWORD_MAX bytes are judged, one more is too long. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = "abcdefghijklmnopqrstuvwxyz -0123456789"[randombytes_uniform(38)];
	assert_int_equal(pw_check(real, big, PASSWORD_MAX + 1, 0, NULL, 0), PW_TOO_LONG);
	assert_int_equal(pw_check(real, big, PASSWORD_MAX, 0, NULL, 0), PW_OK);
	assert_int_equal(pw_check(real, big, PASSWORD_MAX + 1, 1, NULL, 0), PW_TOO_LONG);
	assert_int_equal(pw_check(real, big, SIZE_MAX, 0, NULL, 0), PW_TOO_LONG);
}

static void bad_utf8(void **state)
{
	static const char *const bad[] = {
		"correct horse \xc3\x28 battery",        /* a lead byte without its continuation */
		"correct horse \xc0\xaf battery",        /* overlong '/' */
		"correct horse \xe0\x80\xaf battery",    /* overlong, three bytes */
		"correct horse \xed\xa0\x80 battery",    /* a UTF-16 surrogate */
		"correct horse \xf4\x90\x80\x80 bat",    /* beyond U+10FFFF */
		"correct horse \x80 battery staple",     /* a lone continuation byte */
		"correct horse \xfe\xff battery sta",    /* never in UTF-8 */
		"correct horse battery staple \xe2\x82", /* truncated at the end */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(check(bad[i], 0), PW_BAD_UTF8);
	/* A NUL inside len is refused, not silently cut. */
	assert_int_equal(pw_check(real, "correct horse\0battery staple", 28, 0, NULL, 0),
	                 PW_BAD_UTF8);
	/* Four-byte characters are fine: U+1F600 x 4 with words around them. */
	assert_int_equal(check("plume \xf0\x9f\x98\x80 girafe \xf0\x9f\x98\x81 tambour", 0), PW_OK);
}

static void repetitive(void **state)
{
	static const char *const rep[] = {
		"aaaaaaaaaaaaaaaa",
		"1234567890123456",
		"9876543210987654",
		"abcdefghijklmnop",
		"abcabcabcabcabcabc",
		"azertyuiopqsdfgh",
		"qwertyuiopasdfgh",
		"abcdefgh12345678",
		"aaaaabbbbbccccc",
		"a1b2c3d4e5f6g7h8",
		"ababababababababab",
		"1111111111111112",
		"abbabaabbaababba", /* two letters, neither periodic nor in runs */
		"\xc3\xa9l\xc3\xa8ve \xc3\xa9l\xc3\xa8ve \xc3\xa9l\xc3\xa8ve ", /* élève x3 */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rep) / sizeof(rep[0]); i++)
		assert_int_equal(check(rep[i], 0), PW_REPETITIVE);
	assert_int_equal(check("abcd1234", 1), PW_REPETITIVE);
	assert_int_equal(check("aaaaaaaa", 1), PW_REPETITIVE);
}

static void blocklisted(void **state)
{
	(void)state;
	if (real == NULL)
		skip();
	assert_int_equal(check("anticonstitutionnellement", 0), PW_BLOCKLISTED);
	assert_int_equal(check("Anticonstitutionnellement", 0), PW_BLOCKLISTED);
	assert_int_equal(check("anti-constitutionnellement", 0), PW_BLOCKLISTED); /* skeleton */
	/* Mostly a listed word: the digits and symbols around it are no defence. */
	assert_int_equal(check("motdepasse123456", 0), PW_BLOCKLISTED);
	assert_int_equal(check("Motdepasse!2024!", 0), PW_BLOCKLISTED);
	assert_int_equal(check("mot de passe 123", 0), PW_BLOCKLISTED);
	assert_int_equal(check("password12345678", 0), PW_BLOCKLISTED);
	assert_int_equal(check("password", 1), PW_BLOCKLISTED);
	assert_int_equal(check("marseille", 1), PW_BLOCKLISTED);
	assert_int_equal(check("Soleil2024", 1), PW_BLOCKLISTED);
	/* Without the list, the estimate still refuses it. */
	assert_int_equal(pw_check(NULL, "motdepasse123456", 16, 0, NULL, 0), PW_WEAK);
}

static void personal(void **state)
{
	static const char *const ctx[] = { "Jean-Pierre", "Dupont",        "jp.dupont",
		                           NULL,          "1800575123456", "1980-05-12" };
	static const char
	        *const yes[] = {
		        "jeandupont123456",   "Jean Dupont 1980", "1800575123456abc",
		        "12051980jeanpierre", "jp.dupont.120580", "DUPONT-JEAN-PIERRE",
		        "plume12051980xyz", /* the birth date as DDMMYYYY is half of it */
	        };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		assert_int_equal(pw_check(real, yes[i], strlen(yes[i]), 0, ctx, 6), PW_CONTEXT);
		/* The same without this person's context: not personal (weak, for most). */
		assert_int_not_equal(pw_check(real, yes[i], strlen(yes[i]), 0, NULL, 0),
		                     PW_CONTEXT);
	}
	/* DDMMYY, once a second factor allows 8 characters. */
	assert_int_equal(pw_check(real, "ab120580cd", 10, 1, ctx, 6), PW_CONTEXT);
	assert_int_not_equal(pw_check(real, "ab120580cd", 10, 1, NULL, 0), PW_CONTEXT);
	/* The service's own words are always context. */
	assert_int_equal(check("vigie ameli cpam 2024", 0), PW_CONTEXT);
	assert_int_equal(check("Vigie!Vigie?Ameli", 0), PW_CONTEXT);
	/* A context that overflows the forms pw_check keeps still leaves the service's words. */
	{
		static char words[PW_CONTEXT_MAX][4 * 32 + 1];
		const char *many[PW_CONTEXT_MAX];
		size_t j, k;

		for (j = 0; j < PW_CONTEXT_MAX; j++) {
			for (k = 0; k < 32; k++) /* "a00 a01 ... a31": 32 tokens */
				snprintf(words[j] + 4 * k, 5, "%c%02zu ", (char)('a' + j % 26),
				         k + j);
			words[j][127] = '\0';
			many[j] = words[j];
		}
		assert_int_equal(
		        pw_check(real, "vigie ameli cpam 2024", 21, 0, many, PW_CONTEXT_MAX),
		        PW_CONTEXT);
	}
	/* A context word inside a good passphrase is not most of it. */
	assert_int_equal(pw_check(real, "jean plume girafe tambour hiver", 31, 0, ctx, 6), PW_OK);
	/* Junk context: too many words, an over-long one, NULLs, bad UTF-8. */
	{
		const char *junk[PW_CONTEXT_MAX + 8];
		static char longw[300];

		memset(longw, 'x', sizeof(longw) - 1);
		for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
			junk[i] = i % 3 == 0 ? NULL : i % 3 == 1 ? longw : "\xff\xfe";
		junk[PW_CONTEXT_MAX + 7] = "dupont"; /* past the bound: ignored */
		assert_int_equal(pw_check(real, "plume girafe tambour hiver", 26, 0, junk,
		                          sizeof(junk) / sizeof(junk[0])),
		                 PW_OK);
		assert_int_not_equal(pw_check(real, "dupontdupont1975", 16, 0, junk,
		                              sizeof(junk) / sizeof(junk[0])),
		                     PW_CONTEXT);
	}
}

static void weak(void **state)
{
	static const char *const w[] = {
		"purple monkey dishwasher",
		"bonjour tout le monde",
		"rouge maison chat soleil",
		"ilovemyfamily123",
		"jetaimejetaime12",
		"soleil1234567890",
		"\xc3\x89L\xc3\x88VE-\xc3\x89L\xc3\x88VE-\xc3\x89L\xc3\x88VE-X",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		assert_int_equal(check(w[i], 0), PW_WEAK);
	assert_int_equal(check("chat noir", 1), PW_WEAK);
	assert_int_equal(check("correct horse", 1), PW_WEAK);
}

static void good(void **state)
{
	static const char *const ok[] = {
		"correct horse battery staple", /* four random common words */
		"plume girafe tambour hiver",
		"CorrectHorseBatteryStaple",
		"cheval correct pile agrafe",
		"bougie lanterne colibri",
		/* château rivière forêt étoile */
		"ch\xc3\xa2teau rivi\xc3\xa8re for\xc3\xaat \xc3\xa9toile",
		"kx8#Qp2!vL9z-Wq7",
		"  correct horse battery staple  ",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(check(ok[i], 0), PW_OK);
		assert_int_equal(check(ok[i], 1), PW_OK);
	}
}

static void verdict_texts(void **state)
{
	enum pw_verdict v;
	size_t i, j;
	const char *codes[PW_WEAK + 1];

	(void)state;
	assert_string_equal(pw_verdict_code(PW_OK), "ok");
	assert_string_equal(pw_verdict_code(PW_TOO_SHORT), "too-short");
	assert_string_equal(pw_verdict_code(PW_TOO_LONG), "too-long");
	assert_string_equal(pw_verdict_code(PW_BAD_UTF8), "bad-utf8");
	assert_string_equal(pw_verdict_code(PW_BLOCKLISTED), "common");
	assert_string_equal(pw_verdict_code(PW_CONTEXT), "personal");
	assert_string_equal(pw_verdict_code(PW_REPETITIVE), "repetitive");
	assert_string_equal(pw_verdict_code(PW_WEAK), "weak");
	for (v = PW_OK; v <= PW_WEAK; v++) {
		codes[v] = pw_verdict_code(v);
		assert_non_null(pw_verdict_reason(v, 0));
		assert_non_null(pw_verdict_reason(v, 1));
	}
	for (i = 0; i <= PW_WEAK; i++)
		for (j = i + 1; j <= PW_WEAK; j++)
			assert_string_not_equal(codes[i], codes[j]);
	assert_non_null(strstr(pw_verdict_reason(PW_TOO_SHORT, 0), "15"));
	assert_non_null(strstr(pw_verdict_reason(PW_TOO_SHORT, 1), "8"));
	assert_null(strstr(pw_verdict_reason(PW_TOO_SHORT, 1), "15"));
	assert_string_equal(pw_verdict_code((enum pw_verdict)99), "unknown");
}

/* Any bytes, any length up to PASSWORD_MAX + 1: a verdict, never a crash (ASan/UBSan). */
static void hostile(void **state)
{
	static uint8_t buf[PASSWORD_MAX + 1];
	static const char *const ctx[] = { "\xf0\x9f\x98\x80", "a", "", "--", "9999-99-99" };
	int round;

	(void)state;
	for (round = 0; round < 3000; round++) {
		size_t len = randombytes_uniform(round % 10 == 0 ? PASSWORD_MAX + 2 : 64);
		enum pw_verdict v;
		size_t i;

		randombytes_buf(buf, len);
		if (round % 3 == 1) /* mostly valid: printable ASCII and two-byte letters */
			for (i = 0; i < len; i++) {
				if (i + 1 < len && (buf[i] & 3) == 0) {
					buf[i] = 0xC3;
					buf[i + 1] = (uint8_t)(0x80 | (buf[i + 1] & 0x3F));
					i++;
				} else {
					buf[i] = (uint8_t)(0x20 + buf[i] % 95);
				}
			}
		v = pw_check(real, (const char *)buf, len, round & 1, ctx, 5);
		assert_true(v >= PW_OK && v <= PW_WEAK);
		if (len > PASSWORD_MAX)
			assert_int_equal(v, PW_TOO_LONG);
		if (real != NULL) {
			int hit = pwlist_contains(real, (const char *)buf, len);

			assert_true(hit == 0 || hit == 1);
		}
	}
}

struct worker {
	const char *pw;
	enum pw_verdict want;
	int bad;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < 40; i++)
		w->bad += pw_check(real, w->pw, strlen(w->pw), 0, NULL, 0) != w->want;
	return NULL;
}

/* One list, several threads: the same verdicts as one thread gives. */
static void threads(void **state)
{
	static const char *const pws[] = { "correct horse battery staple", "motdepasse123456",
		                           "purple monkey dishwasher",     "aaaaaaaaaaaaaaaa",
		                           "plume girafe tambour hiver",   "Tr0ub4dor&3" };
	struct worker w[6];
	pthread_t t[6];
	size_t i;

	(void)state;
	for (i = 0; i < 6; i++) {
		w[i].pw = pws[i];
		w[i].want = check(pws[i], 0);
		w[i].bad = 0;
	}
	for (i = 0; i < 6; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].bad, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(small_list),    cmocka_unit_test(no_source_at_all),
		cmocka_unit_test(corrupt_files), cmocka_unit_test(real_sources),
		cmocka_unit_test(lengths),       cmocka_unit_test(bad_utf8),
		cmocka_unit_test(repetitive),    cmocka_unit_test(blocklisted),
		cmocka_unit_test(personal),      cmocka_unit_test(weak),
		cmocka_unit_test(good),          cmocka_unit_test(verdict_texts),
		cmocka_unit_test(hostile),       cmocka_unit_test(threads),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
