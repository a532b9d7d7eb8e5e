/*
 * test_fuzzimage_map.c: each file system's metadata map (vfs_fuzzmap):
 * it covers what debugfs or an independent reading of the superblock says
 * is the superblock, the root inode and directory, indirect and symlink
 * blocks; and it stays bounded and in the image on truncated, garbage and
 * looping images.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_fuzzmap.h>

#include "kernel.h"
#include "genfs.h"
#include "mount.h"

#include "t.h"
#include "fi_t.h"

/* Every number debugfs prints for cmd on image (after the text "after", when given). */
static size_t
debugfs_numbers(const char *image, const char *cmd, const char *after, uint64_t *out, size_t max)
{
	char line[4096], pcmd[512];
	size_t n = 0;
	FILE *p;

	snprintf(pcmd, sizeof(pcmd), "debugfs -R '%s' '%s/%s' 2>/dev/null", cmd, fi_t_seeddir(), image);
	CHECK((p = popen(pcmd, "r")) != NULL);
	while (fgets(line, sizeof(line), p) != NULL) {
		char *s = line;

		while (after != NULL && (s = strstr(s, after)) != NULL && n < max) {
			s += strlen(after);
			out[n++] = strtoull(s, &s, 10);
		}
		for (s = line; after == NULL && *s != '\0' && n < max; ) {
			if (*s >= '0' && *s <= '9')
				out[n++] = strtoull(s, &s, 10);
			else
				s++;
		}
	}
	CHECK_EQ(pclose(p), 0);
	return n;
}

static struct rump_fuzzmap *
map_of(const char *name, const char *fstype, uint8_t **imgp, size_t *lenp)
{
	struct rump_fuzzmap *map;

	fi_t_boot();
	*imgp = fi_t_load(name, lenp);
	CHECK_ERR(rump_pub_fs_metamap(fstype, *imgp, *lenp, &map), 0);
	CHECK_EQ(map->fm_partial, 0);
	CHECK_STREQ(map->fm_fstype, fstype);
	return map;
}

static void
check_blocks(const struct rump_fuzzmap *map, const char *image, const char *cmd, const char *after,
    unsigned kind, size_t want_at_least)
{
	uint64_t blk[64];
	size_t n = debugfs_numbers(image, cmd, after, blk, 64);

	CHECK(n >= want_at_least);
	for (size_t i = 0; i < n; i++) {
		if (!fi_t_covered(map, blk[i] * map->fm_bsize, map->fm_bsize, kind))
			t_fail(__FILE__, __LINE__, "%s: %s: block %ju not mapped as kind %u",
			    image, cmd, (uintmax_t)blk[i], kind);
	}
}

static uint64_t
get(const uint8_t *p, unsigned w, bool be)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < w; i++)
		v = be ? v << 8 | p[i] : v | (uint64_t)p[i] << (8 * i);
	return v;
}

/* Byte offset of inode ino from debugfs: "located at block B, offset 0xO". */
static uint64_t
inode_offset(const char *image, uint64_t ino, uint64_t bsize)
{
	char pcmd[512], line[256], *s;
	uint64_t blk = 0, off = 0;
	FILE *p;

	snprintf(pcmd, sizeof(pcmd), "debugfs -R 'imap <%ju>' '%s/%s' 2>/dev/null", (uintmax_t)ino,
	    fi_t_seeddir(), image);
	CHECK((p = popen(pcmd, "r")) != NULL);
	while (fgets(line, sizeof(line), p) != NULL) {
		if ((s = strstr(line, "located at block ")) != NULL)
			blk = strtoull(s + 17, &s, 10);
		if (s != NULL && (s = strstr(s, "offset 0x")) != NULL)
			off = strtoull(s + 7, NULL, 16);
	}
	CHECK_EQ(pclose(p), 0);
	CHECK(blk != 0);
	return blk * bsize + off;
}

