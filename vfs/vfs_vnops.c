/* vfs_vnops.c: vnode-level helpers of the system calls: open, close, stat, kernel I/O, new-node attributes. */
#include "vfs_syscalls_priv.h"
#include "kmem.h"
#include "lwp.h"

/* Open flags an open file keeps (F_GETFL reports them). */
#define VN_OPEN_KEEP	(O_APPEND | O_NONBLOCK | O_SYNC | O_DSYNC | O_DIRECT | \
			 O_NOATIME | O_DIRECTORY | O_NOFOLLOW | O_LARGEFILE)
/* How often open(O_CREAT) retries when it loses a create race to another thread. */
#define VN_OPEN_RETRIES	8

static int vn_open_flags(int oflags, int *fflagp, int *accmodep);
static int vn_open_create(struct nameidata *nd, mode_t cmode, struct vnode **vpp);
static bool vn_open_dots(const struct nameidata *nd, const char *path);
static int vn_open_sticky(struct vnode *dvp, struct vnode *vp);
static int vn_open_creat(struct vnode *atdir, const char *path, int oflags,
    mode_t cmode, struct vnode **vpp, bool *createdp);
static int vn_open_lookup(struct vnode *atdir, const char *path, int oflags,
    mode_t cmode, struct vnode **vpp, bool *createdp);
static int vn_open_check(struct vnode *vp, int oflags, int accmode);
static int vn_truncate0(struct vnode *vp);

/* ---- small helpers shared by the system calls ---- */

bool
sys_path_trailing_slash(const char *path)
{
	size_t len = strlen(path);

	if (len < 2 || path[len - 1] != '/')
		return false;
	while (len > 0 && path[len - 1] == '/')
		len--;
	return len > 0;
}

bool
sys_cn_is_dot(const struct componentname *cnp)
{
	return cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.';
}

bool
sys_cn_is_dotdot(const struct componentname *cnp)
{
	return cnp->cn_namelen == 2 && cnp->cn_nameptr[0] == '.' &&
	    cnp->cn_nameptr[1] == '.';
}

int
sys_lookup(struct vnode *atdir, const char *path, bool follow, struct vnode **vpp)
{
	struct nameidata nd;
	int error;

	NDINIT(&nd, LOOKUP, follow ? FOLLOW : NOFOLLOW, path);
	nd.ni_atdir = atdir;
	error = namei(&nd);
	if (error != 0)
		return error;
	*vpp = nd.ni_vp;
	nd.ni_vp = NULL;
	namei_done(&nd);
	return 0;
}

int
sys_namei_last(struct nameidata *nd, struct vnode *atdir, const char *path,
    int op, int flags, bool *slashp)
{
	char *stripped = NULL;
	size_t len;
	int error;

	*slashp = sys_path_trailing_slash(path);
	if (*slashp) {
		stripped = kmem_strdup(path, KM_SLEEP);
		if (stripped == NULL)
			return ENOMEM;
		len = strlen(stripped);
		while (len > 1 && stripped[len - 1] == '/')
			stripped[--len] = '\0';
	}
	NDINIT(nd, op, flags, stripped != NULL ? stripped : path);
	nd->ni_atdir = atdir;
	error = namei(nd);
	/* ni_cnd points into ni_pnbuf, namei's own copy: the string may go. */
	if (stripped != NULL)
		kmem_strfree(stripped);
	return error;
}

void
sys_newattr(enum vtype type, mode_t mode, struct vattr *vap)
{
	/* Owner, group and set-group-id inheritance are the VFS's (vpol_newattr). */
	vattr_null(vap);
	vap->va_type = type;
	vap->va_mode = mode;
}

/* ---- open ---- */

