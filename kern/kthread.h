/* kthread.h: kernel threads, each a host thread with a system lwp in proc0. */
#ifndef KERN_KTHREAD_H
#define KERN_KTHREAD_H

#include "lwp.h"

/*
 * Start fn(arg) in a new kernel thread, scheduled on entry.  Returns 0,
 * or EOPNOTSUPP when RUMP_THREADS=0 (callers must then do the work
 * synchronously: the syncer, for one, falls back to sync at unmount).
 * The thread is joinable: its creator must kthread_join() it.
 */
int	kthread_create(void (*fn)(void *), void *arg, const char *name, struct lwp **lp);
/* Ask l to stop (kthread_should_stop() becomes true; waiters are not woken: signal your own cv). */
void	kthread_stop(struct lwp *l);
bool	kthread_should_stop(void);
/* Wait for l to return from fn and free it. */
int	kthread_join(struct lwp *l);

#endif /* KERN_KTHREAD_H */
