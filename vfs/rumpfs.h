/* rumpfs.h: private structures of rumpfs, the in-memory root file system. */
#ifndef VFS_RUMPFS_H
#define VFS_RUMPFS_H

#include "kernel.h"
#include "kmem.h"
#include "locks.h"
#include "mount.h"
#include "vnode_if.h"

#define RUMPFS_ROOTINO		2
#define RUMPFS_CHUNK		4096		/* bytes of file data per chunk */
#define RUMPFS_CHUNKSHIFT	12
#define RUMPFS_FANOUT		512		/* slots of one index block (4 KiB) */
#define RUMPFS_FANSHIFT		9
#define RUMPFS_MAXHEIGHT	4		/* 512^4 chunks: well past the size limit */
#define RUMPFS_MAXFILESIZE	((off_t)1 << 40)
#define RUMPFS_LINK_MAX		65000
#define RUMPFS_NAME_MAX		255
/* What statvfs reports as the total when the kernel has no memory limit. */
#define RUMPFS_UNLIMITED_BYTES	((uint64_t)1 << 40)

/*
 * One directory entry.  rd_id is handed out in increasing order per
 * directory and never reused, so "the first entry with id >= cookie" is
 * a position that survives insertions and removals (cookie = id + 1
 * resumes after an entry; 0 and 1 are "." and "..").
 * All fields are protected by the directory's vnode lock.
 */
struct rumpfs_dirent {
	TAILQ_ENTRY(rumpfs_dirent) de_order;	/* by rd_id, ascending */
	struct rumpfs_dirent	*de_hnext;	/* name hash chain */
	uint64_t		de_id;
	ino_t			de_ino;
	enum vtype		de_type;
	uint32_t		de_hash;
	uint16_t		de_namelen;
	char			de_name[];	/* NUL-terminated */
};
#define RUMPFS_FIRSTID		2		/* ids of real entries start here */

struct rumpfs_dir {
	TAILQ_HEAD(, rumpfs_dirent) dir_entries;
	struct rumpfs_dirent	**dir_buckets;	/* NULL: scan dir_entries */
	unsigned		dir_nbuckets;	/* power of two, or 0 */
	unsigned		dir_count;	/* entries, without "." and ".." */
	uint64_t		dir_nextid;
	uint64_t		dir_size;	/* bytes of dirent records: st_size */
	ino_t			dir_parent;	/* ".."; the root points to itself */
};

/*
 * File data: a radix tree of 4 KiB chunks, grown in height as the file
 * grows.  Height 0: the root is chunk 0 itself; height h: the root is an
 * index block of 512 subtrees of height h-1.  Missing chunks are holes
 * and read as zeroes.  Bytes of a held chunk past the end of file are
 * always zero, so extending a file never shows old data.
 */
struct rumpfs_file {
	void			*file_root;
	unsigned		file_height;
	uint64_t		file_nchunks;	/* data chunks held */
	uint64_t		file_nindex;	/* index blocks held */
};

/*
 * A file.  Nodes live in the mount's inode table from creation until
 * their last link is gone and their vnode is reclaimed.  Fields are
 * protected by the vnode lock, except the times, which readers update
 * under a shared vnode lock and so are protected by rm_lock.
 */
struct rumpfs_node {
	struct rumpfs_node	*rn_hnext;	/* inode hash chain; rm_lock */
	ino_t			rn_ino;
	enum vtype		rn_type;
	mode_t			rn_mode;	/* permission bits only */
	uid_t			rn_uid;
	gid_t			rn_gid;
	nlink_t			rn_nlink;
	off_t			rn_size;
	dev_t			rn_rdev;
	uint64_t		rn_gen;
	struct timespec		rn_atime;	/* rm_lock */
	struct timespec		rn_mtime;	/* rm_lock */
	struct timespec		rn_ctime;	/* rm_lock */
	struct timespec		rn_birthtime;
	union {
		struct rumpfs_file	u_file;	/* VREG */
		struct rumpfs_dir	u_dir;	/* VDIR */
		char			*u_target;	/* VLNK, rn_size + 1 bytes */
	} rn_u;
};
#define rn_file		rn_u.u_file
#define rn_dir		rn_u.u_dir
#define rn_target	rn_u.u_target

