/* rumpfuzz_oracle.c: is an unmounted image consistent?  The type's in-process checker, or e2fsck -fn in the slow mode. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rumpfuzz_impl.h"

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* e2fsck -fn on a copy in a temp file: exit 0 is consistent; any other exit (4 errors left, 8 it gave up) is not. */
static int
e2fsck_image(const uint8_t *img, size_t len)
{
	const char *dir = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
	char path[512];
	int fd, status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/rumpfuzz-fsck-XXXXXX", dir);
	if ((fd = mkstemp(path)) < 0)
		return -1;
	if (write_all(fd, img, len) != 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	if ((pid = fork()) == 0) {
		if (!rfz_verbose()) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			dup2(null, 2);
		}
		execlp("e2fsck", "e2fsck", "-fn", path, (char *)NULL);
		_exit(127);
	}
	status = -1;
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	unlink(path);
	if (pid < 0 || !WIFEXITED(status))
		return -1;
	if (WEXITSTATUS(status) == 127) {
		fprintf(stderr, "rumpfuzz: RUMPFUZZ_FSCK is set but e2fsck cannot be run\n");
		abort();
	}
	return WEXITSTATUS(status) == 0;
}

int
rfz_consistent(const char *fstype, const uint8_t *img, size_t len)
{
	unsigned nproblems;
	int error;

	if (rfz.flags & RUMPFUZZ_F_NOCHECK)
		return -1;
	error = rump_pub_vfs_check(fstype, RFZ_DEV, &nproblems);
	if (error == 0)
		return nproblems == 0;
	if (error == EOPNOTSUPP && (rfz.flags & RUMPFUZZ_F_FSCK) && strcmp(fstype, "ext2fs") == 0)
		return e2fsck_image(img, len);
	return -1;
}
