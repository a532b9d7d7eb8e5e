/* test_kmem_reclaim.c: the reclaim contract: in-line try, the reclaim thread, its bounded wait (RUMP_NCPU from the environment). */
#include <stdint.h>
#include <time.h>

#include <rump/rump.h>

#include "kern_test.h"
#include "kernel.h"
#include "kmem.h"
#include "locks.h"
#include "lwp.h"

#define CHUNK	(64 * 1024)
#define NSLOTS	64

/*
 * The test reclaimer holds chunks that fill the 1 MiB limit.  In line it
 * gives nothing back (as a cache whose memory needs I/O or a blocking
 * lock to free); from the thread it takes rc_lock and frees one chunk.
 */
static struct {
	void		*chunks[NSLOTS];
	int		n;		/* rc_lock (or single threaded) */
	int		ntry, nwait;	/* calls of each kind; atomic */
	int		pause_ms;	/* the thread's call sleeps this long first */
	int		inflight;	/* atomic: a KMR_WAIT call is running */
	bool		alloc_in_try;	/* the in-line call tries to allocate */
	void		*nested;	/* what that allocation got */
	struct lwp	*caller;	/* the allocating lwp */
	bool		other_lwp;	/* KMR_WAIT ran on another lwp */
	kmutex_t	lock;
} rc;

static size_t
rc_reclaim(void *arg __unused, size_t want __unused, int how)
{
	size_t freed = 0;

	if (how == KMR_TRY) {
		__atomic_add_fetch(&rc.ntry, 1, __ATOMIC_RELAXED);
		if (rc.alloc_in_try && rc.n > 0) {
			/* over the limit: refused, not a nested reclaim */
			rc.nested = kmem_alloc(CHUNK, KM_SLEEP);
			kmem_free(rc.chunks[--rc.n], CHUNK);
			freed = CHUNK;
		}
		return freed;
	}
	__atomic_store_n(&rc.inflight, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&rc.nwait, 1, __ATOMIC_RELAXED);
	rc.other_lwp = curlwp != rc.caller;
	if (rc.pause_ms > 0)
		kpause_ms((unsigned)rc.pause_ms);
	mutex_enter(&rc.lock);
	if (rc.n > 0) {
		kmem_free(rc.chunks[--rc.n], CHUNK);
		freed = CHUNK;
	}
	mutex_exit(&rc.lock);
	__atomic_store_n(&rc.inflight, 0, __ATOMIC_RELAXED);
	return freed;
}

static struct kmem_reclaimer rc_reclaimer = {
	.kr_name = "test",
	.kr_reclaim = rc_reclaim,
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Boot with a 1 MiB limit (keeping RUMP_NCPU), fill it with the reclaimer's chunks, register it. */
static void
rc_boot(const char *threads)
{
	char *ncpu = getenv("RUMP_NCPU");
	void *p;

	ncpu = ncpu != NULL ? strdup(ncpu) : NULL;
	kt_clear_env();
	if (ncpu != NULL)
		setenv("RUMP_NCPU", ncpu, 1);
	free(ncpu);
	setenv("RUMP_MEMLIMIT", "1m", 1);
	setenv("RUMP_THREADS", threads, 1);
	memset(&rc, 0, sizeof(rc));
	CHECK_ERR(rump_init(), 0);
	rump_schedule();
	mutex_init(&rc.lock);
	rc.caller = curlwp;
	while ((p = kmem_alloc(CHUNK, KM_SLEEP)) != NULL) {
		CHECK(rc.n < NSLOTS);
		rc.chunks[rc.n++] = p;
	}
	kmem_reclaimer_register(&rc_reclaimer);
}

static void
rc_halt(void)
{
	kmem_reclaimer_unregister(&rc_reclaimer);
	mutex_enter(&rc.lock);
	while (rc.n > 0)
		kmem_free(rc.chunks[--rc.n], CHUNK);
	mutex_exit(&rc.lock);
	mutex_destroy(&rc.lock);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
	CHECK_EQ(kmem_inuse(), 0);
}

/* What the in-line pass cannot free, the thread frees, and the allocation succeeds. */
T_CASE(kmem_reclaim_thread_frees)
{
	struct kmem_stats ks;
	void *p;

	rc_boot("1");
	CHECK(kmem_alloc(CHUNK, KM_NOSLEEP) == NULL);
	CHECK_EQ(rc.ntry + rc.nwait, 0);	/* KM_NOSLEEP never reclaims */
	p = kmem_alloc(CHUNK, KM_SLEEP);
	CHECK(p != NULL);
	CHECK(rc.ntry >= 1 && rc.nwait >= 1);
	CHECK(rc.other_lwp);
	kmem_stats_get(&ks);
	CHECK(ks.ks_inline >= 1 && ks.ks_thread >= 1 && ks.ks_waits >= 1);
	CHECK_EQ(ks.ks_timeouts, 0);
	kmem_free(p, CHUNK);
	rc_halt();
}

/*
 * The caller holds the lock the thread's pass needs: the allocation
 * fails after the bounded wait instead of hanging, and once the lock is
 * let go the pass finishes and memory can be had again.
 */
T_CASE(kmem_reclaim_holder_fails_cleanly)
{
	struct kmem_stats ks;
	int64_t t0;
	void *p;

	rc_boot("1");
	mutex_enter(&rc.lock);
	t0 = now_ms();
	CHECK(kmem_alloc(CHUNK, KM_SLEEP) == NULL);
	CHECK(now_ms() - t0 < 10000);
	kmem_stats_get(&ks);
	CHECK(ks.ks_timeouts >= 1 && ks.ks_failed >= 1);
	mutex_exit(&rc.lock);
	p = kmem_alloc(CHUNK, KM_SLEEP);
	CHECK(p != NULL);
	kmem_free(p, CHUNK);
	rc_halt();
}

/* An in-line reclaimer that allocates gets no nested reclaim: refused over the limit. */
T_CASE(kmem_reclaim_no_recursion)
{
	void *p;

	rc_boot("1");
	rc.alloc_in_try = true;
	p = kmem_alloc(CHUNK, KM_SLEEP);
	CHECK(p != NULL);
	CHECK(rc.nested == NULL);
	CHECK_EQ(rc.ntry, 1);
	kmem_free(p, CHUNK);
	rc_halt();
}

/* Without kernel threads there is only in-line reclaim, and no waiting. */
T_CASE(kmem_reclaim_nothreads)
{
	struct kmem_stats ks;
	int64_t t0;

	rc_boot("0");
	t0 = now_ms();
	CHECK(kmem_alloc(CHUNK, KM_SLEEP) == NULL);
	CHECK(now_ms() - t0 < 200);
	CHECK(rc.ntry >= 1);
	CHECK_EQ(rc.nwait, 0);
	kmem_stats_get(&ks);
	CHECK_EQ(ks.ks_waits, 0);
	CHECK(ks.ks_failed >= 1);
	rc_halt();
}

/* Unregister waits for the thread's call in flight: none runs once it returns. */
T_CASE(kmem_reclaim_unregister_waits)
{
	void *p;

	rc_boot("1");
	rc.pause_ms = 600;	/* longer than the allocation's bounded wait */
	p = kmem_alloc(CHUNK, KM_SLEEP);
	CHECK(p == NULL);
	CHECK_EQ(__atomic_load_n(&rc.inflight, __ATOMIC_RELAXED), 1);
	kmem_reclaimer_unregister(&rc_reclaimer);
	CHECK_EQ(__atomic_load_n(&rc.inflight, __ATOMIC_RELAXED), 0);
	kmem_reclaimer_register(&rc_reclaimer);
	rc_halt();
}
