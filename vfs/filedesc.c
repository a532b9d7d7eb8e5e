/* filedesc.c: open files (struct file) and per-process descriptor tables. */
#include "file.h"
#include "kmem.h"
#include "lwp.h"
#include "vfs_syscalls.h"

/*
 * fd_cloexec[] holds per-slot flags: the close-on-exec bit, and a
 * "reserved" bit for a slot handed out by fd_reserve whose file is not
 * installed yet (open() takes its descriptor before the lookup, as Linux
 * does, so EMFILE comes first and a failed open leaves nothing behind).
 */
#define FDF_CLOEXEC	0x01
#define FDF_RESERVED	0x02

static struct filedesc *fd_current(void);
static bool fd_slot_free(const struct filedesc *fdp, int fd);
static int fd_find_free(struct filedesc *fdp, int minfd, int *fdp_out);
static void fd_slot_clear(struct filedesc *fdp, int fd);

/* ---- open files ---- */

int
file_create(struct vnode *vp, int fflag, kauth_cred_t cred, struct file **fpp)
{
	struct file *fp;

	fp = kmem_zalloc(sizeof(*fp), KM_SLEEP);
	if (fp == NULL)
		return ENOMEM;
	mutex_init(&fp->f_lock);
	fp->f_count = 1;
	fp->f_flag = fflag;
	fp->f_offset = 0;
	fp->f_vp = vp;
	kauth_cred_hold(cred);
	fp->f_cred = cred;
	*fpp = fp;
	return 0;
}

void
file_hold(struct file *fp)
{
	int old;

	old = __atomic_fetch_add(&fp->f_count, 1, __ATOMIC_RELAXED);
	KASSERT(old > 0);
}

void
file_release(struct file *fp)
{
	int left;

	left = __atomic_sub_fetch(&fp->f_count, 1, __ATOMIC_ACQ_REL);
	KASSERT(left >= 0);
	if (left > 0)
		return;
	/* The last reference: no descriptor and no call uses it any more. */
	(void)vn_close(fp->f_vp, fp->f_flag, fp->f_cred);
	kauth_cred_free(fp->f_cred);
	mutex_destroy(&fp->f_lock);
	kmem_free(fp, sizeof(*fp));
}

/* ---- descriptors of the current process ---- */

static struct filedesc *
fd_current(void)
{
	struct filedesc *fdp = curproc->p_fd;

	KASSERT(fdp != NULL);
	return fdp;
}

static bool
fd_slot_free(const struct filedesc *fdp, int fd)
{
	return fdp->fd_files[fd] == NULL && !(fdp->fd_cloexec[fd] & FDF_RESERVED);
}

/* fd_lock held.  All slots below fd_lastfree are taken (the hint's invariant). */
static int
fd_find_free(struct filedesc *fdp, int minfd, int *fdp_out)
{
	int fd;

	for (fd = MAX(minfd, fdp->fd_lastfree); fd < RUMP_MAXFILES; fd++) {
		if (fd_slot_free(fdp, fd)) {
			if (fd == fdp->fd_lastfree)
				fdp->fd_lastfree = fd + 1;
			*fdp_out = fd;
			return 0;
		}
	}
	return EMFILE;
}

/* fd_lock held: the slot becomes free. */
static void
fd_slot_clear(struct filedesc *fdp, int fd)
{
	fdp->fd_files[fd] = NULL;
	fdp->fd_cloexec[fd] = 0;
	if (fd < fdp->fd_lastfree)
		fdp->fd_lastfree = fd;
}

int
fd_alloc(struct filedesc *fdp, struct file *fp, int minfd, int *fdout)
{
	int error, fd;

	if (minfd < 0 || minfd >= RUMP_MAXFILES)
		return EINVAL;
	mutex_enter(&fdp->fd_lock);
	error = fd_find_free(fdp, minfd, &fd);
	if (error == 0) {
		fdp->fd_files[fd] = fp;
		fdp->fd_cloexec[fd] = 0;
		*fdout = fd;
	}
	mutex_exit(&fdp->fd_lock);
	return error;
}

