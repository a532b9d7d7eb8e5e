/*
 * test_fuzzimage_pack.c: image parts round-trip byte for byte; the
 * mutator changes only metadata ranges (or the program part, through the
 * caller's mutator) and keeps the input expandable; corrupt or truncated
 * image parts are refused with EINVAL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_fuzzmap.h>

#include "fuzzimage.h"
#include "fuzzimage_impl.h"
#include "t.h"
#include "fi_t.h"

static uint8_t *
pack(const char *name, const char *fstype, uint8_t **imgp, size_t *lenp, size_t *plenp)
{
	uint8_t *part;

	fi_t_boot();
	*imgp = fi_t_load(name, lenp);
	CHECK_ERR(fuzzimage_pack(fstype, *imgp, *lenp, &part, plenp), 0);
	return part;
}

static void
roundtrip(const char *name, const char *fstype)
{
	uint8_t *img, *part, *back;
	size_t len, plen, blen;

	part = pack(name, fstype, &img, &len, &plen);
	CHECK_ERR(fuzzimage_expand(part, plen, &back, &blen), 0);
	CHECK_EQ(blen, len);
	CHECK(memcmp(back, img, len) == 0);
	printf("%s: %zu-byte image packed into %zu bytes\n", name, len, plen);
	/* Into a buffer: too small says how much is needed and writes nothing. */
	memset(back, 0xa5, len);
	CHECK_ERR(fuzzimage_expand_into(part, plen, back, len - 1, &blen), ENOSPC);
	CHECK_EQ(blen, len);
	CHECK_EQ(back[0], 0xa5);
	CHECK_ERR(fuzzimage_expand_into(part, plen, back, len, &blen), 0);
	CHECK(blen == len && memcmp(back, img, len) == 0);
	free(back);
	free(part);
	/* Detected without a type name, the same. */
	CHECK_ERR(fuzzimage_pack(NULL, img, len, &part, &plen), 0);
	CHECK_ERR(fuzzimage_expand(part, plen, &back, &blen), 0);
	CHECK(blen == len && memcmp(back, img, len) == 0);
	free(back);
	free(part);
	free(img);
}

T_CASE(roundtrip_ext2) { roundtrip("ext2.img", "ext2fs"); }
T_CASE(roundtrip_ext2r0) { roundtrip("ext2r0.img", "ext2fs"); }
T_CASE(roundtrip_ext2_4k) { roundtrip("ext2_4k.img", "ext2fs"); }
T_CASE(roundtrip_ufs1) { roundtrip("ufs1.img", "ffs"); }
T_CASE(roundtrip_ufs1be) { roundtrip("ufs1be.img", "ffs"); }
T_CASE(roundtrip_ufs2) { roundtrip("ufs2.img", "ffs"); }
T_CASE(roundtrip_ufs2be) { roundtrip("ufs2be.img", "ffs"); }
T_CASE(roundtrip_ext2g4) { roundtrip("ext2g4.img", "ext2fs"); }
T_CASE(roundtrip_ufs1mc) { roundtrip("ufs1mc.img", "ffs"); }
T_CASE(roundtrip_ufs2mc) { roundtrip("ufs2mc.img", "ffs"); }

/* A whole RFZ1 input: header, image part, a program of proglen bytes. */
static uint8_t *
make_input(const uint8_t *part, size_t plen, size_t proglen, size_t room, size_t *sizep)
{
	uint8_t *in = malloc(FUZZIMAGE_RFZ1_HDR + plen + proglen + room);

	CHECK(in != NULL);
	memset(in, 0, FUZZIMAGE_RFZ1_HDR);
	memcpy(in, "RFZ1", 4);
	for (int i = 0; i < 4; i++)
		in[8 + i] = (uint8_t)(plen >> (8 * i));
	memcpy(in + FUZZIMAGE_RFZ1_HDR, part, plen);
	for (size_t i = 0; i < proglen; i++)
		in[FUZZIMAGE_RFZ1_HDR + plen + i] = (uint8_t)(0x40 + i);
	*sizep = FUZZIMAGE_RFZ1_HDR + plen + proglen;
	return in;
}

