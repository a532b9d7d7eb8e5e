/* t_ext2fs_mount.c: superblock state, the feature policy, mount options ro/rw/sync/noatime/force, hashed directories. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_ext2fs.h"

#define SB_MNT_COUNT	(1024 + 52)
#define SB_STATE	(1024 + 58)
#define SB_INCOMPAT	(1024 + 96)
#define SB_ROCOMPAT	(1024 + 100)

static uint32_t
peek(struct t_img *t, off_t off, size_t len)
{
	uint8_t b[4] = { 0 };
	int fd = open(t->img, O_RDONLY);

	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, b, len, off), (ssize_t)len);
	close(fd);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void
poke(struct t_img *t, off_t off, size_t len, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	int fd = open(t->img, O_WRONLY);

	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, b, len, off), (ssize_t)len);
	close(fd);
}

/* Mount with the console (stderr) captured: returns errno of the mount (0 on success). */
static int
mount_capture(struct t_img *t, int flags, char *msg, size_t msglen)
{
	char path[PATH_MAX + 16];
	int saved = dup(2), fd, rc, e;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/console", t->dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	rc = t_mount(t, flags);
	e = rc == 0 ? 0 : errno;
	dup2(saved, 2);
	close(saved);
	n = pread(fd, msg, msglen - 1, 0);
	msg[n > 0 ? n : 0] = 0;
	close(fd);
	return e;
}

static void
expect_refused(struct t_img *t, int flags, int err, const char *text)
{
	char msg[4096];

	CHECK_EQ(mount_capture(t, flags, msg, sizeof(msg)), err);
	if (strstr(msg, text) == NULL)
		t_fail(__FILE__, __LINE__, "console said \"%s\", wanted \"%s\"", msg, text);
}

T_CASE(state_clean_marks)
{
	struct t_img t;
	uint32_t count;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "8M");
	count = peek(&t, SB_MNT_COUNT, 2);
	CHECK_EQ(peek(&t, SB_STATE, 2), 1);
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	CHECK_EQ(peek(&t, SB_STATE, 2), 0);	/* in use */
	CHECK_EQ(peek(&t, SB_MNT_COUNT, 2), count + 1);
	t_umount();
	CHECK_EQ(peek(&t, SB_STATE, 2), 1);	/* clean again */
	/* read-only mounts write nothing */
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_EQ(peek(&t, SB_STATE, 2), 1);
	CHECK_EQ(peek(&t, SB_MNT_COUNT, 2), count + 1);
	CHECK_ERRNO(rump_sys_mkdir(T_MNT "/x", 0755), EROFS);
	t_umount();
	t_halt();
	t_fsck(&t);
	t_img_cleanup(&t);
}

static void
unclean(uint32_t state, const char *text)
{
	struct t_img t;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "8M");
	poke(&t, SB_STATE, 2, state);
	t_boot();
	expect_refused(&t, 0, EPERM, text);
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	t_umount();
	CHECK_EQ(t_mount(&t, RUMP_MNT_FORCE), 0);
	CHECK(rump_sys_mkdir(T_MNT "/x", 0755) == 0);
	t_umount();
	CHECK_EQ(peek(&t, SB_STATE, 2), state);	/* as found: only e2fsck makes it clean */
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(state_not_clean_refused) { unclean(0, "not cleanly unmounted"); }
T_CASE(state_errors_refused) { unclean(3, "has errors"); }

