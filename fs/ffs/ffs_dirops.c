/* ffs_dirops.c: changing directories: adding, removing and retargeting entries, new directories, emptiness. */
#include "ffs.h"
#include "dirindex.h"

uint8_t
ffs_mode_to_dt(uint16_t mode)
{
	switch (mode & FFS_IFMT) {
	case FFS_IFREG:		return FFS_DT_REG;
	case FFS_IFDIR:		return FFS_DT_DIR;
	case FFS_IFLNK:		return FFS_DT_LNK;
	case FFS_IFCHR:		return FFS_DT_CHR;
	case FFS_IFBLK:		return FFS_DT_BLK;
	case FFS_IFIFO:		return FFS_DT_FIFO;
	case FFS_IFSOCK:	return FFS_DT_SOCK;
	default:		return FFS_DT_UNKNOWN;
	}
}

/* The DIRBLKSIZ chunk at byte base of directory dp, in its busy buffer. */
static int
chunk_get(struct ffs_inode *dp, uint64_t base, struct buf **bpp, uint8_t **chunkp)
{
	struct ffs_mount *fm = dp->i_fm;
	int64_t lbn = (int64_t)(base >> fm->fm_bshift), d;
	size_t off;
	int error;

	if ((error = ffs_bmap(dp, lbn, &d)) != 0)
		return error;
	if (d == 0)
		return EIO;
	if ((error = ffs_bread_frags(fm, d, ffs_blksize(dp, lbn), bpp, &off)) != 0)
		return error;
	off += base & (uint64_t)(fm->fm_bsize - 1);
	if (off + FFS_DIRBLKSIZ > (size_t)(*bpp)->b_bcount) {
		brelse(*bpp, 0);
		return EIO;
	}
	*chunkp = (uint8_t *)(*bpp)->b_data + off;
	return 0;
}

static void
put_entry(struct ffs_mount *fm, uint8_t *chunk, unsigned off, uint32_t ino, unsigned reclen,
    uint16_t mode, const char *name, size_t namelen)
{
	struct ffs_direct h;
	uint16_t nl;

	h.d_ino = ffs_put32(fm->fm_swap, ino);
	h.d_reclen = ffs_put16(fm->fm_swap, (uint16_t)reclen);
	if (fm->fm_olddir) {
		nl = ffs_put16(fm->fm_swap, (uint16_t)namelen);
		memcpy(&h.d_type, &nl, 2);
	} else {
		h.d_type = ffs_mode_to_dt(mode);
		h.d_namlen = (uint8_t)namelen;
	}
	memcpy(chunk + off, &h, sizeof(h));
	memset(chunk + off + FFS_DIRHDR, 0, FFS_DIRSIZ(namelen) - FFS_DIRHDR);
	memcpy(chunk + off + FFS_DIRHDR, name, namelen);
}

static void
set_reclen(struct ffs_mount *fm, uint8_t *chunk, unsigned off, unsigned reclen)
{
	uint16_t v = ffs_put16(fm->fm_swap, (uint16_t)reclen);

	memcpy(chunk + off + 4, &v, 2);
}

static void
dir_changed(struct ffs_inode *dp)
{
	ffs_inode_touch(dp, true, true);
}

/*
 * Put the entry in the first chunk with room; false in *donep when none
 * has.  The index (if any) says which chunks may have room; one pass over
 * a chunk finds the slot and the room it keeps for the index.
 */
