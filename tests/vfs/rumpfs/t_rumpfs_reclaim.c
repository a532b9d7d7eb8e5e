/* t_rumpfs_reclaim.c: the reclaim path under a tiny RUMP_MEMLIMIT: more threads than CPUs, a bounded run that must finish. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "t_rumpfs.h"
#include "kmem.h"
#include "vnode.h"

/*
 * Files of the static set stay linked; their vnodes fill the LRU until
 * the memory limit (set between the cost of the files alone and that of
 * the files with every vnode cached) makes nearly every vnode load run
 * the reclaimers.  Eight threads on one, two or four virtual CPUs then
 * create, write, read back, stat and remove their own files and stat and
 * read the static ones.  A deadlock anywhere on the reclaim path stops
 * the run: the watchdog names the threads that stopped moving.
 */
#define NTHREADS	8
#define NSTATIC		400		/* per thread */
#define NOPS		1000		/* per thread */
#define WORKSZ		6000		/* bytes of each work file */
#define WATCHDOG_S	60
#define LIMIT		(32u << 20)
#define LIMIT_STR	"32m"
#define BALLAST_CHUNK	(64u << 10)
#define BALLAST_MAX	(LIMIT / BALLAST_CHUNK)

struct rworker {
	pthread_t	w_thread;
	int		w_id;
	unsigned	w_seed;
	int		w_ops;		/* atomic: operations finished */
	const char	*w_doing;	/* atomic: the call in progress */
	int		w_failed;	/* line of the first failed check, 0 if none */
	int		w_nomem;	/* operations refused with ENOMEM or ENOSPC */
};

static struct {
	pthread_mutex_t	lock;
	pthread_cond_t	cv;		/* a worker finished */
	int		ndone;		/* lock */
} st = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };

static void	*ballast[BALLAST_MAX];	/* kernel memory the test holds */
static unsigned	nballast, nballast_max;

#define W_CHECK(w, e) do {						\
	if (!(e) && (w)->w_failed == 0)					\
		(w)->w_failed = __LINE__;				\
} while (0)

static struct kmem_stats
stats_now(void)
{
	struct kmem_stats ks;

	rump_schedule();
	kmem_stats_get(&ks);
	rump_unschedule();
	return ks;
}

static void
fill(char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(seed * 131 + i * 7 + (i >> 8));
}

static void
static_name(char *path, size_t size, int t, int i)
{
	snprintf(path, size, "/s/t%d-%d", t, i);
}

/* An operation that may be refused for memory: counted, anything else is a failure. */
static bool
w_nomem(struct rworker *w, long r)
{
	if (r >= 0)
		return false;
	W_CHECK(w, errno == ENOMEM || errno == ENOSPC);
	w->w_nomem++;
	return true;
}

static void
w_doing(struct rworker *w, const char *what)
{
	__atomic_store_n(&w->w_doing, what, __ATOMIC_RELAXED);
}

/* Create, write, read back, stat and remove a private file. */
static void
work_file(struct rworker *w, int op)
{
	char path[64], buf[WORKSZ], back[WORKSZ];
	struct stat sb;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/w%d/f%d", w->w_id, op);
	fill(buf, sizeof(buf), (unsigned)(w->w_id * 100000 + op));
	w_doing(w, "open O_CREAT");
	fd = rump_sys_open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (w_nomem(w, fd))
		return;
	w_doing(w, "write");
	n = rump_sys_write(fd, buf, sizeof(buf));
	if (!w_nomem(w, n)) {
		if (n < (ssize_t)sizeof(buf))	/* short: out of space part way */
			w->w_nomem++;
		w_doing(w, "pread");
		W_CHECK(w, rump_sys_pread(fd, back, sizeof(back), 0) == n);
		W_CHECK(w, memcmp(buf, back, (size_t)n) == 0);
	}
	w_doing(w, "close");
	W_CHECK(w, rump_sys_close(fd) == 0);
	w_doing(w, "stat");
	if (!w_nomem(w, rump_sys_stat(path, &sb)))
		W_CHECK(w, sb.st_size == (n < 0 ? 0 : n));
	w_doing(w, "unlink");
	W_CHECK(w, rump_sys_unlink(path) == 0);
}

