/* t_rumpfs.h: helpers shared by the rumpfs tests: boot, whole-file I/O, directory listing. */
#ifndef T_RUMPFS_H
#define T_RUMPFS_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_rump.h"

/*
 * The layout getdents hands out (Linux's struct dirent64).  Spelled out
 * here because the vfs include directory shadows the host's <dirent.h>.
 */
struct t_dirent {
	uint64_t	d_ino;
	int64_t		d_off;
	uint16_t	d_reclen;
	uint8_t		d_type;
	char		d_name[];
};
#define T_DT_FIFO	1
#define T_DT_CHR	2
#define T_DT_DIR	4
#define T_DT_BLK	6
#define T_DT_REG	8
#define T_DT_LNK	10
#define T_DT_SOCK	12

/* Create path with len bytes of content. */
static inline void
t_write_file(const char *path, const void *buf, size_t len)
{
	int fd = rump_sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_write(fd, buf, len), len);
	CHECK_EQ(rump_sys_close(fd), 0);
}

/* Read all of path (at most cap bytes); returns the length. */
static inline size_t
t_read_file(const char *path, void *buf, size_t cap)
{
	int fd = rump_sys_open(path, O_RDONLY);
	ssize_t n;

	CHECK(fd >= 0);
	n = rump_sys_read(fd, buf, cap);
	CHECK(n >= 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	return (size_t)n;
}

static inline struct stat
t_stat(const char *path)
{
	struct stat st;

	CHECK_EQ(rump_sys_lstat(path, &st), 0);
	return st;
}

static inline uint64_t
t_inuse(void)
{
	uint64_t n;
	extern uint64_t kmem_inuse(void);

	rump_schedule();
	n = kmem_inuse();
	rump_unschedule();
	return n;
}

/* a < b */
static inline bool
t_ts_before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

static inline void
t_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

#endif /* T_RUMPFS_H */
