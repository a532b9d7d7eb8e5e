/* vfs_devvp.c: finding and opening the block device a disk file system mounts. */
#include "kernel.h"
#include "blkdev.h"
#include "buf.h"
#include "mount.h"
#include "namei.h"

#include <rump/rump_fsargs.h>

int
vfs_mountargs_fspec(const void *data, size_t len, const char **fspecp)
{
	const struct ufs_args *args = data;

	if (data == NULL || len < sizeof(*args) || args->fspec == NULL)
		return EINVAL;
	if (strnlen(args->fspec, PATH_MAX) >= PATH_MAX)
		return ENAMETOOLONG;
	*fspecp = args->fspec;
	return 0;
}

int
vfs_opendev(const char *fspec, bool rdonly, struct vnode **devvpp, struct bdev **bdp)
{
	struct nameidata nd;
	struct vnode *vp;
	int error;

	NDINIT(&nd, LOOKUP, FOLLOW, fspec);
	if ((error = namei(&nd)) != 0)
		return error;
	vp = nd.ni_vp;
	nd.ni_vp = NULL;
	namei_done(&nd);
	if (vp->v_type != VBLK) {
		error = ENOTBLK;
		goto out_vrele;
	}
	if ((error = bdev_open(vp, !rdonly, bdp)) != 0)
		goto out_vrele;
	*devvpp = vp;
	return 0;
out_vrele:
	vrele(vp);
	return error;
}

int
vfs_upgradedev(struct vnode *devvp, bool rdonly, struct bdev **wbdp)
{
	if (!rdonly || *wbdp != NULL)
		return 0;
	return bdev_open(devvp, true, wbdp);
}

void
vfs_closedev(struct vnode *devvp, struct bdev *bd, bool rdonly, struct bdev *wbd)
{
	vinvalbuf(devvp);
	if (wbd != NULL)
		bdev_close(wbd, true);
	bdev_close(bd, !rdonly);
	vrele(devvp);
}
