/*
 * t_clash.c: a program with its own panic, mutex_init, bread and namei
 * links the installed libraries (librump, librumpvfs, both file systems)
 * and mounts ext2 and FFS images through rump_sys_*: the kernel must
 * call its own functions, never the program's.  Compiled as an outside
 * program is: public headers only, no kern/rumpns.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "ukfs_timg.h"

/* The program's own functions of the kernel's names: any call is counted. */
static int clashes;

void panic(const char *what);
int mutex_init(int kind);
int bread(int blk);
int namei(const char *path);

void
panic(const char *what)
{
	(void)what;
	clashes++;
}

int
mutex_init(int kind)
{
	clashes++;
	return kind;
}

int
bread(int blk)
{
	clashes++;
	return blk;
}

int
namei(const char *path)
{
	clashes++;
	return path != NULL;
}

/* Mount image name as type at /mnt, read hello.txt from it, unmount. */
static void
mount_and_read(const char *type, const char *name)
{
	char path[PATH_MAX], buf[64];
	struct ufs_args args = { .fspec = (char *)"/dev/img" };
	int fd;
	ssize_t n;

	CHECK(rump_pub_etfs_register("/dev/img", timg_path(path, sizeof(path), name),
	    RUMP_ETFS_BLK) == 0);
	CHECK(rump_sys_mount(type, "/mnt", RUMP_MNT_RDONLY, &args, sizeof(args)) == 0);
	CHECK((fd = rump_sys_open("/mnt/hello.txt", O_RDONLY)) >= 0);
	n = rump_sys_read(fd, buf, sizeof(buf) - 1);
	CHECK(n > 0);
	buf[n] = '\0';
	CHECK_STREQ(buf, "hello from an image\n");
	CHECK(rump_sys_close(fd) == 0);
	CHECK(rump_sys_unmount("/mnt", 0) == 0);
	CHECK(rump_pub_etfs_remove("/dev/img") == 0);
}

T_CASE(program_names_are_its_own)
{
	/* The program's own calls reach its own functions. */
	panic("the program's");
	CHECK_EQ(mutex_init(7) + bread(1) + namei("/"), 9);
	CHECK_EQ(clashes, 4);
	clashes = 0;

	timg_make();
	CHECK(rump_init() == 0);
	CHECK(rump_sys_mkdir("/mnt", 0755) == 0);
	mount_and_read(MOUNT_EXT2FS, "ext2.img");
	mount_and_read(MOUNT_FFS, "ffs1.img");
	mount_and_read(MOUNT_FFS, "ffs2be.img");
	CHECK_EQ(clashes, 0);
	timg_remove();
}
