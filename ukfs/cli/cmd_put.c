/* cmd_put.c: ukfs put [-r] and write: copy host files and trees (modes, times, symlinks, hard links; owners as root) into the image. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli.h"

/* A host file with several links, by the image path of its first copy. */
struct put_link {
	dev_t	pl_dev;
	ino_t	pl_ino;
	char	*pl_img;
};

struct put_ctx {
	struct cli	*p_c;
	int		p_rv;
	struct put_link	*p_links;
	size_t		p_nlinks, p_caplinks;
};

static void put_fail(struct put_ctx *p, const char *path, int error);
static void put_attrs(struct put_ctx *p, const char *img, const struct stat *st);
static int put_file(struct put_ctx *p, const char *host, const char *img, const struct stat *st);
static void put_node(struct put_ctx *p, const char *host, const char *img);
static void put_tree(struct put_ctx *p, const char *host, const char *img);

static void
put_fail(struct put_ctx *p, const char *path, int error)
{
	cli_err(p->p_c, path, error);
	p->p_rv = CLI_FAIL;
}

/* Owner (as root), mode, times, like get's. */
static void
put_attrs(struct put_ctx *p, const char *img, const struct stat *st)
{
	struct timeval tv[2];
	struct ukfs *fs = p->p_c->c_fs;

	tv[0].tv_sec = st->st_atim.tv_sec;
	tv[0].tv_usec = st->st_atim.tv_nsec / 1000;
	tv[1].tv_sec = st->st_mtim.tv_sec;
	tv[1].tv_usec = st->st_mtim.tv_nsec / 1000;
	if (p->p_c->c_root && ukfs_lchown(fs, img, st->st_uid, st->st_gid) == -1)
		put_fail(p, img, errno);
	if (!S_ISLNK(st->st_mode) && ukfs_chmod(fs, img, st->st_mode & 07777) == -1)
		put_fail(p, img, errno);
	if (ukfs_lutimes(fs, img, tv) == -1)
		put_fail(p, img, errno);
}

/* Create or truncate img and fill it from host. */
static int
put_file(struct put_ctx *p, const char *host, const char *img, const struct stat *st)
{
	const char *where;
	int fd, ifd, rv = 0;

	if ((fd = open(host, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		p->p_rv = CLI_FAIL;
		return -1;
	}
	ifd = ukfs_open(p->p_c->c_fs, img, O_WRONLY | O_CREAT | O_TRUNC);
	if (ifd == -1) {
		put_fail(p, img, errno);
		close(fd);
		return -1;
	}
	if (cli_copyin(p->p_c, fd, ifd, &where) == -1) {
		if (*where == 'h')
			fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		else
			cli_err(p->p_c, img, errno);
		p->p_rv = CLI_FAIL;
		rv = -1;
	}
	if (ukfs_close(p->p_c->c_fs, ifd) == -1 && rv == 0) {
		put_fail(p, img, errno);
		rv = -1;
	}
	close(fd);
	if (rv == 0 && st != NULL)
		put_attrs(p, img, st);
	return rv;
}

/* A hard link to the first copy of the same host file, if there was one. */
static bool
put_link_find(struct put_ctx *p, const struct stat *st, const char *img)
{
	size_t i;

	for (i = 0; i < p->p_nlinks; i++) {
		if (p->p_links[i].pl_dev != st->st_dev || p->p_links[i].pl_ino != st->st_ino)
			continue;
		(void)ukfs_remove(p->p_c->c_fs, img);
		if (ukfs_link(p->p_c->c_fs, p->p_links[i].pl_img, img) == -1) {
			put_fail(p, img, errno);
		}
		return true;
	}
	return false;
}

static void
put_link_add(struct put_ctx *p, const struct stat *st, const char *img)
{
	struct put_link *nl;

	if (p->p_nlinks == p->p_caplinks) {
		size_t cap = p->p_caplinks ? 2 * p->p_caplinks : 16;

		if ((nl = realloc(p->p_links, cap * sizeof(*nl))) == NULL)
			return;
		p->p_links = nl;
		p->p_caplinks = cap;
	}
	if ((p->p_links[p->p_nlinks].pl_img = strdup(img)) == NULL)
		return;
	p->p_links[p->p_nlinks].pl_dev = st->st_dev;
	p->p_links[p->p_nlinks].pl_ino = st->st_ino;
	p->p_nlinks++;
}

static void
put_node(struct put_ctx *p, const char *host, const char *img)
{
	struct ukfs *fs = p->p_c->c_fs;
	char target[PATH_MAX];
	struct stat st, ist;
	ssize_t n;

	if (lstat(host, &st) == -1) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		p->p_rv = CLI_FAIL;
		return;
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		if (ukfs_mkdir(fs, img, 0700) == -1 &&
		    (errno != EEXIST || ukfs_stat(fs, img, &ist) == -1 || !S_ISDIR(ist.st_mode))) {
			put_fail(p, img, errno == 0 ? ENOTDIR : errno);
			return;
		}
		put_tree(p, host, img);
		put_attrs(p, img, &st);
		return;
	case S_IFREG:
		if (st.st_nlink > 1 && put_link_find(p, &st, img))
			return;
		if (put_file(p, host, img, &st) == 0 && st.st_nlink > 1)
			put_link_add(p, &st, img);
		return;
	case S_IFLNK:
		if ((n = readlink(host, target, sizeof(target) - 1)) == -1) {
			fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
			p->p_rv = CLI_FAIL;
			return;
		}
		target[n] = '\0';
		(void)ukfs_remove(fs, img);
		if (ukfs_symlink(fs, target, img) == -1) {
			put_fail(p, img, errno);
			return;
		}
		put_attrs(p, img, &st);
		return;
	default:
		(void)ukfs_remove(fs, img);
		if (ukfs_mknod(fs, img, st.st_mode, st.st_rdev) == -1) {
			put_fail(p, img, errno);
			return;
		}
		put_attrs(p, img, &st);
		return;
	}
}

static void
put_tree(struct put_ctx *p, const char *host, const char *img)
{
	char hpath[PATH_MAX], ipath[PATH_MAX];
	struct dirent **list;
	int i, n;

	if ((n = scandir(host, &list, NULL, alphasort)) == -1) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		p->p_rv = CLI_FAIL;
		return;
	}
	for (i = 0; i < n; i++) {
		const char *name = list[i]->d_name;

		if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
			if (!cli_join(hpath, host, name) || !cli_join(ipath, img, name))
				put_fail(p, name, ENAMETOOLONG);
			else
				put_node(p, hpath, ipath);
		}
		free(list[i]);
	}
	free(list);
}

