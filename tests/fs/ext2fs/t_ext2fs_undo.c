/* t_ext2fs_undo.c: every changing operation with each of its allocations, then each block I/O, failing in turn: e2fsck -fn judges. */
#include <stdio.h>
#include <string.h>

#include "t_ext2fs.h"
#include "t_undo.h"

static struct t_img undo_img;	/* the template image and the log */

static int
undo_mount(const char *img, int flags)
{
	struct ufs_args a = { .fspec = T_DEV };

	CHECK_ERR(rump_pub_etfs_register(T_DEV, img, RUMP_ETFS_BLK), 0);
	CHECK_EQ(rump_sys_mkdir(T_MNT, 0755), 0);
	return rump_sys_mount(MOUNT_EXT2FS, T_MNT, flags, &a, sizeof(a)) == 0 ? 0 : errno;
}

static bool
undo_consistent(const char *img)
{
	if (t_sh("e2fsck -fn '%s' >'%s' 2>&1", img, undo_img.log) == 0)
		return true;
	t_sh("cat '%s' >&2", undo_img.log);
	return false;
}

/* s_state other than valid (1) alone: not cleanly unmounted, or errors found (2). */
static bool
undo_marked(const char *img)
{
	uint16_t state;
	int fd;

	CHECK((fd = open(img, O_RDONLY)) >= 0);
	CHECK_EQ(pread(fd, &state, 2, 1024 + 58), 2);	/* little-endian, as the host */
	CHECK_EQ(close(fd), 0);
	if (state != 1)
		fprintf(stderr, "s_state is %#x after the unmount\n", state);
	return state != 1;
}

static const struct t_undo_fs undo_ext2fs = { "ext2fs", undo_mount, undo_consistent, undo_marked };

static void
undo(enum t_undo_fault kind, const char *op)
{
	t_img_init(&undo_img);
	t_mkfs(&undo_img, "-b 1024 -N 256", false, "16M");
	t_boot();
	CHECK_EQ(undo_mount(undo_img.img, 0), 0);
	t_undo_populate();
	t_umount();
	t_halt();
	t_fsck(&undo_img);
	t_undo_sweep(&undo_ext2fs, kind, undo_img.img, op);
	t_img_cleanup(&undo_img);
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
