/* testfs.h: "testfs", a tiny in-test file system for exercising the vnode cache without rumpfs. */
#ifndef TESTS_VFS_CORE_TESTFS_H
#define TESTS_VFS_CORE_TESTFS_H

#include "mount.h"
#include "namei.h"
#include "genfs.h"

/*
 * Inode 1 is the root directory.  Inodes 2..TFS_NPRE-1 exist from the
 * start as regular files in no directory (reachable with vcache_get);
 * new files take numbers from TFS_NPRE on.  TFS_BADINO loads with an
 * op table that has a NULL slot.
 */
#define TFS_NINO	256
#define TFS_NPRE	200
#define TFS_BADINO	199
#define TFS_NENT	16
#define TFS_LOGSIZE	1024

struct tfs_dirent {
	char		name[32];
	ino_t		ino;
};

struct tfs_node {
	bool		used;
	ino_t		ino;
	enum vtype	type;
	mode_t		mode;
	uid_t		uid;
	gid_t		gid;
	nlink_t		nlink;
	ino_t		parent;
	int		nents;
	struct tfs_dirent ents[TFS_NENT];
};

/* Counters the tests look at (read them while scheduled). */
struct tfs_stats {
	unsigned	nload[TFS_NINO];	/* loadvnode calls per inode */
	unsigned	ninactive;
	unsigned	nreclaim;
	ino_t		reclaimed[TFS_LOGSIZE];	/* inodes in reclaim order (first TFS_LOGSIZE) */
	unsigned	load_delay_ms;		/* sleep in loadvnode, to widen races */
};

extern struct tfs_stats tfs_stats;
extern const struct vnodeops tfs_vnodeops;

/* Register testfs (scheduled). */
void	tfs_attach(void);
void	tfs_detach(void);
/* mkdir path and mount testfs there (rump_sys_*); return the mount (scheduled inside). */
struct mount *tfs_mount(const char *path);

#endif /* TESTS_VFS_CORE_TESTFS_H */
