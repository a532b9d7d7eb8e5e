/* ffs_super.c: finding the superblock, choosing the byte order, and validating the geometry. */
#include "ffs.h"
#include "blkdev.h"

static int	probe(struct ffs_mount *fm, uint64_t loc, bool *foundp);
static bool	magic_matches(struct ffs_mount *fm, const struct ffs_fs *fs, uint64_t loc);
static int	load_geometry(struct ffs_mount *fm);
static int	check_sizes(struct ffs_mount *fm);
static int	check_layout(struct ffs_mount *fm);
static void	load_totals(struct ffs_mount *fm);

static const uint64_t sblock_locs[] = {
	FFS_SBLOCK_UFS2, FFS_SBLOCK_UFS1, FFS_SBLOCK_FLOPPY, FFS_SBLOCK_PIGGY,
};

#define S32(f)	((int32_t)ffs_get32(fm->fm_swap, (uint32_t)(f)))
#define S64(f)	((int64_t)ffs_get64(fm->fm_swap, (uint64_t)(f)))

#define BAD(...) do { kprintf("ffs: bad superblock: " __VA_ARGS__); kprintf("\n"); return EINVAL; } while (0)

static bool
is_log2(int64_t v, int32_t shift)
{
	return shift >= 0 && shift < 63 && v == ((int64_t)1 << shift);
}

/*
 * The magic decides the byte order and the version.  A UFS2 superblock
 * counts only where its fs_sblockloc says it is (elsewhere it is a
 * backup copy); a UFS1 one at 64 KiB only if it was written by a kernel
 * that records fs_sblockloc (otherwise it is the first cg's backup of a
 * file system with 64 KiB blocks).
 */
bool
ffs_sb_magic(const struct ffs_fs *fs, uint64_t loc, bool *swapp, bool *ufs2p)
{
	for (int s = 0; s < 2; s++) {
		uint32_t magic = ffs_get32(s, (uint32_t)fs->fs_magic);
		uint64_t sbloc = ffs_get64(s, (uint64_t)fs->fs_sblockloc);

		*swapp = s;
		if (magic == FFS_UFS2_MAGIC) {
			*ufs2p = true;
			return sbloc == loc;
		}
		if (magic == FFS_UFS1_MAGIC) {
			*ufs2p = false;
			if (loc == FFS_SBLOCK_UFS2)
				return (fs->fs_old_flags & FFS_OLDFLAGS_UPDATED) && sbloc == loc;
			return loc != FFS_SBLOCK_PIGGY;
		}
	}
	return false;
}

static bool
magic_matches(struct ffs_mount *fm, const struct ffs_fs *fs, uint64_t loc)
{
	return ffs_sb_magic(fs, loc, &fm->fm_swap, &fm->fm_ufs2);
}

/* The vfsops probe: a superblock at one of the places the mount tries. */
bool
ffs_probe(const uint8_t *head, size_t len)
{
	struct ffs_fs fs;
	bool swap, ufs2;

	for (size_t i = 0; i < __arraycount(sblock_locs); i++) {
		if (sblock_locs[i] + FFS_SBLOCKSIZE > len)
			continue;
		memcpy(&fs, head + sblock_locs[i], sizeof(fs));
		if (ffs_sb_magic(&fs, sblock_locs[i], &swap, &ufs2))
			return true;
	}
	return false;
}

/* One candidate location: the buffer is dropped afterwards so no probe overlaps later reads. */
static int
probe(struct ffs_mount *fm, uint64_t loc, bool *foundp)
{
	struct buf *bp;
	int error;

	*foundp = false;
	if (loc + FFS_SBLOCKSIZE > bdev_size(fm->fm_bd))
		return 0;
	error = bread(fm->fm_devvp, (daddr_t)(loc >> DEV_BSHIFT), FFS_SBLOCKSIZE, 0, &bp);
	if (error)
		return error;
	memcpy(&fm->fm_fs, bp->b_data, sizeof(fm->fm_fs));
	brelse(bp, BC_INVAL);
	if (magic_matches(fm, &fm->fm_fs, loc)) {
		fm->fm_sbloc = loc;
		*foundp = true;
	}
	return 0;
}

