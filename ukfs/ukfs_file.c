/* ukfs_file.c: ukfs calls on files by path: open/read/write/close, create, mknod, links, remove, rename, readlink. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "ukfs_impl.h"

static ssize_t file_io(struct ukfs *fs, const char *filename, off_t off,
    uint8_t *buf, size_t bufsize, bool write);

int
ukfs_open(struct ukfs *fs, const char *filename, int flags)
{
	char kpath[PATH_MAX];
	/* open(2) follows a last symlink unless O_NOFOLLOW, or O_CREAT|O_EXCL (then EEXIST). */
	bool follow = (flags & O_NOFOLLOW) == 0 &&
	    (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);

	UKFS_PATH(fs, filename, follow, kpath);
	return rump_sys_open(kpath, flags | O_CLOEXEC, 0);
}

/*
 * One component, nothing followed: whatever the directory (a hostile
 * image) holds, the open stays inside it.
 */
int
ukfs_openat(struct ukfs *fs, int dirfd, const char *name, int flags)
{
	(void)fs;
	if (name[0] == '\0' || strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || (flags & O_CREAT)) {
		errno = EINVAL;
		return -1;
	}
	return rump_sys_openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
}

ssize_t
ukfs_read_fd(struct ukfs *fs, int fd, off_t off, uint8_t *buf, size_t bufsize)
{
	(void)fs;
	return rump_sys_pread(fd, buf, bufsize, off);
}

ssize_t
ukfs_write_fd(struct ukfs *fs, int fd, off_t off, uint8_t *buf, size_t bufsize, int dosync)
{
	ssize_t n;

	(void)fs;
	n = rump_sys_pwrite(fd, buf, bufsize, off);
	if (n >= 0 && dosync && rump_sys_fsync(fd) == -1)
		return -1;
	return n;
}

int
ukfs_fstat(struct ukfs *fs, int fd, struct stat *st)
{
	(void)fs;
	return rump_sys_fstat(fd, st);
}

off_t
ukfs_lseek(struct ukfs *fs, int fd, off_t off, int whence)
{
	(void)fs;
	return rump_sys_lseek(fd, off, whence);
}

int
ukfs_ftruncate(struct ukfs *fs, int fd, off_t len)
{
	(void)fs;
	return rump_sys_ftruncate(fd, len);
}

int
ukfs_close(struct ukfs *fs, int fd)
{
	(void)fs;
	return rump_sys_close(fd);
}

/* Open, move the whole range (short only at end of file), close. */
static ssize_t
file_io(struct ukfs *fs, const char *filename, off_t off, uint8_t *buf, size_t bufsize,
    bool write)
{
	size_t done;
	ssize_t n;
	int fd, sverr;

	if ((fd = ukfs_open(fs, filename, write ? O_WRONLY : O_RDONLY)) == -1)
		return -1;
	for (done = 0; done < bufsize; done += (size_t)n) {
		if (write)
			n = rump_sys_pwrite(fd, buf + done, bufsize - done, off + (off_t)done);
		else
			n = rump_sys_pread(fd, buf + done, bufsize - done, off + (off_t)done);
		if (n == -1) {
			sverr = errno;
			rump_sys_close(fd);
			errno = sverr;
			return -1;
		}
		if (n == 0)
			break;
	}
	if (rump_sys_close(fd) == -1)
		return -1;
	return (ssize_t)done;
}

ssize_t
ukfs_read(struct ukfs *fs, const char *filename, off_t off, uint8_t *buf, size_t bufsize)
{
	return file_io(fs, filename, off, buf, bufsize, false);
}

ssize_t
ukfs_write(struct ukfs *fs, const char *filename, off_t off, uint8_t *buf, size_t bufsize)
{
	return file_io(fs, filename, off, buf, bufsize, true);
}

ssize_t
ukfs_readlink(struct ukfs *fs, const char *filename, char *linkbuf, size_t buflen)
{
	char kpath[PATH_MAX];

	UKFS_PATH(fs, filename, UKFS_NOFOLLOW, kpath);
	return rump_sys_readlink(kpath, linkbuf, buflen);
}

/* A new regular file (EEXIST if the name exists). */
int
ukfs_create(struct ukfs *fs, const char *filename, mode_t mode)
{
	char kpath[PATH_MAX];
	int fd;

	UKFS_PATH(fs, filename, UKFS_NOFOLLOW, kpath);
	fd = rump_sys_open(kpath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
	if (fd == -1)
		return -1;
	return rump_sys_close(fd);
}

int
ukfs_mkdir(struct ukfs *fs, const char *filename, mode_t mode)
{
	char kpath[PATH_MAX];

	UKFS_PATH(fs, filename, UKFS_NOFOLLOW, kpath);
	return rump_sys_mkdir(kpath, mode);
}

int
ukfs_mknod(struct ukfs *fs, const char *filename, mode_t mode, dev_t dev)
{
	char kpath[PATH_MAX];

	UKFS_PATH(fs, filename, UKFS_NOFOLLOW, kpath);
	return rump_sys_mknod(kpath, mode, dev);
}

int
ukfs_mkfifo(struct ukfs *fs, const char *filename, mode_t mode)
{
	return ukfs_mknod(fs, filename, S_IFIFO | (mode & 07777), 0);
}

/* linkname: the new link in fs; filename: its target, stored as given (symlink(2)'s order). */
int
ukfs_symlink(struct ukfs *fs, const char *filename, const char *linkname)
{
	char kpath[PATH_MAX];

	UKFS_PATH(fs, linkname, UKFS_NOFOLLOW, kpath);
	return rump_sys_symlink(filename, kpath);
}

int
ukfs_remove(struct ukfs *fs, const char *filename)
{
	char kpath[PATH_MAX];

	UKFS_PATH(fs, filename, UKFS_NOFOLLOW, kpath);
	return rump_sys_unlink(kpath);
}

int
ukfs_rmdir(struct ukfs *fs, const char *filename)
{
	char kpath[PATH_MAX];

	UKFS_PATH(fs, filename, UKFS_NOFOLLOW, kpath);
	ukfs_path_invalidate(fs);
	return rump_sys_rmdir(kpath);
}

/* f_create becomes a new name of the existing filename. */
int
ukfs_link(struct ukfs *fs, const char *filename, const char *f_create)
{
	char kfrom[PATH_MAX], kto[PATH_MAX];

	UKFS_PATH(fs, filename, UKFS_NOFOLLOW, kfrom);
	UKFS_PATH(fs, f_create, UKFS_NOFOLLOW, kto);
	return rump_sys_link(kfrom, kto);
}

int
ukfs_rename(struct ukfs *fs, const char *from, const char *to)
{
	char kfrom[PATH_MAX], kto[PATH_MAX];

	UKFS_PATH(fs, from, UKFS_NOFOLLOW, kfrom);
	UKFS_PATH(fs, to, UKFS_NOFOLLOW, kto);
	ukfs_path_invalidate(fs);
	return rump_sys_rename(kfrom, kto);
}
