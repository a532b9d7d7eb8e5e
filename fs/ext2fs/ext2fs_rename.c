/* ext2fs_rename.c: rename: the target name set, ".." moved, the source removed; a failed step undoes the ones before. */
#include "ext2fs.h"

/* tcnp in tdp names fip now: replacing tip (checked empty when a directory), or a new entry. */
static int
target_set(struct ext2fs_inode *tdp, struct ext2fs_inode *tip, const struct componentname *tcnp,
    struct ext2fs_inode *fip)
{
	struct ext2fs_dirpos tpos;
	bool empty;
	int error;

	if (tip == NULL)
		return ext2fs_dir_enter(tdp, tcnp->cn_nameptr, tcnp->cn_namelen, fip->i_number,
		    ITOV(fip)->v_type, tcnp->cn_cred);
	if (S_ISDIR(tip->i_mode)) {
		if ((error = ext2fs_dir_isempty(tip, &empty)) != 0)
			return error;
		if (!empty)
			return ENOTEMPTY;
	}
	if ((error = ext2fs_dir_find(tdp, tcnp->cn_nameptr, tcnp->cn_namelen, &tpos)) != 0)
		return error;
	if (tpos.dp_ino != tip->i_number)
		return ENOENT;
	return ext2fs_dir_rewrite(tdp, &tpos, fip->i_number, ITOV(fip)->v_type);
}

/* Undo target_set: the name goes back to tip, or goes. */
static int
target_unset(struct ext2fs_inode *tdp, struct ext2fs_inode *tip, const struct componentname *tcnp)
{
	struct ext2fs_dirpos tpos;
	int error;

	if ((error = ext2fs_dir_find(tdp, tcnp->cn_nameptr, tcnp->cn_namelen, &tpos)) != 0)
		return error;
	if (tip == NULL)
		return ext2fs_dir_remove(tdp, &tpos);
	return ext2fs_dir_rewrite(tdp, &tpos, tip->i_number, ITOV(tip)->v_type);
}

/* The link counts once every name is in place. */
static void
links_commit(struct ext2fs_inode *fdp, struct ext2fs_inode *tdp, struct ext2fs_inode *tip,
    bool reparent)
{
	if (tip != NULL && S_ISDIR(tip->i_mode)) {
		tip->i_nlink = 0;
		if (tdp->i_nlink > 1)
			tdp->i_nlink--;	/* the replaced directory's ".." */
	} else if (tip != NULL && tip->i_nlink > 0)
		tip->i_nlink--;
	if (reparent) {
		tdp->i_nlink++;
		if (fdp->i_nlink > 1)
			fdp->i_nlink--;
	}
}

static int
iupdate_all(struct ext2fs_inode *fip, struct ext2fs_inode *fdp, struct ext2fs_inode *tdp,
    struct ext2fs_inode *tip)
{
	struct ext2fs_inode *ips[] = { fip, fdp, tdp, tip };
	int error = 0, e;

	ext2fs_itimes(fip, E2_CTIME);
	ext2fs_itimes(fdp, E2_MTIME | E2_CTIME);
	ext2fs_itimes(tdp, E2_MTIME | E2_CTIME);
	if (tip != NULL)
		ext2fs_itimes(tip, E2_CTIME);
	for (size_t i = 0; i < sizeof(ips) / sizeof(ips[0]); i++)
		if (ips[i] != NULL && (e = ext2fs_iupdate(ips[i], false)) != 0 && error == 0)
			error = e;
	return error;
}

/*
 * The steps that can fail for memory or I/O come in an order that can be
 * walked back: the target name, then "..", then the source name; link
 * counts change only when all three are done.  The walk back draws on the
 * memory reserve; if it fails too (I/O), the file system is marked for
 * checking.
 */
int
ext2fs_rename(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp)
{
	struct ext2fs_inode *fdp = VTOI(fdvp), *fip = VTOI(fvp), *tdp = VTOI(tdvp);
	struct ext2fs_inode *tip = tvp != NULL ? VTOI(tvp) : NULL;
	bool reparent = S_ISDIR(fip->i_mode) && fdp != tdp;
	struct ext2fs_dirpos fpos, dpos;
	int error, e = 0;

	if ((error = ext2fs_dir_find(fdp, fcnp->cn_nameptr, fcnp->cn_namelen, &fpos)) != 0)
		return error;
	if (fpos.dp_ino != fip->i_number)
		return ENOENT;
	if (reparent && tip == NULL && tdp->i_nlink >= EXT2_LINK_MAX)
		return EMLINK;
	if (reparent && (error = ext2fs_dir_find(fip, "..", 2, &dpos)) != 0) {
		if (error != ENOENT)
			return error;
		kprintf("ext2fs: directory inode %ju has no \"..\"\n", (uintmax_t)fip->i_number);
		return EIO;
	}
	if ((error = target_set(tdp, tip, tcnp, fip)) != 0)
		return error;
	if (reparent && (error = ext2fs_dir_rewrite(fip, &dpos, tdp->i_number, VDIR)) != 0)
		goto undo_target;
	/* Adding to the same directory may have split records: find the source again. */
	if ((error = ext2fs_dir_find(fdp, fcnp->cn_nameptr, fcnp->cn_namelen, &fpos)) != 0 ||
	    (error = ext2fs_dir_remove(fdp, &fpos)) != 0)
		goto undo_dotdot;
	links_commit(fdp, tdp, tip, reparent);
	return iupdate_all(fip, fdp, tdp, tip);

undo_dotdot:
	kmem_reserve_enter();
	if (reparent)
		e = ext2fs_dir_rewrite(fip, &dpos, fdp->i_number, VDIR);
	kmem_reserve_exit();
undo_target:
	kmem_reserve_enter();
	if (e == 0)
		e = target_unset(tdp, tip, tcnp);
	kmem_reserve_exit();
	if (e != 0)
		ext2fs_corrupt(fdp->i_e2m, "ext2fs: rename of inode %ju failed (error %d) and could "
		    "not be undone (error %d)\n", (uintmax_t)fip->i_number, error, e);
	return error;
}
