/* ext2fs_super.c: reading, checking and writing the superblock and the group descriptors. */
#include "ext2fs.h"
#include "blkdev.h"

static int	sb_check_basics(struct ext2fs_mount *e2m, const struct ext2fs_sb *sb);
static void	sb_decode_counts(struct ext2fs_mount *e2m, const struct ext2fs_sb *sb);
static int	sb_check_geometry(struct ext2fs_mount *e2m);
static int	sb_check_features(struct ext2fs_mount *e2m, int mntflags);
static int	sb_check_state(const struct ext2fs_sb *sb, int mntflags);
static int	gd_decode(struct ext2fs_mount *e2m, uint32_t g);

/* Feature names, for the messages that refuse them (the names e2fsprogs uses). */
struct feature_name {
	int		fn_kind;	/* 0 compat, 1 incompat, 2 ro_compat */
	uint32_t	fn_mask;
	const char	*fn_name;
};
static const struct feature_name feature_names[] = {
	{ 1, EXT2F_INCOMPAT_COMPRESSION, "compression" },
	{ 1, EXT2F_INCOMPAT_JOURNAL_DEV, "journal_dev" },
	{ 1, EXT2F_INCOMPAT_META_BG, "meta_bg" },
	{ 1, EXT2F_INCOMPAT_EXTENTS, "extent" },
	{ 1, EXT2F_INCOMPAT_64BIT, "64bit" },
	{ 1, EXT2F_INCOMPAT_MMP, "mmp" },
	{ 1, EXT2F_INCOMPAT_FLEX_BG, "flex_bg" },
	{ 1, EXT2F_INCOMPAT_EA_INODE, "ea_inode" },
	{ 1, EXT2F_INCOMPAT_DIRDATA, "dirdata" },
	{ 1, EXT2F_INCOMPAT_CSUM_SEED, "metadata_csum_seed" },
	{ 1, EXT2F_INCOMPAT_LARGEDIR, "large_dir" },
	{ 1, EXT2F_INCOMPAT_INLINE_DATA, "inline_data" },
	{ 1, EXT2F_INCOMPAT_ENCRYPT, "encrypt" },
	{ 1, EXT2F_INCOMPAT_CASEFOLD, "casefold" },
	{ 2, EXT2F_ROCOMPAT_HUGE_FILE, "huge_file" },
	{ 2, EXT2F_ROCOMPAT_GDT_CSUM, "uninit_bg" },
	{ 2, EXT2F_ROCOMPAT_DIR_NLINK, "dir_nlink" },
	{ 2, EXT2F_ROCOMPAT_EXTRA_ISIZE, "extra_isize" },
	{ 2, EXT2F_ROCOMPAT_QUOTA, "quota" },
	{ 2, EXT2F_ROCOMPAT_BIGALLOC, "bigalloc" },
	{ 2, EXT2F_ROCOMPAT_METADATA_CSUM, "metadata_csum" },
};

/* The name of the lowest bit of mask of a kind, or NULL when we have none. */
static const char *
feature_name(int kind, uint32_t mask)
{
	uint32_t bit = mask & -mask;

	for (size_t i = 0; i < __arraycount(feature_names); i++)
		if (feature_names[i].fn_kind == kind && feature_names[i].fn_mask == bit)
			return feature_names[i].fn_name;
	return NULL;
}

static void
feature_refuse(int kind, uint32_t mask, const char *why)
{
	const char *name = feature_name(kind, mask);
	static const char *const kinds[] = { "compat", "incompat", "ro_compat" };

	if (name != NULL)
		kprintf("ext2fs: %s feature %s\n", why, name);
	else
		kprintf("ext2fs: %s feature %s 0x%x\n", why, kinds[kind], mask & -mask);
}

void
ext2fs_corrupt(struct ext2fs_mount *e2m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	__atomic_store_n(&e2m->e2m_errors, true, __ATOMIC_RELAXED);
	vfs_corrupted(e2m->e2m_mp, e2m->e2m_onerror);
}

