/* ext2fs_truncate.c: changing a file's size: freeing blocks past the end through every indirection level. */
#include "ext2fs.h"
#include "genfs.h"

#define EA_MAGIC	0xEA020000	/* extended attribute block header */

/* A free walk: mounted sync, the blocks to free once no pointer on disk names them. */
struct walk {
	struct ext2fs_inode *w_ip;
	uint32_t	*w_defer;
	uint32_t	w_ndefer;
	uint32_t	w_maxdefer;
};

/* Mounted sync, data blocks a step frees at most (a bound on the deferred list). */
#define SYNC_STEP	256u
/* ... plus the indirect blocks that step can empty, with room to spare. */
#define SYNC_DEFER	(SYNC_STEP + 4u * EXT2_NIADDR)

/* Free bno, or (w deferring, room left) note it to be freed after the pointers to it are written. */
static int
free_block_w(struct ext2fs_inode *ip, struct walk *w, uint32_t bno)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	uint64_t sect = e2m->e2m_bsize >> DEV_BSHIFT;
	int error;

	if (w != NULL && w->w_defer != NULL && w->w_ndefer < w->w_maxdefer)
		w->w_defer[w->w_ndefer++] = bno;
	else if ((error = ext2fs_blkfree(e2m, bno, ip->i_number)) != 0)
		return error;
	ip->i_nblocks = ip->i_nblocks >= sect ? ip->i_nblocks - sect : 0;
	return 0;
}

/* A pointer outside the file area is damage: dropped, never freed. */
static bool
block_bad(struct ext2fs_inode *ip, uint32_t bno, const char *what)
{
	if (ext2fs_fileblk_ok(ip->i_e2m, bno))
		return false;
	ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: %s %u outside the file area, dropped\n",
	    (uintmax_t)ip->i_number, what, bno);
	return true;
}

static int
free_block(struct ext2fs_inode *ip, uint32_t bno)
{
	return block_bad(ip, bno, "block") ? EIO : free_block_w(ip, NULL, bno);
}

/* ---- the hooks of genfs_blkfree ---- */

static int
fw_read(void *arg, int64_t blk, struct buf **bpp, bool *damagedp)
{
	struct walk *w = arg;

	if ((*damagedp = block_bad(w->w_ip, (uint32_t)blk, "indirect block")))
		return EIO;
	return ext2fs_bread(w->w_ip->i_e2m, (uint32_t)blk, bpp);
}

static int64_t
fw_ptr(void *arg, const struct buf *bp, uint64_t i)
{
	(void)arg;
	return e2_le32(((const uint32_t *)bp->b_data)[i]);
}

static void
fw_clear(void *arg, struct buf *bp, uint64_t i)
{
	(void)arg;
	((uint32_t *)bp->b_data)[i] = 0;
}

/* Mounted sync: the cleared pointers reach the disk before the frees. */
static int
fw_write(void *arg, struct buf *bp, int64_t blk)
{
	struct walk *w = arg;

	(void)blk;
	return ext2fs_mwrite(w->w_ip->i_e2m, bp);
}

static int
fw_free(void *arg, int64_t blk, bool *dropp)
{
	struct walk *w = arg;
	struct ext2fs_inode *ip = w->w_ip;
	uint64_t sect = ip->i_e2m->e2m_bsize >> DEV_BSHIFT;

	/* A dropped pointer was counted as the file's block: the count goes with it. */
	if ((*dropp = block_bad(ip, (uint32_t)blk, "block"))) {
		ip->i_nblocks = ip->i_nblocks >= sect ? ip->i_nblocks - sect : 0;
		return EIO;
	}
	return free_block_w(ip, w, (uint32_t)blk);
}

/* Written first when it lost pointers: if the free then fails, the file still names an empty block. */
static int
fw_release(void *arg, struct buf *bp, int64_t blk, bool dirty, bool *dropp)
{
	int error;

	*dropp = false;
	if (dirty && (error = fw_write(arg, bp, blk)) != 0)
		return error;
	if (!dirty)
		brelse(bp, 0);
	return fw_free(arg, blk, dropp);
}

static void
fw_unusable(void *arg, int64_t blk)
{
	struct walk *w = arg;

	ext2fs_corrupt(w->w_ip->i_e2m, "ext2fs: inode %ju: indirect block %ju unusable "
	    "(damaged or unreadable)\n", (uintmax_t)w->w_ip->i_number, (uintmax_t)blk);
}

/* Zero the end of the last block past size, so growing the file later shows zeroes. */
static int
zero_tail(struct ext2fs_inode *ip, uint64_t size)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	uint32_t off = (uint32_t)(size & (e2m->e2m_bsize - 1)), bno;
	struct buf *bp;
	int error;

	if (off == 0)
		return 0;
	if ((error = ext2fs_bmap(ip, size >> e2m->e2m_bshift, &bno)) != 0 || bno == 0)
		return error;
	if ((error = ext2fs_bread(e2m, bno, &bp)) != 0)
		return error;
	memset((char *)bp->b_data + off, 0, e2m->e2m_bsize - off);
	return ext2fs_mwrite(e2m, bp);
}

