/* t_ffs_write.c: ffs read-write: seeded random operations against a host directory, then the checker and a read-only remount. */
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_rump.h"
#include "ffs_t.h"
#include "ffs_check.h"
#include "namei.h"
#include "vnode_if.h"
#include "buf.h"
#include "ffs.h"

#define check_image ffs_t_check_image

/* Mount rw, change host tree and image alike, compare; then check, remount ro, compare again. */
static void
random_ops(int version, const char *order, int bsize, int fsize, unsigned seed, int nops)
{
	struct ffs_t t;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, seed, false);
	ffs_t_makefs(&t, version, order, bsize, fsize, "-s 40m -o density=8192");
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_compare_times = false;
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	ffs_t_random_ops(t.ft_tree, "/mnt", seed, nops, 300000);
	ffs_t_compare(t.ft_tree, "/mnt");
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	if (version == 1)
		CHECK_EQ(ffs_t_system("'%s' '%s' '%s' ufs1", getenv("FFS_T_SLEUTH"), t.ft_img,
		    t.ft_tree), 0);
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	ffs_t_compare(t.ft_tree, "/mnt");
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_cleanup(&t);
}

T_CASE(random_ufs1_le) { random_ops(1, "le", 8192, 1024, 1, 1500); }
T_CASE(random_ufs1_be) { random_ops(1, "be", 4096, 512, 2, 1500); }
T_CASE(random_ufs2_le) { random_ops(2, "le", 16384, 2048, 3, 1500); }
T_CASE(random_ufs2_be) { random_ops(2, "be", 32768, 4096, 4, 1500); }
T_CASE(random_ufs2_le_4k) { random_ops(2, "le", 4096, 4096, 5, 1000); }

/* The basic operations one by one, with their results checked, on a small image. */
T_CASE(rw_basic)
{
	struct ffs_t t;
	char buf[20000], back[20000];
	struct stat st;
	int fd;

	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 0, 0, "-s 8m");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	fd = rump_sys_open("/mnt/a", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(rump_sys_write(fd, buf, 100), 100);
	CHECK_EQ(rump_sys_pwrite(fd, buf, sizeof(buf), 5000), (ssize_t)sizeof(buf));
	CHECK_EQ(rump_sys_pread(fd, back, sizeof(back), 5000), (ssize_t)sizeof(back));
	CHECK(memcmp(buf, back, sizeof(buf)) == 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_mkdir("/mnt/d", 0755), 0);
	CHECK_EQ(rump_sys_symlink("short", "/mnt/d/s"), 0);
	CHECK_EQ(rump_sys_rename("/mnt/a", "/mnt/d/b"), 0);
	CHECK_EQ(rump_sys_lstat("/mnt/d/b", &st), 0);
	CHECK_EQ(st.st_size, 25000);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

static uint8_t
sb_byte(struct ffs_t *t, long off)
{
	uint8_t b;

	ffs_t_peek(t, 8192 + off, &b, 1);
	return b;
}

/* rw marks not clean while mounted, a clean unmount writes it back clean; not clean needs force. */
T_CASE(clean_flag)
{
	struct ffs_t t;
	uint8_t zero = 0;
	int fd;

	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "be", 0, 0, "-s 8m");
	CHECK_EQ(sb_byte(&t, 209), 1);
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK_EQ(sb_byte(&t, 209), 0);
	CHECK((fd = rump_sys_open("/mnt/x", O_CREAT | O_WRONLY, 0600)) >= 0);
	CHECK_EQ(rump_sys_write(fd, "abc", 3), 3);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(sb_byte(&t, 209), 1);
	CHECK_EQ(check_image(t.ft_img), 0);

	/* Not clean: read-only is fine, read-write needs force and stays not clean. */
	ffs_t_poke(&t, 8192 + 209, &zero, 1);
	CHECK_EQ(ffs_t_mount(&t, 0), EPERM);
	t_halt();
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_FORCE), 0);
	CHECK_EQ(rump_sys_unlink("/mnt/x"), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(sb_byte(&t, 209), 0);
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

/* Features we would damage refuse read-write, naming them; read-only still mounts. */
T_CASE(unsupported_flags)
{
	struct ffs_t t;
	uint8_t saved[4], suj[4] = { 0, 0, 0, 0x08 }, wapbl[4] = { 0, 0, 0x01, 0 }, one = 1, zero = 0;
	uint8_t ckhash[4] = { 0, 0, 0x02, 0 };

	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "be", 0, 0, "-s 8m");
	CHECK_EQ(sb_byte(&t, 211) & 0x80, 0x80);
	ffs_t_peek(&t, 8192 + 1312, saved, 4);
	ffs_t_poke(&t, 8192 + 1312, suj, 4);
	CHECK_EQ(ffs_t_mount(&t, 0), EROFS);
	t_halt();
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	/* FreeBSD's metadata check hashes (we would leave them stale). */
	ffs_t_poke(&t, 8192 + 1312, ckhash, 4);
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_FORCE), EROFS);
	t_halt();
	/* A WAPBL log that was not replayed (not clean): even force does not write. */
	ffs_t_poke(&t, 8192 + 1312, wapbl, 4);
	ffs_t_poke(&t, 8192 + 865, &one, 1);
	ffs_t_poke(&t, 8192 + 209, &zero, 1);
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_FORCE), EROFS);
	t_halt();
	/* Clean with an empty log: writable. */
	ffs_t_poke(&t, 8192 + 209, &one, 1);
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_poke(&t, 8192 + 1312, saved, 4);
	ffs_t_poke(&t, 8192 + 865, &zero, 1);
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

static ssize_t
fill_file(const char *path, size_t chunk)
{
	static char buf[65536];
	ssize_t total = 0, n;
	int fd = rump_sys_open(path, O_CREAT | O_WRONLY, 0644);

	CHECK(fd >= 0);
	memset(buf, 0x5a, sizeof(buf));
	while ((n = rump_sys_write(fd, buf, chunk)) > 0)
		total += n;
	CHECK_EQ(n, -1);
	CHECK_EQ(errno, ENOSPC);
	CHECK_EQ(rump_sys_close(fd), 0);
	return total;
}

