/* t_ffs_read.c: ffs read-only tests: makefs images of generated trees read back equal, statvfs, bad superblocks. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_rump.h"
#include "ffs_t.h"
#include "buf.h"

/* Build an image of a generated tree, mount it read-only, compare everything, unmount. */
static void
read_back(int version, const char *order, int bsize, int fsize, bool large)
{
	struct ffs_t t;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, (unsigned)(version * 1000 + bsize + fsize), large);
	ffs_t_makefs(&t, version, order, bsize, fsize, "-b 10%");
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	ffs_t_compare(t.ft_tree, "/mnt");
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_cleanup(&t);
}

T_CASE(ufs1_le_8k) { read_back(1, "le", 8192, 1024, true); }
T_CASE(ufs1_be_4k) { read_back(1, "be", 4096, 512, true); }
T_CASE(ufs1_le_16k_frag2) { read_back(1, "le", 16384, 8192, false); }
T_CASE(ufs1_be_64k) { read_back(1, "be", 65536, 8192, false); }
T_CASE(ufs2_le_4k) { read_back(2, "le", 4096, 512, true); }
T_CASE(ufs2_be_16k) { read_back(2, "be", 16384, 2048, false); }
T_CASE(ufs2_le_32k_frag1) { read_back(2, "le", 32768, 32768, false); }
T_CASE(ufs2_be_64k_frag4) { read_back(2, "be", 65536, 16384, false); }

/* Times with nanoseconds, UFS2 birth time and generation numbers come through getattr. */
T_CASE(times_and_stat)
{
	struct ffs_t t;
	struct stat hs, rs;
	char hp[400];

	for (int v = 1; v <= 2; v++) {
		ffs_t_init(&t);
		ffs_t_gen_tree(&t, 7, false);
		ffs_t_makefs(&t, v, "le", 0, 0, NULL);
		CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
		snprintf(hp, sizeof(hp), "%s/hard1", t.ft_tree);
		CHECK(lstat(hp, &hs) == 0);
		CHECK_EQ(rump_sys_lstat("/mnt/hard1", &rs), 0);
		CHECK_EQ(rs.st_mtim.tv_sec, hs.st_mtim.tv_sec);
		CHECK_EQ(rs.st_nlink, 3);
		CHECK_EQ(rs.st_blksize, 8192);
		CHECK(rs.st_blocks > 0);
		CHECK_EQ(rump_sys_lstat("/mnt/many/hard3", &hs), 0);
		CHECK_EQ(hs.st_ino, rs.st_ino);
		CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
		t_halt();
		ffs_t_cleanup(&t);
	}
}

T_CASE(statvfs_minfree)
{
	struct ffs_t t;
	struct statvfs sv;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, 3, false);
	CHECK_EQ(ffs_t_system("makefs -t ffs -o version=2,minfree=10 -s 8m '%s' '%s' >/dev/null",
	    t.ft_img, t.ft_tree), 0);
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_EQ(rump_sys_statvfs("/mnt", &sv), 0);
	CHECK_EQ(sv.f_bsize, 8192);
	CHECK_EQ(sv.f_frsize, 1024);
	CHECK(sv.f_blocks > 6000 && sv.f_blocks <= 8192);
	CHECK(sv.f_bfree > 0 && sv.f_bfree < sv.f_blocks);
	CHECK_EQ(sv.f_bavail, sv.f_bfree - sv.f_blocks * 10 / 100);
	CHECK(sv.f_ffree > 0 && sv.f_ffree < sv.f_files);
	CHECK_EQ(sv.f_namemax, 255);
	CHECK(sv.f_flag & ST_RDONLY);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_cleanup(&t);
}

