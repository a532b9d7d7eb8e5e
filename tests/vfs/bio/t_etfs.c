/* t_etfs.c: rump_pub_etfs_*: host files and memory as block-device nodes in the rump namespace. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "bio_test.h"

static bool
t_devexists(dev_t dev)
{
	bool r;

	rump_schedule();
	r = bdev_lookup(dev) != NULL;
	rump_unschedule();
	return r;
}

T_CASE(etfs_register_remove)
{
	char path[64];
	struct stat st;
	struct vnode vn;
	struct bdev *bd;
	dev_t dev;
	int fd;

	fd = t_hostfile(path, 1 << 20);
	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_pub_etfs_register("/dev/img0", path, RUMP_ETFS_BLK), 0);
	CHECK(rump_sys_stat("/dev/img0", &st) == 0);
	CHECK(S_ISBLK(st.st_mode));
	CHECK_EQ(major(st.st_rdev), 17);
	dev = st.st_rdev;
	CHECK(t_devexists(dev));
	/* The key is taken. */
	CHECK_ERR(rump_pub_etfs_register("/dev/img0", path, RUMP_ETFS_BLK), EEXIST);

	/* Open (as a mounted file system would): remove is refused. */
	tvnode(&vn, st.st_rdev);
	rump_schedule();
	CHECK_ERR(bdev_open(&vn, true, &bd), 0);
	CHECK_EQ(bdev_size(bd), 1 << 20);
	rump_unschedule();
	CHECK_ERR(rump_pub_etfs_remove("/dev/img0"), EBUSY);
	CHECK(rump_sys_stat("/dev/img0", &st) == 0);
	rump_schedule();
	bdev_close(bd, true);
	rump_unschedule();

	CHECK_ERR(rump_pub_etfs_remove("/dev/img0"), 0);
	CHECK_ERRNO(rump_sys_stat("/dev/img0", &st), ENOENT);
	CHECK(!t_devexists(dev));
	CHECK_ERR(rump_pub_etfs_remove("/dev/img0"), ENOENT);
	CHECK_ERR(rump_pub_etfs_remove("/dev"), ENOENT);	/* not an etfs node */
	CHECK_ERR(rump_shutdown(), 0);
	close(fd);
	unlink(path);
}

T_CASE(etfs_errors)
{
	char path[64];
	struct stat st;
	int fd;

	fd = t_hostfile(path, 1 << 16);
	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_pub_etfs_register("/nodir/img0", path, RUMP_ETFS_BLK), ENOENT);
	CHECK_ERRNO(rump_sys_stat("/nodir/img0", &st), ENOENT);
	CHECK_ERR(rump_pub_etfs_register("/dev/img1", "/nonexistent/img", RUMP_ETFS_BLK), ENOENT);
	CHECK_ERRNO(rump_sys_stat("/dev/img1", &st), ENOENT);
	CHECK_ERR(rump_pub_etfs_register("/dev/img1", path, RUMP_ETFS_REG), EOPNOTSUPP);
	CHECK_ERR(rump_pub_etfs_register("/dev/img1", path, RUMP_ETFS_CHR), EOPNOTSUPP);
	CHECK_ERR(rump_pub_etfs_register("dev/img1", path, RUMP_ETFS_BLK), EINVAL);
	CHECK_ERR(rump_pub_etfs_register_withsize("/dev/img1", path, RUMP_ETFS_BLK, 1 << 17,
	    RUMP_ETFS_SIZE_ENDOFF), EINVAL);
	CHECK_ERRNO(rump_sys_stat("/dev/img1", &st), ENOENT);
	CHECK_ERR(rump_shutdown(), 0);
	close(fd);
	unlink(path);
}

T_CASE(etfs_withsize)
{
	char path[64], buf[512];
	struct stat st;
	struct vnode vn;
	struct bdev *bd;
	struct iovec iov = { buf, sizeof buf };
	int fd;

	fd = t_hostfile(path, 1 << 16);
	t_pattern(buf, sizeof buf, 9, 0);
	CHECK(pwrite(fd, buf, sizeof buf, 4096) == (ssize_t)sizeof buf);
	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_pub_etfs_register_withsize("/dev/part1", path, RUMP_ETFS_BLK, 4096, 8192), 0);
	CHECK(rump_sys_stat("/dev/part1", &st) == 0 && S_ISBLK(st.st_mode));
	tvnode(&vn, st.st_rdev);
	rump_schedule();
	CHECK_ERR(bdev_open(&vn, false, &bd), 0);
	CHECK_EQ(bdev_size(bd), 8192);
	memset(buf, 0, sizeof buf);
	CHECK_ERR(bdev_io(bd, BDEV_READ, &iov, 1, 0), 0);
	CHECK(t_check_pattern(buf, sizeof buf, 9, 0));
	bdev_close(bd, false);
	rump_unschedule();
	CHECK_ERR(rump_pub_etfs_remove("/dev/part1"), 0);
	CHECK_ERR(rump_shutdown(), 0);
	close(fd);
	unlink(path);
}

T_CASE(etfs_mem)
{
	static char mem[32 << 10];
	struct stat st;
	struct vnode vn;
	struct bdev *bd;

	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_pub_etfs_register_mem("/dev/mem0", mem, sizeof mem, 1), 0);
	CHECK(rump_sys_stat("/dev/mem0", &st) == 0 && S_ISBLK(st.st_mode));
	tvnode(&vn, st.st_rdev);
	rump_schedule();
	CHECK_ERR(bdev_open(&vn, true, &bd), EROFS);
	CHECK_ERR(bdev_open(&vn, false, &bd), 0);
	CHECK_EQ(bdev_size(bd), sizeof mem);
	bdev_close(bd, false);
	rump_unschedule();
	CHECK_ERR(rump_pub_etfs_register_mem("/dev/mem1", mem, sizeof mem, 0), 0);
	CHECK_ERR(rump_pub_etfs_remove("/dev/mem0"), 0);
	/* mem1 is left registered: shutdown destroys it. */
	CHECK_ERR(rump_shutdown(), 0);
}
