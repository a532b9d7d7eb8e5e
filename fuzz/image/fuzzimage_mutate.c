/* fuzzimage_mutate.c: the image-aware mutator: a metadata range, then a field at its width, a directory entry's name or length, sometimes havoc; or the program part through the caller's mutator. */
#include <string.h>

#include <rump/rump_fuzzmap.h>

#include "fuzzimage_impl.h"

/*
 * Derived fields: after a mutation each field a table marks
 * RUMP_FUZZMAP_F_CRC32C is recomputed over its record (fuzzimage_fix.c),
 * unless the input says FUZZIMAGE_NOFIX; a wrong hash is then left for
 * the file system to find.  ffs marks FreeBSD's superblock and cylinder
 * group check hashes when fs_metackhash asks for them.  ext2 revision
 * 0/1 without metadata_csum or gdt_csum has no checksums to fix (a seed
 * made by mke2fs -t ext2 has neither).
 */

#define DIR_MAXRECS	256	/* directory entries looked at in one block */
#define DIR_HDR		8	/* the bytes before a name in both formats */

struct mut {
	struct fi_rng	m_g;
	struct fi_view	m_v;
	uint8_t		*m_p;		/* the range's bytes */
	struct fi_range	m_r;
};

static void	mutate_range(struct mut *m);

static uint64_t
get_int(const uint8_t *p, unsigned w, bool be)
{
	uint64_t v = 0;

	if (!be)
		return fi_getle(p, w);
	for (unsigned i = 0; i < w; i++)
		v = v << 8 | p[i];
	return v;
}

static void
put_int(uint8_t *p, unsigned w, bool be, uint64_t v)
{
	if (!be) {
		fi_putle(p, w, v);
		return;
	}
	for (unsigned i = w; i > 0; i--, v >>= 8)
		p[i - 1] = (uint8_t)v;
}

/* A few bytes or bits anywhere in the range: bitmaps, symlink text, what has no table. */
static void
mutate_bytes(struct mut *m)
{
	unsigned n = 1 + (unsigned)fi_below(&m->m_g, 4);

	for (unsigned i = 0; i < n; i++) {
		uint64_t at = fi_below(&m->m_g, m->m_r.r_len);

		if (m->m_r.r_kind == RUMP_FUZZMAP_BITMAP || fi_below(&m->m_g, 2))
			m->m_p[at] ^= (uint8_t)(1u << fi_below(&m->m_g, 8));
		else
			m->m_p[at] = (uint8_t)fi_rand(&m->m_g);
	}
}

/* Whole-range havoc: several random writes, fills and copies. */
static void
mutate_havoc(struct mut *m)
{
	unsigned n = 1 + (unsigned)fi_below(&m->m_g, 8);
	uint32_t len = m->m_r.r_len;

	for (unsigned i = 0; i < n; i++) {
		uint64_t at = fi_below(&m->m_g, len), span = 1 + fi_below(&m->m_g, 64), from;

		span = span > len - at ? len - at : span;
		switch (fi_below(&m->m_g, 3)) {
		case 0:
			m->m_p[at] = (uint8_t)fi_rand(&m->m_g);
			break;
		case 1:
			memset(m->m_p + at, fi_below(&m->m_g, 2) ? 0xff : 0, span);
			break;
		default:
			from = fi_below(&m->m_g, len - span + 1);
			memmove(m->m_p + at, m->m_p + from, span);
			break;
		}
	}
}

/* One byte of a name: a slash, a NUL, a dot, a high byte, or a flipped bit. */
static void
mutate_name(struct mut *m, uint8_t *name, uint64_t len)
{
	static const uint8_t picks[] = { '/', 0, '.', 0xff, 0x80, ' ' };
	uint64_t at;

	if (len == 0)
		return;
	at = fi_below(&m->m_g, len);
	if (fi_below(&m->m_g, 2))
		name[at] = picks[fi_below(&m->m_g, sizeof(picks))];
	else
		name[at] ^= (uint8_t)(1u << fi_below(&m->m_g, 8));
}

/* The field f of the record at rec (reclen bytes of it in the range). */
static void
mutate_field(struct mut *m, const struct fi_table *tb, unsigned f, uint64_t rec, uint64_t reclen)
{
	const uint8_t *fp = tb->t_fields + (size_t)f * FI_FIELD;
	uint64_t off = fi_getle(fp, 2);
	unsigned w = fp[2], type = fp[3];
	bool be = (m->m_r.r_flags & RUMP_FUZZMAP_BE) != 0;
	uint8_t *p = m->m_p + rec + off;

	if (off >= reclen)
		return;
	if (type == RUMP_FUZZMAP_F_NAME) {
		mutate_name(m, p, w == 0 || w > reclen - off ? reclen - off : w);
		return;
	}
	if (w > reclen - off)
		return;
	put_int(p, w, be, fi_value(&m->m_g, &m->m_v, type, w, get_int(p, w, be)));
}

/* An array of fixed records: one record, one of its fields. */
static void
mutate_array(struct mut *m, const struct fi_table *tb)
{
	uint64_t stride = tb->t_stride == RUMP_FUZZMAP_ONERECORD || tb->t_stride > m->m_r.r_len ?
	    m->m_r.r_len : tb->t_stride;
	uint64_t rec = fi_below(&m->m_g, m->m_r.r_len / stride) * stride;

	mutate_field(m, tb, (unsigned)fi_below(&m->m_g, tb->t_nfields), rec, stride);
}

