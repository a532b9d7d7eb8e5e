/* test_ukfs_part.c: partition suffixes (MBR, GPT, disklabel, offset) and file-system type detection on host images. */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <rump/rump.h>
#include <rump/ukfs.h>

#include "t.h"
#include "ukfs_timg.h"

#define MIB	(1024 * 1024ULL)

/* Probe img+suffix; check the suffix is cut off and the range. */
static void
probe_ok(const char *img, const char *suffix, uint64_t off, uint64_t size)
{
	char path[PATH_MAX], want[PATH_MAX], str[UKFS_DEVICE_MAXSTR];
	struct ukfs_part *part;
	uint64_t o, s;

	timg_path(want, sizeof(want), img);
	snprintf(path, sizeof(path), "%s%s", want, suffix);
	CHECK(ukfs_part_probe(path, &part) == 0);
	CHECK_STREQ(path, want);
	CHECK(ukfs_part_range(part, &o, &s) == 0);
	CHECK_EQ(o, off);
	CHECK_EQ(s, size);
	CHECK_EQ(ukfs_part_tostring(part, str, sizeof(str)), 1);
	CHECK_STREQ(str, suffix);
	ukfs_part_release(part);
}

static void
probe_err(const char *img, const char *suffix, int err)
{
	char path[PATH_MAX], base[PATH_MAX];
	struct ukfs_part *part;

	timg_path(base, sizeof(base), img);
	snprintf(path, sizeof(path), "%s%s", base, suffix);
	CHECK_ERRNO(ukfs_part_probe(path, &part), err);
}

static const char *
detect(const char *img, uint64_t off)
{
	char path[PATH_MAX];

	return ukfs_detect(timg_path(path, sizeof(path), img), off);
}

T_CASE(mbr)
{
	timg_make();
	probe_ok("mbr.img", "%MBR:1%", 1 * MIB, 4 * MIB);
	probe_ok("mbr.img", "%MBR:2%", 6 * MIB, 4 * MIB);
	CHECK_STREQ(detect("mbr.img", 1 * MIB), MOUNT_EXT2FS);
	CHECK_STREQ(detect("mbr.img", 6 * MIB), MOUNT_FFS);
	probe_err("mbr.img", "%MBR:3%", ENOENT);
	probe_err("mbr.img", "%MBR:0%", ENOENT);
	probe_err("mbr.img", "%MBR:x%", EINVAL);
	probe_err("mbr.img", "%MBR:1", EINVAL);
	probe_err("ext2.img", "%MBR:1%", EINVAL);	/* no table */
	probe_err("nosuch.img", "%MBR:1%", ENOENT);
	timg_remove();
}

T_CASE(gpt)
{
	timg_make();
	probe_ok("gpt.img", "%GPT:1%", 1 * MIB, 4 * MIB);
	probe_ok("gpt.img", "%GPT:2%", 6 * MIB, 4 * MIB);
	CHECK_STREQ(detect("gpt.img", 1 * MIB), MOUNT_EXT2FS);
	CHECK_STREQ(detect("gpt.img", 6 * MIB), MOUNT_FFS);
	probe_err("gpt.img", "%GPT:3%", ENOENT);
	probe_err("gpt.img", "%GPT:129%", ENOENT);
	probe_err("mbr.img", "%GPT:1%", EINVAL);
	timg_remove();
}

/* Write a disklabel at byte 512 of img: a at 1 MiB, b empty, e at 6 MiB, 4 MiB each. */
static void
write_label(const char *img, bool bigendian)
{
	uint8_t dl[148 + 16 * 5];
	char path[PATH_MAX];
	uint32_t v32;
	uint16_t v16;
	int fd;

#define P32(off, v) (v32 = bigendian ? htobe32(v) : htole32(v), memcpy(dl + (off), &v32, 4))
#define P16(off, v) (v16 = bigendian ? htobe16(v) : htole16(v), memcpy(dl + (off), &v16, 2))
	memset(dl, 0, sizeof(dl));
	P32(0, 0x82564557);
	P32(132, 0x82564557);
	P32(40, 512);
	P16(138, 5);
	P32(148 + 0 * 16, 8192);
	P32(148 + 0 * 16 + 4, 2048);
	P32(148 + 4 * 16, 8192);
	P32(148 + 4 * 16 + 4, 12288);
#undef P32
#undef P16
	fd = open(timg_path(path, sizeof(path), img), O_WRONLY);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, dl, sizeof(dl), 512), sizeof(dl));
	CHECK(close(fd) == 0);
}

