/* t_namei.c: path lookup: absolute/relative, dots, mount crossing, symlinks, limits, trailing slashes, name cache. */
#include <pthread.h>
#include "t_core.h"

/* namei in the kernel: 0 or the error; on 0 *inop is the inode reached. */
static int
t_namei(struct vnode *atdir, const char *path, int op, int flags, ino_t *inop)
{
	struct nameidata nd;
	int error;

	rump_schedule();
	NDINIT(&nd, op, flags, path);
	nd.ni_atdir = atdir;
	error = namei(&nd);
	if (error == 0) {
		if (inop != NULL)
			*inop = nd.ni_vp != NULL ? nd.ni_vp->v_ino : 0;
		namei_done(&nd);
	}
	rump_unschedule();
	return error;
}

T_CASE(namei_abs_rel)
{
	struct nameidata nd;
	struct vnode *adir;
	ino_t ino, ino2;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/a", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/a/b", 0755), 0);
	t_mkfile("/a/b/f", 0644);
	CHECK_ERR(t_namei(NULL, "/a/b/f", LOOKUP, FOLLOW, &ino), 0);
	CHECK_EQ(ino, t_stat("/a/b/f").st_ino);
	CHECK_ERR(t_namei(NULL, "a/b/f", LOOKUP, FOLLOW, &ino2), 0);	/* cwd is / */
	CHECK_EQ(ino2, ino);
	CHECK_ERR(t_namei(NULL, "//a///b//./f", LOOKUP, FOLLOW, &ino2), 0);
	CHECK_EQ(ino2, ino);
	CHECK_ERR(t_namei(NULL, "/a/./b/../b/f", LOOKUP, FOLLOW, &ino2), 0);
	CHECK_EQ(ino2, ino);
	CHECK_EQ(rump_sys_chdir("/a"), 0);
	CHECK_ERR(t_namei(NULL, "b/f", LOOKUP, FOLLOW, &ino2), 0);
	CHECK_EQ(ino2, ino);
	CHECK_ERR(t_namei(NULL, "./b/../b/./f", LOOKUP, FOLLOW, &ino2), 0);
	CHECK_EQ(ino2, ino);
	CHECK_ERR(t_namei(NULL, "f", LOOKUP, FOLLOW, NULL), ENOENT);
	/* ni_atdir wins over the cwd for relative paths. */
	rump_schedule();
	NDINIT(&nd, LOOKUP, FOLLOW, "/a/b");
	CHECK_ERR(namei(&nd), 0);
	adir = nd.ni_vp;
	nd.ni_vp = NULL;
	namei_done(&nd);
	rump_unschedule();
	CHECK_ERR(t_namei(adir, "f", LOOKUP, FOLLOW, &ino2), 0);
	CHECK_EQ(ino2, ino);
	CHECK_ERR(t_namei(adir, "/a/b/f", LOOKUP, FOLLOW, &ino2), 0);
	CHECK_EQ(ino2, ino);
	/* WANTPARENT: the parent comes back too; CREATE of a missing name gives only the parent. */
	rump_schedule();
	NDINIT(&nd, CREATE, WANTPARENT, "/a/b/new");
	CHECK_ERR(namei(&nd), 0);
	CHECK(nd.ni_vp == NULL);
	CHECK(nd.ni_dvp == adir);
	CHECK_EQ(nd.ni_cnd.cn_namelen, 3);
	CHECK(memcmp(nd.ni_cnd.cn_nameptr, "new", 3) == 0);
	CHECK((nd.ni_cnd.cn_flags & ISLASTCN) != 0);
	namei_done(&nd);
	NDINIT(&nd, LOOKUP, WANTPARENT, "/a/b/f");
	CHECK_ERR(namei(&nd), 0);
	CHECK(nd.ni_dvp == adir);
	CHECK_EQ(nd.ni_vp->v_ino, ino);
	namei_done(&nd);
	NDINIT(&nd, LOOKUP, WANTPARENT, "/");
	CHECK_ERR(namei(&nd), 0);
	CHECK(nd.ni_vp == rootvnode);
	CHECK(nd.ni_dvp == NULL);
	namei_done(&nd);
	vrele(adir);
	rump_unschedule();
	CHECK_ERR(t_namei(NULL, "", LOOKUP, FOLLOW, NULL), ENOENT);
	CHECK_ERR(t_namei(NULL, "/a/b/f/g", LOOKUP, FOLLOW, NULL), ENOTDIR);
	CHECK_ERR(t_namei(NULL, "/a/x/f", LOOKUP, FOLLOW, NULL), ENOENT);
	CHECK_ERR(t_namei(NULL, "/a/x/f", CREATE, FOLLOW, NULL), ENOENT);
	t_halt();
}

