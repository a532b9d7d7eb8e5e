/* cmd_cat.c: ukfs cat, and the file copies between the image and host descriptors that get/put/write share. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Large enough to amortise a kernel entry, small enough that its first use touches few pages. */
#define COPY_BUFSIZE	(128 * 1024)

/*
 * One buffer for every copy of the process (the tool is single-threaded):
 * a fresh 1 MiB malloc per file is an mmap, page faults and an munmap,
 * which dominated get -r of many small files.
 */
static uint8_t *
copy_buf(void)
{
	static uint8_t *buf;

	if (buf == NULL)
		buf = malloc(COPY_BUFSIZE);
	return buf;
}

int
cli_copyout(struct cli *c, const char *path, int flags, int fd, const char **where)
{
	int ifd, rv, sverr;

	*where = "image";
	ifd = ukfs_open(c->c_fs, path,
	    O_RDONLY | ((flags & CLI_COPY_NOFOLLOW) ? O_NOFOLLOW : 0));
	if (ifd == -1)
		return -1;
	rv = cli_copyout_fd(c, ifd, flags, fd, where);
	sverr = errno;
	ukfs_close(c->c_fs, ifd);
	errno = sverr;
	return rv;
}

/*
 * The data extent of image file ifd at or after from: 1 with [*datap,
 * *holep), 0 when only a hole is left, -1 (errno) on error.
 */
int
cli_image_data(struct cli *c, int ifd, off_t from, off_t *datap, off_t *holep)
{
	if ((*datap = ukfs_lseek(c->c_fs, ifd, from, SEEK_DATA)) == -1)
		return errno == ENXIO ? 0 : -1;
	if ((*holep = ukfs_lseek(c->c_fs, ifd, *datap, SEEK_HOLE)) == -1)
		return -1;
	return 1;
}

bool
cli_iszero(const uint8_t *buf, size_t n)
{
	return n == 0 || (buf[0] == 0 && memcmp(buf, buf + 1, n - 1) == 0);
}

/*
 * Whether holes can be left in fd by seeking over them: a regular file,
 * not appending, written at or past its end (*basep), so what is skipped
 * reads as zeroes.
 */
static bool
host_sparse_ok(int fd, off_t *basep)
{
	struct stat st;
	int fl;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		return false;
	if ((fl = fcntl(fd, F_GETFL)) == -1 || (fl & O_APPEND))
		return false;
	*basep = lseek(fd, 0, SEEK_CUR);
	return *basep != -1 && *basep >= st.st_size;
}

/* Bytes [*offp, end) of image file ifd to host offset base + *offp; *offp stops short at end of file. */
static int
copyout_range(struct cli *c, int ifd, off_t end, int fd, off_t base, off_t *offp,
    const char **where)
{
	uint8_t *buf = copy_buf();
	ssize_t n, w, done;
	size_t want;

	if (buf == NULL)
		return -1;
	while (*offp < end) {
		want = end - *offp > COPY_BUFSIZE ? COPY_BUFSIZE : (size_t)(end - *offp);
		*where = "image";
		if ((n = ukfs_read_fd(c->c_fs, ifd, *offp, buf, want)) <= 0)
			return n == -1 ? -1 : 0;
		*where = "host";
		for (done = 0; done < n; done += w)
			if ((w = pwrite(fd, buf + done, (size_t)(n - done), base + *offp + done)) == -1)
				return -1;
		*offp += n;
	}
	return 0;
}

/*
 * Only the data extents are copied; the holes between stay holes and the
 * size makes the last, so the cost follows the blocks the file owns, not
 * the size it claims.
 */
static int
copyout_sparse(struct cli *c, int ifd, off_t size, int fd, off_t base, const char **where)
{
	off_t off = 0, d, h, stop;
	int r;

	for (;;) {
		*where = "image";
		if ((r = cli_image_data(c, ifd, off, &d, &h)) == -1)
			return -1;
		if (r == 0 || d >= size)
			break;
		off = d;
		stop = h < size ? h : size;
		if (copyout_range(c, ifd, stop, fd, base, &off, where) == -1)
			return -1;
		if (off < stop) {
			size = off;	/* it ended early: shrunk under us */
			break;
		}
	}
	*where = "host";
	if (off < size && ftruncate(fd, base + size) == -1)
		return -1;
	return lseek(fd, base + size, SEEK_SET) == -1 ? -1 : 0;
}

static int
copyout_stream(struct cli *c, int ifd, int flags, int fd, const char **where)
{
	uint8_t *buf;
	off_t off = 0;
	ssize_t n, w, done;

	*where = "image";
	if ((buf = copy_buf()) == NULL)
		return -1;
	while ((n = ukfs_read_fd(c->c_fs, ifd, off, buf, COPY_BUFSIZE)) > 0) {
		for (done = 0; done < n; done += w) {
			if ((w = write(fd, buf + done, (size_t)(n - done))) == -1) {
				*where = "host";
				return -1;
			}
		}
		off += n;
		/* A regular file reads short only at its end: spare the call that returns 0. */
		if ((flags & CLI_COPY_REGULAR) && n < COPY_BUFSIZE)
			break;
	}
	return n == -1 ? -1 : 0;
}

