/* ffs_t.c: helpers of the ffs tests: generated trees, makefs images, mounting, comparing trees. */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_rump.h"
#include "ffs_t.h"

void
ffs_t_init(struct ffs_t *t)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(t->ft_dir, sizeof(t->ft_dir), "%s/ffs_t.XXXXXX", tmp ? tmp : "/tmp");
	CHECK(mkdtemp(t->ft_dir) != NULL);
	snprintf(t->ft_tree, sizeof(t->ft_tree), "%s/tree", t->ft_dir);
	snprintf(t->ft_img, sizeof(t->ft_img), "%s/img", t->ft_dir);
	CHECK(mkdir(t->ft_tree, 0755) == 0);
}

void
ffs_t_cleanup(struct ffs_t *t)
{
	CHECK_EQ(ffs_t_system("rm -rf '%s'", t->ft_dir), 0);
}

int
ffs_t_system(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	CHECK(st != -1);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void
write_file(const char *path, const void *buf, size_t len, off_t at)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	if (len > 0)
		CHECK(pwrite(fd, buf, len, at) == (ssize_t)len);
	CHECK(close(fd) == 0);
}

static void
fill(unsigned *seed, char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)rand_r(seed);
}

static void
gen_many(const char *root, unsigned *seed)
{
	char path[512], buf[9000];

	snprintf(path, sizeof(path), "%s/many", root);
	CHECK(mkdir(path, 0755) == 0);
	for (int i = 0; i < 300; i++) {
		size_t len = (size_t)rand_r(seed) % sizeof(buf);
		if (i % 7 == 0)
			len = 0;
		fill(seed, buf, len);
		snprintf(path, sizeof(path), "%s/many/file_%03d_%u", root, i, (unsigned)len);
		write_file(path, buf, len, 0);
	}
}

static void
gen_deep(const char *root)
{
	char path[1024];
	size_t n;

	n = (size_t)snprintf(path, sizeof(path), "%s", root);
	for (int i = 0; i < 24; i++) {
		n += (size_t)snprintf(path + n, sizeof(path) - n, "/deep%02d", i);
		CHECK(mkdir(path, 0700 + (mode_t)(i % 8)) == 0 || errno == EEXIST);
		char f[1100];
		snprintf(f, sizeof(f), "%s/leaf", path);
		write_file(f, path, n, 0);
	}
	/* Make them searchable again for the comparison (modes 0700..0707). */
}

