/* ext2fs_bmap.c: file block to device block through direct, single, double and triple indirect blocks. */
#include "ext2fs.h"
#include "genfs.h"

/* Number of logical blocks the format can address. */
uint64_t
ext2fs_maxlbn(const struct ext2fs_mount *e2m)
{
	uint64_t n = e2m->e2m_nindir;

	return EXT2_NDADDR + n + n * n + n * n * n;
}

static int
bad_block(const struct ext2fs_inode *ip, uint32_t bno)
{
	ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: block pointer %u outside the file area\n",
	    (uintmax_t)ip->i_number, bno);
	return EIO;
}

/* *pbnp: the device block of lbn, 0 for a hole. */
int
ext2fs_bmap(struct ext2fs_inode *ip, uint64_t lbn, uint32_t *pbnp)
{
	struct genfs_blkmap bm;
	int64_t d;
	int error;

	*pbnp = 0;
	ext2fs_blkmap(ip, &bm);
	if ((error = genfs_blkmap_lookup(&bm, lbn, &d)) != 0)
		return error;
	if (d != 0 && !ext2fs_fileblk_ok(ip->i_e2m, (uint32_t)d))
		return bad_block(ip, (uint32_t)d);
	*pbnp = (uint32_t)d;
	return 0;
}

/* ---- extents for SEEK_DATA/SEEK_HOLE (genfs_blkmap_extent's hooks) ---- */

static int64_t
extent_root(void *arg, unsigned i)
{
	const struct ext2fs_inode *ip = arg;

	return ip->i_db[i];
}

static int
extent_scan(void *arg, int64_t blk, uint64_t i, int64_t *valp, uint64_t *runp)
{
	struct ext2fs_inode *ip = arg;
	struct ext2fs_mount *e2m = ip->i_e2m;
	const uint32_t *ptr;
	struct buf *bp;
	uint64_t j;
	int error;

	if (!ext2fs_fileblk_ok(e2m, (uint32_t)blk))
		return bad_block(ip, (uint32_t)blk);
	if ((error = ext2fs_bread(e2m, (uint32_t)blk, &bp)) != 0)
		return error;
	ptr = (const uint32_t *)bp->b_data;
	*valp = e2_le32(ptr[i]);
	if (runp != NULL) {
		for (j = i + 1; j < e2m->e2m_nindir && (ptr[j] != 0) == (*valp != 0); j++)
			continue;
		*runp = j - i;
	}
	brelse(bp, 0);
	return 0;
}

static void
blkmap_damaged(void *arg, int64_t blk)
{
	struct ext2fs_inode *ip = arg;

	ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: indirect block %ju points back to itself\n",
	    (uintmax_t)ip->i_number, (uintmax_t)blk);
}

void
ext2fs_blkmap(struct ext2fs_inode *ip, struct genfs_blkmap *bm)
{
	*bm = (struct genfs_blkmap){
		.bm_ndaddr = EXT2_NDADDR, .bm_niaddr = EXT2_NIADDR,
		.bm_nindir = ip->i_e2m->e2m_nindir, .bm_bshift = ip->i_e2m->e2m_bshift,
		.bm_arg = ip, .bm_root = extent_root, .bm_scan = extent_scan,
		.bm_damaged = blkmap_damaged,
	};
}

/* vop_extent: the block map's view of byte off (vp S). */
int
ext2fs_extent(struct vnode *vp, off_t off, bool *datap, off_t *endp)
{
	struct genfs_blkmap bm;

	ext2fs_blkmap(VTOI(vp), &bm);
	return genfs_blkmap_extent(&bm, off, datap, endp);
}

/* A new block near goal, zeroed when it is an indirect block; counted in i_nblocks. */
static int
alloc_one(struct ext2fs_inode *ip, bool resok, bool zero, uint32_t *bnop)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	uint32_t goal = ip->i_lastblk != 0 ? ip->i_lastblk + 1 :
	    e2m->e2m_firstdata + (uint32_t)((ip->i_number - 1) / e2m->e2m_ipg) * e2m->e2m_bpg;
	struct buf *bp;
	int error;

	if ((error = ext2fs_blkalloc(e2m, goal, resok, bnop)) != 0)
		return error;
	if (zero) {
		if ((error = ext2fs_getblk(e2m, *bnop, &bp)) != 0) {
			/* nothing points to it yet: give it back, or it is lost to every walk */
			(void)ext2fs_blkfree(e2m, *bnop, ip->i_number);
			return error;
		}
		memset(bp->b_data, 0, e2m->e2m_bsize);
		/* Mounted sync: zeroes on disk before a pointer to them is. */
		if ((error = ext2fs_mwrite(e2m, bp)) != 0) {
			(void)ext2fs_blkfree(e2m, *bnop, ip->i_number);
			return error;
		}
	}
	ip->i_lastblk = *bnop;
	ip->i_nblocks += e2m->e2m_bsize >> DEV_BSHIFT;
	return 0;
}

/*
 * The device block of lbn, allocating it (and the indirect blocks on the
 * way) when it is a hole; *newp tells that the data block is new (its
 * contents are garbage: the caller fills or zeroes it).  The caller
 * writes the inode.
 */
int
ext2fs_balloc(struct ext2fs_inode *ip, uint64_t lbn, bool resok, uint32_t *pbnp, bool *newp)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	struct genfs_blkmap bm;
	uint64_t idx[GENFS_NIADDR_MAX];
	int64_t path[GENFS_NIADDR_MAX];
	uint32_t bno, *slot;
	unsigned root;
	struct buf *bp;
	int depth, error;

	*newp = false;
	ext2fs_blkmap(ip, &bm);
	if ((depth = genfs_blkmap_route(&bm, lbn, &root, idx)) < 0)
		return EFBIG;
	/* First allocation since the inode was loaded: continue after the block before. */
	if (ip->i_lastblk == 0 && lbn > 0 && ext2fs_bmap(ip, lbn - 1, &bno) == 0 && bno != 0)
		ip->i_lastblk = bno;
	if ((bno = ip->i_db[root]) == 0) {
		if ((error = alloc_one(ip, resok, depth > 0, &bno)) != 0)
			return error;
		ip->i_db[root] = bno;
		*newp = depth == 0;
	}
	for (int l = 0; l < depth; l++) {
		if (!ext2fs_fileblk_ok(e2m, bno))
			return bad_block(ip, bno);
		if ((error = ext2fs_bread(e2m, bno, &bp)) != 0)
			return error;
		path[l] = bno;
		slot = &((uint32_t *)bp->b_data)[idx[l]];
		if (*slot != 0 && genfs_blkmap_loops(&bm, path, (unsigned)l + 1, e2_le32(*slot))) {
			brelse(bp, 0);
			return EIO;
		}
		if ((bno = e2_le32(*slot)) == 0) {
			if ((error = alloc_one(ip, resok, l + 1 < depth, &bno)) != 0) {
				brelse(bp, 0);
				return error;
			}
			*slot = e2_tole32(bno);
			*newp = l + 1 == depth;
			if ((error = ext2fs_mwrite(e2m, bp)) != 0)
				return error;
		} else
			brelse(bp, 0);
	}
	if (!ext2fs_fileblk_ok(e2m, bno))
		return bad_block(ip, bno);
	*pbnp = bno;
	return 0;
}
