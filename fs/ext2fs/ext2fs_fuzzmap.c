/* ext2fs_fuzzmap.c: the metadata map of an ext2 image in memory (vfs_fuzzmap): superblock, descriptors, bitmaps, used inodes, directory and indirect blocks. */
#include "ext2fs.h"

#include <rump/rump_fuzzmap.h>

/* The field tables, indices into e2map_tables. */
enum { T_SB, T_GD, T_INODE128, T_INODE256, T_DIR, T_INDIR, T_NTABLES };

#define F(st, m, t) { offsetof(struct st, m), sizeof(((struct st *)0)->m), RUMP_FUZZMAP_F_##t }
#define FA(st, m, i, t) { offsetof(struct st, m) + (i) * sizeof(((struct st *)0)->m[0]), \
	sizeof(((struct st *)0)->m[0]), RUMP_FUZZMAP_F_##t }

static const struct rump_fuzzmap_field sb_fields[] = {
	F(ext2fs_sb, s_inodes_count, COUNT), F(ext2fs_sb, s_blocks_count, COUNT),
	F(ext2fs_sb, s_r_blocks_count, COUNT), F(ext2fs_sb, s_free_blocks_count, COUNT),
	F(ext2fs_sb, s_free_inodes_count, COUNT), F(ext2fs_sb, s_first_data_block, BLOCK),
	F(ext2fs_sb, s_log_block_size, INT), F(ext2fs_sb, s_log_frag_size, INT),
	F(ext2fs_sb, s_blocks_per_group, COUNT), F(ext2fs_sb, s_frags_per_group, COUNT),
	F(ext2fs_sb, s_inodes_per_group, COUNT), F(ext2fs_sb, s_mtime, INT),
	F(ext2fs_sb, s_wtime, INT), F(ext2fs_sb, s_mnt_count, COUNT),
	F(ext2fs_sb, s_max_mnt_count, INT), F(ext2fs_sb, s_magic, INT),
	F(ext2fs_sb, s_state, FLAGS), F(ext2fs_sb, s_errors, INT),
	F(ext2fs_sb, s_minor_rev_level, INT), F(ext2fs_sb, s_lastcheck, INT),
	F(ext2fs_sb, s_checkinterval, INT), F(ext2fs_sb, s_creator_os, INT),
	F(ext2fs_sb, s_rev_level, INT), F(ext2fs_sb, s_def_resuid, INT),
	F(ext2fs_sb, s_def_resgid, INT), F(ext2fs_sb, s_first_ino, INODE),
	F(ext2fs_sb, s_inode_size, COUNT), F(ext2fs_sb, s_block_group_nr, COUNT),
	F(ext2fs_sb, s_feature_compat, FLAGS), F(ext2fs_sb, s_feature_incompat, FLAGS),
	F(ext2fs_sb, s_feature_ro_compat, FLAGS), F(ext2fs_sb, s_volume_name, NAME),
	F(ext2fs_sb, s_last_mounted, NAME), F(ext2fs_sb, s_prealloc_blocks, COUNT),
	F(ext2fs_sb, s_prealloc_dir_blocks, COUNT), F(ext2fs_sb, s_reserved_gdt_blocks, COUNT),
	F(ext2fs_sb, s_journal_inum, INODE), F(ext2fs_sb, s_last_orphan, INODE),
	F(ext2fs_sb, s_def_hash_version, INT), F(ext2fs_sb, s_desc_size, COUNT),
	F(ext2fs_sb, s_first_meta_bg, COUNT), F(ext2fs_sb, s_blocks_count_hi, COUNT),
	F(ext2fs_sb, s_min_extra_isize, COUNT), F(ext2fs_sb, s_want_extra_isize, COUNT),
	F(ext2fs_sb, s_flags, FLAGS),
};

static const struct rump_fuzzmap_field gd_fields[] = {
	F(ext2fs_gd, bg_block_bitmap, BLOCK), F(ext2fs_gd, bg_inode_bitmap, BLOCK),
	F(ext2fs_gd, bg_inode_table, BLOCK), F(ext2fs_gd, bg_free_blocks_count, COUNT),
	F(ext2fs_gd, bg_free_inodes_count, COUNT), F(ext2fs_gd, bg_used_dirs_count, COUNT),
	F(ext2fs_gd, bg_flags, FLAGS),
};

