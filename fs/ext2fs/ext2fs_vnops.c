/* ext2fs_vnops.c: the ext2fs vnode operations, and its one ops table at the bottom. */
#include <sys/sysmacros.h>

#include "ext2fs.h"
#include "genfs.h"

static int	ext2fs_create(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
		    const struct vattr *vap);
static int	ext2fs_mknod(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
		    const struct vattr *vap);
static int	ext2fs_mkdir(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
		    const struct vattr *vap);
static int	ext2fs_symlink(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
		    const struct vattr *vap, const char *target);
static int	ext2fs_getattr(struct vnode *vp, struct vattr *vap, kauth_cred_t cred);
static int	ext2fs_setattr(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred);
static int	ext2fs_fsync(struct vnode *vp, kauth_cred_t cred, int flags);
static int	ext2fs_remove(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp);
static int	ext2fs_link(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp);
static int	ext2fs_rmdir(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp);
static int	ext2fs_readlink(struct vnode *vp, struct uio *uio, kauth_cred_t cred);
static int	ext2fs_inactive(struct vnode *vp, bool *recyclep);
static int	ext2fs_reclaim(struct vnode *vp, int flags);
static int	make_node(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
		    const struct vattr *vap, enum vtype type, const char *target);
static int	make_node_content(struct ext2fs_inode *dp, struct ext2fs_inode *ip,
		    const char *target, kauth_cred_t cred);

/* Device numbers in i_db: Linux's old 8:8 encoding when it fits, else the new one in i_db[1]. */
static dev_t
rdev_decode(const struct ext2fs_inode *ip)
{
	uint32_t x;

	if ((x = ip->i_db[0]) != 0)
		return makedev((x >> 8) & 0xff, x & 0xff);
	x = ip->i_db[1];
	return makedev((x & 0xfff00) >> 8, (x & 0xff) | ((x >> 12) & 0xfff00));
}

