/* ext2fs_dir.c: directory blocks: checking records, finding, adding, removing and rewriting entries. */
#include "ext2fs.h"

bool
ext2fs_ino_ok(const struct ext2fs_mount *e2m, uint64_t ino)
{
	return ino >= 1 && ino <= e2m->e2m_ninodes;
}

uint8_t
ext2fs_vtype_to_ft(enum vtype t)
{
	switch (t) {
	case VREG:	return EXT2_FT_REG_FILE;
	case VDIR:	return EXT2_FT_DIR;
	case VCHR:	return EXT2_FT_CHRDEV;
	case VBLK:	return EXT2_FT_BLKDEV;
	case VFIFO:	return EXT2_FT_FIFO;
	case VSOCK:	return EXT2_FT_SOCK;
	case VLNK:	return EXT2_FT_SYMLINK;
	default:	return EXT2_FT_UNKNOWN;
	}
}

void
ext2fs_dirent_get(const struct ext2fs_mount *e2m, const void *rec, uint32_t *inop,
    uint16_t *reclenp, uint16_t *namelenp, uint8_t *typep)
{
	const struct ext2fs_direct *d = rec;

	*inop = e2_le32(d->d_ino);
	*reclenp = e2_le16(d->d_reclen);
	if (E2M_HAS_FILETYPE(e2m)) {
		*namelenp = d->d_namelen;
		*typep = d->d_type;
	} else {
		*namelenp = (uint16_t)(d->d_namelen | d->d_type << 8);
		*typep = EXT2_FT_UNKNOWN;
	}
}

static void
dirent_set(const struct ext2fs_mount *e2m, void *rec, uint32_t ino, uint16_t reclen,
    const char *name, size_t len, uint8_t type)
{
	struct ext2fs_direct *d = rec;

	d->d_ino = e2_tole32(ino);
	d->d_reclen = e2_tole16(reclen);
	d->d_namelen = (uint8_t)len;
	d->d_type = E2M_HAS_FILETYPE(e2m) ? type : 0;
	if (name != NULL)
		memcpy(d->d_name, name, len);
}

/* Every record of a directory block chains exactly to its end. */
static int
dirblk_check(struct ext2fs_inode *dp, uint64_t lbn, const char *blk)
{
	struct ext2fs_mount *e2m = dp->i_e2m;
	uint32_t off = 0, ino;
	uint16_t reclen, namelen;
	uint8_t type;

	while (off < e2m->e2m_bsize) {
		if (off + EXT2_DIR_HDR > e2m->e2m_bsize)
			goto bad;
		ext2fs_dirent_get(e2m, blk + off, &ino, &reclen, &namelen, &type);
		if (reclen < EXT2_DIR_HDR || reclen % 4 != 0 || reclen > e2m->e2m_bsize - off ||
		    namelen + EXT2_DIR_HDR > reclen || namelen > EXT2_NAME_MAX ||
		    (ino != 0 && (!ext2fs_ino_ok(e2m, ino) || namelen == 0)))
			goto bad;
		off += reclen;
	}
	return 0;
bad:
	ext2fs_corrupt(dp->i_e2m, "ext2fs: directory inode %ju block %ju: bad record at offset %u\n",
	    (uintmax_t)dp->i_number, (uintmax_t)lbn, off);
	return EIO;
}

/* Block lbn of directory dp, read and checked; a hole in a directory is corruption. */
int
ext2fs_dir_readblk(struct ext2fs_inode *dp, uint64_t lbn, struct buf **bpp)
{
	uint32_t bno;
	int error;

	*bpp = NULL;
	if ((error = ext2fs_bmap(dp, lbn, &bno)) != 0)
		return error;
	if (bno == 0) {
		ext2fs_corrupt(dp->i_e2m, "ext2fs: directory inode %ju: hole at block %ju\n",
		    (uintmax_t)dp->i_number, (uintmax_t)lbn);
		return EIO;
	}
	if ((error = ext2fs_bread(dp->i_e2m, bno, bpp)) != 0)
		return error;
	/* The check is structural only, so a block checked once stays good until it changes. */
	if ((*bpp)->b_fsmark == E2_BUF_DIROK)
		return 0;
	if ((error = dirblk_check(dp, lbn, (*bpp)->b_data)) != 0) {
		brelse(*bpp, 0);
		*bpp = NULL;
		return error;
	}
	(*bpp)->b_fsmark = E2_BUF_DIROK;
	return 0;
}

