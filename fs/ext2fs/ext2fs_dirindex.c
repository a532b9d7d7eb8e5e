/*
 * ext2fs_dirindex.c: an in-memory index of a large directory: names
 * (by hash) to record offsets, and per block the largest record it can
 * still take.  ext2 directories are lists; without an index every create
 * reads the whole directory twice (is the name there? where is room?),
 * which made creating the thousandth file in a directory cost as much as
 * the FUSE round trip.  dir_index (htree) blocks on disk are not kept
 * (the flag is cleared on change), so this index lives only in memory:
 * built at the first search of a directory of two blocks or more,
 * changed with every entry added or removed, dropped with the vnode.
 *
 * Locking: searches run under the directory's lock shared, changes under
 * it exclusive.  A search that finds no index builds one and publishes
 * it with a compare-and-swap (a racing builder frees its own); once
 * published, an index changes only under the exclusive lock.  An entry
 * that fails to check against its block (a hostile image where two
 * directories share a block) marks the index broken: searches then fall
 * back to reading the directory, and the next change drops it.
 */
#include "ext2fs.h"

#define DI_MINBLKS	2		/* smaller directories are searched block by block */
#define DI_MAXENTRIES	(1u << 22)	/* larger ones are not indexed (memory) */
#define DI_EMPTY	0
#define DI_TOMB		UINT32_MAX

struct di_slot {
	uint32_t	ds_hash;
	uint32_t	ds_off;		/* record offset + 1; DI_EMPTY, DI_TOMB */
};

struct ext2fs_dirindex {
	struct di_slot	*di_slots;
	uint32_t	di_nslots;	/* a power of two */
	uint32_t	di_used;	/* live and tombstones */
	uint16_t	*di_room;	/* per block: the largest record it can take */
	uint32_t	di_nblk, di_capblk;
	bool		di_broken;	/* atomic */
};

static uint32_t
di_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (len-- > 0)
		h = (h ^ (uint8_t)*name++) * 16777619u;
	return h;
}

static void
di_free(struct ext2fs_dirindex *di)
{
	if (di == NULL)
		return;
	kmem_free(di->di_slots, di->di_nslots * sizeof(*di->di_slots));
	kmem_free(di->di_room, di->di_capblk * sizeof(*di->di_room));
	kmem_free(di, sizeof(*di));
}

static void
di_put(struct di_slot *slots, uint32_t nslots, uint32_t hash, uint32_t off1)
{
	uint32_t i = hash & (nslots - 1);

	while (slots[i].ds_off != DI_EMPTY && slots[i].ds_off != DI_TOMB)
		i = (i + 1) & (nslots - 1);
	slots[i].ds_hash = hash;
	slots[i].ds_off = off1;
}

