/*
 * banned.h - C library functions vigie does not call (CONVENTIONS §10),
 * made compile errors in the manner of git's banned.h: each name below
 * expands to an undeclared identifier that names the ban. Every .c file of
 * src/ includes it after all its other headers (scripts/check-source.sh
 * checks that), so a system header's own declarations are left alone.
 *
 * Why each: sprintf, vsprintf, strcpy, strcat, strncpy, strncat and gets
 * overflow or truncate silently (use snprintf and explicit lengths);
 * strtok keeps hidden state; atoi, atol, atoll and atof cannot report an
 * error (use strtol and friends with their end pointer); rand and srand are
 * neither random nor thread-safe (libsodium's randombytes, or core/rng for
 * determinism); mktemp and tmpnam race (mkstemp, mkdtemp).
 */
#ifndef VIGIE_CORE_BANNED_H
#define VIGIE_CORE_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef gets
#define gets(x) BANNED(gets)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atoll
#define atoll(x) BANNED(atoll)
#undef atof
#define atof(x) BANNED(atof)
#undef rand
#define rand() BANNED(rand)
#undef srand
#define srand(x) BANNED(srand)
#undef mktemp
#define mktemp(x) BANNED(mktemp)
#undef tmpnam
#define tmpnam(x) BANNED(tmpnam)

#endif
