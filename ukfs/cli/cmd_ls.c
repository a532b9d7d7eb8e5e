/* cmd_ls.c: ukfs ls [-laRd]: list image directories, like ls(1). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "cli.h"

struct ls_opts {
	bool	lo_long, lo_all, lo_recurse, lo_dir;
};

static void ls_entry(struct cli *c, const struct ls_opts *o, const char *path,
    const char *name, const struct stat *st);
static int ls_dir(struct cli *c, const struct ls_opts *o, const char *path, bool header,
    int depth);

static void
ls_entry(struct cli *c, const struct ls_opts *o, const char *path, const char *name,
    const struct stat *st)
{
	char mode[11], when[32], target[PATH_MAX];
	struct tm tm;
	ssize_t n;

	if (!o->lo_long) {
		cli_putname(name);
		putchar('\n');
		return;
	}
	cli_modestr(st->st_mode, mode);
	gmtime_r(&st->st_mtim.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		printf("%s %3ju %5ju %5ju %4u, %4u %s ", mode, (uintmax_t)st->st_nlink,
		    (uintmax_t)st->st_uid, (uintmax_t)st->st_gid, major(st->st_rdev),
		    minor(st->st_rdev), when);
	else
		printf("%s %3ju %5ju %5ju %10jd %s ", mode, (uintmax_t)st->st_nlink,
		    (uintmax_t)st->st_uid, (uintmax_t)st->st_gid, (intmax_t)st->st_size, when);
	cli_putname(name);
	if (S_ISLNK(st->st_mode)) {
		n = ukfs_readlink(c->c_fs, path, target, sizeof(target) - 1);
		if (n >= 0) {
			target[n] = '\0';
			printf(" -> ");
			cli_putname(target);
		}
	}
	printf("\n");
}

static int
ls_dir(struct cli *c, const struct ls_opts *o, const char *path, bool header, int depth)
{
	char sub[PATH_MAX];
	struct cli_names names;
	struct stat st;
	size_t i;
	int rv = CLI_OK;

	if (cli_readdir(c, path, o->lo_all, &names) == -1) {
		cli_err(c, path, errno);
		return CLI_FAIL;
	}
	if (header)
		printf("%s:\n", path);
	for (i = 0; i < names.n_count; i++) {
		if (!o->lo_all && names.n_names[i][0] == '.')
			continue;
		if (!cli_join(sub, path, names.n_names[i])) {
			cli_err(c, names.n_names[i], ENAMETOOLONG);
			rv = CLI_FAIL;
			continue;
		}
		if (ukfs_lstat(c->c_fs, sub, &st) == -1) {
			cli_err(c, sub, errno);
			rv = CLI_FAIL;
			continue;
		}
		ls_entry(c, o, sub, names.n_names[i], &st);
	}
	for (i = 0; o->lo_recurse && i < names.n_count; i++) {
		const char *nm = names.n_names[i];

		if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0 || (!o->lo_all && nm[0] == '.'))
			continue;
		if (!cli_join(sub, path, nm) || ukfs_lstat(c->c_fs, sub, &st) == -1 ||
		    !S_ISDIR(st.st_mode))
			continue;
		printf("\n");
		if (depth >= CLI_MAXDEPTH) {
			cli_errmsg(c, sub, "more than %d levels deep, not listed", CLI_MAXDEPTH);
			rv = CLI_FAIL;
		} else if (ls_dir(c, o, sub, true, depth + 1) != CLI_OK)
			rv = CLI_FAIL;
	}
	cli_names_free(&names);
	return rv;
}

int
cmd_ls(struct cli *c, int argc, char **argv)
{
	struct ls_opts o = { false, false, false, false };
	char *deflt[] = { "." };
	struct stat st;
	int ch, i, rv = CLI_OK;

	while ((ch = getopt(argc, argv, "+laRd")) != -1) {
		switch (ch) {
		case 'l': o.lo_long = true; break;
		case 'a': o.lo_all = true; break;
		case 'R': o.lo_recurse = true; break;
		case 'd': o.lo_dir = true; break;
		default: return cli_usage("ls");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		argc = 1;
		argv = deflt;
	}
	for (i = 0; i < argc; i++) {
		if (ukfs_lstat(c->c_fs, argv[i], &st) == -1) {
			cli_err(c, argv[i], errno);
			rv = CLI_FAIL;
			continue;
		}
		/* A symlink to a directory is listed as the directory unless -l or -d. */
		if (S_ISLNK(st.st_mode) && !o.lo_long && !o.lo_dir) {
			struct stat tst;

			if (ukfs_stat(c->c_fs, argv[i], &tst) == 0 && S_ISDIR(tst.st_mode))
				st = tst;
		}
		if (!S_ISDIR(st.st_mode) || o.lo_dir) {
			ls_entry(c, &o, argv[i], argv[i], &st);
			continue;
		}
		if (i > 0)
			printf("\n");
		if (ls_dir(c, &o, argv[i], argc > 1 || o.lo_recurse, 0) != CLI_OK)
			rv = CLI_FAIL;
	}
	return rv;
}
