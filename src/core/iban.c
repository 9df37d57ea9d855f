/*
 * iban.c - see iban.h. Numbers are reduced mod 97 digit by digit, so no
 * value ever exceeds 97 * 100 and any length is safe.
 */
#include "core/iban.h"

#include <string.h>
#include "core/banned.h"

#define IBAN_MIN   15 /* Norway, the shortest in the ISO 13616 registry */
#define FR_BANK    5
#define FR_BRANCH  5
#define FR_ACCOUNT 11
#define FR_BBAN    (FR_BANK + FR_BRANCH + FR_ACCOUNT + 2)

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* r * 10^k + v mod 97, for the one or two decimal digits of an IBAN character. */
static unsigned mod97_char(unsigned r, char c)
{
	if (is_digit(c))
		return (r * 10 + (unsigned)(c - '0')) % 97;
	/* ISO 7064 for IBAN: A = 10 ... Z = 35, two digits each. */
	return (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
}

static unsigned mod97_str(unsigned r, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r = mod97_char(r, s[i]);
	return r;
}

/*
 * The digit a RIB gives a character: digits are themselves, letters follow
 * the old Banque de France table A-I = 1-9, J-R = 1-9, S-Z = 2-9.
 * -1 for anything else.
 */
static int rib_digit(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'A' && c <= 'I')
		return c - 'A' + 1;
	if (c >= 'J' && c <= 'R')
		return c - 'J' + 1;
	if (c >= 'S' && c <= 'Z')
		return c - 'S' + 2;
	return -1;
}

/* n characters at s, all digits (rib_digit() too when alnum)? Stops at the first bad one. */
static int all_digits(const char *s, size_t n, int alnum)
{
	for (size_t i = 0; i < n; i++) {
		if (is_digit(s[i]))
			continue;
		if (alnum && is_upper(s[i]))
			continue;
		return 0;
	}
	return 1;
}

/* The RIB key (1..97); the caller has checked the characters. */
static int rib_key(const char *bank, const char *branch, const char *account)
{
	unsigned b = 0, g = 0, a = 0;

	for (int i = 0; i < FR_BANK; i++)
		b = (b * 10 + (unsigned)rib_digit(bank[i])) % 97;
	for (int i = 0; i < FR_BRANCH; i++)
		g = (g * 10 + (unsigned)rib_digit(branch[i])) % 97;
	for (int i = 0; i < FR_ACCOUNT; i++)
		a = (a * 10 + (unsigned)rib_digit(account[i])) % 97;
	return 97 - (int)((89 * b + 15 * g + 3 * a) % 97);
}

/* A French BBAN: bank, branch, account, RIB key, with the key right. */
static int fr_bban_ok(const char *s)
{
	const char *bank = s, *branch = s + FR_BANK, *account = branch + FR_BRANCH;
	const char *key = account + FR_ACCOUNT;

	if (!all_digits(bank, FR_BANK, 0) || !all_digits(branch, FR_BRANCH, 0) ||
	    !all_digits(account, FR_ACCOUNT, 1) || !all_digits(key, 2, 0))
		return 0;
	return rib_key(bank, branch, account) == (key[0] - '0') * 10 + (key[1] - '0');
}

int iban_validate(const char *s, size_t len)
{
	unsigned r;
	int check;

	if (len < IBAN_MIN || len > IBAN_MAX)
		return VG_EINVAL;
	if (!is_upper(s[0]) || !is_upper(s[1]) || !is_digit(s[2]) || !is_digit(s[3]))
		return VG_EINVAL;
	for (size_t i = 4; i < len; i++)
		if (!is_digit(s[i]) && !is_upper(s[i]))
			return VG_EINVAL;
	/*
	 * 00, 01 and 99 pass the mod-97 test whenever 97, 98 and 02 do, but no
	 * conforming IBAN carries them: the check digits are 98 - (n mod 97).
	 */
	check = (s[2] - '0') * 10 + (s[3] - '0');
	if (check < 2 || check > 98)
		return VG_EINVAL;
	if (s[0] == 'F' && s[1] == 'R' && (len != IBAN_FR_LEN || !fr_bban_ok(s + 4)))
		return VG_EINVAL;

	r = mod97_str(0, s + 4, len - 4);
	r = mod97_str(r, s, 4);
	return r == 1 ? 0 : VG_EINVAL;
}

int iban_make_fr(const char *bank5, const char *branch5, const char *account11,
                 char out[IBAN_FR_LEN + 1])
{
	char *bban = out + 4;
	unsigned r;
	int key, check;

	if (!all_digits(bank5, FR_BANK, 0) || !all_digits(branch5, FR_BRANCH, 0) ||
	    !all_digits(account11, FR_ACCOUNT, 1))
		return VG_EINVAL;

	key = rib_key(bank5, branch5, account11);
	memcpy(bban, bank5, FR_BANK);
	memcpy(bban + FR_BANK, branch5, FR_BRANCH);
	memcpy(bban + FR_BANK + FR_BRANCH, account11, FR_ACCOUNT);
	bban[FR_BBAN - 2] = (char)('0' + key / 10);
	bban[FR_BBAN - 1] = (char)('0' + key % 10);

	r = mod97_str(0, bban, FR_BBAN);
	r = mod97_str(r, "FR00", 4);
	check = 98 - (int)r;
	out[0] = 'F';
	out[1] = 'R';
	out[2] = (char)('0' + check / 10);
	out[3] = (char)('0' + check % 10);
	out[IBAN_FR_LEN] = '\0';
	return 0;
}
