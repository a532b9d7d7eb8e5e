/* vfs_syscalls.h: the system calls in kernel convention, for callers inside the kernel. */
#ifndef VFS_VFS_SYSCALLS_H
#define VFS_VFS_SYSCALLS_H

#include <sys/stat.h>
#include <sys/statvfs.h>
#include "vnode.h"

/*
 * Each returns 0 or a positive errno and works as the current lwp.
 * rump_sys_* (the public calls) are these wrapped in rump_schedule(),
 * errno translation and rump_unschedule().  etfs uses sys_mknod to make
 * its device nodes; ukfs and p2k use VOPs or these.
 */
int	sys_open(const char *path, int flags, mode_t mode, int *fdp);
int	sys_close(int fd);
int	sys_mkdir(const char *path, mode_t mode);
int	sys_mknod(const char *path, mode_t mode, dev_t dev);
int	sys_unlink(const char *path);
int	sys_stat(const char *path, bool follow, struct stat *st);
/* struct stat from a vnode (getattr). */
int	vn_stat(struct vnode *vp, struct stat *st);

#endif /* VFS_VFS_SYSCALLS_H */
