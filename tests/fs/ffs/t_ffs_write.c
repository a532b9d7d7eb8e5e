/* t_ffs_write.c: ffs read-write: seeded random operations against a host directory, then the checker and a read-only remount. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_rump.h"
#include "ffs_t.h"
#include "ffs_check.h"

static unsigned
check_image(const char *img)
{
	unsigned n = 0;
	int error;

	t_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/chk0", img, RUMP_ETFS_BLK), 0);
	rump_schedule();
	error = ffs_check("/dev/chk0", &n);
	rump_unschedule();
	t_halt();
	CHECK_EQ(error, 0);
	return n;
}

/* Mount rw, change host tree and image alike, compare; then check, remount ro, compare again. */
static void
random_ops(int version, const char *order, int bsize, int fsize, unsigned seed, int nops)
{
	struct ffs_t t;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, seed, false);
	ffs_t_makefs(&t, version, order, bsize, fsize, "-s 40m -o density=8192");
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_compare_times = false;
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	ffs_t_random_ops(t.ft_tree, "/mnt", seed, nops, 300000);
	ffs_t_compare(t.ft_tree, "/mnt");
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	ffs_t_compare(t.ft_tree, "/mnt");
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_cleanup(&t);
}

T_CASE(random_ufs1_le) { random_ops(1, "le", 8192, 1024, 1, 1500); }
T_CASE(random_ufs1_be) { random_ops(1, "be", 4096, 512, 2, 1500); }
T_CASE(random_ufs2_le) { random_ops(2, "le", 16384, 2048, 3, 1500); }
T_CASE(random_ufs2_be) { random_ops(2, "be", 32768, 4096, 4, 1500); }
T_CASE(random_ufs2_le_4k) { random_ops(2, "le", 4096, 4096, 5, 1000); }

/* The basic operations one by one, with their results checked, on a small image. */
T_CASE(rw_basic)
{
	struct ffs_t t;
	char buf[20000], back[20000];
	struct stat st;
	int fd;

	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 0, 0, "-s 8m");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	fd = rump_sys_open("/mnt/a", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(rump_sys_write(fd, buf, 100), 100);
	CHECK_EQ(rump_sys_pwrite(fd, buf, sizeof(buf), 5000), (ssize_t)sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, back, sizeof(back), 5000), (ssize_t)sizeof(back));
	CHECK(memcmp(buf, back, sizeof(buf)) == 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_mkdir("/mnt/d", 0755), 0);
	CHECK_EQ(rump_sys_symlink("short", "/mnt/d/s"), 0);
	CHECK_EQ(rump_sys_rename("/mnt/a", "/mnt/d/b"), 0);
	CHECK_EQ(rump_sys_lstat("/mnt/d/b", &st), 0);
	CHECK_EQ(st.st_size, 25000);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}