/* Lookups: missing names, a file used as a directory, ".." walking up, the root's "..". */
T_CASE(lookup_errors)
{
	struct ffs_t t;
	struct stat st, st2;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, 5, false);
	ffs_t_makefs(&t, 2, "be", 0, 0, NULL);
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_ERRNO(rump_sys_lstat("/mnt/nonexistent", &st), ENOENT);
	CHECK_ERRNO(rump_sys_lstat("/mnt/hard1/x", &st), ENOTDIR);
	CHECK_EQ(rump_sys_lstat("/mnt/deep00/deep01/../../many/../hard1", &st), 0);
	CHECK_EQ(rump_sys_lstat("/mnt/hard1", &st2), 0);
	CHECK_EQ(st.st_ino, st2.st_ino);
	CHECK_EQ(rump_sys_stat("/mnt/short_link", &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_ERRNO(rump_sys_open("/mnt/newfile", O_CREAT | O_WRONLY, 0644), EROFS);
	CHECK_ERRNO(rump_sys_mkdir("/mnt/newdir", 0755), EROFS);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_cleanup(&t);
}

/* A file system that is not ffs, and superblocks with bad geometry: EINVAL, no crash. */
T_CASE(bad_superblocks)
{
	static const struct { long off; uint32_t val; } bad[] = {
		{ 48, 3000 },		/* fs_bsize not a power of two */
		{ 48, 1 << 17 },	/* fs_bsize too large */
		{ 52, 16384 },		/* fs_fsize > bsize */
		{ 56, 3 },		/* fs_frag */
		{ 44, 0 },		/* fs_ncg */
		{ 44, 1000 },		/* fs_ncg beyond the size */
		{ 184, 3 },		/* fs_ipg not a multiple of inopb */
		{ 188, 0 },		/* fs_fpg */
		{ 16, 1 },		/* fs_iblkno before cblkno */
		{ 1080, 1 << 30 },	/* fs_size beyond the device */
		{ 1096, 999999 },	/* fs_csaddr */
		{ 1320, 5000 },		/* fs_maxsymlinklen */
		{ 1372, 0x12345678 },	/* fs_magic */
	};
	struct ffs_t t;
	char orig[FFS_T_SBSIZE];

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, 9, false);
	ffs_t_makefs(&t, 2, "le", 0, 0, NULL);
	ffs_t_peek(&t, 8192, orig, sizeof(orig));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ffs_t_poke(&t, 8192, orig, sizeof(orig));
		ffs_t_poke(&t, 8192 + bad[i].off, &bad[i].val, 4);
		if (ffs_t_mount(&t, RUMP_MNT_RDONLY) != EINVAL)
			t_fail(__FILE__, __LINE__, "case %zu: mounted or wrong error", i);
		t_halt();
	}
	ffs_t_poke(&t, 8192, orig, sizeof(orig));
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_cleanup(&t);
}

static unsigned long
ino_of(const char *path)
{
	struct stat st;

	CHECK_EQ(rump_sys_lstat(path, &st), 0);
	return (unsigned long)st.st_ino;
}

static void
poke32(struct ffs_t *t, long off, uint32_t v)
{
	ffs_t_poke(t, off, &v, 4);
}

/* Damaged inodes, pointers and directories: EIO for what they touch, the rest still works, even writing. */
T_CASE(damaged_reads)
{
	struct ffs_t t;
	struct ffs_t_geom g;
	unsigned long large, many, owned, deep;
	char buf[65536];
	struct stat st;
	int fd;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, 31, false);
	ffs_t_makefs(&t, 1, "le", 8192, 1024, "-b 20%");
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	large = ino_of("/mnt/large");
	many = ino_of("/mnt/many");
	owned = ino_of("/mnt/owned");
	deep = ino_of("/mnt/deep00");
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_geom(&t, &g);
	poke32(&t, ffs_t_inode_off(&g, large) + 88, 0x7fffff00);	/* di_ib[0] */
	{
		uint32_t db0;
		ffs_t_peek(&t, ffs_t_inode_off(&g, many) + 40, &db0, 4);
		uint16_t bad = 3;
		ffs_t_poke(&t, (long)db0 * g.g_fsize + 12 + 4, &bad, 2);	/* ".." d_reclen */
	}
	{
		uint16_t mode = 0170755;
		ffs_t_poke(&t, ffs_t_inode_off(&g, owned), &mode, 2);
	}
	poke32(&t, ffs_t_inode_off(&g, deep) + 8, 0x40000000);	/* di_size */

	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK((fd = rump_sys_open("/mnt/large", O_RDONLY)) >= 0);
	CHECK_EQ(rump_sys_pread(fd, buf, 4096, 0), 4096);
	CHECK_ERRNO(rump_sys_pread(fd, buf, 4096, 12 * 8192), EIO);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_ERRNO(rump_sys_lstat("/mnt/many/hard2", &st), EIO);
	CHECK_ERRNO(rump_sys_lstat("/mnt/owned", &st), EIO);
	CHECK_ERRNO(rump_sys_lstat("/mnt/deep00", &st), EIO);
	CHECK_EQ(rump_sys_lstat("/mnt/hard1", &st), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();

	/* Writing around the damage works and does not make it worse than the checker says. */
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK((fd = rump_sys_open("/mnt/new", O_CREAT | O_WRONLY, 0644)) >= 0);
	memset(buf, 'n', sizeof(buf));
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	CHECK_EQ(rump_sys_close(fd), 0);
	/*
	 * The damaged indirect block is dropped with what it maps, the rest
	 * freed; the truncate says EIO and the file system is left for fsck.
	 */
	CHECK_ERRNO(rump_sys_truncate("/mnt/large", 0), EIO);
	CHECK_EQ(rump_sys_lstat("/mnt/large", &st), 0);
	CHECK_EQ(st.st_size, 0);
	CHECK_ERRNO(rump_sys_unlink("/mnt/many/hard2"), EIO);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	{
		uint8_t clean;

		ffs_t_peek(&t, 8192 + 209, &clean, 1);	/* fs_clean: not written clean after errors */
		CHECK_EQ(clean, 0);
	}
	ffs_t_cleanup(&t);
}

