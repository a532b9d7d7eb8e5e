/* namei.h: path name lookup, and the name cache it keeps. */
#ifndef VFS_NAMEI_H
#define VFS_NAMEI_H

#include "vnode_if.h"

/* cn_nameiop: what the caller will do with the last component. */
#define LOOKUP		0
#define CREATE		1	/* the last component may be absent */
#define DELETE		2
#define RENAME		3	/* as CREATE, for a rename target */

/* cn_flags, set by namei. */
#define ISLASTCN	0x01	/* the last component of the path */
#define ISDOTDOT	0x02	/* the component is ".." */

/* ni_flags */
#define FOLLOW		0x01	/* follow a symlink in the last component */
#define NOFOLLOW	0x00
#define WANTPARENT	0x02	/* return the parent in ni_dvp, referenced */
#define REQUIREDIR	0x04	/* last component must be a directory (path ended in '/') */

#define MAXSYMLINKS	32

/*
 * nameidata: in: ni_path (a kernel string), ni_op, ni_flags, ni_atdir
 * (directory for relative paths, NULL: the process's cwd), ni_cred.
 * out on 0:
 *  ni_vp: the vnode of the last component, referenced; NULL only for
 *    CREATE/RENAME when the name does not exist (then ni_dvp is set and
 *    referenced even without WANTPARENT).
 *  ni_dvp: the parent, referenced, when WANTPARENT or ni_vp is NULL;
 *    else NULL.  For "/" itself ni_dvp is NULL.
 *  ni_cnd: the last component (name points into ni_pnbuf, which the
 *    caller must keep while it uses ni_cnd).
 * Trailing slashes (addition, vfs-core): a path ending in '/' (or reaching
 * its last component through a symlink whose target ends in '/') sets
 * REQUIREDIR in ni_flags on return.  LOOKUP and DELETE then fail with
 * ENOTDIR unless ni_vp is a directory; CREATE and RENAME return ni_vp
 * (or NULL) as usual and leave the verdict to the caller (Linux: open
 * with O_CREAT EISDIR, mkdir EEXIST or success, rename ENOTDIR...).
 * Errors: ENOENT (a component or "" path), ENOTDIR, ENAMETOOLONG (path >=
 * PATH_MAX or component > NAME_MAX), ELOOP (more than MAXSYMLINKS
 * links), EACCES (search permission), and the file system's errors.  On
 * error nothing stays referenced.
 */
struct nameidata {
	const char		*ni_path;
	int			ni_op;
	int			ni_flags;
	struct vnode		*ni_atdir;
	kauth_cred_t		ni_cred;

	struct vnode		*ni_vp;
	struct vnode		*ni_dvp;
	struct componentname	ni_cnd;
	char			ni_pnbuf[PATH_MAX];
};

void	NDINIT(struct nameidata *ndp, int op, int flags, const char *path);
int	namei(struct nameidata *ndp);
/* vrele what namei returned (ni_vp, ni_dvp) and clear them. */
void	namei_done(struct nameidata *ndp);

/*
 * The name cache: (directory vnode, name) -> vnode, without references.
 * Entries go when either vnode is reclaimed; the VOP_* calls purge names
 * on remove, rmdir and rename, so file systems need not know it exists.
 */
int	cache_lookup(struct vnode *dvp, const char *name, size_t namelen, struct vnode **vpp);
void	cache_enter(struct vnode *dvp, struct vnode *vp, const char *name, size_t namelen);
void	cache_purge_name(struct vnode *dvp, const char *name, size_t namelen);
void	cache_purge(struct vnode *vp);	/* entries to and from vp */
void	cache_purge_mount(struct mount *mp);

#endif /* VFS_NAMEI_H */
