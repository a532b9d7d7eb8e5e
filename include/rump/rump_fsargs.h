/* rump_fsargs.h: file-system type names and mount argument structures for rump_sys_mount(). */
#ifndef RUMP_RUMP_FSARGS_H
#define RUMP_RUMP_FSARGS_H

#define MOUNT_RUMPFS	"rumpfs"
#define MOUNT_FFS	"ffs"
#define MOUNT_EXT2FS	"ext2fs"

/*
 * Disk file systems (ffs, ext2fs) take this as rump_sys_mount()'s data:
 * fspec is the block device in the rump kernel's namespace, e.g. a key
 * given to rump_pub_etfs_register().  Options map to mount flags:
 * ro RUMP_MNT_RDONLY, sync RUMP_MNT_SYNCHRONOUS, noatime RUMP_MNT_NOATIME,
 * force RUMP_MNT_FORCE (mount a file system that is not clean).
 */
struct ufs_args {
	char	*fspec;
};

#endif /* RUMP_RUMP_FSARGS_H */