/* The 128-byte core; the large-inode fields follow in the second table. */
#define INODE_CORE							\
	F(ext2fs_dinode, i_mode, FLAGS), F(ext2fs_dinode, i_uid, INT),	\
	F(ext2fs_dinode, i_size, COUNT), F(ext2fs_dinode, i_atime, INT),	\
	F(ext2fs_dinode, i_ctime, INT), F(ext2fs_dinode, i_mtime, INT),	\
	F(ext2fs_dinode, i_dtime, INT), F(ext2fs_dinode, i_gid, INT),	\
	F(ext2fs_dinode, i_links_count, COUNT), F(ext2fs_dinode, i_blocks, COUNT), \
	F(ext2fs_dinode, i_flags, FLAGS),					\
	FA(ext2fs_dinode, i_block, 0, BLOCK), FA(ext2fs_dinode, i_block, 1, BLOCK), \
	FA(ext2fs_dinode, i_block, 2, BLOCK), FA(ext2fs_dinode, i_block, 3, BLOCK), \
	FA(ext2fs_dinode, i_block, 4, BLOCK), FA(ext2fs_dinode, i_block, 5, BLOCK), \
	FA(ext2fs_dinode, i_block, 6, BLOCK), FA(ext2fs_dinode, i_block, 7, BLOCK), \
	FA(ext2fs_dinode, i_block, 8, BLOCK), FA(ext2fs_dinode, i_block, 9, BLOCK), \
	FA(ext2fs_dinode, i_block, 10, BLOCK), FA(ext2fs_dinode, i_block, 11, BLOCK), \
	FA(ext2fs_dinode, i_block, 12, BLOCK), FA(ext2fs_dinode, i_block, 13, BLOCK), \
	FA(ext2fs_dinode, i_block, 14, BLOCK), F(ext2fs_dinode, i_generation, INT), \
	F(ext2fs_dinode, i_file_acl, BLOCK), F(ext2fs_dinode, i_size_high, COUNT), \
	F(ext2fs_dinode, i_blocks_hi, COUNT), F(ext2fs_dinode, i_uid_high, INT), \
	F(ext2fs_dinode, i_gid_high, INT)

static const struct rump_fuzzmap_field inode128_fields[] = { INODE_CORE };
static const struct rump_fuzzmap_field inode256_fields[] = {
	INODE_CORE, F(ext2fs_dinode, i_extra_isize, COUNT), F(ext2fs_dinode, i_ctime_extra, INT),
	F(ext2fs_dinode, i_mtime_extra, INT), F(ext2fs_dinode, i_atime_extra, INT),
	F(ext2fs_dinode, i_crtime, INT),
};

static const struct rump_fuzzmap_field dir_fields[] = {
	F(ext2fs_direct, d_ino, INODE), F(ext2fs_direct, d_reclen, RECLEN),
	F(ext2fs_direct, d_namelen, COUNT), F(ext2fs_direct, d_type, FLAGS),
	{ EXT2_DIR_HDR, 0, RUMP_FUZZMAP_F_NAME },
};

static const struct rump_fuzzmap_field indir_fields[] = { { 0, 4, RUMP_FUZZMAP_F_BLOCK } };

#define TABLE(f, stride)	{ f, __arraycount(f), stride }
static const struct rump_fuzzmap_table e2map_tables[T_NTABLES] = {
	[T_SB] = TABLE(sb_fields, EXT2_SB_SIZE),
	[T_GD] = TABLE(gd_fields, sizeof(struct ext2fs_gd)),
	[T_INODE128] = TABLE(inode128_fields, 128),
	[T_INODE256] = TABLE(inode256_fields, 256),
	[T_DIR] = TABLE(dir_fields, 0),
	[T_INDIR] = TABLE(indir_fields, 4),
};

/* The geometry read from the superblock, and how much walking is left. */
struct e2map {
	const uint8_t		*em_img;
	size_t			em_len;
	struct rump_fuzzmap	*em_map;
	uint32_t		em_bsize;
	uint32_t		em_nblocks;
	uint32_t		em_ninodes;
	uint32_t		em_ipg;
	uint32_t		em_ngroups;
	uint32_t		em_isize;
	uint64_t		em_gdoff;	/* byte offset of the descriptors */
	uint64_t		em_budget;	/* block pointers still to follow */
};

static int	e2map_super(struct e2map *em);
static int	e2map_group(struct e2map *em, uint32_t g);
static int	e2map_inode(struct e2map *em, uint64_t off);
static int	e2map_tree(struct e2map *em, uint32_t blk, int level, bool dir, uint64_t lbn,
		    uint64_t nlbn);

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return e2_le32(v);
}

static uint16_t
get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return e2_le16(v);
}

/* A block inside both the file system and the image; anything else is corruption. */
static bool
e2map_blkok(struct e2map *em, uint32_t blk)
{
	if (blk == 0)
		return false;
	if (blk >= em->em_nblocks || (uint64_t)(blk + 1ull) * em->em_bsize > em->em_len) {
		em->em_map->fm_partial = 1;
		return false;
	}
	return true;
}

