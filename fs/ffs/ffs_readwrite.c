/* ffs_readwrite.c: file data: reading through bmap, holes read as zeros. */
#include "ffs.h"

static int
read_block(struct ffs_inode *ip, int64_t lbn, size_t boff, size_t n, struct uio *uio)
{
	struct ffs_mount *fm = ip->i_fm;
	static const char zeros[4096];
	struct buf *bp;
	int64_t d;
	size_t off;
	int error;

	if ((error = ffs_bmap(ip, lbn, &d)) != 0)
		return error;
	if (d == 0) {
		while (n > 0) {
			size_t k = MIN(n, sizeof(zeros));
			uiomove((void *)zeros, k, uio);
			n -= k;
		}
		return 0;
	}
	error = ffs_bread_frags(fm, d, ffs_blksize(ip, lbn), &bp, &off);
	if (error)
		return error;
	if (off + boff + n > (size_t)bp->b_bcount) {
		brelse(bp, 0);
		return EIO;
	}
	uiomove((char *)bp->b_data + off + boff, n, uio);
	brelse(bp, 0);
	return 0;
}

/* Copy from uio_offset up to the end of file. */
int
ffs_read_inode(struct ffs_inode *ip, struct uio *uio)
{
	struct ffs_mount *fm = ip->i_fm;
	int error = 0;

	if (uio->uio_offset < 0)
		return EINVAL;
	while (uio->uio_resid > 0 && (uint64_t)uio->uio_offset < ip->i_size) {
		uint64_t off = (uint64_t)uio->uio_offset;
		int64_t lbn = (int64_t)(off >> fm->fm_bshift);
		size_t boff = off & (uint64_t)(fm->fm_bsize - 1);
		size_t n = MIN((size_t)fm->fm_bsize - boff, uio->uio_resid);

		n = MIN((uint64_t)n, ip->i_size - off);
		if ((error = read_block(ip, lbn, boff, n, uio)) != 0)
			break;
	}
	return error;
}
