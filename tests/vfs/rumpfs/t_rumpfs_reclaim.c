/* t_rumpfs_reclaim.c: the reclaim stress (t_reclaim.h) on rumpfs: vnodes live by reclaim; memory back to the same level after. */
#include "t_rumpfs.h"
#include "t_reclaim.h"
#include "kmem.h"

/*
 * rumpfs keeps file data in kernel memory, which reclaim cannot take;
 * what it can take is vnodes.  The ballast leaves room under the limit
 * for a third of the static files' vnodes and the threads' work files,
 * measured in this boot (the sizes differ between builds), so nearly
 * every vnode load runs reclaim.
 */
T_CASE(reclaim_stress)
{
	struct t_reclaim_result r;
	uint64_t files, cached, base;

	CHECK(getenv("RUMP_NCPU") != NULL);
	setenv("RUMP_NVNODES", "1000000", 1);	/* only the memory limit recycles vnodes */
	setenv("RUMP_MEMLIMIT", T_RECLAIM_LIMIT_STR, 1);
	t_boot();
	t_reclaim_make_files("");
	files = t_reclaim_inuse_drained();
	t_reclaim_stat_all("");
	cached = t_inuse();
	CHECK(cached > files && cached < T_RECLAIM_LIMIT);
	t_reclaim_ballast(T_RECLAIM_LIMIT - (cached - files) / 3 - T_RECLAIM_NTHREADS * 12000);
	base = t_reclaim_inuse_drained();
	r = t_reclaim_run("");
	/* The work files are gone and no vnode is cached: what is left is what was before. */
	CHECK_EQ(t_reclaim_inuse_drained(), base);
	t_reclaim_ballast_free();
	t_reclaim_report(&r);
	t_halt();
	CHECK_EQ(kmem_inuse(), 0);	/* every byte came back at shutdown */
}
