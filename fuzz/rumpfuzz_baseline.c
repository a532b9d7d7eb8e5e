/*
 * rumpfuzz_baseline.c: the kernel's resource counts when nothing of ours
 * is mounted, and the check that each run returns to them.  A count above
 * its baseline is a leak; one below it is a cache the kernel shed (a
 * first allocation freed, an idle vnode reclaimed): the baseline follows
 * it down, so a later leak of the same size still shows.
 */
#include <inttypes.h>
#include <stdio.h>

#include "rumpfuzz_impl.h"

enum { C_MOUNTS, C_VNODES, C_VNODES_REF, C_BUFS, C_BUFS_DIRTY, C_BUF_BYTES, C_KMEM, C_COUNT };

static const char *const count_names[C_COUNT] = {
	"mounts", "vnodes", "referenced vnodes", "buffers", "dirty buffers", "buffer bytes",
	"kernel memory bytes",
};

static uint64_t base[C_COUNT];

static void
counts(uint64_t c[C_COUNT])
{
	struct rump_kstat k;

	rump_pub_kstat(&k);
	c[C_MOUNTS] = k.ks_mounts;
	c[C_VNODES] = k.ks_vnodes;
	c[C_VNODES_REF] = k.ks_vnodes_cached - k.ks_vnodes_idle;
	c[C_BUFS] = k.ks_bufs;
	c[C_BUFS_DIRTY] = k.ks_bufs_dirty;
	c[C_BUF_BYTES] = k.ks_buf_bytes;
	c[C_KMEM] = k.ks_kmem_bytes;
}

void
rfz_baseline_take(void)
{
	counts(base);
}

bool
rfz_baseline_check(void)
{
	uint64_t now[C_COUNT];
	bool ok = true;

	counts(now);
	for (int i = 0; i < C_COUNT && ok; i++) {
		if (now[i] > base[i]) {
			rfz_found("kernel state leaked after unmount: %s %" PRIu64 " -> %" PRIu64,
			    count_names[i], base[i], now[i]);
			ok = false;
		}
	}
	for (int i = 0; i < C_COUNT; i++)
		if (now[i] < base[i])
			base[i] = now[i];
	return ok;
}
