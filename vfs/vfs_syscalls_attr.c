/* vfs_syscalls_attr.c: system calls that read or change attributes: stat, chmod, chown, utimensat, access, umask. */
#include "vfs_syscalls_priv.h"
#include "lwp.h"

#define NSEC_PER_SEC	1000000000L

static int sys_utimens_path(int dirfd, const char *path,
    const struct timespec ts[2], int flags);
static bool sys_nsec_valid(long nsec);

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

/* chown: (uid_t)-1 and (gid_t)-1 keep the id; the VFS drops set-id bits as Linux does. */
int
sys_vn_chown(struct vnode *vp, uid_t uid, gid_t gid)
{
	struct vattr va;

	if (uid == (uid_t)-1 && gid == (gid_t)-1)
		return 0;
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
 * Set atime/mtime.  Times that are only "now" carry VA_UTIMES_NULL:
 * then write access suffices; an explicit time needs the owner.
 */
int
sys_vn_utimens(struct vnode *vp, const struct timespec ts[2])
{
	struct timespec now;
	struct vattr va;
	struct timespec *dst[2];
	bool explicit = false;
	int i;

	vattr_null(&va);
	vfs_timestamp(&now);
	dst[0] = &va.va_atime;
	dst[1] = &va.va_mtime;
	for (i = 0; i < 2; i++) {
		if (ts == NULL || ts[i].tv_nsec == UTIME_NOW) {
			*dst[i] = now;
		} else if (ts[i].tv_nsec != UTIME_OMIT) {
			*dst[i] = ts[i];
			explicit = true;
		}
	}
	if (!explicit)
		va.va_vaflags |= VA_UTIMES_NULL;
	return VOP_SETATTR(vp, &va, kauth_cred_get());
}

static int
sys_utimens_path(int dirfd, const char *path, const struct timespec ts[2], int flags)
{
	struct file *fp = NULL;
	struct vnode *vp, *atdir = NULL;
	int error;

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

/* Linux's utimensat: path NULL means dirfd itself; both UTIME_OMIT succeeds at once. */
int
sys_utimensat(int dirfd, const char *path, const struct timespec ts[2], int flags)
{
	bool nothing;
	int error;

	if (ts != NULL && ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
		return 0;
	error = sys_utimens_check(ts, &nothing);
	if (error != 0)
		return error;
	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return EINVAL;
	if (path == NULL) {
		if (dirfd == AT_FDCWD)
			return EFAULT;
		if (flags != 0)
			return EINVAL;
		return sys_futimens(dirfd, ts);
	}
	return sys_utimens_path(dirfd, path, ts, flags);
}

int
sys_futimens(int fd, const struct timespec ts[2])
{
	struct file *fp;
	bool nothing;
	int error;

	error = sys_utimens_check(ts, &nothing);
	if (error != 0)
		return error;
	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	if (!nothing)
		error = sys_vn_utimens(fp->f_vp, ts);
	fd_putfile(fp);
	return error;
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
