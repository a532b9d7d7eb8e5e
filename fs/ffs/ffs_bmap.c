/* ffs_bmap.c: mapping a file's logical blocks to frag addresses through the direct and indirect pointers. */
#include "ffs.h"
#include "genfs.h"

/* Frags held by logical block lbn: a whole block, except a short last block among the direct ones. */
int
ffs_blksize(const struct ffs_inode *ip, int64_t lbn)
{
	const struct ffs_mount *fm = ip->i_fm;
	uint64_t tail;

	if (lbn >= FFS_NDADDR || ip->i_size >= ((uint64_t)(lbn + 1) << fm->fm_bshift))
		return fm->fm_frag;
	tail = ip->i_size & (uint64_t)(fm->fm_bsize - 1);
	return (int)howmany(tail, (uint64_t)fm->fm_fsize);
}

int
ffs_extblksize(const struct ffs_inode *ip, int lbn)
{
	const struct ffs_mount *fm = ip->i_fm;
	int64_t left = (int64_t)ip->i_extsize - ((int64_t)lbn << fm->fm_bshift);

	if (left >= fm->fm_bsize)
		return fm->fm_frag;
	return left <= 0 ? 0 : (int)howmany(left, (int64_t)fm->fm_fsize);
}

/*
 * *dp = the frag address of logical block lbn, 0 for a hole.  A nonzero
 * address is checked to lie in the data area for the frags the block holds.
 */
int
ffs_bmap(struct ffs_inode *ip, int64_t lbn, int64_t *dp)
{
	struct genfs_blkmap bm;
	int64_t d;
	int error;

	*dp = 0;
	if (lbn < 0)
		return EINVAL;
	ffs_blkmap(ip, &bm);
	if ((error = genfs_blkmap_lookup(&bm, (uint64_t)lbn, &d)) != 0)
		return error;
	if (d != 0 && !ffs_frags_ok(ip->i_fm, d, ffs_blksize(ip, lbn))) {
		ffs_corrupt(ip->i_fm, "ffs: inode %ju: block %jd at %jd out of range\n",
		    (uintmax_t)ip->i_number, (intmax_t)lbn, (intmax_t)d);
		return EIO;
	}
	*dp = d;
	return 0;
}

/* ---- extents for SEEK_DATA/SEEK_HOLE (genfs_blkmap_extent's hooks) ---- */

static int64_t
extent_root(void *arg, unsigned i)
{
	const struct ffs_inode *ip = arg;

	return i < FFS_NDADDR ? ip->i_db[i] : ip->i_ib[i - FFS_NDADDR];
}

/* Pointer i of an indirect block's data, in host order. */
static int64_t
indir_ptr(const struct ffs_mount *fm, const void *data, uint64_t i)
{
	if (fm->fm_ufs2)
		return (int64_t)ffs_get64(fm->fm_swap, ((const uint64_t *)data)[i]);
	return (int32_t)ffs_get32(fm->fm_swap, ((const uint32_t *)data)[i]);
}

static int
extent_scan(void *arg, int64_t blk, uint64_t i, int64_t *valp, uint64_t *runp)
{
	struct ffs_inode *ip = arg;
	struct ffs_mount *fm = ip->i_fm;
	uint64_t j, n;
	struct buf *bp;
	int error;

	if (!ffs_frags_ok(fm, blk, fm->fm_frag)) {
		ffs_corrupt(fm, "ffs: inode %ju: indirect block %jd out of range\n",
		    (uintmax_t)ip->i_number, (intmax_t)blk);
		return EIO;
	}
	if ((error = ffs_bread(fm, blk, &bp)) != 0)
		return error;
	n = (uint64_t)bp->b_bcount / (fm->fm_ufs2 ? 8 : 4);
	if (n > fm->fm_nindir)
		n = fm->fm_nindir;
	if (i >= n) {
		brelse(bp, 0);
		return EIO;
	}
	*valp = indir_ptr(fm, bp->b_data, i);
	if (runp != NULL) {
		for (j = i + 1; j < n && (indir_ptr(fm, bp->b_data, j) != 0) == (*valp != 0); j++)
			continue;
		*runp = j - i;
	}
	brelse(bp, 0);
	return 0;
}

static void
blkmap_damaged(void *arg, int64_t blk)
{
	struct ffs_inode *ip = arg;

	ffs_corrupt(ip->i_fm, "ffs: inode %ju: indirect block %jd points back to itself\n",
	    (uintmax_t)ip->i_number, (intmax_t)blk);
}

void
ffs_blkmap(struct ffs_inode *ip, struct genfs_blkmap *bm)
{
	*bm = (struct genfs_blkmap){
		.bm_ndaddr = FFS_NDADDR, .bm_niaddr = FFS_NIADDR,
		.bm_nindir = ip->i_fm->fm_nindir, .bm_bshift = (unsigned)ip->i_fm->fm_bshift,
		.bm_arg = ip, .bm_root = extent_root, .bm_scan = extent_scan,
		.bm_damaged = blkmap_damaged,
	};
}

/* vop_extent: the block map's view of byte off (vp S). */
int
ffs_extent(struct vnode *vp, off_t off, bool *datap, off_t *endp)
{
	struct genfs_blkmap bm;

	ffs_blkmap(VTOI(vp), &bm);
	return genfs_blkmap_extent(&bm, off, datap, endp);
}
