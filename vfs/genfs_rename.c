/* genfs_rename.c: rename over a file system's directory and link-count hooks, in an order a cut or a failure can leave. */
#include "genfs.h"
#include "kmem.h"

struct rename_args {
	struct vnode	*fdvp, *fvp, *tdvp, *tvp;
	const struct componentname *fcnp, *tcnp;
	const struct genfs_renameops *ops;
	bool		reparent;	/* a directory moving to another parent */
};

static void
nlink_add(const struct genfs_renameops *ops, struct vnode *vp, int delta)
{
	uint32_t n = ops->gr_nlink(vp);

	/* A count already too low on a damaged image stays at 1: never 0 while a name is left. */
	if (delta < 0 && n <= 1)
		return;
	ops->gr_setnlink(vp, n + (uint32_t)delta);
}

/* The checks that need the directories read: the names still name the vnodes, room, "..". */
static int
rename_check(const struct rename_args *a)
{
	const struct genfs_renameops *ops = a->ops;
	ino_t ino;
	bool empty;
	int error;

	if (ops->gr_nlink(a->tdvp) == 0)
		return ENOENT;	/* removed while we waited for the locks */
	if ((error = ops->gr_lookup(a->fdvp, a->fcnp->cn_nameptr, a->fcnp->cn_namelen, &ino)) != 0)
		return error;
	if (ino != a->fvp->v_ino)
		return ENOENT;
	if (a->tvp != NULL &&
	    ((error = ops->gr_lookup(a->tdvp, a->tcnp->cn_nameptr, a->tcnp->cn_namelen, &ino)) != 0 ||
	    ino != a->tvp->v_ino))
		return error != 0 ? error : ENOENT;
	if (a->reparent && a->tvp == NULL && ops->gr_nlink(a->tdvp) >= ops->gr_linkmax)
		return EMLINK;
	if (a->reparent && (error = ops->gr_lookup(a->fvp, "..", 2, &ino)) != 0) {
		if (error != ENOENT)
			return error;
		kprintf("%s: directory inode %ju has no \"..\"\n", a->fvp->v_op->vop_fsname,
		    (uintmax_t)a->fvp->v_ino);
		return EIO;
	}
	if (a->tvp != NULL && a->tvp->v_type == VDIR) {
		if ((error = ops->gr_isempty(a->tvp, &empty)) != 0)
			return error;
		if (!empty)
			return ENOTEMPTY;
	}
	return 0;
}

/* Every name in place: the counts the names imply, then the inodes with their times. */
static int
rename_commit(const struct rename_args *a)
{
	const struct genfs_renameops *ops = a->ops;
	int error, e;

	nlink_add(ops, a->fvp, -1);	/* the count taken for the new name */
	if (a->reparent)
		nlink_add(ops, a->fdvp, -1);	/* the moved directory's ".." */
	if (a->tvp != NULL && a->tvp->v_type == VDIR) {
		ops->gr_setnlink(a->tvp, 0);	/* its name and its "." */
		nlink_add(ops, a->tdvp, -1);	/* its ".." */
	} else if (a->tvp != NULL && ops->gr_nlink(a->tvp) > 0)
		ops->gr_setnlink(a->tvp, ops->gr_nlink(a->tvp) - 1);
	error = ops->gr_update(a->fvp, GENFS_UPD_CTIME);
	if ((e = ops->gr_update(a->fdvp, GENFS_UPD_MTIME | GENFS_UPD_CTIME)) != 0 && error == 0)
		error = e;
	if (a->tdvp != a->fdvp &&
	    (e = ops->gr_update(a->tdvp, GENFS_UPD_MTIME | GENFS_UPD_CTIME)) != 0 && error == 0)
		error = e;
	if (a->tvp != NULL && (e = ops->gr_update(a->tvp, GENFS_UPD_CTIME)) != 0 && error == 0)
		error = e;
	return error;
}

/*
 * Each name is counted before it reaches the disk and uncounted after
 * it is gone, so a cut anywhere leaves counts at or above the names
 * (fsck -p lowers them; one below would lose a file).  The steps that
 * can fail for memory or I/O come in an order that is walked back: the
 * new name, then "..", then the old name.  The walk back draws on the
 * memory reserve; when it fails too, the file system is marked.
 */
int
genfs_rename(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp,
    const struct genfs_renameops *ops)
{
	struct rename_args a = {
		.fdvp = fdvp, .fvp = fvp, .tdvp = tdvp, .tvp = tvp, .fcnp = fcnp, .tcnp = tcnp,
		.ops = ops, .reparent = fvp->v_type == VDIR && fdvp != tdvp,
	};
	const char *tname = tcnp->cn_nameptr;
	size_t tlen = tcnp->cn_namelen;
	int error, e = 0;

	if ((error = rename_check(&a)) != 0)
		return error;
	ops->gr_setnlink(fvp, ops->gr_nlink(fvp) + 1);
	if ((error = ops->gr_update(fvp, 0)) != 0)
		goto undo_count;
	error = tvp != NULL ? ops->gr_rewrite(tdvp, tname, tlen, fvp) :
	    ops->gr_enter(tdvp, tcnp, fvp);
	if (error != 0)
		goto undo_count;
	if (a.reparent) {
		ops->gr_setnlink(tdvp, ops->gr_nlink(tdvp) + 1);
		if ((error = ops->gr_update(tdvp, 0)) != 0 ||
		    (error = ops->gr_rewrite(fvp, "..", 2, tdvp)) != 0)
			goto undo_parent;
	}
	if ((error = ops->gr_remove(fdvp, fcnp->cn_nameptr, fcnp->cn_namelen)) != 0)
		goto undo_dotdot;
	return rename_commit(&a);

undo_dotdot:
	kmem_reserve_enter();
	if (a.reparent)
		e = ops->gr_rewrite(fvp, "..", 2, fdvp);
	kmem_reserve_exit();
	ops->gr_undone(fvp, e);
undo_parent:
	if (a.reparent) {
		ops->gr_setnlink(tdvp, ops->gr_nlink(tdvp) - 1);
		ops->gr_undone(tdvp, ops->gr_update(tdvp, 0));
	}
	kmem_reserve_enter();
	e = tvp != NULL ? ops->gr_rewrite(tdvp, tname, tlen, tvp) : ops->gr_remove(tdvp, tname, tlen);
	kmem_reserve_exit();
	ops->gr_undone(tdvp, e);
undo_count:
	ops->gr_setnlink(fvp, ops->gr_nlink(fvp) - 1);
	ops->gr_undone(fvp, ops->gr_update(fvp, 0));
	return error;
}
