/* ukfs_main.c: the ukfs tool: options, mounting the image (read-only unless the command writes), the command table. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <rump/rump.h>

#include "cli.h"

static const struct cli_cmd cli_cmds[] = {
	{ "ls", cmd_ls, false, "[-laRd] [PATH...]", "list directories, default . (-l long, -a dot files, -R recursive, -d the directory itself)" },
	{ "cat", cmd_cat, false, "PATH...", "print files" },
	{ "get", cmd_get, false, "[-r] IMGPATH HOSTPATH|-", "copy a file (or with -r a tree, into HOSTPATH) out of the image" },
	{ "put", cmd_put, true, "[-r] HOSTPATH IMGPATH", "copy a file (or with -r a tree, into IMGPATH) into the image" },
	{ "write", cmd_write, true, "IMGPATH", "write standard input to a file in the image" },
	{ "mkdir", cmd_mkdir, true, "[-p] [-m MODE] DIR...", "make directories (-p: with parents, no error if present)" },
	{ "rm", cmd_rm, true, "[-rf] PATH...", "remove files (-r: directories and their contents; -f: no error if missing)" },
	{ "rmdir", cmd_rmdir, true, "DIR...", "remove empty directories" },
	{ "mv", cmd_mv, true, "FROM TO", "rename (into TO when it is a directory)" },
	{ "ln", cmd_ln, true, "[-s] TARGET LINK", "make a hard link (-s: a symbolic link)" },
	{ "chmod", cmd_chmod, true, "OCTALMODE PATH...", "change permissions" },
	{ "chown", cmd_chown, true, "UID[:GID] PATH...", "change owner (numeric ids; -h: do not follow a symlink)" },
	{ "touch", cmd_touch, true, "PATH...", "create files or set their times to now" },
	{ "stat", cmd_stat, false, "PATH...", "show inode attributes" },
	{ "find", cmd_find, false, "[PATH] [-name GLOB] [-type f|d|l|p|c|b|s]", "list a tree, filtered" },
	{ "du", cmd_du, false, "[-s] [PATH]", "space used by a tree, in KiB" },
	{ "df", cmd_df, false, "", "size and free space of the file system" },
	{ "diff", cmd_diff, false, "IMGPATH HOSTPATH", "compare an image tree with a host tree (type, mode, content, link targets)" },
	{ "check", cmd_check, false, "", "check the file system's consistency" },
	{ "cd", cmd_cd, false, "DIR", "set the directory relative image paths start from (for sh scripts)" },
	{ "sh", cmd_sh, false, "[FILE]", "run one command a line from FILE or standard input, in one kernel" },
};

static void usage_all(FILE *f);
static int mount_image(struct cli *c, const char *fstype, const char *opts, bool writes);

const struct cli_cmd *
cli_findcmd(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(cli_cmds) / sizeof(cli_cmds[0]); i++)
		if (strcmp(cli_cmds[i].cc_name, name) == 0)
			return &cli_cmds[i];
	return NULL;
}

static void
usage_all(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ukfs [-t ext2fs|ffs] [-o ro,rw,sync,noatime,force,nolock] IMAGE COMMAND [ARGS]\n"
	    "IMAGE may end in %%MBR:n%%, %%GPT:n%%, %%DISKLABEL:a%% or %%OFFSET:start,size%%.\n"
	    "The image is mounted read-only unless the command writes.  'ukfs COMMAND --help' for one.\n"
	    "Exit status: 0 success, 1 an operation failed, 2 usage error.\n\ncommands:\n");
	for (i = 0; i < sizeof(cli_cmds) / sizeof(cli_cmds[0]); i++)
		fprintf(f, "  %-6s %-40s %s\n", cli_cmds[i].cc_name, cli_cmds[i].cc_usage,
		    cli_cmds[i].cc_help);
}

int
cli_usage(const char *cmd)
{
	const struct cli_cmd *cc = cli_findcmd(cmd);

	if (cc == NULL)
		usage_all(stderr);
	else
		fprintf(stderr, "usage: ukfs IMAGE %s %s\n", cc->cc_name, cc->cc_usage);
	return CLI_USAGE;
}

void
cli_getopt_reset(void)
{
	optind = 0;	/* glibc: full re-initialisation */
	opterr = 1;
}

