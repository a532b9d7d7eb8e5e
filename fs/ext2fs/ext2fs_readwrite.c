/* ext2fs_readwrite.c: reading and writing file data through the buffer cache; holes read as zeroes. */
#include "ext2fs.h"

static const char zeroes[1 << EXT2_MAX_BSHIFT];

/*
 * A large read (a FUSE request is up to 1 MiB) lists the blocks it will
 * need after the current one, so breadn reads each contiguous run of
 * them in one host read: several requests of one file are served at
 * once, and device-level streak detection alone would see them
 * interleaved and read a block at a time.
 */
#define E2_READ_CLUSTER	128
#define E2_WRITE_BEHIND	(1u << 20)	/* bytes of a file written before they are pushed out */

struct e2_readrun {
	uint64_t	rr_lbn;			/* file block of rr_bno[0] */
	int		rr_n;
	uint32_t	rr_bno[E2_READ_CLUSTER];
};

/* File blocks lbn+1 .. up to last that map to blocks (not holes), listed in rr. */
static void
read_list(struct ext2fs_inode *ip, uint64_t lbn, uint64_t last, struct e2_readrun *rr,
    daddr_t *rablks, int *rasizes)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	uint32_t bno;

	rr->rr_lbn = lbn + 1;
	rr->rr_n = 0;
	for (uint64_t l = lbn + 1; l <= last && rr->rr_n < E2_READ_CLUSTER; l++) {
		if (ext2fs_bmap(ip, l, &bno) != 0 || bno == 0 || !ext2fs_bno_ok(e2m, bno))
			break;
		rablks[rr->rr_n] = (daddr_t)bno << e2m->e2m_fsbtodb;
		rasizes[rr->rr_n] = (int)e2m->e2m_bsize;
		rr->rr_bno[rr->rr_n++] = bno;
	}
}

int
ext2fs_read_core(struct ext2fs_inode *ip, struct uio *uio, int relflags)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	struct e2_readrun rr = { .rr_n = 0 };
	daddr_t rablks[E2_READ_CLUSTER];
	int rasizes[E2_READ_CLUSTER];
	uint64_t off, lbn, end;
	uint32_t boff, n, bno;
	struct buf *bp;
	int error = 0;

	if (uio->uio_offset < 0)
		return EINVAL;
	end = MIN((uint64_t)uio->uio_offset + uio->uio_resid, ip->i_size);
	while (uio->uio_resid > 0 && (uint64_t)uio->uio_offset < ip->i_size) {
		off = (uint64_t)uio->uio_offset;
		lbn = off >> e2m->e2m_bshift;
		boff = (uint32_t)(off & (e2m->e2m_bsize - 1));
		n = (uint32_t)MIN((uint64_t)(e2m->e2m_bsize - boff), MIN(uio->uio_resid, ip->i_size - off));
		if (lbn >= rr.rr_lbn && lbn < rr.rr_lbn + (uint64_t)rr.rr_n)
			bno = rr.rr_bno[lbn - rr.rr_lbn];
		else if ((error = ext2fs_bmap(ip, lbn, &bno)) != 0)
			break;
		if (bno == 0) {
			uiomove((void *)(uintptr_t)zeroes, n, uio);
			continue;
		}
		if (lbn >= rr.rr_lbn + (uint64_t)rr.rr_n && ((end - 1) >> e2m->e2m_bshift) > lbn) {
			read_list(ip, lbn, (end - 1) >> e2m->e2m_bshift, &rr, rablks, rasizes);
			error = ext2fs_breadn(e2m, bno, rablks, rasizes, rr.rr_n, &bp);
		} else {
			error = ext2fs_bread(e2m, bno, &bp);
		}
		if (error != 0)
			break;
		uiomove((char *)bp->b_data + boff, n, uio);
		/* Read to its end: the caller will not want the block again soon. */
		brelse(bp, boff + n == e2m->e2m_bsize || off + n == ip->i_size ? relflags : 0);
	}
	return error;
}

int
ext2fs_read(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	struct ext2fs_inode *ip = VTOI(vp);
	int error;

	(void)cred;
	if (S_ISDIR(ip->i_mode))
		return EISDIR;
	if (!S_ISREG(ip->i_mode))
		return EINVAL;
	/* File data read through: the host caches it too (the image's pages, a mount's page cache). */
	error = ext2fs_read_core(ip, uio, BC_AGE);
	return ext2fs_mark_access(vp, ioflag, error);
}

/* Reads of files and symlinks set the access time; error is the read's, kept first. */
int
ext2fs_mark_access(struct vnode *vp, int ioflag, int error)
{
	struct ext2fs_inode *ip = VTOI(vp);
	int e;

	if ((ioflag & IO_NOATIME) || (vp->v_mount->mnt_flag & (MNT_NOATIME | MNT_RDONLY)))
		return error;
	ext2fs_itimes(ip, E2_ATIME);
	e = ext2fs_iupdate(ip, false);
	return error != 0 ? error : e;
}

