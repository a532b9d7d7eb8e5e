/* t_ext2fs_read.c: images made by mke2fs -d from a generated tree read back equal (bytes, modes, owners, times, links). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_ext2fs.h"
#include "buf.h"

static void
host_file(const char *root, const char *name, uint64_t seed, off_t off, size_t len)
{
	char path[PATH_MAX * 2];
	char *buf = malloc(len ? len : 1);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	t_fill(buf, len, seed, (uint64_t)off);
	CHECK_EQ(pwrite(fd, buf, len, off), (ssize_t)len);
	close(fd);
	free(buf);
}

static void
host_do(const char *fmt, const char *root, const char *arg)
{
	CHECK_EQ(t_sh(fmt, root, arg), 0);
}

/* Many files, deep directories, long names, sparse and large files, links of both kinds, devices, fifos. */
static void
gen_tree(const char *root)
{
	char name[PATH_MAX * 2], longname[256];
	struct timespec ts[2] = { { 981173106, 0 }, { 981173107, 0 } };

	host_do("mkdir -p '%s/many' '%s/empty'", root, root);
	host_do("mkdir -m 700 '%s/lost+found' %s", root, "");
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "many/file%03d", i);
		host_file(root, name, (uint64_t)i, 0, (size_t)(i * 37) % 5000);
	}
	snprintf(name, sizeof(name), "%s", "deep");
	for (int i = 0; i < 30; i++)
		strcat(name, "/d");
	host_do("mkdir -p '%s/%s'", root, name);
	strcat(name, "/bottom");
	host_file(root, name, 77, 0, 1234);
	memset(longname, 'n', 255);
	longname[255] = 0;
	host_file(root, longname, 255, 0, 255);
	host_file(root, "sparse", 1, 0, 1);
	host_file(root, "sparse", 2, 3 << 20, 5000);
	host_file(root, "sparse_triple", 3, 70 << 20, 4096);
	host_file(root, "large", 4, 0, 600 * 1024 + 17);
	host_file(root, "emptyfile", 5, 0, 0);
	host_do("cd '%s' && ln -s many/file001 fastlink && ln -s %s slowlink", root,
	    "/a/very/long/target/path/that/does/not/fit/in/sixty/bytes/of/the/inode/block/array/x");
	host_do("cd '%s' && ln many/file002 hardlink1 && ln many/file002 empty/%s", root, "hardlink2");
	host_do("cd '%s' && mknod chr c 1 3 && mknod blk b 8 1 && mknod %s c 300 70000 && mkfifo fifo",
	    root, "bigdev");
	host_do("cd '%s' && chown 1000:2000 many/file003 && chown 70000:80000 %s", root, "many/file004");
	host_do("cd '%s' && chmod 4755 many/file005 && chmod 1777 empty && chmod 0 %s", root,
	    "many/file006");
	snprintf(name, sizeof(name), "%s/many/file007", root);
	CHECK(utimensat(AT_FDCWD, name, ts, AT_SYMLINK_NOFOLLOW) == 0);
}

static void
read_tree(const char *opts)
{
	struct t_img t;
	struct statvfs sv;

	t_img_init(&t);
	gen_tree(t.src);
	t_mkfs(&t, opts, true, "100M");
	t_boot();
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	t_tree_compare(t.src, T_MNT, true);
	CHECK(rump_sys_statvfs(T_MNT, &sv) == 0);
	CHECK(sv.f_bfree > 0 && sv.f_bfree < sv.f_blocks);
	CHECK_EQ(sv.f_namemax, 255);
	t_umount();
	t_halt();
	t_fsck(&t);
	t_img_cleanup(&t);
}

T_CASE(read_b1024_i128) { read_tree("-b 1024 -I 128"); }
T_CASE(read_b1024_i256) { read_tree("-b 1024 -I 256"); }
T_CASE(read_b2048_i256) { read_tree("-b 2048 -I 256"); }
T_CASE(read_b4096_i128) { read_tree("-b 4096 -I 128"); }
T_CASE(read_b4096_i256) { read_tree("-b 4096 -I 256"); }
T_CASE(read_rev0) { read_tree("-r 0 -b 1024"); }
T_CASE(read_rev0_b4096) { read_tree("-r 0 -b 4096"); }
T_CASE(read_ext3_clean) { read_tree("-b 1024 -j"); }

