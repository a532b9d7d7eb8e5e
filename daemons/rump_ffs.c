/* rump_ffs.c: serve an ffs image through FUSE, the file system running in a rump kernel. */
#include <rump/rump_fsargs.h>

#include "p2k_daemon.h"

static const struct p2k_daemon rump_ffs = {
	.pd_name = "rump_ffs",
	.pd_fstype = MOUNT_FFS,
	.pd_image = true,
};

int
main(int argc, char **argv)
{
	return p2k_daemon_main(&rump_ffs, argc, argv);
}
