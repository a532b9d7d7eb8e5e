/* t_ffs_undo.c: every changing operation with each of its allocations, then each block I/O, failing in turn: the checker judges. */
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

static bool
undo_consistent(const char *img)
{
	return ffs_t_check_image(img) == 0;
}

/* fs_clean not set after the unmount: the next fsck_ffs -p checks it. */
static bool
undo_marked(const char *img)
{
	uint8_t clean;
	int fd;

	CHECK((fd = open(img, O_RDONLY)) >= 0);
	CHECK_EQ(pread(fd, &clean, 1, 8192 + 209), 1);
	CHECK_EQ(close(fd), 0);
	if (clean != 1)
		fprintf(stderr, "fs_clean is %u after the unmount\n", clean);
	return clean != 1;
}

static const struct t_undo_fs undo_ffs = { "ffs", undo_mount, undo_consistent, undo_marked };

/* UFS2 with 4 KiB blocks and 512-byte fragments: the big file has indirect blocks. */
static void
undo(enum t_undo_fault kind, const char *op)
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
	t_undo_sweep(&undo_ffs, kind, t.ft_img, op);
	ffs_t_cleanup(&t);
}

T_CASE(undo_create) { undo(T_UNDO_NOMEM, "create"); }
T_CASE(undo_write) { undo(T_UNDO_NOMEM, "write"); }
T_CASE(undo_extend) { undo(T_UNDO_NOMEM, "extend"); }
T_CASE(undo_truncate) { undo(T_UNDO_NOMEM, "truncate"); }
T_CASE(undo_rename_dir) { undo(T_UNDO_NOMEM, "rename_dir"); }
T_CASE(undo_rename_over) { undo(T_UNDO_NOMEM, "rename_over"); }
T_CASE(undo_rename_subdir) { undo(T_UNDO_NOMEM, "rename_subdir"); }
T_CASE(undo_unlink) { undo(T_UNDO_NOMEM, "unlink"); }
T_CASE(undo_rmdir) { undo(T_UNDO_NOMEM, "rmdir"); }
T_CASE(undo_mkdir) { undo(T_UNDO_NOMEM, "mkdir"); }
T_CASE(undo_link) { undo(T_UNDO_NOMEM, "link"); }
T_CASE(undo_symlink) { undo(T_UNDO_NOMEM, "symlink"); }
T_CASE(undo_falloc) { undo(T_UNDO_NOMEM, "falloc"); }
T_CASE(undo_punch) { undo(T_UNDO_NOMEM, "punch"); }
T_CASE(undo_eio_create) { undo(T_UNDO_EIO, "create"); }
T_CASE(undo_eio_write) { undo(T_UNDO_EIO, "write"); }
T_CASE(undo_eio_extend) { undo(T_UNDO_EIO, "extend"); }
T_CASE(undo_eio_truncate) { undo(T_UNDO_EIO, "truncate"); }
T_CASE(undo_eio_rename_dir) { undo(T_UNDO_EIO, "rename_dir"); }
T_CASE(undo_eio_rename_over) { undo(T_UNDO_EIO, "rename_over"); }
T_CASE(undo_eio_rename_subdir) { undo(T_UNDO_EIO, "rename_subdir"); }
T_CASE(undo_eio_unlink) { undo(T_UNDO_EIO, "unlink"); }
T_CASE(undo_eio_rmdir) { undo(T_UNDO_EIO, "rmdir"); }
T_CASE(undo_eio_mkdir) { undo(T_UNDO_EIO, "mkdir"); }
T_CASE(undo_eio_link) { undo(T_UNDO_EIO, "link"); }
T_CASE(undo_eio_symlink) { undo(T_UNDO_EIO, "symlink"); }
T_CASE(undo_eio_falloc) { undo(T_UNDO_EIO, "falloc"); }
T_CASE(undo_eio_punch) { undo(T_UNDO_EIO, "punch"); }
