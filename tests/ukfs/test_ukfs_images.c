/* test_ukfs_images.c: ukfs calls on ext2 and FFS images made by mke2fs/makefs (detected types, partitions, errors, e2fsck after writes). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <rump/rump.h>
#include <rump/ukfs.h>

#include "t.h"
#include "ukfs_timg.h"

static struct ukfs *
img_mount(const char *type, const char *name, int flags)
{
	char path[PATH_MAX];
	struct ukfs *fs;

	CHECK(ukfs_init() == 0);
	fs = ukfs_mount(type, timg_path(path, sizeof(path), name), UKFS_DEFAULTMP, flags, NULL, 0);
	if (fs == NULL)
		t_fail(__FILE__, __LINE__, "mount %s: %s", name, strerror(errno));
	return fs;
}

static bool
dir_has(struct ukfs *fs, const char *dir, const char *want)
{
	uint8_t buf[4096];
	off_t off = 0;
	int n;

	while ((n = ukfs_getdents(fs, dir, &off, buf, sizeof(buf))) > 0) {
		for (int i = 0; i < n;) {
			unsigned short reclen;

			memcpy(&reclen, buf + i + offsetof(struct dirent64, d_reclen), sizeof(reclen));
			if (strcmp((char *)buf + i + offsetof(struct dirent64, d_name), want) == 0)
				return true;
			i += reclen;
		}
	}
	CHECK_EQ(n, 0);
	return false;
}

/* The tree of mkimages.sh, read through fs; every write refused (read-only mount). */
static void
check_tree_ro(struct ukfs *fs)
{
	uint8_t buf[128];
	char link[64];
	struct stat st, st2;

	memset(buf, 0, sizeof(buf));
	CHECK_EQ(ukfs_read(fs, "/hello.txt", 0, buf, sizeof(buf)), 20);
	CHECK_STREQ((char *)buf, "hello from an image\n");
	memset(link, 0, sizeof(link));
	CHECK_EQ(ukfs_readlink(fs, "/usr/rel-link", link, sizeof(link)), 12);
	CHECK_STREQ(link, "../hello.txt");
	CHECK(ukfs_stat(fs, "/usr/hardlink", &st) == 0);
	CHECK(ukfs_stat(fs, "/hello.txt", &st2) == 0);
	CHECK_EQ(st.st_ino, st2.st_ino);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_EQ(st2.st_mtim.tv_sec, 981173106);	/* 2001-02-03 04:05:06 UTC */
	CHECK(ukfs_stat(fs, "/usr/share/doc/numbers", &st) == 0);
	CHECK_EQ(st.st_mode, S_IFREG | 04755);
	CHECK(ukfs_stat(fs, "/etc/passwd", &st) == 0);
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK(ukfs_stat(fs, "/usr/share/doc/big.bin", &st) == 0);
	CHECK_EQ(st.st_size, 300000);
	CHECK(ukfs_read(fs, "/usr/share/doc/numbers", 0, buf, 10) == 10);
	CHECK(memcmp(buf, "1\n2\n3\n4\n5\n", 10) == 0);
	CHECK(dir_has(fs, "/usr/share/doc", "numbers"));
	CHECK(!dir_has(fs, "/usr/share/doc", "nothere"));
	CHECK(ukfs_chdir(fs, "/usr/share") == 0);
	CHECK(ukfs_stat(fs, "doc/numbers", &st) == 0);
	CHECK(ukfs_stat(fs, "../../../../hello.txt", &st) == 0);

	CHECK_ERRNO(ukfs_stat(fs, "/nothere", &st), ENOENT);
	CHECK_ERRNO(ukfs_stat(fs, "/hello.txt/x", &st), ENOTDIR);
	CHECK_ERRNO(ukfs_read(fs, "/etc", 0, buf, 1), EISDIR);
	CHECK_ERRNO(ukfs_create(fs, "/new", 0644), EROFS);
	CHECK_ERRNO(ukfs_mkdir(fs, "/newdir", 0755), EROFS);
	CHECK_ERRNO(ukfs_remove(fs, "/hello.txt"), EROFS);
	CHECK_ERRNO(ukfs_rmdir(fs, "/empty"), EROFS);
	CHECK_ERRNO(ukfs_rename(fs, "/hello.txt", "/x"), EROFS);
	CHECK_ERRNO(ukfs_link(fs, "/hello.txt", "/x"), EROFS);
	CHECK_ERRNO(ukfs_symlink(fs, "y", "/x"), EROFS);
	CHECK_ERRNO(ukfs_chmod(fs, "/hello.txt", 0600), EROFS);
	CHECK_ERRNO(ukfs_chown(fs, "/hello.txt", 1, 1), EROFS);
	CHECK_ERRNO(ukfs_utimes(fs, "/hello.txt", NULL), EROFS);
	CHECK_ERRNO(ukfs_write(fs, "/hello.txt", 0, buf, 1), EROFS);
}

