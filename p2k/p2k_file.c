/* p2k_file.c: open files: open, create, read, write, fallocate, flush, release, fsync. */
#include "p2k_impl.h"
#include <stdlib.h>

/* VOP_OPEN vp and keep it (with a reference of its own) until p2k_file_close. */
int
p2k_file_open(struct p2k_mount *pm, struct vnode *vp, int fflag, kauth_cred_t cred,
    struct p2k_file **pfp)
{
	struct p2k_file *pf;
	int error;

	if ((pf = malloc(sizeof(*pf))) == NULL)
		return ENOMEM;
	if ((error = VOP_OPEN(vp, fflag, cred)) != 0) {
		free(pf);
		return error;
	}
	vref(vp);
	pf->pf_vp = vp;
	pf->pf_fflag = fflag;
	pthread_mutex_lock(&pm->pm_filelock);
	pf->pf_prev = NULL;
	pf->pf_next = pm->pm_files;
	if (pm->pm_files != NULL)
		pm->pm_files->pf_prev = pf;
	pm->pm_files = pf;
	pthread_mutex_unlock(&pm->pm_filelock);
	*pfp = pf;
	return 0;
}

static void p2k_unopen(struct p2k_mount *pm, struct fuse_file_info *fi);

int
p2k_file_close(struct p2k_mount *pm, struct p2k_file *pf, kauth_cred_t cred)
{
	int error;

	pthread_mutex_lock(&pm->pm_filelock);
	if (pf->pf_prev != NULL)
		pf->pf_prev->pf_next = pf->pf_next;
	else
		pm->pm_files = pf->pf_next;
	if (pf->pf_next != NULL)
		pf->pf_next->pf_prev = pf->pf_prev;
	pthread_mutex_unlock(&pm->pm_filelock);
	error = VOP_CLOSE(pf->pf_vp, pf->pf_fflag, cred);
	vrele(pf->pf_vp);
	free(pf);
	return error;
}

/* Files the host never released (its connection died): closed as the kernel. */
void
p2k_file_close_all(struct p2k_mount *pm)
{
	while (pm->pm_files != NULL)
		(void)p2k_file_close(pm, pm->pm_files, kauth_cred_get());
}

/* open(2)'s flags as VOP_OPEN's fflag and the access they need (Linux's may_open). */
static int
p2k_open_mode(struct p2k_mount *pm, int oflags, int *fflagp, int *accp)
{
	int fflag, acc;

	switch (oflags & O_ACCMODE) {
	case O_RDONLY:
		fflag = FREAD, acc = VREAD;
		break;
	case O_WRONLY:
		fflag = FWRITE, acc = VWRITE;
		break;
	case O_RDWR:
		fflag = FREAD | FWRITE, acc = VREAD | VWRITE;
		break;
	default:
		return EINVAL;
	}
	if (oflags & O_TRUNC)
		acc |= VWRITE;
	/* The host's writeback cache reads pages of files opened write-only. */
	if (pm->pm_writeback && (fflag & FWRITE))
		fflag |= FREAD;
	*fflagp = fflag | (oflags & (O_APPEND | O_SYNC | O_DSYNC | O_NONBLOCK));
	*accp = acc;
	return 0;
}

/* Open vp for fi->flags: permission (unless this open made the file), VOP_OPEN, O_TRUNC. */
static int
p2k_open_vp(struct p2k_mount *pm, struct vnode *vp, struct fuse_file_info *fi,
    bool created, kauth_cred_t cred)
{
	struct p2k_file *pf;
	struct vattr va;
	int error, fflag, acc;

	if ((error = p2k_open_mode(pm, fi->flags, &fflag, &acc)) != 0)
		return error;
	if (vp->v_type == VDIR && (acc & VWRITE))
		return EISDIR;
	if (vp->v_type == VLNK)
		return ELOOP;
	if (!created && (error = VOP_ACCESS(vp, acc, cred)) != 0)
		return error;
	if ((error = p2k_file_open(pm, vp, fflag, cred, &pf)) != 0)
		return error;
	if ((fi->flags & O_TRUNC) && !created && vp->v_type == VREG) {
		vattr_null(&va);
		va.va_size = 0;
		va.va_vaflags = VA_FROMFD;	/* checked by this open */
		if ((error = VOP_SETATTR(vp, &va, cred)) != 0) {
			(void)p2k_file_close(pm, pf, cred);
			return error;
		}
	}
	fi->fh = (uint64_t)(uintptr_t)pf;
	/* Only this daemon writes the image: the host's page cache stays valid across opens. */
	fi->keep_cache = 1;
	/*
	 * flush has nothing to do here (p2k buffers nothing), so spare each
	 * close(2) its round trip; with the writeback cache the host
	 * writes its dirty pages back at flush, so there it stays.
	 */
	fi->noflush = !pm->pm_writeback;
	return 0;
}

