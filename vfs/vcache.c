/* vcache.c: the vnode cache: (mount, ino) hash, load/new, LRU of unreferenced vnodes, reclaim. */
#include "kmem.h"
#include "vcore_impl.h"

/* In-line reclaim passes over at most this many vnodes whose file system would block. */
#define VCACHE_TRY_PASS	8

struct vcache_state vcache;

static struct vnode *vnode_alloc(void);
static void vnode_free(struct vnode *vp);
static struct vnode *vcache_hash_find(struct mount *mp, ino_t ino);
static void vcache_insert(struct vnode *vp);
static bool vcache_ref_locked(struct vnode *vp);
static bool vcache_reclaim_oldest(unsigned keep);
static void vcache_trim(void);
static int vcache_ops_ok(struct vnode *vp);
static int vcache_load(struct mount *mp, ino_t ino, struct vnode **vpp);
static bool vcache_try_one(struct vnode *vp);
static size_t vcache_reclaim_try(size_t want);
static size_t vcache_kmem_reclaim(void *arg, size_t want, int how);

static unsigned
vcache_bucket(struct mount *mp, ino_t ino)
{
	uint64_t h = (uint64_t)(uintptr_t)mp * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ino;

	h *= 0xff51afd7ed558ccdULL;
	return (unsigned)(h >> 32) & (VCACHE_HASHSIZE - 1);
}

int
vcache_init(void)
{
	mutex_init(&vcache.vc_lock);
	cv_init(&vcache.vc_cv, "vcache");
	for (unsigned i = 0; i < VCACHE_HASHSIZE; i++)
		LIST_INIT(&vcache.vc_hash[i]);
	TAILQ_INIT(&vcache.vc_lru);
	vcache.vc_nvnodes = vcache.vc_nunref = vcache.vc_nalloc = 0;
	memset(vcache.vc_checked, 0, sizeof vcache.vc_checked);
	vcache.vc_reclaimer.kr_name = "vcache";
	vcache.vc_reclaimer.kr_reclaim = vcache_kmem_reclaim;
	vcache.vc_reclaimer.kr_arg = NULL;
	kmem_reclaimer_register(&vcache.vc_reclaimer);
	return 0;
}

void
vcache_fini(void)
{
	kmem_reclaimer_unregister(&vcache.vc_reclaimer);
	vcache_drain(NULL, 0);
	if (vcache.vc_nvnodes != 0)
		kprintf("vcache: %u vnodes still cached at shutdown\n", vcache.vc_nvnodes);
	cv_destroy(&vcache.vc_cv);
	mutex_destroy(&vcache.vc_lock);
}

static struct vnode *
vnode_alloc(void)
{
	static uint64_t serial;
	struct vnode *vp = kmem_zalloc(sizeof(*vp), KM_SLEEP);

	if (vp == NULL)
		return NULL;
	vp->v_serial = __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&vcache.vc_nalloc, 1, __ATOMIC_RELAXED);
	mutex_init(&vp->v_interlock);
	cv_init(&vp->v_cv, "vnode");
	rw_init(&vp->v_lock);
	vp->v_usecount = 1;
	vp->v_state = VS_LOADING;
	vp->v_type = VNON;
	return vp;
}

static void
vnode_free(struct vnode *vp)
{
	rw_destroy(&vp->v_lock);
	cv_destroy(&vp->v_cv);
	mutex_destroy(&vp->v_interlock);
	kmem_free(vp, sizeof(*vp));
	__atomic_sub_fetch(&vcache.vc_nalloc, 1, __ATOMIC_RELAXED);
}

void
vnode_free_dead(struct vnode *vp)
{
	bool recycle = false;

	KASSERT(vp->v_state == VS_DEAD && vp->v_usecount == 0);
	(void)deadfs_vnodeops.vop_inactive(vp, &recycle);
	(void)deadfs_vnodeops.vop_reclaim(vp, 0);
	vnode_free(vp);
}

static struct vnode *
vcache_hash_find(struct mount *mp, ino_t ino)
{
	struct vnode *vp;

	KASSERT(mutex_owned(&vcache.vc_lock));
	LIST_FOREACH(vp, &vcache.vc_hash[vcache_bucket(mp, ino)], v_hash) {
		if (vp->v_mount == mp && vp->v_ino == ino)
			return vp;
	}
	return NULL;
}