static int
e2map_addblk(struct e2map *em, uint32_t blk, unsigned kind, unsigned table)
{
	if (!e2map_blkok(em, blk))
		return 0;
	return vfs_fuzzmap_add(em->em_map, (uint64_t)blk * em->em_bsize, em->em_bsize, kind, table, 0);
}

int
ext2fs_fuzzmap(const uint8_t *img, size_t len, struct rump_fuzzmap *map)
{
	struct e2map em = { .em_img = img, .em_len = len, .em_map = map };
	int error;

	map->fm_tables = e2map_tables;
	map->fm_ntables = T_NTABLES;
	if ((error = e2map_super(&em)) != 0)
		return error;
	map->fm_nblocks = em.em_nblocks;
	map->fm_ninodes = em.em_ninodes;
	map->fm_bsize = em.em_bsize;
	for (uint32_t g = 0; g < em.em_ngroups; g++) {
		if ((error = e2map_group(&em, g)) != 0)
			return error;
	}
	return 0;
}

/* The geometry, checked as far as walking needs: EINVAL only when nothing can be mapped. */
static int
e2map_super(struct e2map *em)
{
	const uint8_t *sb = em->em_img + EXT2_SB_OFFSET;
	uint32_t logbs, first, bpg, rev;
	uint64_t gdoff;
	uint64_t gdmax;

	if (em->em_len < EXT2_SB_OFFSET + EXT2_SB_SIZE ||
	    get16(sb + offsetof(struct ext2fs_sb, s_magic)) != EXT2_MAGIC)
		return EINVAL;
	logbs = get32(sb + offsetof(struct ext2fs_sb, s_log_block_size));
	rev = get32(sb + offsetof(struct ext2fs_sb, s_rev_level));
	first = get32(sb + offsetof(struct ext2fs_sb, s_first_data_block));
	bpg = get32(sb + offsetof(struct ext2fs_sb, s_blocks_per_group));
	em->em_nblocks = get32(sb + offsetof(struct ext2fs_sb, s_blocks_count));
	em->em_ninodes = get32(sb + offsetof(struct ext2fs_sb, s_inodes_count));
	em->em_ipg = get32(sb + offsetof(struct ext2fs_sb, s_inodes_per_group));
	em->em_isize = rev == EXT2_REV0 ? EXT2_GOOD_OLD_INODE_SIZE :
	    get16(sb + offsetof(struct ext2fs_sb, s_inode_size));
	if (logbs > EXT2_MAX_BSHIFT - EXT2_MIN_BSHIFT || rev > EXT2_REV1 || bpg == 0 ||
	    em->em_ipg == 0 || first >= em->em_nblocks || em->em_isize < EXT2_GOOD_OLD_INODE_SIZE ||
	    (em->em_isize & (em->em_isize - 1)) != 0)
		return EINVAL;
	em->em_bsize = 1024u << logbs;
	if (em->em_isize > em->em_bsize)
		return EINVAL;
	em->em_ngroups = (uint32_t)(((uint64_t)em->em_nblocks - first + bpg - 1) / bpg);
	em->em_budget = 4 * (uint64_t)(em->em_len / em->em_bsize) + 65536;
	if (vfs_fuzzmap_add(em->em_map, EXT2_SB_OFFSET, EXT2_SB_SIZE, RUMP_FUZZMAP_SUPER, T_SB, 0) != 0)
		return ENOMEM;
	/* The descriptors start in the block after the superblock's. */
	gdoff = em->em_gdoff = ((uint64_t)first + 1) * em->em_bsize;
	gdmax = gdoff < em->em_len ? (em->em_len - gdoff) / sizeof(struct ext2fs_gd) : 0;
	if (em->em_ngroups > gdmax) {
		em->em_map->fm_partial = 1;
		em->em_ngroups = (uint32_t)gdmax;
	}
	return vfs_fuzzmap_add(em->em_map, gdoff, (uint64_t)em->em_ngroups * sizeof(struct ext2fs_gd),
	    RUMP_FUZZMAP_GROUP, T_GD, 0);
}

