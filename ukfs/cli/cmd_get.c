/*
 * cmd_get.c: ukfs get [-r]: copy files and trees out of the image.
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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define GET_MAXDEPTH	CLI_MAXDEPTH

/* A regular file with several links, as first written (for hard links). */
struct get_link {
	ino_t	gl_imgino;
	ino_t	gl_hostino;
	char	*gl_rel;	/* path from the destination root */
};

struct get_ctx {
	struct cli	*g_c;
	int		g_rootfd;		/* the destination directory */
	int		g_rv;
	struct get_link	*g_links;
	size_t		g_nlinks, g_caplinks;
	ino_t		g_stack[GET_MAXDEPTH];	/* image directories being copied (loops) */
	int		g_depth;
	bool		g_fresh;		/* the directory being filled was made by us, empty */
	bool		g_plaingid;		/* files made in it get our egid (no set-group-id dir) */
	mode_t		g_umask;
	uid_t		g_euid;			/* ours, asked once */
	gid_t		g_egid;
	char		g_rel[PATH_MAX];	/* where we are below the root */
};

static bool get_name_ok(const char *name);
static void get_fail(struct get_ctx *g, const char *path, int error);
static int get_clear(struct get_ctx *g, int dfd, const char *name);
static void get_attrs(struct get_ctx *g, int dfd, const char *name, int fd, const struct stat *st,
    const char *imgpath, int skip);
static int get_link_find(struct get_ctx *g, const struct stat *st, int dfd, const char *name);
static void get_link_add(struct get_ctx *g, const struct stat *st, int fd, const char *name);
static void get_file(struct get_ctx *g, const char *imgpath, int dfd, const char *name,
    const struct stat *st, int ifd);
static bool get_file_byname(struct get_ctx *g, int idfd, const char *imgpath, int dfd,
    const char *name);
static void get_symlink(struct get_ctx *g, const char *imgpath, int dfd, const char *name,
    const struct stat *st);
static void get_special(struct get_ctx *g, const char *imgpath, int dfd, const char *name,
    const struct stat *st);
static void get_dir(struct get_ctx *g, const char *imgpath, int dfd, const char *name,
    const struct stat *st);
static void get_node(struct get_ctx *g, const char *imgpath, int dfd, const char *name);
static void get_tree(struct get_ctx *g, const char *imgdir, int dfd);

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

/*
 * Make room for name: an existing non-directory goes (we never write
 * through what was there).  In a directory we made there is nothing
 * to remove; a name the image holds twice then fails with EEXIST.
 */
static int
get_clear(struct get_ctx *g, int dfd, const char *name)
{
	if (g->g_fresh || unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	return errno;
}

/* What get_attrs may leave out because the file was made that way already. */
#define GET_HAVE_OWNER	0x01
#define GET_HAVE_MODE	0x02

/* Owner (as root), mode, then times: the order that leaves them all as asked. */
static void
get_attrs(struct get_ctx *g, int dfd, const char *name, int fd, const struct stat *st,
    const char *imgpath, int skip)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	bool lnk = S_ISLNK(st->st_mode);
	int error = 0;

	if (g->g_c->c_root && !(skip & GET_HAVE_OWNER)) {
		if (fd >= 0 ? fchown(fd, st->st_uid, st->st_gid) :
		    fchownat(dfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW))
			error = errno;
	}
	if (!lnk && !(skip & GET_HAVE_MODE) && (fd >= 0 ? fchmod(fd, st->st_mode & 07777) :
	    fchmodat(dfd, name, st->st_mode & 07777, 0)))
		error = errno;
	if (fd >= 0 ? futimens(fd, ts) : utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW))
		error = errno;
	if (error != 0)
		get_fail(g, imgpath, error);
}

