/* ffs_vfsops.c: ffs mounts: mount/unmount, root, statvfs, sync, loading vnodes; the component. */
#include <stdio.h>

#include "ffs.h"
#include "component.h"
#include "blkdev.h"
#include "ffs_check.h"

#include <rump/rump_fsargs.h>

static int	ffs_mount(struct mount *mp, void *data, size_t len);
static int	ffs_unmount(struct mount *mp, int mntflags);
static int	ffs_root(struct mount *mp, struct vnode **vpp);
static int	ffs_statvfs(struct mount *mp, struct statvfs *sv);
static int	ffs_sync(struct mount *mp, int waitfor, kauth_cred_t cred);
static int	ffs_loadvnode(struct mount *mp, struct vnode *vp, ino_t ino);
static int	ffs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
		    const struct vattr *vap, kauth_cred_t cred, ino_t *inop);

/* rw -> ro: write everything and mark the file system clean. */
static int
ffs_downgrade(struct ffs_mount *fm)
{
	int error;

	if ((error = vflushbuf(fm->fm_devvp, true)) != 0)
		return error;
	if ((error = ffs_sbupdate(fm, fm->fm_wasclean, true)) != 0)
		return error;
	fm->fm_ronly = true;
	return vflushbuf(fm->fm_devvp, true);
}

static int	ffs_mount_rw(struct ffs_mount *fm, int mntflags);

/* ro -> rw: the checks of a read-write mount, with the device opened for writing. */
static int
ffs_upgrade(struct ffs_mount *fm, int mntflags)
{
	int error;

	if ((error = vfs_upgradedev(fm->fm_devvp, !fm->fm_devrw, &fm->fm_wbdev)) != 0)
		return error;
	if ((error = ffs_mount_rw(fm, mntflags)) != 0)
		return error;
	fm->fm_ronly = false;
	return 0;
}

static int
ffs_update_mount(struct mount *mp, bool ronly)
{
	struct ffs_mount *fm = VFSTOFFS(mp);

	if (ronly && !fm->fm_ronly)
		return ffs_downgrade(fm);
	if (!ronly && fm->fm_ronly)
		return ffs_upgrade(fm, mp->mnt_flag);
	return 0;
}

/* Read-write: refuse what we cannot keep consistent, load the summaries, mark not clean. */
static int
ffs_mount_rw(struct ffs_mount *fm, int mntflags)
{
	int error;

	if ((error = ffs_rw_check_flags(fm, mntflags)) != 0)
		return error;
	if (fm->fm_cs == NULL && (error = ffs_cs_load(fm)) != 0)
		return error;
	fm->fm_nextgen = (uint32_t)fm->fm_cstotal.cs_nifree ^ (uint32_t)fm->fm_size;
	if ((error = ffs_sbupdate(fm, false, true)) != 0)
		ffs_cs_free(fm);
	return error;
}

/* Without a readable root directory nothing (not even unmounting by path) works. */
static int
check_root(struct ffs_mount *fm)
{
	struct ffs_inode *ip;
	int error;

	ip = kmem_zalloc(sizeof(*ip), KM_SLEEP);
	if (ip == NULL)
		return ENOMEM;
	error = ffs_inode_load(fm, FFS_ROOTINO, ip);
	if (error == 0 && (ip->i_mode & FFS_IFMT) != FFS_IFDIR)
		error = EINVAL;
	kmem_free(ip, sizeof(*ip));
	if (error) {
		kprintf("ffs: root directory (inode 2) unusable\n");
		return EINVAL;
	}
	return 0;
}

static int
ffs_mount(struct mount *mp, void *data, size_t len)
{
	struct ffs_mount *fm;
	const char *fspec;
	bool ronly = (mp->mnt_flag & MNT_RDONLY) != 0;
	int error;

	if (mp->mnt_flag & MNT_UPDATE)
		return ffs_update_mount(mp, ronly);
	if ((error = vfs_mountargs_fspec(data, len, &fspec)) != 0)
		return error;
	fm = kmem_zalloc(sizeof(*fm), KM_SLEEP);
	if (fm == NULL)
		return ENOMEM;
	fm->fm_mp = mp;
	fm->fm_ronly = ronly;
	fm->fm_devrw = !ronly;
	mutex_init(&fm->fm_lock);
	if ((error = vfs_opendev(fspec, ronly, &fm->fm_devvp, &fm->fm_bd)) != 0)
		goto out_fm;
	if ((error = ffs_super_read(fm)) != 0)
		goto out_dev;
	if ((error = check_root(fm)) != 0)
		goto out_dev;
	if (!ronly && (error = ffs_mount_rw(fm, mp->mnt_flag)) != 0)
		goto out_dev;
	mp->mnt_data = fm;
	snprintf(mp->mnt_stat_from, sizeof(mp->mnt_stat_from), "%s", fspec);
	return 0;

out_dev:
	vfs_closedev(fm->fm_devvp, fm->fm_bd, ronly, NULL);
out_fm:
	mutex_destroy(&fm->fm_lock);
	kmem_free(fm, sizeof(*fm));
	return error;
}

