/* t_ext2fs_write.c: every changing operation, each followed by unmount, e2fsck -fn and a check of what is on disk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_ext2fs.h"

/* Unmount, check with e2fsck, mount again (read-write unless ro). */
static void
cycle(struct t_img *t, int flags)
{
	t_umount();
	t_fsck(t);
	CHECK_EQ(t_mount(t, flags), 0);
}


static void
write_at(const char *path, uint64_t seed, off_t off, size_t len)
{
	char *buf = malloc(len);
	int fd = rump_sys_open(path, O_WRONLY | O_CREAT, 0644);

	CHECK(fd >= 0);
	t_fill(buf, len, seed, (uint64_t)off);
	CHECK_EQ(rump_sys_pwrite(fd, buf, len, off), (ssize_t)len);
	CHECK(rump_sys_close(fd) == 0);
	free(buf);
}

static void
check_at(const char *path, uint64_t seed, off_t off, size_t len)
{
	char *want = malloc(len), *got = malloc(len);
	int fd = rump_sys_open(path, O_RDONLY);

	CHECK(fd >= 0);
	t_fill(want, len, seed, (uint64_t)off);
	CHECK_EQ(rump_sys_pread(fd, got, len, off), (ssize_t)len);
	if (memcmp(want, got, len) != 0)
		t_fail(__FILE__, __LINE__, "%s: bytes at %jd differ", path, (intmax_t)off);
	CHECK(rump_sys_close(fd) == 0);
	free(want);
	free(got);
}

static void
check_zero(const char *path, off_t off, size_t len)
{
	char *got = malloc(len);
	int fd = rump_sys_open(path, O_RDONLY);

	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_pread(fd, got, len, off), (ssize_t)len);
	for (size_t i = 0; i < len; i++)
		if (got[i] != 0)
			t_fail(__FILE__, __LINE__, "%s: byte %jd not zero", path, (intmax_t)off + (intmax_t)i);
	CHECK(rump_sys_close(fd) == 0);
	free(got);
}

static off_t
size_of(const char *path)
{
	struct stat st;

	CHECK(rump_sys_lstat(path, &st) == 0);
	return st.st_size;
}

static blkcnt_t
blocks_of(const char *path)
{
	struct stat st;

	CHECK(rump_sys_lstat(path, &st) == 0);
	return st.st_blocks;
}

/* debugfs reads the same bytes as we wrote. */
static void
debugfs_check(struct t_img *t, const char *fspath, uint64_t seed, off_t off, size_t len)
{
	char out[PATH_MAX + 16];
	char *want = malloc(len), *got = malloc(len);
	int fd;

	snprintf(out, sizeof(out), "%s/dump", t->dir);
	CHECK_EQ(t_sh("debugfs -R 'dump %s %s' '%s' >/dev/null 2>&1", fspath, out, t->img), 0);
	fd = open(out, O_RDONLY);
	CHECK(fd >= 0);
	t_fill(want, len, seed, (uint64_t)off);
	CHECK_EQ(pread(fd, got, len, off), (ssize_t)len);
	CHECK(memcmp(want, got, len) == 0);
	close(fd);
	unlink(out);
	free(want);
	free(got);
}

T_CASE(create_write_read)
{
	struct t_img t;

	t_setup(&t, "-b 1024", "16M");
	write_at(T_MNT "/a", 1, 0, 100);
	write_at(T_MNT "/b", 2, 0, 5000);
	CHECK(rump_sys_mkdir(T_MNT "/dir", 0755) == 0);
	write_at(T_MNT "/dir/c", 3, 0, 1);
	cycle(&t, 0);
	check_at(T_MNT "/a", 1, 0, 100);
	check_at(T_MNT "/b", 2, 0, 5000);
	check_at(T_MNT "/dir/c", 3, 0, 1);
	CHECK_EQ(size_of(T_MNT "/b"), 5000);
	t_umount();
	debugfs_check(&t, "/b", 2, 0, 5000);
	CHECK_EQ(t_mount(&t, 0), 0);
	t_finish(&t);
}

