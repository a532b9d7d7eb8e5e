/* p2k_node.c: FUSE node ids: inode number and generation, counted in host lookups; vnodes found on each use. */
#include "p2k_impl.h"
#include "p2k_test.h"
#include <stdlib.h>

/*
 * A node id does not hold its vnode: the host keeps ids for every name
 * in its dentry cache, and a referenced vnode (with its inode) per id
 * would put any memory limit within reach of a big tree.  Each request
 * finds the vnode by inode number in the vnode cache (loading it again
 * if it was reclaimed), and the generation tells a later file in the
 * same inode: the host then gets ESTALE.  The vnode's serial number
 * spares the generation check while the same vnode stays cached.
 */

static size_t
p2k_node_hash(ino_t ino)
{
	return (size_t)(((uint64_t)ino * 0x9e3779b97f4a7c15ULL) >> 52) % P2K_NODEHASH;
}

static struct mount *
p2k_node_mount(struct p2k_mount *pm)
{
	return pm->pm_root->v_mount;
}

int
p2k_node_get(struct p2k_mount *pm, fuse_ino_t ino, struct vnode **vpp)
{
	struct p2k_node *pn = (struct p2k_node *)(uintptr_t)ino;
	struct vnode *vp;
	struct vattr va;
	int error;

	if (ino == FUSE_ROOT_ID) {
		vref(pm->pm_root);
		*vpp = pm->pm_root;
		return 0;
	}
	if ((error = vcache_get(p2k_node_mount(pm), pn->pn_ino, &vp)) != 0)
		return error;	/* ENOENT: the file is gone (as in a removed directory) */
	if (vp->v_serial != __atomic_load_n(&pn->pn_serial, __ATOMIC_RELAXED)) {
		if ((error = VOP_GETATTR(vp, &va, kauth_cred_get())) != 0 ||
		    va.va_gen != pn->pn_gen) {
			vrele(vp);
			return error != 0 ? error : ESTALE;
		}
		__atomic_store_n(&pn->pn_serial, vp->v_serial, __ATOMIC_RELAXED);
	}
	*vpp = vp;
	return 0;
}

fuse_ino_t
p2k_node_ref(struct p2k_mount *pm, struct vnode *vp, uint64_t gen)
{
	struct p2k_node *pn, *new = NULL;
	ino_t ino = vp->v_ino;
	uint64_t serial = vp->v_serial;
	size_t h = p2k_node_hash(ino);

	/* The root keeps its own id and p2k's own reference. */
	if (vp == pm->pm_root) {
		vrele(vp);
		return FUSE_ROOT_ID;
	}
	vrele(vp);
	for (;;) {
		pthread_mutex_lock(&pm->pm_nodelock);
		for (pn = pm->pm_nodes[h]; pn != NULL; pn = pn->pn_next) {
			if (pn->pn_ino != ino || pn->pn_stale)
				continue;
			if (pn->pn_gen == gen)
				break;
			/* The inode was freed and holds a new file: the old id is stale. */
			pn->pn_stale = true;
		}
		if (pn != NULL || new != NULL)
			break;
		pthread_mutex_unlock(&pm->pm_nodelock);
		if ((new = malloc(sizeof(*new))) == NULL)
			return 0;
	}
	if (pn != NULL) {
		pn->pn_nlookup++;
		pthread_mutex_unlock(&pm->pm_nodelock);
		free(new);
		return (fuse_ino_t)(uintptr_t)pn;
	}
	new->pn_ino = ino;
	new->pn_gen = gen;
	new->pn_serial = serial;
	new->pn_stale = false;
	new->pn_nlookup = 1;
	new->pn_next = pm->pm_nodes[h];
	pm->pm_nodes[h] = new;
	pm->pm_nnodes++;
	pthread_mutex_unlock(&pm->pm_nodelock);
	return (fuse_ino_t)(uintptr_t)new;
}

void
p2k_node_forget(struct p2k_mount *pm, fuse_ino_t ino, uint64_t nlookup)
{
	struct p2k_node *pn = (struct p2k_node *)(uintptr_t)ino, **pp;

	if (ino == FUSE_ROOT_ID || ino == 0)
		return;
	pthread_mutex_lock(&pm->pm_nodelock);
	if (nlookup > pn->pn_nlookup) {
		/* The host forgot more than it was given: keep the node, say so. */
		pthread_mutex_unlock(&pm->pm_nodelock);
		p2k_log(pm, "forget of %ju lookups of a node with %ju", (uintmax_t)nlookup,
		    (uintmax_t)pn->pn_nlookup);
		return;
	}
	pn->pn_nlookup -= nlookup;
	if (pn->pn_nlookup > 0) {
		pthread_mutex_unlock(&pm->pm_nodelock);
		return;
	}
	for (pp = &pm->pm_nodes[p2k_node_hash(pn->pn_ino)]; *pp != pn; pp = &(*pp)->pn_next)
		continue;
	*pp = pn->pn_next;
	pm->pm_nnodes--;
	pthread_mutex_unlock(&pm->pm_nodelock);
	free(pn);
}

void
p2k_node_forget_all(struct p2k_mount *pm)
{
	struct p2k_node *pn;

	pthread_mutex_lock(&pm->pm_nodelock);
	for (size_t h = 0; h < P2K_NODEHASH; h++) {
		while ((pn = pm->pm_nodes[h]) != NULL) {
			pm->pm_nodes[h] = pn->pn_next;
			pm->pm_nnodes--;
			free(pn);
		}
	}
	pthread_mutex_unlock(&pm->pm_nodelock);
}

unsigned long
p2k_test_nnodes(struct p2k_mount *pm)
{
	unsigned long n;

	pthread_mutex_lock(&pm->pm_nodelock);
	n = pm->pm_nnodes;
	pthread_mutex_unlock(&pm->pm_nodelock);
	return n;
}