/* fflag for the open file and the VREAD/VWRITE access open must check. */
static int
vn_open_flags(int oflags, int *fflagp, int *accmodep)
{
	int fflag = 0, accmode = 0;

	switch (oflags & O_ACCMODE) {
	case O_RDONLY:
		fflag = FREAD;
		accmode = VREAD;
		break;
	case O_WRONLY:
		fflag = FWRITE;
		accmode = VWRITE;
		break;
	case O_RDWR:
		fflag = FREAD | FWRITE;
		accmode = VREAD | VWRITE;
		break;
	default:
		/* Linux's mode 3: both permissions checked, neither granted. */
		accmode = VREAD | VWRITE;
		break;
	}
	if (oflags & O_TRUNC)
		accmode |= VWRITE;
	/* Unnamed temporary files and O_PATH descriptors are not provided. */
	if ((oflags & __O_TMPFILE) == __O_TMPFILE)
		return (oflags & O_ACCMODE) == O_RDONLY ? EINVAL : EOPNOTSUPP;
	if (oflags & O_PATH)
		return EOPNOTSUPP;
	/* Linux 6.4 and later refuse to create a directory through open(). */
	if ((oflags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return EINVAL;
	*fflagp = fflag | (oflags & VN_OPEN_KEEP);
	*accmodep = accmode;
	return 0;
}

/* nd: a CREATE lookup that found no node.  Makes the regular file. */
static int
vn_open_create(struct nameidata *nd, mode_t cmode, struct vnode **vpp)
{
	struct vattr va;
	mode_t mode;

	mode = cmode & ~cwd_getumask() & 07777;
	sys_newattr(VREG, mode, &va);
	return VOP_CREATE(nd->ni_dvp, vpp, &nd->ni_cnd, &va);
}

/*
 * One O_CREAT lookup.  Trailing slashes are stripped for namei (a
 * name to create is never a directory) and turned into EISDIR once the
 * parent resolved, as Linux does.
 */
/*
 * Linux's may_create_in_sticky with the kernel's default
 * protected_regular = protected_fifos = 0: O_CREAT meeting an existing
 * file that is neither regular nor a fifo (a symlink with O_NOFOLLOW, a
 * socket, a device) in a sticky, world-writable directory is EACCES
 * unless the caller or the directory's owner owns it.  Root too.
 */
static int
vn_open_sticky(struct vnode *dvp, struct vnode *vp)
{
	kauth_cred_t cred = kauth_cred_get();
	struct vattr dva, va;
	int error;

	if (dvp == NULL || vp->v_type == VREG || vp->v_type == VFIFO)
		return 0;
	if ((error = VOP_GETATTR(dvp, &dva, cred)) != 0)
		return error;
	if (!(dva.va_mode & S_ISVTX) || !(dva.va_mode & S_IWOTH))
		return 0;
	if ((error = VOP_GETATTR(vp, &va, cred)) != 0)
		return error;
	if (va.va_uid == dva.va_uid || va.va_uid == kauth_cred_geteuid(cred))
		return 0;
	return EACCES;
}

/* "/", "." or "..": Linux opens these as found, trailing slash or not. */
static bool
vn_open_dots(const struct nameidata *nd, const char *path)
{
	return path[strspn(path, "/")] == '\0' || sys_cn_is_dot(&nd->ni_cnd) ||
	    sys_cn_is_dotdot(&nd->ni_cnd);
}

static int
vn_open_creat(struct vnode *atdir, const char *path, int oflags, mode_t cmode,
    struct vnode **vpp, bool *createdp)
{
	struct nameidata nd;
	struct vnode *vp;
	bool slash;
	int error;

	/*
	 * O_EXCL and O_NOFOLLOW never follow a final symlink; nor does a
	 * name with a trailing slash, which is EISDIR whatever it is.
	 */
	error = sys_namei_last(&nd, atdir, path, CREATE, WANTPARENT |
	    ((oflags & (O_EXCL | O_NOFOLLOW)) || sys_path_trailing_slash(path) ?
	    NOFOLLOW : FOLLOW), &slash);
	if (error != 0)
		return error;
	vp = nd.ni_vp;
	nd.ni_vp = NULL;
	if ((slash || (nd.ni_flags & REQUIREDIR)) && !vn_open_dots(&nd, path)) {
		/*
		 * A name to create is never a directory (Linux: EISDIR), also
		 * when the slash ends the target of a followed symlink.
		 */
		error = EISDIR;
	} else if (vp == NULL) {
		error = vn_open_create(&nd, cmode, vpp);
		*createdp = (error == 0);
	} else if (oflags & O_EXCL) {
		error = EEXIST;
	} else if (vp->v_type == VDIR) {
		error = EISDIR;
	} else if ((error = vn_open_sticky(nd.ni_dvp, vp)) == 0) {
		*vpp = vp;
		vp = NULL;
	}
	if (vp != NULL)
		vrele(vp);
	namei_done(&nd);
	return error;
}

static int
vn_open_lookup(struct vnode *atdir, const char *path, int oflags, mode_t cmode,
    struct vnode **vpp, bool *createdp)
{
	int error, tries;

	*createdp = false;
	if (!(oflags & O_CREAT))
		return sys_lookup(atdir, path, !(oflags & O_NOFOLLOW), vpp);
	for (tries = 0; ; tries++) {
		error = vn_open_creat(atdir, path, oflags, cmode, vpp, createdp);
		/* Lost a race with another creator: without O_EXCL open theirs. */
		if (error != EEXIST || (oflags & O_EXCL) || tries >= VN_OPEN_RETRIES)
			return error;
	}
}

/* The checks Linux's may_open makes on an existing file, in its order. */
static int
vn_open_check(struct vnode *vp, int oflags, int accmode)
{
	int error;

	if ((oflags & O_DIRECTORY) && vp->v_type != VDIR)
		return ENOTDIR;
	if (vp->v_type == VLNK)
		return ELOOP;
	if (vp->v_type == VDIR && (accmode & VWRITE))
		return EISDIR;
	error = VOP_ACCESS(vp, accmode, kauth_cred_get());
	if (error != 0)
		return error;
	if (vp->v_type == VSOCK)
		return ENXIO;
	return 0;
}

static int
vn_truncate0(struct vnode *vp)
{
	struct vattr va;

	vattr_null(&va);
	va.va_size = 0;
	va.va_vaflags = VA_FROMFD;	/* access was checked by this open */
	return VOP_SETATTR(vp, &va, kauth_cred_get());
}

int
vn_open(struct vnode *atdir, const char *path, int oflags, mode_t cmode,
    struct vnode **vpp, int *fflagp)
{
	kauth_cred_t cred = kauth_cred_get();
	struct vnode *vp;
	int error, fflag, accmode;
	bool created;

	error = vn_open_flags(oflags, &fflag, &accmode);
	if (error != 0)
		return error;
	error = vn_open_lookup(atdir, path, oflags, cmode, &vp, &created);
	if (error != 0)
		return error;
	/* A file this open created is opened whatever its mode says. */
	if (!created) {
		error = vn_open_check(vp, oflags, accmode);
		if (error != 0)
			goto out_vrele;
	}
	error = VOP_OPEN(vp, fflag, cred);
	if (error != 0)
		goto out_vrele;
	if ((oflags & O_TRUNC) && !created && vp->v_type == VREG) {
		error = vn_truncate0(vp);
		if (error != 0) {
			(void)vn_close(vp, fflag, cred);
			return error;
		}
	}
	*vpp = vp;
	*fflagp = fflag;
	return 0;

out_vrele:
	vrele(vp);
	return error;
}

int
vn_close(struct vnode *vp, int fflag, kauth_cred_t cred)
{
	int error;

	error = VOP_CLOSE(vp, fflag, cred);
	vrele(vp);
	return error;
}

/* ---- stat and kernel I/O ---- */

int
vn_stat(struct vnode *vp, struct stat *st)
{
	struct vattr va;
	int error;

	error = VOP_GETATTR(vp, &va, kauth_cred_get());
	if (error != 0)
		return error;
	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)va.va_fsid;
	st->st_ino = va.va_fileid;
	st->st_mode = vtype_to_ifmt(va.va_type) | (va.va_mode & 07777);
	st->st_nlink = va.va_nlink;
	st->st_uid = va.va_uid;
	st->st_gid = va.va_gid;
	st->st_rdev = va.va_rdev;
	st->st_size = va.va_size;
	st->st_blksize = va.va_blocksize;
	st->st_blocks = (blkcnt_t)(va.va_bytes / 512);
	st->st_atim = va.va_atime;
	st->st_mtim = va.va_mtime;
	st->st_ctim = va.va_ctime;
	return 0;
}

int
vn_rdwr(enum uio_rw rw, struct vnode *vp, void *base, size_t len, off_t off,
    int ioflag, kauth_cred_t cred, size_t *residp)
{
	struct iovec iov;
	struct uio uio;
	int error;

	uio_setup(&uio, &iov, base, len, off, rw);
	if (rw == UIO_READ)
		error = VOP_READ(vp, &uio, ioflag, cred);
	else
		error = VOP_WRITE(vp, &uio, ioflag, cred);
	if (residp != NULL)
		*residp = uio.uio_resid;
	else if (error == 0 && uio.uio_resid != 0)
		error = EIO;
	return error;
}
