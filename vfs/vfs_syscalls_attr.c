/* vfs_syscalls_attr.c: system calls that read or change attributes: stat, chmod, chown, utimensat, access, umask. */
#include "vfs_syscalls_priv.h"
#include "lwp.h"

#define NSEC_PER_SEC	1000000000L

static int sys_utimens_fd(int fd, const struct timespec ts[2], int flags);
static int sys_utimens_path(int dirfd, const char *path,
    const struct timespec ts[2], int flags);
static bool sys_nsec_valid(long nsec);
static int sys_vn_chown_none(struct vnode *vp);

int
sys_stat(const char *path, bool follow, struct stat *st)
{
	struct vnode *vp;
	int error;

	error = sys_lookup(NULL, path, follow, &vp);
	if (error != 0)
		return error;
	error = vn_stat(vp, st);
	vrele(vp);
	return error;
}

/* ---- mode and owner ---- */

int
sys_vn_chmod(struct vnode *vp, mode_t mode)
{
	struct vattr va;

	vattr_null(&va);
	va.va_mode = mode & 07777;
	return VOP_SETATTR(vp, &va, kauth_cred_get());
}

/*
 * chown(-1, -1) changes no id but, as on Linux, still drops set-user-id
 * (and set-group-id with group execute, or outside the group) from a
 * non-directory: a mode change, so only for the owner or root (EPERM).
 */
static int
sys_vn_chown_none(struct vnode *vp)
{
	kauth_cred_t cred = kauth_cred_get();
	struct vattr cur, va;
	mode_t mode;
	int error;

	if (vp->v_type == VDIR)
		return 0;
	error = VOP_GETATTR(vp, &cur, cred);
	if (error != 0)
		return error;
	mode = cur.va_mode & 07777;
	mode &= ~(mode_t)S_ISUID;
	if ((mode & S_ISGID) && ((mode & S_IXGRP) ||
	    (!kauth_cred_issuser(cred) && !kauth_cred_groupmember(cred, cur.va_gid))))
		mode &= ~(mode_t)S_ISGID;
	if (mode == (cur.va_mode & 07777))
		return 0;
	vattr_null(&va);
	va.va_mode = mode;
	return VOP_SETATTR(vp, &va, cred);
}

/* chown: (uid_t)-1 and (gid_t)-1 keep the id; the VFS drops set-id bits as Linux does. */
int
sys_vn_chown(struct vnode *vp, uid_t uid, gid_t gid)
{
	struct vattr va;

	if (uid == (uid_t)-1 && gid == (gid_t)-1)
		return sys_vn_chown_none(vp);
	vattr_null(&va);
	if (uid != (uid_t)-1)
		va.va_uid = uid;
	if (gid != (gid_t)-1)
		va.va_gid = gid;
	return VOP_SETATTR(vp, &va, kauth_cred_get());
}

int
sys_chmod(const char *path, mode_t mode)
{
	struct vnode *vp;
	int error;

	error = sys_lookup(NULL, path, true, &vp);
	if (error != 0)
		return error;
	error = sys_vn_chmod(vp, mode);
	vrele(vp);
	return error;
}

int
sys_fchmod(int fd, mode_t mode)
{
	struct file *fp;
	int error;

	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	error = sys_vn_chmod(fp->f_vp, mode);
	fd_putfile(fp);
	return error;
}

int
sys_chown(const char *path, uid_t uid, gid_t gid, bool follow)
{
	struct vnode *vp;
	int error;

	error = sys_lookup(NULL, path, follow, &vp);
	if (error != 0)
		return error;
	error = sys_vn_chown(vp, uid, gid);
	vrele(vp);
	return error;
}

int
sys_fchown(int fd, uid_t uid, gid_t gid)
{
	struct file *fp;
	int error;

	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	error = sys_vn_chown(fp->f_vp, uid, gid);
	fd_putfile(fp);
	return error;
}

/* ---- times ---- */

static bool
sys_nsec_valid(long nsec)
{
	return nsec == UTIME_NOW || nsec == UTIME_OMIT || (nsec >= 0 && nsec < NSEC_PER_SEC);
}

int
sys_utimens_check(const struct timespec ts[2], bool *nothingp)
{
	*nothingp = false;
	if (ts == NULL)
		return 0;
	if (!sys_nsec_valid(ts[0].tv_nsec) || !sys_nsec_valid(ts[1].tv_nsec))
		return EINVAL;
	*nothingp = ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT;
	return 0;
}

