/* fuzzimage_fix.c: derived fields recomputed after a mutation: the CRC-32C check hashes a file system's field tables mark. */
#include <rump/rump_fuzzmap.h>

#include "fuzzimage_impl.h"

static uint32_t crc_table[256];

/* The reflected CRC-32C (Castagnoli) polynomial. */
#define CRC32C_POLY	0x82f63b78u

/* Built before main, so mutators in several threads never race to build it. */
static void __attribute__((constructor))
crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		crc_table[i] = c;
	}
}

uint32_t
fi_crc32c(uint32_t crc, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc;
}

static void
put32(uint8_t *p, bool be, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/* Each record's hash fields over the record with them zeroed. */
void
fi_fix_range(const struct fi_view *v, const struct fi_range *r, uint8_t *bytes)
{
	const struct fi_table *tb;
	bool be = (r->r_flags & RUMP_FUZZMAP_BE) != 0;
	uint64_t stride;

	if (r->r_table == RUMP_FUZZMAP_NOTABLE || (tb = &v->v_tables[r->r_table])->t_stride == 0)
		return;
	stride = tb->t_stride == RUMP_FUZZMAP_ONERECORD || tb->t_stride > r->r_len ?
	    r->r_len : tb->t_stride;
	for (uint64_t rec = 0; rec + stride <= r->r_len; rec += stride) {
		for (unsigned f = 0; f < tb->t_nfields; f++) {
			const uint8_t *fp = tb->t_fields + (size_t)f * FI_FIELD;
			uint64_t off = fi_getle(fp, 2);

			if (fp[3] != RUMP_FUZZMAP_F_CRC32C || off + 4 > stride)
				continue;
			put32(bytes + rec + off, be, 0);
			put32(bytes + rec + off, be, fi_crc32c(~0u, bytes + rec, stride));
		}
	}
}
