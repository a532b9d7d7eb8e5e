/* lwp.c: lwps: creation, implicit lwps of host threads, switching, release, and sleeping. */
#include "kernel.h"
#include "kern_private.h"
#include "kmem.h"
#include "lwp.h"
#include "rumpuser.h"

static lwpid_t lwp_nextlid = 1;		/* atomic */

/* A new lwp of p, not yet on p's list and holding no CPU; NULL without host memory. */
struct lwp *
lwp_alloc(struct proc *p, int flags, const char *name)
{
	struct lwp *l;

	/* the kernel's own bookkeeping must not fail at the memory limit */
	l = kmem_zalloc(sizeof(*l), KM_SLEEP | KM_NOLIMIT);
	if (l == NULL)
		return NULL;
	l->l_proc = p;
	l->l_flags = flags;
	l->l_lid = __atomic_fetch_add(&lwp_nextlid, 1, __ATOMIC_RELAXED);
	l->l_name = name;
	rumpuser_sem_init(&l->l_sem);
	return l;
}

void
lwp_link_locked(struct lwp *l)
{
	struct proc *p = l->l_proc;

	KASSERT(mutex_owned(&p->p_lock));
	LIST_INSERT_HEAD(&p->p_lwps, l, l_sibling);
	p->p_nlwps++;
	l->l_cred = p->p_cred;
	kauth_cred_hold(l->l_cred);
}

void
lwp_link(struct lwp *l)
{
	mutex_enter(&l->l_proc->p_lock);
	lwp_link_locked(l);
	mutex_exit(&l->l_proc->p_lock);
}

void
lwp_free(struct lwp *l)
{
	KASSERT(l->l_cpu == NULL);
	kauth_cred_free(l->l_cred);
	rumpuser_sem_destroy(l->l_sem);
	kmem_free(l, sizeof(*l));
}

/* Take a fresh reference to the process's current credential. */
void
lwp_cred_refresh(struct lwp *l)
{
	struct proc *p = l->l_proc;
	kauth_cred_t old = l->l_cred;

	mutex_enter(&p->p_lock);
	l->l_cred = p->p_cred;
	kauth_cred_hold(l->l_cred);
	mutex_exit(&p->p_lock);
	kauth_cred_free(old);
}

/* The calling thread's lwp, made (implicit, in proc0) if it has none. */
struct lwp *
rump_pub_lwproc_curlwp(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l != NULL)
		return l;
	if (sched_ncpu() == 0)
		panic("rump kernel entered before rump_init()");
	if ((l = lwp_alloc(&proc0, LW_IMPLICIT, "implicit")) == NULL)
		panic("no host memory for an lwp");
	rumpuser_set_curlwp(l);
	rump_schedule_cpu(l);
	lwp_link(l);
	rump_unschedule_cpu(l);
	return l;
}

/*
 * Make newl the calling thread's lwp, handing it the CPU and nesting
 * depth of the old one.  An implicit lwp switched away from is freed
 * (as in NetBSD): the thread gets a new one when it next needs one.
 */
void
lwp_switch_to(struct lwp *newl)
{
	struct lwp *old = curlwp;

	if (newl == old)
		return;
	KASSERT(newl->l_cpu == NULL && newl->l_schednest == 0);
	newl->l_cpu = old->l_cpu;
	newl->l_lastcpu = old->l_cpu;
	newl->l_cpu->ci_curlwp = newl;
	newl->l_schednest = old->l_schednest;
	old->l_cpu = NULL;
	old->l_schednest = 0;
	rumpuser_set_curlwp(newl);
	if (newl->l_cred != __atomic_load_n(&newl->l_proc->p_cred, __ATOMIC_RELAXED))
		lwp_cred_refresh(newl);
	if (old->l_flags & LW_IMPLICIT) {
		proc_lwp_remove(old);
		lwp_free(old);
	}
}

/*
 * l, the calling thread's lwp, scheduled at depth 1, leaves its process
 * (ending the process if it was the last lwp) and is freed; the thread
 * ends unscheduled and without an lwp.
 */
void
lwp_release_self(struct lwp *l)
{
	struct proc *p = l->l_proc;

	KASSERT(l->l_schednest == 1);
	if (proc_lwp_remove(l))
		proc_destroy(p);	/* ph_exit runs with curproc == p */
	l->l_schednest = 0;
	rump_unschedule_cpu(l);
	rumpuser_set_curlwp(NULL);
	lwp_free(l);
}

/* Called by rumpuser when a host thread with an implicit lwp exits. */
void
lwp_implicit_exit(struct lwp *l)
{
	if (!(l->l_flags & LW_IMPLICIT))
		return;		/* explicit lwps outlive threads until released */
	if (l->l_schednest > 0) {
		kprintf("rump: host thread exited inside the kernel\n");
		l->l_schednest = 0;
	} else {
		rump_schedule_cpu(l);
	}
	proc_lwp_remove(l);
	rump_unschedule_cpu(l);
	lwp_free(l);
}

/* Wait queues and sleep, for the UP lock variants. */

void
lwp_waitq_insert(struct lwp_waitq *wq, struct lwp *l)
{
	l->l_waitnext = NULL;
	if (wq->wq_last != NULL)
		wq->wq_last->l_waitnext = l;
	else
		wq->wq_first = l;
	wq->wq_last = l;
}

struct lwp *
lwp_waitq_remove_first(struct lwp_waitq *wq)
{
	struct lwp *l = wq->wq_first;

	if (l != NULL) {
		wq->wq_first = l->l_waitnext;
		if (wq->wq_first == NULL)
			wq->wq_last = NULL;
		l->l_waitnext = NULL;
	}
	return l;
}

bool
lwp_waitq_remove(struct lwp_waitq *wq, struct lwp *l)
{
	struct lwp **lp, *prev = NULL;

	for (lp = &wq->wq_first; *lp != NULL; prev = *lp, lp = &(*lp)->l_waitnext) {
		if (*lp != l)
			continue;
		*lp = l->l_waitnext;
		if (wq->wq_last == l)
			wq->wq_last = prev;
		l->l_waitnext = NULL;
		return true;
	}
	return false;
}

/*
 * The semaphore counts, so a wake-up posted between queueing and
 * sleeping is not lost: the wait returns at once.
 */
int
lwp_sleep(unsigned ms)
{
	struct lwp *l = curlwp;
	int error = 0;

	rump_unschedule_cpu(l);
	if (ms == 0)
		rumpuser_sem_wait(l->l_sem);
	else
		error = rumpuser_sem_timedwait(l->l_sem, ms / 1000, (long)(ms % 1000) * 1000000L);
	rump_schedule_cpu(l);
	return error == 0 ? 0 : EWOULDBLOCK;
}

void
lwp_wakeup(struct lwp *l)
{
	rumpuser_sem_post(l->l_sem);
}

/* The post is known to have happened, so this does not block (no CPU release needed). */
void
lwp_sleep_consume(struct lwp *l)
{
	rumpuser_sem_wait(l->l_sem);
}
