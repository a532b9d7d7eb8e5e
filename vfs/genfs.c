/* genfs.c: default vnode ops for file systems: EOPNOTSUPP, success-doing-nothing, and access from getattr. */
#include "genfs.h"
#include "mount.h"

int genfs_eopnotsupp_create(struct vnode *dvp __unused, struct vnode **vpp __unused,
    const struct componentname *cnp __unused, const struct vattr *vap __unused)
{ return EOPNOTSUPP; }
int genfs_eopnotsupp_mknod(struct vnode *dvp __unused, struct vnode **vpp __unused,
    const struct componentname *cnp __unused, const struct vattr *vap __unused)
{ return EOPNOTSUPP; }
int genfs_eopnotsupp_mkdir(struct vnode *dvp __unused, struct vnode **vpp __unused,
    const struct componentname *cnp __unused, const struct vattr *vap __unused)
{ return EOPNOTSUPP; }
int genfs_eopnotsupp_symlink(struct vnode *dvp __unused, struct vnode **vpp __unused,
    const struct componentname *cnp __unused, const struct vattr *vap __unused,
    const char *target __unused)
{ return EOPNOTSUPP; }
int genfs_eopnotsupp_setattr(struct vnode *vp __unused, const struct vattr *vap __unused,
    kauth_cred_t cred __unused)
{ return EOPNOTSUPP; }
int genfs_eopnotsupp_write(struct vnode *vp __unused, struct uio *uio __unused,
    int ioflag __unused, kauth_cred_t cred __unused)
{ return EOPNOTSUPP; }
int genfs_eopnotsupp_fallocate(struct vnode *vp __unused, off_t off __unused,
    off_t len __unused, int flags __unused, kauth_cred_t cred __unused)
{ return EOPNOTSUPP; }
int genfs_eopnotsupp_remove(struct vnode *dvp __unused, struct vnode *vp __unused,
    const struct componentname *cnp __unused)
{ return EOPNOTSUPP; }
int genfs_eopnotsupp_link(struct vnode *dvp __unused, struct vnode *vp __unused,
    const struct componentname *cnp __unused)
{ return EOPNOTSUPP; }
int genfs_eopnotsupp_rename(struct vnode *fdvp __unused, struct vnode *fvp __unused,
    const struct componentname *fcnp __unused, struct vnode *tdvp __unused,
    struct vnode *tvp __unused, const struct componentname *tcnp __unused)
{ return EOPNOTSUPP; }
int genfs_eopnotsupp_rmdir(struct vnode *dvp __unused, struct vnode *vp __unused,
    const struct componentname *cnp __unused)
{ return EOPNOTSUPP; }
int genfs_eopnotsupp_readdir(struct vnode *vp __unused, struct uio *uio __unused,
    kauth_cred_t cred __unused, int *eofp __unused)
{ return EOPNOTSUPP; }
int genfs_eopnotsupp_readlink(struct vnode *vp __unused, struct uio *uio __unused,
    kauth_cred_t cred __unused)
{ return EOPNOTSUPP; }

int genfs_nullop_open(struct vnode *vp __unused, int fflag __unused, kauth_cred_t cred __unused)
{ return 0; }
int genfs_nullop_close(struct vnode *vp __unused, int fflag __unused, kauth_cred_t cred __unused)
{ return 0; }
int genfs_nullop_fsync(struct vnode *vp __unused, kauth_cred_t cred __unused, int flags __unused)
{ return 0; }

/*
 * Called by VOP_ACCESS with the vnode lock held, so the attributes come
 * from the file system's own getattr, not VOP_GETATTR (which would lock).
 */
int
genfs_access(struct vnode *vp, int mode, kauth_cred_t cred)
{
	struct vattr va;
	int error;

	if ((mode & VWRITE) != 0 && vp->v_mount != NULL && vfs_rdonly(vp->v_mount) &&
	    (vp->v_type == VREG || vp->v_type == VDIR || vp->v_type == VLNK))
		return EROFS;
	vattr_null(&va);
	if ((error = vp->v_op->vop_getattr(vp, &va, cred)) != 0)
		return error;
	return vaccess(va.va_type, va.va_mode, va.va_uid, va.va_gid, mode, cred);
}

bool genfs_noprobe(const uint8_t *head __unused, size_t len __unused)
{ return false; }
int genfs_nocheck(const char *devpath __unused, unsigned *nproblemsp __unused)
{ return EOPNOTSUPP; }
int genfs_nofuzzmap(const uint8_t *img __unused, size_t len __unused, struct rump_fuzzmap *map __unused)
{ return EOPNOTSUPP; }

int
genfs_lookup_self(struct vnode *dvp, uint32_t nlink, const struct componentname *cnp,
    struct vnode **vpp, bool *donep)
{
	*donep = false;
	if (dvp->v_type != VDIR)
		return ENOTDIR;
	if (nlink == 0)
		return ENOENT;	/* removed: nothing may be found or made in it */
	if (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.') {
		vref(dvp);
		*vpp = dvp;
		*donep = true;
	}
	return 0;
}

bool
genfs_vtype_creatable(enum vtype type)
{
	switch (type) {
	case VREG: case VDIR: case VLNK: case VCHR: case VBLK: case VFIFO: case VSOCK:
		return true;
	default:
		return false;
	}
}
