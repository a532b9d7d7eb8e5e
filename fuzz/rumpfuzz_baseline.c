/* rumpfuzz_baseline.c: the kernel's resource counts when nothing of ours is mounted, and the check that each run returns to them. */
#include <inttypes.h>
#include <stdio.h>

#include "rumpfuzz_impl.h"

void
rfz_baseline_take(void)
{
	rump_pub_kstat(&rfz.base);
}

/* The first count that differs, as "name base -> now". */
bool
rfz_baseline_check(void)
{
	const struct rump_kstat *b = &rfz.base;
	struct rump_kstat k;
	static const struct {
		const char	*name;
		size_t		off;
	} fields[] = {
#define F(f) { #f, offsetof(struct rump_kstat, f) }
		F(ks_mounts), F(ks_vnodes), F(ks_vnodes_cached), F(ks_vnodes_idle),
		F(ks_bufs), F(ks_bufs_dirty), F(ks_buf_bytes), F(ks_kmem_bytes),
#undef F
	};

	rump_pub_kstat(&k);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		uint64_t was = *(const uint64_t *)((const char *)b + fields[i].off);
		uint64_t now = *(const uint64_t *)((const char *)&k + fields[i].off);

		if (was != now) {
			rfz_found("kernel state leaked after unmount: %s %" PRIu64 " -> %" PRIu64,
			    fields[i].name, was, now);
			return false;
		}
	}
	return true;
}
