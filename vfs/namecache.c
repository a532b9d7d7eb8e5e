/* namecache.c: the name cache: (directory vnode, name) -> vnode, bounded, without references. */
#include "kmem.h"
#include "vcore_impl.h"

#define NC_HASHSIZE	1024	/* buckets per table; a power of two */
#define NC_MIN		1024	/* entries kept at least ... */
#define NC_MAX		(1u << 20)	/* ... and at most */

/*
 * Each entry is on three hash chains, so that a lookup and the purges
 * of one vnode touch one bucket each: by (dvp, name), by dvp, by vp.
 * Entries hold no references: reclaiming either vnode purges the entry
 * first (cache_purge), so a vnode found here under nc_lock is not freed;
 * vcache_tryref then decides whether it may still be handed out.
 */
struct ncentry {
	LIST_ENTRY(ncentry)	nc_hash;	/* by (dvp, name) */
	LIST_ENTRY(ncentry)	nc_dvhash;	/* by dvp */
	LIST_ENTRY(ncentry)	nc_vhash;	/* by vp */
	TAILQ_ENTRY(ncentry)	nc_lru;		/* oldest first */
	struct vnode		*nc_dvp;
	struct vnode		*nc_vp;
	size_t			nc_namelen;
	char			nc_name[];
};

static struct {
	kmutex_t		lock;		/* everything here */
	LIST_HEAD(, ncentry)	byname[NC_HASHSIZE];
	LIST_HEAD(, ncentry)	bydvp[NC_HASHSIZE];
	LIST_HEAD(, ncentry)	byvp[NC_HASHSIZE];
	TAILQ_HEAD(, ncentry)	lru;
	unsigned		n, max;
} nc;

static unsigned nc_ptrhash(const struct vnode *vp);
static unsigned nc_namehash(const struct vnode *dvp, const char *name, size_t len);
static struct ncentry *nc_find(struct vnode *dvp, const char *name, size_t len);
static void nc_remove(struct ncentry *ncp);
static void nc_purge_locked(struct vnode *vp);

static unsigned
nc_ptrhash(const struct vnode *vp)
{
	uint64_t h = (uint64_t)(uintptr_t)vp * 0x9e3779b97f4a7c15ULL;

	return (unsigned)(h >> 40) & (NC_HASHSIZE - 1);
}

static unsigned
nc_namehash(const struct vnode *dvp, const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)dvp;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ULL;
	return (unsigned)(h ^ (h >> 32)) & (NC_HASHSIZE - 1);
}

int
namecache_init(void)
{
	mutex_init(&nc.lock);
	for (unsigned i = 0; i < NC_HASHSIZE; i++) {
		LIST_INIT(&nc.byname[i]);
		LIST_INIT(&nc.bydvp[i]);
		LIST_INIT(&nc.byvp[i]);
	}
	TAILQ_INIT(&nc.lru);
	nc.n = 0;
	nc.max = MIN(MAX(2 * rump_params.rp_nvnodes, NC_MIN), NC_MAX);
	return 0;
}

void
namecache_fini(void)
{
	struct ncentry *ncp;

	mutex_enter(&nc.lock);
	while ((ncp = TAILQ_FIRST(&nc.lru)) != NULL)
		nc_remove(ncp);
	mutex_exit(&nc.lock);
	mutex_destroy(&nc.lock);
}

static struct ncentry *
nc_find(struct vnode *dvp, const char *name, size_t len)
{
	struct ncentry *ncp;

	LIST_FOREACH(ncp, &nc.byname[nc_namehash(dvp, name, len)], nc_hash) {
		if (ncp->nc_dvp == dvp && ncp->nc_namelen == len &&
		    memcmp(ncp->nc_name, name, len) == 0)
			return ncp;
	}
	return NULL;
}

static void
nc_remove(struct ncentry *ncp)
{
	LIST_REMOVE(ncp, nc_hash);
	LIST_REMOVE(ncp, nc_dvhash);
	LIST_REMOVE(ncp, nc_vhash);
	TAILQ_REMOVE(&nc.lru, ncp, nc_lru);
	nc.n--;
	kmem_free(ncp, sizeof(*ncp) + ncp->nc_namelen);
}