/* Filling up: whole blocks first, then small files in the remaining fragments; counts stay exact. */
static void
enospc(int version, int bsize, int fsize)
{
	struct ffs_t t;
	struct statvfs sv;
	char path[64];
	int small = 0, fd;

	ffs_t_init(&t);
	ffs_t_makefs(&t, version, "le", bsize, fsize, "-s 3m -o density=4096");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK(fill_file("/mnt/big", 65536) > 1000000);
	for (;;) {
		snprintf(path, sizeof(path), "/mnt/s%d", small);
		CHECK((fd = rump_sys_open(path, O_CREAT | O_WRONLY, 0644)) >= 0);
		ssize_t n = rump_sys_write(fd, "0123456789", 10);
		CHECK_EQ(rump_sys_close(fd), 0);
		if (n != 10)
			break;
		small++;
	}
	CHECK(small >= 1);
	CHECK_EQ(rump_sys_statvfs("/mnt", &sv), 0);
	CHECK(sv.f_bfree < (fsblkcnt_t)(bsize / fsize));
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK_EQ(rump_sys_truncate("/mnt/big", 12345), 0);
	CHECK_EQ(rump_sys_unlink("/mnt/s0"), 0);
	CHECK(fill_file("/mnt/again", 3000) > 1000000);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

T_CASE(enospc_ufs1) { enospc(1, 8192, 1024); }
T_CASE(enospc_ufs2) { enospc(2, 16384, 2048); }

static void
statvfs_free(struct statvfs *sv)
{
	CHECK_EQ(rump_sys_statvfs("/mnt", sv), 0);
}

/* Sparse writes in every indirection level, read back, truncated level by level; the checker agrees throughout. */
static void
deep_indirect(int version)
{
	static const off_t offs[] = {
		100, 50000, 3 << 20, 300 << 20, (off_t)3 << 30, (off_t)5 << 30,
	};
	struct ffs_t t;
	struct statvfs before, after;
	char buf[6000], back[6000];
	int fd;

	ffs_t_init(&t);
	ffs_t_makefs(&t, version, "be", 4096, 512, "-s 8m");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	statvfs_free(&before);
	CHECK((fd = rump_sys_open("/mnt/sparse", O_CREAT | O_RDWR, 0644)) >= 0);
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		memset(buf, 'a' + (int)i, sizeof(buf));
		CHECK_EQ(rump_sys_pwrite(fd, buf, sizeof(buf), offs[i]), (ssize_t)sizeof(buf));
	}
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		memset(buf, 'a' + (int)i, sizeof(buf));
		CHECK_EQ(rump_sys_pread(fd, back, sizeof(back), offs[i]), (ssize_t)sizeof(back));
		CHECK(memcmp(buf, back, sizeof(buf)) == 0);
		CHECK_EQ(rump_sys_pread(fd, back, 10, offs[i] - 10), 10);
		CHECK(back[0] == 0 && back[9] == 0);
	}
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	for (int i = (int)(sizeof(offs) / sizeof(offs[0])) - 1; i >= 0; i--) {
		CHECK_EQ(ffs_t_mount(&t, 0), 0);
		CHECK_EQ(rump_sys_truncate("/mnt/sparse", offs[i] + 77), 0);
		CHECK((fd = rump_sys_open("/mnt/sparse", O_RDONLY)) >= 0);
		CHECK_EQ(rump_sys_pread(fd, back, 100, offs[i]), 77);
		CHECK_EQ(rump_sys_close(fd), 0);
		CHECK_EQ(back[76], 'a' + i);
		CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
		t_halt();
		CHECK_EQ(check_image(t.ft_img), 0);
	}
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK_EQ(rump_sys_unlink("/mnt/sparse"), 0);
	statvfs_free(&after);
	CHECK_EQ(after.f_bfree, before.f_bfree);
	CHECK_EQ(after.f_ffree, before.f_ffree);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

T_CASE(deep_indirect_ufs1) { deep_indirect(1); }
T_CASE(deep_indirect_ufs2) { deep_indirect(2); }

/* A synchronous mount and noatime: the same results, atime left alone. */
T_CASE(sync_and_noatime)
{
	struct ffs_t t;
	struct stat st1, st2;
	struct timespec old[2] = { { 1000000, 0 }, { 2000000, 0 } };
	char buf[100];
	int fd;

	ffs_t_init(&t);
	ffs_t_gen_tree(&t, 77, false);
	ffs_t_makefs(&t, 1, "le", 0, 0, "-s 20m -o density=8192");
	ffs_t_compare_times = false;
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_SYNCHRONOUS), 0);
	ffs_t_random_ops(t.ft_tree, "/mnt", 77, 300, 100000);
	ffs_t_compare(t.ft_tree, "/mnt");
	/* A probe file with an old access time. */
	CHECK((fd = rump_sys_open("/mnt/probe", O_CREAT | O_WRONLY, 0644)) >= 0);
	CHECK_EQ(rump_sys_write(fd, "probe", 5), 5);
	CHECK_EQ(rump_sys_futimens(fd, old), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);

	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_NOATIME), 0);
	CHECK_EQ(rump_sys_lstat("/mnt/probe", &st1), 0);
	CHECK_EQ(st1.st_atim.tv_sec, 1000000);
	CHECK_EQ(st1.st_mtim.tv_sec, 2000000);
	CHECK((fd = rump_sys_open("/mnt/probe", O_RDONLY)) >= 0);
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 5);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_lstat("/mnt/probe", &st2), 0);
	CHECK_EQ(st2.st_atim.tv_sec, st1.st_atim.tv_sec);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();

	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK((fd = rump_sys_open("/mnt/probe", O_RDONLY)) >= 0);
	CHECK_EQ(rump_sys_read(fd, buf, sizeof(buf)), 5);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_EQ(rump_sys_lstat("/mnt/probe", &st2), 0);
	CHECK(st2.st_atim.tv_sec > st1.st_atim.tv_sec);
	CHECK_EQ(st2.st_mtim.tv_sec, 2000000);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

