/* rumpfs_data.c: rumpfs regular file contents: a sparse radix tree of 4 KiB chunks. */
#include "rumpfs.h"

static uint64_t	capacity(unsigned height);
static unsigned	slot_of(uint64_t idx, unsigned height);
static void	*chunk_find(const struct rumpfs_file *file, uint64_t idx);
static int	tree_grow(struct rumpfs_mount *rm, struct rumpfs_file *file, uint64_t idx);
static int	chunk_get(struct rumpfs_mount *rm, struct rumpfs_file *file, uint64_t idx,
		    char **chunkp);
static void	subtree_free(struct rumpfs_mount *rm, struct rumpfs_file *file, void *p,
		    unsigned height);
static bool	subtree_trim(struct rumpfs_mount *rm, struct rumpfs_file *file, void **ix,
		    unsigned height, uint64_t base, uint64_t first, uint64_t end);
static void	tree_shrink(struct rumpfs_mount *rm, struct rumpfs_file *file, uint64_t keep);
static void	tree_lower(struct rumpfs_mount *rm, struct rumpfs_file *file);

/* Read source for holes. */
static char zero_chunk[RUMPFS_CHUNK];

/* Chunks a tree of this height covers. */
static uint64_t
capacity(unsigned height)
{
	return (uint64_t)1 << (RUMPFS_FANSHIFT * height);
}

/* The slot of chunk idx in an index block at this height (>= 1). */
static unsigned
slot_of(uint64_t idx, unsigned height)
{
	return (idx >> (RUMPFS_FANSHIFT * (height - 1))) & (RUMPFS_FANOUT - 1);
}

static void *
chunk_find(const struct rumpfs_file *file, uint64_t idx)
{
	void *p = file->file_root;
	unsigned h;

	if (idx >= capacity(file->file_height))
		return NULL;
	for (h = file->file_height; h > 0 && p != NULL; h--)
		p = ((void **)p)[slot_of(idx, h)];
	return p;
}

/* Raise the tree until chunk idx fits: the old root becomes slot 0. */
static int
tree_grow(struct rumpfs_mount *rm, struct rumpfs_file *file, uint64_t idx)
{
	void **ix;

	while (idx >= capacity(file->file_height)) {
		KASSERT(file->file_height < RUMPFS_MAXHEIGHT);
		if (file->file_root != NULL) {
			ix = rumpfs_alloc(rm, RUMPFS_CHUNK);
			if (ix == NULL)
				return ENOSPC;
			ix[0] = file->file_root;
			file->file_root = ix;
			file->file_nindex++;
		}
		file->file_height++;
	}
	return 0;
}

/* The chunk idx, allocated (zeroed) when it is a hole.  ENOSPC when out of memory. */
static int
chunk_get(struct rumpfs_mount *rm, struct rumpfs_file *file, uint64_t idx, char **chunkp)
{
	void **slotp;
	unsigned h;
	int error;

	error = tree_grow(rm, file, idx);
	if (error)
		return error;
	slotp = &file->file_root;
	for (h = file->file_height; ; h--) {
		if (*slotp == NULL) {
			*slotp = rumpfs_alloc(rm, RUMPFS_CHUNK);
			if (*slotp == NULL)
				return ENOSPC;
			if (h > 0)
				file->file_nindex++;
			else
				file->file_nchunks++;
		}
		if (h == 0)
			break;
		slotp = &((void **)*slotp)[slot_of(idx, h)];
	}
	*chunkp = *slotp;
	return 0;
}

int
rumpfs_data_read(struct rumpfs_node *rn, struct uio *uio)
{
	struct rumpfs_file *file = &rn->rn_file;
	uint64_t idx;
	size_t skip, n;
	char *chunk;
	int error = 0;

	while (uio->uio_resid > 0 && uio->uio_offset < rn->rn_size) {
		idx = (uint64_t)uio->uio_offset >> RUMPFS_CHUNKSHIFT;
		skip = (size_t)(uio->uio_offset & (RUMPFS_CHUNK - 1));
		n = MIN(RUMPFS_CHUNK - skip, uio->uio_resid);
		n = MIN(n, (uint64_t)(rn->rn_size - uio->uio_offset));
		chunk = chunk_find(file, idx);
		if (chunk == NULL)
			chunk = zero_chunk;
		error = uiomove(chunk + skip, n, uio);
		if (error)
			break;
	}
	return error;
}

