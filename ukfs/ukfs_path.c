/* ukfs_path.c: paths relative to a ukfs's root and working directory, folded so they never leave the mount; ukfs_chdir. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "ukfs_impl.h"

static int path_fold(const char *base, const char *path, char *out, size_t outlen);
static int path_append(char *out, size_t outlen, size_t *lenp, const char *comp, size_t clen);

/* Add "/comp" at *lenp. */
static int
path_append(char *out, size_t outlen, size_t *lenp, const char *comp, size_t clen)
{
	if (*lenp + 1 + clen + 1 > outlen)
		return ENAMETOOLONG;
	out[(*lenp)++] = '/';
	memcpy(out + *lenp, comp, clen);
	*lenp += clen;
	out[*lenp] = '\0';
	return 0;
}

/*
 * base ("" or "/a/b", already folded) joined with path, "." dropped and
 * ".." removing the last component (none left: stays at the root).
 * The result is "" for the root, else "/c1/c2..." (plus '/' when path
 * ended in one).
 */
static int
path_fold(const char *base, const char *path, char *out, size_t outlen)
{
	const char *p, *e;
	size_t len, clen;
	int error;

	if (outlen < 2)
		return ENAMETOOLONG;
	len = 0;
	out[0] = '\0';
	if (path[0] != '/') {
		len = strlen(base);
		if (len + 1 > outlen)
			return ENAMETOOLONG;
		memcpy(out, base, len + 1);
	}
	for (p = path; *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != '/'; e++)
			continue;
		clen = (size_t)(e - p);
		if (clen == 1 && p[0] == '.')
			continue;
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
			continue;
		}
		if ((error = path_append(out, outlen, &len, p, clen)) != 0)
			return error;
	}
	/* A trailing slash asks for a directory: keep it (the root has one anyway). */
	if (len > 0 && path[strlen(path) - 1] == '/') {
		if (len + 2 > outlen)
			return ENAMETOOLONG;
		out[len++] = '/';
		out[len] = '\0';
	}
	return 0;
}

int
ukfs_path(struct ukfs *fs, const char *path, char *out, size_t outlen)
{
	char folded[PATH_MAX];
	size_t mlen, flen;
	int error;

	if (fs == NULL || path == NULL)
		return EFAULT;
	if (path[0] == '\0')
		return ENOENT;
	pthread_mutex_lock(&fs->uk_lock);
	error = path_fold(fs->uk_cwd, path, folded, sizeof(folded));
	pthread_mutex_unlock(&fs->uk_lock);
	if (error != 0)
		return error;
	mlen = strlen(fs->uk_mountpath);
	flen = strlen(folded);
	if (mlen + flen + 2 > outlen)
		return ENAMETOOLONG;
	memcpy(out, fs->uk_mountpath, mlen);
	if (flen == 0) {
		out[mlen] = '/';
		out[mlen + 1] = '\0';
	} else
		memcpy(out + mlen, folded, flen + 1);
	return 0;
}

int
ukfs_chdir(struct ukfs *fs, const char *path)
{
	char folded[PATH_MAX], kpath[PATH_MAX];
	struct stat st;
	int error;

	UKFS_PATH1(fs, path, kpath);
	if (rump_sys_stat(kpath, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	pthread_mutex_lock(&fs->uk_lock);
	error = path_fold(fs->uk_cwd, path, folded, sizeof(folded));
	if (error == 0) {
		size_t l = strlen(folded);
		if (l > 0 && folded[l - 1] == '/')
			folded[l - 1] = '\0';
		memcpy(fs->uk_cwd, folded, strlen(folded) + 1);
	}
	pthread_mutex_unlock(&fs->uk_lock);
	if (error != 0) {
		errno = error;
		return -1;
	}
	return 0;
}