/* UFS2 with the superblock at 64 KiB (the FreeBSD layout): written at random, then checked and read by sleuthkit. */
T_CASE(ufs2_sb64k_sleuthkit)
{
	struct ffs_t t;

	ffs_t_init(&t);
	ffs_t_mkfs_ufs2_64k(&t, 24);
	CHECK_EQ(check_image(t.ft_img), 0);
	CHECK_EQ(ffs_t_system("fls -f ufs2 '%s' >/dev/null", t.ft_img), 0);
	ffs_t_compare_times = false;
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	ffs_t_random_ops(t.ft_tree, "/mnt", 64, 1500, 300000);
	ffs_t_compare(t.ft_tree, "/mnt");
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	CHECK_EQ(ffs_t_system("'%s' '%s' '%s' ufs2", getenv("FFS_T_SLEUTH"), t.ft_img, t.ft_tree), 0);
	ffs_t_cleanup(&t);
}

struct worker {
	pthread_t	w_thread;
	int		w_id;
	int		w_error;
};

/* Each thread grows, shrinks and replaces files in its own directory, all allocating from one group. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	char dir[64], path[96], buf[20000];
	unsigned seed = (unsigned)w->w_id;

	snprintf(dir, sizeof(dir), "/mnt/w%d", w->w_id);
	if (rump_sys_mkdir(dir, 0755) != 0) {
		w->w_error = errno;
		return NULL;
	}
	for (int i = 0; i < 300 && w->w_error == 0; i++) {
		size_t len = (size_t)rand_r(&seed) % sizeof(buf);
		int fd;

		snprintf(path, sizeof(path), "%s/f%d", dir, rand_r(&seed) % 20);
		memset(buf, 'a' + w->w_id, len);
		if ((fd = rump_sys_open(path, O_CREAT | O_RDWR | O_TRUNC, 0644)) < 0 ||
		    rump_sys_write(fd, buf, len) != (ssize_t)len ||
		    rump_sys_ftruncate(fd, (off_t)len / 2) != 0 || rump_sys_close(fd) != 0)
			w->w_error = errno ? errno : EIO;
		if (i % 7 == 0)
			(void)rump_sys_unlink(path);
	}
	return NULL;
}

T_CASE(threads_allocate)
{
	struct worker w[6];
	struct ffs_t t;

	setenv("RUMP_NCPU", "4", 1);
	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 8192, 1024, "-s 24m -o density=8192");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	for (int i = 0; i < 6; i++) {
		w[i].w_id = i;
		w[i].w_error = 0;
		CHECK_EQ(pthread_create(&w[i].w_thread, NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < 6; i++) {
		CHECK_EQ(pthread_join(w[i].w_thread, NULL), 0);
		CHECK_EQ(w[i].w_error, 0);
	}
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

/* rw -> ro writes everything and the clean flag at once; ro -> rw marks it not clean again. */
T_CASE(update_rw_to_ro)
{
	struct ffs_t t;
	struct ufs_args args = { .fspec = (char *)"/dev/img0" };
	uint8_t clean;
	int fd;

	ffs_t_init(&t);
	ffs_t_makefs(&t, 1, "be", 0, 0, "-s 8m");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK((fd = rump_sys_open("/mnt/f", O_CREAT | O_WRONLY, 0644)) >= 0);
	CHECK_EQ(rump_sys_write(fd, "data", 4), 4);
	CHECK_EQ(rump_sys_close(fd), 0);
	ffs_t_peek(&t, 8192 + 209, &clean, 1);
	CHECK_EQ(clean, 0);
	CHECK_EQ(rump_sys_mount(MOUNT_FFS, "/mnt", RUMP_MNT_UPDATE | RUMP_MNT_RDONLY, &args,
	    sizeof(args)), 0);
	ffs_t_peek(&t, 8192 + 209, &clean, 1);
	CHECK_EQ(clean, 1);
	/* Still mounted here, and the device still open for writing (so locked
	 * against other processes): the checker runs on a copy of the image. */
	CHECK_EQ(ffs_t_system("cp '%s' '%s.copy' && '%s' '%s.copy' >/dev/null; r=$?; rm -f '%s.copy'; exit $r",
	    t.ft_img, t.ft_img, getenv("FFS_T_FSCK"), t.ft_img, t.ft_img), 0);
	CHECK_ERRNO(rump_sys_open("/mnt/g", O_CREAT | O_WRONLY, 0644), EROFS);
	/* And back to read-write: not clean again, writable. */
	CHECK_EQ(rump_sys_mount(MOUNT_FFS, "/mnt", RUMP_MNT_UPDATE, &args, sizeof(args)), 0);
	ffs_t_peek(&t, 8192 + 209, &clean, 1);
	CHECK_EQ(clean, 0);
	CHECK((fd = rump_sys_open("/mnt/g", O_CREAT | O_WRONLY, 0644)) >= 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);

	/* A mount that starts read-only opens the device for writing when upgraded. */
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK_ERRNO(rump_sys_unlink("/mnt/g"), EROFS);
	CHECK_EQ(rump_sys_mount(MOUNT_FFS, "/mnt", RUMP_MNT_UPDATE, &args, sizeof(args)), 0);
	CHECK_EQ(rump_sys_unlink("/mnt/g"), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_peek(&t, 8192 + 209, &clean, 1);
	CHECK_EQ(clean, 1);
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

struct dent {
	uint64_t	d_ino;
	int64_t		d_off;
	unsigned short	d_reclen;
	unsigned char	d_type;
	char		d_name[];
};

/* Names of one getdents call; returns how many. */
static int
read_names(int fd, char seen[][300], int *n, size_t bufsize)
{
	char buf[4096];
	ssize_t len = rump_sys_getdents(fd, buf, bufsize);
	int got = 0;

	CHECK(len >= 0);
	for (ssize_t off = 0; off < len; got++) {
		struct dent *d = (struct dent *)(buf + off);
		off += d->d_reclen;
		for (int i = 0; i < *n; i++)
			if (strcmp(seen[i], d->d_name) == 0)
				t_fail(__FILE__, __LINE__, "%s returned twice", d->d_name);
		snprintf(seen[(*n)++], 300, "%s", d->d_name);
	}
	return got;
}

/* Cookies stay valid while entries are removed and added: nothing twice, nothing still there missed. */
T_CASE(readdir_cookies_stable)
{
	static char seen[400][300];
	struct ffs_t t;
	char path[400];
	int fd, n = 0, fd2;

	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "be", 0, 0, "-s 8m -o density=4096");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK_EQ(rump_sys_mkdir("/mnt/d", 0755), 0);
	for (int i = 0; i < 150; i++) {
		snprintf(path, sizeof(path), "/mnt/d/%03d_%0100d", i, i);
		CHECK((fd2 = rump_sys_open(path, O_CREAT | O_WRONLY, 0644)) >= 0);
		CHECK_EQ(rump_sys_close(fd2), 0);
	}
	CHECK((fd = rump_sys_open("/mnt/d", O_RDONLY | O_DIRECTORY)) >= 0);
	CHECK(read_names(fd, seen, &n, 1000) > 0);
	/* Remove every other file numbered 100 or more, and every file seen so far but "." and "..". */
	for (int i = 0; i < 150; i++) {
		snprintf(path, sizeof(path), "%03d_%0100d", i, i);
		bool was_seen = false;
		for (int k = 0; k < n; k++)
			was_seen |= strcmp(seen[k], path) == 0;
		if (was_seen || (i >= 100 && i % 2 == 0)) {
			snprintf(path, sizeof(path), "/mnt/d/%03d_%0100d", i, i);
			CHECK_EQ(rump_sys_unlink(path), 0);
		}
	}
	while (read_names(fd, seen, &n, 1000) > 0)
		;
	CHECK_EQ(rump_sys_close(fd), 0);
	for (int i = 0; i < 150; i++) {
		bool found = false;
		snprintf(path, sizeof(path), "%03d_%0100d", i, i);
		for (int k = 0; k < n; k++)
			found |= strcmp(seen[k], path) == 0;
		if (!found && !(i >= 100 && i % 2 == 0))
			t_fail(__FILE__, __LINE__, "%s missed", path);
	}
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

struct churn {
	pthread_t	c_thread;
	int		c_id;
};

static void
list_tree(const char *path, int depth)
{
	char buf[4096], sub[512];
	ssize_t len;
	int fd;

	if (depth > 4 || (fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY)) < 0)
		return;
	while ((len = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < len;) {
			struct dent *d = (struct dent *)(buf + off);
			struct stat st;

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
			if (rump_sys_lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				list_tree(sub, depth + 1);
			else if (rump_sys_lstat(sub, &st) == 0 && S_ISREG(st.st_mode)) {
				int f = rump_sys_open(sub, O_RDONLY);
				if (f >= 0) {
					(void)rump_sys_read(f, buf + 2048, 100);
					(void)rump_sys_close(f);
				}
			}
		}
	}
	(void)rump_sys_close(fd);
}

/* What p2k_ffs.bats's churn does, straight through the system calls. */
static void *
churn_main(void *arg)
{
	struct churn *c = arg;
	char d[64], f[96], sub[96], g[128], h[96], other[128];

	snprintf(d, sizeof(d), "/mnt/w%d", c->c_id);
	(void)rump_sys_mkdir(d, 0755);
	for (int i = 1; i <= 120; i++) {
		int fd;

		snprintf(f, sizeof(f), "%s/f%d", d, i);
		snprintf(sub, sizeof(sub), "%s/d%d", d, i % 7);
		snprintf(g, sizeof(g), "%s/g%d", sub, i);
		snprintf(h, sizeof(h), "%s/h%d", d, i);
		snprintf(other, sizeof(other), "/mnt/w%d/g%d_%d", (c->c_id + 1) % 4, i, c->c_id);
		if ((fd = rump_sys_open(f, O_CREAT | O_WRONLY | O_TRUNC, 0644)) >= 0) {
			(void)rump_sys_write(fd, "data\n", 5);
			(void)rump_sys_close(fd);
		}
		(void)rump_sys_mkdir(sub, 0755);
		(void)rump_sys_rename(f, g);
		(void)rump_sys_link(g, h);
		if (i % 3 == 0)
			(void)rump_sys_unlink(h);
		list_tree("/mnt", 0);
		(void)rump_sys_rename(g, other);
	}
	return NULL;
}

T_CASE(threads_churn)
{
	struct churn c[4];
	struct ffs_t t;

	setenv("RUMP_NCPU", "4", 1);
	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 0, 0, "-s 64m -o density=4096");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	for (int i = 0; i < 4; i++) {
		c[i].c_id = i;
		CHECK_EQ(pthread_create(&c[i].c_thread, NULL, churn_main, &c[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(c[i].c_thread, NULL), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

/* Others stop at the minfree reserve; root may write into it. */
T_CASE(minfree_reserve)
{
	struct ffs_t t;
	struct statvfs sv;
	static char buf[100000];
	ssize_t total = 0, n;
	int fd;

	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 8192, 1024, "-s 4m -o minfree=10");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK_EQ(rump_sys_mkdir("/mnt/pub", 0777), 0);
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_EQ(rump_pub_lwproc_setcred(1000, 1000, 0, NULL), 0);
	CHECK((fd = rump_sys_open("/mnt/pub/user", O_CREAT | O_WRONLY, 0644)) >= 0);
	while ((n = rump_sys_write(fd, buf, 8192)) > 0)
		total += n;
	CHECK_EQ(errno, ENOSPC);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK(total > 2000000);
	CHECK_EQ(rump_sys_statvfs("/mnt", &sv), 0);
	CHECK(sv.f_bavail < 8);
	CHECK(sv.f_bfree >= sv.f_blocks / 10 - 8);
	rump_pub_lwproc_releaselwp();
	CHECK((fd = rump_sys_open("/mnt/root", O_CREAT | O_WRONLY, 0644)) >= 0);
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

/* UFS2 extended attribute blocks (as FreeBSD writes them) are counted by the checker and freed with the file. */
T_CASE(ufs2_extattr_blocks)
{
	struct ffs_t t;
	struct ffs_t_geom g;
	struct statvfs before, after;
	struct stat st;
	uint64_t zero = 0, db0;
	uint32_t extsize = 100;
	long ioff;
	int fd;

	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 16384, 2048, "-s 8m");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	statvfs_free(&before);
	CHECK((fd = rump_sys_open("/mnt/x", O_CREAT | O_WRONLY, 0644)) >= 0);
	CHECK_EQ(rump_sys_write(fd, "0123456789", 10), 10);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_lstat("/mnt/x", &st), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	/* Turn its data fragment into its extended attribute area. */
	ffs_t_geom(&t, &g);
	ioff = ffs_t_inode_off(&g, (unsigned long)st.st_ino);
	ffs_t_peek(&t, ioff + 112, &db0, 8);
	ffs_t_poke(&t, ioff + 92, &extsize, 4);
	ffs_t_poke(&t, ioff + 96, &db0, 8);
	ffs_t_poke(&t, ioff + 112, &zero, 8);
	ffs_t_poke(&t, ioff + 16, &zero, 8);
	CHECK_EQ(check_image(t.ft_img), 0);
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK_EQ(rump_sys_lstat("/mnt/x", &st), 0);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(st.st_blocks, 4);
	CHECK_EQ(rump_sys_unlink("/mnt/x"), 0);
	statvfs_free(&after);
	CHECK_EQ(after.f_bfree, before.f_bfree);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

/* Birth time and generation through VOP_GETATTR (stat has no field for them). */
static void
getattr_path(const char *path, struct vattr *va)
{
	struct nameidata nd;

	rump_schedule();
	NDINIT(&nd, LOOKUP, NOFOLLOW, path);
	CHECK_EQ(namei(&nd), 0);
	CHECK_EQ(VOP_GETATTR(nd.ni_vp, va, kauth_cred_get()), 0);
	vrele(nd.ni_vp);
	nd.ni_vp = NULL;
	namei_done(&nd);
	rump_unschedule();
}

T_CASE(birthtime_and_generation)
{
	struct ffs_t t;
	struct vattr va, vb;
	struct timespec now;
	int fd;

	ffs_t_init(&t);
	ffs_t_mkfs_ufs2_64k(&t, 8);
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	getattr_path("/mnt", &va);
	CHECK_EQ(va.va_birthtime.tv_sec, 1600000000);
	CHECK_EQ(va.va_gen, 1);
	CHECK((fd = rump_sys_open("/mnt/a", O_CREAT | O_WRONLY, 0644)) >= 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK((fd = rump_sys_open("/mnt/b", O_CREAT | O_WRONLY, 0644)) >= 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	clock_gettime(CLOCK_REALTIME, &now);
	getattr_path("/mnt/a", &va);
	getattr_path("/mnt/b", &vb);
	CHECK(va.va_birthtime.tv_sec > now.tv_sec - 60 && va.va_birthtime.tv_sec <= now.tv_sec);
	CHECK(va.va_gen != vb.va_gen);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	/* After a remount the same values come back from the disk. */
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	getattr_path("/mnt/b", &va);
	CHECK_EQ(va.va_gen, vb.va_gen);
	CHECK_EQ(va.va_birthtime.tv_sec, vb.va_birthtime.tv_sec);
	CHECK_EQ(va.va_birthtime.tv_nsec, vb.va_birthtime.tv_nsec);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

/* Large directories, through the name index: the ext2 case's shape (tests/fs/ext2fs/t_ext2fs_dirindex.c). */
#define DI_NFILES	1500
#define DI_NNEW		400

static void
di_name(char *p, size_t sz, int i)
{
	/* lengths vary, so records of several sizes share chunks */
	snprintf(p, sz, "/mnt/d/%s%d", i % 3 == 0 ? "a_rather_longer_name_" : "n", i);
}

static void
di_touch(const char *p)
{
	int fd = rump_sys_open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);

	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_close(fd), 0);
}

/* Every name that should be there is (with the right inode), every other is not; readdir agrees. */
static void
di_check_names(const bool *present, const ino_t *inos, int n)
{
	char p[PATH_MAX], buf[4096];
	struct stat st;
	int i, want = 2, got = 0, fd;
	ssize_t len;

	for (i = 0; i < n; i++) {
		int k = (int)(((long)i * 7919) % n);	/* not in directory order */

		di_name(p, sizeof(p), k);
		if (present[k]) {
			CHECK_EQ(rump_sys_lstat(p, &st), 0);
			CHECK_EQ(st.st_ino, inos[k]);
			want++;
		} else {
			CHECK_ERRNO(rump_sys_lstat(p, &st), ENOENT);
		}
	}
	CHECK((fd = rump_sys_open("/mnt/d", O_RDONLY | O_DIRECTORY)) >= 0);
	while ((len = rump_sys_getdents(fd, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < len; got++)
			off += ((struct dent *)(void *)(buf + off))->d_reclen;
	CHECK_EQ(len, 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(got, want);
}

static void
dirindex_large(int version, const char *order)
{
	static bool present[DI_NFILES + DI_NNEW];
	static ino_t inos[DI_NFILES + DI_NNEW];
	char p[PATH_MAX], q[PATH_MAX];
	struct stat st, st2;
	struct ffs_t t;
	int i;

	memset(present, 0, sizeof(present));
	ffs_t_init(&t);
	ffs_t_makefs(&t, version, order, 0, 0, "-s 16m -o density=4096");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK_EQ(rump_sys_mkdir("/mnt/d", 0755), 0);
	for (i = 0; i < DI_NFILES; i++) {
		di_name(p, sizeof(p), i);
		di_touch(p);
		CHECK_EQ(rump_sys_lstat(p, &st), 0);
		inos[i] = st.st_ino;
		present[i] = true;
	}
	CHECK_ERRNO(rump_sys_open("/mnt/d/n1", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	di_check_names(present, inos, DI_NFILES + DI_NNEW);
	for (i = 0; i < DI_NFILES; i += 3) {	/* every third: holes of each record size */
		di_name(p, sizeof(p), i);
		CHECK_EQ(rump_sys_unlink(p), 0);
		present[i] = false;
	}
	di_check_names(present, inos, DI_NFILES + DI_NNEW);
	/* New names go into the holes first: the directory must not grow for them. */
	CHECK_EQ(rump_sys_stat("/mnt/d", &st), 0);
	for (i = DI_NFILES; i < DI_NFILES + DI_NNEW; i++) {
		di_name(p, sizeof(p), i);
		di_touch(p);
		CHECK_EQ(rump_sys_lstat(p, &st2), 0);
		inos[i] = st2.st_ino;
		present[i] = true;
	}
	CHECK_EQ(rump_sys_stat("/mnt/d", &st2), 0);
	CHECK_EQ(st2.st_size, st.st_size);
	/* rename onto an existing name, a hard link, and a directory moved out and back */
	di_name(p, sizeof(p), 1);
	di_name(q, sizeof(q), 4);
	CHECK_EQ(rump_sys_rename(p, q), 0);
	present[1] = false;
	inos[4] = inos[1];
	di_name(p, sizeof(p), 2);
	di_name(q, sizeof(q), 0);
	CHECK_EQ(rump_sys_link(p, q), 0);
	present[0] = true;
	inos[0] = inos[2];
	CHECK_EQ(rump_sys_mkdir("/mnt/d/sub", 0755), 0);
	CHECK_EQ(rump_sys_rename("/mnt/d/sub", "/mnt/sub"), 0);
	CHECK_EQ(rump_sys_rename("/mnt/sub", "/mnt/d/sub2"), 0);
	CHECK_EQ(rump_sys_rmdir("/mnt/d/sub2"), 0);
	di_check_names(present, inos, DI_NFILES + DI_NNEW);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	di_check_names(present, inos, DI_NFILES + DI_NNEW);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_cleanup(&t);
}

T_CASE(dirindex_large_ufs1_be) { dirindex_large(1, "be"); }
T_CASE(dirindex_large_ufs2_le) { dirindex_large(2, "le"); }

/*
 * Two directories made to share a block: one is indexed, the other
 * changes the block under it.  Searches must stay inside the chunks and
 * end in an answer (found, ENOENT or EIO), never a crash.
 */
T_CASE(dirindex_shared_block_hostile)
{
	struct ffs_t_geom g;
	struct ffs_t t;
	struct stat sa, sb;
	char p[PATH_MAX];
	uint64_t blk;
	int i, e;

	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 4096, 512, "-s 16m -o density=4096");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK_EQ(rump_sys_mkdir("/mnt/a", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/mnt/b", 0755), 0);
	for (i = 1; i <= 300; i++) {
		snprintf(p, sizeof(p), "/mnt/a/file_a_with_a_long_name_%d", i);
		di_touch(p);
		snprintf(p, sizeof(p), "/mnt/b/file_b_with_a_long_name_%d", i);
		di_touch(p);
	}
	CHECK_EQ(rump_sys_stat("/mnt/a", &sa), 0);
	CHECK_EQ(rump_sys_stat("/mnt/b", &sb), 0);
	CHECK(sa.st_size > 8192 && sb.st_size > 8192);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	/* b's second block becomes a's second block (UFS2: di_db[] at byte 112, 8 bytes each) */
	ffs_t_geom(&t, &g);
	ffs_t_peek(&t, ffs_t_inode_off(&g, sa.st_ino) + 112 + 8, &blk, sizeof(blk));
	ffs_t_poke(&t, ffs_t_inode_off(&g, sb.st_ino) + 112 + 8, &blk, sizeof(blk));
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	/* the sharing took: b lost the names of its own second block */
	for (i = 1, e = 0; i <= 300; i++) {
		snprintf(p, sizeof(p), "/mnt/b/file_b_with_a_long_name_%d", i);
		e += rump_sys_lstat(p, &sb) != 0;
	}
	CHECK(e > 0);
	for (int round = 0; round < 3; round++) {
		for (i = 1; i <= 300; i++) {
			snprintf(p, sizeof(p), "/mnt/a/file_a_with_a_long_name_%d", i);
			e = rump_sys_lstat(p, &sa) == 0 ? 0 : errno;
			CHECK(e == 0 || e == ENOENT || e == EIO);
			snprintf(p, sizeof(p), "/mnt/b/file_b_with_a_long_name_%d", i);
			if (round == 0 && i % 2 == 0)
				(void)rump_sys_unlink(p);
			snprintf(p, sizeof(p), "/mnt/b/new_name_%d_%d", round, i);
			if (i % 5 == 0) {
				int fd = rump_sys_open(p, O_WRONLY | O_CREAT, 0644);

				if (fd >= 0)
					CHECK_EQ(rump_sys_close(fd), 0);
			}
		}
	}
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_cleanup(&t);
}

static void
fill_mib(char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)((i * 31 + seed * 7 + i / 4093) & 0xff);
}

/*
 * A file written in whole blocks: no block is read before it is
 * overwritten, none stays cached once written (16 MiB of 16 KiB blocks),
 * and the blocks follow each other on the image, past the indirect block.
 */
T_CASE(whole_blocks_written)
{
	static char buf[1 << 20], back[1 << 20];
	struct bufstats b0, b1;
	struct nameidata nd;
	struct ffs_t t;
	int64_t d, prev = 0;
	int fd, i, breaks = 0;

	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 16384, 2048, "-s 64m");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK((fd = rump_sys_open("/mnt/big", O_CREAT | O_WRONLY, 0644)) >= 0);
	bufcache_stats(&b0);
	for (i = 0; i < 16; i++) {
		fill_mib(buf, sizeof(buf), (unsigned)i);
		CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	}
	bufcache_stats(&b1);
	CHECK(b1.bs_reads - b0.bs_reads < 16);	/* 1024 blocks written: a few maps read, no data */
	CHECK_EQ(rump_sys_fsync(fd), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	bufcache_stats(&b1);
	CHECK(b1.bs_nbufs < 200);
	rump_schedule();
	NDINIT(&nd, LOOKUP, NOFOLLOW, "/mnt/big");
	CHECK_EQ(namei(&nd), 0);
	for (int64_t lbn = 0; lbn < 1024; lbn++) {
		CHECK_EQ(ffs_bmap(VTOI(nd.ni_vp), lbn, &d), 0);
		CHECK(d != 0);
		breaks += lbn > 0 && d != prev + VTOI(nd.ni_vp)->i_fm->fm_frag;
		prev = d;
	}
	vrele(nd.ni_vp);
	nd.ni_vp = NULL;
	namei_done(&nd);
	rump_unschedule();
	CHECK(breaks <= 4);	/* the indirect blocks, a cylinder group's end */
	CHECK((fd = rump_sys_open("/mnt/big", O_RDONLY)) >= 0);
	for (i = 0; i < 16; i++) {
		fill_mib(buf, sizeof(buf), (unsigned)i);
		CHECK_EQ(rump_sys_read(fd, back, sizeof(back)), (ssize_t)sizeof(back));
		CHECK(memcmp(buf, back, sizeof(buf)) == 0);
	}
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

/* The blocks holding the first frag of each of files /mnt/s<from>..<to-1>: how many distinct. */
static int
blocks_of(int from, int to)
{
	int64_t blk[256];
	struct nameidata nd;
	char p[64];
	int n = 0;

	for (int i = from; i < to; i++) {
		struct stat st;
		int64_t d;
		bool seen = false;

		snprintf(p, sizeof(p), "/mnt/s%d", i);
		if (rump_sys_lstat(p, &st) != 0)
			continue;	/* removed */
		rump_schedule();
		NDINIT(&nd, LOOKUP, NOFOLLOW, p);
		CHECK_EQ(namei(&nd), 0);
		CHECK_EQ(ffs_bmap(VTOI(nd.ni_vp), 0, &d), 0);
		d -= d % VTOI(nd.ni_vp)->i_fm->fm_frag;
		for (int k = 0; k < n; k++)
			seen |= blk[k] == d;
		if (!seen && n < 256)
			blk[n++] = d;
		vrele(nd.ni_vp);
		nd.ni_vp = NULL;
		namei_done(&nd);
		rump_unschedule();
	}
	return n;
}

/*
 * Small files share blocks: each one-fragment file goes into a block
 * already broken up (found from the group's last fragment allocation,
 * wrapping), a new block only when none has room; freed fragments are
 * used again.
 */
T_CASE(small_files_pack)
{
	char p[64], buf[2048];
	struct ffs_t t;
	int fd, i;

	memset(buf, 'f', sizeof(buf));
	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 16384, 2048, "-s 32m -o density=4096");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	for (i = 0; i < 64; i++) {
		snprintf(p, sizeof(p), "/mnt/s%d", i);
		CHECK((fd = rump_sys_open(p, O_CREAT | O_WRONLY, 0644)) >= 0);
		CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
		CHECK_EQ(rump_sys_close(fd), 0);
	}
	CHECK(blocks_of(0, 64) <= 9);	/* 8 a block; the directory's frag may share one */
	for (i = 0; i < 64; i += 8) {	/* a hole in every block */
		snprintf(p, sizeof(p), "/mnt/s%d", i);
		CHECK_EQ(rump_sys_unlink(p), 0);
	}
	for (i = 64; i < 72; i++) {
		snprintf(p, sizeof(p), "/mnt/s%d", i);
		CHECK((fd = rump_sys_open(p, O_CREAT | O_WRONLY, 0644)) >= 0);
		CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
		CHECK_EQ(rump_sys_close(fd), 0);
	}
	CHECK(blocks_of(1, 72) <= 9);	/* the holes took them: no new block */
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

/* Files with indirect blocks and a directory of small ones; errors counted in *nfailed. */
static void
faulty_tree(bool make, int *nfailed)
{
	static char buf[300000];
	char p[64];
	int fd;

	memset(buf, 'p', sizeof(buf));
	if (make)
		CHECK_EQ(rump_sys_mkdir("/mnt/d", 0755), 0);
	for (int i = 0; i < 8; i++) {
		snprintf(p, sizeof(p), "/mnt/big%d", i);
		if (make) {
			CHECK((fd = rump_sys_open(p, O_CREAT | O_WRONLY, 0644)) >= 0);
			CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf) - (size_t)i * 1000),
			    (ssize_t)(sizeof(buf) - (size_t)i * 1000));
			CHECK_EQ(rump_sys_close(fd), 0);
		} else if (rump_sys_unlink(p) != 0) {
			(*nfailed)++;
		}
		snprintf(p, sizeof(p), "/mnt/d/s%d", i);
		if (make) {
			CHECK((fd = rump_sys_open(p, O_CREAT | O_WRONLY, 0644)) >= 0);
			CHECK_EQ(rump_sys_write(fd, buf, 100), 100);
			CHECK_EQ(rump_sys_close(fd), 0);
		} else if (rump_sys_unlink(p) != 0) {
			(*nfailed)++;
		}
	}
	if (!make && rump_sys_rmdir("/mnt/d") != 0)
		(*nfailed)++;
}

/*
 * Removing files on a synchronous mount while one block I/O in twenty
 * fails: an image the checker finds inconsistent afterwards is never
 * left marked clean (fs_clean), so the next fsck_ffs -p checks it.
 */
static bool
delete_faulty(const char *seed, int *mounted)
{
	struct ffs_t t;
	int nfailed = 0;
	unsigned problems;
	uint8_t clean;

	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 4096, 512, "-s 16m");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	faulty_tree(true, &nfailed);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	setenv("RUMP_BLKFAIL", "500", 1);
	setenv("RUMP_BLKFAIL_SEED", seed, 1);
	if (ffs_t_mount(&t, RUMP_MNT_SYNCHRONOUS) == 0) {
		(*mounted)++;
		faulty_tree(false, &nfailed);
		if (rump_sys_unmount("/mnt", 0) != 0)
			CHECK_EQ(rump_sys_unmount("/mnt", RUMP_MNT_FORCE), 0);
	}
	t_halt();
	unsetenv("RUMP_BLKFAIL");
	unsetenv("RUMP_BLKFAIL_SEED");
	problems = check_image(t.ft_img);
	clean = sb_byte(&t, 209);
	fprintf(stderr, "seed %s: %d calls failed, checker: %u problems, fs_clean %u\n", seed,
	    nfailed, problems, clean);
	if (problems > 0)
		CHECK_EQ(clean, 0);
	ffs_t_cleanup(&t);
	return problems > 0;
}

T_CASE(delete_blkfail)
{
	int broken = 0, mounted = 0;

	for (int seed = 1; seed <= 12; seed++) {
		char s[8];

		snprintf(s, sizeof(s), "%d", seed);
		broken += delete_faulty(s, &mounted);
	}
	fprintf(stderr, "%d of 12 runs mounted, %d left the image inconsistent\n", mounted, broken);
	CHECK(mounted >= 6);
}

/* One byte at off of an open file. */
static void
poke_byte(int fd, off_t off)
{
	CHECK_EQ(rump_sys_pwrite(fd, "x", 1, off), 1);
}

/*
 * SEEK_DATA/SEEK_HOLE from the block map: 4 KiB blocks, data in the
 * direct blocks, each indirect level and the end of a 6 GiB file; Linux's errors;
 * then an indirect pointer out of range gives EIO.
 */
static void
seek_levels(int version)
{
	const off_t K = 1024, M = K * K, G = K * M;
	const off_t want[] = { 0, 4 * K, 48 * K, 52 * K, 3 * M, 3 * M + 4 * K,
	    3 * G, 3 * G + 4 * K, 6 * G - 4 * K, 6 * G, -1 };
	struct ffs_t_geom g;
	struct ffs_t t;
	off_t off = 0, d;
	struct stat st;
	int fd, i = 0;
	int64_t bad = 0x7ffffff0;
	long ioff;

	ffs_t_init(&t);
	ffs_t_makefs(&t, version, "le", 4096, 512, "-s 8m");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	CHECK((fd = rump_sys_open("/mnt/sparse", O_CREAT | O_RDWR, 0644)) >= 0);
	for (int j = 0; want[j + 2] != -1; j += 2)
		poke_byte(fd, want[j] + 100);
	/* Growing by truncate allocates the last block (FFS never ends in a hole). */
	CHECK_EQ(rump_sys_ftruncate(fd, 6 * G), 0);
	while ((d = rump_sys_lseek(fd, off, SEEK_DATA)) != -1) {
		CHECK_EQ(d, want[i]);
		CHECK_EQ(off = rump_sys_lseek(fd, d, SEEK_HOLE), want[i + 1]);
		i += 2;
	}
	CHECK_EQ(errno, ENXIO);
	CHECK_EQ(want[i], -1);
	CHECK_EQ(rump_sys_lseek(fd, 3 * M + 7, SEEK_DATA), 3 * M + 7);
	CHECK_EQ(rump_sys_lseek(fd, 6 * G - 1, SEEK_HOLE), 6 * G);
	CHECK_EQ(rump_sys_lseek(fd, 5 * G, SEEK_HOLE), 5 * G);
	CHECK_ERRNO(rump_sys_lseek(fd, 6 * G, SEEK_DATA), ENXIO);
	CHECK_ERRNO(rump_sys_lseek(fd, 6 * G, SEEK_HOLE), ENXIO);
	CHECK_ERRNO(rump_sys_lseek(fd, -4096, SEEK_DATA), EINVAL);
	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(check_image(t.ft_img), 0);
	/* the single-indirect pointer aimed past the file system */
	ffs_t_geom(&t, &g);
	ioff = ffs_t_inode_off(&g, (unsigned long)st.st_ino);
	if (version == 2)
		ffs_t_poke(&t, ioff + (long)offsetof(struct ffs_dinode2, di_ib), &bad, 8);
	else
		ffs_t_poke(&t, ioff + (long)offsetof(struct ffs_dinode1, di_ib), &bad, 4);
	CHECK_EQ(ffs_t_mount(&t, RUMP_MNT_RDONLY), 0);
	CHECK((fd = rump_sys_open("/mnt/sparse", O_RDONLY)) >= 0);
	CHECK_EQ(rump_sys_lseek(fd, 0, SEEK_HOLE), 4 * K);
	CHECK_ERRNO(rump_sys_lseek(fd, 4 * K, SEEK_DATA), EIO);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	ffs_t_cleanup(&t);
}

T_CASE(seek_levels_ufs1) { seek_levels(1); }
T_CASE(seek_levels_ufs2) { seek_levels(2); }
