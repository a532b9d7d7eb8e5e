/* t_ext2fs_lib.c: the helpers of t_ext2fs.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_ext2fs.h"

int
t_sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

void
t_img_init(struct t_img *t)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(t->dir, sizeof(t->dir), "%s/t_ext2fs.XXXXXX", tmp != NULL ? tmp : "/tmp");
	CHECK(mkdtemp(t->dir) != NULL);
	snprintf(t->img, sizeof(t->img), "%s/img", t->dir);
	snprintf(t->src, sizeof(t->src), "%s/src", t->dir);
	snprintf(t->log, sizeof(t->log), "%s/log", t->dir);
	CHECK(mkdir(t->src, 0755) == 0);
}

void
t_img_cleanup(struct t_img *t)
{
	CHECK_EQ(t_sh("rm -rf '%s'", t->dir), 0);
}

void
t_mkfs(struct t_img *t, const char *opts, bool from_src, const char *size)
{
	int rc = t_sh("mke2fs -q -F -t ext2 %s %s%s '%s' %s >'%s' 2>&1", opts,
	    from_src ? "-d " : "", from_src ? t->src : "", t->img, size, t->log);

	if (rc != 0)
		t_sh("cat '%s' >&2", t->log);
	CHECK_EQ(rc, 0);
}

void
t_fsck(struct t_img *t)
{
	int rc = t_sh("e2fsck -fn '%s' >'%s' 2>&1", t->img, t->log);

	if (rc != 0)
		t_sh("cat '%s' >&2", t->log);
	CHECK_EQ(rc, 0);
}

int
t_mount(struct t_img *t, int flags)
{
	struct ufs_args a = { .fspec = T_DEV };
	struct stat st;

	if (rump_sys_stat(T_DEV, &st) != 0)
		CHECK_ERR(rump_pub_etfs_register(T_DEV, t->img, RUMP_ETFS_BLK), 0);
	if (rump_sys_stat(T_MNT, &st) != 0)
		CHECK(rump_sys_mkdir(T_MNT, 0755) == 0);
	return rump_sys_mount(MOUNT_EXT2FS, T_MNT, flags, &a, sizeof(a));
}

void
t_umount(void)
{
	CHECK(rump_sys_unmount(T_MNT, 0) == 0);
}

void
t_setup(struct t_img *t, const char *opts, const char *size)
{
	t_img_init(t);
	t_mkfs(t, opts, false, size);
	t_boot();
	CHECK_EQ(t_mount(t, 0), 0);
}

void
t_finish(struct t_img *t)
{
	t_umount();
	t_halt();
	t_fsck(t);
	t_img_cleanup(t);
}

void
t_rump_write_file(const char *path, const void *buf, size_t len)
{
	int fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_write(fd, buf, len), (ssize_t)len);
	CHECK(rump_sys_close(fd) == 0);
}

void
t_fill(void *buf, size_t len, uint64_t seed, uint64_t off)
{
	unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		uint64_t x = (off + i) * 0x9E3779B97F4A7C15ULL ^ seed * 0xD1B54A32D192ED03ULL;

		p[i] = (unsigned char)(x >> 29 ^ x >> 7);
	}
}

/* Sorted names of a directory listing. */
struct names {
	char	**v;
	size_t	n, cap;
};

static void
names_add(struct names *ns, const char *name)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return;
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 64;
		ns->v = realloc(ns->v, ns->cap * sizeof(*ns->v));
		CHECK(ns->v != NULL);
	}
	ns->v[ns->n++] = strdup(name);
}

static int
names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

/* Linux dirent64 records, for both the host's getdents64 and rump_sys_getdents. */
struct t_dirent64 {
	uint64_t	d_ino;
	int64_t		d_off;
	uint16_t	d_reclen;
	uint8_t		d_type;
	char		d_name[];
};

static void
names_parse(struct names *ns, const char *buf, long n)
{
	for (long off = 0; off < n;) {
		const struct t_dirent64 *d = (const void *)(buf + off);

		names_add(ns, d->d_name);
		off += d->d_reclen;
	}
}

static void
list_host(const char *path, struct names *ns)
{
	char buf[8192];
	long n;
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	CHECK(fd >= 0);
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		names_parse(ns, buf, n);
	CHECK(n == 0);
	close(fd);
	if (ns->n > 1)
		qsort(ns->v, ns->n, sizeof(*ns->v), names_cmp);
}

