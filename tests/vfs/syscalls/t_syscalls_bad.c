/* t_syscalls_bad.c: bad input and limits: long paths, NULL, bad descriptors, EMFILE, memory limit, mount errors. */
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "t.h"

static void
boot(void)
{
	CHECK_ERR(rump_init(), 0);
}

static void
put_file(const char *path, const char *data)
{
	int fd;

	fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_write(fd, data, strlen(data)), (ssize_t)strlen(data));
	CHECK_EQ(rump_sys_close(fd), 0);
}

T_CASE(bad_paths)
{
	static char path[PATH_MAX + 16], comp[300];
	struct stat st;

	boot();
	/* PATH_MAX bytes (no room for the NUL): ENAMETOOLONG before any lookup */
	memset(path, 'a', PATH_MAX);
	path[0] = '/';
	path[PATH_MAX] = '\0';
	CHECK_ERRNO(rump_sys_open(path, O_RDONLY), ENAMETOOLONG);
	CHECK_ERRNO(rump_sys_mkdir(path, 0755), ENAMETOOLONG);
	CHECK_ERRNO(rump_sys_stat(path, &st), ENAMETOOLONG);
	CHECK_ERRNO(rump_sys_rename(path, "/x"), ENAMETOOLONG);
	CHECK_ERRNO(rump_sys_symlink(path, "/x"), ENAMETOOLONG);
	/* one byte less is a path namei accepts and then finds too long a component */
	path[PATH_MAX - 1] = '\0';
	CHECK_ERRNO(rump_sys_open(path, O_RDONLY), ENAMETOOLONG);
	/* a component of 256 bytes */
	memset(comp, 'b', 256);
	comp[0] = '/';
	comp[257] = '\0';
	memset(comp + 1, 'b', 256);
	CHECK_ERRNO(rump_sys_open(comp, O_RDWR | O_CREAT, 0644), ENAMETOOLONG);
	CHECK_ERRNO(rump_sys_mkdir(comp, 0755), ENAMETOOLONG);
	/* 255 bytes is a legal name */
	comp[256] = '\0';
	CHECK_EQ(rump_sys_mkdir(comp, 0755), 0);
	CHECK_EQ(rump_sys_rmdir(comp), 0);
	/* NULL and empty */
	CHECK_ERRNO(rump_sys_open(NULL, O_RDONLY), EFAULT);
	CHECK_ERRNO(rump_sys_stat(NULL, &st), EFAULT);
	CHECK_ERRNO(rump_sys_stat("/", NULL), EFAULT);
	CHECK_ERRNO(rump_sys_mkdir(NULL, 0755), EFAULT);
	CHECK_ERRNO(rump_sys_unlink(NULL), EFAULT);
	CHECK_ERRNO(rump_sys_rename("/", NULL), EFAULT);
	CHECK_ERRNO(rump_sys_symlink(NULL, "/x"), EFAULT);
	CHECK_ERRNO(rump_sys_chdir(NULL), EFAULT);
	CHECK_ERRNO(rump_sys_open("", O_RDONLY), ENOENT);
	CHECK_ERRNO(rump_sys_symlink("", "/x"), ENOENT);
	CHECK_ERRNO(rump_sys_utimensat(AT_FDCWD, NULL, NULL, 0), EFAULT);
	/* the kernel still works */
	put_file("/ok", "fine");
	CHECK_EQ(rump_sys_stat("/ok", &st), 0);
	CHECK_EQ(st.st_size, 4);
	CHECK_EQ(rump_shutdown(), 0);
}

