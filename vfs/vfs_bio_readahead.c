/* vfs_bio_readahead.c: bread and breadn: reads, sequential detection and read-ahead in one host read. */
#include "kernel.h"

#include "vfs_bio_impl.h"

static int bio_seqwindow(struct bdev *bd, daddr_t blkno, int size, bool miss);
static bool bio_fits(struct bdev *bd, daddr_t blkno, int size);
static void bio_ra_done(struct buf **bps, int n, int error);
static int bio_read_ahead(struct bdev *bd, struct vnode *vp, struct buf *bp, int rawin);
static void bio_read_listed(struct bdev *bd, struct vnode *vp, const daddr_t *rablks,
    const int *rasizes, int nrablks);

/*
 * Sequential detection per device, over several streams at once: FUSE
 * sends the reads of one file as concurrent requests for neighbouring
 * megabytes, and several files are read at a time.  An access at the
 * block following a stream's last continues it, and each miss in a
 * stream doubles its read-ahead window (BIO_RAMIN .. BIO_RAMAX buffers,
 * at most BIO_MAXIO bytes in all).  A miss elsewhere starts a stream in
 * place of the oldest; a hit elsewhere changes nothing, because a file
 * system reading a file in order also rereads cached metadata between
 * its data blocks (an indirect block, the inode table).
 * Returns the window for this access (0: read just the block).
 */
void
bio_ra_reset(struct bdev *bd)
{
	for (int i = 0; i < BIO_RASTREAMS; i++) {
		bd->bd_ra[i].rs_next = -1;
		bd->bd_ra[i].rs_win = 0;
		bd->bd_ra[i].rs_used = 0;
	}
	bd->bd_raclock = 0;
}

static int
bio_seqwindow(struct bdev *bd, daddr_t blkno, int size, bool miss)
{
	int maxwin = MIN(BIO_RAMAX, BIO_MAXIO / size - 1), i, old = 0;
	struct bio_stream *rs;

	for (i = 0; i < BIO_RASTREAMS; i++) {
		if (bd->bd_ra[i].rs_next == blkno)
			break;
		if (bd->bd_ra[i].rs_used < bd->bd_ra[old].rs_used)
			old = i;
	}
	if (i == BIO_RASTREAMS) {
		if (!miss)
			return 0;
		rs = &bd->bd_ra[old];
		rs->rs_next = blkno + size / DEV_BSIZE;
		rs->rs_win = 0;
		rs->rs_used = ++bd->bd_raclock;
		return 0;
	}
	rs = &bd->bd_ra[i];
	rs->rs_next = blkno + size / DEV_BSIZE;
	rs->rs_used = ++bd->bd_raclock;
	if (miss)
		rs->rs_win = rs->rs_win == 0 ? BIO_RAMIN : rs->rs_win * 2;
	rs->rs_win = MIN(rs->rs_win, maxwin);
	return miss ? rs->rs_win : 0;
}

/* The block lies wholly on the device (read-ahead never reaches past the end). */
static bool
bio_fits(struct bdev *bd, daddr_t blkno, int size)
{
	return blkno >= 0 && blkno <= (INT64_MAX - MAXBSIZE) / DEV_BSIZE &&
	    (uint64_t)blkno * DEV_BSIZE + (uint64_t)size <= bdev_size(bd);
}

/* Read-ahead buffers after their read: filled and idle, or dropped on error. */
static void
bio_ra_done(struct buf **bps, int n, int error)
{
	int i;

	for (i = 0; i < n; i++) {
		if (error != 0) {
			bps[i]->b_flags |= B_INVAL;
		} else {
			bps[i]->b_flags |= B_DONE | B_READAHEAD;
			bufcache.bc_readahead++;
		}
		bio_release(bps[i]);
	}
}