void
ext2fs_undone(struct ext2fs_inode *ip, int error)
{
	if (error != 0)
		ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: undoing a failed change failed (error %d)\n",
		    (uintmax_t)ip->i_number, error);
}

bool
ext2fs_bno_ok(const struct ext2fs_mount *e2m, uint32_t bno)
{
	return bno >= e2m->e2m_firstdata && bno < e2m->e2m_nblocks;
}

/*
 * A block a file may point at: inside the fs and not its group's bitmaps
 * or inode table.  Besides keeping a corrupt file from overwriting them,
 * this keeps an indirect block from being a bitmap we lock while freeing.
 */
bool
ext2fs_fileblk_ok(const struct ext2fs_mount *e2m, uint32_t bno)
{
	const struct ext2fs_cg *cg;

	if (!ext2fs_bno_ok(e2m, bno))
		return false;
	cg = &e2m->e2m_cg[(bno - e2m->e2m_firstdata) / e2m->e2m_bpg];
	return bno != cg->cg_block_bitmap && bno != cg->cg_inode_bitmap &&
	    (bno < cg->cg_inode_table || bno - cg->cg_inode_table >= e2m->e2m_itblocks);
}

int
ext2fs_bread(struct ext2fs_mount *e2m, uint32_t bno, struct buf **bpp)
{
	*bpp = NULL;
	if (!ext2fs_bno_ok(e2m, bno)) {
		ext2fs_corrupt(e2m, "ext2fs: block %u outside the file system\n", bno);
		return EIO;
	}
	return bread(e2m->e2m_devvp, (daddr_t)bno << e2m->e2m_fsbtodb,
	    (int)e2m->e2m_bsize, 0, bpp);
}

/* ext2fs_bread, and the listed device blocks (checked by the caller) read along in clusters. */
int
ext2fs_breadn(struct ext2fs_mount *e2m, uint32_t bno, const daddr_t *rablks, const int *rasizes,
    int nra, struct buf **bpp)
{
	*bpp = NULL;
	if (!ext2fs_bno_ok(e2m, bno)) {
		ext2fs_corrupt(e2m, "ext2fs: block %u outside the file system\n", bno);
		return EIO;
	}
	return breadn(e2m->e2m_devvp, (daddr_t)bno << e2m->e2m_fsbtodb,
	    (int)e2m->e2m_bsize, rablks, rasizes, nra, 0, bpp);
}

int
ext2fs_getblk(struct ext2fs_mount *e2m, uint32_t bno, struct buf **bpp)
{
	*bpp = NULL;
	if (!ext2fs_bno_ok(e2m, bno)) {
		ext2fs_corrupt(e2m, "ext2fs: block %u outside the file system\n", bno);
		return EIO;
	}
	return getblk(e2m->e2m_devvp, (daddr_t)bno << e2m->e2m_fsbtodb,
	    (int)e2m->e2m_bsize, 0, bpp);
}

/* The vfsops probe: the magic of a superblock at byte 1024. */
bool
ext2fs_probe(const uint8_t *head, size_t len)
{
	struct ext2fs_sb sb;

	if (len < EXT2_SB_OFFSET + sizeof(sb))
		return false;
	memcpy(&sb, head + EXT2_SB_OFFSET, sizeof(sb));
	return e2_le16(sb.s_magic) == EXT2_MAGIC;
}

/* Magic, revision and block size: what decides how the rest is read. */
static int
sb_check_basics(struct ext2fs_mount *e2m, const struct ext2fs_sb *sb)
{
	uint32_t logbs = e2_le32(sb->s_log_block_size), rev = e2_le32(sb->s_rev_level);

	if (e2_le16(sb->s_magic) != EXT2_MAGIC) {
		kprintf("ext2fs: bad magic 0x%x\n", e2_le16(sb->s_magic));
		return EINVAL;
	}
	if (rev > EXT2_REV1) {
		kprintf("ext2fs: unknown revision %u\n", rev);
		return EINVAL;
	}
	if (logbs > EXT2_MAX_BSHIFT - EXT2_MIN_BSHIFT) {
		kprintf("ext2fs: unsupported block size log %u\n", logbs);
		return EINVAL;
	}
	e2m->e2m_bshift = EXT2_MIN_BSHIFT + logbs;
	e2m->e2m_bsize = 1u << e2m->e2m_bshift;
	e2m->e2m_fsbtodb = e2m->e2m_bshift - DEV_BSHIFT;
	e2m->e2m_nindir = e2m->e2m_bsize / 4;
	e2m->e2m_nindirshift = e2m->e2m_bshift - 2;
	return 0;
}

