/* cmd_check.c: ukfs check: the file system's own consistency check, where one exists. */
#include <string.h>

#include "cli.h"

/*
 * No checker is linked in yet: the FFS checker (fs/ffs, ffs_check) and
 * an ext2 one are still to come.  Until then check says so and fails,
 * rather than pretending a clean result.
 */
int
cmd_check(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cli_usage("check");
	cli_errmsg(c, NULL, "check: not supported for %s yet", c->c_fstype);
	return CLI_FAIL;
}
