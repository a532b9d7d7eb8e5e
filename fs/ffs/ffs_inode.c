/* ffs_inode.c: reading UFS1/UFS2 dinodes into in-core inodes, with their sanity checks. */
#include <sys/sysmacros.h>

#include "ffs.h"

static void	load_ufs1(struct ffs_mount *fm, const struct ffs_dinode1 *d, struct ffs_inode *ip);
static void	load_ufs2(struct ffs_mount *fm, const struct ffs_dinode2 *d, struct ffs_inode *ip);
static int	check_inode(struct ffs_mount *fm, struct ffs_inode *ip);

bool
ffs_ino_ok(const struct ffs_mount *fm, uint64_t ino)
{
	return ino >= FFS_ROOTINO && ino < ffs_maxino(fm);
}

/* Where inode ino lives: the frag address of its block and its byte offset there. */
static void
ino_location(const struct ffs_mount *fm, uint64_t ino, int64_t *blkp, size_t *offp)
{
	uint32_t c = (uint32_t)(ino / fm->fm_ipg), i = (uint32_t)(ino % fm->fm_ipg);

	*blkp = ffs_cgimin(fm, c) + (int64_t)(i / fm->fm_inopb) * fm->fm_frag;
	*offp = (size_t)(i % fm->fm_inopb) * fm->fm_dinodesize;
}

/* NetBSD's dev_t: major in bits 8-19, minor in bits 0-7 and 20-31. */
static dev_t
netbsd_dev(uint32_t d)
{
	return makedev((d & 0x000fff00) >> 8, (d & 0xff) | ((d & 0xfff00000) >> 12));
}

static struct timespec
ts(int64_t sec, int32_t nsec)
{
	struct timespec t = { .tv_sec = sec, .tv_nsec = nsec };

	if (nsec < 0 || nsec >= 1000000000)
		t.tv_nsec = 0;
	return t;
}

static void
load_ufs1(struct ffs_mount *fm, const struct ffs_dinode1 *d, struct ffs_inode *ip)
{
	bool sw = fm->fm_swap;

	ip->i_mode = ffs_get16(sw, d->di_mode);
	ip->i_nlink = (int16_t)ffs_get16(sw, (uint16_t)d->di_nlink);
	if (fm->fm_olddir) {
		/* Pre-4.4BSD inodes: 16-bit owner ids; di_uid/di_gid were spare then. */
		ip->i_uid = ffs_get16(sw, d->di_oldids[0]);
		ip->i_gid = ffs_get16(sw, d->di_oldids[1]);
	} else {
		ip->i_uid = ffs_get32(sw, d->di_uid);
		ip->i_gid = ffs_get32(sw, d->di_gid);
	}
	ip->i_size = ffs_get64(sw, d->di_size);
	ip->i_blocks = (uint32_t)ffs_get32(sw, (uint32_t)d->di_blocks);
	ip->i_atime = ts((int32_t)ffs_get32(sw, (uint32_t)d->di_atime),
	    (int32_t)ffs_get32(sw, (uint32_t)d->di_atimensec));
	ip->i_mtime = ts((int32_t)ffs_get32(sw, (uint32_t)d->di_mtime),
	    (int32_t)ffs_get32(sw, (uint32_t)d->di_mtimensec));
	ip->i_ctime = ts((int32_t)ffs_get32(sw, (uint32_t)d->di_ctime),
	    (int32_t)ffs_get32(sw, (uint32_t)d->di_ctimensec));
	ip->i_birthtime.tv_sec = VNOVAL;
	ip->i_birthtime.tv_nsec = 0;
	ip->i_gen = (int32_t)ffs_get32(sw, (uint32_t)d->di_gen);
	ip->i_flags = ffs_get32(sw, d->di_flags);
	for (int i = 0; i < FFS_NDADDR; i++)
		ip->i_db[i] = (int32_t)ffs_get32(sw, (uint32_t)d->di_db[i]);
	for (int i = 0; i < FFS_NIADDR; i++)
		ip->i_ib[i] = (int32_t)ffs_get32(sw, (uint32_t)d->di_ib[i]);
	ip->i_rdev = netbsd_dev(ffs_get32(sw, (uint32_t)d->di_db[0]));
	memcpy(ip->i_shortlink, d->di_db, sizeof(d->di_db) + sizeof(d->di_ib));
}

