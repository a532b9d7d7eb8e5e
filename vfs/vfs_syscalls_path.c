/* vfs_syscalls_path.c: system calls that make, remove and rename names: mkdir, mknod, unlink, rmdir, rename, link, symlink... */
#include "vfs_syscalls_priv.h"
#include "kmem.h"
#include "lwp.h"
#include "mount.h"

static int sys_create_lookup(struct nameidata *nd, const char *path, bool isdir);
static int sys_mknod_type(mode_t mode, enum vtype *typep);
static int sys_rename_lookup(struct nameidata *nd, const char *path, bool *slashp);
static int sys_rename_check(struct nameidata *fnd, bool fslash,
    struct nameidata *tnd, bool tslash);
static bool sys_nd_is_dots(const struct nameidata *nd);
static int sys_chdir_vnode(struct vnode *vp);

/*
 * The parent of a name to create, with Linux's answers for what is
 * there: EEXIST when it exists ("." and ".." too), ENOENT for a missing
 * name written with a trailing slash unless a directory is made.  On 0,
 * nd holds the referenced parent ni_dvp; the caller calls namei_done.
 */
static int
sys_create_lookup(struct nameidata *nd, const char *path, bool isdir)
{
	bool slash;
	int error;

	error = sys_namei_last(nd, NULL, path, CREATE, NOFOLLOW, &slash);
	if (error != 0)
		return error;
	if (nd->ni_vp != NULL)
		error = EEXIST;
	else if (slash && !isdir)
		error = ENOENT;
	if (error != 0)
		namei_done(nd);
	return error;
}

int
sys_mkdir(const char *path, mode_t mode)
{
	struct nameidata nd;
	struct vnode *vp;
	struct vattr va;
	int error;

	error = sys_create_lookup(&nd, path, true);
	if (error != 0)
		return error;
	mode = mode & ~cwd_getumask() & (S_IRWXU | S_IRWXG | S_IRWXO | S_ISVTX);
	sys_newattr(VDIR, mode, &va);
	error = VOP_MKDIR(nd.ni_dvp, &vp, &nd.ni_cnd, &va);
	if (error == 0)
		vrele(vp);
	namei_done(&nd);
	return error;
}

/* Linux's may_mknod: the file types mknod makes; 0 means a regular file. */
static int
sys_mknod_type(mode_t mode, enum vtype *typep)
{
	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG:
		*typep = VREG;
		return 0;
	case S_IFCHR:
		*typep = VCHR;
		return 0;
	case S_IFBLK:
		*typep = VBLK;
		return 0;
	case S_IFIFO:
		*typep = VFIFO;
		return 0;
	case S_IFSOCK:
		*typep = VSOCK;
		return 0;
	case S_IFDIR:
		return EPERM;
	default:
		return EINVAL;
	}
}

int
sys_mknod(const char *path, mode_t mode, dev_t dev)
{
	kauth_cred_t cred = kauth_cred_get();
	struct nameidata nd;
	struct vnode *vp;
	struct vattr va;
	enum vtype type;
	int error;

	error = sys_mknod_type(mode, &type);
	if (error != 0)
		return error;
	error = sys_create_lookup(&nd, path, false);
	if (error != 0)
		return error;
	/* Linux: write permission on the directory is checked before the device privilege. */
	if ((type == VCHR || type == VBLK) && !kauth_cred_issuser(cred)) {
		error = VOP_ACCESS(nd.ni_dvp, VWRITE | VEXEC, cred);
		if (error == 0)
			error = EPERM;
		goto out_done;
	}
	sys_newattr(type, mode & ~cwd_getumask() & 07777, &va);
	if (type == VCHR || type == VBLK)
		va.va_rdev = dev;
	if (type == VREG)
		error = VOP_CREATE(nd.ni_dvp, &vp, &nd.ni_cnd, &va);
	else
		error = VOP_MKNOD(nd.ni_dvp, &vp, &nd.ni_cnd, &va);
	if (error == 0)
		vrele(vp);
out_done:
	namei_done(&nd);
	return error;
}

