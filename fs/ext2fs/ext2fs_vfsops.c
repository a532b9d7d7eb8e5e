/* ext2fs_vfsops.c: ext2fs mounts: mount/unmount with the superblock state, root, statvfs, sync, loading and creating inodes. */
#include <stdio.h>

#include "ext2fs.h"
#include "blkdev.h"
#include "component.h"
#include "genfs.h"

static int	ext2fs_mount(struct mount *mp, void *data, size_t len);
static int	ext2fs_unmount(struct mount *mp, int mntflags);
static int	ext2fs_root(struct mount *mp, struct vnode **vpp);
static int	ext2fs_statvfs(struct mount *mp, struct statvfs *sv);
static int	ext2fs_sync(struct mount *mp, int waitfor, kauth_cred_t cred);
static int	ext2fs_loadvnode(struct mount *mp, struct vnode *vp, ino_t ino);
static int	ext2fs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
		    const struct vattr *vap, kauth_cred_t cred, ino_t *inop);

static void
e2m_free(struct ext2fs_mount *e2m)
{
	if (e2m->e2m_gdraw != NULL)
		kmem_free(e2m->e2m_gdraw, (size_t)e2m->e2m_ngdb * e2m->e2m_bsize);
	if (e2m->e2m_cg != NULL)
		kmem_free(e2m->e2m_cg, (size_t)e2m->e2m_ngroups * sizeof(*e2m->e2m_cg));
	mutex_destroy(&e2m->e2m_sblock);
	mutex_destroy(&e2m->e2m_lock);
	kmem_free(e2m, sizeof(*e2m));
}

/* Read-write from now: the file system is in use (not clean) until a clean unmount. */
static int
mark_mounted(struct ext2fs_mount *e2m)
{
	struct timespec now;

	vfs_timestamp(&now);
	mutex_enter(&e2m->e2m_lock);
	e2m->e2m_dirty = true;
	mutex_exit(&e2m->e2m_lock);
	mutex_enter(&e2m->e2m_sblock);
	e2m->e2m_mntstate = e2_le16(e2m->e2m_sb.s_state);
	e2m->e2m_sb.s_state = e2_tole16(e2m->e2m_mntstate & ~EXT2_STATE_VALID);
	e2m->e2m_sb.s_mnt_count = e2_tole16((uint16_t)(e2_le16(e2m->e2m_sb.s_mnt_count) + 1));
	e2m->e2m_sb.s_mtime = e2_tole32((uint32_t)now.tv_sec);
	mutex_exit(&e2m->e2m_sblock);
	return ext2fs_sb_write(e2m, true);
}

/* Back to the state found at mount (clean, unless forced onto an unclean one). */
static int
mark_unmounted(struct ext2fs_mount *e2m)
{
	struct timespec now;
	int error;

	vfs_timestamp(&now);
	mutex_enter(&e2m->e2m_lock);
	e2m->e2m_dirty = true;
	mutex_exit(&e2m->e2m_lock);
	mutex_enter(&e2m->e2m_sblock);
	e2m->e2m_sb.s_state = e2_tole16(e2m->e2m_mntstate);
	e2m->e2m_sb.s_wtime = e2_tole32((uint32_t)now.tv_sec);
	mutex_exit(&e2m->e2m_sblock);
	error = ext2fs_sb_write(e2m, false);
	if (error == 0)
		error = vflushbuf(e2m->e2m_devvp, true);
	return error;
}

/* Read-only to read-write: the checks of a read-write mount, and the device opened for writing. */
static int
mount_update_rw(struct ext2fs_mount *e2m, int mntflags)
{
	int error;

	if ((error = ext2fs_sb_check_rw(e2m, mntflags)) != 0)
		return error;
	if ((error = vfs_upgradedev(e2m->e2m_devvp, e2m->e2m_devronly, &e2m->e2m_wbdev)) != 0)
		return error;
	e2m->e2m_ronly = false;
	if ((error = mark_mounted(e2m)) != 0)
		e2m->e2m_ronly = true;
	return error;
}

static int
mount_update(struct mount *mp)
{
	struct ext2fs_mount *e2m = VFSTOE2M(mp);
	int error;

	if (!e2m->e2m_ronly && (mp->mnt_flag & MNT_RDONLY)) {
		if ((error = mark_unmounted(e2m)) != 0)
			return error;
		e2m->e2m_ronly = true;
		return 0;
	}
	if (e2m->e2m_ronly && !(mp->mnt_flag & MNT_RDONLY))
		return mount_update_rw(e2m, mp->mnt_flag);
	return 0;
}

