/* cmd_cat.c: ukfs cat, and the file copies between the image and host descriptors that get/put/write share. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
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

int
cli_copyout_fd(struct cli *c, int ifd, int flags, int fd, const char **where)
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

int
cli_copyin(struct cli *c, int fd, int ifd, const char **where)
{
	uint8_t *buf;
	off_t off = 0;
	ssize_t n, w, done;
	int sverr = 0;

	if ((buf = copy_buf()) == NULL)
		return -1;
	for (;;) {
		*where = "host";
		if ((n = read(fd, buf, COPY_BUFSIZE)) <= 0) {
			if (n == -1)
				sverr = errno;
			break;
		}
		*where = "image";
		for (done = 0; done < n; done += w) {
			w = ukfs_write_fd(c->c_fs, ifd, off + done, buf + done, (size_t)(n - done), 0);
			if (w == -1) {
				sverr = errno;
				goto out;
			}
			if (w == 0) {
				sverr = EIO;
				goto out;
			}
		}
		off += n;
	}
out:
	errno = sverr;
	return sverr != 0 ? -1 : 0;
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