/* The inode number of path, from debugfs "stat": "Inode: N   Type: ...". */
static uint64_t
ext2_ino(const char *image, const char *path)
{
	char cmd[256];
	uint64_t ino[1];

	snprintf(cmd, sizeof(cmd), "stat %s", path);
	CHECK_EQ(debugfs_numbers(image, cmd, "Inode: ", ino, 1), 1);
	return ino[0];
}

/* ext2: superblock, root inode and directory, a multi-block directory, indirect and symlink blocks. */
static void
check_ext2(const char *image)
{
	struct rump_fuzzmap *map;
	uint64_t ioff, isize;
	uint8_t *img;
	size_t len;

	map = map_of(image, "ext2fs", &img, &len);
	CHECK(fi_t_covered(map, 1024, 1024, RUMP_FUZZMAP_SUPER));
	check_blocks(map, image, "blocks <2>", NULL, RUMP_FUZZMAP_DIR, 1);
	check_blocks(map, image, "blocks /many", NULL, RUMP_FUZZMAP_DIR, 2);
	check_blocks(map, image, "stat /usr/share/numbers", "(IND):", RUMP_FUZZMAP_INDIR, 1);
	check_blocks(map, image, "blocks /slowlink", NULL, RUMP_FUZZMAP_SYMLINK, 1);
	ioff = inode_offset(image, 2, map->fm_bsize);
	CHECK(fi_t_covered(map, ioff, 128, RUMP_FUZZMAP_INODE));
	CHECK_EQ(img[ioff + 1] & 0xf0, 0x40);
	/* The last inode is unused: its slot is not metadata worth mutating. */
	isize = get(img + 1024 + 76, 4, false) == 0 ? 128 : get(img + 1024 + 88, 2, false);
	ioff = inode_offset(image, map->fm_ninodes, map->fm_bsize);
	CHECK_EQ(get(img + ioff, 2, false), 0);
	CHECK(!fi_t_covered(map, ioff, isize, 0));
	rump_pub_fs_metamap_free(map);
	free(img);
}

T_CASE(ext2_covers) { check_ext2("ext2.img"); }
T_CASE(ext2r0_covers) { check_ext2("ext2r0.img"); }
T_CASE(ext2_4k_covers) { check_ext2("ext2_4k.img"); }

/* Four groups: every group's bitmaps and inode table are found through its descriptor. */
T_CASE(ext2g4_covers)
{
	struct rump_fuzzmap *map;
	uint64_t bmap[8], ioff, ino;
	uint8_t *img;
	size_t len, n;

	check_ext2("ext2g4.img");
	map = map_of("ext2g4.img", "ext2fs", &img, &len);
	/* "Group 3: ... Block bitmap at B ..., Inode bitmap at I ..." */
	n = debugfs_numbers("ext2g4.img", "stats", "bitmap at ", bmap, 8);
	CHECK_EQ(n, 8);
	for (size_t i = 0; i < n; i++)
		CHECK(fi_t_covered(map, bmap[i] * 1024, 1024, RUMP_FUZZMAP_BITMAP));
	/* 64 inodes a group: a late file's inode is in a later group's table. */
	ino = 0;
	for (int i = 120; i > 0 && ino <= 64; i--) {
		char path[64];

		snprintf(path, sizeof(path), "/many/file-with-a-longish-name-%d", i);
		ino = ext2_ino("ext2g4.img", path);
	}
	CHECK(ino > 64);
	ioff = inode_offset("ext2g4.img", ino, 1024);
	CHECK(fi_t_covered(map, ioff, 128, RUMP_FUZZMAP_INODE));
	rump_pub_fs_metamap_free(map);
	free(img);
}

/*
 * FFS, read here from the format's fixed offsets rather than through
 * the driver: the root inode is inode 2 of group 0, whose inode blocks
 * start at fs_iblkno; its first direct block is the root directory.
 */