static void
tree_ro(const char *type, const char *name)
{
	struct ukfs *fs;

	timg_make();
	fs = img_mount(type, name, RUMP_MNT_RDONLY);
	check_tree_ro(fs);
	CHECK(ukfs_getmp(fs) != NULL);
	CHECK(ukfs_release(fs, 0) == 0);
	timg_remove();
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(ext2_read)	{ tree_ro(MOUNT_EXT2FS, "ext2.img"); }
T_CASE(ext2_detect)	{ tree_ro(NULL, "ext2.img"); }
T_CASE(ffs1_read)	{ tree_ro(MOUNT_FFS, "ffs1.img"); }
T_CASE(ffs1_detect)	{ tree_ro(NULL, "ffs1.img"); }
T_CASE(ffs2be_detect)	{ tree_ro(NULL, "ffs2be.img"); }
T_CASE(mbr1_ext2)	{ tree_ro(NULL, "mbr.img%MBR:1%"); }
T_CASE(mbr2_ffs)	{ tree_ro(NULL, "mbr.img%MBR:2%"); }
T_CASE(gpt1_ext2)	{ tree_ro(NULL, "gpt.img%GPT:1%"); }
T_CASE(gpt2_ffs)	{ tree_ro(NULL, "gpt.img%GPT:2%"); }
T_CASE(offset_ffs)	{ tree_ro(NULL, "mbr.img%OFFSET:6291456,4194304%"); }

/* NetBSD style: the caller's ufs_args names the host image; ukfs substitutes its device. */
T_CASE(netbsd_style_args)
{
	char path[PATH_MAX];
	struct ufs_args args;
	struct ukfs *fs;

	timg_make();
	CHECK(ukfs_init() == 0);
	args.fspec = timg_path(path, sizeof(path), "ext2.img");
	fs = ukfs_mount(MOUNT_EXT2FS, path, "/", RUMP_MNT_RDONLY, &args, sizeof(args));
	CHECK(fs != NULL);
	check_tree_ro(fs);
	CHECK(ukfs_release(fs, 0) == 0);
	/* The wrong type for the image is refused by the driver. */
	CHECK(ukfs_mount(MOUNT_FFS, path, "/", RUMP_MNT_RDONLY, NULL, 0) == NULL);
	CHECK_EQ(errno, EINVAL);
	timg_remove();
	CHECK_ERR(rump_shutdown(), 0);
}

/* Changes through every writing call, the errors they give, then the checker and a second look. */
static void
write_ops(const char *name, bool ext2)
{
	struct timeval tv[2] = { { 1234567890, 0 }, { 1234567891, 0 } };
	uint8_t buf[256];
	char cmd[256], link[32];
	struct ukfs *fs;
	struct stat st;

	timg_make();
	fs = img_mount(NULL, name, 0);
	CHECK(ukfs_create(fs, "/new", 0640) == 0);
	CHECK_ERRNO(ukfs_create(fs, "/new", 0640), EEXIST);
	CHECK_EQ(ukfs_write(fs, "/new", 0, (uint8_t *)"written by ukfs", 15), 15);
	CHECK(ukfs_mkdir(fs, "/d", 0700) == 0);
	CHECK_ERRNO(ukfs_mkdir(fs, "/d", 0700), EEXIST);
	CHECK_ERRNO(ukfs_mkdir(fs, "/no/d", 0700), ENOENT);
	CHECK_ERRNO(ukfs_mkdir(fs, "/new/d", 0700), ENOTDIR);
	CHECK(ukfs_util_builddirs(fs, "/d/e/f", 0755) == 0);
	CHECK(ukfs_symlink(fs, "../new", "/d/sl") == 0);
	CHECK(ukfs_link(fs, "/new", "/d/hard") == 0);
	CHECK(ukfs_mkfifo(fs, "/d/fifo", 0600) == 0);
	CHECK(ukfs_rename(fs, "/d/hard", "/d/e/hard") == 0);
	CHECK_ERRNO(ukfs_rename(fs, "/empty", "/d"), ENOTEMPTY);
	CHECK_ERRNO(ukfs_rmdir(fs, "/d"), ENOTEMPTY);
	CHECK_ERRNO(ukfs_remove(fs, "/d"), EISDIR);
	CHECK_ERRNO(ukfs_remove(fs, "/nothere"), ENOENT);
	CHECK(ukfs_remove(fs, "/hello.txt") == 0);
	CHECK(ukfs_rmdir(fs, "/empty") == 0);
	CHECK(ukfs_chmod(fs, "/new", 0604) == 0);
	CHECK(ukfs_chown(fs, "/new", 123, 456) == 0);
	CHECK(ukfs_utimes(fs, "/new", tv) == 0);
	CHECK(ukfs_release(fs, 0) == 0);
	CHECK_ERR(rump_shutdown(), 0);

	if (ext2) {
		snprintf(cmd, sizeof(cmd), "e2fsck -fn %s/%s >/dev/null 2>&1", timg_dir, name);
		CHECK_EQ(system(cmd), 0);
	} else {
		unsigned nproblems = 99;

		CHECK(ukfs_check(NULL, timg_path(cmd, sizeof(cmd), name), &nproblems) == 0);
		CHECK_EQ(nproblems, 0);
		CHECK_ERR(rump_shutdown(), 0);
	}

	fs = img_mount(NULL, name, RUMP_MNT_RDONLY);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(ukfs_read(fs, "/d/e/hard", 0, buf, sizeof(buf)), 15);
	CHECK_STREQ((char *)buf, "written by ukfs");
	CHECK(ukfs_stat(fs, "/new", &st) == 0);
	CHECK_EQ(st.st_mode, S_IFREG | 0604);
	CHECK_EQ(st.st_uid, 123);
	CHECK_EQ(st.st_gid, 456);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_EQ(st.st_mtim.tv_sec, 1234567891);
	memset(link, 0, sizeof(link));
	CHECK_EQ(ukfs_readlink(fs, "/d/sl", link, sizeof(link)), 6);
	CHECK(ukfs_lstat(fs, "/d/fifo", &st) == 0);
	CHECK(S_ISFIFO(st.st_mode));
	CHECK(ukfs_stat(fs, "/d/e/f", &st) == 0);
	CHECK_ERRNO(ukfs_stat(fs, "/hello.txt", &st), ENOENT);
	CHECK_ERRNO(ukfs_stat(fs, "/empty", &st), ENOENT);
	CHECK(ukfs_release(fs, 0) == 0);
	timg_remove();
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(ext2_write)	{ write_ops("ext2.img", true); }
T_CASE(ffs1_write)	{ write_ops("ffs1.img", false); }
T_CASE(ffs2be_write)	{ write_ops("ffs2be.img", false); }

/* The checker on an image that is not FFS, and on one that is. */
T_CASE(check_types)
{
	char path[PATH_MAX];
	unsigned n = 99;

	timg_make();
	CHECK(ukfs_check(NULL, timg_path(path, sizeof(path), "ffs2be.img"), &n) == 0);
	CHECK_EQ(n, 0);
	CHECK(ukfs_check(NULL, timg_path(path, sizeof(path), "gpt.img%GPT:2%"), &n) == 0);
	CHECK_EQ(n, 0);
	CHECK_ERRNO(ukfs_check(NULL, timg_path(path, sizeof(path), "ext2.img"), &n), EOPNOTSUPP);
	CHECK_ERRNO(ukfs_check(NULL, timg_path(path, sizeof(path), "mbr.img"), &n), EINVAL);
	CHECK_ERRNO(ukfs_check(MOUNT_FFS, timg_path(path, sizeof(path), "mbr.img%MBR:1%"), &n), EINVAL);
	timg_remove();
	CHECK_ERR(rump_shutdown(), 0);
}
