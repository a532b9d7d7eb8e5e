/*
 * get_host.c: the host side of get -r.  Every host call is relative to
 * an open directory descriptor (openat/mkdirat/symlinkat with O_NOFOLLOW
 * and O_EXCL), so nothing is written outside the destination whatever
 * the image holds; the walker has refused names with '/' or "..".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "get.h"

/* What get_host_attrs may leave out because the file was made that way already. */
#define GET_HAVE_OWNER	0x01
#define GET_HAVE_MODE	0x02

/* A full destination is said once: every later file would fail the same way. */
static void
host_fail(struct get_host *h, const char *path, int error)
{
	h->h_rv = CLI_FAIL;
	if (get_host_full(h))
		return;
	cli_err(h->h_c, path, error);
	if (error == ENOSPC || error == EDQUOT) {
		fprintf(stderr, "ukfs: %s: %s: get -r stopped\n", h->h_dest, strerror(error));
		__atomic_store_n(&h->h_full, true, __ATOMIC_RELAXED);
	}
}

bool
get_host_full(struct get_host *h)
{
	return __atomic_load_n(&h->h_full, __ATOMIC_RELAXED);
}

/*
 * Make room for name: an existing non-directory goes (we never write
 * through what was there).  In a directory we made there is nothing
 * to remove; a name the image holds twice then fails with EEXIST.
 */
static int
host_clear(const struct get_dirh *d, const char *name)
{
	if (d->dh_fresh || unlinkat(d->dh_fd, name, 0) == 0 || errno == ENOENT)
		return 0;
	return errno;
}

/* Owner (as root), mode, then times: the order that leaves them all as asked. */
void
get_host_attrs(struct get_host *h, int dfd, const char *name, int fd, const struct stat *st,
    const char *imgpath, int skip)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	bool lnk = S_ISLNK(st->st_mode);
	int error = 0;

	if (h->h_c->c_root && !(skip & GET_HAVE_OWNER)) {
		if (fd >= 0 ? fchown(fd, st->st_uid, st->st_gid) :
		    fchownat(dfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW))
			error = errno;
	}
	if (!lnk && !(skip & GET_HAVE_MODE) && (fd >= 0 ? fchmod(fd, st->st_mode & 07777) :
	    fchmodat(dfd, name, st->st_mode & 07777, 0)))
		error = errno;
	if (fd >= 0 ? futimens(fd, ts) : utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW))
		error = errno;
	if (error != 0)
		host_fail(h, imgpath, error);
}