void
cli_err(struct cli *c, const char *path, int error)
{
	if (path != NULL)
		fprintf(stderr, "ukfs: %s: %s: %s\n", c->c_image, path, strerror(error));
	else
		fprintf(stderr, "ukfs: %s: %s\n", c->c_image, strerror(error));
}

void
cli_errmsg(struct cli *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (path != NULL)
		fprintf(stderr, "ukfs: %s: %s: ", c->c_image, path);
	else
		fprintf(stderr, "ukfs: %s: ", c->c_image);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_run(struct cli *c, int argc, char **argv)
{
	const struct cli_cmd *cc = cli_findcmd(argv[0]);

	if (cc == NULL) {
		fprintf(stderr, "ukfs: unknown command '%s'\n", argv[0]);
		return CLI_USAGE;
	}
	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: ukfs IMAGE %s %s\n  %s\n", cc->cc_name, cc->cc_usage, cc->cc_help);
		return CLI_OK;
	}
	cli_getopt_reset();
	return cc->cc_fn(c, argc, argv);
}

/* Options: ro, rw, sync, noatime, force, nolock; unknown ones are a usage error. */
static int
parse_opts(const char *opts, int *flagsp, int *forcerwp)
{
	char buf[256], *tok, *save;

	if (opts == NULL)
		return 0;
	if (strlen(opts) >= sizeof(buf))
		return -1;
	strcpy(buf, opts);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "ro") == 0)
			*forcerwp = -1;
		else if (strcmp(tok, "rw") == 0)
			*forcerwp = 1;
		else if (strcmp(tok, "sync") == 0)
			*flagsp |= RUMP_MNT_SYNCHRONOUS;
		else if (strcmp(tok, "noatime") == 0)
			*flagsp |= RUMP_MNT_NOATIME;
		else if (strcmp(tok, "force") == 0)
			*flagsp |= RUMP_MNT_FORCE;
		else if (strcmp(tok, "nolock") == 0)
			*flagsp |= UKFS_MNT_NOLOCK;
		else {
			fprintf(stderr, "ukfs: unknown mount option '%s'\n", tok);
			return -1;
		}
	}
	return 0;
}

/* Who holds the image, when the host lets us see it. */
void
cli_image_busy(struct cli *c, const char *hostpath)
{
	int pid, writer;

	if (rump_pub_etfs_holder(hostpath, &pid, &writer) == 0)
		cli_errmsg(c, NULL, "image in use (%s by pid %d)", writer ? "read-write" : "read-only", pid);
	else
		cli_errmsg(c, NULL, "image in use by another process");
}

static int
mount_image(struct cli *c, const char *fstype, const char *opts, bool writes)
{
	char path[PATH_MAX];
	struct ukfs_part *part;
	struct stat st;
	uint64_t off, size;
	int flags = 0, rw = 0, error;

	if (parse_opts(opts, &flags, &rw) == -1)
		return CLI_USAGE;
	if (rw < 0 && writes) {
		fprintf(stderr, "ukfs: %s: this command writes, but -o ro was given\n", c->c_image);
		return CLI_USAGE;
	}
	if (!writes && rw <= 0)
		flags |= RUMP_MNT_RDONLY;
	if ((flags & UKFS_MNT_NOLOCK) && !(flags & RUMP_MNT_RDONLY)) {
		fprintf(stderr, "ukfs: %s: nolock is for reading: not with -o rw or a command that writes\n",
		    c->c_image);
		return CLI_USAGE;
	}
	c->c_rdonly = (flags & RUMP_MNT_RDONLY) != 0;
	if (strlen(c->c_image) >= sizeof(path)) {
		cli_err(c, NULL, ENAMETOOLONG);
		return CLI_FAIL;
	}
	strcpy(path, c->c_image);
	if (ukfs_part_probe(path, &part) == -1) {
		error = errno;
		cli_errmsg(c, NULL, "bad partition: %s", strerror(error));
		return CLI_FAIL;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_errmsg(c, NULL, "is a directory, not an image");
		ukfs_part_release(part);
		return CLI_FAIL;
	}
	if (fstype == NULL) {
		(void)ukfs_part_range(part, &off, &size);
		if ((fstype = ukfs_detect(path, off)) == NULL) {
			if (access(path, R_OK) == -1)
				cli_errmsg(c, NULL, "cannot open: %s", strerror(errno));
			else
				cli_errmsg(c, NULL, "no ext2 or FFS superblock found (try -t)");
			ukfs_part_release(part);
			return CLI_FAIL;
		}
	}
	c->c_fstype = fstype;
	c->c_fs = ukfs_mount_disk(fstype, path, part, NULL, flags, NULL, 0);
	error = errno;
	ukfs_part_release(part);
	if (c->c_fs == NULL) {
		if (error == EBUSY)
			cli_image_busy(c, path);
		else
			cli_errmsg(c, NULL, "cannot mount as %s: %s", fstype,
			    error == ENODEV ? "this file-system type is not available" : strerror(error));
		return CLI_FAIL;
	}
	return CLI_OK;
}

