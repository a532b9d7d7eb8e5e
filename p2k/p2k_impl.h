/* p2k_impl.h: libp2k's private state: the mount, FUSE node ids over vnodes, open files, kernel entry. */
#ifndef P2K_P2K_IMPL_H
#define P2K_P2K_IMPL_H

#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>

#include <rump/p2k.h>
#include <rump/rump.h>

#include "kernel.h"
#include "kauth.h"
#include "mount.h"
#include "namei.h"
#include "vnode_if.h"

#define P2K_NODEHASH	4096		/* buckets of the vnode -> node table */
#define P2K_RUMPDIR	"/p2k"		/* where the file system is mounted in the rump kernel */
#define P2K_DEVKEY	"/dev/p2k0"	/* etfs key of the image */

/*
 * A FUSE node id other than FUSE_ROOT_ID is the address of one of these.
 * It holds one reference on pn_vp for as long as the host kernel knows
 * the id (pn_nlookup > 0): each entry reply adds one lookup, forget
 * takes them away, the last forget drops the vnode.
 */
/*
 * A node id the host holds: what finds its file again, not the vnode,
 * so the vnode cache may reclaim it under memory pressure however many
 * names the host has cached (p2k_node.c).
 */
struct p2k_node {
	ino_t		pn_ino;		/* constant */
	uint64_t	pn_gen;		/* the inode's generation when the host learnt it; constant */
	uint64_t	pn_serial;	/* v_serial of the vnode last seen with that generation; atomic */
	bool		pn_stale;	/* its inode now holds another file; pm_nodelock */
	uint64_t	pn_nlookup;	/* host's lookup count; pm_nodelock */
	struct p2k_node	*pn_next;	/* hash chain; pm_nodelock */
};

/* An open file or directory (fuse_file_info.fh): a referenced, VOP_OPENed vnode. */
struct p2k_file {
	struct vnode	*pf_vp;		/* one reference */
	int		pf_fflag;	/* FREAD|FWRITE and O_* bits given to VOP_OPEN */
	struct p2k_file	*pf_prev, *pf_next;	/* pm_files; pm_filelock */
};

struct p2k_mount {
	uint32_t	pm_flags;	/* P2K_* */
	int		pm_mntflags;	/* RUMP_MNT_* of the rump mount */
	struct vnode	*pm_root;	/* root of the served fs, referenced while mounted */
	bool		pm_rumpmounted;	/* P2K_RUMPDIR is mounted */
	bool		pm_etfs;	/* P2K_DEVKEY is registered */
	uint64_t	pm_devoff, pm_devsize;	/* the image window (p2k_set_range); size 0: to the end */
	bool		pm_booted;	/* rump_init succeeded */
	bool		pm_torndown;	/* p2k_teardown ran */
	bool		pm_detached;	/* daemonized: messages go to syslog */
	int		pm_readyfd;	/* pipe to the waiting parent, -1 in the foreground */
	int		pm_error;	/* first error of sync/unmount */
	bool		pm_writeback;	/* writeback_cache asked and granted */
	bool		pm_wantwriteback;
	bool		pm_default_permissions;	/* given, or added at mount (p2k_host_permissions) */
	bool		pm_has_fsname, pm_has_subtype;
	bool		pm_nonempty;	/* -o nonempty: may cover a directory's files */
	/* Credentials (p2k_cred.c): -o fakeroot, -o uid=N,gid=N for the mounting user */
	bool		pm_fakeroot;
	long		pm_mapuid, pm_mapgid;	/* N, or -1 */
	uid_t		pm_hostuid;		/* the mounting user */
	gid_t		pm_hostgid;
	double		pm_entry_timeout, pm_attr_timeout, pm_negative_timeout;
	char		*pm_mountpath;	/* host mount point */
	struct fuse_args pm_args;	/* for fuse_session_new */
	struct fuse_session *pm_se;
	bool		pm_fusemounted;
	char		pm_rapath[128];	/* the mount's read_ahead_kb in sysfs, or "" */
	bool		pm_rapending;	/* atomic: to be written at the next request */

	/* FUSE over io_uring (p2k_uring.c) */
	bool		pm_want_uring;	/* -o io_uring (default) / no_io_uring */
	bool		pm_uring_offered;	/* the kernel's INIT offered it */
	uint64_t	pm_init_unique;	/* of the INIT request, to find its reply */
	uint32_t	pm_init_offered;	/* the INIT request's flags (FUSE_*) */
	unsigned	pm_conn_want;	/* FUSE_CAP_* chosen in p2k_op_init */
	size_t		pm_max_payload;	/* largest request or reply body, from INIT */
	struct p2k_uring *pm_uring;	/* serving, or NULL */
	bool		pm_uring_lazy;	/* atomic: /dev/fuse is read now and then (p2k_uring.c) */

	pthread_mutex_t	pm_nodelock;
	struct p2k_node	*pm_nodes[P2K_NODEHASH];
	unsigned long	pm_nnodes;	/* pm_nodelock */
	pthread_mutex_t	pm_filelock;
	struct p2k_file	*pm_files;	/* pm_filelock */
};

/* p2k_uring.c: take over the session's I/O (at mount); stop the rings (u NULL: pm's). */
struct p2k_uring;
int	p2k_uring_hook(struct p2k_mount *pm);
void	p2k_uring_stop(struct p2k_mount *pm, struct p2k_uring *u);
/* p2k_ops.c: what the INIT reply must say that libfuse leaves out. */
struct fuse_init_out;
void	p2k_init_reply_flags(struct p2k_mount *pm, struct fuse_init_out *init);