T_CASE(disklabel)
{
	char cmd[4 * sizeof(timg_dir) + 64];

	timg_make();
	snprintf(cmd, sizeof(cmd), "cp %s/mbr.img %s/le.img && cp %s/mbr.img %s/be.img",
	    timg_dir, timg_dir, timg_dir, timg_dir);
	CHECK_EQ(system(cmd), 0);
	write_label("le.img", false);
	write_label("be.img", true);
	probe_ok("le.img", "%DISKLABEL:a%", 1 * MIB, 4 * MIB);
	probe_ok("le.img", "%DISKLABEL:e%", 6 * MIB, 4 * MIB);
	probe_ok("be.img", "%DISKLABEL:e%", 6 * MIB, 4 * MIB);
	probe_err("le.img", "%DISKLABEL:b%", ENOENT);
	probe_err("le.img", "%DISKLABEL:f%", ENOENT);
	probe_err("le.img", "%DISKLABEL:q%", EINVAL);
	probe_err("le.img", "%DISKLABEL:ab%", EINVAL);
	probe_err("mbr.img", "%DISKLABEL:a%", EINVAL);
	timg_remove();
}

T_CASE(offset_and_none)
{
	char path[PATH_MAX], str[UKFS_DEVICE_MAXSTR];
	struct ukfs_part *part;

	timg_make();
	probe_ok("mbr.img", "%OFFSET:1048576,4194304%", 1 * MIB, 4 * MIB);
	probe_err("mbr.img", "%OFFSET:1048576%", EINVAL);
	probe_err("mbr.img", "%OFFSET:1048576,0%", EINVAL);
	probe_err("mbr.img", "%OFFSET:-1,5%", EINVAL);
	probe_err("mbr.img", "%OFFSET:99999999999999999999999,5%", ERANGE);
	probe_err("mbr.img", "%OFFSET:12582912,512%", EINVAL);	/* past the end */
	probe_err("mbr.img", "%OFFSET:0,12582913%", EINVAL);
	probe_err("mbr.img", "%BOGUS:1%", EINVAL);
	/* No suffix: the whole image, nothing to print. */
	timg_path(path, sizeof(path), "ext2.img");
	CHECK(ukfs_part_probe(path, &part) == 0);
	CHECK(part == ukfs_part_none);
	CHECK_EQ(ukfs_part_tostring(part, str, sizeof(str)), 0);
	CHECK_STREQ(str, "");
	CHECK_ERRNO(ukfs_part_tostring(ukfs_part_na, str, sizeof(str)), EINVAL);
	ukfs_part_release(part);
	timg_remove();
}

T_CASE(detect_types)
{
	timg_make();
	CHECK_STREQ(detect("ext2.img", 0), MOUNT_EXT2FS);
	CHECK_STREQ(detect("ffs1.img", 0), MOUNT_FFS);
	CHECK_STREQ(detect("ffs2be.img", 0), MOUNT_FFS);
	CHECK(detect("mbr.img", 0) == NULL);
	CHECK(detect("nosuch.img", 0) == NULL);
	CHECK(ukfs_detect("/dev/null", 0) == NULL);
	timg_remove();
}

