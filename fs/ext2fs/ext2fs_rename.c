/* ext2fs_rename.c: rename: replacing or adding the target name, removing the source, fixing "..". */
#include "ext2fs.h"

/* Point tcnp in tdp at fip, replacing tip (checked empty when a directory). */
static int
rename_replace(struct ext2fs_inode *tdp, struct ext2fs_inode *tip,
    const struct componentname *tcnp, struct ext2fs_inode *fip)
{
	struct ext2fs_dirpos tpos;
	bool empty;
	int error;

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
	if ((error = ext2fs_dir_rewrite(tdp, &tpos, fip->i_number, ITOV(fip)->v_type)) != 0)
		return error;
	if (S_ISDIR(tip->i_mode)) {
		tip->i_nlink = 0;
		if (tdp->i_nlink > 1)
			tdp->i_nlink--;	/* the replaced directory's ".." */
	} else if (tip->i_nlink > 0)
		tip->i_nlink--;
	ext2fs_itimes(tip, E2_CTIME);
	return ext2fs_iupdate(tip, false);
}

/* A directory moved to another parent: its ".." follows. */
static int
rename_dotdot(struct ext2fs_inode *fip, struct ext2fs_inode *fdp, struct ext2fs_inode *tdp)
{
	struct ext2fs_dirpos pos;
	int error;

	if ((error = ext2fs_dir_find(fip, "..", 2, &pos)) != 0) {
		kprintf("ext2fs: directory inode %ju has no \"..\"\n", (uintmax_t)fip->i_number);
		return error == ENOENT ? EIO : error;
	}
	if ((error = ext2fs_dir_rewrite(fip, &pos, tdp->i_number, VDIR)) != 0)
		return error;
	if (fdp->i_nlink > 1)
		fdp->i_nlink--;
	return 0;
}

int
ext2fs_rename(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp)
{
	struct ext2fs_inode *fdp = VTOI(fdvp), *fip = VTOI(fvp), *tdp = VTOI(tdvp);
	bool isdir = S_ISDIR(fip->i_mode), reparent = isdir && fdp != tdp;
	struct ext2fs_dirpos fpos;
	int error, e;

	if ((error = ext2fs_dir_find(fdp, fcnp->cn_nameptr, fcnp->cn_namelen, &fpos)) != 0)
		return error;
	if (fpos.dp_ino != fip->i_number)
		return ENOENT;
	if (tvp != NULL) {
		error = rename_replace(tdp, VTOI(tvp), tcnp, fip);
	} else {
		if (reparent && tdp->i_nlink >= EXT2_LINK_MAX)
			return EMLINK;
		error = ext2fs_dir_enter(tdp, tcnp->cn_nameptr, tcnp->cn_namelen, fip->i_number,
		    fvp->v_type, tcnp->cn_cred);
	}
	if (error)
		return error;
	if (reparent)
		tdp->i_nlink++;
	/* Adding to the same directory may have split records: find the source again. */
	if ((error = ext2fs_dir_find(fdp, fcnp->cn_nameptr, fcnp->cn_namelen, &fpos)) == 0)
		error = ext2fs_dir_remove(fdp, &fpos);
	if (error == 0 && reparent)
		error = rename_dotdot(fip, fdp, tdp);
	ext2fs_itimes(fip, E2_CTIME);
	ext2fs_itimes(fdp, E2_MTIME | E2_CTIME);
	ext2fs_itimes(tdp, E2_MTIME | E2_CTIME);
	if ((e = ext2fs_iupdate(fip, false)) != 0 && error == 0)
		error = e;
	if ((e = ext2fs_iupdate(fdp, false)) != 0 && error == 0)
		error = e;
	if ((e = ext2fs_iupdate(tdp, false)) != 0 && error == 0)
		error = e;
	return error;
}