T_CASE(bad_fds)
{
	static const int bad[] = { -1, -1000, 3, 1023, 1024, 100000, INT_MAX };
	char buf[8];
	struct stat st;
	unsigned i;
	int fd;

	boot();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fd = bad[i];
		CHECK_ERRNO(rump_sys_close(fd), EBADF);
		CHECK_ERRNO(rump_sys_read(fd, buf, sizeof(buf)), EBADF);
		CHECK_ERRNO(rump_sys_write(fd, buf, sizeof(buf)), EBADF);
		CHECK_ERRNO(rump_sys_pread(fd, buf, sizeof(buf), 0), EBADF);
		CHECK_ERRNO(rump_sys_lseek(fd, 0, SEEK_SET), EBADF);
		CHECK_ERRNO(rump_sys_fstat(fd, &st), EBADF);
		CHECK_ERRNO(rump_sys_fsync(fd), EBADF);
		CHECK_ERRNO(rump_sys_ftruncate(fd, 0), EBADF);
		CHECK_ERRNO(rump_sys_fchmod(fd, 0644), EBADF);
		CHECK_ERRNO(rump_sys_fchown(fd, 0, 0), EBADF);
		CHECK_ERRNO(rump_sys_futimens(fd, NULL), EBADF);
		CHECK_ERRNO(rump_sys_getdents(fd, buf, sizeof(buf)), EBADF);
		CHECK_ERRNO(rump_sys_fchdir(fd), EBADF);
		CHECK_ERRNO(rump_sys_dup(fd), EBADF);
		CHECK_ERRNO(rump_sys_dup2(fd, 5), EBADF);
		CHECK_ERRNO(rump_sys_fcntl(fd, F_GETFL), EBADF);
		CHECK_ERRNO(rump_sys_fcntl(fd, 12345), EBADF);
		CHECK_ERRNO(rump_sys_utimensat(fd, "rel", NULL, 0), EBADF);
	}
	/* Linux: a negative length or offset is EINVAL before the descriptor is looked at */
	CHECK_ERRNO(rump_sys_ftruncate(-1, -1), EINVAL);
	CHECK_ERRNO(rump_sys_pread(-1, buf, 1, -1), EINVAL);
	fd = rump_sys_open("/", O_RDONLY);
	CHECK_EQ(fd, 0);
	CHECK_ERRNO(rump_sys_dup2(fd, 1024), EBADF);
	CHECK_ERRNO(rump_sys_dup2(fd, -1), EBADF);
	CHECK_ERRNO(rump_sys_fcntl(fd, F_DUPFD, 1024), EINVAL);
	CHECK_ERRNO(rump_sys_fcntl(fd, F_DUPFD, -1), EINVAL);
	CHECK_ERRNO(rump_sys_fcntl(fd, 12345), EINVAL);
	CHECK_EQ(rump_sys_dup2(fd, fd), fd);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_ERRNO(rump_sys_close(fd), EBADF);
	CHECK_EQ(rump_shutdown(), 0);
}

T_CASE(fd_exhaustion)
{
	int fd, n, last = -1;

	boot();
	put_file("/f", "x");
	for (n = 0; ; n++) {
		fd = rump_sys_open(n % 2 ? "/f" : "/", O_RDONLY);
		if (fd < 0)
			break;
		CHECK_EQ(fd, n);	/* lowest free first */
		last = fd;
	}
	CHECK_EQ(errno, EMFILE);
	CHECK_EQ(n, 1024);
	CHECK_EQ(last, 1023);
	/* EMFILE comes first: O_CREAT makes nothing */
	CHECK_ERRNO(rump_sys_open("/new", O_RDWR | O_CREAT, 0644), EMFILE);
	CHECK_ERRNO(rump_sys_access("/new", F_OK), ENOENT);
	CHECK_ERRNO(rump_sys_dup(0), EMFILE);
	CHECK_ERRNO(rump_sys_fcntl(0, F_DUPFD, 0), EMFILE);
	CHECK_EQ(rump_sys_close(517), 0);
	CHECK_EQ(rump_sys_open("/f", O_RDONLY), 517);
	CHECK_EQ(rump_sys_close(3), 0);
	CHECK_EQ(rump_sys_dup(0), 3);
	/* shutdown closes the rest */
	CHECK_EQ(rump_shutdown(), 0);
}

T_CASE(memlimit)
{
	static char buf[65536];
	char name[32];
	int fd, i, n = 0, err = 0;
	ssize_t w;

	setenv("RUMP_MEMLIMIT", "2m", 1);
	boot();
	memset(buf, 'm', sizeof(buf));
	CHECK_EQ(rump_sys_mkdir("/full", 0755), 0);
	/* fill: files of 64 KiB until the kernel says no */
	for (i = 0; i < 200 && err == 0; i++) {
		snprintf(name, sizeof(name), "/full/f%d", i);
		fd = rump_sys_open(name, O_WRONLY | O_CREAT, 0644);
		if (fd < 0) {
			err = errno;
			break;
		}
		w = rump_sys_write(fd, buf, sizeof(buf));
		if (w < (ssize_t)sizeof(buf))
			err = w < 0 ? errno : ENOSPC;
		CHECK_EQ(rump_sys_close(fd), 0);
		n++;
	}
	CHECK(err == ENOSPC || err == ENOMEM);
	CHECK(n > 2 && n < 200);
	/* delete everything: the same work fits again */
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "/full/f%d", i);
		CHECK_EQ(rump_sys_unlink(name), 0);
	}
	for (i = 0; i < n / 2; i++) {
		snprintf(name, sizeof(name), "/full/g%d", i);
		fd = rump_sys_open(name, O_WRONLY | O_CREAT, 0644);
		CHECK(fd >= 0);
		CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
		CHECK_EQ(rump_sys_close(fd), 0);
	}
	CHECK_EQ(rump_shutdown(), 0);
}

