/* vfs_kstat.c: counts of the kernel's resources, for callers that check it returns to a baseline (fuzzing). */
#include <rump/rump.h>

#include "vcore_impl.h"
#include "vfs_bio_impl.h"

/*
 * Buffers the cache keeps for reuse after their block is gone, and the
 * buffer allocator's own records, are not state a caller left behind:
 * they are counted out of the buffer and kmem figures, so an unmounted
 * device leaves the figures where they were.
 */
void
rump_pub_kstat(struct rump_kstat *ks)
{
	uint64_t kept;

	memset(ks, 0, sizeof(*ks));
	rump_schedule();
	mutex_enter(&vcache.vc_lock);
	ks->ks_vnodes = __atomic_load_n(&vcache.vc_nalloc, __ATOMIC_RELAXED);
	ks->ks_vnodes_cached = vcache.vc_nvnodes;
	ks->ks_vnodes_idle = vcache.vc_nunref;
	mutex_exit(&vcache.vc_lock);
	mutex_enter(&bufcache.bc_lock);
	kept = bufcache.bc_freebytes;
	ks->ks_bufs = bufcache.bc_nbufs;
	ks->ks_bufs_dirty = bufcache.bc_ndirty;
	ks->ks_buf_bytes = bufcache.bc_bytes - kept;
	mutex_exit(&bufcache.bc_lock);
	ks->ks_mounts = vfs_mount_count();
	ks->ks_kmem_bytes = kmem_inuse() - kept - bio_mem_kept();
	rump_unschedule();
}
