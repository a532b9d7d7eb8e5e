/* t_diff_ops.c: the random operation sequence of the differential test, and the tree dump. */
#include <fcntl.h>
#include <sys/sysmacros.h>
#include <stdarg.h>
#include <unistd.h>

#include "t.h"
#include "t_diff.h"

#define PATHLEN		64
#define IOMAX		600

static const char *const diff_names[] = { "a", "b", "c", "d" };
static const mode_t diff_modes[] = {
	0, 0400, 0444, 0600, 0644, 0666, 0700, 0755, 0777, 01777, 02755, 04755, 06777, 0111,
};

static uint64_t
rnd(struct diff_run *r)
{
	/* xorshift64*: the same stream on both backends for one seed */
	r->rng ^= r->rng >> 12;
	r->rng ^= r->rng << 25;
	r->rng ^= r->rng >> 27;
	return r->rng * 2685821657736338717ULL;
}

static unsigned
rndn(struct diff_run *r, unsigned n)
{
	return (unsigned)(rnd(r) >> 33) % n;
}

/* ---- logging ---- */

static struct diff_entry *
log_next(struct diff_log *log)
{
	CHECK(log->n < log->max);
	return &log->e[log->n++];
}

static void
log_desc(struct diff_log *log, const char *fmt, ...)
{
	struct diff_entry *e = log_next(log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->desc, sizeof(e->desc), fmt, ap);
	va_end(ap);
	e->res[0] = '\0';
}

/* Append to the result of the current entry. */
static void
log_res(struct diff_log *log, const char *fmt, ...)
{
	struct diff_entry *e = &log->e[log->n - 1];
	size_t len = strlen(e->res);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->res + len, sizeof(e->res) - len, fmt, ap);
	va_end(ap);
}

/* ret of a call: -1 logs errno's name; returns true on success. */
static bool
log_ret(struct diff_log *log, long ret, int err)
{
	if (ret < 0) {
		const char *name = strerrorname_np(err);

		log_res(log, "err=%s", name != NULL ? name : "?");
		return false;
	}
	log_res(log, "ret=%ld", ret);
	return true;
}

/* Run a call and log its result (errno read after the call, not as an argument). */
#define LOGCALL(r, call) do {						\
	long ret_;							\
	int err_;							\
	errno = 0;							\
	ret_ = (long)(call);						\
	err_ = errno;							\
	log_ret((r)->log, ret_, err_);					\
} while (0)

static uint64_t
fnv(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 1469598103934665603ULL;

	while (n-- > 0)
		h = (h ^ *b++) * 1099511628211ULL;
	return h;
}

static void
log_time(struct diff_log *log, const char *what, const struct timespec *ts, time_t start)
{
	/* Set-by-utimensat times are compared exactly; others only as "recent". */
	if (ts->tv_sec < start)
		log_res(log, " %s=%lld.%09ld", what, (long long)ts->tv_sec, ts->tv_nsec);
	else
		log_res(log, " %s=new", what);
}

static void
log_stat(struct diff_log *log, const struct stat *st, time_t start)
{
	log_res(log, " mode=%06o nlink=%lu uid=%u gid=%u", (unsigned)st->st_mode,
	    (unsigned long)st->st_nlink, (unsigned)st->st_uid, (unsigned)st->st_gid);
	if (!S_ISDIR(st->st_mode))
		log_res(log, " size=%lld", (long long)st->st_size);
	log_time(log, "mtime", &st->st_mtim, start);
}

/* ---- arguments ---- */

static void
gen_path_opts(struct diff_run *r, char *buf, bool dots, bool slash)
{
	unsigned depth = 1 + (rndn(r, 20) < 10 ? 0 : rndn(r, 20) < 14 ? 1 : 2);
	bool prev_name = false;
	unsigned i, pick;

	buf[0] = '\0';
	for (i = 0; i < depth; i++) {
		pick = rndn(r, 32);
		if (i > 0)
			strcat(buf, "/");
		/* ".." only right after a name: a path never climbs above the cwd */
		if (dots && prev_name && pick == 0) {
			strcat(buf, "..");
			prev_name = false;
		} else if (dots && pick == 1) {
			strcat(buf, ".");
			prev_name = false;
		} else {
			strcat(buf, diff_names[rndn(r, 4)]);
			prev_name = true;
		}
	}
	if (slash && rndn(r, 16) == 0)
		strcat(buf, "/");
}

