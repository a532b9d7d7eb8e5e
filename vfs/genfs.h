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
int genfs_eopnotsupp_fallocate(struct vnode *, off_t, off_t, int, kauth_cred_t);
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

/* ---- attributes (genfs_setattr.c, genfs_readlink.c) ---- */

enum genfs_time { GENFS_ATIME, GENFS_MTIME, GENFS_BIRTHTIME };

/* Where a file system stores what genfs_setattr has checked; vp locked exclusively. */
struct genfs_attrops {
	/* Cut or extend a regular file to size, mtime now (the inode need not be written yet). */
	int	(*ga_truncate)(struct vnode *vp, off_t size, kauth_cred_t cred);
	void	(*ga_chmod)(struct vnode *vp, mode_t perm);	/* the 07777 bits; the type stays */
	void	(*ga_chown)(struct vnode *vp, uid_t uid, gid_t gid);	/* VNOVAL: unchanged */
	/* Store a time, fitted to what the disk holds; readers setting atime under a shared lock race with it. */
	void	(*ga_settime)(struct vnode *vp, enum genfs_time which, const struct timespec *ts);
	int	(*ga_changed)(struct vnode *vp);	/* ctime now, the inode written */
};

/* VOP_SETATTR: size, then mode, owner, times, then ctime and one inode write. */
int genfs_setattr(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred,
    const struct genfs_attrops *ops);
/* VOP_READLINK: the inlined target (NULL: read it by readdata from offset 0) of size bytes. */
int genfs_readlink(struct vnode *vp, struct uio *uio, void *inlined, size_t size,
    int (*readdata)(struct vnode *vp, struct uio *uio));

/* ---- rename (genfs_rename.c) ---- */

#define GENFS_UPD_MTIME	0x1
#define GENFS_UPD_CTIME	0x2

/* A file system's directories and link counts, for genfs_rename; every vnode locked. */
struct genfs_renameops {
	uint32_t	gr_linkmax;	/* most links a directory may have */
	/* The inode number dvp's entry name names; ENOENT when none. */
	int	(*gr_lookup)(struct vnode *dvp, const char *name, size_t len, ino_t *inop);
	int	(*gr_enter)(struct vnode *dvp, const struct componentname *cnp, struct vnode *vp);
	/* dvp's entry name names vp from now on. */
	int	(*gr_rewrite)(struct vnode *dvp, const char *name, size_t len, struct vnode *vp);
	int	(*gr_remove)(struct vnode *dvp, const char *name, size_t len);
	int	(*gr_isempty)(struct vnode *dvp, bool *emptyp);
	uint32_t (*gr_nlink)(struct vnode *vp);
	void	(*gr_setnlink)(struct vnode *vp, uint32_t nlink);
	/* Write vp's inode, first setting the GENFS_UPD_* times to now. */
	int	(*gr_update)(struct vnode *vp, unsigned times);
	/* An undo step of vp failed with error (nothing when 0): mark the file system. */
	void	(*gr_undone)(struct vnode *vp, int error);
};

/* VOP_RENAME after the VFS's namespace checks (VOP_RENAME's contract: all four locked). */
int genfs_rename(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp,
    const struct genfs_renameops *ops);

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
	 * pointer i: *valp its value and, unless runp is NULL, *runp (>= 1)
	 * how many pointers from i on are alike zero or alike nonzero.  EIO
	 * (said, and the file system marked damaged) when blk cannot be an
	 * indirect block of this file.
	 */
	int		(*bm_scan)(void *arg, int64_t blk, uint64_t i, int64_t *valp,
			    uint64_t *runp);
	/* The indirect block blk names itself or one above it: say so, mark the damage. */
	void		(*bm_damaged)(void *arg, int64_t blk);
};

#define GENFS_NIADDR_MAX	3	/* deepest indirect tree a block map may have */

/*
 * The route to logical block lbn: *slotp the inode pointer it hangs from
 * (lbn itself for a direct block, bm_ndaddr + depth - 1 for the tree of
 * that depth) and idx[0..depth-1] the pointer to follow in each indirect
 * block on the way down.  Returns the depth, -1 past what the map holds.
 */
int genfs_blkmap_route(const struct genfs_blkmap *bm, uint64_t lbn, unsigned *slotp,
    uint64_t idx[GENFS_NIADDR_MAX]);
