/* fuzzimage_rle.c: the seed's compression: literal runs and zero runs, each length a LEB128 varint. */
#include <errno.h>
#include <string.h>

#include "fuzzimage_impl.h"

/*
 * The stream is pairs: varint L, L literal bytes, varint Z (that many
 * zeros), until the image is complete.  Images are mostly zeros (and
 * the metadata is zeroed before packing), so this is all it takes.
 */
#define RLE_MINZEROS	16	/* a shorter zero run stays in the literal */
#define RLE_VARINT	10	/* most bytes of a 64-bit varint */

size_t
fi_rle_bound(size_t len)
{
	/* One pair for all: two varints and every byte literal. */
	return len + 2 * RLE_VARINT;
}

static size_t
put_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	do {
		out[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v != 0);
	return n;
}

/* Zeros from in[i], up to len. */
static size_t
zero_run(const uint8_t *in, size_t i, size_t len)
{
	size_t j = i;

	while (j < len && in[j] == 0)
		j++;
	return j - i;
}

size_t
fi_rle_encode(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t i = 0, o = 0, lit, z;

	while (i < len) {
		/* The literal ends at the first zero run worth a pair (or the end). */
		for (lit = 0; i + lit < len; lit++) {
			if (in[i + lit] == 0 && zero_run(in, i + lit, len) >= RLE_MINZEROS)
				break;
		}
		o += put_varint(out + o, lit);
		memcpy(out + o, in + i, lit);
		o += lit;
		i += lit;
		z = zero_run(in, i, len);
		o += put_varint(out + o, z);
		i += z;
	}
	return o;
}

static int
get_varint(const uint8_t *in, size_t len, size_t *ip, uint64_t *vp)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (*ip >= len)
			return EINVAL;
		uint8_t b = in[(*ip)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0) {
			*vp = v;
			return 0;
		}
	}
	return EINVAL;
}

int
fi_rle_decode(const uint8_t *in, size_t len, uint8_t *out, size_t outlen)
{
	size_t i = 0, o = 0;
	uint64_t lit, z;

	while (o < outlen || i < len) {
		if (get_varint(in, len, &i, &lit) != 0 || lit > outlen - o || lit > len - i)
			return EINVAL;
		if (out != NULL)
			memcpy(out + o, in + i, lit);
		i += lit;
		o += lit;
		if (get_varint(in, len, &i, &z) != 0 || z > outlen - o)
			return EINVAL;
		if (out != NULL)
			memset(out + o, 0, z);
		o += z;
		/* A pair that adds nothing would let a stream spin without end. */
		if (lit == 0 && z == 0)
			return EINVAL;
	}
	return 0;
}