int
sys_symlink(const char *target, const char *path)
{
	struct nameidata nd;
	struct vnode *vp;
	struct vattr va;
	int error;

	if (target[0] == '\0')
		return ENOENT;
	if (strnlen(target, PATH_MAX) >= PATH_MAX)
		return ENAMETOOLONG;
	error = sys_create_lookup(&nd, path, false);
	if (error != 0)
		return error;
	sys_newattr(VLNK, 0777, &va);
	error = VOP_SYMLINK(nd.ni_dvp, &vp, &nd.ni_cnd, &va, target);
	if (error == 0)
		vrele(vp);
	namei_done(&nd);
	return error;
}

/* link: the source's final symlink is not followed (Linux's link(2)). */
int
sys_link(const char *from, const char *to)
{
	struct nameidata nd;
	struct vnode *vp;
	int error;

	error = sys_lookup(NULL, from, false, &vp);
	if (error != 0)
		return error;
	error = sys_create_lookup(&nd, to, false);
	if (error != 0)
		goto out_vrele;
	/* The VFS applies protected hard links, directory access, and EPERM for directories. */
	if (vp->v_mount != nd.ni_dvp->v_mount)
		error = EXDEV;
	else
		error = VOP_LINK(nd.ni_dvp, vp, &nd.ni_cnd);
	namei_done(&nd);
out_vrele:
	vrele(vp);
	return error;
}

/* True when nd's last component is "." or "..", or the path is "/". */
static bool
sys_nd_is_dots(const struct nameidata *nd)
{
	return nd->ni_dvp == NULL || sys_cn_is_dot(&nd->ni_cnd) ||
	    sys_cn_is_dotdot(&nd->ni_cnd);
}

int
sys_unlink(const char *path)
{
	struct nameidata nd;
	bool slash;
	int error;

	error = sys_namei_last(&nd, NULL, path, DELETE, WANTPARENT | NOFOLLOW, &slash);
	if (error != 0)
		return error;
	/* The VFS refuses a directory (EISDIR) after the permission checks. */
	if (sys_nd_is_dots(&nd))
		error = EISDIR;
	else if (slash)
		error = nd.ni_vp->v_type == VDIR ? EISDIR : ENOTDIR;
	else
		error = VOP_REMOVE(nd.ni_dvp, nd.ni_vp, &nd.ni_cnd);
	namei_done(&nd);
	return error;
}

int
sys_rmdir(const char *path)
{
	struct nameidata nd;
	struct vnode *vp;
	bool slash;
	int error;

	error = sys_namei_last(&nd, NULL, path, DELETE, WANTPARENT | NOFOLLOW, &slash);
	if (error != 0)
		return error;
	vp = nd.ni_vp;
	if (nd.ni_dvp == NULL)
		error = EBUSY;			/* "/" */
	else if (sys_cn_is_dot(&nd.ni_cnd))
		error = EINVAL;
	else if (sys_cn_is_dotdot(&nd.ni_cnd))
		error = ENOTEMPTY;
	else
		/* The VFS checks permission, then ENOTDIR and mount points (EBUSY). */
		error = VOP_RMDIR(nd.ni_dvp, vp, &nd.ni_cnd);
	namei_done(&nd);
	return error;
}

/* ---- rename ---- */

/* Parent of a rename side; the name itself may be absent (ni_vp NULL). */
static int
sys_rename_lookup(struct nameidata *nd, const char *path, bool *slashp)
{
	return sys_namei_last(nd, NULL, path, RENAME, WANTPARENT | NOFOLLOW, slashp);
}

/* Linux's checks before vfs_rename, in its order. */
static int
sys_rename_check(struct nameidata *fnd, bool fslash, struct nameidata *tnd, bool tslash)
{
	struct vnode *fvp = fnd->ni_vp, *tvp = tnd->ni_vp;

	if (fnd->ni_dvp != NULL && tnd->ni_dvp != NULL &&
	    fnd->ni_dvp->v_mount != tnd->ni_dvp->v_mount)
		return EXDEV;
	if (sys_nd_is_dots(fnd) || sys_nd_is_dots(tnd))
		return EBUSY;
	if (fvp == NULL)
		return ENOENT;
	if (fvp->v_type != VDIR && (fslash || tslash))
		return ENOTDIR;
	/* A mount point (a file system root under its covered name) cannot move. */
	if ((fvp->v_vflag & VV_ROOT) || (tvp != NULL && (tvp->v_vflag & VV_ROOT)))
		return EBUSY;
	return 0;
}

