/* t_ffs_oldfmt.c: old UFS1 layouts: pre-4.4BSD inode/directory format (read-only) and rotated cylinder groups. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_rump.h"
#include "ffs_t.h"
#include "ffs_check.h"

/* Run fn(t) with the console (stderr) in msg. */
static int
capture(struct ffs_t *t, int (*fn)(struct ffs_t *), char *msg, size_t msglen)
{
	char path[PATH_MAX];
	int saved = dup(2), fd, rc;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/console", t->ft_dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && saved >= 0);
	CHECK(dup2(fd, 2) == 2);
	rc = fn(t);
	CHECK(dup2(saved, 2) == 2);
	CHECK(close(saved) == 0);
	n = pread(fd, msg, msglen - 1, 0);
	msg[n > 0 ? n : 0] = '\0';
	CHECK(close(fd) == 0);
	return rc;
}

static int
mount_rw(struct ffs_t *t)
{
	return ffs_t_mount(t, 0);
}

/* Read-only first, then MNT_UPDATE to read-write: the same refusal. */
static int
upgrade_rw(struct ffs_t *t)
{
	struct ufs_args args = { .fspec = (char *)"/dev/img0" };

	CHECK_EQ(ffs_t_mount(t, RUMP_MNT_RDONLY), 0);
	if (rump_sys_mount(MOUNT_FFS, "/mnt", RUMP_MNT_UPDATE, &args, sizeof(args)) == 0)
		return 0;
	return errno;
}

/* Every entry of rump directory path reports DT_UNKNOWN: old directories carry no type. */
static void
all_dt_unknown(const char *path)
{
	static char buf[8192];
	int fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY), n = 0;
	ssize_t len;

	CHECK(fd >= 0);
	while ((len = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < len; n++) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			CHECK_EQ(d->d_type, DT_UNKNOWN);
			off += d->d_reclen;
		}
	}
	CHECK_EQ(len, 0);
	CHECK(n > 2);
	CHECK_EQ(rump_sys_close(fd), 0);
}

static void
old_format(const char *order)
{
	struct ffs_t t;
	char msg[4096], name[300];
	unsigned n = 99;
	struct stat st;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, 42, false);
	ffs_t_makefs(&t, 1, order, 8192, 1024, "-b 10%");
	ffs_t_make_old_format(&t);

	/* Read-only: names (the 255-byte one too), bytes, modes, 16-bit owners, both symlink kinds. */
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	ffs_t_compare(t.ft_tree, "/mnt");
	all_dt_unknown("/mnt");
	all_dt_unknown("/mnt/many");
	memset(name, 'n', 255);
	strcpy(name + 255, "");
	CHECK_EQ(rump_sys_lstat("/mnt/owned", &st), 0);
	CHECK_EQ(st.st_uid, 1234);
	CHECK_EQ(st.st_gid, 5678);
	CHECK_EQ(rump_sys_chdir("/mnt"), 0);
	CHECK_EQ(rump_sys_lstat(name, &st), 0);
	CHECK_EQ(st.st_size, 10);
	CHECK_EQ(rump_sys_chdir("/"), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();

	/* Writing would need the old layout on every change: refused, by name. */
	CHECK_EQ(capture(&t, mount_rw, msg, sizeof(msg)), EROFS);
	t_halt();
	if (strstr(msg, "read-write mount refused: pre-4.4BSD inode and directory format") == NULL)
		t_fail(__FILE__, __LINE__, "console: %s", msg);
	CHECK_EQ(capture(&t, upgrade_rw, msg, sizeof(msg)), EROFS);
	CHECK(strstr(msg, "pre-4.4BSD inode and directory format") != NULL);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();

	/* The checker knows the old layout: clean, in process and as fsck_ffs. */
	t_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/chk0", t.ft_img, RUMP_ETFS_BLK), 0);
	rump_schedule();
	CHECK_ERR(ffs_check("/dev/chk0", &n), 0);
	rump_unschedule();
	t_halt();
	CHECK_EQ(n, 0);
	CHECK(getenv("FFS_T_FSCK") != NULL);
	CHECK_EQ(ffs_t_system("'%s' '%s' >'%s/out' 2>&1", getenv("FFS_T_FSCK"), t.ft_img,
	    t.ft_dir), 0);
	ffs_t_cleanup(&t);
}

T_CASE(old_format_le) { old_format("le"); }
T_CASE(old_format_be) { old_format("be"); }

/* ffs_check in this process and fsck_ffs both say clean. */
static void
check_clean(struct ffs_t *t)
{
	unsigned n = 99;

	t_boot();
	CHECK_EQ(rump_pub_etfs_register("/dev/chk0", t->ft_img, RUMP_ETFS_BLK), 0);
	rump_schedule();
	CHECK_ERR(ffs_check("/dev/chk0", &n), 0);
	rump_unschedule();
	t_halt();
	CHECK_EQ(n, 0);
	CHECK(getenv("FFS_T_FSCK") != NULL);
	if (ffs_t_system("'%s' '%s' >'%s/out' 2>&1", getenv("FFS_T_FSCK"), t->ft_img, t->ft_dir)) {
		ffs_t_system("cat '%s/out' >&2", t->ft_dir);
		t_fail(__FILE__, __LINE__, "fsck_ffs found problems");
	}
}

/*
 * Rotated cylinder groups (fs_old_cgoffset/fs_old_cgmask, as old UFS1 on
 * rotating disks): makefs writes offset 0, so a helper moves each group's
 * metadata.  Read back, check, change read-write, check again.
 */
static void
rotated_cgs(const char *order)
{
	struct ffs_t t;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, 5, false);
	ffs_t_makefs(&t, 1, order, 4096, 1024, "-s 80m -f 300");
	CHECK(ffs_t_rotate_cgs(&t, 2048, 0xfffffffcU) > 0);
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	ffs_t_compare(t.ft_tree, "/mnt");
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	check_clean(&t);

	ffs_t_compare_times = false;
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	ffs_t_random_ops(t.ft_tree, "/mnt", 17, 600, 400000);
	ffs_t_compare(t.ft_tree, "/mnt");
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	check_clean(&t);
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	ffs_t_compare(t.ft_tree, "/mnt");
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_compare_times = true;
	ffs_t_cleanup(&t);
}

T_CASE(rotated_cgs_le) { rotated_cgs("le"); }
T_CASE(rotated_cgs_be) { rotated_cgs("be"); }
