/* t_ext2fs_faults.c: block I/O failing at random (RUMP_BLKFAIL): every operation returns, nothing crashes or leaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_ext2fs.h"

/* Work whose every call may fail; only the absence of crashes, hangs and leaks is checked. */
static int nfailed;	/* calls that failed: the test wants some */

#define TRY(call) do { if ((call) < 0) nfailed++; } while (0)

static void
workload(void)
{
	static char buf[30000];
	char p[PATH_MAX], q[PATH_MAX];
	struct stat st;
	int fd;

	memset(buf, 'w', sizeof(buf));
	for (int i = 0; i < 60; i++) {
		snprintf(p, sizeof(p), T_MNT "/d%d", i % 5);
		TRY(rump_sys_mkdir(p, 0755));
		snprintf(p, sizeof(p), T_MNT "/d%d/f%d", i % 5, i);
		if ((fd = rump_sys_open(p, O_RDWR | O_CREAT, 0644)) >= 0) {
			TRY(rump_sys_write(fd, buf, (size_t)(i * 499) % sizeof(buf)));
			TRY(rump_sys_pwrite(fd, buf, 100, 70000 + i));
			TRY(rump_sys_pread(fd, buf, sizeof(buf), 0));
			TRY(rump_sys_fsync(fd));
			(void)rump_sys_close(fd);
		}
		snprintf(q, sizeof(q), T_MNT "/d%d/g%d", (i + 1) % 5, i);
		TRY(rump_sys_rename(p, q));
		(void)rump_sys_symlink("a/target/long/enough/to/need/its/own/block/xxxxxxxxxxxxxxxxxxxxx", p);
		TRY(rump_sys_stat(q, &st));
		if (i % 3 == 0)
			(void)rump_sys_unlink(q);
		if (i % 7 == 0)
			(void)rump_sys_truncate(q, 10);
	}
	(void)rump_sys_sync();
}

static void
faulty(const char *rate, const char *seed)
{
	struct t_img t;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "16M");
	setenv("RUMP_BLKFAIL", rate, 1);
	setenv("RUMP_BLKFAIL_SEED", seed, 1);
	t_boot();
	nfailed = 0;
	if (t_mount(&t, 0) == 0) {
		workload();
		if (rump_sys_unmount(T_MNT, 0) != 0)
			CHECK(rump_sys_unmount(T_MNT, RUMP_MNT_FORCE) == 0);
	} else
		nfailed++;
	fprintf(stderr, "RUMP_BLKFAIL=%s seed %s: %d calls failed\n", rate, seed, nfailed);
	t_halt();
	unsetenv("RUMP_BLKFAIL");
	/* Whatever the image holds now, mounting and walking it again is safe. */
	t_boot();
	if (t_mount(&t, RUMP_MNT_FORCE) == 0) {
		workload();
		t_umount();
	}
	t_halt();
	t_img_cleanup(&t);
}

T_CASE(blkfail_1pct) { faulty("100", "1"); faulty("100", "2"); faulty("100", "3"); }
T_CASE(blkfail_10pct)
{
	int total = 0;

	for (int seed = 4; seed < 8; seed++) {
		char s[8];

		snprintf(s, sizeof(s), "%d", seed);
		faulty("1000", s);
		total += nfailed;
	}
	CHECK(total > 0);	/* the faults did reach the file system */
}

/* Files with indirect blocks (1 KiB blocks) and a directory of small ones. */
static void
populate(void)
{
	static char buf[300000];
	char p[PATH_MAX];

	memset(buf, 'p', sizeof(buf));
	CHECK_EQ(rump_sys_mkdir(T_MNT "/d", 0755), 0);
	for (int i = 0; i < 8; i++) {
		snprintf(p, sizeof(p), T_MNT "/big%d", i);
		t_rump_write_file(p, buf, sizeof(buf) - (size_t)i * 1000);
		snprintf(p, sizeof(p), T_MNT "/d/s%d", i);
		t_rump_write_file(p, buf, 100);
	}
}

static void
unpopulate(void)
{
	char p[PATH_MAX];

	for (int i = 0; i < 8; i++) {
		snprintf(p, sizeof(p), T_MNT "/big%d", i);
		if (rump_sys_unlink(p) != 0)
			nfailed++;
		snprintf(p, sizeof(p), T_MNT "/d/s%d", i);
		if (rump_sys_unlink(p) != 0)
			nfailed++;
	}
	if (rump_sys_rmdir(T_MNT "/d") != 0)
		nfailed++;
}

/*
 * Removing files on a synchronous mount while one block I/O in twenty
 * fails: whatever the image holds afterwards, an inconsistent one is
 * never left marked clean, so the next e2fsck -p checks it.  Returns
 * whether this run left it inconsistent.
 */
static int mounted;	/* runs whose mount succeeded: the test wants most */

static bool
delete_faulty(const char *seed)
{
	struct t_img t;
	uint16_t state;
	bool broken;
	int fd;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "16M");
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	populate();
	t_umount();
	t_halt();
	setenv("RUMP_BLKFAIL", "500", 1);
	setenv("RUMP_BLKFAIL_SEED", seed, 1);
	t_boot();
	nfailed = 0;
	if (t_mount(&t, RUMP_MNT_SYNCHRONOUS) == 0) {
		mounted++;
		unpopulate();
		if (rump_sys_unmount(T_MNT, 0) != 0)
			CHECK(rump_sys_unmount(T_MNT, RUMP_MNT_FORCE) == 0);
	}
	t_halt();
	unsetenv("RUMP_BLKFAIL");
	unsetenv("RUMP_BLKFAIL_SEED");
	broken = t_sh("e2fsck -fn '%s' >'%s' 2>&1", t.img, t.log) != 0;
	CHECK((fd = open(t.img, O_RDONLY)) >= 0);
	CHECK_EQ(pread(fd, &state, 2, 1024 + 58), 2);	/* s_state, little-endian */
	close(fd);
	fprintf(stderr, "seed %s: %d calls failed, e2fsck %s, s_state %#x\n", seed, nfailed,
	    broken ? "finds errors" : "clean", state);
	/* valid (1) without errors (2) is what "clean" means to e2fsck -p */
	if (broken)
		CHECK((state & 1) == 0 || (state & 2) != 0);
	t_img_cleanup(&t);
	return broken;
}

T_CASE(delete_blkfail)
{
	int broken = 0;

	mounted = 0;
	for (int seed = 1; seed <= 12; seed++) {
		char s[8];

		snprintf(s, sizeof(s), "%d", seed);
		broken += delete_faulty(s);
	}
	fprintf(stderr, "%d of 12 runs mounted, %d left the image inconsistent\n", mounted, broken);
	CHECK(mounted >= 6);
}
