/* blkdev_host.c: block devices over a window of a host file or host block device. */
#include "kernel.h"
#include "kmem.h"
#include "lwp.h"
#include "rumpuser.h"

#include <rump/rump.h>

#include "blkdev_impl.h"

/*
 * A host advisory lock (flock) on a host file, held while some device
 * over that file is open: shared while only readers have it open,
 * exclusive while a writer does.  So one process writes an image and no
 * other reads it meanwhile (it would serve stale metadata), while any
 * number of readers share it.  Devices of this process over the same
 * path (partitions of one image, a read-only mount upgraded) share one
 * lock: flock would refuse a second lock even to us.  The list and the
 * counts are protected by bdev_lock (blkdev.c), which the callers of
 * bb_lock/bb_unlock hold.
 */
struct hostlock {
	char			*hl_path;
	int			hl_fd;		/* an open file description of its own */
	int			hl_readers;	/* read-only opens holding it */
	int			hl_writers;	/* read-write opens holding it */
	LIST_ENTRY(hostlock)	hl_list;
};
static LIST_HEAD(, hostlock) hostlocks = LIST_HEAD_INITIALIZER(hostlocks);

static int host_open(const char *path, int *fdp, bool *readonlyp);
static int host_window(const char *path, uint64_t begin, uint64_t size, uint64_t *sizep);
static int host_io(struct bdev *bd, int rw, const struct iovec *iov, int iovcnt, uint64_t off);
static int host_sync(struct bdev *bd);
static struct hostlock *hostlock_find(const char *path);
static int hostlock_new(const char *path, struct hostlock **hlp);
static void hostlock_free(struct hostlock *hl);
static int host_lock(struct bdev *bd, bool exclusive);
static void host_unlock(struct bdev *bd, bool exclusive);
static void host_destroy(struct bdev *bd);
static void host_willneed(struct bdev *bd, uint64_t off, uint64_t len);
static void host_writeback(struct bdev *bd, uint64_t off, uint64_t len);

static const struct bdev_backend host_backend = {
	.bb_io = host_io,
	.bb_sync = host_sync,
	.bb_lock = host_lock,
	.bb_unlock = host_unlock,
	.bb_destroy = host_destroy,
	.bb_willneed = host_willneed,
	.bb_writeback = host_writeback,
};

/* The device size for window [begin, begin+size) of path; EINVAL when outside the file. */
static int
host_window(const char *path, uint64_t begin, uint64_t size, uint64_t *sizep)
{
	enum rumpuser_ftype type;
	uint64_t fsize;
	int error;

	if ((error = rumpuser_getfileinfo(path, &fsize, &type)) != 0)
		return error;
	if (type != RUMPUSER_FT_REG && type != RUMPUSER_FT_BLK) {
		kverbose("rump: etfs: %s is neither a regular file nor a block device\n", path);
		return EINVAL;
	}
	if (begin > fsize)
		return EINVAL;
	if (size == RUMP_ETFS_SIZE_ENDOFF)
		size = fsize - begin;
	else if (size > fsize - begin)
		return EINVAL;
	*sizep = size;
	return 0;
}

/* Read-write if the host lets us, else read-only. */
static int
host_open(const char *path, int *fdp, bool *readonlyp)
{
	int error;

	*readonlyp = false;
	error = rumpuser_open(path, RUMPUSER_OPEN_RDWR, fdp);
	if (error == EACCES || error == EROFS || error == EPERM) {
		*readonlyp = true;
		error = rumpuser_open(path, RUMPUSER_OPEN_RDONLY, fdp);
	}
	return error;
}

int
bdev_create_host(const char *hostpath, uint64_t begin, uint64_t size, dev_t *devp)
{
	struct bdev *bd;
	bool readonly;
	int error, fd;

	if ((error = host_window(hostpath, begin, size, &size)) != 0)
		return error;
	if ((error = host_open(hostpath, &fd, &readonly)) != 0)
		return error;
	if ((bd = kmem_zalloc(sizeof *bd, KM_SLEEP)) == NULL) {
		error = ENOMEM;
		goto out_close;
	}
	if ((bd->bd_path = kmem_strdup(hostpath, KM_SLEEP)) == NULL) {
		error = ENOMEM;
		goto out_free;
	}
	bdev_init_common(bd, &host_backend, size, readonly);
	bd->bd_fd = fd;
	bd->bd_begin = begin;
	if ((error = bdev_register(bd)) != 0)
		goto out_common;
	*devp = bd->bd_dev;
	return 0;
out_common:
	kmem_strfree(bd->bd_path);
	bdev_free_common(bd);
	goto out_close;
out_free:
	kmem_free(bd, sizeof *bd);
out_close:
	rumpuser_close(fd);
	return error;
}

/* Host I/O with the caller's virtual CPU given up while the host works. */
int
bdev_host_unscheduled_io(int fd, int rw, const struct iovec *iov, int iovcnt, int64_t off)
{
	struct lwp *l = curlwp;
	size_t want = 0, done = 0;
	int error, i;

	for (i = 0; i < iovcnt; i++)
		want += iov[i].iov_len;
	rump_unschedule_cpu(l);
	if (rw == BDEV_READ)
		error = rumpuser_preadv(fd, iov, iovcnt, off, &done);
	else
		error = rumpuser_pwritev(fd, iov, iovcnt, off, &done);
	rump_schedule_cpu(l);
	if (error == 0 && done != want)
		error = EIO;
	return error;
}

