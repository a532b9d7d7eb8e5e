/* t_ext2fs_undo.c: every changing operation with each of its kernel allocations failing in turn: e2fsck -fn clean after each. */
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

/* e2fsck -fn finds nothing, and the file system did not mark itself as having errors (s_state 1). */
static bool
undo_clean(const char *img)
{
	uint16_t state;
	int fd;

	CHECK((fd = open(img, O_RDONLY)) >= 0);
	CHECK_EQ(pread(fd, &state, 2, 1024 + 58), 2);	/* little-endian, as the host */
	CHECK_EQ(close(fd), 0);
	if (state != 1)
		fprintf(stderr, "s_state is %#x after the unmount\n", state);
	if (t_sh("e2fsck -fn '%s' >'%s' 2>&1", img, undo_img.log) == 0)
		return state == 1;
	t_sh("cat '%s' >&2", undo_img.log);
	return false;
}

static const struct t_undo_fs undo_ext2fs = { "ext2fs", undo_mount, undo_clean };

static void
undo(const char *op)
{
	t_img_init(&undo_img);
	t_mkfs(&undo_img, "-b 1024 -N 256", false, "16M");
	t_boot();
	CHECK_EQ(undo_mount(undo_img.img, 0), 0);
	t_undo_populate();
	t_umount();
	t_halt();
	t_fsck(&undo_img);
	t_undo_sweep(&undo_ext2fs, undo_img.img, op);
	t_img_cleanup(&undo_img);
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
