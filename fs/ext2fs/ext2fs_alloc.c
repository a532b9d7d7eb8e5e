/* ext2fs_alloc.c: block and inode allocation in the group bitmaps, keeping group and superblock counts exact. */
#include "ext2fs.h"

/* First clear bit in [from, to) of a bitmap, or -1; a full 64-bit word is passed over at once. */
static int64_t
bit_find_clear(const uint8_t *map, uint32_t from, uint32_t to)
{
	uint64_t word;

	for (uint32_t i = from; i < to; i++) {
		if ((i & 63) == 0 && i + 64 <= to) {
			memcpy(&word, map + (i >> 3), sizeof word);
			if (word == UINT64_MAX) {
				i += 63;
				continue;
			}
		}
		if (!(map[i >> 3] & (1u << (i & 7))))
			return i;
	}
	return -1;
}

static uint32_t
group_nblocks(const struct ext2fs_mount *e2m, uint32_t g)
{
	return MIN(e2m->e2m_bpg, e2m->e2m_nblocks - e2m->e2m_firstdata - g * e2m->e2m_bpg);
}

/* May cred use the blocks reserved for root? */
bool
ext2fs_resok(const struct ext2fs_mount *e2m, kauth_cred_t cred)
{
	uid_t uid;

	if (cred == NULL)
		return true;
	uid = kauth_cred_geteuid(cred);
	return uid == 0 || uid == e2m->e2m_resuid || kauth_cred_groupmember(cred, e2m->e2m_resgid);
}

/*
 * Mounted sync: the group and superblock counts follow their bitmap to the
 * disk at once, so a crash leaves at most the one change between the two
 * writes.  A failed write keeps the counts dirty for the next try.
 */
static int
counts_sync(struct ext2fs_mount *e2m, int error)
{
	if (error != 0 || !ext2fs_syncmnt(e2m))
		return error;
	if ((error = ext2fs_sb_write(e2m, true)) != 0) {
		mutex_enter(&e2m->e2m_lock);
		e2m->e2m_dirty = true;
		mutex_exit(&e2m->e2m_lock);
	}
	return error;
}

/* Take a clear bit of the bitmap at block bmblk in [lo, n), searching from `from` and wrapping. */
static int
bitmap_take(struct ext2fs_mount *e2m, uint32_t bmblk, uint32_t lo, uint32_t from, uint32_t n,
    uint32_t *bitp)
{
	struct buf *bp;
	int64_t bit;
	int error;

	if ((error = ext2fs_bread(e2m, bmblk, &bp)) != 0)
		return error;
	bit = bit_find_clear(bp->b_data, from, n);
	if (bit < 0)
		bit = bit_find_clear(bp->b_data, lo, MIN(from, n));
	if (bit < 0) {
		brelse(bp, 0);
		return ENOSPC;
	}
	((uint8_t *)bp->b_data)[bit >> 3] |= (uint8_t)(1u << (bit & 7));
	*bitp = (uint32_t)bit;
	return ext2fs_mwrite(e2m, bp);
}

/* Clear a bit that must be set; EIO (a double free: the image is corrupt) if it is not. */
static int
bitmap_put(struct ext2fs_mount *e2m, uint32_t bmblk, uint32_t bit)
{
	struct buf *bp;
	uint8_t *byte;
	int error;

	if ((error = ext2fs_bread(e2m, bmblk, &bp)) != 0)
		return error;
	byte = &((uint8_t *)bp->b_data)[bit >> 3];
	if (!(*byte & (1u << (bit & 7)))) {
		brelse(bp, 0);
		return EIO;
	}
	*byte &= (uint8_t)~(1u << (bit & 7));
	return ext2fs_mwrite(e2m, bp);
}

/*
 * A group's free count is taken under e2m_lock before its bitmap is
 * searched, and given back if the bitmap has no bit; a free clears the
 * bit before it raises the count.  So the counts never promise more than
 * the bitmaps hold, and the lock is never held across a bitmap's read or
 * write: the bitmap buffer's own lock orders the bit changes.
 */
static bool
group_take(struct ext2fs_mount *e2m, uint32_t *freep, uint64_t *totalp, bool resok,
    uint64_t reserve)
{
	bool ok;

	mutex_enter(&e2m->e2m_lock);
	ok = *freep > 0 && *totalp > 0 && (resok || *totalp > reserve);
	if (ok) {
		(*freep)--;
		(*totalp)--;
		e2m->e2m_dirty = true;
	}
	mutex_exit(&e2m->e2m_lock);
	return ok;
}

static void
group_give(struct ext2fs_mount *e2m, uint32_t *freep, uint64_t *totalp)
{
	mutex_enter(&e2m->e2m_lock);
	(*freep)++;
	(*totalp)++;
	e2m->e2m_dirty = true;
	mutex_exit(&e2m->e2m_lock);
}