static int
enter_existing(struct ffs_inode *dp, const char *name, size_t namelen, ino_t ino, uint16_t mode,
    bool *donep)
{
	struct ffs_mount *fm = dp->i_fm;
	unsigned need = FFS_DIRSIZ(namelen), used, room, at, atused = 0, atreclen = 0;
	struct ffs_dirent de;
	struct buf *bp;
	uint8_t *chunk;
	int error;

	*donep = false;
	for (uint64_t base = 0; base < dp->i_size; base += FFS_DIRBLKSIZ) {
		if (!dirindex_mayfit(&dp->i_dirindex, base / FFS_DIRBLKSIZ, (uint16_t)need))
			continue;
		if ((error = chunk_get(dp, base, &bp, &chunk)) != 0)
			return error;
		room = 0;
		at = FFS_DIRBLKSIZ;
		for (unsigned off = 0; off < FFS_DIRBLKSIZ; off += de.de_reclen) {
			if ((error = ffs_dir_parse(dp, chunk, off, &de)) != 0) {
				brelse(bp, 0);
				return error;
			}
			used = de.de_ino == 0 ? 0 : FFS_DIRSIZ(de.de_namlen);
			if (at == FFS_DIRBLKSIZ && de.de_reclen - used >= need) {
				at = off;
				atused = used;
				atreclen = de.de_reclen;
			} else {
				room = MAX(room, de.de_reclen - used);
			}
		}
		if (at == FFS_DIRBLKSIZ) {
			dirindex_changed(&dp->i_dirindex, base / FFS_DIRBLKSIZ, (uint16_t)room, NULL, 0,
			    0, true);
			brelse(bp, 0);
			continue;
		}
		if (atused != 0)
			set_reclen(fm, chunk, at, atused);
		put_entry(fm, chunk, at + atused, (uint32_t)ino, atreclen - atused, mode, name,
		    namelen);
		room = MAX(room, atreclen - atused - need);
		dirindex_changed(&dp->i_dirindex, base / FFS_DIRBLKSIZ, (uint16_t)room, name,
		    namelen, base + at + atused, true);
		*donep = true;
		return ffs_mwrite(fm, bp);
	}
	return 0;
}

int
ffs_dir_enter(struct ffs_inode *dp, const char *name, size_t namelen, ino_t ino, uint16_t mode,
    kauth_cred_t cred)
{
	struct ffs_mount *fm = dp->i_fm;
	uint64_t base = dp->i_size, start;
	int64_t lbn = (int64_t)(base >> fm->fm_bshift), d;
	struct buf *bp;
	uint8_t *chunk;
	bool done;
	int error;

	if ((error = enter_existing(dp, name, namelen, ino, mode, &done)) != 0 || done)
		goto out;
	/* A new chunk at the end: the directory grows by DIRBLKSIZ, in fragments. */
	start = (uint64_t)lbn << fm->fm_bshift;
	error = ffs_balloc(dp, lbn, lbn < FFS_NDADDR ? (int)(base + FFS_DIRBLKSIZ - start) :
	    fm->fm_bsize, cred, &d);
	if (error)
		goto out;
	dp->i_size = base + FFS_DIRBLKSIZ;
	if ((error = chunk_get(dp, base, &bp, &chunk)) != 0)
		goto out;
	memset(chunk, 0, FFS_DIRBLKSIZ);
	put_entry(fm, chunk, 0, (uint32_t)ino, FFS_DIRBLKSIZ, mode, name, namelen);
	dirindex_changed(&dp->i_dirindex, base / FFS_DIRBLKSIZ,
	    (uint16_t)(FFS_DIRBLKSIZ - FFS_DIRSIZ(namelen)), name, namelen, base, true);
	error = ffs_mwrite(fm, bp);
out:
	if (error == 0)
		dir_changed(dp);
	return error;
}

/* Find name; call fn on its chunk with the entry's and its predecessor's offsets (-1: none). */
typedef void (*entry_fn)(struct ffs_inode *dp, uint8_t *chunk, uint64_t base, unsigned off,
    int prev, const struct ffs_dirent *de, void *arg);

static int
modify_entry(struct ffs_inode *dp, const char *name, size_t namelen, entry_fn fn, void *arg)
{
	struct ffs_dirent de;
	struct buf *bp;
	uint8_t *chunk;
	uint64_t pos, base;
	unsigned want, off;
	uint32_t ino;
	int error, prev = -1;

	if ((error = ffs_dir_locate(dp, name, namelen, &pos, &ino)) != 0)
		return error;
	base = pos & ~(uint64_t)(FFS_DIRBLKSIZ - 1);
	want = (unsigned)(pos - base);
	if ((error = chunk_get(dp, base, &bp, &chunk)) != 0)
		return error;
	/* Walk the chunk to the entry: its predecessor is wanted, and it must still be there. */
	for (off = 0; off < want; prev = (int)off, off += de.de_reclen)
		if ((error = ffs_dir_parse(dp, chunk, off, &de)) != 0)
			goto bad;
	if (off != want || (error = ffs_dir_parse(dp, chunk, off, &de)) != 0 || de.de_ino == 0 ||
	    de.de_namlen != namelen || memcmp(de.de_name, name, namelen) != 0) {
		error = EIO;
		goto bad;
	}
	fn(dp, chunk, base, off, prev, &de, arg);
	dir_changed(dp);
	return ffs_mwrite(dp->i_fm, bp);
bad:
	brelse(bp, 0);
	return error;
}

