/* deadfs.c: the ops of a vnode whose file system was unmounted by force: everything fails but close. */
#include "vcore_impl.h"

static int dead_lookup(struct vnode *dvp __unused, struct vnode **vpp __unused,
    const struct componentname *cnp __unused) { return ENOENT; }
static int dead_create(struct vnode *dvp __unused, struct vnode **vpp __unused,
    const struct componentname *cnp __unused, const struct vattr *vap __unused) { return EIO; }
static int dead_symlink(struct vnode *dvp __unused, struct vnode **vpp __unused,
    const struct componentname *cnp __unused, const struct vattr *vap __unused,
    const char *target __unused) { return EIO; }
static int dead_open(struct vnode *vp __unused, int fflag __unused,
    kauth_cred_t cred __unused) { return EIO; }
static int dead_close(struct vnode *vp __unused, int fflag __unused,
    kauth_cred_t cred __unused) { return 0; }
static int dead_access(struct vnode *vp __unused, int mode __unused,
    kauth_cred_t cred __unused) { return EIO; }
static int dead_getattr(struct vnode *vp __unused, struct vattr *vap __unused,
    kauth_cred_t cred __unused) { return EIO; }
static int dead_setattr(struct vnode *vp __unused, const struct vattr *vap __unused,
    kauth_cred_t cred __unused) { return EIO; }
static int dead_rdwr(struct vnode *vp __unused, struct uio *uio __unused,
    int ioflag __unused, kauth_cred_t cred __unused) { return EIO; }
static int dead_fsync(struct vnode *vp __unused, kauth_cred_t cred __unused,
    int flags __unused) { return EIO; }
static int dead_remove(struct vnode *dvp __unused, struct vnode *vp __unused,
    const struct componentname *cnp __unused) { return EIO; }
static int dead_rename(struct vnode *fdvp __unused, struct vnode *fvp __unused,
    const struct componentname *fcnp __unused, struct vnode *tdvp __unused,
    struct vnode *tvp __unused, const struct componentname *tcnp __unused) { return EIO; }
static int dead_readdir(struct vnode *vp __unused, struct uio *uio __unused,
    kauth_cred_t cred __unused, int *eofp __unused) { return EIO; }
static int dead_readlink(struct vnode *vp __unused, struct uio *uio __unused,
    kauth_cred_t cred __unused) { return EIO; }
static int dead_extent(struct vnode *vp __unused, off_t off __unused, bool *datap __unused,
    off_t *endp __unused) { return EIO; }
static int dead_fallocate(struct vnode *vp __unused, off_t off __unused, off_t len __unused,
    int flags __unused, kauth_cred_t cred __unused) { return EIO; }
static int dead_inactive(struct vnode *vp __unused, bool *recyclep) { *recyclep = false; return 0; }
static int dead_reclaim(struct vnode *vp __unused, int flags __unused) { return 0; }

const struct vnodeops deadfs_vnodeops = {
	.vop_fsname	= "dead",
	.vop_lookup	= dead_lookup,
	.vop_create	= dead_create,
	.vop_mknod	= dead_create,
	.vop_mkdir	= dead_create,
	.vop_symlink	= dead_symlink,
	.vop_open	= dead_open,
	.vop_close	= dead_close,
	.vop_access	= dead_access,
	.vop_getattr	= dead_getattr,
	.vop_setattr	= dead_setattr,
	.vop_read	= dead_rdwr,
	.vop_write	= dead_rdwr,
	.vop_fsync	= dead_fsync,
	.vop_remove	= dead_remove,
	.vop_link	= dead_remove,
	.vop_rename	= dead_rename,
	.vop_rmdir	= dead_remove,
	.vop_readdir	= dead_readdir,
	.vop_readlink	= dead_readlink,
	.vop_extent	= dead_extent,
	.vop_fallocate	= dead_fallocate,
	.vop_inactive	= dead_inactive,
	.vop_reclaim	= dead_reclaim,
};
