/* test_kthread.c: kernel threads: create, run scheduled, stop, join; refused with RUMP_THREADS=0. */
#include <stdint.h>

#include <rump/rump.h>

#include "kern_test.h"
#include "kernel.h"
#include "kthread.h"
#include "locks.h"
#include "lwp.h"

static kmutex_t kt_mtx;
static kcondvar_t kt_cv;
static int kt_count;		/* kt_mtx */
static int kt_bad;		/* kt_mtx: a kthread ran without its system lwp */

static void
kt_adder(void *arg)
{
	int i;

	for (i = 0; i < 1000; i++) {
		mutex_enter(&kt_mtx);
		kt_count += (int)(intptr_t)arg;
		if (!(curlwp->l_flags & LW_SYSTEM) || curproc != &proc0 || curcpu() == NULL)
			kt_bad++;
		mutex_exit(&kt_mtx);
	}
}

/* Sleeps until asked to stop; the stopper signals kt_cv. */
static void
kt_sleeper(void *arg)
{
	(void)arg;
	mutex_enter(&kt_mtx);
	while (!kthread_should_stop())
		cv_wait(&kt_cv, &kt_mtx);
	kt_count += 1000000;
	mutex_exit(&kt_mtx);
}

T_CASE(kthread_create_join)
{
	struct lwp *l[4], *sl;
	int i;

	kt_clear_env();
	setenv("RUMP_NCPU", "2", 1);
	CHECK_ERR(rump_init(), 0);
	rump_schedule();
	mutex_init(&kt_mtx);
	cv_init(&kt_cv, "kt");
	CHECK(!kthread_should_stop());
	CHECK_ERR(kthread_create(kt_sleeper, NULL, "sleeper", &sl), 0);
	for (i = 0; i < 4; i++)
		CHECK_ERR(kthread_create(kt_adder, (void *)(intptr_t)(i + 1), "adder", &l[i]), 0);
	for (i = 0; i < 4; i++)
		CHECK_ERR(kthread_join(l[i]), 0);
	mutex_enter(&kt_mtx);
	CHECK_EQ(kt_count, 1000 * (1 + 2 + 3 + 4));
	CHECK_EQ(kt_bad, 0);
	mutex_exit(&kt_mtx);

	kthread_stop(sl);
	mutex_enter(&kt_mtx);
	cv_broadcast(&kt_cv);
	mutex_exit(&kt_mtx);
	CHECK_ERR(kthread_join(sl), 0);
	CHECK_EQ(kt_count, 1000 * 10 + 1000000);

	cv_destroy(&kt_cv);
	mutex_destroy(&kt_mtx);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}

static int kt_ran;

static void
kt_once(void *arg)
{
	(void)arg;
	__atomic_store_n(&kt_ran, 1, __ATOMIC_SEQ_CST);
}

/* RUMP_NCPU=1: the kthread waits for the CPU the creator holds until join gives it up. */
T_CASE(kthread_up)
{
	struct lwp *l;

	kt_clear_env();
	setenv("RUMP_NCPU", "1", 1);
	CHECK_ERR(rump_init(), 0);
	rump_schedule();
	CHECK_ERR(kthread_create(kt_once, NULL, "once", &l), 0);
	CHECK_ERR(kthread_join(l), 0);
	CHECK_EQ(kt_ran, 1);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(kthread_disabled)
{
	struct lwp *l = NULL;

	kt_clear_env();
	setenv("RUMP_THREADS", "0", 1);
	CHECK_ERR(rump_init(), 0);
	rump_schedule();
	CHECK_ERR(kthread_create(kt_once, NULL, "never", &l), EOPNOTSUPP);
	CHECK(l == NULL);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
	CHECK_EQ(kt_ran, 0);
}

/* A kthread its creator forgot is stopped and joined by rump_shutdown. */
T_CASE(kthread_shutdown_joins)
{
	kt_clear_env();
	CHECK_ERR(rump_init(), 0);
	rump_schedule();
	mutex_init(&kt_mtx);
	cv_init(&kt_cv, "kt");
	CHECK_ERR(kthread_create(kt_once, NULL, "forgotten", NULL), 0);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
	CHECK_EQ(kt_ran, 1);
}
