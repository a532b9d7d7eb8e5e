/* ffs_ialloc.c: allocating and freeing inodes in the cylinder groups' inode maps. */
#include "ffs.h"

/* Directories go to the group with the most free inodes; files stay with their directory. */
static uint32_t
pick_cg(struct ffs_mount *fm, ino_t dirino, bool isdir)
{
	uint32_t best = (uint32_t)(dirino / fm->fm_ipg);

	if (best >= fm->fm_ncg)
		best = 0;
	if (!isdir)
		return best;
	for (uint32_t c = 0; c < fm->fm_ncg; c++)
		if (fm->fm_cs[c].cs_nifree > fm->fm_cs[best].cs_nifree)
			best = c;
	return best;
}

/* UFS2 inode blocks are zeroed on first use: extend cg_initediblk to cover inode i. */
static int
init_inode_blocks(struct ffs_mount *fm, uint32_t c, struct ffs_cg *cg, uint32_t i)
{
	uint32_t inited = ffs_get32(fm->fm_swap, cg->cg_initediblk);
	struct buf *bp;
	int error;

	while (i >= inited && inited < fm->fm_ipg) {
		int64_t blk = ffs_cgimin(fm, c) + (int64_t)(inited / fm->fm_inopb) * fm->fm_frag;

		if ((error = ffs_getblk(fm, blk, &bp)) != 0)
			return error;
		memset(bp->b_data, 0, (size_t)bp->b_bcount);
		if ((error = bwrite(bp)) != 0)
			return error;
		inited += fm->fm_inopb;
		cg->cg_initediblk = ffs_put32(fm->fm_swap, inited);
	}
	return 0;
}

static int
ialloc_cg(struct ffs_mount *fm, uint32_t c, bool isdir, ino_t *inop)
{
	struct ffs_cg *cg;
	struct buf *bp;
	uint8_t *map;
	uint32_t rotor, i;
	int error;

	if ((error = ffs_cg_read(fm, c, &bp, &cg)) != 0)
		return error;
	/* Another allocator may have taken the last one since the summary was read. */
	if ((int32_t)ffs_get32(fm->fm_swap, (uint32_t)cg->cg_cs.cs_nifree) <= 0) {
		brelse(bp, 0);
		return ENOSPC;
	}
	map = ffs_cg_inosused(fm, cg);
	rotor = ffs_get32(fm->fm_swap, cg->cg_irotor) % fm->fm_ipg;
	for (uint32_t k = 0; k < fm->fm_ipg; k++) {
		i = (rotor + k) % fm->fm_ipg;
		if (ffs_isset(map, i) || (uint64_t)c * fm->fm_ipg + i < FFS_ROOTINO)
			continue;
		if (fm->fm_ufs2 && (error = init_inode_blocks(fm, c, cg, i)) != 0) {
			brelse(bp, 0);
			return error;
		}
		ffs_setbit(map, i);
		cg->cg_irotor = ffs_put32(fm->fm_swap, i);
		ffs_cg_apply(fm, c, cg, isdir ? 1 : 0, -1);
		*inop = (ino_t)c * fm->fm_ipg + i;
		return ffs_mwrite(fm, bp);
	}
	brelse(bp, 0);
	ffs_corrupt(fm, "ffs: cylinder group %u: free inode count wrong\n", c);
	return ENOSPC;
}

int
ffs_ialloc(struct ffs_mount *fm, ino_t dirino, bool isdir, ino_t *inop)
{
	uint32_t start;
	int error = ENOSPC;
	bool room;

	mutex_enter(&fm->fm_lock);
	start = pick_cg(fm, dirino, isdir);
	mutex_exit(&fm->fm_lock);
	for (uint32_t k = 0; k < fm->fm_ncg; k++) {
		uint32_t c = (start + k) % fm->fm_ncg;

		mutex_enter(&fm->fm_lock);
		room = fm->fm_cs[c].cs_nifree > 0;
		mutex_exit(&fm->fm_lock);
		if (!room)
			continue;
		error = ialloc_cg(fm, c, isdir, inop);
		if (error != ENOSPC)
			break;
	}
	return error;
}

void
ffs_ifree(struct ffs_mount *fm, ino_t ino, bool isdir)
{
	uint32_t c = (uint32_t)(ino / fm->fm_ipg), i = (uint32_t)(ino % fm->fm_ipg);
	struct ffs_cg *cg;
	struct buf *bp;
	int error;

	kmem_reserve_enter();	/* giving an inode back must not fail for memory */
	if ((error = ffs_cg_read(fm, c, &bp, &cg)) != 0) {
		ffs_corrupt(fm, "ffs: inode %ju: not freed: cylinder group %u unreadable (error %d)\n",
		    (uintmax_t)ino, c, error);
	} else {
		uint8_t *map = ffs_cg_inosused(fm, cg);

		if (!ffs_isset(map, i)) {
			ffs_corrupt(fm, "ffs: freeing free inode %ju\n", (uintmax_t)ino);
			brelse(bp, 0);
		} else {
			ffs_clrbit(map, i);
			ffs_cg_apply(fm, c, cg, isdir ? -1 : 0, 1);
			if ((error = ffs_mwrite(fm, bp)) != 0)
				ffs_corrupt(fm, "ffs: inode %ju: freed, but its cylinder group not written (error %d)\n",
				    (uintmax_t)ino, error);
		}
	}
	kmem_reserve_exit();
}