static int
dir_write(struct ext2fs_inode *dp, struct buf *bp)
{
	/* A hashed directory we change is read linearly from now on (e2fsck agrees). */
	dp->i_flags &= ~EXT2_INDEX_FL;
	if (dp->i_e2m->e2m_mp->mnt_flag & MNT_SYNCHRONOUS)
		return bwrite(bp);
	/* Changed here record by record: still well formed, no need to check it again. */
	bdwrite_fsmark(bp, E2_BUF_DIROK);
	return 0;
}

/*
 * Where the next lookup in dp starts: names are mostly looked up in
 * directory order (ls -l, rm -r, a tree copied out), so the search
 * begins after the previous hit and wraps around.  Packed in one word
 * (lookups run under a shared lock): the byte offset of a record
 * boundary, and the in-block offset of the record before it.
 */
#define DIRHINT(off, prev)	((uint64_t)(off) << 32 | (uint32_t)(prev))
#define DIRHINT_OFF(h)		((uint32_t)((h) >> 32))
#define DIRHINT_PREV(h)		((uint32_t)(h))

static void
dirhint_set(struct ext2fs_inode *dp, uint64_t hint)
{
	__atomic_store_n(&dp->i_dirhint, hint, __ATOMIC_RELAXED);
}

/*
 * Search records [from, to) of block lbn; prev is the record before from
 * (from if none).  1 found, 0 not, -1 when a record does not fit: only a
 * stale hint can start us off a record boundary (the block was checked).
 */
static int
dirblk_find(struct ext2fs_mount *e2m, const char *blk, uint64_t lbn, uint32_t from,
    uint32_t to, uint32_t prev, const char *name, size_t len, struct ext2fs_dirpos *pos)
{
	uint32_t ino, off;
	uint16_t reclen, namelen;
	uint8_t type;

	for (off = from; off < to; prev = off, off += reclen) {
		const struct ext2fs_direct *d = (const void *)(blk + off);

		if (off + EXT2_DIR_HDR > e2m->e2m_bsize)
			return -1;
		ext2fs_dirent_get(e2m, d, &ino, &reclen, &namelen, &type);
		if (reclen < EXT2_DIR_HDR || reclen > e2m->e2m_bsize - off ||
		    namelen + EXT2_DIR_HDR > reclen)
			return -1;
		if (ino == 0 || namelen != len || memcmp(d->d_name, name, len) != 0)
			continue;
		pos->dp_offset = (lbn << e2m->e2m_bshift) + off;
		pos->dp_prev = (lbn << e2m->e2m_bshift) + prev;
		pos->dp_ino = ino;
		pos->dp_type = type;
		pos->dp_reclen = reclen;
		return 1;
	}
	return 0;
}

static int
dir_find_from(struct ext2fs_inode *dp, uint64_t hint, const char *name, size_t len,
    struct ext2fs_dirpos *pos)
{
	struct ext2fs_mount *e2m = dp->i_e2m;
	uint64_t nblk = dp->i_size >> e2m->e2m_bshift, lbn, i;
	uint32_t bmask = e2m->e2m_bsize - 1, from, to, prev;
	struct buf *bp;
	int error, found;

	/* The hint's block twice: from the hint to its end first, from its start to the hint last. */
	for (i = 0; i <= nblk; i++) {
		lbn = ((DIRHINT_OFF(hint) >> e2m->e2m_bshift) + i) % (nblk ? nblk : 1);
		from = i == 0 ? DIRHINT_OFF(hint) & bmask : 0;
		to = i == nblk ? DIRHINT_OFF(hint) & bmask : e2m->e2m_bsize;
		prev = i == 0 && from != 0 ? DIRHINT_PREV(hint) : from;
		if (from >= to)
			continue;
		if ((error = ext2fs_dir_readblk(dp, lbn, &bp)) != 0)
			return error;
		found = dirblk_find(e2m, bp->b_data, lbn, from, to, prev, name, len, pos);
		brelse(bp, 0);
		if (found < 0)
			return -1;
		if (found) {
			dirhint_set(dp, DIRHINT(pos->dp_offset + pos->dp_reclen,
			    pos->dp_offset & bmask));
			return 0;
		}
	}
	return ENOENT;
}

int
ext2fs_dir_find(struct ext2fs_inode *dp, const char *name, size_t len, struct ext2fs_dirpos *pos)
{
	uint64_t hint = __atomic_load_n(&dp->i_dirhint, __ATOMIC_RELAXED);
	int error;

	if ((error = ext2fs_di_find(dp, name, len, pos)) >= 0)
		return error == 1 ? 0 : ENOENT;
	if (DIRHINT_OFF(hint) >= dp->i_size)
		hint = 0;
	if ((error = dir_find_from(dp, hint, name, len, pos)) >= 0)
		return error;
	dirhint_set(dp, 0);
	error = dir_find_from(dp, 0, name, len, pos);
	return error < 0 ? EIO : error;
}

