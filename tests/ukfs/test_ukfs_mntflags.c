/* test_ukfs_mntflags.c: <rump/ukfs.h>'s NetBSD MNT_* names next to Linux's mount headers, included after it (before works too: see ukfs_install.bats). */
#include <errno.h>
#include <rump/ukfs.h>
#include <sys/mount.h>
#include <linux/fs.h>

#include "t.h"
#include "t_rump.h"
#include "ukfs_timg.h"

/* The names have NetBSD's values, glibc's MNT_FORCE (1) included; Linux's MS_* are untouched. */
T_CASE(values)
{
	CHECK_EQ(MNT_RDONLY, RUMP_MNT_RDONLY);
	CHECK_EQ(MNT_SYNCHRONOUS, RUMP_MNT_SYNCHRONOUS);
	CHECK_EQ(MNT_NOEXEC, RUMP_MNT_NOEXEC);
	CHECK_EQ(MNT_NOSUID, RUMP_MNT_NOSUID);
	CHECK_EQ(MNT_NODEV, RUMP_MNT_NODEV);
	CHECK_EQ(MNT_NOATIME, RUMP_MNT_NOATIME);
	CHECK_EQ(MNT_UPDATE, RUMP_MNT_UPDATE);
	CHECK_EQ(MNT_FORCE, RUMP_MNT_FORCE);
	CHECK_EQ(MNT_DETACH, 2);
	CHECK_EQ(MS_RDONLY, 1);
	CHECK_EQ(MS_NOATIME, 1024);
}

/* MNT_RDONLY mounts read-only: writes give EROFS. */
T_CASE(rdonly_mount)
{
	char path[PATH_MAX];
	struct ufs_args args;
	struct stat sb;
	struct ukfs *fs;

	timg_make();
	CHECK(ukfs_init() == 0);
	args.fspec = timg_path(path, sizeof(path), "ext2.img");
	fs = ukfs_mount(MOUNT_EXT2FS, path, "/", MNT_RDONLY | MNT_NOATIME, &args, sizeof(args));
	CHECK(fs != NULL);
	CHECK(ukfs_stat(fs, "/hello.txt", &sb) == 0);
	CHECK_ERRNO(ukfs_mkdir(fs, "/new", 0755), EROFS);
	CHECK(ukfs_release(fs, 0) == 0);
	timg_remove();
	CHECK_ERR(rump_shutdown(), 0);
}
