/* vfs_syscalls_priv.h: helpers shared by the system call files (not for other areas). */
#ifndef VFS_VFS_SYSCALLS_PRIV_H
#define VFS_VFS_SYSCALLS_PRIV_H

#include <fcntl.h>
#include <unistd.h>	/* SEEK_*, R_OK..., constants only */

#include "file.h"
#include "namei.h"
#include "vfs_syscalls.h"

/* Linux's cap on one read/write: INT_MAX rounded down to a page. */
#define SYS_MAX_RW	((size_t)0x7ffff000)

/* True when path ends in '/' after a name ("a/", "a//"; not "/"). */
bool	sys_path_trailing_slash(const char *path);
/* True when the last component of ndp is "." or "..". */
bool	sys_cn_is_dot(const struct componentname *cnp);
bool	sys_cn_is_dotdot(const struct componentname *cnp);

/* namei LOOKUP of path (relative to atdir, NULL: cwd); *vpp referenced. */
int	sys_lookup(struct vnode *atdir, const char *path, bool follow, struct vnode **vpp);

/*
 * namei for calls acting on the last component itself (create, remove,
 * rename): trailing slashes are cut first and reported in *slashp, so
 * the caller applies Linux's rules for them and a symlink named with a
 * trailing slash is not followed.  Results as namei's.
 */
int	sys_namei_last(struct nameidata *nd, struct vnode *atdir, const char *path,
	    int op, int flags, bool *slashp);

/*
 * Attributes for a new node of type and mode (already masked);
 * uid and gid are left VNOVAL for the VFS to choose (the caller's euid;
 * the directory's group when it is set-group-id, else the egid).
 */
void	sys_newattr(enum vtype type, mode_t mode, struct vattr *vap);

/* Attribute changes shared by the path and descriptor forms. */
int	sys_vn_chmod(struct vnode *vp, mode_t mode);
int	sys_vn_chown(struct vnode *vp, uid_t uid, gid_t gid);
/* ts NULL: both now.  Handles UTIME_NOW / UTIME_OMIT; EINVAL for bad nsec. */
int	sys_vn_utimens(struct vnode *vp, const struct timespec ts[2]);
int	sys_utimens_check(const struct timespec ts[2], bool *nothingp);

#endif /* VFS_VFS_SYSCALLS_PRIV_H */