int
fd_reserve(int minfd, int *fdout)
{
	struct filedesc *fdp = fd_current();
	int error, fd;

	if (minfd < 0 || minfd >= RUMP_MAXFILES)
		return EINVAL;
	mutex_enter(&fdp->fd_lock);
	error = fd_find_free(fdp, minfd, &fd);
	if (error == 0) {
		fdp->fd_cloexec[fd] = FDF_RESERVED;
		*fdout = fd;
	}
	mutex_exit(&fdp->fd_lock);
	return error;
}

void
fd_install(int fd, struct file *fp, bool cloexec)
{
	struct filedesc *fdp = fd_current();

	mutex_enter(&fdp->fd_lock);
	KASSERT(fdp->fd_files[fd] == NULL && (fdp->fd_cloexec[fd] & FDF_RESERVED));
	fdp->fd_files[fd] = fp;
	fdp->fd_cloexec[fd] = cloexec ? FDF_CLOEXEC : 0;
	mutex_exit(&fdp->fd_lock);
}

void
fd_unreserve(int fd)
{
	struct filedesc *fdp = fd_current();

	mutex_enter(&fdp->fd_lock);
	KASSERT(fdp->fd_files[fd] == NULL && (fdp->fd_cloexec[fd] & FDF_RESERVED));
	fd_slot_clear(fdp, fd);
	mutex_exit(&fdp->fd_lock);
}

int
fd_getfile(int fd, struct file **fpp)
{
	struct filedesc *fdp = fd_current();
	struct file *fp;

	if (fd < 0 || fd >= RUMP_MAXFILES)
		return EBADF;
	mutex_enter(&fdp->fd_lock);
	fp = fdp->fd_files[fd];
	if (fp != NULL)
		file_hold(fp);
	mutex_exit(&fdp->fd_lock);
	if (fp == NULL)
		return EBADF;
	*fpp = fp;
	return 0;
}

void
fd_putfile(struct file *fp)
{
	file_release(fp);
}

int
fd_close(int fd)
{
	struct filedesc *fdp = fd_current();
	struct file *fp;

	if (fd < 0 || fd >= RUMP_MAXFILES)
		return EBADF;
	mutex_enter(&fdp->fd_lock);
	fp = fdp->fd_files[fd];
	if (fp != NULL)
		fd_slot_clear(fdp, fd);
	mutex_exit(&fdp->fd_lock);
	if (fp == NULL)
		return EBADF;
	/* Calls still using fp hold their own references; the last one closes. */
	file_release(fp);
	return 0;
}

int
fd_dup(int oldfd, int minfd, bool cloexec, int *newfdp)
{
	struct filedesc *fdp = fd_current();
	struct file *fp;
	int error, fd;

	if (oldfd < 0 || oldfd >= RUMP_MAXFILES)
		return EBADF;
	mutex_enter(&fdp->fd_lock);
	fp = fdp->fd_files[oldfd];
	if (fp == NULL) {
		error = EBADF;
		goto out_unlock;
	}
	if (minfd < 0 || minfd >= RUMP_MAXFILES) {
		error = EINVAL;
		goto out_unlock;
	}
	error = fd_find_free(fdp, minfd, &fd);
	if (error != 0)
		goto out_unlock;
	file_hold(fp);
	fdp->fd_files[fd] = fp;
	fdp->fd_cloexec[fd] = cloexec ? FDF_CLOEXEC : 0;
	*newfdp = fd;
out_unlock:
	mutex_exit(&fdp->fd_lock);
	return error;
}

