/* ukfs_kern.c: the calls that hand out kernel objects (mount, root vnode) or ask the kernel directly. */
#include "kernel.h"

#include <rump/rump.h>

#include "mount.h"
#include "namei.h"
#include "vnode.h"

#include "ukfs_impl.h"

int
ukfs_kern_isdisk(const char *name)
{
	struct vfsops *ops;
	int isdisk;

	rump_schedule();
	ops = vfs_getopsbyname(name);
	isdisk = ops == NULL ? -1 : (ops->vfs_flags & VFSF_DEVICE) != 0;
	rump_unschedule();
	return isdisk;
}

/* Types stay attached while the kernel runs, so their names outlive the lock. */
const char *
ukfs_kern_probe(const uint8_t *head, size_t len)
{
	struct vfsops *ops;

	rump_schedule();
	ops = vfs_probe(head, len);
	rump_unschedule();
	return ops != NULL ? ops->vfs_name : NULL;
}

size_t
ukfs_kern_typenames(char *buf, size_t len)
{
	size_t need;

	rump_schedule();
	need = vfs_typenames(buf, len);
	rump_unschedule();
	return need;
}

int
ukfs_kern_check(const char *name, const char *devkey, unsigned *nproblemsp)
{
	struct vfsops *ops;
	int error;

	rump_schedule();
	ops = vfs_getopsbyname(name);
	error = ops == NULL ? ENODEV : ops->vfs_check(devkey, nproblemsp);
	rump_unschedule();
	return error;
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