/*
 * A read-only mount has nothing to write back, so the tool leaves it
 * mounted at exit: the host takes the process's memory in one go, where
 * an unmount frees every vnode and buffer one by one (a fifth of the
 * time of a short command).  Sanitizer builds tear down fully, so leak
 * checks still cover the whole path.
 */
#if defined(__SANITIZE_ADDRESS__)
#define CLI_FAST_EXIT	false
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CLI_FAST_EXIT	false
#endif
#endif
#ifndef CLI_FAST_EXIT
#define CLI_FAST_EXIT	true
#endif

int
main(int argc, char **argv)
{
	struct cli c = { .c_root = geteuid() == 0 };
	struct cli_script *script = NULL;
	const struct cli_cmd *cc;
	const char *fstype = NULL, *opts = NULL;
	bool writes;
	int ch, rv;

	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		usage_all(stdout);
		return CLI_OK;
	}
	while ((ch = getopt(argc, argv, "+t:o:h")) != -1) {
		switch (ch) {
		case 't':
			fstype = optarg;
			if (strcmp(fstype, MOUNT_EXT2FS) != 0 && strcmp(fstype, MOUNT_FFS) != 0) {
				fprintf(stderr, "ukfs: -t: unknown file-system type '%s' (ext2fs or ffs)\n",
				    fstype);
				return CLI_USAGE;
			}
			break;
		case 'o':
			opts = optarg;
			break;
		case 'h':
			usage_all(stdout);
			return CLI_OK;
		default:
			usage_all(stderr);
			return CLI_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	/* "ukfs COMMAND --help" works without an image. */
	if (argc >= 1 && cli_findcmd(argv[0]) != NULL && (argc == 1 || strcmp(argv[1], "--help") == 0))
		return argc == 2 ? cli_run(&c, argc, argv) : cli_usage(argv[0]);
	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		usage_all(stdout);
		return CLI_OK;
	}
	if (argc < 2) {
		usage_all(stderr);
		return CLI_USAGE;
	}
	c.c_image = argv[0];
	argc--;
	argv++;
	if ((cc = cli_findcmd(argv[0])) == NULL) {
		fprintf(stderr, "ukfs: unknown command '%s'\n", argv[0]);
		usage_all(stderr);
		return CLI_USAGE;
	}
	if (argc >= 2 && strcmp(argv[1], "--help") == 0)
		return cli_run(&c, argc, argv);
	writes = cc->cc_writes;
	/* One thread works here: one virtual CPU and its lock-free locks, unless asked otherwise. */
	setenv("RUMP_NCPU", "1", 0);
	if (cc->cc_fn == cmd_check) {
		if (argc != 1)
			return cli_usage("check");
		rv = cli_check(&c, fstype);
		rump_shutdown();
		return rv;
	}
	if (cc->cc_fn == cmd_sh) {
		if (argc > 2)
			return cli_usage("sh");
		if ((rv = cli_script_load(argc == 2 ? argv[1] : NULL, &script, &writes)) != CLI_OK)
			return rv;
	}
	if (ukfs_init() == -1) {
		fprintf(stderr, "ukfs: cannot start the rump kernel: %s\n", strerror(errno));
		cli_script_free(script);
		return CLI_FAIL;
	}
	if ((rv = mount_image(&c, fstype, opts, writes)) == CLI_OK) {
		rv = script != NULL ? cli_script_run(&c, script) : cli_run(&c, argc, argv);
		if (c.c_rdonly && CLI_FAST_EXIT) {
			cli_script_free(script);
			return rv;
		}
		if (ukfs_release(c.c_fs, 0) == -1) {
			cli_errmsg(&c, NULL, "unmount failed: %s", strerror(errno));
			rv = CLI_FAIL;
		}
	}
	cli_script_free(script);
	if (rump_shutdown() != 0 && rv == CLI_OK)
		rv = CLI_FAIL;
	return rv;
}
