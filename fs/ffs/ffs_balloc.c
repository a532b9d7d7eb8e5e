/* ffs_balloc.c: giving a file's logical block storage on write: fragments for a short last block, whole blocks otherwise. */
#include "ffs.h"
#include "genfs.h"

/* New storage holds zeros, never a former file's bytes. */
static int
zero_frags(struct ffs_mount *fm, int64_t d, int nfrags)
{
	struct buf *bp;
	size_t off;
	int error;

	if (nfrags == fm->fm_frag) {
		if ((error = ffs_getblk(fm, d, &bp)) != 0)
			return error;
		memset(bp->b_data, 0, (size_t)bp->b_bcount);
		return ffs_mwrite(fm, bp);
	}
	if ((error = ffs_bread_frags(fm, d, nfrags, &bp, &off)) != 0)
		return error;
	memset((char *)bp->b_data + off, 0, (size_t)nfrags << fm->fm_fshift);
	return ffs_mwrite(fm, bp);
}

static int
alloc_zeroed(struct ffs_inode *ip, int64_t pref, int nfrags, kauth_cred_t cred, int64_t *dp)
{
	struct ffs_mount *fm = ip->i_fm;
	int64_t d;
	int error;

	/* *dp is often the pointer in the inode: it names the frags only once they are zeroed */
	if ((error = ffs_alloc_frags(ip, pref, nfrags, cred, &d)) != 0)
		return error;
	if ((error = zero_frags(fm, d, nfrags)) != 0) {
		ffs_free_frags(fm, d, nfrags);
		return error;
	}
	*dp = d;
	ip->i_blocks += (uint64_t)nfrags << (fm->fm_fshift - DEV_BSHIFT);
	return 0;
}

/* Undo alloc_zeroed. */
static void
free_zeroed(struct ffs_inode *ip, int64_t d, int nfrags)
{
	struct ffs_mount *fm = ip->i_fm;

	ffs_free_frags(fm, d, nfrags);
	ip->i_blocks -= (uint64_t)nfrags << (fm->fm_fshift - DEV_BSHIFT);
}

/* Grow direct block lbn from its current frags to nfrags (reallocating when the next frags are taken). */
static int
grow_direct(struct ffs_inode *ip, int64_t lbn, int osize, int nfrags, kauth_cred_t cred)
{
	struct ffs_mount *fm = ip->i_fm;
	int64_t od = ip->i_db[lbn], nd;
	int error;

	if (osize >= nfrags)
		return 0;
	error = ffs_realloc_frags(ip, od, osize, nfrags, cred, &nd);
	if (error)
		return error;
	ip->i_db[lbn] = nd;
	ip->i_blocks += (uint64_t)(nfrags - osize) << (fm->fm_fshift - DEV_BSHIFT);
	if (nd == od)
		return 0;
	/*
	 * Moved: on a sync mount the inode naming the new run is written
	 * before the old run is marked free, else a crash between the two
	 * leaves the file's frags free (fsck -p stops at that).  Should that
	 * write fail, the old run stays allocated: lost space, not damage.
	 */
	if (ffs_syncmount(fm) && (error = ffs_update(ip, true)) != 0) {
		ffs_corrupt(fm, "ffs: inode %ju: frags %jd left allocated (error %d)\n",
		    (uintmax_t)ip->i_number, (intmax_t)od, error);
		return 0;
	}
	ffs_free_frags(fm, od, osize);
	return 0;
}

/*
 * Only the last block may be short: before writing past it, make it
 * whole.  *grownp: its frags before, when it grew (else 0).
 */
static int
fill_last_block(struct ffs_inode *ip, int64_t lbn, kauth_cred_t cred, int64_t *lastp, int *grownp)
{
	int64_t last;
	int osize, error;

	*grownp = 0;
	if (ip->i_size == 0)
		return 0;
	last = (int64_t)((ip->i_size - 1) >> ip->i_fm->fm_bshift);
	if (last >= FFS_NDADDR || last >= lbn || ip->i_db[last] == 0)
		return 0;
	if ((osize = ffs_blksize(ip, last)) >= ip->i_fm->fm_frag)
		return 0;
	if ((error = grow_direct(ip, last, osize, ip->i_fm->fm_frag, cred)) == 0) {
		*lastp = last;
		*grownp = osize;
	}
	return error;
}

static int
balloc_direct(struct ffs_inode *ip, int64_t lbn, int nfrags, kauth_cred_t cred, int64_t *dp)
{
	struct ffs_mount *fm = ip->i_fm;
	int64_t last = ip->i_size == 0 ? -1 : (int64_t)((ip->i_size - 1) >> fm->fm_bshift);
	int64_t pref = 0;
	int error;

	if (ip->i_db[lbn] == 0) {
		if (lbn > 0 && ip->i_db[lbn - 1] != 0)
			pref = ip->i_db[lbn - 1] + fm->fm_frag;
		if ((error = alloc_zeroed(ip, pref, nfrags, cred, &ip->i_db[lbn])) != 0)
			return error;
	} else if (lbn == last) {
		if ((error = grow_direct(ip, lbn, ffs_blksize(ip, lbn), nfrags, cred)) != 0)
			return error;
	} else if (lbn > last) {
		/* A block past the end that holds storage (left by a failed write): keep it whole. */
		if ((error = grow_direct(ip, lbn, fm->fm_frag, nfrags, cred)) != 0)
			return error;
	}
	*dp = ip->i_db[lbn];
	return 0;
}

