/*
 * libFuzzer: merkle_tile_parse on arbitrary bytes. An accepted path must be
 * canonical: a valid tile whose path, written back, is byte for byte the
 * input. A refused one must leave the tile zeroed. Every hash of an
 * accepted hash tile must locate back to that tile.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/merkle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct merkle_tile t;
	char buf[MERKLE_TILE_PATH_MAX];
	unsigned level, first, count;
	uint64_t index, tile_index;
	int tile_level;

	if (merkle_tile_parse((const char *)data, size, &t) != 0) {
		if (t.level != 0 || t.index != 0 || t.width != 0)
			abort();
		return 0;
	}
	if (!merkle_tile_valid(&t))
		abort();
	if (merkle_tile_path(&t, buf, sizeof(buf)) != 0)
		abort();
	if (strlen(buf) != size || memcmp(buf, data, size) != 0)
		abort();
	if (t.level == MERKLE_TILE_ENTRIES) {
		if (merkle_tile_hash_at(&t, 0, &level, &index) != VG_EINVAL)
			abort();
		return 0;
	}
	if (merkle_tile_hash_at(&t, t.width, &level, &index) != VG_EINVAL)
		abort();
	for (unsigned i = 0; i < t.width; i += 1 + i / 2) {
		if (merkle_tile_hash_at(&t, i, &level, &index) != 0)
			abort();
		if (merkle_tile_locate(level, index, &tile_level, &tile_index, &first, &count) != 0)
			abort();
		if (tile_level != t.level || tile_index != t.index || first != i || count != 1)
			abort();
	}
	return 0;
}
