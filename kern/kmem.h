/* kmem.h: kernel memory allocation, accounted against RUMP_MEMLIMIT, with reclaim callbacks. */
#ifndef KERN_KMEM_H
#define KERN_KMEM_H

#include "kernel.h"

#define KM_SLEEP	0x01	/* may run reclaimers before giving up */
#define KM_NOSLEEP	0x02	/* fail at once when over the limit */

/*
 * Allocate size bytes (size > 0).  Unlike NetBSD, KM_SLEEP may fail too:
 * when the memory limit would be passed even after every reclaimer has
 * run, NULL is returned and the caller turns it into ENOMEM (or ENOSPC
 * for file data).  A rump kernel never waits forever for memory.
 */
void	*kmem_alloc(size_t size, int flags);
void	*kmem_zalloc(size_t size, int flags);
/* size must be what was asked for at allocation. */
void	kmem_free(void *p, size_t size);
char	*kmem_strdup(const char *s, int flags);
void	kmem_strfree(char *s);

/*
 * Account for size bytes a subsystem gets from the host itself (the
 * buffer cache's own chunks): the same limit and reclaim as kmem_alloc.
 */
bool	kmem_charge_bytes(size_t size, int flags);
void	kmem_uncharge_bytes(size_t size);

/* Bytes allocated now, and the limit (0 = none). */
uint64_t kmem_inuse(void);
uint64_t kmem_limit(void);
/* True when usage is above 7/8 of the limit: caches should shrink. */
bool	kmem_pressure(void);

/*
 * Reclaim: the contract.  A cache that can give memory back registers a
 * reclaimer, called with how =
 *
 *  KMR_TRY   in line, from inside kmem_alloc(KM_SLEEP) of any thread,
 *            which may hold any kernel lock: a vnode or inode lock, the
 *            vcache or buffer cache lock, a file system's allocation
 *            mutex.  It may only *try* locks (a leaf lock, one whose
 *            holders never block, sleep or reclaim while holding it, may
 *            be taken), must not sleep, do I/O, allocate, or run
 *            file-system code that might.  An allocation made anyway
 *            gets no reclaim (it fails over the limit), never recursion.
 *  KMR_WAIT  from kmem's reclaim thread, which holds no lock when it
 *            calls: it may take locks, wait, do I/O and run file-system
 *            code.  Its own allocations get in-line reclaim only.
 *
 * It returns the number of bytes it freed (0 if it could not).
 *
 * The ways a reclaim path deadlocks, which this contract rules out:
 *  - A list lock that is a host mutex held across the callbacks and
 *    taken keeping the virtual CPU.  A reclaimer blocking on a kernel
 *    lock (the vcache reclaimer on the name cache lock in cache_purge,
 *    on the vcache lock after VOP_RECLAIM) gives its CPU up; the next
 *    allocators over the limit block on the host mutex keeping theirs;
 *    once every CPU is held that way neither the reclaimer nor the lock
 *    holder it waits for can get a CPU back.  (Seen at RUMP_NCPU=2 and
 *    4; at 1 it needs a lock holder asleep, rarer.)
 *  - A reclaimer that allocates: kmem_reclaim again, on the same
 *    non-recursive list lock.
 *  - A reclaimer that blocks on a lock the allocating thread holds, or
 *    runs VOP_RECLAIM/VOP_INACTIVE code that does: rumpfs takes its
 *    mount lock to free an unlinked node, a file system writing an
 *    inode back calls bread, which allocates, which reclaims.
 *
 * The design: kmem's list lock is a kernel mutex (it gives the CPU up
 * while waiting) never held across a callback; a reclaimer in use is
 * marked busy so that unregister can wait for its calls to end.
 * kmem_alloc(KM_SLEEP) over the limit first runs every reclaimer with
 * KMR_TRY; if that is not enough it wakes the reclaim thread, which runs
 * them with KMR_WAIT, and waits for that pass at most 250 ms
 * (KMEM_RECLAIM_WAIT_MS) before failing: a caller that holds a lock the
 * thread needs costs a late ENOMEM, never a hang.  KM_NOSLEEP never
 * reclaims or waits.  With RUMP_THREADS=0 there is no thread and only
 * in-line reclaim.  The buffer cache frees kept and clean idle buffers
 * in line and writes dirty ones first from the thread; the vnode cache
 * frees in line the LRU vnodes whose locks it can try and whose file
 * system frees them with VRECLAIM_TRY, the others from the thread.
 */
#define KMR_TRY		1
#define KMR_WAIT	2

struct kmem_reclaimer {
	const char	*kr_name;
	size_t		(*kr_reclaim)(void *arg, size_t want, int how);
	void		*kr_arg;
	unsigned	kr_busy;	/* calls in flight; kmem's list lock */
	bool		kr_gone;	/* unregistering: no new calls; kmem's list lock */
	TAILQ_ENTRY(kmem_reclaimer) kr_entry;	/* kmem's list lock */
};
/* Callers are scheduled; unregister waits for calls in flight to return. */
void	kmem_reclaimer_register(struct kmem_reclaimer *kr);
void	kmem_reclaimer_unregister(struct kmem_reclaimer *kr);

/* How often reclaim ran and how it ended, since boot (for tests). */
struct kmem_stats {
	uint64_t	ks_inline;	/* KMR_TRY passes */
	uint64_t	ks_thread;	/* KMR_WAIT passes of the reclaim thread */
	uint64_t	ks_waits;	/* allocations that waited for the thread */
	uint64_t	ks_timeouts;	/* ... and stopped waiting at the bound */
	uint64_t	ks_failed;	/* KM_SLEEP allocations refused after reclaim */
};
void	kmem_stats_get(struct kmem_stats *ks);

/*
 * Work that gives memory or space back (freeing an unlinked file's
 * blocks and inode when its last reference goes) runs between
 * kmem_reserve_enter() and kmem_reserve_exit(): its allocations are not
 * held to the limit, as a few buffers over it for a moment cost less
 * than an inode left unfreed on the image for fsck to find.  Nests.
 */
void	kmem_reserve_enter(void);
void	kmem_reserve_exit(void);
/* Whether the calling lwp is inside kmem_reserve_enter(). */
bool	kmem_reserve_held(void);

/* Whether to refuse this allocation as rump_pub_kmem_failnth() armed (failnth.c). */
bool	kmem_fail_now(int flags);

#endif /* KERN_KMEM_H */