static void
gen_special(const char *root, unsigned *seed, bool large)
{
	char path[600], name[256], target[300];
	static char buf[1 << 20];

	memset(name, 'n', 255);
	name[255] = '\0';
	snprintf(path, sizeof(path), "%s/%s", root, name);
	write_file(path, "long name\n", 10, 0);
	snprintf(path, sizeof(path), "%s/sparse", root);
	write_file(path, "end", 3, 3 * 1024 * 1024 + 17);
	snprintf(path, sizeof(path), "%s/large", root);
	fill(seed, buf, sizeof(buf));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	for (int i = 0; i < (large ? 6 : 1); i++)
		CHECK(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
	CHECK(write(fd, buf, 777) == 777);
	CHECK(close(fd) == 0);
	snprintf(path, sizeof(path), "%s/short_link", root);
	CHECK(symlink("hard1", path) == 0);
	memset(target, 'L', 200);
	memcpy(target, "deep00/", 7);
	target[200] = '\0';
	snprintf(path, sizeof(path), "%s/long_link", root);
	CHECK(symlink(target, path) == 0);
	snprintf(path, sizeof(path), "%s/link_60", root);
	memset(target, 'x', 60);
	target[60] = '\0';
	CHECK(symlink(target, path) == 0);
	snprintf(path, sizeof(path), "%s/link_120", root);
	memset(target, 'y', 120);
	target[120] = '\0';
	CHECK(symlink(target, path) == 0);
}

static void
gen_nodes(const char *root)
{
	char path[600], path2[600];

	snprintf(path, sizeof(path), "%s/hard1", root);
	write_file(path, "hard\n", 5, 0);
	for (int i = 2; i <= 3; i++) {
		snprintf(path2, sizeof(path2), "%s/many/hard%d", root, i);
		CHECK(link(path, path2) == 0);
	}
	snprintf(path, sizeof(path), "%s/fifo", root);
	CHECK(mkfifo(path, 0640) == 0);
	snprintf(path, sizeof(path), "%s/chr", root);
	CHECK(mknod(path, S_IFCHR | 0620, makedev(1, 3)) == 0);
	snprintf(path, sizeof(path), "%s/blk", root);
	CHECK(mknod(path, S_IFBLK | 0660, makedev(7, 200)) == 0);
	snprintf(path, sizeof(path), "%s/owned", root);
	write_file(path, "owned\n", 6, 0);
	CHECK(chown(path, 1234, 5678) == 0);
	CHECK(chmod(path, 06751) == 0);
	snprintf(path, sizeof(path), "%s/emptydir", root);
	CHECK(mkdir(path, 01777) == 0);
	CHECK(chmod(path, 01777) == 0);
}

void
ffs_t_gen_tree(struct ffs_t *t, unsigned seed, bool large)
{
	gen_many(t->ft_tree, &seed);
	gen_deep(t->ft_tree);
	gen_special(t->ft_tree, &seed, large);
	gen_nodes(t->ft_tree);
	/* A fixed time with nanoseconds on one file, for the time checks. */
	CHECK_EQ(ffs_t_system("touch -h -d '2021-03-04 05:06:07.123456789' '%s/hard1'",
	    t->ft_tree), 0);
}

void
ffs_t_makefs(struct ffs_t *t, int version, const char *order, int bsize, int fsize,
    const char *extra)
{
	char opts[128];

	snprintf(opts, sizeof(opts), "version=%d", version);
	if (bsize)
		snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts), ",bsize=%d", bsize);
	if (fsize)
		snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts), ",fsize=%d", fsize);
	CHECK_EQ(ffs_t_system("makefs -t ffs -o %s -B %s %s '%s' '%s' >/dev/null",
	    opts, order, extra ? extra : "", t->ft_img, t->ft_tree), 0);
}

int
ffs_t_mount(struct ffs_t *t, int flags)
{
	struct ufs_args args = { .fspec = (char *)"/dev/img0" };

	t_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/img0", t->ft_img, RUMP_ETFS_BLK), 0);
	CHECK_EQ(rump_sys_mkdir("/mnt", 0755), 0);
	if (rump_sys_mount(MOUNT_FFS, "/mnt", flags, &args, sizeof(args)) != 0)
		return errno;
	return 0;
}

bool ffs_t_compare_times = true;

static void
compare_file(const char *hpath, const char *rpath, off_t size)
{
	static char hb[65536], rb[65536];
	int hfd = open(hpath, O_RDONLY), rfd = rump_sys_open(rpath, O_RDONLY);
	off_t done = 0;

	CHECK(hfd >= 0);
	if (rfd < 0)
		t_fail(__FILE__, __LINE__, "open %s: %s", rpath, strerror(errno));
	for (;;) {
		ssize_t hn = read(hfd, hb, sizeof(hb)), rn = rump_sys_read(rfd, rb, sizeof(rb));
		if (hn != rn || (hn > 0 && memcmp(hb, rb, (size_t)hn) != 0))
			t_fail(__FILE__, __LINE__, "%s differs near %jd (host %zd, rump %zd)",
			    rpath, (intmax_t)done, hn, rn);
		if (hn <= 0)
			break;
		done += hn;
	}
	CHECK_EQ(done, size);
	CHECK(close(hfd) == 0);
	CHECK_EQ(rump_sys_close(rfd), 0);
}

