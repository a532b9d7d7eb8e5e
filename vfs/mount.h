/* mount.h: mounted file systems, file-system types (vfsops) and the mount list. */
#ifndef VFS_MOUNT_H
#define VFS_MOUNT_H

#include <sys/statvfs.h>
#include <rump/rump_syscalls.h>		/* RUMP_MNT_* flag values */
#include <rump/rump_fuzzmap.h>
#include "component.h"
#include "vnode.h"

/* mnt_flag: the RUMP_MNT_* values. */
#define MNT_RDONLY	RUMP_MNT_RDONLY
#define MNT_SYNCHRONOUS	RUMP_MNT_SYNCHRONOUS
#define MNT_NOEXEC	RUMP_MNT_NOEXEC
#define MNT_NOSUID	RUMP_MNT_NOSUID
#define MNT_NODEV	RUMP_MNT_NODEV
#define MNT_NOATIME	RUMP_MNT_NOATIME
#define MNT_FORCE	RUMP_MNT_FORCE
#define MNT_UPDATE	RUMP_MNT_UPDATE
#define MNT_ERRORS_CONTINUE	RUMP_MNT_ERRORS_CONTINUE
#define MNT_ERRORS_REMOUNTRO	RUMP_MNT_ERRORS_REMOUNTRO
#define MNT_ERRORS_PANIC	RUMP_MNT_ERRORS_PANIC
#define MNT_ERRORS_MASK		RUMP_MNT_ERRORS_MASK

/* waitfor for vfs_sync */
#define MNT_WAIT	1
#define MNT_NOWAIT	2

struct mount;

/*
 * A file-system type.  Registered with vfs_attach() from the file
 * system's RUMP_COMPONENT(RUMP_COMPONENT_FS) init.  All ops are
 * mandatory (genfs.h has the defaults for those a type lacks).  They are called without vnode locks held.
 */
struct vfsops {
	const char	*vfs_name;	/* "rumpfs", "ext2fs", "ffs" */
	/*
	 * Mount: data/len is the file system's argument struct (for disk
	 * file systems starting with `char *fspec`, the device path in the
	 * rump namespace).  mp->mnt_flag holds the flags (MNT_UPDATE: change
	 * an existing mount's flags, e.g. rw->ro; MNT_FORCE: mount even a
	 * file system that is not clean, visible during this call only).
	 * Set mp->mnt_data and
	 * mp->mnt_stat_from.  Errors: EINVAL (bad arguments or superblock,
	 * with a one-line console message naming the cause), EROFS, ENOTBLK...
	 */
	int	(*vfs_mount)(struct mount *mp, void *data, size_t len);
	/* The VFS has flushed the vnodes (vflush); write everything, free mnt_data. */
	int	(*vfs_unmount)(struct mount *mp, int mntflags);
	/* The root directory, referenced (normally via vcache_get). */
	int	(*vfs_root)(struct mount *mp, struct vnode **vpp);
	/* Fill f_bsize, f_frsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree,
	 * f_favail, f_namemax; the VFS fills f_fsid and f_flag. */
	int	(*vfs_statvfs)(struct mount *mp, struct statvfs *sv);
	/* Write all dirty state of the file system (and its device buffers). */
	int	(*vfs_sync)(struct mount *mp, int waitfor, kauth_cred_t cred);
	/* Fill vp for inode ino: v_type, v_op, v_data (and v_rdev, v_vflag).
	 * ENOENT/EIO for an inode that is free or out of range. */
	int	(*vfs_loadvnode)(struct mount *mp, struct vnode *vp, ino_t ino);
	/* Allocate a new inode from *vap (va_type, va_mode, va_uid, va_gid,
	 * va_rdev) near dvp, fill vp as loadvnode does, set *inop.  ENOSPC
	 * when no inode is free.  The fs links it into a directory later. */
	int	(*vfs_newvnode)(struct mount *mp, struct vnode *dvp, struct vnode *vp,
		    const struct vattr *vap, kauth_cred_t cred, ino_t *inop);
	/*
	 * Is this image of this type?  head holds the device's first len
	 * bytes (VFS_PROBE_SIZE, fewer for a smaller device), read by the
	 * caller, so a probe does no I/O, takes no lock and allocates
	 * nothing.  True only on the type's own superblock magic at its own
	 * place; the mount still validates the rest.  genfs_noprobe for a
	 * file system that has no device.
	 */
	bool	(*vfs_probe)(const uint8_t *head, size_t len);
	/*
	 * Check the unmounted file system on the block device devpath (a
	 * path in the rump namespace), reading only: 0 with *nproblemsp set
	 * (0 when consistent), or EINVAL when no superblock is found, EIO...
	 * genfs_nocheck (EOPNOTSUPP) for a file system without a checker.
	 */
	int	(*vfs_check)(const char *devpath, unsigned *nproblemsp);
	/*
	 * The metadata map of the image img (len bytes in memory, only read,
	 * no device, no I/O), for fuzzing: add each metadata range with
	 * vfs_fuzzmap_add() and set map's fm_nblocks, fm_ninodes, fm_bsize,
	 * fm_tables and fm_ntables.  Bounded on any image: EINVAL when no
	 * valid superblock is found; a corrupt rest sets fm_partial and
	 * returns 0.  genfs_nofuzzmap (EOPNOTSUPP) for a type without one.
	 */
	int	(*vfs_fuzzmap)(const uint8_t *img, size_t len, struct rump_fuzzmap *map);
	unsigned	vfs_flags;	/* VFSF_* */
	LIST_ENTRY(vfsops) vfs_list;	/* vfs list lock */
	int	vfs_refcount;		/* mounts using it; vfs list lock */
};

