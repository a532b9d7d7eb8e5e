/* ukfs_timg.h: test images for the ukfs tests, made by mkimages.sh in a temporary directory. */
#ifndef TESTS_UKFS_TIMG_H
#define TESTS_UKFS_TIMG_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include "t.h"

static char timg_dir[64];

/* Make the images (UKFS_MKIMAGES names the script); return the directory. */
static inline const char *
timg_make(void)
{
	char cmd[PATH_MAX + 128];
	const char *script = getenv("UKFS_MKIMAGES");

	CHECK(script != NULL);
	snprintf(timg_dir, sizeof(timg_dir), "/tmp/ukfs_test.XXXXXX");
	CHECK(mkdtemp(timg_dir) != NULL);
	snprintf(cmd, sizeof(cmd), "%s %s", script, timg_dir);
	CHECK_EQ(system(cmd), 0);
	return timg_dir;
}

/* dir/name into buf. */
static inline char *
timg_path(char *buf, size_t len, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", timg_dir, name);

	CHECK(n > 0 && (size_t)n < len);
	return buf;
}

static inline void
timg_remove(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", timg_dir);
	CHECK_EQ(system(cmd), 0);
}

#endif /* TESTS_UKFS_TIMG_H */