/* ".." of "/" is "/"; ".." at a mounted root goes to the covering side; crossing down works too. */
T_CASE(namei_dotdot_mounts)
{
	struct stat root, mnt, inner;
	ino_t ino;

	t_boot();
	root = t_stat("/");
	CHECK_EQ(t_stat("/..").st_ino, root.st_ino);
	CHECK_EQ(t_stat("/../../..").st_ino, root.st_ino);
	CHECK_EQ(t_stat("/dev/../..").st_ino, root.st_ino);
	CHECK_EQ(rump_sys_mkdir("/m", 0755), 0);
	CHECK_EQ(rump_sys_mount("rumpfs", "/m", 0, NULL, 0), 0);
	CHECK_EQ(rump_sys_mkdir("/m/d", 0755), 0);
	t_mkfile("/m/d/f", 0644);
	mnt = t_stat("/m");
	CHECK(mnt.st_dev != root.st_dev);
	CHECK_EQ(t_stat("/m/..").st_ino, root.st_ino);
	CHECK_EQ(t_stat("/m/..").st_dev, root.st_dev);
	CHECK_EQ(t_stat("/m/d/../../m/d/f").st_dev, mnt.st_dev);
	/* A second level: testfs inside the rumpfs mount. */
	(void)tfs_mount("/m/d/t");
	inner = t_stat("/m/d/t");
	CHECK(inner.st_dev != mnt.st_dev);
	CHECK_EQ(inner.st_ino, 1);
	CHECK_EQ(t_stat("/m/d/t/..").st_ino, t_stat("/m/d").st_ino);
	CHECK_EQ(t_stat("/m/d/t/../..").st_ino, mnt.st_ino);
	CHECK_EQ(t_stat("/m/d/t/../../..").st_ino, root.st_ino);
	/* Relative, from inside. */
	CHECK_EQ(rump_sys_chdir("/m/d/t"), 0);
	CHECK_EQ(t_stat("..").st_dev, mnt.st_dev);
	CHECK_EQ(t_stat("../../..").st_ino, root.st_ino);
	CHECK_ERR(t_namei(NULL, "../t/.", LOOKUP, FOLLOW, &ino), 0);
	CHECK_EQ(ino, 1);
	CHECK_ERRNO(rump_sys_unmount("/m/d/t", 0), EBUSY);	/* our cwd */
	CHECK_EQ(rump_sys_chdir("/"), 0);
	CHECK_EQ(rump_sys_unmount("/m/d/t", 0), 0);
	CHECK_EQ(t_stat("/m/d/t").st_dev, mnt.st_dev);		/* the covered dir again */
	rump_schedule();
	tfs_detach();
	rump_unschedule();
	CHECK_EQ(rump_sys_unmount("/m", 0), 0);
	CHECK_ERRNO(rump_sys_stat("/m/d", &(struct stat){ 0 }), ENOENT);
	t_halt();
}

