/* ffs_lookup.c: finding a name in a directory. */
#include "ffs.h"
#include "genfs.h"
#include "namei.h"

/* The inode number of name in dp: 0, ENOENT, or EIO for a damaged directory. */
int
ffs_dir_find(struct ffs_inode *dp, const char *name, size_t namelen, uint32_t *inop)
{
	uint64_t off;

	return ffs_dir_locate(dp, name, namelen, &off, inop);
}

int
ffs_lookup(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp)
{
	struct ffs_inode *dp = VTOI(dvp);
	uint32_t ino;
	bool done;
	int error;

	if ((error = genfs_lookup_self(dvp, dp->i_nlink < 0 ? 0 : (uint32_t)dp->i_nlink, cnp, vpp,
	    &done)) != 0 || done)
		return error;
	error = ffs_dir_find(dp, cnp->cn_nameptr, cnp->cn_namelen, &ino);
	if (error)
		return error;
	if (ino == dp->i_number && dp->i_number == FFS_ROOTINO && cnp->cn_namelen == 2 &&
	    memcmp(cnp->cn_nameptr, "..", 2) == 0) {
		vref(dvp);	/* the root is its own parent */
		*vpp = dvp;
		return 0;
	}
	if (ino == dp->i_number) {
		/* Only "." may name the directory itself; anything else is damage. */
		ffs_corrupt(dp->i_fm, "ffs: directory inode %ju: entry names the directory itself\n",
		    (uintmax_t)dp->i_number);
		return EIO;
	}
	return vcache_get(dvp->v_mount, ino, vpp);
}