static unsigned generic_calls;

/* A stand-in for LLVMFuzzerMutate: flips a byte and grows by one while there is room. */
static size_t
generic(uint8_t *d, size_t size, size_t maxsize)
{
	generic_calls++;
	d[size / 2] ^= 0x5a;
	if (size < maxsize)
		d[size++] = 0x33;
	return size;
}

/* The stretches of the image outside every metadata range: [gaps[2i], gaps[2i+1]). */
struct gaps {
	size_t	*g_at;
	size_t	g_n;
};

static struct gaps
metadata_gaps(const char *fstype, const uint8_t *img, size_t len)
{
	struct rump_fuzzmap *map;
	uint8_t *mask = calloc(1, len + 1);
	struct gaps g = { malloc((len + 2) * sizeof(size_t)), 0 };

	CHECK(mask != NULL && g.g_at != NULL);
	CHECK_ERR(rump_pub_fs_metamap(fstype, img, len, &map), 0);
	for (size_t i = 0; i < map->fm_nranges; i++)
		memset(mask + map->fm_ranges[i].fr_off, 1, map->fm_ranges[i].fr_len);
	rump_pub_fs_metamap_free(map);
	mask[len] = 1;
	for (size_t i = 0; i < len; i++) {
		if (mask[i] == 0 && (i == 0 || mask[i - 1] != 0))
			g.g_at[g.g_n++] = i;
		if (mask[i] == 0 && mask[i + 1] != 0)
			g.g_at[g.g_n++] = i + 1;
	}
	free(mask);
	return g;
}

/* Is every byte where a and b differ inside one of the map's ranges? */
static void
check_only_metadata(const uint8_t *a, const uint8_t *b, const struct gaps *g)
{
	for (size_t i = 0; i < g->g_n; i += 2) {
		if (memcmp(a + g->g_at[i], b + g->g_at[i], g->g_at[i + 1] - g->g_at[i]) != 0)
			t_fail(__FILE__, __LINE__, "bytes in [%zu, %zu) changed outside the metadata",
			    g->g_at[i], g->g_at[i + 1]);
	}
}

static void
mutate_many(const char *name, const char *fstype)
{
	const size_t room = 64, proglen = 16, nseeds = 1500;
	size_t len, plen, size, nsize, blen, changed = 0, progonly = 0;
	uint8_t *img, *part, *orig, *in, *back;
	struct gaps gaps;

	part = pack(name, fstype, &img, &len, &plen);
	gaps = metadata_gaps(fstype, img, len);
	orig = make_input(part, plen, proglen, 0, &size);
	in = malloc(size + room);
	back = malloc(len);
	CHECK(in != NULL && back != NULL);
	for (unsigned seed = 0; seed < nseeds; seed++) {
		memcpy(in, orig, size);
		generic_calls = 0;
		nsize = fuzzimage_mutate(in, size, size + room, seed, generic);
		CHECK(nsize >= FUZZIMAGE_RFZ1_HDR + plen && nsize <= size + room);
		CHECK(memcmp(in, orig, FUZZIMAGE_RFZ1_HDR) == 0);
		CHECK_ERR(fuzzimage_expand_into(in + FUZZIMAGE_RFZ1_HDR, plen, back, len, &blen), 0);
		CHECK_EQ(blen, len);
		check_only_metadata(img, back, &gaps);
		if (generic_calls > 0) {
			/* The program was the caller's to change; the image is untouched. */
			CHECK(memcmp(back, img, len) == 0);
			progonly++;
		} else {
			CHECK_EQ(nsize, size);
			CHECK(memcmp(in + FUZZIMAGE_RFZ1_HDR + plen, orig + FUZZIMAGE_RFZ1_HDR + plen,
			    proglen) == 0);
		}
		changed += memcmp(in, orig, size) != 0 || nsize != size;
	}
	free(back);
	printf("%s: %zu of %zu mutations changed the input, %zu through the program\n",
	    name, changed, nseeds, progonly);
	CHECK(changed > nseeds * 9 / 10);
	CHECK(progonly > nseeds / 10 && progonly < nseeds / 2);
	/* The same seed, the same mutation. */
	memcpy(in, orig, size);
	nsize = fuzzimage_mutate(in, size, size + room, 7, generic);
	{
		uint8_t *again = malloc(size + room);

		CHECK(again != NULL);
		memcpy(again, orig, size);
		CHECK_EQ(fuzzimage_mutate(again, size, size + room, 7, generic), nsize);
		CHECK(memcmp(again, in, nsize) == 0);
		free(again);
	}
	free(in);
	free(orig);
	free(gaps.g_at);
	free(part);
	free(img);
}