void
p2k_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct vnode *vp;
	kauth_cred_t cred;
	int error;

	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if ((error = p2k_node_get(pm, ino, &vp)) == 0) {
		error = p2k_open_vp(pm, vp, fi, false, cred);
		vrele(vp);
	}
	p2k_leave();
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else if (fuse_reply_open(req, fi) != 0)
		p2k_unopen(pm, fi);
}

/* create: make the file, or open the one that appeared meanwhile (no O_EXCL). */
static int
p2k_create_vp(struct vnode *dvp, const char *name, mode_t mode, kauth_cred_t cred,
    int oflags, struct vnode **vpp, bool *createdp)
{
	struct componentname cn;
	struct vattr va;
	int error;

	if (strlen(name) > NAME_MAX)
		return ENAMETOOLONG;
	if ((error = VOP_ACCESS(dvp, VEXEC, cred)) != 0)
		return error;
	vattr_null(&va);
	va.va_type = VREG;
	va.va_mode = mode & 07777;
	p2k_cn_init(&cn, name, CREATE, cred);
	error = VOP_CREATE(dvp, vpp, &cn, &va);
	*createdp = (error == 0);
	if (error == EEXIST && !(oflags & O_EXCL))
		error = p2k_lookup_vp(dvp, name, LOOKUP, cred, vpp);
	return error;
}

void
p2k_op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
    struct fuse_file_info *fi)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct fuse_entry_param e;
	struct vnode *dvp, *vp;
	kauth_cred_t cred;
	bool created;
	int error;

	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if ((error = p2k_node_get(pm, parent, &dvp)) == 0) {
		error = p2k_create_vp(dvp, name, mode, cred, fi->flags, &vp, &created);
		vrele(dvp);
	}
	if (error == 0) {
		error = p2k_open_vp(pm, vp, fi, created, cred);
		if (error == 0 && (error = p2k_entry(pm, vp, cred, &e)) != 0)
			(void)p2k_file_close(pm, p2k_fh(fi), cred);
		else if (error != 0)
			vrele(vp);
	}
	p2k_leave();
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else if (fuse_reply_create(req, &e, fi) != 0) {
		p2k_unopen(pm, fi);
		rump_schedule();
		p2k_node_forget(pm, e.ino, 1);
		rump_unschedule();
	}
}

void
p2k_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct p2k_file *pf = p2k_fh(fi);
	kauth_cred_t cred;
	struct iovec iov;
	struct uio uio;
	char *buf;
	int error;

	(void)ino;
	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if ((buf = p2k_thread_buf(size > 0 ? size : 1)) == NULL) {
		p2k_leave();
		error = ENOMEM;
		goto out;
	}
	uio_setup(&uio, &iov, buf, size, off, UIO_READ);
	error = VOP_READ(pf->pf_vp, &uio, 0, cred);
	p2k_leave();
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_buf(req, buf, size - uio.uio_resid);
}

/* Whether a write by cred drops set-id bits of vp (vpol_killpriv): a caller other than root, a set-id file. */
static bool
p2k_write_killpriv(struct vnode *vp, kauth_cred_t cred)
{
	struct vattr va;

	if (vp->v_type != VREG || kauth_cred_issuser(cred))
		return false;
	return VOP_GETATTR(vp, &va, cred) == 0 && (va.va_mode & (S_ISUID | S_ISGID)) != 0;
}

