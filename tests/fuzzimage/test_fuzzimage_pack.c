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
