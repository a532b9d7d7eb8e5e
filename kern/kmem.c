/* kmem.c: kernel memory on host malloc, accounted against RUMP_MEMLIMIT, with reclaim on pressure (kmem_reclaim.c). */
#include "kmem.h"
#include "kern_private.h"
#include "rumpuser.h"

static uint64_t kmem_used;		/* atomic: bytes handed out */
static uint64_t kmem_max;		/* RUMP_MEMLIMIT, 0 = none; constant while booted */

static bool	kmem_charge(size_t size, int flags);

void
kmem_init(uint64_t limit)
{
	kmem_max = limit;
}

void
kmem_fini(void)
{
	if (kmem_used != 0)
		kverbose("rump_shutdown: %ju bytes of kernel memory not freed\n",
		    (uintmax_t)kmem_used);
	kmem_max = 0;
}

static void *
kmem_get(size_t size, int flags, bool zero)
{
	void *p;

	KASSERT(size > 0);
	if (!kmem_charge(size, flags))
		return NULL;
	if ((zero ? rumpuser_zalloc(size, &p) : rumpuser_malloc(size, 0, &p)) != 0) {
		__atomic_sub_fetch(&kmem_used, size, __ATOMIC_RELAXED);
		return NULL;
	}
	return p;
}

void *
kmem_alloc(size_t size, int flags)
{
	return kmem_get(size, flags, false);
}

void *
kmem_zalloc(size_t size, int flags)
{
	return kmem_get(size, flags, true);
}

bool
kmem_charge_bytes(size_t size, int flags)
{
	return kmem_charge(size, flags);
}

void
kmem_uncharge_bytes(size_t size)
{
	__atomic_sub_fetch(&kmem_used, size, __ATOMIC_RELAXED);
}

void
kmem_free(void *p, size_t size)
{
	if (p == NULL)
		return;
	rumpuser_free(p, size);
	__atomic_sub_fetch(&kmem_used, size, __ATOMIC_RELAXED);
}

char *
kmem_strdup(const char *s, int flags)
{
	size_t len = strlen(s) + 1;
	char *p = kmem_alloc(len, flags);

	if (p != NULL)
		memcpy(p, s, len);
	return p;
}

void
kmem_strfree(char *s)
{
	if (s != NULL)
		kmem_free(s, strlen(s) + 1);
}

void
kmem_reserve_enter(void)
{
	curlwp->l_memreserve++;
}

void
kmem_reserve_exit(void)
{
	KASSERT(curlwp->l_memreserve > 0);
	curlwp->l_memreserve--;
}

bool
kmem_reserve_held(void)
{
	struct lwp *l = rumpuser_curlwp();

	return l != NULL && l->l_memreserve > 0;
}

uint64_t
kmem_inuse(void)
{
	return __atomic_load_n(&kmem_used, __ATOMIC_RELAXED);
}

uint64_t
kmem_limit(void)
{
	return kmem_max;
}

bool
kmem_pressure(void)
{
	return kmem_max != 0 && kmem_inuse() > kmem_max - kmem_max / 8;
}

/*
 * Count size against the limit.  The fast path is one atomic add; only
 * an allocation that crosses the limit takes it back, reclaims (unless
 * KM_NOSLEEP): in line first, then with the reclaim thread's help, and
 * tries again after each.
 */
static bool
kmem_charge(size_t size, int flags)
{
	uint64_t now;
	int how;

	if (kmem_fail_now(flags))
		return false;
	now = __atomic_add_fetch(&kmem_used, size, __ATOMIC_RELAXED);
	if (__predict_true(kmem_max == 0 || now <= kmem_max || (flags & KM_NOLIMIT)) ||
	    kmem_reserve_held())
		return true;
	__atomic_sub_fetch(&kmem_used, size, __ATOMIC_RELAXED);
	if (flags & KM_NOSLEEP)
		return false;
	for (how = KMR_TRY; how <= KMR_WAIT; how++) {
		kmem_reclaim((size_t)(now - kmem_max), how);
		now = __atomic_add_fetch(&kmem_used, size, __ATOMIC_RELAXED);
		if (now <= kmem_max)
			return true;
		__atomic_sub_fetch(&kmem_used, size, __ATOMIC_RELAXED);
	}
	kmem_reclaim_failed();
	return false;
}
