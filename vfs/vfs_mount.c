/* vfs_mount.c: file-system types, the mount list, mount/unmount/sync of mounts, statvfs. */
#include <stdio.h>
#include "kmem.h"
#include "vcore_impl.h"

/*
 * mountop_lock serialises mount, unmount and sync_all (it is held across
 * the file system's mount/unmount/sync calls).  mountlist_lock guards the
 * list, mnt_iflag and v_mountedhere; namei reads those under it and only
 * tries the mount's busy lock there, because unmount takes mountlist_lock
 * while holding the busy lock exclusive.
 */
static kmutex_t mountop_lock;
kmutex_t mountlist_lock;
static TAILQ_HEAD(mountlist_head, mount) mountlist = TAILQ_HEAD_INITIALIZER(mountlist);
static uint64_t mount_fsidgen;		/* mountop_lock */
static struct mount *rootmount;		/* mountop_lock */
struct vnode *rootvnode;

static struct mount *mount_alloc(struct vfsops *ops, const char *path, int flags);
static void mount_free(struct mount *mp);
static int mount_update(struct vnode *vp, int flags, void *data, size_t len);
static int mount_new(struct vnode *vp, const char *fstype, const char *path,
    int flags, void *data, size_t len, struct mount **mpp);
static bool mount_has_children(struct mount *mp);
static int mount_teardown(struct mount *mp, int flags, int *syncerrp);

int
vfs_mount_init(void)
{
	vfs_types_init();
	mutex_init(&mountop_lock);
	mutex_init(&mountlist_lock);
	TAILQ_INIT(&mountlist);
	mount_fsidgen = 0;
	rootmount = NULL;
	rootvnode = NULL;
	return 0;
}

void
vfs_mount_fini(void)
{
	if (!TAILQ_EMPTY(&mountlist))
		kprintf("vfs: mounts left at shutdown\n");
	mutex_destroy(&mountlist_lock);
	mutex_destroy(&mountop_lock);
	vfs_types_fini();
}

static struct mount *
mount_alloc(struct vfsops *ops, const char *path, int flags)
{
	struct mount *mp = kmem_zalloc(sizeof(*mp), KM_SLEEP);

	if (mp == NULL)
		return NULL;
	mp->mnt_op = ops;
	mp->mnt_flag = flags & ~(MNT_FORCE | MNT_UPDATE);
	mp->mnt_fsid = ++mount_fsidgen;
	rw_init(&mp->mnt_busylock);
	mutex_init(&mp->mnt_renamelock);
	snprintf(mp->mnt_stat_on, sizeof(mp->mnt_stat_on), "%s", path != NULL ? path : "");
	TAILQ_INIT(&mp->mnt_vnodes);
	return mp;
}

static void
mount_free(struct mount *mp)
{
	vfs_release(mp->mnt_op);
	/* A rename that started before a forced unmount is done with the lock. */
	mutex_enter(&mp->mnt_renamelock);
	mutex_exit(&mp->mnt_renamelock);
	mutex_destroy(&mp->mnt_renamelock);
	rw_destroy(&mp->mnt_busylock);
	kmem_free(mp, sizeof(*mp));
}

/* MNT_UPDATE: vp is the root of a mount; change its flags through the file system. */
static int
mount_update(struct vnode *vp, int flags, void *data, size_t len)
{
	struct mount *mp;
	int oflags, error;

	if ((vp->v_vflag & VV_ROOT) == 0 || vp->v_mount == NULL)
		return EINVAL;
	mp = vp->v_mount;
	mutex_enter(&mountop_lock);
	oflags = mp->mnt_flag;
	/* an update that names no errors= policy keeps the mount's */
	if ((flags & MNT_ERRORS_MASK) == 0)
		flags |= oflags & MNT_ERRORS_MASK;
	mp->mnt_flag = flags | MNT_UPDATE;	/* MNT_FORCE visible to vfs_mount only */
	error = mp->mnt_op->vfs_mount(mp, data, len);
	mp->mnt_flag = error != 0 ? oflags : (mp->mnt_flag & ~(MNT_UPDATE | MNT_FORCE));
	mutex_exit(&mountop_lock);
	return error;
}

