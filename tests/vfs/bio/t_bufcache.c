/* t_bufcache.c: buffer cache: round trips, memory bound, clustered writes, read-ahead, resizing, syncer. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bio_test.h"

#define BSZ	4096
#define BBLK	(BSZ / DEV_BSIZE)	/* device blocks per buffer */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Write block i (BSZ bytes, pattern seed) through the cache with bdwrite. */
static void
dirty_block(struct tdev *td, int64_t i, unsigned seed)
{
	struct buf *bp;

	CHECK_ERR(getblk(&td->td_vn, i * BBLK, BSZ, 0, &bp), 0);
	t_pattern(bp->b_data, BSZ, seed, (uint64_t)i * BSZ);
	bdwrite(bp);
}

static bool
host_has(struct tdev *td, int64_t i, unsigned seed)
{
	static char buf[BSZ];

	t_hostread(td, buf, BSZ, (off_t)(i * BSZ));
	return t_check_pattern(buf, BSZ, seed, (uint64_t)i * BSZ);
}

T_CASE(roundtrip)
{
	struct tdev td;
	struct buf *bp;
	char host[BSZ];

	setenv("RUMP_THREADS", "0", 1);
	t_boot();
	tdev_host(&td, 1 << 20, true);

	/* bwrite: on the host at once. */
	CHECK_ERR(getblk(&td.td_vn, 8 * BBLK, BSZ, 0, &bp), 0);
	CHECK(bp != NULL && bp->b_bcount == BSZ && bp->b_blkno == 8 * BBLK);
	t_pattern(bp->b_data, BSZ, 1, 8 * BSZ);
	CHECK_ERR(bwrite(bp), 0);
	CHECK(host_has(&td, 8, 1));

	/* bdwrite: not on the host until vflushbuf. */
	dirty_block(&td, 16, 2);
	t_hostread(&td, host, BSZ, 16 * BSZ);
	CHECK(!t_check_pattern(host, BSZ, 2, 16 * BSZ));
	CHECK_ERR(vflushbuf(&td.td_vn, true), 0);
	CHECK(host_has(&td, 16, 2));

	/* bread: a hit returns what was written. */
	CHECK_ERR(bread(&td.td_vn, 8 * BBLK, BSZ, 0, &bp), 0);
	CHECK(t_check_pattern(bp->b_data, BSZ, 1, 8 * BSZ));
	brelse(bp, 0);

	/* After vinvalbuf, bread reads what the host file holds. */
	vinvalbuf(&td.td_vn);
	t_pattern(host, BSZ, 3, 24 * BSZ);
	CHECK(pwrite(td.td_fd, host, BSZ, 24 * BSZ) == BSZ);
	CHECK_ERR(bread(&td.td_vn, 24 * BBLK, BSZ, 0, &bp), 0);
	CHECK(t_check_pattern(bp->b_data, BSZ, 3, 24 * BSZ));
	brelse(bp, 0);
	CHECK_ERR(bread(&td.td_vn, 16 * BBLK, BSZ, 0, &bp), 0);
	CHECK(t_check_pattern(bp->b_data, BSZ, 2, 16 * BSZ));
	brelse(bp, BC_INVAL);

	tdev_done(&td);
	t_halt();
}

T_CASE(bad_args)
{
	struct tdev td;
	struct vnode vreg;
	struct buf *bp = (struct buf *)1;

	t_boot();
	tdev_host(&td, 1 << 16, true);
	CHECK_ERR(getblk(&td.td_vn, 0, 0, 0, &bp), EINVAL);
	CHECK(bp == NULL);
	CHECK_ERR(getblk(&td.td_vn, -1, BSZ, 0, &bp), EINVAL);
	CHECK_ERR(bread(&td.td_vn, 0, MAXBSIZE + 1, 0, &bp), EINVAL);
	tvnode(&vreg, td.td_dev);
	vreg.v_type = VREG;
	CHECK_ERR(bread(&vreg, 0, BSZ, 0, &bp), ENXIO);
	tvnode(&vreg, td.td_dev + 1000);
	CHECK_ERR(bread(&vreg, 0, BSZ, 0, &bp), ENXIO);
	/* Past the end: EIO, no buffer. */
	CHECK_ERR(bread(&td.td_vn, (1 << 16) / DEV_BSIZE, BSZ, 0, &bp), EIO);
	CHECK(bp == NULL);
	CHECK_ERR(bread(&td.td_vn, (1 << 16) / DEV_BSIZE - 1, BSZ, 0, &bp), EIO);
	tdev_done(&td);
	t_halt();
}

