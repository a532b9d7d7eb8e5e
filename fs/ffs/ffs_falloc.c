/* ffs_falloc.c: fallocate on FFS: genfs's hole walk with FFS's block size, size limit and free walk. */
#include "ffs.h"
#include "genfs.h"

static int
falloc_free(struct vnode *vp, uint64_t first, uint64_t end)
{
	return ffs_free_range(VTOI(vp), (int64_t)first, (int64_t)MIN(end, (uint64_t)INT64_MAX));
}

/*
 * Holes are filled by writing zeroes, so the write path keeps the
 * fragment rules (only the last block short, grown whole before the file
 * goes past it).  fsck_ffs calls blocks past the size a bad inode, so
 * KEEPSIZE storage past the end of file is EOPNOTSUPP; a punch keeps the
 * last block's storage (zeroed) so the size still tells its fragments.
 */
int
ffs_fallocate(struct vnode *vp, off_t off, off_t len, int flags, kauth_cred_t cred)
{
	struct ffs_inode *ip = VTOI(vp);
	struct ffs_mount *fm = ip->i_fm;
	const struct genfs_falloc fa = {
		.fa_bshift = (unsigned)fm->fm_bshift,
		.fa_maxsize = fm->fm_maxfilesize,
		.fa_keeplast = true,
		.fa_alloc = NULL,
		.fa_free = falloc_free,
	};
	int error, e;

	if (vp->v_type != VREG)
		return ENODEV;
	if ((error = genfs_fallocate(vp, off, len, flags, cred, &fa)) == 0)
		ffs_inode_touch(ip, true, true);
	e = ffs_update(ip, ffs_syncmount(fm));
	return error != 0 ? error : e;
}
