/* bench_kern.c: rump_init() time and a stat-in-a-loop on rumpfs from many threads (printed, not asserted). */
/*
 * bench_kern boot N          boot and shut down N times, print the median boot
 * bench_kern stat T SECONDS  T threads stat() one rumpfs file for SECONDS, print calls/s
 * The virtual CPU count comes from RUMP_NCPU as usual; tests/bench/run
 * compares 1, 2 and the host's count.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_int stop;
static atomic_ullong calls;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
bench_boot(int n)
{
	double *t = calloc(n, sizeof *t);
	int i;

	for (i = 0; i < n; i++) {
		double t0 = now_ms();
		if (rump_init() != 0)
			return 1;
		t[i] = now_ms() - t0;
		rump_shutdown();
	}
	qsort(t, n, sizeof *t, cmp_double);
	printf("rump_init: median %.3f ms, min %.3f ms, max %.3f ms over %d boots\n",
	    t[n / 2], t[0], t[n - 1], n);
	free(t);
	return 0;
}

static void *
stat_loop(void *arg)
{
	struct stat st;
	unsigned long long n = 0;

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		if (rump_sys_stat("/bench/dir/file", &st) == -1)
			abort();
		n++;
	}
	atomic_fetch_add(&calls, n);
	return NULL;
}

static int
bench_stat(int nthreads, double seconds)
{
	pthread_t *th = calloc(nthreads, sizeof *th);
	double t0, t1;
	int i, fd;

	if (rump_init() != 0)
		return 1;
	if (rump_sys_mkdir("/bench", 0755) == -1 || rump_sys_mkdir("/bench/dir", 0755) == -1 ||
	    (fd = rump_sys_open("/bench/dir/file", O_CREAT | O_WRONLY, 0644)) == -1)
		return 1;
	rump_sys_close(fd);
	t0 = now_ms();
	for (i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, stat_loop, NULL);
	struct timespec ts = { (time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9) };
	nanosleep(&ts, NULL);
	atomic_store(&stop, 1);
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	t1 = now_ms();
	printf("stat loop: RUMP_NCPU=%s threads=%d: %.0f stats/s\n",
	    getenv("RUMP_NCPU") ? getenv("RUMP_NCPU") : "(host)", nthreads,
	    atomic_load(&calls) / ((t1 - t0) / 1e3));
	free(th);
	return rump_shutdown();
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "boot") == 0)
		return bench_boot(atoi(argv[2]));
	if (argc >= 4 && strcmp(argv[1], "stat") == 0)
		return bench_stat(atoi(argv[2]), atof(argv[3]));
	fprintf(stderr, "usage: bench_kern boot N | bench_kern stat THREADS SECONDS\n");
	return 2;
}
