/* kmem_reclaim.c: running the reclaimers: in line with try locks only, or by the reclaim thread, which may block. */
#include "kmem.h"
#include "kern_private.h"
#include "kthread.h"
#include "lwp.h"
#include "rumpuser.h"

/* An allocation waits this long for the reclaim thread's pass before it fails. */
#define KMEM_RECLAIM_WAIT_MS	250
/* A thread pass frees this share of the limit beyond what was asked: a run of allocations wakes it once. */
#define KMEM_RECLAIM_SLACK	1024

/*
 * The lock is a kernel mutex: a thread waiting for it gives its virtual
 * CPU up.  It is never held across a reclaimer call (kr_busy marks the
 * calls in flight) nor across an allocation, so taking it from inside
 * any kmem_alloc cannot close a cycle.
 */
static struct {
	kmutex_t	lock;		/* the fields below and the reclaimers' list fields */
	kcondvar_t	idle_cv;	/* a reclaimer call returned (unregister waits) */
	kcondvar_t	work_cv;	/* the thread was asked for a pass, or to stop */
	kcondvar_t	done_cv;	/* the thread finished a pass */
	TAILQ_HEAD(, kmem_reclaimer) list;	/* in registration order */
	bool		up;		/* atomic: lock set up, reclaim may run */
	bool		stop;
	bool		running;	/* the thread is in its loop */
	struct lwp	*thread;	/* NULL: none (RUMP_THREADS=0) */
	uint64_t	asked;		/* thread passes asked for */
	uint64_t	done;		/* of those, finished */
	size_t		want;		/* bytes asked since the last pass began */
	struct kmem_stats stats;	/* atomic counters */
} kmr;

static size_t	reclaim_all(size_t want, int how);
static void	reclaim_inline(struct lwp *l, size_t want);
static void	reclaim_wait(struct lwp *l, size_t want);
static void	reclaim_thread(void *arg);

