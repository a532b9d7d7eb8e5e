/* ext2fs.h: private structures and functions of the ext2fs driver. */
#ifndef FS_EXT2FS_H
#define FS_EXT2FS_H

#include "kernel.h"
#include "kmem.h"
#include "locks.h"
#include "buf.h"
#include "mount.h"
#include "vnode_if.h"
#include "ext2fs_format.h"

/* One group's descriptor, decoded. */
struct ext2fs_cg {
	uint32_t	cg_block_bitmap;	/* checked inside the fs at mount */
	uint32_t	cg_inode_bitmap;	/* checked inside the fs at mount */
	uint32_t	cg_inode_table;		/* checked: the whole table inside the fs */
	uint32_t	cg_nbfree;		/* free blocks */
	uint32_t	cg_nifree;		/* free inodes */
	uint32_t	cg_ndirs;		/* directories */
	uint32_t	cg_ifree_from;		/* no free inode below this bit: where a search starts */
};

/* Inode table blocks read along with one that is missed (ext2fs_inode.c). */
#define E2_INODE_READALONG	7

/*
 * A mounted ext2 file system.  The constants are decoded and checked at
 * mount and never change.  e2m_lock protects the allocation counts and
 * hints in e2m_cg, the superblock's free counts and e2m_dirty, and is
 * never held across I/O: a bitmap's changes are ordered by its buffer's
 * lock, and a free count is taken before its bitmap is searched.
 * Writing the superblock and descriptors is ordered by e2m_sblock.
 */
struct ext2fs_mount {
	struct mount	*e2m_mp;
	struct vnode	*e2m_devvp;		/* referenced; what we bread */
	struct bdev	*e2m_bdev;
	bool		e2m_ronly;		/* no writes (may turn true by an update) */
	bool		e2m_devronly;		/* the device was opened read-only at mount */
	struct bdev	*e2m_wbdev;		/* a writer open added by a ro->rw update, or NULL */
	uint16_t	e2m_mntstate;		/* s_state found at a read-write mount */
	uint32_t	e2m_nextgen;		/* i_generation of the next new inode; e2m_lock */
	kmutex_t	e2m_lock;
	kmutex_t	e2m_sblock;		/* superblock writer, across its I/O: e2m_sb, e2m_gdraw; before e2m_lock */
	struct ext2fs_sb e2m_sb;		/* raw superblock, encoded at write */
	void		*e2m_gdraw;		/* raw descriptor blocks (e2m_ngdb * e2m_bsize) */
	struct ext2fs_cg *e2m_cg;		/* e2m_ngroups decoded descriptors */
	uint64_t	e2m_nbfree;		/* free blocks (superblock total) */
	uint64_t	e2m_nifree;		/* free inodes (superblock total) */
	bool		e2m_dirty;		/* counts changed since the last write */
	bool		e2m_errors;		/* corruption seen: s_state gets EXT2_STATE_ERROR; atomic */
	/* constants */
	uint32_t	e2m_bsize;		/* block size: 1024, 2048 or 4096 */
	uint32_t	e2m_bshift;		/* log2(e2m_bsize) */
	uint32_t	e2m_fsbtodb;		/* shift from fs blocks to DEV_BSIZE units */
	uint32_t	e2m_nblocks;		/* blocks in the fs */
	uint32_t	e2m_ninodes;		/* inodes in the fs */
	uint32_t	e2m_rblocks;		/* reserved for root */
	uint32_t	e2m_firstdata;		/* first data block (0 or 1) */
	uint32_t	e2m_bpg;		/* blocks per group */
	uint32_t	e2m_ipg;		/* inodes per group */
	uint32_t	e2m_ngroups;
	uint32_t	e2m_ngdb;		/* blocks of group descriptors */
	uint32_t	e2m_isize;		/* on-disk inode size */
	uint32_t	e2m_firstino;		/* first inode for files */
	uint32_t	e2m_ipb;		/* inodes per block */
	uint32_t	e2m_itblocks;		/* inode table blocks per group */
	uint32_t	e2m_nindir;		/* block numbers per indirect block */
	uint32_t	e2m_nindirshift;	/* log2(e2m_nindir) */
	uint32_t	e2m_compat, e2m_incompat, e2m_rocompat;
	uint32_t	e2m_resuid, e2m_resgid;
	int		e2m_onerror;		/* MNT_ERRORS_* from s_errors: the errors= default */
	uint64_t	e2m_maxfilesize;	/* format limit for regular files */
};

#define VFSTOE2M(mp)	((struct ext2fs_mount *)(mp)->mnt_data)
#define VTOI(vp)	((struct ext2fs_inode *)(vp)->v_data)
#define ITOV(ip)	((ip)->i_vnode)
#define E2M_HAS_FILETYPE(e2m)	(((e2m)->e2m_incompat & EXT2F_INCOMPAT_FILETYPE) != 0)

/*
 * An inode in memory, decoded.  Fields are protected by the vnode lock
 * (the VFS holds it exclusive for every change), except the times and
 * i_din, which readers touch (atime) under a shared lock and so are
 * protected by i_lock.
 */
