/* rump_tmpfs.c: serve an in-memory file system (rumpfs) through FUSE, the file system running in a rump kernel. */
#include <rump/rump_fsargs.h>

#include "p2k_daemon.h"

static const struct p2k_daemon rump_tmpfs = {
	.pd_name = "rump_tmpfs",
	.pd_fstype = MOUNT_RUMPFS,
	.pd_image = false,
};

int
main(int argc, char **argv)
{
	return p2k_daemon_main(&rump_tmpfs, argc, argv);
}