T_CASE(feature_ext4_refused)
{
	struct t_img t;

	t_img_init(&t);
	CHECK_EQ(t_sh("mke2fs -q -F -t ext4 -O ^metadata_csum '%s' 8M >/dev/null 2>&1", t.img), 0);
	t_boot();
	expect_refused(&t, RUMP_MNT_RDONLY, EINVAL, "unsupported feature");
	CHECK_EQ(t_sh("mke2fs -q -F -t ext2 -O metadata_csum '%s' 8M >/dev/null 2>&1", t.img), 0);
	expect_refused(&t, RUMP_MNT_RDONLY, EINVAL, "unsupported ext4 feature metadata_csum");
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(feature_extent_named)
{
	struct t_img t;

	t_img_init(&t);
	CHECK_EQ(t_sh("mke2fs -q -F -t ext2 -O extent '%s' 8M >/dev/null 2>&1", t.img), 0);
	t_boot();
	expect_refused(&t, 0, EINVAL, "unsupported feature extent");
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(feature_unknown_incompat)
{
	struct t_img t;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "8M");
	poke(&t, SB_INCOMPAT, 4, peek(&t, SB_INCOMPAT, 4) | 0x40000000);
	t_boot();
	expect_refused(&t, RUMP_MNT_RDONLY, EINVAL, "incompat 0x40000000");
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(feature_unknown_rocompat)
{
	struct t_img t;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "8M");
	poke(&t, SB_ROCOMPAT, 4, peek(&t, SB_ROCOMPAT, 4) | 0x40000000);
	t_boot();
	expect_refused(&t, 0, EROFS, "ro_compat 0x40000000");
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(ext3_needs_recovery)
{
	struct t_img t;
	struct stat st;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024 -j", false, "16M");
	t_boot();
	/* a clean journal: read-write works and the journal is left alone */
	CHECK_EQ(t_mount(&t, 0), 0);
	CHECK(rump_sys_mkdir(T_MNT "/x", 0755) == 0);
	t_umount();
	t_fsck(&t);
	poke(&t, SB_INCOMPAT, 4, peek(&t, SB_INCOMPAT, 4) | 0x4);
	expect_refused(&t, 0, EROFS, "journal needs recovery");
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK(rump_sys_stat(T_MNT "/x", &st) == 0);
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(opt_noatime)
{
	struct t_img t;
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
	struct stat st;
	char c;
	int fd;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "8M");
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	t_rump_write_file(T_MNT "/f", "x", 1);
	CHECK(rump_sys_utimensat(AT_FDCWD, T_MNT "/f", old, 0) == 0);
	t_umount();
	CHECK_EQ(t_mount(&t, RUMP_MNT_NOATIME), 0);
	fd = rump_sys_open(T_MNT "/f", O_RDONLY);
	CHECK(fd >= 0 && rump_sys_read(fd, &c, 1) == 1 && rump_sys_close(fd) == 0);
	CHECK(rump_sys_stat(T_MNT "/f", &st) == 0);
	CHECK_EQ(st.st_atime, 1000);
	t_umount();
	CHECK_EQ(t_mount(&t, 0), 0);
	fd = rump_sys_open(T_MNT "/f", O_RDONLY);
	CHECK(fd >= 0 && rump_sys_read(fd, &c, 1) == 1 && rump_sys_close(fd) == 0);
	t_umount();
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK(rump_sys_stat(T_MNT "/f", &st) == 0);
	CHECK(st.st_atime > 1000);
	t_umount();
	t_halt();
	t_fsck(&t);
	t_img_cleanup(&t);
}

T_CASE(opt_sync)
{
	struct t_img t;
	char out[PATH_MAX + 16];

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "8M");
	t_boot();
	CHECK_EQ(t_mount(&t, RUMP_MNT_SYNCHRONOUS), 0);
	t_rump_write_file(T_MNT "/f", "synchronous", 11);
	/* still mounted: the data, the inode and the name are on the image already */
	snprintf(out, sizeof(out), "%s/out", t.dir);
	CHECK_EQ(t_sh("debugfs -R 'dump /f %s' '%s' >/dev/null 2>&1 && grep -q synchronous '%s'",
	    out, t.img, out), 0);
	t_umount();
	t_halt();
	t_fsck(&t);
	t_img_cleanup(&t);
}

T_CASE(update_rw_ro_rw)
{
	struct t_img t;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "8M");
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	CHECK(rump_sys_mkdir(T_MNT "/x", 0755) == 0);
	CHECK_EQ(t_mount(&t, RUMP_MNT_UPDATE | RUMP_MNT_RDONLY), 0);
	CHECK_EQ(peek(&t, SB_STATE, 2), 1);
	t_fsck(&t);
	CHECK_ERRNO(rump_sys_mkdir(T_MNT "/y", 0755), EROFS);
	/* and back to read-write */
	CHECK_EQ(t_mount(&t, RUMP_MNT_UPDATE), 0);
	CHECK_EQ(peek(&t, SB_STATE, 2), 0);
	CHECK(rump_sys_mkdir(T_MNT "/y", 0755) == 0);
	t_umount();
	CHECK_EQ(peek(&t, SB_STATE, 2), 1);
	t_fsck(&t);
	/* a read-only mount of an unclean image is not upgraded without force */
	poke(&t, SB_STATE, 2, 0);
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_ERRNO(t_mount(&t, RUMP_MNT_UPDATE), EPERM);
	CHECK_ERRNO(rump_sys_mkdir(T_MNT "/z", 0755), EROFS);
	CHECK_EQ(t_mount(&t, RUMP_MNT_UPDATE | RUMP_MNT_FORCE), 0);
	CHECK(rump_sys_mkdir(T_MNT "/z", 0755) == 0);
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}

/* A directory e2fsck -D indexed: read linearly, and changed it loses the index flag. */
T_CASE(dir_index_written)
{
	struct t_img t;
	char p[PATH_MAX * 2];
	struct stat st;

	t_img_init(&t);
	snprintf(p, sizeof(p), "%s/lost+found", t.src);
	CHECK(mkdir(p, 0700) == 0);
	snprintf(p, sizeof(p), "%s/big", t.src);
	CHECK(mkdir(p, 0755) == 0);
	for (int i = 0; i < 400; i++) {
		snprintf(p, sizeof(p), "%s/big/entry_with_a_longish_name_%04d", t.src, i);
		CHECK(close(open(p, O_WRONLY | O_CREAT, 0644)) == 0);
	}
	t_mkfs(&t, "-b 1024", true, "16M");
	CHECK_EQ(t_sh("e2fsck -fyD '%s' >/dev/null 2>&1; debugfs -R 'stat /big' '%s' 2>/dev/null"
	    " | grep -q 'Flags: 0x1000'", t.img, t.img), 0);
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	t_tree_compare(t.src, T_MNT, false);
	for (int i = 0; i < 400; i += 3) {
		snprintf(p, sizeof(p), T_MNT "/big/entry_with_a_longish_name_%04d", i);
		CHECK(rump_sys_unlink(p) == 0);
	}
	for (int i = 0; i < 100; i++) {
		snprintf(p, sizeof(p), T_MNT "/big/new_%d", i);
		t_rump_write_file(p, "n", 1);
	}
	t_umount();
	t_fsck(&t);
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	for (int i = 0; i < 400; i++) {
		snprintf(p, sizeof(p), T_MNT "/big/entry_with_a_longish_name_%04d", i);
		CHECK_EQ(rump_sys_stat(p, &st), i % 3 == 0 ? -1 : 0);
	}
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}