int
ffs_super_read(struct ffs_mount *fm)
{
	bool found = false;
	int error;

	for (size_t i = 0; i < __arraycount(sblock_locs) && !found; i++) {
		error = probe(fm, sblock_locs[i], &found);
		if (error)
			return error;
	}
	if (!found) {
		kprintf("ffs: no superblock found (tried 65536, 8192, 0, 262144)\n");
		return EINVAL;
	}
	if ((error = load_geometry(fm)) != 0)
		return error;
	if ((error = check_sizes(fm)) != 0)
		return error;
	if ((error = check_layout(fm)) != 0)
		return error;
	load_totals(fm);
	return 0;
}

/* Block and fragment sizes, and the shifts and masks that must agree with them. */
static int
load_geometry(struct ffs_mount *fm)
{
	const struct ffs_fs *fs = &fm->fm_fs;

	fm->fm_bsize = S32(fs->fs_bsize);
	fm->fm_fsize = S32(fs->fs_fsize);
	fm->fm_frag = S32(fs->fs_frag);
	fm->fm_bshift = S32(fs->fs_bshift);
	fm->fm_fshift = S32(fs->fs_fshift);
	fm->fm_fragshift = S32(fs->fs_fragshift);
	fm->fm_fsbtodb = S32(fs->fs_fsbtodb);
	if (fm->fm_bsize < FFS_MINBSIZE || fm->fm_bsize > FFS_MAXBSIZE ||
	    !is_log2(fm->fm_bsize, fm->fm_bshift))
		BAD("block size %d (shift %d)", fm->fm_bsize, fm->fm_bshift);
	if (fm->fm_frag != 1 && fm->fm_frag != 2 && fm->fm_frag != 4 && fm->fm_frag != 8)
		BAD("%d fragments per block", fm->fm_frag);
	/* The range first: a hostile fs_fsize must not overflow the product. */
	if (fm->fm_fsize < DEV_BSIZE || fm->fm_fsize > fm->fm_bsize ||
	    !is_log2(fm->fm_frag, fm->fm_fragshift) ||
	    fm->fm_fsize * fm->fm_frag != fm->fm_bsize ||
	    !is_log2(fm->fm_fsize, fm->fm_fshift) ||
	    fm->fm_fshift - DEV_BSHIFT != fm->fm_fsbtodb)
		BAD("fragment size %d (shift %d, frag shift %d, fsbtodb %d)", fm->fm_fsize,
		    fm->fm_fshift, fm->fm_fragshift, fm->fm_fsbtodb);
	if (S32(fs->fs_bmask) != ~(fm->fm_bsize - 1) || S32(fs->fs_fmask) != ~(fm->fm_fsize - 1))
		BAD("block/fragment masks");
	fm->fm_dinodesize = fm->fm_ufs2 ? sizeof(struct ffs_dinode2) : sizeof(struct ffs_dinode1);
	fm->fm_inopb = (uint32_t)S32(fs->fs_inopb);
	fm->fm_nindir = (uint32_t)S32(fs->fs_nindir);
	if (fm->fm_inopb != (uint32_t)fm->fm_bsize / fm->fm_dinodesize)
		BAD("%u inodes per block", fm->fm_inopb);
	if (fm->fm_nindir != (uint32_t)fm->fm_bsize / (fm->fm_ufs2 ? 8 : 4))
		BAD("%u pointers per indirect block", fm->fm_nindir);
	return 0;
}

