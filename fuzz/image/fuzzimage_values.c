/* fuzzimage_values.c: the values a mutator gives an integer field, by what it means: boundaries, small steps, block and inode numbers in and just out of range. */
#include <rump/rump_fuzzmap.h>

#include "fuzzimage_impl.h"

/* splitmix64: small, seeded, the same sequence on every host. */
uint64_t
fi_rand(struct fi_rng *g)
{
	uint64_t z = (g->g_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* 0, 1, -1, the signed extremes, half: what integer checks get wrong. */
static uint64_t
boundary(struct fi_rng *g, uint64_t mask)
{
	switch (fi_below(g, 7)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return mask;
	case 3: return mask >> 1;
	case 4: return (mask >> 1) + 1;
	case 5: return mask >> 2;
	default: return mask - 1;
	}
}

/* A step of up to 16 either way. */
static uint64_t
nudge(struct fi_rng *g, uint64_t old)
{
	uint64_t d = 1 + fi_below(g, 16);

	return fi_below(g, 2) ? old + d : old - d;
}

/* Around a limit n of the file system (its blocks or inodes): just in, at, just out, inside. */
static uint64_t
around(struct fi_rng *g, uint64_t n, uint64_t old)
{
	switch (fi_below(g, 8)) {
	case 0: return n - 1;
	case 1: return n;
	case 2: return n + 1;
	case 3: return n + 1 + fi_below(g, 1024);
	case 4: return fi_below(g, n > 0 ? n : 1);
	case 5: return nudge(g, old);
	case 6: return fi_below(g, 2) ? 0 : 1;
	default: return n * 2;
	}
}

static uint64_t
flags(struct fi_rng *g, unsigned bits, uint64_t old)
{
	switch (fi_below(g, 6)) {
	case 0: return 0;
	case 1: return ~(uint64_t)0;
	case 2: return old | (1ull << fi_below(g, bits));
	default: return old ^ (1ull << fi_below(g, bits));
	}
}

static uint64_t
reclen(struct fi_rng *g, uint64_t old)
{
	static const uint64_t odd[] = { 0, 1, 4, 8, 12, 16, 0x8000, 0xffff };

	switch (fi_below(g, 4)) {
	case 0: return odd[fi_below(g, sizeof(odd) / sizeof(odd[0]))];
	case 1: return old + 4 * (1 + fi_below(g, 4));
	case 2: return old - 4 * (1 + fi_below(g, 4));
	default: return nudge(g, old);
	}
}

uint64_t
fi_value(struct fi_rng *g, const struct fi_view *v, unsigned type, unsigned width, uint64_t old)
{
	unsigned bits = 8 * width;
	uint64_t mask = bits >= 64 ? ~(uint64_t)0 : (1ull << bits) - 1, val;

	if (fi_below(g, 8) == 0)
		return fi_rand(g) & mask;
	switch (type) {
	case RUMP_FUZZMAP_F_BLOCK:
		val = fi_below(g, 4) == 0 ? boundary(g, mask) : around(g, v->v_nblocks, old);
		break;
	case RUMP_FUZZMAP_F_INODE:
		val = fi_below(g, 4) == 0 ? boundary(g, mask) :
		    fi_below(g, 4) == 0 ? 2 : around(g, v->v_ninodes, old);
		break;
	case RUMP_FUZZMAP_F_FLAGS:
		val = flags(g, bits, old);
		break;
	case RUMP_FUZZMAP_F_RECLEN:
		val = reclen(g, old);
		break;
	case RUMP_FUZZMAP_F_COUNT:
		val = fi_below(g, 3) == 0 ? (fi_below(g, 2) ? old * 2 : old / 2) :
		    fi_below(g, 2) ? boundary(g, mask) : nudge(g, old);
		break;
	default:
		val = fi_below(g, 2) ? boundary(g, mask) :
		    fi_below(g, 2) ? nudge(g, old) : old ^ (1ull << fi_below(g, bits));
		break;
	}
	return val & mask;
}
