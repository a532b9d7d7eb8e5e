/* ffs_fuzzmap.c: the metadata map of a UFS1/UFS2 image in memory (vfs_fuzzmap): superblock, cg summary, cylinder groups, used inodes, directory, indirect and symlink blocks. */
#include "ffs.h"

#include <rump/rump_fuzzmap.h>

/* The field tables, indices into ffsmap_tables. */
enum { T_SB, T_SB_CK, T_CG, T_CG_CK, T_CSUM, T_DINODE1, T_DINODE2, T_DIR, T_INDIR1, T_INDIR2,
	T_NTABLES };

#define F(st, m, t) { offsetof(struct st, m), sizeof(((struct st *)0)->m), RUMP_FUZZMAP_F_##t }
#define FA(st, m, i, t) { offsetof(struct st, m) + (i) * sizeof(((struct st *)0)->m[0]), \
	sizeof(((struct st *)0)->m[0]), RUMP_FUZZMAP_F_##t }

#define SB_FIELDS							\
	F(ffs_fs, fs_sblkno, BLOCK), F(ffs_fs, fs_cblkno, BLOCK), F(ffs_fs, fs_iblkno, BLOCK), \
	F(ffs_fs, fs_dblkno, BLOCK), F(ffs_fs, fs_old_cgoffset, INT), F(ffs_fs, fs_old_cgmask, INT), \
	F(ffs_fs, fs_old_time, INT), F(ffs_fs, fs_old_size, COUNT), F(ffs_fs, fs_old_dsize, COUNT), \
	F(ffs_fs, fs_ncg, COUNT), F(ffs_fs, fs_bsize, COUNT), F(ffs_fs, fs_fsize, COUNT), \
	F(ffs_fs, fs_frag, COUNT), F(ffs_fs, fs_minfree, INT), F(ffs_fs, fs_bmask, FLAGS), \
	F(ffs_fs, fs_fmask, FLAGS), F(ffs_fs, fs_bshift, INT), F(ffs_fs, fs_fshift, INT), \
	F(ffs_fs, fs_maxcontig, COUNT), F(ffs_fs, fs_maxbpg, COUNT), F(ffs_fs, fs_fragshift, INT), \
	F(ffs_fs, fs_fsbtodb, INT), F(ffs_fs, fs_sbsize, COUNT), F(ffs_fs, fs_nindir, COUNT), \
	F(ffs_fs, fs_inopb, COUNT), F(ffs_fs, fs_old_nspf, COUNT), F(ffs_fs, fs_optim, INT), \
	F(ffs_fs, fs_old_csaddr, BLOCK), F(ffs_fs, fs_cssize, COUNT), F(ffs_fs, fs_cgsize, COUNT), \
	F(ffs_fs, fs_old_ncyl, COUNT), F(ffs_fs, fs_old_cpg, COUNT), F(ffs_fs, fs_ipg, COUNT), \
	F(ffs_fs, fs_fpg, COUNT), F(ffs_fs, fs_old_cstotal.cs_ndir, COUNT), \
	F(ffs_fs, fs_old_cstotal.cs_nbfree, COUNT), F(ffs_fs, fs_old_cstotal.cs_nifree, COUNT), \
	F(ffs_fs, fs_old_cstotal.cs_nffree, COUNT), F(ffs_fs, fs_clean, FLAGS), \
	F(ffs_fs, fs_old_flags, FLAGS), F(ffs_fs, fs_volname, NAME), F(ffs_fs, fs_maxbsize, COUNT), \
	F(ffs_fs, fs_journal_location, INT), F(ffs_fs, fs_sblockloc, INT), \
	F(ffs_fs, fs_cstotal.cs_ndir, COUNT), F(ffs_fs, fs_cstotal.cs_nbfree, COUNT), \
	F(ffs_fs, fs_cstotal.cs_nifree, COUNT), F(ffs_fs, fs_cstotal.cs_nffree, COUNT), \
	F(ffs_fs, fs_time, INT), F(ffs_fs, fs_size, COUNT), F(ffs_fs, fs_dsize, COUNT), \
	F(ffs_fs, fs_csaddr, BLOCK), F(ffs_fs, fs_pendingblocks, COUNT), \
	F(ffs_fs, fs_pendinginodes, COUNT), FA(ffs_fs, fs_snapinum, 0, INODE), \
	F(ffs_fs, fs_avgfilesize, COUNT), F(ffs_fs, fs_avgfpdir, COUNT), \
	F(ffs_fs, fs_save_cgsize, COUNT), F(ffs_fs, fs_flags, FLAGS), \
	F(ffs_fs, fs_contigsumsize, COUNT), F(ffs_fs, fs_maxsymlinklen, COUNT), \
	F(ffs_fs, fs_old_inodefmt, INT), F(ffs_fs, fs_maxfilesize, COUNT), \
	F(ffs_fs, fs_qbmask, FLAGS), F(ffs_fs, fs_qfmask, FLAGS), F(ffs_fs, fs_old_postblformat, INT), \
	F(ffs_fs, fs_old_nrpos, COUNT), F(ffs_fs, fs_magic, INT)

