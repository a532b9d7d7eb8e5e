/* test_sched.c: virtual CPUs: never more threads inside than CPUs; sleepers give their CPU up. */
#include <sched.h>
#include <stdint.h>

#include <rump/rump.h>

#include "kern_test.h"
#include "kernel.h"
#include "locks.h"
#include "lwp.h"

static int sc_inside, sc_max;		/* atomic */

static void
sc_enter_note(void)
{
	int n = __atomic_add_fetch(&sc_inside, 1, __ATOMIC_SEQ_CST);
	int m = __atomic_load_n(&sc_max, __ATOMIC_SEQ_CST);

	while (n > m && !__atomic_compare_exchange_n(&sc_max, &m, n, false,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		continue;
}

static void *
sc_worker(void *arg)
{
	volatile int spin;
	int i, j;

	(void)arg;
	for (i = 0; i < 3000; i++) {
		rump_schedule();
		rump_schedule();	/* nesting takes no second CPU */
		sc_enter_note();
		CHECK(curcpu() != NULL);
		CHECK(curcpu()->ci_curlwp == curlwp);
		for (j = 0, spin = 0; j < 200; j++)
			spin++;
		/* let the host run others while we hold the CPU: they must not get in */
		if (i % 8 == 0)
			sched_yield();
		__atomic_sub_fetch(&sc_inside, 1, __ATOMIC_SEQ_CST);
		rump_unschedule();
		CHECK(curlwp->l_cpu != NULL);
		rump_unschedule();
	}
	return NULL;
}

/* Run with RUMP_NCPU set by meson (1, 2, 4); 12 host threads compete. */
T_CASE(sched_max_inside)
{
	CHECK_ERR(rump_init(), 0);
	kt_run_threads(12, sc_worker);
	CHECK(sc_max >= 1);
	if (sc_max > rump_params.rp_ncpu)
		t_fail(__FILE__, __LINE__, "%d threads inside with %d CPUs", sc_max,
		    rump_params.rp_ncpu);
	CHECK_EQ(sc_inside, 0);
	CHECK_ERR(rump_shutdown(), 0);
}

/* With one CPU: A sleeps in cv_wait; the main thread must get the CPU to wake it. */
static kmutex_t sc_mtx;
static kcondvar_t sc_cv;
static int sc_flag, sc_woken;		/* sc_mtx */

static void *
sc_sleeper(void *arg)
{
	(void)arg;
	rump_schedule();
	mutex_enter(&sc_mtx);
	while (!sc_flag)
		cv_wait(&sc_cv, &sc_mtx);
	sc_woken = 1;
	mutex_exit(&sc_mtx);
	rump_unschedule();
	return NULL;
}

T_CASE(sched_sleeper_releases_cpu)
{
	pthread_t th;
	bool waiting = false;

	kt_clear_env();
	setenv("RUMP_NCPU", "1", 1);
	CHECK_ERR(rump_init(), 0);
	rump_schedule();
	mutex_init(&sc_mtx);
	cv_init(&sc_cv, "sc");
	rump_unschedule();

	CHECK(pthread_create(&th, NULL, sc_sleeper, NULL) == 0);
	/* we get the only CPU only if the sleeper gave it up */
	while (!waiting) {
		rump_schedule();
		mutex_enter(&sc_mtx);
		waiting = cv_has_waiters(&sc_cv);
		if (waiting) {
			sc_flag = 1;
			cv_signal(&sc_cv);
		}
		mutex_exit(&sc_mtx);
		rump_unschedule();
	}
	CHECK(pthread_join(th, NULL) == 0);
	CHECK_EQ(sc_woken, 1);

	rump_schedule();
	cv_destroy(&sc_cv);
	mutex_destroy(&sc_mtx);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}

/* A host thread's implicit lwp is freed when the thread exits. */
static void *
sc_visit(void *arg)
{
	struct lwp **lp = arg;

	rump_schedule();
	*lp = curlwp;
	CHECK(curlwp->l_flags & LW_IMPLICIT);
	CHECK(curproc == &proc0);
	rump_unschedule();
	return NULL;
}

T_CASE(sched_implicit_lwp_freed)
{
	struct lwp *l = NULL;
	pthread_t th;
	int before;

	CHECK_ERR(rump_init(), 0);
	rump_schedule();
	before = proc0.p_nlwps;
	rump_unschedule();
	CHECK(pthread_create(&th, NULL, sc_visit, &l) == 0);
	CHECK(pthread_join(th, NULL) == 0);
	CHECK(l != NULL);
	rump_schedule();
	CHECK_EQ(proc0.p_nlwps, before);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(sched_time)
{
	struct timespec a, b, w;

	CHECK_ERR(rump_init(), 0);
	rump_schedule();
	getnanouptime(&a);
	kpause_ms(20);
	getnanouptime(&b);
	CHECK((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) >= 19000000L);
	getnanotime(&w);
	CHECK(w.tv_sec > 1600000000);
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}
