/* kern_private.h: interfaces between the files of kern/, not for the layers above. */
#ifndef KERN_KERN_PRIVATE_H
#define KERN_KERN_PRIVATE_H

#include "kernel.h"
#include "kmem.h"
#include "lwp.h"

/* kmem flag for the kernel's own bookkeeping (lwps, CPUs): accounted, never refused. */
#define KM_NOLIMIT	0x100

/* lwp flag: release the lwp at its last rump_unschedule(). */
#define LW_RELEASE	0x100
/* lwp flag: running KMR_TRY reclaimers; its allocations do not reclaim again. */
#define LW_RECLAIM	0x200

/* param.c */
int	rump_params_read(struct rump_params *rp);

/* kmem.c */
void	kmem_init(uint64_t limit);
void	kmem_fini(void);

/* kmem_reclaim.c */
void	kmem_reclaim_start(void);	/* scheduled, locks chosen: the list lock and the thread */
void	kmem_reclaim_stop(void);	/* scheduled: the thread stopped, no reclaim after */
/* Over the limit by want: run the reclaimers (KMR_TRY) or have the thread run them (KMR_WAIT). */
void	kmem_reclaim(size_t want, int how);
void	kmem_reclaim_failed(void);	/* a KM_SLEEP allocation was refused */

/* sched.c */
void	sched_init(int ncpu);
void	sched_fini(void);
int	sched_ncpu(void);

/* locks.c */
void	locks_choose(bool up);

/* lwp.c */
struct lwp *lwp_alloc(struct proc *p, int flags, const char *name);
void	lwp_link(struct lwp *l);		/* scheduled; takes p_lock */
void	lwp_link_locked(struct lwp *l);		/* p_lock held */
void	lwp_free(struct lwp *l);		/* unlinked; needs no CPU */
void	lwp_switch_to(struct lwp *newl);	/* scheduled: move CPU and nesting */
void	lwp_release_self(struct lwp *l);	/* last unschedule of an LW_RELEASE lwp */
void	lwp_cred_refresh(struct lwp *l);	/* scheduled */
void	lwp_implicit_exit(struct lwp *l);	/* host thread exit */
void	lwp_sleep_consume(struct lwp *l);	/* take a wake-up already posted */

/* proc.c */
int	proc_init(void);
void	proc_exit_others(void);			/* scheduled, in proc0 */
void	proc_fini(void);			/* unscheduled, single threaded */
int	proc_create(struct proc *parent, int rfflags, struct proc **childp);
bool	proc_lwp_remove(struct lwp *l);		/* true when l was p's last and p is gone from the list */
void	proc_destroy(struct proc *p);

/* kthread.c */
void	kthread_join_all(void);

/* component.c */
int	component_start_all(void);
void	component_stop_all(void);

/* locks_up.c / locks_mp.c, dispatched from locks.c */
void	mutex_enter_up(kmutex_t *mtx);
bool	mutex_tryenter_up(kmutex_t *mtx);
void	mutex_exit_up(kmutex_t *mtx);
void	rw_enter_up(krwlock_t *rw, krw_t op);
bool	rw_tryenter_up(krwlock_t *rw, krw_t op);
void	rw_exit_up(krwlock_t *rw);
void	cv_wait_up(kcondvar_t *cv, kmutex_t *mtx);
int	cv_timedwait_up(kcondvar_t *cv, kmutex_t *mtx, unsigned ms);
void	cv_signal_up(kcondvar_t *cv);
void	cv_broadcast_up(kcondvar_t *cv);

void	mutex_init_mp(kmutex_t *mtx);
void	mutex_enter_mp(kmutex_t *mtx);
bool	mutex_tryenter_mp(kmutex_t *mtx);
void	mutex_exit_mp(kmutex_t *mtx);
void	rw_init_mp(krwlock_t *rw);
void	rw_enter_mp(krwlock_t *rw, krw_t op);
bool	rw_tryenter_mp(krwlock_t *rw, krw_t op);
void	rw_exit_mp(krwlock_t *rw);
void	cv_init_mp(kcondvar_t *cv);
void	cv_wait_mp(kcondvar_t *cv, kmutex_t *mtx);
int	cv_timedwait_mp(kcondvar_t *cv, kmutex_t *mtx, unsigned ms);
void	cv_signal_mp(kcondvar_t *cv);
void	cv_broadcast_mp(kcondvar_t *cv);

#endif /* KERN_KERN_PRIVATE_H */
