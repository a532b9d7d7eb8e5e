/* ukfs_check.c: ukfs_check: run a file system's consistency checker on an image that is not mounted. */
#include "kernel.h"

#include <stdatomic.h>
#include <stdio.h>
#include <rump/rump.h>

#include "ukfs_impl.h"

static atomic_uint ukfs_check_serial;

int
ukfs_check(const char *vfsname, const char *devpath, unsigned *nproblemsp)
{
	char path[PATH_MAX], key[64];
	struct ukfs_part *part;
	uint64_t off, size;
	int error;

	if (devpath == NULL || strlen(devpath) >= sizeof(path)) {
		errno = devpath == NULL ? EFAULT : ENAMETOOLONG;
		return -1;
	}
	if (ukfs_init() == -1)
		return -1;
	memcpy(path, devpath, strlen(devpath) + 1);
	if (ukfs_part_probe(path, &part) == -1)
		return -1;
	(void)ukfs_part_range(part, &off, &size);
	ukfs_part_release(part);
	if (vfsname == NULL || vfsname[0] == '\0' || strcmp(vfsname, "auto") == 0)
		vfsname = ukfs_detect(path, off);
	if (vfsname == NULL) {
		errno = EINVAL;
		return -1;
	}
	snprintf(key, sizeof(key), "/dev/ukfscheck%u", atomic_fetch_add(&ukfs_check_serial, 1));
	if ((error = rump_pub_etfs_register_withsize(key, path, RUMP_ETFS_BLK, off, size)) != 0) {
		errno = error;
		return -1;
	}
	error = ukfs_kern_check(vfsname, key, nproblemsp);
	(void)rump_pub_etfs_remove(key);
	if (error != 0) {
		errno = error;
		return -1;
	}
	return 0;
}
