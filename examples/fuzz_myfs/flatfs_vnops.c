/* flatfs_vnops.c: flatfs's vnode operations: lookup, list and read; everything else refused. */
#include <string.h>

#include "flatfs.h"
#include "buf.h"
#include "dirent.h"
#include "genfs.h"

static int
flatfs_lookup(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp)
{
	const struct flatfs_mount *fm = VFSTOFLAT(dvp->v_mount);

	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.') {
		vref(dvp);
		*vpp = dvp;
		return 0;
	}
	/* the root is the only directory: the VFS answers its ".." */
	for (unsigned i = 0; i < fm->fm_nfiles; i++) {
		const char *name = fm->fm_files[i].ff_name;

		if (strlen(name) == cnp->cn_namelen && memcmp(name, cnp->cn_nameptr, cnp->cn_namelen) == 0)
			return vcache_get(dvp->v_mount, FLATFS_ROOTINO + 1 + i, vpp);
	}
	return ENOENT;
}

static int
flatfs_getattr(struct vnode *vp, struct vattr *vap, kauth_cred_t cred)
{
	const struct flatfs_file *f = vp->v_data;

	(void)cred;
	vattr_null(vap);
	vap->va_type = vp->v_type;
	vap->va_mode = f != NULL ? f->ff_mode : 0555;
	vap->va_nlink = f != NULL ? 1 : 2;
	vap->va_uid = 0;
	vap->va_gid = 0;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = vp->v_ino;
	vap->va_size = f != NULL ? f->ff_size : FLATFS_HDRSIZE;
	vap->va_blocksize = FLATFS_HDRSIZE;
	memset(&vap->va_atime, 0, sizeof(vap->va_atime));
	vap->va_mtime = vap->va_ctime = vap->va_atime;
	vap->va_birthtime.tv_sec = VNOVAL;
	vap->va_birthtime.tv_nsec = 0;
	vap->va_gen = 0;
	vap->va_rdev = 0;
	vap->va_bytes = (uint64_t)vap->va_size;
	return 0;
}

/* One sector's worth at a time through the buffer cache: the image may end inside a file. */
static int
flatfs_read(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	const struct flatfs_file *f = vp->v_data;
	struct vnode *devvp = VFSTOFLAT(vp->v_mount)->fm_devvp;
	int error = 0;

	(void)ioflag, (void)cred;
	if (f == NULL)
		return EISDIR;
	while (error == 0 && uio->uio_resid > 0 && uio->uio_offset >= 0 &&
	    uio->uio_offset < (off_t)f->ff_size) {
		uint64_t pos = (uint64_t)f->ff_offset + (uint64_t)uio->uio_offset;
		size_t in = pos % FLATFS_HDRSIZE, n = FLATFS_HDRSIZE - in;
		struct buf *bp;

		if (n > (uint64_t)f->ff_size - (uint64_t)uio->uio_offset)
			n = (size_t)((uint64_t)f->ff_size - (uint64_t)uio->uio_offset);
		if (n > uio->uio_resid)
			n = uio->uio_resid;
		if ((error = bread(devvp, (daddr_t)(pos / DEV_BSIZE), FLATFS_HDRSIZE, 0, &bp)) != 0)
			break;
		error = uiomove((uint8_t *)bp->b_data + in, n, uio);
		brelse(bp, 0);
	}
	return error;
}

/* Cookies: 0 ".", 1 "..", 2 + i file i. */
static int
flatfs_readdir(struct vnode *vp, struct uio *uio, kauth_cred_t cred, int *eofp)
{
	const struct flatfs_mount *fm = VFSTOFLAT(vp->v_mount);
	off_t c = uio->uio_offset;

	(void)cred;
	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (c < 0)
		return EINVAL;
	for (; c < 2 + (off_t)fm->fm_nfiles; c++) {
		const char *name = c == 0 ? "." : c == 1 ? ".." : fm->fm_files[c - 2].ff_name;
		ino_t ino = c < 2 ? FLATFS_ROOTINO : FLATFS_ROOTINO + 1 + (ino_t)(c - 2);

		if (!vfs_dirent_emit(uio, ino, c + 1, c < 2 ? DT_DIR : DT_REG, name, strlen(name)))
			break;
	}
	*eofp = c >= 2 + (off_t)fm->fm_nfiles;
	return 0;
}

static int
flatfs_inactive(struct vnode *vp, bool *recyclep)
{
	(void)vp;
	*recyclep = false;
	return 0;
}

static int
flatfs_reclaim(struct vnode *vp, int flags)
{
	(void)flags;
	vp->v_data = NULL;	/* it pointed into the mount's table: nothing to free */
	return 0;
}

const struct vnodeops flatfs_vnodeops = {
	.vop_fsname = "flatfs",
	.vop_lookup = flatfs_lookup,
	.vop_create = genfs_eopnotsupp_create,
	.vop_mknod = genfs_eopnotsupp_mknod,
	.vop_mkdir = genfs_eopnotsupp_mkdir,
	.vop_symlink = genfs_eopnotsupp_symlink,
	.vop_open = genfs_nullop_open,
	.vop_close = genfs_nullop_close,
	.vop_access = genfs_access,
	.vop_getattr = flatfs_getattr,
	.vop_setattr = genfs_eopnotsupp_setattr,
	.vop_read = flatfs_read,
	.vop_write = genfs_eopnotsupp_write,
	.vop_fsync = genfs_nullop_fsync,
	.vop_remove = genfs_eopnotsupp_remove,
	.vop_link = genfs_eopnotsupp_link,
	.vop_rename = genfs_eopnotsupp_rename,
	.vop_rmdir = genfs_eopnotsupp_rmdir,
	.vop_readdir = flatfs_readdir,
	.vop_readlink = genfs_eopnotsupp_readlink,
	.vop_extent = genfs_extent_alldata,
	.vop_fallocate = genfs_eopnotsupp_fallocate,
	.vop_inactive = flatfs_inactive,
	.vop_reclaim = flatfs_reclaim,
};
