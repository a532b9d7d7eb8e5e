/*
 * ukfs_path.c: paths relative to a ukfs's root and working directory,
 * resolved here so they never leave the mount; ukfs_chdir.
 *
 * The kernel would resolve ".." at the mount's root, and symbolic links
 * with absolute or climbing targets, into the rump kernel's own
 * namespace.  So ukfs walks the path itself: "." and ".." are applied to
 * the resolved prefix (".." at the root stays there), every symlink met
 * is read and its target spliced in (an absolute one restarts at the
 * image's root), and the kernel gets a path without "..", "." or
 * symlinks, except a last component the call must not follow.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "ukfs_impl.h"

#define UKFS_MAXSYMLINKS	40

struct walk {
	char	w_res[PATH_MAX];	/* resolved prefix: "" (the root) or "/a/b" */
	size_t	w_len;
	char	w_todo[PATH_MAX];	/* what is left to walk */
	int	w_links;
	bool	w_slash;		/* the path ended in '/' */
};

static bool walk_cached(struct ukfs *fs, const char *res, size_t len);
static void walk_remember(struct ukfs *fs, const struct walk *w);
static int walk_link(struct walk *w, const char *kpath, const char *rest);
static int walk_step(struct ukfs *fs, struct walk *w, const char *comp, size_t clen,
    const char *rest, bool follow, bool *donep, bool *relinkp);
static int walk_path(struct ukfs *fs, const char *path, bool follow, struct walk *w);

/* Whether res[0..len) is the cached directory or one above it. */
static bool
walk_cached(struct ukfs *fs, const char *res, size_t len)
{
	bool hit;

	pthread_mutex_lock(&fs->uk_lock);
	hit = fs->uk_dircache_len >= len && memcmp(fs->uk_dircache, res, len) == 0 &&
	    (fs->uk_dircache[len] == '/' || fs->uk_dircache[len] == '\0');
	pthread_mutex_unlock(&fs->uk_lock);
	return hit;
}

/* Remember the directory part of the resolved w_res (every component a real directory). */
static void
walk_remember(struct ukfs *fs, const struct walk *w)
{
	size_t len = w->w_len;

	while (len > 0 && w->w_res[len - 1] != '/')
		len--;
	if (len > 0)
		len--;
	pthread_mutex_lock(&fs->uk_lock);
	memcpy(fs->uk_dircache, w->w_res, len);
	fs->uk_dircache[len] = '\0';
	fs->uk_dircache_len = len;
	pthread_mutex_unlock(&fs->uk_lock);
}

void
ukfs_path_invalidate(struct ukfs *fs)
{
	pthread_mutex_lock(&fs->uk_lock);
	fs->uk_dircache_len = 0;
	fs->uk_dircache[0] = '\0';
	pthread_mutex_unlock(&fs->uk_lock);
}

/* The symlink at kpath: continue with its target followed by rest. */
static int
walk_link(struct walk *w, const char *kpath, const char *rest)
{
	char target[PATH_MAX];
	size_t rlen = strlen(rest);
	ssize_t n;

	if (++w->w_links > UKFS_MAXSYMLINKS)
		return ELOOP;
	if ((n = rump_sys_readlink(kpath, target, sizeof(target) - 1)) == -1)
		return errno;
	if (n == 0)
		return ENOENT;
	if ((size_t)n + rlen + 1 > sizeof(w->w_todo))
		return ENAMETOOLONG;
	memmove(w->w_todo + n, rest, rlen + 1);
	memcpy(w->w_todo, target, (size_t)n);
	if (target[0] == '/') {
		w->w_len = 0;
		w->w_res[0] = '\0';
	}
	return 0;
}

/*
 * One name: look at it (unless it is a last one not to follow) and
 * extend w_res; a symlink instead rewrites w_todo (*relinkp).
 */
static int
walk_step(struct ukfs *fs, struct walk *w, const char *comp, size_t clen, const char *rest,
    bool follow, bool *donep, bool *relinkp)
{
	char kpath[PATH_MAX];
	const char *r = rest;
	struct stat st;
	size_t mlen = strlen(fs->uk_mountpath);
	bool last;

	while (*r == '/')
		r++;
	last = *r == '\0';
	if (w->w_len + 1 + clen + 1 > sizeof(w->w_res) || mlen + w->w_len + 1 + clen + 1 > sizeof(kpath))
		return ENAMETOOLONG;
	w->w_res[w->w_len] = '/';
	memcpy(w->w_res + w->w_len + 1, comp, clen);
	w->w_res[w->w_len + 1 + clen] = '\0';
	*donep = last;
	if (last && !follow && !w->w_slash) {
		w->w_len += 1 + clen;
		return 0;
	}
	if (!last && walk_cached(fs, w->w_res, w->w_len + 1 + clen)) {
		w->w_len += 1 + clen;
		return 0;
	}
	memcpy(kpath, fs->uk_mountpath, mlen);
	memcpy(kpath + mlen, w->w_res, w->w_len + 1 + clen + 1);
	if (rump_sys_lstat(kpath, &st) == -1) {
		w->w_res[w->w_len] = '\0';
		if (last && errno == ENOENT) {
			/* A name to create: the kernel takes it from here. */
			w->w_res[w->w_len] = '/';
			w->w_len += 1 + clen;
			return 0;
		}
		return errno;
	}
	if (S_ISLNK(st.st_mode)) {
		char restcopy[PATH_MAX];

		w->w_res[w->w_len] = '\0';
		*donep = false;
		*relinkp = true;
		memcpy(restcopy, rest, strlen(rest) + 1);
		return walk_link(w, kpath, restcopy);
	}
	if (!last && !S_ISDIR(st.st_mode)) {
		w->w_res[w->w_len] = '\0';
		return ENOTDIR;
	}
	w->w_len += 1 + clen;
	return 0;
}

