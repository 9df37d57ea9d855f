/*
 * vault.c - see vault.h. Subkeys come from the master key with crypto_kdf
 * (BLAKE2b), context "vigievlt", one subkey id per purpose.
 */
#include "crypto/vault.h"

#include "core/access.h"

_Static_assert(VAULT_BIDX == ACCESS_PATIENT_LEN, "an access pseudonym is one blind index");

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include "core/banned.h"

#define MASTER_FILE "master.key"
#define KDF_CTX     "vigievlt"
#define SEAL_MAX    (64 * 1024)
#define N_DOMAINS   8

enum { SUBKEY_SEAL = 100 };

struct vault {
	uint8_t seal[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint8_t blind[N_DOMAINS][crypto_generichash_KEYBYTES];
};

static int key_path(const char *dir, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s/%s", dir, MASTER_FILE);
	return (n < 0 || (size_t)n >= cap) ? VG_ETOOBIG : 0;
}

int vault_keygen(const char *dir)
{
	char path[PATH_MAX];
	uint8_t key[crypto_kdf_KEYBYTES];
	int fd = -1, rc = key_path(dir, path, sizeof(path));

	if (rc < 0)
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? VG_EEXIST : VG_EIO;
	crypto_kdf_keygen(key);
	rc = write(fd, key, sizeof(key)) == (ssize_t)sizeof(key) && fsync(fd) == 0 ? 0 : VG_EIO;
	sodium_memzero(key, sizeof(key));
	if (close(fd) != 0)
		rc = VG_EIO;
	return rc;
}

int vault_open(const char *dir, struct vault **out)
{
	char path[PATH_MAX];
	uint8_t *master = NULL;
	struct vault *v = NULL;
	struct stat st;
	int fd = -1, rc = key_path(dir, path, sizeof(path));

	*out = NULL;
	if (rc < 0)
		return rc;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? VG_ENOTFOUND : VG_EIO;
	if (fstat(fd, &st) != 0) {
		rc = VG_EIO;
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		rc = VG_EDENIED;
		goto out;
	}
	if (st.st_size != crypto_kdf_KEYBYTES) {
		rc = VG_ECORRUPT;
		goto out;
	}
	master = sodium_malloc(crypto_kdf_KEYBYTES);
	v = sodium_malloc(sizeof(*v));
	if (!master || !v) {
		rc = VG_ENOMEM;
		goto out;
	}
	if (read(fd, master, crypto_kdf_KEYBYTES) != crypto_kdf_KEYBYTES) {
		rc = VG_EIO;
		goto out;
	}
	crypto_kdf_derive_from_key(v->seal, sizeof(v->seal), SUBKEY_SEAL, KDF_CTX, master);
	for (int d = 0; d < N_DOMAINS; d++)
		crypto_kdf_derive_from_key(v->blind[d], sizeof(v->blind[d]), (uint64_t)d + 1,
		                           KDF_CTX, master);
	/* The vault never changes after this: make a stray write fault loudly. */
	sodium_mprotect_readonly(v);
	*out = v;
	v = NULL;
out:
	if (master)
		sodium_free(master); /* sodium_free wipes before freeing */
	if (v)
		sodium_free(v);
	close(fd);
	return rc;
}

void vault_free(struct vault *v)
{
	if (v)
		sodium_free(v);
}

/* Associated data: "table\0column\0" || id as 8 little-endian bytes. */
static size_t make_ad(const char *table, const char *column, int64_t id, uint8_t *ad, size_t cap)
{
	size_t tl = strlen(table) + 1, cl = strlen(column) + 1;
	uint64_t u = (uint64_t)id;

	if (tl + cl + 8 > cap)
		return 0;
	memcpy(ad, table, tl);
	memcpy(ad + tl, column, cl);
	for (int i = 0; i < 8; i++)
		ad[tl + cl + i] = (uint8_t)(u >> (8 * i));
	return tl + cl + 8;
}

int vault_seal(const struct vault *v, const char *table, const char *column, int64_t id,
               const uint8_t *pt, size_t len, uint8_t *out)
{
	uint8_t ad[96];
	size_t adlen = make_ad(table, column, id, ad, sizeof(ad));

	if (len > SEAL_MAX || adlen == 0)
		return VG_EINVAL;
	randombytes_buf(out, VAULT_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + VAULT_NONCE, NULL, pt, len, ad, adlen,
	                                           NULL, out, v->seal);
	return 0;
}

int vault_unseal(const struct vault *v, const char *table, const char *column, int64_t id,
                 const uint8_t *sealed, size_t len, uint8_t *pt)
{
	uint8_t ad[96];
	size_t adlen = make_ad(table, column, id, ad, sizeof(ad));

	if (len < VAULT_OVERHEAD || len > SEAL_MAX + VAULT_OVERHEAD || adlen == 0)
		return VG_EINVAL;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, sealed + VAULT_NONCE,
	                                               len - VAULT_NONCE, ad, adlen, sealed,
	                                               v->seal) != 0) {
		sodium_memzero(pt, len - VAULT_OVERHEAD);
		return VG_ECRYPTO;
	}
	return 0;
}

void vault_blind(const struct vault *v, enum vault_domain d, const void *data, size_t len,
                 uint8_t out[VAULT_BIDX])
{
	int i = (int)d - 1;

	if (i < 0 || i >= N_DOMAINS)
		i = 0; /* unreachable with the enum; keep a defined key */
	crypto_generichash(out, VAULT_BIDX, data, len, v->blind[i], sizeof(v->blind[i]));
}
