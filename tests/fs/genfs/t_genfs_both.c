/*
 * t_genfs_both.c: what genfs does for every file system, asserted the same
 * on ext2, UFS1 and UFS2 (big-endian): setattr's checks and order, readlink
 * and the access time it sets, allocation from many threads.  `t_genfs_both CASE` with T_FSTYPE (ext2fs
 * or ffs) and T_IMAGE (a name made by tests/ukfs/mkimages.sh) set; the
 * image is copied so the mount can write, and checked after the unmount.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "ukfs_timg.h"

static const char *fstype, *imgname;
static char img[PATH_MAX];

static void
mount_rw(void)
{
	char src[PATH_MAX];
	struct ufs_args args = { .fspec = (char *)"/dev/img" };

	fstype = getenv("T_FSTYPE");
	imgname = getenv("T_IMAGE");
	CHECK(fstype != NULL && imgname != NULL);
	timg_make();
	snprintf(img, sizeof(img), "%s/rw.img", timg_dir);
	t_copy_file(timg_path(src, sizeof(src), imgname), img);
	CHECK(rump_init() == 0);
	CHECK(rump_pub_etfs_register("/dev/img", img, RUMP_ETFS_BLK) == 0);
	CHECK(rump_sys_mkdir("/mnt", 0755) == 0);
	CHECK(rump_sys_mount(fstype, "/mnt", 0, &args, sizeof(args)) == 0);
}

/* Unmount and run the file system's own checker on the image. */
static void
umount_check(void)
{
	char cmd[PATH_MAX + 64];
	const char *fsck = getenv("FSCK_FFS");

	CHECK(rump_sys_unmount("/mnt", 0) == 0);
	CHECK(rump_pub_etfs_remove("/dev/img") == 0);
	CHECK(rump_shutdown() == 0);
	if (strcmp(fstype, "ext2fs") == 0)
		snprintf(cmd, sizeof(cmd), "e2fsck -fn %s > /dev/null 2>&1", img);
	else
		snprintf(cmd, sizeof(cmd), "%s %s > /dev/null 2>&1", fsck != NULL ? fsck : "false",
		    img);
	CHECK_EQ(system(cmd), 0);
	timg_remove();
}

static void
lstat_ok(const char *path, struct stat *st)
{
	CHECK(rump_sys_lstat(path, st) == 0);
}

/* A size on anything but a regular file, or a negative one, changes nothing. */
T_CASE(setattr_size_checks)
{
	struct stat st0, st;

	mount_rw();
	CHECK(rump_sys_mkdir("/mnt/d", 0755) == 0);
	CHECK(rump_sys_mknod("/mnt/p", S_IFIFO | 0644, 0) == 0);
	lstat_ok("/mnt/d", &st0);
	CHECK_ERRNO(rump_sys_truncate("/mnt/d", 0), EISDIR);
	CHECK_ERRNO(rump_sys_truncate("/mnt/p", 0), EINVAL);
	CHECK_ERRNO(rump_sys_truncate("/mnt/hello.txt", -1), EINVAL);
	lstat_ok("/mnt/hello.txt", &st);
	CHECK_EQ(st.st_size, 20);
	lstat_ok("/mnt/d", &st);
	CHECK_EQ(st.st_size, st0.st_size);
	umount_check();
}

/* chmod keeps the type; chown of one id keeps the other; truncate sets mtime and ctime. */
T_CASE(setattr_fields)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1100000000, 0 } };
	struct stat st;

	mount_rw();
	CHECK(rump_sys_chmod("/mnt/hello.txt", 06711) == 0);
	lstat_ok("/mnt/hello.txt", &st);
	CHECK_EQ(st.st_mode, S_IFREG | 06711);
	CHECK(rump_sys_chown("/mnt/hello.txt", 123, -1) == 0);
	CHECK(rump_sys_chown("/mnt/hello.txt", -1, 456) == 0);
	lstat_ok("/mnt/hello.txt", &st);
	CHECK_EQ(st.st_uid, 123);
	CHECK_EQ(st.st_gid, 456);
	CHECK(rump_sys_utimensat(AT_FDCWD, "/mnt/hello.txt", ts, 0) == 0);
	lstat_ok("/mnt/hello.txt", &st);
	CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	CHECK_EQ(st.st_mtim.tv_sec, 1100000000);
	CHECK(st.st_ctim.tv_sec > 1100000000);
	CHECK(rump_sys_truncate("/mnt/hello.txt", 5) == 0);
	lstat_ok("/mnt/hello.txt", &st);
	CHECK_EQ(st.st_size, 5);
	CHECK(st.st_mtim.tv_sec > 1100000000);
	CHECK_EQ(st.st_atim.tv_sec, 1000000000);
	umount_check();
}

