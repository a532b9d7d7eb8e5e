/* rumpfs_node.c: rumpfs nodes: the inode table, attributes and time stamps. */
#include "rumpfs.h"

static void	ihash_insert(struct rumpfs_mount *rm, struct rumpfs_node *rn);
static void	ihash_remove(struct rumpfs_mount *rm, struct rumpfs_node *rn);
static void	ihash_grow(struct rumpfs_mount *rm);
static int	setattr_check(const struct rumpfs_node *rn, const struct vattr *vap);
static void	setattr_times(struct rumpfs_mount *rm, struct rumpfs_node *rn,
		    const struct vattr *vap);

static inline unsigned
ihash_slot(const struct rumpfs_mount *rm, ino_t ino)
{
	return (unsigned)(ino & (rm->rm_hashsize - 1));
}

/* rm_lock held. */
static void
ihash_insert(struct rumpfs_mount *rm, struct rumpfs_node *rn)
{
	struct rumpfs_node **headp = &rm->rm_hash[ihash_slot(rm, rn->rn_ino)];

	rn->rn_hnext = *headp;
	*headp = rn;
}

/* rm_lock held. */
static void
ihash_remove(struct rumpfs_mount *rm, struct rumpfs_node *rn)
{
	struct rumpfs_node **pp = &rm->rm_hash[ihash_slot(rm, rn->rn_ino)];

	while (*pp != rn) {
		KASSERT(*pp != NULL);
		pp = &(*pp)->rn_hnext;
	}
	*pp = rn->rn_hnext;
}

/*
 * Double the table when it is crowded.  The new table is allocated
 * without rm_lock held (kmem may run reclaimers that end up in this file
 * system); out of memory keeps the old one, with longer chains.
 */
static void
ihash_grow(struct rumpfs_mount *rm)
{
	struct rumpfs_node **new, **old, *rn;
	unsigned oldsize, newsize, i;

	mutex_enter(&rm->rm_lock);
	newsize = 2 * rm->rm_hashsize;
	mutex_exit(&rm->rm_lock);
	new = rumpfs_alloc(rm, newsize * sizeof(*new));
	if (new == NULL)
		return;
	mutex_enter(&rm->rm_lock);
	old = rm->rm_hash;
	oldsize = rm->rm_hashsize;
	if (oldsize * 2 != newsize) {
		/* Someone else grew it meanwhile. */
		mutex_exit(&rm->rm_lock);
		rumpfs_free(rm, new, newsize * sizeof(*new));
		return;
	}
	rm->rm_hash = new;
	rm->rm_hashsize = newsize;
	for (i = 0; i < oldsize; i++) {
		while ((rn = old[i]) != NULL) {
			old[i] = rn->rn_hnext;
			ihash_insert(rm, rn);
		}
	}
	mutex_exit(&rm->rm_lock);
	rumpfs_free(rm, old, oldsize * sizeof(*old));
}

/*
 * A new node with a fresh inode number, link count 0 (the caller links
 * it), all times now.  ENOSPC when out of memory.
 */
int
rumpfs_node_alloc(struct rumpfs_mount *rm, enum vtype type, mode_t mode,
    uid_t uid, gid_t gid, dev_t rdev, struct rumpfs_node **rnp)
{
	struct rumpfs_node *rn;
	struct timespec now;
	bool crowded;

	rn = rumpfs_alloc(rm, sizeof(*rn));
	if (rn == NULL)
		return ENOSPC;
	rn->rn_type = type;
	rn->rn_mode = mode & 07777;
	rn->rn_uid = uid;
	rn->rn_gid = gid;
	rn->rn_rdev = (type == VCHR || type == VBLK) ? rdev : 0;
	vfs_timestamp(&now);
	rn->rn_atime = rn->rn_mtime = rn->rn_ctime = rn->rn_birthtime = now;
	if (type == VDIR)
		rumpfs_dir_init(&rn->rn_dir, 0);

	mutex_enter(&rm->rm_lock);
	rn->rn_ino = rm->rm_nextino++;
	rn->rn_gen = rm->rm_nextgen++;
	ihash_insert(rm, rn);
	rm->rm_nnodes++;
	crowded = rm->rm_nnodes > 2 * (uint64_t)rm->rm_hashsize;
	mutex_exit(&rm->rm_lock);
	if (crowded)
		ihash_grow(rm);
	*rnp = rn;
	return 0;
}

struct rumpfs_node *
rumpfs_node_find(struct rumpfs_mount *rm, ino_t ino)
{
	struct rumpfs_node *rn;

	mutex_enter(&rm->rm_lock);
	for (rn = rm->rm_hash[ihash_slot(rm, ino)]; rn != NULL; rn = rn->rn_hnext)
		if (rn->rn_ino == ino)
			break;
	mutex_exit(&rm->rm_lock);
	return rn;
}

/* Free the contents (data, entries, target) of a node whose last link is gone. */
void
rumpfs_node_release_storage(struct rumpfs_mount *rm, struct rumpfs_node *rn)
{
	switch (rn->rn_type) {
	case VREG:
		rumpfs_data_free(rm, &rn->rn_file);
		break;
	case VDIR:
		rumpfs_dir_free_all(rm, &rn->rn_dir);
		break;
	case VLNK:
		if (rn->rn_target != NULL)
			rumpfs_free(rm, rn->rn_target, (size_t)rn->rn_size + 1);
		rn->rn_target = NULL;
		break;
	default:
		break;
	}
	rn->rn_size = 0;
}