int
sys_rename(const char *from, const char *to)
{
	struct nameidata *fnd, *tnd;
	bool fslash, tslash;
	int error;

	fnd = kmem_alloc(sizeof(*fnd), KM_SLEEP);
	tnd = kmem_alloc(sizeof(*tnd), KM_SLEEP);
	if (fnd == NULL || tnd == NULL) {
		error = ENOMEM;
		goto out_free;
	}
	error = sys_rename_lookup(fnd, from, &fslash);
	if (error != 0)
		goto out_free;
	error = sys_rename_lookup(tnd, to, &tslash);
	if (error != 0)
		goto out_fdone;
	error = sys_rename_check(fnd, fslash, tnd, tslash);
	/* Two names of one file: POSIX says do nothing and succeed. */
	if (error == 0 && fnd->ni_vp != tnd->ni_vp)
		error = VOP_RENAME(fnd->ni_dvp, fnd->ni_vp, &fnd->ni_cnd,
		    tnd->ni_dvp, tnd->ni_vp, &tnd->ni_cnd);
	namei_done(tnd);
out_fdone:
	namei_done(fnd);
out_free:
	if (tnd != NULL)
		kmem_free(tnd, sizeof(*tnd));
	if (fnd != NULL)
		kmem_free(fnd, sizeof(*fnd));
	return error;
}

/* ---- symlinks, size, working directory ---- */

int
sys_readlink(const char *path, char *buf, size_t n, ssize_t *donep)
{
	struct vnode *vp;
	struct iovec iov;
	struct uio uio;
	int error;

	/* Linux takes the size as an int: 0 and "negative" sizes are EINVAL. */
	if (n == 0 || n > INT_MAX)
		return EINVAL;
	error = sys_lookup(NULL, path, false, &vp);
	if (error != 0)
		return error;
	if (vp->v_type != VLNK) {
		error = EINVAL;
		goto out_vrele;
	}
	uio_setup(&uio, &iov, buf, n, 0, UIO_READ);
	error = VOP_READLINK(vp, &uio, kauth_cred_get());
	if (error == 0)
		*donep = (ssize_t)(n - uio.uio_resid);
out_vrele:
	vrele(vp);
	return error;
}

int
sys_truncate(const char *path, off_t len)
{
	kauth_cred_t cred = kauth_cred_get();
	struct vnode *vp;
	struct vattr va;
	int error;

	if (len < 0)
		return EINVAL;
	error = sys_lookup(NULL, path, true, &vp);
	if (error != 0)
		return error;
	if (vp->v_type == VDIR)
		error = EISDIR;
	else if (vp->v_type != VREG)
		error = EINVAL;
	else
		error = VOP_ACCESS(vp, VWRITE, cred);
	if (error == 0) {
		vattr_null(&va);
		va.va_size = len;
		error = VOP_SETATTR(vp, &va, cred);
	}
	vrele(vp);
	return error;
}

static int
sys_chdir_vnode(struct vnode *vp)
{
	int error;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	error = VOP_ACCESS(vp, VEXEC, kauth_cred_get());
	if (error == 0)
		cwd_set(vp);
	return error;
}

int
sys_chdir(const char *path)
{
	struct vnode *vp;
	int error;

	error = sys_lookup(NULL, path, true, &vp);
	if (error != 0)
		return error;
	error = sys_chdir_vnode(vp);
	vrele(vp);
	return error;
}

int
sys_fchdir(int fd)
{
	struct file *fp;
	int error;

	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	error = sys_chdir_vnode(fp->f_vp);
	fd_putfile(fp);
	return error;
}
