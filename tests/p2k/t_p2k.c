/* t_p2k.c: libp2k end to end in one process: a rumpfs served through FUSE, driven by the host's system calls. */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/p2k.h>
#include "p2k_test.h"
#include "t.h"

/* One served mount: a temp dir, the p2k mount, the thread running p2k_mainloop. */
struct srv {
	char			dir[64];
	char			mnt[96];
	struct p2k_mount	*pm;
	pthread_t		thread;
	int			result;
};

/* A failed CHECK exits with the mount still there: take it away lazily. */
static char srv_live[96];

static void
srv_atexit(void)
{
	if (srv_live[0] != '\0')
		(void)umount2(srv_live, MNT_DETACH);
}

static void *
srv_loop(void *arg)
{
	struct srv *s = arg;

	s->result = p2k_mainloop(s->pm);
	return NULL;
}

/* Serve an empty rumpfs on a fresh host directory with the FUSE options opts (may be NULL). */
static void
srv_start(struct srv *s, const char *opts)
{
	char *argv[] = { "t_p2k", "-o", (char *)opts, NULL };

	snprintf(s->dir, sizeof(s->dir), "/tmp/t_p2k.XXXXXX");
	CHECK(mkdtemp(s->dir) != NULL);
	CHECK(chmod(s->dir, 0755) == 0);
	snprintf(s->mnt, sizeof(s->mnt), "%s/mnt", s->dir);
	CHECK(mkdir(s->mnt, 0755) == 0);
	CHECK((s->pm = p2k_init(getenv("T_P2K_DEBUG") ? P2K_DEBUG : P2K_FOREGROUND)) != NULL);
	CHECK_ERR(p2k_set_fuse_args(s->pm, opts != NULL ? 3 : 1, argv), 0);
	CHECK_ERR(p2k_setup_diskfs(s->pm, "rumpfs", NULL, s->mnt, 0, NULL, 0), 0);
	snprintf(srv_live, sizeof(srv_live), "%s", s->mnt);
	atexit(srv_atexit);
	CHECK(pthread_create(&s->thread, NULL, srv_loop, s) == 0);
}

/* Unmount on the host: the session ends, p2k syncs, unmounts and shuts the kernel down. */
static void
srv_stop(struct srv *s)
{
	CHECK(umount2(s->mnt, 0) == 0);
	srv_live[0] = '\0';
	CHECK(pthread_join(s->thread, NULL) == 0);
	CHECK_ERR(s->result, 0);
	CHECK(rmdir(s->mnt) == 0);
	CHECK(rmdir(s->dir) == 0);
}

static void
put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	CHECK(close(fd) == 0);
}

static void
get(const char *path, const char *want)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	CHECK(fd >= 0);
	CHECK((n = read(fd, buf, sizeof(buf) - 1)) >= 0);
	buf[n] = '\0';
	CHECK(close(fd) == 0);
	CHECK_STREQ(buf, want);
}

