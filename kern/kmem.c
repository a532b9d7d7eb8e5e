/* kmem.c: kernel memory on host malloc, accounted against RUMP_MEMLIMIT, with reclaim on pressure. */
#include "kmem.h"
#include "kern_private.h"
#include "rumpuser.h"

/* Reclaim passes before an allocation over the limit gives up. */
#define KMEM_RECLAIM_PASSES	2

static uint64_t kmem_used;		/* atomic: bytes handed out */
static uint64_t kmem_max;		/* RUMP_MEMLIMIT, 0 = none; constant while booted */
static struct rumpuser_mtx *kmem_list_lock;
static LIST_HEAD(, kmem_reclaimer) kmem_reclaimers = LIST_HEAD_INITIALIZER(kmem_reclaimers);

static bool	kmem_charge(size_t size, int flags);
static void	kmem_reclaim(size_t want);

void
kmem_init(uint64_t limit)
{
	kmem_max = limit;
	rumpuser_mutex_init(&kmem_list_lock);
}

void
kmem_fini(void)
{
	if (!LIST_EMPTY(&kmem_reclaimers))
		kprintf("rump_shutdown: reclaimer \"%s\" still registered\n",
		    LIST_FIRST(&kmem_reclaimers)->kr_name);
	LIST_INIT(&kmem_reclaimers);
	rumpuser_mutex_destroy(kmem_list_lock);
	kmem_list_lock = NULL;
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
 * KM_NOSLEEP) and tries again.
 */
static bool
kmem_charge(size_t size, int flags)
{
	uint64_t now;
	int pass;

	now = __atomic_add_fetch(&kmem_used, size, __ATOMIC_RELAXED);
	if (__predict_true(kmem_max == 0 || now <= kmem_max || (flags & KM_NOLIMIT)))
		return true;
	for (pass = 0;; pass++) {
		__atomic_sub_fetch(&kmem_used, size, __ATOMIC_RELAXED);
		if ((flags & KM_NOSLEEP) || pass == KMEM_RECLAIM_PASSES)
			return false;
		kmem_reclaim((size_t)(now - kmem_max));
		now = __atomic_add_fetch(&kmem_used, size, __ATOMIC_RELAXED);
		if (now <= kmem_max)
			return true;
	}
}

/*
 * Ask the reclaimers, in registration order, for want bytes.  They run
 * with kmem's list lock held: that is what lets unregister promise that
 * no call is in flight once it returns.  It cannot deadlock because a
 * reclaimer only tries its own locks and never allocates, and kmem_free
 * (which it may call) takes no lock.
 */
static void
kmem_reclaim(size_t want)
{
	struct kmem_reclaimer *kr;
	size_t freed = 0;

	if (kmem_list_lock == NULL)
		return;
	rumpuser_mutex_enter(kmem_list_lock);
	LIST_FOREACH(kr, &kmem_reclaimers, kr_entry) {
		freed += kr->kr_reclaim(kr->kr_arg, want - freed);
		if (freed >= want)
			break;
	}
	rumpuser_mutex_exit(kmem_list_lock);
}

void
kmem_reclaimer_register(struct kmem_reclaimer *kr)
{
	KASSERT(kmem_list_lock != NULL);
	rumpuser_mutex_enter(kmem_list_lock);
	LIST_INSERT_HEAD(&kmem_reclaimers, kr, kr_entry);
	rumpuser_mutex_exit(kmem_list_lock);
}

void
kmem_reclaimer_unregister(struct kmem_reclaimer *kr)
{
	KASSERT(kmem_list_lock != NULL);
	rumpuser_mutex_enter(kmem_list_lock);
	LIST_REMOVE(kr, kr_entry);
	rumpuser_mutex_exit(kmem_list_lock);
}
