/* blkdev.c: the block-device table: dev_t numbers, open/close, bounds-checked I/O with fault injection. */
#include "kernel.h"
#include "kmem.h"

#include <sys/sysmacros.h>

#include "blkdev_impl.h"
#include "vnode.h"

#define BDEV_MAJOR	17	/* major number of every etfs/memory device */

static struct bdev *bdev_find(dev_t dev);
static void bdev_teardown(struct bdev *bd);
static void bdev_unlock_one(struct bdev *bd, bool fwrite);

/* The device list, open counts and the host image locks of blkdev_host.c. */
static kmutex_t bdev_lock;
static LIST_HEAD(, bdev) bdev_list = LIST_HEAD_INITIALIZER(bdev_list);
static unsigned bdev_nextminor;		/* bdev_lock; restarts at every boot so runs repeat */

void
bdev_subsys_init(void)
{
	mutex_init(&bdev_lock);
	LIST_INIT(&bdev_list);
	bdev_nextminor = 0;
}

/* Shutdown: every device goes, open or not (its users are gone by now). */
void
bdev_subsys_fini(void)
{
	struct bdev *bd;

	mutex_enter(&bdev_lock);
	while ((bd = LIST_FIRST(&bdev_list)) != NULL) {
		LIST_REMOVE(bd, bd_list);
		while (bd->bd_nopen > 0)
			bdev_unlock_one(bd, bd->bd_writer);
		mutex_exit(&bdev_lock);
		bdev_teardown(bd);
		mutex_enter(&bdev_lock);
	}
	mutex_exit(&bdev_lock);
	mutex_destroy(&bdev_lock);
}

unsigned
bdev_boot_secsize(void)
{
	return 1U << blkfail_secshift();
}

void
bdev_init_common(struct bdev *bd, const struct bdev_backend *be, uint64_t size, bool readonly)
{
	bd->bd_be = be;
	bd->bd_size = size;
	bd->bd_secsize = bdev_boot_secsize();
	bd->bd_readonly = readonly;
	bd->bd_fd = -1;
	mutex_init(&bd->bd_statlock);
	LIST_INIT(&bd->bd_bufs);
	TAILQ_INIT(&bd->bd_dirtyq);
	bio_ra_reset(bd);
}

void
bdev_free_common(struct bdev *bd)
{
	mutex_destroy(&bd->bd_statlock);
	kmem_free(bd, sizeof *bd);
}

int
bdev_register(struct bdev *bd)
{
	mutex_enter(&bdev_lock);
	if (bdev_nextminor >= (1U << 20)) {
		mutex_exit(&bdev_lock);
		return ENOSPC;
	}
	bd->bd_dev = makedev(BDEV_MAJOR, bdev_nextminor);
	/* Each device draws its own failure sequence: its I/O pattern alone decides. */
	bd->bd_rng = blkfail_seed() ^ ((uint64_t)bdev_nextminor * 0x9e3779b97f4a7c15ULL);
	bdev_nextminor++;
	LIST_INSERT_HEAD(&bdev_list, bd, bd_list);
	mutex_exit(&bdev_lock);
	return 0;
}

/* Called with bdev_lock held. */
static struct bdev *
bdev_find(dev_t dev)
{
	struct bdev *bd;

	LIST_FOREACH(bd, &bdev_list, bd_list)
		if (bd->bd_dev == dev)
			return bd;
	return NULL;
}

struct bdev *
bdev_lookup(dev_t dev)
{
	struct bdev *bd;

	mutex_enter(&bdev_lock);
	bd = bdev_find(dev);
	mutex_exit(&bdev_lock);
	return bd;
}

int
bdev_open(struct vnode *vp, bool fwrite, struct bdev **bdp)
{
	struct bdev *bd;
	int error = 0;

	*bdp = NULL;
	if (vp->v_type != VBLK)
		return ENOTBLK;
	mutex_enter(&bdev_lock);
	if ((bd = bdev_find(vp->v_rdev)) == NULL) {
		error = ENXIO;
		goto out_unlock;
	}
	if (fwrite) {
		if (bd->bd_readonly) {
			error = EROFS;
			goto out_unlock;
		}
		if (bd->bd_writer) {
			error = EBUSY;
			goto out_unlock;
		}
	}
	/* Another process writing the host file, or reading it when we write, makes this EBUSY. */
	if (bd->bd_be->bb_lock != NULL && (error = bd->bd_be->bb_lock(bd, fwrite)) != 0)
		goto out_unlock;
	bd->bd_writer |= fwrite;
	bd->bd_nopen++;
	*bdp = bd;
out_unlock:
	mutex_exit(&bdev_lock);
	return error;
}

