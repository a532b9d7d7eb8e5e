/* vfs_syscalls_mount.c: system calls on whole file systems: mount, unmount, sync, statvfs. */
#include "vfs_syscalls_priv.h"
#include "lwp.h"
#include "mount.h"

/*
 * mount: Linux's order of complaints: the path's lookup, then the
 * privilege (EPERM), the type (ENODEV), and a non-directory (ENOTDIR).
 */
int
sys_mount(const char *fstype, const char *path, int flags, void *data, size_t len)
{
	struct vnode *vp;
	int error;

	error = sys_lookup(NULL, path, true, &vp);
	if (error != 0)
		return error;
	if (!kauth_cred_issuser(kauth_cred_get()))
		error = EPERM;
	else if (fstype == NULL || vfs_getopsbyname(fstype) == NULL)
		error = ENODEV;
	else if (vp->v_type != VDIR)
		error = ENOTDIR;
	else
		error = vfs_mount_at(vp, fstype, path, flags, data, len);
	vrele(vp);
	return error;
}

int
sys_unmount(const char *path, int flags)
{
	struct mount *mp;
	struct vnode *vp;
	int error;

	if (flags & ~RUMP_MNT_FORCE)
		return EINVAL;
	error = sys_lookup(NULL, path, true, &vp);
	if (error != 0)
		return error;
	if (!kauth_cred_issuser(kauth_cred_get()))
		error = EPERM;
	else if (!(vp->v_vflag & VV_ROOT))
		error = EINVAL;		/* not a mount point */
	mp = vp->v_mount;
	/* Our own reference would make the mount look busy. */
	vrele(vp);
	if (error != 0)
		return error;
	return vfs_unmount(mp, flags);
}

int
sys_sync(void)
{
	return vfs_sync_all(MNT_WAIT);
}

int
sys_statvfs(const char *path, struct statvfs *sv)
{
	struct vnode *vp;
	int error;

	error = sys_lookup(NULL, path, true, &vp);
	if (error != 0)
		return error;
	error = vfs_statvfs(vp->v_mount, sv);
	vrele(vp);
	return error;
}

int
sys_fstatvfs(int fd, struct statvfs *sv)
{
	struct file *fp;
	int error;

	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	if (fp->f_vp->v_mount == NULL)
		error = EIO;		/* its file system was unmounted by force */
	else
		error = vfs_statvfs(fp->f_vp->v_mount, sv);
	fd_putfile(fp);
	return error;
}