/*
 * Write uio at uio_offset (the caller has range-checked it), growing the
 * file.  Stops with ENOSPC at the first chunk that cannot be allocated,
 * with the size covering what was written.
 */
int
rumpfs_data_write(struct rumpfs_mount *rm, struct rumpfs_node *rn, struct uio *uio)
{
	struct rumpfs_file *file = &rn->rn_file;
	uint64_t idx;
	size_t skip, n;
	char *chunk;
	int error = 0;

	while (uio->uio_resid > 0) {
		idx = (uint64_t)uio->uio_offset >> RUMPFS_CHUNKSHIFT;
		skip = (size_t)(uio->uio_offset & (RUMPFS_CHUNK - 1));
		n = MIN(RUMPFS_CHUNK - skip, uio->uio_resid);
		error = chunk_get(rm, file, idx, &chunk);
		if (error)
			break;
		error = uiomove(chunk + skip, n, uio);
		if (error)
			break;
		if (uio->uio_offset > rn->rn_size)
			rn->rn_size = uio->uio_offset;
	}
	return error;
}

/*
 * vop_extent's answer for byte off: the run of chunks of its kind in the
 * index block where the walk toward it stops, so a missing subtree is
 * one step.
 */
void
rumpfs_data_extent(const struct rumpfs_node *rn, off_t off, bool *datap, off_t *endp)
{
	const struct rumpfs_file *file = &rn->rn_file;
	uint64_t idx = (uint64_t)off >> RUMPFS_CHUNKSHIFT, base = 0, span, end = UINT64_MAX;
	void **ix = file->file_root;
	unsigned h, s, j;

	*datap = false;
	if (ix == NULL || idx >= capacity(file->file_height)) {
		*endp = INT64_MAX;	/* nothing held from here on */
		return;
	}
	if (file->file_height == 0) {
		*datap = true;	/* the root is chunk 0 itself */
		end = 1;
	}
	for (h = file->file_height; h > 0; h--) {
		span = capacity(h - 1);
		s = slot_of(idx, h);
		for (j = s + 1; j < RUMPFS_FANOUT && (ix[j] != NULL) == (ix[s] != NULL); j++)
			continue;
		if (ix[s] == NULL || h == 1) {
			*datap = ix[s] != NULL;
			end = base + j * span;
			break;
		}
		base += s * span;
		ix = ix[s];
	}
	*endp = end > ((uint64_t)INT64_MAX >> RUMPFS_CHUNKSHIFT) ? INT64_MAX :
	    (off_t)(end << RUMPFS_CHUNKSHIFT);
}

static void
subtree_free(struct rumpfs_mount *rm, struct rumpfs_file *file, void *p, unsigned height)
{
	void **ix = p;
	unsigned i;

	if (height == 0) {
		rumpfs_free(rm, p, RUMPFS_CHUNK);
		file->file_nchunks--;
		return;
	}
	for (i = 0; i < RUMPFS_FANOUT; i++)
		if (ix[i] != NULL)
			subtree_free(rm, file, ix[i], height - 1);
	rumpfs_free(rm, ix, RUMPFS_CHUNK);
	file->file_nindex--;
}

/*
 * In index block ix (at height, first chunk base), free every chunk with
 * index in [first, end) and the index blocks below ix left empty; true
 * when ix itself holds nothing any more.
 */
static bool
subtree_trim(struct rumpfs_mount *rm, struct rumpfs_file *file, void **ix, unsigned height,
    uint64_t base, uint64_t first, uint64_t end)
{
	uint64_t span = capacity(height - 1), cbase;
	bool empty = true;
	unsigned i;

	for (i = 0; i < RUMPFS_FANOUT; i++) {
		if (ix[i] == NULL)
			continue;
		cbase = base + i * span;
		if (cbase >= first && cbase + span <= end) {
			subtree_free(rm, file, ix[i], height - 1);
			ix[i] = NULL;
		} else if (height > 1 && cbase + span > first && cbase < end &&
		    subtree_trim(rm, file, ix[i], height - 1, cbase, first, end)) {
			rumpfs_free(rm, ix[i], RUMPFS_CHUNK);
			file->file_nindex--;
			ix[i] = NULL;
		}
		if (ix[i] != NULL)
			empty = false;
	}
	return empty;
}

