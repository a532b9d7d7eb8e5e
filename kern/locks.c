/* locks.c: the lock interface, dispatching to the MP or UP variant chosen at boot. */
#include "locks.h"
#include "kern_private.h"
#include "lwp.h"
#include "rumpuser.h"

static bool locks_up;		/* constant while booted */

void
locks_choose(bool up)
{
	locks_up = up;
}

bool
rump_locks_up(void)
{
	return locks_up;
}

/* Mutexes. */

void
mutex_init(kmutex_t *mtx)
{
	memset(mtx, 0, sizeof(*mtx));
	if (!locks_up)
		mutex_init_mp(mtx);
}

void
mutex_destroy(kmutex_t *mtx)
{
	KASSERT(mtx->mtx_owner == NULL && mtx->mtx_waiters.wq_first == NULL);
	/* by what was made, not by the variant: a lock may outlive a reboot's choice */
	if (mtx->mtx_host != NULL)
		rumpuser_mutex_destroy(mtx->mtx_host);
	mtx->mtx_host = NULL;
}

void
mutex_enter(kmutex_t *mtx)
{
	if (locks_up)
		mutex_enter_up(mtx);
	else
		mutex_enter_mp(mtx);
}

bool
mutex_tryenter(kmutex_t *mtx)
{
	return locks_up ? mutex_tryenter_up(mtx) : mutex_tryenter_mp(mtx);
}

void
mutex_exit(kmutex_t *mtx)
{
	if (locks_up)
		mutex_exit_up(mtx);
	else
		mutex_exit_mp(mtx);
}

bool
mutex_owned(const kmutex_t *mtx)
{
	return __atomic_load_n(&mtx->mtx_owner, __ATOMIC_RELAXED) == curlwp;
}

/* Reader/writer locks. */

void
rw_init(krwlock_t *rw)
{
	memset(rw, 0, sizeof(*rw));
	if (!locks_up)
		rw_init_mp(rw);
}

void
rw_destroy(krwlock_t *rw)
{
	KASSERT(!rw_lock_held(rw));
	if (rw->rw_host != NULL)
		rumpuser_rw_destroy(rw->rw_host);
	rw->rw_host = NULL;
}

void
rw_enter(krwlock_t *rw, krw_t op)
{
	if (locks_up)
		rw_enter_up(rw, op);
	else
		rw_enter_mp(rw, op);
}

bool
rw_tryenter(krwlock_t *rw, krw_t op)
{
	return locks_up ? rw_tryenter_up(rw, op) : rw_tryenter_mp(rw, op);
}

void
rw_exit(krwlock_t *rw)
{
	if (locks_up)
		rw_exit_up(rw);
	else
		rw_exit_mp(rw);
}

bool
rw_write_held(const krwlock_t *rw)
{
	return __atomic_load_n(&rw->rw_owner, __ATOMIC_RELAXED) == curlwp;
}

bool
rw_lock_held(const krwlock_t *rw)
{
	return __atomic_load_n(&rw->rw_owner, __ATOMIC_RELAXED) != NULL ||
	    __atomic_load_n(&rw->rw_readers, __ATOMIC_RELAXED) > 0;
}

/* Condition variables. */

void
cv_init(kcondvar_t *cv, const char *wmesg)
{
	memset(cv, 0, sizeof(*cv));
	cv->cv_wmesg = wmesg;
	if (!locks_up)
		cv_init_mp(cv);
}

void
cv_destroy(kcondvar_t *cv)
{
	KASSERT(!cv_has_waiters(cv));
	if (cv->cv_host != NULL)
		rumpuser_cv_destroy(cv->cv_host);
	cv->cv_host = NULL;
}

void
cv_wait(kcondvar_t *cv, kmutex_t *mtx)
{
	KASSERT(mutex_owned(mtx));
	if (locks_up)
		cv_wait_up(cv, mtx);
	else
		cv_wait_mp(cv, mtx);
}

int
cv_timedwait(kcondvar_t *cv, kmutex_t *mtx, unsigned ms)
{
	KASSERT(mutex_owned(mtx));
	if (ms == 0) {
		cv_wait(cv, mtx);
		return 0;
	}
	return locks_up ? cv_timedwait_up(cv, mtx, ms) : cv_timedwait_mp(cv, mtx, ms);
}

void
cv_signal(kcondvar_t *cv)
{
	if (locks_up)
		cv_signal_up(cv);
	else
		cv_signal_mp(cv);
}

void
cv_broadcast(kcondvar_t *cv)
{
	if (locks_up)
		cv_broadcast_up(cv);
	else
		cv_broadcast_mp(cv);
}

bool
cv_has_waiters(kcondvar_t *cv)
{
	if (locks_up)
		return cv->cv_waiters.wq_first != NULL;
	return __atomic_load_n(&cv->cv_nwaiters, __ATOMIC_RELAXED) > 0;
}
