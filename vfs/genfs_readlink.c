/* genfs_readlink.c: VOP_READLINK for file systems that keep short targets in the inode and long ones in data blocks. */
#include "genfs.h"

/*
 * The target starts at offset 0 of the link's data whatever the
 * caller's uio offset says, and the caller's offset then moves on by
 * what was copied, as for any other read into its uio.
 */
int
genfs_readlink(struct vnode *vp, struct uio *uio, void *inlined, size_t size,
    int (*readdata)(struct vnode *vp, struct uio *uio))
{
	off_t saved;
	int error;

	if (vp->v_type != VLNK)
		return EINVAL;
	if (inlined != NULL)
		return uiomove(inlined, MIN(size, uio->uio_resid), uio);
	saved = uio->uio_offset;
	uio->uio_offset = 0;
	error = readdata(vp, uio);
	uio->uio_offset += saved;
	return error;
}