static void
compare_attrs(const char *rpath, const struct stat *hs, const struct stat *rs)
{
	if (hs->st_mode != rs->st_mode || hs->st_uid != rs->st_uid || hs->st_gid != rs->st_gid ||
	    hs->st_nlink != rs->st_nlink ||
	    (ffs_t_compare_times && hs->st_mtim.tv_sec != rs->st_mtim.tv_sec) ||
	    (!S_ISLNK(hs->st_mode) && !S_ISDIR(hs->st_mode) && hs->st_size != rs->st_size))
		t_fail(__FILE__, __LINE__, "%s: host mode %o uid %u gid %u nlink %ju mtime %jd "
		    "size %jd, rump mode %o uid %u gid %u nlink %ju mtime %jd size %jd", rpath,
		    hs->st_mode, hs->st_uid, hs->st_gid, (uintmax_t)hs->st_nlink,
		    (intmax_t)hs->st_mtim.tv_sec, (intmax_t)hs->st_size, rs->st_mode, rs->st_uid,
		    rs->st_gid, (uintmax_t)rs->st_nlink, (intmax_t)rs->st_mtim.tv_sec,
		    (intmax_t)rs->st_size);
	if ((S_ISCHR(hs->st_mode) || S_ISBLK(hs->st_mode)) && hs->st_rdev != rs->st_rdev)
		t_fail(__FILE__, __LINE__, "%s: rdev %jx != %jx", rpath, (uintmax_t)hs->st_rdev,
		    (uintmax_t)rs->st_rdev);
}

static void
compare_link(const char *hpath, const char *rpath)
{
	char hb[4096], rb[4096];
	ssize_t hn = readlink(hpath, hb, sizeof(hb)), rn = rump_sys_readlink(rpath, rb, sizeof(rb));

	CHECK(hn > 0);
	if (hn != rn || memcmp(hb, rb, (size_t)hn) != 0)
		t_fail(__FILE__, __LINE__, "%s: link target differs (%zd vs %zd)", rpath, hn, rn);
}

/* The names in rump directory rpath, counted; each must exist on the host. */
static int
count_rump_names(const char *rpath, const char *hdir)
{
	static char buf[8192];
	int fd = rump_sys_open(rpath, O_RDONLY | O_DIRECTORY), n = 0;
	ssize_t len;

	CHECK(fd >= 0);
	while ((len = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < len;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			char hp[1024];
			struct stat st;

			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			snprintf(hp, sizeof(hp), "%s/%s", hdir, d->d_name);
			if (lstat(hp, &st) != 0)
				t_fail(__FILE__, __LINE__, "%s: extra name %s", rpath, d->d_name);
			if (d->d_type != DT_UNKNOWN && (mode_t)DTTOIF(d->d_type) != (st.st_mode & S_IFMT))
				t_fail(__FILE__, __LINE__, "%s/%s: d_type %u", rpath, d->d_name,
				    d->d_type);
			n++;
		}
	}
	CHECK_EQ(len, 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	return n;
}

void
ffs_t_compare(const char *dir, const char *mnt)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	CHECK(d != NULL);
	while ((de = readdir(d)) != NULL) {
		char hp[1024], rp[1024];
		struct stat hs, rs;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		n++;
		snprintf(hp, sizeof(hp), "%s/%s", dir, de->d_name);
		snprintf(rp, sizeof(rp), "%s/%s", mnt, de->d_name);
		CHECK(lstat(hp, &hs) == 0);
		if (rump_sys_lstat(rp, &rs) != 0)
			t_fail(__FILE__, __LINE__, "lstat %s: %s", rp, strerror(errno));
		compare_attrs(rp, &hs, &rs);
		if (S_ISREG(hs.st_mode))
			compare_file(hp, rp, hs.st_size);
		else if (S_ISLNK(hs.st_mode))
			compare_link(hp, rp);
		else if (S_ISDIR(hs.st_mode))
			ffs_t_compare(hp, rp);
	}
	CHECK(closedir(d) == 0);
	CHECK_EQ(count_rump_names(mnt, dir), n);
}

void
ffs_t_poke(struct ffs_t *t, long off, const void *buf, size_t len)
{
	int fd = open(t->ft_img, O_WRONLY);

	CHECK(fd >= 0);
	CHECK(pwrite(fd, buf, len, off) == (ssize_t)len);
	CHECK(close(fd) == 0);
}

