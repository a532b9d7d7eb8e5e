/* ffs.h: the ffs driver's private interfaces: the mount, in-core inodes, and the helpers between files. */
#ifndef FS_FFS_FFS_H
#define FS_FFS_FFS_H

#include "kernel.h"
#include "kmem.h"
#include "locks.h"
#include "buf.h"
#include "mount.h"
#include "vnode_if.h"
#include "ffs_format.h"

struct bdev;

/*
 * A mounted file system.  The geometry fields are host-order copies of
 * the superblock, validated at mount (ffs_super.c): everything computed
 * from them stays in range.  Constant after mount.
 */
struct ffs_mount {
	struct mount	*fm_mp;
	struct vnode	*fm_devvp;	/* referenced; what bread() is given */
	struct bdev	*fm_bd;
	bool		fm_swap;	/* on-disk byte order is not the host's */
	bool		fm_ufs2;
	bool		fm_ronly;
	bool		fm_devrw;	/* the device was opened for writing */
	struct bdev	*fm_wbdev;	/* write open of a device mounted read-only first, else NULL */
	bool		fm_olddir;	/* pre-4.4BSD format: 16-bit namlen and no d_type, 16-bit owners in di_oldids */
	uint64_t	fm_sbloc;	/* byte offset of the superblock we use */
	struct ffs_fs	fm_fs;		/* raw superblock as read (disk order) */
	int32_t		fm_bsize, fm_fsize, fm_frag;
	int32_t		fm_bshift, fm_fshift, fm_fragshift, fm_fsbtodb;
	uint32_t	fm_ncg;
	uint32_t	fm_ipg;		/* inodes per group */
	uint32_t	fm_fpg;		/* frags per group */
	uint32_t	fm_inopb;	/* inodes per block */
	uint32_t	fm_nindir;	/* pointers per indirect block */
	uint32_t	fm_dinodesize;	/* 128 or 256 */
	int64_t		fm_size;	/* frags in the fs */
	int64_t		fm_dsize;	/* data frags */
	int32_t		fm_sblkno, fm_cblkno, fm_iblkno, fm_dblkno;
	int32_t		fm_cgoffset, fm_cgmask;
	int64_t		fm_csaddr;	/* frag address of the summary array */
	int32_t		fm_cssize;	/* its bytes */
	int32_t		fm_cgsize;	/* bytes of a cg header */
	int32_t		fm_maxsymlinklen;	/* bytes kept in the inode (0: the old rule) */
	int32_t		fm_minfree;	/* percent */
	int32_t		fm_contigsumsize;	/* cluster summary entries (0: no cluster maps) */
	uint64_t	fm_maxfilesize;	/* largest size the block tree can map */
	struct ffs_csum_total fm_cstotal;	/* host-order totals; fm_lock */
	/* Read-write state. */
	kmutex_t	fm_lock;	/* fm_cs, fm_cstotal, fm_nextgen; never held across I/O (a cg's maps: its buffer lock) */
	struct ffs_csum	*fm_cs;		/* per-cg summaries, host order (rw mounts); fm_lock */
	bool		fm_wasclean;	/* clean at mount: write it back clean at unmount */
	bool		fm_errors;	/* damage or a lost update seen: never written clean; atomic */
	uint32_t	fm_nextgen;	/* next inode generation number; fm_lock */
};

static inline struct ffs_mount *
VFSTOFFS(struct mount *mp)
{
	return mp->mnt_data;
}

/* Bytes of a file written between two write-behinds (ffs_readwrite.c). */
#define FFS_WRITE_BEHIND	(1u << 20)

/* An in-core inode: host-order copies of the dinode's fields. v_data of its vnode. */
struct ffs_inode {
	struct ffs_mount *i_fm;
	struct vnode	*i_vnode;
	ino_t		i_number;
	uint16_t	i_mode;		/* type and permissions */
	int32_t		i_nlink;
	uint32_t	i_uid, i_gid;
	uint64_t	i_size;
	uint64_t	i_blocks;	/* 512-byte sectors */
	struct timespec	i_atime, i_mtime, i_ctime, i_birthtime;
	int32_t		i_gen;
	uint32_t	i_flags;
	int64_t		i_db[FFS_NDADDR];	/* direct frag addresses */
	int64_t		i_ib[FFS_NIADDR];	/* indirect block addresses */
	int32_t		i_extsize;	/* UFS2: bytes of extended attribute storage */
	int64_t		i_extb[FFS_NXADDR];	/* UFS2: its blocks (tail in fragments) */
	dev_t		i_rdev;		/* devices */
	uint8_t		i_shortlink[FFS_NDADDR * 8 + FFS_NIADDR * 8];	/* fast symlink text */
	kmutex_t	i_lock;		/* i_atime and i_flag, changed under a shared vnode lock */
	int		i_flag;		/* IN_* */
	struct dirindex	*i_dirindex;	/* names of a large directory (ffs_dirindex.c) */
};
#define IN_ACCESS	0x01	/* atime changed, not yet written */