/* Make name a hard link to the copy already written; true if done. */
static bool
host_link_find(struct get_host *h, const struct stat *st, int dfd, const char *name)
{
	struct get_link *l = NULL;
	char rel[PATH_MAX], *comp, *next;
	struct stat hst;
	size_t i;
	int pfd, nfd;
	bool ok = false;

	for (i = 0; i < h->h_nlinks && l == NULL; i++)
		if (h->h_links[i].gl_imgino == st->st_ino)
			l = &h->h_links[i];
	if (l == NULL)
		return false;
	/* Walk to the first copy without following anything. */
	strcpy(rel, l->gl_rel);
	if ((pfd = dup(h->h_rootfd)) == -1)
		return false;
	for (comp = rel; (next = strchr(comp, '/')) != NULL; comp = next + 1) {
		*next = '\0';
		nfd = openat(pfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(pfd);
		if ((pfd = nfd) == -1)
			return false;
	}
	if (fstatat(pfd, comp, &hst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(hst.st_mode) &&
	    hst.st_ino == l->gl_hostino) {
		(void)unlinkat(dfd, name, 0);
		ok = linkat(pfd, comp, dfd, name, 0) == 0;
	}
	close(pfd);
	return ok;
}

static void
host_link_add(struct get_host *h, const struct stat *st, int fd, const struct get_dirh *d,
    const char *name)
{
	struct get_link *nl;
	struct stat hst;
	char rel[PATH_MAX];

	if (fstat(fd, &hst) == -1)
		return;
	if (d->dh_rel[0] != '\0') {
		if (!cli_join(rel, d->dh_rel, name))
			return;
	} else if (strlen(name) < sizeof(rel))
		strcpy(rel, name);
	else
		return;
	if (h->h_nlinks == h->h_caplinks) {
		size_t cap = h->h_caplinks ? 2 * h->h_caplinks : 16;

		if ((nl = realloc(h->h_links, cap * sizeof(*nl))) == NULL)
			return;
		h->h_links = nl;
		h->h_caplinks = cap;
	}
	if ((h->h_links[h->h_nlinks].gl_rel = strdup(rel)) == NULL)
		return;
	h->h_links[h->h_nlinks].gl_imgino = st->st_ino;
	h->h_links[h->h_nlinks].gl_hostino = hst.st_ino;
	h->h_nlinks++;
}

/*
 * The host calls a file can spare: in a directory we made (0700, so
 * nobody else reaches the file before it is complete) a mode the umask
 * keeps and without set-id bits (a chown would clear those) is given
 * at creation; an owner that is ours already needs no chown.
 */
static int
host_file_skip(const struct get_host *h, const struct get_dirh *d, const struct stat *st,
    mode_t *createmodep)
{
	mode_t mode = st->st_mode & 07777;
	int skip = 0;

	*createmodep = 0600;
	if (!d->dh_fresh)
		return 0;
	if ((mode & 07000) == 0 && (mode & h->h_umask) == 0) {
		*createmodep = mode;
		skip |= GET_HAVE_MODE;
	}
	if (d->dh_plaingid && st->st_uid == h->h_euid && st->st_gid == h->h_egid)
		skip |= GET_HAVE_OWNER;
	return skip;
}

/* GJ_FILE: the file is created (or linked) and h_fd names it while its data comes. */
static void
host_file_begin(struct get_host *h, struct get_job *j)
{
	struct get_dirh *d = j->j_dir;
	const char *name = get_job_name(j);
	mode_t cmode;
	int error;

	h->h_fd = -1;
	h->h_failed = true;
	h->h_st = j->j_st;
	memcpy(h->h_path, get_job_path(j), j->j_pathlen + 1);
	if (d->dh_fd == -1)
		return;
	if (j->j_st.st_nlink > 1 && host_link_find(h, &j->j_st, d->dh_fd, name))
		return;
	if ((error = host_clear(d, name)) != 0) {
		host_fail(h, h->h_path, error);
		return;
	}
	h->h_skip = host_file_skip(h, d, &j->j_st, &cmode);
	h->h_fd = openat(d->dh_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, cmode);
	if (h->h_fd == -1) {
		host_fail(h, h->h_path, errno);
		return;
	}
	h->h_failed = false;
	if (j->j_st.st_nlink > 1)
		host_link_add(h, &j->j_st, h->h_fd, d, name);
}

/* GJ_FILE and GJ_DATA: a piece of the file at its offset; after the last, the size and attributes. */
static void
host_file_data(struct get_host *h, struct get_job *j)
{
	const char *p = get_job_data(j);
	size_t left = j->j_datalen;
	off_t off = j->j_off;
	ssize_t w;

	while (!h->h_failed && left > 0) {
		if ((w = pwrite(h->h_fd, p, left, off)) <= 0) {
			host_fail(h, h->h_path, w == 0 ? EIO : errno);
			h->h_failed = true;
			break;
		}
		p += w;
		off += w;
		left -= (size_t)w;
	}
	if (j->j_error != 0) {
		host_fail(h, h->h_path, j->j_error);
		h->h_failed = true;
	}
	if (!j->j_last || h->h_fd == -1)
		return;
	/* An empty last piece past the data: the file ends in a hole, which the size makes. */
	if (!h->h_failed && j->j_datalen == 0 && j->j_off > 0 && ftruncate(h->h_fd, j->j_off) == -1) {
		host_fail(h, h->h_path, errno);
		h->h_failed = true;
	}
	if (!h->h_failed)
		get_host_attrs(h, -1, NULL, h->h_fd, &h->h_st, h->h_path, h->h_skip);
	close(h->h_fd);
	h->h_fd = -1;
}

static void
host_dir_begin(struct get_host *h, struct get_job *j)
{
	struct get_dirh *d = j->j_dir, *nd = j->j_new;
	const char *name = get_job_name(j);
	size_t rl = strlen(d->dh_rel);

	nd->dh_fd = -1;
	nd->dh_rel = NULL;
	if (d->dh_fd == -1)
		return;
	nd->dh_fresh = mkdirat(d->dh_fd, name, 0700) == 0;
	if (!nd->dh_fresh && errno != EEXIST) {
		host_fail(h, get_job_path(j), errno);
		return;
	}
	/* A directory made in a plain one is plain (set-group-id is inherited only from a parent that has it). */
	nd->dh_plaingid = nd->dh_fresh && d->dh_plaingid;
	if ((nd->dh_rel = malloc(rl + 1 + j->j_namelen + 1)) == NULL) {
		host_fail(h, get_job_path(j), ENOMEM);
		return;
	}
	if (rl > 0)
		sprintf(nd->dh_rel, "%s/%s", d->dh_rel, name);
	else
		strcpy(nd->dh_rel, name);
	if (strlen(nd->dh_rel) >= PATH_MAX) {
		host_fail(h, get_job_path(j), ENAMETOOLONG);
		return;
	}
	/* O_NOFOLLOW: whatever sits at name on the host, we never leave through a link. */
	nd->dh_fd = openat(d->dh_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (nd->dh_fd == -1)
		host_fail(h, get_job_path(j), errno);
}

static void
host_dir_end(struct get_host *h, struct get_job *j)
{
	struct get_dirh *d = j->j_dir;

	if (d->dh_fd != -1) {
		get_host_attrs(h, -1, NULL, d->dh_fd, &j->j_st, get_job_path(j), 0);
		close(d->dh_fd);
	}
	free(d->dh_rel);
	free(d);
}

/* GJ_SYMLINK and GJ_SPECIAL. */
static void
host_node(struct get_host *h, struct get_job *j)
{
	struct get_dirh *d = j->j_dir;
	const char *name = get_job_name(j), *path = get_job_path(j);
	const struct stat *st = &j->j_st;
	int error;

	if (d->dh_fd == -1)
		return;
	if ((error = host_clear(d, name)) != 0) {
		host_fail(h, path, error);
		return;
	}
	if (j->j_kind == GJ_SYMLINK ? symlinkat(get_job_data(j), d->dh_fd, name) :
	    mknodat(d->dh_fd, name, (st->st_mode & S_IFMT) | 0600, st->st_rdev)) {
		host_fail(h, path, errno);
		return;
	}
	get_host_attrs(h, d->dh_fd, name, -1, st, path, 0);
}

void
get_host_run(void *arg, void *job, size_t len)
{
	struct get_host *h = arg;
	struct get_job *j = job;

	(void)len;
	/* Full: nothing more is made, but descriptors are closed and directories freed. */
	if (get_host_full(h) && j->j_kind != GJ_DIREND && j->j_kind != GJ_DATA)
		return;
	switch (j->j_kind) {
	case GJ_DIR:
		host_dir_begin(h, j);
		break;
	case GJ_DIREND:
		host_dir_end(h, j);
		break;
	case GJ_FILE:
		host_file_begin(h, j);
		host_file_data(h, j);
		break;
	case GJ_DATA:
		host_file_data(h, j);
		break;
	case GJ_SYMLINK:
	case GJ_SPECIAL:
		host_node(h, j);
		break;
	}
}

void
get_host_free(struct get_host *h)
{
	size_t i;

	for (i = 0; i < h->h_nlinks; i++)
		free(h->h_links[i].gl_rel);
	free(h->h_links);
}
