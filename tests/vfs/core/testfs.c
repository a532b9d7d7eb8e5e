/* testfs.c: "testfs": vfsops and a full vnode-op table over a fixed array of in-memory inodes. */
#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include "t.h"
#include "testfs.h"

struct tfs_stats tfs_stats;
static struct tfs_node tfs_nodes[TFS_NINO];

static struct tfs_node *
tfs_node(struct vnode *vp)
{
	return vp->v_data;
}

static int
tfs_lookup(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp)
{
	struct tfs_node *dn = tfs_node(dvp);

	if (cnp->cn_namelen == 1 && cnp->cn_nameptr[0] == '.')
		return vcache_get(dvp->v_mount, dn->ino, vpp);
	if (cnp->cn_namelen == 2 && memcmp(cnp->cn_nameptr, "..", 2) == 0)
		return vcache_get(dvp->v_mount, dn->parent, vpp);
	for (int i = 0; i < dn->nents; i++) {
		if (strlen(dn->ents[i].name) == cnp->cn_namelen &&
		    memcmp(dn->ents[i].name, cnp->cn_nameptr, cnp->cn_namelen) == 0)
			return vcache_get(dvp->v_mount, dn->ents[i].ino, vpp);
	}
	return ENOENT;
}

static int
tfs_enter(struct tfs_node *dn, const struct componentname *cnp, ino_t ino)
{
	if (dn->nents == TFS_NENT || cnp->cn_namelen >= sizeof(dn->ents[0].name))
		return ENOSPC;
	memcpy(dn->ents[dn->nents].name, cnp->cn_nameptr, cnp->cn_namelen);
	dn->ents[dn->nents].name[cnp->cn_namelen] = '\0';
	dn->ents[dn->nents].ino = ino;
	dn->nents++;
	return 0;
}

static void
tfs_unenter(struct tfs_node *dn, const struct componentname *cnp)
{
	for (int i = 0; i < dn->nents; i++) {
		if (strlen(dn->ents[i].name) == cnp->cn_namelen &&
		    memcmp(dn->ents[i].name, cnp->cn_nameptr, cnp->cn_namelen) == 0) {
			dn->ents[i] = dn->ents[--dn->nents];
			return;
		}
	}
}

static int
tfs_create(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp,
    const struct vattr *vap)
{
	struct tfs_node *dn = tfs_node(dvp);
	int error;

	for (int i = 0; i < dn->nents; i++) {
		if (strlen(dn->ents[i].name) == cnp->cn_namelen &&
		    memcmp(dn->ents[i].name, cnp->cn_nameptr, cnp->cn_namelen) == 0)
			return EEXIST;
	}
	if ((error = vcache_new(dvp->v_mount, dvp, vap, cnp->cn_cred, vpp)) != 0)
		return error;
	if ((error = tfs_enter(dn, cnp, (*vpp)->v_ino)) != 0) {
		tfs_node(*vpp)->nlink = 0;
		vrele(*vpp);
		return error;
	}
	if (vap->va_type == VDIR)
		dn->nlink++;
	return 0;
}

static int
tfs_remove(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	tfs_unenter(tfs_node(dvp), cnp);
	tfs_node(vp)->nlink--;
	return 0;
}

static int
tfs_rmdir(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp)
{
	if (tfs_node(vp)->nents != 0)
		return ENOTEMPTY;
	tfs_unenter(tfs_node(dvp), cnp);
	tfs_node(vp)->nlink = 0;
	tfs_node(dvp)->nlink--;
	return 0;
}

static int
tfs_getattr(struct vnode *vp, struct vattr *vap, kauth_cred_t cred __unused)
{
	struct tfs_node *n = tfs_node(vp);

	vap->va_type = n->type;
	vap->va_mode = n->mode;
	vap->va_nlink = n->nlink;
	vap->va_uid = n->uid;
	vap->va_gid = n->gid;
	vap->va_fileid = n->ino;
	vap->va_size = 0;
	return 0;
}

static int
tfs_setattr(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred __unused)
{
	struct tfs_node *n = tfs_node(vp);

	if (vap->va_mode != (mode_t)VNOVAL)
		n->mode = vap->va_mode;
	if (vap->va_uid != (uid_t)VNOVAL)
		n->uid = vap->va_uid;
	if (vap->va_gid != (gid_t)VNOVAL)
		n->gid = vap->va_gid;
	return 0;
}

static int
tfs_read(struct vnode *vp __unused, struct uio *uio __unused, int ioflag __unused,
    kauth_cred_t cred __unused)
{
	return 0;
}

static int
tfs_inactive(struct vnode *vp, bool *recyclep)
{
	struct tfs_node *n = tfs_node(vp);

	tfs_stats.ninactive++;
	if (n->nlink == 0) {
		n->used = false;
		*recyclep = true;
	}
	return 0;
}

static int
tfs_reclaim(struct vnode *vp, int flags __unused)
{
	if (tfs_stats.nreclaim < TFS_LOGSIZE)
		tfs_stats.reclaimed[tfs_stats.nreclaim] = vp->v_ino;
	tfs_stats.nreclaim++;
	vp->v_data = NULL;
	return 0;
}