/* Put vp (v_mount, v_ino set) on the hash and its mount's list. */
static void
vcache_insert(struct vnode *vp)
{
	KASSERT(mutex_owned(&vcache.vc_lock));
	LIST_INSERT_HEAD(&vcache.vc_hash[vcache_bucket(vp->v_mount, vp->v_ino)], vp, v_hash);
	TAILQ_INSERT_TAIL(&vp->v_mount->mnt_vnodes, vp, v_mntvnodes);
	vp->v_mount->mnt_nvnodes++;
	vcache.vc_nvnodes++;
}

void
vcache_remove(struct vnode *vp)
{
	KASSERT(mutex_owned(&vcache.vc_lock));
	LIST_REMOVE(vp, v_hash);
	TAILQ_REMOVE(&vp->v_mount->mnt_vnodes, vp, v_mntvnodes);
	vp->v_mount->mnt_nvnodes--;
	vcache.vc_nvnodes--;
	cv_broadcast(&vcache.vc_cv);
}

/* Take a reference on an ACTIVE vnode (leaving the LRU); false for other states. */
static bool
vcache_ref_locked(struct vnode *vp)
{
	bool ok = false;

	KASSERT(mutex_owned(&vcache.vc_lock));
	mutex_enter(&vp->v_interlock);
	if (vp->v_state == VS_ACTIVE) {
		if (vp->v_usecount == 0) {
			TAILQ_REMOVE(&vcache.vc_lru, vp, v_lru);
			vcache.vc_nunref--;
		}
		vp->v_usecount++;
		ok = true;
	}
	mutex_exit(&vp->v_interlock);
	return ok;
}

bool
vcache_tryref(struct vnode *vp)
{
	bool ok;

	mutex_enter(&vcache.vc_lock);
	ok = vcache_ref_locked(vp);
	mutex_exit(&vcache.vc_lock);
	return ok;
}

/* Take an unreferenced vnode off the LRU for reclaiming. */
void
vcache_take_lru(struct vnode *vp)
{
	KASSERT(mutex_owned(&vcache.vc_lock));
	mutex_enter(&vp->v_interlock);
	KASSERT(vp->v_state == VS_ACTIVE && vp->v_usecount == 0);
	TAILQ_REMOVE(&vcache.vc_lru, vp, v_lru);
	vcache.vc_nunref--;
	vp->v_state = VS_RECLAIMING;
	mutex_exit(&vp->v_interlock);
}

/*
 * vp is RECLAIMING, unreferenced, off the LRU and still hashed (so a
 * vcache_get of its inode waits): drop its names, let the file system
 * free its node, then unhash and free it.
 */
void
vcache_reclaim(struct vnode *vp)
{
	KASSERT(vp->v_state == VS_RECLAIMING && vp->v_usecount == 0);
	cache_purge(vp);
	(void)vp->v_op->vop_reclaim(vp, 0);
	mutex_enter(&vcache.vc_lock);
	vcache_remove(vp);
	mutex_exit(&vcache.vc_lock);
	vnode_free(vp);
}

/* Reclaim the least recently used unreferenced vnode if more than keep are; may block. */
static bool
vcache_reclaim_oldest(unsigned keep)
{
	struct vnode *vp;

	mutex_enter(&vcache.vc_lock);
	if (vcache.vc_nunref <= keep) {
		mutex_exit(&vcache.vc_lock);
		return false;
	}
	vp = TAILQ_FIRST(&vcache.vc_lru);
	vcache_take_lru(vp);
	mutex_exit(&vcache.vc_lock);
	vcache_reclaim(vp);
	return true;
}

/* Reclaim least recently used vnodes while more than RUMP_NVNODES are unreferenced. */
static void
vcache_trim(void)
{
	while (vcache_reclaim_oldest(rump_params.rp_nvnodes))
		;
}

void
vcache_release_last(struct vnode *vp, bool recycle)
{
	mutex_enter(&vcache.vc_lock);
	mutex_enter(&vp->v_interlock);
	KASSERT(vp->v_state == VS_BLOCKED && vp->v_usecount == 1);
	vp->v_usecount = 0;
	if (recycle) {
		vp->v_state = VS_RECLAIMING;
	} else {
		vp->v_state = VS_ACTIVE;
		TAILQ_INSERT_TAIL(&vcache.vc_lru, vp, v_lru);
		vcache.vc_nunref++;
	}
	mutex_exit(&vp->v_interlock);
	cv_broadcast(&vcache.vc_cv);
	mutex_exit(&vcache.vc_lock);
	if (recycle)
		vcache_reclaim(vp);
	vcache_trim();
}

