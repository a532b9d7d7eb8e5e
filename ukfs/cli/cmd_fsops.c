/* cmd_fsops.c: the commands that change names and attributes: mkdir, rm, rmdir, mv, ln, chmod, chown, touch. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int rm_tree(struct cli *c, const char *path, int depth);

int
cmd_mkdir(struct cli *c, int argc, char **argv)
{
	bool parents = false;
	mode_t mode = 0755;
	char *end;
	int ch, i, rv = CLI_OK;

	while ((ch = getopt(argc, argv, "+pm:")) != -1) {
		switch (ch) {
		case 'p':
			parents = true;
			break;
		case 'm':
			mode = (mode_t)strtoul(optarg, &end, 8);
			if (*end != '\0' || *optarg == '\0' || mode > 07777)
				return cli_usage("mkdir");
			break;
		default:
			return cli_usage("mkdir");
		}
	}
	if (optind >= argc)
		return cli_usage("mkdir");
	for (i = optind; i < argc; i++) {
		int r = parents ? ukfs_util_builddirs(c->c_fs, argv[i], mode) :
		    ukfs_mkdir(c->c_fs, argv[i], mode);
		if (r == -1) {
			cli_err(c, argv[i], errno);
			rv = CLI_FAIL;
		}
	}
	return rv;
}

/* Depth first: contents, then the directory. */
static int
rm_tree(struct cli *c, const char *path, int depth)
{
	struct cli_names names;
	char sub[PATH_MAX];
	struct stat st;
	size_t i;
	int rv = CLI_OK;

	if (ukfs_lstat(c->c_fs, path, &st) == -1) {
		cli_err(c, path, errno);
		return CLI_FAIL;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (ukfs_remove(c->c_fs, path) == -1) {
			cli_err(c, path, errno);
			return CLI_FAIL;
		}
		return CLI_OK;
	}
	if (depth >= CLI_MAXDEPTH) {
		cli_errmsg(c, path, "more than %d levels deep, not removed", CLI_MAXDEPTH);
		return CLI_FAIL;
	}
	if (cli_readdir(c, path, false, &names) == -1) {
		cli_err(c, path, errno);
		return CLI_FAIL;
	}
	for (i = 0; i < names.n_count; i++) {
		if (strchr(names.n_names[i], '/') != NULL || !cli_join(sub, path, names.n_names[i])) {
			cli_errmsg(c, path, "cannot remove entry \"%s\"", names.n_names[i]);
			rv = CLI_FAIL;
		} else if (rm_tree(c, sub, depth + 1) != CLI_OK)
			rv = CLI_FAIL;
	}
	cli_names_free(&names);
	if (rv == CLI_OK && ukfs_rmdir(c->c_fs, path) == -1) {
		cli_err(c, path, errno);
		rv = CLI_FAIL;
	}
	return rv;
}

int
cmd_rm(struct cli *c, int argc, char **argv)
{
	bool recurse = false, force = false;
	struct stat st;
	int ch, i, rv = CLI_OK;

	while ((ch = getopt(argc, argv, "+rRf")) != -1) {
		switch (ch) {
		case 'r':
		case 'R':
			recurse = true;
			break;
		case 'f':
			force = true;
			break;
		default:
			return cli_usage("rm");
		}
	}
	if (optind >= argc)
		return cli_usage("rm");
	for (i = optind; i < argc; i++) {
		if (ukfs_lstat(c->c_fs, argv[i], &st) == -1) {
			if (!(force && errno == ENOENT)) {
				cli_err(c, argv[i], errno);
				rv = CLI_FAIL;
			}
			continue;
		}
		if (S_ISDIR(st.st_mode) && !recurse) {
			cli_errmsg(c, argv[i], "is a directory (use rm -r)");
			rv = CLI_FAIL;
		} else if (recurse) {
			if (rm_tree(c, argv[i], 0) != CLI_OK)
				rv = CLI_FAIL;
		} else if (ukfs_remove(c->c_fs, argv[i]) == -1) {
			cli_err(c, argv[i], errno);
			rv = CLI_FAIL;
		}
	}
	return rv;
}

int
cmd_rmdir(struct cli *c, int argc, char **argv)
{
	int i, rv = CLI_OK;

	if (argc < 2)
		return cli_usage("rmdir");
	for (i = 1; i < argc; i++) {
		if (ukfs_rmdir(c->c_fs, argv[i]) == -1) {
			cli_err(c, argv[i], errno);
			rv = CLI_FAIL;
		}
	}
	return rv;
}

