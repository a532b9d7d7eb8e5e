/* rumpfs_vnops.c: rumpfs vnode operations and the ops table. */
#include <sys/stat.h>

#include "rumpfs.h"
#include "dirent.h"
#include "genfs.h"
#include "namei.h"

static int	rumpfs_lookup(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp);
static int	rumpfs_create(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
		    const struct vattr *vap);
static int	rumpfs_mknod(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
		    const struct vattr *vap);
static int	rumpfs_mkdir(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
		    const struct vattr *vap);
static int	rumpfs_symlink(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
		    const struct vattr *vap, const char *target);
static int	rumpfs_getattr(struct vnode *vp, struct vattr *vap, kauth_cred_t cred);
static int	rumpfs_setattr(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred);
static int	rumpfs_read(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred);
static int	rumpfs_write(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred);
static int	rumpfs_remove(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp);
static int	rumpfs_link(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp);
static int	rumpfs_rename(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
		    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp);
static int	rumpfs_rmdir(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp);
static int	rumpfs_readdir(struct vnode *vp, struct uio *uio, kauth_cred_t cred, int *eofp);
static int	rumpfs_readlink(struct vnode *vp, struct uio *uio, kauth_cred_t cred);
static int	rumpfs_extent(struct vnode *vp, off_t off, bool *datap, off_t *endp);
static int	rumpfs_fallocate(struct vnode *vp, off_t off, off_t len, int flags,
		    kauth_cred_t cred);
static int	rumpfs_inactive(struct vnode *vp, bool *recyclep);
static int	rumpfs_reclaim(struct vnode *vp, int flags);

static int	make_node(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
		    const struct vattr *vap, enum vtype type, const char *target);
static int	copy_target(struct rumpfs_mount *rm, const char *target, char **copyp,
		    size_t *lenp);
static int	rename_check_target(struct rumpfs_node *tdn, struct rumpfs_node *fn,
		    struct rumpfs_node *tn, const struct componentname *tcnp,
		    struct rumpfs_dirent **tdep);
static void	rename_replace(struct rumpfs_mount *rm, struct rumpfs_node *tdn,
		    struct rumpfs_dirent *tde, struct rumpfs_node *fn, struct rumpfs_node *tn);

static inline struct rumpfs_mount *
VTORM(struct vnode *vp)
{
	return VFSTORUMPFS(vp->v_mount);
}

static inline bool
want_atime(struct vnode *vp, int ioflag)
{
	return !(ioflag & IO_NOATIME) && !(vp->v_mount->mnt_flag & MNT_NOATIME);
}

static inline struct rumpfs_dirent *
dir_find(struct rumpfs_node *dn, const struct componentname *cnp)
{
	return rumpfs_dir_lookup(&dn->rn_dir, cnp->cn_nameptr, cnp->cn_namelen);
}

static int
rumpfs_lookup(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp)
{
	struct rumpfs_node *dn = VTORN(dvp);
	struct rumpfs_dirent *de;

	if (dn->rn_type != VDIR)
		return ENOTDIR;
	if (dn->rn_nlink == 0)
		return ENOENT;	/* removed: not even "." is there */
	if (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.') {
		vref(dvp);
		*vpp = dvp;
		return 0;
	}
	if ((cnp->cn_flags & ISDOTDOT) ||
	    (cnp->cn_namelen == 2 && memcmp(cnp->cn_nameptr, "..", 2) == 0))
		return vcache_get(dvp->v_mount, dn->rn_dir.dir_parent, vpp);
	de = dir_find(dn, cnp);
	if (de == NULL)
		return ENOENT;
	return vcache_get(dvp->v_mount, de->de_ino, vpp);
}

/* Copy a symlink target (1..PATH_MAX-1 bytes). */
static int
copy_target(struct rumpfs_mount *rm, const char *target, char **copyp, size_t *lenp)
{
	size_t len = strnlen(target, PATH_MAX);

	if (len == 0)
		return ENOENT;
	if (len >= PATH_MAX)
		return ENAMETOOLONG;
	*copyp = rumpfs_alloc(rm, len + 1);
	if (*copyp == NULL)
		return ENOSPC;
	memcpy(*copyp, target, len);
	*lenp = len;
	return 0;
}

