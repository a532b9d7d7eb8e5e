/* vfs_bio_impl.h: private to the buffer cache files (vfs_bio*.c, syncer.c): the cache's state and steps. */
#ifndef VFS_VFS_BIO_IMPL_H
#define VFS_VFS_BIO_IMPL_H

#include "kernel.h"
#include "kmem.h"
#include "locks.h"

#include "blkdev_impl.h"
#include "buf.h"

#define BIO_MAXCLUSTER	256		/* buffers in one host I/O (iovec entries) */
#define BIO_MAXIO	(1 << 20)	/* bytes in one host I/O */
#define BIO_RAMIN	4		/* first read-ahead window, in buffers */
#define BIO_HINTMIN	(256 << 10)	/* a host read this long asks the host to read on */
#define BIO_HINTLEN	(4 << 20)	/* by this much */
/* Largest window (and at most BIO_MAXIO bytes): a host read of 128 KiB keeps a virtual disk
   busy only a fraction of the time, 1 MiB keeps it streaming. */
#define BIO_RAMAX	(BIO_MAXCLUSTER - 1)
#define BIO_NFREE	(MAXBSIZE / DEV_BSIZE)	/* free lists: sizes in whole device blocks */
#define BIO_SYNCDELAY_MS 3000		/* the syncer writes buffers dirty this long */

/* Private b_flags bits (outside buf.h's B_* values). */
#define B_FLUSHSKIP	0x10000		/* write failed in this vflushbuf pass */

/* A buffer's accounted memory: its data and its header. */
#define BUF_COST(size)	((uint64_t)(size) + sizeof(struct buf))

struct bufcache {
	kmutex_t		bc_lock;	/* everything below and every buffer's links/flags */
	kcondvar_t		bc_cv;		/* a busy buffer became idle */
	LIST_HEAD(bufhash, buf)	*bc_hash;	/* (device, blkno) */
	size_t			bc_nhash;	/* buckets, a power of two */
	TAILQ_HEAD(, buf)	bc_lruclean;	/* idle clean buffers, least recent first */
	TAILQ_HEAD(, buf)	bc_lrudirty;	/* idle dirty buffers, least recent first */
	/*
	 * Freed buffers (header and data) kept for reuse by size, so a busy
	 * cache does not give memory back to the host only to fault it in
	 * again; still counted in bc_bytes, given back by bio_makeroom for
	 * other sizes, the reclaimer and bufcache_fini.
	 */
	LIST_HEAD(, buf)	bc_free[BIO_NFREE];	/* by size (b_hash); index b_bufsize / DEV_BSIZE - 1 */
	TAILQ_HEAD(, buf)	bc_freeq;	/* the same, oldest first (b_freelist) */
	uint64_t		bc_freebytes;	/* BUF_COST of every buffer there */
	unsigned		bc_nfree;
	LIST_HEAD(, bdev)	bc_dirtydevs;	/* devices with dirty buffers */
	uint64_t		bc_bytes;	/* BUF_COST of every buffer */
	uint64_t		bc_max;		/* bound on bc_bytes */
	unsigned		bc_nbufs;
	unsigned		bc_ndirty;
	uint64_t		bc_dirtybytes;	/* BUF_COST of every dirty buffer */
	uint64_t		bc_reads, bc_writes, bc_hits, bc_misses, bc_readahead;
	struct kmem_reclaimer	bc_reclaimer;
	/* The syncer (syncer.c). */
	kcondvar_t		bc_syncercv;	/* wakes the syncer early (bawrite, stop, dirty past BIO_DIRTY_HIGH) */
	bool			bc_syncerstop;
	bool			bc_syncer;	/* a syncer thread runs */
};
extern struct bufcache bufcache;

/* Uptime in milliseconds (dirty ages). */
int64_t	bio_now_ms(void);

