/* file.h: open files, per-process descriptor tables and working directories. */
#ifndef VFS_FILE_H
#define VFS_FILE_H

#include "vnode.h"

#define RUMP_MAXFILES	1024	/* descriptors per process; EMFILE beyond */

/* An open file: one per open(), shared by dup()ed descriptors. */
struct file {
	kmutex_t	f_lock;		/* f_offset, f_flag */
	int		f_count;	/* descriptors and in-flight calls holding it; atomic */
	int		f_flag;		/* FREAD|FWRITE plus O_APPEND, O_NONBLOCK... */
	off_t		f_offset;
	struct vnode	*f_vp;		/* referenced */
	kauth_cred_t	f_cred;		/* opener's credential, held */
};

struct filedesc {
	kmutex_t	fd_lock;	/* everything here */
	struct file	*fd_files[RUMP_MAXFILES];
	unsigned char	fd_cloexec[RUMP_MAXFILES];
	int		fd_lastfree;	/* hint */
	int		fd_refcnt;	/* processes sharing the table (rfork 0); atomic */
};

struct cwdinfo {
	kmutex_t	cwdi_lock;
	struct vnode	*cwdi_cdir;	/* referenced */
	mode_t		cwdi_cmask;	/* umask */
};

/* Descriptors: kernel convention (0 or errno). */
int	fd_alloc(struct filedesc *fdp, struct file *fp, int minfd, int *fdout);	/* EMFILE */
/* The file for fd, with a reference the caller drops with fd_putfile; EBADF. */
int	fd_getfile(int fd, struct file **fpp);
void	fd_putfile(struct file *fp);
int	fd_close(int fd);

/*
 * Additions (vfs-syscalls area): the rest of the descriptor and open-file
 * interface, used by the system calls and the process hooks.
 *
 * file_create: a new open file (f_count 1) on vp, which must already be
 *   VOP_OPENed with fflag; it takes over the caller's reference to vp
 *   and holds cred.  ENOMEM (then vp is still the caller's).
 * file_hold / file_release: add / drop a reference; the last drop calls
 *   VOP_CLOSE(f_vp, f_flag, f_cred), vrele()s f_vp and frees the file.
 *   Call file_release without holding any vnode lock.
 */
int	file_create(struct vnode *vp, int fflag, kauth_cred_t cred, struct file **fpp);
void	file_hold(struct file *fp);
void	file_release(struct file *fp);

/*
 * Descriptor slots of the current process.  fd_reserve takes the lowest
 * free slot >= minfd (EMFILE when none, EINVAL when minfd is out of
 * range) without a file yet: fd_getfile sees EBADF there until
 * fd_install puts fp in (taking over the caller's reference), or
 * fd_unreserve gives the slot back.
 */
int	fd_reserve(int minfd, int *fdp);
void	fd_install(int fd, struct file *fp, bool cloexec);
void	fd_unreserve(int fd);
/* dup: oldfd's file in the lowest free slot >= minfd.  EBADF, EMFILE, EINVAL. */
int	fd_dup(int oldfd, int minfd, bool cloexec, int *newfdp);
/* dup2: oldfd's file at newfd, closing what was there.  EBADF, EBUSY (reserved slot). */
int	fd_dup2(int oldfd, int newfd);
/* The close-on-exec flag of fd.  EBADF. */
int	fd_getcloexec(int fd, bool *cloexecp);
int	fd_setcloexec(int fd, bool cloexec);

/* Tables: an empty one, a copy (sharing the open files), sharing, release. */
int	fd_table_create(struct filedesc **fdpp);
int	fd_table_copy(struct filedesc *src, struct filedesc **fdpp);
void	fd_table_share(struct filedesc *fdp);
/* Drop a process's reference; the last one closes every descriptor. */
void	fd_table_release(struct filedesc *fdp);

/*
 * Working directories.  cwdi_cdir NULL means the root directory.
 * cwd_create: "/" and umask 022; cwd_copy: same directory and umask.
 * cwd_get: the current directory of the current process, referenced
 * (rootvnode when cwdi_cdir is NULL).  cwd_set: make vp (a directory the
 * caller holds a reference on; a new reference is taken; NULL: the root)
 * the cwd.
 */
int	cwd_create(struct cwdinfo **cwdip);
int	cwd_copy(struct cwdinfo *src, struct cwdinfo **cwdip);
void	cwd_free(struct cwdinfo *cwdi);
struct vnode *cwd_get(void);
void	cwd_set(struct vnode *vp);
/* Set the umask (& 0777), returning the old one; and read it. */
mode_t	cwd_umask(mode_t mask);
mode_t	cwd_getumask(void);

#endif /* VFS_FILE_H */