int
cmd_put(struct cli *c, int argc, char **argv)
{
	struct put_ctx p = { .p_c = c, .p_rv = CLI_OK };
	char dest[PATH_MAX];
	struct stat st, ist;
	const char *img;
	bool recurse = false;
	size_t i;
	int ch;

	while ((ch = getopt(argc, argv, "+r")) != -1) {
		if (ch != 'r')
			return cli_usage("put");
		recurse = true;
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		return cli_usage("put");
	if (stat(argv[0], &st) == -1) {
		fprintf(stderr, "ukfs: %s: %s\n", argv[0], strerror(errno));
		return CLI_FAIL;
	}
	img = argv[1];
	if (S_ISDIR(st.st_mode)) {
		if (!recurse) {
			fprintf(stderr, "ukfs: %s: is a directory (use put -r)\n", argv[0]);
			return CLI_FAIL;
		}
		/* The contents of HOSTDIR go into IMGDIR. */
		put_node(&p, argv[0], img);
	} else {
		if (ukfs_stat(c->c_fs, img, &ist) == 0 && S_ISDIR(ist.st_mode)) {
			if (!cli_join(dest, img, cli_basename(argv[0]))) {
				cli_err(c, img, ENAMETOOLONG);
				return CLI_FAIL;
			}
			img = dest;
		}
		(void)put_file(&p, argv[0], img, &st);
	}
	for (i = 0; i < p.p_nlinks; i++)
		free(p.p_links[i].pl_img);
	free(p.p_links);
	return p.p_rv;
}

/* write IMGPATH: standard input into a new or truncated file (mode 0644 when new). */
int
cmd_write(struct cli *c, int argc, char **argv)
{
	struct put_ctx p = { .p_c = c, .p_rv = CLI_OK };
	struct stat st;
	const char *where;
	int ifd;

	if (argc != 2)
		return cli_usage("write");
	if (ukfs_stat(c->c_fs, argv[1], &st) == -1 && errno == ENOENT &&
	    ukfs_create(c->c_fs, argv[1], 0644) == -1) {
		cli_err(c, argv[1], errno);
		return CLI_FAIL;
	}
	if ((ifd = ukfs_open(c->c_fs, argv[1], O_WRONLY | O_TRUNC)) == -1) {
		cli_err(c, argv[1], errno);
		return CLI_FAIL;
	}
	if (cli_copyin(c, STDIN_FILENO, ifd, &where) == -1)
		put_fail(&p, *where == 'h' ? "<stdin>" : argv[1], errno);
	if (ukfs_close(c->c_fs, ifd) == -1)
		put_fail(&p, argv[1], errno);
	return p.p_rv;
}
