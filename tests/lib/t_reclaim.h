/* t_reclaim.h: the reclaim stress workload: threads on few CPUs under a memory limit kept full by ballast, with a watchdog. */
#ifndef TESTS_T_RECLAIM_H
#define TESTS_T_RECLAIM_H

#include <stdint.h>

/*
 * Under root ("" for the root file system, or a mount point) there is a
 * static set of small files that stay linked, and a directory per thread.
 * NTHREADS threads (more than the 1, 2 or 4 virtual CPUs) each do
 * NOPS rounds of: create, write, read back, stat and remove a private
 * file, then stat and read two static files of any thread.  Kernel
 * memory is filled with ballast so that only a little room is left under
 * RUMP_MEMLIMIT: the caches then live by reclaim.  A deadlock anywhere
 * on the reclaim path stops the run, and the watchdog names the threads
 * that stopped moving and aborts.
 */
#define T_RECLAIM_NTHREADS	8
#define T_RECLAIM_NSTATIC	400	/* static files per thread */
#define T_RECLAIM_NOPS		1000	/* rounds per thread */
#define T_RECLAIM_LIMIT		(32u << 20)
#define T_RECLAIM_LIMIT_STR	"32m"

/* Counts of one run, from the workers and from kmem's statistics. */
struct t_reclaim_result {
	int		nomem;		/* operations refused for memory (ENOMEM, ENOSPC, short) */
	int		nops;		/* operations counted */
	uint64_t	inline_passes, thread_passes, waits, timeouts, refused;
};

void	t_reclaim_make_files(const char *root);
/* Stat every static file (their vnodes all cached). */
void	t_reclaim_stat_all(const char *root);
/* kmem_inuse() with every unreferenced vnode reclaimed first. */
uint64_t t_reclaim_inuse_drained(void);
/*
 * Reclaim every unreferenced vnode (the static files' must be loaded
 * again), then allocate kernel memory until kmem_inuse() is about level.
 */
void	t_reclaim_ballast(uint64_t level);
void	t_reclaim_ballast_free(void);
/* Run the threads to the end (or abort from the watchdog); fails the test on a wrong result. */
struct t_reclaim_result t_reclaim_run(const char *root);
/* Print r and fail unless reclaim ran often and few operations were refused. */
void	t_reclaim_report(const struct t_reclaim_result *r);

#endif /* TESTS_T_RECLAIM_H */