const struct vnodeops tfs_vnodeops = {
	.vop_fsname	= "testfs",
	.vop_lookup	= tfs_lookup,
	.vop_create	= tfs_create,
	.vop_mknod	= genfs_eopnotsupp_mknod,
	.vop_mkdir	= tfs_create,
	.vop_symlink	= genfs_eopnotsupp_symlink,
	.vop_open	= genfs_nullop_open,
	.vop_close	= genfs_nullop_close,
	.vop_access	= genfs_access,
	.vop_getattr	= tfs_getattr,
	.vop_setattr	= tfs_setattr,
	.vop_read	= tfs_read,
	.vop_write	= genfs_eopnotsupp_write,
	.vop_fsync	= genfs_nullop_fsync,
	.vop_remove	= tfs_remove,
	.vop_link	= genfs_eopnotsupp_link,
	.vop_rename	= genfs_eopnotsupp_rename,
	.vop_rmdir	= tfs_rmdir,
	.vop_readdir	= genfs_eopnotsupp_readdir,
	.vop_readlink	= genfs_eopnotsupp_readlink,
	.vop_extent	= genfs_extent_alldata,
	.vop_fallocate	= genfs_eopnotsupp_fallocate,
	.vop_inactive	= tfs_inactive,
	.vop_reclaim	= tfs_reclaim,
};

/* The same table with a hole, for TFS_BADINO. */
static struct vnodeops tfs_badops;

static void
tfs_node_init(struct tfs_node *n, ino_t ino, enum vtype type, mode_t mode)
{
	memset(n, 0, sizeof(*n));
	n->used = true;
	n->ino = ino;
	n->type = type;
	n->mode = mode;
	n->nlink = type == VDIR ? 2 : 1;
	n->parent = 1;
}

static int
tfs_vfs_mount(struct mount *mp, void *data __unused, size_t len __unused)
{
	if (mp->mnt_flag & MNT_UPDATE)
		return 0;
	memset(tfs_nodes, 0, sizeof(tfs_nodes));
	tfs_node_init(&tfs_nodes[1], 1, VDIR, 0755);
	for (ino_t i = 2; i < TFS_NPRE; i++)
		tfs_node_init(&tfs_nodes[i], i, VREG, 0644);
	mp->mnt_data = tfs_nodes;
	strcpy(mp->mnt_stat_from, "testfs");
	return 0;
}

static int
tfs_unmount(struct mount *mp, int flags __unused)
{
	mp->mnt_data = NULL;
	return 0;
}

static int
tfs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, 1, vpp);
}

static int
tfs_statvfs(struct mount *mp __unused, struct statvfs *sv)
{
	sv->f_bsize = sv->f_frsize = 512;
	sv->f_files = TFS_NINO;
	return 0;
}

static int
tfs_sync(struct mount *mp __unused, int waitfor __unused, kauth_cred_t cred __unused)
{
	return 0;
}

static void
tfs_fill(struct vnode *vp, struct tfs_node *n)
{
	vp->v_type = n->type;
	vp->v_op = n->ino == TFS_BADINO ? &tfs_badops : &tfs_vnodeops;
	vp->v_data = n;
	if (n->ino == 1)
		vp->v_vflag |= VV_ROOT;
}

static int
tfs_loadvnode(struct mount *mp __unused, struct vnode *vp, ino_t ino)
{
	if (ino < 1 || ino >= TFS_NINO || !tfs_nodes[ino].used)
		return ENOENT;
	tfs_stats.nload[ino]++;
	if (tfs_stats.load_delay_ms != 0)
		kpause_ms(tfs_stats.load_delay_ms);
	tfs_fill(vp, &tfs_nodes[ino]);
	return 0;
}

static int
tfs_newvnode(struct mount *mp __unused, struct vnode *dvp, struct vnode *vp,
    const struct vattr *vap, kauth_cred_t cred __unused, ino_t *inop)
{
	for (ino_t i = TFS_NPRE; i < TFS_NINO; i++) {
		if (tfs_nodes[i].used)
			continue;
		tfs_node_init(&tfs_nodes[i], i, vap->va_type, vap->va_mode);
		tfs_nodes[i].uid = vap->va_uid;
		tfs_nodes[i].gid = vap->va_gid;
		tfs_nodes[i].parent = tfs_node(dvp)->ino;
		tfs_fill(vp, &tfs_nodes[i]);
		*inop = i;
		return 0;
	}
	return ENOSPC;
}

static struct vfsops tfs_vfsops = {
	.vfs_name	= "testfs",
	.vfs_mount	= tfs_vfs_mount,
	.vfs_unmount	= tfs_unmount,
	.vfs_root	= tfs_root,
	.vfs_statvfs	= tfs_statvfs,
	.vfs_sync	= tfs_sync,
	.vfs_loadvnode	= tfs_loadvnode,
	.vfs_newvnode	= tfs_newvnode,
	.vfs_probe = genfs_noprobe,
	.vfs_check = genfs_nocheck,
	.vfs_fuzzmap = genfs_nofuzzmap,
};

void
tfs_attach(void)
{
	memset(&tfs_stats, 0, sizeof(tfs_stats));
	tfs_badops = tfs_vnodeops;
	tfs_badops.vop_rmdir = NULL;
	CHECK_ERR(vfs_attach(&tfs_vfsops), 0);
}

void
tfs_detach(void)
{
	CHECK_ERR(vfs_detach(&tfs_vfsops), 0);
}

struct mount *
tfs_mount(const char *path)
{
	struct nameidata nd;
	struct mount *mp;

	rump_schedule();
	tfs_attach();
	rump_unschedule();
	CHECK_EQ(rump_sys_mkdir(path, 0755), 0);
	CHECK_EQ(rump_sys_mount("testfs", path, 0, NULL, 0), 0);
	rump_schedule();
	NDINIT(&nd, LOOKUP, FOLLOW, path);
	CHECK_ERR(namei(&nd), 0);
	mp = nd.ni_vp->v_mount;
	CHECK(nd.ni_vp->v_op == &tfs_vnodeops);
	namei_done(&nd);
	rump_unschedule();
	return mp;
}