static void
load_ufs2(struct ffs_mount *fm, const struct ffs_dinode2 *d, struct ffs_inode *ip)
{
	bool sw = fm->fm_swap;

	ip->i_mode = ffs_get16(sw, d->di_mode);
	ip->i_nlink = (int16_t)ffs_get16(sw, (uint16_t)d->di_nlink);
	ip->i_uid = ffs_get32(sw, d->di_uid);
	ip->i_gid = ffs_get32(sw, d->di_gid);
	ip->i_size = ffs_get64(sw, d->di_size);
	ip->i_blocks = ffs_get64(sw, d->di_blocks);
	ip->i_atime = ts((int64_t)ffs_get64(sw, (uint64_t)d->di_atime),
	    (int32_t)ffs_get32(sw, (uint32_t)d->di_atimensec));
	ip->i_mtime = ts((int64_t)ffs_get64(sw, (uint64_t)d->di_mtime),
	    (int32_t)ffs_get32(sw, (uint32_t)d->di_mtimensec));
	ip->i_ctime = ts((int64_t)ffs_get64(sw, (uint64_t)d->di_ctime),
	    (int32_t)ffs_get32(sw, (uint32_t)d->di_ctimensec));
	ip->i_birthtime = ts((int64_t)ffs_get64(sw, (uint64_t)d->di_birthtime),
	    (int32_t)ffs_get32(sw, (uint32_t)d->di_birthnsec));
	ip->i_gen = (int32_t)ffs_get32(sw, (uint32_t)d->di_gen);
	ip->i_flags = ffs_get32(sw, d->di_flags);
	for (int i = 0; i < FFS_NDADDR; i++)
		ip->i_db[i] = (int64_t)ffs_get64(sw, (uint64_t)d->di_db[i]);
	for (int i = 0; i < FFS_NIADDR; i++)
		ip->i_ib[i] = (int64_t)ffs_get64(sw, (uint64_t)d->di_ib[i]);
	ip->i_extsize = (int32_t)ffs_get32(sw, (uint32_t)d->di_extsize);
	for (int i = 0; i < FFS_NXADDR; i++)
		ip->i_extb[i] = (int64_t)ffs_get64(sw, (uint64_t)d->di_extb[i]);
	/* NetBSD keeps a 32-bit dev_t in the first direct pointer. */
	ip->i_rdev = netbsd_dev((uint32_t)ip->i_db[0]);
	memcpy(ip->i_shortlink, d->di_db, sizeof(d->di_db) + sizeof(d->di_ib));
}

bool
ffs_isshortlink(const struct ffs_inode *ip)
{
	const struct ffs_mount *fm = ip->i_fm;

	return ip->i_size < (uint64_t)fm->fm_maxsymlinklen ||
	    (fm->fm_maxsymlinklen == 0 && ip->i_blocks == 0);
}

static int
check_inode(struct ffs_mount *fm, struct ffs_inode *ip)
{
	const char *why = NULL;

	if (ffs_mode_to_vtype(ip->i_mode) == VNON)
		why = "unknown file type";
	else if (ip->i_nlink < 0)
		why = "negative link count";
	else if (ip->i_size > fm->fm_maxfilesize)
		why = "size beyond the format's limit";
	else if ((ip->i_mode & FFS_IFMT) == FFS_IFDIR &&
	    (ip->i_size == 0 || ip->i_size % FFS_DIRBLKSIZ != 0))
		why = "directory size not a multiple of 512";
	else if (ip->i_extsize < 0 || ip->i_extsize > FFS_NXADDR * fm->fm_bsize)
		why = "extended attribute size out of range";
	else if ((ip->i_mode & FFS_IFMT) == FFS_IFDIR && ip->i_size > ip->i_blocks * DEV_BSIZE)
		why = "directory larger than its blocks (directories have no holes)";
	else if ((ip->i_mode & FFS_IFMT) == FFS_IFLNK && ffs_isshortlink(ip) &&
	    ip->i_size > (fm->fm_ufs2 ? 120u : 60u))
		why = "short symlink longer than the inode holds";
	if (why == NULL)
		return 0;
	ffs_corrupt(ip->i_fm, "ffs: inode %ju: %s\n", (uintmax_t)ip->i_number, why);
	return EIO;
}

