/* namei.c: path name lookup: components, ".", "..", mount points, symbolic links, the name cache. */
#include "kmem.h"
#include "lwp.h"
#include "file.h"
#include "vcore_impl.h"

/* One walk: the directory reached so far (referenced) and where the path goes on. */
struct nstate {
	struct nameidata	*ns_nd;
	struct vnode		*ns_dvp;
	char			*ns_cp;
	int			ns_nlinks;
	char			*ns_linkbuf;	/* PATH_MAX bytes, from the first link on */
};

static struct vnode *namei_startdir(struct nameidata *ndp);
static void namei_setroot(struct nstate *ns);
static int namei_walk(struct nstate *ns);
static int namei_component(struct nstate *ns, struct componentname *cnp, struct vnode **vpp);
static void namei_dotdot_up(struct nstate *ns);
static int namei_cross_down(struct vnode **vpp);
static int namei_follow(struct nstate *ns, struct vnode *vp, const char *rest);

void
NDINIT(struct nameidata *ndp, int op, int flags, const char *path)
{
	ndp->ni_path = path;
	ndp->ni_op = op;
	ndp->ni_flags = flags;
	ndp->ni_atdir = NULL;
	ndp->ni_cred = kauth_cred_get();
	ndp->ni_vp = NULL;
	ndp->ni_dvp = NULL;
	memset(&ndp->ni_cnd, 0, sizeof(ndp->ni_cnd));
}

void
namei_done(struct nameidata *ndp)
{
	if (ndp->ni_vp != NULL)
		vrele(ndp->ni_vp);
	if (ndp->ni_dvp != NULL)
		vrele(ndp->ni_dvp);
	ndp->ni_vp = ndp->ni_dvp = NULL;
}

/* Relative paths start at ni_atdir, else the cwd; "/" when the process has none. */
static struct vnode *
namei_startdir(struct nameidata *ndp)
{
	struct cwdinfo *cwdi;
	struct vnode *vp;

	if (ndp->ni_atdir != NULL) {
		vref(ndp->ni_atdir);
		return ndp->ni_atdir;
	}
	cwdi = curproc != NULL ? curproc->p_cwdi : NULL;
	if (cwdi == NULL) {
		vref(rootvnode);
		return rootvnode;
	}
	mutex_enter(&cwdi->cwdi_lock);
	vp = cwdi->cwdi_cdir != NULL ? cwdi->cwdi_cdir : rootvnode;
	vref(vp);
	mutex_exit(&cwdi->cwdi_lock);
	return vp;
}

static void
namei_setroot(struct nstate *ns)
{
	vref(rootvnode);
	vrele(ns->ns_dvp);
	ns->ns_dvp = rootvnode;
}

int
namei(struct nameidata *ndp)
{
	struct nstate ns = { .ns_nd = ndp };
	size_t len;
	int error;

	ndp->ni_vp = ndp->ni_dvp = NULL;
	len = strnlen(ndp->ni_path, PATH_MAX);
	if (len >= PATH_MAX)
		return ENAMETOOLONG;
	if (len == 0)
		return ENOENT;
	if (rootvnode == NULL)
		return ENOENT;
	memcpy(ndp->ni_pnbuf, ndp->ni_path, len + 1);
	ns.ns_cp = ndp->ni_pnbuf;
	if (*ns.ns_cp == '/') {
		vref(rootvnode);
		ns.ns_dvp = rootvnode;
	} else
		ns.ns_dvp = namei_startdir(ndp);

	error = namei_walk(&ns);
	if (ns.ns_dvp != NULL)
		vrele(ns.ns_dvp);
	if (ns.ns_linkbuf != NULL)
		kmem_free(ns.ns_linkbuf, PATH_MAX);
	return error;
}