static inline struct ffs_inode *
VTOI(struct vnode *vp)
{
	return vp->v_data;
}

/* Geometry: frag addresses of a cylinder group's parts. */
static inline int64_t
ffs_cgbase(const struct ffs_mount *fm, uint32_t c)
{
	return (int64_t)fm->fm_fpg * c;
}

static inline int64_t
ffs_cgstart(const struct ffs_mount *fm, uint32_t c)
{
	if (fm->fm_ufs2)
		return ffs_cgbase(fm, c);
	return ffs_cgbase(fm, c) + (int64_t)fm->fm_cgoffset * (c & ~(uint32_t)fm->fm_cgmask);
}

static inline int64_t ffs_cgsblock(const struct ffs_mount *fm, uint32_t c) { return ffs_cgstart(fm, c) + fm->fm_sblkno; }
static inline int64_t ffs_cgtod(const struct ffs_mount *fm, uint32_t c) { return ffs_cgstart(fm, c) + fm->fm_cblkno; }
static inline int64_t ffs_cgimin(const struct ffs_mount *fm, uint32_t c) { return ffs_cgstart(fm, c) + fm->fm_iblkno; }
static inline int64_t ffs_cgdmin(const struct ffs_mount *fm, uint32_t c) { return ffs_cgstart(fm, c) + fm->fm_dblkno; }
static inline uint32_t ffs_dtog(const struct ffs_mount *fm, int64_t d) { return (uint32_t)(d / fm->fm_fpg); }
static inline daddr_t ffs_fsbtodb(const struct ffs_mount *fm, int64_t d) { return d << fm->fm_fsbtodb; }
static inline uint64_t ffs_maxino(const struct ffs_mount *fm) { return (uint64_t)fm->fm_ncg * fm->fm_ipg; }

/* ffs_super.c */
int	ffs_super_read(struct ffs_mount *fm);
bool	ffs_probe(const uint8_t *head, size_t len);
/* Does fs, read at byte loc, hold a superblock that counts there?  Sets the byte order and version. */
bool	ffs_sb_magic(const struct ffs_fs *fs, uint64_t loc, bool *swapp, bool *ufs2p);
/* ffs_fuzzmap.c: the vfsops metadata map of an image in memory. */
int	ffs_fuzzmap(const uint8_t *img, size_t len, struct rump_fuzzmap *map);

/* ffs_subr.c: device blocks.  Every buffer is a whole block (clipped at the end of the fs). */
int	ffs_bread(struct ffs_mount *fm, int64_t blkaddr, struct buf **bpp);
int	ffs_getblk(struct ffs_mount *fm, int64_t blkaddr, struct buf **bpp);
/* Is the run of nfrags frags at d inside the fs, inside one block, and outside metadata? */
bool	ffs_frags_ok(const struct ffs_mount *fm, int64_t d, int nfrags);
/* Read frags [d, d+nfrags) (one block at most) into a busy buffer; *offp is their offset in it. */
int	ffs_bread_frags(struct ffs_mount *fm, int64_t d, int nfrags, struct buf **bpp, size_t *offp);

/* ffs_inode.c */
int	ffs_inode_load(struct ffs_mount *fm, ino_t ino, struct ffs_inode *ip);
bool	ffs_ino_ok(const struct ffs_mount *fm, uint64_t ino);
bool	ffs_isshortlink(const struct ffs_inode *ip);

/* ffs_bmap.c: the frag address of logical block lbn (0: a hole), and how many frags it holds. */
struct genfs_blkmap;
/* The inode's block map for the genfs walks (bm_arg is ip). */
void	ffs_blkmap(struct ffs_inode *ip, struct genfs_blkmap *bm);
int	ffs_bmap(struct ffs_inode *ip, int64_t lbn, int64_t *dp);
int	ffs_blksize(const struct ffs_inode *ip, int64_t lbn);
/* Frags held by extended-attribute block lbn (UFS2). */
int	ffs_extblksize(const struct ffs_inode *ip, int lbn);
/* vop_extent: data or hole at byte off, from the block map. */
int	ffs_extent(struct vnode *vp, off_t off, bool *datap, off_t *endp);

