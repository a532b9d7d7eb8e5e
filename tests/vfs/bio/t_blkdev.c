/* t_blkdev.c: block devices: memory and host windows, bounds, read-only, the host write lock, RUMP_BLKFAIL. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bio_test.h"

T_CASE(mem_roundtrip)
{
	static char mem[64 << 10];
	char buf[1024];
	struct vnode vn;
	struct bdev *bd;
	struct buf *bp;
	dev_t dev;
	struct iovec iov[2];

	t_boot();
	CHECK_ERR(bdev_create_mem(mem, sizeof mem, false, &dev), 0);
	tvnode(&vn, dev);
	CHECK_ERR(bdev_open(&vn, true, &bd), 0);
	CHECK(bdev_lookup(dev) == bd);
	CHECK_EQ(bdev_size(bd), sizeof mem);
	CHECK_EQ(bdev_secsize(bd), 512);
	CHECK(!bdev_readonly(bd));
	CHECK_EQ(bdev_dev(bd), dev);

	t_pattern(buf, sizeof buf, 1, 0);
	CHECK_ERR(io1(bd, BDEV_WRITE, buf, sizeof buf, 4096), 0);
	CHECK(t_check_pattern(mem + 4096, sizeof buf, 1, 0));
	memset(buf, 0, sizeof buf);
	iov[0] = (struct iovec){ buf, 512 };
	iov[1] = (struct iovec){ buf + 512, 512 };
	CHECK_ERR(bdev_io(bd, BDEV_READ, iov, 2, 4096), 0);
	CHECK(t_check_pattern(buf, sizeof buf, 1, 0));

	/* Through the cache. */
	CHECK_ERR(getblk(&vn, 16, 2048, 0, &bp), 0);
	t_pattern(bp->b_data, 2048, 2, 0);
	CHECK_ERR(bwrite(bp), 0);
	CHECK(t_check_pattern(mem + 16 * 512, 2048, 2, 0));
	t_pattern(mem + 32 * 512, 1024, 3, 0);
	CHECK_ERR(bread(&vn, 32, 1024, 0, &bp), 0);
	CHECK(t_check_pattern(bp->b_data, 1024, 3, 0));
	brelse(bp, 0);

	/* Open: a second writer is refused, a reader is fine; destroy waits for the last close. */
	{
		struct bdev *bd2;

		CHECK_ERR(bdev_open(&vn, true, &bd2), EBUSY);
		CHECK_ERR(bdev_open(&vn, false, &bd2), 0);
		bdev_close(bd2, false);
	}
	CHECK_ERR(bdev_destroy(dev), EBUSY);
	bdev_close(bd, true);
	CHECK_ERR(bdev_destroy(dev), 0);
	CHECK(bdev_lookup(dev) == NULL);
	CHECK_ERR(bdev_destroy(dev), ENXIO);
	CHECK_ERR(bdev_open(&vn, false, &bd), ENXIO);
	vn.v_type = VCHR;
	CHECK_ERR(bdev_open(&vn, false, &bd), ENOTBLK);
	t_halt();
}

T_CASE(mem_readonly)
{
	static char mem[16 << 10];
	char buf[512];
	struct vnode vn;
	struct bdev *bd;
	struct buf *bp;
	dev_t dev;

	t_boot();
	memset(mem, 'x', sizeof mem);
	CHECK_ERR(bdev_create_mem(mem, sizeof mem, true, &dev), 0);
	tvnode(&vn, dev);
	CHECK_ERR(bdev_open(&vn, true, &bd), EROFS);
	CHECK_ERR(bdev_open(&vn, false, &bd), 0);
	CHECK(bdev_readonly(bd));
	memset(buf, 0, sizeof buf);
	CHECK_ERR(io1(bd, BDEV_WRITE, buf, sizeof buf, 0), EROFS);
	CHECK_ERR(io1(bd, BDEV_READ, buf, sizeof buf, 0), 0);
	CHECK(buf[0] == 'x' && buf[511] == 'x');
	/* A write through the cache fails with EROFS and drops the buffer. */
	CHECK_ERR(getblk(&vn, 0, 512, 0, &bp), 0);
	memset(bp->b_data, 0, 512);
	CHECK_ERR(bwrite(bp), EROFS);
	CHECK(mem[0] == 'x');
	CHECK_ERR(bread(&vn, 0, 512, 0, &bp), 0);
	CHECK(((char *)bp->b_data)[0] == 'x');
	brelse(bp, 0);
	bdev_close(bd, false);
	CHECK_ERR(bdev_destroy(dev), 0);
	t_halt();
}

