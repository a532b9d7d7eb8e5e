/* vfs_policy.c: the POSIX permission and type rules the VOP_* calls enforce, with Linux's errno choices. */
#include <sys/stat.h>
#include "vcore_impl.h"

/*
 * Every function here runs with the vnode locks of the op held, so it
 * calls the file system's ops directly (v_op->...), never VOP_*.
 */

static int pol_getattr(struct vnode *vp, struct vattr *vap, kauth_cred_t cred);
static int pol_sticky(struct vattr *dva, struct vattr *va, kauth_cred_t cred);
static void pol_chown_kill_sxid(const struct vattr *cur, struct vattr *out, kauth_cred_t cred);

bool
vpol_isdot(const struct componentname *cnp)
{
	return cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.';
}

bool
vpol_isdotdot(const struct componentname *cnp)
{
	return cnp->cn_namelen == 2 && cnp->cn_nameptr[0] == '.' &&
	    cnp->cn_nameptr[1] == '.';
}

bool
vpol_rofs(struct vnode *vp)
{
	return vp->v_mount != NULL && vfs_rdonly(vp->v_mount);
}

static int
pol_getattr(struct vnode *vp, struct vattr *vap, kauth_cred_t cred)
{
	vattr_null(vap);
	return vp->v_op->vop_getattr(vp, vap, cred);
}

/* Write and search permission on directory dvp (Linux may_create). */
int
vpol_may_create(struct vnode *dvp, kauth_cred_t cred)
{
	struct vattr dva;
	int error;

	if (dvp->v_type != VDIR)
		return ENOTDIR;
	/* A removed directory takes no new names: ENOENT before EACCES (Linux IS_DEADDIR). */
	if ((error = pol_getattr(dvp, &dva, cred)) != 0)
		return error;
	if (dva.va_nlink == 0)
		return ENOENT;
	return dvp->v_op->vop_access(dvp, VWRITE | VEXEC, cred);
}

/* Sticky directory: only the file's owner, the directory's owner or root may remove. */
static int
pol_sticky(struct vattr *dva, struct vattr *va, kauth_cred_t cred)
{
	uid_t uid = kauth_cred_geteuid(cred);

	if ((dva->va_mode & S_ISVTX) == 0 || kauth_cred_issuser(cred))
		return 0;
	if (uid == va->va_uid || uid == dva->va_uid)
		return 0;
	return EPERM;
}

/* Linux may_delete: EACCES, sticky EPERM, then the type of the victim. */
int
vpol_may_delete(struct vnode *dvp, struct vnode *vp, bool isdir, kauth_cred_t cred)
{
	struct vattr dva, va;
	int error;

	if ((error = vpol_may_create(dvp, cred)) != 0)
		return error;
	if ((error = pol_getattr(dvp, &dva, cred)) != 0 ||
	    (error = pol_getattr(vp, &va, cred)) != 0)
		return error;
	if ((error = pol_sticky(&dva, &va, cred)) != 0)
		return error;
	if (isdir && vp->v_type != VDIR)
		return ENOTDIR;
	if (!isdir && vp->v_type == VDIR)
		return EISDIR;
	if ((vp->v_vflag & VV_ROOT) != 0)
		return EBUSY;
	return 0;
}

/*
 * link(2): protected hard links (Linux's default fs.protected_hardlinks=1:
 * a non-owner may only link a regular, non-set-id file it can read and
 * write), then write access to the directory, then no directories.
 */
int
vpol_may_link(struct vnode *dvp, struct vnode *vp, kauth_cred_t cred)
{
	struct vattr va;
	int error;

	if ((error = pol_getattr(vp, &va, cred)) != 0)
		return error;
	if (!kauth_cred_issuser(cred) && kauth_cred_geteuid(cred) != va.va_uid) {
		bool safe = vp->v_type == VREG && (va.va_mode & S_ISUID) == 0 &&
		    (va.va_mode & (S_ISGID | S_IXGRP)) != (S_ISGID | S_IXGRP) &&
		    vp->v_op->vop_access(vp, VREAD | VWRITE, cred) == 0;
		if (!safe)
			return EPERM;
	}
	if ((error = vpol_may_create(dvp, cred)) != 0)
		return error;
	if (vp->v_type == VDIR)
		return EPERM;
	return 0;
}