static int
host_io(struct bdev *bd, int rw, const struct iovec *iov, int iovcnt, uint64_t off)
{
	if (off > (uint64_t)INT64_MAX - bd->bd_begin)
		return EIO;
	return bdev_host_unscheduled_io(bd->bd_fd, rw, iov, iovcnt, (int64_t)(bd->bd_begin + off));
}

/* A hint to the host about part of the device, given with the virtual CPU released. */
static void
host_hint(struct bdev *bd, uint64_t off, uint64_t len, void (*hint)(int, int64_t, int64_t))
{
	struct lwp *l = curlwp;

	rump_unschedule_cpu(l);
	hint(bd->bd_fd, (int64_t)(bd->bd_begin + off), (int64_t)len);
	rump_schedule_cpu(l);
}

static void
host_willneed(struct bdev *bd, uint64_t off, uint64_t len)
{
	host_hint(bd, off, len, rumpuser_willneed);
}

static void
host_writeback(struct bdev *bd, uint64_t off, uint64_t len)
{
	host_hint(bd, off, len, rumpuser_writeback);
}

static int
host_sync(struct bdev *bd)
{
	struct lwp *l = curlwp;
	int error;

	rump_unschedule_cpu(l);
	error = rumpuser_fsync(bd->bd_fd);
	rump_schedule_cpu(l);
	/* A host block device or a pipe-like file may not sync: nothing to do then. */
	if (error == EINVAL || error == EROFS)
		error = 0;
	return error;
}

static struct hostlock *
hostlock_find(const char *path)
{
	struct hostlock *hl;

	LIST_FOREACH(hl, &hostlocks, hl_list)
		if (strcmp(hl->hl_path, path) == 0)
			return hl;
	return NULL;
}

/* A lock entry with a descriptor of its own and no lock taken yet. */
static int
hostlock_new(const char *path, struct hostlock **hlp)
{
	struct hostlock *hl;
	int error, fd;

	if ((error = rumpuser_open(path, RUMPUSER_OPEN_RDONLY, &fd)) != 0)
		return error;
	if ((hl = kmem_zalloc(sizeof *hl, KM_SLEEP)) == NULL) {
		error = ENOMEM;
		goto out_close;
	}
	if ((hl->hl_path = kmem_strdup(path, KM_SLEEP)) == NULL) {
		error = ENOMEM;
		goto out_free;
	}
	hl->hl_fd = fd;
	LIST_INSERT_HEAD(&hostlocks, hl, hl_list);
	*hlp = hl;
	return 0;
out_free:
	kmem_free(hl, sizeof *hl);
out_close:
	rumpuser_close(fd);
	return error;
}

/* Closing the descriptor drops the lock. */
static void
hostlock_free(struct hostlock *hl)
{
	LIST_REMOVE(hl, hl_list);
	rumpuser_close(hl->hl_fd);
	kmem_strfree(hl->hl_path);
	kmem_free(hl, sizeof *hl);
}

/*
 * EBUSY when another process holds the image in a conflicting mode.
 * A reader of a device marked nolock takes nothing (reading a live
 * image, at the caller's risk).
 */
static int
host_lock(struct bdev *bd, bool exclusive)
{
	struct hostlock *hl;
	int error = 0;

	if (!exclusive && bd->bd_nolock)
		return 0;
	if ((hl = hostlock_find(bd->bd_path)) == NULL &&
	    (error = hostlock_new(bd->bd_path, &hl)) != 0)
		return error;
	if (exclusive && hl->hl_writers == 0)
		error = rumpuser_flock(hl->hl_fd, 1);
	else if (!exclusive && hl->hl_writers == 0 && hl->hl_readers == 0)
		error = rumpuser_flock(hl->hl_fd, 0);
	if (error != 0) {
		/* flock converts by dropping the old lock first: take our readers' back. */
		if (hl->hl_readers > 0 && rumpuser_flock(hl->hl_fd, 0) != 0)
			kprintf("rump: %s: lost the shared lock on the image\n", hl->hl_path);
		if (hl->hl_readers == 0 && hl->hl_writers == 0)
			hostlock_free(hl);
		return error == EWOULDBLOCK ? EBUSY : error;
	}
	if (exclusive)
		hl->hl_writers++;
	else
		hl->hl_readers++;
	return 0;
}

static void
host_unlock(struct bdev *bd, bool exclusive)
{
	struct hostlock *hl;

	if (!exclusive && bd->bd_nolock)
		return;
	hl = hostlock_find(bd->bd_path);
	KASSERT(hl != NULL && (exclusive ? hl->hl_writers : hl->hl_readers) > 0);
	if (exclusive)
		hl->hl_writers--;
	else
		hl->hl_readers--;
	if (hl->hl_readers == 0 && hl->hl_writers == 0)
		hostlock_free(hl);
	else if (exclusive && hl->hl_writers == 0 && rumpuser_flock(hl->hl_fd, 0) != 0)
		kprintf("rump: %s: lost the shared lock on the image\n", hl->hl_path);
}

static void
host_destroy(struct bdev *bd)
{
	KASSERT(bd->bd_nopen == 0);
	rumpuser_close(bd->bd_fd);
	kmem_strfree(bd->bd_path);
}
