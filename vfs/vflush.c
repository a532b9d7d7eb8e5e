/* vflush.c: flushing a mount's vnodes: reclaim the unreferenced, hand the referenced to deadfs (forced). */
#include "vcore_impl.h"

static bool vflush_busy(struct mount *mp, struct vnode *skipvp);
static void vnode_deadify(struct vnode *vp);

/*
 * vflush: first, unless forced, refuse when anything but skipvp is
 * referenced.  Then reclaim every vnode; a referenced one (forced) is
 * handed to deadfs.  Transient states are waited out.
 */
static bool
vflush_busy(struct mount *mp, struct vnode *skipvp)
{
	struct vnode *vp;

	TAILQ_FOREACH(vp, &mp->mnt_vnodes, v_mntvnodes) {
		if (vp != skipvp && (vp->v_usecount > 0 || vp->v_state == VS_LOADING))
			return true;
	}
	return false;
}

int
vflush(struct mount *mp, struct vnode *skipvp, bool force)
{
	struct vnode *vp;
	int state, refs;

	mutex_enter(&vcache.vc_lock);
	if (!force && vflush_busy(mp, skipvp)) {
		mutex_exit(&vcache.vc_lock);
		return EBUSY;
	}
restart:
	TAILQ_FOREACH(vp, &mp->mnt_vnodes, v_mntvnodes) {
		if (vp == skipvp)
			continue;
		mutex_enter(&vp->v_interlock);
		state = vp->v_state;
		refs = vp->v_usecount;
		if (state == VS_ACTIVE && refs > 0 && force)
			vp->v_usecount++;	/* keep it while deadfs takes over */
		mutex_exit(&vp->v_interlock);
		if (state != VS_ACTIVE) {
			cv_wait(&vcache.vc_cv, &vcache.vc_lock);
			goto restart;
		}
		if (refs == 0) {
			vcache_take_lru(vp);
			mutex_exit(&vcache.vc_lock);
			vcache_reclaim(vp);
		} else if (force) {
			mutex_exit(&vcache.vc_lock);
			vnode_deadify(vp);
			vrele(vp);
		} else {
			mutex_exit(&vcache.vc_lock);
			return EBUSY;
		}
		mutex_enter(&vcache.vc_lock);
		goto restart;
	}
	mutex_exit(&vcache.vc_lock);
	return 0;
}

/*
 * Forced unmount of a referenced vnode (the caller holds a reference):
 * wait for the ops in progress (vnode lock), let the file system free
 * its node, and leave a deadfs vnode outside the cache.
 */
static void
vnode_deadify(struct vnode *vp)
{
	rw_enter(&vp->v_lock, RW_WRITER);
	cache_purge(vp);
	(void)vp->v_op->vop_reclaim(vp, 0);
	mutex_enter(&mountlist_lock);
	mutex_enter(&vcache.vc_lock);
	vcache_remove(vp);
	mutex_enter(&vp->v_interlock);
	vp->v_op = &deadfs_vnodeops;
	vp->v_data = NULL;
	vp->v_state = VS_DEAD;
	vp->v_mount = NULL;
	vp->v_mountedhere = NULL;
	mutex_exit(&vp->v_interlock);
	mutex_exit(&vcache.vc_lock);
	mutex_exit(&mountlist_lock);
	rw_exit(&vp->v_lock);
}