void
p2k_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct p2k_file *pf = p2k_fh(fi);
	int ioflag = 0, error;
	kauth_cred_t cred;
	struct iovec iov;
	struct uio uio;
	bool killpriv;

	/* Without the writeback cache the host's idea of the end may be stale. */
	if ((pf->pf_fflag & O_APPEND) && !pm->pm_writeback)
		ioflag |= IO_APPEND;
	if (pf->pf_fflag & O_SYNC)
		ioflag |= IO_SYNC;
	else if (pf->pf_fflag & O_DSYNC)
		ioflag |= IO_DSYNC;
	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	killpriv = p2k_write_killpriv(pf->pf_vp, cred);
	uio_setup(&uio, &iov, (void *)(uintptr_t)buf, size, off, UIO_WRITE);
	error = VOP_WRITE(pf->pf_vp, &uio, ioflag, cred);
	p2k_leave();
	/*
	 * The rump kernel dropped the set-id bits; the host would go on
	 * showing them from its cache (a stat asking for the mode alone is
	 * answered from it), so its attributes are invalidated now.
	 */
	if (killpriv && uio.uio_resid < size)
		(void)fuse_lowlevel_notify_inval_inode(pm->pm_se, ino, -1, 0);
	/* ENOSPC after a part was written: report the part, as write(2) does. */
	if (error != 0 && uio.uio_resid < size)
		error = 0;
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_write(req, size - uio.uio_resid);
}

/*
 * fallocate(2): FUSE's mode is Linux's FALLOC_FL_* bits, which VFALLOC_*
 * equal; VOP_FALLOCATE refuses the others with EOPNOTSUPP (never ENOSYS,
 * which the host would remember for the whole mount).
 */
void
p2k_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len,
    struct fuse_file_info *fi)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct p2k_file *pf = p2k_fh(fi);
	kauth_cred_t cred;
	int error;

	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if (!(pf->pf_fflag & FWRITE))
		error = EBADF;
	else
		error = VOP_FALLOCATE(pf->pf_vp, off, len, mode, cred);
	p2k_leave();
	/* The block count (and set-id bits a write drops) changed under the host's cached attributes. */
	if (error == 0)
		(void)fuse_lowlevel_notify_inval_inode(pm->pm_se, ino, -1, 0);
out:
	fuse_reply_err(req, error);
}

/* close(2) of one descriptor: nothing is buffered in p2k. */
void
p2k_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino, (void)fi;
	fuse_reply_err(req, 0);
}

/* Undo an open the host did not take (its request was interrupted): closed as the kernel. */
static void
p2k_unopen(struct p2k_mount *pm, struct fuse_file_info *fi)
{
	rump_schedule();
	(void)p2k_file_close(pm, p2k_fh(fi), kauth_cred_get());
	rump_unschedule();
}

void
p2k_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	kauth_cred_t cred;
	int error;

	(void)ino;
	if ((error = p2k_enter(req, &cred)) != 0) {
		/* The file must go anyway: close it as the kernel. */
		p2k_unopen(pm, fi);
		goto out;
	}
	error = p2k_file_close(pm, p2k_fh(fi), cred);
	p2k_leave();
out:
	fuse_reply_err(req, error);
}

/*
 * From the block map, so cp --sparse, tar -S and rsync -S see the holes.
 * The host kernel writes its dirty pages back before asking, so the map
 * is current.
 */
void
p2k_op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence, struct fuse_file_info *fi)
{
	struct p2k_file *pf = p2k_fh(fi);
	kauth_cred_t cred;
	off_t found = 0;
	int error;

	(void)ino;
	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	error = VOP_SEEKDATA(pf->pf_vp, off, whence, cred, &found);
	p2k_leave();
out:
	if (error != 0)
		fuse_reply_err(req, error);
	else
		fuse_reply_lseek(req, found);
}

void
p2k_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	struct p2k_mount *pm = fuse_req_userdata(req);
	struct vnode *vp;
	kauth_cred_t cred;
	int error;

	(void)fi;
	if ((error = p2k_enter(req, &cred)) != 0)
		goto out;
	if ((error = p2k_node_get(pm, ino, &vp)) == 0) {
		error = VOP_FSYNC(vp, cred, FSYNC_WAIT | (datasync ? FSYNC_DATAONLY : 0));
		vrele(vp);
	}
	p2k_leave();
out:
	fuse_reply_err(req, error);
}
