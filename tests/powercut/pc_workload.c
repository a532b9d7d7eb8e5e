/* pc_workload.c: the power-cut workload (creates, writes, renames, unlinks, mkdir/rmdir, fsyncs) and the read-back of what it fsync'd. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "pc.h"

#define M	PC_MNT
#define MAXLEN	(400 << 10)

static char wbuf[MAXLEN], rbuf[MAXLEN + 1];

void
pc_fill(void *buf, size_t len, uint64_t seed, uint64_t off)
{
	unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		uint64_t x = (seed + 1) * 0x9e3779b97f4a7c15ULL + ((off + i) >> 3);

		x ^= x >> 29;
		p[i] = (unsigned char)(x >> (8 * ((off + i) & 7)));
	}
}

/* Whether nothing has been dropped yet: what returned so far reached the disk. */
static bool
uncut(void)
{
	uint64_t w, d;

	rump_pub_blkcut_status(&w, &d);
	return d == 0;
}

/* Write [off, off+len) of file seed at path (created if need be), fsync if asked. */
static void
put(const char *path, uint64_t seed, size_t off, size_t len, bool sync)
{
	int fd = rump_sys_open(path, O_WRONLY | O_CREAT, 0644);

	CHECK(fd >= 0);
	pc_fill(wbuf, len, seed, off);
	CHECK_EQ(rump_sys_pwrite(fd, wbuf, len, (off_t)off), (ssize_t)len);
	if (sync)
		CHECK_EQ(rump_sys_fsync(fd), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
}

/* A careful application's mkdir: the new directory's name made durable by fsync of its parent. */
static void
mkdir_durable(const char *path, const char *parent)
{
	int fd;

	CHECK_EQ(rump_sys_mkdir(path, 0755), 0);
	CHECK((fd = rump_sys_open(parent, O_RDONLY)) >= 0);
	CHECK_EQ(rump_sys_fsync(fd), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
}

/* New file e, written whole and fsync'd: durable if the fsync returned before the cut. */
static void
put_expect(struct pc_expect *e, const char *path, uint64_t seed, size_t len)
{
	*e = (struct pc_expect){ .pe_path = path, .pe_seed = seed, .pe_len = len };
	put(path, seed, 0, len, true);
	e->pe_exact = true;
	e->pe_durable = uncut();
}

static void
churn_small(void)
{
	char p[64];

	for (int i = 0; i < 24; i++) {
		snprintf(p, sizeof(p), M "/d/small_file_with_a_long_name_%02d", i);
		put(p, 100 + (uint64_t)i, 0, (size_t)i * 150, false);
	}
	for (int i = 0; i < 24; i += 2) {
		snprintf(p, sizeof(p), M "/d/small_file_with_a_long_name_%02d", i);
		CHECK_EQ(rump_sys_unlink(p), 0);
	}
}

void
pc_workload(struct pc_expect *exp)
{
	struct pc_expect *big = &exp[1], *f1 = &exp[0];

	memset(exp, 0, PC_NEXPECT * sizeof(*exp));
	mkdir_durable(M "/d", M);
	mkdir_durable(M "/d/sub", M "/d");
	put_expect(f1, M "/d/f1", 1, 3000);
	put_expect(big, M "/big", 2, 200 << 10);	/* indirect blocks */
	put_expect(&exp[2], M "/d/sub/f2", 3, 10000);
	churn_small();
	/* the rename is not fsync'd: f1 may be found under either name */
	f1->pe_alt = M "/d/sub/f1_renamed";
	CHECK_EQ(rump_sys_rename(M "/d/f1", f1->pe_alt), 0);
	CHECK_EQ(rump_sys_mkdir(M "/e", 0755), 0);
	CHECK_EQ(rump_sys_mkdir(M "/e/x", 0755), 0);
	put(M "/e/x/tmp", 9, 0, 20000, false);
	CHECK_EQ(rump_sys_unlink(M "/e/x/tmp"), 0);
	CHECK_EQ(rump_sys_rmdir(M "/e/x"), 0);
	/* appending to big: until its fsync returns, only the old bytes are promised */
	big->pe_exact = false;
	put(M "/big", 2, 200 << 10, 200 << 10, true);
	if (uncut()) {
		big->pe_len = 400 << 10;
		big->pe_exact = true;
	}
	CHECK_EQ(rump_sys_rmdir(M "/e"), 0);
	put_expect(&exp[3], M "/d/last", 4, 8000);
	put_expect(&exp[4], M "/d/sub/tiny", 5, 1);
}

/* Whether e reads back at path; a message saying why not. */
static bool
matches(const struct pc_expect *e, const char *path, char *why, size_t whylen)
{
	int fd = rump_sys_open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return false;
	}
	n = rump_sys_pread(fd, rbuf, sizeof(rbuf), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	pc_fill(wbuf, e->pe_len, e->pe_seed, 0);
	if (n < (ssize_t)e->pe_len || (e->pe_exact && n != (ssize_t)e->pe_len)) {
		snprintf(why, whylen, "%s: %zd bytes, expected %s%zu", path, n,
		    e->pe_exact ? "" : "at least ", e->pe_len);
		return false;
	}
	if (memcmp(rbuf, wbuf, e->pe_len) != 0) {
		snprintf(why, whylen, "%s: contents differ", path);
		return false;
	}
	return true;
}

unsigned
pc_verify(const struct pc_expect *exp)
{
	char why[2][PATH_MAX + 64];
	unsigned bad = 0;

	for (int i = 0; i < PC_NEXPECT; i++) {
		const struct pc_expect *e = &exp[i];

		if (!e->pe_durable || matches(e, e->pe_path, why[0], sizeof(why[0])))
			continue;
		if (e->pe_alt != NULL && matches(e, e->pe_alt, why[1], sizeof(why[1])))
			continue;
		fprintf(stderr, "fsync'd file lost: %s%s%s\n", why[0], e->pe_alt ? "; " : "",
		    e->pe_alt ? why[1] : "");
		bad++;
	}
	return bad;
}
