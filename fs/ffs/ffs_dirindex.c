/*
 * ffs_dirindex.c: finding a name in a directory, through the in-memory
 * index (vfs/dirindex.h) once the directory is large: a chunk is one
 * DIRBLKSIZ piece.  Without it a create in a directory of n names parsed
 * all n twice (the lookup, then the search for room).
 */
#include "ffs.h"
#include "dirindex.h"

#define DI_MINCHUNKS	8		/* smaller directories are searched chunk by chunk */

/* A search: the directory, the name, and what was found. */
struct di_search {
	struct ffs_inode *ds_dp;
	const char	*ds_name;
	size_t		ds_len;
	uint64_t	ds_off;
	uint32_t	ds_ino;
};

/* Chunk c of the directory searched, read and checked, into di: its names and its room. */
static int
di_fill(void *arg, struct dirindex *di, uint64_t c)
{
	struct ffs_inode *dp = ((struct di_search *)arg)->ds_dp;
	uint8_t chunk[FFS_DIRBLKSIZ];
	struct ffs_dirent de;
	unsigned off, used, room = 0;
	int error;

	if ((error = ffs_dir_read_chunk(dp, c * FFS_DIRBLKSIZ, chunk)) != 0)
		return error;
	for (off = 0; off < FFS_DIRBLKSIZ; off += de.de_reclen) {
		if ((error = ffs_dir_parse(dp, chunk, off, &de)) != 0)
			return error;
		used = de.de_ino == 0 ? 0 : FFS_DIRSIZ(de.de_namlen);
		room = MAX(room, de.de_reclen - used);
		if (de.de_ino != 0 &&
		    (error = dirindex_insert(di, de.de_name, de.de_namlen, c * FFS_DIRBLKSIZ + off)) != 0)
			return error;
	}
	return dirindex_setroom(di, c, (uint16_t)room);
}

/* Read the whole directory into a new index (a guess: ~16 names a chunk); NULL when it cannot be had. */
static struct dirindex *
di_build(void *arg)
{
	struct ffs_inode *dp = ((struct di_search *)arg)->ds_dp;
	uint64_t nchunks = dp->i_size / FFS_DIRBLKSIZ;

	return nchunks < DI_MINCHUNKS ? NULL : dirindex_build(nchunks, nchunks * 16, di_fill, arg);
}

/* Is the entry at byte off the name searched?  1 yes, 0 no, -1 no entry starts there. */
static int
di_check(void *arg, uint64_t off)
{
	struct di_search *ds = arg;
	uint8_t chunk[FFS_DIRBLKSIZ];
	uint64_t base = off & ~(uint64_t)(FFS_DIRBLKSIZ - 1);
	unsigned want = (unsigned)(off - base), o;
	struct ffs_dirent de;

	if (off >= ds->ds_dp->i_size || ffs_dir_read_chunk(ds->ds_dp, base, chunk) != 0)
		return -1;
	for (o = 0; o < want; o += de.de_reclen)
		if (ffs_dir_parse(ds->ds_dp, chunk, o, &de) != 0)
			return -1;
	if (o != want || ffs_dir_parse(ds->ds_dp, chunk, o, &de) != 0)
		return -1;
	if (de.de_ino == 0 || de.de_namlen != ds->ds_len ||
	    memcmp(de.de_name, ds->ds_name, ds->ds_len) != 0)
		return 0;
	ds->ds_off = off;
	ds->ds_ino = de.de_ino;
	return 1;
}

#define FIND_FOUND	(-1)	/* internal: stop walking */

static int
find_one(void *arg, const struct ffs_dirent *de, uint64_t off)
{
	struct di_search *ds = arg;

	if (de->de_namlen != ds->ds_len || memcmp(de->de_name, ds->ds_name, ds->ds_len) != 0)
		return 0;
	ds->ds_off = off;
	ds->ds_ino = de->de_ino;
	return FIND_FOUND;
}

int
ffs_dir_locate(struct ffs_inode *dp, const char *name, size_t namelen, uint64_t *offp,
    uint32_t *inop)
{
	struct di_search ds = { .ds_dp = dp, .ds_name = name, .ds_len = namelen };
	int r;

	if ((r = dirindex_find(&dp->i_dirindex, di_build, &ds, name, namelen, di_check)) == 0)
		return ENOENT;
	if (r != 1 && (r = ffs_dir_walk(dp, 0, find_one, &ds)) != FIND_FOUND)
		return r != 0 ? r : ENOENT;
	*offp = ds.ds_off;
	*inop = ds.ds_ino;
	return 0;
}