T_CASE(mutate_ext2) { mutate_many("ext2.img", "ext2fs"); }
T_CASE(mutate_ext2_4k) { mutate_many("ext2_4k.img", "ext2fs"); }
T_CASE(mutate_ufs1be) { mutate_many("ufs1be.img", "ffs"); }
T_CASE(mutate_ufs2) { mutate_many("ufs2.img", "ffs"); }

/* Stacked mutations stay expandable, and the image still maps without a crash. */
T_CASE(mutate_stacked)
{
	size_t len, plen, size, blen;
	uint8_t *img, *part, *in, *back;
	struct rump_fuzzmap *map;

	for (size_t s = 0; s < fi_t_nseeds; s++) {
		part = pack(fi_t_seeds[s].s_name, fi_t_seeds[s].s_fstype, &img, &len, &plen);
		in = make_input(part, plen, 0, 0, &size);
		CHECK((back = malloc(len)) != NULL);
		for (unsigned seed = 0; seed < 300; seed++) {
			CHECK_EQ(fuzzimage_mutate(in, size, size, seed, NULL), size);
			CHECK_ERR(fuzzimage_expand_into(in + FUZZIMAGE_RFZ1_HDR, plen, back, len, &blen), 0);
			if (rump_pub_fs_metamap(fi_t_seeds[s].s_fstype, back, blen, &map) == 0)
				rump_pub_fs_metamap_free(map);
		}
		free(back);
		free(in);
		free(part);
		free(img);
	}
}

/* Not RFZ1: the whole input is the caller's; without a caller's mutator nothing changes. */
T_CASE(mutate_raw)
{
	uint8_t raw[64] = "not an rfz1 input", copy[64];

	memcpy(copy, raw, sizeof(raw));
	CHECK_EQ(fuzzimage_mutate(raw, 32, 64, 1, NULL), 32);
	CHECK(memcmp(raw, copy, sizeof(raw)) == 0);
	generic_calls = 0;
	CHECK_EQ(fuzzimage_mutate(raw, 32, 64, 1, generic), 33);
	CHECK_EQ(generic_calls, 1);
}

