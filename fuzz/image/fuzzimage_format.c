/* fuzzimage_format.c: checking an image part and viewing it in place: header, tables, ranges, seed, range bytes; and splitting an RFZ1 input. */
#include <errno.h>
#include <string.h>

#include <rump/rump_fuzzmap.h>

#include "fuzzimage_impl.h"

static int	parse_tables(const uint8_t *part, size_t len, size_t *offp, struct fi_view *v);
static int	parse_ranges(struct fi_view *v, uint64_t *sump);

int
fuzzimage_split(const uint8_t *in, size_t len, unsigned *flagsp,
    const uint8_t **partp, size_t *partlenp, const uint8_t **progp, size_t *proglenp)
{
	uint64_t plen;

	if (len < FUZZIMAGE_RFZ1_HDR || memcmp(in, FUZZIMAGE_RFZ1_MAGIC, 4) != 0)
		return EINVAL;
	plen = fi_getle(in + 8, 4);
	if (plen > len - FUZZIMAGE_RFZ1_HDR)
		return EINVAL;
	*flagsp = in[4];
	*partp = in + FUZZIMAGE_RFZ1_HDR;
	*partlenp = (size_t)plen;
	*progp = in + FUZZIMAGE_RFZ1_HDR + plen;
	*proglenp = len - FUZZIMAGE_RFZ1_HDR - (size_t)plen;
	return 0;
}

void
fi_range_get(const struct fi_view *v, uint32_t i, struct fi_range *r)
{
	const uint8_t *p = v->v_ranges + (size_t)i * FI_RANGE;

	r->r_off = fi_getle(p, 8);
	r->r_len = (uint32_t)fi_getle(p + 8, 4);
	r->r_kind = p[12];
	r->r_flags = p[13];
	r->r_table = (uint16_t)fi_getle(p + 14, 2);
}

int
fi_parse(const uint8_t *part, size_t len, struct fi_view *v)
{
	size_t off = FI_HDR;
	uint64_t sum;
	int error;

	memset(v, 0, sizeof(*v));
	if (len < FI_HDR || memcmp(part, FI_MAGIC, 4) != 0 || fi_getle(part + 4, 2) != FI_VERSION)
		return EINVAL;
	v->v_ntables = (unsigned)fi_getle(part + 6, 2);
	v->v_nranges = (uint32_t)fi_getle(part + 8, 4);
	v->v_imglen = fi_getle(part + 16, 8);
	v->v_nblocks = fi_getle(part + 24, 8);
	v->v_ninodes = fi_getle(part + 32, 8);
	v->v_bsize = (uint32_t)fi_getle(part + 40, 4);
	v->v_zlen = (size_t)fi_getle(part + 44, 4);
	if (v->v_imglen > FUZZIMAGE_MAXIMG || v->v_ntables > FI_MAXTABLES ||
	    v->v_nranges > RUMP_FUZZMAP_MAXRANGES)
		return EINVAL;
	if ((error = parse_tables(part, len, &off, v)) != 0)
		return error;
	if ((size_t)v->v_nranges * FI_RANGE > len - off)
		return EINVAL;
	v->v_ranges = part + off;
	off += (size_t)v->v_nranges * FI_RANGE;
	if (v->v_zlen > len - off)
		return EINVAL;
	v->v_z = part + off;
	off += v->v_zlen;
	if ((error = parse_ranges(v, &sum)) != 0)
		return error;
	/* The ranges' bytes fill the rest exactly: no slack for a mutator to grow into. */
	if (sum != len - off)
		return EINVAL;
	v->v_dataoff = off;
	return 0;
}

static int
parse_tables(const uint8_t *part, size_t len, size_t *offp, struct fi_view *v)
{
	size_t off = *offp;

	for (unsigned t = 0; t < v->v_ntables; t++) {
		struct fi_table *tb = &v->v_tables[t];

		if (len - off < FI_TABLEHDR)
			return EINVAL;
		tb->t_stride = (uint16_t)fi_getle(part + off, 2);
		tb->t_nfields = (uint16_t)fi_getle(part + off + 2, 2);
		off += FI_TABLEHDR;
		if ((size_t)tb->t_nfields * FI_FIELD > len - off)
			return EINVAL;
		tb->t_fields = part + off;
		for (unsigned f = 0; f < tb->t_nfields; f++) {
			const uint8_t *fp = tb->t_fields + (size_t)f * FI_FIELD;
			unsigned foff = (unsigned)fi_getle(fp, 2), w = fp[2], type = fp[3];

			if (type < 1 || type > RUMP_FUZZMAP_F_MAX || w > 255 ||
			    (type != RUMP_FUZZMAP_F_NAME && w != 1 && w != 2 && w != 4 && w != 8) ||
			    (tb->t_stride > 0 && foff + w > tb->t_stride) ||
			    (type == RUMP_FUZZMAP_F_CRC32C && (w != 4 || tb->t_stride == 0)))
				return EINVAL;
		}
		off += (size_t)tb->t_nfields * FI_FIELD;
	}
	*offp = off;
	return 0;
}

/* Sorted, disjoint, inside the image, known kinds and tables; *sump: their bytes. */
static int
parse_ranges(struct fi_view *v, uint64_t *sump)
{
	struct fi_range r;
	uint64_t end = 0, sum = 0;

	for (uint32_t i = 0; i < v->v_nranges; i++) {
		fi_range_get(v, i, &r);
		if (r.r_len == 0 || r.r_off < end || r.r_off > v->v_imglen ||
		    r.r_len > v->v_imglen - r.r_off || r.r_kind < 1 ||
		    r.r_kind > RUMP_FUZZMAP_KIND_MAX ||
		    (r.r_table != RUMP_FUZZMAP_NOTABLE && r.r_table >= v->v_ntables))
			return EINVAL;
		end = r.r_off + r.r_len;
		sum += r.r_len;
	}
	*sump = sum;
	return 0;
}