int
ext2fs_blkalloc(struct ext2fs_mount *e2m, uint32_t goal, bool resok, uint32_t *bnop)
{
	uint32_t g0, g, from, bit;
	int error = ENOSPC;

	if (!ext2fs_bno_ok(e2m, goal))
		goal = e2m->e2m_firstdata;
	g0 = (goal - e2m->e2m_firstdata) / e2m->e2m_bpg;
	for (uint32_t i = 0; i < e2m->e2m_ngroups; i++) {
		g = (g0 + i) % e2m->e2m_ngroups;
		if (!group_take(e2m, &e2m->e2m_cg[g].cg_nbfree, &e2m->e2m_nbfree, resok,
		    e2m->e2m_rblocks))
			continue;
		from = i == 0 ? (goal - e2m->e2m_firstdata) % e2m->e2m_bpg : 0;
		error = bitmap_take(e2m, e2m->e2m_cg[g].cg_block_bitmap, 0, from,
		    group_nblocks(e2m, g), &bit);
		if (error == 0) {
			*bnop = e2m->e2m_firstdata + g * e2m->e2m_bpg + bit;
			break;
		}
		group_give(e2m, &e2m->e2m_cg[g].cg_nbfree, &e2m->e2m_nbfree);
		if (error != ENOSPC)
			break;
		ext2fs_corrupt(e2m, "ext2fs: group %u: free block count %u but bitmap full\n",
		    g, e2m->e2m_cg[g].cg_nbfree);
	}
	return counts_sync(e2m, error);
}

int
ext2fs_blkfree(struct ext2fs_mount *e2m, uint32_t bno, ino_t owner)
{
	uint32_t g;
	int error;

	if (!ext2fs_bno_ok(e2m, bno)) {
		ext2fs_corrupt(e2m, "ext2fs: inode %ju: freeing block %u outside the fs\n", (uintmax_t)owner, bno);
		return EIO;
	}
	g = (bno - e2m->e2m_firstdata) / e2m->e2m_bpg;
	error = bitmap_put(e2m, e2m->e2m_cg[g].cg_block_bitmap, (bno - e2m->e2m_firstdata) % e2m->e2m_bpg);
	if (error == 0)
		group_give(e2m, &e2m->e2m_cg[g].cg_nbfree, &e2m->e2m_nbfree);
	if (error == EIO)
		ext2fs_corrupt(e2m, "ext2fs: inode %ju: block %u was already free\n", (uintmax_t)owner, bno);
	return counts_sync(e2m, error);
}

/* Directories go to the group with the most free inodes, files next to their directory. */
static uint32_t
ialloc_start(struct ext2fs_mount *e2m, ino_t near, bool isdir)
{
	uint32_t best = 0;

	if (!isdir && near >= 1 && near <= e2m->e2m_ninodes)
		return (uint32_t)((near - 1) / e2m->e2m_ipg);
	for (uint32_t g = 1; g < e2m->e2m_ngroups; g++)
		if (e2m->e2m_cg[g].cg_nifree > e2m->e2m_cg[best].cg_nifree)
			best = g;
	return best;
}

int
ext2fs_ialloc(struct ext2fs_mount *e2m, ino_t near, bool isdir, ino_t *inop)
{
	uint32_t g0, g, bit, first, hint;
	int error = ENOSPC;

	mutex_enter(&e2m->e2m_lock);
	g0 = ialloc_start(e2m, near, isdir);
	mutex_exit(&e2m->e2m_lock);
	for (uint32_t i = 0; i < e2m->e2m_ngroups; i++) {
		struct ext2fs_cg *cg;

		g = (g0 + i) % e2m->e2m_ngroups;
		cg = &e2m->e2m_cg[g];
		if (!group_take(e2m, &cg->cg_nifree, &e2m->e2m_nifree, true, 0))
			continue;
		/*
		 * The reserved inodes of group 0 are never handed out.  The
		 * search starts at the group's hint (a wrong one on a corrupt
		 * image, or one a racing free lowered, only costs the wrap).
		 */
		first = g == 0 ? MIN(e2m->e2m_firstino - 1, e2m->e2m_ipg) : 0;
		mutex_enter(&e2m->e2m_lock);
		hint = cg->cg_ifree_from;
		mutex_exit(&e2m->e2m_lock);
		error = bitmap_take(e2m, cg->cg_inode_bitmap, first, MAX(first, hint), e2m->e2m_ipg,
		    &bit);
		if (error != 0) {
			group_give(e2m, &cg->cg_nifree, &e2m->e2m_nifree);
			if (error != ENOSPC)
				break;
			ext2fs_corrupt(e2m, "ext2fs: group %u: free inode count %u but bitmap full\n",
			    g, cg->cg_nifree);
			continue;
		}
		mutex_enter(&e2m->e2m_lock);
		if (cg->cg_ifree_from == hint)
			cg->cg_ifree_from = bit + 1;
		if (isdir)
			cg->cg_ndirs++;
		mutex_exit(&e2m->e2m_lock);
		*inop = (ino_t)g * e2m->e2m_ipg + bit + 1;
		break;
	}
	return counts_sync(e2m, error);
}

int
ext2fs_ifree(struct ext2fs_mount *e2m, ino_t ino, bool isdir)
{
	uint32_t g = (uint32_t)((ino - 1) / e2m->e2m_ipg), bit = (uint32_t)((ino - 1) % e2m->e2m_ipg);
	struct ext2fs_cg *cg = &e2m->e2m_cg[g];
	int error;

	error = bitmap_put(e2m, cg->cg_inode_bitmap, bit);
	if (error == 0) {
		mutex_enter(&e2m->e2m_lock);
		cg->cg_ifree_from = MIN(cg->cg_ifree_from, bit);
		if (isdir && cg->cg_ndirs > 0)
			cg->cg_ndirs--;
		mutex_exit(&e2m->e2m_lock);
		group_give(e2m, &cg->cg_nifree, &e2m->e2m_nifree);
	}
	if (error == EIO)
		ext2fs_corrupt(e2m, "ext2fs: inode %ju was already free\n", (uintmax_t)ino);
	return counts_sync(e2m, error);
}
