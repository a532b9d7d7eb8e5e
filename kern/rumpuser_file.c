/* rumpuser_file.c: hypercalls on host files: open, positioned whole-length I/O, sync, locks, size. */
#include "rumpuser.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* Small vectors are copied to the stack; larger ones to the heap. */
#define IOV_ONSTACK	16

static int	iov_transfer(int fd, const struct iovec *iov, int iovcnt, int64_t off,
		    size_t *donep, bool write);
static void	iov_advance(struct iovec *v, int cnt, int *idxp, size_t n);
static void	iov_zero(struct iovec *v, int cnt, int idx);

int
rumpuser_open(const char *path, int ruflags, int *fdp)
{
	int flags = O_CLOEXEC, fd;

	flags |= (ruflags & RUMPUSER_OPEN_RDWR) ? O_RDWR : O_RDONLY;
	if (ruflags & RUMPUSER_OPEN_CREATE)
		flags |= O_CREAT;
	if (ruflags & RUMPUSER_OPEN_EXCL)
		flags |= O_EXCL;
	fd = open(path, flags, 0644);
	if (fd == -1)
		return errno;
	*fdp = fd;
	return 0;
}

int
rumpuser_close(int fd)
{
	/* on Linux the descriptor is gone even when close fails: never retry */
	return close(fd) == -1 ? errno : 0;
}

static int
blkdev_size(const char *path, uint64_t *sizep)
{
	uint64_t size;
	int fd, error = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return errno;
	if (ioctl(fd, BLKGETSIZE64, &size) == -1)
		error = errno;
	else
		*sizep = size;
	close(fd);
	return error;
}

int
rumpuser_getfileinfo(const char *path, uint64_t *sizep, enum rumpuser_ftype *typep)
{
	struct stat st;
	enum rumpuser_ftype type;
	uint64_t size;
	int error;

	if (stat(path, &st) == -1)
		return errno;
	size = (uint64_t)st.st_size;
	if (S_ISDIR(st.st_mode))
		type = RUMPUSER_FT_DIR;
	else if (S_ISREG(st.st_mode))
		type = RUMPUSER_FT_REG;
	else if (S_ISBLK(st.st_mode))
		type = RUMPUSER_FT_BLK;
	else if (S_ISCHR(st.st_mode))
		type = RUMPUSER_FT_CHR;
	else
		type = RUMPUSER_FT_OTHER;
	if (type == RUMPUSER_FT_BLK && (error = blkdev_size(path, &size)) != 0)
		return error;
	if (sizep != NULL)
		*sizep = size;
	if (typep != NULL)
		*typep = type;
	return 0;
}

int
rumpuser_pread(int fd, void *buf, size_t len, int64_t off, size_t *donep)
{
	size_t done = 0;
	ssize_t n;
	int error = 0;

	if (off < 0)
		return EINVAL;
	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done, (off_t)(off + (int64_t)done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = errno;
			break;
		}
		if (n == 0) {
			memset((char *)buf + done, 0, len - done);
			break;
		}
		done += (size_t)n;
	}
	*donep = done;
	return error;
}

int
rumpuser_pwrite(int fd, const void *buf, size_t len, int64_t off, size_t *donep)
{
	size_t done = 0;
	ssize_t n;
	int error = 0;

	if (off < 0)
		return EINVAL;
	while (done < len) {
		n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + (int64_t)done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = errno;
			break;
		}
		if (n == 0) {
			/* no progress and no error: do not spin */
			error = EIO;
			break;
		}
		done += (size_t)n;
	}
	*donep = done;
	return error;
}

int
rumpuser_preadv(int fd, const struct iovec *iov, int iovcnt, int64_t off, size_t *donep)
{
	return iov_transfer(fd, iov, iovcnt, off, donep, false);
}

int
rumpuser_pwritev(int fd, const struct iovec *iov, int iovcnt, int64_t off, size_t *donep)
{
	return iov_transfer(fd, iov, iovcnt, off, donep, true);
}

/*
 * One preadv/pwritev per round; after a short transfer the (copied)
 * vector is advanced past what moved and the call repeated.
 */
static int
iov_transfer(int fd, const struct iovec *iov, int iovcnt, int64_t off, size_t *donep, bool write)
{
	struct iovec stackv[IOV_ONSTACK], *v = stackv;
	size_t done = 0;
	ssize_t n;
	int idx = 0, error = 0;

	*donep = 0;
	if (off < 0 || iovcnt < 0 || iovcnt > IOV_MAX)
		return EINVAL;
	if (iovcnt > IOV_ONSTACK && (v = malloc(sizeof(*v) * (size_t)iovcnt)) == NULL)
		return ENOMEM;
	memcpy(v, iov, sizeof(*v) * (size_t)iovcnt);
	iov_advance(v, iovcnt, &idx, 0);
	while (idx < iovcnt) {
		off_t pos = (off_t)(off + (int64_t)done);

		n = write ? pwritev(fd, v + idx, iovcnt - idx, pos) : preadv(fd, v + idx, iovcnt - idx, pos);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = errno;
			break;
		}
		if (n == 0) {
			if (write)
				error = EIO;
			else
				iov_zero(v, iovcnt, idx);
			break;
		}
		done += (size_t)n;
		iov_advance(v, iovcnt, &idx, (size_t)n);
	}
	if (v != stackv)
		free(v);
	*donep = done;
	return error;
}

/* Consume n bytes from v[*idxp...], skipping empty entries. */
static void
iov_advance(struct iovec *v, int cnt, int *idxp, size_t n)
{
	int idx = *idxp;

	while (idx < cnt && (n > 0 || v[idx].iov_len == 0)) {
		if (n >= v[idx].iov_len) {
			n -= v[idx].iov_len;
			idx++;
		} else {
			v[idx].iov_base = (char *)v[idx].iov_base + n;
			v[idx].iov_len -= n;
			n = 0;
		}
	}
	*idxp = idx;
}

static void
iov_zero(struct iovec *v, int cnt, int idx)
{
	for (; idx < cnt; idx++)
		memset(v[idx].iov_base, 0, v[idx].iov_len);
}

void
rumpuser_writeback(int fd, int64_t off, int64_t len)
{
	(void)sync_file_range(fd, off, len, SYNC_FILE_RANGE_WRITE);
}

void
rumpuser_willneed(int fd, int64_t off, int64_t len)
{
	(void)posix_fadvise(fd, off, len, POSIX_FADV_WILLNEED);
}

int
rumpuser_fsync(int fd)
{
	while (fsync(fd) == -1) {
		if (errno != EINTR)
			return errno;
	}
	return 0;
}

int
rumpuser_flock(int fd, int exclusive)
{
	int op = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;

	while (flock(fd, op) == -1) {
		if (errno != EINTR)
			return errno;
	}
	return 0;
}