/* RUMP_MEMLIMIT=4m: the cache stays under min(limit/2, 64 MiB) reading 64 MiB. */
T_CASE(membound_read)
{
	struct tdev td;
	struct bufstats bs;
	struct buf *bp;
	uint64_t maxbytes = 0;
	int64_t i;

	setenv("RUMP_MEMLIMIT", "4m", 1);
	t_boot();
	tdev_host(&td, 64 << 20, false);
	for (i = 0; i < (64 << 20) / BSZ; i++) {
		/* Not quite sequential, so both read-ahead and plain misses happen. */
		int64_t b = (i % 64 == 63) ? (i * 7919) % ((64 << 20) / BSZ) : i;

		CHECK_ERR(bread(&td.td_vn, b * BBLK, BSZ, 0, &bp), 0);
		brelse(bp, 0);
		t_stats(&bs);
		maxbytes = MAX(maxbytes, bs.bs_bytes);
	}
	printf("max cache bytes %ju, %u buffers at the end\n", (uintmax_t)maxbytes, bs.bs_nbufs);
	CHECK(maxbytes <= 2 << 20);
	CHECK(maxbytes >= 1 << 20);	/* and it is used */
	tdev_done(&td);
	t_halt();
}

/* Dirty data over the bound is written back (clustered) to make room, and none is lost. */
T_CASE(membound_write)
{
	struct tdev td;
	struct bufstats bs0, bs;
	uint64_t maxbytes = 0;
	int64_t i, n = (8 << 20) / BSZ;

	setenv("RUMP_MEMLIMIT", "4m", 1);
	setenv("RUMP_THREADS", "0", 1);
	t_boot();
	tdev_host(&td, 8 << 20, true);
	t_stats(&bs0);
	for (i = 0; i < n; i++) {
		dirty_block(&td, i, 5);
		t_stats(&bs);
		maxbytes = MAX(maxbytes, bs.bs_bytes);
	}
	CHECK_ERR(vflushbuf(&td.td_vn, true), 0);
	t_stats(&bs);
	printf("max bytes %ju, %ju writes for %jd blocks\n", (uintmax_t)maxbytes,
	    (uintmax_t)(bs.bs_writes - bs0.bs_writes), (intmax_t)n);
	CHECK(maxbytes <= 2 << 20);
	CHECK(bs.bs_writes - bs0.bs_writes < (uint64_t)n / 16);
	CHECK_EQ(bs.bs_ndirty, 0);
	for (i = 0; i < n; i++)
		CHECK(host_has(&td, i, 5));
	tdev_done(&td);
	t_halt();
}

T_CASE(cluster_write)
{
	struct tdev td;
	struct bufstats bs0, bs;
	int64_t i;

	setenv("RUMP_THREADS", "0", 1);
	t_boot();
	tdev_host(&td, 4 << 20, true);

	/* 64 contiguous blocks, dirtied in a scrambled order: one host write. */
	for (i = 0; i < 64; i++)
		dirty_block(&td, 100 + (i * 37) % 64, 7);
	t_stats(&bs0);
	CHECK_EQ(bs0.bs_ndirty, 64);
	CHECK_ERR(vflushbuf(&td.td_vn, false), 0);
	t_stats(&bs);
	CHECK_EQ(bs.bs_writes - bs0.bs_writes, 1);
	CHECK_EQ(bs.bs_ndirty, 0);
	for (i = 100; i < 164; i++)
		CHECK(host_has(&td, i, 7));

	/* Two runs with a gap: two host writes. */
	for (i = 0; i < 10; i++) {
		dirty_block(&td, 300 + i, 8);
		dirty_block(&td, 320 + i, 8);
	}
	t_stats(&bs0);
	CHECK_ERR(vflushbuf(&td.td_vn, true), 0);
	t_stats(&bs);
	CHECK_EQ(bs.bs_writes - bs0.bs_writes, 2);
	for (i = 0; i < 10; i++)
		CHECK(host_has(&td, 300 + i, 8) && host_has(&td, 320 + i, 8));
	CHECK(!host_has(&td, 310, 8));

	/* A run longer than one host I/O (1 MiB) is split: 512 blocks of 4 KiB = 2 writes. */
	for (i = 0; i < 512; i++)
		dirty_block(&td, 400 + i, 9);
	t_stats(&bs0);
	CHECK_ERR(vflushbuf(&td.td_vn, false), 0);
	t_stats(&bs);
	CHECK_EQ(bs.bs_writes - bs0.bs_writes, 2);
	CHECK(host_has(&td, 400, 9) && host_has(&td, 911, 9));
	tdev_done(&td);
	t_halt();
}

