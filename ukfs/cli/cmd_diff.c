/* cmd_diff.c: ukfs diff IMGPATH HOSTPATH: compare an image tree with a host tree (type, mode, content, link target). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define DIFF_BUFSIZE	(256 * 1024)
#define DIFF_MAXDEPTH	CLI_MAXDEPTH

static int diff_node(struct cli *c, const char *img, const char *host, int depth);

/* 0 same, 1 different, -1 error (reported). */
static int
diff_content(struct cli *c, const char *img, const char *host)
{
	uint8_t *a = NULL, *b = NULL;
	off_t off = 0;
	ssize_t n, m;
	int ifd = -1, hfd = -1, rv = -1;

	if ((a = malloc(DIFF_BUFSIZE)) == NULL || (b = malloc(DIFF_BUFSIZE)) == NULL)
		goto out;
	if ((ifd = ukfs_open(c->c_fs, img, O_RDONLY)) == -1) {
		cli_err(c, img, errno);
		goto out;
	}
	if ((hfd = open(host, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		goto out;
	}
	for (;;) {
		if ((n = ukfs_read_fd(c->c_fs, ifd, off, a, DIFF_BUFSIZE)) == -1) {
			cli_err(c, img, errno);
			goto out;
		}
		if ((m = pread(hfd, b, DIFF_BUFSIZE, off)) == -1) {
			fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
			goto out;
		}
		if (n != m || memcmp(a, b, (size_t)n) != 0) {
			rv = 1;
			goto out;
		}
		if (n == 0)
			break;
		off += n;
	}
	rv = 0;
out:
	if (ifd != -1)
		ukfs_close(c->c_fs, ifd);
	if (hfd != -1)
		close(hfd);
	free(a);
	free(b);
	return rv;
}

static int
diff_links(struct cli *c, const char *img, const char *host)
{
	char a[PATH_MAX], b[PATH_MAX];
	ssize_t n, m;

	if ((n = ukfs_readlink(c->c_fs, img, a, sizeof(a) - 1)) == -1) {
		cli_err(c, img, errno);
		return CLI_FAIL;
	}
	if ((m = readlink(host, b, sizeof(b) - 1)) == -1) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		return CLI_FAIL;
	}
	a[n] = b[m] = '\0';
	if (strcmp(a, b) != 0) {
		printf("%s: link target %s in image, %s on host\n", img, a, b);
		return CLI_FAIL;
	}
	return CLI_OK;
}

static int
diff_dirs(struct cli *c, const char *img, const char *host, int depth)
{
	char ipath[PATH_MAX], hpath[PATH_MAX];
	struct cli_names in;
	struct dirent **hl;
	size_t i = 0;
	int j = 0, hn, cmp, rv = CLI_OK;

	if (depth >= DIFF_MAXDEPTH) {
		cli_errmsg(c, img, "more than %d levels deep", DIFF_MAXDEPTH);
		return CLI_FAIL;
	}
	if (cli_readdir(c, img, false, &in) == -1) {
		cli_err(c, img, errno);
		return CLI_FAIL;
	}
	if ((hn = scandir(host, &hl, NULL, alphasort)) == -1) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		cli_names_free(&in);
		return CLI_FAIL;
	}
	/* Both lists sorted with strcmp (alphasort in the C locale): merge them. */
	while (i < in.n_count || j < hn) {
		if (j < hn && (strcmp(hl[j]->d_name, ".") == 0 || strcmp(hl[j]->d_name, "..") == 0)) {
			j++;
			continue;
		}
		cmp = i >= in.n_count ? 1 : j >= hn ? -1 : strcmp(in.n_names[i], hl[j]->d_name);
		if (cmp < 0) {
			cli_join(ipath, img, in.n_names[i++]);
			printf("only in image: %s\n", ipath);
			rv = CLI_FAIL;
		} else if (cmp > 0) {
			cli_join(hpath, host, hl[j++]->d_name);
			printf("only on host: %s\n", hpath);
			rv = CLI_FAIL;
		} else {
			if (!cli_join(ipath, img, in.n_names[i]) || !cli_join(hpath, host, hl[j]->d_name) ||
			    diff_node(c, ipath, hpath, depth + 1) != CLI_OK)
				rv = CLI_FAIL;
			i++;
			j++;
		}
	}
	for (j = 0; j < hn; j++)
		free(hl[j]);
	free(hl);
	cli_names_free(&in);
	return rv;
}

static int
diff_node(struct cli *c, const char *img, const char *host, int depth)
{
	struct stat ist, hst;
	int rv = CLI_OK, d;

	if (ukfs_lstat(c->c_fs, img, &ist) == -1) {
		cli_err(c, img, errno);
		return CLI_FAIL;
	}
	if (lstat(host, &hst) == -1) {
		fprintf(stderr, "ukfs: %s: %s\n", host, strerror(errno));
		return CLI_FAIL;
	}
	if ((ist.st_mode & S_IFMT) != (hst.st_mode & S_IFMT)) {
		printf("%s: different types in image and on host\n", img);
		return CLI_FAIL;
	}
	if (!S_ISLNK(ist.st_mode) && (ist.st_mode & 07777) != (hst.st_mode & 07777)) {
		printf("%s: mode %04o in image, %04o on host\n", img,
		    (unsigned)(ist.st_mode & 07777), (unsigned)(hst.st_mode & 07777));
		rv = CLI_FAIL;
	}
	switch (ist.st_mode & S_IFMT) {
	case S_IFREG:
		d = ist.st_size != hst.st_size ? 1 : diff_content(c, img, host);
		if (d == 1)
			printf("%s: contents differ\n", img);
		if (d != 0)
			rv = CLI_FAIL;
		break;
	case S_IFLNK:
		if (diff_links(c, img, host) != CLI_OK)
			rv = CLI_FAIL;
		break;
	case S_IFDIR:
		if (diff_dirs(c, img, host, depth) != CLI_OK)
			rv = CLI_FAIL;
		break;
	default:
		if (ist.st_rdev != hst.st_rdev) {
			printf("%s: device numbers differ\n", img);
			rv = CLI_FAIL;
		}
		break;
	}
	return rv;
}

int
cmd_diff(struct cli *c, int argc, char **argv)
{
	if (argc != 3)
		return cli_usage("diff");
	return diff_node(c, argv[1], argv[2], 0);
}