/* The counts, decoded as they are; sb_check_geometry judges them. */
static void
sb_decode_counts(struct ext2fs_mount *e2m, const struct ext2fs_sb *sb)
{
	e2m->e2m_nblocks = e2_le32(sb->s_blocks_count);
	e2m->e2m_ninodes = e2_le32(sb->s_inodes_count);
	e2m->e2m_rblocks = e2_le32(sb->s_r_blocks_count);
	e2m->e2m_firstdata = e2_le32(sb->s_first_data_block);
	e2m->e2m_bpg = e2_le32(sb->s_blocks_per_group);
	e2m->e2m_ipg = e2_le32(sb->s_inodes_per_group);
	if (e2_le32(sb->s_rev_level) == EXT2_REV0) {
		e2m->e2m_isize = EXT2_GOOD_OLD_INODE_SIZE;
		e2m->e2m_firstino = EXT2_GOOD_OLD_FIRST_INO;
	} else {
		e2m->e2m_isize = e2_le16(sb->s_inode_size);
		e2m->e2m_firstino = e2_le32(sb->s_first_ino);
	}
	e2m->e2m_resuid = e2_le16(sb->s_def_resuid);
	e2m->e2m_resgid = e2_le16(sb->s_def_resgid);
	switch (e2_le16(sb->s_errors)) {
	case EXT2_ERRORS_RO:	e2m->e2m_onerror = MNT_ERRORS_REMOUNTRO; break;
	case EXT2_ERRORS_PANIC:	e2m->e2m_onerror = MNT_ERRORS_PANIC; break;
	default:		e2m->e2m_onerror = MNT_ERRORS_CONTINUE; break;
	}
}

/* Sizes and counts: everything later code uses as a bound. */
static int
sb_check_geometry(struct ext2fs_mount *e2m)
{
	uint64_t devsize = bdev_size(e2m->e2m_bdev), groups;

	if (e2m->e2m_firstdata != (e2m->e2m_bsize == 1024 ? 1u : 0u) ||
	    e2m->e2m_nblocks <= e2m->e2m_firstdata ||
	    (uint64_t)e2m->e2m_nblocks << e2m->e2m_bshift > devsize) {
		kprintf("ext2fs: block count %u (first %u) does not fit the device (%ju bytes)\n",
		    e2m->e2m_nblocks, e2m->e2m_firstdata, (uintmax_t)devsize);
		return EINVAL;
	}
	if (e2m->e2m_bpg < 8 || e2m->e2m_bpg > 8 * e2m->e2m_bsize || e2m->e2m_bpg % 8 != 0 ||
	    e2m->e2m_ipg < 1 || e2m->e2m_ipg > 8 * e2m->e2m_bsize) {
		kprintf("ext2fs: bad group geometry (%u blocks, %u inodes per group)\n",
		    e2m->e2m_bpg, e2m->e2m_ipg);
		return EINVAL;
	}
	if ((e2m->e2m_isize != 128 && e2m->e2m_isize != 256) || e2m->e2m_isize > e2m->e2m_bsize) {
		kprintf("ext2fs: unsupported inode size %u\n", e2m->e2m_isize);
		return EINVAL;
	}
	groups = howmany((uint64_t)e2m->e2m_nblocks - e2m->e2m_firstdata, e2m->e2m_bpg);
	if (groups * e2m->e2m_ipg != e2m->e2m_ninodes || e2m->e2m_rblocks > e2m->e2m_nblocks ||
	    e2m->e2m_firstino <= EXT2_ROOTINO || e2m->e2m_firstino >= e2m->e2m_ninodes) {
		kprintf("ext2fs: bad counts (%u inodes, %ju groups, first inode %u)\n",
		    e2m->e2m_ninodes, (uintmax_t)groups, e2m->e2m_firstino);
		return EINVAL;
	}
	e2m->e2m_ngroups = (uint32_t)groups;
	e2m->e2m_ipb = e2m->e2m_bsize / e2m->e2m_isize;
	e2m->e2m_itblocks = howmany(e2m->e2m_ipg, e2m->e2m_ipb);
	e2m->e2m_ngdb = howmany(e2m->e2m_ngroups, e2m->e2m_bsize / sizeof(struct ext2fs_gd));
	return 0;
}