T_CASE(readahead)
{
	struct tdev td;
	struct bufstats bs0, bs;
	struct buf *bp;
	static char data[1 << 20];
	int64_t i, n = (1 << 20) / BSZ;
	daddr_t ra[3] = { 600 * BBLK, 601 * BBLK, 602 * BBLK };
	int rasz[3] = { BSZ, BSZ, BSZ };

	t_boot();
	tdev_host(&td, 4 << 20, false);
	t_pattern(data, sizeof data, 11, 0);
	CHECK(pwrite(td.td_fd, data, sizeof data, 0) == (ssize_t)sizeof data);

	t_stats(&bs0);
	for (i = 0; i < n; i++) {
		CHECK_ERR(bread(&td.td_vn, i * BBLK, BSZ, 0, &bp), 0);
		CHECK(t_check_pattern(bp->b_data, BSZ, 11, (uint64_t)i * BSZ));
		brelse(bp, 0);
	}
	t_stats(&bs);
	printf("%jd blocks: %ju host reads, %ju read ahead\n", (intmax_t)n,
	    (uintmax_t)(bs.bs_reads - bs0.bs_reads), (uintmax_t)(bs.bs_readahead - bs0.bs_readahead));
	CHECK(bs.bs_reads - bs0.bs_reads <= (uint64_t)n / 8);
	CHECK(bs.bs_readahead > 0);
	CHECK_EQ(bs.bs_hits - bs0.bs_hits + bs.bs_misses - bs0.bs_misses, n);

	/* Random access reads no more than asked. */
	t_stats(&bs0);
	for (i = 0; i < 8; i++) {
		CHECK_ERR(bread(&td.td_vn, (700 + i * 13) * BBLK, BSZ, 0, &bp), 0);
		brelse(bp, 0);
	}
	t_stats(&bs);
	CHECK_EQ(bs.bs_reads - bs0.bs_reads, 8);
	CHECK_EQ(bs.bs_readahead, bs0.bs_readahead);

	/* breadn: the listed contiguous blocks come in one more read; then they hit. */
	t_stats(&bs0);
	CHECK_ERR(breadn(&td.td_vn, 590 * BBLK, BSZ, ra, rasz, 3, 0, &bp), 0);
	brelse(bp, 0);
	t_stats(&bs);
	CHECK_EQ(bs.bs_reads - bs0.bs_reads, 2);
	CHECK_EQ(bs.bs_readahead - bs0.bs_readahead, 3);
	for (i = 0; i < 3; i++) {
		CHECK_ERR(bread(&td.td_vn, ra[i], BSZ, 0, &bp), 0);
		brelse(bp, 0);
	}
	t_stats(&bs0);
	CHECK_EQ(bs0.bs_reads, bs.bs_reads);
	tdev_done(&td);
	t_halt();
}

/* Asking a block with another size writes it back first and rereads. */
T_CASE(resize)
{
	struct tdev td;
	struct buf *bp;

	setenv("RUMP_THREADS", "0", 1);
	t_boot();
	tdev_host(&td, 1 << 20, true);
	dirty_block(&td, 10, 12);
	{
		char blk[BSZ];

		t_pattern(blk, BSZ, 13, 11 * BSZ);
		CHECK(pwrite(td.td_fd, blk, BSZ, 11 * BSZ) == BSZ);
	}
	CHECK_ERR(bread(&td.td_vn, 10 * BBLK, 2 * BSZ, 0, &bp), 0);
	CHECK_EQ(bp->b_bcount, 2 * BSZ);
	CHECK(t_check_pattern(bp->b_data, BSZ, 12, 10 * BSZ));
	CHECK(t_check_pattern((char *)bp->b_data + BSZ, BSZ, 13, 11 * BSZ));
	brelse(bp, 0);
	CHECK(host_has(&td, 10, 12));
	/* Smaller again: the first half stays valid. */
	CHECK_ERR(bread(&td.td_vn, 10 * BBLK, BSZ, 0, &bp), 0);
	CHECK_EQ(bp->b_bcount, BSZ);
	CHECK(t_check_pattern(bp->b_data, BSZ, 12, 10 * BSZ));
	brelse(bp, 0);
	tdev_done(&td);
	t_halt();
}

