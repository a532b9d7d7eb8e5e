/* ffs_rename.c: rename through genfs_rename: FFS's directory entries and link counts as its hooks. */
#include "ffs.h"
#include "genfs.h"

static int
rn_lookup(struct vnode *dvp, const char *name, size_t len, ino_t *inop)
{
	uint32_t ino;
	int error;

	if ((error = ffs_dir_find(VTOI(dvp), name, len, &ino)) != 0)
		return error;
	*inop = ino;
	return 0;
}

static int
rn_enter(struct vnode *dvp, const struct componentname *cnp, struct vnode *vp)
{
	struct ffs_inode *ip = VTOI(vp);

	return ffs_dir_enter(VTOI(dvp), cnp->cn_nameptr, cnp->cn_namelen, ip->i_number,
	    ip->i_mode, cnp->cn_cred);
}

static int
rn_rewrite(struct vnode *dvp, const char *name, size_t len, struct vnode *vp)
{
	struct ffs_inode *ip = VTOI(vp);

	return ffs_dir_rewrite(VTOI(dvp), name, len, ip->i_number, ip->i_mode);
}

static int
rn_remove(struct vnode *dvp, const char *name, size_t len)
{
	return ffs_dir_remove(VTOI(dvp), name, len);
}

static int
rn_isempty(struct vnode *dvp, bool *emptyp)
{
	return ffs_dir_isempty(VTOI(dvp), emptyp);
}

static uint32_t
rn_nlink(struct vnode *vp)
{
	int32_t n = VTOI(vp)->i_nlink;

	return n < 0 ? 0 : (uint32_t)n;
}

static void
rn_setnlink(struct vnode *vp, uint32_t nlink)
{
	VTOI(vp)->i_nlink = (int32_t)nlink;
}

static int
rn_update(struct vnode *vp, unsigned times)
{
	struct ffs_inode *ip = VTOI(vp);

	if (times != 0)
		ffs_inode_touch(ip, (times & GENFS_UPD_MTIME) != 0, (times & GENFS_UPD_CTIME) != 0);
	return ffs_update(ip, false);
}

static void
rn_undone(struct vnode *vp, int error)
{
	if (error != 0)
		ffs_corrupt(VTOI(vp)->i_fm, "ffs: inode %ju: undoing a failed rename failed (error %d)\n",
		    (uintmax_t)VTOI(vp)->i_number, error);
}

static const struct genfs_renameops ffs_renameops = {
	.gr_linkmax = FFS_LINK_MAX,
	.gr_lookup = rn_lookup,
	.gr_enter = rn_enter,
	.gr_rewrite = rn_rewrite,
	.gr_remove = rn_remove,
	.gr_isempty = rn_isempty,
	.gr_nlink = rn_nlink,
	.gr_setnlink = rn_setnlink,
	.gr_update = rn_update,
	.gr_undone = rn_undone,
};

int
ffs_rename(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp)
{
	return genfs_rename(fdvp, fvp, fcnp, tdvp, tvp, tcnp, &ffs_renameops);
}
