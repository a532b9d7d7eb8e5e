/* blkdev.h: block devices: host files (etfs) or memory, with fault injection. */
#ifndef VFS_BLKDEV_H
#define VFS_BLKDEV_H

#include "kernel.h"
#include <sys/uio.h>

struct vnode;

/*
 * A block device is a byte range of a host file or of a memory buffer.
 * It is found by its dev_t (the rdev of its node in /dev).  I/O releases
 * the caller's virtual CPU while the host works.
 *
 * Fault injection: RUMP_BLKFAIL=n fails n in every 10000 I/O requests
 * with EIO, chosen by a generator seeded with RUMP_BLKFAIL_SEED (default
 * 0), so a run is repeatable.  RUMP_BLKSECTSHIFT sets the sector size
 * reported (default 9: 512 bytes); I/O must be aligned to it.
 */
struct bdev;

#define BDEV_READ	0
#define BDEV_WRITE	1

/* Look up the device behind vnode vp (VBLK), opening it; ENXIO if none, ENOTBLK if vp is not VBLK.
 * fwrite: opened for writing (EROFS on a read-only device, EBUSY if already opened for writing).
 * A host file is locked against other processes while open: exclusively
 * while opened for writing, shared while only read; EBUSY if another
 * process holds it in a conflicting mode. */
int	bdev_open(struct vnode *vp, bool fwrite, struct bdev **bdp);
void	bdev_close(struct bdev *bd, bool fwrite);
/* The device of dev_t dev (no open count); NULL if none. */
struct bdev *bdev_lookup(dev_t dev);

/* Move len bytes at byte offset off; EIO past the end or on (injected) failure. */
int	bdev_io(struct bdev *bd, int rw, const struct iovec *iov, int iovcnt, uint64_t off);
/* Flush the host file's caches (fsync). */
int	bdev_sync(struct bdev *bd);
/* Hint that [off, off+len) will be read soon (clipped to the device; a backend may ignore it). */
void	bdev_willneed(struct bdev *bd, uint64_t off, uint64_t len);
/* Hint that [off, off+len), just written, should go to stable storage soon. */
void	bdev_writeback(struct bdev *bd, uint64_t off, uint64_t len);
uint64_t bdev_size(const struct bdev *bd);	/* bytes */
unsigned bdev_secsize(const struct bdev *bd);
bool	bdev_readonly(const struct bdev *bd);
dev_t	bdev_dev(const struct bdev *bd);

/* Count of host I/O requests made and failures injected (tests). */
void	bdev_iostats(const struct bdev *bd, uint64_t *nio, uint64_t *nfail);

#endif /* VFS_BLKDEV_H */

/* Creation, for etfs.  A new device gets a fresh dev_t (major 17). */
#ifndef VFS_BLKDEV_CREATE
#define VFS_BLKDEV_CREATE
/* Host file hostpath, window [begin, begin+size) (size RUMP_ETFS_SIZE_ENDOFF: to the end).
 * Opens read-write if the host allows, else read-only.  ENOENT, EACCES, EINVAL (window outside). */
int	bdev_create_host(const char *hostpath, uint64_t begin, uint64_t size, dev_t *devp);
/* Memory buffer (borrowed). */
int	bdev_create_mem(void *data, uint64_t size, bool readonly, dev_t *devp);
/* Readers of dev take no host lock (reading a live image); EBUSY once opened. */
int	bdev_setnolock(dev_t dev, bool nolock);
/* Destroy; EBUSY while open. */
int	bdev_destroy(dev_t dev);
#endif
