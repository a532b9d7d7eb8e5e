/* vfs_bio.c: the buffer cache: the (device, blkno) hash, busy ownership, LRU, getblk, brelse and the writes. */
#include "kernel.h"
#include "kmem.h"
#include "lwp.h"

#include "vfs_bio_impl.h"

static size_t bio_hashidx(const struct bdev *bd, daddr_t blkno);
static int bio_resize(struct buf *bp, int size);
static struct buf *bio_newbuf(int size);
static struct buf *bio_takefree(int size);
static bool bio_keepable(int size);

struct bufcache bufcache;

int64_t
bio_now_ms(void)
{
	struct timespec ts;

	getnanouptime(&ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Neighbouring blocks go to neighbouring buckets, so a sequential pass
 * walks the bucket array in order instead of missing the CPU cache on
 * every lookup: the 4 KiB-aligned group (blkno / 8) picks the bucket,
 * and the offset inside the group (smaller block sizes) and the device
 * shift it to other regions of the table.
 */
static size_t
bio_hashidx(const struct bdev *bd, daddr_t blkno)
{
	uint64_t dev = ((uint64_t)(uintptr_t)bd >> 4) * 0x9e3779b97f4a7c15ULL;
	uint64_t sub = (uint64_t)blkno & 7;

	return (size_t)(((uint64_t)blkno >> 3) + (dev >> 40) +
	    sub * (bufcache.bc_nhash / 8 + 1)) & (bufcache.bc_nhash - 1);
}

/* The device behind a VBLK vnode, for the cache entry points. */
int
bio_devof(struct vnode *vp, struct bdev **bdp)
{
	if (vp == NULL || vp->v_type != VBLK || (*bdp = bdev_lookup(vp->v_rdev)) == NULL)
		return ENXIO;
	return 0;
}

/* Arguments common to getblk and bread, checked before anything is cached. */
int
bio_checkargs(struct vnode *vp, daddr_t blkno, int size, struct bdev **bdp)
{
	if (size <= 0 || size > MAXBSIZE || blkno < 0 ||
	    blkno > (INT64_MAX - MAXBSIZE) / DEV_BSIZE)
		return EINVAL;
	return bio_devof(vp, bdp);
}

struct buf *
bio_lookup(struct bdev *bd, daddr_t blkno)
{
	struct buf *bp;

	LIST_FOREACH(bp, &bufcache.bc_hash[bio_hashidx(bd, blkno)], b_hash)
		/* blkno first: b_dev lies in another cache line, touched only on a match. */
		if (bp->b_blkno == blkno && bp->b_dev == bd)
			return bp;
	return NULL;
}

bool
bincore(struct vnode *vp, daddr_t blkno)
{
	struct bdev *bd;
	struct buf *bp;
	bool in;

	if (bio_devof(vp, &bd) != 0)
		return false;
	mutex_enter(&bufcache.bc_lock);
	in = (bp = bio_lookup(bd, blkno)) != NULL && (bp->b_flags & B_DONE);
	mutex_exit(&bufcache.bc_lock);
	return in;
}

void
bio_acquire(struct buf *bp)
{
	KASSERT(!(bp->b_flags & B_BUSY));
	if (bp->b_flags & B_DELWRI)
		TAILQ_REMOVE(&bufcache.bc_lrudirty, bp, b_freelist);
	else
		TAILQ_REMOVE(&bufcache.bc_lruclean, bp, b_freelist);
	bp->b_flags |= B_BUSY;
	bp->b_owner = curlwp;
}

/*
 * Give a busy buffer back: to the LRU tail, or freed when invalid or
 * failed, or clean and aged (its memory then serves the next block, so a
 * file read once goes through a few buffers instead of filling the cache).
 */
void
bio_release(struct buf *bp)
{
	KASSERT(bp->b_flags & B_BUSY);
	cv_broadcast(&bufcache.bc_cv);
	if ((bp->b_flags & (B_INVAL | B_ERROR)) ||
	    (bp->b_flags & (B_AGE | B_DELWRI)) == B_AGE) {
		bio_destroy(bp);
		return;
	}
	/* An aged dirty buffer keeps the mark: it goes once its write makes it clean. */
	bp->b_flags &= ~B_BUSY;
	bp->b_owner = NULL;
	if (bp->b_flags & B_DELWRI)
		TAILQ_INSERT_TAIL(&bufcache.bc_lrudirty, bp, b_freelist);
	else
		TAILQ_INSERT_TAIL(&bufcache.bc_lruclean, bp, b_freelist);
}

/* Busy buffers only: the LRU a buffer sits on follows B_DELWRI. */
void
bio_setdirty(struct buf *bp)
{
	struct bdev *bd = bp->b_dev;

	KASSERT(bp->b_flags & B_BUSY);
	if (bp->b_flags & B_DELWRI)
		return;
	bp->b_flags |= B_DELWRI;
	bp->b_dirtytime = bio_now_ms();
	TAILQ_INSERT_TAIL(&bd->bd_dirtyq, bp, b_dirty);
	if (bd->bd_ndirty++ == 0)
		LIST_INSERT_HEAD(&bufcache.bc_dirtydevs, bd, bd_dirtydevs);
	bufcache.bc_ndirty++;
	bufcache.bc_dirtybytes += BUF_COST(bp->b_bufsize);
	if (bufcache.bc_syncer && bufcache.bc_dirtybytes > BIO_DIRTY_HIGH(bufcache.bc_max) &&
	    bufcache.bc_dirtybytes - BUF_COST(bp->b_bufsize) <= BIO_DIRTY_HIGH(bufcache.bc_max))
		cv_signal(&bufcache.bc_syncercv);
}

void
bio_setclean(struct buf *bp)
{
	struct bdev *bd = bp->b_dev;

	KASSERT(bp->b_flags & B_BUSY);
	if (!(bp->b_flags & B_DELWRI))
		return;
	bp->b_flags &= ~(B_DELWRI | B_FLUSHSKIP);
	TAILQ_REMOVE(&bd->bd_dirtyq, bp, b_dirty);
	if (--bd->bd_ndirty == 0)
		LIST_REMOVE(bd, bd_dirtydevs);
	bufcache.bc_ndirty--;
	bufcache.bc_dirtybytes -= BUF_COST(bp->b_bufsize);
}

/* Buffers of whole device blocks are kept for reuse when freed. */
static bool
bio_keepable(int size)
{
	return size > 0 && size <= MAXBSIZE && size % DEV_BSIZE == 0;
}

/* Free a buffer, busy (by the caller) or idle; dirty data is discarded; its memory is kept. */
void
bio_destroy(struct buf *bp)
{
	if (!(bp->b_flags & B_BUSY)) {
		if (bp->b_flags & B_DELWRI)
			TAILQ_REMOVE(&bufcache.bc_lrudirty, bp, b_freelist);
		else
			TAILQ_REMOVE(&bufcache.bc_lruclean, bp, b_freelist);
		bp->b_flags |= B_BUSY;	/* bio_setclean's precondition; it is ours now */
	}
	bio_setclean(bp);
	LIST_REMOVE(bp, b_hash);
	LIST_REMOVE(bp, b_devbufs);
	bufcache.bc_nbufs--;
	if (!bio_keepable(bp->b_bufsize)) {
		bufcache.bc_bytes -= BUF_COST(bp->b_bufsize);
		bio_mem_free(bp->b_data, bp->b_bufsize);
		kmem_free(bp, sizeof *bp);
		return;
	}
	bp->b_flags = 0;
	LIST_INSERT_HEAD(&bufcache.bc_free[bp->b_bufsize / DEV_BSIZE - 1], bp, b_hash);
	TAILQ_INSERT_TAIL(&bufcache.bc_freeq, bp, b_freelist);
	bufcache.bc_freebytes += BUF_COST(bp->b_bufsize);
	bufcache.bc_nfree++;
}

uint64_t
bio_free_drain(uint64_t want)
{
	struct buf *bp;
	uint64_t freed = 0;

	while (freed < want && (bp = TAILQ_FIRST(&bufcache.bc_freeq)) != NULL) {
		TAILQ_REMOVE(&bufcache.bc_freeq, bp, b_freelist);
		LIST_REMOVE(bp, b_hash);
		freed += BUF_COST(bp->b_bufsize);
		bufcache.bc_freebytes -= BUF_COST(bp->b_bufsize);
		bufcache.bc_bytes -= BUF_COST(bp->b_bufsize);
		bufcache.bc_nfree--;
		bio_mem_free(bp->b_data, bp->b_bufsize);
		kmem_free(bp, sizeof *bp);
	}
	return freed;
}

/* A kept buffer of exactly size bytes, reset (its data is not cleared), or NULL. */
static struct buf *
bio_takefree(int size)
{
	struct buf *bp;
	void *data;

	if (!bio_keepable(size) || (bp = LIST_FIRST(&bufcache.bc_free[size / DEV_BSIZE - 1])) == NULL)
		return NULL;
	LIST_REMOVE(bp, b_hash);
	TAILQ_REMOVE(&bufcache.bc_freeq, bp, b_freelist);
	bufcache.bc_freebytes -= BUF_COST(size);
	bufcache.bc_nfree--;
	data = bp->b_data;
	memset(bp, 0, sizeof *bp);
	bp->b_data = data;
	bp->b_bufsize = size;
	bp->b_bcount = size;
	return bp;
}

/*
 * Keep the cache under its bound before adding a buffer of size bytes:
 * a kept free buffer of that size will do; else give back kept buffers
 * of other sizes, drop the least recently used clean buffers (which
 * become kept ones, maybe of this size), and when only dirty ones are idle,
 * write the oldest with its neighbours (which makes them clean).  When
 * every buffer is busy or writes fail, the bound is passed for now:
 * waiting could deadlock a caller that holds the busy buffers.
 */
bool
bio_makeroom(int size)
{
	uint64_t need = BUF_COST(size);
	int failures = 0;
	bool dropped = false;

	while (bufcache.bc_bytes + need > bufcache.bc_max) {
		if (bio_keepable(size) && !LIST_EMPTY(&bufcache.bc_free[size / DEV_BSIZE - 1]))
			break;
		if (!bio_shed(true, &failures, &dropped))
			break;
	}
	return dropped;
}

bool
bio_shed(bool write, int *failures, bool *wrote)
{
	struct buf *bp;

	if (bio_free_drain(1) > 0)
		return true;
	if ((bp = TAILQ_FIRST(&bufcache.bc_lruclean)) != NULL) {
		bio_destroy(bp);
		return true;
	}
	if (!write || *failures >= 2 || (bp = TAILQ_FIRST(&bufcache.bc_lrudirty)) == NULL)
		return false;
	bio_acquire(bp);
	*wrote = true;
	if (bio_write_cluster(bp, BIO_FAIL_KEEP) != 0)
		(*failures)++;
	return true;
}

static struct buf *
bio_newbuf(int size)
{
	struct buf *bp;

	if ((bp = kmem_zalloc(sizeof *bp, KM_SLEEP)) == NULL)
		return NULL;
	if ((bp->b_data = bio_mem_alloc(size, KM_SLEEP)) == NULL) {
		kmem_free(bp, sizeof *bp);
		return NULL;
	}
	bp->b_bufsize = size;
	bp->b_bcount = size;
	return bp;
}

/* bp is busy by curlwp and asked with another size; a dirty one is written first. */
static int
bio_resize(struct buf *bp, int size)
{
	void *data;
	int error;

	if (bp->b_flags & B_DELWRI) {
		if ((error = bio_io_run(bp->b_dev, BDEV_WRITE, &bp, 1)) != 0)
			return error;
		bio_setclean(bp);
	}
	if (size > bp->b_bufsize) {
		mutex_exit(&bufcache.bc_lock);	/* let our reclaimer run if memory is short */
		data = bio_mem_alloc(size, KM_SLEEP);
		mutex_enter(&bufcache.bc_lock);
		if (data == NULL)
			return ENOMEM;
		bio_mem_free(bp->b_data, bp->b_bufsize);
		bufcache.bc_bytes += (uint64_t)(size - bp->b_bufsize);
		bp->b_data = data;
		bp->b_bufsize = size;
		bp->b_flags &= ~(B_DONE | B_READAHEAD);	/* the tail was never read */
	}
	bp->b_fsmark = 0;
	bp->b_bcount = size;
	return 0;
}

int
bio_getblk_locked(struct bdev *bd, struct vnode *vp, daddr_t blkno, int size,
    int bioflags, struct buf **bpp)
{
	struct buf *bp, *nbp;
	int error;

again:
	if ((bp = bio_lookup(bd, blkno)) != NULL) {
		if (bioflags & BIO_NOEXIST)
			return EEXIST;
		if (bp->b_flags & B_BUSY) {
			KASSERTMSG(bp->b_owner != curlwp,
			    "getblk: block %jd is already held by this lwp", (intmax_t)blkno);
			cv_wait(&bufcache.bc_cv, &bufcache.bc_lock);
			goto again;
		}
		bio_acquire(bp);
		bp->b_flags &= ~B_AGE;	/* wanted again: the holder says anew how it releases it */
		bp->b_vp = vp;
		if (bp->b_bcount != size && (error = bio_resize(bp, size)) != 0) {
			bio_release(bp);
			return error;
		}
		*bpp = bp;
		return 0;
	}
	/* The block may have been made while makeroom wrote (lock dropped). */
	if (bio_makeroom(size) && bio_lookup(bd, blkno) != NULL)
		goto again;
	if ((nbp = bio_takefree(size)) == NULL) {
		mutex_exit(&bufcache.bc_lock);	/* allocate unlocked: our reclaimer may be needed */
		nbp = bio_newbuf(size);
		mutex_enter(&bufcache.bc_lock);
		if (nbp == NULL)
			return ENOMEM;
		if (bio_lookup(bd, blkno) != NULL) {	/* someone made it meanwhile */
			bio_mem_free(nbp->b_data, size);
			kmem_free(nbp, sizeof *nbp);
			goto again;
		}
		bufcache.bc_bytes += BUF_COST(size);
	}
	nbp->b_blkno = blkno;
	nbp->b_vp = vp;
	nbp->b_dev = bd;
	nbp->b_flags = B_BUSY;
	nbp->b_owner = curlwp;
	LIST_INSERT_HEAD(&bufcache.bc_hash[bio_hashidx(bd, blkno)], nbp, b_hash);
	LIST_INSERT_HEAD(&bd->bd_bufs, nbp, b_devbufs);
	bufcache.bc_nbufs++;
	*bpp = nbp;
	return 0;
}

int
getblk(struct vnode *vp, daddr_t blkno, int size, int flags __unused, struct buf **bpp)
{
	struct bdev *bd;
	int error;

	*bpp = NULL;
	if ((error = bio_checkargs(vp, blkno, size, &bd)) != 0)
		return error;
	mutex_enter(&bufcache.bc_lock);
	error = bio_getblk_locked(bd, vp, blkno, size, 0, bpp);
	mutex_exit(&bufcache.bc_lock);
	return error;
}

void
brelse(struct buf *bp, int set)
{
	mutex_enter(&bufcache.bc_lock);
	bp->b_flags |= set & (B_INVAL | B_AGE);
	bio_release(bp);
	mutex_exit(&bufcache.bc_lock);
}

void
bsetage(struct buf *bp)
{
	mutex_enter(&bufcache.bc_lock);
	KASSERT(bp->b_flags & B_BUSY);
	bp->b_flags |= B_AGE;
	mutex_exit(&bufcache.bc_lock);
}

void
bdwrite_fsmark(struct buf *bp, unsigned fsmark)
{
	mutex_enter(&bufcache.bc_lock);
	bp->b_flags = (bp->b_flags | B_DONE) & ~B_READAHEAD;
	bp->b_fsmark = fsmark;
	bio_setdirty(bp);
	bio_release(bp);
	mutex_exit(&bufcache.bc_lock);
}

void
bdwrite(struct buf *bp)
{
	bdwrite_fsmark(bp, 0);	/* the holder changed the contents */
}

/* See buf.h: a failed write drops the buffer and returns the error. */
int
bwrite(struct buf *bp)
{
	int error;

	mutex_enter(&bufcache.bc_lock);
	bp->b_flags = (bp->b_flags | B_DONE) & ~B_READAHEAD;
	bp->b_fsmark = 0;	/* the holder changed the contents */
	error = bio_io_run(bp->b_dev, BDEV_WRITE, &bp, 1);
	bp->b_error = error;
	if (error != 0)
		bp->b_flags |= B_ERROR | B_INVAL;
	else
		bio_setclean(bp);
	bio_release(bp);
	mutex_exit(&bufcache.bc_lock);
	return error;
}

/*
 * Write soon: with a syncer, the buffer is made the oldest dirty one and
 * the syncer woken, so it goes out within moments with its neighbours;
 * without one, it is written (clustered) right away.
 */
void
bawrite(struct buf *bp)
{
	struct bdev *bd = bp->b_dev;
	daddr_t blkno = bp->b_blkno;
	int error;

	mutex_enter(&bufcache.bc_lock);
	bp->b_flags = (bp->b_flags | B_DONE) & ~B_READAHEAD;
	bp->b_fsmark = 0;	/* the holder changed the contents */
	bio_setdirty(bp);
	if (bufcache.bc_syncer) {
		bp->b_dirtytime = 0;
		TAILQ_REMOVE(&bd->bd_dirtyq, bp, b_dirty);
		TAILQ_INSERT_HEAD(&bd->bd_dirtyq, bp, b_dirty);
		cv_signal(&bufcache.bc_syncercv);
		bio_release(bp);
	} else if ((error = bio_write_cluster(bp, BIO_FAIL_KEEP)) != 0) {
		kverbose("bawrite: block %jd: error %d, kept dirty\n", (intmax_t)blkno, error);
	}
	mutex_exit(&bufcache.bc_lock);
}

void
bufcache_stats(struct bufstats *bs)
{
	mutex_enter(&bufcache.bc_lock);
	bs->bs_bytes = bufcache.bc_bytes;
	bs->bs_nbufs = bufcache.bc_nbufs;
	bs->bs_ndirty = bufcache.bc_ndirty;
	bs->bs_reads = bufcache.bc_reads;
	bs->bs_writes = bufcache.bc_writes;
	bs->bs_hits = bufcache.bc_hits;
	bs->bs_misses = bufcache.bc_misses;
	bs->bs_readahead = bufcache.bc_readahead;
	mutex_exit(&bufcache.bc_lock);
}