T_CASE(bounds_alignment)
{
	struct tdev td;
	char buf[4096];

	t_boot();
	tdev_host(&td, 64 << 10, true);
	CHECK_ERR(io1(td.td_bd, BDEV_READ, buf, 512, (64 << 10) - 512), 0);
	CHECK_ERR(io1(td.td_bd, BDEV_READ, buf, 512, 64 << 10), EIO);
	CHECK_ERR(io1(td.td_bd, BDEV_READ, buf, 1024, (64 << 10) - 512), EIO);
	CHECK_ERR(io1(td.td_bd, BDEV_WRITE, buf, 512, UINT64_MAX - 511), EIO);
	CHECK_ERR(io1(td.td_bd, BDEV_READ, buf, 512, 100), EINVAL);
	CHECK_ERR(io1(td.td_bd, BDEV_READ, buf, 100, 0), EINVAL);
	CHECK_ERR(bdev_io(td.td_bd, BDEV_READ, NULL, -1, 0), EINVAL);
	tdev_done(&td);
	t_halt();
}

/* RUMP_BLKSECTSHIFT=12: 4 KiB sectors; 512-byte I/O is refused. */
T_CASE(sectshift)
{
	struct tdev td;
	char buf[4096];

	setenv("RUMP_BLKSECTSHIFT", "12", 1);
	t_boot();
	tdev_host(&td, 64 << 10, true);
	CHECK_EQ(bdev_secsize(td.td_bd), 4096);
	CHECK_ERR(io1(td.td_bd, BDEV_READ, buf, 512, 0), EINVAL);
	CHECK_ERR(io1(td.td_bd, BDEV_READ, buf, 4096, 4096), 0);
	tdev_done(&td);
	t_halt();
}

T_CASE(host_window)
{
	char path[64], data[64 << 10], buf[4096];
	struct vnode vn;
	struct bdev *bd;
	dev_t dev;
	int fd;

	t_boot();
	fd = t_hostfile(path, 0);
	t_pattern(data, sizeof data, 4, 0);
	CHECK(pwrite(fd, data, sizeof data, 0) == (ssize_t)sizeof data);

	CHECK_ERR(bdev_create_host(path, 8192, 16384, &dev), 0);
	tvnode(&vn, dev);
	CHECK_ERR(bdev_open(&vn, true, &bd), 0);
	CHECK_EQ(bdev_size(bd), 16384);
	CHECK_ERR(io1(bd, BDEV_READ, buf, 4096, 0), 0);
	CHECK(t_check_pattern(buf, 4096, 4, 8192));
	CHECK_ERR(io1(bd, BDEV_READ, buf, 4096, 12288), 0);
	CHECK(t_check_pattern(buf, 4096, 4, 20480));
	CHECK_ERR(io1(bd, BDEV_READ, buf, 4096, 16384), EIO);
	/* A write lands at begin + offset in the host file. */
	t_pattern(buf, 512, 5, 0);
	CHECK_ERR(io1(bd, BDEV_WRITE, buf, 512, 1024), 0);
	CHECK(pread(fd, data, 512, 8192 + 1024) == 512);
	CHECK(t_check_pattern(data, 512, 5, 0));
	CHECK_ERR(bdev_sync(bd), 0);
	bdev_close(bd, true);
	CHECK_ERR(bdev_destroy(dev), 0);

	/* To the end. */
	CHECK_ERR(bdev_create_host(path, 4096, RUMP_ETFS_SIZE_ENDOFF, &dev), 0);
	CHECK_EQ(bdev_size(bdev_lookup(dev)), (64 << 10) - 4096);
	CHECK_ERR(bdev_destroy(dev), 0);
	CHECK_ERR(bdev_create_host(path, 64 << 10, RUMP_ETFS_SIZE_ENDOFF, &dev), 0);
	CHECK_EQ(bdev_size(bdev_lookup(dev)), 0);
	CHECK_ERR(bdev_destroy(dev), 0);
	/* Outside the file. */
	CHECK_ERR(bdev_create_host(path, 70000, RUMP_ETFS_SIZE_ENDOFF, &dev), EINVAL);
	CHECK_ERR(bdev_create_host(path, 60000, 8192, &dev), EINVAL);
	CHECK_ERR(bdev_create_host(path, 8, UINT64_MAX - 4, &dev), EINVAL);
	CHECK_ERR(bdev_create_host("/tmp", 0, RUMP_ETFS_SIZE_ENDOFF, &dev), EINVAL);
	CHECK_ERR(bdev_create_host("/nonexistent/t_bio.img", 0, RUMP_ETFS_SIZE_ENDOFF, &dev), ENOENT);
	close(fd);
	unlink(path);
	t_halt();
}

