/* ffs_truncate.c: changing a file's size: freeing blocks through every indirection level, or extending. */
#include "ffs.h"

static void
free_counted(struct ffs_inode *ip, int64_t d, int nfrags)
{
	struct ffs_mount *fm = ip->i_fm;
	uint64_t sectors = (uint64_t)nfrags << (fm->fm_fshift - DEV_BSHIFT);

	ffs_free_frags(fm, d, nfrags);
	ip->i_blocks = ip->i_blocks >= sectors ? ip->i_blocks - sectors : 0;
}

static uint64_t
span_of(const struct ffs_mount *fm, int level)
{
	uint64_t s = 1;

	for (int i = 0; i < level; i++)
		s *= fm->fm_nindir;
	return s;
}

/* Write back an indirect block that lost pointers; a failure leaves it naming freed blocks. */
static int
indir_write(struct ffs_inode *ip, struct buf *bp, int64_t d)
{
	int error;

	if (!ffs_syncmount(ip->i_fm)) {
		bdwrite(bp);
		return 0;
	}
	if ((error = bwrite(bp)) != 0)
		ffs_corrupt(ip->i_fm, "ffs: inode %ju: indirect block %jd not written (error %d)\n",
		    (uintmax_t)ip->i_number, (intmax_t)d, error);
	return error;
}

/*
 * Free what indirect block d (at level, mapping logical blocks from base)
 * maps in logical blocks [first, end); *freedp when d itself was freed
 * (nothing in it was kept).  A damaged pointer is dropped, its blocks
 * left to fsck (the file system is marked), and the walk goes on: EIO
 * at the end.
 */
static int
free_indir(struct ffs_inode *ip, int64_t d, int level, int64_t base, int64_t first,
    int64_t end, const int64_t *up, int nup, bool *freedp)
{
	struct ffs_mount *fm = ip->i_fm;
	uint64_t span = span_of(fm, level);
	bool all = base >= first && base + (int64_t)span_of(fm, level + 1) <= end;
	bool dirty = false, kept = false, sub;
	int64_t path[FFS_NIADDR];
	struct buf *bp;
	int error = 0, e;

	*freedp = false;
	/* A damaged tree may point back at a block we hold busy: leave it alone. */
	for (int k = 0; k < nup; k++)
		if (up[k] == d)
			goto bad;
	if (!ffs_frags_ok(fm, d, fm->fm_frag) || ffs_bread(fm, d, &bp) != 0)
		goto bad;
	if (nup > 0)
		memcpy(path, up, sizeof(*up) * (size_t)nup);
	path[nup] = d;
	for (uint32_t i = 0; i < fm->fm_nindir; i++) {
		int64_t cb = base + (int64_t)(i * span), p;

		p = fm->fm_ufs2 ? (int64_t)ffs_get64(fm->fm_swap, ((uint64_t *)bp->b_data)[i]) :
		    (int32_t)ffs_get32(fm->fm_swap, ((uint32_t *)bp->b_data)[i]);
		if (p == 0)
			continue;
		if (cb + (int64_t)span <= first || cb >= end) {
			kept = true;
			continue;
		}
		if (level > 0) {
			if ((e = free_indir(ip, p, level - 1, cb, first, end, path, nup + 1,
			    &sub)) != 0)
				error = e;
			if (!sub) {
				kept = true;
				continue;
			}
		} else if (ffs_frags_ok(fm, p, fm->fm_frag)) {
			free_counted(ip, p, fm->fm_frag);
		} else {
			ffs_corrupt(fm, "ffs: inode %ju: block pointer %jd out of range, dropped\n",
			    (uintmax_t)ip->i_number, (intmax_t)p);
			error = EIO;
		}
		if (fm->fm_ufs2)
			((uint64_t *)bp->b_data)[i] = 0;
		else
			((uint32_t *)bp->b_data)[i] = 0;
		dirty = true;
	}
	/* An emptied block goes too, except mounted sync, where the inode may still name it on disk. */
	if (all || (!kept && !ffs_syncmount(fm))) {
		brelse(bp, 0);
		free_counted(ip, d, fm->fm_frag);
		*freedp = true;
		return error;
	}
	if (!dirty)
		brelse(bp, 0);
	else if ((e = indir_write(ip, bp, d)) != 0)
		error = e;
	return error;

bad:
	ffs_corrupt(fm, "ffs: inode %ju: indirect block %jd unusable, dropped with what it maps\n",
	    (uintmax_t)ip->i_number, (intmax_t)d);
	*freedp = all;
	return EIO;
}