/* Fill *ip from the disk.  ENOENT for a free inode, EIO for a damaged one. */
int
ffs_inode_load(struct ffs_mount *fm, ino_t ino, struct ffs_inode *ip)
{
	struct buf *bp;
	int64_t blk;
	size_t off;
	int error;

	if (!ffs_ino_ok(fm, ino))
		return ENOENT;
	ino_location(fm, ino, &blk, &off);
	if ((error = ffs_bread(fm, blk, &bp)) != 0)
		return error;
	if (off + fm->fm_dinodesize > (size_t)bp->b_bcount) {
		brelse(bp, 0);
		return EIO;
	}
	ip->i_fm = fm;
	ip->i_number = ino;
	if (fm->fm_ufs2)
		load_ufs2(fm, (const struct ffs_dinode2 *)((char *)bp->b_data + off), ip);
	else
		load_ufs1(fm, (const struct ffs_dinode1 *)((char *)bp->b_data + off), ip);
	brelse(bp, 0);
	if (ip->i_mode == 0 || ip->i_nlink == 0)
		return ENOENT;
	return check_inode(fm, ip);
}

uint32_t
ffs_dev_encode(dev_t dev)
{
	uint32_t ma = major(dev), mi = minor(dev);

	return ((ma << 8) & 0x000fff00) | ((mi << 12) & 0xfff00000) | (mi & 0xff);
}

static bool
db_holds_text(const struct ffs_inode *ip)
{
	return (ip->i_mode & FFS_IFMT) == FFS_IFLNK && ffs_isshortlink(ip);
}

static void
store_ufs1(struct ffs_mount *fm, const struct ffs_inode *ip, struct ffs_dinode1 *d)
{
	bool sw = fm->fm_swap;

	d->di_mode = ffs_put16(sw, ip->i_mode);
	d->di_nlink = (int16_t)ffs_put16(sw, (uint16_t)ip->i_nlink);
	d->di_uid = ffs_put32(sw, ip->i_uid);
	d->di_gid = ffs_put32(sw, ip->i_gid);
	d->di_size = ffs_put64(sw, ip->i_size);
	d->di_blocks = (int32_t)ffs_put32(sw, (uint32_t)ip->i_blocks);
	d->di_atime = (int32_t)ffs_put32(sw, (uint32_t)ip->i_atime.tv_sec);
	d->di_atimensec = (int32_t)ffs_put32(sw, (uint32_t)ip->i_atime.tv_nsec);
	d->di_mtime = (int32_t)ffs_put32(sw, (uint32_t)ip->i_mtime.tv_sec);
	d->di_mtimensec = (int32_t)ffs_put32(sw, (uint32_t)ip->i_mtime.tv_nsec);
	d->di_ctime = (int32_t)ffs_put32(sw, (uint32_t)ip->i_ctime.tv_sec);
	d->di_ctimensec = (int32_t)ffs_put32(sw, (uint32_t)ip->i_ctime.tv_nsec);
	d->di_gen = (int32_t)ffs_put32(sw, (uint32_t)ip->i_gen);
	d->di_flags = ffs_put32(sw, ip->i_flags);
	if (db_holds_text(ip)) {
		memcpy(d->di_db, ip->i_shortlink, sizeof(d->di_db) + sizeof(d->di_ib));
		return;
	}
	for (int i = 0; i < FFS_NDADDR; i++)
		d->di_db[i] = (int32_t)ffs_put32(sw, (uint32_t)ip->i_db[i]);
	for (int i = 0; i < FFS_NIADDR; i++)
		d->di_ib[i] = (int32_t)ffs_put32(sw, (uint32_t)ip->i_ib[i]);
}