void
ffs_t_peek(struct ffs_t *t, long off, void *buf, size_t len)
{
	int fd = open(t->ft_img, O_RDONLY);

	CHECK(fd >= 0);
	CHECK(pread(fd, buf, len, off) == (ssize_t)len);
	CHECK(close(fd) == 0);
}

static int
le32(const unsigned char *p)
{
	return (int)((unsigned)p[0] | (unsigned)p[1] << 8 | (unsigned)p[2] << 16 | (unsigned)p[3] << 24);
}

void
ffs_t_geom(struct ffs_t *t, struct ffs_t_geom *g)
{
	unsigned char sb[1376];

	ffs_t_peek(t, 8192, sb, sizeof(sb));
	g->g_ufs2 = le32(sb + 1372) == 0x19540119;
	CHECK(g->g_ufs2 || le32(sb + 1372) == 0x011954);
	g->g_cblkno = le32(sb + 12);
	g->g_iblkno = le32(sb + 16);
	g->g_bsize = le32(sb + 48);
	g->g_fsize = le32(sb + 52);
	g->g_frag = le32(sb + 56);
	g->g_ipg = le32(sb + 184);
	g->g_fpg = le32(sb + 188);
	g->g_inosz = g->g_ufs2 ? 256 : 128;
}

long
ffs_t_inode_off(const struct ffs_t_geom *g, unsigned long ino)
{
	unsigned long c = ino / (unsigned long)g->g_ipg, i = ino % (unsigned long)g->g_ipg;

	return ((long)c * g->g_fpg + g->g_iblkno) * g->g_fsize + (long)i * g->g_inosz;
}

long
ffs_t_cg_off(const struct ffs_t_geom *g, unsigned c)
{
	return ((long)c * g->g_fpg + g->g_cblkno) * g->g_fsize;
}

/* The random-operation engine: the host directory is the model. */
#define RO_MAX	2048

struct ro_state {
	const char	*hdir, *rdir;
	unsigned	seed;
	size_t		maxfile;
	char		*paths[RO_MAX];	/* relative, "" for the root */
	bool		isdir[RO_MAX];
	int		n;
	char		*buf;
};

static void
ro_list(struct ro_state *st, const char *rel)
{
	char hp[1024];
	DIR *d;
	struct dirent *de;

	snprintf(hp, sizeof(hp), "%s/%s", st->hdir, rel);
	CHECK((d = opendir(hp)) != NULL);
	while ((de = readdir(d)) != NULL && st->n < RO_MAX) {
		char sub[1024];
		struct stat sb;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		CHECK(snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name) <
		    (int)sizeof(sub));
		CHECK(snprintf(hp, sizeof(hp), "%s/%s", st->hdir, sub) < (int)sizeof(hp));
		CHECK(lstat(hp, &sb) == 0);
		st->paths[st->n] = strdup(sub);
		st->isdir[st->n++] = S_ISDIR(sb.st_mode);
		if (S_ISDIR(sb.st_mode))
			ro_list(st, sub);
	}
	CHECK(closedir(d) == 0);
}

static void
ro_refresh(struct ro_state *st)
{
	for (int i = 0; i < st->n; i++)
		free(st->paths[i]);
	st->n = 0;
	st->paths[st->n] = strdup("");
	st->isdir[st->n++] = true;
	ro_list(st, "");
}

/* A random existing path: a directory if wantdir, else anything but the root when nonroot. */
static const char *
ro_pick(struct ro_state *st, int wantdir, bool nonroot)
{
	for (int tries = 0; tries < 50; tries++) {
		int i = (int)(rand_r(&st->seed) % (unsigned)st->n);
		if (wantdir == 1 && !st->isdir[i])
			continue;
		if (wantdir == 0 && st->isdir[i])
			continue;
		if (nonroot && i == 0)
			continue;
		return st->paths[i];
	}
	return NULL;
}

static void
ro_paths(struct ro_state *st, const char *rel, char *hp, char *rp, size_t len)
{
	CHECK(snprintf(hp, len, "%s/%s", st->hdir, rel) < (int)len);
	CHECK(snprintf(rp, len, "%s/%s", st->rdir, rel) < (int)len);
}

static int
res(long r)
{
	return r < 0 ? errno : 0;
}