/* Raise the host's read-ahead once INIT is through (first call after it does it). */
void	p2k_readahead_set(struct p2k_mount *pm);

/* p2k_log: one line on stderr, or to syslog once detached. */
void	p2k_log(struct p2k_mount *pm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Kernel entry for one request: the worker thread's own rump process
 * takes the caller's uid, gid and groups as its credential, and the
 * thread is scheduled.  0 and *credp (borrowed until p2k_leave), or an
 * errno (nothing to undo).
 */
int	p2k_enter(fuse_req_t req, kauth_cred_t *credp);
void	p2k_leave(void);
/* This worker thread's buffer of at least size bytes (after p2k_enter), NULL at ENOMEM. */
void	*p2k_thread_buf(size_t size);
/* Drop the worker's rump process when its thread ends (pthread key). */
int	p2k_cred_init(void);

/* Node ids (p2k_node.c).  Call scheduled. */
/* The vnode of a node id, referenced (vrele it); ENOENT when its file is gone, ESTALE when another took its inode. */
int	p2k_node_get(struct p2k_mount *pm, fuse_ino_t ino, struct vnode **vpp);
/* Consume a reference on vp (of generation gen) and give the host one more lookup of its id; 0 at ENOMEM. */
fuse_ino_t p2k_node_ref(struct p2k_mount *pm, struct vnode *vp, uint64_t gen);
void	p2k_node_forget(struct p2k_mount *pm, fuse_ino_t ino, uint64_t nlookup);
/* Drop every node (teardown). */
void	p2k_node_forget_all(struct p2k_mount *pm);

/* Attributes and entries (p2k_attr.c).  Scheduled. */
void	p2k_vattr_to_stat(const struct p2k_mount *pm, const struct vattr *va, struct stat *st);
/* The ids the host sees for the image's uid/gid, and back (-o uid=,gid=). */
void	p2k_ids_out(const struct p2k_mount *pm, uid_t *uidp, gid_t *gidp);
void	p2k_ids_in(const struct p2k_mount *pm, uid_t *uidp, gid_t *gidp);
int	p2k_getattr_st(const struct p2k_mount *pm, struct vnode *vp, kauth_cred_t cred,
	    struct stat *st);
/*
 * Fill *e for vp (consuming the caller's reference): attributes, a node id
 * and the timeouts.  On error vp is released.
 */
int	p2k_entry(struct p2k_mount *pm, struct vnode *vp, kauth_cred_t cred,
	    struct fuse_entry_param *e);
/* Reply e (not scheduled); a reply the host did not take gives its lookup back. */
void	p2k_reply_entry(fuse_req_t req, struct p2k_mount *pm, const struct fuse_entry_param *e);
/* Look name up in dvp as namei would: search permission, then VOP_LOOKUP. */
int	p2k_lookup_vp(struct vnode *dvp, const char *name, int nameiop,
	    kauth_cred_t cred, struct vnode **vpp);
void	p2k_cn_init(struct componentname *cn, const char *name, int nameiop, kauth_cred_t cred);

/* Open files (p2k_file.c). */
int	p2k_file_open(struct p2k_mount *pm, struct vnode *vp, int fflag,
	    kauth_cred_t cred, struct p2k_file **pfp);
int	p2k_file_close(struct p2k_mount *pm, struct p2k_file *pf, kauth_cred_t cred);
void	p2k_file_close_all(struct p2k_mount *pm);
static inline struct p2k_file *
p2k_fh(const struct fuse_file_info *fi)
{
	return (struct p2k_file *)(uintptr_t)fi->fh;
}

/* Sync, drop the host's nodes and files, unmount the rump fs (idempotent). */
void	p2k_teardown(struct p2k_mount *pm);

/* The request handlers, by file. */
void	p2k_op_init(void *userdata, struct fuse_conn_info *conn);
void	p2k_op_destroy(void *userdata);
void	p2k_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void	p2k_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void	p2k_op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets);
void	p2k_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void	p2k_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
	    struct fuse_file_info *fi);
void	p2k_op_readlink(fuse_req_t req, fuse_ino_t ino);
void	p2k_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev);
void	p2k_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void	p2k_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void	p2k_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void	p2k_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name);
void	p2k_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
	    fuse_ino_t newparent, const char *newname, unsigned int flags);
void	p2k_op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname);
void	p2k_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void	p2k_op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
	    struct fuse_file_info *fi);
void	p2k_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void	p2k_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
	    struct fuse_file_info *fi);
void	p2k_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len,
	    struct fuse_file_info *fi);
void	p2k_op_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void	p2k_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void	p2k_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);
/* SEEK_DATA/SEEK_HOLE (the host kernel does the other whences itself). */
void	p2k_op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
	    struct fuse_file_info *fi);
void	p2k_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void	p2k_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void	p2k_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
	    struct fuse_file_info *fi);
void	p2k_op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void	p2k_op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);
void	p2k_op_statfs(fuse_req_t req, fuse_ino_t ino);
void	p2k_op_access(fuse_req_t req, fuse_ino_t ino, int mask);

extern const struct fuse_lowlevel_ops p2k_ops;

#endif /* P2K_P2K_IMPL_H */
