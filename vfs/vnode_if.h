/* vnode_if.h: the vnode operations: each file system's table, and the VOP_* calls the VFS makes. */
#ifndef VFS_VNODE_IF_H
#define VFS_VNODE_IF_H

#include "vnode.h"
#include "uio.h"

/*
 * One name component, as namei hands it to a file system.  cn_nameptr
 * is NOT NUL-terminated at cn_namelen; it is never "" and never holds
 * '/'.  cn_namelen <= NAME_MAX (255), checked by namei.
 */
struct componentname {
	const char	*cn_nameptr;
	size_t		cn_namelen;
	kauth_cred_t	cn_cred;
	int		cn_nameiop;	/* LOOKUP, CREATE, DELETE, RENAME (namei.h) */
	int		cn_flags;	/* ISLASTCN, ISDOTDOT (namei.h) */
};

/* ioflag for read/write */
#define IO_APPEND	0x01	/* write at end of file */
#define IO_SYNC		0x02	/* data and metadata to disk before returning */
#define IO_DSYNC	0x04	/* data to disk before returning */
#define IO_NOATIME	0x08	/* do not touch the access time */

/* fsync flags */
#define FSYNC_WAIT	0x01	/* wait for the writes */
#define FSYNC_DATAONLY	0x02	/* fdatasync */

/* fallocate flags (the values of Linux's FALLOC_FL_*, so p2k passes FUSE's mode on) */
#define VFALLOC_KEEPSIZE	0x01	/* allocate without growing the size */
#define VFALLOC_PUNCH		0x02	/* free the range (with VFALLOC_KEEPSIZE only) */

/* reclaim flags */
#define VRECLAIM_TRY	0x01	/* from inside an allocation: never block */

/* open/close fflag: FREAD/FWRITE plus O_* bits */
#define FREAD		0x1
#define FWRITE		0x2

/*
 * The operations.  Every slot of a file system's table is filled (use
 * the genfs_* defaults of genfs.h for ops it lacks); vfs_attach()
 * refuses a table with a NULL slot.
 *
 * Locking: the VFS takes the vnode locks (v_lock) around each call, as
 * listed per op: "dvp E" exclusive, "vp S" shared.  File systems never
 * take or release vnode locks; they lock their own internal state (bitmap
 * allocation, a node's atime) with their own mutexes.  rename additionally
 * holds the mount's rename lock.
 *
 * Permission: the VFS checks search permission during namei, write
 * permission on the directory for create/remove/link/rename/mkdir/rmdir,
 * the sticky bit, and the POSIX rules of setattr (owner for chmod/utimes,
 * root for chown...), all through VOP_GETATTR/VOP_ACCESS, before calling
 * the op.  Read-only mounts are refused (EROFS) by the VFS for every
 * changing op.  File systems check what only they can: names that exist,
 * directories that are not empty, space, link-count limits.
 *
 * References: "returns *vpp referenced" means the caller owns one new
 * reference and must vrele() it.  Vnodes passed in are borrowed.
 */
struct vnodeops {
	const char *vop_fsname;

