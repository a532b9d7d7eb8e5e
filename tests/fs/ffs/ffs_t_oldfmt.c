/* ffs_t_oldfmt.c: test helpers rewriting makefs UFS1 images into older layouts: 4.2BSD inode format, rotated cylinder groups. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "ffs_t.h"

/* Superblock byte offsets (see fs/ffs/ffs_format.h, struct ffs_fs). */
enum {
	SB_SBLKNO = 8, SB_CBLKNO = 12, SB_IBLKNO = 16, SB_DBLKNO = 20, SB_CGOFFSET = 24, SB_CGMASK = 28, SB_NCG = 44, SB_BSIZE = 48,
	SB_FSIZE = 52, SB_FRAG = 56, SB_IPG = 184, SB_FPG = 188, SB_MAXSYMLINKLEN = 1320,
	SB_INODEFMT = 1324, SB_MAGIC = 1372,
};
/* struct ffs_dinode1 byte offsets. */
enum { DI_MODE = 0, DI_OLDUID = 4, DI_OLDGID = 6, DI_SIZE = 8, DI_DB = 40, DI_UID = 112, DI_GID = 116 };

#define OLD_INODEFMT	((uint32_t)-1)	/* 4.2BSD's FS_42INODEFMT: anything below 2 (FS_44INODEFMT) */
#define SPARE_ID	0x5a5a5a5aU	/* what di_uid/di_gid hold: the driver must not use it */

struct img {
	unsigned char	*p;
	size_t		len;
	bool		be;
};

static uint32_t
rd(const struct img *im, size_t off, int n)
{
	uint32_t v = 0;

	CHECK(off + (size_t)n <= im->len);
	for (int i = 0; i < n; i++)
		v |= (uint32_t)im->p[off + (size_t)(im->be ? n - 1 - i : i)] << (8 * i);
	return v;
}

static void
wr(struct img *im, size_t off, int n, uint32_t v)
{
	CHECK(off + (size_t)n <= im->len);
	for (int i = 0; i < n; i++)
		im->p[off + (size_t)(im->be ? n - 1 - i : i)] = (unsigned char)(v >> (8 * i));
}

/* The 4.4 entry header (type byte, 8-bit namlen) becomes the old one (16-bit namlen). */
static void
convert_dir_bytes(struct img *im, size_t at, size_t len)
{
	for (size_t chunk = 0; chunk < len; chunk += 512) {
		for (size_t pos = 0; pos < 512;) {
			size_t e = at + chunk + pos;
			uint32_t reclen = rd(im, e + 4, 2);

			CHECK(reclen >= 8 && pos + reclen <= 512);
			wr(im, e + 6, 2, im->p[e + 7]);
			pos += reclen;
		}
	}
}

static void
convert_inode(struct img *im, size_t off, uint32_t bsize, uint32_t fsize)
{
	uint32_t mode = rd(im, off + DI_MODE, 2);
	uint64_t lo = rd(im, off + DI_SIZE + (im->be ? 4 : 0), 4);
	uint64_t size = lo | (uint64_t)rd(im, off + DI_SIZE + (im->be ? 0 : 4), 4) << 32;

	if (mode == 0)
		return;
	wr(im, off + DI_OLDUID, 2, rd(im, off + DI_UID, 4));
	wr(im, off + DI_OLDGID, 2, rd(im, off + DI_GID, 4));
	wr(im, off + DI_UID, 4, SPARE_ID);
	wr(im, off + DI_GID, 4, SPARE_ID);
	if ((mode & S_IFMT) != S_IFDIR)
		return;
	/* Test trees keep directories within the direct blocks. */
	CHECK(size <= 12ULL * bsize);
	for (uint64_t lbn = 0; lbn * bsize < size; lbn++) {
		uint64_t left = size - lbn * bsize;
		uint32_t frag = rd(im, off + DI_DB + 4 * lbn, 4);

		CHECK(frag != 0);
		convert_dir_bytes(im, (size_t)frag * fsize, left < bsize ? (size_t)left : bsize);
	}
}

