/* t_ext2fs_random.c: a seeded random sequence of operations on a host directory and on an image gives equal trees, e2fsck-clean. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_ext2fs.h"

#define NPATHS	400

struct rnd {
	uint64_t	s;
	char		*paths[NPATHS];	/* names made so far (relative), some stale */
	int		npaths;
	char		host[PATH_MAX];
	int		nops, nok;
	bool		bigino;		/* 256-byte inodes: nanoseconds kept */
};

static uint64_t
rnd_next(struct rnd *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

static unsigned
rnd_n(struct rnd *r, unsigned n)
{
	return (unsigned)(rnd_next(r) % n);
}

static const char *
pick(struct rnd *r)
{
	return r->npaths == 0 ? "none" : r->paths[rnd_n(r, (unsigned)r->npaths)];
}

/* A new name: in the root or under a known path (which may not be a directory). */
static void
new_name(struct rnd *r, char *buf, size_t len)
{
	const char *dir = rnd_n(r, 3) == 0 || r->npaths == 0 ? "" : pick(r);

	snprintf(buf, len, "%s%sn%u", dir, *dir ? "/" : "", rnd_n(r, 1000));
}

static void
remember(struct rnd *r, const char *p)
{
	int i;

	if (r->npaths < NPATHS)
		i = r->npaths++;
	else {
		i = (int)rnd_n(r, NPATHS);
		free(r->paths[i]);
	}
	r->paths[i] = strdup(p);
}

static void
paths(struct rnd *r, const char *rel, char *h, char *m)
{
	snprintf(h, 2 * PATH_MAX, "%s/%s", r->host, rel);
	snprintf(m, 2 * PATH_MAX, T_MNT "/%s", rel);
}

/* Both sides must agree: both succeed, or both fail with the same errno. */
static void
agree(struct rnd *r, const char *op, const char *rel, long hr, int he, long mr, int me)
{
	r->nops++;
	if ((hr < 0) != (mr < 0) || (hr < 0 && he != me) || (hr >= 0 && hr != mr))
		t_fail(__FILE__, __LINE__, "op %d %s %s: host %ld errno %d, image %ld errno %d",
		    r->nops, op, rel, hr, he, mr, me);
	if (hr >= 0)
		r->nok++;
}

#define BOTH(op, rel, hcall, mcall) do {				\
	long hr_, mr_; int he_, me_;					\
	errno = 0; hr_ = (long)(hcall); he_ = errno;			\
	errno = 0; mr_ = (long)(mcall); me_ = errno;			\
	agree(r, op, rel, hr_, he_, mr_, me_);				\
	ok = hr_ >= 0;							\
} while (0)

static void
op_write(struct rnd *r, const char *rel, const char *h, const char *m)
{
	static char buf[65536];
	size_t len = rnd_n(r, 4) == 0 ? rnd_n(r, sizeof(buf)) : rnd_n(r, 3000);
	off_t off = rnd_n(r, 8) == 0 ? (off_t)rnd_n(r, 80) << 20 : (off_t)rnd_n(r, 1 << 20);
	int hfd, mfd, herr;
	bool ok;

	t_fill(buf, len, rnd_next(r), 0);
	hfd = open(h, O_WRONLY | O_CREAT, 0644);
	herr = errno;
	mfd = rump_sys_open(m, O_WRONLY | O_CREAT, 0644);
	agree(r, "open", rel, hfd < 0 ? -1 : 0, herr, mfd < 0 ? -1 : 0, errno);
	if (hfd < 0)
		return;
	BOTH("pwrite", rel, pwrite(hfd, buf, len, off), rump_sys_pwrite(mfd, buf, len, off));
	(void)ok;
	close(hfd);
	CHECK(rump_sys_close(mfd) == 0);
	remember(r, rel);
}