#define AGREE(op, hcall, rcall) do {					\
	int he_ = res((long)(hcall)), re_ = res((long)(rcall));		\
	if (he_ != re_)							\
		t_fail(__FILE__, __LINE__, "op %d %s: host %s, rump %s", i, op, \
		    strerror(he_), strerror(re_));			\
} while (0)

static void
ro_write(struct ro_state *st, const char *rel, bool append, bool trunc)
{
	char hp[1100], rp[1100];
	size_t len = (size_t)rand_r(&st->seed) % (rand_r(&st->seed) % 8 == 0 ? st->maxfile : 20000);
	off_t off;
	int hfd, rfd, fl = O_WRONLY | O_CREAT | (append ? O_APPEND : 0) | (trunc ? O_TRUNC : 0);
	struct stat sb;

	ro_paths(st, rel, hp, rp, sizeof(hp));
	if (lstat(hp, &sb) == 0 && !S_ISREG(sb.st_mode))
		return;		/* never open a fifo (it would block) */
	hfd = open(hp, fl, 0644);
	rfd = rump_sys_open(rp, fl, 0644);
	if ((hfd < 0) != (rfd < 0))
		t_fail(__FILE__, __LINE__, "open %s: host %d, rump %d (%s)", rel, hfd, rfd,
		    strerror(errno));
	if (hfd < 0)
		return;
	CHECK(fstat(hfd, &sb) == 0);
	off = append ? 0 : (off_t)((size_t)rand_r(&st->seed) % ((size_t)sb.st_size + 30000));
	fill(&st->seed, st->buf, len);
	if (append) {
		CHECK(write(hfd, st->buf, len) == (ssize_t)len);
		CHECK_EQ(rump_sys_write(rfd, st->buf, len), (ssize_t)len);
	} else {
		CHECK(pwrite(hfd, st->buf, len, off) == (ssize_t)len);
		CHECK_EQ(rump_sys_pwrite(rfd, st->buf, len, off), (ssize_t)len);
	}
	CHECK(close(hfd) == 0);
	CHECK_EQ(rump_sys_close(rfd), 0);
}