/* Per-mount state (mnt_data). */
struct rumpfs_mount {
	kmutex_t		rm_lock;	/* inode table, counters, node times */
	struct rumpfs_node	**rm_hash;	/* ino -> node */
	unsigned		rm_hashsize;	/* power of two */
	uint64_t		rm_nnodes;	/* rm_lock */
	ino_t			rm_nextino;	/* rm_lock */
	uint64_t		rm_nextgen;	/* rm_lock */
	uint64_t		rm_bytes;	/* memory held; atomic */
	struct mount		*rm_mp;
};

static inline struct rumpfs_mount *
VFSTORUMPFS(struct mount *mp)
{
	return mp->mnt_data;
}

static inline struct rumpfs_node *
VTORN(struct vnode *vp)
{
	return vp->v_data;
}

extern const struct vnodeops rumpfs_vnodeops;

/* rumpfs_vfsops.c: memory counted against the mount. */
void	*rumpfs_alloc(struct rumpfs_mount *rm, size_t size);	/* zeroed; NULL when out of memory */
void	rumpfs_free(struct rumpfs_mount *rm, void *p, size_t size);

/* rumpfs_node.c: nodes and the inode table. */
int	rumpfs_node_alloc(struct rumpfs_mount *rm, enum vtype type, mode_t mode,
	    uid_t uid, gid_t gid, dev_t rdev, struct rumpfs_node **rnp);
struct rumpfs_node *rumpfs_node_find(struct rumpfs_mount *rm, ino_t ino);
void	rumpfs_node_release_storage(struct rumpfs_mount *rm, struct rumpfs_node *rn);
void	rumpfs_node_destroy(struct rumpfs_mount *rm, struct rumpfs_node *rn);
void	rumpfs_node_destroy_all(struct rumpfs_mount *rm);
void	rumpfs_node_setup_vnode(struct rumpfs_node *rn, struct vnode *vp);
/* Time stamps: RUMPFS_{A,M,C}TIME set to now. */
#define RUMPFS_ATIME	0x01
#define RUMPFS_MTIME	0x02
#define RUMPFS_CTIME	0x04
void	rumpfs_node_touch(struct rumpfs_mount *rm, struct rumpfs_node *rn, int which);
void	rumpfs_node_getattr(struct rumpfs_mount *rm, struct rumpfs_node *rn, struct vattr *vap);
int	rumpfs_node_setattr(struct rumpfs_mount *rm, struct rumpfs_node *rn,
	    const struct vattr *vap, kauth_cred_t cred);

/* rumpfs_dir.c: directory entries. */
void	rumpfs_dir_init(struct rumpfs_dir *dir, ino_t parent);
struct rumpfs_dirent *rumpfs_dir_lookup(struct rumpfs_dir *dir, const char *name, size_t namelen);
/* Allocate an entry (not yet in a directory); ENOSPC when out of memory. */
int	rumpfs_dirent_alloc(struct rumpfs_mount *rm, const char *name, size_t namelen,
	    struct rumpfs_dirent **dep);
void	rumpfs_dirent_free(struct rumpfs_mount *rm, struct rumpfs_dirent *de);
void	rumpfs_dir_insert(struct rumpfs_mount *rm, struct rumpfs_dir *dir,
	    struct rumpfs_dirent *de, ino_t ino, enum vtype type);
void	rumpfs_dir_detach(struct rumpfs_dir *dir, struct rumpfs_dirent *de);
void	rumpfs_dir_free_all(struct rumpfs_mount *rm, struct rumpfs_dir *dir);
int	rumpfs_dir_readdir(struct rumpfs_node *dn, struct uio *uio, int *eofp);

/* rumpfs_data.c: regular file contents. */
int	rumpfs_data_read(struct rumpfs_node *rn, struct uio *uio);
int	rumpfs_data_write(struct rumpfs_mount *rm, struct rumpfs_node *rn, struct uio *uio);
/* vop_extent: data or hole at off, and where that run ends. */
void	rumpfs_data_extent(const struct rumpfs_node *rn, off_t off, bool *datap, off_t *endp);
void	rumpfs_data_truncate(struct rumpfs_mount *rm, struct rumpfs_node *rn, off_t size);
void	rumpfs_data_free(struct rumpfs_mount *rm, struct rumpfs_file *file);
int	rumpfs_data_alloc(struct rumpfs_mount *rm, struct rumpfs_node *rn, uint64_t first,
	    uint64_t end, uint64_t *donep);
void	rumpfs_data_punch(struct rumpfs_mount *rm, struct rumpfs_node *rn, uint64_t first,
	    uint64_t end);

#endif /* VFS_RUMPFS_H */