/*
 * The body of create, mknod, mkdir and symlink: every allocation is made
 * before the directory changes, so a failure leaves nothing behind.
 */
static int
make_node(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap, enum vtype type, const char *target)
{
	struct rumpfs_mount *rm = VTORM(dvp);
	struct rumpfs_node *dn = VTORN(dvp), *rn;
	struct rumpfs_dirent *de;
	struct vattr va = *vap;
	struct vnode *vp;
	char *copy = NULL;
	size_t tlen = 0;
	int error;

	if (dn->rn_type != VDIR)
		return ENOTDIR;
	if (dn->rn_nlink == 0)
		return ENOENT;
	if (dir_find(dn, cnp) != NULL)
		return EEXIST;
	if (type == VDIR && dn->rn_nlink >= RUMPFS_LINK_MAX)
		return EMLINK;
	if (target != NULL && (error = copy_target(rm, target, &copy, &tlen)) != 0)
		return error;
	error = rumpfs_dirent_alloc(rm, cnp->cn_nameptr, cnp->cn_namelen, &de);
	if (error)
		goto out_target;
	va.va_type = type;
	error = vcache_new(dvp->v_mount, dvp, &va, cnp->cn_cred, &vp);
	if (error) {
		if (error == ENOMEM)
			error = ENOSPC;
		goto out_dirent;
	}

	rn = VTORN(vp);
	rn->rn_nlink = 1;
	if (type == VDIR) {
		rn->rn_dir.dir_parent = dn->rn_ino;
		rn->rn_nlink = 2;
		dn->rn_nlink++;
	} else if (type == VLNK) {
		rn->rn_target = copy;
		rn->rn_size = (off_t)tlen;
	}
	rumpfs_dir_insert(rm, &dn->rn_dir, de, rn->rn_ino, type);
	rumpfs_node_touch(rm, dn, RUMPFS_MTIME | RUMPFS_CTIME);
	*vpp = vp;
	return 0;

out_dirent:
	rumpfs_dirent_free(rm, de);
out_target:
	if (copy != NULL)
		rumpfs_free(rm, copy, tlen + 1);
	return error;
}

static int
rumpfs_create(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	return make_node(dvp, vpp, cnp, vap, VREG, NULL);
}

static int
rumpfs_mknod(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	switch (vap->va_type) {
	case VREG: case VCHR: case VBLK: case VFIFO: case VSOCK:
		return make_node(dvp, vpp, cnp, vap, vap->va_type, NULL);
	default:
		return EINVAL;
	}
}

static int
rumpfs_mkdir(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	return make_node(dvp, vpp, cnp, vap, VDIR, NULL);
}

static int
rumpfs_symlink(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap, const char *target)
{
	return make_node(dvp, vpp, cnp, vap, VLNK, target);
}

static int
rumpfs_getattr(struct vnode *vp, struct vattr *vap, kauth_cred_t cred)
{
	(void)cred;
	rumpfs_node_getattr(VTORM(vp), VTORN(vp), vap);
	return 0;
}

static int
rumpfs_setattr(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred)
{
	return rumpfs_node_setattr(VTORM(vp), VTORN(vp), vap, cred);
}

static int
rumpfs_read(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	struct rumpfs_node *rn = VTORN(vp);
	int error;

	(void)cred;
	if (rn->rn_type != VREG)
		return rn->rn_type == VDIR ? EISDIR : EOPNOTSUPP;
	if (uio->uio_offset < 0)
		return EINVAL;
	error = rumpfs_data_read(rn, uio);
	if (want_atime(vp, ioflag))
		rumpfs_node_touch(VTORM(vp), rn, RUMPFS_ATIME);
	return error;
}

/*
 * Write, bounded by the maximum file size (EFBIG past it, after writing
 * what fits below it) and by memory (ENOSPC, after writing what fit).
 */
