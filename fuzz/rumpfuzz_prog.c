/* rumpfuzz_prog.c: the program part of an input: a byte code of file operations over the name table, run after the mount. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "rumpfuzz_impl.h"

#define PROG_MAXOPS	64
#define PROG_MAXIO	(64u << 10)	/* bytes per read or write */
#define PROG_MAXWRITE	(1u << 20)	/* bytes written per program */
#define PROG_OFFUNIT	64		/* offsets and sizes are counted in these */
#define PROG_FRESH	0xc0		/* name bytes from here on pick the fresh names */

enum { OP_CREATE, OP_WRITE, OP_READ, OP_TRUNCATE, OP_RENAME, OP_LINK, OP_UNLINK,
	OP_MKDIR, OP_RMDIR, OP_SYMLINK, OP_CHMOD, OP_UTIMES, OP_FSYNC, OP_SYNC, OP_REMOUNT, OP_COUNT };

static const char *const op_names[OP_COUNT] = {
	"create", "write", "read", "truncate", "rename", "link", "unlink",
	"mkdir", "rmdir", "symlink", "chmod", "utimes", "fsync", "sync", "remount",
};

/* The bytes each op's operands take: names one byte each, then its numbers. */
static const uint8_t op_len[OP_COUNT] = {
	[OP_CREATE] = 1, [OP_WRITE] = 6, [OP_READ] = 5, [OP_TRUNCATE] = 3,
	[OP_RENAME] = 2, [OP_LINK] = 2, [OP_UNLINK] = 1, [OP_MKDIR] = 1, [OP_RMDIR] = 1,
	[OP_SYMLINK] = 2, [OP_CHMOD] = 3, [OP_UTIMES] = 5, [OP_FSYNC] = 1, [OP_SYNC] = 0,
	[OP_REMOUNT] = 1,
};

/* Ops whose first operand is not a name. */
#define OP_NAMED(op)	((op) != OP_SYNC && (op) != OP_REMOUNT)

struct prog {
	const struct rfz_names *nm;
	size_t		written;
	char		buf[PROG_MAXIO];
};

static unsigned
u16(const uint8_t *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* A byte below PROG_FRESH picks a walked name, one from it up a fresh one, whatever the tree's size. */
static const char *
name(const struct prog *p, uint8_t b)
{
	int walked = p->nm->n - RFZ_NFRESH;

	if (b >= PROG_FRESH)
		return p->nm->path[walked + (b - PROG_FRESH) % RFZ_NFRESH];
	return p->nm->path[b % walked];
}

static int
do_io(struct prog *p, const char *path, const uint8_t *a, bool write)
{
	off_t off = (off_t)u16(a) * PROG_OFFUNIT;
	size_t len = u16(a + 2) % (PROG_MAXIO + 1);
	int fd, r;

	if (write) {
		if (p->written + len > PROG_MAXWRITE)
			len = PROG_MAXWRITE - p->written;
		p->written += len;
		memset(p->buf, a[4], len);
	}
	if ((fd = rump_sys_open(path, write ? O_WRONLY : O_RDONLY)) < 0)
		return -1;
	r = write ? (int)rump_sys_pwrite(fd, p->buf, len, off) : (int)rump_sys_pread(fd, p->buf, len, off);
	(void)rump_sys_close(fd);
	return r < 0 ? -1 : 0;
}

/* A target of 1..256 bytes: short ones fit in the inode, long ones take a block. */
static int
do_symlink(struct prog *p, const char *path, uint8_t len)
{
	char target[258];
	size_t n = (size_t)len + 1;

	for (size_t i = 0; i < n; i++)
		target[i] = (i % 8 == 7) ? '/' : (char)('a' + i % 8);
	target[n] = '\0';
	(void)p;
	return rump_sys_symlink(target, path);
}

static int
do_fsync(const char *path)
{
	int fd = rump_sys_open(path, O_RDONLY), r;

	if (fd < 0)
		return -1;
	r = rump_sys_fsync(fd);
	(void)rump_sys_close(fd);
	return r;
}

static int
do_utimes(const char *path, const uint8_t *a)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = (time_t)((uint32_t)u16(a) | (uint32_t)u16(a + 2) << 16);
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	return rump_sys_utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
}

/*
 * Read-write to read-only and back in place (MNT_UPDATE): the downgrade
 * writes what the mount holds, the upgrade re-reads what it trusted.
 */
static int
do_remount(bool rw)
{
	struct ufs_args args = { .fspec = (char *)RFZ_DEV };

	return rump_sys_mount(rfz.curtype, RFZ_MNT, RUMP_MNT_UPDATE |
	    (rw ? RUMP_MNT_FORCE : RUMP_MNT_RDONLY), &args, sizeof(args));
}

static int
do_op(struct prog *p, int op, const uint8_t *a)
{
	const char *n0 = OP_NAMED(op) ? name(p, a[0]) : NULL;

	switch (op) {
	case OP_CREATE: {
		int fd = rump_sys_open(n0, O_CREAT | O_WRONLY, 0644);

		return fd < 0 ? -1 : rump_sys_close(fd);
	}
	case OP_WRITE:		return do_io(p, n0, a + 1, true);
	case OP_READ:		return do_io(p, n0, a + 1, false);
	case OP_TRUNCATE:	return rump_sys_truncate(n0, (off_t)u16(a + 1) * PROG_OFFUNIT);
	case OP_RENAME:		return rump_sys_rename(n0, name(p, a[1]));
	case OP_LINK:		return rump_sys_link(n0, name(p, a[1]));
	case OP_UNLINK:		return rump_sys_unlink(n0);
	case OP_MKDIR:		return rump_sys_mkdir(n0, 0755);
	case OP_RMDIR:		return rump_sys_rmdir(n0);
	case OP_SYMLINK:	return do_symlink(p, n0, a[1]);
	case OP_CHMOD:		return rump_sys_chmod(n0, u16(a + 1) & 07777);
	case OP_UTIMES:		return do_utimes(n0, a + 1);
	case OP_FSYNC:		return do_fsync(n0);
	case OP_REMOUNT:	return do_remount(a[0] & 1);
	default:		return rump_sys_sync(), 0;
	}
}

void
rfz_prog_run(const uint8_t *code, size_t len, const struct rfz_names *nm, bool verbose)
{
	static struct prog p;
	size_t pc = 0;

	p.nm = nm;
	p.written = 0;
	for (int i = 0; i < PROG_MAXOPS && pc < len; i++) {
		int op = code[pc] % OP_COUNT, r;
		const uint8_t *a = code + pc + 1;

		if (len - pc - 1 < op_len[op])
			break;		/* operands cut short: the program ends */
		pc += 1 + op_len[op];
		errno = 0;
		r = do_op(&p, op, a);
		if (verbose)
			fprintf(stderr, "rumpfuzz: op %d %s %s%s%s -> %d%s%s\n", i, op_names[op],
			    OP_NAMED(op) ? name(&p, a[0]) : op == OP_REMOUNT ? (a[0] & 1 ? "rw" : "ro") : "",
			    op == OP_RENAME || op == OP_LINK ? " " : "",
			    op == OP_RENAME || op == OP_LINK ? name(&p, a[1]) : "", r,
			    r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
	}
}
