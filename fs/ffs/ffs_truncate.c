/* ffs_truncate.c: changing a file's size: freeing blocks through every indirection level, or extending. */
#include "ffs.h"
#include "genfs.h"

static void
free_counted(struct ffs_inode *ip, int64_t d, int nfrags)
{
	struct ffs_mount *fm = ip->i_fm;
	uint64_t sectors = (uint64_t)nfrags << (fm->fm_fshift - DEV_BSHIFT);

	ffs_free_frags(fm, d, nfrags);
	ip->i_blocks = ip->i_blocks >= sectors ? ip->i_blocks - sectors : 0;
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

/* ---- the hooks of genfs_blkfree (arg: the inode) ---- */

static int
fw_read(void *arg, int64_t blk, struct buf **bpp, bool *damagedp)
{
	struct ffs_inode *ip = arg;

	int error;

	if ((*damagedp = !ffs_frags_ok(ip->i_fm, blk, ip->i_fm->fm_frag)))
		return EIO;
	/* The shrink lowers the size whatever the walk leaves: a tree kept past it needs fsck. */
	if ((error = ffs_bread(ip->i_fm, blk, bpp)) != 0)
		ffs_corrupt(ip->i_fm, "ffs: inode %ju: indirect block %jd unreadable (error %d), kept\n",
		    (uintmax_t)ip->i_number, (intmax_t)blk, error);
	return error;
}

static int64_t
fw_ptr(void *arg, const struct buf *bp, uint64_t i)
{
	struct ffs_mount *fm = ((struct ffs_inode *)arg)->i_fm;

	if (fm->fm_ufs2)
		return (int64_t)ffs_get64(fm->fm_swap, ((const uint64_t *)bp->b_data)[i]);
	return (int32_t)ffs_get32(fm->fm_swap, ((const uint32_t *)bp->b_data)[i]);
}

static void
fw_clear(void *arg, struct buf *bp, uint64_t i)
{
	if (((struct ffs_inode *)arg)->i_fm->fm_ufs2)
		((uint64_t *)bp->b_data)[i] = 0;
	else
		((uint32_t *)bp->b_data)[i] = 0;
}

static int
fw_write(void *arg, struct buf *bp, int64_t blk)
{
	return indir_write(arg, bp, blk);
}

static int
fw_free(void *arg, int64_t blk, bool *dropp)
{
	struct ffs_inode *ip = arg;

	uint64_t sectors = (uint64_t)ip->i_fm->fm_frag << (ip->i_fm->fm_fshift - DEV_BSHIFT);

	/* A dropped pointer was counted as the file's block: the count goes with it. */
	if ((*dropp = !ffs_frags_ok(ip->i_fm, blk, ip->i_fm->fm_frag))) {
		ffs_corrupt(ip->i_fm, "ffs: inode %ju: block pointer %jd out of range, dropped\n",
		    (uintmax_t)ip->i_number, (intmax_t)blk);
		ip->i_blocks = ip->i_blocks >= sectors ? ip->i_blocks - sectors : 0;
		return EIO;
	}
	free_counted(ip, blk, ip->i_fm->fm_frag);
	return 0;
}

/* An emptied indirect block is not written: its frags may come back as a file's smaller ones. */
static int
fw_release(void *arg, struct buf *bp, int64_t blk, bool dirty, bool *dropp)
{
	(void)dirty;
	brelse(bp, 0);
	return fw_free(arg, blk, dropp);
}

static void
fw_unusable(void *arg, int64_t blk)
{
	struct ffs_inode *ip = arg;

	ffs_corrupt(ip->i_fm, "ffs: inode %ju: indirect block %jd unusable (damaged or unreadable)\n",
	    (uintmax_t)ip->i_number, (intmax_t)blk);
}

/* Free what the inode's indirect trees map in logical blocks [first, end); EIO at the end on damage. */
static int
free_trees(struct ffs_inode *ip, int64_t first, int64_t end)
{
	struct genfs_blkmap bm;
	struct genfs_blkfree bf = {
		.bf_bm = &bm, .bf_arg = ip, .bf_first = (uint64_t)first, .bf_end = (uint64_t)end,
		/* mounted sync, the inode on disk may still name an emptied block */
		.bf_keep_emptied = ffs_syncmount(ip->i_fm),
		.bf_read = fw_read, .bf_ptr = fw_ptr, .bf_clear = fw_clear, .bf_write = fw_write,
		.bf_free = fw_free, .bf_release = fw_release, .bf_unusable = fw_unusable,
	};

	ffs_blkmap(ip, &bm);
	return genfs_blkfree_roots(&bf, ip->i_ib);
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
 * indirect block are dropped as the free walk writes it.
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
		base += (int64_t)genfs_blkmap_span(fm->fm_nindir, (unsigned)(level + 1));
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
	int64_t keep = (int64_t)howmany(length, (uint64_t)fm->fm_bsize);
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
	if ((e = free_trees(ip, keep, INT64_MAX)) != 0)
		error = e;
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
	int64_t db[FFS_NDADDR], lbn;
	int nfr[FFS_NDADDR], error = 0, e;

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
	if ((e = free_trees(ip, first, end)) != 0)
		error = e;
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