static int
rumpfs_write(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred)
{
	struct rumpfs_mount *rm = VTORM(vp);
	struct rumpfs_node *rn = VTORN(vp);
	size_t excess = 0, resid;
	bool written;
	int error;

	(void)cred;
	if (rn->rn_type != VREG)
		return rn->rn_type == VDIR ? EISDIR : EOPNOTSUPP;
	if (ioflag & IO_APPEND)
		uio->uio_offset = rn->rn_size;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (uio->uio_resid == 0)
		return 0;
	if (uio->uio_offset >= RUMPFS_MAXFILESIZE)
		return EFBIG;
	if (uio->uio_resid > (uint64_t)(RUMPFS_MAXFILESIZE - uio->uio_offset)) {
		excess = uio->uio_resid - (size_t)(RUMPFS_MAXFILESIZE - uio->uio_offset);
		uio->uio_resid -= excess;
	}
	resid = uio->uio_resid;
	error = rumpfs_data_write(rm, rn, uio);
	written = uio->uio_resid != resid;
	uio->uio_resid += excess;
	if (error == 0 && excess != 0)
		error = EFBIG;
	/* Set-id bits are dropped by the VFS before the write (vpol_killpriv). */
	if (written)
		rumpfs_node_touch(rm, rn, RUMPFS_MTIME | RUMPFS_CTIME);
	return error;
}

static int
rumpfs_remove(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	struct rumpfs_mount *rm = VTORM(dvp);
	struct rumpfs_node *dn = VTORN(dvp), *rn = VTORN(vp);
	struct rumpfs_dirent *de;

	if (rn->rn_type == VDIR)
		return EPERM;
	de = dir_find(dn, cnp);
	if (de == NULL || de->de_ino != rn->rn_ino)
		return ENOENT;
	rumpfs_dir_detach(&dn->rn_dir, de);
	rumpfs_dirent_free(rm, de);
	KASSERT(rn->rn_nlink > 0);
	rn->rn_nlink--;
	rumpfs_node_touch(rm, rn, RUMPFS_CTIME);
	rumpfs_node_touch(rm, dn, RUMPFS_MTIME | RUMPFS_CTIME);
	return 0;
}

static int
rumpfs_link(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	struct rumpfs_mount *rm = VTORM(dvp);
	struct rumpfs_node *dn = VTORN(dvp), *rn = VTORN(vp);
	struct rumpfs_dirent *de;
	int error;

	if (rn->rn_type == VDIR)
		return EPERM;
	if (dn->rn_type != VDIR)
		return ENOTDIR;
	if (dn->rn_nlink == 0 || rn->rn_nlink == 0)
		return ENOENT;
	if (rn->rn_nlink >= RUMPFS_LINK_MAX)
		return EMLINK;
	if (dir_find(dn, cnp) != NULL)
		return EEXIST;
	error = rumpfs_dirent_alloc(rm, cnp->cn_nameptr, cnp->cn_namelen, &de);
	if (error)
		return error;
	rumpfs_dir_insert(rm, &dn->rn_dir, de, rn->rn_ino, rn->rn_type);
	rn->rn_nlink++;
	rumpfs_node_touch(rm, rn, RUMPFS_CTIME);
	rumpfs_node_touch(rm, dn, RUMPFS_MTIME | RUMPFS_CTIME);
	return 0;
}

/*
 * Check the rename target before anything changes: the entry that names
 * tn, or (tn NULL) a new entry allocated for the name.
 */
static int
rename_check_target(struct rumpfs_node *tdn, struct rumpfs_node *fn, struct rumpfs_node *tn,
    const struct componentname *tcnp, struct rumpfs_dirent **tdep)
{
	struct rumpfs_dirent *tde = dir_find(tdn, tcnp);

	if (tn == NULL) {
		if (tde != NULL)
			return EEXIST;
		*tdep = NULL;
		return 0;
	}
	if (tde == NULL || tde->de_ino != tn->rn_ino)
		return ENOENT;
	if (tn->rn_type == VDIR) {
		if (fn->rn_type != VDIR)
			return EISDIR;
		if (tn->rn_dir.dir_count > 0)
			return ENOTEMPTY;
	} else if (fn->rn_type == VDIR) {
		return ENOTDIR;
	}
	*tdep = tde;
	return 0;
}

