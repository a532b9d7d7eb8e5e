/* t_ext2fs_seek.c: SEEK_DATA/SEEK_HOLE through rump_sys_lseek from the block map: direct, indirect levels, errors. */
#include <time.h>

#include "t_ext2fs.h"

/* One byte at off of path. */
static void
poke(const char *path, off_t off)
{
	int fd = rump_sys_open(path, O_WRONLY | O_CREAT, 0644);

	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_pwrite(fd, "x", 1, off), 1);
	CHECK_EQ(rump_sys_close(fd), 0);
}

static void
set_size(const char *path, off_t size)
{
	CHECK_EQ(rump_sys_truncate(path, size), 0);
}

/*
 * Walk fd's extents as cp --sparse does and compare with want: pairs of
 * [data, hole) ending with -1.
 */
static void
check_extents(int fd, const off_t *want)
{
	off_t off = 0, d, h;
	int i = 0;

	while ((d = rump_sys_lseek(fd, off, SEEK_DATA)) != -1) {
		h = rump_sys_lseek(fd, d, SEEK_HOLE);
		CHECK_EQ(d, want[i]);
		CHECK_EQ(h, want[i + 1]);
		i += 2;
		off = h;
	}
	CHECK_EQ(errno, ENXIO);
	CHECK_EQ(want[i], -1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 1 KiB blocks, 256 pointers an indirect block: data in each level of the tree. */
T_CASE(seek_levels_b1024)
{
	const off_t K = 1024, M = K * K, G = K * M;
	const off_t want[] = {
		0, K,			/* direct block 0 */
		11 * K, 13 * K,		/* the last direct block and the first single-indirect one */
		100 * K, 101 * K,	/* single indirect */
		10 * M, 10 * M + K,	/* double indirect */
		5 * G, 5 * G + K,	/* triple indirect */
		-1,
	};
	const char *f = T_MNT "/f";
	struct t_img t;
	int fd;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "32M");
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	for (int i = 0; want[i] != -1; i += 2)
		for (off_t o = want[i]; o < want[i + 1]; o += K)
			poke(f, o + 5);
	set_size(f, 8 * G);
	fd = rump_sys_open(f, O_RDONLY);
	CHECK(fd >= 0);
	check_extents(fd, want);
	/* inside an extent: the offset itself */
	CHECK_EQ(rump_sys_lseek(fd, 100 * K + 7, SEEK_DATA), 100 * K + 7);
	CHECK_EQ(rump_sys_lseek(fd, 6 * G, SEEK_HOLE), 6 * G);
	/* the hole at the end, and Linux's errors */
	CHECK_EQ(rump_sys_lseek(fd, 8 * G - 1, SEEK_HOLE), 8 * G - 1);
	CHECK_ERRNO(rump_sys_lseek(fd, 5 * G + K, SEEK_DATA), ENXIO);
	CHECK_ERRNO(rump_sys_lseek(fd, 8 * G, SEEK_DATA), ENXIO);
	CHECK_ERRNO(rump_sys_lseek(fd, 8 * G, SEEK_HOLE), ENXIO);
	CHECK_ERRNO(rump_sys_lseek(fd, -1, SEEK_HOLE), EINVAL);
	CHECK_ERRNO(rump_sys_lseek(fd, 0, SEEK_HOLE + 1), EINVAL);
	CHECK_EQ(rump_sys_close(fd), 0);
	/* the map is the one on disk too */
	t_umount();
	t_fsck(&t);
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	fd = rump_sys_open(f, O_RDONLY);
	check_extents(fd, want);
	CHECK_EQ(rump_sys_close(fd), 0);
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}

/* A 1.5 TiB file of 4 KiB blocks with two of them: answered in a few block reads. */
T_CASE(seek_huge_sparse_b4096)
{
	const off_t K = 1024, T = K * K * K * K;
	const char *f = T_MNT "/f";
	struct t_img t;
	double t0;
	int fd;

	t_img_init(&t);
	t_mkfs(&t, "-b 4096", false, "32M");
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	poke(f, 0);
	poke(f, T + 4 * K);
	set_size(f, T + T / 2);
	fd = rump_sys_open(f, O_RDONLY);
	CHECK(fd >= 0);
	t0 = now();
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_HOLE), 4 * K);
	CHECK_EQ(rump_sys_lseek(fd, 4 * K, SEEK_DATA), T + 4 * K);
	CHECK_EQ(rump_sys_lseek(fd, T + 4 * K, SEEK_HOLE), T + 8 * K);
	CHECK_ERRNO(rump_sys_lseek(fd, T + 8 * K, SEEK_DATA), ENXIO);
	CHECK(now() - t0 < 2.0);
	CHECK_EQ(rump_sys_close(fd), 0);
	t_umount();
	t_halt();
	t_fsck(&t);
	t_img_cleanup(&t);
}

/* A single-indirect pointer outside the file area: EIO, not a wild read. */
T_CASE(seek_corrupt_indirect)
{
	const char *f = T_MNT "/f";
	struct t_img t;
	int fd;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "8M");
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	poke(f, 0);
	poke(f, 200 * 1024);
	t_umount();
	CHECK_EQ(t_sh("debugfs -w -R 'sif /f block[IND] 99999999' '%s' >/dev/null 2>&1", t.img), 0);
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	fd = rump_sys_open(f, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_DATA), 0);
	CHECK_ERRNO(rump_sys_lseek(fd, 1024, SEEK_DATA), EIO);
	CHECK_EQ(rump_sys_close(fd), 0);
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}