int
fd_dup2(int oldfd, int newfd)
{
	struct filedesc *fdp = fd_current();
	struct file *fp, *old = NULL;
	int error = 0;

	if (oldfd < 0 || oldfd >= RUMP_MAXFILES || newfd < 0 || newfd >= RUMP_MAXFILES)
		return EBADF;
	mutex_enter(&fdp->fd_lock);
	fp = fdp->fd_files[oldfd];
	if (fp == NULL) {
		error = EBADF;
		goto out_unlock;
	}
	if (oldfd == newfd)
		goto out_unlock;
	if (fdp->fd_cloexec[newfd] & FDF_RESERVED) {
		/* An open() in another thread is filling that slot (Linux says EBUSY). */
		error = EBUSY;
		goto out_unlock;
	}
	old = fdp->fd_files[newfd];
	file_hold(fp);
	fdp->fd_files[newfd] = fp;
	fdp->fd_cloexec[newfd] = 0;
out_unlock:
	mutex_exit(&fdp->fd_lock);
	if (old != NULL)
		file_release(old);
	return error;
}

int
fd_getcloexec(int fd, bool *cloexecp)
{
	struct filedesc *fdp = fd_current();
	int error = 0;

	if (fd < 0 || fd >= RUMP_MAXFILES)
		return EBADF;
	mutex_enter(&fdp->fd_lock);
	if (fdp->fd_files[fd] == NULL)
		error = EBADF;
	else
		*cloexecp = (fdp->fd_cloexec[fd] & FDF_CLOEXEC) != 0;
	mutex_exit(&fdp->fd_lock);
	return error;
}

int
fd_setcloexec(int fd, bool cloexec)
{
	struct filedesc *fdp = fd_current();
	int error = 0;

	if (fd < 0 || fd >= RUMP_MAXFILES)
		return EBADF;
	mutex_enter(&fdp->fd_lock);
	if (fdp->fd_files[fd] == NULL)
		error = EBADF;
	else
		fdp->fd_cloexec[fd] = cloexec ? FDF_CLOEXEC : 0;
	mutex_exit(&fdp->fd_lock);
	return error;
}

/* ---- tables ---- */

int
fd_table_create(struct filedesc **fdpp)
{
	struct filedesc *fdp;

	fdp = kmem_zalloc(sizeof(*fdp), KM_SLEEP);
	if (fdp == NULL)
		return ENOMEM;
	mutex_init(&fdp->fd_lock);
	fdp->fd_refcnt = 1;
	*fdpp = fdp;
	return 0;
}

int
fd_table_copy(struct filedesc *src, struct filedesc **fdpp)
{
	struct filedesc *fdp;
	int error, fd;

	error = fd_table_create(&fdp);
	if (error != 0)
		return error;
	mutex_enter(&src->fd_lock);
	for (fd = 0; fd < RUMP_MAXFILES; fd++) {
		/* Reserved slots are an open() in progress: not copied. */
		if (src->fd_files[fd] == NULL)
			continue;
		file_hold(src->fd_files[fd]);
		fdp->fd_files[fd] = src->fd_files[fd];
		fdp->fd_cloexec[fd] = src->fd_cloexec[fd] & FDF_CLOEXEC;
	}
	mutex_exit(&src->fd_lock);
	*fdpp = fdp;
	return 0;
}

void
fd_table_share(struct filedesc *fdp)
{
	__atomic_fetch_add(&fdp->fd_refcnt, 1, __ATOMIC_RELAXED);
}

void
fd_table_release(struct filedesc *fdp)
{
	struct file *fp;
	int fd;

	if (__atomic_sub_fetch(&fdp->fd_refcnt, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	/* Nobody else can reach the table now: no lock needed. */
	for (fd = 0; fd < RUMP_MAXFILES; fd++) {
		fp = fdp->fd_files[fd];
		if (fp == NULL)
			continue;
		fdp->fd_files[fd] = NULL;
		file_release(fp);
	}
	mutex_destroy(&fdp->fd_lock);
	kmem_free(fdp, sizeof(*fdp));
}
