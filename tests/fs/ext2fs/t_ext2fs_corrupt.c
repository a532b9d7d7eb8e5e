/* t_ext2fs_corrupt.c: targeted corruptions made with dd/debugfs at test time each give a clean error, never a crash or hang. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/statvfs.h>

#include "t_ext2fs.h"

/* An image with a directory of 20 files, a 300 KB file (single and double indirect) and small files. */
static void
make_image(struct t_img *t)
{
	t_img_init(t);
	CHECK_EQ(t_sh("cd '%s' && mkdir -m 700 lost+found && mkdir d && for i in $(seq 1 20); do "
	    "echo $i > d/f$i; done && head -c 300000 /dev/zero | tr '\\0' b > big && echo x > small"
	    " && ln -s %s slowlink", t->src,
	    "a/target/that/is/long/enough/to/need/a/block/of/its/own/on/the/disk"), 0);
	t_mkfs(t, "-b 1024", true, "8M");
}

/* A number debugfs prints: the first match of sed expression expr in the output of cmd. */
static long
debugfs_num(struct t_img *t, const char *cmd, const char *expr)
{
	char line[2 * PATH_MAX];
	long v = -1;
	FILE *f;

	snprintf(line, sizeof(line), "debugfs -R '%s' '%s' 2>/dev/null | sed -n '%s' | head -n 1",
	    cmd, t->img, expr);
	f = popen(line, "r");
	CHECK(f != NULL);
	if (fgets(line, sizeof(line), f) != NULL)
		v = strtol(line, NULL, 10);
	pclose(f);
	CHECK(v > 0);
	return v;
}

static void
poke(struct t_img *t, off_t off, const void *b, size_t len)
{
	int fd = open(t->img, O_WRONLY);

	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, b, len, off), (ssize_t)len);
	close(fd);
}

static void
poke32(struct t_img *t, off_t off, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	poke(t, off, b, 4);
}

static unsigned
sb_state(struct t_img *t)
{
	uint8_t b[2];
	int fd = open(t->img, O_RDONLY);

	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, b, 2, 1024 + 58), 2);
	close(fd);
	return b[0] | b[1] << 8u;
}

static void
poke16(struct t_img *t, off_t off, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	poke(t, off, b, 2);
}

static void
debugfs_w(struct t_img *t, const char *cmd)
{
	CHECK_EQ(t_sh("debugfs -w -R '%s' '%s' >/dev/null 2>&1", cmd, t->img), 0);
}

static void
read_all_fails(const char *path, int err)
{
	char buf[4096];
	ssize_t n;
	int fd = rump_sys_open(path, O_RDONLY);

	CHECK(fd >= 0);
	while ((n = rump_sys_read(fd, buf, sizeof(buf))) > 0)
		;
	CHECK_EQ(n, -1);
	CHECK_EQ(errno, err);
	CHECK(rump_sys_close(fd) == 0);
}

static void
mount_refused(struct t_img *t)
{
	t_boot();
	CHECK_ERRNO(t_mount(t, RUMP_MNT_RDONLY), EINVAL);
	CHECK_ERRNO(t_mount(t, 0), EINVAL);
	t_halt();
	t_img_cleanup(t);
}

T_CASE(corrupt_bad_magic)
{
	struct t_img t;

	make_image(&t);
	poke16(&t, 1024 + 56, 0x1234);
	mount_refused(&t);
}

T_CASE(corrupt_huge_block_count)
{
	struct t_img t;

	make_image(&t);
	poke32(&t, 1024 + 4, 0xfffffff0u);
	mount_refused(&t);
}

T_CASE(corrupt_block_size)
{
	struct t_img t;

	make_image(&t);
	poke32(&t, 1024 + 24, 7);
	mount_refused(&t);
}

T_CASE(corrupt_group_geometry)
{
	struct t_img t;

	make_image(&t);
	poke32(&t, 1024 + 40, 0);	/* no inodes per group */
	mount_refused(&t);
}

T_CASE(corrupt_inode_table_outside)
{
	struct t_img t;

	make_image(&t);
	poke32(&t, 2048 + 8, 0x7fffffffu);	/* group 0's inode table */
	mount_refused(&t);
}