/* The root must be a readable directory, or the mount could not even be found to unmount it. */
static int
check_root(struct ext2fs_mount *e2m)
{
	struct ext2fs_inode *ip;
	int error;

	if ((ip = kmem_alloc(sizeof(*ip), KM_SLEEP)) == NULL)
		return ENOMEM;
	ext2fs_inode_init(ip, e2m, EXT2_ROOTINO);
	error = ext2fs_iread(e2m, EXT2_ROOTINO, ip);
	if (error == 0 && !S_ISDIR(ip->i_mode))
		error = ENOTDIR;
	if (error) {
		kprintf("ext2fs: root inode unusable (error %d)\n", error);
		error = error == ENOMEM ? ENOMEM : EINVAL;
	}
	mutex_destroy(&ip->i_lock);
	kmem_free(ip, sizeof(*ip));
	return error;
}

static int
ext2fs_mount(struct mount *mp, void *data, size_t len)
{
	struct ext2fs_mount *e2m;
	const char *fspec;
	bool ronly = (mp->mnt_flag & MNT_RDONLY) != 0;
	int error;

	if (mp->mnt_flag & MNT_UPDATE)
		return mount_update(mp);
	if ((error = vfs_mountargs_fspec(data, len, &fspec)) != 0)
		return error;
	if ((e2m = kmem_zalloc(sizeof(*e2m), KM_SLEEP)) == NULL)
		return ENOMEM;
	mutex_init(&e2m->e2m_lock);
	mutex_init(&e2m->e2m_sblock);
	e2m->e2m_mp = mp;
	e2m->e2m_ronly = true;	/* nothing is written until the checks pass */
	e2m->e2m_devronly = ronly;
	if ((error = vfs_opendev(fspec, ronly, &e2m->e2m_devvp, &e2m->e2m_bdev)) != 0)
		goto out_free;
	if ((error = ext2fs_sb_load(e2m, mp->mnt_flag)) != 0)
		goto out_closedev;
	if ((error = ext2fs_gd_load(e2m)) != 0)
		goto out_closedev;
	if ((error = check_root(e2m)) != 0)
		goto out_closedev;
	e2m->e2m_ronly = ronly;
	e2m->e2m_nextgen = e2_le32(e2m->e2m_sb.s_wtime);
	mp->mnt_data = e2m;
	if (!ronly && (error = mark_mounted(e2m)) != 0)
		goto out_closedev;
	snprintf(mp->mnt_stat_from, sizeof(mp->mnt_stat_from), "%s", fspec);
	return 0;

out_closedev:
	mp->mnt_data = NULL;
	vfs_closedev(e2m->e2m_devvp, e2m->e2m_bdev, ronly, NULL);
out_free:
	e2m_free(e2m);
	return error;
}

static int
ext2fs_unmount(struct mount *mp, int mntflags)
{
	struct ext2fs_mount *e2m = VFSTOE2M(mp);
	int error = 0;

	/* Unforced, a failed last write keeps the mount whole (the VFS keeps it listed): retry or force. */
	if (!e2m->e2m_ronly && (error = mark_unmounted(e2m)) != 0 && !(mntflags & MNT_FORCE))
		return error;
	vfs_closedev(e2m->e2m_devvp, e2m->e2m_bdev, e2m->e2m_devronly, e2m->e2m_wbdev);
	e2m_free(e2m);
	mp->mnt_data = NULL;
	return error;
}

static int
ext2fs_root(struct mount *mp, struct vnode **vpp)
{
	int error = vcache_get(mp, EXT2_ROOTINO, vpp);

	if (error == 0 && (*vpp)->v_type != VDIR) {
		kprintf("ext2fs: root inode is not a directory\n");
		vrele(*vpp);
		*vpp = NULL;
		return EIO;
	}
	return error == ENOENT ? EIO : error;
}

static int
ext2fs_statvfs(struct mount *mp, struct statvfs *sv)
{
	struct ext2fs_mount *e2m = VFSTOE2M(mp);

	mutex_enter(&e2m->e2m_lock);
	sv->f_bsize = e2m->e2m_bsize;
	sv->f_frsize = e2m->e2m_bsize;
	sv->f_blocks = e2m->e2m_nblocks - e2m->e2m_firstdata;
	sv->f_bfree = e2m->e2m_nbfree;
	sv->f_bavail = e2m->e2m_nbfree > e2m->e2m_rblocks ? e2m->e2m_nbfree - e2m->e2m_rblocks : 0;
	sv->f_files = e2m->e2m_ninodes;
	sv->f_ffree = e2m->e2m_nifree;
	sv->f_favail = e2m->e2m_nifree;
	sv->f_namemax = EXT2_NAME_MAX;
	mutex_exit(&e2m->e2m_lock);
	return 0;
}