/* ffs_readwrite.c */
/* relflags: brelse flags for each whole block read to its end (BC_AGE: file data read once). */
int	ffs_read_inode(struct ffs_inode *ip, struct uio *uio, int relflags);
int	ffs_write_inode(struct ffs_inode *ip, struct uio *uio, int ioflag, kauth_cred_t cred);
int	ffs_read(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred);
int	ffs_write(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred);
void	ffs_mark_access(struct vnode *vp, int ioflag);

/* ffs_inode.c: writing an inode back (bdwrite, or bwrite when sync). */
int	ffs_update(struct ffs_inode *ip, bool sync);
/* A new inode's in-core state: type/mode, owner, times now, a new generation. */
void	ffs_inode_init(struct ffs_mount *fm, struct ffs_inode *ip, ino_t ino, uint16_t mode,
	    uid_t uid, gid_t gid, dev_t rdev);
void	ffs_inode_touch(struct ffs_inode *ip, bool m, bool c);
/* Encode a host dev_t the NetBSD way (what di_db[0] holds). */
uint32_t ffs_dev_encode(dev_t dev);

/* ffs_cg.c: cylinder group headers and their maps. */
const char *ffs_cg_validate(const struct ffs_mount *fm, uint32_t c, const struct ffs_cg *cg);
int	ffs_cg_read(struct ffs_mount *fm, uint32_t c, struct buf **bpp, struct ffs_cg **cgpp);
static inline uint8_t *ffs_cg_inosused(const struct ffs_mount *fm, struct ffs_cg *cg)
{ return (uint8_t *)cg + ffs_get32(fm->fm_swap, cg->cg_iusedoff); }
static inline uint8_t *ffs_cg_blksfree(const struct ffs_mount *fm, struct ffs_cg *cg)
{ return (uint8_t *)cg + ffs_get32(fm->fm_swap, cg->cg_freeoff); }
static inline bool ffs_isset(const uint8_t *m, uint64_t i) { return (m[i >> 3] >> (i & 7)) & 1; }
static inline void ffs_setbit(uint8_t *m, uint64_t i) { m[i >> 3] |= (uint8_t)(1u << (i & 7)); }
static inline void ffs_clrbit(uint8_t *m, uint64_t i) { m[i >> 3] &= (uint8_t)~(1u << (i & 7)); }

/* ffs_alloc.c: frags and blocks (fm_lock taken inside, around the summaries only). */
int	ffs_alloc_frags(struct ffs_inode *ip, int64_t pref, int nfrags, kauth_cred_t cred,
	    int64_t *dp);
/* Grow the run at d from osize to nsize frags: in place if the next frags are free, else moved (*dp; the old run is left allocated for the caller to free once nothing names it). */
int	ffs_realloc_frags(struct ffs_inode *ip, int64_t d, int osize, int nsize,
	    kauth_cred_t cred, int64_t *dp);
void	ffs_free_frags(struct ffs_mount *fm, int64_t d, int nfrags);
/* Inode-count changes of cg c (its buffer held; fm_lock taken inside), and writing a changed cg header. */
void	ffs_cg_apply(struct ffs_mount *fm, uint32_t c, struct ffs_cg *cg, int64_t ndir,
	    int64_t nifree);
/* A changed buffer (cg, directory, indirect block) of fm: written now on a sync mount, later otherwise. */
int	ffs_mwrite(struct ffs_mount *fm, struct buf *bp);
/* ffs_ialloc.c: inodes. */
int	ffs_ialloc(struct ffs_mount *fm, ino_t dirino, bool isdir, ino_t *inop);
void	ffs_ifree(struct ffs_mount *fm, ino_t ino, bool isdir);

/* ffs_balloc.c: map logical block lbn with room for `bytes` bytes (a tail fragment or a whole block). */
int	ffs_balloc(struct ffs_inode *ip, int64_t lbn, int bytes, kauth_cred_t cred,
	    int64_t *dp);
/* ffs_truncate.c */
int	ffs_truncate(struct ffs_inode *ip, uint64_t length, kauth_cred_t cred);
int	ffs_trim(struct ffs_inode *ip, uint64_t length);
int	ffs_free_range(struct ffs_inode *ip, int64_t first, int64_t end);
/* ffs_falloc.c */
int	ffs_fallocate(struct vnode *vp, off_t off, off_t len, int flags, kauth_cred_t cred);
void	ffs_free_ext(struct ffs_inode *ip);

