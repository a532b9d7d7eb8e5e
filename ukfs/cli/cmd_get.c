/*
 * cmd_get.c: ukfs get [-r]: copy files and trees out of the image; this
 * half of get -r walks the image, get_host.c makes what it finds.
 * A tree is written only below the destination directory, whatever the
 * image holds: every host call is relative to an open directory
 * descriptor (openat/mkdirat/symlinkat with O_NOFOLLOW and O_EXCL), names
 * with '/' or ".." are refused, image symlinks are made as symlinks and
 * never followed, directory loops and excessive depth are refused.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "get.h"
#include "get_pipe.h"

#define GET_MAXDEPTH	CLI_MAXDEPTH

/* The walker's state. */
struct get_ctx {
	struct cli	*g_c;
	struct get_pipe	*g_pipe;
	struct get_host	*g_host;	/* the other half (only get_host_full may be asked) */
	int		g_rv;
	ino_t		g_stack[GET_MAXDEPTH];	/* image directories being copied (loops) */
	int		g_depth;
};

static void get_fail(struct get_ctx *g, const char *path, int error);
static struct get_job *get_job_new(struct get_ctx *g, enum get_kind kind, struct get_dirh *d,
    const char *name, const char *path, const struct stat *st, size_t datalen);
static void get_file(struct get_ctx *g, const char *imgpath, struct get_dirh *d,
    const char *name, const struct stat *st, int ifd);
static bool get_file_byname(struct get_ctx *g, int idfd, const char *imgpath,
    struct get_dirh *d, const char *name);
static void get_symlink(struct get_ctx *g, const char *imgpath, struct get_dirh *d,
    const char *name, const struct stat *st);
static void get_special(struct get_ctx *g, const char *imgpath, struct get_dirh *d,
    const char *name, const struct stat *st);
static void get_dir(struct get_ctx *g, const char *imgpath, struct get_dirh *d,
    const char *name, const struct stat *st);
static void get_node(struct get_ctx *g, const char *imgpath, struct get_dirh *d, const char *name);
static void get_tree(struct get_ctx *g, const char *imgdir, struct get_dirh *d);

