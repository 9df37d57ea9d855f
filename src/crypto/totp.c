#include "crypto/totp.h"

#include <string.h>
#include <liboath/oath.h>
#include <sodium.h>
#include "core/banned.h"

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int totp_global_init(void)
{
	return oath_init() == OATH_OK ? 0 : VG_EIO;
}

void totp_base32(const uint8_t s[TOTP_SECRET_LEN], char out[TOTP_B32_LEN + 1])
{
	/* 20 bytes = 160 bits = exactly 32 base32 characters: no padding. */
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < TOTP_SECRET_LEN; i++) {
		acc = (acc << 8) | s[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = B32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	out[o] = '\0';
}

int totp_from_base32(const char *b32, uint8_t s[TOTP_SECRET_LEN])
{
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (const char *p = b32; *p; p++) {
		char c = *p;
		const char *hit;

		if (c == ' ' || c == '=')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		hit = strchr(B32, c);
		if (!hit || c == '\0')
			return VG_EINVAL;
		acc = (acc << 5) | (uint32_t)(hit - B32);
		bits += 5;
		if (bits >= 8) {
			if (o == TOTP_SECRET_LEN)
				return VG_EINVAL;
			s[o++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return o == TOTP_SECRET_LEN ? 0 : VG_EINVAL;
}

int totp_code(const uint8_t s[TOTP_SECRET_LEN], int64_t now, char out[7])
{
	return oath_totp_generate((const char *)s, TOTP_SECRET_LEN, (time_t)now, TOTP_STEP, 0, 6,
	                          out) == OATH_OK
	               ? 0
	               : VG_EIO;
}

int totp_verify(const uint8_t s[TOTP_SECRET_LEN], int64_t now, const char *code, int64_t last_step,
                int64_t *step)
{
	uint64_t counter = 0;
	int pos = 0, rc;

	if (strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return VG_EDENIED;
	rc = oath_totp_validate3((const char *)s, TOTP_SECRET_LEN, (time_t)now, TOTP_STEP, 0,
	                         TOTP_WINDOW, &pos, &counter, code);
	if (rc < 0)
		return VG_EDENIED;
	if ((int64_t)counter <= last_step)
		return VG_EDENIED; /* replay of an accepted code, or an older one */
	*step = (int64_t)counter;
	return 0;
}
