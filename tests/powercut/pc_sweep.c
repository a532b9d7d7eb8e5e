/* pc_sweep.c: the power-cut sweep: count the workload's writes, then cut after each chosen one, crash, repair, judge. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_rump.h"
#include "pc.h"

#define NSPREAD	45	/* cut points spread evenly across the writes */
#define NFIRST	8	/* and the first ones, all of them */

int
pc_mount(const char *img, const char *type, int flags)
{
	struct ufs_args a = { .fspec = (char *)PC_DEV };

	CHECK_EQ(rump_pub_etfs_register(PC_DEV, img, RUMP_ETFS_BLK), 0);
	CHECK_EQ(rump_sys_mkdir(PC_MNT, 0755), 0);
	return rump_sys_mount(type, PC_MNT, flags, &a, sizeof(a)) == 0 ? 0 : errno;
}

struct pc_run {
	const struct pc_fs *r_fs;
	int	r_flags;
	char	r_template[PATH_MAX - 16];	/* the empty file system */
	char	r_img[PATH_MAX];	/* the copy a run works on */
	char	r_log[PATH_MAX];
};

/*
 * The workload on a fresh copy with the cut after write n (counting from
 * the mount), then the crash: a shutdown without unmount, writes still
 * dropped.  Returns the writes the run asked for, through the shutdown.
 */
static uint64_t
crash_run(struct pc_run *r, uint64_t n, struct pc_expect *exp)
{
	uint64_t w, d;

	t_copy_file(r->r_template, r->r_img);
	t_boot();
	CHECK_EQ(r->r_fs->pf_mount(r->r_img, r->r_flags), 0);
	rump_pub_blkcut(n);
	pc_workload(exp);
	t_halt();
	rump_pub_blkcut_status(&w, &d);
	rump_pub_blkcut(RUMP_BLKCUT_NONE);
	return w;
}

/* After the crash at n: repaired to consistent, and every file fsync'd before the cut intact. */
static void
judge(struct pc_run *r, uint64_t n, const struct pc_expect *exp)
{
	const char *fs = r->r_fs->pf_name;
	unsigned lost;

	if (!r->r_fs->pf_repair(r->r_img, r->r_log))
		t_fail(__FILE__, __LINE__, "%s%s cut after write %ju: not repaired to consistent",
		    fs, r->r_flags ? " (sync)" : "", (uintmax_t)n);
	t_boot();
	CHECK_EQ(r->r_fs->pf_mount(r->r_img, RUMP_MNT_RDONLY), 0);
	lost = pc_verify(exp);
	t_halt();
	if (lost != 0)
		t_fail(__FILE__, __LINE__, "%s%s cut after write %ju: %u fsync'd files lost",
		    fs, r->r_flags ? " (sync)" : "", (uintmax_t)n, lost);
}

static void
cut_at(struct pc_run *r, uint64_t n)
{
	struct pc_expect exp[PC_NEXPECT];

	crash_run(r, n, exp);
	judge(r, n, exp);
}

void
pc_sweep(const struct pc_fs *fs, int flags)
{
	struct pc_expect exp[PC_NEXPECT];
	struct pc_run r = { .r_fs = fs, .r_flags = flags };
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	uint64_t w, n, spread, npoints = 0;

	snprintf(r.r_template, sizeof(r.r_template), "%s/powercut.%s.%d.img", tmp, fs->pf_name,
	    (int)getpid());
	snprintf(r.r_img, sizeof(r.r_img), "%s.run", r.r_template);
	snprintf(r.r_log, sizeof(r.r_log), "%s.log", r.r_template);
	fs->pf_mkfs(r.r_template);
	w = crash_run(&r, RUMP_BLKCUT_NONE, exp);
	judge(&r, w, exp);	/* uncut: all of it durable */
	for (int i = 0; i < PC_NEXPECT; i++)
		CHECK(exp[i].pe_path == NULL || exp[i].pe_durable);
	CHECK(w > NFIRST);
	/* PC_CUT=n runs that one point only, to debug it */
	if (getenv("PC_CUT") != NULL) {
		cut_at(&r, strtoull(getenv("PC_CUT"), NULL, 10));
		return;
	}
	/* PC_ALL=1 cuts after every write (minutes, not for CI) */
	spread = getenv("PC_ALL") != NULL ? w : NSPREAD;
	for (n = 0; n < w; n++) {
		/* 0..NFIRST, then an even spread up to w - 1 */
		if (n > NFIRST && (n * spread) / w == ((n - 1) * spread) / w)
			continue;
		cut_at(&r, n);
		npoints++;
	}
	fprintf(stderr, "%s%s: %ju block writes, cut after %ju different ones, each repaired and "
	    "its fsync'd files intact\n", fs->pf_name, flags ? " (sync)" : "", (uintmax_t)w,
	    (uintmax_t)npoints);
	unlink(r.r_template);
	unlink(r.r_img);
	unlink(r.r_log);
}