/* Take the node out of the inode table and free it with everything it holds. */
void
rumpfs_node_destroy(struct rumpfs_mount *rm, struct rumpfs_node *rn)
{
	rumpfs_node_release_storage(rm, rn);
	mutex_enter(&rm->rm_lock);
	ihash_remove(rm, rn);
	KASSERT(rm->rm_nnodes > 0);
	rm->rm_nnodes--;
	mutex_exit(&rm->rm_lock);
	rumpfs_free(rm, rn, sizeof(*rn));
}

/* Unmount: every vnode is gone, so every node left can go. */
void
rumpfs_node_destroy_all(struct rumpfs_mount *rm)
{
	struct rumpfs_node *rn;
	unsigned i;

	for (i = 0; i < rm->rm_hashsize; i++)
		while ((rn = rm->rm_hash[i]) != NULL)
			rumpfs_node_destroy(rm, rn);
	KASSERT(rm->rm_nnodes == 0);
}

void
rumpfs_node_setup_vnode(struct rumpfs_node *rn, struct vnode *vp)
{
	vp->v_type = rn->rn_type;
	vp->v_op = &rumpfs_vnodeops;
	vp->v_data = rn;
	vp->v_rdev = rn->rn_rdev;
	if (rn->rn_ino == RUMPFS_ROOTINO)
		vp->v_vflag |= VV_ROOT;
}

void
rumpfs_node_touch(struct rumpfs_mount *rm, struct rumpfs_node *rn, int which)
{
	struct timespec now;

	vfs_timestamp(&now);
	mutex_enter(&rm->rm_lock);
	if (which & RUMPFS_ATIME)
		rn->rn_atime = now;
	if (which & RUMPFS_MTIME)
		rn->rn_mtime = now;
	if (which & RUMPFS_CTIME)
		rn->rn_ctime = now;
	mutex_exit(&rm->rm_lock);
}

void
rumpfs_node_getattr(struct rumpfs_mount *rm, struct rumpfs_node *rn, struct vattr *vap)
{
	memset(vap, 0, sizeof(*vap));
	vap->va_type = rn->rn_type;
	vap->va_mode = rn->rn_mode;
	vap->va_nlink = rn->rn_nlink;
	vap->va_uid = rn->rn_uid;
	vap->va_gid = rn->rn_gid;
	vap->va_fsid = rm->rm_mp->mnt_fsid;
	vap->va_fileid = rn->rn_ino;
	vap->va_blocksize = RUMPFS_CHUNK;
	vap->va_gen = rn->rn_gen;
	vap->va_rdev = rn->rn_rdev;
	switch (rn->rn_type) {
	case VREG:
		vap->va_size = rn->rn_size;
		vap->va_bytes = rn->rn_file.file_nchunks * RUMPFS_CHUNK;
		break;
	case VDIR:
		vap->va_size = (off_t)rn->rn_dir.dir_size;
		vap->va_bytes = roundup(rn->rn_dir.dir_size, RUMPFS_CHUNK);
		break;
	default:
		vap->va_size = rn->rn_size;
		vap->va_bytes = 0;
		break;
	}
	vap->va_birthtime = rn->rn_birthtime;
	mutex_enter(&rm->rm_lock);
	vap->va_atime = rn->rn_atime;
	vap->va_mtime = rn->rn_mtime;
	vap->va_ctime = rn->rn_ctime;
	mutex_exit(&rm->rm_lock);
}

/* Refuse what cannot be applied before anything changes. */
static int
setattr_check(const struct rumpfs_node *rn, const struct vattr *vap)
{
	if (vap->va_size == VNOVAL)
		return 0;
	switch (rn->rn_type) {
	case VREG:
		if (vap->va_size < 0)
			return EINVAL;
		if (vap->va_size > RUMPFS_MAXFILESIZE)
			return EFBIG;
		return 0;
	case VDIR:
		return EISDIR;
	case VLNK:
		return EINVAL;
	default:
		return 0;	/* truncating a device or fifo is ignored */
	}
}

static void
setattr_times(struct rumpfs_mount *rm, struct rumpfs_node *rn, const struct vattr *vap)
{
	struct timespec now;

	vfs_timestamp(&now);
	mutex_enter(&rm->rm_lock);
	if (vap->va_atime.tv_sec != VNOVAL)
		rn->rn_atime = vap->va_atime;
	if (vap->va_mtime.tv_sec != VNOVAL)
		rn->rn_mtime = vap->va_mtime;
	if (vap->va_birthtime.tv_sec != VNOVAL)
		rn->rn_birthtime = vap->va_birthtime;
	rn->rn_ctime = now;
	mutex_exit(&rm->rm_lock);
}

/* Apply the fields of vap that are not VNOVAL (the VFS has checked permission). */
int
rumpfs_node_setattr(struct rumpfs_mount *rm, struct rumpfs_node *rn,
    const struct vattr *vap, kauth_cred_t cred)
{
	int error;

	(void)cred;
	error = setattr_check(rn, vap);
	if (error)
		return error;
	if (vap->va_mode != (mode_t)VNOVAL)
		rn->rn_mode = vap->va_mode & 07777;
	if (vap->va_uid != (uid_t)VNOVAL)
		rn->rn_uid = vap->va_uid;
	if (vap->va_gid != (gid_t)VNOVAL)
		rn->rn_gid = vap->va_gid;
	if (vap->va_size != VNOVAL && rn->rn_type == VREG) {
		rumpfs_data_truncate(rm, rn, vap->va_size);
		rumpfs_node_touch(rm, rn, RUMPFS_MTIME);
	}
	setattr_times(rm, rn, vap);
	return 0;
}