/*
 * An indirect block whose first pointer names itself: reading or writing
 * through it is EIO (the block is never taken for the file's data), the
 * file system is left marked for fsck, and the rest of the file reads.
 */
T_CASE(indirect_loop)
{
	struct ffs_t t;
	struct ffs_t_geom g;
	unsigned long large;
	uint32_t ib;
	char buf[4096];
	int fd;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, 31, false);
	ffs_t_makefs(&t, 1, "le", 8192, 1024, "-b 20%");
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	large = ino_of("/mnt/large");
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_geom(&t, &g);
	ffs_t_peek(&t, ffs_t_inode_off(&g, large) + 88, &ib, 4);	/* di_ib[0] */
	CHECK(ib != 0);
	poke32(&t, (long)ib * g.g_fsize, ib);

	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK((fd = rump_sys_open("/mnt/large", O_RDWR)) >= 0);
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	CHECK_ERRNO(rump_sys_pread(fd, buf, sizeof(buf), 12 * 8192), EIO);
	CHECK_ERRNO(rump_sys_pwrite(fd, buf, sizeof(buf), 12 * 8192), EIO);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	{
		uint8_t clean;

		ffs_t_peek(&t, 8192 + 209, &clean, 1);	/* fs_clean */
		CHECK_EQ(clean, 0);
	}
	ffs_t_cleanup(&t);
}

/*
 * A directory whose link count is too low on a damaged image: renaming
 * one of its subdirectories over another takes one ".." away, and the
 * count must not reach 0 while the directory still has its name (the
 * directory would be freed under its name at the last reference).
 */
T_CASE(rename_parent_count_low)
{
	struct ffs_t t;
	struct ffs_t_geom g;
	unsigned long p;
	int16_t one = 1;
	struct stat st;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, 7, false);
	ffs_t_makefs(&t, 1, "le", 8192, 1024, "-b 20%");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK_EQ(rump_sys_mkdir("/mnt/p", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/mnt/p/a", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/mnt/p/b", 0755), 0);
	p = ino_of("/mnt/p");
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_geom(&t, &g);
	ffs_t_poke(&t, ffs_t_inode_off(&g, p) + 2, &one, 2);	/* di_nlink */

	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK_EQ(rump_sys_rename("/mnt/p/a", "/mnt/p/b"), 0);
	CHECK_EQ(rump_sys_lstat("/mnt/p", &st), 0);
	CHECK(st.st_nlink >= 1);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_EQ(rump_sys_lstat("/mnt/p/b", &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_cleanup(&t);
}

/* Read rump file path whole and compare with host file hpath. */
static void
read_equal(const char *path, const char *hpath, size_t len)
{
	char *a = malloc(len + 1), *b = malloc(len + 1);
	int fd, hfd;

	CHECK((fd = rump_sys_open(path, O_RDONLY)) >= 0);
	CHECK((hfd = open(hpath, O_RDONLY)) >= 0);
	CHECK_EQ(rump_sys_read(fd, a, len + 1), (ssize_t)len);
	CHECK_EQ(read(hfd, b, len + 1), (ssize_t)len);
	CHECK(memcmp(a, b, len) == 0);
	rump_sys_close(fd);
	close(hfd);
	free(a);
	free(b);
}

/*
 * File data read through is not kept in the buffer cache: a 4 MiB file
 * read twice holds no more buffers than read-ahead has in flight.  Small
 * files whose tails share a block read back right in any order (a shared
 * block is never dropped on one file's account).
 */
T_CASE(read_once_not_cached)
{
	struct ffs_t t;
	struct bufstats bs;
	char hp[400], rp[64];
	int pass, i;

	ffs_t_init(&t);
	CHECK_EQ(ffs_t_system("mkdir -p %s && head -c 4194304 /dev/urandom > %s/big && "
	    "for i in 0 1 2 3 4 5 6 7; do head -c $((1000 + i * 777)) /dev/urandom > %s/s$i; done",
	    t.ft_tree, t.ft_tree, t.ft_tree), 0);
	ffs_t_makefs(&t, 2, "le", 16384, 2048, NULL);
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	snprintf(hp, sizeof(hp), "%s/big", t.ft_tree);
	for (pass = 0; pass < 2; pass++) {
		read_equal("/mnt/big", hp, 4 << 20);
		bufcache_stats(&bs);
		CHECK(bs.bs_nbufs < 300);	/* the file is 256 blocks of 16 KiB: fewer, whatever read-ahead holds */
		CHECK(bs.bs_bytes < (2u << 20) + 300 * 2048);
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < 8; i++) {
			int k = pass == 0 ? i : 7 - i;

			snprintf(hp, sizeof(hp), "%s/s%d", t.ft_tree, k);
			snprintf(rp, sizeof(rp), "/mnt/s%d", k);
			read_equal(rp, hp, (size_t)(1000 + k * 777));
		}
	}
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_cleanup(&t);
}