/* rename(2) after the namespace checks: Linux vfs_rename's permission part. */
int
vpol_may_rename(struct vnode *fdvp, struct vnode *fvp, struct vnode *tdvp,
    struct vnode *tvp, kauth_cred_t cred)
{
	bool isdir = fvp->v_type == VDIR;
	int error;

	if ((error = vpol_may_delete(fdvp, fvp, isdir, cred)) != 0)
		return error;
	if (tvp == NULL)
		error = vpol_may_create(tdvp, cred);
	else
		error = vpol_may_delete(tdvp, tvp, isdir, cred);
	if (error != 0)
		return error;
	/* A directory moving to another parent gets a new "..": it must be writable. */
	if (isdir && fdvp != tdvp)
		error = fvp->v_op->vop_access(fvp, VWRITE, cred);
	return error;
}

/*
 * Attributes of a new file in dvp: the creator's euid, the directory's
 * group in a set-group-id directory (where new directories inherit the
 * bit) and otherwise the creator's egid; Linux's mode_strip_sgid.
 */
int
vpol_newattr(struct vnode *dvp, const struct vattr *vap, kauth_cred_t cred,
    struct vattr *out)
{
	struct vattr dva;
	int error;

	*out = *vap;
	if ((error = pol_getattr(dvp, &dva, cred)) != 0)
		return error;
	out->va_mode &= 07777;
	if (out->va_uid == (uid_t)VNOVAL)
		out->va_uid = kauth_cred_geteuid(cred);
	if (out->va_gid == (gid_t)VNOVAL) {
		if ((dva.va_mode & S_ISGID) != 0)
			out->va_gid = dva.va_gid;
		else
			out->va_gid = kauth_cred_getegid(cred);
	}
	if ((dva.va_mode & S_ISGID) != 0) {
		if (out->va_type == VDIR)
			out->va_mode |= S_ISGID;
		else if ((out->va_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
		    !kauth_cred_issuser(cred) && !kauth_cred_groupmember(cred, out->va_gid))
			out->va_mode &= ~(mode_t)S_ISGID;
	}
	return 0;
}

/* chown of a non-directory drops set-user-id, and set-group-id as Linux does. */
static void
pol_chown_kill_sxid(const struct vattr *cur, struct vattr *out, kauth_cred_t cred)
{
	mode_t mode = out->va_mode != (mode_t)VNOVAL ? out->va_mode : cur->va_mode;
	mode_t newmode = mode;

	if (cur->va_type == VDIR)
		return;
	newmode &= ~(mode_t)S_ISUID;
	if ((mode & S_ISGID) != 0 && ((mode & S_IXGRP) != 0 ||
	    (!kauth_cred_issuser(cred) && !kauth_cred_groupmember(cred, cur->va_gid))))
		newmode &= ~(mode_t)S_ISGID;
	if (newmode != mode || out->va_mode != (mode_t)VNOVAL)
		out->va_mode = newmode & 07777;
}

static int
pol_setsize(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred)
{
	if (vp->v_type == VDIR)
		return EISDIR;
	if (vp->v_type != VREG)
		return EINVAL;
	if (vap->va_size < 0)
		return EINVAL;
	if (vpol_rofs(vp))
		return EROFS;
	if ((vap->va_vaflags & VA_FROMFD) != 0)
		return 0;
	return vp->v_op->vop_access(vp, VWRITE, cred);
}

static int
pol_chown(const struct vattr *cur, struct vattr *out, kauth_cred_t cred, bool owner)
{
	bool root = kauth_cred_issuser(cred);

	if (out->va_uid != (uid_t)VNOVAL && !root &&
	    !(owner && out->va_uid == cur->va_uid))
		return EPERM;
	if (out->va_gid != (gid_t)VNOVAL && !root && !(owner &&
	    (out->va_gid == cur->va_gid || kauth_cred_groupmember(cred, out->va_gid))))
		return EPERM;
	pol_chown_kill_sxid(cur, out, cred);
	return 0;
}

/*
 * setattr: size (EISDIR, EINVAL, EACCES), chown (root; an owner may
 * change the group to one of its own), chmod (owner or root; S_ISGID
 * dropped for a non-member), times (owner or root; "now" also with
 * write access).  *out is what the file system is asked to apply.
 */
int
vpol_setattr(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred,
    struct vattr *out)
{
	struct vattr cur;
	bool root = kauth_cred_issuser(cred), owner;
	int error;

