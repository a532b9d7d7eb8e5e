/* vfs_syscalls_file.c: system calls on descriptors: open, close, read, write, lseek, getdents, dup, fcntl... */
#include "vfs_syscalls_priv.h"
#include "dirent.h"
#include "lwp.h"
#include "mount.h"

/* The open-file flags fcntl(F_SETFL) may change (Linux: more, but these are ours). */
#define SYS_SETFL_MASK	(O_APPEND | O_NONBLOCK)
/* Open flags F_GETFL reports besides the access mode. */
#define SYS_GETFL_MASK	(O_APPEND | O_NONBLOCK | O_SYNC | O_DSYNC | O_DIRECT | \
			 O_NOATIME | O_DIRECTORY | O_NOFOLLOW | O_LARGEFILE)

static int sys_rw(int fd, void *buf, size_t n, off_t off, bool positional,
    enum uio_rw rw, ssize_t *donep);
static int sys_rw_check(struct file *fp, enum uio_rw rw, bool positional);
static int sys_rw_ioflag(int fflag, enum uio_rw rw);
static int sys_lseek_end(struct file *fp, off_t off, int whence, off_t *basep);
static int sys_fcntl_fl(int fd, int cmd, int arg, int *retp);

int
sys_open(const char *path, int flags, mode_t mode, int *fdp)
{
	return sys_openat(AT_FDCWD, path, flags, mode, fdp);
}

/* A relative path starts at directory dirfd (AT_FDCWD: the working directory). */
int
sys_openat(int dirfd, const char *path, int flags, mode_t mode, int *fdp)
{
	struct vnode *vp, *atdir = NULL;
	struct file *fp, *dfp = NULL;
	int error, fd, fflag;

	if (dirfd != AT_FDCWD && path[0] != '/') {
		if ((error = fd_getfile(dirfd, &dfp)) != 0)
			return error;
		atdir = dfp->f_vp;
		if (atdir == NULL || atdir->v_type != VDIR) {
			fd_putfile(dfp);
			return ENOTDIR;
		}
	}
	/* The descriptor first: at EMFILE, open() creates nothing (as Linux). */
	error = fd_reserve(0, &fd);
	if (error != 0)
		goto out_dir;
	error = vn_open(atdir, path, flags, mode, &vp, &fflag);
	if (error != 0)
		goto out_unreserve;
	error = file_create(vp, fflag, kauth_cred_get(), &fp);
	if (error != 0) {
		(void)vn_close(vp, fflag, kauth_cred_get());
		goto out_unreserve;
	}
	fd_install(fd, fp, (flags & O_CLOEXEC) != 0);
	*fdp = fd;
	if (dfp != NULL)
		fd_putfile(dfp);
	return 0;

out_unreserve:
	fd_unreserve(fd);
out_dir:
	if (dfp != NULL)
		fd_putfile(dfp);
	return error;
}

int
sys_close(int fd)
{
	return fd_close(fd);
}

/* ---- read and write ---- */

/* Linux's order: EBADF for the wrong mode, ESPIPE for positional I/O on a pipe, EISDIR. */
static int
sys_rw_check(struct file *fp, enum uio_rw rw, bool positional)
{
	enum vtype type = fp->f_vp->v_type;

	if (rw == UIO_READ && !(fp->f_flag & FREAD))
		return EBADF;
	if (rw == UIO_WRITE && !(fp->f_flag & FWRITE))
		return EBADF;
	if (positional && (type == VFIFO || type == VSOCK))
		return ESPIPE;
	if (type == VDIR)
		return EISDIR;
	return 0;
}

static int
sys_rw_ioflag(int fflag, enum uio_rw rw)
{
	int ioflag = 0;

	if (rw == UIO_WRITE) {
		/* Linux appends on O_APPEND even for pwrite. */
		if (fflag & O_APPEND)
			ioflag |= IO_APPEND;
		if ((fflag & O_SYNC) == O_SYNC)
			ioflag |= IO_SYNC;
		else if (fflag & O_DSYNC)
			ioflag |= IO_DSYNC;
	} else if (fflag & O_NOATIME) {
		ioflag |= IO_NOATIME;
	}
	return ioflag;
}

/*
 * read/write (positional false: at and advancing the file offset, with
 * f_lock held across the transfer so that sharers of the open file see
 * atomic offset updates) and pread/pwrite (at off, offset untouched).
 * A transfer cut short by an error after some bytes moved returns the
 * count, as POSIX asks.
 */
static int
sys_rw(int fd, void *buf, size_t n, off_t off, bool positional,
    enum uio_rw rw, ssize_t *donep)
{
	struct file *fp;
	struct iovec iov;
	struct uio uio;
	int error, ioflag;

