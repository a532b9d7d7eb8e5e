/* flatfs.h: flatfs's in-memory state, shared by its vfsops and its vnode ops. */
#ifndef FLATFS_H
#define FLATFS_H

#include "kernel.h"
#include "kmem.h"
#include "flatfs_format.h"
#include "mount.h"
#include "vnode_if.h"

struct bdev;

struct flatfs_file {
	char		ff_name[FLATFS_NAMELEN + 1];
	uint32_t	ff_offset;
	uint32_t	ff_size;
	mode_t		ff_mode;
};

/* Read once at mount, never changed: the vnodes point into it and need no lock. */
struct flatfs_mount {
	struct vnode	*fm_devvp;
	struct bdev	*fm_bdev;
	unsigned	fm_nfiles;
	struct flatfs_file fm_files[FLATFS_MAXFILES];
};

#define VFSTOFLAT(mp)	((struct flatfs_mount *)(mp)->mnt_data)

/* The file of inode ino, NULL for the root or an inode out of range. */
const struct flatfs_file *flatfs_file(const struct flatfs_mount *fm, ino_t ino);

/* Parse the header sector into fm: 0, or EINVAL (naming the fault on the console). */
int	flatfs_parse(const uint8_t *hdr, struct flatfs_mount *fm);

extern const struct vnodeops flatfs_vnodeops;

#endif /* FLATFS_H */
