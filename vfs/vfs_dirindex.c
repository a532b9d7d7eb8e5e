/* vfs_dirindex.c: the in-memory index of large directories (see dirindex.h). */
#include "kernel.h"
#include "kmem.h"
#include "dirindex.h"

#define DI_MAXENTRIES	(1u << 22)	/* larger directories are not indexed (memory) */
#define DI_EMPTY	0
#define DI_TOMB		UINT32_MAX

struct di_slot {
	uint32_t	ds_hash;
	uint32_t	ds_off;		/* record offset + 1; DI_EMPTY, DI_TOMB */
};

struct dirindex {
	struct di_slot	*di_slots;
	uint32_t	di_nslots;	/* a power of two */
	uint32_t	di_used;	/* live and tombstones */
	uint16_t	*di_room;	/* per chunk: the largest record it can take */
	uint32_t	di_nchunk, di_capchunk;
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

struct dirindex *
dirindex_alloc(uint64_t nchunks, uint64_t expect)
{
	struct dirindex *di;

	if (nchunks > DI_MAXENTRIES || expect > DI_MAXENTRIES ||
	    (di = kmem_zalloc(sizeof(*di), KM_NOSLEEP)) == NULL)
		return NULL;
	di->di_nslots = 64;
	while (di->di_nslots < expect * 2)
		di->di_nslots *= 2;
	if ((di->di_slots = kmem_zalloc(di->di_nslots * sizeof(*di->di_slots), KM_NOSLEEP)) == NULL) {
		kmem_free(di, sizeof(*di));
		return NULL;
	}
	return di;
}

void
dirindex_free(struct dirindex *di)
{
	if (di == NULL)
		return;
	kmem_free(di->di_slots, di->di_nslots * sizeof(*di->di_slots));
	if (di->di_room != NULL)
		kmem_free(di->di_room, di->di_capchunk * sizeof(*di->di_room));
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
di_reserve(struct dirindex *di)
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

int
dirindex_insert(struct dirindex *di, const char *name, size_t len, uint64_t off)
{
	int error;

	if (off >= UINT32_MAX - 1)
		return EFBIG;
	if ((error = di_reserve(di)) != 0)
		return error;
	di_put(di->di_slots, di->di_nslots, di_hash(name, len), (uint32_t)off + 1);
	di->di_used++;
	return 0;
}

int
dirindex_setroom(struct dirindex *di, uint64_t chunk, uint16_t room)
{
	uint16_t *nr;
	uint32_t cap;

	if (chunk >= DI_MAXENTRIES)
		return EFBIG;
	if (chunk >= di->di_capchunk) {
		cap = di->di_capchunk * 2 > chunk + 1 ? di->di_capchunk * 2 : (uint32_t)chunk + 1;
		if ((nr = kmem_zalloc(cap * sizeof(*nr), KM_NOSLEEP)) == NULL)
			return ENOMEM;
		if (di->di_nchunk > 0)
			memcpy(nr, di->di_room, di->di_nchunk * sizeof(*nr));
		if (di->di_room != NULL)
			kmem_free(di->di_room, di->di_capchunk * sizeof(*nr));
		di->di_room = nr;
		di->di_capchunk = cap;
	}
	di->di_room[chunk] = room;
	if (chunk >= di->di_nchunk)
		di->di_nchunk = (uint32_t)chunk + 1;
	return 0;
}

struct dirindex *
dirindex_build(uint64_t nchunks, uint64_t expect, dirindex_fill_fn fill, void *arg)
{
	struct dirindex *di = dirindex_alloc(nchunks, expect);

	for (uint64_t c = 0; di != NULL && c < nchunks; c++) {
		if (fill(arg, di, c) != 0) {
			dirindex_free(di);
			di = NULL;
		}
	}
	return di;
}

/* The usable index of *slot, built if there is none; NULL: search the directory. */
static struct dirindex *
di_get(struct dirindex **slot, dirindex_build_fn build, void *arg)
{
	struct dirindex *di = __atomic_load_n(slot, __ATOMIC_ACQUIRE), *none = NULL;

	if (di == NULL && (di = build(arg)) != NULL &&
	    !__atomic_compare_exchange_n(slot, &none, di, false, __ATOMIC_ACQ_REL,
	    __ATOMIC_ACQUIRE)) {
		dirindex_free(di);
		di = none;
	}
	if (di != NULL && __atomic_load_n(&di->di_broken, __ATOMIC_RELAXED))
		return NULL;
	return di;
}

int
dirindex_find(struct dirindex **slot, dirindex_build_fn build, void *arg,
    const char *name, size_t len, dirindex_check_fn check)
{
	struct dirindex *di = di_get(slot, build, arg);
	uint32_t h, i;
	int r;

	if (di == NULL)
		return -1;
	h = di_hash(name, len);
	for (i = h & (di->di_nslots - 1); di->di_slots[i].ds_off != DI_EMPTY;
	    i = (i + 1) & (di->di_nslots - 1)) {
		if (di->di_slots[i].ds_off == DI_TOMB || di->di_slots[i].ds_hash != h)
			continue;
		if ((r = check(arg, di->di_slots[i].ds_off - 1)) == 1)
			return 1;
		if (r < 0) {
			__atomic_store_n(&di->di_broken, true, __ATOMIC_RELAXED);
			return -1;
		}
	}
	return 0;
}

/* Under the exclusive lock: the index to change, or NULL (none, or a broken one, now dropped). */
static struct dirindex *
di_mine(struct dirindex **slot)
{
	struct dirindex *di = *slot;

	if (di != NULL && __atomic_load_n(&di->di_broken, __ATOMIC_RELAXED)) {
		dirindex_drop(slot);
		di = NULL;
	}
	return di;
}

bool
dirindex_mayfit(struct dirindex **slot, uint64_t chunk, uint16_t need)
{
	struct dirindex *di = di_mine(slot);

	return di == NULL || chunk >= di->di_nchunk || di->di_room[chunk] >= need;
}

void
dirindex_changed(struct dirindex **slot, uint64_t chunk, uint16_t room, const char *name,
    size_t len, uint64_t off, bool added)
{
	struct dirindex *di = di_mine(slot);
	uint32_t h, i;

	if (di == NULL)
		return;
	if (!added) {
		if (chunk >= di->di_nchunk)
			goto drop;	/* a removal from a chunk it never had */
		room = MAX(room, di->di_room[chunk]);
	}
	if (dirindex_setroom(di, chunk, room) != 0)
		goto drop;
	if (name == NULL)
		return;
	if (added) {
		if (dirindex_insert(di, name, len, off) != 0)
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
	dirindex_drop(slot);
}

void
dirindex_drop(struct dirindex **slot)
{
	dirindex_free(*slot);
	*slot = NULL;
}