struct ext2fs_inode {
	struct vnode	*i_vnode;
	struct ext2fs_mount *i_e2m;
	ino_t		i_number;
	kmutex_t	i_lock;
	struct ext2fs_dinode i_din;		/* raw copy: bytes we do not decode are kept */
	mode_t		i_mode;			/* S_IF* | permission bits */
	uid_t		i_uid;
	gid_t		i_gid;
	uint32_t	i_nlink;
	uint64_t	i_size;
	uint64_t	i_nblocks;		/* 512-byte sectors held */
	uint32_t	i_flags;		/* EXT2_*_FL */
	uint32_t	i_db[EXT2_N_BLOCKS];	/* block pointers (or symlink text / device) */
	uint32_t	i_gen;
	uint32_t	i_file_acl;
	uint32_t	i_dtime;
	uint32_t	i_extra;		/* i_extra_isize (0 for 128-byte inodes) */
	struct timespec	i_atime, i_mtime, i_ctime, i_crtime;	/* i_lock */
	uint32_t	i_lastblk;		/* last block allocated: goal for the next */
	uint64_t	i_dirhint;		/* atomic: where the next name search starts (ext2fs_dir.c) */
	struct dirindex *i_dirindex;	/* names of a large directory (ext2fs_dirindex.c) */
};

/* buf.b_fsmark: the block's records chain correctly (ext2fs_dir_readblk checked them). */
#define E2_BUF_DIROK	1

/* Which times ext2fs_itimes sets to now. */
#define E2_ATIME	0x1
#define E2_MTIME	0x2
#define E2_CTIME	0x4

/* ext2fs_super.c */
/*
 * Say what is corrupt (a console line), remember it for s_state and
 * apply the mount's errors= policy; the caller returns EIO.
 */