static void
gen_path(struct diff_run *r, char *buf)
{
	gen_path_opts(r, buf, true, true);
}

static mode_t
gen_mode(struct diff_run *r)
{
	return diff_modes[rndn(r, sizeof(diff_modes) / sizeof(diff_modes[0]))];
}

/* A relative descriptor: mostly 0..DIFF_MAXK-1, sometimes invalid ones. */
static int
gen_fd(struct diff_run *r)
{
	unsigned p = rndn(r, 40), k, start;

	if (p == 0)
		return -1;
	if (p == 1)
		return 900;
	start = rndn(r, DIFF_MAXK);
	/* Mostly an open one, so that the calls get past EBADF. */
	if (p < 32)
		for (k = 0; k < DIFF_MAXK; k++)
			if (r->isopen[(start + k) % DIFF_MAXK])
				return (int)((start + k) % DIFF_MAXK);
	return (int)start;
}

static int
hostfd(const struct diff_run *r, int k)
{
	return k < 0 || k >= 900 ? k : k + r->be->fdbase;
}

static int
relfd(const struct diff_run *r, int fd)
{
	return fd < 0 || fd >= 900 ? fd : fd - r->be->fdbase;
}

static void
gen_data(struct diff_run *r, char *buf, size_t n)
{
	unsigned seed = rndn(r, 1000);
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (char)('A' + (seed + i * 7) % 26);
}

static int
gen_open_flags(struct diff_run *r)
{
	static const int acc[] = { O_RDONLY, O_WRONLY, O_RDWR };
	int flags = acc[rndn(r, 3)];

	if (rndn(r, 3) != 0)
		flags |= O_CREAT;
	if (rndn(r, 8) == 0)
		flags |= O_EXCL;
	if (rndn(r, 5) == 0)
		flags |= O_TRUNC;
	if (rndn(r, 5) == 0)
		flags |= O_APPEND;
	if (rndn(r, 10) == 0)
		flags |= O_DIRECTORY;
	if (rndn(r, 10) == 0)
		flags |= O_NOFOLLOW;
	if (rndn(r, 10) == 0)
		flags |= O_CLOEXEC;
	return flags;
}

/* Remember whether relative descriptor k is a directory (for lseek/getdents choices). */
static void
track_fd(struct diff_run *r, int k)
{
	struct stat st;

	if (k < 0 || k >= DIFF_MAXK)
		return;
	r->isopen[k] = r->be->fstat(hostfd(r, k), &st) == 0;
	r->isdir[k] = r->isopen[k] && S_ISDIR(st.st_mode);
}

/* ---- the operations ---- */

static void
op_open(struct diff_run *r)
{
	char path[PATHLEN];
	int flags, fd;
	mode_t mode;

	gen_path(r, path);
	flags = gen_open_flags(r);
	mode = gen_mode(r);
	log_desc(r->log, "open(\"%s\", %#o, %04o)", path, flags, (unsigned)mode);
	errno = 0;
	fd = r->be->open(path, flags, mode);
	if (log_ret(r->log, relfd(r, fd), errno)) {
		if (relfd(r, fd) >= DIFF_MAXK) {
			/* Keep the table small: a descriptor out of range is closed again. */
			r->be->close(fd);
			return;
		}
		track_fd(r, relfd(r, fd));
	}
}

static void
op_close(struct diff_run *r)
{
	int k = gen_fd(r);

	log_desc(r->log, "close(%d)", k);
	LOGCALL(r, r->be->close(hostfd(r, k)));
	track_fd(r, k);
}

static void
op_read(struct diff_run *r, bool positional)
{
	char buf[IOMAX];
	int k = gen_fd(r);
	size_t n = rndn(r, IOMAX);
	off_t off = (off_t)rndn(r, 3000) - 100;
	ssize_t got;

	if (positional)
		log_desc(r->log, "pread(%d, %zu, %lld)", k, n, (long long)off);
	else
		log_desc(r->log, "read(%d, %zu)", k, n);
	errno = 0;
	got = positional ? r->be->pread(hostfd(r, k), buf, n, off) :
	    r->be->read(hostfd(r, k), buf, n);
	if (log_ret(r->log, got, errno))
		log_res(r->log, " data=%016llx", (unsigned long long)fnv(buf, (size_t)got));
}

