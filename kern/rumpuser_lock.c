/* rumpuser_lock.c: hypercall naming the host process that holds an advisory lock on a file. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rumpuser.h"

static int fd_lockmode(const char *pid, const char *fd);
static int proc_holder(const char *pid, const struct stat *want, int *exclusivep);

/*
 * The lock's mode held through descriptor fd of process pid, from the
 * "lock:" lines Linux lists in /proc/PID/fdinfo/FD for the locks that
 * open file description owns: 1 exclusive, 0 shared, -1 none.  Only
 * flock-style locks count (the kind rumpuser_flock takes).
 */
static int
fd_lockmode(const char *pid, const char *fd)
{
	char path[600], line[256];
	int mode = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%s/fdinfo/%s", pid, fd);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "lock:", 5) != 0 || strstr(line, "FLOCK") == NULL)
			continue;
		mode = strstr(line, "WRITE") != NULL ? 1 : 0;
		if (mode == 1)
			break;
	}
	fclose(f);
	return mode;
}

/* The strongest lock process pid holds on the file want: 1, 0 or -1 (none, or not ours to see). */
static int
proc_holder(const char *pid, const struct stat *want, int *exclusivep)
{
	char path[600];
	struct dirent *de;
	struct stat st;
	int best = -1, mode;
	DIR *d;

	snprintf(path, sizeof path, "/proc/%s/fd", pid);
	if ((d = opendir(path)) == NULL)
		return -1;	/* gone, or another user's */
	while (best < 1 && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof path, "/proc/%s/fd/%s", pid, de->d_name);
		if (stat(path, &st) != 0 || st.st_dev != want->st_dev || st.st_ino != want->st_ino)
			continue;
		if ((mode = fd_lockmode(pid, de->d_name)) > best)
			best = mode;
	}
	closedir(d);
	*exclusivep = best == 1;
	return best;
}

/*
 * Which process holds a flock on path: the holder with the strongest
 * lock (a writer before readers).  The pid recorded in /proc/locks is
 * the process that took the lock, which is wrong once a daemon has
 * forked into the background; the descriptor tables name who holds it
 * now.  ENOENT when no holder can be seen (none, or only other users'
 * processes, whose tables are closed to us).
 */
int
rumpuser_lockholder(const char *path, int *pidp, int *exclusivep)
{
	struct dirent *de;
	struct stat want;
	int found = -1, mode, excl;
	DIR *proc;

	if (stat(path, &want) != 0)
		return errno;
	if ((proc = opendir("/proc")) == NULL)
		return errno;
	while (found < 1 && (de = readdir(proc)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if ((mode = proc_holder(de->d_name, &want, &excl)) > found) {
			found = mode;
			*pidp = atoi(de->d_name);
			*exclusivep = excl;
		}
	}
	closedir(proc);
	return found < 0 ? ENOENT : 0;
}