static const struct rump_fuzzmap_field sb_fields[] = { SB_FIELDS };
/* With FreeBSD's superblock check hash: the hash is derived, fixed after a mutation. */
static const struct rump_fuzzmap_field sb_ck_fields[] = { SB_FIELDS, F(ffs_fs, fs_ckhash, CRC32C) };

#define CG_FIELDS							\
	F(ffs_cg, cg_magic, INT), F(ffs_cg, cg_old_time, INT), F(ffs_cg, cg_cgx, COUNT), \
	F(ffs_cg, cg_old_ncyl, COUNT), F(ffs_cg, cg_old_niblk, COUNT), F(ffs_cg, cg_ndblk, COUNT), \
	F(ffs_cg, cg_cs.cs_ndir, COUNT), F(ffs_cg, cg_cs.cs_nbfree, COUNT), \
	F(ffs_cg, cg_cs.cs_nifree, COUNT), F(ffs_cg, cg_cs.cs_nffree, COUNT), \
	F(ffs_cg, cg_rotor, BLOCK), F(ffs_cg, cg_frotor, BLOCK), F(ffs_cg, cg_irotor, INODE), \
	FA(ffs_cg, cg_frsum, 1, COUNT), FA(ffs_cg, cg_frsum, 2, COUNT), FA(ffs_cg, cg_frsum, 7, COUNT), \
	F(ffs_cg, cg_old_btotoff, COUNT), F(ffs_cg, cg_old_boff, COUNT), F(ffs_cg, cg_iusedoff, COUNT), \
	F(ffs_cg, cg_freeoff, COUNT), F(ffs_cg, cg_nextfreeoff, COUNT), \
	F(ffs_cg, cg_clustersumoff, COUNT), F(ffs_cg, cg_clusteroff, COUNT), \
	F(ffs_cg, cg_nclusterblks, COUNT), F(ffs_cg, cg_niblk, COUNT), \
	F(ffs_cg, cg_initediblk, COUNT), F(ffs_cg, cg_time, INT)

static const struct rump_fuzzmap_field cg_fields[] = { CG_FIELDS };
static const struct rump_fuzzmap_field cg_ck_fields[] = { CG_FIELDS, F(ffs_cg, cg_ckhash, CRC32C) };

static const struct rump_fuzzmap_field csum_fields[] = {
	F(ffs_csum, cs_ndir, COUNT), F(ffs_csum, cs_nbfree, COUNT),
	F(ffs_csum, cs_nifree, COUNT), F(ffs_csum, cs_nffree, COUNT),
};

#define DINODE(st)							\
	F(st, di_mode, FLAGS), F(st, di_nlink, COUNT), F(st, di_size, COUNT),	\
	F(st, di_mtime, INT), F(st, di_flags, FLAGS), F(st, di_blocks, COUNT),	\
	F(st, di_gen, INT), F(st, di_uid, INT), F(st, di_gid, INT),		\
	FA(st, di_db, 0, BLOCK), FA(st, di_db, 1, BLOCK), FA(st, di_db, 2, BLOCK), \
	FA(st, di_db, 3, BLOCK), FA(st, di_db, 4, BLOCK), FA(st, di_db, 5, BLOCK), \
	FA(st, di_db, 6, BLOCK), FA(st, di_db, 7, BLOCK), FA(st, di_db, 8, BLOCK), \
	FA(st, di_db, 9, BLOCK), FA(st, di_db, 10, BLOCK), FA(st, di_db, 11, BLOCK), \
	FA(st, di_ib, 0, BLOCK), FA(st, di_ib, 1, BLOCK), FA(st, di_ib, 2, BLOCK)

static const struct rump_fuzzmap_field dinode1_fields[] = { DINODE(ffs_dinode1) };
static const struct rump_fuzzmap_field dinode2_fields[] = {
	DINODE(ffs_dinode2), F(ffs_dinode2, di_extsize, COUNT),
	FA(ffs_dinode2, di_extb, 0, BLOCK), F(ffs_dinode2, di_kernflags, FLAGS),
};

