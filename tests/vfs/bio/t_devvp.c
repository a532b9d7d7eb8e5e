/* t_devvp.c: vfs_opendev/vfs_closedev, the way a disk file system opens the device it mounts. */
#include <fcntl.h>
#include <stdlib.h>

#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "bio_test.h"
#include "mount.h"

T_CASE(opendev)
{
	static char image[64 << 10], roimage[64 << 10];
	struct vnode *devvp;
	struct bdev *bd;
	struct buf *bp;
	int fd;

	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_pub_etfs_register_mem("/dev/m0", image, sizeof image, 0), 0);
	CHECK_ERR(rump_pub_etfs_register_mem("/dev/ro0", roimage, sizeof roimage, 1), 0);
	CHECK((fd = rump_sys_open("/dev/plain", O_CREAT | O_WRONLY, 0644)) >= 0);
	CHECK_EQ(rump_sys_close(fd), 0);

	rump_schedule();
	CHECK_ERR(vfs_opendev("/dev/m0", false, &devvp, &bd), 0);
	CHECK_EQ(devvp->v_type, VBLK);
	/* Buffers of the device reach the memory image. */
	CHECK_ERR(getblk(devvp, 2, 512, 0, &bp), 0);
	memset(bp->b_data, 0xa5, 512);
	CHECK_ERR(bwrite(bp), 0);
	CHECK_EQ((unsigned char)image[1024], 0xa5);
	/* A second writer is refused while the first holds it. */
	struct vnode *vp2;
	struct bdev *bd2;
	CHECK_ERR(vfs_opendev("/dev/m0", false, &vp2, &bd2), EBUSY);
	vfs_closedev(devvp, bd, false, NULL);

	/* Opened read-only, then upgraded (ro -> rw mount): the write open is taken once. */
	struct bdev *wbd = NULL, *wbd1;
	CHECK_ERR(vfs_opendev("/dev/m0", true, &devvp, &bd), 0);
	CHECK_ERR(vfs_upgradedev(devvp, true, &wbd), 0);
	CHECK(wbd != NULL);
	wbd1 = wbd;
	CHECK_ERR(vfs_upgradedev(devvp, true, &wbd), 0);
	CHECK(wbd == wbd1);
	CHECK_ERR(vfs_opendev("/dev/m0", false, &vp2, &bd2), EBUSY);	/* it is the writer now */
	vfs_closedev(devvp, bd, true, wbd);
	CHECK_ERR(vfs_opendev("/dev/m0", false, &devvp, &bd), 0);	/* both opens were closed */
	wbd = NULL;
	CHECK_ERR(vfs_upgradedev(devvp, false, &wbd), 0);		/* already a writer: nothing */
	CHECK(wbd == NULL);
	vfs_closedev(devvp, bd, false, NULL);

	CHECK_ERR(vfs_opendev("/dev/ro0", false, &devvp, &bd), EROFS);
	CHECK_ERR(vfs_opendev("/dev/ro0", true, &devvp, &bd), 0);
	wbd = NULL;
	CHECK_ERR(vfs_upgradedev(devvp, true, &wbd), EROFS);		/* a read-only image stays so */
	CHECK(wbd == NULL);
	vfs_closedev(devvp, bd, true, NULL);
	CHECK_ERR(vfs_opendev("/dev/plain", true, &devvp, &bd), ENOTBLK);
	CHECK_ERR(vfs_opendev("/dev/missing", true, &devvp, &bd), ENOENT);
	rump_unschedule();

	CHECK_ERR(rump_pub_etfs_remove("/dev/m0"), 0);
	CHECK_ERR(rump_pub_etfs_remove("/dev/ro0"), 0);
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(mountargs)
{
	struct ufs_args args = { .fspec = "/dev/img0" };
	char longpath[PATH_MAX + 1];
	const char *fspec;

	CHECK_ERR(vfs_mountargs_fspec(&args, sizeof args, &fspec), 0);
	CHECK_STREQ(fspec, "/dev/img0");
	CHECK_ERR(vfs_mountargs_fspec(NULL, 0, &fspec), EINVAL);
	CHECK_ERR(vfs_mountargs_fspec(&args, sizeof args - 1, &fspec), EINVAL);
	args.fspec = NULL;
	CHECK_ERR(vfs_mountargs_fspec(&args, sizeof args, &fspec), EINVAL);
	memset(longpath, 'a', PATH_MAX);
	longpath[PATH_MAX] = '\0';
	args.fspec = longpath;
	CHECK_ERR(vfs_mountargs_fspec(&args, sizeof args, &fspec), ENAMETOOLONG);
}
