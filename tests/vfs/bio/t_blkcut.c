/* t_blkcut.c: the pulled plug: writes after the n-th dropped but reported done, reads unaffected, the counts. */
#include <stdlib.h>
#include <string.h>

#include "bio_test.h"

#define NSEC	16

static char mem[NSEC * 512];
static struct vnode cut_vn;
static dev_t cut_devno;

/* A fresh memory device of NSEC sectors, each filled with 'o', opened for writing. */
static struct bdev *
cut_dev(void)
{
	struct bdev *bd;

	memset(mem, 'o', sizeof mem);
	CHECK_ERR(bdev_create_mem(mem, sizeof mem, false, &cut_devno), 0);
	tvnode(&cut_vn, cut_devno);
	CHECK_ERR(bdev_open(&cut_vn, true, &bd), 0);
	return bd;
}

static void
cut_dev_done(struct bdev *bd)
{
	bdev_close(bd, true);
	CHECK_ERR(bdev_destroy(cut_devno), 0);
}

/* Write sector i with the byte c: the request must report success. */
static void
put_sector(struct bdev *bd, unsigned i, char c)
{
	char buf[512];

	memset(buf, c, sizeof buf);
	CHECK_ERR(io1(bd, BDEV_WRITE, buf, sizeof buf, (uint64_t)i * 512), 0);
}

static bool
sector_is(unsigned i, char c)
{
	for (unsigned j = 0; j < 512; j++)
		if (mem[i * 512 + j] != c)
			return false;
	return true;
}

T_CASE(blkcut_drops_after_n)
{
	char buf[512];
	struct bdev *bd;
	uint64_t w, d;
	unsigned i;

	t_boot();
	bd = cut_dev();
	rump_pub_blkcut(3);
	for (i = 0; i < 6; i++)
		put_sector(bd, i, 'n');
	for (i = 0; i < 6; i++)
		CHECK(sector_is(i, i < 3 ? 'n' : 'o'));
	rump_pub_blkcut_status(&w, &d);
	CHECK_EQ(w, 6);
	CHECK_EQ(d, 3);
	/* reads are not counted and see the device as it is */
	CHECK_ERR(io1(bd, BDEV_READ, buf, sizeof buf, 4 * 512), 0);
	CHECK(buf[0] == 'o' && buf[511] == 'o');
	rump_pub_blkcut_status(&w, &d);
	CHECK_EQ(w, 6);
	/* re-arming restarts the count: nothing cut */
	rump_pub_blkcut(RUMP_BLKCUT_NONE);
	put_sector(bd, 5, 'r');
	CHECK(sector_is(5, 'r'));
	rump_pub_blkcut_status(&w, &d);
	CHECK_EQ(w, 1);
	CHECK_EQ(d, 0);
	/* a cut at 0: no write reaches the device, each is still "done" */
	rump_pub_blkcut(0);
	put_sector(bd, 7, 'z');
	CHECK(sector_is(7, 'o'));
	CHECK_ERR(bdev_sync(bd), 0);
	rump_pub_blkcut_status(&w, &d);
	CHECK_EQ(w, 1);
	CHECK_EQ(d, 1);
	rump_pub_blkcut(RUMP_BLKCUT_NONE);
	cut_dev_done(bd);
	t_halt();
}

/* Uncut, the writes are counted all the same (how a test measures its workload). */
T_CASE(blkcut_counts_uncut)
{
	char buf[512];
	struct bdev *bd;
	uint64_t w, d;
	unsigned i;

	unsetenv("RUMP_BLKCUT");
	t_boot();
	bd = cut_dev();
	rump_pub_blkcut_status(&w, &d);
	CHECK_EQ(w, 0);
	for (i = 0; i < NSEC; i++) {
		put_sector(bd, i, 'u');
		CHECK_ERR(io1(bd, BDEV_READ, buf, sizeof buf, (uint64_t)i * 512), 0);
	}
	for (i = 0; i < NSEC; i++)
		CHECK(sector_is(i, 'u'));
	rump_pub_blkcut_status(&w, &d);
	CHECK_EQ(w, NSEC);
	CHECK_EQ(d, 0);
	cut_dev_done(bd);
	t_halt();
}

/* RUMP_BLKCUT arms the cut at each boot; the next boot without it cuts nothing. */
T_CASE(blkcut_param)
{
	struct bdev *bd;
	uint64_t w, d;

	setenv("RUMP_BLKCUT", "1", 1);
	t_boot();
	bd = cut_dev();
	put_sector(bd, 0, 'a');
	put_sector(bd, 1, 'b');
	CHECK(sector_is(0, 'a') && sector_is(1, 'o'));
	rump_pub_blkcut_status(&w, &d);
	CHECK_EQ(w, 2);
	CHECK_EQ(d, 1);
	cut_dev_done(bd);
	t_halt();
	unsetenv("RUMP_BLKCUT");
	t_boot();
	bd = cut_dev();
	put_sector(bd, 0, 'a');
	put_sector(bd, 1, 'b');
	CHECK(sector_is(0, 'a') && sector_is(1, 'b'));
	cut_dev_done(bd);
	t_halt();
}

T_CASE(blkcut_param_bad)
{
	setenv("RUMP_BLKCUT", "x1", 1);
	CHECK_ERR(rump_init(), EINVAL);
	setenv("RUMP_BLKCUT", "-1", 1);
	CHECK_ERR(rump_init(), EINVAL);
	setenv("RUMP_BLKCUT", "18446744073709551615", 1);	/* that is "none": not a count */
	CHECK_ERR(rump_init(), EINVAL);
	setenv("RUMP_BLKCUT", "0", 1);
	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_shutdown(), 0);
	unsetenv("RUMP_BLKCUT");
}