/*
 * Set atime/mtime (Linux's vfs_utimes: the times are checked only now,
 * after the file was found).  NULL or both UTIME_NOW carry
 * VA_UTIMES_NULL: then write access suffices; anything else needs the
 * owner.
 */
int
sys_vn_utimens(struct vnode *vp, const struct timespec ts[2])
{
	struct timespec now;
	struct vattr va;
	struct timespec *dst[2];
	bool nothing;
	int error, i;

	error = sys_utimens_check(ts, &nothing);
	if (error != 0 || nothing)
		return error;
	vattr_null(&va);
	vfs_timestamp(&now);
	dst[0] = &va.va_atime;
	dst[1] = &va.va_mtime;
	for (i = 0; i < 2; i++) {
		if (ts == NULL || ts[i].tv_nsec == UTIME_NOW) {
			*dst[i] = now;
		} else if (ts[i].tv_nsec != UTIME_OMIT) {
			*dst[i] = ts[i];
		}
	}
	/* Linux: only "both now" is a touch; any other mix counts as explicit. */
	if (ts == NULL || (ts[0].tv_nsec == UTIME_NOW && ts[1].tv_nsec == UTIME_NOW))
		va.va_vaflags |= VA_UTIMES_NULL;
	return VOP_SETATTR(vp, &va, kauth_cred_get());
}

/* A descriptor's file (Linux's do_utimes_fd). */
static int
sys_utimens_fd(int fd, const struct timespec ts[2], int flags)
{
	struct file *fp;
	int error;

	if (flags != 0)
		return EINVAL;
	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	error = sys_vn_utimens(fp->f_vp, ts);
	fd_putfile(fp);
	return error;
}

static int
sys_utimens_path(int dirfd, const char *path, const struct timespec ts[2], int flags)
{
	struct file *fp = NULL;
	struct vnode *vp, *atdir = NULL;
	int error;

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return EINVAL;
	if (path[0] == '\0')
		return ENOENT;
	if (path[0] != '/' && dirfd != AT_FDCWD) {
		error = fd_getfile(dirfd, &fp);
		if (error != 0)
			return error;
		atdir = fp->f_vp;
		if (atdir->v_type != VDIR) {
			error = ENOTDIR;
			goto out_put;
		}
	}
	error = sys_lookup(atdir, path, !(flags & AT_SYMLINK_NOFOLLOW), &vp);
	if (error != 0)
		goto out_put;
	error = sys_vn_utimens(vp, ts);
	vrele(vp);
out_put:
	if (fp != NULL)
		fd_putfile(fp);
	return error;
}

/*
 * Linux's utimensat, in its order: both UTIME_OMIT succeeds before
 * anything is looked at; path NULL means dirfd itself; then flags, the
 * lookup, and the times' validity.
 */
int
sys_utimensat(int dirfd, const char *path, const struct timespec ts[2], int flags)
{
	if (ts != NULL && ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
		return 0;
	if (path == NULL) {
		if (dirfd == AT_FDCWD)
			return EFAULT;
		return sys_utimens_fd(dirfd, ts, flags);
	}
	return sys_utimens_path(dirfd, path, ts, flags);
}

/* glibc's futimens: EBADF for a negative descriptor, else utimensat(fd, NULL, ts, 0). */
int
sys_futimens(int fd, const struct timespec ts[2])
{
	if (fd < 0)
		return EBADF;
	return sys_utimensat(fd, NULL, ts, 0);
}

/* ---- access, umask, ids ---- */

/* The effective ids are checked (the rump kernel keeps real == effective). */
int
sys_access(const char *path, int mode)
{
	struct vnode *vp;
	int error, acc = 0;

	if (mode & ~(R_OK | W_OK | X_OK))
		return EINVAL;
	error = sys_lookup(NULL, path, true, &vp);
	if (error != 0)
		return error;
	if (mode & R_OK)
		acc |= VREAD;
	if (mode & W_OK)
		acc |= VWRITE;
	if (mode & X_OK)
		acc |= VEXEC;
	if (acc != 0)
		error = VOP_ACCESS(vp, acc, kauth_cred_get());
	vrele(vp);
	return error;
}

mode_t
sys_umask(mode_t mask)
{
	return cwd_umask(mask);
}

uid_t
sys_getuid(void)
{
	return kauth_cred_getuid(kauth_cred_get());
}

gid_t
sys_getgid(void)
{
	return kauth_cred_getgid(kauth_cred_get());
}