/* The body of readonly_host, as a user that cannot write the file. */
static void
readonly_host_body(const char *path)
{
	struct vnode vn;
	struct bdev *bd;
	char buf[512];
	dev_t dev;

	t_boot();
	CHECK_ERR(bdev_create_host(path, 0, RUMP_ETFS_SIZE_ENDOFF, &dev), 0);
	tvnode(&vn, dev);
	CHECK_ERR(bdev_open(&vn, true, &bd), EROFS);
	CHECK_ERR(bdev_open(&vn, false, &bd), 0);
	CHECK(bdev_readonly(bd));
	CHECK_ERR(io1(bd, BDEV_READ, buf, sizeof buf, 0), 0);
	CHECK_ERR(io1(bd, BDEV_WRITE, buf, sizeof buf, 0), EROFS);
	bdev_close(bd, false);
	CHECK_ERR(bdev_destroy(dev), 0);
	t_halt();
}

T_CASE(readonly_host)
{
	char path[64];
	int fd, status;
	pid_t pid;

	fd = t_hostfile(path, 1 << 16);
	close(fd);
	CHECK(chmod(path, 0444) == 0);
	if (geteuid() != 0) {
		readonly_host_body(path);
	} else {
		/* Root may write any file: run as nobody. */
		CHECK((pid = fork()) != -1);
		if (pid == 0) {
			if (setgid(65534) != 0 || setuid(65534) != 0)
				_exit(3);
			readonly_host_body(path);
			_exit(0);
		}
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFEXITED(status));
		CHECK_EQ(WEXITSTATUS(status), 0);
	}
	unlink(path);
}

/*
 * Child: boot a kernel; while the parent holds path (for writing if
 * pwrite, else reading), try to open it both ways and report the write
 * open's result; once the parent closed it, both work.
 */
static void
flock_child(const char *path, bool pwrite, int rfd, int wfd)
{
	struct vnode vn, vn2;
	struct bdev *bd, *bd2;
	dev_t dev, dev2;
	char c;
	int r;

	CHECK(read(rfd, &c, 1) == 1);	/* the parent holds the image open */
	t_boot();
	CHECK_ERR(bdev_create_host(path, 0, RUMP_ETFS_SIZE_ENDOFF, &dev), 0);
	tvnode(&vn, dev);
	r = bdev_open(&vn, true, &bd);
	CHECK_ERR(r, EBUSY);
	/* readers share with readers only */
	CHECK_ERR(bdev_open(&vn, false, &bd), pwrite ? EBUSY : 0);
	if (!pwrite)
		bdev_close(bd, false);
	/* a device marked nolock reads beside a writer; its write opens still lock */
	CHECK_ERR(bdev_create_host(path, 0, 4096, &dev2), 0);
	tvnode(&vn2, dev2);
	CHECK_ERR(bdev_setnolock(dev2, true), 0);
	CHECK_ERR(bdev_open(&vn2, false, &bd2), 0);
	CHECK_ERR(bdev_setnolock(dev2, false), EBUSY);	/* not once open */
	CHECK_ERR(bdev_open(&vn2, true, &bd), EBUSY);
	bdev_close(bd2, false);
	c = (char)r;
	CHECK(write(wfd, &c, 1) == 1);	/* done trying */
	rump_unschedule();
	CHECK(read(rfd, &c, 1) == 1);	/* the parent closed it */
	rump_schedule();
	CHECK_ERR(bdev_open(&vn, false, &bd2), 0);
	CHECK_ERR(bdev_open(&vn, true, &bd), 0);	/* upgrades our own shared lock */
	bdev_close(bd, true);
	bdev_close(bd2, false);
	CHECK_ERR(bdev_destroy(dev), 0);
	CHECK_ERR(bdev_destroy(dev2), 0);
	t_halt();
}