static const struct rump_fuzzmap_field dir_fields[] = {
	F(ffs_direct, d_ino, INODE), F(ffs_direct, d_reclen, RECLEN),
	F(ffs_direct, d_type, FLAGS), F(ffs_direct, d_namlen, COUNT),
	{ FFS_DIRHDR, 0, RUMP_FUZZMAP_F_NAME },
};

static const struct rump_fuzzmap_field indir1_fields[] = { { 0, 4, RUMP_FUZZMAP_F_BLOCK } };
static const struct rump_fuzzmap_field indir2_fields[] = { { 0, 8, RUMP_FUZZMAP_F_BLOCK } };

#define TABLE(f, stride)	{ f, __arraycount(f), stride }
static const struct rump_fuzzmap_table ffsmap_tables[T_NTABLES] = {
	/* One record each, however long the range: the maps after the header have no fields. */
	[T_SB] = TABLE(sb_fields, RUMP_FUZZMAP_ONERECORD),
	[T_SB_CK] = TABLE(sb_ck_fields, RUMP_FUZZMAP_ONERECORD),
	[T_CG] = TABLE(cg_fields, RUMP_FUZZMAP_ONERECORD),
	[T_CG_CK] = TABLE(cg_ck_fields, RUMP_FUZZMAP_ONERECORD),
	[T_CSUM] = TABLE(csum_fields, sizeof(struct ffs_csum)),
	[T_DINODE1] = TABLE(dinode1_fields, sizeof(struct ffs_dinode1)),
	[T_DINODE2] = TABLE(dinode2_fields, sizeof(struct ffs_dinode2)),
	[T_DIR] = TABLE(dir_fields, 0),
	[T_INDIR1] = TABLE(indir1_fields, 4),
	[T_INDIR2] = TABLE(indir2_fields, 8),
};

static const uint64_t ffsmap_sblocs[] = {
	FFS_SBLOCK_UFS2, FFS_SBLOCK_UFS1, FFS_SBLOCK_FLOPPY, FFS_SBLOCK_PIGGY,
};

/* The geometry read from the superblock, and how much walking is left. */
struct ffsmap {
	const uint8_t		*fx_img;
	size_t			fx_len;
	struct rump_fuzzmap	*fx_map;
	bool			fx_swap;
	bool			fx_ufs2;
	unsigned		fx_flags;	/* RUMP_FUZZMAP_BE or 0 */
	uint32_t		fx_ckhash;	/* FFS_CK_* in force */
	uint64_t		fx_sbloc;
	uint32_t		fx_bsize, fx_fsize, fx_ncg, fx_ipg, fx_fpg, fx_cgsize;
	uint32_t		fx_cblkno, fx_iblkno, fx_cgoffset, fx_cgmask, fx_isize;
	int32_t			fx_maxsymlink;
	uint64_t		fx_size;	/* frags */
	uint64_t		fx_budget;	/* indirect blocks still to follow */
};

static int	ffsmap_super(struct ffsmap *fx);
static int	ffsmap_geometry(struct ffsmap *fx, const struct ffs_fs *fs);
static int	ffsmap_cg(struct ffsmap *fx, uint32_t c);
static int	ffsmap_inode(struct ffsmap *fx, uint64_t off);
static int	ffsmap_tree(struct ffsmap *fx, int64_t addr, int level, bool dir, uint64_t lbn,
		    uint64_t nlbn);

static uint32_t
get32(const struct ffsmap *fx, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return ffs_get32(fx->fx_swap, v);
}

static uint64_t
get64(const struct ffsmap *fx, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return ffs_get64(fx->fx_swap, v);
}

/* A block pointer of the inode format (32 bits UFS1, 64 bits UFS2). */
static int64_t
getaddr(const struct ffsmap *fx, const uint8_t *p, size_t i)
{
	if (fx->fx_ufs2)
		return (int64_t)get64(fx, p + 8 * i);
	return (int32_t)get32(fx, p + 4 * i);
}

/* len bytes at frag addr, inside the file system and the image; otherwise corruption. */
static bool
ffsmap_runok(struct ffsmap *fx, int64_t addr, uint64_t len)
{
	if (addr == 0)
		return false;
	if (addr < 0 || len > fx->fx_len || (uint64_t)addr >= fx->fx_size ||
	    (uint64_t)addr > (fx->fx_len - len) / fx->fx_fsize) {
		fx->fx_map->fm_partial = 1;
		return false;
	}
	return true;
}

