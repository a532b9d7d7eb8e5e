/* p2k_name.c: requests on names: lookup, forget, mknod, mkdir, symlink, link, unlink, rmdir, rename. */
#include "p2k_impl.h"
#include <stdio.h>	/* RENAME_NOREPLACE */

static int p2k_make(struct p2k_mount *pm, fuse_ino_t parent, const char *name,
    enum vtype type, mode_t mode, dev_t rdev, const char *target, kauth_cred_t cred,
    struct fuse_entry_param *e);
static void p2k_make_req(fuse_req_t req, fuse_ino_t parent, const char *name,
    enum vtype type, mode_t mode, dev_t rdev, const char *target);
static int p2k_rename_vp(struct vnode *fdvp, const char *name, struct vnode *tdvp,
    const char *newname, unsigned int flags, kauth_cred_t cred);

void
p2k_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct fuse_entry_param e;
	struct vnode *dvp, *vp;
	kauth_cred_t cred;
	int error;

	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if ((error = p2k_node_get(pm, parent, &dvp)) == 0) {
		error = p2k_lookup_vp(dvp, name, LOOKUP, cred, &vp);
		vrele(dvp);
	}
	if (error == 0)
		error = p2k_entry(pm, vp, cred, &e);
	p2k_leave();
	if (error == ENOENT && pm->pm_negative_timeout > 0) {
		/* Only this daemon changes the fs, so the host may remember absences. */
		memset(&e, 0, sizeof(e));
		e.entry_timeout = pm->pm_negative_timeout;
		fuse_reply_entry(req, &e);
		return;
	}
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else
		p2k_reply_entry(req, pm, &e);
}

void
p2k_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct p2k_mount *pm = fuse_req_userdata(req);

	rump_schedule();
	p2k_node_forget(pm, ino, nlookup);
	rump_unschedule();
	fuse_reply_none(req);
}

void
p2k_op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	struct p2k_mount *pm = fuse_req_userdata(req);

	rump_schedule();
	for (size_t i = 0; i < count; i++)
		p2k_node_forget(pm, forgets[i].ino, forgets[i].nlookup);
	rump_unschedule();
	fuse_reply_none(req);
}

/* create-like ops: the VFS picks owner and group (VNOVAL) and checks the directory. */
static int
p2k_make_vp(struct p2k_mount *pm, struct vnode *dvp, const char *name, enum vtype type,
    mode_t mode, dev_t rdev, const char *target, kauth_cred_t cred,
    struct fuse_entry_param *e)
{
	struct vnode *vp;
	struct componentname cn;
	struct vattr va;
	int error;

	if (strlen(name) > NAME_MAX)
		return ENAMETOOLONG;
	if ((error = VOP_ACCESS(dvp, VEXEC, cred)) != 0)
		return error;
	vattr_null(&va);
	va.va_type = type;
	va.va_mode = mode & 07777;
	if (type == VCHR || type == VBLK)
		va.va_rdev = rdev;
	p2k_cn_init(&cn, name, CREATE, cred);
	switch (type) {
	case VDIR:
		error = VOP_MKDIR(dvp, &vp, &cn, &va);
		break;
	case VLNK:
		error = VOP_SYMLINK(dvp, &vp, &cn, &va, target);
		break;
	case VREG:
		error = VOP_CREATE(dvp, &vp, &cn, &va);
		break;
	case VBAD:
	case VNON:
		return EINVAL;
	default:
		error = VOP_MKNOD(dvp, &vp, &cn, &va);
		break;
	}
	if (error != 0)
		return error;
	return p2k_entry(pm, vp, cred, e);
}

static int
p2k_make(struct p2k_mount *pm, fuse_ino_t parent, const char *name, enum vtype type,
    mode_t mode, dev_t rdev, const char *target, kauth_cred_t cred,
    struct fuse_entry_param *e)
{
	struct vnode *dvp;
	int error;

	if ((error = p2k_node_get(pm, parent, &dvp)) != 0)
		return error;
	error = p2k_make_vp(pm, dvp, name, type, mode, rdev, target, cred, e);
	vrele(dvp);
	return error;
}

static void
p2k_make_req(fuse_req_t req, fuse_ino_t parent, const char *name, enum vtype type,
    mode_t mode, dev_t rdev, const char *target)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct fuse_entry_param e;
	kauth_cred_t cred;
	int error;

	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	error = p2k_make(pm, parent, name, type, mode, rdev, target, cred, &e);
	p2k_leave();
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else
		p2k_reply_entry(req, pm, &e);
}

void
p2k_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
	enum vtype type = ifmt_to_vtype(mode & S_IFMT);

	if ((mode & S_IFMT) == 0)
		type = VREG;	/* mknod(2) with no type makes a regular file */
	p2k_make_req(req, parent, name, type, mode, rdev, NULL);
}

