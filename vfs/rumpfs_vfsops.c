/* rumpfs_vfsops.c: rumpfs mounts: per-mount state, root, statvfs, loading and creating vnodes. */
#include <stdio.h>

#include "rumpfs.h"
#include "component.h"
#include "genfs.h"

static int	rumpfs_mount(struct mount *mp, void *data, size_t len);
static int	rumpfs_unmount(struct mount *mp, int mntflags);
static int	rumpfs_root(struct mount *mp, struct vnode **vpp);
static int	rumpfs_statvfs(struct mount *mp, struct statvfs *sv);
static int	rumpfs_sync(struct mount *mp, int waitfor, kauth_cred_t cred);
static int	rumpfs_loadvnode(struct mount *mp, struct vnode *vp, ino_t ino);
static int	rumpfs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
		    const struct vattr *vap, kauth_cred_t cred, ino_t *inop);
static int	rumpfs_make_root(struct rumpfs_mount *rm);

#define RUMPFS_IHASH_INITIAL	64

/* Zeroed memory counted against the mount; NULL at the kernel's memory limit. */
void *
rumpfs_alloc(struct rumpfs_mount *rm, size_t size)
{
	void *p;

	p = kmem_zalloc(size, KM_SLEEP);
	if (p != NULL)
		__atomic_add_fetch(&rm->rm_bytes, size, __ATOMIC_RELAXED);
	return p;
}

void
rumpfs_free(struct rumpfs_mount *rm, void *p, size_t size)
{
	KASSERT(__atomic_load_n(&rm->rm_bytes, __ATOMIC_RELAXED) >= size);
	__atomic_sub_fetch(&rm->rm_bytes, size, __ATOMIC_RELAXED);
	kmem_free(p, size);
}

/* The root directory: inode 2, 0755 root:root, its own parent. */
static int
rumpfs_make_root(struct rumpfs_mount *rm)
{
	struct rumpfs_node *rn;
	int error;

	rm->rm_nextino = RUMPFS_ROOTINO;
	error = rumpfs_node_alloc(rm, VDIR, 0755, 0, 0, 0, &rn);
	if (error)
		return error;
	KASSERT(rn->rn_ino == RUMPFS_ROOTINO);
	rn->rn_dir.dir_parent = RUMPFS_ROOTINO;
	rn->rn_nlink = 2;
	return 0;
}

/* data/len carry nothing for rumpfs and are ignored. */
static int
rumpfs_mount(struct mount *mp, void *data, size_t len)
{
	struct rumpfs_mount *rm;
	int error;

	(void)data;
	(void)len;
	if (mp->mnt_flag & MNT_UPDATE)
		return 0;	/* only flags change, and the VFS keeps those */
	rm = kmem_zalloc(sizeof(*rm), KM_SLEEP);
	if (rm == NULL)
		return ENOMEM;
	rm->rm_mp = mp;
	rm->rm_hash = rumpfs_alloc(rm, RUMPFS_IHASH_INITIAL * sizeof(*rm->rm_hash));
	if (rm->rm_hash == NULL) {
		error = ENOMEM;
		goto out_rm;
	}
	rm->rm_hashsize = RUMPFS_IHASH_INITIAL;
	rm->rm_nextgen = 1;
	mutex_init(&rm->rm_lock);
	error = rumpfs_make_root(rm);
	if (error)
		goto out_hash;
	mp->mnt_data = rm;
	snprintf(mp->mnt_stat_from, sizeof(mp->mnt_stat_from), "rumpfs");
	return 0;

out_hash:
	mutex_destroy(&rm->rm_lock);
	rumpfs_free(rm, rm->rm_hash, rm->rm_hashsize * sizeof(*rm->rm_hash));
out_rm:
	kmem_free(rm, sizeof(*rm));
	return error;
}

/* Every vnode has been flushed: free every node and the mount. */
static int
rumpfs_unmount(struct mount *mp, int mntflags)
{
	struct rumpfs_mount *rm = VFSTORUMPFS(mp);

	(void)mntflags;
	rumpfs_node_destroy_all(rm);
	rumpfs_free(rm, rm->rm_hash, rm->rm_hashsize * sizeof(*rm->rm_hash));
	KASSERTMSG(rm->rm_bytes == 0, "rumpfs: %ju bytes leaked at unmount",
	    (uintmax_t)rm->rm_bytes);
	mutex_destroy(&rm->rm_lock);
	kmem_free(rm, sizeof(*rm));
	mp->mnt_data = NULL;
	return 0;
}