/* The parent holds path open (for writing if pwrite) while a child process tries. */
static void
flock_case(bool pwrite)
{
	struct tdev td;
	struct bdev *bd2;
	struct vnode vn2;
	dev_t dev2;
	int tochild[2], fromchild[2], status;
	char c, path[64];
	pid_t pid;
	int fd;

	fd = t_hostfile(path, 1 << 16);
	close(fd);
	CHECK(pipe(tochild) == 0 && pipe(fromchild) == 0);
	/* Fork before booting: a child inherits no kernel. */
	CHECK((pid = fork()) != -1);
	if (pid == 0) {
		flock_child(path, pwrite, tochild[0], fromchild[1]);
		_exit(0);
	}
	t_boot();
	CHECK_ERR(bdev_create_host(path, 0, RUMP_ETFS_SIZE_ENDOFF, &td.td_dev), 0);
	tvnode(&td.td_vn, td.td_dev);
	CHECK_ERR(bdev_open(&td.td_vn, pwrite, &td.td_bd), 0);
	/* A second window of the same file in this process may open too (partitions). */
	CHECK_ERR(bdev_create_host(path, 0, 4096, &dev2), 0);
	tvnode(&vn2, dev2);
	CHECK_ERR(bdev_open(&vn2, pwrite, &bd2), 0);
	c = 'g';
	CHECK(write(tochild[1], &c, 1) == 1);
	rump_unschedule();
	CHECK(read(fromchild[0], &c, 1) == 1);
	rump_schedule();
	CHECK_EQ(c, EBUSY);
	bdev_close(td.td_bd, pwrite);
	bdev_close(bd2, pwrite);
	CHECK(write(tochild[1], &c, 1) == 1);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK_ERR(bdev_destroy(td.td_dev), 0);
	CHECK_ERR(bdev_destroy(dev2), 0);
	t_halt();
	unlink(path);
}

T_CASE(flock_writer_excludes_all)
{
	flock_case(true);
}

T_CASE(flock_reader_excludes_writers)
{
	flock_case(false);
}

/* Boot with RUMP_BLKFAIL=5000 and seed; which of 200 reads fail, as a bitmap. */
static void
blkfail_run(const char *seed, unsigned char fails[200], unsigned *nfailp)
{
	static char mem[200 * 512];
	char buf[512];
	struct vnode vn;
	struct bdev *bd;
	uint64_t nio, nfail;
	dev_t dev;
	unsigned i, n = 0;
	int e;

	setenv("RUMP_BLKFAIL", "5000", 1);
	setenv("RUMP_BLKFAIL_SEED", seed, 1);
	t_boot();
	CHECK_ERR(bdev_create_mem(mem, sizeof mem, false, &dev), 0);
	tvnode(&vn, dev);
	CHECK_ERR(bdev_open(&vn, false, &bd), 0);
	for (i = 0; i < 200; i++) {
		e = io1(bd, BDEV_READ, buf, sizeof buf, (uint64_t)i * 512);
		CHECK(e == 0 || e == EIO);
		fails[i] = e == EIO;
		n += fails[i];
	}
	bdev_iostats(bd, &nio, &nfail);
	CHECK_EQ(nio, 200);
	CHECK_EQ(nfail, n);
	bdev_close(bd, false);
	CHECK_ERR(bdev_destroy(dev), 0);
	t_halt();
	*nfailp = n;
}

T_CASE(blkfail_deterministic)
{
	unsigned char a[200], b[200], c[200];
	unsigned na, nb, nc;

	blkfail_run("42", a, &na);
	blkfail_run("42", b, &nb);
	blkfail_run("43", c, &nc);
	printf("failures: %u, %u (seed 42), %u (seed 43)\n", na, nb, nc);
	CHECK(memcmp(a, b, sizeof a) == 0);
	CHECK(memcmp(a, c, sizeof a) != 0);
	CHECK(na > 60 && na < 140);	/* about half */
	CHECK(nc > 60 && nc < 140);
}

