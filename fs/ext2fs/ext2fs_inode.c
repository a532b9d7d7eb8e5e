/* ext2fs_inode.c: inodes: finding them in the inode tables, decoding, checking and writing them back. */
#include "ext2fs.h"

static void	inode_decode(struct ext2fs_inode *ip);
static void	inode_encode(struct ext2fs_inode *ip);
static int	inode_check(const struct ext2fs_inode *ip);

/* The block holding inode ino and the byte offset of the inode in it. */
static int
inode_where(struct ext2fs_mount *e2m, ino_t ino, uint32_t *bnop, uint32_t *offp)
{
	uint32_t g, idx;

	if (ino < 1 || ino > e2m->e2m_ninodes)
		return EIO;
	g = (uint32_t)((ino - 1) / e2m->e2m_ipg);
	idx = (uint32_t)((ino - 1) % e2m->e2m_ipg);
	*bnop = e2m->e2m_cg[g].cg_inode_table + idx / e2m->e2m_ipb;
	*offp = (idx % e2m->e2m_ipb) * e2m->e2m_isize;
	return 0;
}

/*
 * The block holding inode ino, busy, and the inode's offset in it.  On a
 * miss the next blocks of the group's inode table are read along (in one
 * host read): files made together have neighbouring inodes and are
 * mostly wanted together (ls -l, rm -r, find, a tree copied out), so a
 * cold walk of a directory costs a read per E2_INODE_READALONG blocks, not
 * one per block.
 */
static int
inode_bread(struct ext2fs_mount *e2m, ino_t ino, struct buf **bpp, uint32_t *offp)
{
	daddr_t ra[E2_INODE_READALONG];
	int rasz[E2_INODE_READALONG], n = 0;
	uint32_t bno, end;
	int error;

	if ((error = inode_where(e2m, ino, &bno, offp)) != 0)
		return error;
	if (!ext2fs_bno_ok(e2m, bno) ||
	    bincore(e2m->e2m_devvp, (daddr_t)bno << e2m->e2m_fsbtodb))
		return ext2fs_bread(e2m, bno, bpp);
	end = e2m->e2m_cg[(ino - 1) / e2m->e2m_ipg].cg_inode_table + e2m->e2m_itblocks;
	for (uint32_t b = bno + 1; b < end && n < E2_INODE_READALONG; b++, n++) {
		ra[n] = (daddr_t)b << e2m->e2m_fsbtodb;
		rasz[n] = (int)e2m->e2m_bsize;
	}
	return ext2fs_breadn(e2m, bno, ra, rasz, n, bpp);
}

/* Times: seconds plus, in large inodes, nanoseconds << 2 and two epoch bits. */
static void
time_decode(uint32_t sec, const uint32_t *extra, struct timespec *ts)
{
	ts->tv_sec = (int32_t)e2_le32(sec);
	ts->tv_nsec = 0;
	if (extra != NULL) {
		uint32_t x = e2_le32(*extra);

		ts->tv_sec += (int64_t)(x & 3) << 32;
		ts->tv_nsec = (long)(x >> 2);
		if (ts->tv_nsec > 999999999)
			ts->tv_nsec = 0;
	}
}

static void
time_encode(const struct timespec *ts, uint32_t *sec, uint32_t *extra)
{
	*sec = e2_tole32((uint32_t)ts->tv_sec);
	if (extra != NULL) {
		uint32_t epoch = (uint32_t)(((int64_t)ts->tv_sec - (int32_t)(uint32_t)ts->tv_sec) >> 32) & 3;

		*extra = e2_tole32(((uint32_t)ts->tv_nsec << 2) | epoch);
	}
}

