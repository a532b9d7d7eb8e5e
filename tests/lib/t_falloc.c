/* t_falloc.c: fallocate scenarios shared by the ext2fs, ffs and rumpfs tests: real storage, zeroes, holes, undo on ENOSPC. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_falloc.h"

#define MIB	((off_t)1 << 20)
#define T_ROUNDUP(x, y)		((((x) + (y) - 1) / (y)) * (y))
#define T_ROUNDDOWN(x, y)	(((x) / (y)) * (y))

/* A new empty file dir/name (its path in p), open read-write. */
static int
create_in(char *p, size_t len, const char *dir, const char *name)
{
	int fd;

	snprintf(p, len, "%s/%s", dir, name);
	fd = rump_sys_open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	return fd;
}

static off_t
stored(int fd)
{
	struct stat st;

	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	return (off_t)st.st_blocks * 512;
}

static off_t
size_of(int fd)
{
	struct stat st;

	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	return st.st_size;
}

/* Bytes free on the file system holding dir. */
static off_t
free_bytes(const char *dir)
{
	struct statvfs sv;

	CHECK_EQ(rump_sys_statvfs(dir, &sv), 0);
	return (off_t)sv.f_bfree * (off_t)sv.f_frsize;
}

/* Deterministic bytes: byte i of the pattern is (i * 131 + seed) mod 251. */
static void
pattern(unsigned char *buf, size_t len, off_t base, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(((uint64_t)(base + (off_t)i) * 131 + seed) % 251);
}

/* [off, off + len) of fd holds pattern seed (or zeroes, seed 0 meaning zero). */
static void
check_bytes(int fd, off_t off, size_t len, unsigned seed, bool zero)
{
	unsigned char *got = malloc(len), *want = malloc(len);

	CHECK(got != NULL && want != NULL);
	if (zero)
		memset(want, 0, len);
	else
		pattern(want, len, off, seed);
	CHECK_EQ(rump_sys_pread(fd, got, len, off), (ssize_t)len);
	CHECK(memcmp(got, want, len) == 0);
	free(got);
	free(want);
}

static void
write_pattern(int fd, off_t off, size_t len, unsigned seed)
{
	unsigned char *buf = malloc(len);

	CHECK(buf != NULL);
	pattern(buf, len, off, seed);
	CHECK_EQ(rump_sys_pwrite(fd, buf, len, off), (ssize_t)len);
	free(buf);
}

void
t_falloc_alloc(const char *dir)
{
	char p[PATH_MAX];
	int fd;

	fd = create_in(p, sizeof(p), dir, "alloc");
	CHECK_EQ(rump_sys_fallocate(fd, 0, 0, 8 * MIB), 0);
	CHECK_EQ(size_of(fd), 8 * MIB);
	CHECK(stored(fd) >= 8 * MIB && stored(fd) < 9 * MIB);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_DATA), 0);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_HOLE), 8 * MIB);
	check_bytes(fd, 0, (size_t)MIB, 0, true);
	check_bytes(fd, 7 * MIB, (size_t)MIB, 0, true);
	CHECK_EQ(rump_sys_close(fd), 0);

	/* Over data and holes: the data stays, the holes fill, the size grows to the end. */
	fd = create_in(p, sizeof(p), dir, "mixed");
	write_pattern(fd, MIB + 1000, 70000, 7);
	CHECK_EQ(rump_sys_fallocate(fd, 0, 4096, 3 * MIB + 5), 0);
	CHECK_EQ(size_of(fd), 3 * MIB + 4096 + 5);
	CHECK(stored(fd) >= 3 * MIB && stored(fd) < 4 * MIB);
	CHECK_EQ(rump_sys_lseek(fd, 4096, SEEK_HOLE), size_of(fd));
	check_bytes(fd, MIB + 1000, 70000, 7, false);
	check_bytes(fd, 0, (size_t)MIB + 1000, 0, true);
	check_bytes(fd, MIB + 71000, (size_t)(2 * MIB - 71000 + 4096 + 5), 0, true);
	/* Inside the size, all stored: the size stays. */
	CHECK_EQ(rump_sys_fallocate(fd, 0, 0, MIB), 0);
	CHECK_EQ(size_of(fd), 3 * MIB + 4096 + 5);
	CHECK_EQ(rump_sys_close(fd), 0);
}

void
t_falloc_keepsize(const char *dir, bool pastend)
{
	char p[PATH_MAX];
	off_t before;
	int fd;

	fd = create_in(p, sizeof(p), dir, "keep");
	CHECK_EQ(rump_sys_ftruncate(fd, 8 * MIB), 0);
	CHECK(stored(fd) < MIB / 8);
	CHECK_EQ(rump_sys_fallocate(fd, T_FALLOC_KEEP_SIZE, 0, 8 * MIB), 0);
	CHECK_EQ(size_of(fd), 8 * MIB);
	CHECK(stored(fd) >= 8 * MIB && stored(fd) < 9 * MIB);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_HOLE), 8 * MIB);
	check_bytes(fd, 3 * MIB, (size_t)MIB, 0, true);
	before = stored(fd);
	if (pastend) {
		CHECK_EQ(rump_sys_fallocate(fd, T_FALLOC_KEEP_SIZE, 8 * MIB, MIB), 0);
		CHECK_EQ(size_of(fd), 8 * MIB);
		CHECK(stored(fd) >= before + MIB);
		/* A shrink frees what lay past the end too; a grow shows zeroes. */
		CHECK_EQ(rump_sys_ftruncate(fd, MIB), 0);
		CHECK(stored(fd) <= MIB + MIB / 8);
		CHECK_EQ(rump_sys_ftruncate(fd, 10 * MIB), 0);
		check_bytes(fd, 8 * MIB, (size_t)MIB, 0, true);
	} else {
		CHECK_ERRNO(rump_sys_fallocate(fd, T_FALLOC_KEEP_SIZE, 8 * MIB - 4096, MIB),
		    EOPNOTSUPP);
		CHECK_EQ(size_of(fd), 8 * MIB);
		CHECK_EQ(stored(fd), before);
	}
	CHECK_EQ(rump_sys_close(fd), 0);
}