	/* dvp S.  Find cnp in directory dvp.  "." returns dvp (new ref),
	 * ".." the parent (the VFS handles ".." at a file system root).
	 * ENOENT when absent; ENOTDIR if dvp is not a directory. */
	int (*vop_lookup)(struct vnode *dvp, struct vnode **vpp,
	    const struct componentname *cnp);
	/* dvp E.  Make a regular file (vap: va_type VREG, va_mode, and the
	 * va_uid/va_gid the VFS chose).  EEXIST if the name exists. Returns *vpp referenced. */
	int (*vop_create)(struct vnode *dvp, struct vnode **vpp,
	    const struct componentname *cnp, const struct vattr *vap);
	/* dvp E.  As create, for VCHR/VBLK (va_rdev), VFIFO, VSOCK. */
	int (*vop_mknod)(struct vnode *dvp, struct vnode **vpp,
	    const struct componentname *cnp, const struct vattr *vap);
	/* dvp E.  Make a directory with "." and ".."; the parent's link count rises. */
	int (*vop_mkdir)(struct vnode *dvp, struct vnode **vpp,
	    const struct componentname *cnp, const struct vattr *vap);
	/* dvp E.  Make a symlink to target (NUL-terminated, 1..PATH_MAX-1 bytes). */
	int (*vop_symlink)(struct vnode *dvp, struct vnode **vpp,
	    const struct componentname *cnp, const struct vattr *vap,
	    const char *target);
	/* vp S.  A file is opened (fflag FREAD|FWRITE, O_* bits).  Usually nothing to do. */
	int (*vop_open)(struct vnode *vp, int fflag, kauth_cred_t cred);
	/* vp S.  The last close of an open of vp. */
	int (*vop_close)(struct vnode *vp, int fflag, kauth_cred_t cred);
	/* vp S.  May cred access vp with mode (VREAD|VWRITE|VEXEC)?  0 or EACCES. */
	int (*vop_access)(struct vnode *vp, int mode, kauth_cred_t cred);
	/* vp S.  Fill every field of *vap. */
	int (*vop_getattr)(struct vnode *vp, struct vattr *vap, kauth_cred_t cred);
	/* vp E.  Apply the fields of *vap that are not VNOVAL (already permitted
	 * by the VFS).  va_size truncates or extends (regular files only; the
	 * VFS refuses directories with EISDIR).  Changing anything sets ctime. */
	int (*vop_setattr)(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred);
	/* vp S.  Read from uio_offset; stop at end of file. */
	int (*vop_read)(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred);
	/* vp E.  Write at uio_offset (or at the end with IO_APPEND, which also
	 * leaves uio_offset at the new end).  EFBIG past the format's limit;
	 * ENOSPC when full, having written what fit (uio_resid tells). */
	int (*vop_write)(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred);
	/* vp E.  Write vp's dirty data and metadata to the device. */
	int (*vop_fsync)(struct vnode *vp, kauth_cred_t cred, int flags);
	/* dvp E, vp E.  Remove name cnp (which is vp, not a directory) from dvp. */
	int (*vop_remove)(struct vnode *dvp, struct vnode *vp,
	    const struct componentname *cnp);
	/* dvp E, vp E.  Add name cnp in dvp for vp (same mount, not a directory).
	 * EMLINK at the format's link limit; EEXIST if the name exists. */
	int (*vop_link)(struct vnode *dvp, struct vnode *vp,
	    const struct componentname *cnp);
	/*
	 * fdvp E, fvp E, tdvp E, tvp E (when not NULL), plus the rename lock.
	 * Move fcnp (= fvp) of fdvp to tcnp of tdvp, replacing tvp if it is
	 * not NULL.  The VFS has checked: same mount (EXDEV), fvp != tvp,
	 * types agree (EISDIR/ENOTDIR), fvp is not an ancestor of tdvp
	 * (EINVAL), permissions and the sticky bit.  The fs checks that a
	 * replaced directory is empty (ENOTEMPTY) and fixes "..".
	 */
	int (*vop_rename)(struct vnode *fdvp, struct vnode *fvp,
	    const struct componentname *fcnp, struct vnode *tdvp,
	    struct vnode *tvp, const struct componentname *tcnp);
	/* dvp E, vp E.  Remove the empty directory vp (ENOTEMPTY otherwise). */
	int (*vop_rmdir)(struct vnode *dvp, struct vnode *vp,
	    const struct componentname *cnp);
	/*
	 * vp S.  Emit entries with vfs_dirent_emit() (dirent.h) starting at the
	 * cookie uio_offset (0: the start; otherwise a d_off this fs emitted
	 * earlier, which stays valid across calls while the directory changes).
	 * Stop when an entry does not fit.  Set *eofp when the end was reached.
	 */
	int (*vop_readdir)(struct vnode *vp, struct uio *uio, kauth_cred_t cred, int *eofp);
	/* vp S.  Copy the symlink's target (no NUL) into uio. */
	int (*vop_readlink)(struct vnode *vp, struct uio *uio, kauth_cred_t cred);
	/*
	 * vp S (or E), a regular file, 0 <= off < its size (or past it, from
	 * genfs_fallocate of a file system with fa_alloc, which keeps storage
	 * past the end of file).  The extent of the file
	 * holding byte off, as the block map says: *datap true for stored
	 * data, false for a hole, and *endp (> off) the first byte past it.
	 * It may end early (the caller asks again at *endp), never late; one
	 * call should skip a whole unmapped subtree.  File systems that keep
	 * no holes use genfs_extent_alldata.
	 */
	int (*vop_extent)(struct vnode *vp, off_t off, bool *datap, off_t *endp);
	/*
	 * vp E, a regular file, 0 <= off, 0 < len, off + len within the
	 * format's limit (EFBIG otherwise), flags checked by the VFS.  flags
	 * 0: storage reading as zeroes for every hole of [off, off + len),
	 * the size grown to off + len if it was smaller; VFALLOC_KEEPSIZE:
	 * the same, size unchanged; VFALLOC_KEEPSIZE | VFALLOC_PUNCH: the
	 * range reads as zeroes, its whole blocks freed, size unchanged.
	 * ENOSPC having undone what the call allocated.  EOPNOTSUPP for
	 * what the format cannot hold honestly (genfs_eopnotsupp_fallocate
	 * for file systems without storage to allocate).
	 */
	int (*vop_fallocate)(struct vnode *vp, off_t off, off_t len, int flags, kauth_cred_t cred);
	/*
	 * vp E, no references left.  Release what an unreferenced file need
	 * not keep; if the file is gone (link count 0) free its storage and
	 * set *recyclep so the vnode is reclaimed at once.
	 */
	int (*vop_inactive)(struct vnode *vp, bool *recyclep);
	/*
	 * No references, off the LRU, still hashed (lookups of its inode
	 * wait): free v_data.  flags 0: no lock held; it may block.
	 * VRECLAIM_TRY: called from inside a memory allocation (kmem's
	 * KMR_TRY) with the vcache lock held: it must not block, sleep, do
	 * I/O, allocate or call the VFS, only try locks; when it cannot
	 * finish so, it returns EWOULDBLOCK having changed nothing, and
	 * the vnode is left for a reclaim that may block.
	 */
	int (*vop_reclaim)(struct vnode *vp, int flags);
};

