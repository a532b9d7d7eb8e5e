/* rumpfuzz_mutate.c: a mutation that keeps the RFZ1 layout: one part is handed to a generic mutator, the length field follows. */
#include <string.h>

#include "fuzzimage.h"
#include "rumpfuzz_impl.h"

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/*
 * The image part grows or shrinks in place, the program part moving
 * behind it; a program part is mutated at the end where it may grow
 * into what maxsize leaves.
 */
size_t
rumpfuzz_mutate(uint8_t *data, size_t size, size_t maxsize, unsigned seed,
    size_t (*generic)(uint8_t *d, size_t size, size_t maxsize))
{
	struct rfz_input in;
	size_t ilen, plen, room, n;
	uint8_t *prog;

	if (rfz_decode(data, size, &in) != 0 || in.prog == NULL || maxsize <= size)
		return generic(data, size, maxsize);
	/* A packed image part (seed + metadata ranges): mutate its fields, keep its length. */
	if (rfz_packed(&in))
		return fuzzimage_mutate(data, size, maxsize, seed, generic);
	ilen = in.image_len;
	plen = in.prog_len;
	prog = data + RFZ_HEADER + ilen;
	if (seed % 4 == 0 || ilen == 0) {
		n = generic(prog, plen, maxsize - RFZ_HEADER - ilen);
		return RFZ_HEADER + ilen + n;
	}
	/* the program goes to the end of the buffer while the image part is mutated */
	room = maxsize - RFZ_HEADER - plen;
	memmove(data + maxsize - plen, prog, plen);
	n = generic(data + RFZ_HEADER, ilen, room);
	memmove(data + RFZ_HEADER + n, data + maxsize - plen, plen);
	put_le32(data + 8, (uint32_t)n);
	return RFZ_HEADER + n + plen;
}
