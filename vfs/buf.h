/* buf.h: the buffer cache over block devices: bread, getblk, bwrite, bdwrite, brelse. */
#ifndef VFS_BUF_H
#define VFS_BUF_H

#include "vnode.h"

struct bdev;

/*
 * Block number in DEV_BSIZE units on the device, 64 bits.  glibc's
 * <sys/types.h> (included by kernel.h, before this) has a 32-bit daddr_t
 * of its own, so ours is renamed underneath (contract fix).
 */
typedef int64_t rump_daddr_t;
#define daddr_t	rump_daddr_t
#define DEV_BSHIFT	9
#define DEV_BSIZE	(1 << DEV_BSHIFT)
#define MAXBSIZE	(1 << 20)	/* largest buffer (contract addition) */

/*
 * A buffer caches size bytes of a block device starting at b_blkno
 * (DEV_BSIZE units).  Buffers are keyed by (device vnode, b_blkno); a
 * file system uses one size per block number (asking again with another
 * size resizes the buffer, writing it back first if dirty).  All file
 * data goes through here: file systems map file blocks to device blocks
 * themselves and bread the device.
 *
 * A buffer handed out by bread/getblk is busy (owned by the caller) until
 * it gives it back with brelse, bwrite, bawrite or bdwrite.
 */
struct buf {
	void		*b_data;
	int		b_bcount;	/* bytes valid at b_data (the size asked for) */
	daddr_t		b_blkno;
	struct vnode	*b_vp;		/* the device vnode (VBLK) */
	int		b_flags;	/* B_*; bufcache lock */
	int		b_error;	/* error of the last I/O */
	/* The cache's own links and bookkeeping. */
	int		b_bufsize;	/* bytes allocated at b_data */
	LIST_ENTRY(buf)	b_hash;
	TAILQ_ENTRY(buf) b_freelist;	/* LRU of idle buffers */
	TAILQ_ENTRY(buf) b_dirty;	/* dirty list of b_vp */
	struct lwp	*b_owner;	/* who holds it busy */
	/*
	 * Added by the buffer cache (contract addition): the cache is keyed
	 * by the device, not by the vnode, so every vnode of one device
	 * shares its buffers and a reused vnode address never finds stale
	 * ones.  b_vp is the vnode of the latest getblk (valid while busy).
	 */
	struct bdev	*b_dev;		/* the device; constant */
	LIST_ENTRY(buf)	b_devbufs;	/* on b_dev's list while hashed */
	/*
	 * The file system's own mark (e.g. "checked as a directory block"),
	 * kept while the buffer holds the same contents: the cache sets it
	 * to 0 whenever the contents come from the device, change size or
	 * are handed back changed (bwrite, bawrite, bdwrite; bdwrite_fsmark
	 * sets the mark its holder gives).  Read and set by the holder of
	 * the busy buffer.
	 */
	unsigned	b_fsmark;
	int64_t		b_dirtytime;	/* uptime (ms) when it became dirty; bufcache lock */
};

/* b_flags */
#define B_BUSY		0x0001	/* owned by a caller */
#define B_DONE		0x0002	/* b_data holds the device's (or newer) contents */
#define B_DELWRI	0x0004	/* dirty: to be written back */
#define B_INVAL		0x0008	/* drop on release */
#define B_ERROR		0x0010	/* last I/O failed (b_error) */
#define B_READAHEAD	0x0020	/* filled by read-ahead, not yet used */
#define B_AGE		0x0040	/* drop once idle and clean (brelse BC_AGE, bsetage); getblk clears it */

/* brelse set flags */
#define BC_INVAL	B_INVAL
#define BC_AGE		B_AGE

/* getblk/bread flags */
#define B_MODIFY	0x1000	/* the caller will change it (bread: nothing special here) */

/*
 * bread: the buffer for (vp, blkno, size), read from the device if not
 * cached.  0 with *bpp busy, or EIO (device error, buffer dropped) /
 * ENOMEM (memory limit) with *bpp NULL.  Reads past the end of the
 * device fail with EIO.
 */
int	bread(struct vnode *vp, daddr_t blkno, int size, int flags, struct buf **bpp);
/* Is the buffer for (vp, blkno) cached now?  A hint: it may go or come at once. */
bool	bincore(struct vnode *vp, daddr_t blkno);
/* bread plus asynchronous-or-clustered read-ahead of the listed blocks. */
int	breadn(struct vnode *vp, daddr_t blkno, int size, const daddr_t *rablks,
	    const int *rasizes, int nrablks, int flags, struct buf **bpp);
/*
 * The buffer, busy, without reading (contents undefined unless B_DONE).
 * 0 or ENOMEM; also EINVAL for size outside 1..MAXBSIZE or blkno < 0,
 * ENXIO when vp's v_rdev is no block device, and the write error when a
 * dirty buffer asked with another size could not be written back first.
 * Buffers of one device must not overlap (different blkno, same bytes).
 */
int	getblk(struct vnode *vp, daddr_t blkno, int size, int flags, struct buf **bpp);
/*
 * Write now and release; returns the I/O error.  On failure the buffer
 * is marked B_ERROR|B_INVAL and dropped from the cache (its data is
 * lost, as the caller learns from the error); 0 means it is on the
 * device (not necessarily on stable storage: see vflushbuf(vp, true)).
 */
int	bwrite(struct buf *bp);
/* Write soon (clustered with neighbours) and release. */
void	bawrite(struct buf *bp);
/*
 * The busy buffer will not be wanted again soon (file data written
 * once): once it is released and clean (after bdwrite/bawrite: when its
 * write is done) it is dropped and its memory serves the next block.
 */
void	bsetage(struct buf *bp);
/* Mark dirty and release; written by the syncer, sync, or memory pressure. */
void	bdwrite(struct buf *bp);
/*
 * bdwrite by a holder that vouches for what it wrote: the buffer keeps
 * fsmark as its b_fsmark (a directory block the file system changed
 * record by record stays "checked") instead of losing its mark.
 */
void	bdwrite_fsmark(struct buf *bp, unsigned fsmark);
/*
 * Release unchanged: set BC_INVAL to drop it from the cache, BC_AGE when
 * the caller read it for the last time (dropped unless it is dirty).
 */
void	brelse(struct buf *bp, int set);

/*
 * Write every dirty buffer of device vp, contiguous runs as one host
 * write, and (with wait) flush the device.  Returns the first error; the
 * buffers that failed stay dirty.
 */
int	vflushbuf(struct vnode *vp, bool wait);
/* Drop every buffer of vp (after vflushbuf at unmount): busy ones are a bug. */
void	vinvalbuf(struct vnode *vp);

/* Statistics for tests and benchmarks. */
struct bufstats {
	uint64_t	bs_bytes;	/* memory held by buffers */
	unsigned	bs_nbufs;
	unsigned	bs_ndirty;
	uint64_t	bs_reads;	/* host read calls */
	uint64_t	bs_writes;	/* host write calls */
	uint64_t	bs_hits;
	uint64_t	bs_misses;
	uint64_t	bs_readahead;	/* buffers filled by read-ahead */
};
void	bufcache_stats(struct bufstats *bs);

#endif /* VFS_BUF_H */
