/* locks.h: kernel mutexes, reader/writer locks and condition variables (MP and uniprocessor variants). */
#ifndef KERN_LOCKS_H
#define KERN_LOCKS_H

#include "kernel.h"

/*
 * Two implementations behind one interface, chosen once at rump_init():
 *  - MP (RUMP_NCPU > 1): host locks; a thread that must wait gives its
 *    virtual CPU up while blocked and takes one again afterwards.
 *  - UP (RUMP_NCPU == 1): only the thread holding the single virtual CPU
 *    runs kernel code, so the lock words are plain fields with no atomic
 *    operations; a waiter queues itself on the lock and sleeps on its
 *    lwp's semaphore with the CPU released.
 * Locks must be initialised after rump_init() has chosen (components do
 * it in their init function).  All operations must be called with the
 * calling thread scheduled (holding a virtual CPU).
 */

struct lwp;
struct rumpuser_mtx;
struct rumpuser_rw;
struct rumpuser_cv;

/* An lwp queue used by the UP variants (protected by holding the only CPU). */
struct lwp_waitq {
	struct lwp	*wq_first;
	struct lwp	*wq_last;
};

typedef struct kmutex {
	struct lwp		*mtx_owner;	/* holder or NULL */
	struct rumpuser_mtx	*mtx_host;	/* MP only */
	struct lwp_waitq	mtx_waiters;	/* UP only */
} kmutex_t;

typedef enum { RW_READER, RW_WRITER } krw_t;

typedef struct krwlock {
	struct lwp		*rw_owner;	/* writer or NULL */
	unsigned		rw_readers;	/* UP: count; MP: atomic count of host read holds */
	unsigned		rw_wwant;	/* UP only: writers waiting (they block new readers) */
	struct rumpuser_rw	*rw_host;	/* MP only */
	struct lwp_waitq	rw_waiters;	/* UP only */
} krwlock_t;

typedef struct kcondvar {
	const char		*cv_wmesg;
	struct rumpuser_cv	*cv_host;	/* MP only */
	struct lwp_waitq	cv_waiters;	/* UP only */
	unsigned		cv_nwaiters;	/* MP only: sleepers, atomic */
} kcondvar_t;

void	mutex_init(kmutex_t *mtx);
void	mutex_destroy(kmutex_t *mtx);
void	mutex_enter(kmutex_t *mtx);
bool	mutex_tryenter(kmutex_t *mtx);	/* true when taken */
void	mutex_exit(kmutex_t *mtx);
bool	mutex_owned(const kmutex_t *mtx);	/* held by curlwp */

void	rw_init(krwlock_t *rw);
void	rw_destroy(krwlock_t *rw);
void	rw_enter(krwlock_t *rw, krw_t op);
bool	rw_tryenter(krwlock_t *rw, krw_t op);
void	rw_exit(krwlock_t *rw);
bool	rw_write_held(const krwlock_t *rw);	/* by curlwp */
bool	rw_lock_held(const krwlock_t *rw);	/* by anyone, either way */

void	cv_init(kcondvar_t *cv, const char *wmesg);
void	cv_destroy(kcondvar_t *cv);
/* mtx must be held; it is released while sleeping and held again on return. */
void	cv_wait(kcondvar_t *cv, kmutex_t *mtx);
/* As cv_wait, for at most ms milliseconds (0: no limit, as NetBSD's timo 0): 0, or EWOULDBLOCK on timeout. */
int	cv_timedwait(kcondvar_t *cv, kmutex_t *mtx, unsigned ms);
void	cv_signal(kcondvar_t *cv);
void	cv_broadcast(kcondvar_t *cv);
bool	cv_has_waiters(kcondvar_t *cv);

/* True when the UP variants are in use (RUMP_NCPU == 1). */
bool	rump_locks_up(void);

#endif /* KERN_LOCKS_H */