static int
ffsmap_addrun(struct ffsmap *fx, int64_t addr, uint64_t len, unsigned kind, unsigned table)
{
	if (!ffsmap_runok(fx, addr, len))
		return 0;
	return vfs_fuzzmap_add(fx->fx_map, (uint64_t)addr * fx->fx_fsize, len, kind, table,
	    table == RUMP_FUZZMAP_NOTABLE ? 0 : fx->fx_flags);
}

static uint64_t
ffsmap_cgstart(const struct ffsmap *fx, uint32_t c)
{
	uint64_t base = (uint64_t)fx->fx_fpg * c;

	if (fx->fx_ufs2)
		return base;
	return base + (uint64_t)fx->fx_cgoffset * (c & ~fx->fx_cgmask);
}

int
ffs_fuzzmap(const uint8_t *img, size_t len, struct rump_fuzzmap *map)
{
	struct ffsmap fx = { .fx_img = img, .fx_len = len, .fx_map = map };
	int error;

	map->fm_tables = ffsmap_tables;
	map->fm_ntables = T_NTABLES;
	if ((error = ffsmap_super(&fx)) != 0)
		return error;
	map->fm_nblocks = fx.fx_size;
	map->fm_ninodes = (uint64_t)fx.fx_ncg * fx.fx_ipg;
	map->fm_bsize = fx.fx_fsize;
	for (uint32_t c = 0; c < fx.fx_ncg; c++) {
		/* Groups past the image: a corrupt count, whose loop must not run to 2^32. */
		if (ffsmap_cgstart(&fx, c) >= MIN(fx.fx_size, len / fx.fx_fsize)) {
			map->fm_partial = 1;
			break;
		}
		if ((error = ffsmap_cg(&fx, c)) != 0)
			return error;
	}
	return 0;
}

/* The first superblock that counts where it lies, as the mount looks for it. */
static int
ffsmap_super(struct ffsmap *fx)
{
	struct ffs_fs fs;
	uint32_t sbsize;
	int64_t csaddr;
	int error;

	for (size_t i = 0; i < __arraycount(ffsmap_sblocs); i++) {
		fx->fx_sbloc = ffsmap_sblocs[i];
		if (fx->fx_sbloc + FFS_SBLOCKSIZE > fx->fx_len)
			continue;
		memcpy(&fs, fx->fx_img + fx->fx_sbloc, sizeof(fs));
		if (ffs_sb_magic(&fs, fx->fx_sbloc, &fx->fx_swap, &fx->fx_ufs2))
			break;
		fx->fx_sbloc = UINT64_MAX;
	}
	if (fx->fx_sbloc == UINT64_MAX || (error = ffsmap_geometry(fx, &fs)) != 0)
		return EINVAL;
	sbsize = ffs_get32(fx->fx_swap, (uint32_t)fs.fs_sbsize);
	sbsize = MAX(MIN(sbsize, (uint32_t)FFS_SBLOCKSIZE), (uint32_t)FFS_SBLOCKMAX);
	if ((error = vfs_fuzzmap_add(fx->fx_map, fx->fx_sbloc, sbsize, RUMP_FUZZMAP_SUPER,
	    (fx->fx_ckhash & FFS_CK_SUPERBLOCK) ? T_SB_CK : T_SB, fx->fx_flags)) != 0)
		return error;
	csaddr = fx->fx_ufs2 ? (int64_t)ffs_get64(fx->fx_swap, (uint64_t)fs.fs_csaddr) :
	    (int32_t)ffs_get32(fx->fx_swap, (uint32_t)fs.fs_old_csaddr);
	return ffsmap_addrun(fx, csaddr, (uint64_t)fx->fx_ncg * sizeof(struct ffs_csum),
	    RUMP_FUZZMAP_GROUP, T_CSUM);
}