/* Into a regular file the image's holes go as holes; a pipe or terminal gets every zero. */
int
cli_copyout_fd(struct cli *c, int ifd, int flags, int fd, const char **where)
{
	struct stat ist;
	off_t base;

	*where = "image";
	if (host_sparse_ok(fd, &base) && ukfs_fstat(c->c_fs, ifd, &ist) == 0 &&
	    S_ISREG(ist.st_mode))
		return copyout_sparse(c, ifd, ist.st_size, fd, base, where);
	return copyout_stream(c, ifd, flags, fd, where);
}

/* ---- into the image ---- */

/* A piece of host data at image offset off: its all-zero blocks are left unwritten (holes). */
static int
copyin_piece(struct cli *c, int ifd, const uint8_t *buf, size_t n, off_t off, off_t *endp)
{
	size_t i = 0, j, blk;
	ssize_t w;

	while (i < n) {
		/* Blocks at the image's offsets, so a skipped one is a whole block of the file. */
		blk = CLI_ZEROBLK - (size_t)((off + (off_t)i) % CLI_ZEROBLK);
		blk = blk < n - i ? blk : n - i;
		if (cli_iszero(buf + i, blk)) {
			i += blk;
			continue;
		}
		for (j = i; j < i + blk; j += (size_t)w) {
			w = ukfs_write_fd(c->c_fs, ifd, off + (off_t)j, (uint8_t *)buf + j, i + blk - j, 0);
			if (w <= 0) {
				if (w == 0)
					errno = EIO;
				return -1;
			}
		}
		i += blk;
		*endp = off + (off_t)i;
	}
	return 0;
}

/* Host bytes [hoff, hend) read with pread, to image offset hoff - start. */
static int
copyin_range(struct cli *c, int fd, off_t hoff, off_t hend, off_t start, int ifd,
    off_t *endp, const char **where)
{
	uint8_t *buf = copy_buf();
	size_t want;
	ssize_t n;

	if (buf == NULL)
		return -1;
	while (hoff < hend) {
		want = hend - hoff < COPY_BUFSIZE ? (size_t)(hend - hoff) : COPY_BUFSIZE;
		*where = "host";
		if ((n = pread(fd, buf, want, hoff)) <= 0)
			return n == -1 ? -1 : 0;
		*where = "image";
		if (copyin_piece(c, ifd, buf, (size_t)n, hoff - start, endp) == -1)
			return -1;
		hoff += n;
	}
	return 0;
}

/* A seekable host file from offset start: only its data extents are read. */
static int
copyin_sparse(struct cli *c, int fd, off_t start, int ifd, off_t *endp, const char **where)
{
	off_t d = start, h;

	for (;;) {
		*where = "host";
		if ((d = lseek(fd, d, SEEK_DATA)) == -1)
			return errno == ENXIO ? 0 : -1;
		if ((h = lseek(fd, d, SEEK_HOLE)) == -1)
			return -1;
		if (copyin_range(c, fd, d, h, start, ifd, endp, where) == -1)
			return -1;
		d = h;
	}
}

/* A pipe or terminal: read on to the end, zero blocks still skipped. */
static int
copyin_stream(struct cli *c, int fd, int ifd, off_t *offp, off_t *endp, const char **where)
{
	uint8_t *buf;
	ssize_t n;

	if ((buf = copy_buf()) == NULL)
		return -1;
	for (;;) {
		*where = "host";
		if ((n = read(fd, buf, COPY_BUFSIZE)) <= 0)
			return n == -1 ? -1 : 0;
		*where = "image";
		if (copyin_piece(c, ifd, buf, (size_t)n, *offp, endp) == -1)
			return -1;
		*offp += n;
	}
}

/*
 * ifd is new or truncated, so whatever is not written reads as zeroes:
 * holes of the host file and blocks of zeroes are skipped, and the size
 * is set at the end when the copy ends in one.
 */
int
cli_copyin(struct cli *c, int fd, int ifd, const char **where)
{
	off_t start, off = 0, end = 0;
	struct stat st;
	int rv;

	start = lseek(fd, 0, SEEK_CUR);
	if (start != -1 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    lseek(fd, start, SEEK_HOLE) != -1) {
		rv = copyin_sparse(c, fd, start, ifd, &end, where);
		off = st.st_size > start ? st.st_size - start : 0;
	} else
		rv = copyin_stream(c, fd, ifd, &off, &end, where);
	if (rv == 0 && end < off) {
		*where = "image";
		rv = ukfs_ftruncate(c->c_fs, ifd, off);
	}
	return rv;
}

int
cmd_cat(struct cli *c, int argc, char **argv)
{
	const char *where;
	int i, rv = CLI_OK;

	if (argc < 2)
		return cli_usage("cat");
	for (i = 1; i < argc; i++) {
		if (cli_copyout(c, argv[i], 0, STDOUT_FILENO, &where) == -1) {
			cli_err(c, *where == 'h' ? "<stdout>" : argv[i], errno);
			rv = CLI_FAIL;
		}
	}
	return rv;
}
