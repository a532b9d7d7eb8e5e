/* t_ext2fs.h: helpers of the ext2fs tests: images made by mke2fs in a temp dir, mounting, e2fsck, comparing trees. */
#ifndef T_EXT2FS_H
#define T_EXT2FS_H

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_rump.h"

#define T_DEV	"/dev/img0"
#define T_MNT	"/mnt"

/* A scratch directory holding the image, its source tree and tool logs. */
struct t_img {
	char	dir[PATH_MAX - 64];
	char	img[PATH_MAX];
	char	src[PATH_MAX];
	char	log[PATH_MAX];
};

/* Run a shell command; its exit status. */
int	t_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	t_img_init(struct t_img *t);
void	t_img_cleanup(struct t_img *t);
/* mke2fs -t ext2 opts [-d src] img size (fails the test unless it exits 0). */
void	t_mkfs(struct t_img *t, const char *opts, bool from_src, const char *size);
/* e2fsck -fn: fails the test (printing the log) unless it exits 0. */
void	t_fsck(struct t_img *t);
/* Register t->img as T_DEV and mount it on T_MNT with flags; returns rump_sys_mount's result. */
int	t_mount(struct t_img *t, int flags);
void	t_umount(void);
/* A fresh empty image (mke2fs opts, size) mounted read-write on a new kernel. */
void	t_setup(struct t_img *t, const char *opts, const char *size);
/* Unmount, halt the kernel, e2fsck -fn, remove the scratch directory. */
void	t_finish(struct t_img *t);

/* Whole-file I/O through rump. */
void	t_rump_write_file(const char *path, const void *buf, size_t len);
/* Compare host tree h with rump tree r: names, types, modes, owners, sizes, links, bytes, targets. */
void	t_tree_compare(const char *h, const char *r, bool times);
/* Deterministic bytes for offset off of file seed. */
void	t_fill(void *buf, size_t len, uint64_t seed, uint64_t off);

#endif /* T_EXT2FS_H */
