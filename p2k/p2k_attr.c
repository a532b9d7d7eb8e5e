/* p2k_attr.c: attributes and entries: getattr, setattr, access, readlink, statfs, and the entry replies. */
#include "p2k_impl.h"

void
p2k_vattr_to_stat(const struct p2k_mount *pm, const struct vattr *va, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)va->va_fsid;
	st->st_ino = va->va_fileid;
	st->st_mode = vtype_to_ifmt(va->va_type) | (va->va_mode & 07777);
	st->st_nlink = va->va_nlink;
	st->st_uid = va->va_uid;
	st->st_gid = va->va_gid;
	st->st_rdev = va->va_rdev;
	st->st_size = va->va_size;
	st->st_blksize = va->va_blocksize;
	st->st_blocks = (blkcnt_t)(va->va_bytes / 512);
	st->st_atim = va->va_atime;
	st->st_mtim = va->va_mtime;
	st->st_ctim = va->va_ctime;
	p2k_ids_out(pm, &st->st_uid, &st->st_gid);
}

int
p2k_getattr_st(const struct p2k_mount *pm, struct vnode *vp, kauth_cred_t cred, struct stat *st)
{
	struct vattr va;
	int error;

	if ((error = VOP_GETATTR(vp, &va, cred)) != 0)
		return error;
	p2k_vattr_to_stat(pm, &va, st);
	return 0;
}

void
p2k_cn_init(struct componentname *cn, const char *name, int nameiop, kauth_cred_t cred)
{
	size_t len = strlen(name);

	cn->cn_nameptr = name;
	cn->cn_namelen = len;
	cn->cn_cred = cred;
	cn->cn_nameiop = nameiop;
	cn->cn_flags = ISLASTCN;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		cn->cn_flags |= ISDOTDOT;
}

int
p2k_lookup_vp(struct vnode *dvp, const char *name, int nameiop, kauth_cred_t cred,
    struct vnode **vpp)
{
	struct componentname cn;
	int error;

	if (strlen(name) > NAME_MAX)
		return ENAMETOOLONG;
	if (dvp->v_type != VDIR)
		return ENOTDIR;
	/* namei's search permission: VOP_LOOKUP leaves it to its caller. */
	if ((error = VOP_ACCESS(dvp, VEXEC, cred)) != 0)
		return error;
	p2k_cn_init(&cn, name, nameiop, cred);
	return VOP_LOOKUP(dvp, vpp, &cn);
}

int
p2k_entry(struct p2k_mount *pm, struct vnode *vp, kauth_cred_t cred,
    struct fuse_entry_param *e)
{
	struct vattr va;
	int error;

	memset(e, 0, sizeof(*e));
	if ((error = VOP_GETATTR(vp, &va, cred)) != 0) {
		vrele(vp);
		return error;
	}
	p2k_vattr_to_stat(pm, &va, &e->attr);
	e->generation = va.va_gen;
	e->attr_timeout = pm->pm_attr_timeout;
	e->entry_timeout = pm->pm_entry_timeout;
	if ((e->ino = p2k_node_ref(pm, vp, va.va_gen)) == 0)
		return ENOMEM;
	return 0;
}

void
p2k_reply_entry(fuse_req_t req, struct p2k_mount *pm, const struct fuse_entry_param *e)
{
	if (fuse_reply_entry(req, e) != 0 && e->ino != 0) {
		/* Interrupted: the host never learnt of this lookup. */
		rump_schedule();
		p2k_node_forget(pm, e->ino, 1);
		rump_unschedule();
	}
}

void
p2k_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct vnode *vp;
	kauth_cred_t cred;
	struct stat st;
	int error;

	(void)fi;
	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if ((error = p2k_node_get(pm, ino, &vp)) == 0) {
		error = p2k_getattr_st(pm, vp, cred, &st);
		vrele(vp);
	}
	p2k_leave();
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_attr(req, &st, pm->pm_attr_timeout);
}