/*
 * The VOP_* calls: take the locks listed above, check what the VFS
 * checks, keep the name cache right, and call the file system.  Used by
 * namei, the system calls, p2k and ukfs; file systems call each other's
 * ops only through these.
 */
int VOP_LOOKUP(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp);
int VOP_CREATE(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp, const struct vattr *vap);
int VOP_MKNOD(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp, const struct vattr *vap);
int VOP_MKDIR(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp, const struct vattr *vap);
int VOP_SYMLINK(struct vnode *dvp, struct vnode **vpp, const struct componentname *cnp, const struct vattr *vap, const char *target);
int VOP_OPEN(struct vnode *vp, int fflag, kauth_cred_t cred);
int VOP_CLOSE(struct vnode *vp, int fflag, kauth_cred_t cred);
int VOP_ACCESS(struct vnode *vp, int mode, kauth_cred_t cred);
int VOP_GETATTR(struct vnode *vp, struct vattr *vap, kauth_cred_t cred);
int VOP_SETATTR(struct vnode *vp, const struct vattr *vap, kauth_cred_t cred);
int VOP_READ(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred);
/*
 * lseek's SEEK_DATA/SEEK_HOLE (whence) from off, as Linux: *resultp is
 * the first data (hole) at or after off; every file has a hole at its
 * end.  EINVAL for off < 0 or another whence, ENXIO when off >= the size
 * (and for SEEK_DATA when only a hole follows).  Takes vp S.
 */
int VOP_SEEKDATA(struct vnode *vp, off_t off, int whence, kauth_cred_t cred, off_t *resultp);
int VOP_WRITE(struct vnode *vp, struct uio *uio, int ioflag, kauth_cred_t cred);
/*
 * fallocate(2): EINVAL for off < 0 or len <= 0, EOPNOTSUPP for flags
 * other than 0, VFALLOC_KEEPSIZE and VFALLOC_KEEPSIZE | VFALLOC_PUNCH,
 * EFBIG when off + len overflows, EISDIR for a directory, ENODEV for
 * another non-regular file, EROFS.  Takes vp E; drops set-id bits as a
 * write does.
 */
int VOP_FALLOCATE(struct vnode *vp, off_t off, off_t len, int flags, kauth_cred_t cred);
int VOP_FSYNC(struct vnode *vp, kauth_cred_t cred, int flags);
int VOP_REMOVE(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp);
int VOP_LINK(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp);
int VOP_RENAME(struct vnode *fdvp, struct vnode *fvp, const struct componentname *fcnp,
    struct vnode *tdvp, struct vnode *tvp, const struct componentname *tcnp);
int VOP_RMDIR(struct vnode *dvp, struct vnode *vp, const struct componentname *cnp);
int VOP_READDIR(struct vnode *vp, struct uio *uio, kauth_cred_t cred, int *eofp);
int VOP_READLINK(struct vnode *vp, struct uio *uio, kauth_cred_t cred);

/* Check a table at registration: 0, or EINVAL naming the empty slot on the console. */
int vnodeops_check(const struct vnodeops *ops);

#endif /* VFS_VNODE_IF_H */