T_CASE(blkfail_zero)
{
	static char mem[64 << 10];
	char buf[512];
	struct vnode vn;
	struct bdev *bd;
	uint64_t nio, nfail;
	dev_t dev;
	int i;

	setenv("RUMP_BLKFAIL", "0", 1);
	t_boot();
	CHECK_ERR(bdev_create_mem(mem, sizeof mem, false, &dev), 0);
	tvnode(&vn, dev);
	CHECK_ERR(bdev_open(&vn, true, &bd), 0);
	for (i = 0; i < 2000; i++)
		CHECK_ERR(io1(bd, i % 2 ? BDEV_WRITE : BDEV_READ, buf, sizeof buf,
		    (uint64_t)(i % 128) * 512), 0);
	bdev_iostats(bd, &nio, &nfail);
	CHECK_EQ(nio, 2000);
	CHECK_EQ(nfail, 0);
	bdev_close(bd, true);
	CHECK_ERR(bdev_destroy(dev), 0);
	t_halt();
}

/* Every I/O fails: bread gives EIO and no buffer; bwrite drops; vflushbuf keeps dirty. */
T_CASE(blkfail_all)
{
	static char mem[64 << 10];
	struct bufstats bs;
	struct vnode vn;
	struct bdev *bd;
	struct buf *bp = (struct buf *)1;
	dev_t dev;

	setenv("RUMP_BLKFAIL", "10000", 1);
	setenv("RUMP_THREADS", "0", 1);
	t_boot();
	CHECK_ERR(bdev_create_mem(mem, sizeof mem, false, &dev), 0);
	tvnode(&vn, dev);
	CHECK_ERR(bdev_open(&vn, true, &bd), 0);
	CHECK_ERR(bread(&vn, 0, 4096, 0, &bp), EIO);
	CHECK(bp == NULL);
	t_stats(&bs);
	CHECK_EQ(bs.bs_nbufs, 0);

	CHECK_ERR(getblk(&vn, 8, 4096, 0, &bp), 0);
	memset(bp->b_data, 1, 4096);
	CHECK_ERR(bwrite(bp), EIO);
	t_stats(&bs);
	CHECK_EQ(bs.bs_nbufs, 0);

	CHECK_ERR(getblk(&vn, 16, 4096, 0, &bp), 0);
	memset(bp->b_data, 2, 4096);
	bdwrite(bp);
	CHECK_ERR(vflushbuf(&vn, true), EIO);
	t_stats(&bs);
	CHECK_EQ(bs.bs_ndirty, 1);
	vinvalbuf(&vn);		/* give up on it */
	t_stats(&bs);
	CHECK_EQ(bs.bs_nbufs, 0);
	bdev_close(bd, true);
	CHECK_ERR(bdev_destroy(dev), 0);
	t_halt();
}

T_CASE(params_bad)
{
	setenv("RUMP_BLKFAIL", "abc", 1);
	CHECK_ERR(rump_init(), EINVAL);
	setenv("RUMP_BLKFAIL", "10001", 1);
	CHECK_ERR(rump_init(), EINVAL);
	setenv("RUMP_BLKFAIL", "-1", 1);
	CHECK_ERR(rump_init(), EINVAL);
	setenv("RUMP_BLKFAIL", "10000", 1);
	setenv("RUMP_BLKFAIL_SEED", "12x", 1);
	CHECK_ERR(rump_init(), EINVAL);
	unsetenv("RUMP_BLKFAIL_SEED");
	setenv("RUMP_BLKSECTSHIFT", "8", 1);
	CHECK_ERR(rump_init(), EINVAL);
	setenv("RUMP_BLKSECTSHIFT", "17", 1);
	CHECK_ERR(rump_init(), EINVAL);
	setenv("RUMP_BLKSECTSHIFT", "16", 1);
	CHECK_ERR(rump_init(), 0);
	CHECK_ERR(rump_shutdown(), 0);
}
