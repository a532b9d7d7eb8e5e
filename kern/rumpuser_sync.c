/* rumpuser_sync.c: host mutexes, reader/writer locks, condition variables and semaphores. */
#include "rumpuser.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct rumpuser_mtx {
	pthread_mutex_t	m_mtx;
};

struct rumpuser_rw {
	pthread_rwlock_t rw_lock;
};

struct rumpuser_cv {
	pthread_cond_t	c_cond;		/* on CLOCK_MONOTONIC */
};

/* A counting semaphore on a monotonic condition variable (sem_t waits on the wall clock). */
struct rumpuser_sem {
	pthread_mutex_t	s_mtx;
	pthread_cond_t	s_cond;
	unsigned	s_count;	/* s_mtx */
};

static void *
sync_alloc(size_t size)
{
	void *p = malloc(size);

	/* the lock interfaces cannot fail: a host without memory for a lock is dead */
	if (p == NULL) {
		fprintf(stderr, "rumpuser: out of memory for a host lock\n");
		abort();
	}
	return p;
}

static void
sync_check(int error, const char *what)
{
	if (error != 0) {
		fprintf(stderr, "rumpuser: %s failed: error %d\n", what, error);
		abort();
	}
}

static void
cond_init_monotonic(pthread_cond_t *cond)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	sync_check(pthread_cond_init(cond, &attr), "pthread_cond_init");
	pthread_condattr_destroy(&attr);
}

/* The absolute monotonic time sec.nsec from now. */
static struct timespec
deadline(int64_t sec, long nsec)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)sec + nsec / 1000000000L;
	ts.tv_nsec += nsec % 1000000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Mutexes. */

void
rumpuser_mutex_init(struct rumpuser_mtx **mtxp)
{
	struct rumpuser_mtx *mtx = sync_alloc(sizeof(*mtx));

	sync_check(pthread_mutex_init(&mtx->m_mtx, NULL), "pthread_mutex_init");
	*mtxp = mtx;
}

void
rumpuser_mutex_enter(struct rumpuser_mtx *mtx)
{
	sync_check(pthread_mutex_lock(&mtx->m_mtx), "pthread_mutex_lock");
}

int
rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx)
{
	return pthread_mutex_trylock(&mtx->m_mtx) == 0 ? 0 : EBUSY;
}

void
rumpuser_mutex_exit(struct rumpuser_mtx *mtx)
{
	sync_check(pthread_mutex_unlock(&mtx->m_mtx), "pthread_mutex_unlock");
}

void
rumpuser_mutex_destroy(struct rumpuser_mtx *mtx)
{
	pthread_mutex_destroy(&mtx->m_mtx);
	free(mtx);
}

/* Reader/writer locks. */

void
rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	struct rumpuser_rw *rw = sync_alloc(sizeof(*rw));
	pthread_rwlockattr_t attr;

	/* glibc prefers readers by default, which can starve a writer forever */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	sync_check(pthread_rwlock_init(&rw->rw_lock, &attr), "pthread_rwlock_init");
	pthread_rwlockattr_destroy(&attr);
	*rwp = rw;
}

void
rumpuser_rw_enter(struct rumpuser_rw *rw, enum rumpuser_rwlock op)
{
	if (op == RUMPUSER_RW_WRITER)
		sync_check(pthread_rwlock_wrlock(&rw->rw_lock), "pthread_rwlock_wrlock");
	else
		sync_check(pthread_rwlock_rdlock(&rw->rw_lock), "pthread_rwlock_rdlock");
}

int
rumpuser_rw_tryenter(struct rumpuser_rw *rw, enum rumpuser_rwlock op)
{
	int error;

	if (op == RUMPUSER_RW_WRITER)
		error = pthread_rwlock_trywrlock(&rw->rw_lock);
	else
		error = pthread_rwlock_tryrdlock(&rw->rw_lock);
	return error == 0 ? 0 : EBUSY;
}

void
rumpuser_rw_exit(struct rumpuser_rw *rw)
{
	sync_check(pthread_rwlock_unlock(&rw->rw_lock), "pthread_rwlock_unlock");
}

void
rumpuser_rw_destroy(struct rumpuser_rw *rw)
{
	pthread_rwlock_destroy(&rw->rw_lock);
	free(rw);
}

/* Condition variables. */

void
rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv = sync_alloc(sizeof(*cv));

	cond_init_monotonic(&cv->c_cond);
	*cvp = cv;
}

void
rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	sync_check(pthread_cond_wait(&cv->c_cond, &mtx->m_mtx), "pthread_cond_wait");
}

int
rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx, int64_t sec, long nsec)
{
	struct timespec ts = deadline(sec, nsec);
	int error;

	error = pthread_cond_timedwait(&cv->c_cond, &mtx->m_mtx, &ts);
	if (error != 0 && error != ETIMEDOUT)
		sync_check(error, "pthread_cond_timedwait");
	return error;
}

void
rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	pthread_cond_signal(&cv->c_cond);
}

void
rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	pthread_cond_broadcast(&cv->c_cond);
}

void
rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	pthread_cond_destroy(&cv->c_cond);
	free(cv);
}

/* Semaphores. */

void
rumpuser_sem_init(struct rumpuser_sem **semp)
{
	struct rumpuser_sem *sem = sync_alloc(sizeof(*sem));

	sync_check(pthread_mutex_init(&sem->s_mtx, NULL), "pthread_mutex_init");
	cond_init_monotonic(&sem->s_cond);
	sem->s_count = 0;
	*semp = sem;
}

void
rumpuser_sem_post(struct rumpuser_sem *sem)
{
	pthread_mutex_lock(&sem->s_mtx);
	sem->s_count++;
	pthread_cond_signal(&sem->s_cond);
	pthread_mutex_unlock(&sem->s_mtx);
}

void
rumpuser_sem_wait(struct rumpuser_sem *sem)
{
	pthread_mutex_lock(&sem->s_mtx);
	while (sem->s_count == 0)
		pthread_cond_wait(&sem->s_cond, &sem->s_mtx);
	sem->s_count--;
	pthread_mutex_unlock(&sem->s_mtx);
}

int
rumpuser_sem_timedwait(struct rumpuser_sem *sem, int64_t sec, long nsec)
{
	struct timespec ts = deadline(sec, nsec);
	int error = 0;

	pthread_mutex_lock(&sem->s_mtx);
	while (sem->s_count == 0 && error == 0)
		error = pthread_cond_timedwait(&sem->s_cond, &sem->s_mtx, &ts);
	/* a post that raced with the timeout still counts */
	if (sem->s_count > 0) {
		sem->s_count--;
		error = 0;
	}
	pthread_mutex_unlock(&sem->s_mtx);
	return error == 0 ? 0 : ETIMEDOUT;
}

void
rumpuser_sem_destroy(struct rumpuser_sem *sem)
{
	pthread_cond_destroy(&sem->s_cond);
	pthread_mutex_destroy(&sem->s_mtx);
	free(sem);
}