/* FUSE's setattr request as a vattr: only what to_set names; "now" times are the rump kernel's clock. */
static void
p2k_setattr_va(const struct p2k_mount *pm, const struct stat *attr, int to_set, bool viafd,
    struct vattr *va)
{
	struct timespec now;
	uid_t uid = attr->st_uid;
	gid_t gid = attr->st_gid;

	vattr_null(va);
	vfs_timestamp(&now);
	if (to_set & FUSE_SET_ATTR_MODE)
		va->va_mode = attr->st_mode & 07777;
	p2k_ids_in(pm, &uid, &gid);
	if (to_set & FUSE_SET_ATTR_UID)
		va->va_uid = uid;
	if (to_set & FUSE_SET_ATTR_GID)
		va->va_gid = gid;
	if (to_set & FUSE_SET_ATTR_SIZE) {
		va->va_size = attr->st_size;
		if (viafd)
			va->va_vaflags |= VA_FROMFD;
	}
	if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		va->va_atime = now;
	else if (to_set & FUSE_SET_ATTR_ATIME)
		va->va_atime = attr->st_atim;
	if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		va->va_mtime = now;
	else if (to_set & FUSE_SET_ATTR_MTIME)
		va->va_mtime = attr->st_mtim;
	/*
	 * The host sends FUSE_SET_ATTR_xTIME with or without _xTIME_NOW.
	 * Only "now" or omitted times: write access is enough (utimensat's rule).
	 */
	bool atime = to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_ATIME_NOW);
	bool mtime = to_set & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW);
	bool explicit = (atime && !(to_set & FUSE_SET_ATTR_ATIME_NOW)) ||
	    (mtime && !(to_set & FUSE_SET_ATTR_MTIME_NOW));
	/*
	 * With the writeback cache the host keeps mtime itself and sends it
	 * along with a truncate: part of the size change, which already
	 * needs write access, not a utimes(2) only the owner may do.
	 */
	if ((atime || mtime) && (!explicit || (to_set & FUSE_SET_ATTR_SIZE)))
		va->va_vaflags |= VA_UTIMES_NULL;
}

void
p2k_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
    struct fuse_file_info *fi)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct vnode *vp;
	kauth_cred_t cred;
	struct vattr va;
	struct stat st;
	int error;

	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if ((error = p2k_node_get(pm, ino, &vp)) == 0) {
		p2k_setattr_va(pm, attr, to_set, fi != NULL, &va);
		error = VOP_SETATTR(vp, &va, cred);
		if (error == 0)
			error = p2k_getattr_st(pm, vp, cred, &st);
		vrele(vp);
	}
	p2k_leave();
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_attr(req, &st, pm->pm_attr_timeout);
}

void
p2k_op_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct vnode *vp;
	kauth_cred_t cred;
	int error, mode = 0;

	if (mask & R_OK)
		mode |= VREAD;
	if (mask & W_OK)
		mode |= VWRITE;
	if (mask & X_OK)
		mode |= VEXEC;
	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if ((error = p2k_node_get(pm, ino, &vp)) == 0) {
		if (mode != 0)
			error = VOP_ACCESS(vp, mode, cred);
		vrele(vp);
	}
	p2k_leave();
out:
	fuse_reply_err(req, error);
}

void
p2k_op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	char buf[PATH_MAX];
	struct vnode *vp;
	kauth_cred_t cred;
	struct iovec iov;
	struct uio uio;
	int error;

	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	uio_setup(&uio, &iov, buf, sizeof(buf) - 1, 0, UIO_READ);
	if ((error = p2k_node_get(pm, ino, &vp)) == 0) {
		error = VOP_READLINK(vp, &uio, cred);
		vrele(vp);
	}
	p2k_leave();
	buf[sizeof(buf) - 1 - uio.uio_resid] = '\0';
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_readlink(req, buf);
}

void
p2k_op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct statvfs sv;
	kauth_cred_t cred;
	int error;

	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	(void)ino;	/* one file system: the root's mount */
	error = vfs_statvfs(pm->pm_root->v_mount, &sv);
	p2k_leave();
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_statfs(req, &sv);
}
