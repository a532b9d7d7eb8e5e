/* blkfail.c: block-device boot parameters and the repeatable I/O failure generator (RUMP_BLKFAIL). */
#include "kernel.h"
#include "rumpuser.h"

#include "blkdev_impl.h"

#define BLKFAIL_SCALE	10000	/* RUMP_BLKFAIL counts failures per this many requests */

static int parse_uint(const char *name, uint64_t max, uint64_t dflt, uint64_t *valp);

static unsigned blkfail_rate;		/* failures per BLKFAIL_SCALE; constant after init */
static uint64_t blkfail_seedval;
static unsigned blkfail_sectshift = DEV_BSHIFT;

/*
 * Parse the environment variable name as a decimal number in [0, max];
 * dflt when unset.  A bad value is refused with a message naming the
 * variable, so rump_init fails with EINVAL rather than running with a
 * setting the user did not ask for.
 */
static int
parse_uint(const char *name, uint64_t max, uint64_t dflt, uint64_t *valp)
{
	char buf[32];
	uint64_t v = 0;
	size_t i;
	int error;

	error = rumpuser_getparam(name, buf, sizeof buf);
	if (error == ENOENT) {
		*valp = dflt;
		return 0;
	}
	if (error != 0 || buf[0] == '\0')
		goto bad;
	for (i = 0; buf[i] != '\0'; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			goto bad;
		if (v > (max - (uint64_t)(buf[i] - '0')) / 10)
			goto bad;
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	*valp = v;
	return 0;
bad:
	kprintf("rump: %s: bad value \"%s\" (a decimal number from 0 to %ju)\n",
	    name, error == 0 ? buf : "(too long)", (uintmax_t)max);
	return EINVAL;
}

int
blkfail_init(void)
{
	uint64_t rate, seed, shift;
	int error;

	if ((error = parse_uint("RUMP_BLKFAIL", BLKFAIL_SCALE, 0, &rate)) != 0)
		return error;
	if ((error = parse_uint("RUMP_BLKFAIL_SEED", UINT64_MAX, 0, &seed)) != 0)
		return error;
	if ((error = parse_uint("RUMP_BLKSECTSHIFT", 16, DEV_BSHIFT, &shift)) != 0)
		return error;
	if (shift < DEV_BSHIFT) {
		kprintf("rump: RUMP_BLKSECTSHIFT: bad value %ju (9 to 16)\n", (uintmax_t)shift);
		return EINVAL;
	}
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
