/* test_ukfs_calls.c: every ukfs(3) call on a fresh rumpfs, with its error returns. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <pthread.h>
#include <rump/rump.h>
#include <rump/ukfs.h>

#include "t.h"

static struct ukfs *
mkfs(int flags)
{
	struct ukfs *fs;

	CHECK(ukfs_init() == 0);
	fs = ukfs_mount(MOUNT_RUMPFS, NULL, UKFS_DEFAULTMP, flags, NULL, 0);
	CHECK(fs != NULL);
	return fs;
}

static void
done(struct ukfs *fs)
{
	CHECK(ukfs_release(fs, 0) == 0);
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(init_and_types)
{
	char buf[64];
	ssize_t n;

	CHECK(ukfs_init() == 0);
	CHECK(ukfs_init() == 0);	/* again: a no-op */
	CHECK_ERRNO(_ukfs_init(99), EINVAL);
	n = ukfs_vfstypes(buf, sizeof(buf));
	CHECK(n > 0);
	CHECK_EQ(n, strlen(buf));
	CHECK(strstr(buf, "rumpfs") != NULL);
	CHECK_ERRNO(ukfs_vfstypes(buf, 3), ENOSPC);
	CHECK_ERRNO(ukfs_modload("x.so"), ENOSYS);
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(mount_errors)
{
	struct ukfs *fs;

	CHECK(ukfs_init() == 0);
	errno = 0;
	CHECK(ukfs_mount("nosuchfs", NULL, "/m", 0, NULL, 0) == NULL);
	CHECK_EQ(errno, ENODEV);
	/* A disk type needs a device. */
	CHECK(ukfs_mount(MOUNT_EXT2FS, NULL, "/m", 0, NULL, 0) == NULL);
	CHECK_EQ(errno, EINVAL);
	/* No image. */
	CHECK(ukfs_mount(MOUNT_EXT2FS, "/nonexistent/x.img", "/m", 0, NULL, 0) == NULL);
	CHECK_EQ(errno, ENOENT);
	/* Type detection on something that is no file system. */
	CHECK(ukfs_mount(NULL, "/dev/null", "/m", 0, NULL, 0) == NULL);
	CHECK_EQ(errno, EINVAL);
	/* Two on one mount point: the second is refused, the first still works. */
	fs = ukfs_mount(MOUNT_RUMPFS, "", "/m", 0, NULL, 0);
	CHECK(fs != NULL);
	CHECK(ukfs_mount(MOUNT_RUMPFS, "", "/m", 0, NULL, 0) == NULL);
	CHECK_EQ(errno, EBUSY);
	CHECK(ukfs_mkdir(fs, "d", 0755) == 0);
	CHECK(ukfs_release(fs, 0) == 0);
	/* The mount point went with it: a new mount there is empty. */
	fs = ukfs_mount(MOUNT_RUMPFS, "", "/m", 0, NULL, 0);
	CHECK(fs != NULL);
	CHECK_ERRNO(ukfs_rmdir(fs, "d"), ENOENT);
	done(fs);
}

T_CASE(two_mounts_are_separate)
{
	struct ukfs *a, *b;
	struct stat st;

	CHECK(ukfs_init() == 0);
	a = ukfs_mount(MOUNT_RUMPFS, NULL, "/", 0, NULL, 0);
	b = ukfs_mount(MOUNT_RUMPFS, NULL, "/", 0, NULL, 0);
	CHECK(a != NULL && b != NULL);
	CHECK(ukfs_create(a, "/only_a", 0644) == 0);
	CHECK(ukfs_stat(a, "/only_a", &st) == 0);
	CHECK_ERRNO(ukfs_stat(b, "/only_a", &st), ENOENT);
	CHECK(ukfs_getmp(a) != ukfs_getmp(b));
	CHECK(ukfs_getmp(a) != NULL);
	CHECK(ukfs_release(a, 0) == 0);
	CHECK(ukfs_release(b, 0) == 0);
	CHECK_ERR(rump_shutdown(), 0);
}

