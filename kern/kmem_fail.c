/* kmem_fail.c: repeatable allocation failures for tests: the n-th limited allocation from arming fails, once. */
#include "kmem.h"
#include "kern_private.h"

#include <rump/rump.h>

static uint64_t kmem_failcount;	/* atomic: limited allocations left before the failing one; 0 = off */
static uint64_t kmem_failhits;	/* atomic: failures injected since boot */

/*
 * Only allocations that the memory limit could refuse are counted
 * (not KM_NOLIMIT ones, nor those inside kmem_reserve_enter): a failure injected here is one the caller
 * must already handle when RUMP_MEMLIMIT runs out.
 */
bool
kmem_fail_now(int flags)
{
	uint64_t left;

	if (__predict_true(__atomic_load_n(&kmem_failcount, __ATOMIC_RELAXED) == 0) ||
	    (flags & KM_NOLIMIT) || kmem_reserve_held())
		return false;
	left = __atomic_load_n(&kmem_failcount, __ATOMIC_RELAXED);
	while (left != 0) {
		if (__atomic_compare_exchange_n(&kmem_failcount, &left, left - 1, false,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			if (left != 1)
				return false;
			__atomic_add_fetch(&kmem_failhits, 1, __ATOMIC_RELAXED);
			return true;
		}
	}
	return false;
}

void
rump_pub_kmem_failnth(uint64_t n)
{
	__atomic_store_n(&kmem_failcount, n, __ATOMIC_RELAXED);
}

uint64_t
rump_pub_kmem_failures(void)
{
	return __atomic_load_n(&kmem_failhits, __ATOMIC_RELAXED);
}