/* The syncer writes a bdwrite'd block after about 3 s, with nobody asking. */
T_CASE(syncer_writes)
{
	struct tdev td;
	double t0, dt;
	bool written = false;

	setenv("RUMP_THREADS", "1", 1);
	t_boot();
	tdev_host(&td, 1 << 20, true);
	dirty_block(&td, 3, 14);
	t0 = now_s();
	rump_unschedule();	/* the syncer may need our virtual CPU */
	while (!written && (dt = now_s() - t0) < 15) {
		written = host_has(&td, 3, 14);
		if (!written)
			usleep(50000);
	}
	rump_schedule();
	printf("written after %.2f s\n", dt);
	CHECK(written);
	CHECK(dt >= 2.0);	/* not at once: it waited for the delay */
	CHECK(dt <= 6.0);
	tdev_done(&td);
	t_halt();
}

/* Without kernel threads nothing is written until vflushbuf. */
T_CASE(nosyncer)
{
	struct tdev td;

	setenv("RUMP_THREADS", "0", 1);
	t_boot();
	tdev_host(&td, 1 << 20, true);
	dirty_block(&td, 3, 15);
	rump_unschedule();
	usleep(4500 * 1000);
	rump_schedule();
	CHECK(!host_has(&td, 3, 15));
	CHECK_ERR(vflushbuf(&td.td_vn, false), 0);
	CHECK(host_has(&td, 3, 15));
	tdev_done(&td);
	t_halt();
}

/* bawrite goes out promptly, with and without a syncer. */
T_CASE(bawrite_prompt)
{
	struct tdev td;
	struct buf *bp;
	double t0;

	t_boot();
	tdev_host(&td, 1 << 20, true);
	CHECK_ERR(getblk(&td.td_vn, 5 * BBLK, BSZ, 0, &bp), 0);
	t_pattern(bp->b_data, BSZ, 16, 5 * BSZ);
	bawrite(bp);
	t0 = now_s();
	rump_unschedule();
	while (!host_has(&td, 5, 16) && now_s() - t0 < 15)
		usleep(10000);
	rump_schedule();
	CHECK(now_s() - t0 < 1.5);
	tdev_done(&td);
	t_halt();
}

/* Destroying a device writes its dirty buffers; shutdown does too. */
T_CASE(destroy_writes_back)
{
	struct tdev td;

	setenv("RUMP_THREADS", "0", 1);
	t_boot();
	tdev_host(&td, 1 << 20, true);
	dirty_block(&td, 7, 17);
	bdev_close(td.td_bd, true);
	CHECK_ERR(bdev_destroy(td.td_dev), 0);
	CHECK(host_has(&td, 7, 17));
	close(td.td_fd);
	unlink(td.td_path);
	t_halt();
}

/*
 * Threads read, change and write random blocks (bread + bdwrite/bwrite/
 * bawrite/brelse) with the cache far smaller than the device, while the
 * syncer runs: holding a buffer busy is exclusive, so a shadow copy of
 * each block's version kept under that ownership must match the device
 * at the end.
 */
#define STRESS_NBLK	1024
#define STRESS_NTHR	4
#define STRESS_OPS	20000

struct stress {
	struct tdev	*st_td;
	uint64_t	st_version[STRESS_NBLK];	/* owned with the block's buffer */
	unsigned	st_seed;
};

struct stamp {
	uint64_t	sp_blk;
	uint64_t	sp_version;
};

#include <pthread.h>

