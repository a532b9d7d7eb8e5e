/* lwp.h: virtual CPUs, lwps (kernel threads of control) and processes. */
#ifndef KERN_LWP_H
#define KERN_LWP_H

#include "kernel.h"
#include "kauth.h"
#include "locks.h"

struct rumpuser_sem;
struct rumpuser_thread;
struct filedesc;
struct cwdinfo;

struct cpu_info {
	int		ci_index;	/* 0 .. ncpu-1 */
	int		ci_busy;	/* atomic: taken by one exchange, freed by one store */
	struct lwp	*ci_curlwp;	/* lwp running on it */
};

struct lwp {
	struct proc		*l_proc;
	struct cpu_info		*l_cpu;		/* CPU held now, or NULL */
	struct cpu_info		*l_lastcpu;	/* tried first on the next schedule */
	int			l_schednest;	/* rump_schedule() nesting depth */
	int			l_flags;	/* LW_*; atomic (kthread_stop sets from outside) */
	lwpid_t			l_lid;
	struct rumpuser_sem	*l_sem;		/* wake-up channel while sleeping */
	struct lwp		*l_waitnext;	/* on a lwp_waitq */
	int			l_waitflags;	/* scratch for the lock that queued it */
	struct rumpuser_thread	*l_thread;	/* host thread of a kthread */
	const char		*l_name;
	kauth_cred_t		l_cred;		/* p_cred as of kernel entry; own reference */
	int			l_memreserve;	/* kmem_reserve_enter nesting; the lwp's own */
	LIST_ENTRY(lwp)		l_sibling;	/* p_lock */
};
#define LW_IMPLICIT	0x01	/* created on demand for a host thread */
#define LW_SYSTEM	0x02	/* a kernel thread */
#define LW_WEXIT	0x04	/* kthread asked to exit */

struct proc {
	pid_t			p_pid;
	kmutex_t		p_lock;		/* p_cred, p_lwps, p_nlwps */
	kauth_cred_t		p_cred;		/* replaced, never changed in place */
	struct filedesc		*p_fd;		/* owned by vfs (proc hooks) */
	struct cwdinfo		*p_cwdi;	/* owned by vfs (proc hooks) */
	int			p_nlwps;
	LIST_HEAD(, lwp)	p_lwps;
	LIST_ENTRY(proc)	p_list;		/* proc list lock */
};

/* The calling thread's lwp; it must be scheduled. */
struct lwp	*rump_curlwp(void);
#define curlwp		(rump_curlwp())
#define curproc		(curlwp->l_proc)
#define curcpu()	(curlwp->l_cpu)

extern struct proc proc0;	/* the first process; implicit lwps belong to it */

/* Find a process by pid and hold p_lock; NULL if none. */
struct proc	*proc_find_locked(pid_t pid);

/*
 * Subsystems that keep per-process state (vfs: descriptors, cwd) hook
 * process creation and exit.  fork returns 0 or an errno (the fork fails).
 */
struct proc_hooks {
	int	(*ph_fork)(struct proc *parent, struct proc *child, int rfflags);
	void	(*ph_exit)(struct proc *p);
};
void	proc_hooks_set(const struct proc_hooks *hooks);

/* Scheduling internals used by the lock code (kern/sched.c). */
void	rump_schedule_cpu(struct lwp *l);	/* take a CPU for l */
void	rump_unschedule_cpu(struct lwp *l);	/* give l's CPU back */
/*
 * UP sleep protocol: with the CPU held, put curlwp on wq, then call
 * lwp_sleep(), which releases the CPU, waits for lwp_wakeup() (or the
 * timeout; ms 0 = none) and takes a CPU again.  Returns 0 or EWOULDBLOCK.
 */
void	lwp_waitq_insert(struct lwp_waitq *wq, struct lwp *l);
struct lwp *lwp_waitq_remove_first(struct lwp_waitq *wq);
bool	lwp_waitq_remove(struct lwp_waitq *wq, struct lwp *l);
int	lwp_sleep(unsigned ms);
void	lwp_wakeup(struct lwp *l);

#endif /* KERN_LWP_H */
