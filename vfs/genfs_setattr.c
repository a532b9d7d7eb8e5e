/* genfs_setattr.c: VOP_SETATTR over a file system's attribute hooks: one order and one set of checks for every fs. */
#include "genfs.h"

/*
 * The size goes first, so that a truncate that fails changes nothing
 * else; then mode, owner and times; then ctime, with the inode written
 * once.  vp is locked exclusively (VOP_SETATTR's contract), and the
 * caller has checked the credential: the hooks only store.
 */
int
genfs_setattr(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred,
    const struct genfs_attrops *ops)
{
	int error;

	if (vap->va_size != (off_t)VNOVAL) {
		if (vp->v_type != VREG)
			return vp->v_type == VDIR ? EISDIR : EINVAL;
		if (vap->va_size < 0)
			return EINVAL;
		if ((error = ops->ga_truncate(vp, vap->va_size, cred)) != 0)
			return error;
	}
	if (vap->va_mode != (mode_t)VNOVAL)
		ops->ga_chmod(vp, vap->va_mode & 07777);
	if (vap->va_uid != (uid_t)VNOVAL || vap->va_gid != (gid_t)VNOVAL)
		ops->ga_chown(vp, vap->va_uid, vap->va_gid);
	if (vap->va_atime.tv_sec != VNOVAL)
		ops->ga_settime(vp, GENFS_ATIME, &vap->va_atime);
	if (vap->va_mtime.tv_sec != VNOVAL)
		ops->ga_settime(vp, GENFS_MTIME, &vap->va_mtime);
	if (vap->va_birthtime.tv_sec != VNOVAL)
		ops->ga_settime(vp, GENFS_BIRTHTIME, &vap->va_birthtime);
	return ops->ga_changed(vp);
}
