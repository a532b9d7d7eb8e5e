/* ukfs_dir.c: ukfs directory calls: opendir/getdents/closedir, and mkdir -p (ukfs_util_builddirs). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ukfs_impl.h"

/* An open directory: a descriptor in the rump kernel. */
struct ukfs_dircookie {
	int	dc_fd;
};

static int dir_read(int fd, off_t *off, uint8_t *buf, size_t bufsize);

int
ukfs_opendir(struct ukfs *fs, const char *dirname, struct ukfs_dircookie **cookiep)
{
	struct ukfs_dircookie *dc;
	int fd;

	if ((dc = malloc(sizeof(*dc))) == NULL)
		return -1;
	if ((fd = ukfs_open(fs, dirname, O_RDONLY | O_DIRECTORY)) == -1) {
		free(dc);
		return -1;
	}
	dc->dc_fd = fd;
	*cookiep = dc;
	return 0;
}

/* From cookie *off (0: the start) fill buf with whole records; *off moves past them. */
static int
dir_read(int fd, off_t *off, uint8_t *buf, size_t bufsize)
{
	ssize_t n;
	off_t next;

	if (rump_sys_lseek(fd, *off, SEEK_SET) == -1)
		return -1;
	if ((n = rump_sys_getdents(fd, buf, bufsize)) == -1)
		return -1;
	if ((next = rump_sys_lseek(fd, 0, SEEK_CUR)) == -1)
		return -1;
	*off = next;
	return (int)n;
}

int
ukfs_getdents_cookie(struct ukfs *fs, struct ukfs_dircookie *dc, off_t *off,
    uint8_t *buf, size_t bufsize)
{
	(void)fs;
	if (dc == NULL || off == NULL) {
		errno = EFAULT;
		return -1;
	}
	return dir_read(dc->dc_fd, off, buf, bufsize);
}

int
ukfs_getdents(struct ukfs *fs, const char *dirname, off_t *off, uint8_t *buf, size_t bufsize)
{
	struct ukfs_dircookie *dc;
	int n, sverr;

	if (ukfs_opendir(fs, dirname, &dc) == -1)
		return -1;
	n = ukfs_getdents_cookie(fs, dc, off, buf, bufsize);
	sverr = errno;
	ukfs_closedir(fs, dc);
	errno = sverr;
	return n;
}

int
ukfs_closedir(struct ukfs *fs, struct ukfs_dircookie *dc)
{
	int rv;

	(void)fs;
	if (dc == NULL)
		return 0;
	rv = rump_sys_close(dc->dc_fd);
	free(dc);
	return rv;
}

/* Make every missing directory of path (mkdir -p); existing ones are fine. */
int
ukfs_util_builddirs(struct ukfs *fs, const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	struct stat st;
	size_t i, len;

	len = strlen(path);
	if (len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		if (buf[i - 1] == '/')
			continue;
		buf[i] = '\0';
		if (ukfs_mkdir(fs, buf, mode) == -1) {
			if (errno != EEXIST)
				return -1;
			if (ukfs_stat(fs, buf, &st) == -1)
				return -1;
			if (!S_ISDIR(st.st_mode)) {
				errno = ENOTDIR;
				return -1;
			}
		}
		buf[i] = i < len ? '/' : '\0';
	}
	return 0;
}
