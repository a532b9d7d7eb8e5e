/* init.c: rump_init() and rump_shutdown(): booting and tearing down the kernel. */
#include "kernel.h"
#include "kern_private.h"
#include "kmem.h"
#include "lwp.h"
#include "rumpuser.h"

#include <rump/rump.h>

enum rump_state { RUMP_DOWN, RUMP_BOOTING, RUMP_UP, RUMP_STOPPING };
static int rump_state = RUMP_DOWN;	/* atomic */

static void	kernel_free(void);

int
rump_init(void)
{
	struct rump_params rp;
	int expected = RUMP_DOWN, error;

	if (!__atomic_compare_exchange_n(&rump_state, &expected, RUMP_BOOTING, false,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return EBUSY;
	if ((error = rump_params_read(&rp)) != 0)
		goto out_down;
	rump_params = rp;
	kmem_init(rp.rp_memlimit);
	sched_init(rp.rp_ncpu);
	locks_choose(rp.rp_ncpu == 1);
	if ((error = proc_init()) != 0) {
		sched_fini();
		kmem_fini();
		goto out_down;
	}
	rumpuser_curlwp_destructor(lwp_implicit_exit);

	rump_schedule();
	kmem_reclaim_start();
	error = component_start_all();
	if (error != 0) {
		kmem_reclaim_stop();
		proc_exit_others();
		kthread_join_all();
	}
	rump_unschedule();
	if (error != 0) {
		kernel_free();
		goto out_down;
	}
	kverbose("rump kernel booted: %d CPUs (%s locks), memory limit %ju, %s kernel threads\n",
	    rp.rp_ncpu, rp.rp_ncpu == 1 ? "UP" : "MP", (uintmax_t)rp.rp_memlimit,
	    rp.rp_threads ? "with" : "no");
	__atomic_store_n(&rump_state, RUMP_UP, __ATOMIC_SEQ_CST);
	return 0;

out_down:
	__atomic_store_n(&rump_state, RUMP_DOWN, __ATOMIC_SEQ_CST);
	return error;
}

int
rump_shutdown(void)
{
	int expected = RUMP_UP;

	if (!__atomic_compare_exchange_n(&rump_state, &expected, RUMP_STOPPING, false,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return 0;	/* not booted (or already going down): nothing to do */
	rump_schedule();
	/* run the teardown as an lwp of proc0, which outlives the others */
	if (!(curlwp->l_flags & LW_IMPLICIT))
		rump_pub_lwproc_switch(NULL);
	/* processes end while vfs (their ph_exit) still works */
	proc_exit_others();
	component_stop_all();
	kmem_reclaim_stop();
	kthread_join_all();
	rump_unschedule();
	kernel_free();
	__atomic_store_n(&rump_state, RUMP_DOWN, __ATOMIC_SEQ_CST);
	return 0;
}

/* Unscheduled, no thread in the kernel: free every lwp, proc0, the CPUs and kmem. */
static void
kernel_free(void)
{
	rumpuser_curlwp_forgetall();
	proc_fini();
	sched_fini();
	kmem_fini();
}