/* The e2fsprogs policy: unknown incompat refuses, unknown ro_compat allows read-only. */
static int
sb_check_features(struct ext2fs_mount *e2m, int mntflags)
{
	bool ronly = (mntflags & MNT_RDONLY) != 0;
	uint32_t bad;

	if (e2_le32(e2m->e2m_sb.s_rev_level) == EXT2_REV0) {
		e2m->e2m_compat = e2m->e2m_incompat = e2m->e2m_rocompat = 0;
		return 0;
	}
	e2m->e2m_compat = e2_le32(e2m->e2m_sb.s_feature_compat);
	e2m->e2m_incompat = e2_le32(e2m->e2m_sb.s_feature_incompat);
	e2m->e2m_rocompat = e2_le32(e2m->e2m_sb.s_feature_ro_compat);
	if ((bad = e2m->e2m_incompat & ~EXT2F_INCOMPAT_SUPP) != 0) {
		feature_refuse(1, bad, "unsupported");
		return EINVAL;
	}
	if ((bad = e2m->e2m_rocompat & EXT2F_ROCOMPAT_EXT4) != 0) {
		feature_refuse(2, bad, "unsupported ext4");
		return EINVAL;
	}
	if ((bad = e2m->e2m_rocompat & ~EXT2F_ROCOMPAT_SUPP) != 0 && !ronly) {
		feature_refuse(2, bad, "read-only mount only: unknown");
		return EROFS;
	}
	if ((e2m->e2m_incompat & EXT2F_INCOMPAT_RECOVER) && !ronly) {
		kprintf("ext2fs: the journal needs recovery: run e2fsck or mount read-only\n");
		return EROFS;
	}
	return 0;
}

/* A file system that is not clean or has errors is written only when forced. */
static int
sb_check_state(const struct ext2fs_sb *sb, int mntflags)
{
	uint16_t state = e2_le16(sb->s_state);

	if (mntflags & (MNT_RDONLY | MNT_FORCE))
		return 0;
	if (!(state & EXT2_STATE_VALID) || (state & EXT2_STATE_ERROR)) {
		kprintf("ext2fs: file system %s: run e2fsck or mount with force\n",
		    (state & EXT2_STATE_ERROR) ? "has errors" : "was not cleanly unmounted");
		return EPERM;
	}
	return 0;
}

/* May the mounted file system turn read-write (an update from read-only)? */
int
ext2fs_sb_check_rw(struct ext2fs_mount *e2m, int mntflags)
{
	int error;

	if ((error = sb_check_features(e2m, mntflags & ~MNT_RDONLY)) != 0)
		return error;
	return sb_check_state(&e2m->e2m_sb, mntflags & ~MNT_RDONLY);
}

