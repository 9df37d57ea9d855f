/*
 * nir.c - see nir.h. Checks run in the order of enum nir_fault, so the fault
 * reported is always the first one in that order, whatever else is wrong.
 */
#include "core/nir.h"

#include <stdint.h>
#include <string.h>
#include "core/banned.h"

/* Departments counted as 19 (2A) and 18 (2B) in the key; see nir.h. */
#define NIR_KEY_2A 19
#define NIR_KEY_2B 18

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* 2A or 2B (any case) at the department positions 5-6; 0 if not Corsica. */
static int corsica(const char *s)
{
	char c;

	if (s[5] != '2')
		return 0;
	c = upper(s[6]);
	if (c == 'A')
		return NIR_KEY_2A;
	if (c == 'B')
		return NIR_KEY_2B;
	return 0;
}

/* The value of the n digits at s; the caller has checked they are digits. */
static unsigned digits(const char *s, int n)
{
	unsigned v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return v;
}

int nir_compute_key(const char *s13)
{
	uint64_t n = 0;
	int cor = 0;

	/*
	 * Stop at the first character that is not allowed: s13 may be a shorter
	 * NUL-terminated string, and the NUL is never allowed.
	 */
	for (int i = 0; i < 13; i++) {
		if (is_digit(s13[i]))
			continue;
		if (i == 6 && corsica(s13))
			continue;
		return -1;
	}
	cor = corsica(s13);
	for (int i = 0; i < 13; i++) {
		unsigned d;

		if (cor && i == 5)
			d = (unsigned)cor / 10;
		else if (cor && i == 6)
			d = (unsigned)cor % 10;
		else
			d = (unsigned)(s13[i] - '0');
		n = n * 10 + d;
	}
	return 97 - (int)(n % 97);
}

/* Can the character at position i of s appear there? 2A/2B are checked as a pair. */
static int char_ok(const char *s, int i)
{
	if (is_digit(s[i]))
		return 1;
	return (i == 5 || i == 6) && corsica(s);
}

static enum nir_fault check_month(int mm, int *month, int *unknown)
{
	*month = 0;
	*unknown = 0;
	if (mm >= 1 && mm <= 12) {
		*month = mm;
		return NIR_FAULT_NONE;
	}
	if (mm == 20 || (mm >= 30 && mm <= 42) || mm >= 50) {
		*unknown = 1;
		return NIR_FAULT_NONE;
	}
	return NIR_FAULT_MONTH;
}

/*
 * Overseas departments and collectivities as INSEE codes them: 971-978 and
 * 984-989 (985 is Mayotte before it became 976 in 2011). 970, 979 and
 * 980-983 have never been assigned.
 */
static int overseas_ok(unsigned d3)
{
	return (d3 >= 971 && d3 <= 978) || (d3 >= 984 && d3 <= 989);
}

/* An overseas department (3 digits at 5-7) and its 2-digit commune (8-9). */
static enum nir_fault check_overseas(const char *s, struct nir *out)
{
	if (!overseas_ok(digits(s + 5, 3)))
		return NIR_FAULT_DEPT;
	memcpy(out->dept, s + 5, 3);
	out->dept[3] = '\0';
	out->overseas = 1;
	if (digits(s + 8, 2) == 0)
		return NIR_FAULT_COMMUNE;
	memcpy(out->commune, s + 8, 2);
	out->commune[2] = '\0';
	return NIR_FAULT_NONE;
}

/* Department, commune and the place flags; s has passed the character check. */
static enum nir_fault check_place(const char *s, struct nir *out)
{
	unsigned dd = 0;

	if (corsica(s)) {
		out->dept[0] = '2';
		out->dept[1] = upper(s[6]);
	} else {
		dd = digits(s + 5, 2);
		/* 20 stays valid: Corsica before its 1976 split into 2A and 2B. */
		if (dd == 0 || dd == 96)
			return NIR_FAULT_DEPT;
		if (dd == 97 || dd == 98)
			return check_overseas(s, out);
		memcpy(out->dept, s + 5, 2);
	}
	out->dept[2] = '\0';
	out->born_abroad = dd == 99;
	/* For 99 the commune is the INSEE country code, and 000 is none either. */
	if (digits(s + 7, 3) == 0)
		return NIR_FAULT_COMMUNE;
	memcpy(out->commune, s + 7, 3);
	out->commune[3] = '\0';
	return NIR_FAULT_NONE;
}

static enum nir_fault parse(const char *s, size_t len, struct nir *out)
{
	enum nir_fault f;
	int month, unknown, key;

	if (len != NIR_LEN)
		return NIR_FAULT_LENGTH;
	for (int i = 0; i < NIR_LEN; i++)
		if (!char_ok(s, i))
			return NIR_FAULT_CHAR;

	out->sex = s[0] - '0';
	switch (out->sex) {
	case 1:
	case 2: break;
	case 3:
	case 4:
	case 7:
	case 8: out->temporary = 1; break;
	default: return NIR_FAULT_SEX;
	}
	out->year2 = (int)digits(s + 1, 2);
	f = check_month((int)digits(s + 3, 2), &month, &unknown);
	if (f != NIR_FAULT_NONE)
		return f;
	out->month = month;
	out->month_unknown = unknown != 0;

	f = check_place(s, out);
	if (f != NIR_FAULT_NONE)
		return f;
	out->order = (int)digits(s + 10, 3);
	if (out->order == 0)
		return NIR_FAULT_ORDER;

	out->key = (int)digits(s + 13, 2);
	if (out->key < 1 || out->key > 97)
		return NIR_FAULT_KEY;
	key = nir_compute_key(s);
	if (key != out->key)
		return NIR_FAULT_KEY;

	for (int i = 0; i < NIR_LEN; i++)
		out->canon[i] = upper(s[i]);
	out->canon[NIR_LEN] = '\0';
	return NIR_FAULT_NONE;
}

int nir_parse(const char *s, size_t len, struct nir *out, enum nir_fault *why)
{
	enum nir_fault f;

	memset(out, 0, sizeof(*out));
	f = parse(s, len, out);
	if (why)
		*why = f;
	if (f != NIR_FAULT_NONE) {
		/* Leave no half-parsed identifier behind. */
		memset(out, 0, sizeof(*out));
		return VG_EINVAL;
	}
	return 0;
}

const char *nir_fault_str(enum nir_fault why)
{
	switch (why) {
	case NIR_FAULT_NONE: return "the NIR is valid";
	case NIR_FAULT_LENGTH: return "the NIR must be exactly 15 characters";
	case NIR_FAULT_CHAR: return "the NIR has a character that cannot appear at its position";
	case NIR_FAULT_SEX: return "the NIR sex digit must be 1, 2, 3, 4, 7 or 8";
	case NIR_FAULT_MONTH: return "the NIR birth month is not a possible code";
	case NIR_FAULT_DEPT: return "the NIR department of birth does not exist";
	case NIR_FAULT_COMMUNE: return "the NIR commune or country code cannot be zero";
	case NIR_FAULT_ORDER: return "the NIR order number cannot be 000";
	case NIR_FAULT_KEY: return "the NIR key does not match";
	}
	return "the NIR is invalid";
}
