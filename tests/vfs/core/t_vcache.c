/* t_vcache.c: the vnode cache over testfs: bound, LRU order, inactive/recycle, vflush, op tables, concurrency. */
#include <pthread.h>
#include "kmem.h"
#include "t_core.h"

static void
t_getrele(struct mount *mp, ino_t ino)
{
	struct vnode *vp;

	CHECK_ERR(vcache_get(mp, ino, &vp), 0);
	CHECK_EQ(vp->v_ino, ino);
	vrele(vp);
}

static void
t_tfs_done(const char *path)
{
	CHECK_EQ(rump_sys_unmount(path, 0), 0);
	rump_schedule();
	tfs_detach();
	rump_unschedule();
}

/* RUMP_NVNODES bounds the unreferenced vnodes; the surplus is reclaimed. */
T_CASE(vcache_bound)
{
	unsigned total, unref;
	struct mount *mp;

	setenv("RUMP_NVNODES", "16", 1);
	t_boot();
	mp = tfs_mount("/mnt");
	rump_schedule();
	for (ino_t ino = 2; ino < 102; ino++)
		t_getrele(mp, ino);
	vcache_stats(&total, &unref);
	CHECK(unref <= 16);
	CHECK(total <= 16 + 8);
	CHECK(tfs_stats.nreclaim >= 84);
	for (ino_t ino = 2; ino < 102; ino++)
		CHECK_EQ(tfs_stats.nload[ino], 1);
	/* The most recent ones are still cached: no new load. */
	t_getrele(mp, 101);
	CHECK_EQ(tfs_stats.nload[101], 1);
	vcache_drain(mp, 0);
	vcache_stats(&total, &unref);
	CHECK(unref <= 16);
	rump_unschedule();
	t_tfs_done("/mnt");
	t_halt();
}

/* The least recently released vnode goes first; a re-used one moves to the back. */
T_CASE(vcache_lru_order)
{
	struct mount *mp;
	unsigned r0;

	setenv("RUMP_NVNODES", "4", 1);
	t_boot();
	mp = tfs_mount("/mnt");
	rump_schedule();
	vcache_drain(NULL, 0);
	r0 = tfs_stats.nreclaim;
	for (ino_t ino = 2; ino <= 5; ino++)
		t_getrele(mp, ino);
	CHECK_EQ(tfs_stats.nreclaim, r0);
	t_getrele(mp, 2);		/* LRU now 3 4 5 2 */
	CHECK_EQ(tfs_stats.nload[2], 1);
	t_getrele(mp, 6);		/* 3 goes */
	CHECK_EQ(tfs_stats.nreclaim, r0 + 1);
	CHECK_EQ(tfs_stats.reclaimed[r0], 3);
	t_getrele(mp, 7);		/* then 4 */
	CHECK_EQ(tfs_stats.reclaimed[r0 + 1], 4);
	t_getrele(mp, 2);
	CHECK_EQ(tfs_stats.nload[2], 1);
	t_getrele(mp, 3);		/* reloaded; 5 goes */
	CHECK_EQ(tfs_stats.nload[3], 2);
	CHECK_EQ(tfs_stats.reclaimed[r0 + 2], 5);
	rump_unschedule();
	t_tfs_done("/mnt");
	t_halt();
}

/* Last vrele runs inactive; a file with no links left is reclaimed at once. */
T_CASE(vcache_inactive_recycle)
{
	struct componentname cn;
	struct vnode *root, *vp, *vp2;
	struct vattr va;
	struct mount *mp;
	unsigned i0, r0, unref0, unref1;
	ino_t ino;

	t_boot();
	mp = tfs_mount("/mnt");
	rump_schedule();
	CHECK_ERR(mp->mnt_op->vfs_root(mp, &root), 0);
	cn = t_cn("f", CREATE);
	va = t_va(VREG, 0644);
	CHECK_ERR(VOP_CREATE(root, &vp, &cn, &va), 0);
	ino = vp->v_ino;
	CHECK(ino >= TFS_NPRE);
	i0 = tfs_stats.ninactive;
	r0 = tfs_stats.nreclaim;
	vcache_stats(NULL, &unref0);
	vrele(vp);
	CHECK_EQ(tfs_stats.ninactive, i0 + 1);
	CHECK_EQ(tfs_stats.nreclaim, r0);
	vcache_stats(NULL, &unref1);
	CHECK_EQ(unref1, unref0 + 1);

	cn = t_cn("f", DELETE);
	CHECK_ERR(VOP_LOOKUP(root, &vp2, &cn), 0);
	CHECK_EQ(vp2->v_ino, ino);
	CHECK_EQ(tfs_stats.nload[ino], 0);	/* came from the cache, not loaded */
	CHECK_ERR(VOP_REMOVE(root, vp2, &cn), 0);
	vrele(vp2);
	CHECK_EQ(tfs_stats.ninactive, i0 + 2);
	CHECK_EQ(tfs_stats.nreclaim, r0 + 1);
	CHECK_EQ(tfs_stats.reclaimed[r0], ino);
	CHECK_ERR(VOP_LOOKUP(root, &vp2, &cn), ENOENT);
	CHECK_ERR(vcache_get(mp, ino, &vp2), ENOENT);
	vrele(root);
	rump_unschedule();
	t_tfs_done("/mnt");
	t_halt();
}

