/* fuzzimage_pack.c: a seed image into an image part: the file system's metadata map, the seed with that metadata zeroed and compressed, the ranges' bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_fuzzmap.h>

#include "fuzzimage_impl.h"

static int	sort_ranges(const struct rump_fuzzmap *map, struct rump_fuzzmap_range **rp, size_t *np);
static size_t	put_tables(uint8_t *out, const struct rump_fuzzmap *map);
static size_t	tables_size(const struct rump_fuzzmap *map);

static int
range_cmp(const void *a, const void *b)
{
	const struct rump_fuzzmap_range *x = a, *y = b;

	if (x->fr_off != y->fr_off)
		return x->fr_off < y->fr_off ? -1 : 1;
	/* At one offset the longest first, so the others fall inside it. */
	return x->fr_len == y->fr_len ? 0 : x->fr_len > y->fr_len ? -1 : 1;
}

/*
 * The map's ranges sorted and made disjoint: a range inside an earlier
 * one goes, one overlapping its end keeps only what follows (and loses
 * its field table, whose records no longer start where it does).
 */
static int
sort_ranges(const struct rump_fuzzmap *map, struct rump_fuzzmap_range **rp, size_t *np)
{
	struct rump_fuzzmap_range *r;
	uint64_t end = 0;
	size_t n = 0;

	if ((r = malloc((map->fm_nranges + 1) * sizeof(*r))) == NULL)
		return ENOMEM;
	if (map->fm_nranges > 0)
		memcpy(r, map->fm_ranges, map->fm_nranges * sizeof(*r));
	qsort(r, map->fm_nranges, sizeof(*r), range_cmp);
	for (size_t i = 0; i < map->fm_nranges; i++) {
		struct rump_fuzzmap_range x = r[i];

		if (x.fr_off + x.fr_len <= end)
			continue;
		if (x.fr_off < end) {
			x.fr_len -= (uint32_t)(end - x.fr_off);
			x.fr_off = end;
			x.fr_table = RUMP_FUZZMAP_NOTABLE;
		}
		r[n++] = x;
		end = x.fr_off + x.fr_len;
	}
	*rp = r;
	*np = n;
	return 0;
}

static size_t
tables_size(const struct rump_fuzzmap *map)
{
	size_t n = 0;

	for (size_t t = 0; t < map->fm_ntables; t++)
		n += FI_TABLEHDR + (size_t)map->fm_tables[t].ft_nfields * FI_FIELD;
	return n;
}

static size_t
put_tables(uint8_t *out, const struct rump_fuzzmap *map)
{
	size_t o = 0;

	for (size_t t = 0; t < map->fm_ntables; t++) {
		const struct rump_fuzzmap_table *tb = &map->fm_tables[t];

		fi_putle(out + o, 2, tb->ft_stride);
		fi_putle(out + o + 2, 2, tb->ft_nfields);
		o += FI_TABLEHDR;
		for (unsigned f = 0; f < tb->ft_nfields; f++, o += FI_FIELD) {
			fi_putle(out + o, 2, tb->ft_fields[f].ff_off);
			out[o + 2] = tb->ft_fields[f].ff_width;
			out[o + 3] = tb->ft_fields[f].ff_type;
		}
	}
	return o;
}

static void
put_header(uint8_t *out, const struct rump_fuzzmap *map, size_t nranges, size_t zlen)
{
	memset(out, 0, FI_HDR);
	memcpy(out, FI_MAGIC, 4);
	fi_putle(out + 4, 2, FI_VERSION);
	fi_putle(out + 6, 2, map->fm_ntables);
	fi_putle(out + 8, 4, nranges);
	fi_putle(out + 16, 8, map->fm_imglen);
	fi_putle(out + 24, 8, map->fm_nblocks);
	fi_putle(out + 32, 8, map->fm_ninodes);
	fi_putle(out + 40, 4, map->fm_bsize);
	fi_putle(out + 44, 4, zlen);
	strncpy((char *)out + 48, map->fm_fstype, FI_FSTYPE - 1);
}

/* Lay out the part: header, tables, ranges, compressed seed, range bytes. */
static int
build(const struct rump_fuzzmap *map, const struct rump_fuzzmap_range *r, size_t n,
    const uint8_t *img, size_t len, uint8_t **outp, size_t *outlenp)
{
	size_t sum = 0, tsz = tables_size(map), o, zlen;
	uint8_t *seed, *out;

	for (size_t i = 0; i < n; i++)
		sum += r[i].fr_len;
	seed = malloc(len > 0 ? len : 1);
	out = malloc(FI_HDR + tsz + n * FI_RANGE + fi_z_bound(len) + sum);
	if (seed == NULL || out == NULL) {
		free(seed);
		free(out);
		return ENOMEM;
	}
	memcpy(seed, img, len);
	o = FI_HDR + tsz + n * FI_RANGE;
	for (size_t i = 0; i < n; i++) {
		memset(seed + r[i].fr_off, 0, r[i].fr_len);
		fi_putle(out + FI_HDR + tsz + i * FI_RANGE, 8, r[i].fr_off);
		fi_putle(out + FI_HDR + tsz + i * FI_RANGE + 8, 4, r[i].fr_len);
		out[FI_HDR + tsz + i * FI_RANGE + 12] = r[i].fr_kind;
		out[FI_HDR + tsz + i * FI_RANGE + 13] = r[i].fr_flags;
		fi_putle(out + FI_HDR + tsz + i * FI_RANGE + 14, 2, r[i].fr_table);
	}
	zlen = fi_z_encode(seed, len, out + o);
	free(seed);
	if (zlen == 0 && len > 0) {
		free(out);
		return ENOMEM;
	}
	o += zlen;
	for (size_t i = 0; i < n; i++) {
		memcpy(out + o, img + r[i].fr_off, r[i].fr_len);
		o += r[i].fr_len;
	}
	put_header(out, map, n, zlen);
	put_tables(out + FI_HDR, map);
	*outp = out;
	*outlenp = o;
	return 0;
}

int
fuzzimage_pack(const char *fstype, const uint8_t *img, size_t len, uint8_t **outp, size_t *outlenp)
{
	struct rump_fuzzmap *map;
	struct rump_fuzzmap_range *r;
	size_t n;
	int error;

	if (len > FUZZIMAGE_MAXIMG)
		return EFBIG;
	/* EBUSY: the kernel runs already (a fuzzer's harness booted it). */
	if ((error = rump_init()) != 0 && error != EBUSY)
		return error;
	if ((error = rump_pub_fs_metamap(fstype, img, len, &map)) != 0)
		return error;
	if (map->fm_ntables > FI_MAXTABLES) {
		error = EINVAL;
		goto out_map;
	}
	if ((error = sort_ranges(map, &r, &n)) != 0)
		goto out_map;
	error = build(map, r, n, img, len, outp, outlenp);
	free(r);
out_map:
	rump_pub_fs_metamap_free(map);
	return error;
}
