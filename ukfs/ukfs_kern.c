/* ukfs_kern.c: the calls that hand out kernel objects (mount, root vnode) or ask the kernel directly. */
#include "kernel.h"

#include <rump/rump.h>

#include "mount.h"
#include "namei.h"
#include "vnode.h"

#include "ukfs_impl.h"

bool
ukfs_kern_hasfs(const char *name)
{
	bool has;

	rump_schedule();
	has = vfs_getopsbyname(name) != NULL;
	rump_unschedule();
	return has;
}

struct vnode *
ukfs_getrvp(struct ukfs *fs)
{
	struct nameidata nd;
	struct vnode *vp = NULL;

	rump_schedule();
	NDINIT(&nd, LOOKUP, FOLLOW, fs->uk_mountpath);
	if (namei(&nd) == 0) {
		vp = nd.ni_vp;
		nd.ni_vp = NULL;
		namei_done(&nd);
	}
	rump_unschedule();
	return vp;
}

struct mount *
ukfs_getmp(struct ukfs *fs)
{
	struct mount *mp;
	struct vnode *vp;

	if ((vp = ukfs_getrvp(fs)) == NULL)
		return NULL;
	rump_schedule();
	mp = vp->v_mount;
	vrele(vp);
	rump_unschedule();
	return mp;
}