static void
convert_super(struct img *im, size_t off)
{
	if (rd(im, off + SB_MAGIC, 4) != 0x011954)
		return;
	wr(im, off + SB_INODEFMT, 4, OLD_INODEFMT);
	wr(im, off + SB_MAXSYMLINKLEN, 4, 0);
}

void
ffs_t_make_old_format(struct ffs_t *t)
{
	struct img im;
	struct stat st;
	int fd = open(t->ft_img, O_RDWR);
	uint32_t ncg, ipg, fpg, fsize, bsize, iblkno, sblkno;

	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	im.len = (size_t)st.st_size;
	im.p = malloc(im.len);
	CHECK(im.p != NULL && pread(fd, im.p, im.len, 0) == (ssize_t)im.len);
	im.be = false;
	if (rd(&im, 8192 + SB_MAGIC, 4) != 0x011954)
		im.be = true;
	CHECK_EQ(rd(&im, 8192 + SB_MAGIC, 4), 0x011954);
	CHECK_EQ(rd(&im, 8192 + SB_CGOFFSET, 4), 0);
	ncg = rd(&im, 8192 + SB_NCG, 4);
	ipg = rd(&im, 8192 + SB_IPG, 4);
	fpg = rd(&im, 8192 + SB_FPG, 4);
	fsize = rd(&im, 8192 + SB_FSIZE, 4);
	bsize = rd(&im, 8192 + SB_BSIZE, 4);
	iblkno = rd(&im, 8192 + SB_IBLKNO, 4);
	sblkno = rd(&im, 8192 + SB_SBLKNO, 4);
	for (uint32_t c = 0; c < ncg; c++) {
		size_t cg = (size_t)c * fpg * fsize;

		for (uint32_t i = 0; i < ipg; i++)
			convert_inode(&im, cg + (size_t)iblkno * fsize + (size_t)i * 128, bsize, fsize);
		convert_super(&im, cg + (size_t)sblkno * fsize);
	}
	convert_super(&im, 8192);
	CHECK(pwrite(fd, im.p, im.len, 0) == (ssize_t)im.len);
	CHECK(close(fd) == 0);
	free(im.p);
}

/* cg header byte offsets (struct ffs_cg). */
enum { CG_MAGIC = 4, CG_NDBLK = 20, CG_FREEOFF = 96, CG_CLUSTERSUMOFF = 104, CG_CLUSTEROFF = 108,
	CG_NCLUSTERBLKS = 112 };

static bool
bit(const unsigned char *map, uint32_t i)
{
	return map[i / 8] >> (i % 8) & 1;
}

static void
setbit_to(unsigned char *map, uint32_t i, bool v)
{
	if (v)
		map[i / 8] |= (unsigned char)(1u << (i % 8));
	else
		map[i / 8] &= (unsigned char)~(1u << (i % 8));
}

/* Free frags [lo, hi) of the group, take [lo + delta, hi + delta): same counts, new maps. */
static void
rotate_maps(struct img *im, size_t cg, uint32_t lo, uint32_t hi, uint32_t delta, uint32_t frag,
    int32_t contigsumsize)
{
	unsigned char *fmap = im->p + cg + rd(im, cg + CG_FREEOFF, 4);
	unsigned char *cmap = im->p + cg + rd(im, cg + CG_CLUSTEROFF, 4);
	size_t sumoff = cg + rd(im, cg + CG_CLUSTERSUMOFF, 4);
	uint32_t nclblk = rd(im, cg + CG_NCLUSTERBLKS, 4), run = 0, sum[65] = { 0 };

	CHECK(contigsumsize > 0 && contigsumsize <= 64);
	for (uint32_t f = lo; f < hi; f++) {
		CHECK(!bit(fmap, f) && bit(fmap, delta + f));
		setbit_to(fmap, f, true);
		setbit_to(fmap, delta + f, false);
	}
	for (uint32_t b = lo / frag; b < hi / frag; b++) {
		setbit_to(cmap, b, true);
		setbit_to(cmap, delta / frag + b, false);
	}
	for (uint32_t b = 0; b <= nclblk; b++) {
		if (b < nclblk && bit(cmap, b)) {
			run++;
		} else if (run > 0) {
			sum[run < (uint32_t)contigsumsize ? run : (uint32_t)contigsumsize]++;
			run = 0;
		}
	}
	for (int i = 1; i <= contigsumsize; i++)
		wr(im, sumoff + 4 * (size_t)i, 4, sum[i]);
}