static void
ro_one(struct ro_state *st, int i)
{
	char hp[1100], rp[1100], hp2[1100], rp2[1100], name[1100], target[300];
	const char *a, *b;
	int op = rand_r(&st->seed) % 13;
	unsigned k = (unsigned)rand_r(&st->seed) % 100000;

	switch (op) {
	case 0: case 1:		/* new or rewritten file */
		if ((a = ro_pick(st, 1, false)) == NULL)
			return;
		snprintf(name, sizeof(name), "%s%sf%u", a, *a ? "/" : "", k % 50);
		ro_write(st, name, false, op == 1);
		break;
	case 2:			/* append or overwrite an existing file */
		if ((a = ro_pick(st, 0, true)) == NULL)
			return;
		ro_paths(st, a, hp, rp, sizeof(hp));
		{
			struct stat sb;
			if (lstat(hp, &sb) != 0 || !S_ISREG(sb.st_mode))
				return;
		}
		ro_write(st, a, k % 2 == 0, false);
		break;
	case 3:			/* truncate */
		if ((a = ro_pick(st, 0, true)) == NULL)
			return;
		ro_paths(st, a, hp, rp, sizeof(hp));
		{
			struct stat sb;
			off_t len;
			if (lstat(hp, &sb) != 0 || !S_ISREG(sb.st_mode))
				return;
			len = (off_t)(k % 3 == 0 ? (size_t)k * 7 % (st->maxfile * 2) : (size_t)sb.st_size * (k % 4) / 3);
			AGREE("truncate", truncate(hp, len), rump_sys_truncate(rp, len));
		}
		break;
	case 4:			/* mkdir */
		if ((a = ro_pick(st, 1, false)) == NULL)
			return;
		snprintf(name, sizeof(name), "%s%sd%u", a, *a ? "/" : "", k % 20);
		ro_paths(st, name, hp, rp, sizeof(hp));
		AGREE("mkdir", mkdir(hp, 0755), rump_sys_mkdir(rp, 0755));
		break;
	case 5:			/* unlink */
		if ((a = ro_pick(st, 0, true)) == NULL)
			return;
		ro_paths(st, a, hp, rp, sizeof(hp));
		AGREE("unlink", unlink(hp), rump_sys_unlink(rp));
		break;
	case 6:			/* rmdir */
		if ((a = ro_pick(st, 1, true)) == NULL)
			return;
		ro_paths(st, a, hp, rp, sizeof(hp));
		AGREE("rmdir", rmdir(hp), rump_sys_rmdir(rp));
		break;
	case 7: case 8:		/* rename anything to a new or existing name */
		if ((a = ro_pick(st, -1, true)) == NULL)
			return;
		if (k % 3 == 0 && (b = ro_pick(st, -1, true)) != NULL) {
			snprintf(name, sizeof(name), "%s", b);
		} else {
			if ((b = ro_pick(st, 1, false)) == NULL)
				return;
			snprintf(name, sizeof(name), "%s%sr%u", b, *b ? "/" : "", k % 30);
		}
		ro_paths(st, a, hp, rp, sizeof(hp));
		ro_paths(st, name, hp2, rp2, sizeof(hp2));
		AGREE("rename", rename(hp, hp2), rump_sys_rename(rp, rp2));
		break;
	case 9:			/* hard link */
		if ((a = ro_pick(st, 0, true)) == NULL || (b = ro_pick(st, 1, false)) == NULL)
			return;
		snprintf(name, sizeof(name), "%s%sl%u", b, *b ? "/" : "", k % 30);
		ro_paths(st, a, hp, rp, sizeof(hp));
		ro_paths(st, name, hp2, rp2, sizeof(hp2));
		AGREE("link", link(hp, hp2), rump_sys_link(rp, rp2));
		break;
	case 10:		/* symlink, short or long */
		if ((b = ro_pick(st, 1, false)) == NULL)
			return;
		memset(target, 'a' + (int)(k % 26), sizeof(target));
		target[k % 2 ? 10 + k % 40 : 100 + k % 150] = '\0';
		snprintf(name, sizeof(name), "%s%ss%u", b, *b ? "/" : "", k % 30);
		ro_paths(st, name, hp, rp, sizeof(hp));
		AGREE("symlink", symlink(target, hp), rump_sys_symlink(target, rp));
		break;
	case 11:		/* chmod */
		if ((a = ro_pick(st, -1, true)) == NULL)
			return;
		ro_paths(st, a, hp, rp, sizeof(hp));
		{
			struct stat sb;
			if (lstat(hp, &sb) != 0 || S_ISLNK(sb.st_mode))
				return;
		}
		AGREE("chmod", chmod(hp, 0700 | (k & 077)), rump_sys_chmod(rp, 0700 | (k & 077)));
		break;
	default:		/* mknod: a fifo */
		if ((b = ro_pick(st, 1, false)) == NULL)
			return;
		snprintf(name, sizeof(name), "%s%sp%u", b, *b ? "/" : "", k % 10);
		ro_paths(st, name, hp, rp, sizeof(hp));
		AGREE("mkfifo", mkfifo(hp, 0644), rump_sys_mknod(rp, S_IFIFO | 0644, 0));
		break;
	}
}

void
ffs_t_random_ops(const char *hdir, const char *rdir, unsigned seed, int nops, size_t maxfile)
{
	struct ro_state st = { .hdir = hdir, .rdir = rdir, .seed = seed, .maxfile = maxfile };

	CHECK((st.buf = malloc(maxfile + 1)) != NULL);
	for (int i = 0; i < nops; i++) {
		if (i % 16 == 0)
			ro_refresh(&st);
		ro_one(&st, i);
		if (i % 16 == 15)
			ro_refresh(&st);
	}
	ro_refresh(&st);
	fprintf(stderr, "random ops: %d ops, %d names at the end\n", nops, st.n);
	for (int i = 0; i < st.n; i++)
		free(st.paths[i]);
	free(st.buf);
}