static void
store_ufs2(struct ffs_mount *fm, const struct ffs_inode *ip, struct ffs_dinode2 *d)
{
	bool sw = fm->fm_swap;

	d->di_mode = ffs_put16(sw, ip->i_mode);
	d->di_nlink = (int16_t)ffs_put16(sw, (uint16_t)ip->i_nlink);
	d->di_uid = ffs_put32(sw, ip->i_uid);
	d->di_gid = ffs_put32(sw, ip->i_gid);
	d->di_size = ffs_put64(sw, ip->i_size);
	d->di_blocks = ffs_put64(sw, ip->i_blocks);
	d->di_atime = (int64_t)ffs_put64(sw, (uint64_t)ip->i_atime.tv_sec);
	d->di_atimensec = (int32_t)ffs_put32(sw, (uint32_t)ip->i_atime.tv_nsec);
	d->di_mtime = (int64_t)ffs_put64(sw, (uint64_t)ip->i_mtime.tv_sec);
	d->di_mtimensec = (int32_t)ffs_put32(sw, (uint32_t)ip->i_mtime.tv_nsec);
	d->di_ctime = (int64_t)ffs_put64(sw, (uint64_t)ip->i_ctime.tv_sec);
	d->di_ctimensec = (int32_t)ffs_put32(sw, (uint32_t)ip->i_ctime.tv_nsec);
	d->di_birthtime = (int64_t)ffs_put64(sw, (uint64_t)ip->i_birthtime.tv_sec);
	d->di_birthnsec = (int32_t)ffs_put32(sw, (uint32_t)ip->i_birthtime.tv_nsec);
	d->di_gen = (int32_t)ffs_put32(sw, (uint32_t)ip->i_gen);
	d->di_flags = ffs_put32(sw, ip->i_flags);
	d->di_extsize = (int32_t)ffs_put32(sw, (uint32_t)ip->i_extsize);
	for (int i = 0; i < FFS_NXADDR; i++)
		d->di_extb[i] = (int64_t)ffs_put64(sw, (uint64_t)ip->i_extb[i]);
	if (db_holds_text(ip)) {
		memcpy(d->di_db, ip->i_shortlink, sizeof(d->di_db) + sizeof(d->di_ib));
		return;
	}
	for (int i = 0; i < FFS_NDADDR; i++)
		d->di_db[i] = (int64_t)ffs_put64(sw, (uint64_t)ip->i_db[i]);
	for (int i = 0; i < FFS_NIADDR; i++)
		d->di_ib[i] = (int64_t)ffs_put64(sw, (uint64_t)ip->i_ib[i]);
}

/* Write the in-core inode into its inode block. */
int
ffs_update(struct ffs_inode *ip, bool sync)
{
	struct ffs_mount *fm = ip->i_fm;
	struct ffs_inode snap;
	struct buf *bp;
	int64_t blk;
	size_t off;
	int error;

	if (fm->fm_ronly)
		return 0;
	mutex_enter(&ip->i_lock);
	memcpy(&snap, ip, sizeof(snap));
	ip->i_flag &= ~IN_ACCESS;
	mutex_exit(&ip->i_lock);
	ino_location(fm, ip->i_number, &blk, &off);
	if ((error = ffs_bread(fm, blk, &bp)) != 0)
		return error;
	if (fm->fm_ufs2)
		store_ufs2(fm, &snap, (struct ffs_dinode2 *)((char *)bp->b_data + off));
	else
		store_ufs1(fm, &snap, (struct ffs_dinode1 *)((char *)bp->b_data + off));
	if (sync || ffs_syncmount(fm))
		return bwrite(bp);
	bdwrite(bp);
	return 0;
}

void
ffs_inode_touch(struct ffs_inode *ip, bool m, bool c)
{
	struct timespec now;

	vfs_timestamp(&now);
	if (m)
		ip->i_mtime = now;
	if (c)
		ip->i_ctime = now;
}

void
ffs_inode_init(struct ffs_mount *fm, struct ffs_inode *ip, ino_t ino, uint16_t mode, uid_t uid,
    gid_t gid, dev_t rdev)
{
	struct timespec now;

	vfs_timestamp(&now);
	memset(ip, 0, offsetof(struct ffs_inode, i_lock));
	ip->i_fm = fm;
	ip->i_number = ino;
	ip->i_mode = mode;
	ip->i_uid = uid;
	ip->i_gid = gid;
	ip->i_atime = ip->i_mtime = ip->i_ctime = now;
	if (fm->fm_ufs2) {
		ip->i_birthtime = now;
	} else {
		ip->i_birthtime.tv_sec = VNOVAL;
		ip->i_birthtime.tv_nsec = 0;
	}
	mutex_enter(&fm->fm_lock);
	ip->i_gen = (int32_t)++fm->fm_nextgen;
	mutex_exit(&fm->fm_lock);
	if ((mode & FFS_IFMT) == FFS_IFCHR || (mode & FFS_IFMT) == FFS_IFBLK) {
		ip->i_rdev = rdev;
		ip->i_db[0] = ffs_dev_encode(rdev);
	}
}