/* Free every block of logical number in [first, end) (w: deferring or not); damage is dropped, EIO at the end. */
static int
free_from(struct ext2fs_inode *ip, struct walk *w, uint64_t first, uint64_t end)
{
	struct genfs_blkmap bm;
	struct genfs_blkfree bf = {
		.bf_bm = &bm, .bf_arg = w, .bf_first = first, .bf_end = end,
		.bf_read = fw_read, .bf_ptr = fw_ptr, .bf_clear = fw_clear, .bf_write = fw_write,
		.bf_free = fw_free, .bf_release = fw_release, .bf_unusable = fw_unusable,
	};
	int64_t roots[EXT2_NIADDR];
	int error = 0, e;
	bool drop;

	w->w_ip = ip;
	ext2fs_blkmap(ip, &bm);
	for (uint64_t i = first; i < MIN(end, (uint64_t)EXT2_NDADDR); i++) {
		if (ip->i_db[i] == 0)
			continue;
		if ((e = fw_free(w, ip->i_db[i], &drop)) != 0) {
			if (error == 0)
				error = e;
			if (!drop)
				continue;
		}
		ip->i_db[i] = 0;
	}
	for (int l = 0; l < EXT2_NIADDR; l++)
		roots[l] = ip->i_db[EXT2_NDADDR + l];
	if ((e = genfs_blkfree_roots(&bf, roots)) != 0 && error == 0)
		error = e;
	for (int l = 0; l < EXT2_NIADDR; l++)
		ip->i_db[EXT2_NDADDR + l] = (uint32_t)roots[l];
	return error;
}

/*
 * Mounted sync: free [first, end) from the end down in steps of SYNC_STEP
 * blocks; each step writes the cleared indirect pointers and the inode
 * before the bitmaps see the blocks free, so a crash never leaves a free
 * block that something on disk still points at (at worst a leaked one).
 * A truncate (trunc) lowers the size step by step.
 */
static int
free_from_sync(struct ext2fs_inode *ip, uint64_t first, uint64_t end, bool trunc)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	uint64_t cur = MIN(end, howmany(ip->i_size, (uint64_t)e2m->e2m_bsize)), step;
	uint32_t defer[SYNC_DEFER];	/* on the stack: inactive may run inside the kmem reclaimer */
	struct walk w = { .w_defer = defer, .w_maxdefer = SYNC_DEFER };
	int error = 0, e;

	do {
		step = cur > first + SYNC_STEP ? cur - SYNC_STEP : first;
		w.w_ndefer = 0;
		error = free_from(ip, &w, step, trunc ? UINT64_MAX : cur);
		if (trunc && step << e2m->e2m_bshift < ip->i_size)
			ip->i_size = step << e2m->e2m_bshift;
		if ((e = ext2fs_iupdate(ip, true)) != 0 && error == 0)
			error = e;
		for (uint32_t i = 0; i < w.w_ndefer && error == 0; i++)
			error = ext2fs_blkfree(e2m, w.w_defer[i], ip->i_number);
		cur = step;
	} while (error == 0 && cur > first);
	return error;
}

/* Drop the inode's reference to its extended attribute block, freeing it with the last one. */
static int
release_ea_block(struct ext2fs_inode *ip)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	uint32_t bno = ip->i_file_acl, *hdr, refs;
	struct buf *bp;
	int error;

	ip->i_file_acl = 0;
	if ((error = ext2fs_bread(e2m, bno, &bp)) != 0)
		return error;
	hdr = bp->b_data;
	if (e2_le32(hdr[0]) != EA_MAGIC || (refs = e2_le32(hdr[1])) == 0) {
		brelse(bp, 0);
		ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: bad attribute block %u\n", (uintmax_t)ip->i_number, bno);
		return EIO;
	}
	hdr[1] = e2_tole32(refs - 1);
	bdwrite(bp);
	return refs == 1 ? free_block(ip, bno) : 0;
}

/*
 * Set the size of a regular file, directory or slow symlink, freeing the
 * blocks past it (growing leaves a hole).  Size 0 of a removed inode also
 * releases its attribute block.  The caller writes the inode.
 */
int
ext2fs_truncate(struct ext2fs_inode *ip, uint64_t size)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	struct walk w = { .w_ip = ip };
	uint64_t first;
	int error;

	if (S_ISCHR(ip->i_mode) || S_ISBLK(ip->i_mode) || S_ISFIFO(ip->i_mode) ||
	    S_ISSOCK(ip->i_mode) || ext2fs_is_fastlink(ip)) {
		if (ext2fs_is_fastlink(ip) && size == 0)
			memset(ip->i_db, 0, sizeof(ip->i_db));
		goto out_size;
	}
	if (size > e2m->e2m_maxfilesize)
		return EFBIG;
	/* size == i_size frees what a failed write allocated past the end */
	if (size <= ip->i_size) {
		if (size < ip->i_size && (error = zero_tail(ip, size)) != 0)
			return error;
		first = howmany(size, (uint64_t)e2m->e2m_bsize);
		if (ext2fs_syncmnt(e2m))
			error = free_from_sync(ip, first, UINT64_MAX, true);
		else
			error = free_from(ip, &w, first, UINT64_MAX);
		if (error != 0)
			return error;
	}
out_size:
	if (size == 0 && ip->i_nlink == 0 && ip->i_file_acl != 0 &&
	    (error = release_ea_block(ip)) != 0)
		return error;
	ip->i_size = size;
	return 0;
}

/* Free the blocks [first, end) inside the file (a punched hole); the size stays.  The caller writes the inode. */
int
ext2fs_free_range(struct ext2fs_inode *ip, uint64_t first, uint64_t end)
{
	struct walk w = { .w_ip = ip };

	if (first >= end)
		return 0;
	if (ext2fs_syncmnt(ip->i_e2m))
		return free_from_sync(ip, first, end, false);
	return free_from(ip, &w, first, end);
}
