/* t_ffs_undo.c: every changing operation with each of its kernel allocations failing in turn: the checker finds the image clean after each. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_rump.h"
#include "t_undo.h"
#include "ffs_t.h"

static int
undo_mount(const char *img, int flags)
{
	struct ufs_args a = { .fspec = (char *)"/dev/img0" };

	CHECK_EQ(rump_pub_etfs_register("/dev/img0", img, RUMP_ETFS_BLK), 0);
	CHECK_EQ(rump_sys_mkdir(T_UNDO_MNT, 0755), 0);
	return rump_sys_mount(MOUNT_FFS, T_UNDO_MNT, flags, &a, sizeof(a)) == 0 ? 0 : errno;
}

/* The checker finds nothing, and the file system did not mark itself as having errors (fs_clean). */
static bool
undo_clean(const char *img)
{
	uint8_t clean;
	int fd;

	CHECK((fd = open(img, O_RDONLY)) >= 0);
	CHECK_EQ(pread(fd, &clean, 1, 8192 + 209), 1);
	CHECK_EQ(close(fd), 0);
	if (clean != 1)
		fprintf(stderr, "fs_clean is %u after the unmount\n", clean);
	return ffs_t_check_image(img) == 0 && clean == 1;
}

static const struct t_undo_fs undo_ffs = { "ffs", undo_mount, undo_clean };

/* UFS2 with 4 KiB blocks and 512-byte fragments: the big file has indirect blocks. */
static void
undo(const char *op)
{
	struct ffs_t t;

	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 4096, 512, "-s 16m -o density=16384");
	t_boot();
	CHECK_EQ(undo_mount(t.ft_img, 0), 0);
	t_undo_populate();
	CHECK_EQ(rump_sys_unmount(T_UNDO_MNT, 0), 0);
	t_halt();
	CHECK_EQ(ffs_t_check_image(t.ft_img), 0);
	t_undo_sweep(&undo_ffs, t.ft_img, op);
	ffs_t_cleanup(&t);
}

T_CASE(undo_create) { undo("create"); }
T_CASE(undo_write) { undo("write"); }
T_CASE(undo_extend) { undo("extend"); }
T_CASE(undo_truncate) { undo("truncate"); }
T_CASE(undo_rename_dir) { undo("rename_dir"); }
T_CASE(undo_rename_over) { undo("rename_over"); }
T_CASE(undo_rename_subdir) { undo("rename_subdir"); }
T_CASE(undo_unlink) { undo("unlink"); }
T_CASE(undo_rmdir) { undo("rmdir"); }
T_CASE(undo_mkdir) { undo("mkdir"); }
T_CASE(undo_link) { undo("link"); }
T_CASE(undo_symlink) { undo("symlink"); }
