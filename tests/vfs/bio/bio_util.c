/* bio_util.c: helpers of the vfs-bio tests. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "bio_test.h"

void
t_boot(void)
{
	CHECK_ERR(rump_init(), 0);
	rump_schedule();
}

void
t_halt(void)
{
	rump_unschedule();
	CHECK_ERR(rump_shutdown(), 0);
}

int
io1(struct bdev *bd, int rw, void *buf, size_t len, uint64_t off)
{
	struct iovec iov = { buf, len };

	return bdev_io(bd, rw, &iov, 1, off);
}

int
t_hostfile(char *buf, size_t size)
{
	int fd;

	snprintf(buf, 64, "/tmp/t_bio.XXXXXX");
	CHECK((fd = mkstemp(buf)) != -1);
	CHECK(ftruncate(fd, (off_t)size) == 0);
	return fd;
}

void
tvnode(struct vnode *vp, dev_t dev)
{
	memset(vp, 0, sizeof *vp);
	vp->v_type = VBLK;
	vp->v_rdev = dev;
	vp->v_usecount = 1;
}

void
tdev_host(struct tdev *td, size_t size, bool fwrite)
{
	memset(td, 0, sizeof *td);
	td->td_fd = t_hostfile(td->td_path, size);
	CHECK_ERR(bdev_create_host(td->td_path, 0, RUMP_ETFS_SIZE_ENDOFF, &td->td_dev), 0);
	tvnode(&td->td_vn, td->td_dev);
	CHECK_ERR(bdev_open(&td->td_vn, fwrite, &td->td_bd), 0);
	td->td_write = fwrite;
}

void
tdev_done(struct tdev *td)
{
	bdev_close(td->td_bd, td->td_write);
	CHECK_ERR(bdev_destroy(td->td_dev), 0);
	if (td->td_path[0] != '\0') {
		close(td->td_fd);
		unlink(td->td_path);
	}
}

static unsigned char
pattern_byte(unsigned seed, uint64_t off)
{
	uint64_t x = (off / 8 + 1) * 0x9e3779b97f4a7c15ULL + seed;

	return (unsigned char)(x >> ((off % 8) * 8));
}

void
t_pattern(void *buf, size_t size, unsigned seed, uint64_t off)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < size; i++)
		p[i] = pattern_byte(seed, off + i);
}

bool
t_check_pattern(const void *buf, size_t size, unsigned seed, uint64_t off)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i] != pattern_byte(seed, off + i))
			return false;
	return true;
}

void
t_hostread(struct tdev *td, void *buf, size_t len, off_t off)
{
	CHECK(pread(td->td_fd, buf, len, off) == (ssize_t)len);
}

void
t_stats(struct bufstats *bs)
{
	bufcache_stats(bs);
}