T_CASE(mount_errors)
{
	boot();
	CHECK_EQ(rump_sys_mkdir("/mnt", 0755), 0);
	put_file("/file", "x");
	CHECK_ERRNO(rump_sys_mount("nosuchfs", "/mnt", 0, NULL, 0), ENODEV);
	CHECK_ERRNO(rump_sys_mount("rumpfs", "/nonexistent", 0, NULL, 0), ENOENT);
	CHECK_ERRNO(rump_sys_mount("rumpfs", "/file", 0, NULL, 0), ENOTDIR);
	CHECK_ERRNO(rump_sys_mount(NULL, "/mnt", 0, NULL, 0), EFAULT);
	CHECK_ERRNO(rump_sys_unmount("/mnt", 0), EINVAL);	/* not a mount point */
	CHECK_ERRNO(rump_sys_unmount("/nonexistent", 0), ENOENT);
	CHECK_ERRNO(rump_sys_unmount("/", 0), EBUSY);
	CHECK_EQ(rump_sys_mount("rumpfs", "/mnt", 0, NULL, 0), 0);
	/* rename across file systems, rmdir of a mount point */
	CHECK_ERRNO(rump_sys_rename("/file", "/mnt/file"), EXDEV);
	CHECK_ERRNO(rump_sys_link("/file", "/mnt/file"), EXDEV);
	CHECK_ERRNO(rump_sys_rmdir("/mnt"), EBUSY);
	/* not root */
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_EQ(rump_pub_lwproc_setcred(1000, 1000, 0, NULL), 0);
	CHECK_ERRNO(rump_sys_unmount("/mnt", 0), EPERM);
	CHECK_ERRNO(rump_sys_mount("rumpfs", "/", 0, NULL, 0), EPERM);
	CHECK_ERRNO(rump_sys_mount("nosuchfs", "/", 0, NULL, 0), EPERM);
	rump_pub_lwproc_releaselwp();
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	CHECK_ERRNO(rump_sys_unmount("/mnt", 0), EINVAL);
	CHECK_EQ(rump_shutdown(), 0);
}

T_CASE(unmount_busy_force)
{
	struct stat st;
	struct statvfs sv;
	char buf[16];
	int fd, dfd;

	boot();
	CHECK_EQ(rump_sys_mkdir("/mnt", 0755), 0);
	CHECK_EQ(rump_sys_mount("rumpfs", "/mnt", 0, NULL, 0), 0);
	put_file("/mnt/data", "0123456789");
	fd = rump_sys_open("/mnt/data", O_RDWR);
	CHECK(fd >= 0);
	CHECK_ERRNO(rump_sys_unmount("/mnt", 0), EBUSY);
	/* a cwd inside keeps it busy too */
	CHECK_EQ(rump_sys_chdir("/mnt"), 0);
	dfd = rump_sys_open(".", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK_EQ(rump_sys_chdir("/"), 0);
	CHECK_ERRNO(rump_sys_unmount("/mnt", 0), EBUSY);
	CHECK_EQ(rump_sys_unmount("/mnt", RUMP_MNT_FORCE), 0);
	/* the open files are dead: I/O fails cleanly, close works */
	errno = 0;
	CHECK(rump_sys_read(fd, buf, sizeof(buf)) == -1 && (errno == EIO || errno == EBADF));
	errno = 0;
	CHECK(rump_sys_write(fd, "x", 1) == -1 && (errno == EIO || errno == EBADF));
	errno = 0;
	CHECK(rump_sys_fstat(fd, &st) == -1 && (errno == EIO || errno == EBADF));
	errno = 0;
	CHECK(rump_sys_fstatvfs(fd, &sv) == -1 && (errno == EIO || errno == EBADF));
	CHECK_EQ(rump_sys_fchdir(dfd), -1);
	CHECK_EQ(rump_sys_chdir("/"), 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_close(dfd), 0);
	/* the mount point is a plain directory again */
	CHECK_ERRNO(rump_sys_stat("/mnt/data", &st), ENOENT);
	CHECK_EQ(rump_sys_rmdir("/mnt"), 0);
	CHECK_EQ(rump_shutdown(), 0);
}
