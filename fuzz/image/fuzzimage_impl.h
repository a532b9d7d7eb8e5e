/* fuzzimage_impl.h: the image part's layout, its parsed view, and the helpers the pack, expand and mutate files share. */
#ifndef FUZZ_IMAGE_FUZZIMAGE_IMPL_H
#define FUZZ_IMAGE_FUZZIMAGE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzzimage.h"

/* Internal to the library, even when it is linked into a shared one. */
#pragma GCC visibility push(hidden)

/*
 * The image part (little-endian):
 *   header (FI_HDR bytes):
 *     0 "RFI1" | 4 u16 version (1) | 6 u16 ntables | 8 u32 nranges | 12 u32 reserved
 *     16 u64 imglen | 24 u64 nblocks | 32 u64 ninodes | 40 u32 bsize | 44 u32 zlen
 *     48 char fstype[16] (NUL-padded)
 *   tables: each u16 stride, u16 nfields, then nfields x (u16 off, u8 width, u8 type)
 *   ranges: nranges x (u64 off, u32 len, u8 kind, u8 flags, u16 table), sorted, disjoint
 *   the seed, metadata zeroed, compressed (fi_z_*): zlen bytes
 *   the ranges' bytes, in range order, to the end of the part
 */
#define FI_MAGIC	"RFI1"
#define FI_VERSION	1
#define FI_HDR		64
#define FI_RANGE	16
#define FI_FIELD	4
#define FI_TABLEHDR	4
#define FI_FSTYPE	16

/* A table as it lies in the part: fields decoded on demand. */
struct fi_table {
	const uint8_t	*t_fields;	/* nfields x FI_FIELD bytes */
	uint16_t	t_stride;
	uint16_t	t_nfields;
};

#define FI_MAXTABLES	64

/* The checked view of an image part (pointers into it). */
struct fi_view {
	uint64_t	v_imglen, v_nblocks, v_ninodes;
	uint32_t	v_bsize, v_nranges;
	unsigned	v_ntables;
	struct fi_table	v_tables[FI_MAXTABLES];
	const uint8_t	*v_ranges;	/* nranges x FI_RANGE */
	const uint8_t	*v_z;		/* compressed seed */
	size_t		v_zlen;
	size_t		v_dataoff;	/* where the ranges' bytes start, from the part's start */
};

/* One range decoded. */
struct fi_range {
	uint64_t	r_off;
	uint32_t	r_len;
	uint8_t		r_kind, r_flags;
	uint16_t	r_table;
};

/* Little-endian access at any alignment. */
static inline uint64_t
fi_getle(const uint8_t *p, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = width; i > 0; i--)
		v = v << 8 | p[i - 1];
	return v;
}

static inline void
fi_putle(uint8_t *p, unsigned width, uint64_t v)
{
	for (unsigned i = 0; i < width; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* fuzzimage_format.c: 0 or EINVAL; a view of a well-formed part. */
int	fi_parse(const uint8_t *part, size_t len, struct fi_view *v);
void	fi_range_get(const struct fi_view *v, uint32_t i, struct fi_range *r);

/*
 * fuzzimage_z.c: fi_z_encode returns the bytes written (out holds
 * fi_z_bound(len)), 0 when out of memory for a non-empty input.
 */
size_t	fi_z_bound(size_t len);
size_t	fi_z_encode(const uint8_t *in, size_t len, uint8_t *out);
/* Decode exactly outlen bytes into out (NULL: only check); EINVAL for any other stream. */
int	fi_z_decode(const uint8_t *in, size_t len, uint8_t *out, size_t outlen);

/* fuzzimage_fix.c: CRC-32C register update (no inversion); recompute a range's derived fields. */
uint32_t fi_crc32c(uint32_t crc, const uint8_t *p, size_t len);
void	fi_fix_range(const struct fi_view *v, const struct fi_range *r, uint8_t *bytes);

/* fuzzimage_values.c: a new value for an integer field of type at width bytes. */
struct fi_rng {
	uint64_t	g_state;
};
uint64_t fi_rand(struct fi_rng *g);
static inline uint64_t fi_below(struct fi_rng *g, uint64_t n) { return n == 0 ? 0 : fi_rand(g) % n; }
uint64_t fi_value(struct fi_rng *g, const struct fi_view *v, unsigned type, unsigned width,
	    uint64_t old);

#pragma GCC visibility pop

#endif /* FUZZ_IMAGE_FUZZIMAGE_IMPL_H */