void
bdev_close(struct bdev *bd, bool fwrite)
{
	mutex_enter(&bdev_lock);
	KASSERT(bd->bd_nopen > 0 && (!fwrite || bd->bd_writer));
	bdev_unlock_one(bd, fwrite);
	mutex_exit(&bdev_lock);
}

/* Undo one open's lock and count; bdev_lock held. */
static void
bdev_unlock_one(struct bdev *bd, bool fwrite)
{
	if (bd->bd_be->bb_unlock != NULL)
		bd->bd_be->bb_unlock(bd, fwrite);
	bd->bd_writer &= !fwrite;
	bd->bd_nopen--;
}

int
bdev_setnolock(dev_t dev, bool nolock)
{
	struct bdev *bd;
	int error = 0;

	mutex_enter(&bdev_lock);
	if ((bd = bdev_find(dev)) == NULL)
		error = ENXIO;
	else if (bd->bd_nopen > 0)
		error = EBUSY;	/* the opens made so far locked by the old rule */
	else
		bd->bd_nolock = nolock;
	mutex_exit(&bdev_lock);
	return error;
}

int
bdev_destroy(dev_t dev)
{
	struct bdev *bd;

	mutex_enter(&bdev_lock);
	if ((bd = bdev_find(dev)) == NULL) {
		mutex_exit(&bdev_lock);
		return ENXIO;
	}
	if (bd->bd_nopen > 0) {
		mutex_exit(&bdev_lock);
		return EBUSY;
	}
	LIST_REMOVE(bd, bd_list);
	mutex_exit(&bdev_lock);
	bdev_teardown(bd);
	return 0;
}

/* The device is off the list: write its buffers back, drop them, free it. */
static void
bdev_teardown(struct bdev *bd)
{
	bufcache_purgedev(bd);
	bd->bd_be->bb_destroy(bd);
	bdev_free_common(bd);
}

void
bdev_willneed(struct bdev *bd, uint64_t off, uint64_t len)
{
	if (bd->bd_be->bb_willneed == NULL || off >= bd->bd_size)
		return;
	bd->bd_be->bb_willneed(bd, off, MIN(len, bd->bd_size - off));
}

void
bdev_writeback(struct bdev *bd, uint64_t off, uint64_t len)
{
	if (bd->bd_be->bb_writeback != NULL && off < bd->bd_size)
		bd->bd_be->bb_writeback(bd, off, MIN(len, bd->bd_size - off));
}

int
bdev_io(struct bdev *bd, int rw, const struct iovec *iov, int iovcnt, uint64_t off)
{
	uint64_t len = 0;
	bool fail;
	int i;

	if (iovcnt < 0 || iovcnt > IOV_MAX || (rw != BDEV_READ && rw != BDEV_WRITE))
		return EINVAL;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > UINT64_MAX - len)
			return EINVAL;
		len += iov[i].iov_len;
	}
	if (rw == BDEV_WRITE && bd->bd_readonly)
		return EROFS;
	if (off % bd->bd_secsize != 0 || len % bd->bd_secsize != 0)
		return EINVAL;
	if (off > bd->bd_size || len > bd->bd_size - off)
		return EIO;
	if (len == 0)
		return 0;

	mutex_enter(&bd->bd_statlock);
	bd->bd_nio++;
	fail = blkfail_draw(&bd->bd_rng) || blkfail_nth_now();
	if (fail)
		bd->bd_nfail++;
	mutex_exit(&bd->bd_statlock);
	if (fail)
		return EIO;
	if (rw == BDEV_WRITE && blkcut_drop())
		return 0;
	return bd->bd_be->bb_io(bd, rw, iov, iovcnt, off);
}

int
bdev_sync(struct bdev *bd)
{
	if (bd->bd_readonly)
		return 0;
	return bd->bd_be->bb_sync(bd);
}

uint64_t
bdev_size(const struct bdev *bd)
{
	return bd->bd_size;
}

unsigned
bdev_secsize(const struct bdev *bd)
{
	return bd->bd_secsize;
}

bool
bdev_readonly(const struct bdev *bd)
{
	return bd->bd_readonly;
}

dev_t
bdev_dev(const struct bdev *bd)
{
	return bd->bd_dev;
}

void
bdev_iostats(const struct bdev *bd, uint64_t *nio, uint64_t *nfail)
{
	struct bdev *wbd = (struct bdev *)(uintptr_t)bd;	/* the lock is not part of the value */

	mutex_enter(&wbd->bd_statlock);
	*nio = bd->bd_nio;
	*nfail = bd->bd_nfail;
	mutex_exit(&wbd->bd_statlock);
}