static void
one_op(struct rnd *r)
{
	char rel[PATH_MAX], rel2[PATH_MAX], h[2 * PATH_MAX], m[2 * PATH_MAX];
	char h2[2 * PATH_MAX], m2[2 * PATH_MAX];
	bool ok;

	switch (rnd_n(r, 14)) {
	case 0: case 1:	/* create or write into a new name */
		new_name(r, rel, sizeof(rel));
		paths(r, rel, h, m);
		op_write(r, rel, h, m);
		break;
	case 2: case 3:	/* write into an existing name */
		snprintf(rel, sizeof(rel), "%s", pick(r));
		paths(r, rel, h, m);
		op_write(r, rel, h, m);
		break;
	case 4: {
		off_t len = rnd_n(r, 3) == 0 ? 0 : (off_t)rnd_n(r, 2 << 20);

		snprintf(rel, sizeof(rel), "%s", pick(r));
		paths(r, rel, h, m);
		BOTH("truncate", rel, truncate(h, len), rump_sys_truncate(m, len));
		break;
	}
	case 5:
		new_name(r, rel, sizeof(rel));
		paths(r, rel, h, m);
		BOTH("mkdir", rel, mkdir(h, 0755), rump_sys_mkdir(m, 0755));
		if (ok)
			remember(r, rel);
		break;
	case 6:
		snprintf(rel, sizeof(rel), "%s", pick(r));
		paths(r, rel, h, m);
		BOTH("rmdir", rel, rmdir(h), rump_sys_rmdir(m));
		break;
	case 7:
		snprintf(rel, sizeof(rel), "%s", pick(r));
		paths(r, rel, h, m);
		BOTH("unlink", rel, unlink(h), rump_sys_unlink(m));
		break;
	case 8:
		snprintf(rel, sizeof(rel), "%s", pick(r));
		if (rnd_n(r, 2))
			new_name(r, rel2, sizeof(rel2));
		else
			snprintf(rel2, sizeof(rel2), "%s", pick(r));
		paths(r, rel, h, m);
		paths(r, rel2, h2, m2);
		BOTH("rename", rel, rename(h, h2), rump_sys_rename(m, m2));
		if (ok)
			remember(r, rel2);
		break;
	case 9:
		snprintf(rel, sizeof(rel), "%s", pick(r));
		new_name(r, rel2, sizeof(rel2));
		paths(r, rel, h, m);
		paths(r, rel2, h2, m2);
		BOTH("link", rel, link(h, h2), rump_sys_link(m, m2));
		if (ok)
			remember(r, rel2);
		break;
	case 10: {
		static const char *targets[] = { "x", "../up/and/away",
		    "a/long/target/that/needs/its/own/block/because/it/is/longer/than/sixty/bytes" };
		const char *tg = targets[rnd_n(r, 3)];

		new_name(r, rel, sizeof(rel));
		paths(r, rel, h, m);
		BOTH("symlink", rel, symlink(tg, h), rump_sys_symlink(tg, m));
		if (ok)
			remember(r, rel);
		break;
	}
	case 11: {
		mode_t mode = 0700 | rnd_n(r, 0100);

		snprintf(rel, sizeof(rel), "%s", pick(r));
		paths(r, rel, h, m);
		BOTH("chmod", rel, chmod(h, mode), rump_sys_chmod(m, mode));
		break;
	}
	case 12: {
		struct timespec ts[2] = {
			{ (time_t)rnd_n(r, 2000000000), (long)rnd_n(r, 1000000000) },
			{ (time_t)rnd_n(r, 2000000000), (long)rnd_n(r, 1000000000) } };
		struct stat hs, ms;

		snprintf(rel, sizeof(rel), "%s", pick(r));
		paths(r, rel, h, m);
		BOTH("utimensat", rel, utimensat(AT_FDCWD, h, ts, AT_SYMLINK_NOFOLLOW),
		    rump_sys_utimensat(AT_FDCWD, m, ts, AT_SYMLINK_NOFOLLOW));
		if (ok) {
			CHECK(lstat(h, &hs) == 0 && rump_sys_lstat(m, &ms) == 0);
			CHECK_EQ(hs.st_mtim.tv_sec, ms.st_mtim.tv_sec);
			CHECK_EQ(hs.st_atim.tv_sec, ms.st_atim.tv_sec);
			if (r->bigino)
				CHECK_EQ(hs.st_mtim.tv_nsec, ms.st_mtim.tv_nsec);
		}
		break;
	}
	default: {
		uid_t u = rnd_n(r, 3) * 40000;
		gid_t g = rnd_n(r, 3) * 50000;

		snprintf(rel, sizeof(rel), "%s", pick(r));
		paths(r, rel, h, m);
		BOTH("lchown", rel, lchown(h, u, g), rump_sys_lchown(m, u, g));
		break;
	}
	}
}

static void
random_ops(const char *opts, uint64_t seed, int nops)
{
	struct t_img t;
	struct rnd r = { .s = seed * 2654435761u + 1 };
	char lf[PATH_MAX * 2], dump[PATH_MAX + 16];

	t_img_init(&t);
	t_mkfs(&t, opts, false, "128M");
	snprintf(r.host, sizeof(r.host), "%s", t.src);
	r.bigino = strstr(opts, "-I 256") != NULL;
	snprintf(lf, sizeof(lf), "%s/lost+found", t.src);
	CHECK(mkdir(lf, 0700) == 0);
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	for (int i = 0; i < nops; i++) {
		one_op(&r);
		if (i % 1000 == 999) {	/* unmount now and then: what is on disk must be right */
			t_umount();
			t_fsck(&t);
			CHECK_EQ(t_mount(&t, 0), 0);
		}
	}
	fprintf(stderr, "%d operations, %d succeeded on both sides\n", r.nops, r.nok);
	CHECK(r.nok > nops / 4);
	t_tree_compare(t.src, T_MNT, false);
	t_umount();
	t_halt();
	t_fsck(&t);
	/* debugfs sees the same tree and bytes */
	snprintf(dump, sizeof(dump), "%s/dump", t.dir);
	CHECK(mkdir(dump, 0755) == 0);
	CHECK_EQ(t_sh("debugfs -R 'rdump / %s' '%s' >/dev/null 2>&1", dump, t.img), 0);
	CHECK_EQ(t_sh("diff -r --no-dereference '%s' '%s/' >&2", t.src, dump), 0);
	for (int i = 0; i < r.npaths; i++)
		free(r.paths[i]);
	t_img_cleanup(&t);
}

T_CASE(random_ops_b1024) { random_ops("-b 1024 -I 256", 1, 4000); }
T_CASE(random_ops_b4096) { random_ops("-b 4096 -I 128", 2, 4000); }
T_CASE(random_ops_rev0) { random_ops("-r 0 -b 2048", 3, 3000); }
/* With 2 MiB of kernel memory the buffer and vnode caches stay small: the same results. */
T_CASE(random_ops_memlimit) { setenv("RUMP_MEMLIMIT", "2m", 1); random_ops("-b 1024", 4, 2000); }
