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
 * A cache that can give memory back registers a reclaimer.  It is called
 * from inside kmem_alloc of an arbitrary thread (which may hold any
 * kernel lock), so it must only *try* its own locks, must not allocate,
 * and returns the number of bytes it freed (0 if it could not).
 */
struct kmem_reclaimer {
	const char	*kr_name;
	size_t		(*kr_reclaim)(void *arg, size_t want);
	void		*kr_arg;
	LIST_ENTRY(kmem_reclaimer) kr_entry;	/* kmem's list lock */
};
void	kmem_reclaimer_register(struct kmem_reclaimer *kr);
void	kmem_reclaimer_unregister(struct kmem_reclaimer *kr);

#endif /* KERN_KMEM_H */
