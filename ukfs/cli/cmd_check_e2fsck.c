/* cmd_check_e2fsck.c: ukfs check on ext2: run the host's e2fsck -fn on the image (or its partition). */
#include <errno.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/wait.h>

#include "cli.h"

extern char **environ;

static int check_lock(struct cli *c, const char *path);
static int e2fsck_run(struct cli *c, const char *path, uint64_t off);

/*
 * Where e2fsck is looked for: $UKFS_E2FSCK if set (tests use it to
 * play "not installed"), else PATH, then the sbin directories a
 * non-root PATH often lacks.
 */
static int
e2fsck_spawn(pid_t *pidp, char **argv)
{
	static const char *const fallback[] = { "/usr/sbin/e2fsck", "/sbin/e2fsck" };
	const char *prog = getenv("UKFS_E2FSCK");
	int error;

	if (prog != NULL)
		return posix_spawn(pidp, prog, NULL, NULL, argv, environ);
	if ((error = posix_spawnp(pidp, "e2fsck", NULL, NULL, argv, environ)) != ENOENT)
		return error;
	for (size_t i = 0; i < sizeof(fallback) / sizeof(fallback[0]); i++)
		if ((error = posix_spawn(pidp, fallback[i], NULL, NULL, argv, environ)) != ENOENT)
			return error;
	return ENOENT;
}

/*
 * A shared lock on the image while e2fsck reads it, as a read-only
 * mount takes: a daemon writing the image holds it exclusively, and a
 * check of a live image would report damage that is not there.  -1
 * (said why) when the image is in use.
 */
static int
check_lock(struct cli *c, const char *path)
{
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -2;	/* e2fsck says why it cannot open it */
	if (flock(fd, LOCK_SH | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			cli_image_busy(c, path);
		else
			cli_errmsg(c, NULL, "check: lock: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Check the ext2 file system at byte off of host file path (the image
 * without its partition suffix).  e2fsprogs reads "FILE?offset=N" as
 * the file from byte N on, so a partition needs no copy; that also
 * means a '?' in the path itself would be misread, so it is refused.
 * e2fsck's own output goes straight to ours; only exit 0 is clean.
 */
int
cli_check_e2fsck(struct cli *c, const char *path, uint64_t off)
{
	int lockfd, rv;

	if (strchr(path, '?') != NULL) {
		cli_errmsg(c, NULL, "check: e2fsck cannot take a path containing '?'");
		return CLI_FAIL;
	}
	if ((lockfd = check_lock(c, path)) == -1)
		return CLI_FAIL;
	rv = e2fsck_run(c, path, off);
	if (lockfd >= 0)
		close(lockfd);
	return rv;
}

/* e2fsck -fn on the image, with its verdict as the command's. */
static int
e2fsck_run(struct cli *c, const char *path, uint64_t off)
{
	char arg[PATH_MAX + 32], flags[] = "-fn", name[] = "e2fsck";
	char *argv[] = { name, flags, arg, NULL };
	pid_t pid;
	int error, status;

	if (off == 0)
		snprintf(arg, sizeof(arg), "%s", path);
	else
		snprintf(arg, sizeof(arg), "%s?offset=%ju", path, (uintmax_t)off);
	fflush(stdout);
	fflush(stderr);
	if ((error = e2fsck_spawn(&pid, argv)) != 0) {
		if (error == ENOENT)
			cli_errmsg(c, NULL, "check: e2fsck (e2fsprogs) is needed to check ext2 and was not found");
		else
			cli_errmsg(c, NULL, "check: cannot run e2fsck: %s", strerror(error));
		return CLI_FAIL;
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			cli_errmsg(c, NULL, "check: waiting for e2fsck: %s", strerror(errno));
			return CLI_FAIL;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("%s: clean\n", c->c_image);
		return CLI_OK;
	}
	if (WIFEXITED(status))
		cli_errmsg(c, NULL, "check: e2fsck found problems or failed (exit status %d)",
		    WEXITSTATUS(status));
	else
		cli_errmsg(c, NULL, "check: e2fsck killed by signal %d",
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return CLI_FAIL;
}