static void
inode_decode(struct ext2fs_inode *ip)
{
	struct ext2fs_dinode *d = &ip->i_din;
	uint32_t x = ip->i_extra;

	ip->i_mode = e2_le16(d->i_mode);
	ip->i_uid = e2_le16(d->i_uid) | (uint32_t)e2_le16(d->i_uid_high) << 16;
	ip->i_gid = e2_le16(d->i_gid) | (uint32_t)e2_le16(d->i_gid_high) << 16;
	ip->i_nlink = e2_le16(d->i_links_count);
	ip->i_size = e2_le32(d->i_size);
	if (S_ISREG(ip->i_mode))
		ip->i_size |= (uint64_t)e2_le32(d->i_size_high) << 32;
	ip->i_nblocks = e2_le32(d->i_blocks);
	ip->i_flags = e2_le32(d->i_flags);
	for (int i = 0; i < EXT2_N_BLOCKS; i++)
		ip->i_db[i] = e2_le32(d->i_block[i]);
	ip->i_gen = e2_le32(d->i_generation);
	ip->i_file_acl = e2_le32(d->i_file_acl);
	ip->i_dtime = e2_le32(d->i_dtime);
	time_decode(d->i_atime, EXT2_EXTRA_COVERS(x, 144) ? &d->i_atime_extra : NULL, &ip->i_atime);
	time_decode(d->i_mtime, EXT2_EXTRA_COVERS(x, 140) ? &d->i_mtime_extra : NULL, &ip->i_mtime);
	time_decode(d->i_ctime, EXT2_EXTRA_COVERS(x, 136) ? &d->i_ctime_extra : NULL, &ip->i_ctime);
	if (EXT2_EXTRA_COVERS(x, 152))
		time_decode(d->i_crtime, &d->i_crtime_extra, &ip->i_crtime);
	else
		ip->i_crtime.tv_sec = VNOVAL;
}

/* Encode into i_din (i_lock held). */
static void
inode_encode(struct ext2fs_inode *ip)
{
	struct ext2fs_dinode *d = &ip->i_din;
	uint32_t x = ip->i_extra;

	d->i_mode = e2_tole16((uint16_t)ip->i_mode);
	d->i_uid = e2_tole16((uint16_t)ip->i_uid);
	d->i_uid_high = e2_tole16((uint16_t)(ip->i_uid >> 16));
	d->i_gid = e2_tole16((uint16_t)ip->i_gid);
	d->i_gid_high = e2_tole16((uint16_t)(ip->i_gid >> 16));
	d->i_links_count = e2_tole16((uint16_t)ip->i_nlink);
	d->i_size = e2_tole32((uint32_t)ip->i_size);
	if (S_ISREG(ip->i_mode))
		d->i_size_high = e2_tole32((uint32_t)(ip->i_size >> 32));
	d->i_blocks = e2_tole32((uint32_t)ip->i_nblocks);
	d->i_flags = e2_tole32(ip->i_flags);
	for (int i = 0; i < EXT2_N_BLOCKS; i++)
		d->i_block[i] = e2_tole32(ip->i_db[i]);
	d->i_generation = e2_tole32(ip->i_gen);
	d->i_file_acl = e2_tole32(ip->i_file_acl);
	d->i_dtime = e2_tole32(ip->i_dtime);
	d->i_extra_isize = e2_tole16((uint16_t)x);
	time_encode(&ip->i_atime, &d->i_atime, EXT2_EXTRA_COVERS(x, 144) ? &d->i_atime_extra : NULL);
	time_encode(&ip->i_mtime, &d->i_mtime, EXT2_EXTRA_COVERS(x, 140) ? &d->i_mtime_extra : NULL);
	time_encode(&ip->i_ctime, &d->i_ctime, EXT2_EXTRA_COVERS(x, 136) ? &d->i_ctime_extra : NULL);
	if (EXT2_EXTRA_COVERS(x, 152) && ip->i_crtime.tv_sec != VNOVAL)
		time_encode(&ip->i_crtime, &d->i_crtime, &d->i_crtime_extra);
}

/* What we refuse to work on: unknown types, ext4 inode flags, impossible sizes. */
static int
inode_check(const struct ext2fs_inode *ip)
{
	struct ext2fs_mount *e2m = ip->i_e2m;

	switch (ip->i_mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR: case S_IFBLK:
	case S_IFIFO: case S_IFSOCK:
		break;
	default:
		ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: bad mode 0%o\n", (uintmax_t)ip->i_number, ip->i_mode);
		return EIO;
	}
	if (ip->i_flags & (EXT2_EXTENTS_FL | EXT2_INLINE_DATA_FL)) {
		ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: ext4 extents or inline data\n", (uintmax_t)ip->i_number);
		return EIO;
	}
	if (ip->i_size > e2m->e2m_maxfilesize && S_ISREG(ip->i_mode)) {
		ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: size %ju past the format limit\n",
		    (uintmax_t)ip->i_number, (uintmax_t)ip->i_size);
		return EIO;
	}
	if (S_ISDIR(ip->i_mode) && (ip->i_size % e2m->e2m_bsize != 0 ||
	    (ip->i_size >> e2m->e2m_bshift) > ext2fs_maxlbn(e2m))) {
		ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: directory size %ju is not whole blocks\n",
		    (uintmax_t)ip->i_number, (uintmax_t)ip->i_size);
		return EIO;
	}
	if (S_ISLNK(ip->i_mode) && (ip->i_size == 0 || ip->i_size >= PATH_MAX ||
	    (ext2fs_is_fastlink(ip) && ip->i_size >= sizeof(ip->i_db)))) {
		ext2fs_corrupt(ip->i_e2m, "ext2fs: inode %ju: bad symlink size %ju\n",
		    (uintmax_t)ip->i_number, (uintmax_t)ip->i_size);
		return EIO;
	}
	return 0;
}

