/* t_diff_be.c: the two backends of the differential test: host libc and rump_sys_*. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_diff.h"

/* Adapters where the prototypes differ (variadic open/fcntl). */
static int h_open(const char *p, int f, mode_t m) { return open(p, f, m); }
static int h_fcntl(int fd, int cmd, int arg) { return fcntl(fd, cmd, arg); }
static int r_open(const char *p, int f, mode_t m) { return rump_sys_open(p, f, m); }
static int r_fcntl(int fd, int cmd, int arg) { return rump_sys_fcntl(fd, cmd, arg); }
static ssize_t h_getdents(int fd, void *b, size_t n) { return syscall(SYS_getdents64, fd, b, n); }

const struct be diff_host_be = {
	.name = "host", .fdbase = 3,
	.open = h_open, .close = close, .read = read, .write = write,
	.pread = pread, .pwrite = pwrite, .lseek = lseek, .fsync = fsync,
	.ftruncate = ftruncate, .truncate = truncate, .stat = stat,
	.lstat = lstat, .fstat = fstat, .mkdir = mkdir, .rmdir = rmdir,
	.unlink = unlink, .rename = rename, .link = link, .symlink = symlink,
	.readlink = readlink, .chmod = chmod, .fchmod = fchmod, .chown = chown,
	.lchown = lchown, .fchown = fchown, .utimensat = utimensat,
	.futimens = futimens, .access = access, .getdents = h_getdents,
	.chdir = chdir, .fchdir = fchdir, .mknod = mknod, .dup = dup,
	.dup2 = dup2, .fcntl = h_fcntl, .umask = umask,
};

const struct be diff_rump_be = {
	.name = "rump", .fdbase = 0,
	.open = r_open, .close = rump_sys_close, .read = rump_sys_read,
	.write = rump_sys_write, .pread = rump_sys_pread,
	.pwrite = rump_sys_pwrite, .lseek = rump_sys_lseek,
	.fsync = rump_sys_fsync, .ftruncate = rump_sys_ftruncate,
	.truncate = rump_sys_truncate, .stat = rump_sys_stat,
	.lstat = rump_sys_lstat, .fstat = rump_sys_fstat,
	.mkdir = rump_sys_mkdir, .rmdir = rump_sys_rmdir,
	.unlink = rump_sys_unlink, .rename = rump_sys_rename,
	.link = rump_sys_link, .symlink = rump_sys_symlink,
	.readlink = rump_sys_readlink, .chmod = rump_sys_chmod,
	.fchmod = rump_sys_fchmod, .chown = rump_sys_chown,
	.lchown = rump_sys_lchown, .fchown = rump_sys_fchown,
	.utimensat = rump_sys_utimensat, .futimens = rump_sys_futimens,
	.access = rump_sys_access, .getdents = rump_sys_getdents,
	.chdir = rump_sys_chdir, .fchdir = rump_sys_fchdir,
	.mknod = rump_sys_mknod, .dup = rump_sys_dup, .dup2 = rump_sys_dup2,
	.fcntl = r_fcntl, .umask = rump_sys_umask,
};

struct diff_log *
diff_log_new(int max)
{
	size_t size = sizeof(struct diff_log) + (size_t)max * sizeof(struct diff_entry);
	struct diff_log *log;

	log = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(log != MAP_FAILED);
	log->n = 0;
	log->max = max;
	return log;
}

void
diff_log_free(struct diff_log *log)
{
	munmap(log, sizeof(struct diff_log) + (size_t)log->max * sizeof(struct diff_entry));
}