void
p2k_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	p2k_make_req(req, parent, name, VDIR, mode, 0, NULL);
}

void
p2k_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	p2k_make_req(req, parent, name, VLNK, 0777, 0, link);
}

void
p2k_op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct vnode *vp, *dvp;
	struct fuse_entry_param e;
	struct componentname cn;
	kauth_cred_t cred;
	int error;

	if (strlen(newname) > NAME_MAX) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if ((error = p2k_node_get(pm, ino, &vp)) != 0)
		goto out_leave;
	if ((error = p2k_node_get(pm, newparent, &dvp)) != 0) {
		vrele(vp);
		goto out_leave;
	}
	p2k_cn_init(&cn, newname, CREATE, cred);
	if (vp->v_type == VDIR)
		error = EPERM;	/* link(2) on a directory */
	else if ((error = VOP_ACCESS(dvp, VEXEC, cred)) == 0 &&
	    (error = VOP_LINK(dvp, vp, &cn)) == 0) {
		vref(vp);
		error = p2k_entry(pm, vp, cred, &e);
	}
	vrele(dvp);
	vrele(vp);
out_leave:
	p2k_leave();
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else
		p2k_reply_entry(req, pm, &e);
}

/* unlink (dir false) and rmdir (dir true). */
static void
p2k_remove_req(fuse_req_t req, fuse_ino_t parent, const char *name, bool dir)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct componentname cn;
	struct vnode *dvp, *vp;
	kauth_cred_t cred;
	int error;

	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if ((error = p2k_node_get(pm, parent, &dvp)) != 0)
		goto out_leave;
	if ((error = p2k_lookup_vp(dvp, name, DELETE, cred, &vp)) != 0)
		goto out_dvp;
	p2k_cn_init(&cn, name, DELETE, cred);
	if (dir)
		error = vp->v_type != VDIR ? ENOTDIR : VOP_RMDIR(dvp, vp, &cn);
	else
		error = vp->v_type == VDIR ? EISDIR : VOP_REMOVE(dvp, vp, &cn);
	vrele(vp);
out_dvp:
	vrele(dvp);
out_leave:
	p2k_leave();
out:
	fuse_reply_err(req, error);
}

void
p2k_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	p2k_remove_req(req, parent, name, false);
}

void
p2k_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	p2k_remove_req(req, parent, name, true);
}

/* rename(2)'s checks before VOP_RENAME (as sys_rename), then the rename. */
static int
p2k_rename_vp(struct vnode *fdvp, const char *name, struct vnode *tdvp,
    const char *newname, unsigned int flags, kauth_cred_t cred)
{
	struct componentname fcn, tcn;
	struct vnode *fvp, *tvp = NULL;
	int error;

	if ((error = p2k_lookup_vp(fdvp, name, DELETE, cred, &fvp)) != 0)
		return error;
	error = p2k_lookup_vp(tdvp, newname, RENAME, cred, &tvp);
	if (error == ENOENT) {
		tvp = NULL;
		error = 0;
	}
	if (error != 0)
		goto out_fvp;
	if (tvp != NULL && (flags & RENAME_NOREPLACE))
		error = EEXIST;
	else if (tvp != NULL && fvp->v_type == VDIR && tvp->v_type != VDIR)
		error = ENOTDIR;
	else if (tvp != NULL && fvp->v_type != VDIR && tvp->v_type == VDIR)
		error = EISDIR;
	else if ((fvp->v_vflag & VV_ROOT) || (tvp != NULL && (tvp->v_vflag & VV_ROOT)))
		error = EBUSY;
	else if (fvp != tvp) {
		p2k_cn_init(&fcn, name, DELETE, cred);
		p2k_cn_init(&tcn, newname, RENAME, cred);
		error = VOP_RENAME(fdvp, fvp, &fcn, tdvp, tvp, &tcn);
	}
	if (tvp != NULL)
		vrele(tvp);
out_fvp:
	vrele(fvp);
	return error;
}

void
p2k_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
    fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct vnode *fdvp, *tdvp;
	kauth_cred_t cred;
	int error;

	/* RENAME_EXCHANGE and RENAME_WHITEOUT are not provided. */
	if ((flags & ~(unsigned)RENAME_NOREPLACE) != 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if ((error = p2k_node_get(pm, parent, &fdvp)) == 0) {
		if ((error = p2k_node_get(pm, newparent, &tdvp)) == 0) {
			error = p2k_rename_vp(fdvp, name, tdvp, newname, flags, cred);
			vrele(tdvp);
		}
		vrele(fdvp);
	}
	p2k_leave();
out:
	fuse_reply_err(req, error);
}