/*
 * Room for a record of need bytes in this block: 0 with the record
 * written at *offp, or ENOSPC.  One pass: the first record with room
 * takes the name, the slack of the others gives the room the block has
 * left (*roomp, either way) without a second walk.
 */
static int
enter_in_block(struct ext2fs_mount *e2m, char *blk, const char *name, size_t len,
    ino_t ino, uint8_t type, uint32_t *offp, uint16_t *roomp)
{
	uint16_t need = EXT2_DIR_RECLEN(len), reclen, namelen, used, room = 0;
	uint32_t off, dino, at = UINT32_MAX;
	uint8_t dtype;

	for (off = 0; off < e2m->e2m_bsize; off += reclen) {
		ext2fs_dirent_get(e2m, blk + off, &dino, &reclen, &namelen, &dtype);
		used = dino == 0 ? 0 : EXT2_DIR_RECLEN(namelen);
		if (at == UINT32_MAX && reclen - used >= need)
			at = off;
		else if (reclen - used > room)
			room = (uint16_t)(reclen - used);
	}
	if (at == UINT32_MAX) {
		*roomp = room;
		return ENOSPC;
	}
	ext2fs_dirent_get(e2m, blk + at, &dino, &reclen, &namelen, &dtype);
	used = dino == 0 ? 0 : EXT2_DIR_RECLEN(namelen);
	if (used != 0) {
		dirent_set(e2m, blk + at, dino, used, NULL, namelen, dtype);
		at += used;
		reclen -= used;
	}
	dirent_set(e2m, blk + at, (uint32_t)ino, reclen, name, len, type);
	*offp = at;
	*roomp = MAX(room, (uint16_t)(reclen - need));
	return 0;
}

/* Add name -> ino to directory dp, growing it by a block when no block has room. */
int
ext2fs_dir_enter(struct ext2fs_inode *dp, const char *name, size_t len, ino_t ino,
    enum vtype vt, kauth_cred_t cred)
{
	struct ext2fs_mount *e2m = dp->i_e2m;
	uint64_t nblk = dp->i_size >> e2m->e2m_bshift;
	uint8_t type = ext2fs_vtype_to_ft(vt);
	uint16_t need = EXT2_DIR_RECLEN(len);
	uint32_t bno, off;
	uint16_t room;
	struct buf *bp;
	bool isnew;
	int error;

	dirhint_set(dp, 0);	/* records may split: the hint's neighbour may change */
	for (uint64_t lbn = 0; lbn < nblk; lbn++) {
		if (!ext2fs_di_mayfit(dp, lbn, need))
			continue;
		if ((error = ext2fs_dir_readblk(dp, lbn, &bp)) != 0)
			return error;
		if (enter_in_block(e2m, bp->b_data, name, len, ino, type, &off, &room) == 0) {
			ext2fs_di_changed(dp, lbn, room, name, len, (lbn << e2m->e2m_bshift) + off,
			    true);
			return dir_write(dp, bp);
		}
		ext2fs_di_changed(dp, lbn, room, NULL, 0, 0, true);
		brelse(bp, 0);
	}
	if ((error = ext2fs_balloc(dp, nblk, ext2fs_resok(e2m, cred), &bno, &isnew)) == 0 &&
	    (error = ext2fs_getblk(e2m, bno, &bp)) == 0) {
		memset(bp->b_data, 0, e2m->e2m_bsize);
		dirent_set(e2m, bp->b_data, (uint32_t)ino, (uint16_t)e2m->e2m_bsize, name, len, type);
		dp->i_size += e2m->e2m_bsize;
		ext2fs_di_changed(dp, nblk, (uint16_t)(e2m->e2m_bsize - need), name, len,
		    nblk << e2m->e2m_bshift, true);
		error = dir_write(dp, bp);
	}
	/* On error, blocks allocated on the way past the size go again, and the inode is written. */
	if (error) {
		ext2fs_di_drop(dp);
		ext2fs_undone(dp, ext2fs_truncate(dp, dp->i_size));
		ext2fs_undone(dp, ext2fs_iupdate(dp, false));
	}
	return error;
}

