/* syncer.c: the syncer thread: every second, writes back buffers dirty for more than BIO_SYNCDELAY_MS. */
#include "kernel.h"
#include "kthread.h"

#include "vfs_bio_impl.h"

#define SYNCER_TICK_MS	1000

static void syncer_main(void *arg);

static struct lwp *syncer_lwp;

/*
 * With RUMP_THREADS=0 there is no thread (kthread_create says
 * EOPNOTSUPP): dirty buffers then wait for sync, unmount, vflushbuf or
 * memory pressure.  Any other failure only costs the periodic writes,
 * so it is reported, not fatal.
 */
void
syncer_start(void)
{
	int error;

	bufcache.bc_syncerstop = false;
	bufcache.bc_syncer = false;
	error = kthread_create(syncer_main, NULL, "syncer", &syncer_lwp);
	if (error == 0) {
		mutex_enter(&bufcache.bc_lock);
		bufcache.bc_syncer = true;
		mutex_exit(&bufcache.bc_lock);
	} else if (error != EOPNOTSUPP) {
		kprintf("bio: no syncer thread (error %d): buffers are written at sync only\n", error);
	}
	if (error != 0)
		syncer_lwp = NULL;
}

void
syncer_stop(void)
{
	if (syncer_lwp == NULL)
		return;
	mutex_enter(&bufcache.bc_lock);
	bufcache.bc_syncerstop = true;
	bufcache.bc_syncer = false;
	cv_signal(&bufcache.bc_syncercv);
	mutex_exit(&bufcache.bc_lock);
	kthread_stop(syncer_lwp);
	kthread_join(syncer_lwp);
	syncer_lwp = NULL;
}

static void
syncer_main(void *arg __unused)
{
	mutex_enter(&bufcache.bc_lock);
	while (!bufcache.bc_syncerstop && !kthread_should_stop()) {
		bio_flush_aged(bio_now_ms() - BIO_SYNCDELAY_MS);
		if (bufcache.bc_dirtybytes > BIO_DIRTY_HIGH(bufcache.bc_max))
			bio_flush_excess(BIO_DIRTY_LOW(bufcache.bc_max));
		/* bawrite and syncer_stop signal; otherwise one tick. */
		(void)cv_timedwait(&bufcache.bc_syncercv, &bufcache.bc_lock, SYNCER_TICK_MS);
	}
	mutex_exit(&bufcache.bc_lock);
}
