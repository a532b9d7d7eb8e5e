/* ffs_t_oldfmt.c: test helper turning a makefs UFS1 image into a pre-4.4BSD (4.2BSD inode format) one. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "ffs_t.h"

/* Superblock byte offsets (see fs/ffs/ffs_format.h, struct ffs_fs). */
enum {
	SB_SBLKNO = 8, SB_IBLKNO = 16, SB_CGOFFSET = 24, SB_NCG = 44, SB_BSIZE = 48,
	SB_FSIZE = 52, SB_IPG = 184, SB_FPG = 188, SB_MAXSYMLINKLEN = 1320,
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