/* What walking needs, checked so that no arithmetic below can overflow. */
static int
ffsmap_geometry(struct ffsmap *fx, const struct ffs_fs *fs)
{
	bool hostbe = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;

#define G32(f)	ffs_get32(fx->fx_swap, (uint32_t)fs->f)
	fx->fx_flags = (fx->fx_swap != hostbe) ? RUMP_FUZZMAP_BE : 0;
	fx->fx_bsize = G32(fs_bsize);
	fx->fx_fsize = G32(fs_fsize);
	fx->fx_ncg = G32(fs_ncg);
	fx->fx_ipg = G32(fs_ipg);
	fx->fx_fpg = G32(fs_fpg);
	fx->fx_cgsize = G32(fs_cgsize);
	fx->fx_cblkno = G32(fs_cblkno);
	fx->fx_iblkno = G32(fs_iblkno);
	fx->fx_cgoffset = G32(fs_old_cgoffset);
	fx->fx_cgmask = G32(fs_old_cgmask);
	fx->fx_maxsymlink = (int32_t)G32(fs_maxsymlinklen);
	fx->fx_size = fx->fx_ufs2 ? ffs_get64(fx->fx_swap, (uint64_t)fs->fs_size) : G32(fs_old_size);
	/* NetBSD gives the FFS_METACKHASH bit to quota2, whose images leave fs_metackhash zero. */
	fx->fx_ckhash = (G32(fs_flags) & FFS_METACKHASH) ? G32(fs_metackhash) : 0;
#undef G32
	fx->fx_isize = fx->fx_ufs2 ? sizeof(struct ffs_dinode2) : sizeof(struct ffs_dinode1);
	if (fx->fx_bsize < FFS_MINBSIZE || fx->fx_bsize > FFS_MAXBSIZE ||
	    (fx->fx_bsize & (fx->fx_bsize - 1)) != 0 || fx->fx_fsize < 512 ||
	    fx->fx_fsize > fx->fx_bsize || (fx->fx_fsize & (fx->fx_fsize - 1)) != 0 ||
	    fx->fx_bsize / fx->fx_fsize > FFS_MAXFRAG || fx->fx_ncg == 0 || fx->fx_ipg == 0 ||
	    fx->fx_fpg == 0 || fx->fx_size == 0 || fx->fx_cgsize == 0 ||
	    fx->fx_cgsize > fx->fx_bsize || fx->fx_cgoffset > fx->fx_fpg ||
	    fx->fx_cblkno >= fx->fx_fpg || fx->fx_iblkno >= fx->fx_fpg)
		return EINVAL;
	fx->fx_budget = 4 * (uint64_t)(fx->fx_len / fx->fx_bsize) + 65536;
	return 0;
}

/* One group: its header block (summary and maps), then every inode it marks used. */
static int
ffsmap_cg(struct ffsmap *fx, uint32_t c)
{
	int64_t cgtod = (int64_t)(ffsmap_cgstart(fx, c) + fx->fx_cblkno);
	uint64_t imin = ffsmap_cgstart(fx, c) + fx->fx_iblkno, off;
	const uint8_t *cg, *bits;
	uint32_t iused;
	int error;

	if (!ffsmap_runok(fx, cgtod, fx->fx_cgsize))
		return 0;
	error = ffsmap_addrun(fx, cgtod, fx->fx_cgsize, RUMP_FUZZMAP_GROUP,
	    (fx->fx_ckhash & FFS_CK_CYLGRP) ? T_CG_CK : T_CG);
	if (error != 0)
		return error;
	cg = fx->fx_img + (uint64_t)cgtod * fx->fx_fsize;
	iused = get32(fx, cg + offsetof(struct ffs_cg, cg_iusedoff));
	if (get32(fx, cg + offsetof(struct ffs_cg, cg_magic)) != FFS_CG_MAGIC ||
	    iused > fx->fx_cgsize || (fx->fx_ipg + 7) / 8 > fx->fx_cgsize - iused) {
		fx->fx_map->fm_partial = 1;
		return 0;
	}
	bits = cg + iused;
	for (uint32_t i = 0; i < fx->fx_ipg; i++) {
		if ((bits[i / 8] & (1u << (i % 8))) == 0)
			continue;
		/* imin is below the image's frags (checked first), so off cannot overflow. */
		if (imin >= MIN(fx->fx_size, fx->fx_len / fx->fx_fsize) ||
		    (off = imin * fx->fx_fsize + (uint64_t)i * fx->fx_isize) > fx->fx_len - fx->fx_isize) {
			fx->fx_map->fm_partial = 1;
			break;
		}
		if ((error = ffsmap_inode(fx, off)) != 0)
			return error;
	}
	return 0;
}

/* Bytes of logical block lbn of a file of size: the last direct block may be fragments. */
static uint64_t
ffsmap_blksize(const struct ffsmap *fx, uint64_t size, uint64_t lbn)
{
	uint64_t left = size - lbn * fx->fx_bsize;

	if (lbn >= FFS_NDADDR || left >= fx->fx_bsize)
		return fx->fx_bsize;
	return (left + fx->fx_fsize - 1) & ~(uint64_t)(fx->fx_fsize - 1);
}