static void *
stress_thread(void *arg)
{
	struct stress *st = arg;
	unsigned seed = __atomic_fetch_add(&st->st_seed, 1, __ATOMIC_RELAXED);
	struct stamp *sp;
	struct buf *bp;
	int i, b, op;

	rump_schedule();
	for (i = 0; i < STRESS_OPS; i++) {
		b = rand_r(&seed) % STRESS_NBLK;
		/* Runs of neighbours too, so clustering and read-ahead take part. */
		if (i % 7 < 3)
			b = (b & ~15) + i % 16;
		CHECK_ERR(bread(&st->st_td->td_vn, (daddr_t)b * BBLK, BSZ, 0, &bp), 0);
		sp = bp->b_data;
		CHECK_EQ(sp->sp_version, st->st_version[b]);
		CHECK(sp->sp_version == 0 || sp->sp_blk == (uint64_t)b);
		op = rand_r(&seed) % 8;
		if (op == 0) {
			brelse(bp, 0);
			continue;
		}
		sp->sp_blk = (uint64_t)b;
		sp->sp_version = ++st->st_version[b];
		if (op == 1)
			CHECK_ERR(bwrite(bp), 0);
		else if (op == 2)
			bawrite(bp);
		else
			bdwrite(bp);
	}
	rump_unschedule();
	return NULL;
}

T_CASE(stress_threads)
{
	static struct stress st;
	struct tdev td;
	pthread_t thr[STRESS_NTHR];
	struct stamp *sp;
	struct buf *bp;
	int i;

	setenv("RUMP_MEMLIMIT", "3m", 1);	/* cache bound 1.5 MiB: 384 of the 1024 blocks */
	t_boot();
	tdev_host(&td, STRESS_NBLK * BSZ, true);
	st.st_td = &td;
	rump_unschedule();
	for (i = 0; i < STRESS_NTHR; i++)
		CHECK(pthread_create(&thr[i], NULL, stress_thread, &st) == 0);
	for (i = 0; i < STRESS_NTHR; i++)
		CHECK(pthread_join(thr[i], NULL) == 0);
	rump_schedule();
	CHECK_ERR(vflushbuf(&td.td_vn, true), 0);
	vinvalbuf(&td.td_vn);
	for (i = 0; i < STRESS_NBLK; i++) {
		CHECK_ERR(bread(&td.td_vn, (daddr_t)i * BBLK, BSZ, 0, &bp), 0);
		sp = bp->b_data;
		CHECK_EQ(sp->sp_version, st.st_version[i]);
		brelse(bp, 0);
	}
	tdev_done(&td);
	t_halt();
}

/* kmem's reclaimer takes clean idle buffers back when another allocation needs the memory. */
#include "kmem.h"

T_CASE(reclaimer)
{
	struct tdev td;
	struct bufstats bs0, bs;
	struct buf *bp;
	void *p;
	size_t sz;
	int64_t i;

	setenv("RUMP_MEMLIMIT", "4m", 1);
	t_boot();
	tdev_host(&td, 4 << 20, false);
	for (i = 0; i < 1024; i++) {
		CHECK_ERR(bread(&td.td_vn, i * 97 % 1024 * BBLK, BSZ, 0, &bp), 0);
		brelse(bp, 0);
	}
	t_stats(&bs0);
	CHECK(bs0.bs_bytes > (3 << 20) / 2);
	/* More than is free beside the cache: only a reclaim makes it fit. */
	sz = (size_t)(kmem_limit() - kmem_inuse()) + (1 << 20);
	CHECK((p = kmem_alloc(sz, KM_SLEEP)) != NULL);
	t_stats(&bs);
	printf("cache %ju -> %ju bytes\n", (uintmax_t)bs0.bs_bytes, (uintmax_t)bs.bs_bytes);
	CHECK(bs.bs_bytes + (1 << 20) <= bs0.bs_bytes);
	kmem_free(p, sz);
	tdev_done(&td);
	t_halt();
}

/*
 * Only dirty buffers idle in the cache: the in-line reclaim (which may
 * not write) gets nothing, the reclaim thread writes them and frees them
 * (threads), or the allocation fails with the data still cached (no
 * threads).  Either way every block reads back as written.  Fewer
 * dirty than half the cache bound (2 MiB here), which would have the
 * syncer write them first.
 */
#define RECLAIM_NDIRTY	200u