/* 0 and *vpp referenced on a hit; ENOENT when the name is not cached (or its vnode is going). */
int
cache_lookup(struct vnode *dvp, const char *name, size_t namelen, struct vnode **vpp)
{
	struct ncentry *ncp;
	int error = ENOENT;

	mutex_enter(&nc.lock);
	ncp = nc_find(dvp, name, namelen);
	if (ncp != NULL && vcache_tryref(ncp->nc_vp)) {
		TAILQ_REMOVE(&nc.lru, ncp, nc_lru);
		TAILQ_INSERT_TAIL(&nc.lru, ncp, nc_lru);
		*vpp = ncp->nc_vp;
		error = 0;
	}
	mutex_exit(&nc.lock);
	return error;
}

void
cache_enter(struct vnode *dvp, struct vnode *vp, const char *name, size_t namelen)
{
	struct ncentry *ncp, *old;

	if (namelen == 0 || namelen > NAME_MAX ||
	    (name[0] == '.' && (namelen == 1 || (namelen == 2 && name[1] == '.'))))
		return;
	/* Allocate before locking: kmem reclaimers may try our lock. */
	ncp = kmem_alloc(sizeof(*ncp) + namelen, KM_NOSLEEP);
	if (ncp == NULL)
		return;
	ncp->nc_dvp = dvp;
	ncp->nc_vp = vp;
	ncp->nc_namelen = namelen;
	memcpy(ncp->nc_name, name, namelen);

	mutex_enter(&nc.lock);
	if ((old = nc_find(dvp, name, namelen)) != NULL)
		nc_remove(old);
	LIST_INSERT_HEAD(&nc.byname[nc_namehash(dvp, name, namelen)], ncp, nc_hash);
	LIST_INSERT_HEAD(&nc.bydvp[nc_ptrhash(dvp)], ncp, nc_dvhash);
	LIST_INSERT_HEAD(&nc.byvp[nc_ptrhash(vp)], ncp, nc_vhash);
	TAILQ_INSERT_TAIL(&nc.lru, ncp, nc_lru);
	nc.n++;
	while (nc.n > nc.max)
		nc_remove(TAILQ_FIRST(&nc.lru));
	mutex_exit(&nc.lock);
}

void
cache_purge_name(struct vnode *dvp, const char *name, size_t namelen)
{
	struct ncentry *ncp;

	mutex_enter(&nc.lock);
	if ((ncp = nc_find(dvp, name, namelen)) != NULL)
		nc_remove(ncp);
	mutex_exit(&nc.lock);
}

static void
nc_purge_locked(struct vnode *vp)
{
	struct ncentry *ncp, *next;

	for (ncp = LIST_FIRST(&nc.bydvp[nc_ptrhash(vp)]); ncp != NULL; ncp = next) {
		next = LIST_NEXT(ncp, nc_dvhash);
		if (ncp->nc_dvp == vp)
			nc_remove(ncp);
	}
	for (ncp = LIST_FIRST(&nc.byvp[nc_ptrhash(vp)]); ncp != NULL; ncp = next) {
		next = LIST_NEXT(ncp, nc_vhash);
		if (ncp->nc_vp == vp)
			nc_remove(ncp);
	}
}

void
cache_purge(struct vnode *vp)
{
	mutex_enter(&nc.lock);
	nc_purge_locked(vp);
	mutex_exit(&nc.lock);
}

bool
cache_purge_try(struct vnode *vp)
{
	if (!mutex_tryenter(&nc.lock))
		return false;
	nc_purge_locked(vp);
	mutex_exit(&nc.lock);
	return true;
}

void
cache_purge_mount(struct mount *mp)
{
	struct ncentry *ncp, *next;

	mutex_enter(&nc.lock);
	for (ncp = TAILQ_FIRST(&nc.lru); ncp != NULL; ncp = next) {
		next = TAILQ_NEXT(ncp, nc_lru);
		if (ncp->nc_dvp->v_mount == mp || ncp->nc_vp->v_mount == mp)
			nc_remove(ncp);
	}
	mutex_exit(&nc.lock);
}