/* A used inode's slot, then the blocks it points at that are metadata. */
static int
ffsmap_inode(struct ffsmap *fx, uint64_t off)
{
	const uint8_t *di = fx->fx_img + off;
	uint16_t mode;
	size_t dboff = fx->fx_ufs2 ? offsetof(struct ffs_dinode2, di_db) : offsetof(struct ffs_dinode1, di_db);
	size_t iboff = fx->fx_ufs2 ? offsetof(struct ffs_dinode2, di_ib) : offsetof(struct ffs_dinode1, di_ib);
	uint64_t size = get64(fx, di + (fx->fx_ufs2 ? offsetof(struct ffs_dinode2, di_size) :
	    offsetof(struct ffs_dinode1, di_size)));
	uint64_t nlbn = 0, base = FFS_NDADDR, per = fx->fx_bsize / (fx->fx_ufs2 ? 8 : 4), span = per;
	bool dir;
	int error;

	memcpy(&mode, di, sizeof(mode));
	mode = ffs_get16(fx->fx_swap, mode) & FFS_IFMT;
	dir = mode == FFS_IFDIR;
	if ((error = vfs_fuzzmap_add(fx->fx_map, off, fx->fx_isize, RUMP_FUZZMAP_INODE,
	    fx->fx_ufs2 ? T_DINODE2 : T_DINODE1, fx->fx_flags)) != 0)
		return error;
	if (mode == FFS_IFLNK) {
		/* A slow symlink: its target is in the first block. */
		if (fx->fx_maxsymlink > 0 && size < (uint64_t)fx->fx_maxsymlink)
			return 0;
		return ffsmap_addrun(fx, getaddr(fx, di + dboff, 0), ffsmap_blksize(fx, MIN(size,
		    fx->fx_bsize), 0), RUMP_FUZZMAP_SYMLINK, RUMP_FUZZMAP_NOTABLE);
	}
	if (!dir && mode != FFS_IFREG)
		return 0;
	if (dir)
		nlbn = (size + fx->fx_bsize - 1) / fx->fx_bsize;
	for (uint64_t l = 0; l < MIN(nlbn, (uint64_t)FFS_NDADDR); l++) {
		error = ffsmap_addrun(fx, getaddr(fx, di + dboff, l), ffsmap_blksize(fx, size, l),
		    RUMP_FUZZMAP_DIR, T_DIR);
		if (error != 0)
			return error;
	}
	for (int lv = 1; lv <= FFS_NIADDR; lv++) {
		error = ffsmap_tree(fx, getaddr(fx, di + iboff, (size_t)lv - 1), lv, dir, base, nlbn);
		if (error != 0)
			return error;
		base += span;
		span *= per;
	}
	return 0;
}

/*
 * An indirect block at level (1: points at data) covering logical
 * blocks from lbn; a directory's data blocks below nlbn are mapped too.
 * The budget bounds the walk on images whose pointers loop.
 */
static int
ffsmap_tree(struct ffsmap *fx, int64_t addr, int level, bool dir, uint64_t lbn, uint64_t nlbn)
{
	uint64_t per = fx->fx_bsize / (fx->fx_ufs2 ? 8 : 4), span = 1, clbn;
	const uint8_t *p;
	int error;

	if (!ffsmap_runok(fx, addr, fx->fx_bsize))
		return 0;
	if (fx->fx_budget == 0) {
		fx->fx_map->fm_partial = 1;
		return 0;
	}
	fx->fx_budget--;
	error = ffsmap_addrun(fx, addr, fx->fx_bsize, RUMP_FUZZMAP_INDIR,
	    fx->fx_ufs2 ? T_INDIR2 : T_INDIR1);
	if (error != 0 || (level == 1 && (!dir || lbn >= nlbn)))
		return error;
	for (int i = 1; i < level; i++)
		span *= per;
	p = fx->fx_img + (uint64_t)addr * fx->fx_fsize;
	for (uint64_t i = 0; i < per; i++) {
		clbn = lbn + i * span;
		if (level == 1 && clbn >= nlbn)
			break;
		if (level == 1)
			error = ffsmap_addrun(fx, getaddr(fx, p, i), fx->fx_bsize, RUMP_FUZZMAP_DIR, T_DIR);
		else
			error = ffsmap_tree(fx, getaddr(fx, p, i), level - 1, dir, clbn, nlbn);
		if (error != 0)
			return error;
	}
	return 0;
}