/* The buffer for block bno about to receive n bytes: read unless all of it is overwritten or new. */
static int
write_buf_get(struct ext2fs_mount *e2m, uint32_t bno, bool isnew, uint32_t n, struct buf **bpp)
{
	int error;

	if (n != e2m->e2m_bsize && !isnew)
		return ext2fs_bread(e2m, bno, bpp);
	if ((error = ext2fs_getblk(e2m, bno, bpp)) != 0)
		return error;
	if (n != e2m->e2m_bsize)
		memset((*bpp)->b_data, 0, e2m->e2m_bsize);	/* a new block: zeroes around the bytes */
	return 0;
}

static int
write_core(struct ext2fs_inode *ip, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	bool resok = ext2fs_resok(e2m, cred), isnew;
	bool sync = (ioflag & (IO_SYNC | IO_DSYNC)) || (e2m->e2m_mp->mnt_flag & MNT_SYNCHRONOUS);
	uint64_t off, lbn;
	uint32_t boff, n, bno;
	uint64_t nblocks;
	struct buf *bp;
	int error = 0;

	while (uio->uio_resid > 0) {
		off = (uint64_t)uio->uio_offset;
		lbn = off >> e2m->e2m_bshift;
		boff = (uint32_t)(off & (e2m->e2m_bsize - 1));
		n = (uint32_t)MIN((uint64_t)(e2m->e2m_bsize - boff), uio->uio_resid);
		nblocks = ip->i_nblocks;
		if ((error = ext2fs_balloc(ip, lbn, resok, &bno, &isnew)) != 0)
			break;
		if ((error = write_buf_get(e2m, bno, isnew, n, &bp)) != 0)
			break;
		uiomove((char *)bp->b_data + boff, n, uio);
		/* A block written to its end is not read back soon: drop it once it is on the image. */
		if (boff + n == e2m->e2m_bsize)
			bsetage(bp);
		if (off + n > ip->i_size)
			ip->i_size = off + n;
		if (sync) {
			if ((error = bwrite(bp)) != 0)
				break;
		} else if (boff + n == e2m->e2m_bsize &&
		    ((lbn + 1) << e2m->e2m_bshift) % E2_WRITE_BEHIND == 0) {
			/*
			 * Write-behind: the end of each full megabyte of a file goes out
			 * soon, with its dirty neighbours in one cluster, from the syncer
			 * thread, while the writer sends the next; an fsync at the end then
			 * finds little left to write.
			 */
			bawrite(bp);
		} else
			bdwrite(bp);
		/*
		 * Mounted sync, a block was allocated: the inode (its pointers, size
		 * and block count) follows the data, so a crash mid-write loses at
		 * most the block being added, never points at unwritten metadata.
		 */
		if (ext2fs_syncmnt(e2m) && ip->i_nblocks != nblocks &&
		    (error = ext2fs_iupdate(ip, true)) != 0)
			break;
	}
	/* Blocks allocated past the end by a failed step go again (e2fsck wants none there). */
	if (error)
		ext2fs_undone(ip, ext2fs_truncate(ip, ip->i_size));
	return error;
}

int
ext2fs_write(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	struct ext2fs_inode *ip = VTOI(vp);
	size_t resid = uio->uio_resid;
	int error, e;

	if (!S_ISREG(ip->i_mode))
		return S_ISDIR(ip->i_mode) ? EISDIR : EINVAL;
	if (ioflag & IO_APPEND)
		uio->uio_offset = (off_t)ip->i_size;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (uio->uio_resid == 0)
		return 0;
	if ((uint64_t)uio->uio_offset >= ip->i_e2m->e2m_maxfilesize)
		return EFBIG;
	if ((uint64_t)uio->uio_offset + uio->uio_resid > ip->i_e2m->e2m_maxfilesize)
		uio->uio_resid = ip->i_e2m->e2m_maxfilesize - (uint64_t)uio->uio_offset;
	resid -= uio->uio_resid;	/* what the limit cut off, given back below */
	error = write_core(ip, uio, ioflag, cred);
	uio->uio_resid += resid;
	ext2fs_itimes(ip, E2_MTIME | E2_CTIME);
	e = ext2fs_iupdate(ip, (ioflag & IO_SYNC) != 0);
	/* O_SYNC: the indirect blocks, bitmaps and counts this write changed go too. */
	if (e == 0 && (ioflag & IO_SYNC) && !ext2fs_syncmnt(ip->i_e2m) &&
	    (e = ext2fs_sb_write(ip->i_e2m, false)) == 0)
		e = vflushbuf(ip->i_e2m->e2m_devvp, true);
	return error ? error : e;
}

/* Kernel-internal transfer (slow symlink targets). */
int
ext2fs_rdwr_kernel(struct ext2fs_inode *ip, enum uio_rw rw, void *buf, size_t len,
    uint64_t off, kauth_cred_t cred)
{
	struct iovec iov;
	struct uio uio;
	int error;

	uio_setup(&uio, &iov, buf, len, (off_t)off, rw);
	error = rw == UIO_READ ? ext2fs_read_core(ip, &uio, 0) : write_core(ip, &uio, 0, cred);
	if (error == 0 && uio.uio_resid != 0)
		error = EIO;
	return error;
}
