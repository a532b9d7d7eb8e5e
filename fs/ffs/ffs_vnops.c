/* ffs_vnops.c: ffs vnode operations (attributes, symlinks, read, life cycle) and the ops table. */
#include "ffs.h"
#include "genfs.h"

static int	ffs_getattr(struct vnode *vp, struct vattr *vap, kauth_cred_t cred);
static int	ffs_read(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred);
static int	ffs_readlink(struct vnode *vp, struct uio *uio, kauth_cred_t cred);
static int	ffs_inactive(struct vnode *vp, bool *recyclep);
static int	ffs_reclaim(struct vnode *vp);

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
	vap->va_atime = ip->i_atime;
	vap->va_mtime = ip->i_mtime;
	vap->va_ctime = ip->i_ctime;
	vap->va_birthtime = ip->i_birthtime;
	vap->va_gen = (uint32_t)ip->i_gen;
	vap->va_rdev = (vp->v_type == VCHR || vp->v_type == VBLK) ? ip->i_rdev : 0;
	vap->va_bytes = ip->i_blocks * DEV_BSIZE;
	return 0;
}

static int
ffs_read(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	(void)ioflag;
	(void)cred;
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG && vp->v_type != VLNK)
		return EOPNOTSUPP;
	return ffs_read_inode(VTOI(vp), uio);
}

/* Short targets live in the block pointers; longer ones in data blocks. */
static int
ffs_readlink(struct vnode *vp, struct uio *uio, kauth_cred_t cred)
{
	struct ffs_inode *ip = VTOI(vp);

	(void)cred;
	if (vp->v_type != VLNK)
		return EINVAL;
	if (ffs_isshortlink(ip))
		return uiomove(ip->i_shortlink, MIN((size_t)ip->i_size, uio->uio_resid), uio);
	uio->uio_offset = 0;
	return ffs_read_inode(ip, uio);
}

static int
ffs_inactive(struct vnode *vp, bool *recyclep)
{
	(void)vp;
	*recyclep = false;
	return 0;
}

static int
ffs_reclaim(struct vnode *vp)
{
	struct ffs_inode *ip = VTOI(vp);

	if (ip != NULL)
		kmem_free(ip, sizeof(*ip));
	vp->v_data = NULL;
	return 0;
}

const struct vnodeops ffs_vnodeops = {
	.vop_fsname = "ffs",
	.vop_lookup = ffs_lookup,
	.vop_create = genfs_eopnotsupp_create,
	.vop_mknod = genfs_eopnotsupp_mknod,
	.vop_mkdir = genfs_eopnotsupp_mkdir,
	.vop_symlink = genfs_eopnotsupp_symlink,
	.vop_open = genfs_nullop_open,
	.vop_close = genfs_nullop_close,
	.vop_access = genfs_access,
	.vop_getattr = ffs_getattr,
	.vop_setattr = genfs_eopnotsupp_setattr,
	.vop_read = ffs_read,
	.vop_write = genfs_eopnotsupp_write,
	.vop_fsync = genfs_nullop_fsync,
	.vop_remove = genfs_eopnotsupp_remove,
	.vop_link = genfs_eopnotsupp_link,
	.vop_rename = genfs_eopnotsupp_rename,
	.vop_rmdir = genfs_eopnotsupp_rmdir,
	.vop_readdir = ffs_readdir,
	.vop_readlink = ffs_readlink,
	.vop_inactive = ffs_inactive,
	.vop_reclaim = ffs_reclaim,
};