/* Stat and read a file of the static set (another thread's too): its bytes are as written. */
static void
read_static(struct rworker *w)
{
	char path[64], want[64], back[64];
	struct stat sb;
	int t, i, fd;
	ssize_t n;

	w->w_seed = w->w_seed * 1103515245u + 12345u;
	t = (int)(w->w_seed >> 8) % NTHREADS;
	i = (int)(w->w_seed >> 16) % NSTATIC;
	static_name(path, sizeof(path), t, i);
	w_doing(w, "stat static");
	if (w_nomem(w, rump_sys_stat(path, &sb)))
		return;
	W_CHECK(w, sb.st_size == (off_t)sizeof(want));
	w_doing(w, "open static");
	fd = rump_sys_open(path, O_RDONLY);
	if (w_nomem(w, fd))
		return;
	w_doing(w, "read static");
	n = rump_sys_read(fd, back, sizeof(back));
	fill(want, sizeof(want), (unsigned)(t * NSTATIC + i));
	W_CHECK(w, n == (ssize_t)sizeof(want) && memcmp(want, back, sizeof(want)) == 0);
	w_doing(w, "close static");
	W_CHECK(w, rump_sys_close(fd) == 0);
}

static void *
worker_main(void *arg)
{
	struct rworker *w = arg;

	for (int op = 0; op < NOPS && w->w_failed == 0; op++) {
		work_file(w, op);
		read_static(w);
		read_static(w);
		__atomic_add_fetch(&w->w_ops, 1, __ATOMIC_RELAXED);
	}
	w_doing(w, "done");
	pthread_mutex_lock(&st.lock);
	st.ndone++;
	pthread_cond_signal(&st.cv);
	pthread_mutex_unlock(&st.lock);
	return NULL;
}

/* Wait for every worker; past the deadline, say who is stuck where and abort. */
static void
watchdog(struct rworker *ws)
{
	struct timespec deadline;
	int error = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += WATCHDOG_S;
	pthread_mutex_lock(&st.lock);
	while (st.ndone < NTHREADS && error == 0)
		error = pthread_cond_timedwait(&st.cv, &st.lock, &deadline);
	pthread_mutex_unlock(&st.lock);
	if (st.ndone == NTHREADS)
		return;
	fprintf(stderr, "reclaim stress: not finished after %d s:\n", WATCHDOG_S);
	for (int i = 0; i < NTHREADS; i++) {
		const char *doing = __atomic_load_n(&ws[i].w_doing, __ATOMIC_RELAXED);

		if (strcmp(doing, "done") != 0)
			fprintf(stderr, "  thread %d stuck in %s after %d of %d operations\n",
			    i, doing, __atomic_load_n(&ws[i].w_ops, __ATOMIC_RELAXED), NOPS);
	}
	abort();
}

/* The static set and the private directories. */
static void
make_files(void)
{
	char path[64], buf[64];

	CHECK_EQ(rump_sys_mkdir("/s", 0755), 0);
	for (int t = 0; t < NTHREADS; t++) {
		snprintf(path, sizeof(path), "/w%d", t);
		CHECK_EQ(rump_sys_mkdir(path, 0755), 0);
		for (int i = 0; i < NSTATIC; i++) {
			static_name(path, sizeof(path), t, i);
			fill(buf, sizeof(buf), (unsigned)(t * NSTATIC + i));
			t_write_file(path, buf, sizeof(buf));
		}
	}
}

/* Kernel memory with no vnode cached but the roots. */
static uint64_t
inuse_drained(void)
{
	uint64_t n;

	rump_schedule();
	vcache_drain(NULL, 0);
	n = kmem_inuse();
	rump_unschedule();
	return n;
}