/* A name from an image directory we are willing to create on the host. */
static bool
get_name_ok(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static void
get_fail(struct get_ctx *g, const char *path, int error)
{
	cli_err(g->g_c, path, error);
	g->g_rv = CLI_FAIL;
}

/* A job in the pipe with room for datalen bytes of data; get_pipe_commit sends it. */
static struct get_job *
get_job_new(struct get_ctx *g, enum get_kind kind, struct get_dirh *d, const char *name,
    const char *path, const struct stat *st, size_t datalen)
{
	size_t nl = strlen(name), pl = strlen(path);
	struct get_job *j;

	j = get_pipe_reserve(g->g_pipe, sizeof(*j) + nl + 1 + pl + 1 + datalen);
	j->j_kind = kind;
	j->j_error = 0;
	j->j_last = true;
	j->j_off = 0;
	j->j_dir = d;
	j->j_new = NULL;
	if (st != NULL)
		j->j_st = *st;
	j->j_datalen = 0;
	j->j_namelen = nl;
	j->j_pathlen = pl;
	memcpy(j->j_buf, name, nl + 1);
	memcpy(j->j_buf + nl + 1, path, pl + 1);
	return j;
}

static void
get_job_send(struct get_ctx *g, struct get_job *j)
{
	get_pipe_commit(g->g_pipe, sizeof(*j) + j->j_namelen + 1 + j->j_pathlen + 1 + j->j_datalen);
}

/*
 * The next stretch of data at or after *offp, up to *holep; at the last
 * hole both go to size (the host side makes the hole with the size).
 */
static int
get_file_next(struct get_ctx *g, int ifd, off_t size, off_t *offp, off_t *holep)
{
	off_t d, h;
	int r;

	if (*offp < *holep || *offp >= size)
		return 0;
	if ((r = cli_image_data(g->g_c, ifd, *offp, &d, &h)) == -1)
		return errno;
	if (r == 0 || d >= size)
		d = h = size;
	*offp = d;
	*holep = h < size ? h : size;
	return 0;
}

/*
 * Send the regular file at imgpath (open already as ifd, or -1: open it
 * here) in pieces of its data extents, so its holes cost nothing however
 * large a size it claims; a short read is its end.
 */
static void
get_file(struct get_ctx *g, const char *imgpath, struct get_dirh *d, const char *name,
    const struct stat *st, int ifd)
{
	struct ukfs *fs = g->g_c->c_fs;
	off_t off = 0, hole = 0, size = st->st_size > 0 ? st->st_size : 0;
	bool opened = false, first = true, last;
	struct get_job *j;
	size_t want;
	ssize_t n;
	int error;

	if (ifd < 0) {
		if ((ifd = ukfs_open(fs, imgpath, O_RDONLY | O_NOFOLLOW)) == -1) {
			get_fail(g, imgpath, errno);
			return;
		}
		opened = true;
	}
	for (;;) {
		error = get_file_next(g, ifd, size, &off, &hole);
		want = error != 0 || hole - off <= 0 ? 0 :
		    hole - off > GET_CHUNK ? GET_CHUNK : (size_t)(hole - off);
		/* The first piece goes with the names, the others need only the path's room (none). */
		j = first ? get_job_new(g, GJ_FILE, d, name, imgpath, st, want) :
		    get_job_new(g, GJ_DATA, d, "", "", NULL, want);
		first = false;
		j->j_off = off;
		j->j_error = error;
		n = want > 0 ? ukfs_read_fd(fs, ifd, off, (uint8_t *)get_job_data(j), want) : 0;
		if (n == -1) {
			j->j_error = errno;
			n = 0;
		}
		j->j_datalen = (size_t)n;
		off += n;
		/* Once sent the job belongs to the host side: decide before. */
		last = j->j_last = j->j_error != 0 || (size_t)n < want || off >= size;
		get_job_send(g, j);
		if (last)
			break;
	}
	if (opened)
		ukfs_close(fs, ifd);
}
/*
 * An entry the directory says is a regular file: open it once and take
 * its attributes from the descriptor, instead of a lookup for lstat and
 * another for open.  The directory's type is only a hint (a corrupt
 * image may lie), so the open refuses symlinks and does not wait on a
 * FIFO, and anything fstat does not call regular goes back to the
 * general path.  false: not done, use get_node.
 */
static bool
get_file_byname(struct get_ctx *g, int idfd, const char *imgpath, struct get_dirh *d,
    const char *name)
{
	struct ukfs *fs = g->g_c->c_fs;
	struct stat st;
	int ifd;

	/* By name in the open image directory when there is one: one component to look up. */
	ifd = idfd >= 0 ? ukfs_openat(fs, idfd, name, O_RDONLY | O_NONBLOCK) :
	    ukfs_open(fs, imgpath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	if (ifd == -1)
		return false;
	if (ukfs_fstat(fs, ifd, &st) == -1 || !S_ISREG(st.st_mode)) {
		ukfs_close(fs, ifd);
		return false;
	}
	get_file(g, imgpath, d, name, &st, ifd);
	ukfs_close(fs, ifd);
	return true;
}

static void
get_symlink(struct get_ctx *g, const char *imgpath, struct get_dirh *d, const char *name,
    const struct stat *st)
{
	char target[PATH_MAX];
	struct get_job *j;
	ssize_t n;

	if ((n = ukfs_readlink(g->g_c->c_fs, imgpath, target, sizeof(target) - 1)) == -1) {
		get_fail(g, imgpath, errno);
		return;
	}
	target[n] = '\0';
	j = get_job_new(g, GJ_SYMLINK, d, name, imgpath, st, (size_t)n + 1);
	memcpy(get_job_data(j), target, (size_t)n + 1);
	j->j_datalen = (size_t)n + 1;
	get_job_send(g, j);
}

/* FIFOs and sockets anywhere; device nodes only as root. */
static void
get_special(struct get_ctx *g, const char *imgpath, struct get_dirh *d, const char *name,
    const struct stat *st)
{
	if ((S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) && !g->g_c->c_root) {
		cli_errmsg(g->g_c, imgpath, "device node not copied (only root makes them)");
		g->g_rv = CLI_FAIL;
		return;
	}
	get_job_send(g, get_job_new(g, GJ_SPECIAL, d, name, imgpath, st, 0));
}

static void
get_dir(struct get_ctx *g, const char *imgpath, struct get_dirh *d, const char *name,
    const struct stat *st)
{
	struct get_dirh *nd;
	struct get_job *j;
	int i;

	for (i = 0; i < g->g_depth; i++) {
		if (g->g_stack[i] == st->st_ino) {
			cli_errmsg(g->g_c, imgpath, "directory loop in the image, not followed");
			g->g_rv = CLI_FAIL;
			return;
		}
	}
	if (g->g_depth >= GET_MAXDEPTH) {
		cli_errmsg(g->g_c, imgpath, "more than %d levels deep, not copied", GET_MAXDEPTH);
		g->g_rv = CLI_FAIL;
		return;
	}
	/* The host side fills it in and frees it at its GJ_DIREND. */
	if ((nd = calloc(1, sizeof(*nd))) == NULL) {
		get_fail(g, imgpath, ENOMEM);
		return;
	}
	j = get_job_new(g, GJ_DIR, d, name, imgpath, st, 0);
	j->j_new = nd;
	get_job_send(g, j);
	g->g_stack[g->g_depth++] = st->st_ino;
	get_tree(g, imgpath, nd);
	g->g_depth--;
	/* Times last: making the entries changed them. */
	get_job_send(g, get_job_new(g, GJ_DIREND, nd, "", imgpath, st, 0));
}

static void
get_node(struct get_ctx *g, const char *imgpath, struct get_dirh *d, const char *name)
{
	struct stat st;

	if (ukfs_lstat(g->g_c->c_fs, imgpath, &st) == -1) {
		get_fail(g, imgpath, errno);
		return;
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		get_dir(g, imgpath, d, name, &st);
		break;
	case S_IFREG:
		get_file(g, imgpath, d, name, &st, -1);
		break;
	case S_IFLNK:
		get_symlink(g, imgpath, d, name, &st);
		break;
	default:
		get_special(g, imgpath, d, name, &st);
		break;
	}
}

static void
get_tree(struct get_ctx *g, const char *imgdir, struct get_dirh *d)
{
	struct cli_names names;
	char path[PATH_MAX];
	size_t i;
	int idfd;

	if (cli_readdir(g->g_c, imgdir, false, &names) == -1) {
		get_fail(g, imgdir, errno);
		return;
	}
	/* The directory stays open while its files are copied (-1: each is found by path). */
	idfd = ukfs_open(g->g_c->c_fs, imgdir, O_RDONLY | O_DIRECTORY);
	for (i = 0; i < names.n_count && !get_host_full(g->g_host); i++) {
		const char *name = names.n_names[i];

		if (!get_name_ok(name)) {
			cli_errmsg(g->g_c, imgdir, "refusing entry \"%s\": not a plain file name", name);
			g->g_rv = CLI_FAIL;
			continue;
		}
		if (!cli_join(path, imgdir, name)) {
			get_fail(g, name, ENAMETOOLONG);
			continue;
		}
		if (cli_names_type(name) == DT_REG && get_file_byname(g, idfd, path, d, name))
			continue;
		get_node(g, path, d, name);
	}
	if (idfd >= 0)
		ukfs_close(g->g_c->c_fs, idfd);
	cli_names_free(&names);
}

/* Whether a second CPU can take the host side (a thread on one CPU only adds switches). */
static bool
get_threaded(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 1;
}

/* get IMGFILE HOSTPATH|-: one file, following symlinks in both places (the user named them). */
static int
get_one(struct cli *c, const char *img, const char *host)
{
	char dest[PATH_MAX];
	struct timespec ts[2];
	const char *where;
	struct stat st, hst;
	int fd, rv = CLI_OK;

	if (ukfs_stat(c->c_fs, img, &st) == -1) {
		cli_err(c, img, errno);
		return CLI_FAIL;
	}
	if (S_ISDIR(st.st_mode)) {
		cli_errmsg(c, img, "is a directory (use get -r)");
		return CLI_FAIL;
	}
	if (strcmp(host, "-") == 0) {
		int flags = S_ISREG(st.st_mode) ? CLI_COPY_REGULAR : 0;

		if (cli_copyout(c, img, flags, STDOUT_FILENO, &where) == -1) {
			cli_err(c, *where == 'h' ? "<stdout>" : img, errno);
			return CLI_FAIL;
		}
		return CLI_OK;
	}
	if (stat(host, &hst) == 0 && S_ISDIR(hst.st_mode)) {
		if (!cli_join(dest, host, cli_basename(img))) {
			cli_err(c, host, ENAMETOOLONG);
			return CLI_FAIL;
		}
		host = dest;
	}
	if ((fd = open(host, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		return CLI_FAIL;
	}
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	if (cli_copyout(c, img, S_ISREG(st.st_mode) ? CLI_COPY_REGULAR : 0, fd, &where) == -1) {
		if (*where == 'h')
			fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		else
			cli_err(c, img, errno);
		rv = CLI_FAIL;
	} else if (fchmod(fd, st.st_mode & 07777) == -1 || futimens(fd, ts) == -1) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		rv = CLI_FAIL;
	}
	close(fd);
	return rv;
}

/* get -r IMGDIR HOSTDIR: the contents of IMGDIR go into HOSTDIR (made if missing). */
static int
get_recursive(struct cli *c, const char *img, const char *host)
{
	struct get_host h = { .h_c = c, .h_dest = host, .h_rv = CLI_OK, .h_fd = -1 };
	struct get_ctx g = { .g_c = c, .g_host = &h, .g_rv = CLI_OK };
	struct get_dirh root = { .dh_rel = (char *)"" };
	struct stat st, rst;

	if (ukfs_lstat(c->c_fs, img, &st) == -1) {
		cli_err(c, img, errno);
		return CLI_FAIL;
	}
	if (!S_ISDIR(st.st_mode))
		return get_one(c, img, host);
	root.dh_fresh = mkdir(host, 0700) == 0;
	if (!root.dh_fresh && errno != EEXIST) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		return CLI_FAIL;
	}
	if ((root.dh_fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		return CLI_FAIL;
	}
	root.dh_plaingid = fstat(root.dh_fd, &rst) == 0 && !(rst.st_mode & S_ISGID);
	h.h_rootfd = root.dh_fd;
	h.h_umask = umask(0);
	umask(h.h_umask);
	h.h_euid = geteuid();
	h.h_egid = getegid();
	if ((g.g_pipe = get_pipe_open(get_host_run, &h, get_threaded())) == NULL) {
		cli_err(c, img, ENOMEM);
		close(root.dh_fd);
		return CLI_FAIL;
	}
	g.g_stack[g.g_depth++] = st.st_ino;
	get_tree(&g, img, &root);
	get_pipe_close(g.g_pipe);
	if (root.dh_fresh)
		get_host_attrs(&h, AT_FDCWD, host, root.dh_fd, &st, img, 0);
	close(root.dh_fd);
	get_host_free(&h);
	return g.g_rv != CLI_OK ? g.g_rv : h.h_rv;
}

int
cmd_get(struct cli *c, int argc, char **argv)
{
	bool recurse = false;
	int ch;

	while ((ch = getopt(argc, argv, "+r")) != -1) {
		if (ch != 'r')
			return cli_usage("get");
		recurse = true;
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		return cli_usage("get");
	if (recurse && strcmp(argv[1], "-") == 0) {
		fprintf(stderr, "ukfs: get -r needs a host directory, not '-'\n");
		return CLI_USAGE;
	}
	return recurse ? get_recursive(c, argv[0], argv[1]) : get_one(c, argv[0], argv[1]);
}
