/* vnode_if_rename.c: VOP_RENAME: the rename lock, the namespace checks (EXDEV, EBUSY, EINVAL), locks, policy. */
#include "vcore_impl.h"

static int rename_namespace(struct vnode *fdvp, struct vnode *fvp,
    const struct componentname *fcnp, struct vnode *tdvp, struct vnode *tvp,
    const struct componentname *tcnp);
static int rename_ancestor(struct vnode *anc, struct vnode *start, kauth_cred_t cred,
    int error_if_found);

/* Checks that need no vnode lock: mounts, "." and "..", read-only. */
static int
rename_namespace(struct vnode *fdvp, struct vnode *fvp,
    const struct componentname *fcnp, struct vnode *tdvp, struct vnode *tvp,
    const struct componentname *tcnp)
{
	struct mount *mp = fdvp->v_mount;

	if (mp == NULL || tdvp->v_mount == NULL)
		return EIO;
	if (tdvp->v_mount != mp)
		return EXDEV;
	if (vpol_isdot(fcnp) || vpol_isdotdot(fcnp) ||
	    vpol_isdot(tcnp) || vpol_isdotdot(tcnp))
		return EBUSY;
	/* A mount point: namei handed us the root of what is mounted there. */
	if (fvp->v_mount != mp || (tvp != NULL && tvp->v_mount != mp))
		return EBUSY;
	if (vpol_rofs(fdvp))
		return EROFS;
	return 0;
}

/*
 * Is anc start or one of its ancestors in this file system?  Walks ".."
 * from start holding only the rename lock (so the tree cannot change
 * shape under the walk) and one shared vnode lock at a time.
 */
static int
rename_ancestor(struct vnode *anc, struct vnode *start, kauth_cred_t cred,
    int error_if_found)
{
	struct componentname cn = {
		.cn_nameptr = "..", .cn_namelen = 2, .cn_cred = cred,
		.cn_nameiop = LOOKUP, .cn_flags = ISDOTDOT,
	};
	struct vnode *vp = start, *pvp;
	int error = 0;

	vref(vp);
	for (;;) {
		if (vp == anc) {
			error = error_if_found;
			break;
		}
		if ((vp->v_vflag & VV_ROOT) != 0)
			break;
		if ((error = VOP_LOOKUP(vp, &pvp, &cn)) != 0)
			break;
		if (pvp == vp) {
			vrele(pvp);
			break;
		}
		vrele(vp);
		vp = pvp;
	}
	vrele(vp);
	return error;
}

int
VOP_RENAME(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp)
{
	kauth_cred_t cred = fcnp->cn_cred;
	struct vlockset ls;
	struct mount *mp;
	int error;

	if ((error = rename_namespace(fdvp, fvp, fcnp, tdvp, tvp, tcnp)) != 0)
		return error;
	mp = fdvp->v_mount;
	mutex_enter(&mp->mnt_renamelock);
	if (fvp->v_type == VDIR)
		error = rename_ancestor(fvp, tdvp, cred, EINVAL);
	if (error == 0 && tvp != NULL && tvp->v_type == VDIR)
		error = rename_ancestor(tvp, fdvp, cred, ENOTEMPTY);
	if (error != 0 || fvp == tvp)
		goto out_renamelock;	/* the same file: success doing nothing */

	vlockset_enter(&ls, fdvp, fvp, tdvp, tvp);
	if (vlockset_dead(&ls))
		error = EIO;
	else if ((error = vpol_may_rename(fdvp, fvp, tdvp, tvp, cred)) == 0)
		error = fdvp->v_op->vop_rename(fdvp, fvp, fcnp, tdvp, tvp, tcnp);
	if (error == 0) {
		cache_purge_name(fdvp, fcnp->cn_nameptr, fcnp->cn_namelen);
		cache_purge_name(tdvp, tcnp->cn_nameptr, tcnp->cn_namelen);
	}
	vlockset_exit(&ls);
out_renamelock:
	mutex_exit(&mp->mnt_renamelock);
	return error;
}
