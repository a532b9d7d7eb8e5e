/* genfs_blkmap.c: the route to a logical block through a UFS-like block map, and the lookup along it. */
#include "genfs.h"

int
genfs_blkmap_route(const struct genfs_blkmap *bm, uint64_t lbn, unsigned *slotp,
    uint64_t idx[GENFS_NIADDR_MAX])
{
	uint64_t rel, span = 1;
	unsigned depth;

	KASSERT(bm->bm_niaddr <= GENFS_NIADDR_MAX);
	if (lbn < bm->bm_ndaddr) {
		*slotp = (unsigned)lbn;
		return 0;
	}
	rel = lbn - bm->bm_ndaddr;
	for (depth = 1; depth <= bm->bm_niaddr; depth++) {
		span *= bm->bm_nindir;
		if (rel < span)
			break;
		rel -= span;
	}
	if (depth > bm->bm_niaddr)
		return -1;
	*slotp = bm->bm_ndaddr + depth - 1;
	for (unsigned l = 0; l < depth; l++) {
		span /= bm->bm_nindir;
		idx[l] = rel / span;
		rel %= span;
	}
	return (int)depth;
}

/*
 * A block an indirect block names that is itself or one above it on the
 * way down would make the file its own map: the image is damaged.
 */
bool
genfs_blkmap_loops(const struct genfs_blkmap *bm, const int64_t *path, unsigned n, int64_t blk)
{
	for (unsigned i = 0; i < n; i++) {
		if (path[i] == blk) {
			bm->bm_damaged(bm->bm_arg, blk);
			return true;
		}
	}
	return false;
}

int
genfs_blkmap_lookup(const struct genfs_blkmap *bm, uint64_t lbn, int64_t *dp)
{
	uint64_t idx[GENFS_NIADDR_MAX];
	int64_t blk, path[GENFS_NIADDR_MAX];
	unsigned slot;
	int depth, error;

	*dp = 0;
	if ((depth = genfs_blkmap_route(bm, lbn, &slot, idx)) < 0)
		return EFBIG;
	blk = bm->bm_root(bm->bm_arg, slot);
	for (int l = 0; l < depth && blk != 0; l++) {
		path[l] = blk;
		if ((error = bm->bm_scan(bm->bm_arg, blk, idx[l], &blk, NULL)) != 0)
			return error;
		if (blk != 0 && genfs_blkmap_loops(bm, path, (unsigned)l + 1, blk))
			return EIO;
	}
	*dp = blk;
	return 0;
}

uint64_t
genfs_blkmap_span(uint64_t nindir, unsigned levels)
{
	uint64_t s = 1;

	for (unsigned i = 0; i < levels; i++)
		s *= nindir;
	return s;
}