/* 32 links in a row resolve; the 33rd is ELOOP; links in the middle and absolute targets. */
T_CASE(namei_symlinks)
{
	char name[32], target[32];
	struct stat st;
	ino_t ino;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	t_mkfile("/d/t", 0644);
	CHECK_EQ(rump_sys_symlink("/d/t", "/s1"), 0);
	for (int i = 2; i <= 33; i++) {
		snprintf(name, sizeof(name), "/s%d", i);
		snprintf(target, sizeof(target), "s%d", i - 1);
		CHECK_EQ(rump_sys_symlink(target, name), 0);
	}
	CHECK_EQ(t_stat("/s32").st_ino, t_stat("/d/t").st_ino);
	CHECK_ERRNO(rump_sys_stat("/s33", &st), ELOOP);
	CHECK_EQ(rump_sys_lstat("/s33", &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_ERR(t_namei(NULL, "/s33", LOOKUP, NOFOLLOW, &ino), 0);
	CHECK_ERR(t_namei(NULL, "/s33", LOOKUP, FOLLOW, NULL), ELOOP);
	CHECK_EQ(rump_sys_symlink("loop", "/loop"), 0);
	CHECK_ERRNO(rump_sys_stat("/loop", &st), ELOOP);
	/* In the middle of a path, and relative to the link's directory. */
	CHECK_EQ(rump_sys_symlink("d", "/ld"), 0);
	CHECK_EQ(rump_sys_symlink("../d/t", "/d/up"), 0);
	CHECK_EQ(t_stat("/ld/t").st_ino, t_stat("/d/t").st_ino);
	CHECK_EQ(t_stat("/ld/up").st_ino, t_stat("/d/t").st_ino);
	CHECK_EQ(t_stat("/ld/../d/t").st_ino, t_stat("/d/t").st_ino);
	/* A dangling link: CREATE through it without FOLLOW finds the link itself. */
	CHECK_EQ(rump_sys_symlink("/d/none", "/dang"), 0);
	CHECK_ERRNO(rump_sys_stat("/dang", &st), ENOENT);
	CHECK_ERR(t_namei(NULL, "/dang", CREATE, NOFOLLOW, &ino), 0);
	CHECK(ino != 0);
	t_halt();
}

/* PATH_MAX and NAME_MAX. */
T_CASE(namei_limits)
{
	static char path[PATH_MAX + 8];
	char comp[300];

	t_boot();
	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[PATH_MAX] = '\0';		/* strlen == PATH_MAX */
	CHECK_ERR(t_namei(NULL, path, LOOKUP, FOLLOW, NULL), ENAMETOOLONG);
	path[PATH_MAX - 1] = '\0';	/* fits, but its one component is too long */
	CHECK_ERR(t_namei(NULL, path, LOOKUP, FOLLOW, NULL), ENAMETOOLONG);
	/* A legal PATH_MAX-1 path made of short components: just ENOENT. */
	for (int i = 0; i < PATH_MAX - 1; i++)
		path[i] = (i % 2 == 0) ? '/' : 'x';
	path[PATH_MAX - 1] = '\0';
	CHECK_ERR(t_namei(NULL, path, LOOKUP, FOLLOW, NULL), ENOENT);
	memset(comp, 'c', sizeof(comp));
	comp[0] = '/';
	comp[256 + 1] = '\0';		/* 256 bytes after the slash */
	CHECK_ERRNO(rump_sys_mkdir(comp, 0755), ENAMETOOLONG);
	CHECK_ERR(t_namei(NULL, comp, LOOKUP, FOLLOW, NULL), ENAMETOOLONG);
	comp[255 + 1] = '\0';		/* 255: allowed */
	CHECK_ERR(t_namei(NULL, comp, LOOKUP, FOLLOW, NULL), ENOENT);
	CHECK_EQ(rump_sys_mkdir(comp, 0755), 0);
	CHECK_ERR(t_namei(NULL, comp, LOOKUP, FOLLOW, NULL), 0);
	/* A symlink whose expansion passes PATH_MAX. */
	memset(path, 'l', PATH_MAX - 2);
	path[PATH_MAX - 2] = '\0';
	path[0] = '/';
	for (int i = 100; i < PATH_MAX - 2; i += 100)
		path[i] = '/';
	CHECK_EQ(rump_sys_symlink(path, "/long"), 0);
	CHECK_ERR(t_namei(NULL, "/long/aaaaaaaaaa", LOOKUP, FOLLOW, NULL), ENAMETOOLONG);
	t_halt();
}

/* Trailing slashes need a directory; a symlink before one is followed. */
T_CASE(namei_trailing_slash)
{
	struct nameidata nd;
	struct stat st;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	t_mkfile("/f", 0644);
	CHECK_EQ(rump_sys_symlink("d", "/ld"), 0);
	CHECK_EQ(rump_sys_symlink("f", "/lf"), 0);
	CHECK_EQ(rump_sys_stat("/d/", &st), 0);
	CHECK_EQ(rump_sys_stat("/d//", &st), 0);
	CHECK_ERRNO(rump_sys_stat("/f/", &st), ENOTDIR);
	CHECK_ERRNO(rump_sys_stat("/f/.", &st), ENOTDIR);
	CHECK_EQ(rump_sys_lstat("/ld/", &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(rump_sys_lstat("/ld", &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_ERRNO(rump_sys_lstat("/lf/", &st), ENOTDIR);
	CHECK_ERR(t_namei(NULL, "/f/", LOOKUP, NOFOLLOW, NULL), ENOTDIR);
	/* CREATE of a missing name with a slash: the caller learns REQUIREDIR. */
	rump_schedule();
	NDINIT(&nd, CREATE, 0, "/newdir/");
	CHECK_ERR(namei(&nd), 0);
	CHECK(nd.ni_vp == NULL);
	CHECK((nd.ni_flags & REQUIREDIR) != 0);
	namei_done(&nd);
	rump_unschedule();
	CHECK_EQ(rump_sys_mkdir("/newdir/", 0755), 0);
	t_halt();
}

/* A lookup fills the name cache; remove, rmdir and rename purge it. */
T_CASE(namecache_hit_purge)
{
	struct nameidata nd;
	struct vnode *dvp, *vp;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	t_mkfile("/d/f", 0644);
	t_mkfile("/d/g", 0644);
	CHECK_EQ(rump_sys_mkdir("/d/sub", 0755), 0);
	rump_schedule();
	NDINIT(&nd, LOOKUP, FOLLOW, "/d");
	CHECK_ERR(namei(&nd), 0);
	dvp = nd.ni_vp;
	nd.ni_vp = NULL;
	for (const char **n = (const char *[]){ "/d/f", "/d/g", "/d/sub", NULL }; *n; n++) {
		NDINIT(&nd, LOOKUP, FOLLOW, *n);
		CHECK_ERR(namei(&nd), 0);
		namei_done(&nd);
	}
	CHECK_ERR(cache_lookup(dvp, "f", 1, &vp), 0);
	CHECK_EQ(vp->v_ino, t_stat("/d/f").st_ino);
	vrele(vp);
	CHECK_ERR(cache_lookup(dvp, "nope", 4, &vp), ENOENT);
	rump_unschedule();

	CHECK_EQ(rump_sys_unlink("/d/f"), 0);
	CHECK_EQ(rump_sys_rename("/d/g", "/d/h"), 0);
	CHECK_EQ(rump_sys_rmdir("/d/sub"), 0);
	rump_schedule();
	CHECK_ERR(cache_lookup(dvp, "f", 1, &vp), ENOENT);
	CHECK_ERR(cache_lookup(dvp, "g", 1, &vp), ENOENT);
	CHECK_ERR(cache_lookup(dvp, "sub", 3, &vp), ENOENT);
	/* Reclaiming a vnode drops its entries too. */
	NDINIT(&nd, LOOKUP, FOLLOW, "/d/h");
	CHECK_ERR(namei(&nd), 0);
	namei_done(&nd);
	CHECK_ERR(cache_lookup(dvp, "h", 1, &vp), 0);
	vrele(vp);
	vcache_drain(NULL, 0);
	CHECK_ERR(cache_lookup(dvp, "h", 1, &vp), ENOENT);
	vrele(dvp);
	rump_unschedule();
	CHECK_ERRNO(rump_sys_stat("/d/f", &(struct stat){ 0 }), ENOENT);
	CHECK_EQ(rump_sys_stat("/d/h", &(struct stat){ 0 }), 0);
	t_halt();
}

/* Search permission on every directory of the path. */
T_CASE(namei_search_permission)
{
	t_boot();
	CHECK_EQ(rump_sys_mkdir("/p", 0700), 0);
	CHECK_EQ(rump_sys_mkdir("/p/q", 0755), 0);
	t_mkfile("/p/q/f", 0644);
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_EQ(rump_pub_lwproc_setcred(1000, 1000, 0, NULL), 0);
	CHECK_ERRNO(rump_sys_stat("/p/q/f", &(struct stat){ 0 }), EACCES);
	CHECK_ERRNO(rump_sys_stat("/p/../p/q", &(struct stat){ 0 }), EACCES);
	CHECK_EQ(rump_sys_stat("/p", &(struct stat){ 0 }), 0);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(rump_sys_stat("/p/q/f", &(struct stat){ 0 }), 0);
	t_halt();
}

static volatile int t_stop;

static void *
t_statter(void *arg)
{
	int *bad = arg;
	struct stat st;

	while (!t_stop) {
		if (rump_sys_stat("/m/x", &st) != 0 && errno != ENOENT)
			(*bad)++;
		if (rump_sys_stat("/m/..", &st) != 0 || st.st_ino != 2)
			(*bad)++;
	}
	return NULL;
}

/* Lookups racing with mount and unmount of the directory they cross. */
T_CASE(namei_mount_race)
{
	pthread_t th[2];
	int bad[2] = { 0, 0 }, busy = 0, fd;

	setenv("RUMP_NCPU", "4", 1);
	t_boot();
	CHECK_EQ(rump_sys_mkdir("/m", 0755), 0);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, t_statter, &bad[i]), 0);
	for (int i = 0; i < 200; i++) {
		CHECK_EQ(rump_sys_mount("rumpfs", "/m", 0, NULL, 0), 0);
		fd = rump_sys_open("/m/x", O_CREAT | O_WRONLY, 0644);
		CHECK(fd >= 0);
		CHECK_EQ(rump_sys_close(fd), 0);
		while (rump_sys_unmount("/m", 0) != 0) {
			CHECK_EQ(errno, EBUSY);
			busy++;
		}
	}
	t_stop = 1;
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(pthread_join(th[i], NULL), 0);
		CHECK_EQ(bad[i], 0);
	}
	CHECK_ERRNO(rump_sys_stat("/m/x", &(struct stat){ 0 }), ENOENT);
	t_halt();
}