void
t_falloc_punch(const char *dir, long bsize)
{
	const off_t off = 4096 + 100, len = MIB;
	char p[PATH_MAX];
	off_t before;
	int fd;

	fd = create_in(p, sizeof(p), dir, "punch");
	write_pattern(fd, 0, (size_t)(2 * MIB), 3);
	before = stored(fd);
	CHECK_ERRNO(rump_sys_fallocate(fd, T_FALLOC_PUNCH_HOLE, off, len), EOPNOTSUPP);
	CHECK_EQ(stored(fd), before);
	CHECK_EQ(rump_sys_fallocate(fd, T_FALLOC_PUNCH_HOLE | T_FALLOC_KEEP_SIZE, off, len), 0);
	CHECK_EQ(size_of(fd), 2 * MIB);
	CHECK(stored(fd) <= before - len + 2 * bsize);
	CHECK(stored(fd) < before - len / 2);
	check_bytes(fd, 0, (size_t)off, 3, false);
	check_bytes(fd, off, (size_t)len, 0, true);
	check_bytes(fd, off + len, (size_t)(2 * MIB - off - len), 3, false);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_HOLE), T_ROUNDUP(off, bsize));
	CHECK_EQ(rump_sys_lseek(fd, T_ROUNDUP(off, bsize), SEEK_DATA), T_ROUNDDOWN(off + len, bsize));
	/* From inside the data to past the end: the tail reads as zeroes, the size stays. */
	CHECK_EQ(rump_sys_fallocate(fd, T_FALLOC_PUNCH_HOLE | T_FALLOC_KEEP_SIZE,
	    2 * MIB - 5000, 10 * MIB), 0);
	CHECK_EQ(size_of(fd), 2 * MIB);
	check_bytes(fd, off + len, (size_t)(MIB - off - 5000), 3, false);
	check_bytes(fd, 2 * MIB - 5000, 5000, 0, true);
	/* Entirely past the end: nothing to do. */
	CHECK_EQ(rump_sys_fallocate(fd, T_FALLOC_PUNCH_HOLE | T_FALLOC_KEEP_SIZE, 4 * MIB, MIB), 0);
	CHECK_EQ(size_of(fd), 2 * MIB);
	CHECK_EQ(rump_sys_close(fd), 0);
}

void
t_falloc_errors(const char *dir, off_t toobig)
{
	char p[PATH_MAX];
	int fd, rfd;

	fd = create_in(p, sizeof(p), dir, "errs");
	rfd = rump_sys_open(p, O_RDONLY);
	CHECK(rfd >= 0);
	CHECK_ERRNO(rump_sys_fallocate(fd, 0, 0, 0), EINVAL);
	CHECK_ERRNO(rump_sys_fallocate(fd, 0, -1, 10), EINVAL);
	CHECK_ERRNO(rump_sys_fallocate(rfd, 0, 0, 10), EBADF);
	CHECK_ERRNO(rump_sys_fallocate(-1, 0, 0, 10), EBADF);
	CHECK_ERRNO(rump_sys_fallocate(fd, T_FALLOC_ZERO_RANGE, 0, 10), EOPNOTSUPP);
	CHECK_ERRNO(rump_sys_fallocate(fd, 0x08, 0, 4096), EOPNOTSUPP);	/* collapse */
	CHECK_ERRNO(rump_sys_fallocate(fd, 0, toobig, 1), EFBIG);
	CHECK_ERRNO(rump_sys_fallocate(fd, 0, INT64_MAX - 10, 100), EFBIG);
	CHECK_EQ(size_of(fd), 0);
	CHECK_EQ(stored(fd), 0);
	CHECK_EQ(rump_sys_close(rfd), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
}

void
t_falloc_enospc(const char *dir, off_t len)
{
	char p[PATH_MAX];
	off_t freeb, blocks;
	int fd;

	fd = create_in(p, sizeof(p), dir, "nospc");
	freeb = free_bytes(dir);
	CHECK(freeb < len);
	CHECK_ERRNO(rump_sys_fallocate(fd, 0, 0, len), ENOSPC);
	CHECK_EQ(size_of(fd), 0);
	CHECK_EQ(stored(fd), 0);
	CHECK_EQ(free_bytes(dir), freeb);

	/* Holes around data inside the size, KEEP_SIZE: the holes it filled are holes again. */
	write_pattern(fd, MIB, 65536, 5);
	CHECK_EQ(rump_sys_ftruncate(fd, len), 0);
	freeb = free_bytes(dir);
	blocks = stored(fd);
	CHECK_ERRNO(rump_sys_fallocate(fd, T_FALLOC_KEEP_SIZE, 0, len), ENOSPC);
	CHECK_EQ(size_of(fd), len);
	CHECK_EQ(stored(fd), blocks);
	CHECK_EQ(free_bytes(dir), freeb);
	check_bytes(fd, MIB, 65536, 5, false);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_DATA), MIB);
	CHECK_EQ(rump_sys_lseek(fd, MIB, SEEK_HOLE), MIB + 65536);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_unlink(p), 0);

	/* Still usable. */
	fd = create_in(p, sizeof(p), dir, "after");
	write_pattern(fd, 0, 65536, 9);
	check_bytes(fd, 0, 65536, 9, false);
	CHECK_EQ(rump_sys_close(fd), 0);
}