static void
op_write(struct diff_run *r, bool positional)
{
	char buf[IOMAX];
	int k = gen_fd(r);
	size_t n = rndn(r, IOMAX);
	off_t off = (off_t)rndn(r, 3000) - 100;
	ssize_t done;

	gen_data(r, buf, n);
	if (positional)
		log_desc(r->log, "pwrite(%d, %zu, %lld)", k, n, (long long)off);
	else
		log_desc(r->log, "write(%d, %zu)", k, n);
	errno = 0;
	done = positional ? r->be->pwrite(hostfd(r, k), buf, n, off) :
	    r->be->write(hostfd(r, k), buf, n);
	log_ret(r->log, done, errno);
}

static void
op_lseek(struct diff_run *r)
{
	static const int whences[] = { SEEK_SET, SEEK_CUR, SEEK_END, 7 };
	int k = gen_fd(r);
	int whence = whences[rndn(r, 4)];
	off_t off = (off_t)rndn(r, 4000) - 1000;

	/* Directory offsets are file-system cookies: only rewinding compares. */
	if (k >= 0 && k < DIFF_MAXK && r->isdir[k]) {
		whence = SEEK_SET;
		off = 0;
	}
	log_desc(r->log, "lseek(%d, %lld, %d)", k, (long long)off, whence);
	LOGCALL(r, (long)r->be->lseek(hostfd(r, k), off, whence));
}

static void
op_ftruncate(struct diff_run *r)
{
	int k = gen_fd(r);
	off_t len = (off_t)rndn(r, 3000) - 50;

	log_desc(r->log, "ftruncate(%d, %lld)", k, (long long)len);
	LOGCALL(r, r->be->ftruncate(hostfd(r, k), len));
}

static void
op_truncate(struct diff_run *r)
{
	char path[PATHLEN];
	off_t len = (off_t)rndn(r, 3000) - 50;

	gen_path(r, path);
	log_desc(r->log, "truncate(\"%s\", %lld)", path, (long long)len);
	LOGCALL(r, r->be->truncate(path, len));
}

static void
op_fsync(struct diff_run *r)
{
	int k = gen_fd(r);

	log_desc(r->log, "fsync(%d)", k);
	LOGCALL(r, r->be->fsync(hostfd(r, k)));
}

static void
op_stat(struct diff_run *r, int which)
{
	static const char *const names[] = { "stat", "lstat", "fstat" };
	char path[PATHLEN];
	struct stat st;
	int ret, k = 0;

	if (which == 2) {
		k = gen_fd(r);
		log_desc(r->log, "fstat(%d)", k);
	} else {
		gen_path(r, path);
		log_desc(r->log, "%s(\"%s\")", names[which], path);
	}
	errno = 0;
	if (which == 0)
		ret = r->be->stat(path, &st);
	else if (which == 1)
		ret = r->be->lstat(path, &st);
	else
		ret = r->be->fstat(hostfd(r, k), &st);
	if (log_ret(r->log, ret, errno))
		log_stat(r->log, &st, r->start);
}

static void
op_mkdir(struct diff_run *r)
{
	char path[PATHLEN];
	mode_t mode = gen_mode(r);

	gen_path(r, path);
	log_desc(r->log, "mkdir(\"%s\", %04o)", path, (unsigned)mode);
	LOGCALL(r, r->be->mkdir(path, mode));
}

static void
op_path1(struct diff_run *r, int which)
{
	char path[PATHLEN];
	int ret;

	gen_path(r, path);
	log_desc(r->log, "%s(\"%s\")", which == 0 ? "rmdir" : which == 1 ? "unlink" : "chdir", path);
	errno = 0;
	if (which == 0)
		ret = r->be->rmdir(path);
	else if (which == 1)
		ret = r->be->unlink(path);
	else
		ret = r->be->chdir(path);
	log_ret(r->log, ret, errno);
}

static void
op_chdir_root(struct diff_run *r)
{
	log_desc(r->log, "chdir(ROOT)");
	LOGCALL(r, r->be->chdir(r->be->root));
}