static int
rumpfs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, RUMPFS_ROOTINO, vpp);
}

/* Space is the kernel's memory: its limit, or a large fixed size when unlimited. */
static int
rumpfs_statvfs(struct mount *mp, struct statvfs *sv)
{
	struct rumpfs_mount *rm = VFSTORUMPFS(mp);
	uint64_t total = kmem_limit(), used = kmem_inuse(), avail, nodes;

	if (total == 0)
		total = RUMPFS_UNLIMITED_BYTES;
	avail = total > used ? total - used : 0;
	mutex_enter(&rm->rm_lock);
	nodes = rm->rm_nnodes;
	mutex_exit(&rm->rm_lock);

	sv->f_bsize = RUMPFS_CHUNK;
	sv->f_frsize = RUMPFS_CHUNK;
	sv->f_blocks = total / RUMPFS_CHUNK;
	sv->f_bfree = avail / RUMPFS_CHUNK;
	sv->f_bavail = sv->f_bfree;
	sv->f_ffree = avail / sizeof(struct rumpfs_node);
	sv->f_favail = sv->f_ffree;
	sv->f_files = nodes + sv->f_ffree;
	sv->f_namemax = RUMPFS_NAME_MAX;
	return 0;
}

/* Memory is the medium: nothing to write. */
static int
rumpfs_sync(struct mount *mp, int waitfor, kauth_cred_t cred)
{
	(void)mp;
	(void)waitfor;
	(void)cred;
	return 0;
}

static int
rumpfs_loadvnode(struct mount *mp, struct vnode *vp, ino_t ino)
{
	struct rumpfs_node *rn;

	rn = rumpfs_node_find(VFSTORUMPFS(mp), ino);
	if (rn == NULL || rn->rn_nlink == 0)
		return ENOENT;
	rumpfs_node_setup_vnode(rn, vp);
	return 0;
}

/* A node of vap's type and owner; the op that asked links it into a directory. */
static int
rumpfs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
    const struct vattr *vap, kauth_cred_t cred, ino_t *inop)
{
	struct rumpfs_node *rn;
	uid_t uid;
	gid_t gid;
	dev_t rdev;
	int error;

	(void)dvp;
	switch (vap->va_type) {
	case VREG: case VDIR: case VLNK: case VCHR: case VBLK: case VFIFO: case VSOCK:
		break;
	default:
		return EINVAL;
	}
	uid = vap->va_uid != (uid_t)VNOVAL ? vap->va_uid : kauth_cred_geteuid(cred);
	gid = vap->va_gid != (gid_t)VNOVAL ? vap->va_gid : kauth_cred_getegid(cred);
	rdev = vap->va_rdev != (dev_t)VNOVAL ? vap->va_rdev : 0;
	error = rumpfs_node_alloc(VFSTORUMPFS(mp), vap->va_type,
	    vap->va_mode != (mode_t)VNOVAL ? vap->va_mode : 0, uid, gid, rdev, &rn);
	if (error)
		return error;
	rumpfs_node_setup_vnode(rn, vp);
	*inop = rn->rn_ino;
	return 0;
}

static struct vfsops rumpfs_vfsops = {
	.vfs_name = "rumpfs",
	.vfs_mount = rumpfs_mount,
	.vfs_unmount = rumpfs_unmount,
	.vfs_root = rumpfs_root,
	.vfs_statvfs = rumpfs_statvfs,
	.vfs_sync = rumpfs_sync,
	.vfs_loadvnode = rumpfs_loadvnode,
	.vfs_newvnode = rumpfs_newvnode,
	.vfs_probe = genfs_noprobe,
	.vfs_check = genfs_nocheck,
	.vfs_fuzzmap = genfs_nofuzzmap,
};

VFS_COMPONENT(rumpfs, rumpfs_vfsops);