/* Little-endian stores for ffs_t_mkfs_ufs2_64k. */
static void
st16(unsigned char *p, long off, unsigned v)
{
	p[off] = (unsigned char)v;
	p[off + 1] = (unsigned char)(v >> 8);
}

static void
st32(unsigned char *p, long off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[off + i] = (unsigned char)(v >> (8 * i));
}

static void
st64(unsigned char *p, long off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[off + i] = (unsigned char)(v >> (8 * i));
}

enum {
	MK_BSIZE = 32768, MK_FSIZE = 4096, MK_FRAG = 8, MK_IPG = 1024, MK_INOPB = 128,
	MK_SBLKNO = 24, MK_CBLKNO = 32, MK_IBLKNO = 40, MK_DBLKNO = 104, MK_ROOTBLK = 105,
	MK_CONTIG = 16,
};

static void
mk_super(unsigned char *sb, uint32_t nfrags, uint32_t nbfree, uint32_t nffree)
{
	st32(sb, 8, MK_SBLKNO);
	st32(sb, 12, MK_CBLKNO);
	st32(sb, 16, MK_IBLKNO);
	st32(sb, 20, MK_DBLKNO);
	st32(sb, 44, 1);			/* ncg */
	st32(sb, 48, MK_BSIZE);
	st32(sb, 52, MK_FSIZE);
	st32(sb, 56, MK_FRAG);
	st32(sb, 60, 8);			/* minfree */
	st32(sb, 72, (uint32_t)~(MK_BSIZE - 1));
	st32(sb, 76, (uint32_t)~(MK_FSIZE - 1));
	st32(sb, 80, 15);
	st32(sb, 84, 12);
	st32(sb, 88, 4);			/* maxcontig */
	st32(sb, 92, nfrags / MK_FRAG);		/* maxbpg */
	st32(sb, 96, 3);			/* fragshift */
	st32(sb, 100, 3);			/* fsbtodb */
	st32(sb, 104, 4096);			/* sbsize */
	st32(sb, 116, MK_BSIZE / 8);		/* nindir */
	st32(sb, 120, MK_INOPB);
	st32(sb, 144, 0x5eed);			/* fs_id */
	st32(sb, 156, MK_FSIZE);		/* cssize */
	st32(sb, 160, MK_FSIZE);		/* cgsize */
	st32(sb, 184, MK_IPG);
	st32(sb, 188, nfrags);			/* fpg */
	sb[209] = 1;				/* clean */
	sb[211] = 0x80;				/* FS_FLAGS_UPDATED */
	st32(sb, 860, MK_BSIZE);		/* maxbsize */
	st64(sb, 1000, 65536);			/* sblockloc */
	st64(sb, 1008, 1);			/* cstotal: ndir */
	st64(sb, 1016, nbfree);
	st64(sb, 1024, MK_IPG - 3);
	st64(sb, 1032, nffree);
	st64(sb, 1072, 1600000000);		/* time */
	st64(sb, 1080, nfrags);			/* size */
	st64(sb, 1088, nfrags - MK_SBLKNO - (MK_DBLKNO - MK_SBLKNO) - 1);	/* dsize */
	st64(sb, 1096, MK_DBLKNO);		/* csaddr */
	st32(sb, 1196, 16384);			/* avgfilesize */
	st32(sb, 1200, 64);			/* avgfpdir */
	st32(sb, 1316, MK_CONTIG);		/* contigsumsize */
	st32(sb, 1320, 120);			/* maxsymlinklen */
	st32(sb, 1324, 2);			/* 4.4BSD inode format */
	st64(sb, 1328, (uint64_t)1 << 40);	/* maxfilesize */
	st64(sb, 1336, MK_BSIZE - 1);		/* qbmask */
	st64(sb, 1344, MK_FSIZE - 1);		/* qfmask */
	st32(sb, 1372, 0x19540119);
}

