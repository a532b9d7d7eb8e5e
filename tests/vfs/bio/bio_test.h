/* bio_test.h: helpers of the vfs-bio tests: boot, host image files, hand-made device vnodes. */
#ifndef TESTS_VFS_BIO_TEST_H
#define TESTS_VFS_BIO_TEST_H

#include "t.h"

#include <rump/rump.h>

#include "blkdev.h"
#include "buf.h"
#include "vnode.h"

/*
 * A test device: a host temp file (or memory), its bdev, and a struct
 * vnode filled by hand (v_type VBLK, v_rdev) standing in for a /dev node
 * so the cache can be tested without the VFS core.
 */
struct tdev {
	char		td_path[64];	/* host file ("" for memory) */
	int		td_fd;		/* host fd for checking behind the kernel's back */
	dev_t		td_dev;
	struct vnode	td_vn;
	struct bdev	*td_bd;
	bool		td_write;
};

/* rump_init() and rump_schedule(); halt: rump_unschedule() and rump_shutdown(). */
void	t_boot(void);
void	t_halt(void);
/* One request of len bytes at off straight to the device: 0 or errno. */
int	io1(struct bdev *bd, int rw, void *buf, size_t len, uint64_t off);
/* A host temp file of size bytes (sparse), path into buf (64 bytes); returns an fd. */
int	t_hostfile(char *buf, size_t size);
/* Host file device over a new temp file, opened (fwrite: for writing). */
void	tdev_host(struct tdev *td, size_t size, bool fwrite);
/* Close, destroy, remove the host file. */
void	tdev_done(struct tdev *td);
void	tvnode(struct vnode *vp, dev_t dev);
/* Fill size bytes with a pattern made of seed and the byte's offset. */
void	t_pattern(void *buf, size_t size, unsigned seed, uint64_t off);
bool	t_check_pattern(const void *buf, size_t size, unsigned seed, uint64_t off);
/* Host pread of the test file. */
void	t_hostread(struct tdev *td, void *buf, size_t len, off_t off);
void	t_stats(struct bufstats *bs);

#endif /* TESTS_VFS_BIO_TEST_H */
