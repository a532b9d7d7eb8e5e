/* vfs_bio_cluster.c: buffer-cache I/O runs: contiguous dirty buffers written as one host write; vflushbuf. */
#include "kernel.h"
#include "lwp.h"

#include "vfs_bio_impl.h"

static bool bio_clusterable(const struct buf *bp);
static int bio_gather(struct buf *bp, struct buf **bps);
static void bio_requeue(struct buf *bp, int64_t now);

static uint64_t
bio_iolen(const struct iovec *iov, int n)
{
	uint64_t len = 0;

	for (int i = 0; i < n; i++)
		len += iov[i].iov_len;
	return len;
}

int
bio_io_run(struct bdev *bd, int rw, struct buf **bps, int n)
{
	struct iovec iov[BIO_MAXCLUSTER];
	uint64_t off;
	int error, i;

	KASSERT(n >= 1 && n <= BIO_MAXCLUSTER);
	for (i = 0; i < n; i++) {
		KASSERT(bps[i]->b_flags & B_BUSY);
		if (rw == BDEV_READ)
			bps[i]->b_fsmark = 0;
		iov[i].iov_base = bps[i]->b_data;
		iov[i].iov_len = (size_t)bps[i]->b_bcount;
	}
	off = (uint64_t)bps[0]->b_blkno * DEV_BSIZE;
	if (rw == BDEV_READ)
		bufcache.bc_reads++;
	else
		bufcache.bc_writes++;
	/* The buffers are busy, so they stay ours while the lock is dropped. */
	mutex_exit(&bufcache.bc_lock);
	error = bdev_io(bd, rw, iov, n, off);
	/*
	 * A long sequential read: have the host fetch what follows while we
	 * hand this out.  Requests served at once reach the host out of order,
	 * which its own read-ahead takes for random access.
	 */
	if (rw == BDEV_READ && error == 0 && bio_iolen(iov, n) >= BIO_HINTMIN)
		bdev_willneed(bd, off + bio_iolen(iov, n), BIO_HINTLEN);
	/* A long write: the host starts it to its disk now rather than all at the next fsync. */
	if (rw == BDEV_WRITE && error == 0 && bio_iolen(iov, n) >= BIO_HINTMIN)
		bdev_writeback(bd, off, bio_iolen(iov, n));
	mutex_enter(&bufcache.bc_lock);
	return error;
}

/* An idle dirty buffer of whole device blocks can join a write run. */
static bool
bio_clusterable(const struct buf *bp)
{
	return (bp->b_flags & (B_DELWRI | B_BUSY)) == B_DELWRI && bp->b_bcount % DEV_BSIZE == 0;
}

/*
 * The run of contiguous dirty buffers around bp (busy by us), in blkno
 * order, at most BIO_MAXCLUSTER buffers and BIO_MAXIO bytes; the
 * neighbours are taken busy.  The backward walk respects both limits,
 * so the forward walk from its start always reaches bp again.
 */
static int
bio_gather(struct buf *bp, struct buf **bps)
{
	struct bdev *bd = bp->b_dev;
	struct buf *start = bp, *nb;
	uint64_t bytes = (uint64_t)bp->b_bcount;
	int n = 1;

	if (bp->b_bcount % DEV_BSIZE != 0) {
		bps[0] = bp;
		return 1;
	}
	/* Backwards, assuming the neighbour has bp's size (one size per file system). */
	while (n < BIO_MAXCLUSTER) {
		daddr_t pb = start->b_blkno - start->b_bcount / DEV_BSIZE;

		if (pb < 0 || (nb = bio_lookup(bd, pb)) == NULL || !bio_clusterable(nb) ||
		    nb->b_blkno + nb->b_bcount / DEV_BSIZE != start->b_blkno ||
		    bytes + (uint64_t)nb->b_bcount > BIO_MAXIO)
			break;
		start = nb;
		bytes += (uint64_t)nb->b_bcount;
		n++;
	}
	/* Forwards from the start, through bp and beyond. */
	bytes = 0;
	for (n = 0, nb = start; nb != NULL; ) {
		if (nb != bp)
			bio_acquire(nb);
		bps[n++] = nb;
		bytes += (uint64_t)nb->b_bcount;
		if (n == BIO_MAXCLUSTER)
			break;
		nb = bio_lookup(bd, nb->b_blkno + nb->b_bcount / DEV_BSIZE);
		if (nb != NULL && nb != bp &&
		    (!bio_clusterable(nb) || bytes + (uint64_t)nb->b_bcount > BIO_MAXIO))
			break;
	}
	return n;
}

