/* p2k_host.c: checks on the host's side that need the host's headers (the kernel's dirent.h shadows <dirent.h>). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "p2k_host.h"

/* Has directory path anything but "." and ".."?  (Unreadable: say yes.) */
static bool
p2k_dir_has_entries(const char *path)
{
	struct dirent *de;
	bool any = false;
	DIR *d;

	if ((d = opendir(path)) == NULL)
		return true;
	while (!any && (de = readdir(d)) != NULL)
		any = strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return any;
}

/*
 * The host mount point: an existing directory nothing is mounted on yet,
 * and empty unless -o nonempty (a mount over /tmp by mistake hides every
 * other program's files there).  0, ENOENT, ENOTDIR, EBUSY or ENOTEMPTY.
 */
int
p2k_check_mountpoint(const char *path, bool nonempty)
{
	struct stat st, pst;
	char *parent;

	if (stat(path, &st) != 0)
		return errno;
	if (!S_ISDIR(st.st_mode))
		return ENOTDIR;
	if (asprintf(&parent, "%s/..", path) < 0)
		return ENOMEM;
	if (stat(parent, &pst) != 0) {
		free(parent);
		return errno;
	}
	free(parent);
	if (st.st_dev != pst.st_dev || st.st_ino == pst.st_ino)
		return EBUSY;
	if (!nonempty && p2k_dir_has_entries(path))
		return ENOTEMPTY;
	return 0;
}