T_CASE(read_write)
{
	struct ukfs *fs = mkfs(0);
	uint8_t buf[64];
	struct stat st;
	int fd;

	CHECK(ukfs_create(fs, "/f", 0640) == 0);
	CHECK_ERRNO(ukfs_create(fs, "/f", 0640), EEXIST);
	CHECK(ukfs_stat(fs, "/f", &st) == 0);
	CHECK_EQ(st.st_mode, S_IFREG | 0640);
	CHECK_EQ(ukfs_write(fs, "/f", 0, (uint8_t *)"hello world", 11), 11);
	CHECK_EQ(ukfs_write(fs, "/f", 6, (uint8_t *)"ukfs!", 5), 5);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(ukfs_read(fs, "/f", 0, buf, sizeof(buf)), 11);
	CHECK_STREQ((char *)buf, "hello ukfs!");
	CHECK_EQ(ukfs_read(fs, "/f", 100, buf, sizeof(buf)), 0);
	CHECK_ERRNO(ukfs_read(fs, "/nope", 0, buf, sizeof(buf)), ENOENT);
	CHECK_ERRNO(ukfs_write(fs, "/nope", 0, buf, 1), ENOENT);
	CHECK(ukfs_mkdir(fs, "/d", 0755) == 0);
	CHECK_ERRNO(ukfs_read(fs, "/d", 0, buf, sizeof(buf)), EISDIR);
	CHECK_ERRNO(ukfs_write(fs, "/d", 0, buf, 1), EISDIR);
	CHECK_ERRNO(ukfs_read(fs, "/f/x", 0, buf, sizeof(buf)), ENOTDIR);

	fd = ukfs_open(fs, "/f", O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(ukfs_write_fd(fs, fd, 11, (uint8_t *)"??", 2, 1), 2);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(ukfs_read_fd(fs, fd, 6, buf, sizeof(buf)), 7);
	CHECK_STREQ((char *)buf, "ukfs!??");
	/* ukfs_fstat (extension): the open file's attributes; a closed descriptor is EBADF. */
	CHECK(ukfs_fstat(fs, fd, &st) == 0);
	CHECK_EQ(st.st_mode, S_IFREG | 0640);
	CHECK_EQ(st.st_size, 13);
	CHECK(ukfs_close(fs, fd) == 0);
	CHECK_ERRNO(ukfs_fstat(fs, fd, &st), EBADF);
	CHECK_ERRNO(ukfs_close(fs, fd), EBADF);
	CHECK_ERRNO(ukfs_open(fs, "/none", O_RDONLY), ENOENT);
	done(fs);
}

/* ukfs_lseek and ukfs_ftruncate (extensions): holes by SEEK_DATA/SEEK_HOLE, Linux's errors. */
T_CASE(seek_holes)
{
	struct ukfs *fs = mkfs(0);
	int fd, rfd;

	fd = ukfs_open(fs, "/s", O_RDWR | O_CREAT);
	CHECK(fd >= 0);
	CHECK_EQ(ukfs_write_fd(fs, fd, 1 << 20, (uint8_t *)"data", 4, 0), 4);
	CHECK_EQ(ukfs_ftruncate(fs, fd, 8 << 20), 0);
	CHECK_EQ(ukfs_lseek(fs, fd, 0, SEEK_DATA), 1 << 20);
	CHECK_EQ(ukfs_lseek(fs, fd, 1 << 20, SEEK_HOLE), (1 << 20) + 4096);
	CHECK_ERRNO(ukfs_lseek(fs, fd, (1 << 20) + 4096, SEEK_DATA), ENXIO);
	CHECK_EQ(ukfs_lseek(fs, fd, (1 << 20) + 4096, SEEK_HOLE), (1 << 20) + 4096);
	CHECK_ERRNO(ukfs_lseek(fs, fd, 8 << 20, SEEK_HOLE), ENXIO);
	CHECK_ERRNO(ukfs_lseek(fs, fd, -1, SEEK_DATA), EINVAL);
	CHECK_EQ(ukfs_lseek(fs, fd, 5, SEEK_SET), 5);
	CHECK_ERRNO(ukfs_ftruncate(fs, fd, -1), EINVAL);
	rfd = ukfs_open(fs, "/s", O_RDONLY);
	CHECK(rfd >= 0);
	CHECK_ERRNO(ukfs_ftruncate(fs, rfd, 0), EINVAL);
	CHECK(ukfs_close(fs, rfd) == 0);
	CHECK(ukfs_close(fs, fd) == 0);
	CHECK_ERRNO(ukfs_lseek(fs, fd, 0, SEEK_DATA), EBADF);
	done(fs);
}

/* ukfs_openat (extension): one name of an open directory, nothing followed, nothing else. */
T_CASE(openat)
{
	struct ukfs *fs = mkfs(0);
	uint8_t buf[16];
	int dfd, fd, ffd;

	CHECK(ukfs_mkdir(fs, "/d", 0755) == 0);
	CHECK(ukfs_mkdir(fs, "/d/sub", 0755) == 0);
	CHECK(ukfs_create(fs, "/d/f", 0644) == 0);
	CHECK_EQ(ukfs_write(fs, "/d/f", 0, (uint8_t *)"inside", 6), 6);
	CHECK(ukfs_create(fs, "/outside", 0644) == 0);
	CHECK(ukfs_symlink(fs, "/outside", "/d/abs") == 0);
	CHECK(ukfs_symlink(fs, "f", "/d/rel") == 0);
	CHECK((dfd = ukfs_open(fs, "/d", O_RDONLY | O_DIRECTORY)) >= 0);
	CHECK((fd = ukfs_openat(fs, dfd, "f", O_RDONLY)) >= 0);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(ukfs_read_fd(fs, fd, 0, buf, sizeof(buf)), 6);
	CHECK_STREQ((char *)buf, "inside");
	CHECK(ukfs_close(fs, fd) == 0);
	CHECK((fd = ukfs_openat(fs, dfd, "sub", O_RDONLY | O_DIRECTORY)) >= 0);
	CHECK(ukfs_close(fs, fd) == 0);
	/* symlinks are never followed, whatever they point at */
	CHECK_ERRNO(ukfs_openat(fs, dfd, "abs", O_RDONLY), ELOOP);
	CHECK_ERRNO(ukfs_openat(fs, dfd, "rel", O_RDONLY), ELOOP);
	/* one component only; no creation */
	CHECK_ERRNO(ukfs_openat(fs, dfd, "..", O_RDONLY), EINVAL);
	CHECK_ERRNO(ukfs_openat(fs, dfd, ".", O_RDONLY), EINVAL);
	CHECK_ERRNO(ukfs_openat(fs, dfd, "", O_RDONLY), EINVAL);
	CHECK_ERRNO(ukfs_openat(fs, dfd, "sub/../f", O_RDONLY), EINVAL);
	CHECK_ERRNO(ukfs_openat(fs, dfd, "/outside", O_RDONLY), EINVAL);
	CHECK_ERRNO(ukfs_openat(fs, dfd, "new", O_RDWR | O_CREAT), EINVAL);
	CHECK_ERRNO(ukfs_openat(fs, dfd, "none", O_RDONLY), ENOENT);
	/* the directory descriptor must be an open directory */
	CHECK((ffd = ukfs_open(fs, "/d/f", O_RDONLY)) >= 0);
	CHECK_ERRNO(ukfs_openat(fs, ffd, "f", O_RDONLY), ENOTDIR);
	CHECK(ukfs_close(fs, ffd) == 0);
	CHECK(ukfs_close(fs, dfd) == 0);
	CHECK_ERRNO(ukfs_openat(fs, dfd, "f", O_RDONLY), EBADF);
	done(fs);
}

T_CASE(nodes)
{
	struct ukfs *fs = mkfs(0);
	struct stat st;
	char buf[64];

	CHECK(ukfs_mkdir(fs, "/d", 0750) == 0);
	CHECK_ERRNO(ukfs_mkdir(fs, "/d", 0750), EEXIST);
	CHECK_ERRNO(ukfs_mkdir(fs, "/no/d", 0750), ENOENT);
	CHECK(ukfs_stat(fs, "/d", &st) == 0);
	CHECK_EQ(st.st_mode, S_IFDIR | 0750);
	CHECK(ukfs_mkfifo(fs, "/d/fifo", 0600) == 0);
	CHECK(ukfs_lstat(fs, "/d/fifo", &st) == 0);
	CHECK(S_ISFIFO(st.st_mode));
	CHECK(ukfs_mknod(fs, "/d/null", S_IFCHR | 0666, makedev(1, 3)) == 0);
	CHECK(ukfs_lstat(fs, "/d/null", &st) == 0);
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(major(st.st_rdev), 1);
	CHECK_EQ(minor(st.st_rdev), 3);
	CHECK_ERRNO(ukfs_mknod(fs, "/d/null", S_IFCHR | 0666, makedev(1, 3)), EEXIST);

	CHECK(ukfs_create(fs, "/d/file", 0644) == 0);
	CHECK(ukfs_symlink(fs, "file", "/d/sl") == 0);
	CHECK_ERRNO(ukfs_symlink(fs, "file", "/d/sl"), EEXIST);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(ukfs_readlink(fs, "/d/sl", buf, sizeof(buf)), 4);
	CHECK_STREQ(buf, "file");
	CHECK_ERRNO(ukfs_readlink(fs, "/d/file", buf, sizeof(buf)), EINVAL);
	CHECK(ukfs_lstat(fs, "/d/sl", &st) == 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK(ukfs_stat(fs, "/d/sl", &st) == 0);
	CHECK(S_ISREG(st.st_mode));

	CHECK(ukfs_link(fs, "/d/file", "/hard") == 0);
	CHECK_ERRNO(ukfs_link(fs, "/d/file", "/hard"), EEXIST);
	CHECK_ERRNO(ukfs_link(fs, "/none", "/hard2"), ENOENT);
	CHECK(ukfs_stat(fs, "/hard", &st) == 0);
	CHECK_EQ(st.st_nlink, 2);

	CHECK(ukfs_rename(fs, "/hard", "/d/moved") == 0);
	CHECK_ERRNO(ukfs_stat(fs, "/hard", &st), ENOENT);
	CHECK_ERRNO(ukfs_rename(fs, "/none", "/x"), ENOENT);
	CHECK(ukfs_mkdir(fs, "/e", 0755) == 0);
	CHECK_ERRNO(ukfs_rename(fs, "/e", "/d"), ENOTEMPTY);
	CHECK_ERRNO(ukfs_rename(fs, "/d/moved", "/e"), EISDIR);

	CHECK_ERRNO(ukfs_remove(fs, "/d"), EISDIR);
	CHECK_ERRNO(ukfs_rmdir(fs, "/d"), ENOTEMPTY);
	CHECK_ERRNO(ukfs_rmdir(fs, "/d/file"), ENOTDIR);
	CHECK_ERRNO(ukfs_remove(fs, "/none"), ENOENT);
	CHECK(ukfs_remove(fs, "/d/moved") == 0);
	CHECK(ukfs_rmdir(fs, "/e") == 0);
	CHECK_ERRNO(ukfs_rmdir(fs, "/e"), ENOENT);
	done(fs);
}

T_CASE(attributes)
{
	struct ukfs *fs = mkfs(0);
	struct timeval tv[2] = { { 1000, 5 }, { 2000, 7 } };
	struct stat st;

	CHECK(ukfs_create(fs, "/f", 0644) == 0);
	CHECK(ukfs_symlink(fs, "f", "/l") == 0);
	CHECK(ukfs_chmod(fs, "/l", 0600) == 0);		/* follows */
	CHECK(ukfs_stat(fs, "/f", &st) == 0);
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK_ERRNO(ukfs_lchmod(fs, "/l", 0600), EOPNOTSUPP);
	CHECK(ukfs_lchmod(fs, "/f", 04755) == 0);
	CHECK(ukfs_stat(fs, "/f", &st) == 0);
	CHECK_EQ(st.st_mode & 07777, 04755);
	CHECK_ERRNO(ukfs_chmod(fs, "/none", 0600), ENOENT);

	CHECK(ukfs_chown(fs, "/l", 10, 20) == 0);
	CHECK(ukfs_stat(fs, "/f", &st) == 0);
	CHECK_EQ(st.st_uid, 10);
	CHECK_EQ(st.st_gid, 20);
	CHECK(ukfs_lchown(fs, "/l", 30, 40) == 0);
	CHECK(ukfs_lstat(fs, "/l", &st) == 0);
	CHECK_EQ(st.st_uid, 30);
	CHECK(ukfs_stat(fs, "/f", &st) == 0);
	CHECK_EQ(st.st_uid, 10);

	CHECK(ukfs_utimes(fs, "/l", tv) == 0);
	CHECK(ukfs_stat(fs, "/f", &st) == 0);
	CHECK_EQ(st.st_atim.tv_sec, 1000);
	CHECK_EQ(st.st_atim.tv_nsec, 5000);
	CHECK_EQ(st.st_mtim.tv_sec, 2000);
	CHECK_EQ(st.st_mtim.tv_nsec, 7000);
	tv[1].tv_sec = 3000;
	CHECK(ukfs_lutimes(fs, "/l", tv) == 0);
	CHECK(ukfs_lstat(fs, "/l", &st) == 0);
	CHECK_EQ(st.st_mtim.tv_sec, 3000);
	CHECK(ukfs_stat(fs, "/f", &st) == 0);
	CHECK_EQ(st.st_mtim.tv_sec, 2000);
	CHECK(ukfs_utimes(fs, "/f", NULL) == 0);
	CHECK(ukfs_stat(fs, "/f", &st) == 0);
	CHECK(st.st_mtim.tv_sec > 2000);
	tv[0].tv_usec = 1000000;
	CHECK_ERRNO(ukfs_utimes(fs, "/f", tv), EINVAL);
	CHECK_ERRNO(ukfs_chflags(fs, "/f", 0), EOPNOTSUPP);
	done(fs);
}

/* Names seen in a directory by getdents from cookie 0 with a small buffer. */
static int
count_entries(struct ukfs *fs, const char *dir, const char *want, int *found)
{
	uint8_t buf[128];
	off_t off = 0;
	int n, total = 0;

	*found = 0;
	while ((n = ukfs_getdents(fs, dir, &off, buf, sizeof(buf))) > 0) {
		for (int i = 0; i < n;) {
			unsigned short reclen;

			memcpy(&reclen, buf + i + offsetof(struct dirent64, d_reclen), sizeof(reclen));
			total++;
			if (strcmp((char *)buf + i + offsetof(struct dirent64, d_name), want) == 0)
				*found = 1;
			i += reclen;
		}
	}
	CHECK_EQ(n, 0);
	return total;
}

T_CASE(directories)
{
	struct ukfs *fs = mkfs(0);
	struct ukfs_dircookie *dc;
	uint8_t buf[4096];
	char name[32];
	off_t off = 0;
	int found, n;

	CHECK(ukfs_mkdir(fs, "/d", 0755) == 0);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "/d/file%02d", i);
		CHECK(ukfs_create(fs, name, 0644) == 0);
	}
	/* 40 files plus "." and "..", read in small pieces by cookie. */
	CHECK_EQ(count_entries(fs, "/d", "file39", &found), 42);
	CHECK(found);
	CHECK(ukfs_opendir(fs, "/d", &dc) == 0);
	n = ukfs_getdents_cookie(fs, dc, &off, buf, sizeof(buf));
	CHECK(n > 0);
	CHECK(off != 0);
	CHECK_EQ(ukfs_getdents_cookie(fs, dc, &off, buf, sizeof(buf)), 0);
	CHECK(ukfs_closedir(fs, dc) == 0);
	CHECK_ERRNO(ukfs_opendir(fs, "/none", &dc), ENOENT);
	CHECK_ERRNO(ukfs_opendir(fs, "/d/file00", &dc), ENOTDIR);
	off = 0;
	CHECK_ERRNO(ukfs_getdents(fs, "/d/file00", &off, buf, sizeof(buf)), ENOTDIR);

	CHECK(ukfs_util_builddirs(fs, "/a/b/c", 0700) == 0);
	CHECK(ukfs_util_builddirs(fs, "/a/b/c/", 0700) == 0);
	CHECK_ERRNO(ukfs_util_builddirs(fs, "/d/file00/x", 0700), ENOTDIR);
	CHECK_EQ(count_entries(fs, "/a/b", "c", &found), 3);
	CHECK(found);
	done(fs);
}