/* Read bp (busy, not valid) and up to rawin following uncached blocks in one host read. */
static int
bio_read_ahead(struct bdev *bd, struct vnode *vp, struct buf *bp, int rawin)
{
	struct buf *bps[1 + BIO_RAMAX];
	int size = bp->b_bcount, n = 1, error;
	daddr_t next = bp->b_blkno + size / DEV_BSIZE;

	bps[0] = bp;
	if (size % DEV_BSIZE != 0)
		rawin = 0;
	while (n <= rawin && bio_fits(bd, next, size)) {
		/* Stops at the first block already cached or when memory is short. */
		if (bio_getblk_locked(bd, vp, next, size, BIO_NOEXIST, &bps[n]) != 0)
			break;
		n++;
		next += size / DEV_BSIZE;
	}
	error = bio_io_run(bd, BDEV_READ, bps, n);
	bio_ra_done(bps + 1, n - 1, error);
	if (error == 0)
		bp->b_flags |= B_DONE;
	return error;
}

/* breadn's list: uncached blocks, contiguous ones grouped into one host read each. */
static void
bio_read_listed(struct bdev *bd, struct vnode *vp, const daddr_t *rablks,
    const int *rasizes, int nrablks)
{
	struct buf *run[BIO_MAXCLUSTER], *last, *nb;
	uint64_t bytes = 0;
	int i, n = 0, error;

	for (i = 0; i < nrablks; i++) {
		daddr_t blk = rablks[i];
		int sz = rasizes[i];

		if (sz <= 0 || sz > MAXBSIZE || !bio_fits(bd, blk, sz))
			continue;
		last = n > 0 ? run[n - 1] : NULL;
		if (last != NULL && (n == BIO_MAXCLUSTER || bytes + (uint64_t)sz > BIO_MAXIO ||
		    last->b_bcount % DEV_BSIZE != 0 ||
		    blk != last->b_blkno + last->b_bcount / DEV_BSIZE)) {
			error = bio_io_run(bd, BDEV_READ, run, n);
			bio_ra_done(run, n, error);
			n = 0;
			bytes = 0;
		}
		if (bio_getblk_locked(bd, vp, blk, sz, BIO_NOEXIST, &nb) != 0)
			continue;
		run[n++] = nb;
		bytes += (uint64_t)sz;
	}
	if (n > 0) {
		error = bio_io_run(bd, BDEV_READ, run, n);
		bio_ra_done(run, n, error);
	}
}

int
breadn(struct vnode *vp, daddr_t blkno, int size, const daddr_t *rablks,
    const int *rasizes, int nrablks, int flags __unused, struct buf **bpp)
{
	struct bdev *bd;
	struct buf *bp;
	int error, rawin;
	bool miss;

	*bpp = NULL;
	if ((error = bio_checkargs(vp, blkno, size, &bd)) != 0)
		return error;
	if (nrablks < 0 || (nrablks > 0 && (rablks == NULL || rasizes == NULL)))
		return EINVAL;
	mutex_enter(&bufcache.bc_lock);
	if ((error = bio_getblk_locked(bd, vp, blkno, size, 0, &bp)) != 0)
		goto out_unlock;
	miss = !(bp->b_flags & B_DONE);
	rawin = bio_seqwindow(bd, blkno, size, miss);
	if (!miss) {
		bufcache.bc_hits++;
		bp->b_flags &= ~B_READAHEAD;
	} else {
		bufcache.bc_misses++;
		if ((error = bio_read_ahead(bd, vp, bp, rawin)) != 0) {
			/* The device failed: the buffer goes, the caller gets the error. */
			bp->b_error = error;
			bp->b_flags |= B_ERROR | B_INVAL;
			bio_release(bp);
			goto out_unlock;
		}
	}
	if (nrablks > 0)
		bio_read_listed(bd, vp, rablks, rasizes, nrablks);
	*bpp = bp;
out_unlock:
	mutex_exit(&bufcache.bc_lock);
	return error;
}

int
bread(struct vnode *vp, daddr_t blkno, int size, int flags, struct buf **bpp)
{
	return breadn(vp, blkno, size, NULL, NULL, 0, flags, bpp);
}