/* A short target (in the inode) and a long one (in a data block), both read whole; readlink sets atime. */
T_CASE(readlink_targets_and_atime)
{
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	char lng[300], buf[400];
	struct stat st;

	mount_rw();
	memset(lng, 'x', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	CHECK(rump_sys_symlink(lng, "/mnt/long") == 0);
	CHECK_EQ(rump_sys_readlink("/mnt/usr/rel-link", buf, sizeof(buf)), 12);
	CHECK(memcmp(buf, "../hello.txt", 12) == 0);
	CHECK_EQ(rump_sys_readlink("/mnt/long", buf, sizeof(buf)), 299);
	CHECK(memcmp(buf, lng, 299) == 0);
	CHECK_EQ(rump_sys_readlink("/mnt/long", buf, 7), 7);
	CHECK_ERRNO(rump_sys_readlink("/mnt/hello.txt", buf, sizeof(buf)), EINVAL);
	for (int i = 0; i < 2; i++) {
		const char *p = i == 0 ? "/mnt/usr/rel-link" : "/mnt/long";

		CHECK(rump_sys_utimensat(AT_FDCWD, p, old, AT_SYMLINK_NOFOLLOW) == 0);
		CHECK(rump_sys_readlink(p, buf, sizeof(buf)) > 0);
		lstat_ok(p, &st);
		CHECK(st.st_atim.tv_sec > 1000000000);
		CHECK_EQ(st.st_mtim.tv_sec, 1000000000);
	}
	umount_check();
}

#define FILL_THREADS	4
#define FILL_CYCLES	3

struct filler {
	pthread_t	f_thread;
	int		f_id;
	int		f_failed;	/* line of the first failed check, 0 if none */
	int		f_nfull;	/* ENOSPC seen */
};

#define F_CHECK(f, e) do {						\
	if (!(e) && (f)->f_failed == 0)					\
		(f)->f_failed = __LINE__;				\
} while (0)

/* Write 4 KiB pieces to new files until ENOSPC; keep the first file, remove the rest; again. */
static void *
filler_main(void *arg)
{
	struct filler *f = arg;
	char path[64], buf[4096], back[4096];
	int n = 0;

	memset(buf, 'a' + f->f_id, sizeof(buf));
	for (int cycle = 0; cycle < FILL_CYCLES && f->f_failed == 0; cycle++) {
		int first = n, fd, err = 0;
		ssize_t firstlen = 0, want;

		while (err == 0 && f->f_failed == 0) {
			snprintf(path, sizeof(path), "/mnt/t%d/f%d", f->f_id, n++);
			if ((fd = rump_sys_open(path, O_RDWR | O_CREAT | O_EXCL, 0644)) < 0) {
				err = errno;
				break;
			}
			for (int i = 0; i < 16 && err == 0; i++) {
				ssize_t w = rump_sys_write(fd, buf, sizeof(buf));

				if (w < 0)
					err = errno;
				else if (n - 1 == first)
					firstlen += w;
				if (w >= 0 && w < (ssize_t)sizeof(buf))
					err = ENOSPC;	/* short: the next one would fail */
			}
			F_CHECK(f, rump_sys_close(fd) == 0);
		}
		F_CHECK(f, err == ENOSPC);
		f->f_nfull++;
		/* What was written reads back; then space is given back for the others. */
		snprintf(path, sizeof(path), "/mnt/t%d/f%d", f->f_id, first);
		want = firstlen < (ssize_t)sizeof(back) ? firstlen : (ssize_t)sizeof(back);
		if ((fd = rump_sys_open(path, O_RDONLY)) >= 0) {
			F_CHECK(f, rump_sys_read(fd, back, sizeof(back)) == want);
			F_CHECK(f, memcmp(buf, back, (size_t)want) == 0);
			F_CHECK(f, rump_sys_close(fd) == 0);
		}
		for (int i = first + 1; i < n; i++) {
			snprintf(path, sizeof(path), "/mnt/t%d/f%d", f->f_id, i);
			F_CHECK(f, rump_sys_unlink(path) == 0 || errno == ENOENT);
		}
	}
	return NULL;
}

/*
 * Threads on two virtual CPUs allocate blocks and inodes in the same
 * groups at once, up to a full file system and back: no block is handed
 * out twice, every failure is ENOSPC, and the maps and counts agree.
 */
T_CASE(parallel_fill)
{
	struct filler fl[FILL_THREADS];
	char dir[32];

	setenv("RUMP_NCPU", "2", 1);
	mount_rw();
	for (int i = 0; i < FILL_THREADS; i++) {
		snprintf(dir, sizeof(dir), "/mnt/t%d", i);
		CHECK(rump_sys_mkdir(dir, 0755) == 0);
		fl[i] = (struct filler){ .f_id = i };
	}
	for (int i = 0; i < FILL_THREADS; i++)
		CHECK(pthread_create(&fl[i].f_thread, NULL, filler_main, &fl[i]) == 0);
	for (int i = 0; i < FILL_THREADS; i++) {
		CHECK(pthread_join(fl[i].f_thread, NULL) == 0);
		if (fl[i].f_failed != 0)
			t_fail(__FILE__, fl[i].f_failed, "filler %d failed", i);
		CHECK_EQ(fl[i].f_nfull, FILL_CYCLES);
	}
	umount_check();
}
