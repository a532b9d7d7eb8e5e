/* vfs_init.c: the VFS components: the core (vnode cache, name cache, mounts) and the root file system. */
#include "component.h"
#include "vcore_impl.h"

static int vfs_init(void);
static void vfs_fini(void);
static int vfs_root_init(void);
static void vfs_root_fini(void);

static struct rump_component vfs_component = {
	.rc_type = RUMP_COMPONENT_VFS,
	.rc_name = "vfs",
	.rc_init = vfs_init,
	.rc_fini = vfs_fini,
};
RUMP_COMPONENT(vfs_component)

static struct rump_component vfs_root_component = {
	.rc_type = RUMP_COMPONENT_VFS_ROOT,
	.rc_name = "vfs_root",
	.rc_init = vfs_root_init,
	.rc_fini = vfs_root_fini,
};
RUMP_COMPONENT(vfs_root_component)

static int
vfs_init(void)
{
	int error;

	if ((error = vcache_init()) != 0)
		return error;
	if ((error = namecache_init()) != 0)
		goto out_vcache;
	if ((error = vfs_mount_init()) != 0)
		goto out_namecache;
	return 0;

out_namecache:
	namecache_fini();
out_vcache:
	vcache_fini();
	return error;
}

static void
vfs_fini(void)
{
	vfs_mount_fini();
	vcache_fini();
	namecache_fini();
}

/* "/" is rumpfs, with /dev for device nodes (etfs). */
static int
vfs_root_init(void)
{
	struct componentname cn = {
		.cn_nameptr = "dev", .cn_namelen = 3, .cn_nameiop = CREATE,
		.cn_flags = ISLASTCN,
	};
	struct vattr va;
	struct vnode *vp;
	int error;

	if ((error = vfs_mountroot("rumpfs")) != 0) {
		kprintf("vfs: cannot mount rumpfs as /: error %d\n", error);
		return error;
	}
	cn.cn_cred = kauth_cred_get();
	vattr_null(&va);
	va.va_type = VDIR;
	va.va_mode = 0755;
	va.va_uid = 0;
	va.va_gid = 0;
	if ((error = VOP_MKDIR(rootvnode, &vp, &cn, &va)) != 0) {
		kprintf("vfs: cannot make /dev: error %d\n", error);
		vfs_unmountroot();
		return error;
	}
	vrele(vp);
	return 0;
}

static void
vfs_root_fini(void)
{
	int error;

	if ((error = vfs_unmount_all()) != 0)
		kprintf("vfs: sync at shutdown failed: error %d\n", error);
	vfs_unmountroot();
}
