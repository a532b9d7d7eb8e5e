/* rump.h: the public face of the rump kernel: boot, kernel entry, processes and host files as devices. */
#ifndef RUMP_RUMP_H
#define RUMP_RUMP_H

#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct lwp;
struct vnode;

/*
 * Boot the kernel in this process.  Reads RUMP_NCPU, RUMP_THREADS,
 * RUMP_MEMLIMIT, RUMP_NVNODES and RUMP_VERBOSE from the environment
 * (see rump(3) in the README); a value that does not parse is refused
 * with a one-line message on stderr naming the variable.
 * Returns 0, or a positive errno (EINVAL for a bad parameter, EBUSY when
 * already booted).  Components linked into the program (vfs, file
 * systems) are initialised here, in dependency order.
 */
int rump_init(void);

/*
 * Sync and unmount every file system, join kernel threads and free the
 * kernel.  Afterwards rump_init() may boot a fresh kernel.  Returns 0 or
 * the first error met while syncing (the kernel is torn down anyway).
 */
int rump_shutdown(void);

/*
 * Bind the calling host thread to its lwp and a virtual CPU / give them
 * back.  rump_sys_* and the other public calls do this themselves; call
 * these only around direct use of kernel interfaces.  They nest.
 */
void rump_schedule(void);
void rump_unschedule(void);

/* Processes and credentials, after NetBSD's rump_lwproc(3). */
#define RUMP_RFFDG	0x01	/* new process copies the parent's fd table */
#define RUMP_RFCFDG	0x02	/* new process starts with an empty fd table */

/* Fork the current process; the calling thread switches to the child's lwp. */
int rump_pub_lwproc_rfork(int flags);
/* Create an lwp in process pid and switch the calling thread to it. */
int rump_pub_lwproc_newlwp(pid_t pid);
/* Switch the calling thread to l (NULL: back to the implicit lwp). */
void rump_pub_lwproc_switch(struct lwp *l);
/* Release the calling thread's lwp (and its process when it was the last). */
void rump_pub_lwproc_releaselwp(void);
/* The calling thread's current lwp (creating the implicit one if needed). */
struct lwp *rump_pub_lwproc_curlwp(void);
/* Set the current process's credential (real and effective ids). */
int rump_pub_lwproc_setcred(uid_t uid, gid_t gid, int ngroups, const gid_t *groups);

/*
 * The kernel console (what the file systems say about corruption, I/O
 * errors...) to syslog(3) at LOG_ERR, under the program's openlog(3),
 * instead of standard error: for a daemon that has detached.  0 puts it
 * back.
 */
void rump_pub_console_syslog(int on);

/*
 * Allocation failures for tests of the ENOMEM paths: after
 * rump_pub_kmem_failnth(n) the n-th kernel allocation that the memory
 * limit could refuse fails, once (0 disarms).  rump_pub_kmem_failures()
 * counts the failures injected in this process.
 */
void rump_pub_kmem_failnth(uint64_t n);
uint64_t rump_pub_kmem_failures(void);

/*
 * The same for block I/O (provided by librumpvfs): after
 * rump_pub_blkfail_nth(n) the n-th request to any block device fails with
 * EIO, once; rump_pub_blkfail_failures() counts those failures.
 */
void rump_pub_blkfail_nth(uint64_t n);
uint64_t rump_pub_blkfail_failures(void);

/*
 * A power cut for crash-consistency tests (librumpvfs): after
 * rump_pub_blkcut(n) the first n block write requests (to any device)
 * are written and every later one is dropped but reported as done, as
 * if the plug were pulled; reads still read the devices.  n =
 * RUMP_BLKCUT_NONE cuts nothing.  Arming zeroes the counts that
 * rump_pub_blkcut_status() reports: write requests since, and of those
 * dropped.  Each boot arms it from RUMP_BLKCUT (unset: none).
 */
#define RUMP_BLKCUT_NONE	UINT64_MAX
void rump_pub_blkcut(uint64_t n);
void rump_pub_blkcut_status(uint64_t *writes, uint64_t *dropped);

