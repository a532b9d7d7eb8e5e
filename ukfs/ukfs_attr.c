/* ukfs_attr.c: ukfs calls on attributes: stat, lstat, chmod, chown, utimes, chflags. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>

#include "ukfs_impl.h"

static int attr_utimes(struct ukfs *fs, const char *filename, const struct timeval *tv,
    int atflags);

int
ukfs_stat(struct ukfs *fs, const char *filename, struct stat *st)
{
	char kpath[PATH_MAX];

	UKFS_PATH(fs, filename, UKFS_FOLLOW, kpath);
	return rump_sys_stat(kpath, st);
}

int
ukfs_lstat(struct ukfs *fs, const char *filename, struct stat *st)
{
	char kpath[PATH_MAX];

	UKFS_PATH(fs, filename, UKFS_NOFOLLOW, kpath);
	return rump_sys_lstat(kpath, st);
}

int
ukfs_chmod(struct ukfs *fs, const char *filename, mode_t mode)
{
	char kpath[PATH_MAX];

	UKFS_PATH(fs, filename, UKFS_FOLLOW, kpath);
	return rump_sys_chmod(kpath, mode);
}

/* Linux keeps no mode on a symlink, so changing one is refused as Linux's fchmodat does. */
int
ukfs_lchmod(struct ukfs *fs, const char *filename, mode_t mode)
{
	struct stat st;

	if (ukfs_lstat(fs, filename, &st) == -1)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return ukfs_chmod(fs, filename, mode);
}

int
ukfs_chown(struct ukfs *fs, const char *filename, uid_t uid, gid_t gid)
{
	char kpath[PATH_MAX];

	UKFS_PATH(fs, filename, UKFS_FOLLOW, kpath);
	return rump_sys_chown(kpath, uid, gid);
}

int
ukfs_lchown(struct ukfs *fs, const char *filename, uid_t uid, gid_t gid)
{
	char kpath[PATH_MAX];

	UKFS_PATH(fs, filename, UKFS_NOFOLLOW, kpath);
	return rump_sys_lchown(kpath, uid, gid);
}

int
ukfs_chflags(struct ukfs *fs, const char *filename, unsigned long flags)
{
	(void)fs, (void)filename, (void)flags;
	errno = EOPNOTSUPP;
	return -1;
}

int
ukfs_lchflags(struct ukfs *fs, const char *filename, unsigned long flags)
{
	return ukfs_chflags(fs, filename, flags);
}

static int
attr_utimes(struct ukfs *fs, const char *filename, const struct timeval *tv, int atflags)
{
	char kpath[PATH_MAX];
	struct timespec ts[2];
	int i;

	UKFS_PATH(fs, filename, (atflags & AT_SYMLINK_NOFOLLOW) == 0, kpath);
	if (tv == NULL)
		return rump_sys_utimensat(AT_FDCWD, kpath, NULL, atflags);
	for (i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000) {
			errno = EINVAL;
			return -1;
		}
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return rump_sys_utimensat(AT_FDCWD, kpath, ts, atflags);
}

int
ukfs_utimes(struct ukfs *fs, const char *filename, const struct timeval *tv)
{
	return attr_utimes(fs, filename, tv, 0);
}

int
ukfs_lutimes(struct ukfs *fs, const char *filename, const struct timeval *tv)
{
	return attr_utimes(fs, filename, tv, AT_SYMLINK_NOFOLLOW);
}

int
ukfs_statvfs(struct ukfs *fs, const char *filename, struct statvfs *sv)
{
	char kpath[PATH_MAX];

	UKFS_PATH(fs, filename, UKFS_FOLLOW, kpath);
	return rump_sys_statvfs(kpath, sv);
}
