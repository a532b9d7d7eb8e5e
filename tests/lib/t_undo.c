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
		errno = ENOMEM;	/* a short write is the partial form of the same refusal */
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
	{ "link", op_link }, { "symlink", op_symlink },
};

const char *const t_undo_ops[] = {
	"create", "write", "extend", "truncate", "rename_dir", "rename_over", "rename_subdir",
	"unlink", "rmdir", "mkdir", "link", "symlink", NULL,
};

static int (*op_fn(const char *name))(void)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, name) == 0)
			return ops[i].fn;
	t_fail(__FILE__, __LINE__, "no operation %s", name);
	return NULL;
}

/* Copy host file from to to (the sweep's fresh image). */
static void
copy_file(const char *from, const char *to)
{
	static char cbuf[1 << 16];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	CHECK(in >= 0 && out >= 0);
	while ((n = read(in, cbuf, sizeof(cbuf))) > 0)
		CHECK_EQ(write(out, cbuf, (size_t)n), n);
	CHECK_EQ(n, 0);
	CHECK_EQ(close(in), 0);
	CHECK_EQ(close(out), 0);
}

/* One run with the n-th allocation failing: whether the failure was reached. */
static bool
undo_one(const struct t_undo_fs *fs, const char *template, const char *img, int (*fn)(void),
    const char *op, int n)
{
	uint64_t before;
	int rc, error;

	copy_file(template, img);
	t_boot();
	CHECK_EQ(fs->uf_mount(img, 0), 0);
	memset(buf, 'u', sizeof(buf));
	before = rump_pub_kmem_failures();
	rump_pub_kmem_failnth((uint64_t)n);
	rc = fn();
	error = rc == 0 ? 0 : errno;
	rump_pub_kmem_failnth(0);
	if (rc != 0 && error != ENOMEM)
		t_fail(__FILE__, __LINE__, "%s %s, allocation %d failing: errno %d (%s), not ENOMEM",
		    fs->uf_name, op, n, error, strerror(error));
	if (rump_sys_unmount(M, 0) != 0)
		t_fail(__FILE__, __LINE__, "%s %s, allocation %d failing: unmount: %s",
		    fs->uf_name, op, n, strerror(errno));
	t_halt();
	if (!fs->uf_clean(img))
		t_fail(__FILE__, __LINE__, "%s %s, allocation %d failing (the call %s): image not clean",
		    fs->uf_name, op, n, rc == 0 ? "succeeded" : "failed with ENOMEM");
	return rump_pub_kmem_failures() != before;
}

void
t_undo_sweep(const struct t_undo_fs *fs, const char *template, const char *op)
{
	int (*fn)(void) = op_fn(op);
	char img[PATH_MAX];
	int n;

	snprintf(img, sizeof(img), "%s.undo", template);
	/* T_UNDO_N=n runs that one point only, to debug it */
	if (getenv("T_UNDO_N") != NULL) {
		n = atoi(getenv("T_UNDO_N"));
		fprintf(stderr, "%s %s: allocation %d failing: %s\n", fs->uf_name, op, n,
		    undo_one(fs, template, img, fn, op, n) ? "reached" : "not reached");
		return;
	}
	for (n = 1; n <= MAXN && undo_one(fs, template, img, fn, op, n); n++)
		continue;
	CHECK(n > 1);		/* the operation allocates: the failures reached it */
	CHECK(n <= MAXN);	/* and it came to an end */
	fprintf(stderr, "%s %s: %d allocation points failed in turn, image clean after each\n",
	    fs->uf_name, op, n - 1);
	unlink(img);
}
