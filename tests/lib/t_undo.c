/* t_undo.c: the allocation-failure sweep over create, write, truncate, rename, remove and the rest. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t_rump.h"
#include "t_undo.h"

#define M	T_UNDO_MNT
#define NSMALL	40		/* files in M/d: more than one directory block */
#define BIGLEN	300000		/* M/big: indirect blocks at 1 KiB */
#define WLEN	40000		/* op_write: past the direct blocks at 1 KiB */
#define MAXN	5000		/* allocations one operation may take */

static char buf[BIGLEN];
static int fault_errno;		/* what the fault being injected makes a call return */

static void
put(const char *path, size_t len)
{
	int fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_write(fd, buf, len), (ssize_t)len);
	CHECK_EQ(rump_sys_close(fd), 0);
}

void
t_undo_populate(void)
{
	char p[PATH_MAX];

	memset(buf, 'u', sizeof(buf));
	CHECK_EQ(rump_sys_mkdir(M "/d", 0755), 0);
	CHECK_EQ(rump_sys_mkdir(M "/e", 0755), 0);
	CHECK_EQ(rump_sys_mkdir(M "/e/sub", 0755), 0);
	for (int i = 0; i < NSMALL; i++) {
		snprintf(p, sizeof(p), M "/d/file_with_a_longer_name_%02d", i);
		put(p, (size_t)i * 100);
	}
	put(M "/big", BIGLEN);
	put(M "/t", 5000);
}

/* Each operation: 0, or -1 with errno. */
static int
op_create(void)
{
	int fd = rump_sys_open(M "/d/new_file_with_a_long_enough_name", O_WRONLY | O_CREAT, 0644);

	return fd < 0 ? -1 : rump_sys_close(fd);
}

static int
op_write(void)
{
	int fd = rump_sys_open(M "/e/w", O_WRONLY | O_CREAT, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = rump_sys_write(fd, buf, WLEN);
	if (n == WLEN && rump_sys_fsync(fd) == 0)
		return rump_sys_close(fd);
	(void)rump_sys_close(fd);
	if (n >= 0 && n < WLEN)
		errno = fault_errno;	/* a short write is the partial form of the same refusal */
	return -1;
}

static int
op_extend(void)
{
	int fd = rump_sys_open(M "/big", O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = rump_sys_pwrite(fd, buf, 5000, 70 << 20);	/* under a double indirect block */
	(void)rump_sys_close(fd);
	return n == 5000 ? 0 : -1;
}

/* fallocate of /big over the end of its data (mode 0) or through its middle (a punch). */
static int
op_falloc_mode(int mode, off_t off, off_t len)
{
	int fd = rump_sys_open(M "/big", O_WRONLY), rc;

	if (fd < 0)
		return -1;
	rc = rump_sys_fallocate(fd, mode, off, len);
	(void)rump_sys_close(fd);
	return rc;
}

static int op_falloc(void) { return op_falloc_mode(0, BIGLEN - 20000, 60000); }
static int op_punch(void) { return op_falloc_mode(0x03, 5000, 200000); }	/* PUNCH_HOLE|KEEP_SIZE */
static int op_truncate(void) { return rump_sys_truncate(M "/big", 1000); }
static int op_rename_dir(void) { return rump_sys_rename(M "/d/file_with_a_longer_name_03", M "/e/moved"); }
static int op_rename_over(void) { return rump_sys_rename(M "/d/file_with_a_longer_name_04", M "/t"); }
static int op_rename_subdir(void) { return rump_sys_rename(M "/e/sub", M "/d/sub"); }
static int op_unlink(void) { return rump_sys_unlink(M "/big"); }
static int op_rmdir(void) { return rump_sys_rmdir(M "/e/sub"); }
static int op_mkdir(void) { return rump_sys_mkdir(M "/d/newdir", 0755); }
static int op_link(void) { return rump_sys_link(M "/t", M "/e/hardlink"); }

static int
op_symlink(void)
{
	static char target[300];

	memset(target, 's', sizeof(target) - 1);	/* too long for the inode: a block */
	return rump_sys_symlink(target, M "/d/symlink");
}

static const struct {
	const char *name;
	int	(*fn)(void);
} ops[] = {
	{ "create", op_create }, { "write", op_write }, { "extend", op_extend },
	{ "truncate", op_truncate }, { "rename_dir", op_rename_dir },
	{ "rename_over", op_rename_over }, { "rename_subdir", op_rename_subdir },
	{ "unlink", op_unlink }, { "rmdir", op_rmdir }, { "mkdir", op_mkdir },
	{ "link", op_link }, { "symlink", op_symlink }, { "falloc", op_falloc },
	{ "punch", op_punch },
};


static int (*op_fn(const char *name))(void)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, name) == 0)
			return ops[i].fn;
	t_fail(__FILE__, __LINE__, "no operation %s", name);
	return NULL;
}