static void
check_ffs(const char *image, bool ufs2, bool be)
{
	uint64_t sbloc = 8192, fsize, iblkno, ioff, db0, ibsz = ufs2 ? 256 : 128;
	struct rump_fuzzmap *map;
	uint8_t *img;
	size_t len;

	map = map_of(image, "ffs", &img, &len);
	if (get(img + sbloc + 1372, 4, be) != (ufs2 ? 0x19540119u : 0x011954u))
		sbloc = 65536;
	CHECK_EQ(get(img + sbloc + 1372, 4, be), ufs2 ? 0x19540119u : 0x011954u);
	CHECK(fi_t_covered(map, sbloc, 1376, RUMP_FUZZMAP_SUPER));
	for (size_t i = 0; i < map->fm_nranges; i++) {
		if (map->fm_ranges[i].fr_table != RUMP_FUZZMAP_NOTABLE)
			CHECK_EQ((map->fm_ranges[i].fr_flags & RUMP_FUZZMAP_BE) != 0, be);
	}
	iblkno = get(img + sbloc + 16, 4, be);
	fsize = get(img + sbloc + 52, 4, be);
	ioff = iblkno * fsize + 2 * ibsz;
	CHECK(fi_t_covered(map, ioff, ibsz, RUMP_FUZZMAP_INODE));
	CHECK_EQ(get(img + ioff, 2, be) & 0170000, 0040000);
	db0 = ufs2 ? get(img + ioff + 112, 8, be) : get(img + ioff + 40, 4, be);
	CHECK(db0 != 0);
	CHECK(fi_t_covered(map, db0 * fsize, 512, RUMP_FUZZMAP_DIR));
	/* The root directory block starts with ".": inode 2. */
	CHECK_EQ(get(img + db0 * fsize, 4, be), 2);
	rump_pub_fs_metamap_free(map);
	free(img);
}

T_CASE(ufs1_covers) { check_ffs("ufs1.img", false, false); }
T_CASE(ufs1be_covers) { check_ffs("ufs1be.img", false, true); }
T_CASE(ufs2_covers) { check_ffs("ufs2.img", true, false); }
T_CASE(ufs2be_covers) { check_ffs("ufs2be.img", true, true); }
T_CASE(ufs1mc_covers) { check_ffs("ufs1mc.img", false, false); }
T_CASE(ufs2mc_covers) { check_ffs("ufs2mc.img", true, true); }

/* A map of a hostile image: an error or ranges wholly inside it. */
static void
check_sane(const char *fstype, const uint8_t *img, size_t len)
{
	struct rump_fuzzmap *map;
	int error = rump_pub_fs_metamap(fstype, img, len, &map);

	if (error != 0) {
		CHECK_EQ(error, EINVAL);
		return;
	}
	for (size_t i = 0; i < map->fm_nranges; i++) {
		CHECK(map->fm_ranges[i].fr_len > 0);
		CHECK(map->fm_ranges[i].fr_off + map->fm_ranges[i].fr_len <= len);
		CHECK(map->fm_ranges[i].fr_kind >= 1 && map->fm_ranges[i].fr_kind <= RUMP_FUZZMAP_KIND_MAX);
	}
	CHECK(map->fm_nranges <= RUMP_FUZZMAP_MAXRANGES);
	rump_pub_fs_metamap_free(map);
}

/* Truncated copies (in their own allocations, so ASan sees any read past the end) and corrupted ones. */
T_CASE(hostile_images)
{
	uint64_t g = 12345;

	fi_t_boot();
	for (size_t s = 0; s < fi_t_nseeds; s++) {
		size_t len, cuts[] = { 0, 1, 1100, 2047, 2048, 4096, 9000, 70000, 0, 0, 0 };
		uint8_t *img = fi_t_load(fi_t_seeds[s].s_name, &len), *c;

		cuts[8] = len / 4, cuts[9] = len / 2, cuts[10] = len - 1;
		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			CHECK((c = malloc(cuts[i] + 1)) != NULL);
			memcpy(c, img, cuts[i]);
			check_sane(fi_t_seeds[s].s_fstype, c, cuts[i]);
			check_sane(NULL, c, cuts[i]);
			free(c);
		}
		/* Random bytes over the first 128 KiB, put back after each round. */
		for (int round = 0; round < 300; round++) {
			size_t at[32];
			uint8_t was[32];
			int k, n = 1 + round % 32;

			for (k = 0; k < n; k++) {
				g = g * 6364136223846793005ull + 1442695040888963407ull;
				at[k] = (g >> 33) % (len < 131072 ? len : 131072);
				was[k] = img[at[k]];
				img[at[k]] = (uint8_t)(g >> 20);
			}
			check_sane(fi_t_seeds[s].s_fstype, img, len);
			while (k-- > 0)
				img[at[k]] = was[k];
		}
		free(img);
	}
}