	*out = *vap;
	if (vap->va_size != VNOVAL && (error = pol_setsize(vp, vap, cred)) != 0)
		return error;
	if (vpol_rofs(vp))
		return EROFS;
	if ((error = pol_getattr(vp, &cur, cred)) != 0)
		return error;
	owner = kauth_cred_geteuid(cred) == cur.va_uid;
	/* A size change by non-root drops set-id bits (Linux's do_truncate). */
	if (vap->va_size != VNOVAL && vap->va_mode == (mode_t)VNOVAL &&
	    vpol_killpriv_mode(&cur, cred) != (cur.va_mode & 07777))
		out->va_mode = vpol_killpriv_mode(&cur, cred);
	if (vap->va_uid != (uid_t)VNOVAL || vap->va_gid != (gid_t)VNOVAL) {
		if ((error = pol_chown(&cur, out, cred, owner)) != 0)
			return error;
	}
	if (vap->va_mode != (mode_t)VNOVAL) {
		gid_t gid = out->va_gid != (gid_t)VNOVAL ? out->va_gid : cur.va_gid;

		if (!root && !owner)
			return EPERM;
		out->va_mode &= 07777;
		if (!root && !kauth_cred_groupmember(cred, gid))
			out->va_mode &= ~(mode_t)S_ISGID;
	}
	if (vap->va_atime.tv_sec != VNOVAL || vap->va_mtime.tv_sec != VNOVAL) {
		if (!root && !owner) {
			if ((vap->va_vaflags & VA_UTIMES_NULL) == 0)
				return EPERM;
			if ((error = vp->v_op->vop_access(vp, VWRITE, cred)) != 0)
				return error;
		}
	}
	return 0;
}

mode_t
vpol_killpriv_mode(const struct vattr *cur, kauth_cred_t cred)
{
	mode_t mode = cur->va_mode & 07777;

	if (cur->va_type != VREG || kauth_cred_issuser(cred))
		return mode;
	mode &= ~(mode_t)S_ISUID;
	if ((mode & S_ISGID) != 0 && ((mode & S_IXGRP) != 0 ||
	    !kauth_cred_groupmember(cred, cur->va_gid)))
		mode &= ~(mode_t)S_ISGID;
	return mode;
}

/* Before a write (vp E): drop set-id bits as Linux's file_remove_privs. */
int
vpol_killpriv(struct vnode *vp, kauth_cred_t cred)
{
	struct vattr cur, va;
	mode_t mode;
	int error;

	if (vp->v_type != VREG || kauth_cred_issuser(cred))
		return 0;
	if ((error = pol_getattr(vp, &cur, cred)) != 0)
		return error;
	mode = vpol_killpriv_mode(&cur, cred);
	if (mode == (cur.va_mode & 07777))
		return 0;
	vattr_null(&va);
	va.va_mode = mode;
	return vp->v_op->vop_setattr(vp, &va, cred);
}
