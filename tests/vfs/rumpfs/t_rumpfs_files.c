/* t_rumpfs_files.c: rumpfs regular files: data, holes, truncation, append, memory limit, statvfs. */
#include <stdlib.h>

#include "t_rumpfs.h"
#include "vnode.h"

#define GIB	((off_t)1 << 30)
#define MIB	((size_t)1 << 20)

static void
fill_pattern(unsigned char *buf, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 31 + seed);
}

static bool
all_zero(const unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != 0)
			return false;
	return true;
}

T_CASE(file_rw)
{
	unsigned char buf[20000], out[20000];
	int fd;

	t_boot();
	fill_pattern(buf, sizeof(buf), 7);
	fd = rump_sys_open("/f", O_RDWR | O_CREAT | O_EXCL, 0640);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_write(fd, "hello", 5), 5);
	CHECK_EQ(rump_sys_pwrite(fd, buf, 9000, 10000), 9000);	/* across chunk boundaries */
	CHECK_EQ(rump_sys_pread(fd, out, 5, 0), 5);
	CHECK(memcmp(out, "hello", 5) == 0);
	/* Between the two writes: a hole, zeroes. */
	memset(out, 0xff, sizeof(out));
	CHECK_EQ(rump_sys_pread(fd, out, 20000, 0), 19000);
	CHECK(all_zero(out + 5, 10000 - 5));
	CHECK(memcmp(out + 10000, buf, 9000) == 0);
	/* Reading at and past the end. */
	CHECK_EQ(rump_sys_pread(fd, out, 100, 19000), 0);
	CHECK_EQ(rump_sys_pread(fd, out, 100, 50000), 0);
	/* Overwrite in the middle. */
	CHECK_EQ(rump_sys_pwrite(fd, "XY", 2, 4095), 2);
	CHECK_EQ(rump_sys_pread(fd, out, 4, 4094), 4);
	CHECK(memcmp(out, "\0XY\0", 4) == 0);
	CHECK_EQ(rump_sys_close(fd), 0);

	struct stat st = t_stat("/f");
	CHECK_EQ(st.st_size, 19000);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0640);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(st.st_blksize, 4096);
	CHECK_EQ(st.st_uid, 0);
	t_halt();
}

T_CASE(file_errors)
{
	char buf[16];
	int fd;

	t_boot();
	CHECK_ERRNO(rump_sys_open("/nothere", O_RDONLY), ENOENT);
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	fd = rump_sys_open("/d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK_ERRNO(rump_sys_read(fd, buf, sizeof(buf)), EISDIR);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_ERRNO(rump_sys_open("/d", O_WRONLY), EISDIR);
	CHECK_ERRNO(rump_sys_truncate("/d", 0), EISDIR);
	t_write_file("/f", "x", 1);
	CHECK_ERRNO(rump_sys_open("/f/x", O_RDONLY), ENOTDIR);
	CHECK_ERRNO(rump_sys_open("/f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	fd = rump_sys_open("/f", O_RDWR);
	CHECK(fd >= 0);
	CHECK_ERRNO(rump_sys_ftruncate(fd, -1), EINVAL);
	CHECK_ERRNO(rump_sys_pwrite(fd, "a", 1, ((off_t)1 << 40)), EFBIG);
	/* Straddling the limit: what fits below it is written. */
	CHECK_EQ(rump_sys_pwrite(fd, "ab", 2, ((off_t)1 << 40) - 1), 1);
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), ((off_t)1 << 40) - 1), 1);
	CHECK_EQ(buf[0], 'a');
	CHECK_EQ(rump_sys_ftruncate(fd, ((off_t)1 << 40) + 1), -1);
	CHECK_EQ(errno, EFBIG);
	CHECK_EQ(rump_sys_ftruncate(fd, 1), 0);
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 1);
	CHECK_EQ(buf[0], 'x');
	CHECK_EQ(rump_sys_close(fd), 0);
	t_halt();
}

