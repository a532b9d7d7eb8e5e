/* ffs_lookup.c: finding a name in a directory. */
#include "ffs.h"
#include "namei.h"

struct find_state {
	const char	*fs_name;
	size_t		fs_namelen;
	uint32_t	fs_ino;
};

#define FIND_FOUND	(-1)	/* internal: stop walking */

static int
find_one(void *arg, const struct ffs_dirent *de, uint64_t off)
{
	struct find_state *st = arg;

	(void)off;
	if (de->de_namlen != st->fs_namelen || memcmp(de->de_name, st->fs_name, st->fs_namelen))
		return 0;
	st->fs_ino = de->de_ino;
	return FIND_FOUND;
}

/* The inode number of name in dp: 0, ENOENT, or EIO for a damaged directory. */
int
ffs_dir_find(struct ffs_inode *dp, const char *name, size_t namelen, uint32_t *inop)
{
	struct find_state st = { .fs_name = name, .fs_namelen = namelen, .fs_ino = 0 };
	int error;

	error = ffs_dir_walk(dp, 0, find_one, &st);
	if (error == FIND_FOUND) {
		*inop = st.fs_ino;
		return 0;
	}
	return error ? error : ENOENT;
}

int
ffs_lookup(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp)
{
	struct ffs_inode *dp = VTOI(dvp);
	uint32_t ino;
	int error;

	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (dp->i_nlink == 0)
		return ENOENT;
	if (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.') {
		vref(dvp);
		*vpp = dvp;
		return 0;
	}
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
		kprintf("ffs: directory inode %ju: entry names the directory itself\n",
		    (uintmax_t)dp->i_number);
		return EIO;
	}
	return vcache_get(dvp->v_mount, ino, vpp);
}
