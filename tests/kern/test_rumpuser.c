/* test_rumpuser.c: the host file, parameter and randomness hypercalls. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kern_test.h"
#include "rumpuser.h"

static char ru_path[64];

static int
ru_create(void)
{
	int fd;

	snprintf(ru_path, sizeof(ru_path), "/tmp/rumpuser-test.%d", (int)getpid());
	unlink(ru_path);
	CHECK_ERR(rumpuser_open(ru_path, RUMPUSER_OPEN_RDWR | RUMPUSER_OPEN_CREATE |
	    RUMPUSER_OPEN_EXCL, &fd), 0);
	return fd;
}

T_CASE(rumpuser_file_io)
{
	char buf[64], a[5], b[7];
	struct iovec iov[3];
	enum rumpuser_ftype type;
	uint64_t size;
	size_t done;
	int fd, fd2;

	fd = ru_create();
	CHECK_ERR(rumpuser_open(ru_path, RUMPUSER_OPEN_RDWR | RUMPUSER_OPEN_CREATE |
	    RUMPUSER_OPEN_EXCL, &fd2), EEXIST);
	CHECK_ERR(rumpuser_pwrite(fd, "hello world", 11, 100, &done), 0);
	CHECK_EQ(done, 11);
	CHECK_ERR(rumpuser_getfileinfo(ru_path, &size, &type), 0);
	CHECK_EQ(size, 111);
	CHECK_EQ(type, RUMPUSER_FT_REG);

	/* a read across EOF: what the file has, then zeroes */
	memset(buf, 'x', sizeof(buf));
	CHECK_ERR(rumpuser_pread(fd, buf, 20, 106, &done), 0);
	CHECK_EQ(done, 5);
	CHECK(memcmp(buf, "world", 5) == 0);
	CHECK(buf[5] == 0 && buf[19] == 0 && buf[20] == 'x');
	CHECK_ERR(rumpuser_pread(fd, buf, 4, -1, &done), EINVAL);

	/* vectors with an empty entry; the hole before offset 100 reads as zeroes */
	iov[0] = (struct iovec){ a, sizeof(a) };
	iov[1] = (struct iovec){ NULL, 0 };
	iov[2] = (struct iovec){ b, sizeof(b) };
	CHECK_ERR(rumpuser_preadv(fd, iov, 3, 98, &done), 0);
	CHECK_EQ(done, 12);
	CHECK(a[0] == 0 && a[1] == 0 && memcmp(a + 2, "hel", 3) == 0);
	CHECK(memcmp(b, "lo worl", 7) == 0);
	memcpy(a, "ABCDE", 5);
	memcpy(b, "FGHIJKL", 7);
	CHECK_ERR(rumpuser_pwritev(fd, iov, 3, 0, &done), 0);
	CHECK_EQ(done, 12);
	CHECK_ERR(rumpuser_pread(fd, buf, 12, 0, &done), 0);
	CHECK(memcmp(buf, "ABCDEFGHIJKL", 12) == 0);
	CHECK_ERR(rumpuser_fsync(fd), 0);

	/* flock: a second open file description cannot take the lock */
	CHECK_ERR(rumpuser_flock(fd, 1), 0);
	CHECK_ERR(rumpuser_open(ru_path, RUMPUSER_OPEN_RDONLY, &fd2), 0);
	CHECK_ERR(rumpuser_flock(fd2, 1), EWOULDBLOCK);
	CHECK_ERR(rumpuser_close(fd2), 0);

	CHECK_ERR(rumpuser_close(fd), 0);
	CHECK_ERR(rumpuser_close(fd), EBADF);
	CHECK_ERR(rumpuser_getfileinfo("/tmp", NULL, &type), 0);
	CHECK_EQ(type, RUMPUSER_FT_DIR);
	CHECK_ERR(rumpuser_getfileinfo("/nonexistent/x", &size, &type), ENOENT);
	unlink(ru_path);
}

/*
 * The holder of a lock is the process that holds the descriptor now: a
 * child locks and waits, the parent (which has the file open unlocked
 * too) is not named.
 */
T_CASE(rumpuser_lockholder)
{
	int tochild[2], fromchild[2], fd, pid, excl, status;
	pid_t child;
	char c;

	fd = ru_create();
	CHECK_ERR(rumpuser_lockholder(ru_path, &pid, &excl), ENOENT);
	CHECK(pipe(tochild) == 0 && pipe(fromchild) == 0);
	CHECK((child = fork()) != -1);
	if (child == 0) {
		int cfd;

		if (rumpuser_open(ru_path, RUMPUSER_OPEN_RDONLY, &cfd) != 0 ||
		    rumpuser_flock(cfd, 1) != 0)
			_exit(1);
		c = 'l';
		if (write(fromchild[1], &c, 1) != 1 || read(tochild[0], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	CHECK(read(fromchild[0], &c, 1) == 1);
	CHECK_ERR(rumpuser_lockholder(ru_path, &pid, &excl), 0);
	CHECK_EQ(pid, (int)child);
	CHECK_EQ(excl, 1);
	CHECK(write(tochild[1], &c, 1) == 1);
	CHECK(waitpid(child, &status, 0) == child);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* ours, shared */
	CHECK_ERR(rumpuser_lockholder(ru_path, &pid, &excl), ENOENT);
	CHECK_ERR(rumpuser_flock(fd, 0), 0);
	CHECK_ERR(rumpuser_lockholder(ru_path, &pid, &excl), 0);
	CHECK_EQ(pid, (int)getpid());
	CHECK_EQ(excl, 0);
	CHECK_ERR(rumpuser_close(fd), 0);
	CHECK_ERR(rumpuser_lockholder("/nonexistent/x", &pid, &excl), ENOENT);
	unlink(ru_path);
}

T_CASE(rumpuser_params_random)
{
	char buf[8];
	unsigned char r[64] = { 0 };
	int i, nonzero = 0;

	setenv("RU_TEST", "abc", 1);
	CHECK_ERR(rumpuser_getparam("RU_TEST", buf, sizeof(buf)), 0);
	CHECK_STREQ(buf, "abc");
	setenv("RU_TEST", "abcdefgh", 1);
	CHECK_ERR(rumpuser_getparam("RU_TEST", buf, sizeof(buf)), E2BIG);
	unsetenv("RU_TEST");
	CHECK_ERR(rumpuser_getparam("RU_TEST", buf, sizeof(buf)), ENOENT);
	CHECK(rumpuser_ncpu() >= 1);
	CHECK_ERR(rumpuser_getrandom(r, sizeof(r)), 0);
	for (i = 0; i < 64; i++)
		nonzero += r[i] != 0;
	CHECK(nonzero > 32);
}