static void
mk_cg(unsigned char *cg, uint32_t nfrags, uint32_t nbfree, uint32_t nffree)
{
	uint32_t iused = 168, freeoff = iused + MK_IPG / 8, nblk = nfrags / MK_FRAG;
	uint32_t clsum = (freeoff + nfrags / 8 + 3) & ~3u, cloff = clsum + (MK_CONTIG + 1) * 4;

	st32(cg, 4, 0x090255);
	st32(cg, 20, nfrags);			/* ndblk */
	st32(cg, 24, 1);			/* cs: ndir, nbfree, nifree, nffree */
	st32(cg, 28, nbfree);
	st32(cg, 32, MK_IPG - 3);
	st32(cg, 36, nffree);
	st32(cg, 52 + 4 * (MK_FRAG - 2), 1);	/* frsum: one run of 6 free frags */
	st32(cg, 92, iused);
	st32(cg, 96, freeoff);
	st32(cg, 100, cloff + (nblk + 7) / 8);	/* nextfreeoff */
	st32(cg, 104, clsum);
	st32(cg, 108, cloff);
	st32(cg, 112, nblk);
	st32(cg, 116, MK_IPG);
	st32(cg, 120, 2 * MK_INOPB);		/* initediblk */
	cg[iused] = 0x07;			/* inodes 0, 1, 2 */
	for (uint32_t f = MK_ROOTBLK + 1; f < nfrags; f++)
		cg[freeoff + f / 8] |= (unsigned char)(1u << (f % 8));
	for (uint32_t b = (MK_ROOTBLK + MK_FRAG) / MK_FRAG; b < nblk; b++)
		cg[cloff + b / 8] |= (unsigned char)(1u << (b % 8));
	st32(cg, clsum + 4 * MK_CONTIG, 1);	/* one free run, longer than the cap */
}

static void
mk_root(unsigned char *img)
{
	unsigned char *di = img + (long)MK_IBLKNO * MK_FSIZE + 2 * 256;
	unsigned char *d = img + (long)MK_ROOTBLK * MK_FSIZE;

	st16(di, 0, 040755);
	st16(di, 2, 2);				/* nlink */
	st64(di, 16, 512);			/* size */
	st64(di, 24, MK_FSIZE / 512);		/* blocks */
	for (int i = 0; i < 4; i++)
		st64(di, 32 + 8 * i, 1600000000);	/* atime, mtime, ctime, birthtime */
	st32(di, 80, 1);			/* gen */
	st64(di, 112, MK_ROOTBLK);		/* db[0] */
	st32(d, 0, 2);
	st16(d, 4, 12);
	d[6] = 4;
	d[7] = 1;
	d[8] = '.';
	st32(d, 12, 2);
	st16(d, 16, 500);
	d[18] = 4;
	d[19] = 2;
	d[20] = d[21] = '.';
}

void
ffs_t_mkfs_ufs2_64k(struct ffs_t *t, int mb)
{
	uint32_t nfrags = (uint32_t)mb * (1 << 20) / MK_FSIZE;
	uint32_t nbfree = nfrags / MK_FRAG - (MK_ROOTBLK + MK_FRAG) / MK_FRAG, nffree = 6;
	size_t len = (size_t)nfrags * MK_FSIZE;
	unsigned char *img;
	FILE *f;

	CHECK(mb >= 4 && mb <= 128);
	CHECK((img = calloc(1, len)) != NULL);
	mk_super(img + 65536, nfrags, nbfree, nffree);
	memcpy(img + (long)MK_SBLKNO * MK_FSIZE, img + 65536, 4096);	/* cg 0's copy */
	mk_cg(img + (long)MK_CBLKNO * MK_FSIZE, nfrags, nbfree, nffree);
	st32(img + (long)MK_DBLKNO * MK_FSIZE, 0, 1);	/* summary area: ndir, nbfree, nifree, nffree */
	st32(img + (long)MK_DBLKNO * MK_FSIZE, 4, nbfree);
	st32(img + (long)MK_DBLKNO * MK_FSIZE, 8, MK_IPG - 3);
	st32(img + (long)MK_DBLKNO * MK_FSIZE, 12, nffree);
	mk_root(img);
	CHECK((f = fopen(t->ft_img, "wb")) != NULL);
	CHECK(fwrite(img, 1, len, f) == len);
	CHECK(fclose(f) == 0);
	free(img);
}
