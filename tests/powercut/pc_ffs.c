/* pc_ffs.c: the power-cut sweep on FFS (UFS2, 4 KiB blocks): fsck_ffs may find only what fsck -p repairs. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "pc.h"

static void
ffs_mkfs(const char *img)
{
	char line[3 * PATH_MAX];

	snprintf(line, sizeof(line), "rm -rf '%s.d' && mkdir '%s.d' && makefs -t ffs -o "
	    "version=2,bsize=4096,fsize=512 -s 8m -o density=16384 '%s' '%s.d' >/dev/null && "
	    "rmdir '%s.d'", img, img, img, img, img);
	CHECK_EQ(system(line), 0);
}

static int
ffs_mount(const char *img, int flags)
{
	return pc_mount(img, MOUNT_FFS, flags);
}

/*
 * What a crash may leave and fsck -p repairs: space or inodes marked
 * used that nothing holds, counts and summaries, a link count above the
 * names, an inode no name reaches, blocks past the size (a write whose
 * size had not reached the disk).  Anything else (a name of a free
 * inode, space in use but marked free, a link count below the names,
 * bad directory contents) fsck -p stops at.
 */
static bool
preen_repairs(const char *line)
{
	static const char *const ok[] = {
		"recorded", "superblock totals",
		"directories counted in the maps", "allocated but named nowhere",
		"with link count 0", ": block count ",
		"beyond the end of file",	/* fsck -p truncates such an inode */
	};
	int links, names;
	const char *p;

	if ((p = strstr(line, " map differs in ")) != NULL)
		return strstr(p, ", 0 of them in use but marked free") != NULL;
	if ((p = strstr(line, ": link count ")) != NULL &&
	    sscanf(p, ": link count %d, names %d", &links, &names) == 2)
		return links > names;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strstr(line, ok[i]) != NULL)
			return true;
	return false;
}

/* fsck_ffs only reports: every problem it prints must be one fsck -p would repair. */
static bool
ffs_repair(const char *img, const char *log)
{
	char line[3 * PATH_MAX];
	const char *fsck = getenv("PC_FSCK_FFS");
	unsigned bad = 0;
	FILE *f;
	int rc;

	CHECK(fsck != NULL);
	snprintf(line, sizeof(line), "'%s' '%s' >'%s' 2>&1", fsck, img, log);
	rc = system(line);
	CHECK(rc != -1 && WIFEXITED(rc));
	if (WEXITSTATUS(rc) > 1) {
		fprintf(stderr, "fsck_ffs: exit %d\n", WEXITSTATUS(rc));
		bad++;
	}
	CHECK((f = fopen(log, "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "ffs_check: ", 11) != 0 || preen_repairs(line))
			continue;
		fprintf(stderr, "fsck -p would stop at: %s", line);
		bad++;
	}
	fclose(f);
	return bad == 0;
}

static const struct pc_fs pc_ffs = { "ffs", ffs_mkfs, ffs_mount, ffs_repair };

T_CASE(ffs_fsync) { pc_sweep(&pc_ffs, 0); }
T_CASE(ffs_sync) { pc_sweep(&pc_ffs, RUMP_MNT_SYNCHRONOUS); }