/* Whether blk is among the n indirect blocks of path (then bm_damaged has been told). */
bool genfs_blkmap_loops(const struct genfs_blkmap *bm, const int64_t *path, unsigned n, int64_t blk);
/* Logical blocks a pointer levels above the data maps: nindir^levels. */
uint64_t genfs_blkmap_span(uint64_t nindir, unsigned levels);
/* *dp: the block mapped at lbn, 0 for a hole; EFBIG past the map, EIO on a loop. */
int genfs_blkmap_lookup(const struct genfs_blkmap *bm, uint64_t lbn, int64_t *dp);

/* A vop_extent from a block map: one indirect block read per level, holes skipped by subtree. */
int genfs_blkmap_extent(const struct genfs_blkmap *bm, off_t off, bool *datap, off_t *endp);

/* ---- fallocate (genfs_falloc.c) ---- */

/* What genfs_fallocate needs of a file system's storage, counted in blocks of 1 << fa_bshift bytes. */
struct genfs_falloc {
	unsigned	fa_bshift;	/* log2 of the block size (of vop_extent's extents) */
	uint64_t	fa_maxsize;	/* the format's largest file: EFBIG past it */
	bool		fa_keeplast;	/* the block holding the last byte keeps its storage (punch zeroes it) */
	/*
	 * Zeroed storage for the holes among blocks [first, end), the size
	 * unchanged; *donep: the block it stopped at (on error too).  NULL:
	 * holes are filled by writing zeroes with vop_write, and KEEPSIZE
	 * storage past the end of file is EOPNOTSUPP (a block map whose
	 * checker calls blocks past the size damage).
	 */
	int	(*fa_alloc)(struct vnode *vp, uint64_t first, uint64_t end, uint64_t *donep);
	/* Free the storage of blocks [first, end), and the index blocks left empty. */
	int	(*fa_free)(struct vnode *vp, uint64_t first, uint64_t end);
};

/*
 * A vop_fallocate (vp E) over the hooks and the file system's own
 * vop_extent, vop_write, vop_getattr and vop_setattr.  On failure what the
 * call allocated is freed again.  The caller sets the times and writes
 * the inode.
 */
int genfs_fallocate(struct vnode *vp, off_t off, off_t len, int flags, kauth_cred_t cred,
    const struct genfs_falloc *fa);

/* ---- freeing a range of a block map (genfs_blkfree.c) ---- */

struct buf;

struct genfs_blkfree {
	const struct genfs_blkmap *bf_bm;	/* the map's shape, bm_damaged */
	void		*bf_arg;		/* for the hooks */
	uint64_t	bf_first, bf_end;	/* logical blocks to free: [first, end) */
	/* An emptied indirect block stays allocated (the inode on disk may still name it). */
	bool		bf_keep_emptied;
	/* The indirect block at blk, read and held; an error, with *damagedp when blk cannot be one. */
	int		(*bf_read)(void *arg, int64_t blk, struct buf **bpp, bool *damagedp);
	int64_t		(*bf_ptr)(void *arg, const struct buf *bp, uint64_t i);
	void		(*bf_clear)(void *arg, struct buf *bp, uint64_t i);
	/* bp lost pointers: write it (before the frees, on a sync mount); consumes bp. */
	int		(*bf_write)(void *arg, struct buf *bp, int64_t blk);
	/* Give data block blk back; an error, with *dropp (said, marked) when it cannot be the file's. */
	int		(*bf_free)(void *arg, int64_t blk, bool *dropp);
	/* The indirect block blk (held in bp, dirty if pointers were cleared) is empty: let bp go, free blk. */
	int		(*bf_release)(void *arg, struct buf *bp, int64_t blk, bool dirty, bool *dropp);
	/* The indirect block blk is unusable: say so, mark the damage (what it maps is left to fsck). */
	void		(*bf_unusable)(void *arg, int64_t blk);
};

/*
 * Free what the indirect block blk (level 1 maps data blocks; base its
 * first logical block) maps in the range; *freedp when blk is gone too
 * and its pointer must be cleared.  Damage is dropped and marked, the
 * walk goes on, and EIO is returned at the end.
 */
int genfs_blkfree_tree(const struct genfs_blkfree *bf, int64_t blk, unsigned level, uint64_t base,
    bool *freedp);
/* The same over the inode's bm_niaddr tree roots (roots[0] the single indirect one), clearing freed roots. */
int genfs_blkfree_roots(const struct genfs_blkfree *bf, int64_t *roots);

struct rump_fuzzmap;
/* vfsops defaults: a type that mounts no device image, a type without a checker, without a metadata map. */
bool genfs_noprobe(const uint8_t *head, size_t len);
int genfs_nocheck(const char *devpath, unsigned *nproblemsp);
int genfs_nofuzzmap(const uint8_t *img, size_t len, struct rump_fuzzmap *map);

#endif /* VFS_GENFS_H */