/* Pure garbage, and an ext2 directory whose indirect blocks all point at themselves. */
T_CASE(garbage_and_loops)
{
	struct rump_fuzzmap *map;
	uint8_t *img, *junk;
	size_t len, bs = 1024;
	uint64_t ioff, loop;
	uint64_t g = 99;

	fi_t_boot();
	CHECK((junk = malloc(1 << 20)) != NULL);
	for (size_t i = 0; i < (1 << 20); i++) {
		g = g * 6364136223846793005ull + 1442695040888963407ull;
		junk[i] = (uint8_t)(g >> 33);
	}
	CHECK_ERR(rump_pub_fs_metamap("ext2fs", junk, 1 << 20, &map), EINVAL);
	CHECK_ERR(rump_pub_fs_metamap("ffs", junk, 1 << 20, &map), EINVAL);
	CHECK_ERR(rump_pub_fs_metamap(NULL, junk, 1 << 20, &map), EINVAL);
	free(junk);

	img = fi_t_load("ext2.img", &len);
	ioff = inode_offset("ext2.img", 2, bs);
	CHECK_EQ(img[ioff + 1] & 0xf0, 0x40);
	loop = len / bs - 1;
	for (size_t i = 0; i < bs / 4; i++)
		memcpy(img + loop * bs + 4 * i, &(uint32_t){ (uint32_t)loop }, 4);
	for (int i = 12; i < 15; i++)
		memcpy(img + ioff + 40 + 4 * i, &(uint32_t){ (uint32_t)loop }, 4);
	/* A directory 4 GiB long, so every level is walked as far as the budget lets. */
	memcpy(img + ioff + 4, &(uint32_t){ 0xfffffc00u }, 4);
	CHECK_ERR(rump_pub_fs_metamap("ext2fs", img, len, &map), 0);
	CHECK(fi_t_covered(map, loop * bs, bs, RUMP_FUZZMAP_INDIR));
	CHECK_EQ(map->fm_partial, 1);
	rump_pub_fs_metamap_free(map);
	free(img);
}

/* The hook is mandatory: a type without it is refused; genfs_nofuzzmap says EOPNOTSUPP. */
T_CASE(attach_needs_fuzzmap)
{
	struct rump_fuzzmap *map;
	struct vfsops toy;
	uint8_t img[4096] = { 0 };

	fi_t_boot();
	rump_schedule();
	toy = *vfs_getopsbyname("ext2fs");
	toy.vfs_name = "toymap";
	toy.vfs_probe = genfs_noprobe;
	toy.vfs_fuzzmap = NULL;
	CHECK_ERR(vfs_attach(&toy), EINVAL);
	toy.vfs_fuzzmap = genfs_nofuzzmap;
	CHECK_ERR(vfs_attach(&toy), 0);
	rump_unschedule();
	CHECK_ERR(rump_pub_fs_metamap("toymap", img, sizeof(img), &map), EOPNOTSUPP);
	CHECK_ERR(rump_pub_fs_metamap("nosuch", img, sizeof(img), &map), ENODEV);
	CHECK_ERR(rump_pub_fs_metamap(NULL, img, sizeof(img), &map), EINVAL);
	rump_schedule();
	CHECK_ERR(vfs_detach(&toy), 0);
	rump_unschedule();
}
