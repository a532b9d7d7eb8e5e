/* cli_util.c: path joining, sorted directory listings and mode strings for the ukfs commands. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define DENTS_BUFSIZE	8192

static int names_cmp(const void *a, const void *b);
static int names_add(struct cli_names *np, size_t *capp, const char *name, unsigned char type);

bool
cli_join(char *out, const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);

	while (dl > 0 && dir[dl - 1] == '/')
		dl--;
	if (dl + 1 + nl + 1 > PATH_MAX)
		return false;
	memmove(out, dir, dl);		/* out may be dir itself */
	out[dl] = '/';
	memcpy(out + dl + 1, name, nl + 1);
	return true;
}

const char *
cli_basename(const char *path)
{
	static __thread char buf[PATH_MAX];
	size_t len = strlen(path);
	const char *s;

	while (len > 0 && path[len - 1] == '/')
		len--;
	for (s = path + len; s > path && s[-1] != '/'; s--)
		continue;
	len -= (size_t)(s - path);
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

static int
names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
names_add(struct cli_names *np, size_t *capp, const char *name, unsigned char type)
{
	size_t len = strlen(name);
	char **nn;

	if (np->n_count == *capp) {
		*capp = *capp ? *capp * 2 : 32;
		if ((nn = realloc(np->n_names, *capp * sizeof(*nn))) == NULL)
			return -1;
		np->n_names = nn;
	}
	/* The entry's d_type rides after the name's NUL (cli_names_type). */
	if ((np->n_names[np->n_count] = malloc(len + 2)) == NULL)
		return -1;
	memcpy(np->n_names[np->n_count], name, len + 1);
	np->n_names[np->n_count][len + 1] = (char)type;
	np->n_count++;
	return 0;
}

int
cli_readdir(struct cli *c, const char *path, bool withdots, struct cli_names *np)
{
	struct ukfs_dircookie *dc;
	uint8_t *buf;
	size_t cap = 0;
	off_t off = 0;
	int n, i, sverr = 0;

	np->n_names = NULL;
	np->n_count = 0;
	if ((buf = malloc(DENTS_BUFSIZE)) == NULL)
		return -1;
	if (ukfs_opendir(c->c_fs, path, &dc) == -1) {
		free(buf);
		return -1;
	}
	while ((n = ukfs_getdents_cookie(c->c_fs, dc, &off, buf, DENTS_BUFSIZE)) > 0) {
		for (i = 0; i < n && sverr == 0;) {
			unsigned short reclen;
			unsigned char type;
			const char *name = (const char *)buf + i + offsetof(struct dirent64, d_name);

			memcpy(&reclen, buf + i + offsetof(struct dirent64, d_reclen), sizeof(reclen));
			if (reclen == 0 || reclen > n - i) {
				sverr = EIO;
				break;
			}
			memcpy(&type, buf + i + offsetof(struct dirent64, d_type), sizeof(type));
			i += reclen;
			if (!withdots && (strcmp(name, ".") == 0 || strcmp(name, "..") == 0))
				continue;
			if (names_add(np, &cap, name, type) == -1)
				sverr = errno;
		}
		if (sverr != 0)
			break;
	}
	if (n == -1)
		sverr = errno;
	ukfs_closedir(c->c_fs, dc);
	free(buf);
	if (sverr != 0) {
		cli_names_free(np);
		errno = sverr;
		return -1;
	}
	if (np->n_count > 1)
		qsort(np->n_names, np->n_count, sizeof(char *), names_cmp);
	return 0;
}

unsigned char
cli_names_type(const char *name)
{
	return (unsigned char)name[strlen(name) + 1];
}

void
cli_names_free(struct cli_names *np)
{
	size_t i;

	for (i = 0; i < np->n_count; i++)
		free(np->n_names[i]);
	free(np->n_names);
	np->n_names = NULL;
	np->n_count = 0;
}

void
cli_modestr(mode_t mode, char *buf)
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	switch (mode & S_IFMT) {
	case S_IFDIR: buf[0] = 'd'; break;
	case S_IFLNK: buf[0] = 'l'; break;
	case S_IFCHR: buf[0] = 'c'; break;
	case S_IFBLK: buf[0] = 'b'; break;
	case S_IFIFO: buf[0] = 'p'; break;
	case S_IFSOCK: buf[0] = 's'; break;
	default: buf[0] = '-'; break;
	}
	for (i = 0; i < 9; i++)
		buf[1 + i] = (mode & (0400 >> i)) ? rwx[i] : '-';
	if (mode & S_ISUID)
		buf[3] = (mode & S_IXUSR) ? 's' : 'S';
	if (mode & S_ISGID)
		buf[6] = (mode & S_IXGRP) ? 's' : 'S';
	if (mode & S_ISVTX)
		buf[9] = (mode & S_IXOTH) ? 't' : 'T';
	buf[10] = '\0';
}

void
cli_putname(const char *name)
{
	static int tty = -1;
	const unsigned char *p;

	if (tty == -1)
		tty = isatty(STDOUT_FILENO);
	if (!tty) {
		fputs(name, stdout);
		return;
	}
	for (p = (const unsigned char *)name; *p != '\0'; p++)
		putchar(isprint(*p) || *p >= 0x80 ? *p : '?');
}
