/* rumpfuzz_walk.c: a bounded walk of the mounted tree that reads what it meets and collects the names programs use. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <rump/rump_syscalls.h>

#include "rumpfuzz_impl.h"

#define WALK_DEPTH	6
#define WALK_ENTRIES	256		/* entries looked at per input */
#define WALK_FILEREAD	(64u << 10)	/* bytes read from each file */
#define WALK_TOTALREAD	(1u << 20)	/* and from all of them */

/* Linux dirent64, as rump_sys_getdents hands it out. */
struct rfz_dirent {
	uint64_t	d_ino;
	int64_t		d_off;
	uint16_t	d_reclen;
	uint8_t		d_type;
	char		d_name[];
};

struct walk {
	struct rfz_names *nm;
	int		entries;
	size_t		readbytes;
	char		buf[16384];
};

static void
add_name(struct rfz_names *nm, const char *path)
{
	if (nm->n < RFZ_MAXNAMES - RFZ_NFRESH && strlen(path) < RFZ_PATHMAX)
		strcpy(nm->path[nm->n++], path);
}

static void
read_file(struct walk *w, const char *path)
{
	size_t got = 0;
	ssize_t n;
	int fd;

	if (w->readbytes >= WALK_TOTALREAD || (fd = rump_sys_open(path, O_RDONLY)) < 0)
		return;
	while (got < WALK_FILEREAD && (n = rump_sys_read(fd, w->buf, sizeof(w->buf))) > 0)
		got += (size_t)n;
	/* far past the end: the block map's holes and its limits */
	(void)rump_sys_pread(fd, w->buf, 512, (off_t)1 << 32);
	w->readbytes += got;
	(void)rump_sys_close(fd);
}

static void walk_dir(struct walk *w, const char *dir, int depth);

static void
visit(struct walk *w, const char *path, int depth)
{
	struct stat st;

	if (rump_sys_lstat(path, &st) != 0)
		return;
	add_name(w->nm, path);
	if (S_ISREG(st.st_mode))
		read_file(w, path);
	else if (S_ISLNK(st.st_mode))
		(void)rump_sys_readlink(path, w->buf, sizeof(w->buf));
	else if (S_ISDIR(st.st_mode) && depth < WALK_DEPTH)
		walk_dir(w, path, depth + 1);
}

static void
walk_dir(struct walk *w, const char *dir, int depth)
{
	char dents[4096], path[RFZ_PATHMAX];
	ssize_t n;
	int fd;

	if ((fd = rump_sys_open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return;
	while (w->entries < WALK_ENTRIES && (n = rump_sys_getdents(fd, dents, sizeof(dents))) > 0) {
		for (ssize_t off = 0; off < n && w->entries < WALK_ENTRIES;) {
			const struct rfz_dirent *d = (const void *)(dents + off);

			off += d->d_reclen;
			if (d->d_reclen == 0)
				break;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			w->entries++;
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, d->d_name) >= sizeof(path))
				continue;
			visit(w, path, depth);
		}
	}
	(void)rump_sys_close(fd);
}

/* Fresh names: new files at the top and in a new directory, and one in the image's first directory. */
static void
add_fresh(struct rfz_names *nm)
{
	const char *subdir = RFZ_MNT;
	struct stat st;

	for (int i = 1; i < nm->n; i++) {
		if (rump_sys_lstat(nm->path[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			subdir = nm->path[i];
			break;
		}
	}
	snprintf(nm->path[nm->n++], RFZ_PATHMAX, "%s/rfz0", RFZ_MNT);
	snprintf(nm->path[nm->n++], RFZ_PATHMAX, "%s/rfz1", RFZ_MNT);
	snprintf(nm->path[nm->n++], RFZ_PATHMAX, "%s/rfzd", RFZ_MNT);
	snprintf(nm->path[nm->n++], RFZ_PATHMAX, "%s/rfzd/rfz2", RFZ_MNT);
	snprintf(nm->path[nm->n++], RFZ_PATHMAX, "%s/rfzd/rfze", RFZ_MNT);
	/* the first directory's path is < RFZ_PATHMAX; a cut name is still a name */
	snprintf(nm->path[nm->n], RFZ_PATHMAX, "%.*s/rfz3", RFZ_PATHMAX - 6, subdir);
	nm->n++;
}

void
rfz_walk(struct rfz_names *nm)
{
	static struct walk w;

	w.nm = nm;
	w.entries = 0;
	w.readbytes = 0;
	nm->n = 0;
	add_name(nm, RFZ_MNT);
	walk_dir(&w, RFZ_MNT, 0);
	add_fresh(nm);
}