static void
op_path2(struct diff_run *r, int which)
{
	char from[PATHLEN], to[PATHLEN];
	int ret;

	if (which == 2) {
		/* symlink targets: relative names without "..", sometimes empty */
		gen_path_opts(r, from, false, rndn(r, 8) == 0);
		if (rndn(r, 30) == 0)
			from[0] = '\0';
	} else {
		gen_path(r, from);
	}
	gen_path(r, to);
	log_desc(r->log, "%s(\"%s\", \"%s\")",
	    which == 0 ? "rename" : which == 1 ? "link" : "symlink", from, to);
	errno = 0;
	if (which == 0)
		ret = r->be->rename(from, to);
	else if (which == 1)
		ret = r->be->link(from, to);
	else
		ret = r->be->symlink(from, to);
	log_ret(r->log, ret, errno);
}

static void
op_readlink(struct diff_run *r)
{
	char path[PATHLEN], buf[PATHLEN + 8];
	size_t n = rndn(r, 8) == 0 ? rndn(r, 4) : sizeof(buf);
	ssize_t got;

	gen_path(r, path);
	log_desc(r->log, "readlink(\"%s\", %zu)", path, n);
	errno = 0;
	got = r->be->readlink(path, buf, n);
	if (log_ret(r->log, got, errno))
		log_res(r->log, " \"%.*s\"", (int)got, buf);
}

static void
op_chmod(struct diff_run *r, bool byfd)
{
	char path[PATHLEN];
	mode_t mode = gen_mode(r);
	int ret, k = 0;

	if (byfd) {
		k = gen_fd(r);
		log_desc(r->log, "fchmod(%d, %04o)", k, (unsigned)mode);
	} else {
		gen_path(r, path);
		log_desc(r->log, "chmod(\"%s\", %04o)", path, (unsigned)mode);
	}
	errno = 0;
	ret = byfd ? r->be->fchmod(hostfd(r, k), mode) : r->be->chmod(path, mode);
	log_ret(r->log, ret, errno);
}

static void
op_chown(struct diff_run *r, int which)
{
	static const unsigned ids[] = { 0, 1000, 2000, (unsigned)-1 };
	static const char *const names[] = { "chown", "lchown", "fchown" };
	char path[PATHLEN];
	uid_t uid = ids[rndn(r, 4)];
	gid_t gid = ids[rndn(r, 4)];
	int ret, k = 0;

	if (which == 2) {
		k = gen_fd(r);
		log_desc(r->log, "fchown(%d, %d, %d)", k, (int)uid, (int)gid);
	} else {
		gen_path(r, path);
		log_desc(r->log, "%s(\"%s\", %d, %d)", names[which], path, (int)uid, (int)gid);
	}
	errno = 0;
	if (which == 0)
		ret = r->be->chown(path, uid, gid);
	else if (which == 1)
		ret = r->be->lchown(path, uid, gid);
	else
		ret = r->be->fchown(hostfd(r, k), uid, gid);
	log_ret(r->log, ret, errno);
}

static void
gen_times(struct diff_run *r, struct timespec ts[2])
{
	int i;

	for (i = 0; i < 2; i++) {
		switch (rndn(r, 6)) {
		case 0:
			ts[i].tv_sec = 0;
			ts[i].tv_nsec = UTIME_NOW;
			break;
		case 1:
			ts[i].tv_sec = 0;
			ts[i].tv_nsec = UTIME_OMIT;
			break;
		case 2:
			ts[i].tv_sec = 5;
			ts[i].tv_nsec = 1000000000L + 7;	/* invalid */
			break;
		default:
			ts[i].tv_sec = 1000000000 + (time_t)rndn(r, 100000);
			ts[i].tv_nsec = (long)rndn(r, 1000000000);
			break;
		}
	}
}