/* Parse the next component into *cnp; return whether it is the last, and if a '/' followed it. */
static bool
namei_parse(struct nstate *ns, struct componentname *cnp, const char **restp, bool *trailingp)
{
	struct nameidata *ndp = ns->ns_nd;
	char *name = ns->ns_cp, *cp = name;
	bool islast;

	while (*cp != '\0' && *cp != '/')
		cp++;
	*restp = cp;
	cnp->cn_nameptr = name;
	cnp->cn_namelen = (size_t)(cp - name);
	while (*cp == '/')
		cp++;
	islast = *cp == '\0';
	*trailingp = islast && cp != *restp;
	ns->ns_cp = cp;
	cnp->cn_cred = ndp->ni_cred;
	cnp->cn_nameiop = islast ? ndp->ni_op : LOOKUP;
	cnp->cn_flags = (islast ? ISLASTCN : 0) |
	    (vpol_isdotdot(cnp) ? ISDOTDOT : 0);
	return islast;
}

/* The path is used up at a directory ("/", or only slashes after a link): that directory. */
static int
namei_finish_dir(struct nstate *ns)
{
	struct nameidata *ndp = ns->ns_nd;

	ndp->ni_cnd.cn_nameptr = ndp->ni_pnbuf;
	ndp->ni_cnd.cn_namelen = 0;
	ndp->ni_cnd.cn_cred = ndp->ni_cred;
	ndp->ni_cnd.cn_nameiop = ndp->ni_op;
	ndp->ni_cnd.cn_flags = ISLASTCN;
	ndp->ni_vp = ns->ns_dvp;
	ns->ns_dvp = NULL;
	return 0;
}

static int
namei_walk(struct nstate *ns)
{
	struct nameidata *ndp = ns->ns_nd;
	struct componentname cn;
	struct vnode *vp;
	const char *rest;
	bool islast, trailing;
	int error;

	for (;;) {
		if (*ns->ns_cp == '/') {	/* the start of an absolute path */
			namei_setroot(ns);
			while (*ns->ns_cp == '/')
				ns->ns_cp++;
		}
		if (*ns->ns_cp == '\0')
			return namei_finish_dir(ns);
		islast = namei_parse(ns, &cn, &rest, &trailing);
		if (cn.cn_namelen > NAME_MAX)
			return ENAMETOOLONG;
		if (ns->ns_dvp->v_type != VDIR)
			return ENOTDIR;
		if ((error = VOP_ACCESS(ns->ns_dvp, VEXEC, ndp->ni_cred)) != 0)
			return error;
		error = namei_component(ns, &cn, &vp);
		if (error == ENOENT && islast &&
		    (ndp->ni_op == CREATE || ndp->ni_op == RENAME)) {
			ndp->ni_cnd = cn;
			if (trailing)
				ndp->ni_flags |= REQUIREDIR;
			ndp->ni_dvp = ns->ns_dvp;
			ns->ns_dvp = NULL;
			return 0;
		}
		if (error != 0)
			return error;
		/*
		 * A trailing slash follows a last symlink, except for
		 * CREATE/RENAME, whose callers refuse such a name unresolved
		 * (Linux: open O_CREAT of "link/" is EISDIR even when the link
		 * loops; mkdir of it is EEXIST).
		 */
		if (vp->v_type == VLNK && (!islast ||
		    ((ndp->ni_op == CREATE || ndp->ni_op == RENAME) ?
		    !trailing && (ndp->ni_flags & FOLLOW) != 0 :
		    trailing || (ndp->ni_flags & FOLLOW) != 0))) {
			error = namei_follow(ns, vp, rest);
			vrele(vp);
			if (error != 0)
				return error;
			continue;
		}
		if (!islast) {
			vrele(ns->ns_dvp);
			ns->ns_dvp = vp;
			continue;
		}
		if (trailing)
			ndp->ni_flags |= REQUIREDIR;
		/* CREATE/RENAME callers decide (Linux: open O_CREAT EISDIR, mkdir EEXIST). */
		if ((ndp->ni_flags & REQUIREDIR) != 0 && vp->v_type != VDIR &&
		    ndp->ni_op != CREATE && ndp->ni_op != RENAME) {
			vrele(vp);
			return ENOTDIR;
		}
		ndp->ni_cnd = cn;
		ndp->ni_vp = vp;
		if ((ndp->ni_flags & WANTPARENT) != 0) {
			ndp->ni_dvp = ns->ns_dvp;
			ns->ns_dvp = NULL;
		}
		return 0;
	}
}

