/* t_diff.h: the differential test: one random system-call sequence on a host directory and on rumpfs. */
#ifndef T_DIFF_H
#define T_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

/*
 * A backend: the same calls, libc convention, on the host (libc) or in
 * the rump kernel (rump_sys_*).  Descriptors handed to and returned by
 * the ops are relative: the op code adds/subtracts fdbase.
 */
struct be {
	const char	*name;
	char		root[256];	/* absolute path of the test directory */
	int		fdbase;		/* lowest descriptor the run may get */
	int	(*open)(const char *, int, mode_t);
	int	(*close)(int);
	ssize_t	(*read)(int, void *, size_t);
	ssize_t	(*write)(int, const void *, size_t);
	ssize_t	(*pread)(int, void *, size_t, off_t);
	ssize_t	(*pwrite)(int, const void *, size_t, off_t);
	off_t	(*lseek)(int, off_t, int);
	int	(*fsync)(int);
	int	(*ftruncate)(int, off_t);
	int	(*truncate)(const char *, off_t);
	int	(*stat)(const char *, struct stat *);
	int	(*lstat)(const char *, struct stat *);
	int	(*fstat)(int, struct stat *);
	int	(*mkdir)(const char *, mode_t);
	int	(*rmdir)(const char *);
	int	(*unlink)(const char *);
	int	(*rename)(const char *, const char *);
	int	(*link)(const char *, const char *);
	int	(*symlink)(const char *, const char *);
	ssize_t	(*readlink)(const char *, char *, size_t);
	int	(*chmod)(const char *, mode_t);
	int	(*fchmod)(int, mode_t);
	int	(*chown)(const char *, uid_t, gid_t);
	int	(*lchown)(const char *, uid_t, gid_t);
	int	(*fchown)(int, uid_t, gid_t);
	int	(*utimensat)(int, const char *, const struct timespec *, int);
	int	(*futimens)(int, const struct timespec *);
	int	(*access)(const char *, int);
	ssize_t	(*getdents)(int, void *, size_t);
	int	(*chdir)(const char *);
	int	(*fchdir)(int);
	int	(*mknod)(const char *, mode_t, dev_t);
	int	(*dup)(int);
	int	(*dup2)(int, int);
	int	(*fcntl)(int, int, int);
	mode_t	(*umask)(mode_t);
};

/*
 * Linux's struct dirent64 records (getdents64).  Spelled out here: the
 * vfs include path's dirent.h shadows the host's <dirent.h>.
 */
struct t_dirent64 {
	uint64_t	d_ino;
	int64_t		d_off;
	unsigned short	d_reclen;
	unsigned char	d_type;
	char		d_name[];
};

extern const struct be diff_host_be;
extern const struct be diff_rump_be;

/* One logged step: what was done and what came back. */
struct diff_entry {
	char	desc[128];
	char	res[224];
};
struct diff_log {
	int			n;
	int			max;
	struct diff_entry	e[];
};
/* A log in shared memory (a forked child fills it); freed with diff_log_free. */
struct diff_log *diff_log_new(int max);
void	diff_log_free(struct diff_log *log);

#define DIFF_MAXK	12	/* relative descriptors the ops use: 0 .. DIFF_MAXK-1 */

struct diff_run {
	const struct be	*be;
	struct diff_log	*log;
	uint64_t	rng;
	bool		nonroot;
	time_t		start;		/* times older than this were set explicitly */
	bool		isdir[DIFF_MAXK];
	bool		isopen[DIFF_MAXK];	/* as far as the run's own results tell */
};

/* The seeded operation sequence, logged. */
void	diff_run_ops(struct diff_run *r, int nops);
/* Every node under be->root, sorted, logged (as root, absolute paths). */
void	diff_walk_tree(const struct be *be, struct diff_log *log, time_t start);
/* The starting tree: root-owned files and directories with restrictive modes. */
void	diff_setup_tree(const struct be *be);

#endif /* T_DIFF_H */
