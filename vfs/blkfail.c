/* blkfail.c: block-device boot parameters and the repeatable I/O failure generator (RUMP_BLKFAIL). */
#include "kernel.h"

#include "blkdev_impl.h"

#define BLKFAIL_SCALE	10000	/* RUMP_BLKFAIL counts failures per this many requests */

static unsigned blkfail_rate;		/* failures per BLKFAIL_SCALE; constant after init */
static uint64_t blkfail_seedval;
static unsigned blkfail_sectshift = DEV_BSHIFT;

int
blkfail_init(void)
{
	uint64_t rate = 0, seed = 0, shift = DEV_BSHIFT;
	int error;

	if ((error = rump_param_uint("RUMP_BLKFAIL", 0, BLKFAIL_SCALE, &rate,
	    "a failure rate per 10000 requests")) != 0 ||
	    (error = rump_param_uint("RUMP_BLKFAIL_SEED", 0, UINT64_MAX, &seed,
	    "a seed")) != 0 ||
	    (error = rump_param_uint("RUMP_BLKSECTSHIFT", DEV_BSHIFT, 16, &shift,
	    "a sector size shift")) != 0)
		return error;
	blkfail_rate = (unsigned)rate;
	blkfail_seedval = seed;
	blkfail_sectshift = (unsigned)shift;
	if (rate != 0)
		kverbose("rump: failing %ju in %d block I/O requests (seed %ju)\n",
		    (uintmax_t)rate, BLKFAIL_SCALE, (uintmax_t)seed);
	return 0;
}

unsigned
blkfail_secshift(void)
{
	return blkfail_sectshift;
}

uint64_t
blkfail_seed(void)
{
	return blkfail_seedval;
}

/*
 * splitmix64: one 64-bit state word, good enough statistics for fault
 * injection, and the same sequence on every host for the same seed.
 */
bool
blkfail_draw(uint64_t *rng)
{
	uint64_t z;

	if (blkfail_rate == 0)
		return false;
	z = (*rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z % BLKFAIL_SCALE < blkfail_rate;
}
