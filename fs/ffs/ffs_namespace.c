/* ffs_namespace.c: making and removing names: create, mknod, mkdir, symlink, link, remove, rmdir. */
#include "ffs.h"
#include "namei.h"

static int	make_node(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
		    const struct vattr *vap, const char *target);

/* The target of a symlink: in the inode when short enough, else in data blocks. */
static int
write_target(struct ffs_inode *ip, const char *target, kauth_cred_t cred)
{
	size_t len = strlen(target);
	struct iovec iov;
	struct uio uio;

	if (len < (size_t)ip->i_fm->fm_maxsymlinklen) {
		memcpy(ip->i_shortlink, target, len);
		ip->i_size = len;
		return 0;
	}
	uio_setup(&uio, &iov, (void *)target, len, 0, UIO_WRITE);
	return ffs_write_inode(ip, &uio, 0, cred);
}

static int
name_free(struct ffs_inode *dp, const struct componentname *cnp)
{
	uint32_t ino;
	int error = ffs_dir_find(dp, cnp->cn_nameptr, cnp->cn_namelen, &ino);

	if (error == 0)
		return EEXIST;
	return error == ENOENT ? 0 : error;
}

void
ffs_nlink_undone(struct ffs_inode *ip, int undo)
{
	if (undo != 0)
		ffs_corrupt(ip->i_fm, "ffs: inode %ju: link count not restored (error %d)\n",
		    (uintmax_t)ip->i_number, undo);
}

/* Undo a new directory's count in its parent dp. */
static void
unlink_parent(struct ffs_inode *dp)
{
	dp->i_nlink--;
	ffs_nlink_undone(dp, ffs_update(dp, false));
}

static int
make_node(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap, const char *target)
{
	struct ffs_inode *dp = VTOI(dvp), *ip;
	bool isdir = vap->va_type == VDIR;
	struct vnode *vp;
	int error;

	if (dp->i_nlink == 0)
		return ENOENT;
	if ((error = name_free(dp, cnp)) != 0)
		return error;
	if (isdir && dp->i_nlink >= FFS_LINK_MAX)
		return EMLINK;
	if ((error = vcache_new(dvp->v_mount, dvp, vap, cnp->cn_cred, &vp)) != 0)
		return error;
	ip = VTOI(vp);
	ip->i_nlink = isdir ? 2 : 1;
	/*
	 * The parent counts the new ".." before it reaches the disk: a link
	 * count above the names fsck -p lowers, one below it will not raise.
	 */
	if (isdir) {
		dp->i_nlink++;
		if ((error = ffs_update(dp, false)) == 0)
			error = ffs_dir_init(ip, dp->i_number, cnp->cn_cred);
	} else if (target != NULL) {
		error = write_target(ip, target, cnp->cn_cred);
	}
	if (error == 0)
		error = ffs_update(ip, false);
	if (error == 0)
		error = ffs_dir_enter(dp, cnp->cn_nameptr, cnp->cn_namelen, ip->i_number,
		    ip->i_mode, cnp->cn_cred);
	if (error) {
		ip->i_nlink = 0;	/* inactive frees it */
		vrele(vp);
		if (isdir)
			unlink_parent(dp);
		return error;
	}
	if ((error = ffs_update(dp, false)) != 0) {
		vrele(vp);
		return error;
	}
	*vpp = vp;
	return 0;
}

int
ffs_create(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	return make_node(dvp, vpp, cnp, vap, NULL);
}

int
ffs_mknod(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	return make_node(dvp, vpp, cnp, vap, NULL);
}

int
ffs_mkdir(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	return make_node(dvp, vpp, cnp, vap, NULL);
}

int
ffs_symlink(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap, const char *target)
{
	return make_node(dvp, vpp, cnp, vap, target);
}

int
ffs_remove(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	struct ffs_inode *dp = VTOI(dvp), *ip = VTOI(vp);
	int error;

	if (vp->v_type == VDIR)
		return EPERM;
	if ((error = ffs_dir_remove(dp, cnp->cn_nameptr, cnp->cn_namelen)) != 0)
		return error;
	ip->i_nlink--;
	ffs_inode_touch(ip, false, true);
	if ((error = ffs_update(ip, false)) != 0)
		return error;
	return ffs_update(dp, false);
}

int
ffs_link(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	struct ffs_inode *dp = VTOI(dvp), *ip = VTOI(vp);
	int error;

	if (vp->v_type == VDIR)
		return EPERM;
	if (dp->i_nlink == 0)
		return ENOENT;
	if (ip->i_nlink >= FFS_LINK_MAX)
		return EMLINK;
	if ((error = name_free(dp, cnp)) != 0)
		return error;
	ip->i_nlink++;
	ffs_inode_touch(ip, false, true);
	if ((error = ffs_update(ip, false)) != 0)
		goto out_undo;
	error = ffs_dir_enter(dp, cnp->cn_nameptr, cnp->cn_namelen, ip->i_number, ip->i_mode,
	    cnp->cn_cred);
	if (error)
		goto out_undo;
	return ffs_update(dp, false);
out_undo:
	ip->i_nlink--;
	ffs_nlink_undone(ip, ffs_update(ip, false));
	return error;
}

int
ffs_rmdir(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	struct ffs_inode *dp = VTOI(dvp), *ip = VTOI(vp);
	bool empty;
	int error;

	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (dvp == vp)
		return EINVAL;
	if ((error = ffs_dir_isempty(ip, &empty)) != 0)
		return error;
	if (!empty)
		return ENOTEMPTY;
	if ((error = ffs_dir_remove(dp, cnp->cn_nameptr, cnp->cn_namelen)) != 0)
		return error;
	dp->i_nlink--;
	ip->i_nlink = 0;
	ffs_inode_touch(ip, false, true);
	if ((error = ffs_update(ip, false)) != 0)
		return error;
	return ffs_update(dp, false);
}