int
ffs_t_rotate_cgs(struct ffs_t *t, uint32_t cgoffset, uint32_t cgmask)
{
	int moved = 0;
	struct img im;
	struct stat st;
	int fd = open(t->ft_img, O_RDWR);
	uint32_t ncg, fpg, fsize, frag, sblkno, cblkno, iblkno, dblkno, ipg;
	int32_t contig;

	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	im.len = (size_t)st.st_size;
	im.p = malloc(im.len);
	CHECK(im.p != NULL && pread(fd, im.p, im.len, 0) == (ssize_t)im.len);
	im.be = rd(&(struct img){ im.p, im.len, false }, 8192 + SB_MAGIC, 4) != 0x011954;
	CHECK_EQ(rd(&im, 8192 + SB_MAGIC, 4), 0x011954);
	ncg = rd(&im, 8192 + SB_NCG, 4);
	fpg = rd(&im, 8192 + SB_FPG, 4);
	fsize = rd(&im, 8192 + SB_FSIZE, 4);
	frag = rd(&im, 8192 + SB_FRAG, 4);
	sblkno = rd(&im, 8192 + SB_SBLKNO, 4);
	cblkno = rd(&im, 8192 + SB_CBLKNO, 4);
	iblkno = rd(&im, 8192 + SB_IBLKNO, 4);
	ipg = rd(&im, 8192 + SB_IPG, 4);
	dblkno = rd(&im, 8192 + SB_DBLKNO, 4);
	contig = (int32_t)rd(&im, 8192 + 1316, 4);
	/* A group's metadata is frags [sblkno, dblkno) of it; in groups past 0, [0, sblkno) holds data. */
	CHECK(ncg > 1 && sblkno < dblkno && cgoffset % frag == 0 && sblkno % frag == 0 &&
	    dblkno % frag == 0);
	for (uint32_t c = 1; c < ncg; c++) {
		uint32_t delta = cgoffset * (c & ~cgmask);
		size_t base = (size_t)c * fpg * fsize, meta = (size_t)(dblkno - sblkno) * fsize;
		size_t from = base + (size_t)sblkno * fsize, to = from + (size_t)delta * fsize;

		if (delta == 0)
			continue;
		CHECK(delta >= dblkno - sblkno && delta + dblkno <= fpg);
		memcpy(im.p + to, im.p + from, meta);
		memset(im.p + from, 0, meta);
		CHECK_EQ(rd(&im, base + ((size_t)delta + cblkno) * fsize + CG_MAGIC, 4), 0x090255);
		rotate_maps(&im, base + ((size_t)delta + cblkno) * fsize, sblkno, dblkno, delta, frag,
		    contig);
		for (uint32_t i = 0; i < ipg; i++)
			moved += rd(&im, base + ((size_t)delta + iblkno) * fsize + 128 * (size_t)i, 2) != 0;
	}
	for (uint32_t c = 0; c < ncg; c++) {
		size_t sb = ((size_t)c * fpg + cgoffset * (c & ~cgmask) + sblkno) * fsize;

		CHECK_EQ(rd(&im, sb + SB_MAGIC, 4), 0x011954);
		wr(&im, sb + SB_CGOFFSET, 4, cgoffset);
		wr(&im, sb + SB_CGMASK, 4, cgmask);
	}
	wr(&im, 8192 + SB_CGOFFSET, 4, cgoffset);
	wr(&im, 8192 + SB_CGMASK, 4, cgmask);
	CHECK(pwrite(fd, im.p, im.len, 0) == (ssize_t)im.len);
	CHECK(close(fd) == 0);
	free(im.p);
	return moved;
}