static void
op_utimens(struct diff_run *r, bool byfd)
{
	char path[PATHLEN];
	struct timespec ts[2];
	bool null = rndn(r, 5) == 0;
	int flags = rndn(r, 4) == 0 ? AT_SYMLINK_NOFOLLOW : 0;
	int ret, k = 0;

	gen_times(r, ts);
	if (byfd) {
		k = gen_fd(r);
		log_desc(r->log, "futimens(%d, %s{%lld.%ld, %lld.%ld})", k, null ? "NULL:" : "",
		    (long long)ts[0].tv_sec, ts[0].tv_nsec, (long long)ts[1].tv_sec, ts[1].tv_nsec);
	} else {
		gen_path(r, path);
		log_desc(r->log, "utimensat(\"%s\", %s{%lld.%ld, %lld.%ld}, %#x)", path, null ? "NULL:" : "",
		    (long long)ts[0].tv_sec, ts[0].tv_nsec, (long long)ts[1].tv_sec,
		    ts[1].tv_nsec, flags);
	}
	errno = 0;
	if (byfd)
		ret = r->be->futimens(hostfd(r, k), null ? NULL : ts);
	else
		ret = r->be->utimensat(AT_FDCWD, path, null ? NULL : ts, flags);
	log_ret(r->log, ret, errno);
}

static void
op_access(struct diff_run *r)
{
	char path[PATHLEN];
	int mode = (int)rndn(r, 9);	/* F_OK .. R_OK|W_OK|X_OK, and 8: invalid */

	gen_path(r, path);
	log_desc(r->log, "access(\"%s\", %d)", path, mode);
	LOGCALL(r, r->be->access(path, mode));
}

/* Every entry name of a fresh open of path, sorted, with d_type. */
static void
op_listdir(struct diff_run *r)
{
	static const size_t sizes[] = { 16, 24, 48, 100, 4096 };
	char path[PATHLEN], buf[4096], names[64][16];
	size_t bufsize = sizes[rndn(r, 5)];
	int fd, n = 0, i, j;
	ssize_t got;
	off_t pos;

	gen_path(r, path);
	log_desc(r->log, "listdir(\"%s\", %zu)", path, bufsize);
	errno = 0;
	fd = r->be->open(path, O_RDONLY | O_DIRECTORY, 0);
	if (!log_ret(r->log, fd < 0 ? -1 : 0, errno))
		return;
	for (;;) {
		got = r->be->getdents(fd, buf, bufsize);
		if (got <= 0)
			break;
		log_res(r->log, " %zd", got);
		for (pos = 0; pos < got; ) {
			struct t_dirent64 *d = (struct t_dirent64 *)(void *)(buf + pos);

			if (n < 64)
				snprintf(names[n++], sizeof(names[0]), "%.5s:%u", d->d_name,
				    (unsigned)d->d_type);
			pos += d->d_reclen;
		}
	}
	if (got < 0)
		log_res(r->log, " getdents:%s", strerrorname_np(errno));
	r->be->close(fd);
	/* sort the names: file systems order entries as they like */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char tmp[16];

			memcpy(tmp, names[j], sizeof(tmp));
			memcpy(names[j], names[j - 1], sizeof(tmp));
			memcpy(names[j - 1], tmp, sizeof(tmp));
		}
	log_res(r->log, " [");
	for (i = 0; i < n; i++)
		log_res(r->log, "%s%s", i ? " " : "", names[i]);
	log_res(r->log, "]");
}

/* getdents on a table descriptor: only where no cookie order shows (non-directories, bad fds). */
static void
op_getdents(struct diff_run *r)
{
	char buf[512];
	int k = gen_fd(r);

	if (k >= 0 && k < DIFF_MAXK && r->isdir[k])
		k = 900;
	log_desc(r->log, "getdents(%d)", k);
	LOGCALL(r, r->be->getdents(hostfd(r, k), buf, sizeof(buf)));
}

static void
op_dup(struct diff_run *r, int which)
{
	int k = gen_fd(r), k2 = gen_fd(r), ret;

	if (which == 0)
		log_desc(r->log, "dup(%d)", k);
	else
		log_desc(r->log, "dup2(%d, %d)", k, k2);
	errno = 0;
	ret = which == 0 ? r->be->dup(hostfd(r, k)) : r->be->dup2(hostfd(r, k), hostfd(r, k2));
	if (log_ret(r->log, relfd(r, ret), errno)) {
		if (relfd(r, ret) >= DIFF_MAXK)
			r->be->close(ret);
		else
			track_fd(r, relfd(r, ret));
	}
}