int
ext2fs_sb_load(struct ext2fs_mount *e2m, int mntflags)
{
	struct buf *bp;
	int error;

	/* Read in 1 KiB units, then drop it: the fs later buffers it inside a block of its size. */
	error = bread(e2m->e2m_devvp, EXT2_SB_OFFSET / DEV_BSIZE, EXT2_SB_SIZE, 0, &bp);
	if (error) {
		kprintf("ext2fs: cannot read the superblock (error %d)\n", error);
		return error == EIO ? EINVAL : error;
	}
	memcpy(&e2m->e2m_sb, bp->b_data, sizeof(e2m->e2m_sb));
	brelse(bp, BC_INVAL);
	if ((error = sb_check_basics(e2m, &e2m->e2m_sb)) != 0)
		return error;
	sb_decode_counts(e2m, &e2m->e2m_sb);
	if ((error = sb_check_geometry(e2m)) != 0)
		return error;
	if ((error = sb_check_features(e2m, mntflags)) != 0)
		return error;
	if ((error = sb_check_state(&e2m->e2m_sb, mntflags)) != 0)
		return error;
	e2m->e2m_maxfilesize = (e2m->e2m_rocompat & EXT2F_ROCOMPAT_LARGE_FILE) ?
	    (ext2fs_maxlbn(e2m) << e2m->e2m_bshift) : 0x7fffffffULL;
	/* i_blocks counts 512-byte sectors in 32 bits: it bounds the size too. */
	if (e2m->e2m_maxfilesize > ((uint64_t)UINT32_MAX << 9) - ((uint64_t)e2m->e2m_bsize << 6))
		e2m->e2m_maxfilesize = ((uint64_t)UINT32_MAX << 9) - ((uint64_t)e2m->e2m_bsize << 6);
	return 0;
}

static int
gd_decode(struct ext2fs_mount *e2m, uint32_t g)
{
	const struct ext2fs_gd *gd = (const struct ext2fs_gd *)e2m->e2m_gdraw + g;
	struct ext2fs_cg *cg = &e2m->e2m_cg[g];
	uint32_t gfirst = e2m->e2m_firstdata + g * e2m->e2m_bpg;
	uint32_t gblocks = MIN(e2m->e2m_bpg, e2m->e2m_nblocks - gfirst);

	cg->cg_block_bitmap = e2_le32(gd->bg_block_bitmap);
	cg->cg_inode_bitmap = e2_le32(gd->bg_inode_bitmap);
	cg->cg_inode_table = e2_le32(gd->bg_inode_table);
	cg->cg_nbfree = e2_le16(gd->bg_free_blocks_count);
	cg->cg_nifree = e2_le16(gd->bg_free_inodes_count);
	cg->cg_ndirs = e2_le16(gd->bg_used_dirs_count);
	cg->cg_ifree_from = 0;
	/* Each group's metadata inside the group (no flex_bg): ext2fs_fileblk_ok relies on it. */
	if (cg->cg_block_bitmap - gfirst >= gblocks || cg->cg_inode_bitmap - gfirst >= gblocks ||
	    cg->cg_inode_table - gfirst >= gblocks ||
	    (uint64_t)cg->cg_inode_table - gfirst + e2m->e2m_itblocks > gblocks ||
	    cg->cg_nbfree > gblocks || cg->cg_nifree > e2m->e2m_ipg || cg->cg_ndirs > e2m->e2m_ipg) {
		kprintf("ext2fs: group %u: bad descriptor\n", g);
		return EINVAL;
	}
	e2m->e2m_nbfree += cg->cg_nbfree;
	e2m->e2m_nifree += cg->cg_nifree;
	return 0;
}

int
ext2fs_gd_load(struct ext2fs_mount *e2m)
{
	uint32_t first = e2m->e2m_firstdata + 1;
	struct buf *bp;
	int error;

	if ((uint64_t)first + e2m->e2m_ngdb > e2m->e2m_nblocks) {
		kprintf("ext2fs: group descriptors (%u blocks) past the end\n", e2m->e2m_ngdb);
		return EINVAL;
	}
	e2m->e2m_gdraw = kmem_zalloc((size_t)e2m->e2m_ngdb * e2m->e2m_bsize, KM_SLEEP);
	e2m->e2m_cg = kmem_zalloc((size_t)e2m->e2m_ngroups * sizeof(*e2m->e2m_cg), KM_SLEEP);
	if (e2m->e2m_gdraw == NULL || e2m->e2m_cg == NULL)
		return ENOMEM;	/* the caller frees what was allocated */
	for (uint32_t i = 0; i < e2m->e2m_ngdb; i++) {
		if ((error = ext2fs_bread(e2m, first + i, &bp)) != 0)
			return error == EIO ? EINVAL : error;
		memcpy((char *)e2m->e2m_gdraw + (size_t)i * e2m->e2m_bsize, bp->b_data, e2m->e2m_bsize);
		brelse(bp, 0);
	}
	for (uint32_t g = 0; g < e2m->e2m_ngroups; g++)
		if ((error = gd_decode(e2m, g)) != 0)
			return error;
	return 0;
}

