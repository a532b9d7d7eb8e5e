/* blkdev_mem.c: block devices over a caller's memory buffer (fuzzing, tests). */
#include "kernel.h"
#include "kmem.h"

#include "blkdev_impl.h"

static int mem_io(struct bdev *bd, int rw, const struct iovec *iov, int iovcnt, uint64_t off);
static int mem_sync(struct bdev *bd);
static void mem_destroy(struct bdev *bd);

/* No host file, so no host lock: the buffer belongs to this process alone. */
static const struct bdev_backend mem_backend = {
	.bb_io = mem_io,
	.bb_sync = mem_sync,
	.bb_lock = NULL,
	.bb_unlock = NULL,
	.bb_destroy = mem_destroy,
};

int
bdev_create_mem(void *data, uint64_t size, bool readonly, dev_t *devp)
{
	struct bdev *bd;
	int error;

	if (data == NULL && size != 0)
		return EINVAL;
	if ((bd = kmem_zalloc(sizeof *bd, KM_SLEEP)) == NULL)
		return ENOMEM;
	bdev_init_common(bd, &mem_backend, size, readonly);
	bd->bd_mem = data;
	if ((error = bdev_register(bd)) != 0) {
		bdev_free_common(bd);
		return error;
	}
	*devp = bd->bd_dev;
	return 0;
}

/* A memcpy does not block, so the virtual CPU is kept. */
static int
mem_io(struct bdev *bd, int rw, const struct iovec *iov, int iovcnt, uint64_t off)
{
	char *p = (char *)bd->bd_mem + off;
	int i;

	for (i = 0; i < iovcnt; i++) {
		if (rw == BDEV_READ)
			memcpy(iov[i].iov_base, p, iov[i].iov_len);
		else
			memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	return 0;
}

static int
mem_sync(struct bdev *bd __unused)
{
	return 0;
}

static void
mem_destroy(struct bdev *bd __unused)
{
}