	if (positional && off < 0)
		return EINVAL;
	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	error = sys_rw_check(fp, rw, positional);
	if (error != 0)
		goto out_put;
	if (n == 0) {
		*donep = 0;
		goto out_put;
	}
	n = MIN(n, SYS_MAX_RW);
	mutex_enter(&fp->f_lock);
	ioflag = sys_rw_ioflag(fp->f_flag, rw);
	if (positional)
		mutex_exit(&fp->f_lock);
	else
		off = fp->f_offset;
	uio_setup(&uio, &iov, buf, n, off, rw);
	if (rw == UIO_READ)
		error = VOP_READ(fp->f_vp, &uio, ioflag, fp->f_cred);
	else
		error = VOP_WRITE(fp->f_vp, &uio, ioflag, fp->f_cred);
	if (!positional) {
		fp->f_offset = uio.uio_offset;
		mutex_exit(&fp->f_lock);
	}
	if (uio.uio_resid < n)
		error = 0;
	if (error == 0)
		*donep = (ssize_t)(n - uio.uio_resid);
out_put:
	fd_putfile(fp);
	return error;
}

int
sys_read(int fd, void *buf, size_t n, ssize_t *donep)
{
	return sys_rw(fd, buf, n, 0, false, UIO_READ, donep);
}

int
sys_write(int fd, const void *buf, size_t n, ssize_t *donep)
{
	/* uio is shared by both directions; a write only reads from buf. */
	return sys_rw(fd, (void *)(uintptr_t)buf, n, 0, false, UIO_WRITE, donep);
}

int
sys_pread(int fd, void *buf, size_t n, off_t off, ssize_t *donep)
{
	return sys_rw(fd, buf, n, off, true, UIO_READ, donep);
}

int
sys_pwrite(int fd, const void *buf, size_t n, off_t off, ssize_t *donep)
{
	return sys_rw(fd, (void *)(uintptr_t)buf, n, off, true, UIO_WRITE, donep);
}

/* ---- offsets ---- */

/* The base offset of whence (f_lock held); SEEK_DATA/SEEK_HOLE: the whole answer, less off. */
static int
sys_lseek_end(struct file *fp, off_t off, int whence, off_t *basep)
{
	struct vattr va;
	off_t found;
	int error;

	switch (whence) {
	case SEEK_END:
		if ((error = VOP_GETATTR(fp->f_vp, &va, fp->f_cred)) != 0)
			return error;
		*basep = va.va_size;
		return 0;
	case SEEK_DATA:
	case SEEK_HOLE:
		if ((error = VOP_SEEKDATA(fp->f_vp, off, whence, fp->f_cred, &found)) != 0)
			return error;
		*basep = found - off;	/* off + base == found */
		return 0;
	}
	return EINVAL;
}

int
sys_lseek(int fd, off_t off, int whence, off_t *newoffp)
{
	struct file *fp;
	off_t base, result;
	int error;

	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	if (fp->f_vp->v_type == VFIFO || fp->f_vp->v_type == VSOCK) {
		error = ESPIPE;
		goto out_put;
	}
	mutex_enter(&fp->f_lock);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = fp->f_offset;
		break;
	default:
		error = sys_lseek_end(fp, off, whence, &base);
		break;
	}
	if (error == 0 && __builtin_add_overflow(base, off, &result))
		error = EOVERFLOW;
	if (error == 0 && result < 0)
		error = EINVAL;
	if (error == 0) {
		/* On a directory this is a readdir cookie: kept as given. */
		fp->f_offset = result;
		*newoffp = result;
	}
	mutex_exit(&fp->f_lock);
out_put:
	fd_putfile(fp);
	return error;
}

/* ---- whole-file calls ---- */

int
sys_fsync(int fd)
{
	struct file *fp;
	int error;

	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	error = VOP_FSYNC(fp->f_vp, fp->f_cred, FSYNC_WAIT);
	fd_putfile(fp);
	return error;
}

/*
 * fallocate(2), in Linux's order: EINVAL for the range before the
 * descriptor, EBADF unless open for writing, ESPIPE for a pipe; the VOP
 * checks the mode and the file type.  mode's bits are Linux's
 * FALLOC_FL_*, which VFALLOC_* equal.
 */