static char *
at(const struct srv *s, const char *rel)
{
	static char paths[4][256];
	static int i;
	char *p = paths[i++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", s->mnt, rel);
	return p;
}

T_CASE(files_and_names)
{
	struct srv s;
	struct stat st;
	char buf[64];

	srv_start(&s, NULL);
	CHECK(mkdir(at(&s, "d"), 0750) == 0);
	put(at(&s, "d/f"), "hello");
	get(at(&s, "d/f"), "hello");
	CHECK(stat(at(&s, "d/f"), &st) == 0);
	CHECK_EQ(st.st_size, 5);
	CHECK_EQ(st.st_mode, S_IFREG | 0644);
	CHECK(link(at(&s, "d/f"), at(&s, "g")) == 0);
	CHECK(stat(at(&s, "g"), &st) == 0);
	CHECK_EQ(st.st_nlink, 2);
	CHECK(symlink("d/f", at(&s, "l")) == 0);
	CHECK_EQ(readlink(at(&s, "l"), buf, sizeof(buf)), 3);
	get(at(&s, "l"), "hello");
	CHECK(rename(at(&s, "g"), at(&s, "h")) == 0);
	CHECK_ERRNO(renameat2(AT_FDCWD, at(&s, "h"), AT_FDCWD, at(&s, "l"), RENAME_NOREPLACE), EEXIST);
	CHECK_ERRNO(renameat2(AT_FDCWD, at(&s, "h"), AT_FDCWD, at(&s, "l"), RENAME_EXCHANGE), EINVAL);
	CHECK(renameat2(AT_FDCWD, at(&s, "h"), AT_FDCWD, at(&s, "new"), RENAME_NOREPLACE) == 0);
	CHECK_ERRNO(rename(at(&s, "d"), at(&s, "d/sub")), EINVAL);
	CHECK_ERRNO(rmdir(at(&s, "d")), ENOTEMPTY);
	CHECK_ERRNO(unlink(at(&s, "d")), EISDIR);
	CHECK_ERRNO(rmdir(at(&s, "new")), ENOTDIR);
	CHECK_ERRNO(mkdir(at(&s, "d"), 0755), EEXIST);
	CHECK_ERRNO(open(at(&s, "d/f"), O_CREAT | O_EXCL | O_WRONLY, 0600), EEXIST);
	CHECK(mkfifo(at(&s, "fifo"), 0600) == 0);
	CHECK(stat(at(&s, "fifo"), &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK(unlink(at(&s, "new")) == 0 && unlink(at(&s, "l")) == 0 && unlink(at(&s, "fifo")) == 0);
	CHECK(unlink(at(&s, "d/f")) == 0 && rmdir(at(&s, "d")) == 0);
	CHECK_ERRNO(stat(at(&s, "d"), &st), ENOENT);
	srv_stop(&s);
}

T_CASE(setattr_and_io)
{
	struct timespec ts[2];
	struct statvfs sv;
	struct srv s;
	struct stat st;
	char *big;
	int fd;

	srv_start(&s, NULL);
	put(at(&s, "f"), "0123456789");
	CHECK(truncate(at(&s, "f"), 4) == 0);
	get(at(&s, "f"), "0123");
	CHECK(chmod(at(&s, "f"), 0604) == 0);
	CHECK(chown(at(&s, "f"), 12, 34) == 0);
	ts[0].tv_sec = 1000, ts[0].tv_nsec = 5;
	ts[1].tv_sec = 0, ts[1].tv_nsec = UTIME_OMIT;
	CHECK(utimensat(AT_FDCWD, at(&s, "f"), ts, 0) == 0);
	CHECK(stat(at(&s, "f"), &st) == 0);
	CHECK_EQ(st.st_mode & 07777, 0604);
	CHECK_EQ(st.st_uid, 12);
	CHECK_EQ(st.st_gid, 34);
	CHECK_EQ(st.st_atim.tv_sec, 1000);
	CHECK(st.st_mtim.tv_sec > 1000);	/* omitted: unchanged */
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 2000, ts[1].tv_nsec = 0;
	CHECK(utimensat(AT_FDCWD, at(&s, "f"), ts, 0) == 0);
	CHECK(stat(at(&s, "f"), &st) == 0);
	CHECK_EQ(st.st_atim.tv_sec, 1000);
	CHECK_EQ(st.st_mtim.tv_sec, 2000);
	CHECK(utimensat(AT_FDCWD, at(&s, "f"), NULL, 0) == 0);
	CHECK(stat(at(&s, "f"), &st) == 0);
	CHECK(st.st_mtim.tv_sec > 2000);
	/* 3 MiB in one write: more than one FUSE request of at most 1 MiB */
	CHECK((big = malloc(3 << 20)) != NULL);
	for (size_t i = 0; i < (3u << 20); i++)
		big[i] = (char)(i * 7 + i / 4096);
	CHECK((fd = open(at(&s, "big"), O_RDWR | O_CREAT, 0600)) >= 0);
	CHECK_EQ(pwrite(fd, big, 3 << 20, 1 << 20), 3 << 20);
	CHECK(fsync(fd) == 0);
	CHECK(fstat(fd, &st) == 0);
	CHECK_EQ(st.st_size, 4 << 20);
	memset(big, 0, 3 << 20);
	CHECK_EQ(pread(fd, big, 3 << 20, 1 << 20), 3 << 20);
	for (size_t i = 0; i < (3u << 20); i += 4099)
		CHECK_EQ(big[i], (char)(i * 7 + i / 4096));
	CHECK(ftruncate(fd, 1) == 0);
	CHECK(close(fd) == 0);
	free(big);
	/* O_APPEND writes at the real end */
	CHECK((fd = open(at(&s, "f"), O_WRONLY | O_APPEND)) >= 0);
	CHECK_EQ(write(fd, "xy", 2), 2);
	CHECK(close(fd) == 0);
	get(at(&s, "f"), "0123xy");
	CHECK(statvfs(s.mnt, &sv) == 0);
	CHECK(sv.f_blocks > 0);
	CHECK(access(at(&s, "f"), R_OK | W_OK) == 0);
	srv_stop(&s);
}

/* Many entries read with several readdir requests: the file system's cookies resume each. */
T_CASE(readdir_cookies)
{
	struct dirent *de;
	struct srv s;
	char name[64];
	int seen[2000] = { 0 }, n = 0, i;
	DIR *d;

	srv_start(&s, NULL);
	CHECK(mkdir(at(&s, "big"), 0755) == 0);
	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "big/entry-with-a-longish-name-%04d", i);
		put(at(&s, name), "");
	}
	for (i = 0; i < 2000; i += 3) {
		snprintf(name, sizeof(name), "big/entry-with-a-longish-name-%04d", i);
		CHECK(unlink(at(&s, name)) == 0);
	}
	CHECK((d = opendir(at(&s, "big"))) != NULL);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		CHECK(sscanf(de->d_name, "entry-with-a-longish-name-%d", &i) == 1);
		CHECK(i >= 0 && i < 2000 && i % 3 != 0);
		CHECK_EQ(seen[i]++, 0);
		CHECK_EQ(de->d_type, DT_REG);
		n++;
	}
	CHECK(closedir(d) == 0);
	CHECK_EQ(n, 2000 - 667);
	srv_stop(&s);
}