/* A 1 GiB hole reads as zeroes and costs (almost) no memory. */
T_CASE(sparse_hole)
{
	unsigned char buf[8192];
	uint64_t before, after;
	struct stat st;
	int fd;

	t_boot();
	before = t_inuse();
	fd = rump_sys_open("/sparse", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_pwrite(fd, "end", 3, GIB), 3);
	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, GIB + 3);
	CHECK(st.st_blocks * 512 <= 8192);
	after = t_inuse();
	CHECK(after - before < 256 * 1024);

	memset(buf, 0xaa, sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), sizeof(buf));
	CHECK(all_zero(buf, sizeof(buf)));
	memset(buf, 0xaa, sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), GIB / 2 + 123), sizeof(buf));
	CHECK(all_zero(buf, sizeof(buf)));
	memset(buf, 0xaa, sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), GIB - 4096), 4099);
	CHECK(all_zero(buf, 4096));
	CHECK(memcmp(buf + 4096, "end", 3) == 0);
	/* Reading the hole allocated nothing. */
	CHECK(t_inuse() - before < 256 * 1024);
	CHECK_EQ(rump_sys_close(fd), 0);

	/* Unlinking gives it all back. */
	CHECK_EQ(rump_sys_unlink("/sparse"), 0);
	CHECK(t_inuse() <= after);
	t_halt();
}

/* Truncation both ways: a shrunk and re-extended file shows zeroes, not old data. */
T_CASE(truncate)
{
	unsigned char buf[10000], out[20000];
	struct stat st;
	int fd;

	t_boot();
	fill_pattern(buf, sizeof(buf), 3);
	t_write_file("/t", buf, sizeof(buf));
	fd = rump_sys_open("/t", O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_ftruncate(fd, 5000), 0);
	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 5000);
	CHECK_EQ(st.st_blocks * 512, 8192);
	CHECK_EQ(rump_sys_ftruncate(fd, 20000), 0);
	CHECK_EQ(rump_sys_pread(fd, out, sizeof(out), 0), 20000);
	CHECK(memcmp(out, buf, 5000) == 0);
	CHECK(all_zero(out + 5000, 15000));
	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 20000);
	CHECK_EQ(st.st_blocks * 512, 8192);	/* extending makes a hole */
	CHECK_EQ(rump_sys_close(fd), 0);

	CHECK_EQ(rump_sys_truncate("/t", 0), 0);
	st = t_stat("/t");
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(st.st_blocks, 0);
	CHECK_EQ(t_read_file("/t", out, sizeof(out)), 0);
	/* Write again after shrinking to nothing. */
	CHECK_EQ(rump_sys_truncate("/t", 3), 0);
	fd = rump_sys_open("/t", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_write(fd, "ab", 2), 2);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(t_read_file("/t", out, sizeof(out)), 5);
	CHECK(memcmp(out, "\0\0\0ab", 5) == 0);
	/* O_TRUNC empties it. */
	t_write_file("/t", "z", 1);
	CHECK_EQ(t_stat("/t").st_size, 1);
	t_halt();
}