/* The device of a VBLK vnode: 0 or ENXIO. */
int	bio_devof(struct vnode *vp, struct bdev **bdp);
/* vfs_bio_mem.c: buffer contents (size bytes, charged to kmem). */
void	bio_mem_init(void);
void	bio_mem_fini(void);
void	*bio_mem_alloc(int size, int flags);
void	bio_mem_free(void *p, int size);
/* Kernel memory the allocator keeps for itself, whatever the buffers (rump_pub_kstat leaves it out). */
uint64_t	bio_mem_kept(void);
/* getblk/bread arguments: EINVAL (size, blkno), ENXIO (device). */
int	bio_checkargs(struct vnode *vp, daddr_t blkno, int size, struct bdev **bdp);

/* The following are called with bc_lock held. */
/*
 * Evict (and write back) idle buffers until a buffer of size bytes can
 * be had: a kept free one of that size, or room under the bound.
 * Returns true when bc_lock was dropped meanwhile (to write).
 */
bool	bio_makeroom(int size);
/*
 * One step of shrinking the cache: give a kept free buffer back, else
 * drop the least recently used clean one, else, if write and fewer than
 * two writes failed (*failures counts them), write the oldest dirty one
 * with its neighbours (dropping bc_lock meanwhile; *wrote is set) so
 * that they become clean.  False when there was nothing to do.
 */
bool	bio_shed(bool write, int *failures, bool *wrote);
/* Drop every buffer of bd (dirty ones are discarded); waits for busy ones. */
void	bio_dropdev(struct bdev *bd);
struct buf *bio_lookup(struct bdev *bd, daddr_t blkno);
void	bio_acquire(struct buf *bp);		/* idle -> busy (curlwp) */
void	bio_release(struct buf *bp);		/* busy -> idle, or freed with B_INVAL */
void	bio_setdirty(struct buf *bp);
void	bio_setclean(struct buf *bp);
void	bio_destroy(struct buf *bp);		/* busy (by curlwp) or idle */
/* Give the kept free buffers' memory back to kmem until want bytes are freed; bytes freed. */
uint64_t bio_free_drain(uint64_t want);
/* Find or make the buffer; BIO_NOEXIST: EEXIST instead of waiting for an existing one. */
#define BIO_NOEXIST	0x1
int	bio_getblk_locked(struct bdev *bd, struct vnode *vp, daddr_t blkno, int size,
	    int bioflags, struct buf **bpp);
/* Move the contiguous busy buffers bps[0..n-1] in one host I/O (drops bc_lock meanwhile). */
int	bio_io_run(struct bdev *bd, int rw, struct buf **bps, int n);
/*
 * bp is dirty and busy by curlwp: write it with its idle dirty
 * neighbours in one host write, then release them all.  On failure they
 * stay dirty and onfail says what else: BIO_FAIL_KEEP nothing,
 * BIO_FAIL_SKIP mark them B_FLUSHSKIP (vflushbuf's pass), BIO_FAIL_REQUEUE
 * make them the youngest dirty buffers (the syncer retries later).
 */
#define BIO_FAIL_KEEP		0
#define BIO_FAIL_SKIP		1
#define BIO_FAIL_REQUEUE	2
int	bio_write_cluster(struct buf *bp, int onfail);
/* Write every dirty buffer of bd (wait: also those busy by others); first error. */
int	bio_flushdev(struct bdev *bd, bool wait);
/* Write buffers dirty since before cutoff (ms); the syncer's pass. */
void	bio_flush_aged(int64_t cutoff);
/*
 * Dirty buffers past BIO_DIRTY_HIGH of the bound wake the syncer, which
 * writes the oldest until BIO_DIRTY_LOW are left: a request that needs
 * room then finds clean buffers to drop instead of writing in its turn.
 */
#define BIO_DIRTY_HIGH(max)	((max) / 2)
#define BIO_DIRTY_LOW(max)	((max) / 4)
void	bio_flush_excess(uint64_t target);

#endif /* VFS_VFS_BIO_IMPL_H */