/* The field of type in tb, or -1. */
static int
field_of(const struct fi_table *tb, unsigned type)
{
	for (unsigned f = 0; f < tb->t_nfields; f++) {
		if (tb->t_fields[(size_t)f * FI_FIELD + 3] == type)
			return (int)f;
	}
	return -1;
}

/* A chain of directory entries: find the entries by their lengths, change one. */
static void
mutate_chain(struct mut *m, const struct fi_table *tb)
{
	uint64_t pos[DIR_MAXRECS], len[DIR_MAXRECS], at = 0, rl;
	int rf = field_of(tb, RUMP_FUZZMAP_F_RECLEN);
	unsigned n = 0, k, w;
	uint64_t rfoff;

	if (rf < 0 || tb->t_nfields == 0) {
		mutate_bytes(m);
		return;
	}
	rfoff = fi_getle(tb->t_fields + (size_t)rf * FI_FIELD, 2);
	w = tb->t_fields[(size_t)rf * FI_FIELD + 2];
	while (n < DIR_MAXRECS && at + DIR_HDR <= m->m_r.r_len && at + rfoff + w <= m->m_r.r_len) {
		rl = get_int(m->m_p + at + rfoff, w, (m->m_r.r_flags & RUMP_FUZZMAP_BE) != 0);
		pos[n] = at;
		len[n++] = rl < DIR_HDR || rl > m->m_r.r_len - at ? m->m_r.r_len - at : rl;
		if (rl < DIR_HDR || rl > m->m_r.r_len - at)
			break;
		at += rl;
	}
	if (n == 0) {
		mutate_bytes(m);
		return;
	}
	k = (unsigned)fi_below(&m->m_g, n);
	mutate_field(m, tb, (unsigned)fi_below(&m->m_g, tb->t_nfields), pos[k], len[k]);
}

static void
mutate_range(struct mut *m)
{
	const struct fi_table *tb;

	if (fi_below(&m->m_g, 16) == 0) {
		mutate_havoc(m);
		return;
	}
	if (m->m_r.r_table == RUMP_FUZZMAP_NOTABLE) {
		mutate_bytes(m);
		return;
	}
	tb = &m->m_v.v_tables[m->m_r.r_table];
	if (tb->t_nfields == 0)
		mutate_bytes(m);
	else if (tb->t_stride == 0)
		mutate_chain(m, tb);
	else
		mutate_array(m, tb);
}

/*
 * A kind first, then a range of it: the few superblock and descriptor
 * ranges get as many turns as the many inodes and directory blocks.
 */
static void
pick_range(struct mut *m, uint8_t *part)
{
	uint32_t count[RUMP_FUZZMAP_KIND_MAX + 1] = { 0 }, j;
	unsigned kinds = 0, kind, k;
	uint64_t data = m->m_v.v_dataoff;

	for (uint32_t i = 0; i < m->m_v.v_nranges; i++) {
		fi_range_get(&m->m_v, i, &m->m_r);
		if (count[m->m_r.r_kind]++ == 0)
			kinds++;
	}
	k = (unsigned)fi_below(&m->m_g, kinds);
	for (kind = 1; kind <= RUMP_FUZZMAP_KIND_MAX; kind++) {
		if (count[kind] > 0 && k-- == 0)
			break;
	}
	j = (uint32_t)fi_below(&m->m_g, count[kind]);
	for (uint32_t i = 0; i < m->m_v.v_nranges; i++) {
		fi_range_get(&m->m_v, i, &m->m_r);
		if (m->m_r.r_kind == kind && j-- == 0)
			break;
		data += m->m_r.r_len;
	}
	m->m_p = part + data;
}

/* The program part through the caller's mutator; an empty one gets a first byte to grow from. */
static size_t
mutate_program(uint8_t *data, size_t size, size_t maxsize, size_t off, struct fi_rng *g,
    size_t (*generic)(uint8_t *, size_t, size_t))
{
	size_t plen = size - off;

	if (generic == NULL || maxsize <= off)
		return size;
	if (plen == 0) {
		data[off] = (uint8_t)fi_rand(g);
		plen = 1;
	}
	return off + generic(data + off, plen, maxsize - off);
}

size_t
fuzzimage_mutate(uint8_t *data, size_t size, size_t maxsize, unsigned seed,
    size_t (*generic)(uint8_t *d, size_t size, size_t maxsize))
{
	struct mut m = { .m_g = { 0x6a09e667f3bcc908ull ^ ((uint64_t)seed << 1 | 1) } };
	const uint8_t *part, *prog;
	size_t plen, proglen;
	unsigned flags, n;

	if (fuzzimage_split(data, size, &flags, &part, &plen, &prog, &proglen) != 0)
		return generic != NULL ? generic(data, size, maxsize) : size;
	if (fi_parse(part, plen, &m.m_v) != 0 || m.m_v.v_nranges == 0 ||
	    (generic != NULL && fi_below(&m.m_g, 5) == 0))
		return mutate_program(data, size, maxsize, FUZZIMAGE_RFZ1_HDR + plen, &m.m_g, generic);
	n = fi_below(&m.m_g, 4) == 0 ? 2 + (unsigned)fi_below(&m.m_g, 3) : 1;
	for (unsigned i = 0; i < n; i++) {
		pick_range(&m, data + FUZZIMAGE_RFZ1_HDR);
		mutate_range(&m);
		if ((flags & FUZZIMAGE_NOFIX) == 0)
			fi_fix_range(&m.m_v, &m.m_r, m.m_p);
	}
	return size;
}
