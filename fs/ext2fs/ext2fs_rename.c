/* ext2fs_rename.c: rename through genfs_rename: ext2's directory entries and link counts as its hooks. */
#include "ext2fs.h"
#include "genfs.h"

static int
rn_lookup(struct vnode *dvp, const char *name, size_t len, ino_t *inop)
{
	struct ext2fs_dirpos pos;
	int error;

	if ((error = ext2fs_dir_find(VTOI(dvp), name, len, &pos)) != 0)
		return error;
	*inop = pos.dp_ino;
	return 0;
}

static int
rn_enter(struct vnode *dvp, const struct componentname *cnp, struct vnode *vp)
{
	return ext2fs_dir_enter(VTOI(dvp), cnp->cn_nameptr, cnp->cn_namelen, VTOI(vp)->i_number,
	    vp->v_type, cnp->cn_cred);
}

/* Found again each time: adding to a directory may have split its records. */
static int
rn_rewrite(struct vnode *dvp, const char *name, size_t len, struct vnode *vp)
{
	struct ext2fs_dirpos pos;
	int error;

	if ((error = ext2fs_dir_find(VTOI(dvp), name, len, &pos)) != 0)
		return error;
	return ext2fs_dir_rewrite(VTOI(dvp), &pos, VTOI(vp)->i_number, vp->v_type);
}

static int
rn_remove(struct vnode *dvp, const char *name, size_t len)
{
	struct ext2fs_dirpos pos;
	int error;

	if ((error = ext2fs_dir_find(VTOI(dvp), name, len, &pos)) != 0)
		return error;
	return ext2fs_dir_remove(VTOI(dvp), &pos);
}

static int
rn_isempty(struct vnode *dvp, bool *emptyp)
{
	return ext2fs_dir_isempty(VTOI(dvp), emptyp);
}

static uint32_t
rn_nlink(struct vnode *vp)
{
	return VTOI(vp)->i_nlink;
}

static void
rn_setnlink(struct vnode *vp, uint32_t nlink)
{
	VTOI(vp)->i_nlink = nlink;
}

static int
rn_update(struct vnode *vp, unsigned times)
{
	struct ext2fs_inode *ip = VTOI(vp);
	int which = ((times & GENFS_UPD_MTIME) ? E2_MTIME : 0) |
	    ((times & GENFS_UPD_CTIME) ? E2_CTIME : 0);

	if (which != 0)
		ext2fs_itimes(ip, which);
	return ext2fs_iupdate(ip, false);
}

static void
rn_undone(struct vnode *vp, int error)
{
	ext2fs_undone(VTOI(vp), error);
}

static const struct genfs_renameops ext2fs_renameops = {
	.gr_linkmax = EXT2_LINK_MAX,
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
ext2fs_rename(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp)
{
	return genfs_rename(fdvp, fvp, fcnp, tdvp, tvp, tcnp, &ext2fs_renameops);
}
