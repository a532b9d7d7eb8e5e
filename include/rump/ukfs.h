/* ukfs.h: libukfs, file-system images accessed by path name through a rump kernel in this process (NetBSD's ukfs(3) API). */
#ifndef RUMP_UKFS_H
#define RUMP_UKFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What a ukfs program needs to mount: MOUNT_*, struct ufs_args, RUMP_MNT_*. */
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

/*
 * NetBSD's mount flag names, as a NetBSD ukfs program passes them to
 * ukfs_mount, with the RUMP_MNT_* values (NetBSD's own numbers).
 * Linux headers: <linux/fs.h> and <sys/mount.h> name their mount flags
 * MS_*, and <linux/mount.h> MOUNT_ATTR_*, so only one name collides:
 * glibc's <sys/mount.h> declares MNT_FORCE = 1 (an enumerator, plus a
 * #define), the umount2 flag, which ukfs_mount would read as
 * RUMP_MNT_RDONLY.  So this header includes <sys/mount.h> first (its
 * enum is then declared whatever order the program includes things
 * in) and redefines MNT_FORCE to NetBSD's value; in a file including
 * <rump/ukfs.h>, umount2() needs MNT_FORCE's Linux value spelled 1.
 * The other names are defined only when not defined already;
 * MNT_DETACH and MNT_EXPIRE stay glibc's (NetBSD has no such names).
 */
#if defined(__linux__) && !defined(MNT_FORCE)	/* else: included already, or our kernel's vfs/mount.h */
#include <sys/mount.h>
#endif
#ifndef MNT_RDONLY
#define MNT_RDONLY	RUMP_MNT_RDONLY
#endif
#ifndef MNT_SYNCHRONOUS
#define MNT_SYNCHRONOUS	RUMP_MNT_SYNCHRONOUS
#endif
#ifndef MNT_NOEXEC
#define MNT_NOEXEC	RUMP_MNT_NOEXEC
#endif
#ifndef MNT_NOSUID
#define MNT_NOSUID	RUMP_MNT_NOSUID
#endif
#ifndef MNT_NODEV
#define MNT_NODEV	RUMP_MNT_NODEV
#endif
#ifndef MNT_NOATIME
#define MNT_NOATIME	RUMP_MNT_NOATIME
#endif
#ifndef MNT_UPDATE
#define MNT_UPDATE	RUMP_MNT_UPDATE
#endif
#undef MNT_FORCE
#define MNT_FORCE	RUMP_MNT_FORCE