T_CASE(corrupt_dir_record_overrun)
{
	struct t_img t;
	struct stat st;
	char buf[4096];
	long blk;
	int fd;

	make_image(&t);
	blk = debugfs_num(&t, "bmap /d 0", "s/^\\([0-9][0-9]*\\)$/\\1/p");
	poke16(&t, blk * 1024 + 12 + 4, 0x7ffc);	/* ".." runs past the block */
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	CHECK_ERRNO(rump_sys_stat(T_MNT "/d/f1", &st), EIO);
	fd = rump_sys_open(T_MNT "/d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK_ERRNO(rump_sys_getdents(fd, buf, sizeof(buf)), EIO);
	CHECK(rump_sys_close(fd) == 0);
	CHECK_ERRNO(rump_sys_mkdir(T_MNT "/d/new", 0755), EIO);
	CHECK_ERRNO(rump_sys_rmdir(T_MNT "/d"), EIO);
	CHECK(rump_sys_stat(T_MNT "/small", &st) == 0);	/* the rest still works */
	t_umount();
	/* what was seen is recorded: the next read-write mount wants e2fsck (or force) */
	CHECK_EQ(sb_state(&t) & 2, 2);
	CHECK_ERRNO(t_mount(&t, 0), EPERM);
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(corrupt_dir_entry_inode)
{
	struct t_img t;
	struct stat st;
	long blk;

	make_image(&t);
	blk = debugfs_num(&t, "bmap /d 0", "s/^\\([0-9][0-9]*\\)$/\\1/p");
	poke32(&t, blk * 1024 + 24, 0x7fffffffu);	/* the first name after "." and ".." */
	t_boot();
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_ERRNO(rump_sys_stat(T_MNT "/d/f1", &st), EIO);
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(corrupt_block_outside)
{
	struct t_img t;

	make_image(&t);
	debugfs_w(&t, "sif /small block[0] 9999999");
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	read_all_fails(T_MNT "/small", EIO);
	CHECK_ERRNO(rump_sys_truncate(T_MNT "/small", 0), EIO);
	(void)rump_sys_unlink(T_MNT "/small");	/* freeing fails; the name goes */
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}

/*
 * A bad pointer among good ones: the truncate says EIO, drops the bad
 * pointer and still frees every good block (the walk does not stop at
 * the damage), as FFS does.
 */
T_CASE(corrupt_truncate_frees_past_bad_pointer)
{
	struct t_img t;
	struct statvfs before, after;
	struct stat st;

	make_image(&t);
	debugfs_w(&t, "sif /big block[0] 9999999");
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	CHECK_EQ(rump_sys_statvfs(T_MNT, &before), 0);
	CHECK_ERRNO(rump_sys_truncate(T_MNT "/big", 0), EIO);
	CHECK_EQ(rump_sys_statvfs(T_MNT, &after), 0);
	/* 300000 bytes in 1 KiB blocks: 293 data blocks, one of them the bad one, and 3 indirect */
	CHECK_EQ(after.f_bfree - before.f_bfree, 292 + 3);
	CHECK_EQ(rump_sys_lstat(T_MNT "/big", &st), 0);
	CHECK_EQ(st.st_blocks, 0);
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(corrupt_block_is_metadata)
{
	struct t_img t;
	char cmd[64];
	long itab;

	make_image(&t);
	/* the first block of group 0's inode table */
	itab = debugfs_num(&t, "stats", "s/.*[Ii]node table at \\([0-9]*\\).*/\\1/p");
	snprintf(cmd, sizeof(cmd), "sif /small block[0] %ld", itab);
	debugfs_w(&t, cmd);
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	read_all_fails(T_MNT "/small", EIO);
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}

static void
indirect_loop(const char *which, const char *expr)
{
	struct t_img t;
	long ind;

	make_image(&t);
	ind = debugfs_num(&t, "stat /big", expr);
	(void)which;
	poke32(&t, ind * 1024, (uint32_t)ind);	/* its first pointer is itself */
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	read_all_fails(T_MNT "/big", EIO);
	CHECK_ERRNO(rump_sys_truncate(T_MNT "/big", 1), EIO);
	(void)rump_sys_unlink(T_MNT "/big");
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(corrupt_indirect_loop) { indirect_loop("IND", "s/.*(IND):\\([0-9]*\\).*/\\1/p"); }
T_CASE(corrupt_double_indirect_loop) { indirect_loop("DIND", "s/.*(DIND):\\([0-9]*\\).*/\\1/p"); }

T_CASE(corrupt_symlink_size)
{
	struct t_img t;
	char buf[PATH_MAX];

	make_image(&t);
	debugfs_w(&t, "sif /slowlink size 100000");
	t_boot();
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_ERRNO(rump_sys_readlink(T_MNT "/slowlink", buf, sizeof(buf)), EIO);
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(corrupt_free_counts_lie)
{
	struct t_img t;
	char buf[4096];
	int fd;

	make_image(&t);
	/* group 0 claims free blocks its bitmap does not have: allocation must not loop or crash */
	CHECK_EQ(t_sh("debugfs -w -R 'set_bg 0 free_blocks_count 8000' '%s' >/dev/null 2>&1", t.img), 0);
	CHECK_EQ(t_sh("debugfs -w -R 'ssv free_blocks_count 8000' '%s' >/dev/null 2>&1", t.img), 0);
	t_boot();
	if (t_mount(&t, 0) == 0) {
		memset(buf, 'z', sizeof(buf));
		fd = rump_sys_open(T_MNT "/fill", O_WRONLY | O_CREAT, 0644);
		CHECK(fd >= 0);
		while (rump_sys_write(fd, buf, sizeof(buf)) > 0)
			;
		CHECK(rump_sys_close(fd) == 0);
		t_umount();
	}
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(corrupt_root_not_dir)
{
	struct t_img t;

	make_image(&t);
	debugfs_w(&t, "sif <2> mode 0100644");
	mount_refused(&t);
}