int
cmd_mv(struct cli *c, int argc, char **argv)
{
	char dest[PATH_MAX];
	const char *to;
	struct stat st;

	if (argc != 3)
		return cli_usage("mv");
	to = argv[2];
	if (ukfs_stat(c->c_fs, to, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (!cli_join(dest, to, cli_basename(argv[1]))) {
			cli_err(c, to, ENAMETOOLONG);
			return CLI_FAIL;
		}
		to = dest;
	}
	if (ukfs_rename(c->c_fs, argv[1], to) == -1) {
		cli_errmsg(c, argv[1], "cannot move to %s: %s", to, strerror(errno));
		return CLI_FAIL;
	}
	return CLI_OK;
}

int
cmd_ln(struct cli *c, int argc, char **argv)
{
	bool sym = false;
	int ch;

	while ((ch = getopt(argc, argv, "+s")) != -1) {
		if (ch != 's')
			return cli_usage("ln");
		sym = true;
	}
	if (argc - optind != 2)
		return cli_usage("ln");
	if ((sym ? ukfs_symlink(c->c_fs, argv[optind], argv[optind + 1]) :
	    ukfs_link(c->c_fs, argv[optind], argv[optind + 1])) == -1) {
		cli_err(c, argv[optind + 1], errno);
		return CLI_FAIL;
	}
	return CLI_OK;
}

int
cmd_chmod(struct cli *c, int argc, char **argv)
{
	unsigned long mode;
	char *end;
	int i, rv = CLI_OK;

	if (argc < 3)
		return cli_usage("chmod");
	mode = strtoul(argv[1], &end, 8);
	if (*end != '\0' || argv[1][0] == '\0' || mode > 07777) {
		fprintf(stderr, "ukfs: chmod: '%s' is not an octal mode\n", argv[1]);
		return CLI_USAGE;
	}
	for (i = 2; i < argc; i++) {
		if (ukfs_chmod(c->c_fs, argv[i], (mode_t)mode) == -1) {
			cli_err(c, argv[i], errno);
			rv = CLI_FAIL;
		}
	}
	return rv;
}

/* "UID", "UID:GID" or ":GID", numeric. */
static bool
parse_owner(const char *s, uid_t *uidp, gid_t *gidp)
{
	const char *colon = strchr(s, ':');
	unsigned long v;
	char *end;

	*uidp = (uid_t)-1;
	*gidp = (gid_t)-1;
	if (s[0] != ':') {
		v = strtoul(s, &end, 10);
		if (end == s || (*end != '\0' && *end != ':') || v >= (uid_t)-1)
			return false;
		*uidp = (uid_t)v;
	}
	if (colon != NULL) {
		v = strtoul(colon + 1, &end, 10);
		if (end == colon + 1 || *end != '\0' || v >= (gid_t)-1)
			return false;
		*gidp = (gid_t)v;
	}
	return true;
}

int
cmd_chown(struct cli *c, int argc, char **argv)
{
	bool nofollow = false;
	uid_t uid;
	gid_t gid;
	int ch, i, rv = CLI_OK;

	while ((ch = getopt(argc, argv, "+h")) != -1) {
		if (ch != 'h')
			return cli_usage("chown");
		nofollow = true;
	}
	if (argc - optind < 2)
		return cli_usage("chown");
	if (!parse_owner(argv[optind], &uid, &gid)) {
		fprintf(stderr, "ukfs: chown: '%s' is not UID[:GID] (numbers)\n", argv[optind]);
		return CLI_USAGE;
	}
	for (i = optind + 1; i < argc; i++) {
		if ((nofollow ? ukfs_lchown(c->c_fs, argv[i], uid, gid) :
		    ukfs_chown(c->c_fs, argv[i], uid, gid)) == -1) {
			cli_err(c, argv[i], errno);
			rv = CLI_FAIL;
		}
	}
	return rv;
}

int
cmd_touch(struct cli *c, int argc, char **argv)
{
	struct stat st;
	int i, rv = CLI_OK;

	if (argc < 2)
		return cli_usage("touch");
	for (i = 1; i < argc; i++) {
		if (ukfs_stat(c->c_fs, argv[i], &st) == -1) {
			if (errno != ENOENT || ukfs_create(c->c_fs, argv[i], 0644) == -1) {
				cli_err(c, argv[i], errno);
				rv = CLI_FAIL;
			}
			continue;
		}
		if (ukfs_utimes(c->c_fs, argv[i], NULL) == -1) {
			cli_err(c, argv[i], errno);
			rv = CLI_FAIL;
		}
	}
	return rv;
}

int
cmd_cd(struct cli *c, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage("cd");
	if (ukfs_chdir(c->c_fs, argv[1]) == -1) {
		cli_err(c, argv[1], errno);
		return CLI_FAIL;
	}
	return CLI_OK;
}
