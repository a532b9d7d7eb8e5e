/*
 * get.h: get -r in two halves.  The walker (cmd_get.c) reads the image
 * and queues one job per thing to make on the host; the host side
 * (get_host.c) makes them, in the same order, on a thread of its own
 * when there is a second CPU (get_pipe.c).
 */
#ifndef UKFS_GET_H
#define UKFS_GET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "cli.h"

/* A host directory being filled: made by a GJ_DIR job, freed by its GJ_DIREND. */
struct get_dirh {
	int	dh_fd;		/* -1: it could not be made; what goes in it is skipped */
	bool	dh_fresh;	/* made by us, empty, 0700 */
	bool	dh_plaingid;	/* files made in it get our egid (no set-group-id dir) */
	char	*dh_rel;	/* path from the destination root ("" for the root) */
};

enum get_kind {
	GJ_DIR,		/* make j_new in j_dir */
	GJ_DIREND,	/* j_dir is complete: its attributes, then close and free it */
	GJ_FILE,	/* create a regular file; its first data follows the names */
	GJ_DATA,	/* more data of the file of the last GJ_FILE, at j_off */
	GJ_SYMLINK,	/* data: the target, NUL-terminated */
	GJ_SPECIAL,	/* FIFO, socket or device node */
};

/* Data of a file goes in pieces of at most this much. */
#define GET_CHUNK	(64 * 1024)

struct get_job {
	enum get_kind	j_kind;
	int		j_error;	/* GJ_FILE/GJ_DATA: reading this piece failed so */
	bool		j_last;		/* GJ_FILE/GJ_DATA: the file's last piece */
	off_t		j_off;		/* GJ_FILE/GJ_DATA: where the data goes; the last
					 * piece's end is the file's size (holes between) */
	struct get_dirh	*j_dir;
	struct get_dirh	*j_new;
	struct stat	j_st;
	size_t		j_datalen;
	size_t		j_namelen;	/* j_buf: name NUL, image path NUL, data */
	size_t		j_pathlen;
	char		j_buf[];
};

static inline const char *get_job_name(const struct get_job *j) { return j->j_buf; }
static inline const char *get_job_path(const struct get_job *j) { return j->j_buf + j->j_namelen + 1; }
static inline char *get_job_data(struct get_job *j) { return j->j_buf + j->j_namelen + 1 + j->j_pathlen + 1; }

/* A regular file with several links, as first written (for hard links). */
struct get_link {
	ino_t	gl_imgino;
	ino_t	gl_hostino;
	char	*gl_rel;	/* path from the destination root */
};

/* The host side's state. */
struct get_host {
	struct cli	*h_c;
	const char	*h_dest;	/* the destination as the user named it */
	int		h_rootfd;
	int		h_rv;
	mode_t		h_umask;
	uid_t		h_euid;		/* ours, asked once */
	gid_t		h_egid;
	struct get_link	*h_links;
	size_t		h_nlinks, h_caplinks;
	/* The file being written (its pieces may come in several jobs). */
	int		h_fd;		/* -1: none, or not being written */
	bool		h_failed;
	int		h_skip;
	struct stat	h_st;
	char		h_path[PATH_MAX];
	/* The destination is full: nothing more is made (atomic; the walker stops too). */
	bool		h_full;
};

/* Run one job (a get_pipe_fn). */
void	get_host_run(void *arg, void *job, size_t len);
/* Owner (as root), mode, then times, by descriptor or by name in dfd. */
void	get_host_attrs(struct get_host *h, int dfd, const char *name, int fd,
	    const struct stat *st, const char *imgpath, int skip);
void	get_host_free(struct get_host *h);
/* Whether the destination filled up (the walker need read no more). */
bool	get_host_full(struct get_host *h);

#endif /* UKFS_GET_H */
