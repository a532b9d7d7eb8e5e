/* vnode.h: vnodes, their attributes, references and the vnode cache. */
#ifndef VFS_VNODE_H
#define VFS_VNODE_H

#include "kernel.h"
#include "kauth.h"
#include "locks.h"

struct mount;
struct vnodeops;

enum vtype { VNON, VREG, VDIR, VBLK, VCHR, VLNK, VSOCK, VFIFO, VBAD };

/* Attribute value meaning "not given / do not change" (in struct vattr). */
#define VNOVAL		(-1)

/*
 * File attributes: what getattr reports and what setattr changes.  For
 * setattr every field not VNOVAL is changed (times: tv_sec != VNOVAL);
 * vattr_null() sets all to VNOVAL.
 */
struct vattr {
	enum vtype	va_type;
	mode_t		va_mode;	/* permission bits incl. S_ISUID/S_ISGID/S_ISVTX, no S_IFMT */
	nlink_t		va_nlink;
	uid_t		va_uid;
	gid_t		va_gid;
	uint64_t	va_fsid;
	ino_t		va_fileid;
	off_t		va_size;
	long		va_blocksize;	/* preferred I/O size */
	struct timespec	va_atime;
	struct timespec	va_mtime;
	struct timespec	va_ctime;
	struct timespec	va_birthtime;	/* tv_sec VNOVAL when the fs has none */
	uint64_t	va_gen;
	dev_t		va_rdev;
	uint64_t	va_bytes;	/* storage used, in bytes */
	unsigned	va_vaflags;	/* VA_* (setattr only) */
};
#define VA_UTIMES_NULL	0x01	/* times were "now" (UTIME_NOW): write access suffices */
/*
 * Addition (vfs-core): the size change comes through a descriptor open for
 * writing (ftruncate, O_TRUNC after the open's own check), so the VFS does
 * not ask for write access to the file again (Linux lets an 0444 file
 * created with O_CREAT|O_WRONLY be ftruncated).
 */
#define VA_FROMFD	0x02

void	vattr_null(struct vattr *vap);
/* S_IF* bits for a vtype and back. */
mode_t	vtype_to_ifmt(enum vtype t);
enum vtype ifmt_to_vtype(mode_t m);

struct vnode {
	kmutex_t		v_interlock;	/* v_usecount, v_state */
	kcondvar_t		v_cv;		/* v_state changes; v_interlock */
	krwlock_t		v_lock;		/* the vnode lock: taken by the VFS around each VOP */
	int			v_usecount;	/* references; v_interlock */
	int			v_state;	/* VS_*; v_interlock */
	int			v_vflag;	/* VV_*; constant after load */
	enum vtype		v_type;		/* set by vfs_loadvnode, then constant */
	struct mount		*v_mount;	/* NULL for none */
	const struct vnodeops	*v_op;		/* the file system's table (deadfs after a forced unmount) */
	void			*v_data;	/* the file system's node */
	ino_t			v_ino;		/* cache key within v_mount */
	uint64_t		v_serial;	/* unique over the kernel's life: tells a vnode from a later one */
	dev_t			v_rdev;		/* VBLK/VCHR */
	struct mount		*v_mountedhere;	/* file system mounted on this directory; mount lock */
	TAILQ_ENTRY(vnode)	v_lru;		/* unreferenced vnodes; vcache lock */
	LIST_ENTRY(vnode)	v_hash;		/* (mount, ino) hash; vcache lock */
	TAILQ_ENTRY(vnode)	v_mntvnodes;	/* all vnodes of v_mount; vcache lock */
};

/* v_state */
#define VS_LOADING	1	/* being filled by vfs_loadvnode: wait */
#define VS_ACTIVE	2	/* usable */
#define VS_RECLAIMING	3	/* being torn down: wait, then retry the lookup */
#define VS_DEAD		4	/* reclaimed (forced unmount); ops fail */
/* v_vflag */
#define VV_ROOT		0x01	/* root of its file system */

/*
 * References.  vref() adds one to a vnode the caller already holds a
 * reference on.  vrele() drops one; the last drop calls VOP_INACTIVE
 * (with the vnode lock held exclusive) and either keeps the vnode on the
 * LRU list of unreferenced vnodes or, when the file system asks or the
 * cache is over RUMP_NVNODES, reclaims it (VOP_RECLAIM).
 */
void	vref(struct vnode *vp);
void	vrele(struct vnode *vp);

/*
 * The vnode cache, keyed by (mount, inode number).
 * vcache_get: the referenced vnode for ino, loading it with the file
 *   system's vfs_loadvnode when absent.  0, or the loader's error.
 * vcache_new: allocate a new file with vfs_newvnode (which picks ino and
 *   initialises the node from *vap) and return it referenced.
 * vcache_rekey: not provided: inode numbers never change.
 */
int	vcache_get(struct mount *mp, ino_t ino, struct vnode **vpp);
int	vcache_new(struct mount *mp, struct vnode *dvp, const struct vattr *vap,
	    kauth_cred_t cred, struct vnode **vpp);
/* Reclaim unreferenced vnodes until at most target stay cached (all of mp's if mp != NULL). */
void	vcache_drain(struct mount *mp, unsigned target);
/* Number of vnodes cached, and of those unreferenced (for tests). */
void	vcache_stats(unsigned *total, unsigned *unreferenced);

/*
 * vflush: reclaim every vnode of mp except skipvp (which may be NULL).
 * EBUSY when one is still referenced, unless force, in which case the
 * referenced ones are disassociated from the file system (deadfs: every
 * op fails with EIO, close succeeds) and reclaimed.
 */
int	vflush(struct mount *mp, struct vnode *skipvp, bool force);

/* Access modes for VOP_ACCESS and vaccess. */
#define VEXEC	0100
#define VWRITE	0200
#define VREAD	0400

/*
 * POSIX permission check of acc_mode (VREAD|VWRITE|VEXEC) for a file of
 * type and mode file_mode owned by uid:gid.  0 or EACCES.  Root passes,
 * except VEXEC on a file with no execute bit at all.
 */
int	vaccess(enum vtype type, mode_t file_mode, uid_t uid, gid_t gid,
	    int acc_mode, kauth_cred_t cred);

/* Current time for file timestamps. */
void	vfs_timestamp(struct timespec *ts);

#endif /* VFS_VNODE_H */
