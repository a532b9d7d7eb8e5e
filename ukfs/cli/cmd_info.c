/* cmd_info.c: the commands that only look: stat, find, du, df. */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "cli.h"

#define WALK_MAXDEPTH	CLI_MAXDEPTH

struct find_opts {
	const char	*fo_name;	/* glob on the last component, or NULL */
	int		fo_type;	/* S_IFMT value, or 0 */
};

static const char *stat_type(mode_t mode);
static void stat_time(const char *label, const struct timespec *ts);
static int find_walk(struct cli *c, const struct find_opts *o, const char *path, int depth);
struct du_seen;
static int du_walk(struct cli *c, struct du_seen *ds, const char *path, bool print, int depth,
    uint64_t *kbp);

static const char *
stat_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "regular file";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symbolic link";
	case S_IFCHR: return "character device";
	case S_IFBLK: return "block device";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "socket";
	default: return "unknown";
	}
}

static void
stat_time(const char *label, const struct timespec *ts)
{
	char buf[64];
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	printf("%s: %s.%09ld UTC\n", label, buf, ts->tv_nsec);
}

int
cmd_stat(struct cli *c, int argc, char **argv)
{
	char mode[11], target[PATH_MAX];
	struct stat st;
	ssize_t n;
	int i, rv = CLI_OK;

	if (argc < 2)
		return cli_usage("stat");
	for (i = 1; i < argc; i++) {
		if (ukfs_lstat(c->c_fs, argv[i], &st) == -1) {
			cli_err(c, argv[i], errno);
			rv = CLI_FAIL;
			continue;
		}
		cli_modestr(st.st_mode, mode);
		printf("File: %s", argv[i]);
		if (S_ISLNK(st.st_mode) &&
		    (n = ukfs_readlink(c->c_fs, argv[i], target, sizeof(target) - 1)) >= 0) {
			target[n] = '\0';
			printf(" -> %s", target);
		}
		printf("\nType: %s\nInode: %ju\nLinks: %ju\nSize: %jd\nBlocks: %jd\n",
		    stat_type(st.st_mode), (uintmax_t)st.st_ino, (uintmax_t)st.st_nlink,
		    (intmax_t)st.st_size, (intmax_t)st.st_blocks);
		printf("Mode: %04o (%s)\nUid: %ju\nGid: %ju\n", (unsigned)(st.st_mode & 07777), mode,
		    (uintmax_t)st.st_uid, (uintmax_t)st.st_gid);
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			printf("Device: %u,%u\n", major(st.st_rdev), minor(st.st_rdev));
		stat_time("Access", &st.st_atim);
		stat_time("Modify", &st.st_mtim);
		stat_time("Change", &st.st_ctim);
	}
	return rv;
}

static int
find_walk(struct cli *c, const struct find_opts *o, const char *path, int depth)
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
	if ((o->fo_name == NULL || fnmatch(o->fo_name, cli_basename(path), 0) == 0) &&
	    (o->fo_type == 0 || (int)(st.st_mode & S_IFMT) == o->fo_type)) {
		cli_putname(path);
		putchar('\n');
	}
	if (!S_ISDIR(st.st_mode))
		return CLI_OK;
	if (depth >= WALK_MAXDEPTH) {
		cli_errmsg(c, path, "more than %d levels deep, not descended", WALK_MAXDEPTH);
		return CLI_FAIL;
	}
	if (cli_readdir(c, path, false, &names) == -1) {
		cli_err(c, path, errno);
		return CLI_FAIL;
	}
	for (i = 0; i < names.n_count; i++) {
		if (strchr(names.n_names[i], '/') != NULL || !cli_join(sub, path, names.n_names[i])) {
			cli_errmsg(c, path, "bad entry \"%s\"", names.n_names[i]);
			rv = CLI_FAIL;
		} else if (find_walk(c, o, sub, depth + 1) != CLI_OK)
			rv = CLI_FAIL;
	}
	cli_names_free(&names);
	return rv;
}

int
cmd_find(struct cli *c, int argc, char **argv)
{
	struct find_opts o = { NULL, 0 };
	const char *start = ".";
	int i = 1;

	if (i < argc && argv[i][0] != '-')
		start = argv[i++];
	for (; i < argc; i += 2) {
		if (i + 1 >= argc)
			return cli_usage("find");
		if (strcmp(argv[i], "-name") == 0)
			o.fo_name = argv[i + 1];
		else if (strcmp(argv[i], "-type") == 0 && strlen(argv[i + 1]) == 1) {
			switch (argv[i + 1][0]) {
			case 'f': o.fo_type = S_IFREG; break;
			case 'd': o.fo_type = S_IFDIR; break;
			case 'l': o.fo_type = S_IFLNK; break;
			case 'p': o.fo_type = S_IFIFO; break;
			case 'c': o.fo_type = S_IFCHR; break;
			case 'b': o.fo_type = S_IFBLK; break;
			case 's': o.fo_type = S_IFSOCK; break;
			default: return cli_usage("find");
			}
		} else
			return cli_usage("find");
	}
	return find_walk(c, &o, start, 0);
}

