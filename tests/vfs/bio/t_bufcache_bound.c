/* t_bufcache_bound.c: the cache bound (RUMP_CACHESIZE, its default) and the background writing of dirty buffers past half of it. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bio_test.h"

#define BSZ	4096
#define BBLK	(BSZ / DEV_BSIZE)

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
dirty(struct tdev *td, int64_t from, int64_t n, unsigned seed)
{
	struct buf *bp;
	int64_t i;

	for (i = from; i < from + n; i++) {
		CHECK_ERR(getblk(&td->td_vn, i * BBLK, BSZ, 0, &bp), 0);
		t_pattern(bp->b_data, BSZ, seed, (uint64_t)i * BSZ);
		bdwrite(bp);
	}
}

static bool
host_has(struct tdev *td, int64_t i, unsigned seed)
{
	static char buf[BSZ];

	t_hostread(td, buf, BSZ, (off_t)(i * BSZ));
	return t_check_pattern(buf, BSZ, seed, (uint64_t)i * BSZ);
}

/* Dirty bytes now (headers included, as the bound counts them). */
static uint64_t
dirty_bytes(void)
{
	struct bufstats bs;

	t_stats(&bs);
	return (uint64_t)bs.bs_ndirty * (BSZ + sizeof(struct buf));
}

/* Bytes the cache held at most while n blocks were dirtied one by one. */
static uint64_t
peak_while_dirtying(struct tdev *td, int64_t n)
{
	struct bufstats bs;
	uint64_t peak = 0;
	int64_t i;

	for (i = 0; i < n; i++) {
		dirty(td, i, 1, 3);
		t_stats(&bs);
		if (bs.bs_bytes > peak)
			peak = bs.bs_bytes;
	}
	return peak;
}

T_CASE(cachesize_bound)
{
	struct tdev td;
	uint64_t peak;

	setenv("RUMP_THREADS", "0", 1);
	setenv("RUMP_CACHESIZE", "1m", 1);
	t_boot();
	tdev_host(&td, 16 << 20, true);
	peak = peak_while_dirtying(&td, (8 << 20) / BSZ);
	printf("RUMP_CACHESIZE=1m: peak %ju bytes\n", (uintmax_t)peak);
	CHECK(peak <= 1 << 20);
	CHECK(peak >= 1 << 19);
	CHECK_ERR(vflushbuf(&td.td_vn, true), 0);
	CHECK(host_has(&td, 0, 3) && host_has(&td, (8 << 20) / BSZ - 1, 3));
	tdev_done(&td);
	t_halt();
}

/* Unset: 12 MiB; a memory limit caps it at half the limit. */
T_CASE(cachesize_default)
{
	struct tdev td;
	uint64_t peak;

	setenv("RUMP_THREADS", "0", 1);
	unsetenv("RUMP_CACHESIZE");
	t_boot();
	tdev_host(&td, 32 << 20, true);
	peak = peak_while_dirtying(&td, (24 << 20) / BSZ);
	printf("default: peak %ju bytes\n", (uintmax_t)peak);
	CHECK(peak <= 12 << 20);
	CHECK(peak >= 11 << 20);
	tdev_done(&td);
	t_halt();

	setenv("RUMP_CACHESIZE", "64m", 1);
	setenv("RUMP_MEMLIMIT", "8m", 1);
	t_boot();
	tdev_host(&td, 16 << 20, true);
	peak = peak_while_dirtying(&td, (8 << 20) / BSZ);
	printf("64m under RUMP_MEMLIMIT=8m: peak %ju bytes\n", (uintmax_t)peak);
	CHECK(peak <= 4 << 20);
	tdev_done(&td);
	t_halt();
}

T_CASE(cachesize_bad)
{
	setenv("RUMP_CACHESIZE", "12x", 1);
	CHECK_ERR(rump_init(), EINVAL);
	setenv("RUMP_CACHESIZE", "-1", 1);
	CHECK_ERR(rump_init(), EINVAL);
	setenv("RUMP_CACHESIZE", "99999999999g", 1);
	CHECK_ERR(rump_init(), EINVAL);
	setenv("RUMP_CACHESIZE", "2m", 1);
	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_shutdown(), 0);
}

/*
 * Past half the bound the syncer writes the oldest dirty buffers at
 * once, long before their delay (3 s), until a quarter is left; below
 * half nothing is written early.
 */
T_CASE(dirty_background)
{
	struct tdev td;
	uint64_t bound = 4 << 20;
	double t0, dt;

	setenv("RUMP_THREADS", "1", 1);
	setenv("RUMP_CACHESIZE", "4m", 1);
	t_boot();
	tdev_host(&td, 16 << 20, true);
	dirty(&td, 0, (int64_t)(bound * 2 / 5 / BSZ), 4);
	rump_unschedule();
	usleep(1000 * 1000);
	rump_schedule();
	CHECK(dirty_bytes() > bound / 3);
	CHECK(!host_has(&td, 0, 4));

	dirty(&td, 1000, (int64_t)(bound / 5 / BSZ), 5);
	t0 = now_s();
	while (dirty_bytes() > bound / 4 && now_s() - t0 < 10) {
		rump_unschedule();	/* the syncer may need our virtual CPU */
		usleep(10000);
		rump_schedule();
	}
	dt = now_s() - t0;
	printf("a quarter dirty after %.2f s\n", dt);
	CHECK(dirty_bytes() <= bound / 4);
	CHECK(dt < 1.5);
	CHECK(host_has(&td, 0, 4));	/* the oldest went first */
	tdev_done(&td);
	t_halt();
}