static void
reclaim_dirty(bool threads)
{
	struct tdev td;
	struct bufstats bs0, bs;
	struct kmem_stats ks;
	struct buf *bp;
	void *p;
	size_t sz;
	int64_t i;

	setenv("RUMP_MEMLIMIT", "4m", 1);
	setenv("RUMP_THREADS", threads ? "1" : "0", 1);
	t_boot();
	tdev_host(&td, 4 << 20, true);
	for (i = 0; i < RECLAIM_NDIRTY; i++)
		dirty_block(&td, i, 7);
	t_stats(&bs0);
	CHECK_EQ(bs0.bs_ndirty, RECLAIM_NDIRTY);
	sz = (size_t)(kmem_limit() - kmem_inuse()) + (512 << 10);
	p = kmem_alloc(sz, KM_SLEEP);
	t_stats(&bs);
	kmem_stats_get(&ks);
	if (threads) {
		CHECK(p != NULL);
		CHECK(ks.ks_thread >= 1);
		CHECK(bs.bs_writes > bs0.bs_writes && bs.bs_ndirty < bs0.bs_ndirty);
		kmem_free(p, sz);
	} else {
		CHECK(p == NULL);
		CHECK_EQ(ks.ks_waits, 0);
		CHECK_EQ(bs.bs_ndirty, bs0.bs_ndirty);
	}
	for (i = 0; i < RECLAIM_NDIRTY; i++) {
		CHECK_ERR(bread(&td.td_vn, i * BBLK, BSZ, 0, &bp), 0);
		CHECK(t_check_pattern(bp->b_data, BSZ, 7, (uint64_t)i * BSZ));
		brelse(bp, 0);
	}
	tdev_done(&td);
	t_halt();
}

T_CASE(reclaimer_writes_dirty) { reclaim_dirty(true); }
T_CASE(reclaimer_dirty_nothreads) { reclaim_dirty(false); }

/*
 * Freed buffers' memory is kept for reuse (no new kernel memory when
 * the same sizes come back), counted against the bound, given back to
 * the reclaimer when another allocation needs it, and at shutdown.
 */
T_CASE(free_reuse)
{
	struct tdev td;
	struct bufstats bs;
	struct buf *bp;
	uint64_t kept;
	void *p;
	size_t sz;
	int64_t i;

	setenv("RUMP_MEMLIMIT", "4m", 1);
	t_boot();
	tdev_host(&td, 4 << 20, true);
	for (i = 0; i < 256; i++)
		dirty_block(&td, i, 5);
	CHECK_ERR(vflushbuf(&td.td_vn, true), 0);
	vinvalbuf(&td.td_vn);
	t_stats(&bs);
	CHECK_EQ(bs.bs_nbufs, 0u);
	CHECK(bs.bs_bytes >= 256 * BSZ);	/* kept, still counted */
	kept = kmem_inuse();
	/*
	 * Read-ahead stays within the 256 written: misses at 0, 5, 14, 31,
	 * 64 read windows of 4, 8, 16, 32, 64 buffers, up to block 128.
	 */
	for (i = 0; i < 128; i++) {
		CHECK_ERR(bread(&td.td_vn, i * BBLK, BSZ, 0, &bp), 0);
		CHECK(t_check_pattern(bp->b_data, BSZ, 5, (uint64_t)i * BSZ));
		brelse(bp, 0);
	}
	CHECK_EQ(kmem_inuse(), kept);	/* every buffer came from the kept ones */
	vinvalbuf(&td.td_vn);
	/* More than is free beside the cache: the kept memory must be given back. */
	sz = (size_t)(kmem_limit() - kmem_inuse()) + (512 << 10);
	CHECK((p = kmem_alloc(sz, KM_SLEEP)) != NULL);
	t_stats(&bs);
	CHECK(bs.bs_bytes + (512 << 10) <= 256 * (BSZ + sizeof(struct buf)));
	kmem_free(p, sz);
	for (i = 0; i < 16; i++) {	/* and kept again */
		CHECK_ERR(bread(&td.td_vn, i * BBLK, BSZ, 0, &bp), 0);
		brelse(bp, 0);
	}
	vinvalbuf(&td.td_vn);
	tdev_done(&td);
	t_halt();
	CHECK_EQ(kmem_inuse(), 0u);	/* shutdown gave the kept buffers back */
}