/* One group: its bitmaps, then every inode its bitmap marks used. */
static int
e2map_group(struct e2map *em, uint32_t g)
{
	const uint8_t *gd = em->em_img + em->em_gdoff + (uint64_t)g * sizeof(struct ext2fs_gd);
	uint32_t bb = get32(gd + offsetof(struct ext2fs_gd, bg_block_bitmap));
	uint32_t ib = get32(gd + offsetof(struct ext2fs_gd, bg_inode_bitmap));
	uint32_t it = get32(gd + offsetof(struct ext2fs_gd, bg_inode_table));
	uint32_t n = MIN(em->em_ipg, em->em_bsize * 8);
	const uint8_t *bits;
	uint64_t ino, off;
	int error;

	if ((error = e2map_addblk(em, bb, RUMP_FUZZMAP_BITMAP, RUMP_FUZZMAP_NOTABLE)) != 0 ||
	    (error = e2map_addblk(em, ib, RUMP_FUZZMAP_BITMAP, RUMP_FUZZMAP_NOTABLE)) != 0)
		return error;
	if (!e2map_blkok(em, ib) || !e2map_blkok(em, it))
		return 0;
	bits = em->em_img + (uint64_t)ib * em->em_bsize;
	for (uint32_t i = 0; i < n; i++) {
		ino = (uint64_t)g * em->em_ipg + i + 1;
		if (ino > em->em_ninodes)
			break;
		if ((bits[i / 8] & (1u << (i % 8))) == 0)
			continue;
		off = (uint64_t)it * em->em_bsize + (uint64_t)i * em->em_isize;
		if (off + em->em_isize > em->em_len) {
			em->em_map->fm_partial = 1;
			break;
		}
		if ((error = e2map_inode(em, off)) != 0)
			return error;
	}
	return 0;
}

/* A used inode's slot, then the blocks it points at that are metadata. */
static int
e2map_inode(struct e2map *em, uint64_t off)
{
	const uint8_t *di = em->em_img + off;
	uint16_t mode = get16(di + offsetof(struct ext2fs_dinode, i_mode)) & 0170000;
	uint32_t flags = get32(di + offsetof(struct ext2fs_dinode, i_flags));
	uint32_t size = get32(di + offsetof(struct ext2fs_dinode, i_size));
	uint32_t blk[EXT2_N_BLOCKS];
	uint64_t nlbn;
	bool dir = mode == 0040000;
	int error;

	error = vfs_fuzzmap_add(em->em_map, off, MIN(em->em_isize, 256u), RUMP_FUZZMAP_INODE,
	    em->em_isize >= 256 ? T_INODE256 : T_INODE128, 0);
	if (error != 0 || (flags & (EXT2_EXTENTS_FL | EXT2_INLINE_DATA_FL)) != 0)
		return error;
	for (int i = 0; i < EXT2_N_BLOCKS; i++)
		blk[i] = get32(di + offsetof(struct ext2fs_dinode, i_block) + 4 * (size_t)i);
	if (mode == 0120000) {
		/* A slow symlink: its target is in the first block. */
		if (size > EXT2_FAST_SYMLINK_MAX &&
		    get32(di + offsetof(struct ext2fs_dinode, i_blocks)) != 0)
			return e2map_addblk(em, blk[0], RUMP_FUZZMAP_SYMLINK, RUMP_FUZZMAP_NOTABLE);
		return 0;
	}
	if (!dir && mode != 0100000)
		return 0;
	nlbn = dir ? ((uint64_t)size + em->em_bsize - 1) / em->em_bsize : 0;
	for (uint64_t l = 0; l < MIN(nlbn, (uint64_t)EXT2_NDADDR); l++) {
		if ((error = e2map_addblk(em, blk[l], RUMP_FUZZMAP_DIR, T_DIR)) != 0)
			return error;
	}
	uint64_t base = EXT2_NDADDR, per = em->em_bsize / 4, span = per;
	for (int lv = 1; lv <= EXT2_NIADDR; lv++) {
		if ((error = e2map_tree(em, blk[EXT2_NDADDR + lv - 1], lv, dir, base, nlbn)) != 0)
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
e2map_tree(struct e2map *em, uint32_t blk, int level, bool dir, uint64_t lbn, uint64_t nlbn)
{
	uint64_t per = em->em_bsize / 4, span = 1;
	const uint8_t *p;
	int error;

	if (!e2map_blkok(em, blk))
		return 0;
	if (em->em_budget == 0) {
		em->em_map->fm_partial = 1;
		return 0;
	}
	em->em_budget--;
	if ((error = e2map_addblk(em, blk, RUMP_FUZZMAP_INDIR, T_INDIR)) != 0)
		return error;
	for (int i = 1; i < level; i++)
		span *= per;
	if (level == 1 && (!dir || lbn >= nlbn))
		return 0;
	p = em->em_img + (uint64_t)blk * em->em_bsize;
	for (uint64_t i = 0; i < per; i++) {
		uint32_t child = get32(p + 4 * i);
		uint64_t clbn = lbn + i * span;

		if (dir && clbn >= nlbn && level == 1)
			break;
		if (level == 1)
			error = e2map_addblk(em, child, RUMP_FUZZMAP_DIR, T_DIR);
		else
			error = e2map_tree(em, child, level - 1, dir, clbn, nlbn);
		if (error != 0)
			return error;
	}
	return 0;
}
