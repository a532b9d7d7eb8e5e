/* sched.c: virtual CPUs: binding host threads to lwps and CPUs on kernel entry and exit. */
#include "kernel.h"
#include "kern_private.h"
#include "lwp.h"
#include "rumpuser.h"

#include <rump/rump.h>

/*
 * A thread runs kernel code only while its lwp holds one of the ncpu
 * virtual CPUs.  Taking a free CPU is one atomic exchange on ci_busy, so
 * the common entry and exit touch no global lock.  Only when every CPU is
 * busy does a thread queue on sched_mtx/sched_cv; sched_waiters tells a
 * releasing thread whether anyone needs the signal.  The waiter raises
 * sched_waiters before scanning and the releaser clears ci_busy before
 * reading it (both sequentially consistent), so one of them always sees
 * the other: no wake-up is lost.
 *
 * Blocking with a CPU held would stall every other thread wanting it,
 * so anything that may wait on the host gives its CPU up around the wait:
 *
 *	struct lwp *l = curlwp;
 *	rump_unschedule_cpu(l);
 *	error = rumpuser_pread(fd, buf, len, off, &done);	// no kernel calls here
 *	rump_schedule_cpu(l);
 *
 * Between the two calls the thread must not touch kernel data or locks.
 * Locks (locks_mp.c, locks_up.c), kpause_ms() and kthread_join() follow
 * this pattern; I/O hypercalls in vfs/ must too.  Re-taking a CPU while
 * holding a host lock is safe because a CPU holder never blocks on a host
 * lock without first giving its CPU up.
 */

static struct cpu_info *sched_cpus;
static int sched_ncpus;
static unsigned sched_waiters;		/* atomic: threads queued for a CPU */
static struct rumpuser_mtx *sched_mtx;
static struct rumpuser_cv *sched_cv;	/* a CPU was released; sched_mtx */

static struct cpu_info *cpu_grab(struct lwp *l);
static struct cpu_info *cpu_wait(struct lwp *l);

void
sched_init(int ncpu)
{
	int i;

	sched_cpus = kmem_zalloc(sizeof(*sched_cpus) * (size_t)ncpu, KM_SLEEP | KM_NOLIMIT);
	if (sched_cpus == NULL)
		panic("sched_init: no memory for %d CPUs", ncpu);
	for (i = 0; i < ncpu; i++)
		sched_cpus[i].ci_index = i;
	sched_ncpus = ncpu;
	sched_waiters = 0;
	rumpuser_mutex_init(&sched_mtx);
	rumpuser_cv_init(&sched_cv);
}

void
sched_fini(void)
{
	int i;

	for (i = 0; i < sched_ncpus; i++)
		KASSERT(sched_cpus[i].ci_busy == 0);
	rumpuser_cv_destroy(sched_cv);
	rumpuser_mutex_destroy(sched_mtx);
	kmem_free(sched_cpus, sizeof(*sched_cpus) * (size_t)sched_ncpus);
	sched_cpus = NULL;
	sched_ncpus = 0;
}

int
sched_ncpu(void)
{
	return sched_ncpus;
}

static inline bool
cpu_try(struct cpu_info *ci)
{
	/* a plain look first keeps busy CPUs' cache lines shared */
	return __atomic_load_n(&ci->ci_busy, __ATOMIC_RELAXED) == 0 &&
	    __atomic_exchange_n(&ci->ci_busy, 1, __ATOMIC_SEQ_CST) == 0;
}

/* The CPU l last ran on, else any free one, else NULL. */
static struct cpu_info *
cpu_grab(struct lwp *l)
{
	struct cpu_info *ci = l->l_lastcpu;
	int i, start;

	if (ci != NULL && cpu_try(ci))
		return ci;
	start = ci != NULL ? ci->ci_index + 1 : 0;
	for (i = 0; i < sched_ncpus; i++) {
		ci = &sched_cpus[(start + i) % sched_ncpus];
		if (cpu_try(ci))
			return ci;
	}
	return NULL;
}

static struct cpu_info *
cpu_wait(struct lwp *l)
{
	struct cpu_info *ci;

	__atomic_add_fetch(&sched_waiters, 1, __ATOMIC_SEQ_CST);
	rumpuser_mutex_enter(sched_mtx);
	while ((ci = cpu_grab(l)) == NULL)
		rumpuser_cv_wait(sched_cv, sched_mtx);
	rumpuser_mutex_exit(sched_mtx);
	__atomic_sub_fetch(&sched_waiters, 1, __ATOMIC_SEQ_CST);
	return ci;
}

void
rump_schedule_cpu(struct lwp *l)
{
	struct cpu_info *ci;

	KASSERT(l->l_cpu == NULL);
	if (__predict_false((ci = cpu_grab(l)) == NULL))
		ci = cpu_wait(l);
	ci->ci_curlwp = l;
	l->l_cpu = ci;
	l->l_lastcpu = ci;
}

void
rump_unschedule_cpu(struct lwp *l)
{
	struct cpu_info *ci = l->l_cpu;

	KASSERT(ci != NULL && ci->ci_curlwp == l);
	ci->ci_curlwp = NULL;
	l->l_cpu = NULL;
	__atomic_store_n(&ci->ci_busy, 0, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sched_waiters, __ATOMIC_SEQ_CST) > 0) {
		rumpuser_mutex_enter(sched_mtx);
		rumpuser_cv_signal(sched_cv);
		rumpuser_mutex_exit(sched_mtx);
	}
}

/* Kernel entry: the calling thread's lwp (an implicit one if it has none) and a CPU. */
void
rump_schedule(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (__predict_false(l == NULL))
		l = rump_pub_lwproc_curlwp();
	if (l->l_schednest++ > 0)
		return;
	rump_schedule_cpu(l);
	/* a credential changed by setcred shows at the next kernel entry */
	if (__predict_false(l->l_cred != __atomic_load_n(&l->l_proc->p_cred, __ATOMIC_RELAXED)))
		lwp_cred_refresh(l);
}

void
rump_unschedule(void)
{
	struct lwp *l = rumpuser_curlwp();

	KASSERT(l != NULL && l->l_schednest > 0);
	if (--l->l_schednest > 0)
		return;
	if (__predict_false(__atomic_load_n(&l->l_flags, __ATOMIC_RELAXED) & LW_RELEASE)) {
		l->l_schednest = 1;
		lwp_release_self(l);
		return;
	}
	rump_unschedule_cpu(l);
}

struct lwp *
rump_curlwp(void)
{
	struct lwp *l = rumpuser_curlwp();

	KASSERT(l != NULL);
	return l;
}
