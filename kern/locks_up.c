/* locks_up.c: uniprocessor locks: plain fields, since only the holder of the one CPU runs. */
#include "locks.h"
#include "kern_private.h"
#include "lwp.h"

/*
 * With one virtual CPU the lock words need no atomics: taking and giving
 * back the CPU orders memory.  A waiter queues itself with the CPU held
 * and sleeps on its lwp's semaphore (lwp_sleep releases the CPU); the
 * releaser dequeues and posts it, also with the CPU held.  A post that
 * comes before the sleeper waits is kept by the semaphore.  A woken
 * waiter re-checks the lock: someone may have taken it meanwhile.
 */

void
mutex_enter_up(kmutex_t *mtx)
{
	struct lwp *l = curlwp;

	KASSERT(mtx->mtx_owner != l);
	while (mtx->mtx_owner != NULL) {
		lwp_waitq_insert(&mtx->mtx_waiters, l);
		lwp_sleep(0);
	}
	mtx->mtx_owner = l;
}

bool
mutex_tryenter_up(kmutex_t *mtx)
{
	if (mtx->mtx_owner != NULL)
		return false;
	mtx->mtx_owner = curlwp;
	return true;
}

void
mutex_exit_up(kmutex_t *mtx)
{
	struct lwp *w;

	KASSERT(mtx->mtx_owner == curlwp);
	mtx->mtx_owner = NULL;
	if ((w = lwp_waitq_remove_first(&mtx->mtx_waiters)) != NULL)
		lwp_wakeup(w);
}

/* Readers queue behind a waiting writer (rw_wwant), so writers do not starve. */
static bool
rw_can_enter(const krwlock_t *rw, krw_t op)
{
	if (op == RW_WRITER)
		return rw->rw_owner == NULL && rw->rw_readers == 0;
	return rw->rw_owner == NULL && rw->rw_wwant == 0;
}

void
rw_enter_up(krwlock_t *rw, krw_t op)
{
	struct lwp *l = curlwp;

	KASSERT(rw->rw_owner != l);
	if (!rw_can_enter(rw, op)) {
		if (op == RW_WRITER)
			rw->rw_wwant++;
		do {
			lwp_waitq_insert(&rw->rw_waiters, l);
			lwp_sleep(0);
		} while (op == RW_WRITER ? !(rw->rw_owner == NULL && rw->rw_readers == 0) :
		    !rw_can_enter(rw, op));
		if (op == RW_WRITER)
			rw->rw_wwant--;
	}
	if (op == RW_WRITER)
		rw->rw_owner = l;
	else
		rw->rw_readers++;
}

bool
rw_tryenter_up(krwlock_t *rw, krw_t op)
{
	if (!rw_can_enter(rw, op))
		return false;
	if (op == RW_WRITER)
		rw->rw_owner = curlwp;
	else
		rw->rw_readers++;
	return true;
}

/* When the lock comes free every waiter is woken and checks again. */
void
rw_exit_up(krwlock_t *rw)
{
	struct lwp *w;

	if (rw->rw_owner == curlwp) {
		rw->rw_owner = NULL;
	} else {
		KASSERT(rw->rw_readers > 0);
		rw->rw_readers--;
	}
	if (rw->rw_readers > 0)
		return;
	while ((w = lwp_waitq_remove_first(&rw->rw_waiters)) != NULL)
		lwp_wakeup(w);
}

void
cv_wait_up(kcondvar_t *cv, kmutex_t *mtx)
{
	lwp_waitq_insert(&cv->cv_waiters, curlwp);
	mutex_exit_up(mtx);
	lwp_sleep(0);
	mutex_enter_up(mtx);
}

int
cv_timedwait_up(kcondvar_t *cv, kmutex_t *mtx, unsigned ms)
{
	struct lwp *l = curlwp;
	int error;

	lwp_waitq_insert(&cv->cv_waiters, l);
	mutex_exit_up(mtx);
	error = lwp_sleep(ms);
	/*
	 * Timed out but no longer queued: a signaller dequeued us and posted
	 * in the same CPU hold, before we got the CPU back.  Take that post,
	 * so it cannot wake a later sleep, and count the wait as signalled.
	 */
	if (error == EWOULDBLOCK && !lwp_waitq_remove(&cv->cv_waiters, l)) {
		lwp_sleep_consume(l);
		error = 0;
	}
	mutex_enter_up(mtx);
	return error;
}

void
cv_signal_up(kcondvar_t *cv)
{
	struct lwp *w = lwp_waitq_remove_first(&cv->cv_waiters);

	if (w != NULL)
		lwp_wakeup(w);
}

void
cv_broadcast_up(kcondvar_t *cv)
{
	struct lwp *w;

	while ((w = lwp_waitq_remove_first(&cv->cv_waiters)) != NULL)
		lwp_wakeup(w);
}