void
ext2fs_rdev_encode(struct ext2fs_inode *ip, dev_t rdev)
{
	uint32_t ma = major(rdev), mi = minor(rdev);

	if (ma < 256 && mi < 256) {
		ip->i_db[0] = ma << 8 | mi;
		ip->i_db[1] = 0;
	} else {
		ip->i_db[0] = 0;
		ip->i_db[1] = (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
	}
}

void
ext2fs_setup_vnode(struct ext2fs_inode *ip, struct vnode *vp)
{
	ip->i_vnode = vp;
	vp->v_type = ext2fs_vtype(ip);
	vp->v_op = &ext2fs_vnodeops;
	vp->v_data = ip;
	if (vp->v_type == VCHR || vp->v_type == VBLK)
		vp->v_rdev = rdev_decode(ip);
	if (ip->i_number == EXT2_ROOTINO)
		vp->v_vflag |= VV_ROOT;
}

static void
touch_update(struct ext2fs_inode *ip, int which, int *errorp)
{
	int e;

	ext2fs_itimes(ip, which);
	e = ext2fs_iupdate(ip, false);
	if (*errorp == 0)
		*errorp = e;
}

/* A new inode's contents: a directory's first block, a symlink's target. */
static int
make_node_content(struct ext2fs_inode *dp, struct ext2fs_inode *ip, const char *target,
    kauth_cred_t cred)
{
	size_t len;

	if (S_ISDIR(ip->i_mode))
		return ext2fs_dir_init(ip, dp->i_number, cred);
	if (!S_ISLNK(ip->i_mode) || target == NULL)
		return 0;
	len = strlen(target);
	if (len <= EXT2_FAST_SYMLINK_MAX) {
		memcpy(ip->i_db, target, len);
		ip->i_size = len;
		return 0;
	}
	return ext2fs_rdwr_kernel(ip, UIO_WRITE, (void *)(uintptr_t)target, len, 0, cred);
}

static int
make_node(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap, enum vtype type, const char *target)
{
	struct ext2fs_inode *dp = VTOI(dvp), *ip;
	struct ext2fs_dirpos pos;
	struct vattr va = *vap;
	struct vnode *vp;
	int error, undo;

	if (!S_ISDIR(dp->i_mode))
		return ENOTDIR;
	if (dp->i_nlink == 0)
		return ENOENT;
	if ((error = ext2fs_dir_find(dp, cnp->cn_nameptr, cnp->cn_namelen, &pos)) != ENOENT)
		return error ? error : EEXIST;
	if (type == VDIR && dp->i_nlink >= EXT2_LINK_MAX)
		return EMLINK;
	va.va_type = type;
	if ((error = vcache_new(dvp->v_mount, dvp, &va, cnp->cn_cred, &vp)) != 0)
		return error;
	ip = VTOI(vp);
	ip->i_nlink = type == VDIR ? 2 : 1;
	if ((error = make_node_content(dp, ip, target, cnp->cn_cred)) != 0)
		goto out_unmake;
	/*
	 * The name reaches the disk before the inode (written or queued
	 * first): cut between them, e2fsck -p clears a name of an unused
	 * inode, but an unnamed directory or non-empty file it will not fix.
	 */
	error = ext2fs_dir_enter(dp, cnp->cn_nameptr, cnp->cn_namelen, ip->i_number, type,
	    cnp->cn_cred);
	if (error)
		goto out_unmake;
	if ((error = ext2fs_iupdate(ip, false)) != 0)
		goto out_unname;
	if (type == VDIR)
		dp->i_nlink++;
	touch_update(dp, E2_MTIME | E2_CTIME, &error);
	*vpp = vp;
	return error;

out_unname:
	if ((undo = ext2fs_dir_find(dp, cnp->cn_nameptr, cnp->cn_namelen, &pos)) == 0)
		undo = ext2fs_dir_remove(dp, &pos);
	ext2fs_undone(dp, undo);
out_unmake:
	ip->i_nlink = 0;	/* inactive frees it */
	ext2fs_undone(ip, ext2fs_iupdate(ip, false));
	vrele(vp);
	return error;
}

static int
ext2fs_create(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	return make_node(dvp, vpp, cnp, vap, VREG, NULL);
}

static int
ext2fs_mknod(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	switch (vap->va_type) {
	case VCHR: case VBLK: case VFIFO: case VSOCK:
		return make_node(dvp, vpp, cnp, vap, vap->va_type, NULL);
	default:
		return EINVAL;
	}
}

static int
ext2fs_mkdir(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	return make_node(dvp, vpp, cnp, vap, VDIR, NULL);
}

static int
ext2fs_symlink(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap, const char *target)
{
	return make_node(dvp, vpp, cnp, vap, VLNK, target);
}

static int
ext2fs_getattr(struct vnode *vp, struct vattr *vap, kauth_cred_t cred)
{
	struct ext2fs_inode *ip = VTOI(vp);

	(void)cred;
	vap->va_type = vp->v_type;
	vap->va_mode = ip->i_mode & 07777;
	vap->va_nlink = ip->i_nlink;
	vap->va_uid = ip->i_uid;
	vap->va_gid = ip->i_gid;
	vap->va_fsid = vp->v_mount->mnt_fsid;
	vap->va_fileid = ip->i_number;
	vap->va_size = (off_t)ip->i_size;
	vap->va_blocksize = ip->i_e2m->e2m_bsize;
	mutex_enter(&ip->i_lock);
	vap->va_atime = ip->i_atime;
	vap->va_mtime = ip->i_mtime;
	vap->va_ctime = ip->i_ctime;
	vap->va_birthtime = ip->i_crtime;
	mutex_exit(&ip->i_lock);
	vap->va_gen = ip->i_gen;
	vap->va_rdev = vp->v_rdev;
	vap->va_bytes = ip->i_nblocks << DEV_BSHIFT;
	vap->va_vaflags = 0;
	return 0;
}

static int
setattr_truncate(struct vnode *vp, off_t size, kauth_cred_t cred)
{
	struct ext2fs_inode *ip = VTOI(vp);
	int error;

	(void)cred;
	if ((error = ext2fs_truncate(ip, (uint64_t)size)) != 0) {
		ext2fs_undone(ip, ext2fs_iupdate(ip, false));
		return error;
	}
	ext2fs_itimes(ip, E2_MTIME);
	return 0;
}

static void
setattr_chmod(struct vnode *vp, mode_t perm)
{
	struct ext2fs_inode *ip = VTOI(vp);

	ip->i_mode = (ip->i_mode & S_IFMT) | perm;
}

static void
setattr_chown(struct vnode *vp, uid_t uid, gid_t gid)
{
	struct ext2fs_inode *ip = VTOI(vp);

	if (uid != (uid_t)VNOVAL)
		ip->i_uid = uid;
	if (gid != (gid_t)VNOVAL)
		ip->i_gid = gid;
}

/* The format has no birth time that setattr could set. */
static void
setattr_time(struct vnode *vp, enum genfs_time which, const struct timespec *ts)
{
	struct ext2fs_inode *ip = VTOI(vp);
	struct timespec t = *ts;

	if (which == GENFS_BIRTHTIME)
		return;
	ext2fs_time_fit(ip, &t);
	mutex_enter(&ip->i_lock);
	if (which == GENFS_ATIME)
		ip->i_atime = t;
	else
		ip->i_mtime = t;
	mutex_exit(&ip->i_lock);
}

static int
setattr_changed(struct vnode *vp)
{
	int error = 0;

	touch_update(VTOI(vp), E2_CTIME, &error);
	return error;
}

static const struct genfs_attrops ext2fs_attrops = {
	.ga_truncate = setattr_truncate,
	.ga_chmod = setattr_chmod,
	.ga_chown = setattr_chown,
	.ga_settime = setattr_time,
	.ga_changed = setattr_changed,
};

static int
ext2fs_setattr(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred)
{
	return genfs_setattr(vp, vap, cred, &ext2fs_attrops);
}

/* Everything of the device goes out: the inode's buffers are among them. */
static int
ext2fs_fsync(struct vnode *vp, kauth_cred_t cred, int flags)
{
	struct ext2fs_inode *ip = VTOI(vp);
	struct ext2fs_mount *e2m = ip->i_e2m;
	int error;

	(void)cred;
	if (e2m->e2m_ronly)
		return 0;
	if ((error = ext2fs_iupdate(ip, false)) != 0)
		return error;
	if ((error = ext2fs_sb_write(e2m, false)) != 0)
		return error;
	return vflushbuf(e2m->e2m_devvp, (flags & FSYNC_WAIT) != 0);
}

/*
 * Drop ip's link count to nlink, then its name at pos in dp: the inode
 * reaches the disk first (written or queued first), so a cut between
 * them leaves a name e2fsck -p clears or a link count it raises, never
 * an unnamed non-empty inode, which it will not fix.
 */
static int
unlink_inode_first(struct ext2fs_inode *ip, uint32_t nlink, struct ext2fs_inode *dp,
    const struct ext2fs_dirpos *pos)
{
	uint32_t old = ip->i_nlink;
	int error = 0;

	ip->i_nlink = nlink;
	touch_update(ip, E2_CTIME, &error);
	if (error == 0 && (error = ext2fs_dir_remove(dp, pos)) == 0)
		return 0;
	ip->i_nlink = old;
	ext2fs_undone(ip, ext2fs_iupdate(ip, false));
	return error;
}

static int
ext2fs_remove(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	struct ext2fs_inode *dp = VTOI(dvp), *ip = VTOI(vp);
	struct ext2fs_dirpos pos;
	int error;

	if (S_ISDIR(ip->i_mode))
		return EISDIR;
	if ((error = ext2fs_dir_find(dp, cnp->cn_nameptr, cnp->cn_namelen, &pos)) != 0)
		return error;
	if (pos.dp_ino != ip->i_number)
		return ENOENT;
	if ((error = unlink_inode_first(ip, ip->i_nlink > 0 ? ip->i_nlink - 1 : 0, dp, &pos)) != 0)
		return error;
	touch_update(dp, E2_MTIME | E2_CTIME, &error);
	return error;
}

static int
ext2fs_link(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	struct ext2fs_inode *dp = VTOI(dvp), *ip = VTOI(vp);
	struct ext2fs_dirpos pos;
	int error;

	if (S_ISDIR(ip->i_mode))
		return EPERM;
	if (ip->i_nlink >= EXT2_LINK_MAX)
		return EMLINK;
	if ((error = ext2fs_dir_find(dp, cnp->cn_nameptr, cnp->cn_namelen, &pos)) != ENOENT)
		return error ? error : EEXIST;
	ip->i_nlink++;
	if ((error = ext2fs_iupdate(ip, false)) != 0)
		goto out_unlink;
	error = ext2fs_dir_enter(dp, cnp->cn_nameptr, cnp->cn_namelen, ip->i_number,
	    vp->v_type, cnp->cn_cred);
	if (error)
		goto out_unlink;
	touch_update(ip, E2_CTIME, &error);
	touch_update(dp, E2_MTIME | E2_CTIME, &error);
	return error;

out_unlink:
	ip->i_nlink--;
	ext2fs_undone(ip, ext2fs_iupdate(ip, false));
	return error;
}

static int
ext2fs_rmdir(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	struct ext2fs_inode *dp = VTOI(dvp), *ip = VTOI(vp);
	struct ext2fs_dirpos pos;
	bool empty;
	int error;

	if (!S_ISDIR(ip->i_mode))
		return ENOTDIR;
	if ((error = ext2fs_dir_isempty(ip, &empty)) != 0)
		return error;
	if (!empty)
		return ENOTEMPTY;
	if ((error = ext2fs_dir_find(dp, cnp->cn_nameptr, cnp->cn_namelen, &pos)) != 0)
		return error;
	if (pos.dp_ino != ip->i_number)
		return ENOENT;
	if ((error = unlink_inode_first(ip, 0, dp, &pos)) != 0)
		return error;
	if (dp->i_nlink > 1)
		dp->i_nlink--;
	touch_update(dp, E2_MTIME | E2_CTIME, &error);
	return error;
}

static int
readlink_data(struct vnode *vp, struct uio *uio)
{
	return ext2fs_read_core(VTOI(vp), uio, 0);
}

static int
ext2fs_readlink(struct vnode *vp, struct uio *uio, kauth_cred_t cred)
{
	struct ext2fs_inode *ip = VTOI(vp);
	int error;

	(void)cred;
	error = genfs_readlink(vp, uio, ext2fs_is_fastlink(ip) ? (void *)ip->i_db : NULL,
	    (size_t)ip->i_size, readlink_data);
	return ext2fs_mark_access(vp, 0, error);
}

/* The last reference is gone: a file with no links left gives its blocks and inode back. */
static int
ext2fs_inactive(struct vnode *vp, bool *recyclep)
{
	struct ext2fs_inode *ip = VTOI(vp);
	struct ext2fs_mount *e2m;
	struct timespec now;
	int error;

	*recyclep = false;
	if (ip == NULL || ip->i_nlink != 0)
		return 0;
	e2m = ip->i_e2m;
	*recyclep = true;
	if (e2m->e2m_ronly)
		return 0;
	error = ext2fs_truncate(ip, 0);
	vfs_timestamp(&now);
	ip->i_dtime = (uint32_t)now.tv_sec;
	if (error == 0)
		error = ext2fs_iupdate(ip, false);
	if (error == 0)
		error = ext2fs_ifree(e2m, ip->i_number, S_ISDIR(ip->i_mode));
	/* An inode with no links left allocated (or blocks with it) is e2fsck's to finish. */
	if (error != 0)
		ext2fs_corrupt(e2m, "ext2fs: inode %ju: not freed (error %d)\n",
		    (uintmax_t)ip->i_number, error);
	return error;
}

/* Frees memory only (inactive did the writing): nothing to change for VRECLAIM_TRY. */
static int
ext2fs_reclaim(struct vnode *vp, int flags __unused)
{
	struct ext2fs_inode *ip = VTOI(vp);

	if (ip != NULL) {
		ext2fs_di_drop(ip);
		mutex_destroy(&ip->i_lock);
		kmem_free(ip, sizeof(*ip));
	}
	vp->v_data = NULL;
	return 0;
}

const struct vnodeops ext2fs_vnodeops = {
	.vop_fsname = "ext2fs",
	.vop_lookup = ext2fs_lookup,
	.vop_create = ext2fs_create,
	.vop_mknod = ext2fs_mknod,
	.vop_mkdir = ext2fs_mkdir,
	.vop_symlink = ext2fs_symlink,
	.vop_open = genfs_nullop_open,
	.vop_close = genfs_nullop_close,
	.vop_access = genfs_access,
	.vop_getattr = ext2fs_getattr,
	.vop_setattr = ext2fs_setattr,
	.vop_read = ext2fs_read,
	.vop_write = ext2fs_write,
	.vop_fsync = ext2fs_fsync,
	.vop_remove = ext2fs_remove,
	.vop_link = ext2fs_link,
	.vop_rename = ext2fs_rename,
	.vop_rmdir = ext2fs_rmdir,
	.vop_readdir = ext2fs_readdir,
	.vop_readlink = ext2fs_readlink,
	.vop_extent = ext2fs_extent,
	.vop_fallocate = ext2fs_fallocate,
	.vop_inactive = ext2fs_inactive,
	.vop_reclaim = ext2fs_reclaim,
};
