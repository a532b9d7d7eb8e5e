/* vfs_syscalls.h: the system calls in kernel convention, for callers inside the kernel. */
#ifndef VFS_VFS_SYSCALLS_H
#define VFS_VFS_SYSCALLS_H

#include <sys/stat.h>
#include <sys/statvfs.h>
#include "vnode.h"
#include "uio.h"

/*
 * Each returns 0 or a positive errno and works as the current lwp.
 * rump_sys_* (the public calls) are these wrapped in rump_schedule(),
 * errno translation and rump_unschedule().  etfs uses sys_mknod to make
 * its device nodes; ukfs and p2k use VOPs or these.
 */
int	sys_open(const char *path, int flags, mode_t mode, int *fdp);
int	sys_openat(int dirfd, const char *path, int flags, mode_t mode, int *fdp);
int	sys_close(int fd);
int	sys_mkdir(const char *path, mode_t mode);
int	sys_mknod(const char *path, mode_t mode, dev_t dev);
int	sys_unlink(const char *path);
int	sys_stat(const char *path, bool follow, struct stat *st);
/* struct stat from a vnode (getattr). */
int	vn_stat(struct vnode *vp, struct stat *st);

/*
 * Additions (vfs-syscalls area).  The remaining calls of rump_syscalls.h
 * in kernel convention; results through out-parameters, Linux errno
 * choices.  Paths are kernel strings.
 */
int	sys_read(int fd, void *buf, size_t n, ssize_t *donep);
int	sys_write(int fd, const void *buf, size_t n, ssize_t *donep);
int	sys_pread(int fd, void *buf, size_t n, off_t off, ssize_t *donep);
int	sys_pwrite(int fd, const void *buf, size_t n, off_t off, ssize_t *donep);
int	sys_lseek(int fd, off_t off, int whence, off_t *newoffp);
int	sys_fsync(int fd);
int	sys_ftruncate(int fd, off_t len);
int	sys_fallocate(int fd, int mode, off_t off, off_t len);
int	sys_truncate(const char *path, off_t len);
int	sys_fstat(int fd, struct stat *st);
int	sys_rmdir(const char *path);
int	sys_rename(const char *from, const char *to);
int	sys_link(const char *from, const char *to);
int	sys_symlink(const char *target, const char *path);
int	sys_readlink(const char *path, char *buf, size_t n, ssize_t *donep);
int	sys_chmod(const char *path, mode_t mode);
int	sys_fchmod(int fd, mode_t mode);
/* follow: chown (true) or lchown (false); (uid_t)-1 / (gid_t)-1 leave it unchanged. */
int	sys_chown(const char *path, uid_t uid, gid_t gid, bool follow);
int	sys_fchown(int fd, uid_t uid, gid_t gid);
/* path NULL: dirfd itself (as Linux's utimensat). */
int	sys_utimensat(int dirfd, const char *path, const struct timespec ts[2], int flags);
int	sys_futimens(int fd, const struct timespec ts[2]);
int	sys_access(const char *path, int mode);
int	sys_getdents(int fd, void *buf, size_t n, ssize_t *donep);
int	sys_chdir(const char *path);
int	sys_fchdir(int fd);
int	sys_statvfs(const char *path, struct statvfs *sv);
int	sys_fstatvfs(int fd, struct statvfs *sv);
int	sys_mount(const char *fstype, const char *path, int flags, void *data, size_t len);
int	sys_unmount(const char *path, int flags);
int	sys_sync(void);
int	sys_dup(int fd, int *newfdp);
int	sys_dup2(int fd, int newfd, int *retp);
/* arg: the int argument of the commands that take one. */
int	sys_fcntl(int fd, int cmd, int arg, int *retp);
mode_t	sys_umask(mode_t mask);
uid_t	sys_getuid(void);
gid_t	sys_getgid(void);

/*
 * vn_open: open path (relative to atdir, NULL: the cwd) as open(2) with
 * oflags (O_*) and, for a new file, mode cmode & ~umask.  On 0, *vpp is
 * referenced and VOP_OPENed with *fflagp (FREAD|FWRITE plus O_APPEND,
 * O_NONBLOCK...); undo with vn_close.
 */
int	vn_open(struct vnode *atdir, const char *path, int oflags, mode_t cmode,
	    struct vnode **vpp, int *fflagp);
/* VOP_CLOSE and vrele. */
int	vn_close(struct vnode *vp, int fflag, kauth_cred_t cred);
/*
 * Kernel I/O on a vnode: read or write len bytes at off from/to base.
 * *residp (may be NULL: then a short transfer is EIO) gets what was not moved.
 */
int	vn_rdwr(enum uio_rw rw, struct vnode *vp, void *base, size_t len,
	    off_t off, int ioflag, kauth_cred_t cred, size_t *residp);

#endif /* VFS_VFS_SYSCALLS_H */