/* The entry tde that named tn now names fn; tn loses that link. */
static void
rename_replace(struct rumpfs_mount *rm, struct rumpfs_node *tdn, struct rumpfs_dirent *tde,
    struct rumpfs_node *fn, struct rumpfs_node *tn)
{
	tde->de_ino = fn->rn_ino;
	tde->de_type = fn->rn_type;
	if (tn->rn_type == VDIR) {
		tn->rn_nlink = 0;	/* its name and its "." */
		tdn->rn_nlink--;	/* its ".." */
	} else {
		tn->rn_nlink--;
	}
	rumpfs_node_touch(rm, tn, RUMPFS_CTIME);
}

static int
rumpfs_rename(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp)
{
	struct rumpfs_mount *rm = VTORM(fdvp);
	struct rumpfs_node *fdn = VTORN(fdvp), *fn = VTORN(fvp), *tdn = VTORN(tdvp);
	struct rumpfs_node *tn = tvp != NULL ? VTORN(tvp) : NULL;
	struct rumpfs_dirent *fde, *tde;
	bool moving_dir = fn->rn_type == VDIR && fdn != tdn;
	int error;

	if (fvp == tvp)
		return 0;	/* two names of one file: POSIX says do nothing */
	fde = dir_find(fdn, fcnp);
	if (fde == NULL || fde->de_ino != fn->rn_ino || tdn->rn_nlink == 0)
		return ENOENT;
	error = rename_check_target(tdn, fn, tn, tcnp, &tde);
	if (error)
		return error;
	if (tde == NULL) {
		if (moving_dir && tdn->rn_nlink >= RUMPFS_LINK_MAX)
			return EMLINK;
		error = rumpfs_dirent_alloc(rm, tcnp->cn_nameptr, tcnp->cn_namelen, &tde);
		if (error)
			return error;
		rumpfs_dir_insert(rm, &tdn->rn_dir, tde, fn->rn_ino, fn->rn_type);
	} else {
		rename_replace(rm, tdn, tde, fn, tn);
	}
	rumpfs_dir_detach(&fdn->rn_dir, fde);
	rumpfs_dirent_free(rm, fde);
	if (moving_dir) {
		fdn->rn_nlink--;
		tdn->rn_nlink++;
		fn->rn_dir.dir_parent = tdn->rn_ino;
	}
	rumpfs_node_touch(rm, fn, RUMPFS_CTIME);
	rumpfs_node_touch(rm, fdn, RUMPFS_MTIME | RUMPFS_CTIME);
	if (tdn != fdn)
		rumpfs_node_touch(rm, tdn, RUMPFS_MTIME | RUMPFS_CTIME);
	return 0;
}

static int
rumpfs_rmdir(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	struct rumpfs_mount *rm = VTORM(dvp);
	struct rumpfs_node *dn = VTORN(dvp), *rn = VTORN(vp);
	struct rumpfs_dirent *de;

	if (rn->rn_type != VDIR)
		return ENOTDIR;
	if (dvp == vp)
		return EINVAL;
	if (rn->rn_dir.dir_count > 0)
		return ENOTEMPTY;
	de = dir_find(dn, cnp);
	if (de == NULL || de->de_ino != rn->rn_ino)
		return ENOENT;
	rumpfs_dir_detach(&dn->rn_dir, de);
	rumpfs_dirent_free(rm, de);
	dn->rn_nlink--;
	rn->rn_nlink = 0;
	rumpfs_node_touch(rm, rn, RUMPFS_CTIME);
	rumpfs_node_touch(rm, dn, RUMPFS_MTIME | RUMPFS_CTIME);
	return 0;
}

static int
rumpfs_readdir(struct vnode *vp, struct uio *uio, kauth_cred_t cred, int *eofp)
{
	struct rumpfs_node *rn = VTORN(vp);
	int error;

	(void)cred;
	*eofp = 0;
	if (rn->rn_type != VDIR)
		return ENOTDIR;
	error = rumpfs_dir_readdir(rn, uio, eofp);
	if (want_atime(vp, 0))
		rumpfs_node_touch(VTORM(vp), rn, RUMPFS_ATIME);
	return error;
}

