/* t_syscalls_fd.c: open files and descriptor tables: modes, sharing, fcntl, processes, cwd, getdents, readlink, times. */
#include <fcntl.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_diff.h"

static void
boot(void)
{
	CHECK_ERR(rump_init(), 0);
}

static void
put_file(const char *path, const char *data, mode_t mode)
{
	int fd;

	fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_write(fd, data, strlen(data)), (ssize_t)strlen(data));
	CHECK_EQ(rump_sys_close(fd), 0);
}

T_CASE(open_modes)
{
	char buf[32];
	struct stat st;
	int fd;

	boot();
	put_file("/f", "hello", 0644);
	fd = rump_sys_open("/f", O_RDONLY);
	CHECK_ERRNO(rump_sys_write(fd, "x", 1), EBADF);
	CHECK_ERRNO(rump_sys_ftruncate(fd, 0), EINVAL);
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 5);
	CHECK_EQ(rump_sys_close(fd), 0);
	fd = rump_sys_open("/f", O_WRONLY);
	CHECK_ERRNO(rump_sys_read(fd, buf, sizeof(buf)), EBADF);
	CHECK_EQ(rump_sys_close(fd), 0);
	/* O_APPEND writes at the end whatever the offset; pwrite too (Linux) */
	fd = rump_sys_open("/f", O_RDWR | O_APPEND);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(rump_sys_write(fd, "12", 2), 2);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_CUR), 7);
	CHECK_EQ(rump_sys_pwrite(fd, "3", 1, 0), 1);
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), 8);
	CHECK(memcmp(buf, "hello123", 8) == 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	/* O_TRUNC, O_EXCL, O_CREAT on a directory, O_DIRECTORY, O_NOFOLLOW */
	fd = rump_sys_open("/f", O_RDONLY | O_TRUNC);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_ERRNO(rump_sys_open("/f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	CHECK_ERRNO(rump_sys_open("/", O_RDWR), EISDIR);
	CHECK_ERRNO(rump_sys_open("/", O_RDONLY | O_CREAT, 0644), EISDIR);
	CHECK_ERRNO(rump_sys_open("/", O_RDONLY | O_TRUNC), EISDIR);
	CHECK_ERRNO(rump_sys_open("/f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	CHECK_ERRNO(rump_sys_open("/f/", O_RDONLY), ENOTDIR);
	CHECK_ERRNO(rump_sys_open("/new/", O_RDWR | O_CREAT, 0644), EISDIR);
	CHECK_ERRNO(rump_sys_open("/d", O_RDONLY | O_CREAT | O_DIRECTORY, 0755), EINVAL);
	CHECK_ERRNO(rump_sys_open("/", O_RDWR | O_TMPFILE, 0600), EOPNOTSUPP);
	CHECK_ERRNO(rump_sys_open("/", O_RDONLY | O_TMPFILE, 0600), EINVAL);
	CHECK_ERRNO(rump_sys_open("/", O_PATH), EOPNOTSUPP);
	CHECK_EQ(rump_sys_symlink("f", "/l"), 0);
	CHECK_ERRNO(rump_sys_open("/l", O_RDONLY | O_NOFOLLOW), ELOOP);
	CHECK_ERRNO(rump_sys_open("/l", O_RDONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	fd = rump_sys_open("/l", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	/* a dangling symlink: O_CREAT makes its target */
	CHECK_EQ(rump_sys_symlink("target", "/dangling"), 0);
	fd = rump_sys_open("/dangling", O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_stat("/target", &st), 0);
	CHECK_EQ(st.st_mode, S_IFREG | 0600);
	/* umask applies to new files; a new 0444 file is still opened for writing */
	CHECK_EQ(rump_sys_umask(027), 022);
	fd = rump_sys_open("/ro", O_RDWR | O_CREAT, 0777);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0750);
	CHECK_EQ(rump_sys_close(fd), 0);
	fd = rump_sys_open("/ro2", O_RDWR | O_CREAT, 0444);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_write(fd, "w", 1), 1);
	CHECK_EQ(rump_sys_ftruncate(fd, 100), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_shutdown(), 0);
}

T_CASE(dup_shares_offset)
{
	char buf[8];
	int fd, fd2, fd3;

	boot();
	put_file("/f", "abcdef", 0644);
	fd = rump_sys_open("/f", O_RDONLY);
	fd2 = rump_sys_dup(fd);
	CHECK_EQ(fd2, fd + 1);
	CHECK_EQ(rump_sys_read(fd, buf, 2), 2);
	CHECK_EQ(rump_sys_read(fd2, buf, 2), 2);
	CHECK(memcmp(buf, "cd", 2) == 0);
	CHECK_EQ(rump_sys_dup2(fd, 10), 10);
	CHECK_EQ(rump_sys_lseek(10, 0, SEEK_CUR), 4);
	/* dup2 over an open descriptor closes it */
	fd3 = rump_sys_open("/", O_RDONLY);
	CHECK_EQ(rump_sys_dup2(fd, fd3), fd3);
	CHECK_EQ(rump_sys_read(fd3, buf, 8), 2);
	/* closing one keeps the open file alive for the others */
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_lseek(fd2, 1, SEEK_SET), 1);
	CHECK_EQ(rump_sys_read(10, buf, 1), 1);
	CHECK_EQ(buf[0], 'b');
	/* lseek rules */
	CHECK_ERRNO(rump_sys_lseek(fd2, -10, SEEK_CUR), EINVAL);
	CHECK_ERRNO(rump_sys_lseek(fd2, 0, 99), EINVAL);
	CHECK_EQ(rump_sys_lseek(fd2, -1, SEEK_END), 5);
	CHECK_EQ(rump_sys_lseek(fd2, 100, SEEK_SET), 100);
	CHECK_EQ(rump_sys_read(fd2, buf, 8), 0);
	CHECK_EQ(rump_sys_lseek(fd2, 2, SEEK_DATA), 2);
	CHECK_EQ(rump_sys_lseek(fd2, 2, SEEK_HOLE), 6);
	CHECK_ERRNO(rump_sys_lseek(fd2, 6, SEEK_DATA), ENXIO);
	CHECK_EQ(rump_sys_close(fd2), 0);
	CHECK_EQ(rump_sys_close(10), 0);
	CHECK_EQ(rump_sys_close(fd3), 0);
	CHECK_EQ(rump_shutdown(), 0);
}

T_CASE(fcntl_flags)
{
	int fd, fd2;

	boot();
	put_file("/f", "abc", 0644);
	fd = rump_sys_open("/f", O_WRONLY | O_CLOEXEC);
	CHECK_EQ(rump_sys_fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(rump_sys_fcntl(fd, F_SETFD, 0), 0);
	CHECK_EQ(rump_sys_fcntl(fd, F_GETFD), 0);
	CHECK_EQ(rump_sys_fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_WRONLY);
	/* only O_APPEND and O_NONBLOCK change; the access mode stays */
	CHECK_EQ(rump_sys_fcntl(fd, F_SETFL, O_RDWR | O_APPEND | O_NONBLOCK), 0);
	CHECK_EQ(rump_sys_fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK),
	    O_WRONLY | O_APPEND | O_NONBLOCK);
	CHECK_EQ(rump_sys_write(fd, "d", 1), 1);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_CUR), 4);
	fd2 = rump_sys_fcntl(fd, F_DUPFD, 7);
	CHECK_EQ(fd2, 7);
	CHECK_EQ(rump_sys_fcntl(fd2, F_GETFD), 0);
	/* the flags belong to the open file: the duplicate shares them */
	CHECK_EQ(rump_sys_fcntl(fd2, F_GETFL) & O_APPEND, O_APPEND);
	CHECK_EQ(rump_sys_fcntl(fd, F_DUPFD_CLOEXEC, 7), 8);
	CHECK_EQ(rump_sys_fcntl(8, F_GETFD), FD_CLOEXEC);
	CHECK_ERRNO(rump_sys_fcntl(fd, F_GETLK), EINVAL);
	CHECK_EQ(rump_sys_close(8), 0);
	CHECK_EQ(rump_sys_close(fd2), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_shutdown(), 0);
}

T_CASE(rfork_fd_tables)
{
	struct lwp *parent;
	char buf[4];
	int fd;

	boot();
	put_file("/f", "abcdef", 0644);
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	parent = rump_pub_lwproc_curlwp();
	fd = rump_sys_open("/f", O_RDONLY);
	CHECK_EQ(fd, 0);
	/* a copied table shares the open file (and so its offset) */
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_EQ(rump_sys_read(fd, buf, 2), 2);
	CHECK_EQ(rump_sys_close(fd), 0);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(parent);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_CUR), 2);
	/* an empty table */
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_ERRNO(rump_sys_read(fd, buf, 2), EBADF);
	CHECK_EQ(rump_sys_open("/", O_RDONLY), 0);
	rump_pub_lwproc_releaselwp();	/* exit closes it */
	rump_pub_lwproc_switch(parent);
	/* a shared table: a close in the child closes in the parent */
	CHECK_EQ(rump_pub_lwproc_rfork(0), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	rump_pub_lwproc_releaselwp();
	rump_pub_lwproc_switch(parent);
	CHECK_ERRNO(rump_sys_close(fd), EBADF);
	/* a descriptor left open at exit is closed by the exit */
	CHECK_EQ(rump_sys_open("/f", O_RDONLY), 0);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(rump_shutdown(), 0);
}

T_CASE(cwd_and_umask)
{
	struct lwp *parent;
	struct stat st;
	int dfd;

	boot();
	CHECK_EQ(rump_sys_mkdir("/a", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/a/b", 0755), 0);
	CHECK_EQ(rump_sys_chdir("/a"), 0);
	CHECK_EQ(rump_sys_stat("b", &st), 0);
	CHECK_ERRNO(rump_sys_chdir("/nonexistent"), ENOENT);
	put_file("/a/file", "x", 0644);
	CHECK_ERRNO(rump_sys_chdir("file"), ENOTDIR);
	dfd = rump_sys_open("b", O_RDONLY | O_DIRECTORY);
	CHECK_EQ(rump_sys_fchdir(dfd), 0);
	CHECK_EQ(rump_sys_mkdir("c", 0777), 0);
	CHECK_EQ(rump_sys_stat("/a/b/c", &st), 0);
	CHECK_EQ(st.st_mode, S_IFDIR | 0755);
	CHECK_EQ(rump_sys_close(dfd), 0);
	/* children inherit cwd and umask, and change only their own */
	CHECK_EQ(rump_sys_umask(077), 022);
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	parent = rump_pub_lwproc_curlwp();
	(void)parent;
	CHECK_EQ(rump_sys_stat("c", &st), 0);
	CHECK_EQ(rump_sys_umask(0), 077);
	CHECK_EQ(rump_sys_chdir("/"), 0);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(rump_sys_umask(022), 077);
	CHECK_EQ(rump_sys_stat("c", &st), 0);
	/* a removed cwd: lookups of "." work, creating in it fails */
	CHECK_EQ(rump_sys_rmdir("/a/b/c"), 0);
	CHECK_EQ(rump_sys_chdir("/a/b"), 0);
	CHECK_EQ(rump_sys_rmdir("/a/b"), 0);
	CHECK_ERRNO(rump_sys_mkdir("x", 0755), ENOENT);
	CHECK_ERRNO(rump_sys_open("y", O_RDWR | O_CREAT, 0644), ENOENT);
	CHECK_EQ(rump_sys_chdir("/"), 0);
	/* access to the cwd needs search permission */
	CHECK_EQ(rump_sys_chmod("/a", 0700), 0);
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_EQ(rump_pub_lwproc_setcred(1000, 1000, 0, NULL), 0);
	CHECK_ERRNO(rump_sys_chdir("/a"), EACCES);
	CHECK_EQ(rump_sys_getuid(), 1000);
	CHECK_EQ(rump_sys_getgid(), 1000);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(rump_sys_getuid(), 0);
	CHECK_EQ(rump_shutdown(), 0);
}

/* Names of all entries read with buffers of bufsize. */
static int
read_all_names(const char *path, size_t bufsize, char names[][16], int max)
{
	char buf[4096];
	int fd, n = 0;
	ssize_t got, pos;

	fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	while ((got = rump_sys_getdents(fd, buf, bufsize)) > 0) {
		for (pos = 0; pos < got; ) {
			struct t_dirent64 *d = (struct t_dirent64 *)(void *)(buf + pos);

			CHECK(d->d_reclen % 8 == 0 && d->d_reclen > 0 && pos + d->d_reclen <= got);
			if (n < max)
				snprintf(names[n], 16, "%s", d->d_name);
			n++;
			pos += d->d_reclen;
		}
	}
	CHECK_EQ(got, 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	return n;
}

T_CASE(getdents_records)
{
	char names[64][16], buf[512];
	int fd, n, i, seen = 0;

	boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	for (i = 0; i < 20; i++) {
		char p[32];

		snprintf(p, sizeof(p), "/d/n%02d", i);
		put_file(p, "", 0644);
	}
	/* any buffer that holds one record gives the same 22 names */
	n = read_all_names("/d", 32, names, 64);
	CHECK_EQ(n, 22);
	n = read_all_names("/d", 4096, names, 64);
	CHECK_EQ(n, 22);
	for (i = 0; i < n; i++)
		if (names[i][0] == 'n')
			seen++;
	CHECK_EQ(seen, 20);
	fd = rump_sys_open("/d", O_RDONLY);
	CHECK_ERRNO(rump_sys_getdents(fd, buf, 8), EINVAL);
	CHECK_ERRNO(rump_sys_read(fd, buf, sizeof(buf)), EISDIR);
	CHECK(rump_sys_getdents(fd, buf, sizeof(buf)) > 0);
	/* rewinding starts over */
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_SET), 0);
	CHECK(rump_sys_getdents(fd, buf, sizeof(buf)) > 0);
	/* a made-up cookie is the file system's to refuse or end on, never to crash on */
	for (i = 1; i < 64; i++) {
		ssize_t got;

		CHECK_EQ(rump_sys_lseek(fd, (off_t)i * 977, SEEK_SET), (off_t)i * 977);
		got = rump_sys_getdents(fd, buf, sizeof(buf));
		CHECK(got >= 0 || errno == EINVAL || errno == ENOENT);
	}
	CHECK_EQ(rump_sys_lseek(fd, INT64_MAX, SEEK_SET), INT64_MAX);
	CHECK(rump_sys_getdents(fd, buf, sizeof(buf)) >= 0 || errno == EINVAL);
	CHECK_EQ(rump_sys_close(fd), 0);
	fd = rump_sys_open("/d/n00", O_RDONLY);
	CHECK_ERRNO(rump_sys_getdents(fd, buf, sizeof(buf)), ENOTDIR);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_shutdown(), 0);
}

T_CASE(readlink_sizes)
{
	char buf[16];

	boot();
	CHECK_EQ(rump_sys_symlink("some/target", "/l"), 0);
	CHECK_EQ(rump_sys_readlink("/l", buf, sizeof(buf)), 11);
	CHECK(memcmp(buf, "some/target", 11) == 0);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(rump_sys_readlink("/l", buf, 4), 4);	/* truncated, no NUL */
	CHECK(memcmp(buf, "somex", 5) == 0);
	CHECK_ERRNO(rump_sys_readlink("/l", buf, 0), EINVAL);
	CHECK_ERRNO(rump_sys_readlink("/", buf, sizeof(buf)), EINVAL);
	CHECK_ERRNO(rump_sys_readlink("/nope", buf, sizeof(buf)), ENOENT);
	CHECK_ERRNO(rump_sys_readlink("/l/", buf, sizeof(buf)), ENOENT);
	CHECK_EQ(rump_shutdown(), 0);
}

T_CASE(utimens_rules)
{
	struct timespec ts[2] = { { 1000, 5 }, { 2000, 6 } };
	struct stat st;
	int fd;

	boot();
	put_file("/f", "x", 0666);
	CHECK_EQ(rump_sys_chmod("/f", 0666), 0);	/* past the umask */
	CHECK_EQ(rump_sys_utimensat(AT_FDCWD, "/f", ts, 0), 0);
	CHECK_EQ(rump_sys_stat("/f", &st), 0);
	CHECK_EQ(st.st_mtim.tv_sec, 2000);
	CHECK_EQ(st.st_mtim.tv_nsec, 6);
	CHECK_EQ(st.st_atim.tv_sec, 1000);
	/* UTIME_OMIT keeps, UTIME_NOW sets the clock */
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_NOW;
	CHECK_EQ(rump_sys_utimensat(AT_FDCWD, "/f", ts, 0), 0);
	CHECK_EQ(rump_sys_stat("/f", &st), 0);
	CHECK_EQ(st.st_atim.tv_sec, 1000);
	CHECK(st.st_mtim.tv_sec > 1000000000);
	ts[0].tv_nsec = 1000000000;
	CHECK_ERRNO(rump_sys_utimensat(AT_FDCWD, "/f", ts, 0), EINVAL);
	CHECK_ERRNO(rump_sys_utimensat(AT_FDCWD, "/f", NULL, 0x4000), EINVAL);
	/* relative to a directory descriptor; a file descriptor is ENOTDIR */
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	put_file("/d/g", "y", 0644);
	fd = rump_sys_open("/d", O_RDONLY | O_DIRECTORY);
	CHECK_EQ(rump_sys_utimensat(fd, "g", NULL, 0), 0);
	CHECK_ERRNO(rump_sys_utimensat(fd, "nope", NULL, 0), ENOENT);
	CHECK_EQ(rump_sys_close(fd), 0);
	fd = rump_sys_open("/f", O_RDONLY);
	CHECK_ERRNO(rump_sys_utimensat(fd, "g", NULL, 0), ENOTDIR);
	CHECK_EQ(rump_sys_utimensat(fd, "/d/g", NULL, 0), 0);	/* absolute: fd unused */
	CHECK_EQ(rump_sys_utimensat(fd, NULL, NULL, 0), 0);	/* the fd itself */
	CHECK_EQ(rump_sys_futimens(fd, NULL), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	/* AT_SYMLINK_NOFOLLOW changes the link */
	CHECK_EQ(rump_sys_symlink("f", "/l"), 0);
	ts[0].tv_nsec = 0;
	ts[1].tv_sec = 3000;
	ts[1].tv_nsec = 0;
	CHECK_EQ(rump_sys_utimensat(AT_FDCWD, "/l", ts, AT_SYMLINK_NOFOLLOW), 0);
	CHECK_EQ(rump_sys_lstat("/l", &st), 0);
	CHECK_EQ(st.st_mtim.tv_sec, 3000);
	CHECK_EQ(rump_sys_stat("/l", &st), 0);
	CHECK(st.st_mtim.tv_sec != 3000);
	/* not the owner: "now" needs write access, explicit times ownership */
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_EQ(rump_pub_lwproc_setcred(1000, 1000, 0, NULL), 0);
	CHECK_EQ(rump_sys_utimensat(AT_FDCWD, "/f", NULL, 0), 0);	/* 0666 */
	CHECK_ERRNO(rump_sys_utimensat(AT_FDCWD, "/f", ts, 0), EPERM);
	CHECK_ERRNO(rump_sys_utimensat(AT_FDCWD, "/d/g", NULL, 0), EACCES);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(rump_shutdown(), 0);
}

/* ---- threads ---- */

#include <pthread.h>

#define RACE_THREADS	4
#define RACE_ROUNDS	300

static int race_fd;
static volatile int race_stop;

static void *
race_reader(void *arg)
{
	char buf[8];
	ssize_t got;
	long bad = 0;

	(void)arg;
	while (!race_stop) {
		errno = 0;
		got = rump_sys_pread(race_fd, buf, sizeof(buf), 0);
		/* the descriptor is either the file (8 bytes) or closed */
		if (!(got == 8 || (got == -1 && errno == EBADF)))
			bad++;
	}
	return (void *)bad;
}

T_CASE(concurrent_close)
{
	pthread_t t[RACE_THREADS];
	void *bad;
	int i, fd;

	boot();
	put_file("/f", "01234567", 0644);
	race_fd = rump_sys_open("/f", O_RDONLY);
	CHECK(race_fd >= 0);
	for (i = 0; i < RACE_THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, race_reader, NULL), 0);
	/* close and reopen the descriptor under the readers' feet */
	for (i = 0; i < RACE_ROUNDS; i++) {
		CHECK_EQ(rump_sys_close(race_fd), 0);
		fd = rump_sys_open("/f", O_RDONLY);
		CHECK_EQ(fd, race_fd);
		CHECK_EQ(rump_sys_dup2(fd, race_fd), race_fd);
	}
	race_stop = 1;
	for (i = 0; i < RACE_THREADS; i++) {
		CHECK_EQ(pthread_join(t[i], &bad), 0);
		CHECK_EQ((long)bad, 0);
	}
	CHECK_EQ(rump_sys_close(race_fd), 0);
	CHECK_EQ(rump_shutdown(), 0);
}

static void *
race_creator(void *arg)
{
	char name[32];
	long i, fails = 0, made = 0;
	int fd, excl = (int)(long)arg;

	for (i = 0; i < RACE_ROUNDS; i++) {
		snprintf(name, sizeof(name), "/r/n%ld", i % 16);
		fd = rump_sys_open(name, O_RDWR | O_CREAT | (excl ? O_EXCL : 0), 0644);
		if (fd < 0) {
			if (!(excl && errno == EEXIST))
				fails++;
			continue;
		}
		made++;
		CHECK_EQ(rump_sys_close(fd), 0);
		/* unlinking races with the others' creates: ENOENT is fine */
		if (rump_sys_unlink(name) != 0 && errno != ENOENT)
			fails++;
	}
	return (void *)(fails * 100000 + (made > 0 ? 0 : 1));
}

T_CASE(concurrent_create)
{
	pthread_t t[RACE_THREADS];
	void *res;
	int i, excl;

	boot();
	CHECK_EQ(rump_sys_mkdir("/r", 0777), 0);
	/* without O_EXCL every open succeeds, whoever created the file */
	for (excl = 0; excl < 2; excl++) {
		for (i = 0; i < RACE_THREADS; i++)
			CHECK_EQ(pthread_create(&t[i], NULL, race_creator, (void *)(long)excl), 0);
		for (i = 0; i < RACE_THREADS; i++) {
			CHECK_EQ(pthread_join(t[i], &res), 0);
			CHECK_EQ((long)res / 100000, 0);
		}
	}
	CHECK_EQ(rump_shutdown(), 0);
}

/* One byte c at off of an open file. */
static void
poke(int fd, off_t off, char c)
{
	CHECK_EQ(rump_sys_pwrite(fd, &c, 1, off), 1);
}

/*
 * rumpfs keeps chunks of 4 KiB in a radix tree: holes are found by chunk,
 * a file claiming 512 GiB with four chunks is answered at once, and the
 * errors are Linux's.
 */
T_CASE(seek_data_hole)
{
	const off_t M = 1 << 20, T = (off_t)1 << 38;
	int fd, dfd;

	boot();
	fd = rump_sys_open("/sparse", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	/* empty: nothing to find */
	CHECK_ERRNO(rump_sys_lseek(fd, 0, SEEK_DATA), ENXIO);
	CHECK_ERRNO(rump_sys_lseek(fd, 0, SEEK_HOLE), ENXIO);
	poke(fd, 0, 'a');
	poke(fd, M + 10, 'b');
	CHECK_EQ(rump_sys_ftruncate(fd, 2 * T), 0);
	poke(fd, T + 7, 'c');
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_DATA), 0);
	CHECK_EQ(rump_sys_lseek(fd, 100, SEEK_DATA), 100);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_HOLE), 4096);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_CUR), 4096);	/* the offset moved there */
	CHECK_EQ(rump_sys_lseek(fd, 4096, SEEK_DATA), M);
	CHECK_EQ(rump_sys_lseek(fd, M + 4095, SEEK_DATA), M + 4095);
	CHECK_EQ(rump_sys_lseek(fd, M, SEEK_HOLE), M + 4096);
	CHECK_EQ(rump_sys_lseek(fd, M + 4096, SEEK_DATA), T);
	CHECK_EQ(rump_sys_lseek(fd, T, SEEK_HOLE), T + 4096);
	/* after the last data: only the hole at the end */
	CHECK_ERRNO(rump_sys_lseek(fd, T + 4096, SEEK_DATA), ENXIO);
	CHECK_EQ(rump_sys_lseek(fd, T + 4096, SEEK_HOLE), T + 4096);
	CHECK_EQ(rump_sys_lseek(fd, 2 * T - 1, SEEK_HOLE), 2 * T - 1);
	/* at or past the end, or before the start */
	CHECK_ERRNO(rump_sys_lseek(fd, 2 * T, SEEK_DATA), ENXIO);
	CHECK_ERRNO(rump_sys_lseek(fd, 2 * T, SEEK_HOLE), ENXIO);
	CHECK_ERRNO(rump_sys_lseek(fd, -1, SEEK_DATA), EINVAL);
	CHECK_ERRNO(rump_sys_lseek(fd, -1, SEEK_HOLE), EINVAL);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_CUR), 2 * T - 1);	/* failures leave it */
	/* data up to the end: the hole is the end itself */
	poke(fd, 2 * T - 1, 'd');
	CHECK_EQ(rump_sys_lseek(fd, 2 * T - 4096, SEEK_HOLE), 2 * T);
	CHECK_EQ(rump_sys_lseek(fd, T + 4096, SEEK_DATA), 2 * T - 4096);
	/* a truncate drops the chunks past the size */
	CHECK_EQ(rump_sys_ftruncate(fd, M + 4096), 0);
	CHECK_EQ(rump_sys_lseek(fd, 4096, SEEK_DATA), M);
	CHECK_EQ(rump_sys_lseek(fd, M, SEEK_HOLE), M + 4096);
	CHECK_EQ(rump_sys_close(fd), 0);
	/* not regular: all data up to the size; a descriptor closed: EBADF */
	dfd = rump_sys_open("/", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK_EQ(rump_sys_lseek(dfd, 0, SEEK_DATA), 0);
	CHECK_EQ(rump_sys_close(dfd), 0);
	CHECK_ERRNO(rump_sys_lseek(fd, 0, SEEK_DATA), EBADF);
	CHECK_EQ(rump_shutdown(), 0);
}