static int
ext2fs_sync(struct mount *mp, int waitfor, kauth_cred_t cred)
{
	struct ext2fs_mount *e2m = VFSTOE2M(mp);
	int error;

	(void)cred;
	if (e2m->e2m_ronly)
		return 0;
	if ((error = ext2fs_sb_write(e2m, false)) != 0)
		return error;
	return vflushbuf(e2m->e2m_devvp, waitfor == MNT_WAIT);
}

static int
ext2fs_loadvnode(struct mount *mp, struct vnode *vp, ino_t ino)
{
	struct ext2fs_mount *e2m = VFSTOE2M(mp);
	struct ext2fs_inode *ip;
	int error;

	if (!ext2fs_ino_ok(e2m, ino))
		return ENOENT;
	if ((ip = kmem_alloc(sizeof(*ip), KM_SLEEP)) == NULL)
		return ENOMEM;
	ext2fs_inode_init(ip, e2m, ino);
	if ((error = ext2fs_iread(e2m, ino, ip)) != 0) {
		mutex_destroy(&ip->i_lock);
		kmem_free(ip, sizeof(*ip));
		return error;
	}
	ext2fs_setup_vnode(ip, vp);
	return 0;
}

/* A fresh inode: every byte of the on-disk copy is rewritten, so stale contents go. */
static void
newinode_fill(struct ext2fs_inode *ip, const struct vattr *vap, kauth_cred_t cred)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	struct timespec now;

	ip->i_mode = vtype_to_ifmt(vap->va_type) |
	    (vap->va_mode != (mode_t)VNOVAL ? vap->va_mode & 07777 : 0);
	ip->i_uid = vap->va_uid != (uid_t)VNOVAL ? vap->va_uid : kauth_cred_geteuid(cred);
	ip->i_gid = vap->va_gid != (gid_t)VNOVAL ? vap->va_gid : kauth_cred_getegid(cred);
	if (e2m->e2m_isize > EXT2_GOOD_OLD_INODE_SIZE)
		ip->i_extra = EXT2_WANT_EXTRA_ISIZE;
	vfs_timestamp(&now);
	ext2fs_time_fit(ip, &now);
	ip->i_atime = ip->i_mtime = ip->i_ctime = ip->i_crtime = now;
	if (!EXT2_EXTRA_COVERS(ip->i_extra, 152))
		ip->i_crtime.tv_sec = VNOVAL;
	mutex_enter(&e2m->e2m_lock);
	ip->i_gen = ++e2m->e2m_nextgen;
	mutex_exit(&e2m->e2m_lock);
	if ((vap->va_type == VCHR || vap->va_type == VBLK) && vap->va_rdev != (dev_t)VNOVAL)
		ext2fs_rdev_encode(ip, vap->va_rdev);
}

static int
ext2fs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
    const struct vattr *vap, kauth_cred_t cred, ino_t *inop)
{
	struct ext2fs_mount *e2m = VFSTOE2M(mp);
	struct ext2fs_inode *ip;
	ino_t ino;
	int error;

	switch (vap->va_type) {
	case VREG: case VDIR: case VLNK: case VCHR: case VBLK: case VFIFO: case VSOCK:
		break;
	default:
		return EINVAL;
	}
	if ((ip = kmem_alloc(sizeof(*ip), KM_SLEEP)) == NULL)
		return ENOMEM;
	error = ext2fs_ialloc(e2m, dvp != NULL ? VTOI(dvp)->i_number : EXT2_ROOTINO,
	    vap->va_type == VDIR, &ino);
	if (error) {
		kmem_free(ip, sizeof(*ip));
		return error;
	}
	ext2fs_inode_init(ip, e2m, ino);
	newinode_fill(ip, vap, cred);
	ext2fs_setup_vnode(ip, vp);
	*inop = ino;
	return 0;
}

static struct vfsops ext2fs_vfsops = {
	.vfs_name = "ext2fs",
	.vfs_mount = ext2fs_mount,
	.vfs_unmount = ext2fs_unmount,
	.vfs_root = ext2fs_root,
	.vfs_statvfs = ext2fs_statvfs,
	.vfs_sync = ext2fs_sync,
	.vfs_loadvnode = ext2fs_loadvnode,
	.vfs_newvnode = ext2fs_newvnode,
	.vfs_probe = ext2fs_probe,
	.vfs_check = genfs_nocheck,
	.vfs_fuzzmap = ext2fs_fuzzmap,
	.vfs_flags = VFSF_DEVICE,
};

VFS_COMPONENT(ext2fs, ext2fs_vfsops);
