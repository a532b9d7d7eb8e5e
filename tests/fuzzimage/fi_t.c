/* fi_t.c: the fuzzimage tests' shared helpers: seed images made once per process, file loading, map coverage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>

#include "t.h"
#include "fi_t.h"

const struct fi_t_seed fi_t_seeds[] = {
	{ "ext2.img", "ext2fs" }, { "ext2r0.img", "ext2fs" }, { "ext2_4k.img", "ext2fs" },
	{ "ext2g4.img", "ext2fs" }, { "ufs1.img", "ffs" }, { "ufs1be.img", "ffs" },
	{ "ufs2.img", "ffs" }, { "ufs2be.img", "ffs" }, { "ufs1mc.img", "ffs" }, { "ufs2mc.img", "ffs" },
};
const size_t fi_t_nseeds = sizeof(fi_t_seeds) / sizeof(fi_t_seeds[0]);

static char seeddir[64];

static void
rm_seeddir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", seeddir);
	if (system(cmd) != 0)
		fprintf(stderr, "fi_t: could not remove %s\n", seeddir);
}

const char *
fi_t_seeddir(void)
{
	const char *script = getenv("FUZZIMAGE_MKSEEDS");
	char cmd[512];

	if (seeddir[0] != '\0')
		return seeddir;
	CHECK(script != NULL);
	strcpy(seeddir, "/tmp/fuzzimage.XXXXXX");
	CHECK(mkdtemp(seeddir) != NULL);
	atexit(rm_seeddir);
	snprintf(cmd, sizeof(cmd), "bash '%s' '%s'", script, seeddir);
	CHECK_EQ(system(cmd), 0);
	return seeddir;
}

uint8_t *
fi_t_load(const char *name, size_t *lenp)
{
	char path[256];
	FILE *f;
	uint8_t *buf;
	long len;

	snprintf(path, sizeof(path), "%s/%s", fi_t_seeddir(), name);
	CHECK((f = fopen(path, "rb")) != NULL);
	CHECK_EQ(fseek(f, 0, SEEK_END), 0);
	CHECK((len = ftell(f)) > 0);
	rewind(f);
	CHECK((buf = malloc((size_t)len)) != NULL);
	CHECK_EQ(fread(buf, 1, (size_t)len, f), len);
	fclose(f);
	*lenp = (size_t)len;
	return buf;
}

bool
fi_t_covered(const struct rump_fuzzmap *map, uint64_t off, uint64_t len, unsigned kind)
{
	for (size_t i = 0; i < map->fm_nranges; i++) {
		const struct rump_fuzzmap_range *r = &map->fm_ranges[i];

		if ((kind == 0 || r->fr_kind == kind) && r->fr_off <= off &&
		    off + len <= r->fr_off + r->fr_len)
			return true;
	}
	return false;
}

void
fi_t_boot(void)
{
	int error = rump_init();

	CHECK(error == 0 || error == EBUSY);
}
