/* rump_ext2fs.c: serve an ext2fs image through FUSE, the file system running in a rump kernel. */
#include <rump/rump_fsargs.h>

#include "p2k_daemon.h"

static const struct p2k_daemon rump_ext2fs = {
	.pd_name = "rump_ext2fs",
	.pd_fstype = MOUNT_EXT2FS,
	.pd_image = true,
};

int
main(int argc, char **argv)
{
	return p2k_daemon_main(&rump_ext2fs, argc, argv);
}
