/* rumpfs_dir.c: rumpfs directories: entries in creation order, a name hash, readdir cookies. */
#include "rumpfs.h"
#include "dirent.h"

static uint32_t	name_hash(const char *name, size_t namelen);
static void	hash_link(struct rumpfs_dirent **buckets, unsigned nbuckets,
		    struct rumpfs_dirent *de);
static void	hash_grow(struct rumpfs_mount *rm, struct rumpfs_dir *dir);
static bool	emit_dots(struct rumpfs_node *dn, struct uio *uio);

/* Below this many entries a directory is scanned; above it the hash is used. */
#define DIR_HASH_MIN		16

void
rumpfs_dir_init(struct rumpfs_dir *dir, ino_t parent)
{
	TAILQ_INIT(&dir->dir_entries);
	dir->dir_buckets = NULL;
	dir->dir_nbuckets = 0;
	dir->dir_count = 0;
	dir->dir_nextid = RUMPFS_FIRSTID;
	dir->dir_size = vfs_dirent_reclen(1) + vfs_dirent_reclen(2);
	dir->dir_parent = parent;
}

/* FNV-1a. */
static uint32_t
name_hash(const char *name, size_t namelen)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < namelen; i++) {
		h ^= (unsigned char)name[i];
		h *= 16777619u;
	}
	return h;
}

struct rumpfs_dirent *
rumpfs_dir_lookup(struct rumpfs_dir *dir, const char *name, size_t namelen)
{
	uint32_t h = name_hash(name, namelen);
	struct rumpfs_dirent *de;

	if (dir->dir_buckets != NULL) {
		de = dir->dir_buckets[h & (dir->dir_nbuckets - 1)];
		for (; de != NULL; de = de->de_hnext)
			if (de->de_hash == h && de->de_namelen == namelen &&
			    memcmp(de->de_name, name, namelen) == 0)
				return de;
		return NULL;
	}
	TAILQ_FOREACH(de, &dir->dir_entries, de_order)
		if (de->de_hash == h && de->de_namelen == namelen &&
		    memcmp(de->de_name, name, namelen) == 0)
			return de;
	return NULL;
}

int
rumpfs_dirent_alloc(struct rumpfs_mount *rm, const char *name, size_t namelen,
    struct rumpfs_dirent **dep)
{
	struct rumpfs_dirent *de;

	KASSERT(namelen > 0 && namelen <= RUMPFS_NAME_MAX);
	de = rumpfs_alloc(rm, sizeof(*de) + namelen + 1);
	if (de == NULL)
		return ENOSPC;
	memcpy(de->de_name, name, namelen);
	de->de_name[namelen] = '\0';
	de->de_namelen = (uint16_t)namelen;
	de->de_hash = name_hash(name, namelen);
	*dep = de;
	return 0;
}

void
rumpfs_dirent_free(struct rumpfs_mount *rm, struct rumpfs_dirent *de)
{
	rumpfs_free(rm, de, sizeof(*de) + de->de_namelen + 1);
}

static void
hash_link(struct rumpfs_dirent **buckets, unsigned nbuckets, struct rumpfs_dirent *de)
{
	struct rumpfs_dirent **headp = &buckets[de->de_hash & (nbuckets - 1)];

	de->de_hnext = *headp;
	*headp = de;
}

/* Double the hash table (or make the first one); out of memory just keeps the old. */
static void
hash_grow(struct rumpfs_mount *rm, struct rumpfs_dir *dir)
{
	unsigned nb = dir->dir_nbuckets ? dir->dir_nbuckets * 2 : DIR_HASH_MIN * 2;
	struct rumpfs_dirent **buckets, *de;

	buckets = rumpfs_alloc(rm, nb * sizeof(*buckets));
	if (buckets == NULL)
		return;
	TAILQ_FOREACH(de, &dir->dir_entries, de_order)
		hash_link(buckets, nb, de);
	if (dir->dir_buckets != NULL)
		rumpfs_free(rm, dir->dir_buckets, dir->dir_nbuckets * sizeof(*buckets));
	dir->dir_buckets = buckets;
	dir->dir_nbuckets = nb;
}