static void
expect_einval(const uint8_t *part, size_t len)
{
	uint8_t *img, *copy = malloc(len + 1);
	size_t ilen;

	CHECK(copy != NULL);
	memcpy(copy, part, len);
	CHECK_ERR(fuzzimage_expand(copy, len, &img, &ilen), EINVAL);
	free(copy);
}

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Every truncation, every header field pushed out of range, garbage: EINVAL, never a crash. */
T_CASE(expand_corrupt)
{
	size_t len, plen, ilen;
	uint8_t *img, *part, *c, *out;
	uint64_t g = 7;

	part = pack("ufs2be.img", "ffs", &img, &len, &plen);
	for (size_t cut = 0; cut < plen; cut += cut < 8192 ? 1 : 997)
		expect_einval(part, cut);
	CHECK((c = malloc(plen + 8)) != NULL);
	memcpy(c, part, plen);
	c[plen] = 0;
	expect_einval(c, plen + 1);				/* a trailing byte */
	memcpy(c, part, plen), c[0] = 'X', expect_einval(c, plen);	/* magic */
	memcpy(c, part, plen), c[4] = 2, expect_einval(c, plen);	/* version */
	memcpy(c, part, plen), put32(c + 8, (uint32_t)fi_t_nseeds + 100000), expect_einval(c, plen);
	memcpy(c, part, plen), put32(c + 20, 1), expect_einval(c, plen);	/* image 4 GiB larger */
	memcpy(c, part, plen), put32(c + 16, 4096), expect_einval(c, plen);	/* image too small */
	memcpy(c, part, plen), put32(c + 44, (uint32_t)(c[44] | c[45] << 8 | c[46] << 16) + 1),
	    expect_einval(c, plen);					/* zlen */
	memcpy(c, part, plen), c[6] = 65, expect_einval(c, plen);	/* ntables */
	free(c);
	/* Random byte flips: either well formed or refused, never a crash. */
	for (int round = 0; round < 3000; round++) {
		int error;

		CHECK((c = malloc(plen)) != NULL);
		memcpy(c, part, plen);
		for (int k = 0; k < 1 + round % 4; k++) {
			g = g * 6364136223846793005ull + 1442695040888963407ull;
			c[(g >> 33) % (round % 2 ? plen : 4096)] ^= (uint8_t)(1 + (g >> 20) % 255);
		}
		error = fuzzimage_expand(c, plen, &out, &ilen);
		CHECK(error == 0 || error == EINVAL);
		if (error == 0)
			free(out);
		free(c);
	}
	/* Garbage of every small length. */
	for (size_t n = 0; n < 300; n++) {
		CHECK((c = malloc(n + 1)) != NULL);
		for (size_t i = 0; i < n; i++)
			c[i] = (uint8_t)(i * 37 + n);
		expect_einval(c, n);
		free(c);
	}
	free(part);
	free(img);
}

/* Packing what is not a file system, or by a type that is not there. */
T_CASE(pack_errors)
{
	uint8_t *zeros = calloc(1, 1 << 20), *part;
	size_t plen;

	fi_t_boot();
	CHECK(zeros != NULL);
	CHECK_ERR(fuzzimage_pack(NULL, zeros, 1 << 20, &part, &plen), EINVAL);
	CHECK_ERR(fuzzimage_pack("ext2fs", zeros, 1 << 20, &part, &plen), EINVAL);
	CHECK_ERR(fuzzimage_pack("ffs", zeros, 1 << 20, &part, &plen), EINVAL);
	CHECK_ERR(fuzzimage_pack("nosuch", zeros, 1 << 20, &part, &plen), ENODEV);
	CHECK_ERR(fuzzimage_pack("rumpfs", zeros, 1 << 20, &part, &plen), EOPNOTSUPP);
	free(zeros);
}

/* fuzzimage_split: a short header or an image_len past the end is not an input. */
T_CASE(split)
{
	uint8_t in[32] = "RFZ1\x01\0\0\0\x10\0\0\0";
	const uint8_t *part, *prog;
	size_t plen, proglen;
	unsigned flags;

	CHECK_ERR(fuzzimage_split(in, 32, &flags, &part, &plen, &prog, &proglen), 0);
	CHECK(flags == 1 && plen == 16 && proglen == 4 && part == in + 12 && prog == in + 28);
	CHECK_ERR(fuzzimage_split(in, 27, &flags, &part, &plen, &prog, &proglen), EINVAL);
	CHECK_ERR(fuzzimage_split(in, 11, &flags, &part, &plen, &prog, &proglen), EINVAL);
	in[0] = 'r';
	CHECK_ERR(fuzzimage_split(in, 32, &flags, &part, &plen, &prog, &proglen), EINVAL);
}

