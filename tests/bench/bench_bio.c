/* bench_bio.c: buffer-cache microbenchmark: sequential getblk+bdwrite, then bread, over a 1 GiB sparse image (printed, not asserted). */
/*
 * bench_bio [MiB [BSIZE]]: prints the write, flush and read times in ms.
 * The image is a sparse file in /dev/shm so the host I/O costs little and
 * the cache's own costs show (run under perf record -g).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>

#include "blkdev.h"
#include "buf.h"
#include "vnode.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
run(const char *path, uint64_t size, int bsize)
{
	struct vnode vn;
	struct bdev *bd;
	struct buf *bp;
	dev_t dev;
	daddr_t blk, nblk = (daddr_t)(size / (uint64_t)bsize), step = bsize / DEV_BSIZE;
	double t0, t1, t2, t3;
	int error;

	if ((error = bdev_create_host(path, 0, RUMP_ETFS_SIZE_ENDOFF, &dev)) != 0)
		return error;
	memset(&vn, 0, sizeof vn);
	vn.v_type = VBLK;
	vn.v_rdev = dev;
	vn.v_usecount = 1;
	if ((error = bdev_open(&vn, true, &bd)) != 0)
		return error;
	t0 = now_ms();
	for (blk = 0; blk < nblk; blk++) {
		if ((error = getblk(&vn, blk * step, bsize, 0, &bp)) != 0)
			return error;
		memset(bp->b_data, (int)blk, (size_t)bsize);
		bdwrite(bp);
	}
	t1 = now_ms();
	if ((error = vflushbuf(&vn, true)) != 0)
		return error;
	vinvalbuf(&vn);
	t2 = now_ms();
	for (blk = 0; blk < nblk; blk++) {
		if ((error = bread(&vn, blk * step, bsize, 0, &bp)) != 0)
			return error;
		if (((unsigned char *)bp->b_data)[0] != (unsigned char)blk)
			return EIO;
		brelse(bp, 0);
	}
	t3 = now_ms();
	printf("write %.1f ms  flush %.1f ms  read %.1f ms\n", t1 - t0, t2 - t1, t3 - t2);
	vinvalbuf(&vn);
	bdev_close(bd, true);
	return bdev_destroy(dev);
}

int
main(int argc, char **argv)
{
	uint64_t mib = argc > 1 ? strtoull(argv[1], NULL, 10) : 1024;
	int bsize = argc > 2 ? atoi(argv[2]) : 4096, fd, error;
	char path[] = "/dev/shm/bench_bio.XXXXXX";

	if ((fd = mkstemp(path)) == -1 || ftruncate(fd, (off_t)(mib << 20)) != 0) {
		perror("bench_bio: image");
		return 1;
	}
	close(fd);
	if (rump_init() != 0)
		return 1;
	rump_schedule();
	error = run(path, mib << 20, bsize);
	rump_unschedule();
	rump_shutdown();
	unlink(path);
	if (error != 0)
		fprintf(stderr, "bench_bio: error %d\n", error);
	return error != 0;
}