/* Growth through direct, single, double and triple indirect blocks, holes staying holes. */
static void
grow_levels(const char *opts, off_t triple)
{
	struct t_img t;
	const char *f = T_MNT "/f";

	t_setup(&t, opts, "32M");
	write_at(f, 1, 0, 3000);
	write_at(f, 2, 20 * 1024, 3000);		/* single indirect (1 KiB blocks) */
	write_at(f, 3, 400 * 1024, 5000);		/* double */
	write_at(f, 4, triple, 4096);			/* triple */
	cycle(&t, 0);
	check_at(f, 1, 0, 3000);
	check_zero(f, 3000, 20 * 1024 - 3000);
	check_at(f, 2, 20 * 1024, 3000);
	check_at(f, 3, 400 * 1024, 5000);
	check_at(f, 4, triple, 4096);
	check_zero(f, triple - 8192, 8192);
	CHECK_EQ(size_of(f), triple + 4096);
	CHECK(blocks_of(f) < 200);
	/* shrink level by level */
	CHECK(rump_sys_truncate(f, 400 * 1024 + 100) == 0);
	cycle(&t, 0);
	check_at(f, 3, 400 * 1024, 100);
	CHECK(rump_sys_truncate(f, 20 * 1024 + 10) == 0);
	cycle(&t, 0);
	check_at(f, 2, 20 * 1024, 10);
	CHECK(rump_sys_truncate(f, 1000) == 0);
	cycle(&t, 0);
	check_at(f, 1, 0, 1000);
	/* growing again shows zeroes, not the old bytes */
	CHECK(rump_sys_truncate(f, 3000) == 0);
	check_zero(f, 1000, 2000);
	CHECK(rump_sys_truncate(f, 0) == 0);
	cycle(&t, 0);
	CHECK_EQ(blocks_of(f), 0);
	t_finish(&t);
}

T_CASE(grow_shrink_b1024) { grow_levels("-b 1024", (off_t)70 << 20); }
T_CASE(grow_shrink_b4096) { grow_levels("-b 4096 -I 256", (off_t)5 << 30); }

T_CASE(large_file_4g)
{
	struct t_img t;
	const char *f = T_MNT "/big";

	t_setup(&t, "-b 4096", "64M");
	write_at(f, 9, ((off_t)6 << 30) + 123, 10000);
	write_at(f, 8, 0, 100);
	cycle(&t, 0);
	CHECK_EQ(size_of(f), ((off_t)6 << 30) + 123 + 10000);
	check_at(f, 9, ((off_t)6 << 30) + 123, 10000);
	check_at(f, 8, 0, 100);
	t_umount();
	debugfs_check(&t, "/big", 8, 0, 100);
	CHECK_EQ(t_mount(&t, 0), 0);
	t_finish(&t);
}

T_CASE(dirs_many_entries)
{
	struct t_img t;
	char p[PATH_MAX];

	t_setup(&t, "-b 1024", "16M");
	CHECK(rump_sys_mkdir(T_MNT "/d", 0755) == 0);
	for (int i = 0; i < 500; i++) {
		snprintf(p, sizeof(p), T_MNT "/d/name_that_is_rather_long_%04d", i);
		write_at(p, (uint64_t)i, 0, 10);
	}
	cycle(&t, 0);
	for (int i = 0; i < 500; i += 2) {
		snprintf(p, sizeof(p), T_MNT "/d/name_that_is_rather_long_%04d", i);
		CHECK(rump_sys_unlink(p) == 0);
	}
	cycle(&t, 0);
	for (int i = 1; i < 500; i += 2) {
		snprintf(p, sizeof(p), T_MNT "/d/name_that_is_rather_long_%04d", i);
		check_at(p, (uint64_t)i, 0, 10);
	}
	CHECK_ERRNO(rump_sys_rmdir(T_MNT "/d"), ENOTEMPTY);
	for (int i = 1; i < 500; i += 2) {
		snprintf(p, sizeof(p), T_MNT "/d/name_that_is_rather_long_%04d", i);
		CHECK(rump_sys_unlink(p) == 0);
	}
	CHECK(rump_sys_rmdir(T_MNT "/d") == 0);
	CHECK_ERRNO(rump_sys_rmdir(T_MNT "/d"), ENOENT);
	t_finish(&t);
}