T_CASE(chdir_and_confinement)
{
	struct ukfs *fs = mkfs(0);
	struct stat st;
	uint8_t buf[16];

	CHECK(ukfs_util_builddirs(fs, "/a/b", 0755) == 0);
	CHECK(ukfs_create(fs, "/a/b/f", 0644) == 0);
	CHECK(ukfs_create(fs, "/top", 0644) == 0);
	CHECK(ukfs_chdir(fs, "/a") == 0);
	CHECK(ukfs_stat(fs, "b/f", &st) == 0);
	CHECK(ukfs_chdir(fs, "b") == 0);
	CHECK(ukfs_stat(fs, "f", &st) == 0);
	CHECK(ukfs_stat(fs, "../../top", &st) == 0);
	CHECK(ukfs_stat(fs, "/top", &st) == 0);
	/* ".." never climbs above the root of the ukfs. */
	CHECK(ukfs_stat(fs, "../../../../../top", &st) == 0);
	CHECK(ukfs_stat(fs, "/../../top", &st) == 0);
	CHECK_ERRNO(ukfs_stat(fs, "/../../dev", &st), ENOENT);
	CHECK_ERRNO(ukfs_stat(fs, "", &st), ENOENT);
	CHECK_ERRNO(ukfs_read(fs, "f/", 0, buf, sizeof(buf)), ENOTDIR);
	CHECK_ERRNO(ukfs_chdir(fs, "f"), ENOTDIR);
	CHECK_ERRNO(ukfs_chdir(fs, "nope"), ENOENT);
	CHECK(ukfs_chdir(fs, "..") == 0);
	CHECK(ukfs_stat(fs, "b/f", &st) == 0);
	CHECK(ukfs_chdir(fs, "/") == 0);
	CHECK(ukfs_stat(fs, "top", &st) == 0);
	done(fs);
}

