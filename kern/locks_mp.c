/* locks_mp.c: multiprocessor locks on host locks, giving the virtual CPU up while blocked. */
#include "locks.h"
#include "kern_private.h"
#include "lwp.h"
#include "rumpuser.h"

/*
 * Each slow path is: try the host lock; if busy, release the CPU, block
 * on the host lock, take a CPU again.  Waiting for a CPU while holding
 * the host lock cannot deadlock: every CPU holder that wants this lock
 * fails its try and releases its CPU before blocking.
 */

static inline void
owner_set(struct lwp **ownerp, struct lwp *l)
{
	/* others read the owner only to compare with themselves */
	__atomic_store_n(ownerp, l, __ATOMIC_RELAXED);
}

static inline struct lwp *
owner_get(struct lwp *const *ownerp)
{
	return __atomic_load_n(ownerp, __ATOMIC_RELAXED);
}

void
mutex_init_mp(kmutex_t *mtx)
{
	rumpuser_mutex_init(&mtx->mtx_host);
}

void
mutex_enter_mp(kmutex_t *mtx)
{
	struct lwp *l = curlwp;

	KASSERT(owner_get(&mtx->mtx_owner) != l);
	if (rumpuser_mutex_tryenter(mtx->mtx_host) != 0) {
		rump_unschedule_cpu(l);
		rumpuser_mutex_enter(mtx->mtx_host);
		rump_schedule_cpu(l);
	}
	owner_set(&mtx->mtx_owner, l);
}

bool
mutex_tryenter_mp(kmutex_t *mtx)
{
	if (rumpuser_mutex_tryenter(mtx->mtx_host) != 0)
		return false;
	owner_set(&mtx->mtx_owner, curlwp);
	return true;
}

void
mutex_exit_mp(kmutex_t *mtx)
{
	KASSERT(owner_get(&mtx->mtx_owner) == curlwp);
	owner_set(&mtx->mtx_owner, NULL);
	rumpuser_mutex_exit(mtx->mtx_host);
}

void
rw_init_mp(krwlock_t *rw)
{
	rumpuser_rw_init(&rw->rw_host);
}

static void
rw_note_entered(krwlock_t *rw, krw_t op)
{
	if (op == RW_WRITER)
		owner_set(&rw->rw_owner, curlwp);
	else
		__atomic_add_fetch(&rw->rw_readers, 1, __ATOMIC_RELAXED);
}

void
rw_enter_mp(krwlock_t *rw, krw_t op)
{
	enum rumpuser_rwlock hop = op == RW_WRITER ? RUMPUSER_RW_WRITER : RUMPUSER_RW_READER;
	struct lwp *l = curlwp;

	KASSERT(owner_get(&rw->rw_owner) != l);
	if (rumpuser_rw_tryenter(rw->rw_host, hop) != 0) {
		rump_unschedule_cpu(l);
		rumpuser_rw_enter(rw->rw_host, hop);
		rump_schedule_cpu(l);
	}
	rw_note_entered(rw, op);
}

bool
rw_tryenter_mp(krwlock_t *rw, krw_t op)
{
	enum rumpuser_rwlock hop = op == RW_WRITER ? RUMPUSER_RW_WRITER : RUMPUSER_RW_READER;

	if (rumpuser_rw_tryenter(rw->rw_host, hop) != 0)
		return false;
	rw_note_entered(rw, op);
	return true;
}

void
rw_exit_mp(krwlock_t *rw)
{
	if (owner_get(&rw->rw_owner) == curlwp) {
		owner_set(&rw->rw_owner, NULL);
	} else {
		KASSERT(__atomic_load_n(&rw->rw_readers, __ATOMIC_RELAXED) > 0);
		__atomic_sub_fetch(&rw->rw_readers, 1, __ATOMIC_RELAXED);
	}
	rumpuser_rw_exit(rw->rw_host);
}

void
cv_init_mp(kcondvar_t *cv)
{
	rumpuser_cv_init(&cv->cv_host);
}

/* Both waits: mtx is held on entry and on return. */
void
cv_wait_mp(kcondvar_t *cv, kmutex_t *mtx)
{
	struct lwp *l = curlwp;

	__atomic_add_fetch(&cv->cv_nwaiters, 1, __ATOMIC_RELAXED);
	owner_set(&mtx->mtx_owner, NULL);
	rump_unschedule_cpu(l);
	rumpuser_cv_wait(cv->cv_host, mtx->mtx_host);
	rump_schedule_cpu(l);
	owner_set(&mtx->mtx_owner, l);
	__atomic_sub_fetch(&cv->cv_nwaiters, 1, __ATOMIC_RELAXED);
}

int
cv_timedwait_mp(kcondvar_t *cv, kmutex_t *mtx, unsigned ms)
{
	struct lwp *l = curlwp;
	int error;

	__atomic_add_fetch(&cv->cv_nwaiters, 1, __ATOMIC_RELAXED);
	owner_set(&mtx->mtx_owner, NULL);
	rump_unschedule_cpu(l);
	error = rumpuser_cv_timedwait(cv->cv_host, mtx->mtx_host, ms / 1000,
	    (long)(ms % 1000) * 1000000L);
	rump_schedule_cpu(l);
	owner_set(&mtx->mtx_owner, l);
	__atomic_sub_fetch(&cv->cv_nwaiters, 1, __ATOMIC_RELAXED);
	return error == 0 ? 0 : EWOULDBLOCK;
}

void
cv_signal_mp(kcondvar_t *cv)
{
	rumpuser_cv_signal(cv->cv_host);
}

void
cv_broadcast_mp(kcondvar_t *cv)
{
	rumpuser_cv_broadcast(cv->cv_host);
}
