/* cmd_check.c: ukfs check: the file system's own consistency checker, run on the unmounted image. */
#include <errno.h>
#include <string.h>

#include "cli.h"

/* The type of the image (for the message), NULL when unknown. */
static const char *
check_type(struct cli *c)
{
	char path[PATH_MAX];
	struct ukfs_part *part;
	const char *type;
	uint64_t off, size;

	if (strlen(c->c_image) >= sizeof(path))
		return NULL;
	strcpy(path, c->c_image);
	if (ukfs_part_probe(path, &part) == -1)
		return NULL;
	(void)ukfs_part_range(part, &off, &size);
	type = ukfs_detect(path, off);
	ukfs_part_release(part);
	return type;
}

/*
 * main() calls this before mounting (a checker wants the device to
 * itself).  FFS has a checker (fs/ffs ffs_check); ext2 has none of
 * ours yet, so check says so and fails rather than pretend.
 */
int
cli_check(struct cli *c, const char *fstype)
{
	unsigned n = 0;

	if (ukfs_check(fstype, c->c_image, &n) == -1) {
		if (errno == EOPNOTSUPP)
			cli_errmsg(c, NULL, "check: not supported for %s yet",
			    fstype != NULL ? fstype : check_type(c));
		else if (errno == EINVAL)
			cli_errmsg(c, NULL, "check: no FFS superblock found");
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
