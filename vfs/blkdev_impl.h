/* blkdev_impl.h: private to the block-device and buffer-cache files: struct bdev and the backends. */
#ifndef VFS_BLKDEV_IMPL_H
#define VFS_BLKDEV_IMPL_H

#include "blkdev.h"
#include "buf.h"
#include "locks.h"

struct hostlock;

/*
 * A backend moves bytes: host file (blkdev_host.c) or memory
 * (blkdev_mem.c).  Offsets are device offsets, already range checked
 * and aligned by bdev_io; the backend adds its own window start.
 */
struct bdev_backend {
	int	(*bb_io)(struct bdev *bd, int rw, const struct iovec *iov, int iovcnt, uint64_t off);
	int	(*bb_sync)(struct bdev *bd);
	/* Take / drop the host's advisory lock for one open, exclusive for a
	 * writer, shared for a reader; EBUSY if another process's lock
	 * conflicts (NULL: nothing to lock). */
	int	(*bb_lock)(struct bdev *bd, bool exclusive);
	void	(*bb_unlock)(struct bdev *bd, bool exclusive);
	void	(*bb_destroy)(struct bdev *bd);	/* free the backend's part */
	/* Start reading [off, off+len) ahead, asynchronously (NULL: nothing to do). */
	void	(*bb_willneed)(struct bdev *bd, uint64_t off, uint64_t len);
	/* Start writing [off, off+len) to stable storage, asynchronously (NULL: nothing to do). */
	void	(*bb_writeback)(struct bdev *bd, uint64_t off, uint64_t len);
};

#define BIO_RASTREAMS	8	/* sequential streams followed per device */

struct bdev {
	dev_t			bd_dev;
	const struct bdev_backend *bd_be;
	uint64_t		bd_size;	/* bytes; constant */
	unsigned		bd_secsize;	/* constant */
	bool			bd_readonly;	/* constant */
	/* Open state; bdev_lock. */
	int			bd_nopen;
	bool			bd_writer;	/* opened for writing */
	LIST_ENTRY(bdev)	bd_list;	/* bdev_lock */
	/* Fault injection and statistics; bd_statlock. */
	kmutex_t		bd_statlock;
	uint64_t		bd_rng;		/* RUMP_BLKFAIL generator state */
	uint64_t		bd_nio;
	uint64_t		bd_nfail;
	/* Backend state. */
	int			bd_fd;		/* host: file descriptor */
	uint64_t		bd_begin;	/* host: window start in the file */
	char			*bd_path;	/* host: path (kmem_strdup) */
	bool			bd_nolock;	/* host: readers take no lock; bdev_lock */
	void			*bd_mem;	/* memory: the borrowed buffer */
	/* Buffer cache state of this device; bufcache lock (vfs_bio.c). */
	LIST_HEAD(, buf)	bd_bufs;	/* every cached buffer (dropping a device walks only its own) */
	TAILQ_HEAD(, buf)	bd_dirtyq;	/* dirty buffers, oldest first */
	unsigned		bd_ndirty;
	LIST_ENTRY(bdev)	bd_dirtydevs;	/* on the list of devices with dirty buffers */
	struct bio_stream {
		daddr_t		rs_next;	/* block after the stream's last bread, -1: free */
		int		rs_win;		/* read-ahead window in buffers (0: none) */
		unsigned	rs_used;	/* when last continued (for replacing the oldest) */
	}			bd_ra[BIO_RASTREAMS];	/* sequential streams being read */
	unsigned		bd_raclock;
};

/* Forget the device's read streams (vfs_bio_readahead.c); bufcache lock or no sharing yet. */
void	bio_ra_reset(struct bdev *bd);

/* Add a device built by a backend (fills bd_dev); its fields must be set. */
int	bdev_register(struct bdev *bd);
/* Common initialisation of a new device struct (locks, lists). */
void	bdev_init_common(struct bdev *bd, const struct bdev_backend *be, uint64_t size, bool readonly);
void	bdev_free_common(struct bdev *bd);

/* Sector size chosen at boot (RUMP_BLKSECTSHIFT). */
unsigned bdev_boot_secsize(void);

/* blkfail.c: parameters and the failure generator. */
int	blkfail_init(void);		/* parse RUMP_BLKFAIL*, RUMP_BLKSECTSHIFT: 0 or EINVAL */
unsigned blkfail_secshift(void);
uint64_t blkfail_seed(void);
/* Draw for one request with generator state *rng: true when it must fail. */
bool	blkfail_draw(uint64_t *rng);
/* blkfail_nth.c: the request rump_pub_blkfail_nth() armed to fail. */
bool	blkfail_nth_now(void);
/* blkcut.c: arm the cut from RUMP_BLKCUT (boot); whether this write request is dropped. */
void	blkcut_init(void);
bool	blkcut_drop(void);

/* Device list lifecycle (blkdev.c), from the component. */
void	bdev_subsys_init(void);
void	bdev_subsys_fini(void);		/* destroys every device */

/* Buffer cache (vfs_bio.c) hooks used by the devices and the component. */
int	bufcache_init(void);
void	bufcache_fini(void);
/* Write back and drop every buffer of bd (device destruction). */
void	bufcache_purgedev(struct bdev *bd);

/* syncer.c */
void	syncer_start(void);
void	syncer_stop(void);

/* I/O with the virtual CPU released around the host call. */
int	bdev_host_unscheduled_io(int fd, int rw, const struct iovec *iov, int iovcnt, int64_t off);

#endif /* VFS_BLKDEV_IMPL_H */