static inline void
stat_inc(uint64_t *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

void
kmem_reclaim_start(void)
{
	struct lwp *l;
	int error;

	mutex_init(&kmr.lock);
	cv_init(&kmr.idle_cv, "kmidle");
	cv_init(&kmr.work_cv, "kmwork");
	cv_init(&kmr.done_cv, "kmdone");
	TAILQ_INIT(&kmr.list);
	kmr.stop = kmr.running = false;
	kmr.thread = NULL;
	kmr.asked = kmr.done = 0;
	kmr.want = 0;
	memset(&kmr.stats, 0, sizeof(kmr.stats));
	__atomic_store_n(&kmr.up, true, __ATOMIC_RELEASE);
	error = kthread_create(reclaim_thread, NULL, "kmreclaim", &l);
	if (error == 0) {
		/* Once running it has freed its start record: kmem_inuse() is settled after boot. */
		mutex_enter(&kmr.lock);
		kmr.thread = l;
		while (!kmr.running)
			cv_wait(&kmr.done_cv, &kmr.lock);
		mutex_exit(&kmr.lock);
	} else if (error != EOPNOTSUPP) {
		kprintf("kmem: no reclaim thread (error %d): in-line reclaim only\n", error);
	}
}

/* At shutdown or a failed boot: no other thread is in the kernel. */
void
kmem_reclaim_stop(void)
{
	struct lwp *l;

	mutex_enter(&kmr.lock);
	if (!TAILQ_EMPTY(&kmr.list))
		kprintf("rump_shutdown: reclaimer \"%s\" still registered\n",
		    TAILQ_FIRST(&kmr.list)->kr_name);
	kmr.stop = true;
	l = kmr.thread;
	kmr.thread = NULL;
	cv_broadcast(&kmr.work_cv);
	cv_broadcast(&kmr.done_cv);
	mutex_exit(&kmr.lock);
	if (l != NULL && kthread_join(l) != 0)
		panic("rump_shutdown: cannot join the reclaim thread");
	__atomic_store_n(&kmr.up, false, __ATOMIC_RELEASE);
	cv_destroy(&kmr.done_cv);
	cv_destroy(&kmr.work_cv);
	cv_destroy(&kmr.idle_cv);
	mutex_destroy(&kmr.lock);
}

void
kmem_reclaim(size_t want, int how)
{
	struct lwp *l = rumpuser_curlwp();

	/* Reclaimers take kernel locks: a scheduled lwp only, and no recursion from KMR_TRY. */
	if (!__atomic_load_n(&kmr.up, __ATOMIC_ACQUIRE) || l == NULL || l->l_cpu == NULL ||
	    (__atomic_load_n(&l->l_flags, __ATOMIC_RELAXED) & LW_RECLAIM))
		return;
	if (how == KMR_TRY)
		reclaim_inline(l, want);
	else
		reclaim_wait(l, want);
}

void
kmem_reclaim_failed(void)
{
	stat_inc(&kmr.stats.ks_failed);
}

void
kmem_stats_get(struct kmem_stats *ks)
{
	ks->ks_inline = __atomic_load_n(&kmr.stats.ks_inline, __ATOMIC_RELAXED);
	ks->ks_thread = __atomic_load_n(&kmr.stats.ks_thread, __ATOMIC_RELAXED);
	ks->ks_waits = __atomic_load_n(&kmr.stats.ks_waits, __ATOMIC_RELAXED);
	ks->ks_timeouts = __atomic_load_n(&kmr.stats.ks_timeouts, __ATOMIC_RELAXED);
	ks->ks_failed = __atomic_load_n(&kmr.stats.ks_failed, __ATOMIC_RELAXED);
}

/*
 * Ask each reclaimer, in registration order, until want bytes are free.
 * The lock is dropped around each call; the busy count keeps the entry
 * (and so its next link) on the list meanwhile.
 */
static size_t
reclaim_all(size_t want, int how)
{
	struct kmem_reclaimer *r, *next;
	size_t freed = 0;

	mutex_enter(&kmr.lock);
	for (r = TAILQ_FIRST(&kmr.list); r != NULL && freed < want; r = next) {
		if (r->kr_gone) {
			next = TAILQ_NEXT(r, kr_entry);
			continue;
		}
		r->kr_busy++;
		mutex_exit(&kmr.lock);
		freed += r->kr_reclaim(r->kr_arg, want - freed, how);
		mutex_enter(&kmr.lock);
		next = TAILQ_NEXT(r, kr_entry);
		if (--r->kr_busy == 0 && r->kr_gone)
			cv_broadcast(&kmr.idle_cv);
	}
	mutex_exit(&kmr.lock);
	return freed;
}

/* What the allocating thread may do itself, whatever it holds. */
static void
reclaim_inline(struct lwp *l, size_t want)
{
	stat_inc(&kmr.stats.ks_inline);
	__atomic_or_fetch(&l->l_flags, LW_RECLAIM, __ATOMIC_RELAXED);
	(void)reclaim_all(want, KMR_TRY);
	__atomic_and_fetch(&l->l_flags, ~LW_RECLAIM, __ATOMIC_RELAXED);
}

static unsigned
ms_since(const struct timespec *t0)
{
	struct timespec now;

	getnanouptime(&now);
	return (unsigned)((now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000);
}

/*
 * Wake the thread and wait for a pass that began after the asking, at
 * most KMEM_RECLAIM_WAIT_MS: the caller may hold a lock the pass needs.
 * The thread's own allocations never wait for it.
 */
static void
reclaim_wait(struct lwp *l, size_t want)
{
	struct timespec t0;
	uint64_t ticket;
	unsigned ms;

	mutex_enter(&kmr.lock);
	if (kmr.thread == NULL || kmr.thread == l || kmr.stop) {
		mutex_exit(&kmr.lock);
		return;
	}
	stat_inc(&kmr.stats.ks_waits);
	ticket = ++kmr.asked;
	kmr.want += want;
	cv_signal(&kmr.work_cv);
	getnanouptime(&t0);
	while (kmr.done < ticket && !kmr.stop) {
		if ((ms = ms_since(&t0)) >= KMEM_RECLAIM_WAIT_MS) {
			stat_inc(&kmr.stats.ks_timeouts);
			break;
		}
		(void)cv_timedwait(&kmr.done_cv, &kmr.lock, KMEM_RECLAIM_WAIT_MS - ms);
	}
	mutex_exit(&kmr.lock);
}

/* The reclaim thread: one KMR_WAIT pass per batch of requests, holding no lock while it calls. */
static void
reclaim_thread(void *arg __unused)
{
	uint64_t ticket;
	size_t want;

	mutex_enter(&kmr.lock);
	kmr.running = true;
	cv_broadcast(&kmr.done_cv);
	while (!kmr.stop) {
		if (kmr.done == kmr.asked) {
			cv_wait(&kmr.work_cv, &kmr.lock);
			continue;
		}
		ticket = kmr.asked;
		want = kmr.want + (size_t)(kmem_limit() / KMEM_RECLAIM_SLACK);
		kmr.want = 0;
		mutex_exit(&kmr.lock);
		stat_inc(&kmr.stats.ks_thread);
		(void)reclaim_all(want, KMR_WAIT);
		mutex_enter(&kmr.lock);
		kmr.done = ticket;
		cv_broadcast(&kmr.done_cv);
	}
	mutex_exit(&kmr.lock);
}

void
kmem_reclaimer_register(struct kmem_reclaimer *r)
{
	KASSERT(__atomic_load_n(&kmr.up, __ATOMIC_RELAXED));
	r->kr_busy = 0;
	r->kr_gone = false;
	mutex_enter(&kmr.lock);
	TAILQ_INSERT_TAIL(&kmr.list, r, kr_entry);
	mutex_exit(&kmr.lock);
}

/* The caller must hold none of the locks r takes: r's calls in flight are waited for. */
void
kmem_reclaimer_unregister(struct kmem_reclaimer *r)
{
	KASSERT(__atomic_load_n(&kmr.up, __ATOMIC_RELAXED));
	mutex_enter(&kmr.lock);
	r->kr_gone = true;
	while (r->kr_busy > 0)
		cv_wait(&kmr.idle_cv, &kmr.lock);
	TAILQ_REMOVE(&kmr.list, r, kr_entry);
	mutex_exit(&kmr.lock);
}