/* CRC-32C bit by bit, register seeded by the caller and not inverted (the FreeBSD check-hash form). */
static uint32_t
crc32c_bits(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len-- > 0) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & -(crc & 1));
	}
	return crc;
}

static uint32_t
get32x(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3] :
	    (uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];
}

static void
put32x(uint8_t *p, bool be, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

/* The UFS2 geometry the check hashes need, read at the format's fixed offsets. */
struct ckgeo {
	size_t	sbloc, sbsize, cgsize, fsize, fpg, cblkno, ncg;
};

static struct ckgeo
ckgeo(const uint8_t *img, bool be)
{
	struct ckgeo g = { .sbloc = get32x(img + 8192 + 1372, be) == 0x19540119u ? 8192 : 65536 };

	CHECK_EQ(get32x(img + g.sbloc + 1372, be), 0x19540119u);
	g.cblkno = get32x(img + g.sbloc + 12, be);
	g.ncg = get32x(img + g.sbloc + 44, be);
	g.sbsize = get32x(img + g.sbloc + 104, be);
	g.fsize = get32x(img + g.sbloc + 52, be);
	g.cgsize = get32x(img + g.sbloc + 160, be);
	g.fpg = get32x(img + g.sbloc + 188, be);
	return g;
}

/* The hash at field off of the record rec (len bytes), over the record with it zeroed. */
static uint32_t
hash_of(const uint8_t *rec, size_t len, size_t off, bool be)
{
	uint8_t *c = malloc(len);
	uint32_t h;

	CHECK(c != NULL);
	memcpy(c, rec, len);
	put32x(c + off, be, 0);
	h = crc32c_bits(~0u, c, len);
	free(c);
	return h;
}

/* Which hashes hold: bit 0 the superblock's, bit 1 every cg's. */
static unsigned
hashes_ok(const uint8_t *img, bool be, const struct ckgeo *g)
{
	unsigned ok = 0;

	if (get32x(img + g->sbloc + 1304, be) == hash_of(img + g->sbloc, g->sbsize, 1304, be))
		ok |= 1;
	ok |= 2;
	for (size_t c = 0; c < g->ncg; c++) {
		const uint8_t *cg = img + (c * g->fpg + g->cblkno) * g->fsize;

		if (get32x(cg + 132, be) != hash_of(cg, g->cgsize, 132, be))
			ok &= ~2u;
	}
	return ok;
}

/* Turn on FreeBSD's superblock and cg check hashes in a UFS2 image, with correct hashes. */
static void
add_ckhashes(uint8_t *img, bool be, const struct ckgeo *g)
{
	put32x(img + g->sbloc + 1312, be, get32x(img + g->sbloc + 1312, be) | 0x200);
	put32x(img + g->sbloc + 1308, be, 0x3);
	for (size_t c = 0; c < g->ncg; c++) {
		uint8_t *cg = img + (c * g->fpg + g->cblkno) * g->fsize;

		put32x(cg + 132, be, hash_of(cg, g->cgsize, 132, be));
	}
	put32x(img + g->sbloc + 1304, be, hash_of(img + g->sbloc, g->sbsize, 1304, be));
}

static void
ckhash_fixed(const char *name, bool be)
{
	size_t len, plen, size, blen, nfixed = 0, nbroken = 0;
	uint8_t *img, *part, *orig, *in, *back;
	struct ckgeo g;

	/* The known answer: CRC-32C("123456789") is 0xe3069283 once inverted. */
	CHECK_EQ(~crc32c_bits(~0u, (const uint8_t *)"123456789", 9), 0xe3069283u);
	fi_t_boot();
	img = fi_t_load(name, &len);
	g = ckgeo(img, be);
	CHECK(g.ncg >= 1 && g.cgsize > 0 && g.sbsize >= 1376);
	CHECK_EQ(hashes_ok(img, be, &g) & 2, 0);
	add_ckhashes(img, be, &g);
	CHECK_EQ(hashes_ok(img, be, &g), 3);
	CHECK_ERR(fuzzimage_pack("ffs", img, len, &part, &plen), 0);
	orig = make_input(part, plen, 0, 0, &size);
	CHECK((in = malloc(size)) != NULL && (back = malloc(len)) != NULL);
	for (unsigned seed = 0; seed < 600; seed++) {
		bool nofix = seed % 2 == 1;

		memcpy(in, orig, size);
		in[4] = nofix ? FUZZIMAGE_NOFIX : 0;
		fuzzimage_mutate(in, size, size, seed, NULL);
		CHECK_ERR(fuzzimage_expand_into(in + FUZZIMAGE_RFZ1_HDR, plen, back, len, &blen), 0);
		bool touched = memcmp(back + g.sbloc, img + g.sbloc, g.sbsize) != 0;

		for (size_t c = 0; c < g.ncg; c++) {
			size_t at = (c * g.fpg + g.cblkno) * g.fsize;

			touched |= memcmp(back + at, img + at, g.cgsize) != 0;
		}
		if (!nofix)
			CHECK_EQ(hashes_ok(back, be, &g), 3);
		else if (touched && hashes_ok(back, be, &g) != 3)
			nbroken++;
		nfixed += !nofix && touched;
	}
	printf("%s: %zu mutations of a hashed superblock or cg fixed, %zu left broken under NOFIX\n",
	    name, nfixed, nbroken);
	CHECK(nfixed > 50 && nbroken > 50);
	free(back);
	free(in);
	free(orig);
	free(part);
	free(img);
}

T_CASE(ckhash_ufs2) { ckhash_fixed("ufs2.img", false); }
T_CASE(ckhash_ufs2be) { ckhash_fixed("ufs2be.img", true); }

/* The seed compression on its worst inputs: never past its bound, always back to the input, truncations refused. */
T_CASE(z_roundtrip)
{
	const size_t len = 1 << 18;
	uint8_t *in = malloc(len), *z = malloc(fi_z_bound(len)), *out = malloc(len);
	uint64_t g = 3;

	CHECK(in != NULL && z != NULL && out != NULL);
	for (int kind = 0; kind < 6; kind++) {
		for (size_t i = 0; i < len; i++) {
			g = g * 6364136223846793005ull + 1442695040888963407ull;
			switch (kind) {
			case 0: in[i] = (uint8_t)(g >> 33); break;			/* random */
			case 1: in[i] = 0; break;					/* zeros */
			case 2: in[i] = i % 31 < 15 ? 0 : (uint8_t)(g >> 33 | 1); break;	/* zero runs just too short */
			case 3: in[i] = "abcdefghi"[i % 9]; break;			/* a short repeat */
			case 4: in[i] = i % 26 < 10 ? "0123456789"[i % 10] : (uint8_t)(g >> 33); break;
			default: in[i] = i % 4096 < 2048 ? 0 : (uint8_t)(i / 4096); break;
			}
		}
		size_t zlen = fi_z_encode(in, len, z);

		CHECK(zlen > 0 && zlen <= fi_z_bound(len));
		CHECK_ERR(fi_z_decode(z, zlen, NULL, len), 0);
		memset(out, 0xa5, len);
		CHECK_ERR(fi_z_decode(z, zlen, out, len), 0);
		CHECK(memcmp(in, out, len) == 0);
		CHECK_ERR(fi_z_decode(z, zlen, NULL, len - 1), EINVAL);
		CHECK_ERR(fi_z_decode(z, zlen, NULL, len + 1), EINVAL);
		for (size_t cut = 0; cut < zlen; cut += 1 + zlen / 512)
			CHECK_ERR(fi_z_decode(z, cut, NULL, len), EINVAL);
		printf("input kind %d: %zu bytes compressed to %zu\n", kind, len, zlen);
	}
	free(in);
	free(z);
	free(out);
}
