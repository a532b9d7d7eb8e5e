/* blkcut.c: a pulled plug (RUMP_BLKCUT, rump_pub_blkcut): block writes after the n-th are dropped, reported as done. */
#include "kernel.h"

#include "blkdev_impl.h"

#include <rump/rump.h>

/*
 * One cut for every device: a power failure takes them all at once.
 * Counters are kept even when no cut is armed, so a test can measure a
 * workload's writes in an uncut run and then cut across them.
 */
static struct {
	uint64_t	bc_limit;	/* writes that still reach the device */
	uint64_t	bc_writes;	/* write requests since arming */
	uint64_t	bc_dropped;	/* of those, dropped */
} blkcut;

void
rump_pub_blkcut(uint64_t n)
{
	__atomic_store_n(&blkcut.bc_writes, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&blkcut.bc_dropped, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&blkcut.bc_limit, n, __ATOMIC_RELAXED);
}

void
rump_pub_blkcut_status(uint64_t *writes, uint64_t *dropped)
{
	*writes = __atomic_load_n(&blkcut.bc_writes, __ATOMIC_RELAXED);
	*dropped = __atomic_load_n(&blkcut.bc_dropped, __ATOMIC_RELAXED);
}

void
blkcut_init(void)
{
	rump_pub_blkcut(rump_params.rp_blkcut);
}

/*
 * The caller has counted a write request: whether the plug is pulled.
 * Numbering by a counter taken atomically keeps "the first n" exact when
 * several threads write at once.
 */
bool
blkcut_drop(void)
{
	uint64_t nth = __atomic_add_fetch(&blkcut.bc_writes, 1, __ATOMIC_RELAXED);

	if (nth <= __atomic_load_n(&blkcut.bc_limit, __ATOMIC_RELAXED))
		return false;
	__atomic_add_fetch(&blkcut.bc_dropped, 1, __ATOMIC_RELAXED);
	return true;
}
