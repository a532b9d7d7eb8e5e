/* ffs_readwrite.c: file data: reading through bmap, holes read as zeros. */
#include "ffs.h"

static int
read_block(struct ffs_inode *ip, int64_t lbn, size_t boff, size_t n, struct uio *uio, int relflags)
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
	/* Aged only when the block is all this file's and read to its end: fragments are shared. */
	if (off != 0 || boff + n != (size_t)fm->fm_bsize || bp->b_bcount != fm->fm_bsize)
		relflags = 0;
	brelse(bp, relflags);
	return 0;
}

/* Copy from uio_offset up to the end of file. */
int
ffs_read_inode(struct ffs_inode *ip, struct uio *uio, int relflags)
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
		if ((error = read_block(ip, lbn, boff, n, uio, relflags)) != 0)
			break;
	}
	return error;
}

/* Bytes logical block lbn must hold once the file is newsize long. */
static int
bytes_needed(const struct ffs_mount *fm, int64_t lbn, uint64_t newsize)
{
	uint64_t start = (uint64_t)lbn << fm->fm_bshift;

	if (lbn < FFS_NDADDR && newsize - start < (uint64_t)fm->fm_bsize)
		return (int)(newsize - start);
	return fm->fm_bsize;
}

/*
 * The buffer for writing n bytes at boff of logical block lbn (at frag
 * d): a whole block overwritten is not read first.
 */
static int
write_buf_get(struct ffs_inode *ip, int64_t lbn, int64_t d, size_t boff, size_t n,
    struct buf **bpp, size_t *bufoffp)
{
	struct ffs_mount *fm = ip->i_fm;
	int error;

	if (boff != 0 || n != (size_t)fm->fm_bsize || d % fm->fm_frag != 0 ||
	    ffs_blksize(ip, lbn) != fm->fm_frag || !ffs_frags_ok(fm, d, fm->fm_frag))
		return ffs_bread_frags(fm, d, ffs_blksize(ip, lbn), bpp, bufoffp);
	if ((error = ffs_getblk(fm, d, bpp)) != 0)
		return error;
	if ((*bpp)->b_bcount != fm->fm_bsize) {
		brelse(*bpp, BC_INVAL);
		*bpp = NULL;
		return EIO;
	}
	*bufoffp = 0;
	return 0;
}

static int
write_block(struct ffs_inode *ip, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	struct ffs_mount *fm = ip->i_fm;
	uint64_t off = (uint64_t)uio->uio_offset;
	int64_t lbn = (int64_t)(off >> fm->fm_bshift), d;
	size_t boff = off & (uint64_t)(fm->fm_bsize - 1), bufoff;
	size_t n = MIN((size_t)fm->fm_bsize - boff, uio->uio_resid);
	uint64_t newsize = MAX(ip->i_size, off + n), osize = ip->i_size;
	bool whole;
	struct buf *bp;
	int error;

	error = ffs_balloc(ip, lbn, bytes_needed(fm, lbn, MAX(newsize, ((uint64_t)lbn << fm->fm_bshift) + 1)),
	    cred, &d);
	if (error)
		return error;
	ip->i_size = newsize;	/* the size tells ffs_trim how many frags the last block has */
	if ((error = write_buf_get(ip, lbn, d, boff, n, &bp, &bufoff)) != 0) {
		(void)ffs_trim(ip, osize);
		return error;
	}
	uiomove((char *)bp->b_data + bufoff + boff, n, uio);
	if ((ioflag & (IO_SYNC | IO_DSYNC)) || ffs_syncmount(fm))
		return bwrite(bp);
	/* A block all this file's, written to its end, is not read back soon: dropped once on the image. */
	whole = bufoff == 0 && boff + n == (size_t)fm->fm_bsize && bp->b_bcount == fm->fm_bsize;
	if (whole)
		bsetage(bp);
	/*
	 * Write-behind: the end of each full megabyte of a file goes out soon,
	 * with its dirty neighbours in one cluster, from the syncer thread,
	 * while the writer sends the next; an fsync at the end then finds
	 * little left to write.
	 */
	if (whole && (((uint64_t)lbn + 1) << fm->fm_bshift) % FFS_WRITE_BEHIND == 0)
		bawrite(bp);
	else
		bdwrite(bp);
	return 0;
}

int
ffs_write_inode(struct ffs_inode *ip, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	struct ffs_mount *fm = ip->i_fm;
	size_t start = uio->uio_resid;
	int error = 0, error2;

	if (ioflag & IO_APPEND)
		uio->uio_offset = (off_t)ip->i_size;
	if (uio->uio_offset < 0)
		return EINVAL;
	if ((uint64_t)uio->uio_offset + uio->uio_resid > fm->fm_maxfilesize)
		return EFBIG;
	while (uio->uio_resid > 0 && error == 0)
		error = write_block(ip, uio, ioflag, cred);
	/* Indirect blocks a failed allocation left past the end go again. */
	if (error != 0)
		(void)ffs_trim(ip, ip->i_size);
	if (uio->uio_resid != start) {
		ffs_inode_touch(ip, true, true);
		error2 = ffs_update(ip, (ioflag & IO_SYNC) != 0);
		if (error == 0)
			error = error2;
	}
	return error;
}

int
ffs_read(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	struct ffs_inode *ip = VTOI(vp);
	int error;

	(void)cred;
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG && vp->v_type != VLNK)
		return EOPNOTSUPP;
	/* File data read through: the host caches it too (the image's pages, a mount's page cache). */
	error = ffs_read_inode(ip, uio, vp->v_type == VREG ? BC_AGE : 0);
	ffs_mark_access(vp, ioflag);
	return error;
}

/* Reads of files, directories and symlinks set the access time (written at inactive). */
void
ffs_mark_access(struct vnode *vp, int ioflag)
{
	struct ffs_inode *ip = VTOI(vp);

	if (ip->i_fm->fm_ronly || (ioflag & IO_NOATIME) || (vp->v_mount->mnt_flag & MNT_NOATIME))
		return;
	mutex_enter(&ip->i_lock);
	vfs_timestamp(&ip->i_atime);
	ip->i_flag |= IN_ACCESS;
	mutex_exit(&ip->i_lock);
}

int
ffs_write(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	if (vp->v_type != VREG)
		return vp->v_type == VDIR ? EISDIR : EOPNOTSUPP;
	return ffs_write_inode(VTOI(vp), uio, ioflag, cred);
}