static int64_t
ptr_get(const struct ffs_mount *fm, const struct buf *bp, uint64_t i)
{
	if (fm->fm_ufs2)
		return (int64_t)ffs_get64(fm->fm_swap, ((const uint64_t *)bp->b_data)[i]);
	return (int32_t)ffs_get32(fm->fm_swap, ((const uint32_t *)bp->b_data)[i]);
}

/*
 * Pointer i of indirect block blk: read it, or allocate the child (zeroed)
 * and store it.  No buffer is held while allocating: on a damaged image
 * the "free" block handed out could be blk itself.
 */
static int
indir_slot(struct ffs_inode *ip, int64_t blk, uint64_t i, kauth_cred_t cred, int64_t *dp)
{
	struct ffs_mount *fm = ip->i_fm;
	struct buf *bp;
	int64_t d, pref;
	int error;

	if (!ffs_frags_ok(fm, blk, fm->fm_frag))
		return EIO;
	if ((error = ffs_bread(fm, blk, &bp)) != 0)
		return error;
	d = ptr_get(fm, bp, i);
	/*
	 * The new block goes right after the one before it in this indirect
	 * block (or after the indirect block): a file written in order stays
	 * contiguous, and the search for a free block starts where one is.
	 */
	pref = i > 0 ? ptr_get(fm, bp, i - 1) : 0;
	pref = pref > 0 && pref < fm->fm_size ? pref + fm->fm_frag : blk + fm->fm_frag;
	brelse(bp, 0);
	if (d != 0) {
		*dp = d;
		return 0;
	}
	if ((error = alloc_zeroed(ip, pref, fm->fm_frag, cred, &d)) != 0)
		return error;
	if ((error = ffs_bread(fm, blk, &bp)) != 0) {
		free_zeroed(ip, d, fm->fm_frag);	/* nothing points at it */
		return error;
	}
	if (fm->fm_ufs2)
		((uint64_t *)bp->b_data)[i] = ffs_put64(fm->fm_swap, (uint64_t)d);
	else
		((uint32_t *)bp->b_data)[i] = ffs_put32(fm->fm_swap, (uint32_t)d);
	*dp = d;
	return ffs_mwrite(fm, bp);
}

static int
balloc_indirect(struct ffs_inode *ip, int64_t lbn, kauth_cred_t cred, int64_t *dp)
{
	struct ffs_mount *fm = ip->i_fm;
	struct genfs_blkmap bm;
	uint64_t idx[GENFS_NIADDR_MAX];
	int64_t d, path[GENFS_NIADDR_MAX];
	unsigned root;
	int depth, error;

	ffs_blkmap(ip, &bm);
	if ((depth = genfs_blkmap_route(&bm, (uint64_t)lbn, &root, idx)) <= 0)
		return EFBIG;
	root -= FFS_NDADDR;
	if (ip->i_ib[root] == 0 &&
	    (error = alloc_zeroed(ip, ip->i_db[FFS_NDADDR - 1], fm->fm_frag, cred,
	    &ip->i_ib[root])) != 0)
		return error;
	d = ip->i_ib[root];
	for (int l = 0; l < depth; l++) {
		path[l] = d;
		if ((error = indir_slot(ip, d, idx[l], cred, &d)) != 0)
			return error;
		if (genfs_blkmap_loops(&bm, path, (unsigned)l + 1, d))
			return EIO;
	}
	if (!ffs_frags_ok(fm, d, fm->fm_frag))
		return EIO;
	*dp = d;
	return 0;
}

int
ffs_balloc(struct ffs_inode *ip, int64_t lbn, int bytes, kauth_cred_t cred, int64_t *dp)
{
	struct ffs_mount *fm = ip->i_fm;
	int nfrags = (int)howmany(bytes, fm->fm_fsize), error;

	int64_t last = 0;
	int grown;

	KASSERT(bytes > 0 && bytes <= fm->fm_bsize);
	if ((error = fill_last_block(ip, lbn, cred, &last, &grown)) != 0)
		return error;
	if (lbn < FFS_NDADDR)
		error = balloc_direct(ip, lbn, nfrags, cred, dp);
	else
		error = balloc_indirect(ip, lbn, cred, dp);
	/* The size still says the last block is short: its new frags go back (data is in the first). */
	if (error != 0 && grown != 0)
		free_zeroed(ip, ip->i_db[last] + grown, fm->fm_frag - grown);
	return error;
}