T_CASE(nodes_and_links)
{
	struct t_img t;
	char buf[256];
	const char *slow = "/a/very/long/target/that/does/not/fit/into/the/sixty/bytes/of/i_block/at/all";
	struct stat st;

	t_setup(&t, "-b 2048 -I 256", "16M");
	CHECK(rump_sys_symlink("short", T_MNT "/fast") == 0);
	CHECK(rump_sys_symlink(slow, T_MNT "/slow") == 0);
	CHECK(rump_sys_mknod(T_MNT "/chr", S_IFCHR | 0600, makedev(1, 3)) == 0);
	CHECK(rump_sys_mknod(T_MNT "/bigdev", S_IFBLK | 0600, makedev(300, 70000)) == 0);
	CHECK(rump_sys_mknod(T_MNT "/fifo", S_IFIFO | 0644, 0) == 0);
	CHECK(rump_sys_mknod(T_MNT "/sock", S_IFSOCK | 0644, 0) == 0);
	write_at(T_MNT "/f", 1, 0, 10);
	CHECK(rump_sys_link(T_MNT "/f", T_MNT "/f2") == 0);
	CHECK_ERRNO(rump_sys_link(T_MNT "/f", T_MNT "/f2"), EEXIST);
	cycle(&t, 0);
	CHECK_EQ(rump_sys_readlink(T_MNT "/fast", buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "short", 5) == 0);
	CHECK_EQ(rump_sys_readlink(T_MNT "/slow", buf, sizeof(buf)), (ssize_t)strlen(slow));
	CHECK(memcmp(buf, slow, strlen(slow)) == 0);
	CHECK(rump_sys_lstat(T_MNT "/chr", &st) == 0);
	CHECK(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
	CHECK(rump_sys_lstat(T_MNT "/bigdev", &st) == 0);
	CHECK(S_ISBLK(st.st_mode) && st.st_rdev == makedev(300, 70000));
	CHECK(rump_sys_lstat(T_MNT "/fifo", &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK(rump_sys_lstat(T_MNT "/sock", &st) == 0 && S_ISSOCK(st.st_mode));
	CHECK(rump_sys_lstat(T_MNT "/f", &st) == 0);
	CHECK_EQ(st.st_nlink, 2);
	CHECK(rump_sys_unlink(T_MNT "/f") == 0);
	CHECK(rump_sys_unlink(T_MNT "/slow") == 0);
	CHECK(rump_sys_unlink(T_MNT "/fast") == 0);
	CHECK(rump_sys_unlink(T_MNT "/bigdev") == 0);
	cycle(&t, 0);
	CHECK(rump_sys_lstat(T_MNT "/f2", &st) == 0);
	CHECK_EQ(st.st_nlink, 1);
	check_at(T_MNT "/f2", 1, 0, 10);
	t_finish(&t);
}

/* Links spread over 32 directories: a linear directory of 32000 names would make this slow. */
static void
link_name(char *p, size_t len, int i)
{
	snprintf(p, len, T_MNT "/d%d/%d", i % 32, i);
}

T_CASE(link_max)
{
	struct t_img t;
	char p[PATH_MAX];
	int i;

	t_setup(&t, "-b 4096 -N 200", "64M");
	write_at(T_MNT "/f", 1, 0, 1);
	for (i = 0; i < 32; i++) {
		snprintf(p, sizeof(p), T_MNT "/d%d", i);
		CHECK(rump_sys_mkdir(p, 0755) == 0);
	}
	for (i = 1; i < 32000; i++) {
		link_name(p, sizeof(p), i);
		if (rump_sys_link(T_MNT "/f", p) != 0)
			break;
	}
	CHECK_EQ(i, 32000);
	CHECK_ERRNO(rump_sys_link(T_MNT "/f", T_MNT "/d0/x"), EMLINK);
	cycle(&t, 0);
	for (i = 1; i < 32000; i++) {
		link_name(p, sizeof(p), i);
		CHECK(rump_sys_unlink(p) == 0);
	}
	t_finish(&t);
}

T_CASE(rename_cases)
{
	struct t_img t;
	struct stat st;

	t_setup(&t, "-b 1024", "16M");
	CHECK(rump_sys_mkdir(T_MNT "/a", 0755) == 0);
	CHECK(rump_sys_mkdir(T_MNT "/b", 0755) == 0);
	CHECK(rump_sys_mkdir(T_MNT "/a/sub", 0755) == 0);
	write_at(T_MNT "/a/f", 1, 0, 10);
	write_at(T_MNT "/b/g", 2, 0, 10);
	/* file in the same directory, to a new name */
	CHECK(rump_sys_rename(T_MNT "/a/f", T_MNT "/a/f1") == 0);
	/* file over another file in another directory */
	CHECK(rump_sys_rename(T_MNT "/a/f1", T_MNT "/b/g") == 0);
	check_at(T_MNT "/b/g", 1, 0, 10);
	cycle(&t, 0);
	/* directory to another parent: ".." and the link counts follow */
	CHECK(rump_sys_rename(T_MNT "/a/sub", T_MNT "/b/sub") == 0);
	CHECK(rump_sys_lstat(T_MNT "/a", &st) == 0);
	CHECK_EQ(st.st_nlink, 2);
	CHECK(rump_sys_lstat(T_MNT "/b", &st) == 0);
	CHECK_EQ(st.st_nlink, 3);
	CHECK(rump_sys_lstat(T_MNT "/b/sub/..", &st) == 0);
	cycle(&t, 0);
	/* directory over an empty directory; over a non-empty one fails */
	CHECK(rump_sys_mkdir(T_MNT "/a/empty", 0755) == 0);
	CHECK(rump_sys_rename(T_MNT "/b/sub", T_MNT "/a/empty") == 0);
	CHECK(rump_sys_mkdir(T_MNT "/b/full", 0755) == 0);
	write_at(T_MNT "/b/full/x", 3, 0, 1);
	CHECK(rump_sys_mkdir(T_MNT "/a/d2", 0755) == 0);
	CHECK_ERRNO(rump_sys_rename(T_MNT "/a/d2", T_MNT "/b/full"), ENOTEMPTY);
	/* into its own subtree */
	CHECK_ERRNO(rump_sys_rename(T_MNT "/b", T_MNT "/b/full/inside"), EINVAL);
	/* file over directory and back */
	CHECK_ERRNO(rump_sys_rename(T_MNT "/b/g", T_MNT "/a/d2"), EISDIR);
	CHECK_ERRNO(rump_sys_rename(T_MNT "/a/d2", T_MNT "/b/g"), ENOTDIR);
	/* hard links to one file: nothing happens */
	CHECK(rump_sys_link(T_MNT "/b/g", T_MNT "/b/g2") == 0);
	CHECK(rump_sys_rename(T_MNT "/b/g", T_MNT "/b/g2") == 0);
	CHECK(rump_sys_lstat(T_MNT "/b/g", &st) == 0);
	cycle(&t, 0);
	CHECK(rump_sys_lstat(T_MNT "/a", &st) == 0);
	CHECK_EQ(st.st_nlink, 4);
	CHECK(rump_sys_lstat(T_MNT "/b", &st) == 0);
	CHECK_EQ(st.st_nlink, 3);
	t_finish(&t);
}

T_CASE(setattr_times)
{
	struct t_img t;
	struct timespec ts[2] = { { 1000000000, 123456789 }, { 3000000000LL, 987654321 } };
	struct stat st;

	t_setup(&t, "-b 1024 -I 256", "16M");
	write_at(T_MNT "/f", 1, 0, 10);
	CHECK(rump_sys_chown(T_MNT "/f", 70000, 80000) == 0);
	CHECK(rump_sys_chmod(T_MNT "/f", 04711) == 0);	/* after chown, which drops set-id */
	CHECK(rump_sys_utimensat(AT_FDCWD, T_MNT "/f", ts, 0) == 0);
	cycle(&t, 0);
	CHECK(rump_sys_lstat(T_MNT "/f", &st) == 0);
	CHECK_EQ(st.st_mode, S_IFREG | 04711);
	CHECK_EQ(st.st_uid, 70000);
	CHECK_EQ(st.st_gid, 80000);
	CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	CHECK_EQ(st.st_atim.tv_nsec, 123456789);
	CHECK_EQ(st.st_mtim.tv_sec, 3000000000LL);
	CHECK_EQ(st.st_mtim.tv_nsec, 987654321);
	t_finish(&t);
}

T_CASE(small_inode_times)
{
	struct t_img t;
	struct timespec ts[2] = { { 1000000000, 123456789 }, { 2000000000, 987654321 } };
	struct stat st;

	t_setup(&t, "-b 1024 -I 128", "16M");
	write_at(T_MNT "/f", 1, 0, 10);
	CHECK(rump_sys_utimensat(AT_FDCWD, T_MNT "/f", ts, 0) == 0);
	CHECK(rump_sys_lstat(T_MNT "/f", &st) == 0);
	CHECK_EQ(st.st_mtim.tv_nsec, 0);
	cycle(&t, 0);
	CHECK(rump_sys_lstat(T_MNT "/f", &st) == 0);
	CHECK_EQ(st.st_mtim.tv_sec, 2000000000);
	CHECK_EQ(st.st_mtim.tv_nsec, 0);
	t_finish(&t);
}

T_CASE(enospc)
{
	struct t_img t;
	char buf[4096], p[PATH_MAX];
	int fd, n = 0;
	ssize_t w;

	t_setup(&t, "-b 1024 -m 0", "2M");
	memset(buf, 'x', sizeof(buf));
	fd = rump_sys_open(T_MNT "/fill", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	while ((w = rump_sys_write(fd, buf, sizeof(buf))) == (ssize_t)sizeof(buf))
		n++;
	CHECK(n > 100);
	CHECK_ERRNO(rump_sys_write(fd, buf, sizeof(buf)), ENOSPC);
	CHECK(rump_sys_close(fd) == 0);
	/* a directory cannot grow either; small files fit in existing blocks? no: ENOSPC */
	for (int i = 0; i < 200; i++) {
		snprintf(p, sizeof(p), T_MNT "/e%03d", i);
		fd = rump_sys_open(p, O_WRONLY | O_CREAT, 0644);
		if (fd < 0) {
			CHECK(errno == ENOSPC);
			break;
		}
		CHECK(rump_sys_close(fd) == 0);
	}
	cycle(&t, 0);
	CHECK(rump_sys_unlink(T_MNT "/fill") == 0);
	write_at(T_MNT "/after", 5, 0, 50000);
	cycle(&t, 0);
	check_at(T_MNT "/after", 5, 0, 50000);
	t_finish(&t);
}

T_CASE(reserved_blocks)
{
	struct t_img t;
	char buf[4096];
	struct statvfs sv;
	int fd;

	t_setup(&t, "-b 1024 -m 20", "2M");
	CHECK(rump_sys_chmod(T_MNT, 0777) == 0);
	CHECK_ERR(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_ERR(rump_pub_lwproc_setcred(1000, 1000, 0, NULL), 0);
	memset(buf, 'u', sizeof(buf));
	fd = rump_sys_open(T_MNT "/user", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	while (rump_sys_write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf))
		;
	CHECK_ERRNO(rump_sys_write(fd, buf, sizeof(buf)), ENOSPC);
	CHECK(rump_sys_close(fd) == 0);
	CHECK(rump_sys_statvfs(T_MNT, &sv) == 0);
	CHECK(sv.f_bavail == 0 && sv.f_bfree > 0);
	rump_pub_lwproc_releaselwp();
	/* root still writes */
	write_at(T_MNT "/root", 1, 0, 20000);
	t_finish(&t);
}

T_CASE(enospc_inodes)
{
	struct t_img t;
	char p[PATH_MAX];
	int i, fd;

	t_setup(&t, "-b 1024 -N 32", "4M");
	for (i = 0; i < 100; i++) {
		snprintf(p, sizeof(p), T_MNT "/f%d", i);
		if ((fd = rump_sys_open(p, O_WRONLY | O_CREAT, 0644)) < 0)
			break;
		CHECK(rump_sys_close(fd) == 0);
	}
	CHECK_EQ(errno, ENOSPC);
	CHECK(i > 10 && i < 32);
	CHECK_ERRNO(rump_sys_mkdir(T_MNT "/d", 0755), ENOSPC);
	CHECK_ERRNO(rump_sys_symlink("x", T_MNT "/l"), ENOSPC);
	cycle(&t, 0);
	CHECK(rump_sys_unlink(T_MNT "/f0") == 0);
	CHECK(rump_sys_mkdir(T_MNT "/d", 0755) == 0);
	t_finish(&t);
}

/* The inode number a new file in /d gets. */
static ino_t
create_ino(const char *name)
{
	char p[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(p, sizeof(p), T_MNT "/d/%s", name);
	CHECK((fd = rump_sys_open(p, O_WRONLY | O_CREAT | O_EXCL, 0644)) >= 0);
	CHECK(rump_sys_fstat(fd, &st) == 0);
	CHECK(rump_sys_close(fd) == 0);
	return st.st_ino;
}

/*
 * A new inode is the lowest free one of its group, whatever was freed
 * (the search starts at a remembered bound, not the group's start), and
 * after a remount too; past a run of more than 64 taken ones.
 */
T_CASE(ialloc_lowest_free)
{
	struct t_img t;
	ino_t ino[200], hi = 0, n;
	char name[32];
	int i;

	t_setup(&t, "-b 1024", "16M");
	CHECK(rump_sys_mkdir(T_MNT "/d", 0755) == 0);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		ino[i] = create_ino(name);
		hi = ino[i] > hi ? ino[i] : hi;
	}
	CHECK(rump_sys_unlink(T_MNT "/d/f150") == 0);
	CHECK(rump_sys_unlink(T_MNT "/d/f7") == 0);
	CHECK_EQ(create_ino("g1"), ino[7]);
	CHECK_EQ(create_ino("g2"), ino[150]);
	CHECK((n = create_ino("g3")) > hi);
	cycle(&t, 0);
	CHECK(rump_sys_unlink(T_MNT "/d/f3") == 0);
	CHECK(rump_sys_unlink(T_MNT "/d/f100") == 0);
	CHECK_EQ(create_ino("g4"), ino[3]);
	CHECK_EQ(create_ino("g5"), ino[100]);
	CHECK_EQ(create_ino("g6"), n + 1);
	t_finish(&t);
}

/* Sequential writes get contiguous blocks, also when a file is appended to after a remount. */
T_CASE(contiguous_allocation)
{
	struct t_img t;
	char cmd[PATH_MAX + 128];
	long prev = -1, b, jumps = 0, n = 0;
	FILE *f;

	t_setup(&t, "-b 1024", "16M");
	write_at(T_MNT "/f", 1, 0, 512 * 1024);
	cycle(&t, 0);
	write_at(T_MNT "/f", 1, 512 * 1024, 512 * 1024);
	t_umount();
	snprintf(cmd, sizeof(cmd), "debugfs -R 'blocks /f' '%s' 2>/dev/null | tr ' ' '\\n'", t.img);
	f = popen(cmd, "r");
	CHECK(f != NULL);
	while (fscanf(f, "%ld", &b) == 1) {
		if (prev >= 0 && b != prev + 1)
			jumps++;
		prev = b;
		n++;
	}
	pclose(f);
	CHECK(n >= 1024 && n < 1040);	/* data and indirect blocks */
	if (jumps > 8)
		t_fail(__FILE__, __LINE__, "%ld discontinuities in 1024 blocks", jumps);
	CHECK_EQ(t_mount(&t, 0), 0);
	t_finish(&t);
}

/* Linux dirent64 as getdents hands it out. */
struct t_de {
	uint64_t	d_ino;
	int64_t		d_off;
	uint16_t	d_reclen;
	uint8_t		d_type;
	char		d_name[];
};

/*
 * Cookies stay valid while the directory changes between calls: every
 * name present from start to end is seen exactly once, with its d_type.
 */
T_CASE(readdir_cookies)
{
	struct t_img t;
	char p[PATH_MAX], buf[300];
	int seen[200] = { 0 }, fd, calls = 0, i;
	ssize_t n;

	t_setup(&t, "-b 1024", "16M");
	CHECK(rump_sys_mkdir(T_MNT "/d", 0755) == 0);
	for (i = 0; i < 200; i++) {
		snprintf(p, sizeof(p), T_MNT "/d/%s%03d", i % 10 == 0 ? "dir" : "file", i);
		if (i % 10 == 0)
			CHECK(rump_sys_mkdir(p, 0755) == 0);
		else
			t_rump_write_file(p, "x", 1);
	}
	CHECK(rump_sys_symlink("target", T_MNT "/d/link") == 0);
	fd = rump_sys_open(T_MNT "/d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			const struct t_de *d = (const void *)(buf + off);

			off += d->d_reclen;
			if (sscanf(d->d_name, "file%d", &i) == 1 || sscanf(d->d_name, "dir%d", &i) == 1) {
				CHECK(i >= 0 && i < 200);
				seen[i]++;
				CHECK_EQ(d->d_type, i % 10 == 0 ? 4 : 8);	/* DT_DIR, DT_REG */
			} else if (strcmp(d->d_name, "link") == 0)
				CHECK_EQ(d->d_type, 10);	/* DT_LNK */
		}
		/* between calls: remove names 150..199 odd, add new ones (which may or may not show) */
		calls++;
		snprintf(p, sizeof(p), T_MNT "/d/file%03d", 149 + 2 * calls);
		if (calls < 25)
			CHECK(rump_sys_unlink(p) == 0);
		snprintf(p, sizeof(p), T_MNT "/d/new%d_with_a_longer_name", calls);
		t_rump_write_file(p, "y", 1);
	}
	CHECK_EQ(n, 0);
	CHECK(rump_sys_close(fd) == 0);
	CHECK(calls > 10);
	for (i = 0; i < 200; i++) {
		bool removed = i >= 151 && i % 2 == 1 && (i - 149) / 2 < 25;

		if (!removed && seen[i] != 1)
			t_fail(__FILE__, __LINE__, "entry %d seen %d times", i, seen[i]);
		if (seen[i] > 1)
			t_fail(__FILE__, __LINE__, "entry %d seen %d times", i, seen[i]);
	}
	t_finish(&t);
}

/* Attribute blocks are kept while a file lives and released with its last link. */
T_CASE(ext_attr_blocks)
{
	struct t_img t;
	char buf[16];

	t_img_init(&t);
	CHECK_EQ(t_sh("cd '%s' && mkdir -m 700 lost+found && echo a > f1 && echo b > f2 && ln -s short sl"
	    " && ln -s %s slow", t.src, "a/long/target/that/needs/a/block/of/its/own/because/of/length"), 0);
	t_mkfs(&t, "-b 1024 -I 128", true, "8M");
	CHECK_EQ(t_sh("for f in f1 f2 sl slow; do debugfs -w -R \"ea_set /$f user.test hello\" '%s' "
	    ">/dev/null 2>&1 || exit 1; done", t.img), 0);
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	CHECK_EQ(rump_sys_readlink(T_MNT "/sl", buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "short", 5) == 0);
	CHECK_EQ(rump_sys_readlink(T_MNT "/slow", buf, sizeof(buf)), (ssize_t)sizeof(buf));
	write_at(T_MNT "/f1", 1, 0, 5000);
	CHECK(rump_sys_truncate(T_MNT "/f2", 0) == 0);
	t_umount();
	t_fsck(&t);
	CHECK_EQ(t_sh("debugfs -R 'ea_get /f2 user.test' '%s' 2>/dev/null | grep -q hello", t.img), 0);
	CHECK_EQ(t_mount(&t, 0), 0);
	CHECK(rump_sys_unlink(T_MNT "/f1") == 0);
	CHECK(rump_sys_unlink(T_MNT "/f2") == 0);
	CHECK(rump_sys_unlink(T_MNT "/sl") == 0);
	CHECK(rump_sys_unlink(T_MNT "/slow") == 0);
	t_finish(&t);
}

/* A directory at the link limit takes no more subdirectories (made so by debugfs: 32000 are slow). */
T_CASE(mkdir_emlink)
{
	struct t_img t;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "8M");
	CHECK_EQ(t_sh("debugfs -w -R 'mkdir /full' '%s' >/dev/null 2>&1 && debugfs -w -R 'mkdir /other' '%s'"
	    " >/dev/null 2>&1 && debugfs -w -R 'sif /full links_count 32000' '%s' >/dev/null 2>&1",
	    t.img, t.img, t.img), 0);
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	CHECK_ERRNO(rump_sys_mkdir(T_MNT "/full/sub", 0755), EMLINK);
	CHECK_ERRNO(rump_sys_rename(T_MNT "/other", T_MNT "/full/other"), EMLINK);
	t_rump_write_file(T_MNT "/full/file", "f", 1);	/* files are fine */
	CHECK(rump_sys_rename(T_MNT "/full/file", T_MNT "/other/file") == 0);
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}