/* A new mount of fstype over vp (NULL: the root); mountop_lock held. */
static int
mount_new(struct vnode *vp, const char *fstype, const char *path,
    int flags, void *data, size_t len, struct mount **mpp)
{
	struct vfsops *ops;
	struct mount *mp;
	int error;

	if ((ops = vfs_hold(fstype)) == NULL)
		return ENODEV;
	if ((mp = mount_alloc(ops, path, flags)) == NULL) {
		vfs_release(ops);
		return ENOMEM;
	}
	/* MNT_FORCE reaches vfs_mount only (disk file systems: mount one that is not clean). */
	mp->mnt_flag |= flags & MNT_FORCE;
	error = ops->vfs_mount(mp, data, len);
	mp->mnt_flag &= ~MNT_FORCE;
	if (error != 0) {
		mount_free(mp);
		return error;
	}
	mutex_enter(&mountlist_lock);
	if (vp != NULL) {
		vref(vp);
		mp->mnt_vnodecovered = vp;
		vp->v_mountedhere = mp;
	}
	TAILQ_INSERT_TAIL(&mountlist, mp, mnt_list);
	mutex_exit(&mountlist_lock);
	*mpp = mp;
	return 0;
}

int
vfs_mount_at(struct vnode *vp, const char *fstype, const char *path,
    int flags, void *data, size_t len)
{
	struct mount *mp;
	int error;

	if (vp == NULL)
		return EINVAL;
	if ((flags & MNT_UPDATE) != 0)
		return mount_update(vp, flags, data, len);
	if (vp->v_type != VDIR)
		return ENOTDIR;
	mutex_enter(&mountop_lock);
	mutex_enter(&mountlist_lock);
	if (vp->v_state == VS_DEAD)
		error = ENOENT;
	else if (vp->v_mountedhere != NULL ||
	    (vp->v_mount->mnt_iflag & IMNT_GONE) != 0)
		error = EBUSY;
	else
		error = 0;
	mutex_exit(&mountlist_lock);
	if (error == 0)
		error = mount_new(vp, fstype, path, flags, data, len, &mp);
	mutex_exit(&mountop_lock);
	return error;
}

int
vfs_mountroot(const char *fstype)
{
	struct mount *mp;
	int error;

	mutex_enter(&mountop_lock);
	if (rootmount != NULL)
		error = EBUSY;
	else if ((error = mount_new(NULL, fstype, "/", 0, NULL, 0, &mp)) == 0) {
		if ((error = mp->mnt_op->vfs_root(mp, &rootvnode)) == 0)
			rootmount = mp;
		else
			(void)mount_teardown(mp, MNT_FORCE, NULL);
	}
	mutex_exit(&mountop_lock);
	return error;
}

/* Is another file system mounted on a directory of mp?  mountlist_lock held. */
static bool
mount_has_children(struct mount *mp)
{
	struct mount *o;

	TAILQ_FOREACH(o, &mountlist, mnt_list) {
		if (o->mnt_vnodecovered != NULL && o->mnt_vnodecovered->v_mount == mp)
			return true;
	}
	return false;
}

/*
 * Unmount with mountop_lock held: block lookups into mp (busy lock),
 * refuse while anything is referenced (unless forced), sync, flush the
 * vnodes, let the file system go, unlink and free.  *syncerrp gets the
 * sync error of a forced unmount, which goes on regardless.
 */
static int
mount_teardown(struct mount *mp, int flags, int *syncerrp)
{
	bool force = (flags & MNT_FORCE) != 0;
	struct vnode *covered;
	int error;

	rw_enter(&mp->mnt_busylock, RW_WRITER);
	mutex_enter(&mountlist_lock);
	mp->mnt_iflag |= IMNT_GONE;
	mutex_exit(&mountlist_lock);
	if (!force && vcache_mount_busy(mp, NULL)) {
		error = EBUSY;
		goto out_busy;
	}
	error = mp->mnt_op->vfs_sync(mp, MNT_WAIT, kauth_cred_get());
	if (syncerrp != NULL)
		*syncerrp = error;
	if (error != 0 && !force)
		goto out_busy;
	if ((error = vflush(mp, NULL, force)) != 0)
		goto out_busy;
	error = mp->mnt_op->vfs_unmount(mp, flags);
	if (error != 0 && !force)
		goto out_busy;
	vcache_drain(mp, 0);	/* whatever the fs's unmount still released */

	mutex_enter(&mountlist_lock);
	TAILQ_REMOVE(&mountlist, mp, mnt_list);
	covered = mp->mnt_vnodecovered;
	if (covered != NULL)
		covered->v_mountedhere = NULL;
	mutex_exit(&mountlist_lock);
	rw_exit(&mp->mnt_busylock);
	if (covered != NULL)
		vrele(covered);
	mount_free(mp);
	return 0;

out_busy:
	mutex_enter(&mountlist_lock);
	mp->mnt_iflag &= ~IMNT_GONE;
	mutex_exit(&mountlist_lock);
	rw_exit(&mp->mnt_busylock);
	return error;
}

