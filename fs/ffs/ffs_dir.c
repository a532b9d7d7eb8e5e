/* ffs_dir.c: directory blocks: parsing and checking entries, walking a directory, readdir. */
#include "ffs.h"
#include "dirent.h"

static int
bad_entry(struct ffs_inode *dp, unsigned off, const char *why)
{
	ffs_corrupt(dp->i_fm, "ffs: directory inode %ju: entry at %u of its block: %s\n",
	    (uintmax_t)dp->i_number, off, why);
	return EIO;
}

int
ffs_dir_parse(struct ffs_inode *dp, const uint8_t *chunk, unsigned off, struct ffs_dirent *dep)
{
	struct ffs_mount *fm = dp->i_fm;
	struct ffs_direct h;

	if (off + FFS_DIRHDR > FFS_DIRBLKSIZ || off % 4)
		return bad_entry(dp, off, "header past the block");
	memcpy(&h, chunk + off, sizeof(h));
	dep->de_ino = ffs_get32(fm->fm_swap, h.d_ino);
	dep->de_reclen = ffs_get16(fm->fm_swap, h.d_reclen);
	if (fm->fm_olddir) {
		dep->de_namlen = ffs_get16(fm->fm_swap, (uint16_t)(h.d_type | h.d_namlen << 8));
		dep->de_type = FFS_DT_UNKNOWN;
	} else {
		dep->de_namlen = h.d_namlen;
		dep->de_type = h.d_type;
	}
	dep->de_name = (const char *)chunk + off + FFS_DIRHDR;
	if (dep->de_reclen < FFS_DIRHDR || dep->de_reclen % 4 ||
	    off + dep->de_reclen > FFS_DIRBLKSIZ)
		return bad_entry(dp, off, "bad record length");
	if (dep->de_ino == 0)
		return 0;
	if (dep->de_namlen == 0 || dep->de_namlen > FFS_MAXNAMLEN ||
	    FFS_DIRSIZ(dep->de_namlen) > dep->de_reclen)
		return bad_entry(dp, off, "bad name length");
	if (!ffs_ino_ok(fm, dep->de_ino))
		return bad_entry(dp, off, "inode number out of range");
	if (memchr(dep->de_name, '\0', dep->de_namlen) != NULL ||
	    memchr(dep->de_name, '/', dep->de_namlen) != NULL)
		return bad_entry(dp, off, "NUL or slash in the name");
	return 0;
}

int
ffs_dir_read_chunk(struct ffs_inode *dp, uint64_t off, uint8_t *chunk)
{
	struct ffs_mount *fm = dp->i_fm;
	int64_t lbn = (int64_t)(off >> fm->fm_bshift), d;
	struct buf *bp;
	size_t boff;
	int error;

	if ((error = ffs_bmap(dp, lbn, &d)) != 0)
		return error;
	if (d == 0) {
		ffs_corrupt(dp->i_fm, "ffs: directory inode %ju: hole at %ju\n", (uintmax_t)dp->i_number,
		    (uintmax_t)off);
		return EIO;
	}
	if ((error = ffs_bread_frags(fm, d, ffs_blksize(dp, lbn), &bp, &boff)) != 0)
		return error;
	boff += off & (uint64_t)(fm->fm_bsize - 1);
	if (boff + FFS_DIRBLKSIZ > (size_t)bp->b_bcount) {
		brelse(bp, 0);
		return EIO;
	}
	memcpy(chunk, (char *)bp->b_data + boff, FFS_DIRBLKSIZ);
	brelse(bp, 0);
	return 0;
}

/*
 * Entries are visited from the first one at or after byte start (a
 * cookie may point into an entry that has since been merged with its
 * predecessor: the chunk is parsed from its beginning either way).
 */
int
ffs_dir_walk(struct ffs_inode *dp, uint64_t start, ffs_dir_fn fn, void *arg)
{
	uint8_t chunk[FFS_DIRBLKSIZ];
	struct ffs_dirent de;
	uint64_t base;
	unsigned off;
	int error;

	for (base = start & ~(uint64_t)(FFS_DIRBLKSIZ - 1); base < dp->i_size;
	    base += FFS_DIRBLKSIZ) {
		if ((error = ffs_dir_read_chunk(dp, base, chunk)) != 0)
			return error;
		for (off = 0; off < FFS_DIRBLKSIZ; off += de.de_reclen) {
			if ((error = ffs_dir_parse(dp, chunk, off, &de)) != 0)
				return error;
			if (de.de_ino == 0 || base + off < start)
				continue;
			if ((error = fn(arg, &de, base + off)) != 0)
				return error;
		}
	}
	return 0;
}

struct readdir_state {
	struct uio	*rs_uio;
	bool		rs_full;
};

#define READDIR_FULL	(-1)	/* internal: stop walking, the uio is full */

static int
readdir_emit(void *arg, const struct ffs_dirent *de, uint64_t off)
{
	struct readdir_state *rs = arg;
	uint64_t next = off + de->de_reclen;

	/* The cookie is where the next entry starts: unchanged by later edits of this one. */
	if (!vfs_dirent_emit(rs->rs_uio, de->de_ino, (off_t)next, de->de_type, de->de_name,
	    de->de_namlen)) {
		rs->rs_full = true;
		return READDIR_FULL;
	}
	rs->rs_uio->uio_offset = (off_t)next;
	return 0;
}

int
ffs_readdir(struct vnode *vp, struct uio *uio, kauth_cred_t cred, int *eofp)
{
	struct ffs_inode *dp = VTOI(vp);
	struct readdir_state rs = { .rs_uio = uio, .rs_full = false };
	int error;

	(void)cred;
	*eofp = 0;
	if (vp->v_type != VDIR)
		return ENOTDIR;
	if (uio->uio_offset < 0)
		return EINVAL;
	error = ffs_dir_walk(dp, (uint64_t)uio->uio_offset, readdir_emit, &rs);
	ffs_mark_access(vp, 0);
	if (error == READDIR_FULL)
		return 0;
	if (error == 0)
		*eofp = 1;
	return error;
}
