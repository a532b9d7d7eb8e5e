/* ffs_cg.c: cylinder group headers: validation before their maps are used, and reading them. */
#include "ffs.h"

/* NULL when cg c's header can be used: its maps lie inside it and its counts fit the geometry. */
const char *
ffs_cg_validate(const struct ffs_mount *fm, uint32_t c, const struct ffs_cg *cg)
{
	bool sw = fm->fm_swap;
	int64_t ndblk = MIN((int64_t)fm->fm_fpg, fm->fm_size - ffs_cgbase(fm, c));
	uint64_t cgsize = (uint64_t)fm->fm_cgsize, hdr = sizeof(*cg);
	uint64_t iused = ffs_get32(sw, cg->cg_iusedoff), freeoff = ffs_get32(sw, cg->cg_freeoff);
	uint64_t clsum = ffs_get32(sw, cg->cg_clustersumoff);
	uint64_t cloff = ffs_get32(sw, cg->cg_clusteroff);

	if ((int32_t)ffs_get32(sw, (uint32_t)cg->cg_magic) != FFS_CG_MAGIC)
		return "bad magic";
	if (ffs_get32(sw, cg->cg_cgx) != c)
		return "wrong index";
	if (ffs_get32(sw, cg->cg_ndblk) != (uint64_t)ndblk)
		return "wrong number of fragments";
	if (iused < hdr || iused + howmany(fm->fm_ipg, 8) > cgsize)
		return "inode map outside the header";
	if (freeoff < hdr || freeoff + howmany(fm->fm_fpg, 8) > cgsize)
		return "fragment map outside the header";
	if (fm->fm_contigsumsize > 0 &&
	    (clsum % 4 || clsum < hdr || clsum + (uint64_t)(fm->fm_contigsumsize + 1) * 4 > cgsize ||
	     cloff < hdr || cloff + howmany(fm->fm_fpg / (uint32_t)fm->fm_frag, 8) > cgsize))
		return "cluster maps outside the header";
	if (fm->fm_ufs2 && (ffs_get32(sw, cg->cg_niblk) != fm->fm_ipg ||
	    ffs_get32(sw, cg->cg_initediblk) > fm->fm_ipg ||
	    ffs_get32(sw, cg->cg_initediblk) % fm->fm_inopb))
		return "wrong inode counts";
	return NULL;
}

/* Cg c's header, busy, validated (EIO with a message otherwise). */
int
ffs_cg_read(struct ffs_mount *fm, uint32_t c, struct buf **bpp, struct ffs_cg **cgpp)
{
	const char *why;
	int error;

	if ((error = ffs_bread(fm, ffs_cgtod(fm, c), bpp)) != 0)
		return error;
	*cgpp = (*bpp)->b_data;
	if ((why = ffs_cg_validate(fm, c, *cgpp)) != NULL) {
		ffs_corrupt(fm, "ffs: cylinder group %u: %s\n", c, why);
		brelse(*bpp, 0);
		*bpp = NULL;
		return EIO;
	}
	return 0;
}