T_CASE(mount_bad_partition)
{
	char path[PATH_MAX + 16];

	CHECK(ukfs_init() == 0);
	snprintf(path, sizeof(path), "%s", "/nonexistent.img%MBR:1%");
	CHECK(ukfs_mount(NULL, path, "/m", 0, NULL, 0) == NULL);
	CHECK_EQ(errno, ENOENT);
	timg_make();
	snprintf(path, sizeof(path), "%s/mbr.img%%MBR:4%%", timg_dir);
	CHECK(ukfs_mount(NULL, path, "/m", 0, NULL, 0) == NULL);
	CHECK_EQ(errno, ENOENT);
	/* The whole disk has no superblock we know. */
	snprintf(path, sizeof(path), "%s/mbr.img", timg_dir);
	CHECK(ukfs_mount(NULL, path, "/m", 0, NULL, 0) == NULL);
	CHECK_EQ(errno, EINVAL);
	timg_remove();
	CHECK_ERR(rump_shutdown(), 0);
}

static void
put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void
put64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

/* Plausible MBR, GPT and disklabel (at byte 64) with small random fields, some out of range. */
static void
plant_tables(uint8_t *img, unsigned *seed)
{
	uint64_t first = (uint64_t)rand_r(seed) % 140;

	img[510] = 0x55;
	img[511] = 0xaa;
	img[446 + 4] = 0x83;
	put32(img + 446 + 8, (uint32_t)rand_r(seed) % 140);
	put32(img + 446 + 12, (uint32_t)rand_r(seed) % 140);
	memcpy(img + 512, "EFI PART", 8);
	put64(img + 512 + 72, 2 + (uint64_t)rand_r(seed) % 3);
	put32(img + 512 + 80, (uint32_t)rand_r(seed) % 8);
	put32(img + 512 + 84, rand_r(seed) % 4 ? 128 : (uint32_t)rand_r(seed));
	put64(img + 1024 + 32, first);
	put64(img + 1024 + 40, first + (uint64_t)rand_r(seed) % 20 - 2);
	put32(img + 64, 0x82564557);
	put32(img + 64 + 132, 0x82564557);
	put32(img + 64 + 40, rand_r(seed) % 4 ? 512 : (uint32_t)rand_r(seed));
	img[64 + 138] = (uint8_t)(rand_r(seed) % 24);
	img[64 + 139] = 0;
	put32(img + 64 + 148, (uint32_t)rand_r(seed) % 140);
	put32(img + 64 + 152, (uint32_t)rand_r(seed) % 140);
}

/* Random tables (with their signatures planted half the time): a range inside the image or an error, never more. */
T_CASE(random_tables)
{
	static const char *const sfx[] = { "%MBR:1%", "%MBR:4%", "%GPT:1%", "%GPT:2%",
	    "%GPT:128%", "%DISKLABEL:a%", "%DISKLABEL:p%" };
	char path[PATH_MAX + 32], base[PATH_MAX];
	static uint8_t img[65536];
	struct ukfs_part *part;
	uint64_t off, size;
	unsigned seed = 12345;
	size_t i, k;
	int fd, iter, found = 0, refused = 0;

	timg_make();
	timg_path(base, sizeof(base), "random.img");
	for (iter = 0; iter < 1500; iter++) {
		for (i = 0; i < sizeof(img); i++)
			img[i] = (uint8_t)rand_r(&seed);
		if (iter % 2 == 0)
			plant_tables(img, &seed);
		fd = open(base, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		CHECK(fd >= 0);
		CHECK_EQ(write(fd, img, sizeof(img)), sizeof(img));
		CHECK(close(fd) == 0);
		for (k = 0; k < sizeof(sfx) / sizeof(sfx[0]); k++) {
			snprintf(path, sizeof(path), "%s%s", base, sfx[k]);
			if (ukfs_part_probe(path, &part) == 0) {
				CHECK(ukfs_part_range(part, &off, &size) == 0);
				CHECK(off < sizeof(img) && size <= sizeof(img) - off && size > 0);
				ukfs_part_release(part);
				found++;
			} else {
				CHECK(errno == EINVAL || errno == ENOENT || errno == ERANGE);
				refused++;
			}
		}
	}
	/* Both outcomes were exercised. */
	CHECK(found > 500);
	CHECK(refused > 500);
	timg_remove();
}
