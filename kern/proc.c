/* proc.c: processes: proc0, the process list, pids, fork and exit hooks. */
#include "kernel.h"
#include "kern_private.h"
#include "kmem.h"
#include "lwp.h"

struct proc proc0;

/* Lock order: proclist_lock, then a p_lock. */
static kmutex_t proclist_lock;
static LIST_HEAD(, proc) proclist = LIST_HEAD_INITIALIZER(proclist);	/* proclist_lock */
static pid_t proc_nextpid;						/* proclist_lock */
static const struct proc_hooks *proc_hooks;	/* set by a component at boot */

static void	proc_free_lwps(struct proc *p);

void
proc_hooks_set(const struct proc_hooks *hooks)
{
	proc_hooks = hooks;
}

/* Set up proc0 with a root credential; the lock variant is already chosen. */
int
proc_init(void)
{
	memset(&proc0, 0, sizeof(proc0));
	if ((proc0.p_cred = kauth_cred_alloc()) == NULL)
		return ENOMEM;
	mutex_init(&proc0.p_lock);
	LIST_INIT(&proc0.p_lwps);
	mutex_init(&proclist_lock);
	LIST_INIT(&proclist);
	LIST_INSERT_HEAD(&proclist, &proc0, p_list);
	proc_nextpid = 1;
	return 0;
}

/* Tear down proc0 and its lwps at shutdown: no thread is in the kernel any more. */
void
proc_fini(void)
{
	KASSERT(LIST_FIRST(&proclist) == &proc0 && LIST_NEXT(&proc0, p_list) == NULL);
	proc_free_lwps(&proc0);
	kauth_cred_free(proc0.p_cred);
	proc0.p_cred = NULL;
	mutex_destroy(&proc0.p_lock);
	mutex_destroy(&proclist_lock);
	LIST_INIT(&proclist);
	proc_hooks = NULL;
}

/* Free lwps no thread runs on (their threads' curlwp was forgotten or is elsewhere). */
static void
proc_free_lwps(struct proc *p)
{
	struct lwp *l;

	while ((l = LIST_FIRST(&p->p_lwps)) != NULL) {
		KASSERT(l->l_cpu == NULL);
		LIST_REMOVE(l, l_sibling);
		p->p_nlwps--;
		lwp_free(l);
	}
}

/*
 * At shutdown, before the components stop: end every process but proc0,
 * so the vfs sees ph_exit for each while it still works.  Their lwps
 * must not be running; threads that had them get none.
 */
void
proc_exit_others(void)
{
	struct proc *p;

	for (;;) {
		mutex_enter(&proclist_lock);
		LIST_FOREACH(p, &proclist, p_list)
			if (p != &proc0)
				break;
		if (p != NULL)
			LIST_REMOVE(p, p_list);
		mutex_exit(&proclist_lock);
		if (p == NULL)
			break;
		proc_free_lwps(p);
		proc_destroy(p);
	}
}

/* A child of parent with its credential and the next pid, on the process list. */
int
proc_create(struct proc *parent, int rfflags, struct proc **childp)
{
	struct proc *p;
	int error;

	if ((p = kmem_zalloc(sizeof(*p), KM_SLEEP)) == NULL)
		return ENOMEM;
	mutex_init(&p->p_lock);
	LIST_INIT(&p->p_lwps);
	mutex_enter(&parent->p_lock);
	p->p_cred = parent->p_cred;
	kauth_cred_hold(p->p_cred);
	mutex_exit(&parent->p_lock);
	if (proc_hooks != NULL && proc_hooks->ph_fork != NULL &&
	    (error = proc_hooks->ph_fork(parent, p, rfflags)) != 0)
		goto out_free;
	mutex_enter(&proclist_lock);
	p->p_pid = proc_nextpid++;
	LIST_INSERT_HEAD(&proclist, p, p_list);
	mutex_exit(&proclist_lock);
	*childp = p;
	return 0;

out_free:
	kauth_cred_free(p->p_cred);
	mutex_destroy(&p->p_lock);
	kmem_free(p, sizeof(*p));
	return error;
}

/*
 * Take l off its process.  When it was the last lwp of a process other
 * than proc0, the process leaves the list too (so proc_find_locked cannot
 * hand it out any more) and the caller must proc_destroy() it.
 */
bool
proc_lwp_remove(struct lwp *l)
{
	struct proc *p = l->l_proc;
	bool last;

	mutex_enter(&proclist_lock);
	mutex_enter(&p->p_lock);
	LIST_REMOVE(l, l_sibling);
	last = --p->p_nlwps == 0 && p != &proc0;
	if (last)
		LIST_REMOVE(p, p_list);
	mutex_exit(&p->p_lock);
	mutex_exit(&proclist_lock);
	return last;
}

/* Free a process that is off the list and has no lwps. */
void
proc_destroy(struct proc *p)
{
	KASSERT(p != &proc0 && p->p_nlwps == 0);
	if (proc_hooks != NULL && proc_hooks->ph_exit != NULL)
		proc_hooks->ph_exit(p);
	kauth_cred_free(p->p_cred);
	mutex_destroy(&p->p_lock);
	kmem_free(p, sizeof(*p));
}

struct proc *
proc_find_locked(pid_t pid)
{
	struct proc *p;

	mutex_enter(&proclist_lock);
	LIST_FOREACH(p, &proclist, p_list)
		if (p->p_pid == pid)
			break;
	if (p != NULL)
		mutex_enter(&p->p_lock);
	mutex_exit(&proclist_lock);
	return p;
}
