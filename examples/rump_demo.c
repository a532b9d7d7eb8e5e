/* rump_demo.c: boot a rump kernel, build a small tree in its in-memory root file system and list it. */
/*
 * Uses only the installed interface (<rump/rump.h>, <rump/rump_syscalls.h>),
 * so it doubles as the check that an outside program builds with
 * `cc rump_demo.c $(pkg-config --cflags --libs rump)`.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>

static int	make_tree(void);
static int	list_tree(const char *path, int depth);
static int	put_file(const char *path, const char *text, mode_t mode);
static void	mode_string(mode_t m, char *buf);

static const struct { const char *path; const char *text; mode_t mode; } demo_files[] = {
	{ "/demo/etc/motd", "Welcome to a rump kernel: this file lives in rumpfs.\n", 0644 },
	{ "/demo/etc/hosts", "127.0.0.1 localhost\n", 0644 },
	{ "/demo/src/hello.c", "#include <stdio.h>\nint main(void) { puts(\"hello\"); }\n", 0644 },
	{ "/demo/bin/hello.sh", "#!/bin/sh\necho hello\n", 0755 },
	{ "/demo/docs/deep/er/still/note.txt", "five levels down\n", 0600 },
};
static const char *demo_dirs[] = {
	"/demo", "/demo/etc", "/demo/src", "/demo/bin", "/demo/docs",
	"/demo/docs/deep", "/demo/docs/deep/er", "/demo/docs/deep/er/still",
};

static const char usage[] =
    "usage: rump_demo [--help]\n"
    "Boot a rump kernel in this process, build a small tree (directories,\n"
    "files, a symlink, a hard link, a device node) in its in-memory root\n"
    "file system, list it like ls -lR and print one file back.\n"
    "RUMP_NCPU, RUMP_MEMLIMIT and the other RUMP_* variables apply.\n";

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	char buf[256];
	ssize_t n;
	int error, fd;

	if (argc > 1) {
		int help = strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0;
		fputs(usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((error = rump_init()) != 0) {
		fprintf(stderr, "rump_demo: rump_init: %s\n", strerror(error));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("rump kernel booted in %.2f ms\n\n",
	    (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);

	if (make_tree() != 0)
		goto fail;
	printf("tree in the rump kernel's rumpfs:\n");
	if (list_tree("/demo", 0) != 0)
		goto fail;

	if ((fd = rump_sys_open("/demo/etc/motd", O_RDONLY)) == -1 ||
	    (n = rump_sys_read(fd, buf, sizeof buf - 1)) == -1) {
		perror("rump_demo: /demo/etc/motd");
		goto fail;
	}
	buf[n] = '\0';
	rump_sys_close(fd);
	printf("\ncat /demo/etc/motd:\n%s", buf);
	return rump_shutdown() == 0 ? 0 : 1;
fail:
	rump_shutdown();
	return 1;
}

static int
make_tree(void)
{
	size_t i;

	for (i = 0; i < sizeof demo_dirs / sizeof demo_dirs[0]; i++) {
		if (rump_sys_mkdir(demo_dirs[i], 0755) == -1) {
			fprintf(stderr, "rump_demo: mkdir %s: %s\n", demo_dirs[i], strerror(errno));
			return -1;
		}
	}
	for (i = 0; i < sizeof demo_files / sizeof demo_files[0]; i++)
		if (put_file(demo_files[i].path, demo_files[i].text, demo_files[i].mode) != 0)
			return -1;
	if (rump_sys_symlink("../etc/motd", "/demo/bin/motd") == -1 ||
	    rump_sys_link("/demo/etc/hosts", "/demo/etc/hosts.bak") == -1 ||
	    rump_sys_mknod("/demo/dev-null", S_IFCHR | 0666, makedev(1, 3)) == -1) {
		perror("rump_demo: making links and nodes");
		return -1;
	}
	return 0;
}

static int
put_file(const char *path, const char *text, mode_t mode)
{
	size_t len = strlen(text);
	int fd;

	fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd == -1 || rump_sys_write(fd, text, len) != (ssize_t)len ||
	    rump_sys_close(fd) == -1) {
		fprintf(stderr, "rump_demo: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Print one directory level like `ls -l`, then descend. */
static int
list_tree(const char *path, int depth)
{
	char dbuf[4096], child[4096], mstr[11], target[256];
	struct stat st;
	ssize_t n, off;
	int fd;

	if ((fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY)) == -1) {
		fprintf(stderr, "rump_demo: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = rump_sys_getdents(fd, dbuf, sizeof dbuf)) > 0) {
		for (off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(dbuf + off);
			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			if ((size_t)snprintf(child, sizeof child, "%s/%s", path,
			    d->d_name) >= sizeof child || rump_sys_lstat(child, &st) == -1)
				continue;
			mode_string(st.st_mode, mstr);
			printf("%*s%s %2ju %6jd  %s", depth * 2, "", mstr,
			    (uintmax_t)st.st_nlink, (intmax_t)st.st_size, d->d_name);
			if (S_ISLNK(st.st_mode)) {
				ssize_t tl = rump_sys_readlink(child, target, sizeof target - 1);
				target[tl > 0 ? tl : 0] = '\0';
				printf(" -> %s", target);
			}
			putchar('\n');
			if (S_ISDIR(st.st_mode) && list_tree(child, depth + 1) != 0) {
				rump_sys_close(fd);
				return -1;
			}
		}
	}
	rump_sys_close(fd);
	return n == 0 ? 0 : -1;
}

static void
mode_string(mode_t m, char *buf)
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	buf[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' :
	    S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : '-';
	for (i = 0; i < 9; i++)
		buf[i + 1] = (m & (0400 >> i)) ? rwx[i] : '-';
	buf[10] = '\0';
}