/* A table loaded by a file system must be complete (checked once per table). */
static int
vcache_ops_ok(struct vnode *vp)
{
	const struct vnodeops *ops = vp->v_op;
	unsigned i;

	for (i = 0; i < __arraycount(vcache.vc_checked); i++) {
		if (vcache.vc_checked[i] == ops)
			return 0;
	}
	if (ops == NULL) {
		kprintf("vcache: file system left v_op NULL\n");
		return EINVAL;
	}
	if (vnodeops_check(ops) != 0)
		return EINVAL;
	for (i = 0; i < __arraycount(vcache.vc_checked); i++) {
		if (vcache.vc_checked[i] == NULL) {
			vcache.vc_checked[i] = ops;	/* racy but idempotent */
			break;
		}
	}
	return 0;
}

/* Load ino into a new vnode; on EEXIST the caller looks it up again. */
static int
vcache_load(struct mount *mp, ino_t ino, struct vnode **vpp)
{
	struct vnode *vp;
	int error;

	if ((vp = vnode_alloc()) == NULL)
		return ENOMEM;
	vp->v_mount = mp;
	vp->v_ino = ino;
	mutex_enter(&vcache.vc_lock);
	if (vcache_hash_find(mp, ino) != NULL) {
		mutex_exit(&vcache.vc_lock);
		vnode_free(vp);
		return EEXIST;
	}
	vcache_insert(vp);
	mutex_exit(&vcache.vc_lock);

	error = mp->mnt_op->vfs_loadvnode(mp, vp, ino);
	if (error == 0 && (error = vcache_ops_ok(vp)) != 0)
		(void)vp->v_op->vop_reclaim(vp, 0);
	mutex_enter(&vcache.vc_lock);
	if (error != 0) {
		vcache_remove(vp);
		mutex_exit(&vcache.vc_lock);
		vnode_free(vp);
		return error == EEXIST ? EIO : error;
	}
	mutex_enter(&vp->v_interlock);
	vp->v_state = VS_ACTIVE;
	mutex_exit(&vp->v_interlock);
	cv_broadcast(&vcache.vc_cv);
	mutex_exit(&vcache.vc_lock);
	*vpp = vp;
	return 0;
}

int
vcache_get(struct mount *mp, ino_t ino, struct vnode **vpp)
{
	struct vnode *vp;
	int error;

	for (;;) {
		mutex_enter(&vcache.vc_lock);
		vp = vcache_hash_find(mp, ino);
		if (vp == NULL) {
			mutex_exit(&vcache.vc_lock);
			error = vcache_load(mp, ino, vpp);
			if (error != EEXIST)
				return error;
			continue;
		}
		if (vcache_ref_locked(vp)) {
			mutex_exit(&vcache.vc_lock);
			*vpp = vp;
			return 0;
		}
		/* Loading, being released or reclaimed: wait, then look again. */
		cv_wait(&vcache.vc_cv, &vcache.vc_lock);
		mutex_exit(&vcache.vc_lock);
	}
}

int
vcache_new(struct mount *mp, struct vnode *dvp, const struct vattr *vap,
    kauth_cred_t cred, struct vnode **vpp)
{
	struct vnode *vp, *ovp;
	ino_t ino;
	int error;

	if ((vp = vnode_alloc()) == NULL)
		return ENOMEM;
	vp->v_mount = mp;
	error = mp->mnt_op->vfs_newvnode(mp, dvp, vp, vap, cred, &ino);
	if (error != 0)
		goto out_free;
	if ((error = vcache_ops_ok(vp)) != 0)
		goto out_reclaim;
	vp->v_ino = ino;
	mutex_enter(&vcache.vc_lock);
	/* An old vnode of a freed inode with this number may still be leaving. */
	while ((ovp = vcache_hash_find(mp, ino)) != NULL) {
		if (ovp->v_state == VS_ACTIVE) {
			mutex_exit(&vcache.vc_lock);
			kprintf("vcache: %s handed out inode %ju which is in use\n",
			    mp->mnt_op->vfs_name, (uintmax_t)ino);
			error = EIO;
			goto out_reclaim;
		}
		cv_wait(&vcache.vc_cv, &vcache.vc_lock);
	}
	vp->v_state = VS_ACTIVE;
	vcache_insert(vp);
	mutex_exit(&vcache.vc_lock);
	*vpp = vp;
	return 0;

out_reclaim:
	(void)vp->v_op->vop_reclaim(vp, 0);
out_free:
	vnode_free(vp);
	return error;
}

