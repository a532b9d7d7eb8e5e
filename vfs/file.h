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

#endif /* VFS_FILE_H */
