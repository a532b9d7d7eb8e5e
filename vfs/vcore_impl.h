/* vcore_impl.h: interfaces between the files of the VFS core (vnodes, vcache, VOPs, mounts, names); not for file systems. */
#ifndef VFS_VCORE_IMPL_H
#define VFS_VCORE_IMPL_H

#include "kmem.h"
#include "mount.h"
#include "namei.h"
#include "vnode_if.h"

/*
 * Lock order (outermost first):
 *   mount op lock > mnt_busylock > vnode locks (address order) >
 *   mountlist lock > name cache lock > vcache lock > v_interlock.
 * The vcache's in-line reclaimer (inside any allocation) holds the
 * vcache lock and an interlock and only tries the name cache lock and
 * the file system's: out of order, but a try never waits.
 */

/*
 * A private v_state: the last reference is being dropped (VOP_INACTIVE
 * runs).  Nobody else holds a reference; vcache lookups wait.
 */
#define VS_BLOCKED	5

/* vcache.c */
#define VCACHE_HASHSIZE	8192	/* buckets; a power of two */
/*
 * Every vnode of a mount is on the hash (until reclaimed) and on its
 * mount's mnt_vnodes.  Unreferenced ACTIVE vnodes are also on the LRU,
 * oldest first.  Waiters for a LOADING/RECLAIMING/BLOCKED vnode sleep on
 * vc_cv and look the vnode up again when woken: the vnode they waited for
 * may be freed meanwhile, so they never touch it after sleeping.
 */
struct vcache_state {
	kmutex_t		vc_lock;	/* everything below, the v_hash/v_lru/v_mntvnodes links */
	kcondvar_t		vc_cv;		/* a vnode changed state or left the hash */
	LIST_HEAD(, vnode)	vc_hash[VCACHE_HASHSIZE];
	TAILQ_HEAD(, vnode)	vc_lru;
	unsigned		vc_nvnodes;	/* on the hash */
	unsigned		vc_nunref;	/* on the LRU */
	unsigned		vc_nalloc;	/* atomic: vnodes allocated, on the hash or not (dead ones too) */
	struct kmem_reclaimer	vc_reclaimer;
	const struct vnodeops	*vc_checked[8];	/* op tables found complete */
};
extern struct vcache_state vcache;
/* vc_lock held: take an unreferenced vnode off the LRU, RECLAIMING. */
void	vcache_take_lru(struct vnode *vp);
/* vc_lock held: off the hash and the mount's list. */
void	vcache_remove(struct vnode *vp);
/* Reclaim a RECLAIMING, unreferenced vnode and free it. */
void	vcache_reclaim(struct vnode *vp);
int	vcache_init(void);
void	vcache_fini(void);
/* A vnode the caller found without a reference (name cache): referenced if usable. */
bool	vcache_tryref(struct vnode *vp);
/* The last reference of an ACTIVE vnode was dropped and VOP_INACTIVE ran. */
void	vcache_release_last(struct vnode *vp, bool recycle);
/* Free a VS_DEAD vnode whose last reference is gone. */
void	vnode_free_dead(struct vnode *vp);
/* Any vnode of mp referenced, other than one allowed reference on allowvp? */
bool	vcache_mount_busy(struct mount *mp, struct vnode *allowvp);

/* namecache.c */
int	namecache_init(void);
void	namecache_fini(void);
/* cache_purge with a try lock (kmem reclaimer): false when it could not. */
bool	cache_purge_try(struct vnode *vp);

/* vfs_mount.c */
extern kmutex_t mountlist_lock;		/* the mount list, v_mountedhere, mnt_iflag */
/* File systems on the mount list (the root included). */
unsigned	vfs_mount_count(void);
int	vfs_mount_init(void);
void	vfs_mount_fini(void);
/* The registry of types (vfs_types.c): its lock, and a type held by each mount of it. */
void	vfs_types_init(void);
void	vfs_types_fini(void);
struct vfsops *vfs_hold(const char *name);
void	vfs_release(struct vfsops *ops);
/* Mount fstype as "/" and set rootvnode (referenced). */
int	vfs_mountroot(const char *fstype);
/* Release rootvnode and unmount the root file system (shutdown). */
void	vfs_unmountroot(void);

/* deadfs.c */
extern const struct vnodeops deadfs_vnodeops;

/* vnode_if.c: exclusive locks on up to four vnodes, address order, duplicates once. */
struct vlockset {
	struct vnode	*ls_vp[4];
	int		ls_n;
};
void	vlockset_enter(struct vlockset *ls, struct vnode *a, struct vnode *b,
	    struct vnode *c, struct vnode *d);
void	vlockset_exit(struct vlockset *ls);
bool	vlockset_dead(struct vlockset *ls);

/* vfs_policy.c: POSIX/Linux permission and type rules, called with the vnode locks held. */
bool	vpol_isdot(const struct componentname *cnp);
bool	vpol_isdotdot(const struct componentname *cnp);
int	vpol_may_create(struct vnode *dvp, kauth_cred_t cred);
int	vpol_may_delete(struct vnode *dvp, struct vnode *vp, bool isdir, kauth_cred_t cred);
int	vpol_may_link(struct vnode *dvp, struct vnode *vp, kauth_cred_t cred);
int	vpol_may_rename(struct vnode *fdvp, struct vnode *fvp, struct vnode *tdvp,
	    struct vnode *tvp, kauth_cred_t cred);
int	vpol_newattr(struct vnode *dvp, const struct vattr *vap, kauth_cred_t cred,
	    struct vattr *out);
int	vpol_setattr(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred,
	    struct vattr *out);
/* Is the (read-only?) mount of vp refusing a change of a file of this type? */
bool	vpol_rofs(struct vnode *vp);
/*
 * The mode a regular file keeps when cred writes to it or changes its
 * size (Linux's file_remove_privs): set-user-id goes, and set-group-id
 * with group execute or outside the file's group; root keeps both.
 * Returns cur's mode, or the mode to write back.
 */
mode_t	vpol_killpriv_mode(const struct vattr *cur, kauth_cred_t cred);
int	vpol_killpriv(struct vnode *vp, kauth_cred_t cred);

#endif /* VFS_VCORE_IMPL_H */