static void
op_fcntl(struct diff_run *r)
{
	static const int cmds[] = { F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_DUPFD, F_DUPFD_CLOEXEC, 9999 };
	static const int setfl[] = { 0, O_APPEND, O_NONBLOCK, O_APPEND | O_NONBLOCK, O_RDWR | O_APPEND };
	int k = gen_fd(r), cmd = cmds[rndn(r, 7)], arg = 0, ret;

	if (cmd == F_SETFL)
		arg = setfl[rndn(r, 5)];
	else if (cmd == F_SETFD)
		arg = (int)rndn(r, 2);
	else if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		arg = hostfd(r, (int)rndn(r, DIFF_MAXK + 2) - 1);
	log_desc(r->log, "fcntl(%d, %d, %d)", k, cmd, cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC ?
	    relfd(r, arg) : arg);
	errno = 0;
	ret = r->be->fcntl(hostfd(r, k), cmd, arg);
	if (ret >= 0 && cmd == F_GETFL)
		ret &= O_ACCMODE | O_APPEND | O_NONBLOCK;	/* the host adds O_LARGEFILE */
	if (ret >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) {
		log_ret(r->log, relfd(r, ret), errno);
		if (relfd(r, ret) >= DIFF_MAXK)
			r->be->close(ret);
		else
			track_fd(r, relfd(r, ret));
		return;
	}
	log_ret(r->log, ret, errno);
}

static void
op_fchdir(struct diff_run *r)
{
	int k = gen_fd(r);

	log_desc(r->log, "fchdir(%d)", k);
	LOGCALL(r, r->be->fchdir(hostfd(r, k)));
}

static void
op_mknod(struct diff_run *r)
{
	static const mode_t types[] = { 0, S_IFREG, S_IFSOCK, S_IFDIR, S_IFCHR, 0170000 };
	char path[PATHLEN];
	mode_t mode = types[rndn(r, r->nonroot ? 6 : 4)] | (gen_mode(r) & 0777);

	/* Device nodes only as non-root (EPERM): the host's would be real devices. */
	gen_path(r, path);
	log_desc(r->log, "mknod(\"%s\", %06o)", path, (unsigned)mode);
	LOGCALL(r, r->be->mknod(path, mode, makedev(1, 3)));
}

static void
op_umask(struct diff_run *r)
{
	static const mode_t masks[] = { 022, 0, 077, 027, 0777 };
	mode_t m = masks[rndn(r, 5)];

	log_desc(r->log, "umask(%03o)", (unsigned)m);
	log_res(r->log, "old=%03o", (unsigned)r->be->umask(m));
}

/* One operation, picked with weights that keep names colliding. */
static void
diff_one(struct diff_run *r)
{
	unsigned p = rndn(r, 100);

	if (p < 15) op_open(r);
	else if (p < 18) op_close(r);
	else if (p < 22) op_read(r, false);
	else if (p < 24) op_read(r, true);
	else if (p < 29) op_write(r, false);
	else if (p < 31) op_write(r, true);
	else if (p < 33) op_lseek(r);
	else if (p < 35) op_ftruncate(r);
	else if (p < 37) op_truncate(r);
	else if (p < 38) op_fsync(r);
	else if (p < 42) op_stat(r, (int)rndn(r, 3));
	else if (p < 48) op_mkdir(r);
	else if (p < 52) op_path1(r, 0);
	else if (p < 57) op_path1(r, 1);
	else if (p < 59) op_path1(r, 2);
	else if (p < 61) op_chdir_root(r);
	else if (p < 67) op_path2(r, 0);
	else if (p < 70) op_path2(r, 1);
	else if (p < 74) op_path2(r, 2);
	else if (p < 76) op_readlink(r);
	else if (p < 79) op_chmod(r, rndn(r, 3) == 0);
	else if (p < 82) op_chown(r, (int)rndn(r, 3));
	else if (p < 85) op_utimens(r, rndn(r, 3) == 0);
	else if (p < 87) op_access(r);
	else if (p < 90) op_listdir(r);
	else if (p < 91) op_getdents(r);
	else if (p < 93) op_dup(r, (int)rndn(r, 2));
	else if (p < 96) op_fcntl(r);
	else if (p < 97) op_fchdir(r);
	else if (p < 99) op_mknod(r);
	else op_umask(r);
}