/* Remove the entry at pos (found by ext2fs_dir_find under the same lock). */
int
ext2fs_dir_remove(struct ext2fs_inode *dp, const struct ext2fs_dirpos *pos)
{
	struct ext2fs_mount *e2m = dp->i_e2m;
	uint32_t off = (uint32_t)(pos->dp_offset & (e2m->e2m_bsize - 1));
	uint32_t prev = (uint32_t)(pos->dp_prev & (e2m->e2m_bsize - 1)), ino, pino;
	uint16_t reclen, preclen, namelen, plen, freed;
	uint8_t type;
	struct buf *bp;
	char *blk, name[EXT2_NAME_MAX];
	int error;

	if ((error = ext2fs_dir_readblk(dp, pos->dp_offset >> e2m->e2m_bshift, &bp)) != 0)
		return error;
	blk = bp->b_data;
	ext2fs_dirent_get(e2m, blk + off, &ino, &reclen, &namelen, &type);
	memcpy(name, ((struct ext2fs_direct *)(void *)(blk + off))->d_name, namelen);
	if (prev == off) {
		((struct ext2fs_direct *)(void *)(blk + off))->d_ino = 0;
		freed = reclen;
	} else {
		ext2fs_dirent_get(e2m, blk + prev, &pino, &preclen, &plen, &type);
		if (prev + preclen != off) {	/* a stale position: our bug, but no reason to crash */
			brelse(bp, 0);
			return EIO;
		}
		((struct ext2fs_direct *)(void *)(blk + prev))->d_reclen =
		    e2_tole16((uint16_t)(preclen + reclen));
		freed = (uint16_t)(preclen + reclen - EXT2_DIR_RECLEN(plen));
	}
	/* rm -r removes in directory order: the next search starts after this record. */
	dirhint_set(dp, DIRHINT(pos->dp_offset + reclen, prev));
	ext2fs_di_changed(dp, pos->dp_offset >> e2m->e2m_bshift, freed, name, namelen,
	    pos->dp_offset, false);
	return dir_write(dp, bp);
}

/* Point the entry at pos to ino (rename over a name, "..") */
int
ext2fs_dir_rewrite(struct ext2fs_inode *dp, const struct ext2fs_dirpos *pos, ino_t ino,
    enum vtype vt)
{
	struct ext2fs_mount *e2m = dp->i_e2m;
	struct ext2fs_direct *d;
	struct buf *bp;
	int error;

	if ((error = ext2fs_dir_readblk(dp, pos->dp_offset >> e2m->e2m_bshift, &bp)) != 0)
		return error;
	d = (void *)((char *)bp->b_data + (pos->dp_offset & (e2m->e2m_bsize - 1)));
	d->d_ino = e2_tole32((uint32_t)ino);
	if (E2M_HAS_FILETYPE(e2m))
		d->d_type = ext2fs_vtype_to_ft(vt);
	return dir_write(dp, bp);
}

/* Only "." and ".." left? */
int
ext2fs_dir_isempty(struct ext2fs_inode *dp, bool *emptyp)
{
	struct ext2fs_mount *e2m = dp->i_e2m;
	uint64_t nblk = dp->i_size >> e2m->e2m_bshift;
	uint32_t ino, off;
	uint16_t reclen, namelen;
	uint8_t type;
	struct buf *bp;
	int error;

	*emptyp = true;
	for (uint64_t lbn = 0; lbn < nblk && *emptyp; lbn++) {
		if ((error = ext2fs_dir_readblk(dp, lbn, &bp)) != 0)
			return error;
		for (off = 0; off < e2m->e2m_bsize; off += reclen) {
			const struct ext2fs_direct *d = (const void *)((char *)bp->b_data + off);

			ext2fs_dirent_get(e2m, d, &ino, &reclen, &namelen, &type);
			if (ino == 0 || (namelen == 1 && d->d_name[0] == '.') ||
			    (namelen == 2 && d->d_name[0] == '.' && d->d_name[1] == '.'))
				continue;
			*emptyp = false;
			break;
		}
		brelse(bp, 0);
	}
	return 0;
}

/* The first block of a new directory: "." and "..".  The caller writes the inode. */
int
ext2fs_dir_init(struct ext2fs_inode *ip, ino_t parent, kauth_cred_t cred)
{
	struct ext2fs_mount *e2m = ip->i_e2m;
	uint32_t bno;
	struct buf *bp;
	bool isnew;
	int error;

	if ((error = ext2fs_balloc(ip, 0, ext2fs_resok(e2m, cred), &bno, &isnew)) != 0)
		return error;
	if ((error = ext2fs_getblk(e2m, bno, &bp)) != 0)
		return error;
	memset(bp->b_data, 0, e2m->e2m_bsize);
	dirent_set(e2m, bp->b_data, (uint32_t)ip->i_number, EXT2_DIR_RECLEN(1), ".", 1, EXT2_FT_DIR);
	dirent_set(e2m, (char *)bp->b_data + EXT2_DIR_RECLEN(1), (uint32_t)parent,
	    (uint16_t)(e2m->e2m_bsize - EXT2_DIR_RECLEN(1)), "..", 2, EXT2_FT_DIR);
	ip->i_size = e2m->e2m_bsize;
	return dir_write(ip, bp);
}