/* Cylinder groups, inode counts and sizes against each other and the device. */
static int
check_sizes(struct ffs_mount *fm)
{
	const struct ffs_fs *fs = &fm->fm_fs;
	uint64_t devfrags = bdev_size(fm->fm_bd) >> fm->fm_fshift;

	fm->fm_ncg = (uint32_t)S32(fs->fs_ncg);
	fm->fm_ipg = (uint32_t)S32(fs->fs_ipg);
	fm->fm_fpg = (uint32_t)S32(fs->fs_fpg);
	fm->fm_size = fm->fm_ufs2 ? S64(fs->fs_size) : S32(fs->fs_old_size);
	fm->fm_dsize = fm->fm_ufs2 ? S64(fs->fs_dsize) : S32(fs->fs_old_dsize);
	if (fm->fm_ncg < 1 || fm->fm_ncg > (1u << 24))
		BAD("%u cylinder groups", fm->fm_ncg);
	if (fm->fm_ipg < fm->fm_inopb || fm->fm_ipg % fm->fm_inopb != 0 ||
	    ffs_maxino(fm) > UINT32_MAX)
		BAD("%u inodes per group", fm->fm_ipg);
	if ((int64_t)fm->fm_fpg < fm->fm_frag || fm->fm_fpg % (uint32_t)fm->fm_frag != 0 ||
	    fm->fm_fpg > (1u << 30))
		BAD("%u fragments per group", fm->fm_fpg);
	if (fm->fm_size <= 0 || (uint64_t)fm->fm_size > devfrags)
		BAD("size %jd fragments, device holds %ju", (intmax_t)fm->fm_size,
		    (uintmax_t)devfrags);
	if ((uint64_t)fm->fm_size > (uint64_t)fm->fm_fpg * fm->fm_ncg ||
	    (uint64_t)fm->fm_size <= (uint64_t)fm->fm_fpg * (fm->fm_ncg - 1))
		BAD("size %jd fragments for %u groups of %u", (intmax_t)fm->fm_size,
		    fm->fm_ncg, fm->fm_fpg);
	if (fm->fm_dsize <= 0 || fm->fm_dsize > fm->fm_size)
		BAD("data size %jd", (intmax_t)fm->fm_dsize);
	return 0;
}