/* Zero the new last block past length, so a later extension reads zeros. */
static int
zero_past(struct ffs_inode *ip, uint64_t length)
{
	struct ffs_mount *fm = ip->i_fm;
	int64_t lbn = (int64_t)(length >> fm->fm_bshift), d;
	size_t boff = length & (uint64_t)(fm->fm_bsize - 1), off;
	struct buf *bp;
	int nfrags, error;

	if (boff == 0)
		return 0;
	if ((error = ffs_bmap(ip, lbn, &d)) != 0 || d == 0)
		return error;
	nfrags = ffs_blksize(ip, lbn);
	if ((error = ffs_bread_frags(fm, d, nfrags, &bp, &off)) != 0)
		return error;
	memset((char *)bp->b_data + off + boff, 0, ((size_t)nfrags << fm->fm_fshift) - boff);
	if (ffs_syncmount(fm))
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

/*
 * On a sync mount the inode goes to the disk without the pointers the
 * shrink drops before any of their blocks is marked free: a crash in
 * between then leaves lost blocks (fsck -p frees them), never a file
 * naming free ones.  Only the inode's own pointers: those inside a kept
 * indirect block are dropped as free_indir writes it.
 */
static int
shrink_unname(struct ffs_inode *ip, uint64_t length, int64_t keep)
{
	struct ffs_mount *fm = ip->i_fm;
	int64_t db[FFS_NDADDR], ib[FFS_NIADDR], base = FFS_NDADDR;
	uint64_t size = ip->i_size;
	int error;

	memcpy(db, ip->i_db, sizeof(db));
	memcpy(ib, ip->i_ib, sizeof(ib));
	for (int64_t lbn = keep; lbn < FFS_NDADDR; lbn++)
		ip->i_db[lbn] = 0;
	for (int level = 0; level < FFS_NIADDR; level++) {
		if (base >= keep)
			ip->i_ib[level] = 0;
		base += (int64_t)span_of(fm, level + 1);
	}
	ip->i_size = length;
	error = ffs_update(ip, true);
	memcpy(ip->i_db, db, sizeof(db));
	memcpy(ip->i_ib, ib, sizeof(ib));
	ip->i_size = size;
	return error;
}

static int
shrink(struct ffs_inode *ip, uint64_t length)
{
	struct ffs_mount *fm = ip->i_fm;
	int64_t keep = (int64_t)howmany(length, (uint64_t)fm->fm_bsize), base = FFS_NDADDR;
	int error, e;

	if ((error = zero_past(ip, length)) != 0)
		return error;
	if (ffs_syncmount(fm) && (error = shrink_unname(ip, length, keep)) != 0)
		return error;
	for (int64_t lbn = FFS_NDADDR - 1; lbn >= 0; lbn--) {
		int old = ffs_blksize(ip, lbn), nfr;

		if (ip->i_db[lbn] == 0)
			continue;
		if (lbn >= keep) {
			free_counted(ip, ip->i_db[lbn], old);
			ip->i_db[lbn] = 0;
		} else if (lbn == keep - 1) {
			/* The new last block keeps only the frags the new size needs. */
			nfr = (int)howmany(length - ((uint64_t)lbn << fm->fm_bshift),
			    (uint64_t)fm->fm_fsize);
			if (nfr < old)
				free_counted(ip, ip->i_db[lbn] + nfr, old - nfr);
		}
	}
	for (int level = 0; level < FFS_NIADDR; level++) {
		bool freed;

		if (ip->i_ib[level] != 0) {
			if ((e = free_indir(ip, ip->i_ib[level], level, base, keep, INT64_MAX,
			    NULL, 0, &freed)) != 0)
				error = e;
			if (freed)
				ip->i_ib[level] = 0;
		}
		base += (int64_t)span_of(fm, level + 1);
	}
	ip->i_size = length;
	return error;
}

/*
 * Free what lies past length (<= i_size) and set the size: a shrinking
 * truncate, or the clean-up after a write that failed half-way (length
 * == i_size frees storage a failed allocation left past the end).  A
 * freeing walk must not stop half-way for memory: it uses the reserve.
 */
int
ffs_trim(struct ffs_inode *ip, uint64_t length)
{
	int error;

	KASSERT(length <= ip->i_size);
	kmem_reserve_enter();
	error = shrink(ip, length);
	kmem_reserve_exit();
	return error;
}

int
ffs_truncate(struct ffs_inode *ip, uint64_t length, kauth_cred_t cred)
{
	struct ffs_mount *fm = ip->i_fm;
	int64_t lbn, d;
	int error;

	if (length == ip->i_size)
		return 0;
	if (length > fm->fm_maxfilesize)
		return EFBIG;
	if ((ip->i_mode & FFS_IFMT) == FFS_IFLNK && ffs_isshortlink(ip)) {
		memset(ip->i_shortlink, 0, sizeof(ip->i_shortlink));
		ip->i_size = 0;
		return 0;
	}
	if (length < ip->i_size)
		return ffs_trim(ip, length);
	/* Growing: give the new last block storage, as a write of its last byte would. */
	lbn = (int64_t)((length - 1) >> fm->fm_bshift);
	error = ffs_balloc(ip, lbn, lbn < FFS_NDADDR ?
	    (int)(length - ((uint64_t)lbn << fm->fm_bshift)) : fm->fm_bsize, cred, &d);
	if (error)
		return error;
	ip->i_size = length;
	return 0;
}

/*
 * Free logical blocks [first, end) inside the file (a punched hole), the
 * size unchanged.  Mounted sync, the inode without the direct pointers
 * reaches the disk before their blocks are marked free.  The caller
 * writes the inode.
 */
int
ffs_free_range(struct ffs_inode *ip, int64_t first, int64_t end)
{
	struct ffs_mount *fm = ip->i_fm;
	int64_t db[FFS_NDADDR], base = FFS_NDADDR, lbn;
	int nfr[FFS_NDADDR], error = 0, e;
	bool freed;

	kmem_reserve_enter();
	for (lbn = first; lbn < MIN(end, (int64_t)FFS_NDADDR); lbn++) {
		db[lbn] = ip->i_db[lbn];
		nfr[lbn] = ffs_blksize(ip, lbn);
		ip->i_db[lbn] = 0;
	}
	if (first < FFS_NDADDR && ffs_syncmount(fm) && (error = ffs_update(ip, true)) != 0) {
		for (lbn = first; lbn < MIN(end, (int64_t)FFS_NDADDR); lbn++)
			ip->i_db[lbn] = db[lbn];
		goto out;
	}
	for (lbn = first; lbn < MIN(end, (int64_t)FFS_NDADDR); lbn++)
		if (db[lbn] != 0)
			free_counted(ip, db[lbn], nfr[lbn]);
	for (int level = 0; level < FFS_NIADDR; level++) {
		int64_t tspan = (int64_t)span_of(fm, level + 1);

		if (ip->i_ib[level] != 0 && base + tspan > first && base < end) {
			if ((e = free_indir(ip, ip->i_ib[level], level, base, first, end, NULL, 0,
			    &freed)) != 0)
				error = e;
			if (freed)
				ip->i_ib[level] = 0;
		}
		base += tspan;
	}
out:
	kmem_reserve_exit();
	return error;
}

/* A file being freed gives back its extended attribute blocks too. */
void
ffs_free_ext(struct ffs_inode *ip)
{
	for (int lbn = 0; lbn < FFS_NXADDR; lbn++) {
		int nfr = ffs_extblksize(ip, lbn);

		if (ip->i_extb[lbn] != 0 && nfr > 0 && ffs_frags_ok(ip->i_fm, ip->i_extb[lbn], nfr))
			free_counted(ip, ip->i_extb[lbn], nfr);
		ip->i_extb[lbn] = 0;
	}
	ip->i_extsize = 0;
}