/* Lower the tree while keep chunks fit in slot 0 of the root. */
static void
tree_shrink(struct rumpfs_mount *rm, struct rumpfs_file *file, uint64_t keep)
{
	void **ix;

	while (file->file_height > 0 && keep <= capacity(file->file_height - 1)) {
		ix = file->file_root;
		file->file_height--;
		if (ix == NULL)
			continue;
		file->file_root = ix[0];
		rumpfs_free(rm, ix, RUMPFS_CHUNK);
		file->file_nindex--;
	}
}

/* Lower the tree while its root holds slot 0 only: a punch undoing a grow gives the memory back. */
static void
tree_lower(struct rumpfs_mount *rm, struct rumpfs_file *file)
{
	void **ix;
	unsigned i;

	while (file->file_height > 0 && (ix = file->file_root) != NULL) {
		for (i = 1; i < RUMPFS_FANOUT && ix[i] == NULL; i++)
			continue;
		if (i < RUMPFS_FANOUT)
			break;
		file->file_root = ix[0];
		file->file_height--;
		rumpfs_free(rm, ix, RUMPFS_CHUNK);
		file->file_nindex--;
	}
}

/* Set the size; shrinking frees whole chunks past it and zeroes the tail of the last. */
void
rumpfs_data_truncate(struct rumpfs_mount *rm, struct rumpfs_node *rn, off_t size)
{
	struct rumpfs_file *file = &rn->rn_file;
	uint64_t keep = howmany((uint64_t)size, RUMPFS_CHUNK);
	size_t tail = (size_t)(size & (RUMPFS_CHUNK - 1));
	char *chunk;

	if (size < rn->rn_size && file->file_root != NULL) {
		if (keep == 0) {
			subtree_free(rm, file, file->file_root, file->file_height);
			file->file_root = NULL;
			file->file_height = 0;
		} else if (file->file_height > 0) {
			(void)subtree_trim(rm, file, file->file_root, file->file_height, 0, keep,
			    UINT64_MAX);
		}
		tree_shrink(rm, file, keep);
		if (tail != 0 && (chunk = chunk_find(file, keep - 1)) != NULL)
			memset(chunk + tail, 0, RUMPFS_CHUNK - tail);
	}
	rn->rn_size = size;
}

/*
 * fallocate: chunks [first, end) held (zeroed when new), the size
 * unchanged; *donep the chunk it stopped at.  Chunks past the end of
 * file are zero, as everywhere in a rumpfs file, so they may be held.
 */
int
rumpfs_data_alloc(struct rumpfs_mount *rm, struct rumpfs_node *rn, uint64_t first, uint64_t end,
    uint64_t *donep)
{
	char *chunk;
	int error;

	for (*donep = first; *donep < end; (*donep)++)
		if ((error = chunk_get(rm, &rn->rn_file, *donep, &chunk)) != 0)
			return error;
	return 0;
}

/* A punched hole: chunks [first, end) and the index blocks left empty go; the size stays. */
void
rumpfs_data_punch(struct rumpfs_mount *rm, struct rumpfs_node *rn, uint64_t first, uint64_t end)
{
	struct rumpfs_file *file = &rn->rn_file;

	if (file->file_root == NULL || first >= end)
		return;
	if (file->file_height == 0) {
		if (first == 0) {
			rumpfs_free(rm, file->file_root, RUMPFS_CHUNK);
			file->file_nchunks--;
			file->file_root = NULL;
		}
		return;
	}
	if (subtree_trim(rm, file, file->file_root, file->file_height, 0, first, end)) {
		rumpfs_free(rm, file->file_root, RUMPFS_CHUNK);
		file->file_nindex--;
		file->file_root = NULL;
		file->file_height = 0;
		return;
	}
	tree_lower(rm, file);
}

void
rumpfs_data_free(struct rumpfs_mount *rm, struct rumpfs_file *file)
{
	if (file->file_root != NULL)
		subtree_free(rm, file, file->file_root, file->file_height);
	KASSERT(file->file_nchunks == 0 && file->file_nindex == 0);
	file->file_root = NULL;
	file->file_height = 0;
}
