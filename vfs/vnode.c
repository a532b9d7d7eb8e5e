/* vnode.c: vnode references (vref/vrele), attribute helpers and timestamps. */
#include <sys/stat.h>
#include <rump/rump.h>
#include "vcore_impl.h"

void
vref(struct vnode *vp)
{
	mutex_enter(&vp->v_interlock);
	KASSERT(vp->v_usecount > 0);
	vp->v_usecount++;
	mutex_exit(&vp->v_interlock);
}

/*
 * The last reference: block new references (VS_BLOCKED), run
 * VOP_INACTIVE with the vnode lock held exclusive, then let the cache
 * keep the vnode on its LRU or reclaim it.
 */
void
vrele(struct vnode *vp)
{
	bool recycle = false;
	int error;

	mutex_enter(&vp->v_interlock);
	KASSERT(vp->v_usecount > 0);
	if (vp->v_usecount > 1) {
		vp->v_usecount--;
		mutex_exit(&vp->v_interlock);
		return;
	}
	if (vp->v_state == VS_DEAD) {
		vp->v_usecount = 0;
		mutex_exit(&vp->v_interlock);
		vnode_free_dead(vp);
		return;
	}
	KASSERT(vp->v_state == VS_ACTIVE);
	vp->v_state = VS_BLOCKED;
	mutex_exit(&vp->v_interlock);

	rw_enter(&vp->v_lock, RW_WRITER);
	/*
	 * Nobody is left to take the error: say it.  The file system has
	 * marked itself for checking where the image was left inconsistent.
	 */
	kmem_reserve_enter();	/* freeing an unlinked file must not fail for memory */
	error = vp->v_op->vop_inactive(vp, &recycle);
	kmem_reserve_exit();
	if (error != 0)
		kprintf("vfs: %s: releasing a vnode failed (error %d)\n",
		    vp->v_op->vop_fsname != NULL ? vp->v_op->vop_fsname : "?", error);
	rw_exit(&vp->v_lock);
	vcache_release_last(vp, recycle);
}

void
vattr_null(struct vattr *vap)
{
	memset(vap, 0, sizeof(*vap));
	vap->va_type = VNON;
	vap->va_mode = (mode_t)VNOVAL;
	vap->va_nlink = (nlink_t)VNOVAL;
	vap->va_uid = (uid_t)VNOVAL;
	vap->va_gid = (gid_t)VNOVAL;
	vap->va_fsid = (uint64_t)VNOVAL;
	vap->va_fileid = (ino_t)VNOVAL;
	vap->va_size = VNOVAL;
	vap->va_blocksize = VNOVAL;
	vap->va_atime.tv_sec = vap->va_mtime.tv_sec = VNOVAL;
	vap->va_ctime.tv_sec = vap->va_birthtime.tv_sec = VNOVAL;
	vap->va_atime.tv_nsec = vap->va_mtime.tv_nsec = VNOVAL;
	vap->va_ctime.tv_nsec = vap->va_birthtime.tv_nsec = VNOVAL;
	vap->va_gen = (uint64_t)VNOVAL;
	vap->va_rdev = (dev_t)VNOVAL;
	vap->va_bytes = (uint64_t)VNOVAL;
	vap->va_vaflags = 0;
}

mode_t
vtype_to_ifmt(enum vtype t)
{
	switch (t) {
	case VREG:	return S_IFREG;
	case VDIR:	return S_IFDIR;
	case VBLK:	return S_IFBLK;
	case VCHR:	return S_IFCHR;
	case VLNK:	return S_IFLNK;
	case VSOCK:	return S_IFSOCK;
	case VFIFO:	return S_IFIFO;
	default:	return 0;
	}
}

enum vtype
ifmt_to_vtype(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:	return VREG;
	case S_IFDIR:	return VDIR;
	case S_IFBLK:	return VBLK;
	case S_IFCHR:	return VCHR;
	case S_IFLNK:	return VLNK;
	case S_IFSOCK:	return VSOCK;
	case S_IFIFO:	return VFIFO;
	default:	return VNON;
	}
}

void
vfs_timestamp(struct timespec *ts)
{
	getnanotime(ts);
}

/* vrele for a program outside the kernel (a vnode ukfs_getrvp() gave it). */
void
rump_pub_vp_rele(struct vnode *vp)
{
	rump_schedule();
	vrele(vp);
	rump_unschedule();
}
