/* ext2fs_falloc.c: fallocate on ext2: genfs's hole walk with ext2's block size, size limit and free walk. */
#include "ext2fs.h"
#include "genfs.h"

static int
falloc_free(struct vnode *vp, uint64_t first, uint64_t end)
{
	return ext2fs_free_range(VTOI(vp), first, end);
}

/*
 * Holes are filled by writing zeroes (the write path allocates and
 * zeroes the blocks, within the reserve rules of the caller): a block
 * map has no unwritten extents, and e2fsck calls blocks past the size
 * damage, so KEEPSIZE storage past the end of file is EOPNOTSUPP.
 */
int
ext2fs_fallocate(struct vnode *vp, off_t off, off_t len, int flags, kauth_cred_t cred)
{
	struct ext2fs_inode *ip = VTOI(vp);
	struct ext2fs_mount *e2m = ip->i_e2m;
	const struct genfs_falloc fa = {
		.fa_bshift = e2m->e2m_bshift,
		.fa_maxsize = e2m->e2m_maxfilesize,
		.fa_keeplast = false,
		.fa_alloc = NULL,
		.fa_free = falloc_free,
	};
	int error, e;

	if (!S_ISREG(ip->i_mode))
		return ENODEV;
	error = genfs_fallocate(vp, off, len, flags, cred, &fa);
	if (error == 0)
		ext2fs_itimes(ip, E2_MTIME | E2_CTIME);
	e = ext2fs_iupdate(ip, ext2fs_syncmnt(e2m));
	return error != 0 ? error : e;
}
