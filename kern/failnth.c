/* failnth.c: one-shot countdowns for fault injection; kernel allocations' (rump_pub_kmem_failnth) is here. */
#include "kmem.h"
#include "kern_private.h"
#include "failnth.h"

#include <rump/rump.h>

void
failnth_arm(struct failnth *f, uint64_t n)
{
	__atomic_store_n(&f->fn_left, n, __ATOMIC_RELAXED);
}

bool
failnth_now(struct failnth *f)
{
	uint64_t left = __atomic_load_n(&f->fn_left, __ATOMIC_RELAXED);

	while (left != 0) {
		if (__atomic_compare_exchange_n(&f->fn_left, &left, left - 1, false,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			if (left != 1)
				return false;
			__atomic_add_fetch(&f->fn_hits, 1, __ATOMIC_RELAXED);
			return true;
		}
	}
	return false;
}

uint64_t
failnth_hits(const struct failnth *f)
{
	return __atomic_load_n(&f->fn_hits, __ATOMIC_RELAXED);
}

static struct failnth kmem_failnth;

/*
 * Only allocations that the memory limit could refuse are counted
 * (not KM_NOLIMIT ones, nor those inside kmem_reserve_enter): a failure
 * injected here is one the caller must already handle when RUMP_MEMLIMIT
 * runs out.
 */
bool
kmem_fail_now(int flags)
{
	if (__predict_true(__atomic_load_n(&kmem_failnth.fn_left, __ATOMIC_RELAXED) == 0) ||
	    (flags & KM_NOLIMIT) || kmem_reserve_held())
		return false;
	return failnth_now(&kmem_failnth);
}

void
rump_pub_kmem_failnth(uint64_t n)
{
	failnth_arm(&kmem_failnth, n);
}

uint64_t
rump_pub_kmem_failures(void)
{
	return failnth_hits(&kmem_failnth);
}
