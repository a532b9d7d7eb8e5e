/* genfs_blkfree.c: freeing a range of a UFS-like block map's indirect tree, with one policy for damage. */
#include "genfs.h"
#include "buf.h"

static int free_tree(const struct genfs_blkfree *bf, int64_t *path, unsigned depth, int64_t blk,
    unsigned level, uint64_t base, bool *freedp);

/* Logical blocks one pointer of an indirect block at level covers (level 1: one). */
static uint64_t
child_span(const struct genfs_blkmap *bm, unsigned level)
{
	return genfs_blkmap_span(bm->bm_nindir, level - 1);
}

/* Data pointer p of the block at the end of path: freed, or (*dropp) dropped as damage. */
static int
free_data(const struct genfs_blkfree *bf, const int64_t *path, unsigned depth, int64_t p,
    bool *dropp)
{
	if (genfs_blkmap_loops(bf->bf_bm, path, depth, p)) {
		*dropp = true;
		return EIO;
	}
	*dropp = false;
	return bf->bf_free(bf->bf_arg, p, dropp);
}

/* The pointers of bp in the range: each child freed (its subtree first) and its pointer cleared. */
static int
free_children(const struct genfs_blkfree *bf, int64_t *path, unsigned depth, struct buf *bp,
    unsigned level, uint64_t base, bool *keptp, bool *dirtyp)
{
	const struct genfs_blkmap *bm = bf->bf_bm;
	uint64_t span = child_span(bm, level), cb;
	int error = 0, e;
	bool sub, drop;
	int64_t p;

	for (uint64_t i = 0; i < bm->bm_nindir; i++) {
		if ((p = bf->bf_ptr(bf->bf_arg, bp, i)) == 0)
			continue;
		cb = base + i * span;
		if (cb + span <= bf->bf_first || cb >= bf->bf_end) {
			*keptp = true;
			continue;
		}
		if (level > 1) {
			e = free_tree(bf, path, depth, p, level - 1, cb, &sub);
			if (!sub) {
				*keptp = true;
				if (e != 0 && error == 0)
					error = e;
				continue;
			}
		} else if ((e = free_data(bf, path, depth, p, &drop)) != 0 && !drop) {
			*keptp = true;	/* still the file's: it keeps its pointer */
			if (error == 0)
				error = e;
			continue;
		}
		if (e != 0 && error == 0)
			error = e;
		bf->bf_clear(bf->bf_arg, bp, i);
		*dirtyp = true;
	}
	return error;
}

/*
 * Damage (a pointer outside the file's area, an indirect block that
 * names one above it) never stops the walk: the bad pointer is dropped,
 * what a damaged indirect block maps is left to fsck, the file system is
 * marked, and the walk says EIO at its end.  A block that could not be
 * read or freed (I/O, memory) keeps its pointer: the file still owns it.
 */
static int
free_tree(const struct genfs_blkfree *bf, int64_t *path, unsigned depth, int64_t blk,
    unsigned level, uint64_t base, bool *freedp)
{
	const struct genfs_blkmap *bm = bf->bf_bm;
	bool all = base >= bf->bf_first && base + child_span(bm, level) * bm->bm_nindir <= bf->bf_end;
	bool kept = false, dirty = false, damaged = false, drop = false;
	struct buf *bp;
	int error = 0, e;

	*freedp = false;
	if (depth >= GENFS_NIADDR_MAX || genfs_blkmap_loops(bm, path, depth, blk) ||
	    (error = bf->bf_read(bf->bf_arg, blk, &bp, &damaged)) != 0) {
		if (depth < GENFS_NIADDR_MAX && !damaged && error != 0)
			return error;	/* unread, still the file's: kept */
		bf->bf_unusable(bf->bf_arg, blk);
		*freedp = all;	/* a range that drops the whole subtree drops the pointer too */
		return EIO;
	}
	path[depth] = blk;
	error = free_children(bf, path, depth + 1, bp, level, base, &kept, &dirty);
	if (!kept && (all || !bf->bf_keep_emptied)) {
		e = bf->bf_release(bf->bf_arg, bp, blk, dirty, &drop);
		*freedp = e == 0 || drop;
		return error != 0 ? error : e;
	}
	if (!dirty)
		brelse(bp, 0);
	else if ((e = bf->bf_write(bf->bf_arg, bp, blk)) != 0 && error == 0)
		error = e;
	return error;
}

int
genfs_blkfree_tree(const struct genfs_blkfree *bf, int64_t blk, unsigned level, uint64_t base,
    bool *freedp)
{
	int64_t path[GENFS_NIADDR_MAX];

	return free_tree(bf, path, 0, blk, level, base, freedp);
}

int
genfs_blkfree_roots(const struct genfs_blkfree *bf, int64_t *roots)
{
	const struct genfs_blkmap *bm = bf->bf_bm;
	uint64_t base = bm->bm_ndaddr, tspan;
	int error = 0, e;
	bool freed;

	for (unsigned level = 1; level <= bm->bm_niaddr; level++) {
		tspan = child_span(bm, level) * bm->bm_nindir;
		if (roots[level - 1] != 0 && base + tspan > bf->bf_first && base < bf->bf_end) {
			e = genfs_blkfree_tree(bf, roots[level - 1], level, base, &freed);
			if (e != 0 && error == 0)
				error = e;
			if (freed)
				roots[level - 1] = 0;
		}
		base += tspan;
	}
	return error;
}