#ifdef __cplusplus
extern "C" {
#endif

struct mount;
struct vnode;
struct stat;
struct timeval;

struct ukfs;
struct ukfs_dircookie;
struct ukfs_part;

/* A mount point in the rump namespace for callers that do not care. */
#define UKFS_DEFAULTMP		"/ukfs"

/* ukfs_release() flags. */
#define UKFS_RELFLAG_NOUNMOUNT	0x01	/* leave the file system mounted */
#define UKFS_RELFLAG_FORCE	0x02	/* unmount even with files open */

#define UKFS_VERSION		2
#define ukfs_init()		_ukfs_init(UKFS_VERSION)

/*
 * Every call returns -1 and sets errno on failure (libc's convention);
 * ukfs_mount* return NULL.  Paths are relative to the file system's
 * root: "/" is its root, a relative path starts at the directory set
 * with ukfs_chdir().  ukfs resolves ".." and symlinks itself (an
 * absolute link target starts at the image's root, ".." at the root
 * stays there), so neither a path nor a link in the image leaves the
 * mount.
 */

/* Boot the rump kernel once per process (later calls are no-ops). */
int		_ukfs_init(int version);
/* Not supported: every file system is linked in.  -1/ENOSYS. */
int		ukfs_modload(const char *fname);
int		ukfs_modload_dir(const char *dirname);
/* The file-system types available, NUL-terminated and space-separated; the length. */
ssize_t		ukfs_vfstypes(char *buf, size_t buflen);

/*
 * Mount the image at host path devpath (which may carry a partition
 * suffix, see ukfs_part_probe) as file system vfsname (NULL or "" or
 * "auto": detected from the superblock) on mountpath in the rump
 * namespace (NULL or "/": a fresh one).  mntflags: RUMP_MNT_*, and
 * UKFS_MNT_NOLOCK with RUMP_MNT_RDONLY to read an image another process
 * writes (what is read may be stale or inconsistent).  Without it an
 * image written by another process fails with EBUSY (and a read-write
 * mount, an image another process reads); rump_pub_etfs_holder() names
 * the holder.
 * For ffs/ext2fs, arg may be a struct ufs_args or NULL: its fspec is
 * replaced by the device ukfs makes.  MOUNT_RUMPFS takes no device
 * (devpath NULL or "") and gives an empty in-memory file system.
 */
#define UKFS_MNT_NOLOCK	0x40000000	/* ukfs's own: no lock on the image (read-only only) */
struct ukfs	*ukfs_mount(const char *vfsname, const char *devpath,
		    const char *mountpath, int mntflags, void *arg, size_t alen);
/* The same with the partition already probed (devpath without suffix). */
struct ukfs	*ukfs_mount_disk(const char *vfsname, const char *devpath,
		    struct ukfs_part *part, const char *mountpath, int mntflags,
		    void *arg, size_t alen);
/* Unmount (unless UKFS_RELFLAG_NOUNMOUNT), drop the device and free ukfs. */
int		ukfs_release(struct ukfs *ukfs, int flags);

/* Directories: entries are Linux struct dirent64 records; *off is the resume cookie. */
int		ukfs_opendir(struct ukfs *ukfs, const char *dirname,
		    struct ukfs_dircookie **cookiep);
int		ukfs_getdents(struct ukfs *ukfs, const char *dirname, off_t *off,
		    uint8_t *buf, size_t bufsize);
int		ukfs_getdents_cookie(struct ukfs *ukfs, struct ukfs_dircookie *cookie,
		    off_t *off, uint8_t *buf, size_t bufsize);
int		ukfs_closedir(struct ukfs *ukfs, struct ukfs_dircookie *cookie);

/* Descriptors in the rump kernel (for many I/Os on one file). */
int		ukfs_open(struct ukfs *ukfs, const char *filename, int flags);
ssize_t		ukfs_read_fd(struct ukfs *ukfs, int fd, off_t off, uint8_t *buf, size_t bufsize);
/* The attributes of an open ukfs descriptor (extension: open once, no second lookup). */
int		ukfs_fstat(struct ukfs *ukfs, int fd, struct stat *st);
/*
 * lseek(2) on a ukfs descriptor (extension): SEEK_DATA and SEEK_HOLE
 * find the holes from the file system's block map, as on Linux (ENXIO
 * at or past the end).  ukfs_ftruncate sets a descriptor's file size
 * (a copy that ends in a hole).
 */
off_t		ukfs_lseek(struct ukfs *ukfs, int fd, off_t off, int whence);
int		ukfs_ftruncate(struct ukfs *ukfs, int fd, off_t len);
/*
 * Open the existing entry name of the directory open as dirfd (from
 * ukfs_open with O_DIRECTORY), never following a symlink (extension: a
 * walk of a tree looks each name up once).  name is one component: "",
 * ".", ".." or a name with '/' is EINVAL, and so is O_CREAT.
 */
int		ukfs_openat(struct ukfs *ukfs, int dirfd, const char *name, int flags);
ssize_t		ukfs_write_fd(struct ukfs *ukfs, int fd, off_t off, uint8_t *buf,
		    size_t bufsize, int dosync);
int		ukfs_close(struct ukfs *ukfs, int fd);

/* Self-contained file calls: open, transfer, close. */
ssize_t		ukfs_read(struct ukfs *ukfs, const char *filename, off_t off,
		    uint8_t *buf, size_t bufsize);
ssize_t		ukfs_write(struct ukfs *ukfs, const char *filename, off_t off,
		    uint8_t *buf, size_t bufsize);
ssize_t		ukfs_readlink(struct ukfs *ukfs, const char *filename, char *linkbuf,
		    size_t buflen);

/* Creation: modes are taken as given (ukfs_init sets the umask to 0). */
int		ukfs_create(struct ukfs *ukfs, const char *filename, mode_t mode);
int		ukfs_mkdir(struct ukfs *ukfs, const char *filename, mode_t mode);
int		ukfs_mknod(struct ukfs *ukfs, const char *filename, mode_t mode, dev_t dev);
int		ukfs_mkfifo(struct ukfs *ukfs, const char *filename, mode_t mode);
/* A symlink at linkname (a path in fs) whose target is filename, stored as given (NetBSD's order). */
int		ukfs_symlink(struct ukfs *ukfs, const char *filename, const char *linkname);

int		ukfs_remove(struct ukfs *ukfs, const char *filename);
int		ukfs_rmdir(struct ukfs *ukfs, const char *filename);
int		ukfs_link(struct ukfs *ukfs, const char *filename, const char *f_create);
int		ukfs_rename(struct ukfs *ukfs, const char *from, const char *to);

/* Set the directory relative paths of this ukfs start from. */
int		ukfs_chdir(struct ukfs *ukfs, const char *path);

int		ukfs_stat(struct ukfs *ukfs, const char *filename, struct stat *st);
int		ukfs_lstat(struct ukfs *ukfs, const char *filename, struct stat *st);
int		ukfs_chmod(struct ukfs *ukfs, const char *filename, mode_t mode);
/* Linux has no modes on symlinks: EOPNOTSUPP for a symlink, else as chmod. */
int		ukfs_lchmod(struct ukfs *ukfs, const char *filename, mode_t mode);
int		ukfs_chown(struct ukfs *ukfs, const char *filename, uid_t uid, gid_t gid);
int		ukfs_lchown(struct ukfs *ukfs, const char *filename, uid_t uid, gid_t gid);
/* File flags do not exist here: -1/EOPNOTSUPP. */
int		ukfs_chflags(struct ukfs *ukfs, const char *filename, unsigned long flags);
int		ukfs_lchflags(struct ukfs *ukfs, const char *filename, unsigned long flags);
/* tv[0] access, tv[1] modification time; tv NULL: now. */
int		ukfs_utimes(struct ukfs *ukfs, const char *filename, const struct timeval *tv);
int		ukfs_lutimes(struct ukfs *ukfs, const char *filename, const struct timeval *tv);

/* statvfs of the file system holding filename (extension). */
struct statvfs;
int		ukfs_statvfs(struct ukfs *ukfs, const char *filename, struct statvfs *sv);

/* The kernel's mount and root vnode (referenced: the caller vrele()s it). */
struct mount	*ukfs_getmp(struct ukfs *ukfs);
struct vnode	*ukfs_getrvp(struct ukfs *ukfs);
void		ukfs_setspecific(struct ukfs *ukfs, void *priv);
void		*ukfs_getspecific(struct ukfs *ukfs);

/* mkdir -p of path with mode for the directories made. */
int		ukfs_util_builddirs(struct ukfs *ukfs, const char *path, mode_t mode);

/*
 * Partitions, as a suffix of the image path:
 *   disk.img%DISKLABEL:a%        BSD disklabel partition a..p
 *   disk.img%OFFSET:start,size%  bytes [start, start+size)
 *   disk.img%MBR:n%              MBR (DOS) partition n, 1..4
 *   disk.img%GPT:n%              GPT partition n, 1..128
 * ukfs_part_probe cuts the suffix off devpath (in place), reads the
 * table from the image and returns the partition in *partp
 * (ukfs_part_none when devpath has no suffix).  Errors: EINVAL (bad
 * syntax, or no such table), ENOENT (no such partition or image), EIO.
 */
extern struct ukfs_part *ukfs_part_none;
extern struct ukfs_part *ukfs_part_na;

#define UKFS_DISKLABEL_SCANMAGIC	"%DISKLABEL:"
#define UKFS_OFFSET_SCANMAGIC		"%OFFSET:"
#define UKFS_MBR_SCANMAGIC		"%MBR:"
#define UKFS_GPT_SCANMAGIC		"%GPT:"
#define UKFS_DEVICE_MAXSTR		128
/* Room for an image path with its suffix. */
#define UKFS_DEVICE_MAXPATHLEN		(4096 + UKFS_DEVICE_MAXSTR)
/*
 * For mount-style programs "prog [options] image mountpoint": probe the
 * image argument (argv[argc - 2]) into *partp, NULL without one; exits
 * through err(3) when the suffix is bad (the program includes <err.h>).
 */
#define UKFS_DEVICE_ARGVPROBE(partp)					\
	do {								\
		*(partp) = NULL;					\
		if (argc >= 3 && ukfs_part_probe(argv[argc - 2], (partp)) == -1) \
			err(1, "%s", argv[argc - 2]);			\
	} while (0)

int		ukfs_part_probe(char *devpath, struct ukfs_part **partp);
void		ukfs_part_release(struct ukfs_part *part);
/* The suffix of part into str; returns 1 if there is one, 0 if not, -1/EINVAL. */
int		ukfs_part_tostring(struct ukfs_part *part, char *str, size_t strsize);
/* Where the partition lies in the image, in bytes (extension). */
int		ukfs_part_range(struct ukfs_part *part, uint64_t *offp, uint64_t *sizep);
/*
 * Check the (unmounted) image at devpath, partition suffix allowed, with
 * its file system's checker without changing it; problems are printed
 * on stderr and counted in *nproblemsp.  vfsname NULL: detected.  0 when
 * the check ran; -1 with EOPNOTSUPP for a type without a checker of
 * ours (ext2: run e2fsck -fn; the ukfs tool's check does, passing a
 * partition as "FILE?offset=BYTES"), EINVAL for no superblock (extension).
 */
int		ukfs_check(const char *vfsname, const char *devpath, unsigned *nproblemsp);
/* The type of the image at byte off of host file path, by the linked file systems' own probes: MOUNT_FFS, MOUNT_EXT2FS, another linked type, or NULL (extension). */
const char	*ukfs_detect(const char *path, uint64_t off);

#ifdef __cplusplus
}
#endif
#endif /* RUMP_UKFS_H */