/* Room for one more: past 3/4 full (tombstones count), rebuilt twice the size. */
static int
di_reserve(struct ext2fs_dirindex *di)
{
	struct di_slot *ns;
	uint32_t n, i;

	if ((di->di_used + 1) * 4 < di->di_nslots * 3)
		return 0;
	n = di->di_nslots * 2;
	if (n / 4 > DI_MAXENTRIES || (ns = kmem_zalloc(n * sizeof(*ns), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	di->di_used = 0;
	for (i = 0; i < di->di_nslots; i++) {
		if (di->di_slots[i].ds_off == DI_EMPTY || di->di_slots[i].ds_off == DI_TOMB)
			continue;
		di_put(ns, n, di->di_slots[i].ds_hash, di->di_slots[i].ds_off);
		di->di_used++;
	}
	kmem_free(di->di_slots, di->di_nslots * sizeof(*di->di_slots));
	di->di_slots = ns;
	di->di_nslots = n;
	return 0;
}

static int
di_insert(struct ext2fs_dirindex *di, const char *name, size_t len, uint64_t off)
{
	int error;

	if ((error = di_reserve(di)) != 0)
		return error;
	di_put(di->di_slots, di->di_nslots, di_hash(name, len), (uint32_t)off + 1);
	di->di_used++;
	return 0;
}

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

static int
di_setroom(struct ext2fs_dirindex *di, uint64_t lbn, uint16_t room)
{
	uint16_t *nr;
	uint32_t cap;

	if (lbn >= di->di_capblk) {
		cap = di->di_capblk * 2 > lbn + 1 ? di->di_capblk * 2 : (uint32_t)lbn + 1;
		if ((nr = kmem_zalloc(cap * sizeof(*nr), KM_NOSLEEP)) == NULL)
			return ENOMEM;
		if (di->di_nblk > 0)
			memcpy(nr, di->di_room, di->di_nblk * sizeof(*nr));
		kmem_free(di->di_room, di->di_capblk * sizeof(*nr));
		di->di_room = nr;
		di->di_capblk = cap;
	}
	di->di_room[lbn] = room;
	if (lbn >= di->di_nblk)
		di->di_nblk = (uint32_t)lbn + 1;
	return 0;
}

/* Read the whole directory into a new index; NULL when it cannot be had. */
static struct ext2fs_dirindex *
di_build(struct ext2fs_inode *dp, uint64_t nblk)
{
	struct ext2fs_mount *e2m = dp->i_e2m;
	struct ext2fs_dirindex *di;
	uint32_t off, ino;
	uint16_t reclen, namelen;
	uint8_t type;
	struct buf *bp;
	int error = 0;

	if (nblk > DI_MAXENTRIES || (di = kmem_zalloc(sizeof(*di), KM_NOSLEEP)) == NULL)
		return NULL;
	di->di_nslots = 64;
	while (di->di_nslots < nblk * 32)	/* a guess: ~16 names a block, half full */
		di->di_nslots *= 2;
	di->di_slots = kmem_zalloc(di->di_nslots * sizeof(*di->di_slots), KM_NOSLEEP);
	if (di->di_slots == NULL) {
		kmem_free(di, sizeof(*di));
		return NULL;
	}
	for (uint64_t lbn = 0; lbn < nblk && error == 0; lbn++) {
		if ((error = ext2fs_dir_readblk(dp, lbn, &bp)) != 0)
			break;
		for (off = 0; off < e2m->e2m_bsize && error == 0; off += reclen) {
			const struct ext2fs_direct *d = (const void *)((char *)bp->b_data + off);

			ext2fs_dirent_get(e2m, d, &ino, &reclen, &namelen, &type);
			if (ino != 0)
				error = di_insert(di, d->d_name, namelen, (lbn << e2m->e2m_bshift) + off);
		}
		if (error == 0)
			error = di_setroom(di, lbn, di_blockroom(e2m, bp->b_data));
		brelse(bp, 0);
	}
	if (error != 0) {
		di_free(di);
		return NULL;
	}
	return di;
}

/* dp's usable index, built if it has none and is large enough; NULL: search block by block. */
static struct ext2fs_dirindex *
di_get(struct ext2fs_inode *dp)
{
	struct ext2fs_dirindex *di = __atomic_load_n(&dp->i_dirindex, __ATOMIC_ACQUIRE), *none = NULL;
	uint64_t nblk = dp->i_size >> dp->i_e2m->e2m_bshift;

	if (di == NULL && nblk >= DI_MINBLKS && (di = di_build(dp, nblk)) != NULL &&
	    !__atomic_compare_exchange_n(&dp->i_dirindex, &none, di, false, __ATOMIC_ACQ_REL,
	    __ATOMIC_ACQUIRE)) {
		di_free(di);
		di = none;
	}
	if (di != NULL && __atomic_load_n(&di->di_broken, __ATOMIC_RELAXED))
		return NULL;
	return di;
}

/* Check a candidate record at off against name; fills pos.  1 match, 0 not, -1 inconsistent. */
static int
di_check(struct ext2fs_inode *dp, uint64_t off, const char *name, size_t len,
    struct ext2fs_dirpos *pos)
{
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

		ext2fs_dirent_get(e2m, d, &ino, &reclen, &namelen, &type);
		r = ino != 0 && namelen == len && memcmp(d->d_name, name, len) == 0;
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
	struct ext2fs_dirindex *di = di_get(dp);
	uint32_t h, i;
	int r;

	if (di == NULL)
		return -1;
	h = di_hash(name, len);
	for (i = h & (di->di_nslots - 1); di->di_slots[i].ds_off != DI_EMPTY;
	    i = (i + 1) & (di->di_nslots - 1)) {
		if (di->di_slots[i].ds_off == DI_TOMB || di->di_slots[i].ds_hash != h)
			continue;
		if ((r = di_check(dp, di->di_slots[i].ds_off - 1, name, len, pos)) == 1)
			return 1;
		if (r < 0) {
			__atomic_store_n(&di->di_broken, true, __ATOMIC_RELAXED);
			return -1;
		}
	}
	return 0;
}

/* Under the exclusive lock: the index to change, or NULL (none, or a broken one, now dropped). */
static struct ext2fs_dirindex *
di_mine(struct ext2fs_inode *dp)
{
	struct ext2fs_dirindex *di = dp->i_dirindex;

	if (di != NULL && __atomic_load_n(&di->di_broken, __ATOMIC_RELAXED)) {
		ext2fs_di_drop(dp);
		di = NULL;
	}
	return di;
}

bool
ext2fs_di_mayfit(struct ext2fs_inode *dp, uint64_t lbn, uint16_t need)
{
	struct ext2fs_dirindex *di = di_mine(dp);

	return di == NULL || lbn >= di->di_nblk || di->di_room[lbn] >= need;
}

void
ext2fs_di_changed(struct ext2fs_inode *dp, uint64_t lbn, uint16_t room, const char *name,
    size_t len, uint64_t off, bool added)
{
	struct ext2fs_dirindex *di = di_mine(dp);
	uint32_t h, i;

	if (di == NULL)
		return;
	if (!added) {
		if (lbn >= di->di_nblk)
			goto drop;	/* a removal from a block it never had */
		room = MAX(room, di->di_room[lbn]);
	}
	if (di_setroom(di, lbn, room) != 0)
		goto drop;
	if (name == NULL)
		return;
	if (added) {
		if (di_insert(di, name, len, off) != 0)
			goto drop;
		return;
	}
	h = di_hash(name, len);
	for (i = h & (di->di_nslots - 1); di->di_slots[i].ds_off != DI_EMPTY;
	    i = (i + 1) & (di->di_nslots - 1)) {
		if (di->di_slots[i].ds_hash == h && di->di_slots[i].ds_off == (uint32_t)off + 1) {
			di->di_slots[i].ds_off = DI_TOMB;
			return;
		}
	}
drop:
	/* Out of memory or an entry it never had: without it the directory is read instead. */
	ext2fs_di_drop(dp);
}

void
ext2fs_di_drop(struct ext2fs_inode *dp)
{
	di_free(dp->i_dirindex);
	dp->i_dirindex = NULL;
}
