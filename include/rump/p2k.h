/* p2k.h: libp2k, a file system in a rump kernel served to the host through FUSE (after NetBSD's p2k(3)). */
#ifndef RUMP_P2K_H
#define RUMP_P2K_H

/*
 * Link:  cc prog.c $(pkg-config --cflags --libs p2k) \
 *            -Wl,--no-as-needed -lrumpfs_ext2fs -Wl,--as-needed
 * A file-system library registers itself when it is loaded and nothing
 * calls it by name, so an as-needed link would drop it (then the mount
 * fails with ENODEV, "file system type not supported").
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* p2k_init flags */
#define P2K_FOREGROUND	0x01	/* do not detach: stay in the foreground */
#define P2K_DEBUG	0x02	/* FUSE request trace on stderr (implies P2K_FOREGROUND) */
#define P2K_ROFALLBACK	0x04	/* a read-only image mounts read-only instead of failing with EROFS */
#define P2K_NOLOCK	0x08	/* a read-only mount takes no lock on the image: it may be read
				 * while another process writes it (and look inconsistent) */

struct p2k_mount;

/*
 * Start: boot the rump kernel.  Unless P2K_FOREGROUND, the process forks
 * first (a rump kernel's threads do not survive a later fork): the
 * parent waits and exits 0 once p2k_mainloop() starts serving, or 1 if
 * the child fails before that, so the caller's exit status tells whether
 * the mount worked.  NULL with errno set on failure (message on stderr).
 */
struct p2k_mount *p2k_init(uint32_t flags);

/*
 * FUSE options as a fuse_args vector (argv[0] is the program name,
 * then "-o", "opt,opt"...): the mount options of libfuse (allow_other,
 * default_permissions, auto_unmount, fsname=, subtype=, ...) and p2k's
 * own: entry_timeout=SEC, attr_timeout=SEC, negative_timeout=SEC
 * (default 1), writeback_cache (let the host cache writes; off by
 * default).  Call before p2k_setup_*.  0 or EINVAL (message on stderr).
 */
int p2k_set_fuse_args(struct p2k_mount *p2m, int argc, char **argv);

/*
 * The file system is size bytes at byte offset of the image (size 0: to
 * the image's end), as a partition is.  Call before p2k_setup_diskfs.
 * 0 or EINVAL.
 */
int p2k_set_range(struct p2k_mount *p2m, uint64_t offset, uint64_t size);

/*
 * Mount file system type (an "ffs", "ext2fs", "rumpfs"... linked into the
 * program) in the rump kernel and mount it through FUSE on the host's
 * mountpath.  devpath is the host image (NULL for a file system without
 * a device); args/argslen the file system's mount arguments (struct
 * ufs_args for disk file systems; its fspec is filled in by p2k; NULL
 * means a ufs_args with only fspec).  mntflags: RUMP_MNT_* flags.
 * 0 or a positive errno, with a one-line message on stderr naming the
 * cause; on failure call p2k_cancel().
 */
int p2k_setup_diskfs(struct p2k_mount *p2m, const char *type, const char *devpath,
    const char *mountpath, int mntflags, void *args, size_t argslen);

/*
 * Serve requests (multithreaded) until the host unmounts the file system
 * (fusermount3 -u, umount) or SIGINT/SIGTERM/SIGHUP arrive; then sync
 * and unmount the rump file system, unmount FUSE, shut the rump kernel
 * down and free p2m.  0, or the first error of the sync/unmount (which
 * is also reported on stderr, or to syslog once detached).
 */
int p2k_mainloop(struct p2k_mount *p2m);

/* Undo p2k_init/p2k_setup_diskfs after an error (error: the cause, for the message); frees p2m. */
void p2k_cancel(struct p2k_mount *p2m, int error);

/*
 * All of the above: p2k_init(flags), p2k_setup_diskfs(...), p2k_mainloop().
 * 0 or a positive errno.  A daemon is main() parsing options and this.
 */
int p2k_run_fs(const char *type, const char *devpath, const char *mountpath,
    int mntflags, void *args, size_t argslen, uint32_t flags);

#ifdef __cplusplus
}
#endif
#endif /* RUMP_P2K_H */
