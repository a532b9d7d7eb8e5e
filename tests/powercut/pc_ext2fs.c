/* pc_ext2fs.c: the power-cut sweep on ext2 (1 KiB blocks): e2fsck -p must repair, e2fsck -fn then finds it clean. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "pc.h"

static int
sh(const char *cmd, const char *img, const char *log)
{
	char line[3 * PATH_MAX];
	int rc;

	snprintf(line, sizeof(line), "%s '%s' >'%s' 2>&1", cmd, img, log);
	rc = system(line);
	CHECK(rc != -1 && WIFEXITED(rc));
	return WEXITSTATUS(rc);
}

/* 4 MiB, 1 KiB blocks: the big file needs indirect blocks, each cut point runs fast. */
static void
ext2_mkfs(const char *img)
{
	char line[PATH_MAX + 64];

	snprintf(line, sizeof(line), "mke2fs -q -F -t ext2 -b 1024 -N 128 '%s' 4M", img);
	CHECK_EQ(system(line), 0);
}

static int
ext2_mount(const char *img, int flags)
{
	return pc_mount(img, MOUNT_EXT2FS, flags);
}

/* Exit 0 (clean) or 1 (repaired) of the preen; 4 and up: it would not repair alone. */
static bool
ext2_repair(const char *img, const char *log)
{
	char cat[PATH_MAX + 32];
	int rc = sh("e2fsck -p", img, log);

	snprintf(cat, sizeof(cat), "cat '%s' >&2", log);
	if (rc > 1) {
		fprintf(stderr, "e2fsck -p: exit %d\n", rc);
		(void)system(cat);
		return false;
	}
	if ((rc = sh("e2fsck -fn", img, log)) != 0) {
		fprintf(stderr, "e2fsck -fn after e2fsck -p: exit %d\n", rc);
		(void)system(cat);
		return false;
	}
	return true;
}

static const struct pc_fs pc_ext2fs = { "ext2fs", ext2_mkfs, ext2_mount, ext2_repair };

T_CASE(ext2fs_fsync) { pc_sweep(&pc_ext2fs, 0); }
T_CASE(ext2fs_sync) { pc_sweep(&pc_ext2fs, RUMP_MNT_SYNCHRONOUS); }
