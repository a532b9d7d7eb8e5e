/* t_ext2fs_reclaim.c: the reclaim stress (t_reclaim.h) on an ext2 image in memory: buffers and vnodes live by reclaim; e2fsck clean after. */
#include <stdlib.h>
#include <string.h>

#include "t_ext2fs.h"
#include "t_reclaim.h"
#include "kmem.h"

#define IMGSIZE		(64u << 20)
#define ROOM		(256u << 10)	/* left under the limit for the caches */

/* The whole of t->img in host memory (not charged to the kernel). */
static void *
img_load(struct t_img *t)
{
	void *mem = malloc(IMGSIZE);
	int fd = open(t->img, O_RDONLY);

	CHECK(mem != NULL && fd >= 0);
	CHECK_EQ(pread(fd, mem, IMGSIZE, 0), IMGSIZE);
	CHECK_EQ(close(fd), 0);
	return mem;
}

static void
img_store(struct t_img *t, const void *mem)
{
	int fd = open(t->img, O_WRONLY);

	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, mem, IMGSIZE, 0), IMGSIZE);
	CHECK_EQ(close(fd), 0);
}

/*
 * The buffer cache may grow to half the limit, but the ballast leaves it
 * ROOM.  The static files are left dirty (no sync; the syncer takes them
 * only after seconds): clean buffers go in line, dirty ones need the
 * reclaim thread to write them first, and meanwhile vnodes must give
 * way, so the vcache reclaimer runs all the time too.
 */
T_CASE(reclaim_stress)
{
	struct ufs_args a = { .fspec = T_DEV };
	struct t_reclaim_result r;
	struct t_img t;
	void *mem;

	CHECK(getenv("RUMP_NCPU") != NULL);
	t_img_init(&t);
	t_mkfs(&t, "-b 4096 -N 8192", false, "64M");
	mem = img_load(&t);
	setenv("RUMP_NVNODES", "1000000", 1);	/* only the memory limit recycles vnodes */
	setenv("RUMP_MEMLIMIT", T_RECLAIM_LIMIT_STR, 1);
	t_boot();
	CHECK_ERR(rump_pub_etfs_register_mem(T_DEV, mem, IMGSIZE, 0), 0);
	CHECK_EQ(rump_sys_mkdir(T_MNT, 0755), 0);
	CHECK_EQ(rump_sys_mount(MOUNT_EXT2FS, T_MNT, 0, &a, sizeof(a)), 0);
	t_reclaim_make_files(T_MNT);
	t_reclaim_ballast(T_RECLAIM_LIMIT - ROOM);
	r = t_reclaim_run(T_MNT);
	t_reclaim_ballast_free();
	t_reclaim_report(&r);
	t_umount();
	t_halt();
	CHECK_EQ(kmem_inuse(), 0);	/* every byte came back at shutdown */
	img_store(&t, mem);
	t_fsck(&t);
	free(mem);
	t_img_cleanup(&t);
}