static int
walk_path(struct ukfs *fs, const char *path, bool follow, struct walk *w)
{
	const char *p, *e;
	size_t len = strlen(path), clen, cwdlen = 0;
	bool done = false;
	int error;

	w->w_links = 0;
	w->w_slash = len > 0 && path[len - 1] == '/';
	w->w_len = 0;
	w->w_res[0] = '\0';
	/*
	 * A relative path is walked from the root through the working
	 * directory's names, so they are checked again (or found in the
	 * cache): a rename since ukfs_chdir cannot slip a symlink in.
	 */
	if (path[0] != '/') {
		pthread_mutex_lock(&fs->uk_lock);
		cwdlen = strlen(fs->uk_cwd);
		if (cwdlen + 1 + len < sizeof(w->w_todo)) {
			memcpy(w->w_todo, fs->uk_cwd, cwdlen);
			w->w_todo[cwdlen++] = '/';
		} else
			cwdlen = sizeof(w->w_todo);
		pthread_mutex_unlock(&fs->uk_lock);
	}
	if (cwdlen + len >= sizeof(w->w_todo))
		return ENAMETOOLONG;
	memcpy(w->w_todo + cwdlen, path, len + 1);
	p = w->w_todo;
	while (!done) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != '/'; e++)
			continue;
		clen = (size_t)(e - p);
		if (clen == 1 && p[0] == '.') {
			p = e;
			continue;
		}
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			while (w->w_len > 0 && w->w_res[w->w_len - 1] != '/')
				w->w_len--;
			if (w->w_len > 0)
				w->w_len--;
			w->w_res[w->w_len] = '\0';
			p = e;
			continue;
		}
		if (clen > NAME_MAX)
			return ENAMETOOLONG;
		{
			char comp[NAME_MAX + 1];
			bool relink = false;

			memcpy(comp, p, clen);
			error = walk_step(fs, w, comp, clen, e, follow, &done, &relink);
			if (error != 0)
				return error;
			/* A symlink rewrote w_todo: go on at its beginning. */
			p = relink ? w->w_todo : e;
		}
	}
	return 0;
}

int
ukfs_path(struct ukfs *fs, const char *path, bool follow, char *out, size_t outlen)
{
	struct walk w;
	size_t mlen;
	int error;

	if (fs == NULL || path == NULL)
		return EFAULT;
	if (path[0] == '\0')
		return ENOENT;
	if ((error = walk_path(fs, path, follow, &w)) != 0)
		return error;
	walk_remember(fs, &w);
	mlen = strlen(fs->uk_mountpath);
	if (mlen + w.w_len + 2 > outlen)
		return ENAMETOOLONG;
	memcpy(out, fs->uk_mountpath, mlen);
	memcpy(out + mlen, w.w_res, w.w_len + 1);
	/* The root, or a trailing slash that asks for a directory. */
	if (w.w_len == 0 || w.w_slash) {
		out[mlen + w.w_len] = '/';
		out[mlen + w.w_len + 1] = '\0';
	}
	return 0;
}

int
ukfs_chdir(struct ukfs *fs, const char *path)
{
	struct walk w;
	char kpath[PATH_MAX];
	struct stat st;
	int error;

	if (fs == NULL || path == NULL)
		error = EFAULT;
	else if (path[0] == '\0')
		error = ENOENT;
	else
		error = walk_path(fs, path, true, &w);
	if (error != 0) {
		errno = error;
		return -1;
	}
	if ((error = ukfs_path(fs, path, true, kpath, sizeof(kpath))) != 0) {
		errno = error;
		return -1;
	}
	if (rump_sys_stat(kpath, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	pthread_mutex_lock(&fs->uk_lock);
	memcpy(fs->uk_cwd, w.w_res, w.w_len + 1);
	pthread_mutex_unlock(&fs->uk_lock);
	return 0;
}