/*
 * A file system reading a file sequentially also reads cached metadata
 * elsewhere between data blocks (an indirect block, the inode table);
 * those hits must not end the streak, or read-ahead never starts.
 */
T_CASE(readahead_across_hits)
{
	struct tdev td;
	struct bufstats bs0, bs;
	struct buf *bp;
	static char data[1 << 20];
	int64_t i, n = (1 << 20) / BSZ;
	daddr_t meta = 900 * BBLK;

	t_boot();
	tdev_host(&td, 4 << 20, false);
	t_pattern(data, sizeof data, 12, 0);
	CHECK(pwrite(td.td_fd, data, sizeof data, 0) == (ssize_t)sizeof data);
	CHECK_ERR(bread(&td.td_vn, meta, BSZ, 0, &bp), 0);	/* the "indirect block", cached */
	brelse(bp, 0);

	t_stats(&bs0);
	for (i = 0; i < n; i++) {
		CHECK_ERR(bread(&td.td_vn, meta, BSZ, 0, &bp), 0);
		brelse(bp, 0);
		CHECK_ERR(bread(&td.td_vn, i * BBLK, BSZ, 0, &bp), 0);
		CHECK(t_check_pattern(bp->b_data, BSZ, 12, (uint64_t)i * BSZ));
		brelse(bp, 0);
	}
	t_stats(&bs);
	printf("%jd blocks with a cached block between each: %ju host reads\n", (intmax_t)n,
	    (uintmax_t)(bs.bs_reads - bs0.bs_reads));
	CHECK(bs.bs_reads - bs0.bs_reads <= (uint64_t)n / 8);
	CHECK(bs.bs_readahead > bs0.bs_readahead);
	tdev_done(&td);
	t_halt();
}

/*
 * BC_AGE: a clean buffer read for the last time goes at once, its memory
 * serving the next block (a whole file read once holds a few buffers, not
 * the file); a dirty one stays cached and dirty until written, then goes.
 * bsetage does the same for a buffer being written.
 */
T_CASE(age_release)
{
	struct tdev td;
	struct bufstats bs0, bs;
	struct buf *bp;
	int64_t i;

	setenv("RUMP_THREADS", "0", 1);
	t_boot();
	tdev_host(&td, 4 << 20, false);
	for (i = 0; i < 64; i++)
		dirty_block(&td, i, 7);
	CHECK_ERR(vflushbuf(&td.td_vn, true), 0);
	vinvalbuf(&td.td_vn);

	t_stats(&bs0);
	for (i = 0; i < 64; i++) {
		CHECK_ERR(bread(&td.td_vn, i * BBLK, BSZ, 0, &bp), 0);
		CHECK(t_check_pattern(bp->b_data, BSZ, 7, (uint64_t)i * BSZ));
		brelse(bp, BC_AGE);
	}
	t_stats(&bs);
	/* Read-ahead may hold the blocks it read beyond; nothing read stays. */
	CHECK(bs.bs_nbufs <= bs.bs_readahead - bs0.bs_readahead);
	CHECK_ERR(bread(&td.td_vn, 10 * BBLK, BSZ, 0, &bp), 0);	/* gone: read again */
	brelse(bp, 0);
	t_stats(&bs0);
	CHECK_EQ(bs0.bs_misses, bs.bs_misses + 1);
	CHECK_ERR(bread(&td.td_vn, 10 * BBLK, BSZ, 0, &bp), 0);	/* released plainly: kept */
	CHECK(t_check_pattern(bp->b_data, BSZ, 7, 10 * BSZ));
	brelse(bp, 0);
	t_stats(&bs);
	CHECK_EQ(bs.bs_misses, bs0.bs_misses);

	/* Dirty: kept, and still written by the flush; then, clean, it goes. */
	dirty_block(&td, 100, 8);
	CHECK_ERR(bread(&td.td_vn, 100 * BBLK, BSZ, 0, &bp), 0);
	brelse(bp, BC_AGE);
	t_stats(&bs);
	CHECK_EQ(bs.bs_ndirty, 1u);
	CHECK_ERR(vflushbuf(&td.td_vn, true), 0);
	CHECK(host_has(&td, 100, 8));
	t_stats(&bs0);
	CHECK_ERR(bread(&td.td_vn, 100 * BBLK, BSZ, 0, &bp), 0);
	brelse(bp, 0);
	t_stats(&bs);
	CHECK_EQ(bs.bs_misses, bs0.bs_misses + 1);

	/* bsetage before bdwrite: dropped once written; a getblk in between keeps it. */
	CHECK_ERR(getblk(&td.td_vn, 200 * BBLK, BSZ, 0, &bp), 0);
	t_pattern(bp->b_data, BSZ, 9, 200 * BSZ);
	bsetage(bp);
	bdwrite(bp);
	CHECK_ERR(getblk(&td.td_vn, 201 * BBLK, BSZ, 0, &bp), 0);
	t_pattern(bp->b_data, BSZ, 9, 201 * BSZ);
	bsetage(bp);
	bdwrite(bp);
	CHECK_ERR(getblk(&td.td_vn, 201 * BBLK, BSZ, 0, &bp), 0);	/* wanted again */
	bdwrite(bp);
	CHECK_ERR(vflushbuf(&td.td_vn, true), 0);
	CHECK(host_has(&td, 200, 9) && host_has(&td, 201, 9));
	t_stats(&bs0);
	CHECK_ERR(bread(&td.td_vn, 201 * BBLK, BSZ, 0, &bp), 0);
	brelse(bp, 0);
	t_stats(&bs);
	CHECK_EQ(bs.bs_misses, bs0.bs_misses);		/* kept */
	CHECK_ERR(bread(&td.td_vn, 200 * BBLK, BSZ, 0, &bp), 0);
	CHECK(t_check_pattern(bp->b_data, BSZ, 9, 200 * BSZ));
	brelse(bp, 0);
	t_stats(&bs0);
	CHECK_EQ(bs0.bs_misses, bs.bs_misses + 1);	/* dropped after its write */
	vinvalbuf(&td.td_vn);
	tdev_done(&td);
	t_halt();
}

