/* t_reclaim.c: the reclaim stress workload shared by the rumpfs and ext2fs tests (see t_reclaim.h). */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_reclaim.h"
#include "kmem.h"
#include "vnode.h"

#define NTHREADS	T_RECLAIM_NTHREADS
#define NSTATIC		T_RECLAIM_NSTATIC
#define NOPS		T_RECLAIM_NOPS
#define WORKSZ		6000		/* bytes of each work file */
#define STATICSZ	64		/* bytes of each static file */
#define WATCHDOG_S	60
#define BALLAST_CHUNK	(64u << 10)
#define BALLAST_MAX	(T_RECLAIM_LIMIT / BALLAST_CHUNK)

struct rworker {
	pthread_t	w_thread;
	const char	*w_root;
	int		w_id;
	unsigned	w_seed;
	int		w_ops;		/* atomic: rounds finished */
	const char	*w_doing;	/* atomic: the call in progress */
	int		w_failed;	/* line of the first failed check, 0 if none */
	int		w_nomem;	/* operations refused for memory */
};

static struct {
	pthread_mutex_t	lock;
	pthread_cond_t	cv;		/* a worker finished */
	int		ndone;		/* lock */
} st = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };

static void	*ballast[BALLAST_MAX];	/* kernel memory the test holds */
static unsigned	nballast;

#define W_CHECK(w, e) do {						\
	if (!(e) && (w)->w_failed == 0)					\
		(w)->w_failed = __LINE__;				\
} while (0)

static void
fill(char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(seed * 131 + i * 7 + (i >> 8));
}

static void
static_name(char *path, size_t size, const char *root, int t, int i)
{
	snprintf(path, size, "%s/s/t%d-%d", root, t, i);
}

/* An operation that may be refused for memory: counted; any other error is a failure. */
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
	char path[96], buf[WORKSZ], back[WORKSZ];
	struct stat sb;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/w%d/f%d", w->w_root, w->w_id, op);
	fill(buf, sizeof(buf), (unsigned)(w->w_id * 100000 + op));
	w_doing(w, "open O_CREAT");
	fd = rump_sys_open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (w_nomem(w, fd))
		return;
	w_doing(w, "write");
	n = rump_sys_write(fd, buf, sizeof(buf));
	if (!w_nomem(w, n)) {
		if (n < (ssize_t)sizeof(buf))	/* short: out of memory part way */
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

/* Stat and read a static file (another thread's too): its bytes are as written. */
static void
read_static(struct rworker *w)
{
	char path[96], want[STATICSZ], back[STATICSZ];
	struct stat sb;
	int t, i, fd;
	ssize_t n;

	w->w_seed = w->w_seed * 1103515245u + 12345u;
	t = (int)(w->w_seed >> 8) % NTHREADS;
	i = (int)(w->w_seed >> 16) % NSTATIC;
	static_name(path, sizeof(path), w->w_root, t, i);
	w_doing(w, "stat static");
	if (w_nomem(w, rump_sys_stat(path, &sb)))
		return;
	W_CHECK(w, sb.st_size == STATICSZ);
	w_doing(w, "open static");
	fd = rump_sys_open(path, O_RDONLY);
	if (w_nomem(w, fd))
		return;
	w_doing(w, "read static");
	n = rump_sys_read(fd, back, sizeof(back));
	if (!w_nomem(w, n)) {
		fill(want, sizeof(want), (unsigned)(t * NSTATIC + i));
		W_CHECK(w, n == STATICSZ && memcmp(want, back, sizeof(want)) == 0);
	}
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
			fprintf(stderr, "  thread %d stuck in %s after %d of %d rounds\n",
			    i, doing, __atomic_load_n(&ws[i].w_ops, __ATOMIC_RELAXED), NOPS);
	}
	abort();
}