/* An undo that failed (error != 0) leaves what it undoes on disk: mark the file system. */
void	ext2fs_undone(struct ext2fs_inode *ip, int error);
void	ext2fs_corrupt(struct ext2fs_mount *e2m, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
bool	ext2fs_probe(const uint8_t *head, size_t len);
/* The vfsops metadata map of an image in memory (ext2fs_fuzzmap.c). */
int	ext2fs_fuzzmap(const uint8_t *img, size_t len, struct rump_fuzzmap *map);
int	ext2fs_sb_load(struct ext2fs_mount *e2m, int mntflags);
int	ext2fs_sb_check_rw(struct ext2fs_mount *e2m, int mntflags);
int	ext2fs_gd_load(struct ext2fs_mount *e2m);
int	ext2fs_sb_write(struct ext2fs_mount *e2m, bool wait);
int	ext2fs_bread(struct ext2fs_mount *e2m, uint32_t bno, struct buf **bpp);
int	ext2fs_breadn(struct ext2fs_mount *e2m, uint32_t bno, const daddr_t *rablks,
	    const int *rasizes, int nra, struct buf **bpp);
int	ext2fs_getblk(struct ext2fs_mount *e2m, uint32_t bno, struct buf **bpp);
/* Mounted `sync`: every metadata change reaches the disk before the operation returns. */
bool	ext2fs_syncmnt(const struct ext2fs_mount *e2m);
/* Release a changed metadata buffer: written now when mounted sync, delayed otherwise. */
int	ext2fs_mwrite(struct ext2fs_mount *e2m, struct buf *bp);
bool	ext2fs_bno_ok(const struct ext2fs_mount *e2m, uint32_t bno);
bool	ext2fs_fileblk_ok(const struct ext2fs_mount *e2m, uint32_t bno);

/* ext2fs_inode.c */
int	ext2fs_iread(struct ext2fs_mount *e2m, ino_t ino, struct ext2fs_inode *ip);
int	ext2fs_iupdate(struct ext2fs_inode *ip, bool wait);
void	ext2fs_itimes(struct ext2fs_inode *ip, int which);
void	ext2fs_time_fit(const struct ext2fs_inode *ip, struct timespec *ts);
void	ext2fs_inode_init(struct ext2fs_inode *ip, struct ext2fs_mount *e2m, ino_t ino);
enum vtype ext2fs_vtype(const struct ext2fs_inode *ip);
bool	ext2fs_is_fastlink(const struct ext2fs_inode *ip);

/* ext2fs_bmap.c */
struct genfs_blkmap;
/* The inode's block map for the genfs walks (bm_arg is ip). */
void	ext2fs_blkmap(struct ext2fs_inode *ip, struct genfs_blkmap *bm);
int	ext2fs_bmap(struct ext2fs_inode *ip, uint64_t lbn, uint32_t *pbnp);
int	ext2fs_balloc(struct ext2fs_inode *ip, uint64_t lbn, bool resok,
	    uint32_t *pbnp, bool *newp);
uint64_t ext2fs_maxlbn(const struct ext2fs_mount *e2m);
int	ext2fs_extent(struct vnode *vp, off_t off, bool *datap, off_t *endp);

/* ext2fs_truncate.c */
int	ext2fs_truncate(struct ext2fs_inode *ip, uint64_t size);
int	ext2fs_free_range(struct ext2fs_inode *ip, uint64_t first, uint64_t end);

/* ext2fs_alloc.c */
int	ext2fs_blkalloc(struct ext2fs_mount *e2m, uint32_t goal, bool resok, uint32_t *bnp);
int	ext2fs_blkfree(struct ext2fs_mount *e2m, uint32_t bno, ino_t owner);
int	ext2fs_ialloc(struct ext2fs_mount *e2m, ino_t near, bool isdir, ino_t *inop);
int	ext2fs_ifree(struct ext2fs_mount *e2m, ino_t ino, bool isdir);
bool	ext2fs_resok(const struct ext2fs_mount *e2m, kauth_cred_t cred);

/* ext2fs_dir.c */
struct ext2fs_dirpos {
	uint64_t	dp_offset;	/* directory byte offset of the entry */
	uint64_t	dp_prev;	/* offset of the record before it in its block, or dp_offset */
	uint16_t	dp_reclen;	/* its record length */
	ino_t		dp_ino;
	uint8_t		dp_type;	/* EXT2_FT_* */
};
int	ext2fs_dir_readblk(struct ext2fs_inode *dp, uint64_t lbn, struct buf **bpp);
/* ext2fs_dirindex.c: find name (1 found, 0 absent, -1 no index: search the blocks). */
int	ext2fs_di_find(struct ext2fs_inode *dp, const char *name, size_t len,
	    struct ext2fs_dirpos *pos);
/* Under the exclusive lock: block lbn may take a record of need bytes (true without an index). */
bool	ext2fs_di_mayfit(struct ext2fs_inode *dp, uint64_t lbn, uint16_t need);
/*
 * Block lbn gained (added) or lost the record name at off; name NULL: it
 * only learnt its room.  room: added, the largest record the block can
 * take now; removed, the slack of the record that took the freed bytes
 * (the only one that changed: the block's room is the larger of the two).
 */
void	ext2fs_di_changed(struct ext2fs_inode *dp, uint64_t lbn, uint16_t room, const char *name,
	    size_t len, uint64_t off, bool added);
void	ext2fs_di_drop(struct ext2fs_inode *dp);
void	ext2fs_dirent_get(const struct ext2fs_mount *e2m, const void *rec,
	    uint32_t *inop, uint16_t *reclenp, uint16_t *namelenp, uint8_t *typep);
int	ext2fs_dir_find(struct ext2fs_inode *dp, const char *name, size_t len,
	    struct ext2fs_dirpos *pos);
/*
 * Changing a directory: the block goes out with bdwrite, the inode (its
 * size, a cleared index flag) is the caller's to write with the times it
 * sets anyway; dir_enter writes it itself only when it fails.
 */
int	ext2fs_dir_enter(struct ext2fs_inode *dp, const char *name, size_t len,
	    ino_t ino, enum vtype type, kauth_cred_t cred);
int	ext2fs_dir_remove(struct ext2fs_inode *dp, const struct ext2fs_dirpos *pos);
int	ext2fs_dir_rewrite(struct ext2fs_inode *dp, const struct ext2fs_dirpos *pos,
	    ino_t ino, enum vtype type);
int	ext2fs_dir_isempty(struct ext2fs_inode *dp, bool *emptyp);
int	ext2fs_dir_init(struct ext2fs_inode *ip, ino_t parent, kauth_cred_t cred);
uint8_t	ext2fs_vtype_to_ft(enum vtype t);
bool	ext2fs_ino_ok(const struct ext2fs_mount *e2m, uint64_t ino);

/* ext2fs_readwrite.c */
int	ext2fs_read(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred);
int	ext2fs_mark_access(struct vnode *vp, int ioflag, int error);
int	ext2fs_write(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred);
/* relflags: brelse flags for each block read to its end (BC_AGE: file data read once). */
int	ext2fs_read_core(struct ext2fs_inode *ip, struct uio *uio, int relflags);
int	ext2fs_rdwr_kernel(struct ext2fs_inode *ip, enum uio_rw rw, void *buf,
	    size_t len, uint64_t off, kauth_cred_t cred);

/* ext2fs_falloc.c */
int	ext2fs_fallocate(struct vnode *vp, off_t off, off_t len, int flags, kauth_cred_t cred);

/* ext2fs_lookup.c */
int	ext2fs_lookup(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp);
int	ext2fs_readdir(struct vnode *vp, struct uio *uio, kauth_cred_t cred, int *eofp);

/* ext2fs_rename.c */
int	ext2fs_rename(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
	    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp);

/* ext2fs_vnops.c */
extern const struct vnodeops ext2fs_vnodeops;
void	ext2fs_setup_vnode(struct ext2fs_inode *ip, struct vnode *vp);
void	ext2fs_rdev_encode(struct ext2fs_inode *ip, dev_t rdev);

#endif /* FS_EXT2FS_H */
