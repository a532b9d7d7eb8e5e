/* ffs_subr.c: reading device blocks: one buffer size per block, range checks of frag addresses. */
#include "ffs.h"

/*
 * The buffer cache wants one size per block number and no overlapping
 * buffers, while ffs addresses fragments.  So every buffer is the whole
 * block containing the frags wanted (clipped at the end of the file
 * system), keyed by the block's first frag: two files' tails in one block
 * share a buffer instead of overlapping.
 */
static int
block_size(const struct ffs_mount *fm, int64_t blkaddr)
{
	int64_t left = fm->fm_size - blkaddr;

	return (int)(MIN(left, (int64_t)fm->fm_frag) << fm->fm_fshift);
}

int
ffs_bread(struct ffs_mount *fm, int64_t blkaddr, struct buf **bpp)
{
	KASSERT(blkaddr >= 0 && blkaddr < fm->fm_size && blkaddr % fm->fm_frag == 0);
	return bread(fm->fm_devvp, ffs_fsbtodb(fm, blkaddr), block_size(fm, blkaddr), 0, bpp);
}

int
ffs_getblk(struct ffs_mount *fm, int64_t blkaddr, struct buf **bpp)
{
	KASSERT(blkaddr >= 0 && blkaddr < fm->fm_size && blkaddr % fm->fm_frag == 0);
	return getblk(fm->fm_devvp, ffs_fsbtodb(fm, blkaddr), block_size(fm, blkaddr), 0, bpp);
}

/*
 * File data may live anywhere in a group's data area, and in the part of
 * a UFS1 group before its rotated metadata; never in the boot and
 * superblock area, a superblock copy, a cg header or the inode blocks.
 */
bool
ffs_frags_ok(const struct ffs_mount *fm, int64_t d, int nfrags)
{
	uint32_t c;

	/* d comes from the disk: compared so that a huge pointer cannot overflow the sum */
	if (d <= 0 || nfrags < 1 || nfrags > fm->fm_frag || d > fm->fm_size - nfrags)
		return false;
	if (d % fm->fm_frag + nfrags > fm->fm_frag)
		return false;
	c = ffs_dtog(fm, d);
	if (c >= fm->fm_ncg)
		return false;
	if (c == 0 && d < ffs_cgdmin(fm, 0))
		return false;
	return !(d >= ffs_cgsblock(fm, c) && d < ffs_cgdmin(fm, c));
}

int
ffs_bread_frags(struct ffs_mount *fm, int64_t d, int nfrags, struct buf **bpp, size_t *offp)
{
	int64_t blk = d - d % fm->fm_frag;
	int error;

	if (!ffs_frags_ok(fm, d, nfrags))
		return EIO;
	error = ffs_bread(fm, blk, bpp);
	if (error)
		return error;
	*offp = (size_t)(d - blk) << fm->fm_fshift;
	if (*offp + ((size_t)nfrags << fm->fm_fshift) > (size_t)(*bpp)->b_bcount) {
		brelse(*bpp, 0);
		*bpp = NULL;
		return EIO;
	}
	return 0;
}
