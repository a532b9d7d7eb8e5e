/* blkfail_nth.c: the n-th block I/O request from arming fails with EIO, once (tests of the error paths). */
#include "kernel.h"
#include "failnth.h"

#include "blkdev_impl.h"

#include <rump/rump.h>

static struct failnth blkfail_nth;

bool
blkfail_nth_now(void)
{
	return failnth_now(&blkfail_nth);
}

void
rump_pub_blkfail_nth(uint64_t n)
{
	failnth_arm(&blkfail_nth, n);
}

uint64_t
rump_pub_blkfail_failures(void)
{
	return failnth_hits(&blkfail_nth);
}