/* Inodes with several links already counted, so du counts each file once (as du(1)). */
struct du_seen {
	ino_t	*ds_inos;
	size_t	ds_count, ds_cap;
};

static bool
du_seen_before(struct du_seen *ds, ino_t ino)
{
	ino_t *n;
	size_t i;

	for (i = 0; i < ds->ds_count; i++)
		if (ds->ds_inos[i] == ino)
			return true;
	if (ds->ds_count == ds->ds_cap) {
		ds->ds_cap = ds->ds_cap ? 2 * ds->ds_cap : 64;
		if ((n = realloc(ds->ds_inos, ds->ds_cap * sizeof(*n))) == NULL)
			return false;
		ds->ds_inos = n;
	}
	ds->ds_inos[ds->ds_count++] = ino;
	return false;
}

/* KiB allocated at and below path (st_blocks); directories printed unless summary. */
static int
du_walk(struct cli *c, struct du_seen *ds, const char *path, bool print, int depth, uint64_t *kbp)
{
	struct cli_names names;
	char sub[PATH_MAX];
	struct stat st;
	uint64_t kb;
	size_t i;
	int rv = CLI_OK;

	if (ukfs_lstat(c->c_fs, path, &st) == -1) {
		cli_err(c, path, errno);
		return CLI_FAIL;
	}
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 && du_seen_before(ds, st.st_ino))
		return CLI_OK;
	kb = (uint64_t)st.st_blocks / 2;
	if (S_ISDIR(st.st_mode) && depth >= WALK_MAXDEPTH) {
		cli_errmsg(c, path, "more than %d levels deep, not descended", WALK_MAXDEPTH);
		rv = CLI_FAIL;
	} else if (S_ISDIR(st.st_mode)) {
		if (cli_readdir(c, path, false, &names) == -1) {
			cli_err(c, path, errno);
			return CLI_FAIL;
		}
		for (i = 0; i < names.n_count; i++) {
			if (strchr(names.n_names[i], '/') != NULL ||
			    !cli_join(sub, path, names.n_names[i]))
				rv = CLI_FAIL;
			else if (du_walk(c, ds, sub, print, depth + 1, &kb) != CLI_OK)
				rv = CLI_FAIL;
		}
		cli_names_free(&names);
		if (print)
			printf("%ju\t%s\n", (uintmax_t)kb, path);
	}
	*kbp += kb;
	return rv;
}

int
cmd_du(struct cli *c, int argc, char **argv)
{
	struct du_seen ds = { NULL, 0, 0 };
	bool summary = false;
	uint64_t kb = 0;
	const char *path = ".";
	int ch, rv;

	while ((ch = getopt(argc, argv, "+s")) != -1) {
		if (ch != 's')
			return cli_usage("du");
		summary = true;
	}
	if (argc - optind > 1)
		return cli_usage("du");
	if (optind < argc)
		path = argv[optind];
	rv = du_walk(c, &ds, path, !summary, 0, &kb);
	free(ds.ds_inos);
	if (summary)
		printf("%ju\t%s\n", (uintmax_t)kb, path);
	return rv;
}

int
cmd_df(struct cli *c, int argc, char **argv)
{
	struct statvfs sv;
	uint64_t fr;

	(void)argv;
	if (argc != 1)
		return cli_usage("df");
	if (ukfs_statvfs(c->c_fs, "/", &sv) == -1) {
		cli_err(c, "/", errno);
		return CLI_FAIL;
	}
	fr = sv.f_frsize ? sv.f_frsize : sv.f_bsize;
	printf("%-10s %12s %12s %12s %10s %10s\n", "Type", "1K-blocks", "Used", "Available",
	    "Inodes", "IFree");
	printf("%-10s %12ju %12ju %12ju %10ju %10ju\n", c->c_fstype,
	    (uintmax_t)(sv.f_blocks * fr / 1024), (uintmax_t)((sv.f_blocks - sv.f_bfree) * fr / 1024),
	    (uintmax_t)(sv.f_bavail * fr / 1024), (uintmax_t)sv.f_files, (uintmax_t)sv.f_ffree);
	return CLI_OK;
}