/* The child runs as uid 1000 with the given groups; returns its exit status. */
static int
as_user(const struct srv *s, int ngroups, const gid_t *groups,
    int (*fn)(const struct srv *))
{
	pid_t pid;
	int st;

	CHECK((pid = fork()) >= 0);
	if (pid == 0) {
		if (setgroups(ngroups, groups) != 0 || setresgid(1000, 1000, 1000) != 0 ||
		    setresuid(1000, 1000, 1000) != 0)
			_exit(100);
		_exit(fn(s));
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static int
user_denied(const struct srv *s)
{
	struct stat st;

	if (open(at(s, "priv/f"), O_RDONLY) >= 0 || errno != EACCES) {
		return 1;
	}
	if (open(at(s, "ro"), O_WRONLY) >= 0 || errno != EACCES)
		return 2;
	if (chmod(at(s, "ro"), 0666) == 0 || errno != EPERM)
		return 3;
	if (mkdir(at(s, "x"), 0755) == 0 || errno != EACCES)
		return 4;
	if (utimensat(AT_FDCWD, at(s, "ro"), NULL, 0) == 0 || errno != EACCES)
		return 5;
	if (truncate(at(s, "ro"), 0) == 0 || errno != EACCES)
		return 6;
	if (unlink(at(s, "sticky/rootfile")) == 0 || errno != EPERM)
		return 7;
	if (access(at(s, "ro"), W_OK) == 0 || errno != EACCES)
		return 8;
	if (stat(at(s, "priv/f"), &st) == 0 || errno != EACCES)
		return 9;
	if (mkdir(at(s, "grp/no"), 0755) == 0 || errno != EACCES)
		return 10;
	return 0;
}

static int
user_allowed(const struct srv *s)
{
	struct stat st;
	int fd;

	if ((fd = open(at(s, "pub/mine"), O_WRONLY | O_CREAT, 0600)) < 0)
		return 1;
	close(fd);
	if (stat(at(s, "pub/mine"), &st) != 0 || st.st_uid != 1000 || st.st_gid != 1000)
		return 2;
	if (mkdir(at(s, "grp/yes"), 0755) != 0)	/* through supplementary group 4242 */
		return 3;
	if (stat(at(s, "grp/yes"), &st) != 0 || st.st_gid != 4242)	/* setgid dir */
		return 4;
	if (utimensat(AT_FDCWD, at(s, "pub/rw"), NULL, 0) != 0)	/* "now" with write access */
		return 5;
	return 0;
}

/*
 * Each request runs with its caller's uid, gid and groups; names the
 * owner looked up (and the host cached) do not let the other user past
 * a directory it may not search.
 */
static void
credentials(const char *opts)
{
	gid_t g = 4242;
	struct srv s;

	srv_start(&s, opts);
	CHECK(mkdir(at(&s, "priv"), 0700) == 0);
	put(at(&s, "priv/f"), "secret");
	put(at(&s, "ro"), "ro");
	CHECK(mkdir(at(&s, "pub"), 0777) == 0 && chmod(at(&s, "pub"), 0777) == 0);
	put(at(&s, "pub/rw"), "");
	CHECK(chmod(at(&s, "pub/rw"), 0666) == 0);
	CHECK(mkdir(at(&s, "sticky"), 0777) == 0 && chmod(at(&s, "sticky"), 01777) == 0);
	put(at(&s, "sticky/rootfile"), "");
	CHECK(mkdir(at(&s, "grp"), 0770) == 0 && chown(at(&s, "grp"), 0, 4242) == 0);
	CHECK(chmod(at(&s, "grp"), 02770) == 0);
	CHECK_EQ(as_user(&s, 0, NULL, user_denied), 0);
	CHECK_EQ(as_user(&s, 1, &g, user_allowed), 0);
	srv_stop(&s);
}

T_CASE(credentials)
{
	credentials("allow_other");
}

T_CASE(credentials_default_permissions)
{
	credentials("allow_other,default_permissions");
}

/* Forgotten nodes give their vnodes back; what the host still holds is dropped at the end. */
T_CASE(node_references)
{
	struct srv s;
	char name[64];
	int fd, i;

	srv_start(&s, NULL);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		put(at(&s, name), "x");
	}
	CHECK(p2k_test_nnodes(s.pm) >= 200);
	fd = open(at(&s, "n7"), O_RDONLY);
	CHECK(fd >= 0);
	CHECK(unlink(at(&s, "n7")) == 0);	/* open and unlinked: kept until released */
	/* The host drops its dentries and inodes: FORGETs come back for all but n7. */
	for (i = 0; i < 100 && p2k_test_nnodes(s.pm) > 1; i++) {
		FILE *f = fopen("/proc/sys/vm/drop_caches", "w");

		CHECK(f != NULL);
		fputs("2\n", f);
		fclose(f);
		usleep(20000);
	}
	CHECK_EQ(p2k_test_nnodes(s.pm), 1);
	char c;
	CHECK_EQ(read(fd, &c, 1), 1);
	CHECK_EQ(c, 'x');
	CHECK(close(fd) == 0);
	srv_stop(&s);
}

static char run_fs_mnt[96];
static int run_fs_result = -1;

static void *
run_fs_thread(void *arg)
{
	(void)arg;
	run_fs_result = p2k_run_fs("rumpfs", NULL, run_fs_mnt, 0, NULL, 0, P2K_FOREGROUND);
	return NULL;
}

/* NetBSD's one call: p2k_run_fs mounts, serves until the host unmounts, and cleans up. */
T_CASE(run_fs)
{
	char dir[] = "/tmp/t_p2k.XXXXXX", path[128];
	struct stat st, root;
	pthread_t t;
	int i;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(run_fs_mnt, sizeof(run_fs_mnt), "%s/mnt", dir);
	CHECK(mkdir(run_fs_mnt, 0755) == 0);
	CHECK(stat(run_fs_mnt, &root) == 0);
	CHECK(pthread_create(&t, NULL, run_fs_thread, NULL) == 0);
	/* mounted when the directory's device changes */
	for (i = 0; i < 200 && stat(run_fs_mnt, &st) == 0 && st.st_dev == root.st_dev; i++)
		usleep(20000);
	CHECK(st.st_dev != root.st_dev);
	snprintf(srv_live, sizeof(srv_live), "%s", run_fs_mnt);
	atexit(srv_atexit);
	snprintf(path, sizeof(path), "%s/f", run_fs_mnt);
	put(path, "run_fs");
	get(path, "run_fs");
	CHECK(umount2(run_fs_mnt, 0) == 0);
	srv_live[0] = '\0';
	CHECK(pthread_join(t, NULL) == 0);
	CHECK_ERR(run_fs_result, 0);
	CHECK(rmdir(run_fs_mnt) == 0 && rmdir(dir) == 0);
}

/* Setup failures name their cause and leave nothing behind. */
T_CASE(setup_errors)
{
	char *bad[] = { "t_p2k", "-o", "no_such_option", NULL };
	char *neg[] = { "t_p2k", "-o", "entry_timeout=-1", NULL };
	struct p2k_mount *pm;
	char dir[] = "/tmp/t_p2k.XXXXXX";

	CHECK(mkdtemp(dir) != NULL);
	CHECK((pm = p2k_init(P2K_FOREGROUND)) != NULL);
	CHECK_ERR(p2k_set_fuse_args(pm, 3, bad), EINVAL);
	p2k_cancel(pm, EINVAL);
	CHECK((pm = p2k_init(P2K_FOREGROUND)) != NULL);
	CHECK_ERR(p2k_set_fuse_args(pm, 3, neg), EINVAL);
	p2k_cancel(pm, EINVAL);
	CHECK((pm = p2k_init(P2K_FOREGROUND)) != NULL);
	CHECK_ERR(p2k_setup_diskfs(pm, "nosuchfs", NULL, dir, 0, NULL, 0), ENODEV);
	p2k_cancel(pm, ENODEV);
	CHECK((pm = p2k_init(P2K_FOREGROUND)) != NULL);
	CHECK_ERR(p2k_setup_diskfs(pm, "rumpfs", NULL, "/nonexistent/dir", 0, NULL, 0), ENOENT);
	p2k_cancel(pm, ENOENT);
	CHECK((pm = p2k_init(P2K_FOREGROUND)) != NULL);
	CHECK_ERR(p2k_setup_diskfs(pm, "ffs", "/nonexistent.img", dir, 0, NULL, 0), ENOENT);
	p2k_cancel(pm, ENOENT);
	CHECK((pm = p2k_init(P2K_FOREGROUND)) != NULL);
	CHECK_ERR(p2k_setup_diskfs(pm, "rumpfs", NULL, "/", 0, NULL, 0), EBUSY);
	p2k_cancel(pm, EBUSY);
	char file[64];

	snprintf(file, sizeof(file), "%s/file", dir);
	put(file, "");
	CHECK((pm = p2k_init(P2K_FOREGROUND)) != NULL);
	CHECK_ERR(p2k_setup_diskfs(pm, "rumpfs", NULL, dir, 0, NULL, 0), ENOTEMPTY);
	p2k_cancel(pm, ENOTEMPTY);
	CHECK(unlink(file) == 0);
	CHECK(rmdir(dir) == 0);
}
