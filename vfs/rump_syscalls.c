/* rump_syscalls.c: the public rump_sys_* calls: enter the kernel, call sys_*, translate errors to -1 + errno. */
#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "vfs_syscalls_priv.h"
#include "kmem.h"
#include "rumpuser.h"

/*
 * Each call: rump_schedule(), copy in and check the caller's strings,
 * sys_*(), rump_unschedule(), and only then set errno (leaving the
 * kernel may run host code that changes it).
 */

static int copyinstr_path(const char *upath, char **kpathp);
static void copyinstr_free(char *kpath);
static int sys_ret(int error, int value);
static ssize_t sys_ret_ssize(int error, ssize_t value);

/* A caller's string: NULL is EFAULT, PATH_MAX bytes or more ENAMETOOLONG. */
static int
copyinstr_path(const char *upath, char **kpathp)
{
	size_t len;
	char *kpath;

	if (upath == NULL)
		return EFAULT;
	len = strnlen(upath, PATH_MAX);
	if (len >= PATH_MAX)
		return ENAMETOOLONG;
	kpath = kmem_alloc(len + 1, KM_SLEEP);
	if (kpath == NULL)
		return ENOMEM;
	memcpy(kpath, upath, len + 1);
	*kpathp = kpath;
	return 0;
}

static void
copyinstr_free(char *kpath)
{
	kmem_free(kpath, strlen(kpath) + 1);
}

static int
sys_ret(int error, int value)
{
	if (error != 0) {
		rumpuser_seterrno(error);
		return -1;
	}
	return value;
}

static ssize_t
sys_ret_ssize(int error, ssize_t value)
{
	if (error != 0) {
		rumpuser_seterrno(error);
		return -1;
	}
	return value;
}

/* ---- calls taking one path ---- */

/* The body of a call of one path argument: PATHCALL(expr using kpath). */
#define PATHCALL(upath, call) do {					\
	char *kpath;							\
	rump_schedule();						\
	error = copyinstr_path((upath), &kpath);			\
	if (error == 0) {						\
		error = (call);						\
		copyinstr_free(kpath);					\
	}								\
	rump_unschedule();						\
} while (0)

/* The same for two paths (kpath1, kpath2). */
#define PATHCALL2(upath1, upath2, call) do {				\
	char *kpath1, *kpath2;						\
	rump_schedule();						\
	error = copyinstr_path((upath1), &kpath1);			\
	if (error == 0) {						\
		error = copyinstr_path((upath2), &kpath2);		\
		if (error == 0) {					\
			error = (call);					\
			copyinstr_free(kpath2);				\
		}							\
		copyinstr_free(kpath1);					\
	}								\
	rump_unschedule();						\
} while (0)

/* A call of no path. */
#define KCALL(call) do {						\
	rump_schedule();						\
	error = (call);							\
	rump_unschedule();						\
} while (0)

int
rump_sys_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	return rump_sys_openat(AT_FDCWD, path, flags, mode);
}

int
rump_sys_openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int error, fd = -1;

	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	PATHCALL(path, sys_openat(dirfd, kpath, flags, mode, &fd));
	return sys_ret(error, fd);
}

int
rump_sys_close(int fd)
{
	int error;

	KCALL(sys_close(fd));
	return sys_ret(error, 0);
}

ssize_t
rump_sys_read(int fd, void *buf, size_t n)
{
	ssize_t done = 0;
	int error;

	if (buf == NULL && n > 0)
		return sys_ret_ssize(EFAULT, 0);
	KCALL(sys_read(fd, buf, n, &done));
	return sys_ret_ssize(error, done);
}

ssize_t
rump_sys_write(int fd, const void *buf, size_t n)
{
	ssize_t done = 0;
	int error;

	if (buf == NULL && n > 0)
		return sys_ret_ssize(EFAULT, 0);
	KCALL(sys_write(fd, buf, n, &done));
	return sys_ret_ssize(error, done);
}

ssize_t
rump_sys_pread(int fd, void *buf, size_t n, off_t off)
{
	ssize_t done = 0;
	int error;

	if (buf == NULL && n > 0)
		return sys_ret_ssize(EFAULT, 0);
	KCALL(sys_pread(fd, buf, n, off, &done));
	return sys_ret_ssize(error, done);
}

