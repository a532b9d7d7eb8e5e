/*
 * ext2fs_dirindex.c: the in-memory index of a large directory
 * (vfs/dirindex.h) for ext2: a chunk is a directory block.  Built at the
 * first search of a directory of two blocks or more.  dir_index (htree)
 * blocks on disk are not kept (the flag is cleared on change).
 */
#include "ext2fs.h"
#include "dirindex.h"

#define DI_MINBLKS	2		/* smaller directories are searched block by block */

/* A search: the directory, the name, where its record is. */
struct di_search {
	struct ext2fs_inode	*ds_dp;
	const char		*ds_name;
	size_t			ds_len;
	struct ext2fs_dirpos	*ds_pos;
};

/* The largest record blk can still take (the test enter_in_block makes). */
static uint16_t
di_blockroom(const struct ext2fs_mount *e2m, const char *blk)
{
	uint32_t off, ino;
	uint16_t reclen, namelen, used, room = 0;
	uint8_t type;

	for (off = 0; off < e2m->e2m_bsize; off += reclen) {
		ext2fs_dirent_get(e2m, blk + off, &ino, &reclen, &namelen, &type);
		used = ino == 0 ? 0 : EXT2_DIR_RECLEN(namelen);
		if (reclen - used > room)
			room = (uint16_t)(reclen - used);
	}
	return room;
}

/* Block lbn of the directory searched into di: its names and its room. */
static int
di_fill(void *arg, struct dirindex *di, uint64_t lbn)
{
	struct ext2fs_inode *dp = ((struct di_search *)arg)->ds_dp;
	struct ext2fs_mount *e2m = dp->i_e2m;
	uint32_t off, ino;
	uint16_t reclen, namelen;
	uint8_t type;
	struct buf *bp;
	int error;

	if ((error = ext2fs_dir_readblk(dp, lbn, &bp)) != 0)
		return error;
	for (off = 0; off < e2m->e2m_bsize && error == 0; off += reclen) {
		const struct ext2fs_direct *d = (const void *)((char *)bp->b_data + off);

		ext2fs_dirent_get(e2m, d, &ino, &reclen, &namelen, &type);
		if (ino != 0)
			error = dirindex_insert(di, d->d_name, namelen, (lbn << e2m->e2m_bshift) + off);
	}
	if (error == 0)
		error = dirindex_setroom(di, lbn, di_blockroom(e2m, bp->b_data));
	brelse(bp, 0);
	return error;
}

/* Read the whole directory into a new index (a guess: ~16 names a block); NULL when it cannot be had. */
static struct dirindex *
di_build(void *arg)
{
	struct ext2fs_inode *dp = ((struct di_search *)arg)->ds_dp;
	uint64_t nblk = dp->i_size >> dp->i_e2m->e2m_bshift;

	return nblk < DI_MINBLKS ? NULL : dirindex_build(nblk, nblk * 16, di_fill, arg);
}

/* Check a candidate record at off against the name searched; fills its pos.  1 match, 0 not, -1 inconsistent. */
static int
di_check(void *arg, uint64_t off)
{
	struct di_search *ds = arg;
	struct ext2fs_inode *dp = ds->ds_dp;
	struct ext2fs_mount *e2m = dp->i_e2m;
	uint32_t boff = (uint32_t)(off & (e2m->e2m_bsize - 1)), o, prev = 0, ino;
	uint16_t reclen = 0, namelen;
	uint8_t type;
	struct buf *bp;
	int r = -1;

	if (off >= dp->i_size || ext2fs_dir_readblk(dp, off >> e2m->e2m_bshift, &bp) != 0)
		return -1;
	/* Walk the (checked) chain to off: it must be a record, and remove wants the one before. */
	for (o = 0; o < boff; prev = o, o += reclen)
		ext2fs_dirent_get(e2m, (char *)bp->b_data + o, &ino, &reclen, &namelen, &type);
	if (o == boff) {
		const struct ext2fs_direct *d = (const void *)((char *)bp->b_data + o);
		struct ext2fs_dirpos *pos = ds->ds_pos;

		ext2fs_dirent_get(e2m, d, &ino, &reclen, &namelen, &type);
		r = ino != 0 && namelen == ds->ds_len && memcmp(d->d_name, ds->ds_name, ds->ds_len) == 0;
		if (r == 1) {
			pos->dp_offset = off;
			pos->dp_prev = off - boff + (boff == 0 ? 0 : prev);
			pos->dp_ino = ino;
			pos->dp_type = type;
			pos->dp_reclen = reclen;
		}
	}
	brelse(bp, 0);
	return r;
}

int
ext2fs_di_find(struct ext2fs_inode *dp, const char *name, size_t len, struct ext2fs_dirpos *pos)
{
	struct di_search ds = { .ds_dp = dp, .ds_name = name, .ds_len = len, .ds_pos = pos };

	return dirindex_find(&dp->i_dirindex, di_build, &ds, name, len, di_check);
}

bool
ext2fs_di_mayfit(struct ext2fs_inode *dp, uint64_t lbn, uint16_t need)
{
	return dirindex_mayfit(&dp->i_dirindex, lbn, need);
}

void
ext2fs_di_changed(struct ext2fs_inode *dp, uint64_t lbn, uint16_t room, const char *name,
    size_t len, uint64_t off, bool added)
{
	dirindex_changed(&dp->i_dirindex, lbn, room, name, len, off, added);
}

void
ext2fs_di_drop(struct ext2fs_inode *dp)
{
	dirindex_drop(&dp->i_dirindex);
}
