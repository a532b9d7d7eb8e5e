/* kthread.c: kernel threads: a host thread with a system lwp in proc0, scheduled while it runs. */
#include "kthread.h"
#include "kern_private.h"
#include "kmem.h"
#include "rumpuser.h"

struct kthread_start {
	void		(*ks_fn)(void *);
	void		*ks_arg;
	struct lwp	*ks_lwp;
};

static void *
kthread_main(void *arg)
{
	struct kthread_start ks = *(struct kthread_start *)arg;
	struct lwp *l = ks.ks_lwp;

	kmem_free(arg, sizeof(ks));
	rumpuser_set_curlwp(l);
	rump_schedule_cpu(l);
	l->l_schednest = 1;
	ks.ks_fn(ks.ks_arg);
	KASSERT(l->l_schednest == 1);
	l->l_schednest = 0;
	rump_unschedule_cpu(l);
	rumpuser_set_curlwp(NULL);
	return NULL;
}

int
kthread_create(void (*fn)(void *), void *arg, const char *name, struct lwp **lp)
{
	struct kthread_start *ks;
	struct lwp *l;
	int error;

	if (!rump_params.rp_threads)
		return EOPNOTSUPP;
	if ((ks = kmem_alloc(sizeof(*ks), KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((l = lwp_alloc(&proc0, LW_SYSTEM, name)) == NULL) {
		kmem_free(ks, sizeof(*ks));
		return ENOMEM;
	}
	lwp_link(l);
	ks->ks_fn = fn;
	ks->ks_arg = arg;
	ks->ks_lwp = l;
	error = rumpuser_thread_create(kthread_main, ks, name, 1, &l->l_thread);
	if (error != 0) {
		kmem_free(ks, sizeof(*ks));
		proc_lwp_remove(l);
		lwp_free(l);
		return error;
	}
	if (lp != NULL)
		*lp = l;
	return 0;
}

void
kthread_stop(struct lwp *l)
{
	__atomic_or_fetch(&l->l_flags, LW_WEXIT, __ATOMIC_RELAXED);
}

bool
kthread_should_stop(void)
{
	return (__atomic_load_n(&curlwp->l_flags, __ATOMIC_RELAXED) & LW_WEXIT) != 0;
}

int
kthread_join(struct lwp *l)
{
	struct lwp *self = curlwp;
	int error;

	KASSERT(l->l_flags & LW_SYSTEM);
	rump_unschedule_cpu(self);
	error = rumpuser_thread_join(l->l_thread);
	rump_schedule_cpu(self);
	if (error != 0)
		return error;
	proc_lwp_remove(l);
	lwp_free(l);
	return 0;
}

/* At shutdown: stop and join what the components left running. */
void
kthread_join_all(void)
{
	struct lwp *l;

	for (;;) {
		mutex_enter(&proc0.p_lock);
		LIST_FOREACH(l, &proc0.p_lwps, l_sibling)
			if (l->l_flags & LW_SYSTEM)
				break;
		mutex_exit(&proc0.p_lock);
		if (l == NULL)
			break;
		kprintf("rump_shutdown: kernel thread \"%s\" still running; stopping it\n",
		    l->l_name != NULL ? l->l_name : "?");
		kthread_stop(l);
		if (kthread_join(l) != 0)
			panic("rump_shutdown: cannot join kernel thread");
	}
}