/* Symlinks resolve inside the ukfs: absolute targets from its root, ".." clamped there. */
T_CASE(symlinks_stay_inside)
{
	struct ukfs *fs = mkfs(0);
	uint8_t buf[16];
	struct stat st;

	CHECK(rump_sys_mkdir("/outside", 0755) == 0);
	int fd = rump_sys_open("/outside/secret", O_CREAT | O_WRONLY, 0644);

	CHECK(fd >= 0);
	CHECK(rump_sys_close(fd) == 0);
	CHECK(ukfs_util_builddirs(fs, "/a/b", 0755) == 0);
	CHECK_EQ(ukfs_write(fs, "/a/b/f", 0, (uint8_t *)"inside", 6), -1);
	CHECK(ukfs_create(fs, "/a/b/f", 0644) == 0);
	CHECK_EQ(ukfs_write(fs, "/a/b/f", 0, (uint8_t *)"inside", 6), 6);
	CHECK(ukfs_symlink(fs, "/a/b/f", "/abs") == 0);
	CHECK(ukfs_symlink(fs, "../../../../../../outside/secret", "/a/climb") == 0);
	CHECK(ukfs_symlink(fs, "/outside", "/a/absdir") == 0);
	CHECK(ukfs_symlink(fs, "b", "/a/rel") == 0);
	CHECK(ukfs_symlink(fs, "loop2", "/loop1") == 0);
	CHECK(ukfs_symlink(fs, "loop1", "/loop2") == 0);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(ukfs_read(fs, "/abs", 0, buf, sizeof(buf)), 6);
	CHECK_STREQ((char *)buf, "inside");
	CHECK_EQ(ukfs_read(fs, "/a/rel/f", 0, buf, sizeof(buf)), 6);
	/* Climbing and absolute targets land in the ukfs, not in the kernel's /outside. */
	CHECK_ERRNO(ukfs_stat(fs, "/a/climb", &st), ENOENT);
	CHECK_ERRNO(ukfs_stat(fs, "/a/absdir/secret", &st), ENOENT);
	CHECK(ukfs_lstat(fs, "/a/climb", &st) == 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_ERRNO(ukfs_stat(fs, "/loop1", &st), ELOOP);
	/* ".." after a symlink is the parent of its target. */
	CHECK(ukfs_stat(fs, "/a/rel/../rel/f", &st) == 0);
	CHECK(ukfs_chdir(fs, "/a/rel") == 0);
	CHECK(ukfs_stat(fs, "f", &st) == 0);
	CHECK(ukfs_stat(fs, "../b/f", &st) == 0);
	/* Creating through a dangling symlink creates its target, inside. */
	CHECK(ukfs_symlink(fs, "/made", "/dangling") == 0);
	fd = ukfs_open(fs, "/dangling", O_CREAT | O_WRONLY);
	CHECK(fd >= 0);
	CHECK(ukfs_close(fs, fd) == 0);
	CHECK(ukfs_stat(fs, "/made", &st) == 0);
	CHECK_ERRNO(ukfs_create(fs, "/dangling", 0644), EEXIST);
	/* A directory renamed away and replaced by a link: the old name is resolved again. */
	CHECK(ukfs_mkdir(fs, "/c", 0755) == 0);
	CHECK(ukfs_create(fs, "/c/secret", 0644) == 0);
	CHECK(ukfs_stat(fs, "/c/secret", &st) == 0);
	CHECK(ukfs_chdir(fs, "/c") == 0);
	CHECK(ukfs_rename(fs, "/c", "/c2") == 0);
	CHECK(ukfs_symlink(fs, "../../../../../outside", "/c") == 0);
	CHECK_ERRNO(ukfs_stat(fs, "/c/secret", &st), ENOENT);
	CHECK_ERRNO(ukfs_stat(fs, "secret", &st), ENOENT);
	CHECK(ukfs_stat(fs, "/c2/secret", &st) == 0);
	CHECK(ukfs_chdir(fs, "/") == 0);
	/* Removing a symlink removes the link, not the target. */
	CHECK(ukfs_remove(fs, "/abs") == 0);
	CHECK(ukfs_stat(fs, "/a/b/f", &st) == 0);
	CHECK(rump_sys_stat("/outside/secret", &st) == 0);
	CHECK_EQ(st.st_size, 0);
	done(fs);
}

T_CASE(readonly_mount)
{
	struct ukfs *fs = mkfs(RUMP_MNT_RDONLY);
	struct stat st;

	CHECK_ERRNO(ukfs_create(fs, "/f", 0644), EROFS);
	CHECK_ERRNO(ukfs_mkdir(fs, "/d", 0755), EROFS);
	CHECK_ERRNO(ukfs_symlink(fs, "x", "/l"), EROFS);
	CHECK_ERRNO(ukfs_mkfifo(fs, "/p", 0644), EROFS);
	CHECK_ERRNO(ukfs_chmod(fs, "/", 0700), EROFS);
	CHECK_ERRNO(ukfs_utimes(fs, "/", NULL), EROFS);
	CHECK_ERRNO(ukfs_open(fs, "/", O_RDWR), EISDIR);
	CHECK(ukfs_stat(fs, "/", &st) == 0);
	done(fs);
}

T_CASE(release_flags)
{
	struct ukfs *fs = mkfs(0);
	struct vnode *rvp;
	int fd;

	CHECK(ukfs_create(fs, "/f", 0644) == 0);
	fd = ukfs_open(fs, "/f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERRNO(ukfs_release(fs, 0), EBUSY);
	rvp = ukfs_getrvp(fs);
	CHECK(rvp != NULL);
	rump_pub_vp_rele(rvp);
	ukfs_setspecific(fs, &fd);
	CHECK(ukfs_getspecific(fs) == &fd);
	CHECK(ukfs_release(fs, UKFS_RELFLAG_FORCE) == 0);
	/* NOUNMOUNT frees the handle and leaves the file system mounted. */
	fs = ukfs_mount(MOUNT_RUMPFS, NULL, "/keep", 0, NULL, 0);
	CHECK(fs != NULL);
	CHECK(ukfs_create(fs, "/g", 0644) == 0);
	CHECK(ukfs_release(fs, UKFS_RELFLAG_NOUNMOUNT) == 0);
	struct stat st;
	CHECK(rump_sys_stat("/keep/g", &st) == 0);
	CHECK_ERR(rump_shutdown(), 0);
}

/* Threads share one ukfs: each works in its own directory, all see each other's files. */
struct worker {
	struct ukfs	*w_fs;
	int		w_id;
	int		w_errors;
};

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	char dir[32], path[64];
	uint8_t buf[64];
	int i;

	snprintf(dir, sizeof(dir), "/w%d", w->w_id);
	if (ukfs_mkdir(w->w_fs, dir, 0755) == -1)
		w->w_errors++;
	for (i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		if (ukfs_create(w->w_fs, path, 0644) == -1 ||
		    ukfs_write(w->w_fs, path, 0, (uint8_t *)path, strlen(path)) != (ssize_t)strlen(path) ||
		    ukfs_read(w->w_fs, path, 0, buf, sizeof(buf)) != (ssize_t)strlen(path) ||
		    memcmp(buf, path, strlen(path)) != 0)
			w->w_errors++;
		if (i % 2 == 0 && ukfs_remove(w->w_fs, path) == -1)
			w->w_errors++;
	}
	return NULL;
}

T_CASE(threads_share_one_ukfs)
{
	struct ukfs *fs = mkfs(0);
	struct worker w[4];
	pthread_t t[4];
	int i, found;

	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){ fs, i, 0 };
		CHECK(pthread_create(&t[i], NULL, worker_run, &w[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		CHECK(pthread_join(t[i], NULL) == 0);
		CHECK_EQ(w[i].w_errors, 0);
	}
	CHECK_EQ(count_entries(fs, "/w3", "f199", &found), 102);
	CHECK(found);
	done(fs);
}
