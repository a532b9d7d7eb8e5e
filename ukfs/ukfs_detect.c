/* ukfs_detect.c: tell the file-system type of an image by handing its head to the kernel's registered probes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernel.h"
#include "mount.h"
#include "ukfs_impl.h"

/* Up to len bytes at off, fewer at the end of the file; -1 on a read error. */
static ssize_t
detect_read(int fd, uint64_t off, uint8_t *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(fd, buf + got, len - got, (off_t)(off + got));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

const char *
ukfs_detect(const char *path, uint64_t off)
{
	const char *type = NULL;
	uint8_t *head;
	ssize_t n;
	int fd;

	if (ukfs_init() == -1)
		return NULL;
	if ((head = malloc(VFS_PROBE_SIZE)) == NULL)
		return NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		if ((n = detect_read(fd, off, head, VFS_PROBE_SIZE)) > 0)
			type = ukfs_kern_probe(head, (size_t)n);
		close(fd);
	}
	free(head);
	return type;
}