/* A referenced vnode makes unmount EBUSY; MNT_FORCE hands it to deadfs. */
T_CASE(vflush_busy_force)
{
	struct componentname cn;
	struct vnode *vp, *vp2;
	struct iovec iov;
	struct uio uio;
	struct vattr va;
	struct mount *mp;
	char buf[8];
	unsigned r0;
	bool seen = false;

	t_boot();
	mp = tfs_mount("/mnt");
	rump_schedule();
	CHECK_ERR(vcache_get(mp, 5, &vp), 0);
	CHECK_ERR(vflush(mp, NULL, false), EBUSY);
	CHECK_EQ(tfs_stats.nreclaim, 0);
	rump_unschedule();
	CHECK_ERRNO(rump_sys_unmount("/mnt", 0), EBUSY);
	r0 = tfs_stats.nreclaim;
	CHECK_EQ(rump_sys_unmount("/mnt", MNT_FORCE), 0);
	rump_schedule();
	for (unsigned i = r0; i < tfs_stats.nreclaim; i++)
		seen |= tfs_stats.reclaimed[i] == 5;
	CHECK(seen);
	CHECK_EQ(vp->v_state, VS_DEAD);
	CHECK(vp->v_op != &tfs_vnodeops);
	CHECK(vp->v_data == NULL);
	CHECK_ERR(VOP_GETATTR(vp, &va, kauth_cred_get()), EIO);
	uio_setup(&uio, &iov, buf, sizeof(buf), 0, UIO_READ);
	CHECK_ERR(VOP_READ(vp, &uio, 0, kauth_cred_get()), EIO);
	CHECK_ERR(VOP_OPEN(vp, FREAD, kauth_cred_get()), EIO);
	CHECK_ERR(VOP_CLOSE(vp, FREAD, kauth_cred_get()), 0);
	cn = t_cn("x", LOOKUP);
	CHECK_ERR(VOP_LOOKUP(vp, &vp2, &cn), ENOENT);
	vrele(vp);
	tfs_detach();
	rump_unschedule();
	/* The covered directory is back. */
	CHECK_EQ(rump_sys_rmdir("/mnt"), 0);
	t_halt();
}

/* Op tables with a NULL slot are refused, at the check and at load. */
T_CASE(vnodeops_check_null)
{
	struct vnodeops bad;
	struct vnode *vp;
	struct mount *mp;
	unsigned r0;

	t_boot();
	mp = tfs_mount("/mnt");
	rump_schedule();
	CHECK_ERR(vnodeops_check(&tfs_vnodeops), 0);
	bad = tfs_vnodeops;
	bad.vop_rmdir = NULL;
	CHECK_ERR(vnodeops_check(&bad), EINVAL);
	bad = tfs_vnodeops;
	bad.vop_lookup = NULL;
	CHECK_ERR(vnodeops_check(&bad), EINVAL);
	bad = tfs_vnodeops;
	bad.vop_reclaim = NULL;
	CHECK_ERR(vnodeops_check(&bad), EINVAL);
	r0 = tfs_stats.nreclaim;
	CHECK_ERR(vcache_get(mp, TFS_BADINO, &vp), EINVAL);
	CHECK_EQ(tfs_stats.nreclaim, r0 + 1);
	CHECK_ERR(vcache_get(mp, 0, &vp), ENOENT);
	CHECK_ERR(vcache_get(mp, TFS_NINO - 1, &vp), ENOENT);
	rump_unschedule();
	t_tfs_done("/mnt");
	t_halt();
}

#define NTHREADS	8

struct getter {
	pthread_barrier_t	*bar;
	struct mount		*mp;
	ino_t			ino;
	struct vnode		*vp;
	int			error;
};

static void *
getter_main(void *arg)
{
	struct getter *g = arg;

	pthread_barrier_wait(g->bar);
	rump_schedule();
	g->error = vcache_get(g->mp, g->ino, &g->vp);
	rump_unschedule();
	return NULL;
}

