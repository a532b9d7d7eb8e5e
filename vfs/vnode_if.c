/* vnode_if.c: the VOP_* calls: vnode locks, read-only and dead checks, permission policy, name cache upkeep. */
#include <unistd.h>	/* SEEK_DATA, SEEK_HOLE: constants only */

#include "vcore_impl.h"
#include "genfs.h"

static bool vdead(struct vnode *vp);
static int vop_create_prep(struct vnode *dvp, const struct componentname *cnp,
    const struct vattr *vap, struct vattr *va);

/* Is vp dead (forced unmount)?  Stable while its vnode lock is held. */
static bool
vdead(struct vnode *vp)
{
	bool dead;

	mutex_enter(&vp->v_interlock);
	dead = vp->v_state == VS_DEAD;
	mutex_exit(&vp->v_interlock);
	return dead;
}

/* Exclusive locks on up to four vnodes, in address order, each once. */
void
vlockset_enter(struct vlockset *ls, struct vnode *a, struct vnode *b,
    struct vnode *c, struct vnode *d)
{
	struct vnode *in[4] = { a, b, c, d };
	int i, j;

	ls->ls_n = 0;
	for (i = 0; i < 4; i++) {
		if (in[i] == NULL)
			continue;
		for (j = 0; j < ls->ls_n && ls->ls_vp[j] != in[i]; j++)
			continue;
		if (j < ls->ls_n)
			continue;
		/* insertion sort by address */
		for (j = ls->ls_n; j > 0 && (uintptr_t)ls->ls_vp[j - 1] > (uintptr_t)in[i]; j--)
			ls->ls_vp[j] = ls->ls_vp[j - 1];
		ls->ls_vp[j] = in[i];
		ls->ls_n++;
	}
	for (i = 0; i < ls->ls_n; i++)
		rw_enter(&ls->ls_vp[i]->v_lock, RW_WRITER);
}

void
vlockset_exit(struct vlockset *ls)
{
	for (int i = ls->ls_n - 1; i >= 0; i--)
		rw_exit(&ls->ls_vp[i]->v_lock);
}

bool
vlockset_dead(struct vlockset *ls)
{
	for (int i = 0; i < ls->ls_n; i++) {
		if (vdead(ls->ls_vp[i]))
			return true;
	}
	return false;
}

int
VOP_LOOKUP(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp)
{
	int error;

	rw_enter(&dvp->v_lock, RW_READER);
	if (vdead(dvp))
		error = ENOENT;
	else if (dvp->v_type != VDIR)
		error = ENOTDIR;
	else if (vpol_isdotdot(cnp) && (dvp->v_vflag & VV_ROOT) != 0) {
		vref(dvp);	/* ".." of a file system's root: itself; namei crosses mounts */
		*vpp = dvp;
		error = 0;
	} else if ((error = dvp->v_op->vop_lookup(dvp, vpp, cnp)) == 0 &&
	    !vpol_isdot(cnp) && !vpol_isdotdot(cnp)) {
		/* Under dvp's lock, so no remove or rename of the name can slip in between. */
		cache_enter(dvp, *vpp, cnp->cn_nameptr, cnp->cn_namelen);
	}
	rw_exit(&dvp->v_lock);
	return error;
}

/* Common checks of create/mknod/mkdir/symlink, with dvp locked exclusive. */
static int
vop_create_prep(struct vnode *dvp, const struct componentname *cnp,
    const struct vattr *vap, struct vattr *va)
{
	int error;

	if (vdead(dvp))
		return ENOENT;
	if (vpol_rofs(dvp))
		return EROFS;
	if (vpol_isdot(cnp) || vpol_isdotdot(cnp))
		return EEXIST;
	if ((error = vpol_may_create(dvp, cnp->cn_cred)) != 0)
		return error;
	return vpol_newattr(dvp, vap, cnp->cn_cred, va);
}

int
VOP_CREATE(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	struct vattr va;
	int error;

	rw_enter(&dvp->v_lock, RW_WRITER);
	if ((error = vop_create_prep(dvp, cnp, vap, &va)) == 0)
		error = dvp->v_op->vop_create(dvp, vpp, cnp, &va);
	rw_exit(&dvp->v_lock);
	return error;
}

int
VOP_MKNOD(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	struct vattr va;
	int error;

	rw_enter(&dvp->v_lock, RW_WRITER);
	error = vop_create_prep(dvp, cnp, vap, &va);
	if (error == 0 && (va.va_type == VCHR || va.va_type == VBLK) &&
	    !kauth_cred_issuser(cnp->cn_cred))
		error = EPERM;
	if (error == 0)
		error = dvp->v_op->vop_mknod(dvp, vpp, cnp, &va);
	rw_exit(&dvp->v_lock);
	return error;
}

int
VOP_MKDIR(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	struct vattr va;
	int error;

	rw_enter(&dvp->v_lock, RW_WRITER);
	if ((error = vop_create_prep(dvp, cnp, vap, &va)) == 0)
		error = dvp->v_op->vop_mkdir(dvp, vpp, cnp, &va);
	rw_exit(&dvp->v_lock);
	return error;
}

