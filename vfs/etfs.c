/* etfs.c: rump_pub_etfs_*: host files and memory buffers as block-device nodes in the rump namespace. */
#include "kernel.h"

#include <sys/stat.h>
#include <rump/rump.h>

#include "blkdev.h"
#include "rumpuser.h"
#include "vfs_syscalls.h"

static int etfs_checkkey(const char *key);
static int etfs_mknode(const char *key, dev_t dev);
static int etfs_lookup(const char *key, dev_t *devp);
static int etfs_register(const char *key, const char *hostpath, enum rump_etfs_type ftype,
    uint64_t begin, uint64_t size);

/*
 * The public calls enter the kernel themselves and return 0 or a
 * positive errno, like NetBSD's.  Only RUMP_ETFS_BLK is supported:
 * RUMP_ETFS_REG and RUMP_ETFS_CHR (a host file seen as a regular file or
 * a character device) fail with EOPNOTSUPP for now, because nothing
 * here uses them yet and they need a file system of their own (NetBSD
 * serves them from rumpfs).
 */
static int
etfs_checkkey(const char *key)
{
	if (key == NULL)
		return EFAULT;
	if (key[0] != '/')
		return EINVAL;	/* the key is an absolute path in the rump namespace */
	if (strnlen(key, PATH_MAX) >= PATH_MAX)
		return ENAMETOOLONG;
	return 0;
}

/* The device node; the key's parent directory must exist (ENOENT otherwise). */
static int
etfs_mknode(const char *key, dev_t dev)
{
	int error;

	if ((error = sys_mknod(key, S_IFBLK | 0600, dev)) != 0)
		bdev_destroy(dev);
	return error;
}

static int
etfs_register(const char *key, const char *hostpath, enum rump_etfs_type ftype,
    uint64_t begin, uint64_t size)
{
	dev_t dev;
	int error;

	if ((error = etfs_checkkey(key)) != 0)
		return error;
	if (hostpath == NULL)
		return EFAULT;
	if (ftype != RUMP_ETFS_BLK)
		return ftype == RUMP_ETFS_REG || ftype == RUMP_ETFS_CHR ? EOPNOTSUPP : EINVAL;
	if ((error = bdev_create_host(hostpath, begin, size, &dev)) != 0)
		return error;
	return etfs_mknode(key, dev);
}

int
rump_pub_etfs_register(const char *key, const char *hostpath, enum rump_etfs_type ftype)
{
	return rump_pub_etfs_register_withsize(key, hostpath, ftype, 0, RUMP_ETFS_SIZE_ENDOFF);
}

int
rump_pub_etfs_register_withsize(const char *key, const char *hostpath,
    enum rump_etfs_type ftype, uint64_t begin, uint64_t size)
{
	int error;

	rump_schedule();
	error = etfs_register(key, hostpath, ftype, begin, size);
	rump_unschedule();
	return error;
}

int
rump_pub_etfs_register_mem(const char *key, void *data, uint64_t size, int readonly)
{
	dev_t dev;
	int error;

	if ((error = etfs_checkkey(key)) != 0)
		return error;
	rump_schedule();
	if ((error = bdev_create_mem(data, size, readonly != 0, &dev)) == 0)
		error = etfs_mknode(key, dev);
	rump_unschedule();
	return error;
}

/* The device behind key, which etfs made; ENOENT otherwise.  Scheduled. */
static int
etfs_lookup(const char *key, dev_t *devp)
{
	struct stat st;
	int error;

	if ((error = sys_stat(key, false, &st)) != 0)
		return error;
	if (!S_ISBLK(st.st_mode) || bdev_lookup(st.st_rdev) == NULL)
		return ENOENT;	/* not a node etfs made */
	*devp = st.st_rdev;
	return 0;
}

int
rump_pub_etfs_nolock(const char *key)
{
	dev_t dev;
	int error;

	if ((error = etfs_checkkey(key)) != 0)
		return error;
	rump_schedule();
	if ((error = etfs_lookup(key, &dev)) == 0)
		error = bdev_setnolock(dev, true);
	rump_unschedule();
	return error;
}

/* A question about the host, asked without entering the kernel. */
int
rump_pub_etfs_holder(const char *hostpath, int *pidp, int *writerp)
{
	if (hostpath == NULL || pidp == NULL || writerp == NULL)
		return EFAULT;
	return rumpuser_lockholder(hostpath, pidp, writerp);
}

/* The node goes only once its device could be destroyed (EBUSY while open or mounted). */
int
rump_pub_etfs_remove(const char *key)
{
	dev_t dev;
	int error;

	if ((error = etfs_checkkey(key)) != 0)
		return error;
	rump_schedule();
	if ((error = etfs_lookup(key, &dev)) != 0)
		goto out;
	if ((error = bdev_destroy(dev)) != 0)
		goto out;
	error = sys_unlink(key);
out:
	rump_unschedule();
	return error;
}