/* Stat every static file: the cost of caching all their vnodes. */
static void
stat_all(void)
{
	char path[64];
	struct stat sb;

	for (int t = 0; t < NTHREADS; t++)
		for (int i = 0; i < NSTATIC; i++) {
			static_name(path, sizeof(path), t, i);
			CHECK_EQ(rump_sys_stat(path, &sb), 0);
		}
}

/*
 * Fill kernel memory with ballast until a third of the static vnodes and
 * the threads' work are all that fit under the limit: measured in this
 * boot, so it holds whatever the build's sizes are.
 */
static void
ballast_fill(void)
{
	uint64_t files, cached, level;

	files = inuse_drained();
	stat_all();
	cached = t_inuse();
	CHECK(cached > files && cached < LIMIT);
	level = LIMIT - (cached - files) / 3 - NTHREADS * 2 * WORKSZ;
	(void)inuse_drained();
	rump_schedule();
	while (kmem_inuse() + BALLAST_CHUNK < level && nballast < BALLAST_MAX)
		CHECK((ballast[nballast++] = kmem_alloc(BALLAST_CHUNK, KM_SLEEP)) != NULL);
	nballast_max = nballast;
	rump_unschedule();
}

static void
ballast_free(void)
{
	rump_schedule();
	while (nballast > 0)
		kmem_free(ballast[--nballast], BALLAST_CHUNK);
	rump_unschedule();
}

T_CASE(reclaim_stress)
{
	struct rworker ws[NTHREADS];
	struct kmem_stats ks0, ks;
	uint64_t base, after, inl;
	int nomem = 0;

	CHECK(getenv("RUMP_NCPU") != NULL);
	setenv("RUMP_NVNODES", "1000000", 1);	/* only the memory limit recycles vnodes */
	setenv("RUMP_MEMLIMIT", LIMIT_STR, 1);
	t_boot();
	make_files();
	ballast_fill();
	base = inuse_drained();
	ks0 = stats_now();
	for (int i = 0; i < NTHREADS; i++) {
		ws[i] = (struct rworker){ .w_id = i, .w_seed = (unsigned)i + 1, .w_doing = "start" };
		CHECK_EQ(pthread_create(&ws[i].w_thread, NULL, worker_main, &ws[i]), 0);
	}
	watchdog(ws);
	for (int i = 0; i < NTHREADS; i++) {
		CHECK_EQ(pthread_join(ws[i].w_thread, NULL), 0);
		if (ws[i].w_failed)
			t_fail(__FILE__, ws[i].w_failed, "worker %d failed", i);
		nomem += ws[i].w_nomem;
	}
	ks = stats_now();
	after = inuse_drained();
	ballast_free();
	inl = ks.ks_inline - ks0.ks_inline;
	printf("reclaim stress: %s CPUs, %u KiB of ballast: %ju in-line reclaims, %ju by the thread, "
	    "%ju waits (%ju at the bound), %ju allocations refused; %d of %d operations refused for memory\n",
	    getenv("RUMP_NCPU"), nballast_max * (BALLAST_CHUNK >> 10), (uintmax_t)inl,
	    (uintmax_t)(ks.ks_thread - ks0.ks_thread), (uintmax_t)(ks.ks_waits - ks0.ks_waits),
	    (uintmax_t)(ks.ks_timeouts - ks0.ks_timeouts), (uintmax_t)(ks.ks_failed - ks0.ks_failed),
	    nomem, NTHREADS * NOPS * 3);
	CHECK(inl + (ks.ks_thread - ks0.ks_thread) >= NTHREADS * NOPS / 40);
	CHECK(nomem < NTHREADS * NOPS * 3 / 10);
	CHECK_EQ(after, base);
	t_halt();
	CHECK_EQ(kmem_inuse(), 0);	// every byte came back at shutdown
}