/* The buffer failed to write: make it the youngest dirty one of its device. */
static void
bio_requeue(struct buf *bp, int64_t now)
{
	struct bdev *bd = bp->b_dev;

	bp->b_dirtytime = now;
	TAILQ_REMOVE(&bd->bd_dirtyq, bp, b_dirty);
	TAILQ_INSERT_TAIL(&bd->bd_dirtyq, bp, b_dirty);
}

int
bio_write_cluster(struct buf *bp, int onfail)
{
	struct buf *bps[BIO_MAXCLUSTER];
	int64_t now = bio_now_ms();
	int error, i, n;

	KASSERT((bp->b_flags & (B_BUSY | B_DELWRI)) == (B_BUSY | B_DELWRI));
	n = bio_gather(bp, bps);
	error = bio_io_run(bp->b_dev, BDEV_WRITE, bps, n);
	for (i = 0; i < n; i++) {
		bps[i]->b_error = error;
		if (error == 0)
			bio_setclean(bps[i]);
		else if (onfail == BIO_FAIL_SKIP)
			bps[i]->b_flags |= B_FLUSHSKIP;
		else if (onfail == BIO_FAIL_REQUEUE)
			bio_requeue(bps[i], now);
		bio_release(bps[i]);
	}
	return error;
}

/*
 * Write every dirty buffer of bd.  Each pass restarts from the head of
 * the dirty list because the lock is dropped during each write; buffers
 * whose write failed are marked and skipped so the pass ends.
 */
int
bio_flushdev(struct bdev *bd, bool wait)
{
	struct buf *bp;
	int error = 0, e;

again:
	TAILQ_FOREACH(bp, &bd->bd_dirtyq, b_dirty) {
		if (bp->b_flags & B_FLUSHSKIP)
			continue;
		if (bp->b_flags & B_BUSY) {
			/* Another lwp will give it back; our own busy ones we cannot wait for. */
			if (wait && bp->b_owner != curlwp) {
				cv_wait(&bufcache.bc_cv, &bufcache.bc_lock);
				goto again;
			}
			continue;
		}
		bio_acquire(bp);
		if ((e = bio_write_cluster(bp, BIO_FAIL_SKIP)) != 0 && error == 0)
			error = e;
		goto again;
	}
	TAILQ_FOREACH(bp, &bd->bd_dirtyq, b_dirty)
		bp->b_flags &= ~B_FLUSHSKIP;
	return error;
}

int
vflushbuf(struct vnode *vp, bool wait)
{
	struct bdev *bd;
	int error, e;

	if ((error = bio_devof(vp, &bd)) != 0)
		return error;
	mutex_enter(&bufcache.bc_lock);
	error = bio_flushdev(bd, wait);
	mutex_exit(&bufcache.bc_lock);
	if (wait && (e = bdev_sync(bd)) != 0 && error == 0)
		error = e;
	return error;
}

/*
 * The syncer's pass under pressure: the oldest idle dirty buffers (with
 * their neighbours) until at most target bytes are dirty.  The first
 * device's oldest goes first; a device with only busy ones is passed.
 */
void
bio_flush_excess(uint64_t target)
{
	struct bdev *bd;
	struct buf *bp;
	int failures = 0;

again:
	if (bufcache.bc_dirtybytes <= target || failures >= 2)
		return;
	LIST_FOREACH(bd, &bufcache.bc_dirtydevs, bd_dirtydevs) {
		TAILQ_FOREACH(bp, &bd->bd_dirtyq, b_dirty) {
			if (bp->b_flags & B_BUSY)
				continue;
			bio_acquire(bp);
			if (bio_write_cluster(bp, BIO_FAIL_REQUEUE) != 0)
				failures++;
			goto again;
		}
	}
}

/*
 * The syncer's pass: write buffers dirty since before cutoff, oldest
 * first (each device's dirty list is in dirtying order).  A failed write
 * is retried a delay later rather than at once.
 */
void
bio_flush_aged(int64_t cutoff)
{
	struct bdev *bd;
	struct buf *bp;

again:
	LIST_FOREACH(bd, &bufcache.bc_dirtydevs, bd_dirtydevs) {
		TAILQ_FOREACH(bp, &bd->bd_dirtyq, b_dirty) {
			if (bp->b_dirtytime > cutoff)
				break;
			if (bp->b_flags & B_BUSY)
				continue;
			bio_acquire(bp);
			if (bio_write_cluster(bp, BIO_FAIL_REQUEUE) != 0)
				kverbose("syncer: write error on device %#jx, retrying later\n",
				    (uintmax_t)bd->bd_dev);
			goto again;
		}
	}
}