static int
rumpfs_readlink(struct vnode *vp, struct uio *uio, kauth_cred_t cred)
{
	struct rumpfs_node *rn = VTORN(vp);
	int error;

	(void)cred;
	if (rn->rn_type != VLNK)
		return EINVAL;
	error = uiomove(rn->rn_target, MIN((size_t)rn->rn_size, uio->uio_resid), uio);
	if (want_atime(vp, 0))
		rumpfs_node_touch(VTORM(vp), rn, RUMPFS_ATIME);
	return error;
}

static int
falloc_alloc(struct vnode *vp, uint64_t first, uint64_t end, uint64_t *donep)
{
	return rumpfs_data_alloc(VTORM(vp), VTORN(vp), first, end, donep);
}

static int
falloc_free(struct vnode *vp, uint64_t first, uint64_t end)
{
	rumpfs_data_punch(VTORM(vp), VTORN(vp), first, end);
	return 0;
}

/* Chunks are memory charged to the mount: fallocate holds or frees them for real, past the end too. */
static int
rumpfs_fallocate(struct vnode *vp, off_t off, off_t len, int flags, kauth_cred_t cred)
{
	static const struct genfs_falloc fa = {
		.fa_bshift = RUMPFS_CHUNKSHIFT,
		.fa_maxsize = RUMPFS_MAXFILESIZE,
		.fa_keeplast = false,
		.fa_alloc = falloc_alloc,
		.fa_free = falloc_free,
	};
	int error;

	if (VTORN(vp)->rn_type != VREG)
		return ENODEV;
	if ((error = genfs_fallocate(vp, off, len, flags, cred, &fa)) == 0)
		rumpfs_node_touch(VTORM(vp), VTORN(vp), RUMPFS_MTIME | RUMPFS_CTIME);
	return error;
}

/* A file with no links left gives its memory back at once and asks to be reclaimed. */
static int
rumpfs_extent(struct vnode *vp, off_t off, bool *datap, off_t *endp)
{
	rumpfs_data_extent(VTORN(vp), off, datap, endp);
	return 0;
}

static int
rumpfs_inactive(struct vnode *vp, bool *recyclep)
{
	struct rumpfs_node *rn = VTORN(vp);

	*recyclep = false;
	if (rn != NULL && rn->rn_nlink == 0) {
		rumpfs_node_release_storage(VTORM(vp), rn);
		*recyclep = true;
	}
	return 0;
}

/*
 * Linked nodes stay in the inode table for the next vcache_get; unlinked
 * ones go, which takes the mount lock: not from inside an allocation.
 */
static int
rumpfs_reclaim(struct vnode *vp, int flags)
{
	struct rumpfs_node *rn = VTORN(vp);

	if (rn != NULL && rn->rn_nlink == 0) {
		if (flags & VRECLAIM_TRY)
			return EWOULDBLOCK;
		rumpfs_node_destroy(VTORM(vp), rn);
	}
	vp->v_data = NULL;
	return 0;
}

const struct vnodeops rumpfs_vnodeops = {
	.vop_fsname = "rumpfs",
	.vop_lookup = rumpfs_lookup,
	.vop_create = rumpfs_create,
	.vop_mknod = rumpfs_mknod,
	.vop_mkdir = rumpfs_mkdir,
	.vop_symlink = rumpfs_symlink,
	.vop_open = genfs_nullop_open,
	.vop_close = genfs_nullop_close,
	.vop_access = genfs_access,
	.vop_getattr = rumpfs_getattr,
	.vop_setattr = rumpfs_setattr,
	.vop_read = rumpfs_read,
	.vop_write = rumpfs_write,
	.vop_fsync = genfs_nullop_fsync,
	.vop_remove = rumpfs_remove,
	.vop_link = rumpfs_link,
	.vop_rename = rumpfs_rename,
	.vop_rmdir = rumpfs_rmdir,
	.vop_readdir = rumpfs_readdir,
	.vop_readlink = rumpfs_readlink,
	.vop_extent = rumpfs_extent,
	.vop_fallocate = rumpfs_fallocate,
	.vop_inactive = rumpfs_inactive,
	.vop_reclaim = rumpfs_reclaim,
};