/* Shrinking a big file frees its chunks and index blocks. */
T_CASE(truncate_frees)
{
	unsigned char *buf = malloc(MIB);
	uint64_t base;
	int fd;

	CHECK(buf != NULL);
	fill_pattern(buf, MIB, 1);
	t_boot();
	fd = rump_sys_open("/big", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	base = t_inuse();
	for (int i = 0; i < 8; i++)
		CHECK_EQ(rump_sys_write(fd, buf, MIB), MIB);
	CHECK(t_inuse() - base >= 8 * MIB);
	CHECK_EQ(rump_sys_ftruncate(fd, 4097), 0);
	CHECK(t_inuse() - base < 64 * 1024);
	CHECK_EQ(rump_sys_pread(fd, buf, MIB, 0), 4097);
	for (size_t i = 0; i < 4097; i++)
		CHECK_EQ(buf[i], (unsigned char)(i * 31 + 1));
	CHECK_EQ(rump_sys_close(fd), 0);
	t_halt();
	free(buf);
}

T_CASE(append)
{
	char out[64];
	off_t off;
	int fd;

	t_boot();
	t_write_file("/a", "one", 3);
	fd = rump_sys_open("/a", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(rump_sys_write(fd, "two", 3), 3);
	off = rump_sys_lseek(fd, 0, SEEK_CUR);
	CHECK_EQ(off, 6);
	CHECK_EQ(rump_sys_write(fd, "three", 5), 5);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(t_read_file("/a", out, sizeof(out)), 11);
	CHECK(memcmp(out, "onetwothree", 11) == 0);
	t_halt();
}

/* An unlinked open file lives until its last close, then its memory goes. */
T_CASE(unlinked_open)
{
	unsigned char *buf = malloc(MIB), out[16];
	uint64_t before;
	struct stat st;
	int fd;

	CHECK(buf != NULL);
	fill_pattern(buf, MIB, 5);
	t_boot();
	before = t_inuse();
	fd = rump_sys_open("/u", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_write(fd, buf, MIB), MIB);
	CHECK_EQ(rump_sys_unlink("/u"), 0);
	CHECK_ERRNO(rump_sys_stat("/u", &st), ENOENT);
	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(rump_sys_pread(fd, out, 16, 1000), 16);
	CHECK(memcmp(out, buf + 1000, 16) == 0);
	CHECK_EQ(rump_sys_pwrite(fd, "w", 1, 0), 1);
	CHECK(t_inuse() - before >= MIB);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK(t_inuse() < before + 64 * 1024);
	t_halt();
	free(buf);
}

/*
 * RUMP_MEMLIMIT=4m: a 16 MiB write stops short, the next fails with
 * ENOSPC, the file system stays usable, and removing the file makes
 * room again.
 */
T_CASE(memlimit)
{
	unsigned char *buf = malloc(16 * MIB);
	ssize_t n, total = 0;
	int fd;

	CHECK(buf != NULL);
	fill_pattern(buf, 16 * MIB, 9);
	setenv("RUMP_MEMLIMIT", "4m", 1);
	t_boot();
	fd = rump_sys_open("/fill", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	n = rump_sys_write(fd, buf, 16 * MIB);
	CHECK(n > 0 && n < (ssize_t)(16 * MIB));
	total = n;
	CHECK_ERRNO(rump_sys_write(fd, buf, 16 * MIB), ENOSPC);
	CHECK_EQ(rump_sys_fstat(fd, &(struct stat){0}), 0);
	struct stat st;
	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, total);
	/* What was written reads back. */
	unsigned char *out = malloc((size_t)total);
	CHECK(out != NULL);
	CHECK_EQ(rump_sys_pread(fd, out, (size_t)total, 0), total);
	CHECK(memcmp(out, buf, (size_t)total) == 0);
	free(out);
	CHECK_EQ(rump_sys_close(fd), 0);

	/* Still usable: names can go, and the memory with them. */
	CHECK_EQ(rump_sys_unlink("/fill"), 0);
	CHECK_EQ(rump_sys_mkdir("/after", 0755), 0);
	fd = rump_sys_open("/after/f", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_write(fd, buf, MIB), MIB);
	CHECK_EQ(rump_sys_close(fd), 0);
	t_halt();
	free(buf);
}

/* Running out of memory while creating names gives ENOSPC, never a crash. */
T_CASE(memlimit_names)
{
	char name[64];
	int i, fd, error = 0;

	setenv("RUMP_MEMLIMIT", "2m", 1);
	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	for (i = 0; i < 1000000; i++) {
		snprintf(name, sizeof(name), "/d/a-rather-long-file-name-%07d", i);
		fd = rump_sys_open(name, O_RDWR | O_CREAT, 0644);
		if (fd < 0) {
			error = errno;
			break;
		}
		CHECK_EQ(rump_sys_close(fd), 0);
	}
	CHECK(i > 100);
	CHECK(error == ENOSPC || error == ENOMEM);
	/* Remove them all; then a name can be made again. */
	for (int j = 0; j < i; j++) {
		snprintf(name, sizeof(name), "/d/a-rather-long-file-name-%07d", j);
		CHECK_EQ(rump_sys_unlink(name), 0);
	}
	t_write_file("/d/again", "ok", 2);
	t_halt();
}

T_CASE(statvfs)
{
	unsigned char *buf = malloc(MIB);
	struct statvfs a, b;

	CHECK(buf != NULL);
	memset(buf, 1, MIB);
	setenv("RUMP_MEMLIMIT", "64m", 1);
	t_boot();
	CHECK_EQ(rump_sys_statvfs("/", &a), 0);
	CHECK_EQ(a.f_bsize, 4096);
	CHECK_EQ(a.f_namemax, 255);
	CHECK_EQ(a.f_blocks, 64 * MIB / 4096);
	CHECK(a.f_bfree > 0 && a.f_bfree <= a.f_blocks);
	CHECK(a.f_files > a.f_ffree);
	t_write_file("/f", buf, MIB);
	CHECK_EQ(rump_sys_statvfs("/", &b), 0);
	CHECK(a.f_bfree - b.f_bfree >= MIB / 4096);
	CHECK(b.f_ffree < a.f_ffree);
	t_halt();
	free(buf);
}

/*
 * With a tiny vnode cache, vnodes come and go while the files stay:
 * every file is loaded again from the inode table, data and links intact.
 */
T_CASE(vnode_recycling)
{
	char path[64], buf[64];
	ino_t inos[200];

	setenv("RUMP_NVNODES", "4", 1);
	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	for (int i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "/d/f%d", i);
		snprintf(buf, sizeof(buf), "content %d", i);
		t_write_file(path, buf, strlen(buf));
		inos[i] = t_stat(path).st_ino;
		if (i % 10 == 0) {
			char link[64];
			snprintf(link, sizeof(link), "/d/l%d", i);
			CHECK_EQ(rump_sys_link(path, link), 0);
		}
	}
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 200; i++) {
			char want[64];
			size_t n;

			snprintf(path, sizeof(path), "/d/f%d", i);
			snprintf(want, sizeof(want), "content %d", i);
			n = t_read_file(path, buf, sizeof(buf));
			CHECK_EQ(n, strlen(want));
			CHECK(memcmp(buf, want, n) == 0);
			struct stat st = t_stat(path);
			CHECK_EQ(st.st_ino, inos[i]);
			CHECK_EQ(st.st_nlink, i % 10 == 0 ? 2 : 1);
		}
	}
	/* The cache really stayed small, so the files really were reloaded. */
	unsigned total, unref;
	rump_schedule();
	vcache_stats(&total, &unref);
	rump_unschedule();
	CHECK(total < 50);
	for (int i = 0; i < 200; i += 10) {
		snprintf(path, sizeof(path), "/d/f%d", i);
		CHECK_EQ(rump_sys_unlink(path), 0);
		snprintf(path, sizeof(path), "/d/l%d", i);
		CHECK_EQ(t_stat(path).st_nlink, 1);
	}
	t_halt();
}

/* The link limit: EMLINK past 65000 names, for files and for subdirectories. */
T_CASE(link_max)
{
	char path[64];
	int i;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	t_write_file("/d/f", "", 0);
	for (i = 1; i < 65000; i++) {
		snprintf(path, sizeof(path), "/d/l%d", i);
		CHECK_EQ(rump_sys_link("/d/f", path), 0);
	}
	CHECK_EQ(t_stat("/d/f").st_nlink, 65000);
	CHECK_ERRNO(rump_sys_link("/d/f", "/d/one-more"), EMLINK);
	CHECK_EQ(rump_sys_unlink("/d/l1"), 0);
	CHECK_EQ(rump_sys_link("/d/f", "/d/one-more"), 0);
	t_halt();
}
