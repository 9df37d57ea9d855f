#include "crypto/password.h"

#include <string.h>
#include <sodium.h>
#include "core/banned.h"

#define OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

int password_hash(const char *pw, size_t len, char out[PASSWORD_HASH_MAX])
{
	if (len > PASSWORD_MAX)
		return VG_ETOOBIG;
	if (crypto_pwhash_str_alg(out, pw, len, OPS, MEM, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return VG_ENOMEM;
	return 0;
}

int password_verify(const char *hash, const char *pw, size_t len)
{
	if (len > PASSWORD_MAX)
		return VG_ETOOBIG;
	if (strncmp(hash, crypto_pwhash_argon2id_STRPREFIX,
	            strlen(crypto_pwhash_argon2id_STRPREFIX)) != 0)
		return VG_EDENIED;
	return crypto_pwhash_str_verify(hash, pw, len) == 0 ? 0 : VG_EDENIED;
}

void password_burn(const char *pw, size_t len)
{
	uint8_t out[32], salt[crypto_pwhash_SALTBYTES] = { 0 };

	if (len > PASSWORD_MAX)
		len = PASSWORD_MAX;
	/* Same algorithm and limits as a real verification; the result is thrown away. */
	if (crypto_pwhash(out, sizeof(out), pw, len, salt, OPS, MEM,
	                  crypto_pwhash_ALG_ARGON2ID13) == 0)
		sodium_memzero(out, sizeof(out));
}