/*
 * File data read through is not kept in the buffer cache (the host caches
 * the image): a 4 MiB file read twice holds no more buffers than
 * read-ahead has in flight, and reads back equal both times; blocks
 * written and not yet flushed stay cached and dirty when read, and go
 * once written to the image.
 */
T_CASE(read_once_not_cached)
{
	struct t_img t;
	struct bufstats bs;
	size_t len = 4 << 20;
	char *buf = malloc(len), *want = malloc(len);
	int fd, pass;

	t_img_init(&t);
	host_file(t.src, "big", 9, 0, len);
	t_mkfs(&t, "-b 4096", true, "32M");
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	t_fill(want, len, 9, 0);
	for (pass = 0; pass < 2; pass++) {
		CHECK((fd = rump_sys_open(T_MNT "/big", O_RDONLY)) >= 0);
		CHECK_EQ(rump_sys_read(fd, buf, len), (ssize_t)len);
		CHECK(memcmp(buf, want, len) == 0);
		rump_sys_close(fd);
		bufcache_stats(&bs);
		CHECK(bs.bs_nbufs < 300);	/* the file is 1024 blocks; read-ahead holds up to 255 */
	}
	/* Written, then read before any flush (under a megabyte: no write-behind): still dirty. */
	CHECK((fd = rump_sys_open(T_MNT "/new", O_RDWR | O_CREAT, 0644)) >= 0);
	CHECK_EQ(rump_sys_write(fd, want, 512 << 10), 512 << 10);
	bufcache_stats(&bs);
	unsigned dirty = bs.bs_ndirty;
	CHECK(dirty >= 128);
	CHECK_EQ(rump_sys_pread(fd, buf, 512 << 10, 0), 512 << 10);
	CHECK(memcmp(buf, want, 512 << 10) == 0);
	bufcache_stats(&bs);
	CHECK_EQ(bs.bs_ndirty, dirty);
	CHECK_EQ(rump_sys_fsync(fd), 0);
	rump_sys_close(fd);
	/* Written and not read: once on the image, the blocks written to their end go too. */
	CHECK((fd = rump_sys_open(T_MNT "/new2", O_RDWR | O_CREAT, 0644)) >= 0);
	CHECK_EQ(rump_sys_write(fd, want, 512 << 10), 512 << 10);
	bufcache_stats(&bs);
	unsigned held = bs.bs_nbufs;
	CHECK_EQ(rump_sys_fsync(fd), 0);
	bufcache_stats(&bs);
	CHECK(bs.bs_nbufs + 120 <= held);
	CHECK_EQ(rump_sys_pread(fd, buf, 512 << 10, 0), 512 << 10);
	CHECK(memcmp(buf, want, 512 << 10) == 0);
	rump_sys_close(fd);
	t_umount();
	t_halt();
	t_fsck(&t);
	t_img_cleanup(&t);
	free(buf);
	free(want);
}

/*
 * Inodes made together are read together: stat of 640 files (40 inode
 * table blocks) in a cold cache costs a few host reads, not one each.
 */
T_CASE(inode_table_read_along)
{
	struct t_img t;
	struct bufstats b0, b1;
	struct stat st;
	char p[PATH_MAX];
	int i;

	t_img_init(&t);
	CHECK_EQ(t_sh("mkdir -p '%s/d' && for i in $(seq 0 639); do : >\"%s/d/f$i\"; done", t.src,
	    t.src), 0);
	t_mkfs(&t, "-b 4096 -I 256", true, "32M");
	t_boot();
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_EQ(rump_sys_stat(T_MNT "/d", &st), 0);
	CHECK_EQ(rump_sys_stat(T_MNT "/d/f0", &st), 0);	/* the directory, read */
	bufcache_stats(&b0);
	for (i = 1; i < 640; i++) {
		snprintf(p, sizeof(p), T_MNT "/d/f%d", i);
		CHECK_EQ(rump_sys_stat(p, &st), 0);
		CHECK(S_ISREG(st.st_mode));
	}
	bufcache_stats(&b1);
	CHECK(b1.bs_reads - b0.bs_reads <= 12);
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}