/* Add de (from rumpfs_dirent_alloc) naming ino of type; it gets the next id. */
void
rumpfs_dir_insert(struct rumpfs_mount *rm, struct rumpfs_dir *dir,
    struct rumpfs_dirent *de, ino_t ino, enum vtype type)
{
	de->de_ino = ino;
	de->de_type = type;
	de->de_id = dir->dir_nextid++;
	TAILQ_INSERT_TAIL(&dir->dir_entries, de, de_order);
	dir->dir_count++;
	dir->dir_size += vfs_dirent_reclen(de->de_namelen);
	if (dir->dir_buckets != NULL)
		hash_link(dir->dir_buckets, dir->dir_nbuckets, de);
	if (dir->dir_count > DIR_HASH_MIN && dir->dir_count > 2 * dir->dir_nbuckets)
		hash_grow(rm, dir);
}

/* Take de out of dir; the caller frees it. */
void
rumpfs_dir_detach(struct rumpfs_dir *dir, struct rumpfs_dirent *de)
{
	struct rumpfs_dirent **pp;

	if (dir->dir_buckets != NULL) {
		pp = &dir->dir_buckets[de->de_hash & (dir->dir_nbuckets - 1)];
		while (*pp != de) {
			KASSERT(*pp != NULL);
			pp = &(*pp)->de_hnext;
		}
		*pp = de->de_hnext;
	}
	TAILQ_REMOVE(&dir->dir_entries, de, de_order);
	KASSERT(dir->dir_count > 0);
	dir->dir_count--;
	dir->dir_size -= vfs_dirent_reclen(de->de_namelen);
}

void
rumpfs_dir_free_all(struct rumpfs_mount *rm, struct rumpfs_dir *dir)
{
	struct rumpfs_dirent *de;

	while ((de = TAILQ_FIRST(&dir->dir_entries)) != NULL) {
		TAILQ_REMOVE(&dir->dir_entries, de, de_order);
		rumpfs_dirent_free(rm, de);
	}
	if (dir->dir_buckets != NULL)
		rumpfs_free(rm, dir->dir_buckets, dir->dir_nbuckets * sizeof(*dir->dir_buckets));
	dir->dir_buckets = NULL;
	dir->dir_nbuckets = 0;
	dir->dir_count = 0;
}

/* "." (cookie 0) and ".." (cookie 1) as far as the uio has room and the cookie asks. */
static bool
emit_dots(struct rumpfs_node *dn, struct uio *uio)
{
	if (uio->uio_offset == 0) {
		if (!vfs_dirent_emit(uio, dn->rn_ino, 1, vtype_to_dt(VDIR), ".", 1))
			return false;
		uio->uio_offset = 1;
	}
	if (uio->uio_offset == 1) {
		if (!vfs_dirent_emit(uio, dn->rn_dir.dir_parent, 2, vtype_to_dt(VDIR), "..", 2))
			return false;
		uio->uio_offset = 2;
	}
	return true;
}

/*
 * Emit entries from the cookie in uio_offset: 0 ".", 1 "..", n >= 2 the
 * first entry whose id is >= n.  uio_offset is left at the cookie that
 * resumes after the last entry emitted.
 */
int
rumpfs_dir_readdir(struct rumpfs_node *dn, struct uio *uio, int *eofp)
{
	struct rumpfs_dirent *de;
	off_t next;

	*eofp = 0;
	if (uio->uio_offset < 0)
		return EINVAL;
	if (!emit_dots(dn, uio))
		return 0;
	TAILQ_FOREACH(de, &dn->rn_dir.dir_entries, de_order) {
		if (de->de_id < (uint64_t)uio->uio_offset)
			continue;
		next = (off_t)de->de_id + 1;
		if (!vfs_dirent_emit(uio, de->de_ino, next, vtype_to_dt(de->de_type),
		    de->de_name, de->de_namelen))
			return 0;
		uio->uio_offset = next;
	}
	*eofp = 1;
	return 0;
}