/* The two kinds of fault the sweep injects. */
static const struct fault {
	const char *f_what;		/* in messages */
	int	f_errno;		/* what a refused call returns */
	void	(*f_arm)(uint64_t n);
	uint64_t (*f_count)(void);
	bool	f_through_unmount;	/* still armed while the unmount writes */
} faults[] = {
	[T_UNDO_NOMEM] = { "allocation", ENOMEM, rump_pub_kmem_failnth, rump_pub_kmem_failures, false },
	[T_UNDO_EIO] = { "block I/O", EIO, rump_pub_blkfail_nth, rump_pub_blkfail_failures, true },
};

/*
 * ENOMEM is undone: the image must be consistent and not marked as
 * having errors.  An I/O error may leave it inconsistent, but then it
 * must be marked, so that the next fsck runs.
 */
static void
judge(const struct t_undo_fs *fs, enum t_undo_fault kind, const char *img, const char *op, int n,
    int rc)
{
	bool consistent = fs->uf_consistent(img), marked = fs->uf_marked(img);
	const char *call = rc == 0 ? "succeeded" : "failed";

	if (kind == T_UNDO_NOMEM && (!consistent || marked))
		t_fail(__FILE__, __LINE__, "%s %s, allocation %d failing (the call %s): image %s",
		    fs->uf_name, op, n, call, consistent ? "marked as having errors" : "inconsistent");
	if (kind == T_UNDO_EIO && !consistent && !marked)
		t_fail(__FILE__, __LINE__, "%s %s, block I/O %d failing (the call %s): image "
		    "inconsistent but not marked as having errors", fs->uf_name, op, n, call);
}

/* One run with the n-th fault: whether it was reached. */
static bool
undo_one(const struct t_undo_fs *fs, enum t_undo_fault kind, const char *template, const char *img,
    int (*fn)(void), const char *op, int n)
{
	const struct fault *f = &faults[kind];
	uint64_t before;
	int rc, error;

	t_copy_file(template, img);
	t_boot();
	CHECK_EQ(fs->uf_mount(img, 0), 0);
	memset(buf, 'u', sizeof(buf));
	fault_errno = f->f_errno;
	before = f->f_count();
	f->f_arm((uint64_t)n);
	rc = fn();
	error = rc == 0 ? 0 : errno;
	if (!f->f_through_unmount)
		f->f_arm(0);
	if (rc != 0 && error != f->f_errno)
		t_fail(__FILE__, __LINE__, "%s %s, %s %d failing: errno %d (%s), not %s", fs->uf_name,
		    op, f->f_what, n, error, strerror(error), strerror(f->f_errno));
	if (rump_sys_unmount(M, 0) != 0) {
		if (kind == T_UNDO_NOMEM)
			t_fail(__FILE__, __LINE__, "%s %s, allocation %d failing: unmount: %s",
			    fs->uf_name, op, n, strerror(errno));
		CHECK_EQ(rump_sys_unmount(M, RUMP_MNT_FORCE), 0);
	}
	f->f_arm(0);
	t_halt();
	judge(fs, kind, img, op, n, rc);
	return f->f_count() != before;
}

void
t_undo_sweep(const struct t_undo_fs *fs, enum t_undo_fault kind, const char *template,
    const char *op)
{
	int (*fn)(void) = op_fn(op);
	char img[PATH_MAX];
	int n;

	snprintf(img, sizeof(img), "%s.undo", template);
	/* T_UNDO_N=n runs that one point only, to debug it */
	if (getenv("T_UNDO_N") != NULL) {
		n = atoi(getenv("T_UNDO_N"));
		fprintf(stderr, "%s %s: %s %d failing: %s\n", fs->uf_name, op, faults[kind].f_what, n,
		    undo_one(fs, kind, template, img, fn, op, n) ? "reached" : "not reached");
		return;
	}
	for (n = 1; n <= MAXN && undo_one(fs, kind, template, img, fn, op, n); n++)
		continue;
	CHECK(n > 1);		/* the operation reaches the fault */
	CHECK(n <= MAXN);	/* and it came to an end */
	fprintf(stderr, "%s %s: %d %s points failed in turn, each judged\n",
	    fs->uf_name, op, n - 1, faults[kind].f_what);
	unlink(img);
}
