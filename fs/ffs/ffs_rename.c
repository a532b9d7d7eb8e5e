/* ffs_rename.c: rename in every POSIX case: to a new name, over a file, over an empty directory, across directories. */
#include "ffs.h"

/* Put fip under tcnp in tdp, replacing tip if given. */
static int
rename_target(struct ffs_inode *tdp, struct ffs_inode *fip, struct ffs_inode *tip,
    const struct componentname *tcnp, bool isdir, bool samedir)
{
	bool empty;
	int error;

	if (tip == NULL) {
		if (isdir && !samedir && tdp->i_nlink >= FFS_LINK_MAX)
			return EMLINK;
		return ffs_dir_enter(tdp, tcnp->cn_nameptr, tcnp->cn_namelen, fip->i_number,
		    fip->i_mode, tcnp->cn_cred);
	}
	if ((tip->i_mode & FFS_IFMT) == FFS_IFDIR) {
		if ((error = ffs_dir_isempty(tip, &empty)) != 0)
			return error;
		if (!empty)
			return ENOTEMPTY;
	}
	error = ffs_dir_rewrite(tdp, tcnp->cn_nameptr, tcnp->cn_namelen, fip->i_number,
	    fip->i_mode);
	if (error)
		return error;
	if ((tip->i_mode & FFS_IFMT) == FFS_IFDIR) {
		tip->i_nlink = 0;	/* its name and its "." */
		tdp->i_nlink--;		/* its ".." */
	} else {
		tip->i_nlink--;
	}
	ffs_inode_touch(tip, false, true);
	return ffs_update(tip, false);
}

int
ffs_rename(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp)
{
	struct ffs_inode *fdp = VTOI(fdvp), *fip = VTOI(fvp), *tdp = VTOI(tdvp);
	struct ffs_inode *tip = tvp != NULL ? VTOI(tvp) : NULL;
	bool isdir = fvp->v_type == VDIR, samedir = fdvp == tdvp;
	uint32_t ino;
	int error;

	if (tdp->i_nlink == 0)
		return ENOENT;
	/* The source name must still name fvp. */
	error = ffs_dir_find(fdp, fcnp->cn_nameptr, fcnp->cn_namelen, &ino);
	if (error || ino != fip->i_number)
		return error ? error : ENOENT;
	/*
	 * Every name is counted before it reaches the disk and uncounted
	 * after it is gone: a cut in between leaves a link count above the
	 * names, which fsck -p lowers (one below it will not raise).
	 */
	fip->i_nlink++;
	if ((error = ffs_update(fip, false)) != 0 ||
	    (error = rename_target(tdp, fip, tip, tcnp, isdir, samedir)) != 0) {
		fip->i_nlink--;
		ffs_nlink_undone(fip, ffs_update(fip, false));
		return error;
	}
	/* failing here leaves both names, and both counted */
	if ((error = ffs_dir_remove(fdp, fcnp->cn_nameptr, fcnp->cn_namelen)) != 0)
		return error;
	fip->i_nlink--;
	if (isdir && !samedir) {
		tdp->i_nlink++;
		if ((error = ffs_update(tdp, false)) == 0)
			error = ffs_dir_rewrite(fip, "..", 2, tdp->i_number, FFS_IFDIR);
		fdp->i_nlink--;
	}
	ffs_inode_touch(fip, false, true);
	if (error == 0)
		error = ffs_update(fip, false);
	if (error == 0)
		error = ffs_update(fdp, false);
	if (error == 0 && !samedir)
		error = ffs_update(tdp, false);
	return error;
}