static int
ffs_unmount(struct mount *mp, int mntflags)
{
	struct ffs_mount *fm = VFSTOFFS(mp);
	int error = 0;

	/* Unforced, a failed last write keeps the mount whole (the VFS keeps it listed): retry or force. */
	if (!fm->fm_ronly && (error = ffs_downgrade(fm)) != 0 && !(mntflags & MNT_FORCE))
		return error;
	vfs_closedev(fm->fm_devvp, fm->fm_bd, !fm->fm_devrw, fm->fm_wbdev);
	ffs_cs_free(fm);
	mutex_destroy(&fm->fm_lock);
	kmem_free(fm, sizeof(*fm));
	mp->mnt_data = NULL;
	return error;
}

static int
ffs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, FFS_ROOTINO, vpp);
}

/* Free space from the summary totals; root's reserve (minfree) is not available to others. */
static int
ffs_statvfs(struct mount *mp, struct statvfs *sv)
{
	struct ffs_mount *fm = VFSTOFFS(mp);
	const struct ffs_csum_total *t = &fm->fm_cstotal;
	int64_t bfree, reserve, avail, ifree;

	mutex_enter(&fm->fm_lock);
	bfree = t->cs_nbfree * fm->fm_frag + t->cs_nffree;
	ifree = t->cs_nifree;
	mutex_exit(&fm->fm_lock);
	if (bfree < 0 || bfree > fm->fm_dsize)
		bfree = 0;
	reserve = fm->fm_dsize * fm->fm_minfree / 100;
	avail = bfree > reserve ? bfree - reserve : 0;
	if (ifree < 0 || (uint64_t)ifree > ffs_maxino(fm))
		ifree = 0;
	sv->f_bsize = (unsigned long)fm->fm_bsize;
	sv->f_frsize = (unsigned long)fm->fm_fsize;
	sv->f_blocks = (fsblkcnt_t)fm->fm_dsize;
	sv->f_bfree = (fsblkcnt_t)bfree;
	sv->f_bavail = (fsblkcnt_t)avail;
	sv->f_files = (fsfilcnt_t)(ffs_maxino(fm) - FFS_ROOTINO);
	sv->f_ffree = (fsfilcnt_t)ifree;
	sv->f_favail = (fsfilcnt_t)ifree;
	sv->f_namemax = FFS_MAXNAMLEN;
	return 0;
}

static int
ffs_sync(struct mount *mp, int waitfor, kauth_cred_t cred)
{
	struct ffs_mount *fm = VFSTOFFS(mp);

	int error;

	(void)cred;
	if (fm->fm_ronly)
		return 0;
	if ((error = ffs_sbupdate(fm, false, false)) != 0)
		return error;
	return vflushbuf(fm->fm_devvp, waitfor == MNT_WAIT);
}

static int
ffs_loadvnode(struct mount *mp, struct vnode *vp, ino_t ino)
{
	struct ffs_mount *fm = VFSTOFFS(mp);
	struct ffs_inode *ip;
	int error;

	ip = kmem_zalloc(sizeof(*ip), KM_SLEEP);
	if (ip == NULL)
		return ENOMEM;
	if ((error = ffs_inode_load(fm, ino, ip)) != 0) {
		kmem_free(ip, sizeof(*ip));
		return error;
	}
	mutex_init(&ip->i_lock);
	ffs_vnode_setup(ip, vp);
	return 0;
}

static int
ffs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
    const struct vattr *vap, kauth_cred_t cred, ino_t *inop)
{
	struct ffs_mount *fm = VFSTOFFS(mp);
	struct ffs_inode *ip;
	uint16_t mode;
	ino_t ino;
	int error;

	switch (vap->va_type) {
	case VREG: case VDIR: case VLNK: case VCHR: case VBLK: case VFIFO: case VSOCK:
		break;
	default:
		return EINVAL;
	}
	if (fm->fm_ronly)
		return EROFS;
	mode = (uint16_t)(vtype_to_ifmt(vap->va_type) |
	    (vap->va_mode != (mode_t)VNOVAL ? (vap->va_mode & 07777) : 0));
	ip = kmem_zalloc(sizeof(*ip), KM_SLEEP);
	if (ip == NULL)
		return ENOMEM;
	if ((error = ffs_ialloc(fm, VTOI(dvp)->i_number, vap->va_type == VDIR, &ino)) != 0) {
		kmem_free(ip, sizeof(*ip));
		return error;
	}
	ffs_inode_init(fm, ip, ino, mode,
	    vap->va_uid != (uid_t)VNOVAL ? vap->va_uid : kauth_cred_geteuid(cred),
	    vap->va_gid != (gid_t)VNOVAL ? vap->va_gid : kauth_cred_getegid(cred),
	    vap->va_rdev != (dev_t)VNOVAL ? vap->va_rdev : 0);
	mutex_init(&ip->i_lock);
	ffs_vnode_setup(ip, vp);
	*inop = ino;
	return 0;
}

static struct vfsops ffs_vfsops = {
	.vfs_name = MOUNT_FFS,
	.vfs_mount = ffs_mount,
	.vfs_unmount = ffs_unmount,
	.vfs_root = ffs_root,
	.vfs_statvfs = ffs_statvfs,
	.vfs_sync = ffs_sync,
	.vfs_loadvnode = ffs_loadvnode,
	.vfs_newvnode = ffs_newvnode,
	.vfs_probe = ffs_probe,
	.vfs_check = ffs_check,
	.vfs_fuzzmap = ffs_fuzzmap,
	.vfs_flags = VFSF_DEVICE,
};

VFS_COMPONENT(ffs, ffs_vfsops);