ssize_t
rump_sys_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	ssize_t done = 0;
	int error;

	if (buf == NULL && n > 0)
		return sys_ret_ssize(EFAULT, 0);
	KCALL(sys_pwrite(fd, buf, n, off, &done));
	return sys_ret_ssize(error, done);
}

off_t
rump_sys_lseek(int fd, off_t off, int whence)
{
	off_t newoff = 0;
	int error;

	KCALL(sys_lseek(fd, off, whence, &newoff));
	if (error != 0) {
		rumpuser_seterrno(error);
		return -1;
	}
	return newoff;
}

int
rump_sys_fsync(int fd)
{
	int error;

	KCALL(sys_fsync(fd));
	return sys_ret(error, 0);
}

int
rump_sys_fallocate(int fd, int mode, off_t off, off_t len)
{
	int error;

	KCALL(sys_fallocate(fd, mode, off, len));
	return sys_ret(error, 0);
}

int
rump_sys_ftruncate(int fd, off_t len)
{
	int error;

	KCALL(sys_ftruncate(fd, len));
	return sys_ret(error, 0);
}

int
rump_sys_truncate(const char *path, off_t len)
{
	int error;

	PATHCALL(path, sys_truncate(kpath, len));
	return sys_ret(error, 0);
}

int
rump_sys_stat(const char *path, struct stat *st)
{
	int error;

	if (st == NULL)
		return sys_ret(EFAULT, 0);
	PATHCALL(path, sys_stat(kpath, true, st));
	return sys_ret(error, 0);
}

int
rump_sys_lstat(const char *path, struct stat *st)
{
	int error;

	if (st == NULL)
		return sys_ret(EFAULT, 0);
	PATHCALL(path, sys_stat(kpath, false, st));
	return sys_ret(error, 0);
}

int
rump_sys_fstat(int fd, struct stat *st)
{
	int error;

	if (st == NULL)
		return sys_ret(EFAULT, 0);
	KCALL(sys_fstat(fd, st));
	return sys_ret(error, 0);
}

int
rump_sys_mkdir(const char *path, mode_t mode)
{
	int error;

	PATHCALL(path, sys_mkdir(kpath, mode));
	return sys_ret(error, 0);
}

int
rump_sys_rmdir(const char *path)
{
	int error;

	PATHCALL(path, sys_rmdir(kpath));
	return sys_ret(error, 0);
}

int
rump_sys_unlink(const char *path)
{
	int error;

	PATHCALL(path, sys_unlink(kpath));
	return sys_ret(error, 0);
}

int
rump_sys_rename(const char *from, const char *to)
{
	int error;

	PATHCALL2(from, to, sys_rename(kpath1, kpath2));
	return sys_ret(error, 0);
}

int
rump_sys_link(const char *from, const char *to)
{
	int error;

	PATHCALL2(from, to, sys_link(kpath1, kpath2));
	return sys_ret(error, 0);
}

int
rump_sys_symlink(const char *target, const char *path)
{
	int error;

	PATHCALL2(target, path, sys_symlink(kpath1, kpath2));
	return sys_ret(error, 0);
}

ssize_t
rump_sys_readlink(const char *path, char *buf, size_t n)
{
	ssize_t done = 0;
	int error;

	if (buf == NULL && n > 0)
		return sys_ret_ssize(EFAULT, 0);
	PATHCALL(path, sys_readlink(kpath, buf, n, &done));
	return sys_ret_ssize(error, done);
}

int
rump_sys_chmod(const char *path, mode_t mode)
{
	int error;

	PATHCALL(path, sys_chmod(kpath, mode));
	return sys_ret(error, 0);
}

int
rump_sys_fchmod(int fd, mode_t mode)
{
	int error;

	KCALL(sys_fchmod(fd, mode));
	return sys_ret(error, 0);
}

int
rump_sys_chown(const char *path, uid_t uid, gid_t gid)
{
	int error;

	PATHCALL(path, sys_chown(kpath, uid, gid, true));
	return sys_ret(error, 0);
}

int
rump_sys_lchown(const char *path, uid_t uid, gid_t gid)
{
	int error;

	PATHCALL(path, sys_chown(kpath, uid, gid, false));
	return sys_ret(error, 0);
}

