/* genfs.h: operations shared by file systems: defaults for the ops they lack. */
#ifndef VFS_GENFS_H
#define VFS_GENFS_H

#include "vnode_if.h"

/* EOPNOTSUPP for each op a file system does not have. */
int genfs_eopnotsupp_create(struct vnode *, struct vnode **, const struct componentname *, const struct vattr *);
int genfs_eopnotsupp_mknod(struct vnode *, struct vnode **, const struct componentname *, const struct vattr *);
int genfs_eopnotsupp_mkdir(struct vnode *, struct vnode **, const struct componentname *, const struct vattr *);
int genfs_eopnotsupp_symlink(struct vnode *, struct vnode **, const struct componentname *, const struct vattr *, const char *);
int genfs_eopnotsupp_setattr(struct vnode *, const struct vattr *, kauth_cred_t);
int genfs_eopnotsupp_write(struct vnode *, struct uio *, int, kauth_cred_t);
int genfs_eopnotsupp_remove(struct vnode *, struct vnode *, const struct componentname *);
int genfs_eopnotsupp_link(struct vnode *, struct vnode *, const struct componentname *);
int genfs_eopnotsupp_rename(struct vnode *, struct vnode *, const struct componentname *,
    struct vnode *, struct vnode *, const struct componentname *);
int genfs_eopnotsupp_rmdir(struct vnode *, struct vnode *, const struct componentname *);
int genfs_eopnotsupp_readdir(struct vnode *, struct uio *, kauth_cred_t, int *);
int genfs_eopnotsupp_readlink(struct vnode *, struct uio *, kauth_cred_t);

/* Success doing nothing. */
int genfs_nullop_open(struct vnode *, int, kauth_cred_t);
int genfs_nullop_close(struct vnode *, int, kauth_cred_t);
int genfs_nullop_fsync(struct vnode *, kauth_cred_t, int);
/* VOP_ACCESS from getattr + vaccess, EROFS for VWRITE on a read-only mount (regular files, dirs, links). */
int genfs_access(struct vnode *vp, int mode, kauth_cred_t cred);

/* ---- holes (genfs_extent.c) ---- */

/* vop_extent of a file system without holes: all data, to the end. */
int genfs_extent_alldata(struct vnode *vp, off_t off, bool *datap, off_t *endp);
/* VOP_SEEKDATA's walk over vop_extent (vp S, size its size; non-regular files are all data). */
int genfs_seekdata(struct vnode *vp, off_t off, int whence, off_t size, off_t *resultp);

/*
 * The block map of a UFS-like inode: bm_ndaddr direct pointers, then
 * bm_niaddr trees of indirect blocks of depth 1, 2, ... with bm_nindir
 * pointers per block; a zero pointer is a hole (a whole subtree of them
 * when it is an indirect one).
 */
struct genfs_blkmap {
	unsigned	bm_ndaddr;
	unsigned	bm_niaddr;
	uint64_t	bm_nindir;
	unsigned	bm_bshift;	/* log2 of the block size */
	void		*bm_arg;	/* the inode, for the hooks */
	/* Inode pointer i: direct i (< bm_ndaddr), else the root of tree i - bm_ndaddr + 1. */
	int64_t		(*bm_root)(void *arg, unsigned i);
	/*
	 * In the indirect block at blk (from bm_root or an earlier scan), from
	 * pointer i: *valp its value and *runp (>= 1) how many pointers from
	 * i on are alike zero or alike nonzero.  EIO (said on the console)
	 * when blk cannot be an indirect block of this file.
	 */
	int		(*bm_scan)(void *arg, int64_t blk, uint64_t i, int64_t *valp,
			    uint64_t *runp);
};

/* A vop_extent from a block map: one indirect block read per level, holes skipped by subtree. */
int genfs_blkmap_extent(const struct genfs_blkmap *bm, off_t off, bool *datap, off_t *endp);

struct rump_fuzzmap;
/* vfsops defaults: a type that mounts no device image, a type without a checker, without a metadata map. */
bool genfs_noprobe(const uint8_t *head, size_t len);
int genfs_nocheck(const char *devpath, unsigned *nproblemsp);
int genfs_nofuzzmap(const uint8_t *img, size_t len, struct rump_fuzzmap *map);

#endif /* VFS_GENFS_H */