void
diff_run_ops(struct diff_run *r, int nops)
{
	int i;

	for (i = 0; i < nops; i++)
		diff_one(r);
}

/* ---- starting tree and final dump ---- */

static void
setup_node(const struct be *be, const char *rel, int type, mode_t mode, const char *data)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", be->root, rel);
	if (type == 'd') {
		CHECK(be->mkdir(path, 0700) == 0);
	} else if (type == 'l') {
		CHECK(be->symlink(data, path) == 0);
		return;
	} else {
		fd = be->open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		CHECK(fd >= 0);
		CHECK(be->write(fd, data, strlen(data)) == (ssize_t)strlen(data));
		CHECK(be->close(fd) == 0);
	}
	CHECK(be->chmod(path, mode) == 0);
}

/* Root-owned nodes with restrictive modes (the non-root run meets EACCES/EPERM there). */
void
diff_setup_tree(const struct be *be)
{
	CHECK(be->chmod(be->root, 0777) == 0);
	setup_node(be, "a", 'f', 0600, "secret\n");
	setup_node(be, "b", 'd', 0755, NULL);
	setup_node(be, "b/a", 'f', 0644, "readable\n");
	setup_node(be, "b/c", 'd', 0777, NULL);
	setup_node(be, "c", 'd', 0700, NULL);
	setup_node(be, "c/a", 'f', 0666, "hidden\n");
	setup_node(be, "d", 'd', 01777, NULL);
	setup_node(be, "d/a", 'f', 0666, "sticky\n");
	setup_node(be, "d/b", 'l', 0, "../b/a");
}

static void
walk_file(const struct be *be, struct diff_log *log, const char *path)
{
	char buf[8192];
	uint64_t h = 1469598103934665603ULL;
	const unsigned char *b;
	ssize_t got, i;
	int fd;

	fd = be->open(path, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0) {
		log_res(log, " open:%s", strerrorname_np(errno));
		return;
	}
	while ((got = be->read(fd, buf, sizeof(buf))) > 0)
		for (b = (const unsigned char *)buf, i = 0; i < got; i++)
			h = (h ^ b[i]) * 1099511628211ULL;
	be->close(fd);
	log_res(log, " data=%016llx", (unsigned long long)h);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
walk_dir(const struct be *be, struct diff_log *log, const char *abs, const char *rel,
    time_t start, int depth)
{
	char buf[4096], *names[256], path[1024], relp[512], target[256];
	struct stat st;
	int fd, n = 0, i;
	ssize_t got, pos, tl;

	fd = be->open(abs, O_RDONLY | O_DIRECTORY, 0);
	CHECK(fd >= 0);
	while ((got = be->getdents(fd, buf, sizeof(buf))) > 0) {
		for (pos = 0; pos < got; ) {
			struct t_dirent64 *d = (struct t_dirent64 *)(void *)(buf + pos);

			if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0 && n < 256)
				names[n++] = strdup(d->d_name);
			pos += d->d_reclen;
		}
	}
	CHECK(got == 0);
	be->close(fd);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
	for (i = 0; i < n; i++) {
		CHECK((size_t)snprintf(path, sizeof(path), "%s/%s", abs, names[i]) < sizeof(path));
		CHECK((size_t)snprintf(relp, sizeof(relp), "%s%s%s", rel, rel[0] ? "/" : "",
		    names[i]) < sizeof(relp));
		log_desc(log, "tree %s", relp);
		CHECK(be->lstat(path, &st) == 0);
		log_stat(log, &st, start);
		if (S_ISREG(st.st_mode))
			walk_file(be, log, path);
		if (S_ISLNK(st.st_mode)) {
			tl = be->readlink(path, target, sizeof(target) - 1);
			CHECK(tl >= 0);
			log_res(log, " -> \"%.*s\"", (int)tl, target);
		}
		if (S_ISDIR(st.st_mode) && depth < 16)
			walk_dir(be, log, path, relp, start, depth + 1);
		free(names[i]);
	}
}

void
diff_walk_tree(const struct be *be, struct diff_log *log, time_t start)
{
	walk_dir(be, log, be->root, "", start, 0);
}