int
vfs_unmount(struct mount *mp, int flags)
{
	int error = 0;

	mutex_enter(&mountop_lock);
	mutex_enter(&mountlist_lock);
	if (mp == rootmount && rootvnode != NULL)
		error = EBUSY;		/* "/" goes only at shutdown */
	else if (mount_has_children(mp))
		error = EBUSY;
	mutex_exit(&mountlist_lock);
	if (error == 0)
		error = mount_teardown(mp, flags, NULL);
	if (error == 0 && mp == rootmount)
		rootmount = NULL;
	mutex_exit(&mountop_lock);
	return error;
}

void
vfs_unmountroot(void)
{
	struct mount *mp;

	mutex_enter(&mountop_lock);
	mp = rootmount;
	mutex_exit(&mountop_lock);
	if (mp == NULL)
		return;
	vrele(rootvnode);
	rootvnode = NULL;
	(void)vfs_unmount(mp, MNT_FORCE);
}

int
vfs_sync_all(int waitfor)
{
	struct mount *mp;
	int error, first = 0;

	mutex_enter(&mountop_lock);
	TAILQ_FOREACH(mp, &mountlist, mnt_list) {
		error = mp->mnt_op->vfs_sync(mp, waitfor, kauth_cred_get());
		if (error != 0 && first == 0)
			first = error;
	}
	mutex_exit(&mountop_lock);
	return first;
}

/* Forced unmount of everything but "/", newest first (children before parents). */
int
vfs_unmount_all(void)
{
	struct mount *mp;
	int first = 0, syncerr;

	for (;;) {
		mutex_enter(&mountop_lock);
		mutex_enter(&mountlist_lock);
		TAILQ_FOREACH_REVERSE(mp, &mountlist, mountlist_head, mnt_list) {
			if (mp != rootmount && !mount_has_children(mp))
				break;
		}
		mutex_exit(&mountlist_lock);
		if (mp == NULL) {
			mutex_exit(&mountop_lock);
			return first;
		}
		syncerr = 0;
		if (mount_teardown(mp, MNT_FORCE, &syncerr) != 0)
			kprintf("vfs: forced unmount of %s failed\n", mp->mnt_stat_on);
		if (syncerr != 0 && first == 0)
			first = syncerr;
		mutex_exit(&mountop_lock);
	}
}

int
vfs_statvfs(struct mount *mp, struct statvfs *sv)
{
	int error;

	memset(sv, 0, sizeof(*sv));
	if ((error = mp->mnt_op->vfs_statvfs(mp, sv)) != 0)
		return error;
	sv->f_fsid = (unsigned long)mp->mnt_fsid;
	sv->f_flag = 0;
	if (vfs_rdonly(mp))
		sv->f_flag |= ST_RDONLY;
	if (mp->mnt_flag & MNT_NOSUID)
		sv->f_flag |= ST_NOSUID;
	if (mp->mnt_flag & MNT_NODEV)
		sv->f_flag |= ST_NODEV;
	if (mp->mnt_flag & MNT_NOEXEC)
		sv->f_flag |= ST_NOEXEC;
	if (mp->mnt_flag & MNT_SYNCHRONOUS)
		sv->f_flag |= ST_SYNCHRONOUS;
	if (mp->mnt_flag & MNT_NOATIME)
		sv->f_flag |= ST_NOATIME;
	if (sv->f_namemax == 0)
		sv->f_namemax = NAME_MAX;
	return 0;
}

unsigned
vfs_mount_count(void)
{
	struct mount *mp;
	unsigned n = 0;

	mutex_enter(&mountlist_lock);
	TAILQ_FOREACH(mp, &mountlist, mnt_list)
		n++;
	mutex_exit(&mountlist_lock);
	return n;
}