/* Many threads asking for one inode at once get one vnode, loaded once. */
T_CASE(vcache_concurrent_get)
{
	pthread_t th[NTHREADS];
	struct getter g[NTHREADS];
	pthread_barrier_t bar;
	struct mount *mp;

	setenv("RUMP_NCPU", "4", 1);
	t_boot();
	mp = tfs_mount("/mnt");
	tfs_stats.load_delay_ms = 20;
	pthread_barrier_init(&bar, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++) {
		g[i] = (struct getter){ .bar = &bar, .mp = mp, .ino = 42 };
		CHECK_EQ(pthread_create(&th[i], NULL, getter_main, &g[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);
	pthread_barrier_destroy(&bar);
	rump_schedule();
	CHECK_EQ(tfs_stats.nload[42], 1);
	for (int i = 0; i < NTHREADS; i++) {
		CHECK_ERR(g[i].error, 0);
		CHECK(g[i].vp == g[0].vp);
	}
	CHECK_EQ(g[0].vp->v_usecount, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		vrele(g[i].vp);
	tfs_stats.load_delay_ms = 0;
	rump_unschedule();
	t_tfs_done("/mnt");
	t_halt();
}

struct churner {
	struct mount	*mp;
	unsigned	seed;
	int		errors;
};

static void *
churn_main(void *arg)
{
	struct churner *c = arg;
	struct vnode *vp, *vp2;

	rump_schedule();
	for (int i = 0; i < 2000; i++) {
		ino_t ino = 2 + (ino_t)(rand_r(&c->seed) % 24);

		if (vcache_get(c->mp, ino, &vp) != 0 || vp->v_ino != ino) {
			c->errors++;
			continue;
		}
		if (i % 3 == 0) {
			vref(vp);
			vp2 = vp;
			vrele(vp2);
		}
		vrele(vp);
	}
	rump_unschedule();
	return NULL;
}

/* Gets and releases from several threads over a tiny cache: no loss, no double load of a live inode. */
T_CASE(vcache_churn)
{
	pthread_t th[4];
	struct churner c[4];
	unsigned total, unref;
	struct mount *mp;

	setenv("RUMP_NCPU", "4", 1);
	setenv("RUMP_NVNODES", "8", 1);
	t_boot();
	mp = tfs_mount("/mnt");
	for (int i = 0; i < 4; i++) {
		c[i] = (struct churner){ .mp = mp, .seed = (unsigned)i + 1 };
		CHECK_EQ(pthread_create(&th[i], NULL, churn_main, &c[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(pthread_join(th[i], NULL), 0);
		CHECK_EQ(c[i].errors, 0);
	}
	rump_schedule();
	vcache_stats(&total, &unref);
	CHECK(unref <= 8);
	rump_unschedule();
	t_tfs_done("/mnt");
	t_halt();
}

/* Mount errors, busy parents, statvfs flags. */
T_CASE(mount_rules)
{
	struct statvfs sv1, sv2;

	t_boot();
	(void)tfs_mount("/mnt");
	t_mkfile("/file", 0644);
	CHECK_ERRNO(rump_sys_mount("testfs", "/file", 0, NULL, 0), ENOTDIR);
	CHECK_ERRNO(rump_sys_mount("nosuchfs", "/dev", 0, NULL, 0), ENODEV);
	CHECK_ERRNO(rump_sys_mount("testfs", "/nonexistent", 0, NULL, 0), ENOENT);
	CHECK_EQ(rump_sys_mkdir("/ro", 0755), 0);
	CHECK_EQ(rump_sys_mount("rumpfs", "/ro", MNT_RDONLY | MNT_NOSUID, NULL, 0), 0);
	CHECK_EQ(rump_sys_statvfs("/ro", &sv1), 0);
	CHECK((sv1.f_flag & ST_RDONLY) != 0);
	CHECK((sv1.f_flag & ST_NOSUID) != 0);
	CHECK_EQ(sv1.f_namemax, 255);
	CHECK_ERRNO(rump_sys_mkdir("/ro/x", 0755), EROFS);
	CHECK_EQ(rump_sys_statvfs("/mnt", &sv2), 0);
	CHECK_EQ(sv2.f_flag & ST_RDONLY, 0);
	CHECK(sv1.f_fsid != sv2.f_fsid);
	/* A mount inside another keeps the outer one busy, even forced. */
	CHECK_EQ(rump_sys_mkdir("/mnt/in", 0755), 0);
	CHECK_EQ(rump_sys_mount("rumpfs", "/mnt/in", 0, NULL, 0), 0);
	CHECK_ERRNO(rump_sys_unmount("/mnt", 0), EBUSY);
	CHECK_ERRNO(rump_sys_unmount("/mnt", MNT_FORCE), EBUSY);
	CHECK_EQ(rump_sys_unmount("/mnt/in", 0), 0);
	CHECK_EQ(rump_sys_unmount("/ro", 0), 0);
	CHECK_ERRNO(rump_sys_unmount("/", 0), EBUSY);
	/* testfs is still mounted: the shutdown unmounts it. */
	t_halt();
}

/* Near the memory limit, kmem asks the vnode cache to give unreferenced vnodes back. */
T_CASE(vcache_kmem_reclaim)
{
	struct mount *mp;
	uint64_t avail;
	size_t want;
	void *p;

	setenv("RUMP_MEMLIMIT", "4m", 1);
	setenv("RUMP_NVNODES", "100000", 1);
	t_boot();
	mp = tfs_mount("/mnt");
	rump_schedule();
	for (ino_t ino = 2; ino < TFS_NPRE - 1; ino++)
		t_getrele(mp, ino);
	CHECK_EQ(tfs_stats.nreclaim, 0);
	avail = kmem_limit() - kmem_inuse();
	want = (size_t)avail + 16 * 1024;
	p = kmem_alloc(want, KM_SLEEP);
	CHECK(p != NULL);
	CHECK(tfs_stats.nreclaim > 0);
	kmem_free(p, want);
	rump_unschedule();
	t_tfs_done("/mnt");
	t_halt();
}