void
ext2fs_inode_init(struct ext2fs_inode *ip, struct ext2fs_mount *e2m, ino_t ino)
{
	memset(ip, 0, sizeof(*ip));
	ip->i_e2m = e2m;
	ip->i_number = ino;
	mutex_init(&ip->i_lock);
}

/* Read and check inode ino; ENOENT when it is not in use. */
int
ext2fs_iread(struct ext2fs_mount *e2m, ino_t ino, struct ext2fs_inode *ip)
{
	uint32_t bno, off;
	struct buf *bp;
	int error;

	if (ino != EXT2_ROOTINO && ino < e2m->e2m_firstino)
		return ENOENT;
	if ((error = inode_where(e2m, ino, &bno, &off)) != 0) {
		ext2fs_corrupt(e2m, "ext2fs: inode %ju out of range\n", (uintmax_t)ino);
		return error;
	}
	if ((error = inode_bread(e2m, ino, &bp, &off)) != 0)
		return error;
	memcpy(&ip->i_din, (char *)bp->b_data + off, e2m->e2m_isize);
	brelse(bp, 0);
	if (e2m->e2m_isize > EXT2_GOOD_OLD_INODE_SIZE) {
		ip->i_extra = e2_le16(ip->i_din.i_extra_isize);
		if (ip->i_extra > e2m->e2m_isize - EXT2_GOOD_OLD_INODE_SIZE || ip->i_extra % 4 != 0)
			ip->i_extra = 0;	/* e2fsck would fix it; we just ignore the extra fields */
	}
	inode_decode(ip);
	if (ip->i_nlink == 0 || ip->i_mode == 0)
		return ENOENT;
	return inode_check(ip);
}

/* Write the inode into its inode-table buffer (now when wait). */
int
ext2fs_iupdate(struct ext2fs_inode *ip, bool wait)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	uint32_t off;
	struct buf *bp;
	int error;

	if (e2m->e2m_ronly)
		return 0;
	if ((error = inode_bread(e2m, ip->i_number, &bp, &off)) != 0)
		return error;
	mutex_enter(&ip->i_lock);
	inode_encode(ip);
	memcpy((char *)bp->b_data + off, &ip->i_din, e2m->e2m_isize);
	mutex_exit(&ip->i_lock);
	if (wait || (e2m->e2m_mp->mnt_flag & MNT_SYNCHRONOUS))
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

void
ext2fs_itimes(struct ext2fs_inode *ip, int which)
{
	struct timespec now;

	vfs_timestamp(&now);
	ext2fs_time_fit(ip, &now);
	mutex_enter(&ip->i_lock);
	if (which & E2_ATIME)
		ip->i_atime = now;
	if (which & E2_MTIME)
		ip->i_mtime = now;
	if (which & E2_CTIME)
		ip->i_ctime = now;
	mutex_exit(&ip->i_lock);
}

/* Small inodes keep whole seconds only: drop what the disk cannot hold. */
void
ext2fs_time_fit(const struct ext2fs_inode *ip, struct timespec *ts)
{
	if (!EXT2_EXTRA_COVERS(ip->i_extra, 144))
		ts->tv_nsec = 0;
}

enum vtype
ext2fs_vtype(const struct ext2fs_inode *ip)
{
	return ifmt_to_vtype(ip->i_mode & S_IFMT);
}

/* A symlink whose target is in i_db: it holds no data block (an attribute block may be counted). */
bool
ext2fs_is_fastlink(const struct ext2fs_inode *ip)
{
	uint64_t eablocks = ip->i_file_acl != 0 ? ip->i_e2m->e2m_bsize >> DEV_BSHIFT : 0;

	return S_ISLNK(ip->i_mode) && ip->i_nblocks == eablocks;
}
