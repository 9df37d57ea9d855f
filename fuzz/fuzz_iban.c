/*
 * libFuzzer: iban_validate on arbitrary bytes, and iban_make_fr on the first
 * 21 bytes taken as bank, branch and account: whatever it builds must
 * validate, and must carry the parts unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/iban.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char bank[6], branch[6], account[12], out[IBAN_FR_LEN + 1];
	int rc;

	rc = iban_validate((const char *)data, size);
	if (rc != 0 && rc != VG_EINVAL)
		abort();
	if (rc == 0 && (size < 15 || size > IBAN_MAX))
		abort();
	if (size < 21)
		return 0;
	memcpy(bank, data, 5);
	memcpy(branch, data + 5, 5);
	memcpy(account, data + 10, 11);
	bank[5] = branch[5] = account[11] = '\0';
	rc = iban_make_fr(bank, branch, account, out);
	if (rc == VG_EINVAL)
		return 0;
	if (rc != 0 || strlen(out) != IBAN_FR_LEN || memcmp(out, "FR", 2) != 0)
		abort();
	if (memcmp(out + 4, bank, 5) != 0 || memcmp(out + 9, branch, 5) != 0 ||
	    memcmp(out + 14, account, 11) != 0)
		abort();
	if (iban_validate(out, IBAN_FR_LEN) != 0)
		abort();
	return 0;
}