/*
 * The predecessor absorbs the entry; the first entry of a chunk just
 * becomes unused.  The index learns the room that record has now.
 */
static void
remove_fn(struct ffs_inode *dp, uint8_t *chunk, uint64_t base, unsigned off, int prev,
    const struct ffs_dirent *de, void *arg)
{
	struct ffs_mount *fm = dp->i_fm;
	struct ffs_dirent pde;
	unsigned freed;

	(void)arg;
	if (prev < 0) {
		uint32_t zero = 0;
		memcpy(chunk + off, &zero, 4);
		freed = de->de_reclen;
	} else {
		(void)ffs_dir_parse(dp, chunk, (unsigned)prev, &pde);
		set_reclen(fm, chunk, (unsigned)prev, pde.de_reclen + de->de_reclen);
		freed = pde.de_reclen + de->de_reclen -
		    (pde.de_ino == 0 ? 0 : FFS_DIRSIZ(pde.de_namlen));
	}
	dirindex_changed(&dp->i_dirindex, base / FFS_DIRBLKSIZ, (uint16_t)freed, de->de_name,
	    de->de_namlen, base + off, false);
}

int
ffs_dir_remove(struct ffs_inode *dp, const char *name, size_t namelen)
{
	return modify_entry(dp, name, namelen, remove_fn, NULL);
}

struct rewrite_arg {
	ino_t		ra_ino;
	uint16_t	ra_mode;
};

static void
rewrite_fn(struct ffs_inode *dp, uint8_t *chunk, uint64_t base, unsigned off, int prev,
    const struct ffs_dirent *de, void *arg)
{
	struct rewrite_arg *ra = arg;
	uint32_t ino = ffs_put32(dp->i_fm->fm_swap, (uint32_t)ra->ra_ino);

	(void)base;
	(void)prev;
	(void)de;
	memcpy(chunk + off, &ino, 4);
	if (!dp->i_fm->fm_olddir)
		chunk[off + 6] = ffs_mode_to_dt(ra->ra_mode);
}

int
ffs_dir_rewrite(struct ffs_inode *dp, const char *name, size_t namelen, ino_t ino, uint16_t mode)
{
	struct rewrite_arg ra = { .ra_ino = ino, .ra_mode = mode };

	return modify_entry(dp, name, namelen, rewrite_fn, &ra);
}

#define NOT_EMPTY	(-1)

static int
empty_fn(void *arg, const struct ffs_dirent *de, uint64_t off)
{
	(void)arg;
	(void)off;
	if ((de->de_namlen == 1 && de->de_name[0] == '.') ||
	    (de->de_namlen == 2 && de->de_name[0] == '.' && de->de_name[1] == '.'))
		return 0;
	return NOT_EMPTY;
}

int
ffs_dir_isempty(struct ffs_inode *dp, bool *emptyp)
{
	int error = ffs_dir_walk(dp, 0, empty_fn, NULL);

	*emptyp = error == 0;
	return error == NOT_EMPTY ? 0 : error;
}

/* A new directory's first chunk: "." and "..". */
int
ffs_dir_init(struct ffs_inode *ip, ino_t parent, kauth_cred_t cred)
{
	struct ffs_mount *fm = ip->i_fm;
	struct buf *bp;
	uint8_t *chunk;
	int64_t d;
	int error;

	if ((error = ffs_balloc(ip, 0, FFS_DIRBLKSIZ, cred, &d)) != 0)
		return error;
	ip->i_size = FFS_DIRBLKSIZ;
	if ((error = chunk_get(ip, 0, &bp, &chunk)) != 0)
		return error;
	memset(chunk, 0, FFS_DIRBLKSIZ);
	put_entry(fm, chunk, 0, (uint32_t)ip->i_number, FFS_DIRSIZ(1), FFS_IFDIR, ".", 1);
	put_entry(fm, chunk, FFS_DIRSIZ(1), (uint32_t)parent, FFS_DIRBLKSIZ - FFS_DIRSIZ(1),
	    FFS_IFDIR, "..", 2);
	return ffs_mwrite(fm, bp);
}