/* ffs_dirops.c: changing directories. */
int	ffs_dir_enter(struct ffs_inode *dp, const char *name, size_t namelen, ino_t ino,
	    uint16_t mode, kauth_cred_t cred);
int	ffs_dir_remove(struct ffs_inode *dp, const char *name, size_t namelen);
int	ffs_dir_rewrite(struct ffs_inode *dp, const char *name, size_t namelen, ino_t ino,
	    uint16_t mode);
int	ffs_dir_isempty(struct ffs_inode *dp, bool *emptyp);
int	ffs_dir_init(struct ffs_inode *ip, ino_t parent, kauth_cred_t cred);
uint8_t	ffs_mode_to_dt(uint16_t mode);

/* ffs_sbupdate.c: read-write mounts: the clean flag, summaries, superblock writes. */
int	ffs_rw_check_flags(struct ffs_mount *fm, int mntflags);
int	ffs_cs_load(struct ffs_mount *fm);
void	ffs_cs_free(struct ffs_mount *fm);
int	ffs_sbupdate(struct ffs_mount *fm, bool clean, bool wait);
/* Say what is wrong on the console, keep the superblock from being written clean (so fsck runs), apply errors=. */
void	ffs_corrupt(struct ffs_mount *fm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ffs_namespace.c: undo a link count change; a failed write (undo) marks the file system. */
void	ffs_nlink_undone(struct ffs_inode *ip, int undo);
/* Free frags for statvfs and the minfree reserve. */
int64_t	ffs_freefrags(struct ffs_mount *fm);

/* ffs_dir.c: directory entries, validated. */
struct ffs_dirent {
	uint32_t	de_ino;
	uint16_t	de_reclen;
	uint8_t		de_type;	/* FFS_DT_*; FFS_DT_UNKNOWN in the old format */
	uint16_t	de_namlen;
	const char	*de_name;	/* inside the buffer, not NUL-terminated */
};
/* Parse the entry at byte off of a DIRBLKSIZ chunk; EIO (with a message) when malformed. */
int	ffs_dir_parse(struct ffs_inode *dp, const uint8_t *chunk, unsigned off,
	    struct ffs_dirent *dep);
/* Call fn for each entry in use, in order, from byte start; stops when fn returns nonzero
 * (its value is returned, with *offp at that entry) or at the end (0, *offp = size). */
typedef int (*ffs_dir_fn)(void *arg, const struct ffs_dirent *de, uint64_t off);
int	ffs_dir_walk(struct ffs_inode *dp, uint64_t start, ffs_dir_fn fn, void *arg);
/* Copy the DIRBLKSIZ chunk at byte off of directory dp. */
int	ffs_dir_read_chunk(struct ffs_inode *dp, uint64_t off, uint8_t *chunk);

/*
 * ffs_dirindex.c: where name is: the byte offset of its entry and its
 * inode number; 0, ENOENT, or EIO for a damaged directory.  Large
 * directories are searched through the in-memory index (vfs/dirindex.h,
 * a chunk is DIRBLKSIZ bytes), which ffs_dirops.c keeps up to date.
 */
int	ffs_dir_locate(struct ffs_inode *dp, const char *name, size_t namelen,
	    uint64_t *offp, uint32_t *inop);
int	ffs_readdir(struct vnode *vp, struct uio *uio, kauth_cred_t cred, int *eofp);

/* ffs_lookup.c */
int	ffs_lookup(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp);
int	ffs_dir_find(struct ffs_inode *dp, const char *name, size_t namelen, uint32_t *inop);

/* ffs_namespace.c, ffs_rename.c */
int	ffs_create(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
	    const struct vattr *vap);
int	ffs_mknod(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
	    const struct vattr *vap);
int	ffs_mkdir(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
	    const struct vattr *vap);
int	ffs_symlink(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
	    const struct vattr *vap, const char *target);
int	ffs_remove(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp);
int	ffs_link(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp);
int	ffs_rmdir(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp);
int	ffs_rename(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
	    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp);
#define FFS_LINK_MAX	32767

/* ffs_vnops.c */
extern const struct vnodeops ffs_vnodeops;
void	ffs_vnode_setup(struct ffs_inode *ip, struct vnode *vp);
static inline bool ffs_syncmount(const struct ffs_mount *fm)
{ return (fm->fm_mp->mnt_flag & MNT_SYNCHRONOUS) != 0; }
enum vtype ffs_mode_to_vtype(uint16_t mode);

#endif /* FS_FFS_FFS_H */