int
VOP_SYMLINK(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap, const char *target)
{
	struct vattr va;
	size_t len = strnlen(target, PATH_MAX);
	int error;

	if (len == 0)
		return ENOENT;
	if (len >= PATH_MAX)
		return ENAMETOOLONG;
	rw_enter(&dvp->v_lock, RW_WRITER);
	if ((error = vop_create_prep(dvp, cnp, vap, &va)) == 0)
		error = dvp->v_op->vop_symlink(dvp, vpp, cnp, &va, target);
	rw_exit(&dvp->v_lock);
	return error;
}

/* open, close, access, getattr: shared lock; a dead vnode's deadfs ops answer. */
int
VOP_OPEN(struct vnode *vp, int fflag, kauth_cred_t cred)
{
	int error;

	rw_enter(&vp->v_lock, RW_READER);
	error = vp->v_op->vop_open(vp, fflag, cred);
	rw_exit(&vp->v_lock);
	return error;
}

int
VOP_CLOSE(struct vnode *vp, int fflag, kauth_cred_t cred)
{
	int error;

	rw_enter(&vp->v_lock, RW_READER);
	error = vp->v_op->vop_close(vp, fflag, cred);
	rw_exit(&vp->v_lock);
	return error;
}

int
VOP_ACCESS(struct vnode *vp, int mode, kauth_cred_t cred)
{
	int error;

	rw_enter(&vp->v_lock, RW_READER);
	error = vp->v_op->vop_access(vp, mode, cred);
	rw_exit(&vp->v_lock);
	return error;
}

int
VOP_GETATTR(struct vnode *vp, struct vattr *vap, kauth_cred_t cred)
{
	int error;

	rw_enter(&vp->v_lock, RW_READER);
	vattr_null(vap);
	error = vp->v_op->vop_getattr(vp, vap, cred);
	rw_exit(&vp->v_lock);
	return error;
}

int
VOP_SETATTR(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred)
{
	struct vattr va;
	int error;

	rw_enter(&vp->v_lock, RW_WRITER);
	if (vdead(vp))
		error = EIO;
	else if ((error = vpol_setattr(vp, vap, cred, &va)) == 0)
		error = vp->v_op->vop_setattr(vp, &va, cred);
	rw_exit(&vp->v_lock);
	return error;
}

int
VOP_READ(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	int error;

	rw_enter(&vp->v_lock, RW_READER);
	if (vdead(vp))
		error = EIO;
	else if (vp->v_type == VDIR)
		error = EISDIR;
	else
		error = vp->v_op->vop_read(vp, uio, ioflag, cred);
	rw_exit(&vp->v_lock);
	return error;
}

int
VOP_SEEKDATA(struct vnode *vp, off_t off, int whence, kauth_cred_t cred, off_t *resultp)
{
	struct vattr va;
	int error;

	if (off < 0 || (whence != SEEK_DATA && whence != SEEK_HOLE))
		return EINVAL;
	rw_enter(&vp->v_lock, RW_READER);
	vattr_null(&va);
	if (vdead(vp))
		error = EIO;
	else if ((error = vp->v_op->vop_getattr(vp, &va, cred)) == 0)
		error = genfs_seekdata(vp, off, whence, va.va_size, resultp);
	rw_exit(&vp->v_lock);
	return error;
}

int
VOP_WRITE(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	int error;

	rw_enter(&vp->v_lock, RW_WRITER);
	if (vdead(vp))
		error = EIO;
	else if (vp->v_type == VDIR)
		error = EISDIR;
	else if ((vp->v_type == VREG || vp->v_type == VLNK) && vpol_rofs(vp))
		error = EROFS;
	else if ((error = vpol_killpriv(vp, cred)) == 0)
		error = vp->v_op->vop_write(vp, uio, ioflag, cred);
	rw_exit(&vp->v_lock);
	return error;
}

int
VOP_FALLOCATE(struct vnode *vp, off_t off, off_t len, int flags, kauth_cred_t cred)
{
	off_t end;
	int error;

	if (off < 0 || len <= 0)
		return EINVAL;
	if (flags != 0 && flags != VFALLOC_KEEPSIZE &&
	    flags != (VFALLOC_KEEPSIZE | VFALLOC_PUNCH))
		return EOPNOTSUPP;
	if (__builtin_add_overflow(off, len, &end))
		return EFBIG;
	rw_enter(&vp->v_lock, RW_WRITER);
	if (vdead(vp))
		error = EIO;
	else if (vp->v_type == VDIR)
		error = EISDIR;
	else if (vp->v_type != VREG)
		error = ENODEV;
	else if (vpol_rofs(vp))
		error = EROFS;
	else if ((error = vpol_killpriv(vp, cred)) == 0)
		error = vp->v_op->vop_fallocate(vp, off, len, flags, cred);
	rw_exit(&vp->v_lock);
	return error;
}