static void
list_rump(const char *path, struct names *ns)
{
	char buf[8192];
	ssize_t n;
	int fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY);

	CHECK(fd >= 0);
	while ((n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0)
		names_parse(ns, buf, n);
	CHECK(n == 0);
	CHECK(rump_sys_close(fd) == 0);
	if (ns->n > 1)
		qsort(ns->v, ns->n, sizeof(*ns->v), names_cmp);
}

static void
file_compare(const char *h, const char *r, off_t size)
{
	static char hb[65536], rb[65536];
	int hfd = open(h, O_RDONLY), rfd = rump_sys_open(r, O_RDONLY);
	off_t off = 0;

	CHECK(hfd >= 0);
	CHECK(rfd >= 0);
	while (off < size) {
		ssize_t hn = pread(hfd, hb, sizeof(hb), off);
		ssize_t rn = rump_sys_pread(rfd, rb, sizeof(rb), off);

		if (hn != rn || memcmp(hb, rb, (size_t)hn) != 0)
			t_fail(__FILE__, __LINE__, "%s: bytes differ at %jd", r, (intmax_t)off);
		CHECK(hn > 0);
		off += hn;
	}
	close(hfd);
	CHECK(rump_sys_close(rfd) == 0);
}

static void
node_compare(const char *h, const char *r, bool times)
{
	struct stat hs, rs;

	CHECK(lstat(h, &hs) == 0);
	if (rump_sys_lstat(r, &rs) != 0)
		t_fail(__FILE__, __LINE__, "lstat %s: %s", r, strerror(errno));
	if (hs.st_mode != rs.st_mode || hs.st_uid != rs.st_uid || hs.st_gid != rs.st_gid ||
	    (!S_ISDIR(hs.st_mode) && hs.st_size != rs.st_size) || hs.st_nlink != rs.st_nlink ||
	    hs.st_rdev != rs.st_rdev || (times && hs.st_mtime != rs.st_mtime))
		t_fail(__FILE__, __LINE__, "%s: host mode 0%o uid %u gid %u size %jd nlink %ju rdev %ju "
		    "mtime %jd, image mode 0%o uid %u gid %u size %jd nlink %ju rdev %ju mtime %jd", r,
		    hs.st_mode, hs.st_uid, hs.st_gid, (intmax_t)hs.st_size, (uintmax_t)hs.st_nlink,
		    (uintmax_t)hs.st_rdev, (intmax_t)hs.st_mtime, rs.st_mode, rs.st_uid, rs.st_gid,
		    (intmax_t)rs.st_size, (uintmax_t)rs.st_nlink, (uintmax_t)rs.st_rdev,
		    (intmax_t)rs.st_mtime);
	if (S_ISREG(hs.st_mode))
		file_compare(h, r, hs.st_size);
	else if (S_ISLNK(hs.st_mode)) {
		char ht[PATH_MAX], rt[PATH_MAX];
		ssize_t hn = readlink(h, ht, sizeof(ht)), rn = rump_sys_readlink(r, rt, sizeof(rt));

		CHECK(hn > 0);
		if (hn != rn || memcmp(ht, rt, (size_t)hn) != 0)
			t_fail(__FILE__, __LINE__, "%s: link target differs", r);
	} else if (S_ISDIR(hs.st_mode))
		t_tree_compare(h, r, times);
}

void
t_tree_compare(const char *h, const char *r, bool times)
{
	struct names hn = { 0 }, rn = { 0 };
	char hp[2 * PATH_MAX + 2], rp[2 * PATH_MAX + 2];

	list_host(h, &hn);
	list_rump(r, &rn);
	if (hn.n != rn.n)
		t_fail(__FILE__, __LINE__, "%s: %zu entries on the host, %zu in the image", r, hn.n, rn.n);
	for (size_t i = 0; i < hn.n; i++) {
		if (strcmp(hn.v[i], rn.v[i]) != 0)
			t_fail(__FILE__, __LINE__, "%s: name %s on the host, %s in the image",
			    r, hn.v[i], rn.v[i]);
		snprintf(hp, sizeof(hp), "%s/%s", h, hn.v[i]);
		snprintf(rp, sizeof(rp), "%s/%s", r, rn.v[i]);
		node_compare(hp, rp, times);
	}
	names_free(&hn);
	names_free(&rn);
}
