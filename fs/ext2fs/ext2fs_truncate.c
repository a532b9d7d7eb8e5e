/* ext2fs_truncate.c: changing a file's size: freeing blocks past the end through every indirection level. */
#include "ext2fs.h"

#define EA_MAGIC	0xEA020000	/* extended attribute block header */

/* The indirect blocks being walked (held busy), outermost first: a pointer back to one is a loop. */
struct walk {
	uint32_t	w_held[EXT2_NIADDR];
	int		w_depth;
	uint32_t	*w_defer;	/* mounted sync: blocks freed once no pointer on disk names them */
	uint32_t	w_ndefer;
	uint32_t	w_maxdefer;
};

/* Mounted sync, data blocks a step frees at most (a bound on the deferred list). */
#define SYNC_STEP	256u
/* ... plus the indirect blocks that step can empty, with room to spare. */
#define SYNC_DEFER	(SYNC_STEP + 4u * EXT2_NIADDR)

static int	free_tree(struct ext2fs_inode *ip, struct walk *w, uint32_t bno, int level,
		    uint64_t base, uint64_t first, uint64_t end, bool *emptyp);

/* Logical blocks one pointer at level covers (level 0: a data block). */
static uint64_t
span(const struct ext2fs_mount *e2m, int level)
{
	return (uint64_t)1 << (e2m->e2m_nindirshift * level);
}

/* Free bno, or (w deferring, room left) note it to be freed after the pointers to it are written. */
static int
free_block_w(struct ext2fs_inode *ip, struct walk *w, uint32_t bno)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	uint64_t sect = e2m->e2m_bsize >> DEV_BSHIFT;
	int error;

	if (!ext2fs_fileblk_ok(e2m, bno)) {
		ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: not freeing block %u: outside the file area\n",
		    (uintmax_t)ip->i_number, bno);
		return EIO;
	}
	if (w != NULL && w->w_defer != NULL && w->w_ndefer < w->w_maxdefer)
		w->w_defer[w->w_ndefer++] = bno;
	else if ((error = ext2fs_blkfree(e2m, bno, ip->i_number)) != 0)
		return error;
	ip->i_nblocks = ip->i_nblocks >= sect ? ip->i_nblocks - sect : 0;
	return 0;
}

static int
free_block(struct ext2fs_inode *ip, uint32_t bno)
{
	return free_block_w(ip, NULL, bno);
}

static bool
walk_loops(const struct ext2fs_inode *ip, const struct walk *w, uint32_t bno)
{
	for (int i = 0; i < w->w_depth; i++) {
		if (w->w_held[i] == bno) {
			ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: indirect block %u points back to itself\n",
			    (uintmax_t)ip->i_number, bno);
			return true;
		}
	}
	return false;
}

/*
 * Free the blocks of logical number in [first, end) in the subtree of
 * indirect block bno (level 1: points at data blocks), whose first
 * logical block is base.  *emptyp: the subtree is gone and bno was freed
 * too.
 */
static int
free_tree(struct ext2fs_inode *ip, struct walk *w, uint32_t bno, int level, uint64_t base,
    uint64_t first, uint64_t end, bool *emptyp)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	uint64_t cspan = span(e2m, level - 1), cbase;
	uint32_t *ptrs, child;
	bool dirty = false, keep = false, cempty;
	struct buf *bp;
	int error = 0;

	*emptyp = false;
	if (!ext2fs_fileblk_ok(e2m, bno)) {
		ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: indirect block %u outside the file's area\n",
		    (uintmax_t)ip->i_number, bno);
		return EIO;
	}
	if (walk_loops(ip, w, bno) || w->w_depth >= EXT2_NIADDR)
		return EIO;
	if ((error = ext2fs_bread(e2m, bno, &bp)) != 0)
		return error;
	w->w_held[w->w_depth++] = bno;
	ptrs = bp->b_data;
	for (uint32_t i = 0; i < e2m->e2m_nindir && error == 0; i++) {
		if ((child = e2_le32(ptrs[i])) == 0)
			continue;
		cbase = base + i * cspan;
		if (cbase + cspan <= first || cbase >= end) {
			keep = true;
			continue;
		}
		cempty = false;
		if (level == 1) {
			if (walk_loops(ip, w, child))
				error = EIO;
			else
				error = free_block_w(ip, w, child);
			cempty = error == 0;
		} else
			error = free_tree(ip, w, child, level - 1, cbase, first, end, &cempty);
		if (cempty) {
			ptrs[i] = 0;
			dirty = true;
		} else
			keep = true;
	}
	w->w_depth--;
	if (dirty) {
		int e = ext2fs_mwrite(e2m, bp);	/* mounted sync: cleared pointers before the frees */

		if (error == 0)
			error = e;
	} else
		brelse(bp, 0);
	if (error == 0 && !keep) {
		error = free_block_w(ip, w, bno);
		*emptyp = error == 0;
	}
	return error;
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

/* Free every block of logical number in [first, end) (w: deferring or not). */
static int
free_from(struct ext2fs_inode *ip, struct walk *w, uint64_t first, uint64_t end)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	uint64_t base = EXT2_NDADDR;
	bool empty;
	int error;

	for (uint64_t i = first; i < MIN(end, (uint64_t)EXT2_NDADDR); i++) {
		if (ip->i_db[i] == 0)
			continue;
		if ((error = free_block_w(ip, w, ip->i_db[i])) != 0)
			return error;
		ip->i_db[i] = 0;
	}
	for (int level = 1; level <= EXT2_NIADDR; level++) {
		uint32_t *root = &ip->i_db[EXT2_NDADDR + level - 1];

		if (*root != 0 && base + span(e2m, level) > first && base < end) {
			if ((error = free_tree(ip, w, *root, level, base, first, end, &empty)) != 0)
				return error;
			if (empty)
				*root = 0;
		}
		base += span(e2m, level);
	}
	return 0;
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
	struct walk w = { .w_depth = 0, .w_defer = defer, .w_maxdefer = SYNC_DEFER };
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
	struct walk w = { .w_depth = 0 };
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
	struct walk w = { .w_depth = 0 };

	if (first >= end)
		return 0;
	if (ext2fs_syncmnt(ip->i_e2m))
		return free_from_sync(ip, first, end, false);
	return free_from(ip, &w, first, end);
}