int
VOP_FSYNC(struct vnode *vp, kauth_cred_t cred, int flags)
{
	int error;

	rw_enter(&vp->v_lock, RW_WRITER);
	error = vp->v_op->vop_fsync(vp, cred, flags);
	rw_exit(&vp->v_lock);
	return error;
}

/* unlink(2): "." and ".." are EISDIR as on Linux; the name leaves the cache. */
int
VOP_REMOVE(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	struct vlockset ls;
	int error;

	if (vpol_isdot(cnp) || vpol_isdotdot(cnp))
		return EISDIR;
	vlockset_enter(&ls, dvp, vp, NULL, NULL);
	if (vlockset_dead(&ls))
		error = EIO;
	else if (vpol_rofs(dvp))
		error = EROFS;
	else if ((error = vpol_may_delete(dvp, vp, false, cnp->cn_cred)) == 0)
		error = dvp->v_op->vop_remove(dvp, vp, cnp);
	if (error == 0)
		cache_purge_name(dvp, cnp->cn_nameptr, cnp->cn_namelen);
	vlockset_exit(&ls);
	return error;
}

/* link(2): EROFS, EXDEV, protected links, directory permission, no directories. */
int
VOP_LINK(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	struct vlockset ls;
	int error;

	if (vpol_isdot(cnp) || vpol_isdotdot(cnp))
		return EEXIST;
	vlockset_enter(&ls, dvp, vp, NULL, NULL);
	if (vlockset_dead(&ls))
		error = EIO;
	else if (vpol_rofs(dvp))
		error = EROFS;
	else if (vp->v_mount != dvp->v_mount)
		error = EXDEV;
	else if ((error = vpol_may_link(dvp, vp, cnp->cn_cred)) == 0)
		error = dvp->v_op->vop_link(dvp, vp, cnp);
	vlockset_exit(&ls);
	return error;
}

/* rmdir(2): "." EINVAL, ".." ENOTEMPTY, a mount point or root EBUSY. */
int
VOP_RMDIR(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	struct vlockset ls;
	int error;

	if (vpol_isdot(cnp) || vp == dvp)
		return EINVAL;
	if (vpol_isdotdot(cnp))
		return ENOTEMPTY;
	vlockset_enter(&ls, dvp, vp, NULL, NULL);
	if (vlockset_dead(&ls))
		error = EIO;
	else if (vpol_rofs(dvp))
		error = EROFS;
	else if ((error = vpol_may_delete(dvp, vp, true, cnp->cn_cred)) == 0)
		error = dvp->v_op->vop_rmdir(dvp, vp, cnp);
	if (error == 0) {
		cache_purge_name(dvp, cnp->cn_nameptr, cnp->cn_namelen);
		cache_purge(vp);
	}
	vlockset_exit(&ls);
	return error;
}

int
VOP_READDIR(struct vnode *vp, struct uio *uio, kauth_cred_t cred, int *eofp)
{
	int error;

	rw_enter(&vp->v_lock, RW_READER);
	if (vdead(vp))
		error = EIO;
	else if (vp->v_type != VDIR)
		error = ENOTDIR;
	else
		error = vp->v_op->vop_readdir(vp, uio, cred, eofp);
	rw_exit(&vp->v_lock);
	return error;
}

int
VOP_READLINK(struct vnode *vp, struct uio *uio, kauth_cred_t cred)
{
	int error;

	rw_enter(&vp->v_lock, RW_READER);
	if (vdead(vp))
		error = EIO;
	else if (vp->v_type != VLNK)
		error = EINVAL;
	else
		error = vp->v_op->vop_readlink(vp, uio, cred);
	rw_exit(&vp->v_lock);
	return error;
}

#define VOPSLOT(name)	{ #name, offsetof(struct vnodeops, vop_##name) }

int
vnodeops_check(const struct vnodeops *ops)
{
	static const struct { const char *name; size_t off; } slots[] = {
		VOPSLOT(lookup), VOPSLOT(create), VOPSLOT(mknod), VOPSLOT(mkdir),
		VOPSLOT(symlink), VOPSLOT(open), VOPSLOT(close), VOPSLOT(access),
		VOPSLOT(getattr), VOPSLOT(setattr), VOPSLOT(read), VOPSLOT(write),
		VOPSLOT(fsync), VOPSLOT(remove), VOPSLOT(link), VOPSLOT(rename),
		VOPSLOT(rmdir), VOPSLOT(readdir), VOPSLOT(readlink),
		VOPSLOT(extent), VOPSLOT(fallocate),
		VOPSLOT(inactive), VOPSLOT(reclaim),
	};
	const char *fs = ops->vop_fsname != NULL ? ops->vop_fsname : "(unnamed)";

	for (size_t i = 0; i < __arraycount(slots); i++) {
		void *fn;

		memcpy(&fn, (const char *)ops + slots[i].off, sizeof(fn));
		if (fn == NULL) {
			kprintf("vnodeops: %s: vop_%s is NULL\n", fs, slots[i].name);
			return EINVAL;
		}
	}
	if (ops->vop_fsname == NULL) {
		kprintf("vnodeops: table without vop_fsname\n");
		return EINVAL;
	}
	return 0;
}
