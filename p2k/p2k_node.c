/* p2k_node.c: FUSE node ids: one referenced vnode per id, counted in host lookups. */
#include "p2k_impl.h"
#include "p2k_test.h"
#include <stdlib.h>

static size_t
p2k_node_hash(const struct vnode *vp)
{
	uintptr_t a = (uintptr_t)vp;

	return (size_t)((a >> 6) * 0x9e3779b97f4a7c15ULL >> 52) % P2K_NODEHASH;
}

/* The vnode of a node id the host handed us: borrowed, held by the id's lookups. */
struct vnode *
p2k_node_vp(struct p2k_mount *pm, fuse_ino_t ino)
{
	if (ino == FUSE_ROOT_ID)
		return pm->pm_root;
	return ((struct p2k_node *)(uintptr_t)ino)->pn_vp;
}

fuse_ino_t
p2k_node_ref(struct p2k_mount *pm, struct vnode *vp)
{
	struct p2k_node *pn, *new = NULL;
	size_t h = p2k_node_hash(vp);

	/* The root keeps its own id and p2k's own reference. */
	if (vp == pm->pm_root) {
		vrele(vp);
		return FUSE_ROOT_ID;
	}
	for (;;) {
		pthread_mutex_lock(&pm->pm_nodelock);
		for (pn = pm->pm_nodes[h]; pn != NULL && pn->pn_vp != vp; pn = pn->pn_next)
			continue;
		if (pn != NULL || new != NULL)
			break;
		pthread_mutex_unlock(&pm->pm_nodelock);
		if ((new = malloc(sizeof(*new))) == NULL) {
			vrele(vp);
			return 0;
		}
	}
	if (pn != NULL) {
		/* Known already: its node holds a reference, the caller's goes. */
		pn->pn_nlookup++;
		pthread_mutex_unlock(&pm->pm_nodelock);
		free(new);
		vrele(vp);
		return (fuse_ino_t)(uintptr_t)pn;
	}
	new->pn_vp = vp;
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
	size_t h;

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
	h = p2k_node_hash(pn->pn_vp);
	for (pp = &pm->pm_nodes[h]; *pp != pn; pp = &(*pp)->pn_next)
		continue;
	*pp = pn->pn_next;
	pm->pm_nnodes--;
	pthread_mutex_unlock(&pm->pm_nodelock);
	vrele(pn->pn_vp);
	free(pn);
}

void
p2k_node_forget_all(struct p2k_mount *pm)
{
	struct p2k_node *pn;

	for (size_t h = 0; h < P2K_NODEHASH; h++) {
		pthread_mutex_lock(&pm->pm_nodelock);
		while ((pn = pm->pm_nodes[h]) != NULL) {
			pm->pm_nodes[h] = pn->pn_next;
			pm->pm_nnodes--;
			pthread_mutex_unlock(&pm->pm_nodelock);
			vrele(pn->pn_vp);
			free(pn);
			pthread_mutex_lock(&pm->pm_nodelock);
		}
		pthread_mutex_unlock(&pm->pm_nodelock);
	}
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
