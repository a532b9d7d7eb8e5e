/* ffs_vnops.c: ffs vnode operations (attributes, symlinks, read, life cycle) and the ops table. */
#include "ffs.h"
#include "dirindex.h"
#include "genfs.h"

static int	ffs_getattr(struct vnode *vp, struct vattr *vap, kauth_cred_t cred);
static int	ffs_setattr(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred);
static int	ffs_fsync(struct vnode *vp, kauth_cred_t cred, int flags);
static int	ffs_readlink(struct vnode *vp, struct uio *uio, kauth_cred_t cred);
static int	ffs_inactive(struct vnode *vp, bool *recyclep);
static int	ffs_reclaim(struct vnode *vp, int flags);

enum vtype
ffs_mode_to_vtype(uint16_t mode)
{
	switch (mode & FFS_IFMT) {
	case FFS_IFREG:		return VREG;
	case FFS_IFDIR:		return VDIR;
	case FFS_IFLNK:		return VLNK;
	case FFS_IFCHR:		return VCHR;
	case FFS_IFBLK:		return VBLK;
	case FFS_IFIFO:		return VFIFO;
	case FFS_IFSOCK:	return VSOCK;
	default:		return VNON;
	}
}

static int
ffs_getattr(struct vnode *vp, struct vattr *vap, kauth_cred_t cred)
{
	struct ffs_inode *ip = VTOI(vp);

	(void)cred;
	vattr_null(vap);
	vap->va_type = vp->v_type;
	vap->va_mode = ip->i_mode & 07777;
	vap->va_nlink = (nlink_t)ip->i_nlink;
	vap->va_uid = ip->i_uid;
	vap->va_gid = ip->i_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = ip->i_number;
	vap->va_size = (off_t)ip->i_size;
	vap->va_blocksize = ip->i_fm->fm_bsize;
	mutex_enter(&ip->i_lock);
	vap->va_atime = ip->i_atime;
	mutex_exit(&ip->i_lock);
	vap->va_mtime = ip->i_mtime;
	vap->va_ctime = ip->i_ctime;
	vap->va_birthtime = ip->i_birthtime;
	vap->va_gen = (uint32_t)ip->i_gen;
	vap->va_rdev = (vp->v_type == VCHR || vp->v_type == VBLK) ? ip->i_rdev : 0;
	vap->va_bytes = ip->i_blocks * DEV_BSIZE;
	return 0;
}

static int
readlink_data(struct vnode *vp, struct uio *uio)
{
	return ffs_read_inode(VTOI(vp), uio, 0);
}

/* Short targets live in the block pointers; longer ones in data blocks. */
static int
ffs_readlink(struct vnode *vp, struct uio *uio, kauth_cred_t cred)
{
	struct ffs_inode *ip = VTOI(vp);
	int error;

	(void)cred;
	error = genfs_readlink(vp, uio, ffs_isshortlink(ip) ? (void *)ip->i_shortlink : NULL,
	    (size_t)ip->i_size, readlink_data);
	if (error == 0)
		ffs_mark_access(vp, 0);
	return error;
}

static int
setattr_truncate(struct vnode *vp, off_t size, kauth_cred_t cred)
{
	struct ffs_inode *ip = VTOI(vp);
	int error;

	if ((error = ffs_truncate(ip, (uint64_t)size, cred)) != 0)
		return error;
	ffs_inode_touch(ip, true, false);
	return 0;
}

static void
setattr_chmod(struct vnode *vp, mode_t perm)
{
	struct ffs_inode *ip = VTOI(vp);

	ip->i_mode = (uint16_t)((ip->i_mode & FFS_IFMT) | perm);
}

static void
setattr_chown(struct vnode *vp, uid_t uid, gid_t gid)
{
	struct ffs_inode *ip = VTOI(vp);

	if (uid != (uid_t)VNOVAL)
		ip->i_uid = uid;
	if (gid != (gid_t)VNOVAL)
		ip->i_gid = gid;
}

/* UFS1 has no birth time. */
static void
setattr_time(struct vnode *vp, enum genfs_time which, const struct timespec *ts)
{
	struct ffs_inode *ip = VTOI(vp);

	if (which == GENFS_BIRTHTIME && !ip->i_fm->fm_ufs2)
		return;
	mutex_enter(&ip->i_lock);
	if (which == GENFS_ATIME)
		ip->i_atime = *ts;
	else if (which == GENFS_MTIME)
		ip->i_mtime = *ts;
	else
		ip->i_birthtime = *ts;
	mutex_exit(&ip->i_lock);
}