/* Encode the counts into the raw copies (e2m_sblock and e2m_lock held). */
static void
sb_encode(struct ext2fs_mount *e2m)
{
	struct ext2fs_gd *gd = e2m->e2m_gdraw;

	for (uint32_t g = 0; g < e2m->e2m_ngroups; g++) {
		gd[g].bg_free_blocks_count = e2_tole16((uint16_t)e2m->e2m_cg[g].cg_nbfree);
		gd[g].bg_free_inodes_count = e2_tole16((uint16_t)e2m->e2m_cg[g].cg_nifree);
		gd[g].bg_used_dirs_count = e2_tole16((uint16_t)e2m->e2m_cg[g].cg_ndirs);
	}
	/* Like Linux: corruption seen while mounted sends the next mount to e2fsck. */
	if (__atomic_load_n(&e2m->e2m_errors, __ATOMIC_RELAXED))
		e2m->e2m_sb.s_state |= e2_tole16(EXT2_STATE_ERROR);
	e2m->e2m_sb.s_free_blocks_count = e2_tole32((uint32_t)e2m->e2m_nbfree);
	e2m->e2m_sb.s_free_inodes_count = e2_tole32((uint32_t)e2m->e2m_nifree);
}

bool
ext2fs_syncmnt(const struct ext2fs_mount *e2m)
{
	return (e2m->e2m_mp->mnt_flag & MNT_SYNCHRONOUS) != 0;
}

int
ext2fs_mwrite(struct ext2fs_mount *e2m, struct buf *bp)
{
	if (ext2fs_syncmnt(e2m))
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

static int
write_buf(struct buf *bp, bool wait)
{
	if (wait)
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

/* Write the superblock and the descriptors (primary copies; backups stay as made). */
int
ext2fs_sb_write(struct ext2fs_mount *e2m, bool wait)
{
	uint32_t sbblock = e2m->e2m_bsize == 1024 ? 1 : 0;
	uint32_t sboff = e2m->e2m_bsize == 1024 ? 0 : EXT2_SB_OFFSET;
	struct buf *bp;
	int error = 0, e;

	if (e2m->e2m_ronly)
		return 0;
	mutex_enter(&e2m->e2m_sblock);
	mutex_enter(&e2m->e2m_lock);
	if (!e2m->e2m_dirty) {	/* the syncer calls often: an idle fs writes nothing */
		mutex_exit(&e2m->e2m_lock);
		mutex_exit(&e2m->e2m_sblock);
		return 0;
	}
	sb_encode(e2m);
	e2m->e2m_dirty = false;
	mutex_exit(&e2m->e2m_lock);
	if (sbblock == 0)
		e = bread(e2m->e2m_devvp, 0, (int)e2m->e2m_bsize, 0, &bp);
	else
		e = ext2fs_bread(e2m, sbblock, &bp);
	if (e == 0) {
		memcpy((char *)bp->b_data + sboff, &e2m->e2m_sb, sizeof(e2m->e2m_sb));
		e = write_buf(bp, wait);
	}
	error = e;
	for (uint32_t i = 0; i < e2m->e2m_ngdb; i++) {
		if ((e = ext2fs_getblk(e2m, e2m->e2m_firstdata + 1 + i, &bp)) == 0) {
			memcpy(bp->b_data, (char *)e2m->e2m_gdraw + (size_t)i * e2m->e2m_bsize,
			    e2m->e2m_bsize);
			e = write_buf(bp, wait);
		}
		if (error == 0)
			error = e;
	}
	mutex_exit(&e2m->e2m_sblock);
	return error;
}
