/* flatfs_vfsops.c: mounting flatfs (read-only), its vnodes, its probe and metadata map. */
#include <string.h>

#include <rump/rump_fuzzmap.h>

#include "flatfs.h"
#include "buf.h"
#include "component.h"
#include "genfs.h"

static int
flatfs_load(struct flatfs_mount *fm)
{
	struct buf *bp;
	int error;

	if ((error = bread(fm->fm_devvp, 0, FLATFS_HDRSIZE, 0, &bp)) != 0)
		return error;
	error = flatfs_parse(bp->b_data, fm);
	brelse(bp, 0);
	return error;
}

static int
flatfs_mount(struct mount *mp, void *data, size_t len)
{
	struct flatfs_mount *fm;
	const char *fspec;
	int error;

	/* read-only: a read-write mount or update is refused, so the harness falls back */
	if (!(mp->mnt_flag & MNT_RDONLY))
		return EROFS;
	if (mp->mnt_flag & MNT_UPDATE)
		return 0;
	if ((error = vfs_mountargs_fspec(data, len, &fspec)) != 0)
		return error;
	if ((fm = kmem_zalloc(sizeof(*fm), KM_SLEEP)) == NULL)
		return ENOMEM;
	if ((error = vfs_opendev(fspec, true, &fm->fm_devvp, &fm->fm_bdev)) != 0) {
		kmem_free(fm, sizeof(*fm));
		return error;
	}
	if ((error = flatfs_load(fm)) != 0) {
		vfs_closedev(fm->fm_devvp, fm->fm_bdev, true, NULL);
		kmem_free(fm, sizeof(*fm));
		return error == ENOMEM ? ENOMEM : EINVAL;
	}
	mp->mnt_data = fm;
	return 0;
}

static int
flatfs_unmount(struct mount *mp, int mntflags)
{
	struct flatfs_mount *fm = VFSTOFLAT(mp);

	(void)mntflags;
	vfs_closedev(fm->fm_devvp, fm->fm_bdev, true, NULL);
	kmem_free(fm, sizeof(*fm));
	mp->mnt_data = NULL;
	return 0;
}

static int
flatfs_root(struct mount *mp, struct vnode **vpp)
{
	return vcache_get(mp, FLATFS_ROOTINO, vpp);
}

static int
flatfs_statvfs(struct mount *mp, struct statvfs *sv)
{
	struct flatfs_mount *fm = VFSTOFLAT(mp);

	sv->f_bsize = sv->f_frsize = FLATFS_HDRSIZE;
	sv->f_blocks = 1;
	for (unsigned i = 0; i < fm->fm_nfiles; i++)
		sv->f_blocks += (fm->fm_files[i].ff_size + FLATFS_HDRSIZE - 1) / FLATFS_HDRSIZE;
	sv->f_bfree = sv->f_bavail = 0;
	sv->f_files = fm->fm_nfiles + 1;
	sv->f_ffree = sv->f_favail = 0;
	sv->f_namemax = FLATFS_NAMELEN;
	return 0;
}

static int
flatfs_sync(struct mount *mp, int waitfor, kauth_cred_t cred)
{
	(void)mp, (void)waitfor, (void)cred;
	return 0;	/* nothing is ever written */
}

/* The vnodes point at the mount's table (or at nothing, the root): no per-vnode memory. */
static int
flatfs_loadvnode(struct mount *mp, struct vnode *vp, ino_t ino)
{
	const struct flatfs_file *f = flatfs_file(VFSTOFLAT(mp), ino);

	if (f == NULL && ino != FLATFS_ROOTINO)
		return ENOENT;
	vp->v_type = f == NULL ? VDIR : VREG;
	vp->v_vflag = f == NULL ? VV_ROOT : 0;
	vp->v_op = &flatfs_vnodeops;
	vp->v_data = (void *)(uintptr_t)f;
	return 0;
}

static int
flatfs_newvnode(struct mount *mp, struct vnode *dvp, struct vnode *vp,
    const struct vattr *vap, kauth_cred_t cred, ino_t *inop)
{
	(void)mp, (void)dvp, (void)vp, (void)vap, (void)cred, (void)inop;
	return EROFS;
}

static bool
flatfs_probe(const uint8_t *head, size_t len)
{
	return len >= FLATFS_HDRSIZE && memcmp(head, FLATFS_MAGIC, FLATFS_MAGICLEN) == 0;
}

/* The header's fields, for the image-aware mutator: the count, then each entry's. */
static const struct rump_fuzzmap_field flatfs_hdr_fields[] = {
	{ FLATFS_H_NFILES, 4, RUMP_FUZZMAP_F_COUNT },
};
static const struct rump_fuzzmap_field flatfs_ent_fields[] = {
	{ FLATFS_E_NAME, FLATFS_NAMELEN, RUMP_FUZZMAP_F_NAME },
	{ FLATFS_E_OFFSET, 4, RUMP_FUZZMAP_F_INT },
	{ FLATFS_E_SIZE, 4, RUMP_FUZZMAP_F_COUNT },
	{ FLATFS_E_MODE, 4, RUMP_FUZZMAP_F_FLAGS },
};
static const struct rump_fuzzmap_table flatfs_tables[] = {
	{ flatfs_hdr_fields, 1, RUMP_FUZZMAP_ONERECORD },
	{ flatfs_ent_fields, 4, FLATFS_ENTSIZE },
};

static int
flatfs_fuzzmap(const uint8_t *img, size_t len, struct rump_fuzzmap *map)
{
	int error;

	if (!flatfs_probe(img, len))
		return EINVAL;
	map->fm_nblocks = len / FLATFS_HDRSIZE;
	map->fm_ninodes = FLATFS_ROOTINO + FLATFS_MAXFILES;
	map->fm_bsize = FLATFS_HDRSIZE;
	map->fm_tables = flatfs_tables;
	map->fm_ntables = 2;
	if ((error = vfs_fuzzmap_add(map, 0, FLATFS_ENTOFF, RUMP_FUZZMAP_SUPER, 0, 0)) != 0)
		return error == ENOSPC ? 0 : error;
	error = vfs_fuzzmap_add(map, FLATFS_ENTOFF, FLATFS_HDRSIZE - FLATFS_ENTOFF,
	    RUMP_FUZZMAP_DIR, 1, 0);
	return error == ENOSPC ? 0 : error;
}

static struct vfsops flatfs_vfsops = {
	.vfs_name = "flatfs",
	.vfs_mount = flatfs_mount,
	.vfs_unmount = flatfs_unmount,
	.vfs_root = flatfs_root,
	.vfs_statvfs = flatfs_statvfs,
	.vfs_sync = flatfs_sync,
	.vfs_loadvnode = flatfs_loadvnode,
	.vfs_newvnode = flatfs_newvnode,
	.vfs_probe = flatfs_probe,
	.vfs_check = genfs_nocheck,
	.vfs_fuzzmap = flatfs_fuzzmap,
	.vfs_flags = VFSF_DEVICE,
};

VFS_COMPONENT(flatfs, flatfs_vfsops);
