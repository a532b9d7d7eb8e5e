/* vfs_bio_init.c: the "bio" component: block devices, buffer cache and syncer set up and torn down; reclaim and purge. */
#include "kernel.h"
#include "component.h"
#include "kmem.h"
#include "lwp.h"

#include "vfs_bio_impl.h"

#define BIO_MAX_DEFAULT	(12ULL << 20)	/* cache bound unless RUMP_CACHESIZE says */
#define BIO_MAX_MIN	(256ULL << 10)	/* smallest bound: a few blocks of the largest size */
#define BIO_HASHMIN	256
#define BIO_HASHMAX	(1 << 18)
#define BIO_HASHBYTES	2048	/* a bucket per this many bytes of cache: chains stay short even with 4 KiB blocks */

static size_t bio_reclaim(void *arg, size_t want, int how);
static int bio_component_init(void);
static void bio_component_fini(void);

static struct rump_component bio_component = {
	.rc_type = RUMP_COMPONENT_VFS,
	.rc_name = "bio",
	.rc_init = bio_component_init,
	.rc_fini = bio_component_fini,
};
RUMP_COMPONENT(bio_component)

/*
 * The bound: RUMP_CACHESIZE, else BIO_MAX_DEFAULT; never more than half
 * of a memory limit.  Small by default because the host already caches
 * the image's pages: what a re-read costs here is a pread from host
 * memory, so the cache mainly holds metadata and dirty data.
 */
static uint64_t
bufcache_bound(uint64_t want, uint64_t limit)
{
	uint64_t max = want != 0 ? want : BIO_MAX_DEFAULT;

	if (limit != 0)
		max = MIN(max, limit / 2);
	return MAX(max, BIO_MAX_MIN);
}

int
bufcache_init(void)
{
	uint64_t limit = kmem_limit();
	size_t nhash = BIO_HASHMIN, i;

	memset(&bufcache, 0, sizeof bufcache);
	bio_mem_init();
	bufcache.bc_max = bufcache_bound(rump_params.rp_cachesize, limit);
	/*
	 * Chains shorter than one buffer on average: a lookup that misses
	 * (every new block) walks its whole chain, a cache miss per buffer.
	 */
	while (nhash < BIO_HASHMAX && nhash * BIO_HASHBYTES < bufcache.bc_max)
		nhash *= 2;
	/* Zeroed = every chain empty; its pages are touched only as buckets fill. */
	bufcache.bc_hash = kmem_zalloc(nhash * sizeof(*bufcache.bc_hash), KM_SLEEP);
	if (bufcache.bc_hash == NULL) {
		bio_mem_fini();
		return ENOMEM;
	}
	bufcache.bc_nhash = nhash;
	TAILQ_INIT(&bufcache.bc_lruclean);
	TAILQ_INIT(&bufcache.bc_lrudirty);
	TAILQ_INIT(&bufcache.bc_freeq);
	for (i = 0; i < BIO_NFREE; i++)
		LIST_INIT(&bufcache.bc_free[i]);
	LIST_INIT(&bufcache.bc_dirtydevs);
	mutex_init(&bufcache.bc_lock);
	cv_init(&bufcache.bc_cv, "biowait");
	cv_init(&bufcache.bc_syncercv, "syncer");
	bufcache.bc_reclaimer.kr_name = "bufcache";
	bufcache.bc_reclaimer.kr_reclaim = bio_reclaim;
	kmem_reclaimer_register(&bufcache.bc_reclaimer);
	return 0;
}

/* Every device is gone by now (bdev_subsys_fini purged their buffers). */
void
bufcache_fini(void)
{
	kmem_reclaimer_unregister(&bufcache.bc_reclaimer);
	bio_free_drain(UINT64_MAX);
	KASSERT(bufcache.bc_nfree == 0 && bufcache.bc_freebytes == 0);
	KASSERT(bufcache.bc_nbufs == 0 && bufcache.bc_bytes == 0);
	cv_destroy(&bufcache.bc_syncercv);
	cv_destroy(&bufcache.bc_cv);
	mutex_destroy(&bufcache.bc_lock);
	kmem_free(bufcache.bc_hash, bufcache.bc_nhash * sizeof(*bufcache.bc_hash));
	bufcache.bc_hash = NULL;
	bio_mem_fini();
}

/*
 * kmem's reclaimer.  In line (KMR_TRY) the caller may hold the cache
 * lock, so it is only tried, and only kept and clean idle buffers go
 * (bio_mem_free's lock is a leaf).  The reclaim thread (KMR_WAIT) waits
 * for the lock and also writes the oldest dirty buffers to free them.
 * Others may add buffers while a write has the lock dropped, so what was
 * freed is the fall of bc_bytes, if any.
 */
static size_t
bio_reclaim(void *arg __unused, size_t want, int how)
{
	uint64_t before, target;
	int failures = 0;
	bool wrote = false;

	if (how == KMR_TRY) {
		if (!mutex_tryenter(&bufcache.bc_lock))
			return 0;
	} else {
		mutex_enter(&bufcache.bc_lock);
	}
	before = bufcache.bc_bytes;
	target = before > want ? before - want : 0;
	while (bufcache.bc_bytes > target && bio_shed(how == KMR_WAIT, &failures, &wrote))
		;
	before = before > bufcache.bc_bytes ? before - bufcache.bc_bytes : 0;
	mutex_exit(&bufcache.bc_lock);
	return (size_t)before;
}

void
bio_dropdev(struct bdev *bd)
{
	struct buf *bp;

	while ((bp = LIST_FIRST(&bd->bd_bufs)) != NULL) {
		if (bp->b_flags & B_BUSY) {
			KASSERTMSG(bp->b_owner != curlwp,
			    "vinvalbuf: block %jd is held by the caller", (intmax_t)bp->b_blkno);
			cv_wait(&bufcache.bc_cv, &bufcache.bc_lock);
			continue;
		}
		bio_destroy(bp);
	}
	bio_ra_reset(bd);
}

void
vinvalbuf(struct vnode *vp)
{
	struct bdev *bd;

	if (bio_devof(vp, &bd) != 0)
		return;
	mutex_enter(&bufcache.bc_lock);
	bio_dropdev(bd);
	mutex_exit(&bufcache.bc_lock);
}

/* The device is going away: what is dirty is written if it can be, then all is dropped. */
void
bufcache_purgedev(struct bdev *bd)
{
	mutex_enter(&bufcache.bc_lock);
	if (bd->bd_ndirty > 0 && bio_flushdev(bd, true) != 0)
		kprintf("bio: device %#jx: %u dirty buffers lost to write errors\n",
		    (uintmax_t)bd->bd_dev, bd->bd_ndirty);
	bio_dropdev(bd);
	mutex_exit(&bufcache.bc_lock);
}

static int
bio_component_init(void)
{
	int error;

	/* Parameters first: a bad value fails the boot before anything is allocated. */
	if ((error = blkfail_init()) != 0)
		return error;
	blkcut_init();
	bdev_subsys_init();
	if ((error = bufcache_init()) != 0)
		goto out_bdev;
	syncer_start();
	return 0;
out_bdev:
	bdev_subsys_fini();
	return error;
}

static void
bio_component_fini(void)
{
	syncer_stop();
	bdev_subsys_fini();
	bufcache_fini();
}