/* One component in ns_dvp: ".", ".." (across mount roots), the cache, the file system; then mounts. */
static int
namei_component(struct nstate *ns, struct componentname *cnp, struct vnode **vpp)
{
	struct vnode *dvp;
	int error;

	if (vpol_isdot(cnp)) {
		vref(ns->ns_dvp);
		*vpp = ns->ns_dvp;
		return 0;
	}
	if ((cnp->cn_flags & ISDOTDOT) != 0) {
		namei_dotdot_up(ns);
		if (ns->ns_dvp == rootvnode) {
			vref(rootvnode);
			*vpp = rootvnode;
			return 0;
		}
		error = VOP_LOOKUP(ns->ns_dvp, vpp, cnp);
	} else {
		dvp = ns->ns_dvp;
		/* VOP_LOOKUP enters what it finds into the cache. */
		if (cache_lookup(dvp, cnp->cn_nameptr, cnp->cn_namelen, vpp) == 0)
			error = 0;
		else
			error = VOP_LOOKUP(dvp, vpp, cnp);
	}
	if (error != 0)
		return error;
	return namei_cross_down(vpp);
}

/* ".." at the root of a mount means ".." of the directory it covers. */
static void
namei_dotdot_up(struct nstate *ns)
{
	struct vnode *dvp, *cvp;

	for (;;) {
		dvp = ns->ns_dvp;
		if (dvp == rootvnode)
			return;
		cvp = NULL;
		mutex_enter(&mountlist_lock);
		if ((dvp->v_vflag & VV_ROOT) != 0 && dvp->v_state != VS_DEAD &&
		    dvp->v_mount != NULL && dvp->v_mount->mnt_vnodecovered != NULL) {
			cvp = dvp->v_mount->mnt_vnodecovered;
			vref(cvp);
		}
		mutex_exit(&mountlist_lock);
		if (cvp == NULL)
			return;
		vrele(dvp);
		ns->ns_dvp = cvp;
	}
}

/*
 * A directory with a file system mounted on it means that file system's
 * root.  The mount's busy lock (shared) keeps it mounted while its root
 * is fetched; it is only tried under mountlist_lock (see vfs_mount.c),
 * and an unmount in progress is waited out.
 */
static int
namei_cross_down(struct vnode **vpp)
{
	struct vnode *vp = *vpp, *rvp;
	struct mount *mp;
	int error;

	while (vp->v_type == VDIR) {
		mutex_enter(&mountlist_lock);
		mp = vp->v_mountedhere;
		if (mp == NULL) {
			mutex_exit(&mountlist_lock);
			break;
		}
		if (!rw_tryenter(&mp->mnt_busylock, RW_READER)) {
			mutex_exit(&mountlist_lock);
			kpause_ms(1);
			continue;
		}
		mutex_exit(&mountlist_lock);
		error = mp->mnt_op->vfs_root(mp, &rvp);
		rw_exit(&mp->mnt_busylock);
		vrele(vp);
		if (error != 0) {
			*vpp = NULL;
			return error;
		}
		vp = rvp;
	}
	*vpp = vp;
	return 0;
}

/* Splice symlink vp's target in front of the rest of the path. */
static int
namei_follow(struct nstate *ns, struct vnode *vp, const char *rest)
{
	struct nameidata *ndp = ns->ns_nd;
	struct iovec iov;
	struct uio uio;
	size_t linklen, restlen;
	int error;

	if (++ns->ns_nlinks > MAXSYMLINKS)
		return ELOOP;
	if (ns->ns_linkbuf == NULL &&
	    (ns->ns_linkbuf = kmem_alloc(PATH_MAX, KM_SLEEP)) == NULL)
		return ENOMEM;
	uio_setup(&uio, &iov, ns->ns_linkbuf, PATH_MAX, 0, UIO_READ);
	if ((error = VOP_READLINK(vp, &uio, ndp->ni_cred)) != 0)
		return error;
	linklen = PATH_MAX - uio.uio_resid;
	if (linklen == 0)
		return ENOENT;
	restlen = strlen(rest);
	if (linklen + restlen >= PATH_MAX)
		return ENAMETOOLONG;
	memmove(ndp->ni_pnbuf + linklen, rest, restlen + 1);
	memcpy(ndp->ni_pnbuf, ns->ns_linkbuf, linklen);
	ns->ns_cp = ndp->ni_pnbuf;
	return 0;
}