void
t_reclaim_make_files(const char *root)
{
	char path[96], buf[STATICSZ];
	int fd;

	snprintf(path, sizeof(path), "%s/s", root);
	CHECK_EQ(rump_sys_mkdir(path, 0755), 0);
	for (int t = 0; t < NTHREADS; t++) {
		snprintf(path, sizeof(path), "%s/w%d", root, t);
		CHECK_EQ(rump_sys_mkdir(path, 0755), 0);
		for (int i = 0; i < NSTATIC; i++) {
			static_name(path, sizeof(path), root, t, i);
			fill(buf, sizeof(buf), (unsigned)(t * NSTATIC + i));
			CHECK((fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) >= 0);
			CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), sizeof(buf));
			CHECK_EQ(rump_sys_close(fd), 0);
		}
	}
}

void
t_reclaim_stat_all(const char *root)
{
	char path[96];
	struct stat sb;

	for (int t = 0; t < NTHREADS; t++)
		for (int i = 0; i < NSTATIC; i++) {
			static_name(path, sizeof(path), root, t, i);
			CHECK_EQ(rump_sys_stat(path, &sb), 0);
		}
}

uint64_t
t_reclaim_inuse_drained(void)
{
	uint64_t n;

	rump_schedule();
	vcache_drain(NULL, 0);
	n = kmem_inuse();
	rump_unschedule();
	return n;
}

void
t_reclaim_ballast(uint64_t level)
{
	rump_schedule();
	vcache_drain(NULL, 0);
	while (kmem_inuse() + BALLAST_CHUNK < level && nballast < BALLAST_MAX)
		CHECK((ballast[nballast++] = kmem_alloc(BALLAST_CHUNK, KM_SLEEP)) != NULL);
	rump_unschedule();
}

void
t_reclaim_ballast_free(void)
{
	rump_schedule();
	while (nballast > 0)
		kmem_free(ballast[--nballast], BALLAST_CHUNK);
	rump_unschedule();
}

static struct kmem_stats
stats_now(void)
{
	struct kmem_stats ks;

	rump_schedule();
	kmem_stats_get(&ks);
	rump_unschedule();
	return ks;
}

struct t_reclaim_result
t_reclaim_run(const char *root)
{
	struct rworker ws[NTHREADS];
	struct t_reclaim_result r = { .nops = NTHREADS * NOPS * 3 };
	struct kmem_stats ks0 = stats_now(), ks;

	st.ndone = 0;
	for (int i = 0; i < NTHREADS; i++) {
		ws[i] = (struct rworker){ .w_root = root, .w_id = i, .w_seed = (unsigned)i + 1,
		    .w_doing = "start" };
		CHECK_EQ(pthread_create(&ws[i].w_thread, NULL, worker_main, &ws[i]), 0);
	}
	watchdog(ws);
	for (int i = 0; i < NTHREADS; i++) {
		CHECK_EQ(pthread_join(ws[i].w_thread, NULL), 0);
		if (ws[i].w_failed)
			t_fail(__FILE__, ws[i].w_failed, "worker %d failed (errno %d)", i, errno);
		r.nomem += ws[i].w_nomem;
	}
	ks = stats_now();
	r.inline_passes = ks.ks_inline - ks0.ks_inline;
	r.thread_passes = ks.ks_thread - ks0.ks_thread;
	r.waits = ks.ks_waits - ks0.ks_waits;
	r.timeouts = ks.ks_timeouts - ks0.ks_timeouts;
	r.refused = ks.ks_failed - ks0.ks_failed;
	return r;
}

void
t_reclaim_report(const struct t_reclaim_result *r)
{
	const char *ncpu = getenv("RUMP_NCPU");

	printf("reclaim stress: %s CPUs: %ju in-line reclaims, %ju by the thread, %ju waits "
	    "(%ju at the bound), %ju allocations refused; %d of %d operations refused for memory\n",
	    ncpu != NULL ? ncpu : "?", (uintmax_t)r->inline_passes, (uintmax_t)r->thread_passes,
	    (uintmax_t)r->waits, (uintmax_t)r->timeouts, (uintmax_t)r->refused, r->nomem, r->nops);
	CHECK(r->inline_passes + r->thread_passes >= NTHREADS * NOPS / 40);
	CHECK(r->nomem < r->nops / 10);
}