/* Host files as devices in /dev of the rump kernel (provided by librumpvfs). */
enum rump_etfs_type {
	RUMP_ETFS_REG,		/* a regular file */
	RUMP_ETFS_BLK,		/* a block device (what file systems mount) */
	RUMP_ETFS_CHR,		/* a character device */
};
#define RUMP_ETFS_SIZE_ENDOFF	((uint64_t)-1)

/* Make host file hostpath appear as key (e.g. "/dev/img0"). */
int rump_pub_etfs_register(const char *key, const char *hostpath, enum rump_etfs_type ftype);
/* The same for the window [begin, begin+size) of hostpath; size may be RUMP_ETFS_SIZE_ENDOFF. */
int rump_pub_etfs_register_withsize(const char *key, const char *hostpath,
    enum rump_etfs_type ftype, uint64_t begin, uint64_t size);
/*
 * A block device over the caller's buffer (no host file), for fuzzing.
 * The buffer is borrowed until rump_pub_etfs_remove(); writes change it
 * unless readonly is set, in which case writes fail with EROFS.
 */
int rump_pub_etfs_register_mem(const char *key, void *data, uint64_t size, int readonly);
/*
 * A host file's device is locked against other processes while a file
 * system is mounted from it: exclusively when read-write, shared when
 * read-only, so mounting fails with EBUSY while another process writes
 * the image (or reads it, for a read-write mount).
 * rump_pub_etfs_nolock: read-only mounts of key take no lock, to read an
 * image another process is writing (what it reads may be inconsistent
 * or stale); call it before mounting.  A read-write mount still locks.
 * rump_pub_etfs_holder: after EBUSY, the host process holding a lock on
 * hostpath (*writerp: 1 if it writes); ENOENT if none can be seen.
 */
int rump_pub_etfs_nolock(const char *key);
int rump_pub_etfs_holder(const char *hostpath, int *pidp, int *writerp);
/* Remove key; EBUSY while a file system is mounted from it. */
int rump_pub_etfs_remove(const char *key);

/* Drop a reference to a vnode the kernel handed out (ukfs_getrvp()). */
void rump_pub_vp_rele(struct vnode *vp);

/*
 * Counts of the kernel's resources (librumpvfs), for a caller that checks
 * the kernel is back where it was, as a fuzzer does after each unmount.
 * Buffers kept for reuse once their device is gone are left out of
 * ks_buf_bytes and ks_kmem_bytes.
 */
struct rump_kstat {
	uint64_t	ks_vnodes;		/* vnodes allocated (dead ones included) */
	uint64_t	ks_vnodes_cached;	/* of those, in the vnode cache */
	uint64_t	ks_vnodes_idle;		/* of those, unreferenced */
	uint64_t	ks_bufs;		/* buffers holding a block */
	uint64_t	ks_bufs_dirty;
	uint64_t	ks_buf_bytes;		/* their memory, headers included */
	uint64_t	ks_mounts;		/* mounted file systems, the root included */
	uint64_t	ks_kmem_bytes;		/* kernel memory in use */
};
void rump_pub_kstat(struct rump_kstat *ks);

/*
 * The registered file-system types (librumpvfs).  rump_pub_vfs_probe: the
 * first type whose probe accepts an image's first len bytes
 * (RUMP_VFS_PROBE_SIZE suffice for every type), NULL if none.
 * rump_pub_vfs_check: run fstype's own checker, reading only, on the
 * unmounted device devkey: 0 with *nproblemsp set (0: consistent),
 * ENODEV for an unknown type, EOPNOTSUPP for a type without a checker,
 * or the checker's error (EINVAL: no superblock).
 */
#define RUMP_VFS_PROBE_SIZE	(264u * 1024u)
const char *rump_pub_vfs_probe(const void *head, size_t len);
int rump_pub_vfs_check(const char *fstype, const char *devkey, unsigned *nproblemsp);

#ifdef __cplusplus
}
#endif
#endif /* RUMP_RUMP_H */
