/* rump_syscalls.h: system calls into the rump kernel, with libc's conventions and Linux's types. */
#ifndef RUMP_RUMP_SYSCALLS_H
#define RUMP_RUMP_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every call enters the kernel as the calling thread's lwp, returns -1
 * and sets errno on failure (like libc), and otherwise returns what the
 * POSIX call of the same name returns.  Flags and modes are Linux's
 * (O_*, AT_*, S_I*).  Paths are resolved in the rump kernel's namespace,
 * never the host's.
 */
int	rump_sys_open(const char *path, int flags, ...);
/* openat(2): a relative path starts at directory dirfd (or the working directory for AT_FDCWD). */
int	rump_sys_openat(int dirfd, const char *path, int flags, ...);
int	rump_sys_close(int fd);
ssize_t	rump_sys_read(int fd, void *buf, size_t n);
ssize_t	rump_sys_write(int fd, const void *buf, size_t n);
ssize_t	rump_sys_pread(int fd, void *buf, size_t n, off_t off);
ssize_t	rump_sys_pwrite(int fd, const void *buf, size_t n, off_t off);
off_t	rump_sys_lseek(int fd, off_t off, int whence);
int	rump_sys_fsync(int fd);
int	rump_sys_ftruncate(int fd, off_t len);
/*
 * fallocate(2) as Linux: mode 0 (allocate, grow the size),
 * FALLOC_FL_KEEP_SIZE (1), FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE (3);
 * other modes EOPNOTSUPP, as are KEEP_SIZE blocks past the end of file
 * on ext2 and FFS, whose checkers call them damage.
 */
int	rump_sys_fallocate(int fd, int mode, off_t off, off_t len);
int	rump_sys_truncate(const char *path, off_t len);
int	rump_sys_stat(const char *path, struct stat *st);
int	rump_sys_lstat(const char *path, struct stat *st);
int	rump_sys_fstat(int fd, struct stat *st);
int	rump_sys_mkdir(const char *path, mode_t mode);
int	rump_sys_rmdir(const char *path);
int	rump_sys_unlink(const char *path);
int	rump_sys_rename(const char *from, const char *to);
int	rump_sys_link(const char *from, const char *to);
int	rump_sys_symlink(const char *target, const char *path);
ssize_t	rump_sys_readlink(const char *path, char *buf, size_t n);
int	rump_sys_chmod(const char *path, mode_t mode);
int	rump_sys_fchmod(int fd, mode_t mode);
int	rump_sys_chown(const char *path, uid_t uid, gid_t gid);
int	rump_sys_lchown(const char *path, uid_t uid, gid_t gid);
int	rump_sys_fchown(int fd, uid_t uid, gid_t gid);
/* dirfd must be AT_FDCWD or an open directory; flags: AT_SYMLINK_NOFOLLOW. */
int	rump_sys_utimensat(int dirfd, const char *path, const struct timespec ts[2], int flags);
int	rump_sys_futimens(int fd, const struct timespec ts[2]);
int	rump_sys_access(const char *path, int mode);
/* Fills buf with Linux struct dirent64 records (d_ino, d_off, d_reclen, d_type, d_name). */
ssize_t	rump_sys_getdents(int fd, void *buf, size_t n);
int	rump_sys_chdir(const char *path);
int	rump_sys_fchdir(int fd);
int	rump_sys_mknod(const char *path, mode_t mode, dev_t dev);
int	rump_sys_statvfs(const char *path, struct statvfs *sv);
int	rump_sys_fstatvfs(int fd, struct statvfs *sv);
/*
 * Mount file system type fstype (e.g. "rumpfs", "ext2fs", "ffs") on path.
 * flags: RUMP_MNT_* below; data/len: the file system's argument struct.
 */
int	rump_sys_mount(const char *fstype, const char *path, int flags, void *data, size_t len);
int	rump_sys_unmount(const char *path, int flags);
void	rump_sys_sync(void);
int	rump_sys_dup(int fd);
int	rump_sys_dup2(int fd, int newfd);
/* F_GETFL, F_SETFL (O_APPEND, O_NONBLOCK), F_GETFD, F_SETFD (FD_CLOEXEC), F_DUPFD. */
int	rump_sys_fcntl(int fd, int cmd, ...);
mode_t	rump_sys_umask(mode_t mask);
uid_t	rump_sys_getuid(void);
gid_t	rump_sys_getgid(void);

/* Mount flags (NetBSD's names and meaning). */
#define RUMP_MNT_RDONLY		0x00000001	/* read only */
#define RUMP_MNT_SYNCHRONOUS	0x00000002	/* all writes synchronous */
#define RUMP_MNT_NOEXEC		0x00000004
#define RUMP_MNT_NOSUID		0x00000008
#define RUMP_MNT_NODEV		0x00000010
#define RUMP_MNT_NOATIME	0x04000000	/* do not update access times */
#define RUMP_MNT_FORCE		0x00080000	/* unmount: even when busy; mount: even when not clean */
#define RUMP_MNT_UPDATE		0x00010000	/* change flags of an existing mount */
/*
 * rump's own (mount(8)'s errors=): what the file system does when it
 * finds corruption while mounted.  None of them: the file system's
 * default (ext2: the superblock's s_errors; FFS: continue).
 */
#define RUMP_MNT_ERRORS_CONTINUE	0x00000100	/* report it, go on */
#define RUMP_MNT_ERRORS_REMOUNTRO	0x00000200	/* modifying requests get EROFS from then on */
#define RUMP_MNT_ERRORS_PANIC		0x00000300	/* stop the process at once, writing nothing */
#define RUMP_MNT_ERRORS_MASK		0x00000300

#ifdef __cplusplus
}
#endif
#endif /* RUMP_RUMP_SYSCALLS_H */
