/* ffs_vfsops.c: ffs mounts: mount/unmount, root, statvfs, sync, loading vnodes; the component. */
#include <stdio.h>

#include "ffs.h"
#include "component.h"

#include <rump/rump_fsargs.h>

static int	ffs_mount(struct mount *mp, void *data, size_t len);
static int	ffs_unmount(struct mount *mp, int mntflags);
static int	ffs_root(struct mount *mp, struct vnode **vpp);
static int	ffs_statvfs(struct mount *mp, struct statvfs *sv);
static int	ffs_sync(struct mount *mp, int waitfor, kauth_cred_t cred);
static int	ffs_loadvnode(struct mount *mp, struct vnode *vp, ino_t ino);
static int	ffs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
		    const struct vattr *vap, kauth_cred_t cred, ino_t *inop);

static int
ffs_mount(struct mount *mp, void *data, size_t len)
{
	struct ffs_mount *fm;
	const char *fspec;
	bool ronly = (mp->mnt_flag & MNT_RDONLY) != 0;
	int error;

	if (mp->mnt_flag & MNT_UPDATE) {
		if (!ronly && VFSTOFFS(mp)->fm_ronly)
			return EROFS;
		return 0;
	}
	if (!ronly) {
		kprintf("ffs: read-write mounts are not supported yet\n");
		return EROFS;
	}
	if ((error = vfs_mountargs_fspec(data, len, &fspec)) != 0)
		return error;
	fm = kmem_zalloc(sizeof(*fm), KM_SLEEP);
	if (fm == NULL)
		return ENOMEM;
	fm->fm_mp = mp;
	fm->fm_ronly = ronly;
	if ((error = vfs_opendev(fspec, ronly, &fm->fm_devvp, &fm->fm_bd)) != 0)
		goto out_fm;
	if ((error = ffs_super_read(fm)) != 0)
		goto out_dev;
	mp->mnt_data = fm;
	snprintf(mp->mnt_stat_from, sizeof(mp->mnt_stat_from), "%s", fspec);
	return 0;

out_dev:
	vfs_closedev(fm->fm_devvp, fm->fm_bd, ronly);
out_fm:
	kmem_free(fm, sizeof(*fm));
	return error;
}

static int
ffs_unmount(struct mount *mp, int mntflags)
{
	struct ffs_mount *fm = VFSTOFFS(mp);
	int error = 0;

	(void)mntflags;
	if (!fm->fm_ronly)
		error = vflushbuf(fm->fm_devvp, true);
	vfs_closedev(fm->fm_devvp, fm->fm_bd, fm->fm_ronly);
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

	bfree = t->cs_nbfree * fm->fm_frag + t->cs_nffree;
	if (bfree < 0 || bfree > fm->fm_dsize)
		bfree = 0;
	reserve = fm->fm_dsize * fm->fm_minfree / 100;
	avail = bfree > reserve ? bfree - reserve : 0;
	ifree = t->cs_nifree;
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

	(void)cred;
	if (fm->fm_ronly)
		return 0;
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
	ip->i_vnode = vp;
	vp->v_type = ffs_mode_to_vtype(ip->i_mode);
	vp->v_op = &ffs_vnodeops;
	vp->v_data = ip;
	vp->v_rdev = (vp->v_type == VCHR || vp->v_type == VBLK) ? ip->i_rdev : 0;
	if (ino == FFS_ROOTINO)
		vp->v_vflag |= VV_ROOT;
	return 0;
}

static int
ffs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
    const struct vattr *vap, kauth_cred_t cred, ino_t *inop)
{
	(void)mp;
	(void)dvp;
	(void)vp;
	(void)vap;
	(void)cred;
	(void)inop;
	return EROFS;
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
};

static int
ffs_init(void)
{
	return vfs_attach(&ffs_vfsops);
}

static void
ffs_fini(void)
{
	(void)vfs_detach(&ffs_vfsops);
}

static struct rump_component ffs_component = {
	.rc_type = RUMP_COMPONENT_FS,
	.rc_name = "ffs",
	.rc_init = ffs_init,
	.rc_fini = ffs_fini,
};
RUMP_COMPONENT(ffs_component);
