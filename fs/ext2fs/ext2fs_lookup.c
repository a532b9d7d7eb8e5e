/* ext2fs_lookup.c: finding names in directories, and readdir with byte-offset cookies. */
#include "ext2fs.h"
#include "genfs.h"
#include "dirent.h"
#include "namei.h"

static unsigned char
ft_to_dt(uint8_t ft)
{
	static const unsigned char dt[EXT2_FT_MAX] = {
		[EXT2_FT_UNKNOWN] = DT_UNKNOWN, [EXT2_FT_REG_FILE] = DT_REG,
		[EXT2_FT_DIR] = DT_DIR, [EXT2_FT_CHRDEV] = DT_CHR, [EXT2_FT_BLKDEV] = DT_BLK,
		[EXT2_FT_FIFO] = DT_FIFO, [EXT2_FT_SOCK] = DT_SOCK, [EXT2_FT_SYMLINK] = DT_LNK,
	};

	return ft < EXT2_FT_MAX ? dt[ft] : DT_UNKNOWN;
}

int
ext2fs_lookup(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp)
{
	struct ext2fs_inode *dp = VTOI(dvp);
	struct ext2fs_dirpos pos;
	bool done;
	int error;

	if ((error = genfs_lookup_self(dvp, dp->i_nlink, cnp, vpp, &done)) != 0 || done)
		return error;
	if ((error = ext2fs_dir_find(dp, cnp->cn_nameptr, cnp->cn_namelen, &pos)) != 0)
		return error;
	if (pos.dp_ino == dp->i_number && !(cnp->cn_flags & ISDOTDOT)) {
		ext2fs_corrupt(dp->i_e2m, "ext2fs: directory inode %ju: entry names itself\n", (uintmax_t)dp->i_number);
		return EIO;
	}
	error = vcache_get(dvp->v_mount, pos.dp_ino, vpp);
	if (error == ENOENT) {
		ext2fs_corrupt(dp->i_e2m, "ext2fs: directory inode %ju: entry for unused inode %ju\n",
		    (uintmax_t)dp->i_number, (uintmax_t)pos.dp_ino);
		error = EIO;
	}
	return error;
}

/* Emit the records of one block from in-block offset `from`; false when the uio is full. */
static bool
readdir_block(struct ext2fs_mount *e2m, const char *blk, uint64_t base, uint32_t from,
    struct uio *uio)
{
	uint32_t ino, off;
	uint16_t reclen, namelen;
	uint8_t type;

	for (off = 0; off < e2m->e2m_bsize; off += reclen) {
		const struct ext2fs_direct *d = (const void *)(blk + off);

		ext2fs_dirent_get(e2m, d, &ino, &reclen, &namelen, &type);
		if (off < from || ino == 0)
			continue;
		if (!vfs_dirent_emit(uio, ino, (off_t)(base + off + reclen), ft_to_dt(type),
		    d->d_name, namelen))
			return false;
	}
	uio->uio_offset = (off_t)(base + e2m->e2m_bsize);
	return true;
}

/*
 * The cookie is the byte offset of a record.  Records never move in a
 * block (removal merges into the one before), so "the first record at or
 * after the cookie" survives changes between calls.
 */
int
ext2fs_readdir(struct vnode *vp, struct uio *uio, kauth_cred_t cred, int *eofp)
{
	struct ext2fs_inode *dp = VTOI(vp);
	struct ext2fs_mount *e2m = dp->i_e2m;
	struct buf *bp;
	uint64_t off;
	int error = 0;

	(void)cred;
	*eofp = 0;
	if (!S_ISDIR(dp->i_mode))
		return ENOTDIR;
	if (uio->uio_offset < 0)
		return EINVAL;
	for (off = (uint64_t)uio->uio_offset; off < dp->i_size;
	    off = (uint64_t)uio->uio_offset) {
		uint64_t lbn = off >> e2m->e2m_bshift;

		if ((error = ext2fs_dir_readblk(dp, lbn, &bp)) != 0)
			return error;
		if (!readdir_block(e2m, bp->b_data, lbn << e2m->e2m_bshift,
		    (uint32_t)(off & (e2m->e2m_bsize - 1)), uio)) {
			brelse(bp, 0);
			goto out;
		}
		brelse(bp, 0);
	}
	*eofp = 1;
out:
	if (!(vp->v_mount->mnt_flag & (MNT_NOATIME | MNT_RDONLY))) {
		ext2fs_itimes(dp, E2_ATIME);
		error = ext2fs_iupdate(dp, false);
	}
	return error;
}