/*
 * b_fsmark: kept while the contents stay the same (a hit, the buffer's
 * own write-back), 0 when they come from the device or a holder changes
 * them with bdwrite; bdwrite_fsmark leaves the mark its holder vouches for.
 * (And bincore: cached or not.)
 */
T_CASE(fsmark_rules)
{
	struct tdev td;
	struct buf *bp;

	setenv("RUMP_THREADS", "0", 1);
	t_boot();
	tdev_host(&td, 1 << 20, false);
	CHECK_ERR(bread(&td.td_vn, 3 * BBLK, BSZ, 0, &bp), 0);
	CHECK_EQ(bp->b_fsmark, 0u);
	bp->b_fsmark = 5;
	brelse(bp, 0);
	CHECK_ERR(bread(&td.td_vn, 3 * BBLK, BSZ, 0, &bp), 0);
	CHECK_EQ(bp->b_fsmark, 5u);			/* a hit: same contents */
	t_pattern(bp->b_data, BSZ, 4, 3 * BSZ);
	bdwrite(bp);
	CHECK_ERR(bread(&td.td_vn, 3 * BBLK, BSZ, 0, &bp), 0);
	CHECK_EQ(bp->b_fsmark, 0u);			/* changed by its holder */
	t_pattern(bp->b_data, BSZ, 6, 3 * BSZ);
	bdwrite_fsmark(bp, 9);
	CHECK_ERR(vflushbuf(&td.td_vn, true), 0);	/* written back: the same contents */
	CHECK(host_has(&td, 3, 6));
	CHECK_ERR(bread(&td.td_vn, 3 * BBLK, BSZ, 0, &bp), 0);
	CHECK_EQ(bp->b_fsmark, 9u);
	brelse(bp, 0);
	CHECK(bincore(&td.td_vn, 3 * BBLK) && !bincore(&td.td_vn, 4 * BBLK));
	vinvalbuf(&td.td_vn);
	CHECK(!bincore(&td.td_vn, 3 * BBLK));
	CHECK_ERR(bread(&td.td_vn, 3 * BBLK, BSZ, 0, &bp), 0);
	CHECK_EQ(bp->b_fsmark, 0u);			/* from the device again */
	CHECK(t_check_pattern(bp->b_data, BSZ, 6, 3 * BSZ));
	brelse(bp, 0);
	vinvalbuf(&td.td_vn);
	tdev_done(&td);
	t_halt();
}