#define VFSF_DEVICE	0x1	/* mounts a block device: the mount argument starts with char *fspec */

/* Bytes of a device's head a probe sees: FFS's last superblock place (256 KiB) and its 8 KiB. */
#define VFS_PROBE_SIZE	(264u * 1024u)

/* Register / unregister a file-system type (EEXIST, EINVAL for a missing op / EBUSY). */
int	vfs_attach(struct vfsops *vfsops);
int	vfs_detach(struct vfsops *vfsops);
/* The first type, in attach order, whose probe accepts head; NULL if none. */
struct vfsops *vfs_probe(const uint8_t *head, size_t len);
/*
 * The registered type names, in attach order, separated by one space,
 * into buf as snprintf does; returns the length the whole list needs.
 */
size_t	vfs_typenames(char *buf, size_t len);

/*
 * VFS_COMPONENT(name, vfsops): make the file-system type a component,
 * attached at rump_init() and detached at rump_shutdown(); linking the
 * object that holds it is what puts the file system in a kernel.
 */
#define VFS_COMPONENT(name, ops)					\
	static int name##_vfs_init(void) { return vfs_attach(&(ops)); }	\
	static void name##_vfs_fini(void) { (void)vfs_detach(&(ops)); } \
	static struct rump_component name##_vfs_component = {		\
		.rc_type = RUMP_COMPONENT_FS,				\
		.rc_name = #name,					\
		.rc_init = name##_vfs_init,				\
		.rc_fini = name##_vfs_fini,				\
	};								\
	RUMP_COMPONENT(name##_vfs_component)
/*
 * For vfs_fuzzmap: append the range [off, off+len) of kind (with a field
 * table index or RUMP_FUZZMAP_NOTABLE, flags RUMP_FUZZMAP_BE).  A range
 * not wholly inside the image is clipped (and marks the map partial);
 * ENOSPC (map partial) at RUMP_FUZZMAP_MAXRANGES, ENOMEM.
 */
int	vfs_fuzzmap_add(struct rump_fuzzmap *map, uint64_t off, uint64_t len,
	    unsigned kind, unsigned table, unsigned flags);
/* Find a type by name; NULL if none. */
struct vfsops *vfs_getopsbyname(const char *name);

struct mount {
	struct vfsops		*mnt_op;
	struct vnode		*mnt_vnodecovered;	/* referenced; NULL for / */
	int			mnt_flag;		/* MNT_*; changed only by mount/update */
	int			mnt_iflag;		/* IMNT_*; mountlist lock */
	void			*mnt_data;		/* the file system's */
	uint64_t		mnt_fsid;		/* unique per mount */
	krwlock_t		mnt_busylock;		/* held S across lookups into it, E by unmount */
	kmutex_t		mnt_renamelock;		/* serialises renames in this fs */
	char			mnt_stat_from[PATH_MAX];	/* device or source */
	char			mnt_stat_on[PATH_MAX];		/* mount point path */
	TAILQ_ENTRY(mount)	mnt_list;		/* mountlist lock */
	TAILQ_HEAD(, vnode)	mnt_vnodes;		/* vcache lock */
	unsigned		mnt_nvnodes;		/* vcache lock */
	bool			mnt_errro;		/* errors=remount-ro tripped: no more changes; atomic */
};
#define IMNT_GONE	0x01	/* being unmounted: lookups fail with ENOENT */

/* The root of the rump kernel's namespace, referenced forever (rumpfs). */
extern struct vnode *rootvnode;

/*
 * Kernel-convention mount calls used by the system calls and by
 * rump_init's root mount.  vfs_mount_at: covers directory vp (must be a
 * directory not already covered) with a new mount of type fstype.
 */
int	vfs_mount_at(struct vnode *vp, const char *fstype, const char *path,
	    int flags, void *data, size_t len);
int	vfs_unmount(struct mount *mp, int flags);
/* Sync every mount (waitfor MNT_WAIT or MNT_NOWAIT); returns the first error. */
int	vfs_sync_all(int waitfor);
/* Unmount everything (shutdown), forced; returns the first sync error. */
int	vfs_unmount_all(void);
/*
 * The file system found corruption in mp (after saying what, on the
 * console): apply the mount's errors= policy, or fsdefault
 * (MNT_ERRORS_*) when the mount names none.  Remount-ro makes every
 * later modifying request fail with EROFS; panic ends the process at
 * once, writing nothing.  Callable from any context, locks held.
 */
void	vfs_corrupted(struct mount *mp, int fsdefault);	/* mp NULL (a checker without a mount): nothing */
/* Read-only: mounted so, or turned so by errors=remount-ro. */
bool	vfs_rdonly(const struct mount *mp);
/* statvfs of mp with f_fsid/f_flag filled. */
int	vfs_statvfs(struct mount *mp, struct statvfs *sv);

/*
 * For disk file systems' vfs_mount: the device path of a struct ufs_args
 * (<rump/rump_fsargs.h>) in data (EINVAL when missing or short,
 * ENAMETOOLONG), and opening that device: namei, VBLK check (ENOTBLK),
 * bdev_open for writing unless rdonly (EROFS on a read-only device or
 * image, EBUSY if another writer holds it).  *devvpp is referenced and
 * is what the file system passes to bread().  vfs_upgradedev: a mount
 * that opened the device read-only and becomes read-write opens it for
 * writing too (*wbdp, once; nothing when it was opened for writing).
 * vfs_closedev drops the device's buffers (flush them first), closes
 * both opens (wbd may be NULL) and releases it.
 */
struct bdev;
int	vfs_mountargs_fspec(const void *data, size_t len, const char **fspecp);
int	vfs_opendev(const char *fspec, bool rdonly, struct vnode **devvpp, struct bdev **bdp);
int	vfs_upgradedev(struct vnode *devvp, bool rdonly, struct bdev **wbdp);
void	vfs_closedev(struct vnode *devvp, struct bdev *bd, bool rdonly, struct bdev *wbd);

#endif /* VFS_MOUNT_H */
