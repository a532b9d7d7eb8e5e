/* fuzz_metamap.c: libFuzzer target of the metadata-map parsers, fed by the image-aware mutator: expand the input, map the image by probing, map it as each type. */
#include <stdint.h>
#include <stdlib.h>

#include <rump/rump.h>
#include <rump/rump_fuzzmap.h>

#include "fuzzimage.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxsize, unsigned int seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxsize);

static const char *const types[] = { NULL, "ext2fs", "ffs" };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (rump_init() != 0)
		abort();
	return 0;
}

/* A map must lie inside its image; anything else is a parser bug worth a crash. */
static void
map_one(const char *type, const uint8_t *img, size_t len)
{
	struct rump_fuzzmap *map;

	if (rump_pub_fs_metamap(type, img, len, &map) != 0)
		return;
	for (size_t i = 0; i < map->fm_nranges; i++) {
		if (map->fm_ranges[i].fr_len == 0 ||
		    map->fm_ranges[i].fr_off + map->fm_ranges[i].fr_len > len)
			abort();
	}
	rump_pub_fs_metamap_free(map);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part, *prog;
	size_t plen, proglen, len;
	unsigned flags;
	uint8_t *img;

	if (fuzzimage_split(data, size, &flags, &part, &plen, &prog, &proglen) != 0) {
		for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
			map_one(types[t], data, size);
		return 0;
	}
	if (fuzzimage_expand(part, plen, &img, &len) != 0)
		return 0;
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
		map_one(types[t], img, len);
	free(img);
	return 0;
}

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t maxsize, unsigned int seed)
{
	return fuzzimage_mutate(data, size, maxsize, seed, LLVMFuzzerMutate);
}