/* Where the parts of a cylinder group are, the summary area, symlinks and the size limit. */
static int
check_layout(struct ffs_mount *fm)
{
	const struct ffs_fs *fs = &fm->fm_fs;
	int64_t ifrags;
	uint64_t span, blocks, max;

	fm->fm_sblkno = S32(fs->fs_sblkno);
	fm->fm_cblkno = S32(fs->fs_cblkno);
	fm->fm_iblkno = S32(fs->fs_iblkno);
	fm->fm_dblkno = S32(fs->fs_dblkno);
	fm->fm_cgoffset = fm->fm_ufs2 ? 0 : S32(fs->fs_old_cgoffset);
	fm->fm_cgmask = fm->fm_ufs2 ? -1 : S32(fs->fs_old_cgmask);
	ifrags = (int64_t)(fm->fm_ipg / fm->fm_inopb) * fm->fm_frag;
	if (fm->fm_sblkno < 0 || fm->fm_sblkno % fm->fm_frag ||
	    fm->fm_cblkno < fm->fm_sblkno || fm->fm_cblkno % fm->fm_frag ||
	    fm->fm_iblkno < fm->fm_cblkno + fm->fm_frag || fm->fm_iblkno % fm->fm_frag ||
	    fm->fm_dblkno < fm->fm_iblkno + ifrags || fm->fm_dblkno % fm->fm_frag ||
	    (uint32_t)fm->fm_dblkno >= fm->fm_fpg ||
	    (uint64_t)fm->fm_sblkno * fm->fm_fsize < fm->fm_sbloc + FFS_SBLOCKSIZE)
		BAD("cylinder group layout sblkno %d cblkno %d iblkno %d dblkno %d",
		    fm->fm_sblkno, fm->fm_cblkno, fm->fm_iblkno, fm->fm_dblkno);
	if (fm->fm_cgoffset < 0 || fm->fm_cgoffset % fm->fm_frag ||
	    (fm->fm_cgoffset && (int64_t)fm->fm_cgoffset * fm->fm_ncg + fm->fm_dblkno > fm->fm_fpg))
		BAD("cylinder offset %d", fm->fm_cgoffset);
	/* The last group must hold its metadata. */
	if (ffs_cgdmin(fm, fm->fm_ncg - 1) > fm->fm_size)
		BAD("last cylinder group too small");
	fm->fm_cgsize = S32(fs->fs_cgsize);
	if (fm->fm_cgsize < (int32_t)sizeof(struct ffs_cg) || fm->fm_cgsize > fm->fm_bsize)
		BAD("cylinder group size %d", fm->fm_cgsize);
	fm->fm_csaddr = fm->fm_ufs2 ? S64(fs->fs_csaddr) : S32(fs->fs_old_csaddr);
	fm->fm_cssize = S32(fs->fs_cssize);
	if (fm->fm_cssize < (int64_t)(fm->fm_ncg * sizeof(struct ffs_csum)) ||
	    fm->fm_cssize > (int64_t)fm->fm_ncg * 16 + fm->fm_bsize ||
	    fm->fm_csaddr < 0 || fm->fm_csaddr % fm->fm_frag ||
	    fm->fm_csaddr + howmany(fm->fm_cssize, fm->fm_fsize) > fm->fm_size)
		BAD("summary area at %jd, %d bytes", (intmax_t)fm->fm_csaddr, fm->fm_cssize);
	fm->fm_maxsymlinklen = S32(fs->fs_maxsymlinklen);
	if (fm->fm_maxsymlinklen < 0 ||
	    fm->fm_maxsymlinklen > (int32_t)(FFS_NDADDR + FFS_NIADDR) * (fm->fm_ufs2 ? 8 : 4))
		BAD("maximum short symlink length %d", fm->fm_maxsymlinklen);
	fm->fm_minfree = S32(fs->fs_minfree);
	if (fm->fm_minfree < 0 || fm->fm_minfree > 99)
		BAD("minfree %d%%", fm->fm_minfree);
	fm->fm_contigsumsize = S32(fs->fs_contigsumsize);
	if (fm->fm_contigsumsize < 0 || fm->fm_contigsumsize > 64)
		BAD("cluster summary size %d", fm->fm_contigsumsize);
	fm->fm_olddir = S32(fs->fs_old_inodefmt) < FFS_44INODEFMT;
	/* What the block tree can address: direct + the three indirect levels. */
	blocks = FFS_NDADDR;
	for (span = 1, max = 0; max < 3; max++) {
		span *= fm->fm_nindir;
		blocks += span;
		if (span > ((uint64_t)1 << 50))
			break;
	}
	max = blocks << fm->fm_bshift;
	if ((max >> fm->fm_bshift) != blocks || max > ((uint64_t)1 << 62))
		max = (uint64_t)1 << 62;
	fm->fm_maxfilesize = max;
	return 0;
}

static void
load_totals(struct ffs_mount *fm)
{
	const struct ffs_fs *fs = &fm->fm_fs;
	struct ffs_csum_total *t = &fm->fm_cstotal;

	memset(t, 0, sizeof(*t));
	if (fm->fm_ufs2) {
		t->cs_ndir = S64(fs->fs_cstotal.cs_ndir);
		t->cs_nbfree = S64(fs->fs_cstotal.cs_nbfree);
		t->cs_nifree = S64(fs->fs_cstotal.cs_nifree);
		t->cs_nffree = S64(fs->fs_cstotal.cs_nffree);
	} else {
		t->cs_ndir = S32(fs->fs_old_cstotal.cs_ndir);
		t->cs_nbfree = S32(fs->fs_old_cstotal.cs_nbfree);
		t->cs_nifree = S32(fs->fs_old_cstotal.cs_nifree);
		t->cs_nffree = S32(fs->fs_old_cstotal.cs_nffree);
	}
}