static int
setattr_changed(struct vnode *vp)
{
	struct ffs_inode *ip = VTOI(vp);

	ffs_inode_touch(ip, false, true);
	return ffs_update(ip, false);
}

static const struct genfs_attrops ffs_attrops = {
	.ga_truncate = setattr_truncate,
	.ga_chmod = setattr_chmod,
	.ga_chown = setattr_chown,
	.ga_settime = setattr_time,
	.ga_changed = setattr_changed,
};

static int
ffs_setattr(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred)
{
	return genfs_setattr(vp, vap, cred, &ffs_attrops);
}

static int
ffs_fsync(struct vnode *vp, kauth_cred_t cred, int flags)
{
	struct ffs_inode *ip = VTOI(vp);
	int error;

	(void)cred;
	if (ip->i_fm->fm_ronly)
		return 0;
	if ((error = ffs_update(ip, false)) != 0)
		return error;
	return vflushbuf(ip->i_fm->fm_devvp, (flags & FSYNC_WAIT) != 0);
}

/* Without links the file goes: its blocks, then its inode. */
static int
ffs_inactive(struct vnode *vp, bool *recyclep)
{
	struct ffs_inode *ip = VTOI(vp);
	struct ffs_mount *fm = ip->i_fm;
	bool isdir = (ip->i_mode & FFS_IFMT) == FFS_IFDIR;
	int error = 0;

	*recyclep = false;
	if (fm->fm_ronly)
		return 0;
	if (ip->i_nlink > 0) {
		if (ip->i_flag & IN_ACCESS)
			error = ffs_update(ip, false);
		return error;
	}
	error = ffs_truncate(ip, 0, NULL);
	ffs_free_ext(ip);
	ip->i_mode = 0;
	ip->i_size = 0;
	memset(ip->i_db, 0, sizeof(ip->i_db));
	memset(ip->i_ib, 0, sizeof(ip->i_ib));
	ffs_inode_touch(ip, false, true);
	if (error == 0)
		error = ffs_update(ip, false);
	ffs_ifree(fm, ip->i_number, isdir);
	*recyclep = true;
	/* The inode is free now, whatever could not be given back with it. */
	if (error != 0)
		ffs_corrupt(fm, "ffs: inode %ju: not freed cleanly (error %d)\n",
		    (uintmax_t)ip->i_number, error);
	return error;
}

/* Frees memory only (inactive did the writing): nothing to change for VRECLAIM_TRY. */
static int
ffs_reclaim(struct vnode *vp, int flags __unused)
{
	struct ffs_inode *ip = VTOI(vp);

	if (ip != NULL) {
		dirindex_drop(&ip->i_dirindex);
		mutex_destroy(&ip->i_lock);
		kmem_free(ip, sizeof(*ip));
	}
	vp->v_data = NULL;
	return 0;
}

void
ffs_vnode_setup(struct ffs_inode *ip, struct vnode *vp)
{
	ip->i_vnode = vp;
	vp->v_type = ffs_mode_to_vtype(ip->i_mode);
	vp->v_op = &ffs_vnodeops;
	vp->v_data = ip;
	vp->v_rdev = (vp->v_type == VCHR || vp->v_type == VBLK) ? ip->i_rdev : 0;
	if (ip->i_number == FFS_ROOTINO)
		vp->v_vflag |= VV_ROOT;
}

const struct vnodeops ffs_vnodeops = {
	.vop_fsname = "ffs",
	.vop_lookup = ffs_lookup,
	.vop_create = ffs_create,
	.vop_mknod = ffs_mknod,
	.vop_mkdir = ffs_mkdir,
	.vop_symlink = ffs_symlink,
	.vop_open = genfs_nullop_open,
	.vop_close = genfs_nullop_close,
	.vop_access = genfs_access,
	.vop_getattr = ffs_getattr,
	.vop_setattr = ffs_setattr,
	.vop_read = ffs_read,
	.vop_write = ffs_write,
	.vop_fsync = ffs_fsync,
	.vop_remove = ffs_remove,
	.vop_link = ffs_link,
	.vop_rename = ffs_rename,
	.vop_rmdir = ffs_rmdir,
	.vop_readdir = ffs_readdir,
	.vop_readlink = ffs_readlink,
	.vop_extent = ffs_extent,
	.vop_fallocate = ffs_fallocate,
	.vop_inactive = ffs_inactive,
	.vop_reclaim = ffs_reclaim,
};
