/* vfs_fuzzmap.c: metadata maps of images (rump_pub_fs_metamap): the public entry and the range list the file systems fill. */
#include "kernel.h"

#include <rump/rump.h>
#include <rump/rump_fuzzmap.h>

#include "vcore_impl.h"

static int	map_grow(struct rump_fuzzmap *map);

/* Doubling from a small start: most images have a few hundred ranges. */
static int
map_grow(struct rump_fuzzmap *map)
{
	size_t ncap = map->fm_cap == 0 ? 64 : map->fm_cap * 2;
	struct rump_fuzzmap_range *n;

	if (ncap > RUMP_FUZZMAP_MAXRANGES)
		ncap = RUMP_FUZZMAP_MAXRANGES;
	n = kmem_alloc(ncap * sizeof(*n), KM_SLEEP);
	if (n == NULL)
		return ENOMEM;
	if (map->fm_nranges > 0)
		memcpy(n, map->fm_ranges, map->fm_nranges * sizeof(*n));
	if (map->fm_cap > 0)
		kmem_free(map->fm_ranges, map->fm_cap * sizeof(*n));
	map->fm_ranges = n;
	map->fm_cap = ncap;
	return 0;
}

int
vfs_fuzzmap_add(struct rump_fuzzmap *map, uint64_t off, uint64_t len,
    unsigned kind, unsigned table, unsigned flags)
{
	struct rump_fuzzmap_range *r;
	int error;

	KASSERT(kind >= 1 && kind <= RUMP_FUZZMAP_KIND_MAX);
	KASSERT(table == RUMP_FUZZMAP_NOTABLE || table < map->fm_ntables);
	if (off >= map->fm_imglen || len > map->fm_imglen - off || len > UINT32_MAX) {
		map->fm_partial = 1;
		if (off >= map->fm_imglen)
			return 0;
		len = MIN(MIN(len, map->fm_imglen - off), UINT32_MAX);
	}
	if (len == 0)
		return 0;
	if (map->fm_nranges == map->fm_cap) {
		if (map->fm_cap == RUMP_FUZZMAP_MAXRANGES) {
			map->fm_partial = 1;
			return ENOSPC;
		}
		if ((error = map_grow(map)) != 0)
			return error;
	}
	r = &map->fm_ranges[map->fm_nranges++];
	r->fr_off = off;
	r->fr_len = (uint32_t)len;
	r->fr_kind = (uint8_t)kind;
	r->fr_flags = (uint8_t)flags;
	r->fr_table = (uint16_t)table;
	return 0;
}

static void
map_free(struct rump_fuzzmap *map)
{
	if (map->fm_cap > 0)
		kmem_free(map->fm_ranges, map->fm_cap * sizeof(map->fm_ranges[0]));
	kmem_free(map, sizeof(*map));
}

/* The type by name, or the one whose probe takes the image's head; held across the parse. */
static struct vfsops *
map_type(const char *fstype, const uint8_t *img, size_t len)
{
	struct vfsops *ops;

	if (fstype != NULL)
		return vfs_hold(fstype);
	ops = vfs_probe(img, MIN(len, VFS_PROBE_SIZE));
	return ops != NULL ? vfs_hold(ops->vfs_name) : NULL;
}

static int
metamap(const char *fstype, const uint8_t *img, size_t len, struct rump_fuzzmap **mapp)
{
	struct rump_fuzzmap *map;
	struct vfsops *ops;
	int error;

	if ((ops = map_type(fstype, img, len)) == NULL)
		return fstype != NULL ? ENODEV : EINVAL;
	if ((map = kmem_zalloc(sizeof(*map), KM_SLEEP)) == NULL) {
		error = ENOMEM;
		goto out_release;
	}
	map->fm_fstype = ops->vfs_name;
	map->fm_imglen = len;
	error = ops->vfs_fuzzmap(img, len, map);
	/* A full map is still a map: the parser stopped at the limit. */
	if (error == ENOSPC && map->fm_partial)
		error = 0;
	if (error != 0)
		map_free(map);
	else
		*mapp = map;
out_release:
	vfs_release(ops);
	return error;
}

int
rump_pub_fs_metamap(const char *fstype, const uint8_t *img, size_t len,
    struct rump_fuzzmap **mapp)
{
	int error;

	rump_schedule();
	error = metamap(fstype, img, len, mapp);
	rump_unschedule();
	return error;
}

void
rump_pub_fs_metamap_free(struct rump_fuzzmap *map)
{
	if (map == NULL)
		return;
	rump_schedule();
	map_free(map);
	rump_unschedule();
}