int
sys_fallocate(int fd, int mode, off_t off, off_t len)
{
	struct file *fp;
	int error;

	if (off < 0 || len <= 0)
		return EINVAL;
	if ((error = fd_getfile(fd, &fp)) != 0)
		return error;
	if (!(fp->f_flag & FWRITE))
		error = EBADF;
	else if (fp->f_vp->v_type == VFIFO || fp->f_vp->v_type == VSOCK)
		error = ESPIPE;
	else
		error = VOP_FALLOCATE(fp->f_vp, off, len, mode, fp->f_cred);
	fd_putfile(fp);
	return error;
}

int
sys_ftruncate(int fd, off_t len)
{
	struct file *fp;
	struct vattr va;
	int error;

	/* Linux: EINVAL for a negative length before the descriptor is looked at. */
	if (len < 0)
		return EINVAL;
	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	/* Not writable or not a regular file: EINVAL (Linux), not EBADF. */
	if (fp->f_vp->v_type != VREG || !(fp->f_flag & FWRITE)) {
		error = EINVAL;
		goto out_put;
	}
	vattr_null(&va);
	va.va_size = len;
	va.va_vaflags = VA_FROMFD;	/* the open checked write access */
	error = VOP_SETATTR(fp->f_vp, &va, fp->f_cred);
out_put:
	fd_putfile(fp);
	return error;
}

int
sys_fstat(int fd, struct stat *st)
{
	struct file *fp;
	int error;

	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	error = vn_stat(fp->f_vp, st);
	fd_putfile(fp);
	return error;
}

/*
 * getdents: struct dirent64 records straight from VOP_READDIR, resuming
 * at the file offset (the cookie of the last entry returned).  EINVAL
 * when not even one entry fits.
 */
int
sys_getdents(int fd, void *buf, size_t n, ssize_t *donep)
{
	struct file *fp;
	struct iovec iov;
	struct uio uio;
	int error, eof = 0;

	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	if (fp->f_vp->v_type != VDIR) {
		error = ENOTDIR;
		goto out_put;
	}
	n = MIN(n, SYS_MAX_RW);
	mutex_enter(&fp->f_lock);
	uio_setup(&uio, &iov, buf, n, fp->f_offset, UIO_READ);
	error = VOP_READDIR(fp->f_vp, &uio, fp->f_cred, &eof);
	if (error == 0 && uio.uio_resid == n && !eof)
		error = EINVAL;
	if (error == 0) {
		fp->f_offset = uio.uio_offset;
		*donep = (ssize_t)(n - uio.uio_resid);
	}
	mutex_exit(&fp->f_lock);
out_put:
	fd_putfile(fp);
	return error;
}

/* ---- descriptor table ---- */

int
sys_dup(int fd, int *newfdp)
{
	return fd_dup(fd, 0, false, newfdp);
}

int
sys_dup2(int fd, int newfd, int *retp)
{
	int error;

	error = fd_dup2(fd, newfd);
	if (error == 0)
		*retp = newfd;
	return error;
}

static int
sys_fcntl_fl(int fd, int cmd, int arg, int *retp)
{
	struct file *fp;
	int error, fl;

	error = fd_getfile(fd, &fp);
	if (error != 0)
		return error;
	mutex_enter(&fp->f_lock);
	if (cmd == F_GETFL) {
		fl = fp->f_flag & SYS_GETFL_MASK;
		if ((fp->f_flag & (FREAD | FWRITE)) == (FREAD | FWRITE))
			fl |= O_RDWR;
		else if (fp->f_flag & FWRITE)
			fl |= O_WRONLY;
		else if (!(fp->f_flag & FREAD))
			fl |= O_ACCMODE;	/* Linux's open mode 3 */
		*retp = fl;
	} else {
		fp->f_flag = (fp->f_flag & ~SYS_SETFL_MASK) | (arg & SYS_SETFL_MASK);
		*retp = 0;
	}
	mutex_exit(&fp->f_lock);
	fd_putfile(fp);
	return 0;
}

int
sys_fcntl(int fd, int cmd, int arg, int *retp)
{
	struct file *fp;
	bool cloexec;
	int error;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return fd_dup(fd, arg, cmd == F_DUPFD_CLOEXEC, retp);
	case F_GETFD:
		error = fd_getcloexec(fd, &cloexec);
		if (error == 0)
			*retp = cloexec ? FD_CLOEXEC : 0;
		return error;
	case F_SETFD:
		error = fd_setcloexec(fd, (arg & FD_CLOEXEC) != 0);
		if (error == 0)
			*retp = 0;
		return error;
	case F_GETFL:
	case F_SETFL:
		return sys_fcntl_fl(fd, cmd, arg, retp);
	default:
		/* A bad descriptor is reported before an unknown command. */
		error = fd_getfile(fd, &fp);
		if (error != 0)
			return error;
		fd_putfile(fp);
		return EINVAL;
	}
}
