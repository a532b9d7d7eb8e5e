/* genfs_extent.c: SEEK_DATA/SEEK_HOLE over a file system's vop_extent, and vop_extent from a UFS-like block map. */
#include <unistd.h>	/* SEEK_DATA, SEEK_HOLE: constants only */

#include "genfs.h"

static int	blkmap_direct(const struct genfs_blkmap *bm, uint64_t lbn, bool *datap,
		    uint64_t *endp);
static int	blkmap_tree(const struct genfs_blkmap *bm, uint64_t lbn, bool *datap,
		    uint64_t *endp);

int
genfs_extent_alldata(struct vnode *vp __unused, off_t off __unused, bool *datap, off_t *endp)
{
	*datap = true;
	*endp = INT64_MAX;
	return 0;
}

/*
 * Each step moves past one extent, so a file of terabytes with few
 * blocks costs a step per mapped run and per unmapped subtree.
 */
int
genfs_seekdata(struct vnode *vp, off_t off, int whence, off_t size, off_t *resultp)
{
	bool wantdata = whence == SEEK_DATA, data;
	off_t pos = off, end;
	int error;

	if (off >= size)
		return ENXIO;
	while (pos < size) {
		if (vp->v_type != VREG) {
			data = true;
			end = size;
		} else if ((error = vp->v_op->vop_extent(vp, pos, &data, &end)) != 0)
			return error;
		if (data == wantdata) {
			*resultp = pos;
			return 0;
		}
		if (end <= pos)
			return EIO;	/* a file system that does not move on would loop */
		pos = end;
	}
	/* Past the last data: the hole every file has at its end. */
	if (wantdata)
		return ENXIO;
	*resultp = size;
	return 0;
}

/* ---- block maps ---- */

/* Among the direct pointers: the run of lbn's kind, up to the first indirect tree. */
static int
blkmap_direct(const struct genfs_blkmap *bm, uint64_t lbn, bool *datap, uint64_t *endp)
{
	uint64_t j;

	*datap = bm->bm_root(bm->bm_arg, (unsigned)lbn) != 0;
	for (j = lbn + 1; j < bm->bm_ndaddr; j++)
		if ((bm->bm_root(bm->bm_arg, (unsigned)j) != 0) != *datap)
			break;
	*endp = j;
	return 0;
}

/*
 * In an indirect tree: down from its root, at each level the pointer
 * toward lbn; a zero one ends the walk with a hole as long as the zero
 * pointers beside it cover, a data block with the run of mapped blocks
 * in its indirect block.
 */
static int
blkmap_tree(const struct genfs_blkmap *bm, uint64_t lbn, bool *datap, uint64_t *endp)
{
	uint64_t rel = lbn - bm->bm_ndaddr, span = 1, base, sub, i, run;
	unsigned level;
	int64_t blk;
	int error;

	for (level = 1; level <= bm->bm_niaddr; level++) {
		span *= bm->bm_nindir;
		if (rel < span)
			break;
		rel -= span;
	}
	*datap = false;
	if (level > bm->bm_niaddr) {
		*endp = UINT64_MAX;	/* past what the format addresses: all hole */
		return 0;
	}
	base = lbn - rel;
	if ((blk = bm->bm_root(bm->bm_arg, bm->bm_ndaddr + level - 1)) == 0) {
		*endp = base + span;
		return 0;
	}
	for (sub = span; ; base += i * sub) {
		sub /= bm->bm_nindir;
		i = (lbn - base) / sub;
		if ((error = bm->bm_scan(bm->bm_arg, blk, i, &blk, &run)) != 0)
			return error;
		if (blk == 0 || sub == 1) {
			*datap = blk != 0;
			*endp = base + (i + run) * sub;
			return 0;
		}
	}
}

int
genfs_blkmap_extent(const struct genfs_blkmap *bm, off_t off, bool *datap, off_t *endp)
{
	uint64_t lbn = (uint64_t)off >> bm->bm_bshift, end;
	int error;

	if (lbn < bm->bm_ndaddr)
		error = blkmap_direct(bm, lbn, datap, &end);
	else
		error = blkmap_tree(bm, lbn, datap, &end);
	if (error != 0)
		return error;
	*endp = end > ((uint64_t)INT64_MAX >> bm->bm_bshift) ? INT64_MAX :
	    (off_t)(end << bm->bm_bshift);
	return 0;
}
