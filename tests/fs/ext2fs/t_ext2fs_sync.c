/* t_ext2fs_sync.c: `sync` mounts and fsync leave an image that e2fsck finds clean and debugfs reads, with the fs still mounted (what a crash leaves). */
#include <stdlib.h>
#include <string.h>

#include "t_ext2fs.h"

/* 1 KiB blocks: 12 direct, 256 single indirect, the rest through the double indirect block. */
#define BIG	(600u * 1024 + 123)

/* Write len pattern bytes of seed at off in chunks of chunk bytes; fsync at the end if asked. */
static void
write_pattern(const char *path, uint64_t seed, size_t len, size_t chunk, bool fsync)
{
	char *buf = malloc(len);
	int fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(buf != NULL);
	CHECK(fd >= 0);
	t_fill(buf, len, seed, 0);
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		CHECK_EQ(rump_sys_pwrite(fd, buf + off, n, (off_t)off), (ssize_t)n);
	}
	if (fsync)
		CHECK_EQ(rump_sys_fsync(fd), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	free(buf);
}

/* Copy the image as it is now (the fs still mounted: what a crash leaves) to t->dir/crash.img. */
static void
crash_copy(struct t_img *t, char *copy, size_t size)
{
	snprintf(copy, size, "%s/crash.img", t->dir);
	CHECK_EQ(t_sh("cp '%s' '%s'", t->img, copy), 0);
}

/* e2fsck -fn of the copy exits 0 (printing its log when not). */
static void
fsck_copy(struct t_img *t, const char *copy)
{
	int rc = t_sh("e2fsck -fn '%s' >'%s' 2>&1", copy, t->log);

	if (rc != 0)
		t_sh("cat '%s' >&2", t->log);
	CHECK_EQ(rc, 0);
}

/* debugfs reads len pattern bytes of seed from fspath in the copy. */
static void
debugfs_same(struct t_img *t, const char *copy, const char *fspath, uint64_t seed, size_t len)
{
	char out[PATH_MAX + 16];
	char *want = malloc(len), *got = malloc(len + 1);
	int fd;

	snprintf(out, sizeof(out), "%s/dump", t->dir);
	CHECK_EQ(t_sh("debugfs -R 'dump %s %s' '%s' >/dev/null 2>&1", fspath, out, copy), 0);
	fd = open(out, O_RDONLY);
	CHECK(fd >= 0);
	t_fill(want, len, seed, 0);
	CHECK_EQ(read(fd, got, len + 1), (ssize_t)len);
	CHECK(memcmp(want, got, len) == 0);
	close(fd);
	unlink(out);
	free(want);
	free(got);
}

/* Mounted sync: a file through single and double indirect blocks is all on disk when write returns. */
T_CASE(sync_crash_indirect)
{
	char copy[PATH_MAX + 16];
	struct t_img t;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "16M");
	t_boot();
	CHECK_EQ(t_mount(&t, RUMP_MNT_SYNCHRONOUS), 0);
	CHECK_EQ(rump_sys_mkdir(T_MNT "/d", 0755), 0);
	write_pattern(T_MNT "/d/big", 7, BIG, 4096, false);
	crash_copy(&t, copy, sizeof(copy));
	fsck_copy(&t, copy);
	debugfs_same(&t, copy, "/d/big", 7, BIG);
	t_umount();
	t_halt();
	t_fsck(&t);
	t_img_cleanup(&t);
}

/* Mounted sync: after removes, truncates and renames too the image on disk stays consistent. */
T_CASE(sync_crash_changes)
{
	char copy[PATH_MAX + 16];
	struct t_img t;
	int fd;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "16M");
	t_boot();
	CHECK_EQ(t_mount(&t, RUMP_MNT_SYNCHRONOUS), 0);
	write_pattern(T_MNT "/a", 1, BIG, 65536, false);
	write_pattern(T_MNT "/b", 2, BIG, 1000, false);
	CHECK_EQ(rump_sys_mkdir(T_MNT "/d", 0755), 0);
	CHECK_EQ(rump_sys_rename(T_MNT "/b", T_MNT "/d/b"), 0);
	CHECK_EQ(rump_sys_unlink(T_MNT "/a"), 0);
	fd = rump_sys_open(T_MNT "/d/b", O_WRONLY);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_ftruncate(fd, 300 * 1024), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	write_pattern(T_MNT "/c", 3, BIG, 8192, false);
	crash_copy(&t, copy, sizeof(copy));
	fsck_copy(&t, copy);
	debugfs_same(&t, copy, "/d/b", 2, 300 * 1024);
	debugfs_same(&t, copy, "/c", 3, BIG);
	t_umount();
	t_halt();
	t_fsck(&t);
	t_img_cleanup(&t);
}

/* Without the sync option, fsync of a file makes its data and indirect blocks (and the maps) durable. */
T_CASE(fsync_crash_indirect)
{
	char copy[PATH_MAX + 16];
	struct t_img t;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "16M");
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	write_pattern(T_MNT "/big", 9, BIG, 4096, true);
	crash_copy(&t, copy, sizeof(copy));
	fsck_copy(&t, copy);
	debugfs_same(&t, copy, "/big", 9, BIG);
	t_umount();
	t_halt();
	t_fsck(&t);
	t_img_cleanup(&t);
}

/* Mounted sync: a directory grown over many blocks, half its files removed, is consistent on disk. */
T_CASE(sync_crash_dir)
{
	char copy[PATH_MAX + 16], name[64];
	struct t_img t;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "16M");
	t_boot();
	CHECK_EQ(t_mount(&t, RUMP_MNT_SYNCHRONOUS), 0);
	CHECK_EQ(rump_sys_mkdir(T_MNT "/d", 0755), 0);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), T_MNT "/d/file-with-a-longish-name-%03d", i);
		write_pattern(name, (uint64_t)i, (size_t)i * 97, 4096, false);
	}
	for (int i = 0; i < 300; i += 2) {
		snprintf(name, sizeof(name), T_MNT "/d/file-with-a-longish-name-%03d", i);
		CHECK_EQ(rump_sys_unlink(name), 0);
	}
	CHECK_EQ(rump_sys_mkdir(T_MNT "/d/sub", 0700), 0);
	crash_copy(&t, copy, sizeof(copy));
	fsck_copy(&t, copy);
	debugfs_same(&t, copy, "/d/file-with-a-longish-name-299", 299, 299 * 97);
	t_umount();
	t_halt();
	t_fsck(&t);
	t_img_cleanup(&t);
}