void
vcache_drain(struct mount *mp, unsigned target)
{
	struct vnode *vp, *victim;
	unsigned n;

	for (;;) {
		mutex_enter(&vcache.vc_lock);
		n = 0;
		victim = NULL;
		TAILQ_FOREACH(vp, &vcache.vc_lru, v_lru) {
			if (mp != NULL && vp->v_mount != mp)
				continue;
			if (victim == NULL)
				victim = vp;
			n++;
		}
		if (n <= target) {
			mutex_exit(&vcache.vc_lock);
			return;
		}
		vcache_take_lru(victim);
		mutex_exit(&vcache.vc_lock);
		vcache_reclaim(victim);
	}
}

void
vcache_stats(unsigned *total, unsigned *unreferenced)
{
	mutex_enter(&vcache.vc_lock);
	if (total != NULL)
		*total = vcache.vc_nvnodes;
	if (unreferenced != NULL)
		*unreferenced = vcache.vc_nunref;
	mutex_exit(&vcache.vc_lock);
}

bool
vcache_mount_busy(struct mount *mp, struct vnode *allowvp)
{
	struct vnode *vp;
	bool busy = false;

	mutex_enter(&vcache.vc_lock);
	TAILQ_FOREACH(vp, &mp->mnt_vnodes, v_mntvnodes) {
		mutex_enter(&vp->v_interlock);
		if (vp->v_usecount > (vp == allowvp ? 1 : 0))
			busy = true;
		mutex_exit(&vp->v_interlock);
		if (busy)
			break;
	}
	mutex_exit(&vcache.vc_lock);
	return busy;
}

/*
 * In line (KMR_TRY), for the caller's allocation, whatever it holds: with
 * the vcache lock and the vnode's interlock only tried, and held while
 * the names are purged (their lock tried too) and the file system frees
 * its node with VRECLAIM_TRY, nobody sees the vnode change until it is
 * gone.  False, with nothing changed, when any of that would block.
 */
static bool
vcache_try_one(struct vnode *vp)
{
	KASSERT(mutex_owned(&vcache.vc_lock));
	if (!mutex_tryenter(&vp->v_interlock))
		return false;
	KASSERT(vp->v_state == VS_ACTIVE && vp->v_usecount == 0);
	if (!cache_purge_try(vp) || vp->v_op->vop_reclaim(vp, VRECLAIM_TRY) != 0) {
		mutex_exit(&vp->v_interlock);
		return false;
	}
	TAILQ_REMOVE(&vcache.vc_lru, vp, v_lru);
	vcache.vc_nunref--;
	vp->v_state = VS_RECLAIMING;
	mutex_exit(&vp->v_interlock);
	vcache_remove(vp);
	return true;
}

/* KMR_TRY: from the LRU head, passing over a few vnodes whose file system would block. */
static size_t
vcache_reclaim_try(size_t want)
{
	TAILQ_HEAD(, vnode) gone = TAILQ_HEAD_INITIALIZER(gone);
	struct vnode *vp, *next;
	size_t freed = 0;
	int passed = 0;

	if (!mutex_tryenter(&vcache.vc_lock))
		return 0;
	for (vp = TAILQ_FIRST(&vcache.vc_lru); vp != NULL && freed < want &&
	    passed < VCACHE_TRY_PASS; vp = next) {
		next = TAILQ_NEXT(vp, v_lru);
		if (!vcache_try_one(vp)) {
			passed++;
			continue;
		}
		TAILQ_INSERT_TAIL(&gone, vp, v_lru);
		freed += sizeof(*vp);
	}
	mutex_exit(&vcache.vc_lock);
	while ((vp = TAILQ_FIRST(&gone)) != NULL) {
		TAILQ_REMOVE(&gone, vp, v_lru);
		vnode_free(vp);
	}
	return freed;
}

/* kmem reclaimer: unreferenced vnodes, oldest first; see kmem.h for how. */
static size_t
vcache_kmem_reclaim(void *arg __unused, size_t want, int how)
{
	size_t freed = 0;

	if (how == KMR_TRY)
		return vcache_reclaim_try(want);
	while (freed < want && vcache_reclaim_oldest(0))
		freed += sizeof(struct vnode);
	return freed;
}