int
rump_sys_fchown(int fd, uid_t uid, gid_t gid)
{
	int error;

	KCALL(sys_fchown(fd, uid, gid));
	return sys_ret(error, 0);
}

int
rump_sys_utimensat(int dirfd, const char *path, const struct timespec ts[2], int flags)
{
	int error;

	/* path NULL is meaningful here (the dirfd itself). */
	if (path == NULL) {
		KCALL(sys_utimensat(dirfd, NULL, ts, flags));
		return sys_ret(error, 0);
	}
	PATHCALL(path, sys_utimensat(dirfd, kpath, ts, flags));
	return sys_ret(error, 0);
}

int
rump_sys_futimens(int fd, const struct timespec ts[2])
{
	int error;

	KCALL(sys_futimens(fd, ts));
	return sys_ret(error, 0);
}

int
rump_sys_access(const char *path, int mode)
{
	int error;

	PATHCALL(path, sys_access(kpath, mode));
	return sys_ret(error, 0);
}

ssize_t
rump_sys_getdents(int fd, void *buf, size_t n)
{
	ssize_t done = 0;
	int error;

	if (buf == NULL && n > 0)
		return sys_ret_ssize(EFAULT, 0);
	KCALL(sys_getdents(fd, buf, n, &done));
	return sys_ret_ssize(error, done);
}

int
rump_sys_chdir(const char *path)
{
	int error;

	PATHCALL(path, sys_chdir(kpath));
	return sys_ret(error, 0);
}

int
rump_sys_fchdir(int fd)
{
	int error;

	KCALL(sys_fchdir(fd));
	return sys_ret(error, 0);
}

int
rump_sys_mknod(const char *path, mode_t mode, dev_t dev)
{
	int error;

	PATHCALL(path, sys_mknod(kpath, mode, dev));
	return sys_ret(error, 0);
}

int
rump_sys_statvfs(const char *path, struct statvfs *sv)
{
	int error;

	if (sv == NULL)
		return sys_ret(EFAULT, 0);
	PATHCALL(path, sys_statvfs(kpath, sv));
	return sys_ret(error, 0);
}

int
rump_sys_fstatvfs(int fd, struct statvfs *sv)
{
	int error;

	if (sv == NULL)
		return sys_ret(EFAULT, 0);
	KCALL(sys_fstatvfs(fd, sv));
	return sys_ret(error, 0);
}

int
rump_sys_mount(const char *fstype, const char *path, int flags, void *data, size_t len)
{
	int error;

	PATHCALL2(fstype, path, sys_mount(kpath1, kpath2, flags, data, len));
	return sys_ret(error, 0);
}

int
rump_sys_unmount(const char *path, int flags)
{
	int error;

	PATHCALL(path, sys_unmount(kpath, flags));
	return sys_ret(error, 0);
}

void
rump_sys_sync(void)
{
	int error;

	KCALL(sys_sync());
	(void)error;		/* sync(2) reports nothing */
}

int
rump_sys_dup(int fd)
{
	int error, newfd = -1;

	KCALL(sys_dup(fd, &newfd));
	return sys_ret(error, newfd);
}

int
rump_sys_dup2(int fd, int newfd)
{
	int error, ret = -1;

	KCALL(sys_dup2(fd, newfd, &ret));
	return sys_ret(error, ret);
}

int
rump_sys_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int error, arg = 0, ret = -1;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
	case F_SETFD:
	case F_SETFL:
		va_start(ap, cmd);
		arg = va_arg(ap, int);
		va_end(ap);
		break;
	}
	KCALL(sys_fcntl(fd, cmd, arg, &ret));
	return sys_ret(error, ret);
}

mode_t
rump_sys_umask(mode_t mask)
{
	mode_t old;

	rump_schedule();
	old = sys_umask(mask);
	rump_unschedule();
	return old;
}

uid_t
rump_sys_getuid(void)
{
	uid_t uid;

	rump_schedule();
	uid = sys_getuid();
	rump_unschedule();
	return uid;
}

gid_t
rump_sys_getgid(void)
{
	gid_t gid;

	rump_schedule();
	gid = sys_getgid();
	rump_unschedule();
	return gid;
}
