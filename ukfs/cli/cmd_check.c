/* cmd_check.c: ukfs check: the file system's own consistency checker, run on the unmounted image. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cli.h"

/*
 * The image's host path (suffix stripped) into path, the partition's
 * byte offset into *offp, and the detected type (NULL when unknown or
 * when the image cannot be probed; *offp is then 0).
 */
static const char *
check_locate(struct cli *c, char *path, uint64_t *offp)
{
	struct ukfs_part *part;
	const char *type;
	uint64_t size;

	*offp = 0;
	if (strlen(c->c_image) >= PATH_MAX) {
		path[0] = '\0';
		return NULL;
	}
	strcpy(path, c->c_image);
	if (ukfs_part_probe(path, &part) == -1)
		return NULL;
	(void)ukfs_part_range(part, offp, &size);
	type = ukfs_detect(path, *offp);
	ukfs_part_release(part);
	return type;
}

/*
 * main() calls this before mounting (a checker wants the device to
 * itself).  FFS has a checker of ours (fs/ffs ffs_check, through
 * ukfs_check); ext2 is checked by the host's e2fsck, the standard
 * ext2 checker, so that check means the same on both.
 */
int
cli_check(struct cli *c, const char *fstype)
{
	char path[PATH_MAX];
	const char *type;
	uint64_t off;
	unsigned n = 0;

	type = check_locate(c, path, &off);
	if (fstype != NULL && strcmp(fstype, "auto") != 0)
		type = fstype;
	if (type != NULL && strcmp(type, MOUNT_EXT2FS) == 0 && path[0] != '\0')
		return cli_check_e2fsck(c, path, off);
	if (ukfs_check(fstype, c->c_image, &n) == -1) {
		if (errno == EOPNOTSUPP)
			cli_errmsg(c, NULL, "check: not supported for %s",
			    type != NULL ? type : "this file system");
		else if (errno == EINVAL)
			cli_errmsg(c, NULL, "check: no FFS or ext2 superblock found");
		else if (errno == EBUSY)
			cli_image_busy(c, path);
		else
			cli_errmsg(c, NULL, "check: %s", strerror(errno));
		return CLI_FAIL;
	}
	if (n != 0) {
		cli_errmsg(c, NULL, "check: %u problem%s found", n, n == 1 ? "" : "s");
		return CLI_FAIL;
	}
	printf("%s: clean\n", c->c_image);
	return CLI_OK;
}

/* Reached only from a sh script, where the image is mounted: refused. */
int
cmd_check(struct cli *c, int argc, char **argv)
{
	(void)argc, (void)argv;
	cli_errmsg(c, NULL, "check cannot run inside sh (the image is mounted)");
	return CLI_FAIL;
}