/* Make name a hard link to the copy already written; 1 if done, 0 if not applicable. */
static int
get_link_find(struct get_ctx *g, const struct stat *st, int dfd, const char *name)
{
	struct get_link *l = NULL;
	char rel[PATH_MAX], *comp, *next;
	struct stat hst;
	size_t i;
	int pfd, nfd, ok = 0;

	for (i = 0; i < g->g_nlinks && l == NULL; i++)
		if (g->g_links[i].gl_imgino == st->st_ino)
			l = &g->g_links[i];
	if (l == NULL)
		return 0;
	/* Walk to the first copy without following anything. */
	strcpy(rel, l->gl_rel);
	if ((pfd = dup(g->g_rootfd)) == -1)
		return 0;
	for (comp = rel; (next = strchr(comp, '/')) != NULL; comp = next + 1) {
		*next = '\0';
		nfd = openat(pfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(pfd);
		if ((pfd = nfd) == -1)
			return 0;
	}
	if (fstatat(pfd, comp, &hst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(hst.st_mode) &&
	    hst.st_ino == l->gl_hostino) {
		(void)unlinkat(dfd, name, 0);
		ok = linkat(pfd, comp, dfd, name, 0) == 0;
	}
	close(pfd);
	return ok;
}

static void
get_link_add(struct get_ctx *g, const struct stat *st, int fd, const char *name)
{
	struct get_link *nl;
	struct stat hst;
	char rel[PATH_MAX];

	if (fstat(fd, &hst) == -1)
		return;
	if (g->g_rel[0] != '\0') {
		if (!cli_join(rel, g->g_rel, name))
			return;
	} else if (strlen(name) < sizeof(rel))
		strcpy(rel, name);
	else
		return;
	if (g->g_nlinks == g->g_caplinks) {
		size_t cap = g->g_caplinks ? 2 * g->g_caplinks : 16;

		if ((nl = realloc(g->g_links, cap * sizeof(*nl))) == NULL)
			return;
		g->g_links = nl;
		g->g_caplinks = cap;
	}
	if ((g->g_links[g->g_nlinks].gl_rel = strdup(rel)) == NULL)
		return;
	g->g_links[g->g_nlinks].gl_imgino = st->st_ino;
	g->g_links[g->g_nlinks].gl_hostino = hst.st_ino;
	g->g_nlinks++;
}

/*
 * The host calls a file can spare: in a directory we made (0700, so
 * nobody else reaches the file before it is complete) a mode the umask
 * keeps and without set-id bits (a chown would clear those) is given
 * at creation; an owner that is ours already needs no chown.
 */
static int
get_file_skip(struct get_ctx *g, const struct stat *st, mode_t *createmodep)
{
	mode_t mode = st->st_mode & 07777;
	int skip = 0;

	*createmodep = 0600;
	if (!g->g_fresh)
		return 0;
	if ((mode & 07000) == 0 && (mode & g->g_umask) == 0) {
		*createmodep = mode;
		skip |= GET_HAVE_MODE;
	}
	if (g->g_plaingid && st->st_uid == g->g_euid && st->st_gid == g->g_egid)
		skip |= GET_HAVE_OWNER;
	return skip;
}

/* Copy the regular file at imgpath (open already as ifd, or -1: open it here). */
static void
get_file(struct get_ctx *g, const char *imgpath, int dfd, const char *name, const struct stat *st,
    int ifd)
{
	const char *where;
	mode_t cmode;
	int fd, error, skip, rv;

	if (st->st_nlink > 1 && get_link_find(g, st, dfd, name))
		return;
	if ((error = get_clear(g, dfd, name)) != 0) {
		get_fail(g, imgpath, error);
		return;
	}
	skip = get_file_skip(g, st, &cmode);
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, cmode);
	if (fd == -1) {
		get_fail(g, imgpath, errno);
		return;
	}
	if (ifd >= 0)
		rv = cli_copyout_fd(g->g_c, ifd, CLI_COPY_REGULAR, fd, &where);
	else
		rv = cli_copyout(g->g_c, imgpath, CLI_COPY_REGULAR | CLI_COPY_NOFOLLOW, fd, &where);
	if (rv == -1)
		get_fail(g, imgpath, errno);
	else
		get_attrs(g, dfd, name, fd, st, imgpath, skip);
	if (st->st_nlink > 1)
		get_link_add(g, st, fd, name);
	close(fd);
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
get_file_byname(struct get_ctx *g, int idfd, const char *imgpath, int dfd, const char *name)
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
	get_file(g, imgpath, dfd, name, &st, ifd);
	ukfs_close(fs, ifd);
	return true;
}

static void
get_symlink(struct get_ctx *g, const char *imgpath, int dfd, const char *name, const struct stat *st)
{
	char target[PATH_MAX];
	ssize_t n;
	int error;

	if ((n = ukfs_readlink(g->g_c->c_fs, imgpath, target, sizeof(target) - 1)) == -1) {
		get_fail(g, imgpath, errno);
		return;
	}
	target[n] = '\0';
	if ((error = get_clear(g, dfd, name)) != 0) {
		get_fail(g, imgpath, error);
		return;
	}
	if (symlinkat(target, dfd, name) == -1) {
		get_fail(g, imgpath, errno);
		return;
	}
	get_attrs(g, dfd, name, -1, st, imgpath, 0);
}

/* FIFOs and sockets anywhere; device nodes only as root. */
static void
get_special(struct get_ctx *g, const char *imgpath, int dfd, const char *name, const struct stat *st)
{
	int error;

	if ((S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) && !g->g_c->c_root) {
		cli_errmsg(g->g_c, imgpath, "device node not copied (only root makes them)");
		g->g_rv = CLI_FAIL;
		return;
	}
	if ((error = get_clear(g, dfd, name)) != 0) {
		get_fail(g, imgpath, error);
		return;
	}
	if (mknodat(dfd, name, (st->st_mode & S_IFMT) | 0600, st->st_rdev) == -1) {
		get_fail(g, imgpath, errno);
		return;
	}
	get_attrs(g, dfd, name, -1, st, imgpath, 0);
}

static void
get_dir(struct get_ctx *g, const char *imgpath, int dfd, const char *name, const struct stat *st)
{
	size_t rellen = strlen(g->g_rel);
	int i, nfd;

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
	bool fresh = mkdirat(dfd, name, 0700) == 0, wasfresh = g->g_fresh, wasplain = g->g_plaingid;

	if (!fresh && errno != EEXIST) {
		get_fail(g, imgpath, errno);
		return;
	}
	/* O_NOFOLLOW: whatever sits at name on the host, we never leave through a link. */
	nfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (nfd == -1) {
		get_fail(g, imgpath, errno);
		return;
	}
	if ((rellen > 0 && !cli_join(g->g_rel, g->g_rel, name)) ||
	    (rellen == 0 && strlen(name) >= sizeof(g->g_rel))) {
		get_fail(g, imgpath, ENAMETOOLONG);
		close(nfd);
		return;
	}
	if (rellen == 0)
		strcpy(g->g_rel, name);
	g->g_stack[g->g_depth++] = st->st_ino;
	g->g_fresh = fresh;
	/* A directory made in a plain one is plain (set-group-id is inherited only from a parent that has it). */
	g->g_plaingid = fresh && wasplain;
	get_tree(g, imgpath, nfd);
	g->g_fresh = wasfresh;
	g->g_plaingid = wasplain;
	g->g_depth--;
	g->g_rel[rellen] = '\0';
	get_attrs(g, dfd, name, nfd, st, imgpath, 0);
	close(nfd);
}

static void
get_node(struct get_ctx *g, const char *imgpath, int dfd, const char *name)
{
	struct stat st;

	if (ukfs_lstat(g->g_c->c_fs, imgpath, &st) == -1) {
		get_fail(g, imgpath, errno);
		return;
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		get_dir(g, imgpath, dfd, name, &st);
		break;
	case S_IFREG:
		get_file(g, imgpath, dfd, name, &st, -1);
		break;
	case S_IFLNK:
		get_symlink(g, imgpath, dfd, name, &st);
		break;
	default:
		get_special(g, imgpath, dfd, name, &st);
		break;
	}
}

static void
get_tree(struct get_ctx *g, const char *imgdir, int dfd)
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
	for (i = 0; i < names.n_count; i++) {
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
		if (cli_names_type(name) == DT_REG && get_file_byname(g, idfd, path, dfd, name))
			continue;
		get_node(g, path, dfd, name);
	}
	if (idfd >= 0)
		ukfs_close(g->g_c->c_fs, idfd);
	cli_names_free(&names);
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
	struct get_ctx g = { .g_c = c, .g_rv = CLI_OK };
	struct stat st;
	bool made;
	size_t i;

	if (ukfs_lstat(c->c_fs, img, &st) == -1) {
		cli_err(c, img, errno);
		return CLI_FAIL;
	}
	if (!S_ISDIR(st.st_mode))
		return get_one(c, img, host);
	made = mkdir(host, 0700) == 0;
	if (!made && errno != EEXIST) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		return CLI_FAIL;
	}
	if ((g.g_rootfd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		return CLI_FAIL;
	}
	g.g_stack[g.g_depth++] = st.st_ino;
	g.g_fresh = made;
	g.g_umask = umask(0);
	umask(g.g_umask);
	g.g_euid = geteuid();
	g.g_egid = getegid();
	{
		struct stat rst;

		g.g_plaingid = fstat(g.g_rootfd, &rst) == 0 && !(rst.st_mode & S_ISGID);
	}
	get_tree(&g, img, g.g_rootfd);
	if (made)
		get_attrs(&g, AT_FDCWD, host, g.g_rootfd, &st, img, 0);
	close(g.g_rootfd);
	for (i = 0; i < g.g_nlinks; i++)
		free(g.g_links[i].gl_rel);
	free(g.g_links);
	return g.g_rv;
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
