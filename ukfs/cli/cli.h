/* cli.h: the ukfs tool's shared state, command table and helpers. */
#ifndef UKFS_CLI_H
#define UKFS_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <rump/ukfs.h>

/* How deep the tree walks go (a corrupt image may hold a directory loop). */
#define CLI_MAXDEPTH	256

/* Exit statuses. */
#define CLI_OK		0
#define CLI_FAIL	1	/* an operation failed */
#define CLI_USAGE	2	/* bad arguments */

/* The image being worked on. */
struct cli {
	struct ukfs	*c_fs;
	const char	*c_image;	/* as the user named it, for messages */
	const char	*c_fstype;	/* mounted type */
	bool		c_rdonly;	/* mounted read-only */
	bool		c_root;		/* the host user is root: keep owners */
};

struct cli_cmd {
	const char	*cc_name;
	int		(*cc_fn)(struct cli *c, int argc, char **argv);
	bool		cc_writes;	/* needs a read-write mount */
	const char	*cc_usage;	/* arguments, one line */
	const char	*cc_help;	/* what it does, one line */
};

const struct cli_cmd *cli_findcmd(const char *name);
/* Run one command line (argv[0] the command); handles --help. */
int	cli_run(struct cli *c, int argc, char **argv);

/* Messages: "ukfs: IMAGE: PATH: cause" (the path may be NULL). */
void	cli_err(struct cli *c, const char *path, int error);
/* "image in use (read-write by pid N)": the mount or lock of hostpath met EBUSY. */
void	cli_image_busy(struct cli *c, const char *hostpath);
void	cli_errmsg(struct cli *c, const char *path, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* "usage: ukfs IMAGE cmd ARGS" for the command; returns CLI_USAGE. */
int	cli_usage(const char *cmd);
/* Reset getopt before a command parses its options. */
void	cli_getopt_reset(void);

/* Join dir and name into out (PATH_MAX); false when too long. */
bool	cli_join(char *out, const char *dir, const char *name);
/* The last component of path ("" for "/"). */
const char *cli_basename(const char *path);

/*
 * The names in image directory path, sorted, without "." and ".."
 * unless withdots; free with cli_names_free.  -1 with errno on failure.
 */
struct cli_names {
	char	**n_names;
	size_t	n_count;
};
int	cli_readdir(struct cli *c, const char *path, bool withdots, struct cli_names *np);
void	cli_names_free(struct cli_names *np);
/* The directory entry's d_type (DT_UNKNOWN when the fs gives none; a hint, not trusted) for a name of a cli_names. */
unsigned char cli_names_type(const char *name);

/*
 * Copy image file path to host descriptor fd (errno on -1; *where says
 * which side failed).  Flags: CLI_COPY_REGULAR, the caller saw a regular
 * file, so a short read is its end; CLI_COPY_NOFOLLOW, it saw that with
 * lstat, so path is not to be followed (and need not be resolved).
 */
#define CLI_COPY_REGULAR	0x01
#define CLI_COPY_NOFOLLOW	0x02
int	cli_copyout(struct cli *c, const char *path, int flags, int fd, const char **where);
/* The same from image descriptor ifd, already open (left open). */
int	cli_copyout_fd(struct cli *c, int ifd, int flags, int fd, const char **where);
/*
 * Copy host descriptor fd into the open image descriptor ifd, new or
 * truncated (errno on -1): host holes and zero blocks stay holes.
 */
int	cli_copyin(struct cli *c, int fd, int ifd, const char **where);
/* The data extent of image file ifd at or after from: 1 and [*datap, *holep), 0 past the last, -1 (errno). */
int	cli_image_data(struct cli *c, int ifd, off_t from, off_t *datap, off_t *holep);

/* Zero runs copied into an image are skipped in blocks of this much. */
#define CLI_ZEROBLK	4096
/* Whether buf[0..n) is all zero bytes. */
bool	cli_iszero(const uint8_t *buf, size_t n);

/* Print a name read from the image; on a terminal, non-printing bytes show as '?' (as ls does). */
void	cli_putname(const char *name);

/* Mode as ls shows it ("drwxr-xr-x") into buf[11]. */
void	cli_modestr(mode_t mode, char *buf);

/* The commands. */
int	cmd_ls(struct cli *, int, char **);
int	cmd_cat(struct cli *, int, char **);
int	cmd_get(struct cli *, int, char **);
int	cmd_put(struct cli *, int, char **);
int	cmd_write(struct cli *, int, char **);
int	cmd_mkdir(struct cli *, int, char **);
int	cmd_rm(struct cli *, int, char **);
int	cmd_rmdir(struct cli *, int, char **);
int	cmd_mv(struct cli *, int, char **);
int	cmd_ln(struct cli *, int, char **);
int	cmd_chmod(struct cli *, int, char **);
int	cmd_chown(struct cli *, int, char **);
int	cmd_touch(struct cli *, int, char **);
int	cmd_stat(struct cli *, int, char **);
int	cmd_find(struct cli *, int, char **);
int	cmd_du(struct cli *, int, char **);
int	cmd_df(struct cli *, int, char **);
int	cmd_diff(struct cli *, int, char **);
int	cmd_check(struct cli *, int, char **);
int	cmd_cd(struct cli *, int, char **);
int	cmd_sh(struct cli *, int, char **);
/* check runs on the unmounted image; fstype NULL: detect. */
int	cli_check(struct cli *c, const char *fstype);
/* check on ext2: the host's e2fsck -fn on host file path at byte off. */
int	cli_check_e2fsck(struct cli *c, const char *path, uint64_t off);

/* sh: read the script; whether any of its commands writes. */
struct cli_script;
int	cli_script_load(const char *file, struct cli_script **sp, bool *writesp);
int	cli_script_run(struct cli *c, struct cli_script *s);
void	cli_script_free(struct cli_script *s);

#endif /* UKFS_CLI_H */
