/* ukfs_mount.c: booting, mounting an image (device, mount point, arguments) and releasing it. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ukfs_impl.h"

static atomic_uint ukfs_serial;

static int mount_mkpoint(struct ukfs *fs, const char *mountpath);
static int mount_isfree(const char *path);
static int mount_device(struct ukfs *fs, const char *devpath, struct ukfs_part *part);
static void mount_undo(struct ukfs *fs);

int
_ukfs_init(int version)
{
	int error;

	if (version != UKFS_VERSION) {
		errno = EINVAL;
		return -1;
	}
	error = rump_init();
	if (error != 0 && error != EBUSY) {
		errno = error;
		return -1;
	}
	/* Modes given to ukfs_create/mkdir/... are meant as they are. */
	rump_sys_umask(0);
	return 0;
}

int
ukfs_modload(const char *fname)
{
	(void)fname;
	errno = ENOSYS;
	return -1;
}

int
ukfs_modload_dir(const char *dirname)
{
	(void)dirname;
	errno = ENOSYS;
	return -1;
}

ssize_t
ukfs_vfstypes(char *buf, size_t buflen)
{
	size_t need;

	if (ukfs_init() == -1)
		return -1;
	need = ukfs_kern_typenames(buf, buflen);
	if (need >= buflen) {
		errno = ENOSPC;
		return -1;
	}
	return (ssize_t)need;
}

/* Make the mount point and its parents; remember whether the last one is ours. */
static int
mount_mkpoint(struct ukfs *fs, const char *mountpath)
{
	char buf[PATH_MAX];
	size_t i, len;

	if (mountpath == NULL || strcmp(mountpath, "/") == 0) {
		snprintf(fs->uk_mountpath, sizeof(fs->uk_mountpath), "/ukfs.%u",
		    atomic_fetch_add(&ukfs_serial, 1));
		mountpath = fs->uk_mountpath;
	} else {
		if (mountpath[0] != '/')
			return EINVAL;
		len = strlen(mountpath);
		if (len >= sizeof(fs->uk_mountpath))
			return ENAMETOOLONG;
		memcpy(fs->uk_mountpath, mountpath, len + 1);
		while (len > 1 && fs->uk_mountpath[len - 1] == '/')
			fs->uk_mountpath[--len] = '\0';
	}
	memcpy(buf, fs->uk_mountpath, strlen(fs->uk_mountpath) + 1);
	len = strlen(buf);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (rump_sys_mkdir(buf, 0755) == 0)
			fs->uk_madedir = (i == len);
		else if (errno != EEXIST)
			return errno;
		buf[i] = i < len ? '/' : '\0';
	}
	return mount_isfree(fs->uk_mountpath);
}

/* A directory that is already a mount point would be stacked over: refuse it. */
static int
mount_isfree(const char *path)
{
	char parent[PATH_MAX];
	struct stat st, pst;
	size_t len = strlen(path);

	memcpy(parent, path, len + 1);
	while (len > 1 && parent[len - 1] != '/')
		len--;
	parent[len] = '\0';
	if (rump_sys_stat(path, &st) == -1 || rump_sys_stat(parent, &pst) == -1)
		return errno;
	if (!S_ISDIR(st.st_mode))
		return ENOTDIR;
	return st.st_dev != pst.st_dev ? EBUSY : 0;
}

/* The image (or its partition) as a block device with a key of our own. */
static int
mount_device(struct ukfs *fs, const char *devpath, struct ukfs_part *part)
{
	uint64_t off, size;

	if (ukfs_part_range(part, &off, &size) == -1)
		return errno;
	snprintf(fs->uk_devkey, sizeof(fs->uk_devkey), "/dev/ukfs%u",
	    atomic_fetch_add(&ukfs_serial, 1));
	return rump_pub_etfs_register_withsize(fs->uk_devkey, devpath, RUMP_ETFS_BLK,
	    off, size);
}

static void
mount_undo(struct ukfs *fs)
{
	if (fs->uk_devkey[0] != '\0')
		(void)rump_pub_etfs_remove(fs->uk_devkey);
	if (fs->uk_madedir)
		(void)rump_sys_rmdir(fs->uk_mountpath);
	pthread_mutex_destroy(&fs->uk_lock);
	free(fs);
}

struct ukfs *
ukfs_mount_disk(const char *vfsname, const char *devpath, struct ukfs_part *part,
    const char *mountpath, int mntflags, void *arg, size_t alen)
{
	struct ufs_args uargs;
	struct ukfs *fs;
	bool hasdev = devpath != NULL && devpath[0] != '\0';
	int isdisk, error;

	if (ukfs_init() == -1)
		return NULL;
	if (vfsname == NULL || vfsname[0] == '\0' || strcmp(vfsname, "auto") == 0) {
		uint64_t off, size;

		if (!hasdev || ukfs_part_range(part, &off, &size) == -1) {
			errno = EINVAL;
			return NULL;
		}
		if ((vfsname = ukfs_detect(devpath, off)) == NULL) {
			errno = EINVAL;		/* no superblock we know */
			return NULL;
		}
	}
	if ((isdisk = ukfs_kern_isdisk(vfsname)) == -1) {
		errno = ENODEV;
		return NULL;
	}
	if ((isdisk && !hasdev) ||
	    ((mntflags & UKFS_MNT_NOLOCK) && !(mntflags & RUMP_MNT_RDONLY))) {
		errno = EINVAL;
		return NULL;
	}
	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return NULL;
	pthread_mutex_init(&fs->uk_lock, NULL);
	if (hasdev && (error = mount_device(fs, devpath, part)) != 0) {
		fs->uk_devkey[0] = '\0';
		goto out_undo;
	}
	if (hasdev && (mntflags & UKFS_MNT_NOLOCK) && (error = rump_pub_etfs_nolock(fs->uk_devkey)) != 0)
		goto out_undo;
	mntflags &= ~UKFS_MNT_NOLOCK;
	if ((error = mount_mkpoint(fs, mountpath)) != 0)
		goto out_undo;
	if (isdisk) {
		/* A NetBSD caller's fspec names the host image; ours is the etfs key. */
		memset(&uargs, 0, sizeof(uargs));
		if (arg != NULL && alen >= sizeof(uargs))
			memcpy(&uargs, arg, sizeof(uargs));
		uargs.fspec = fs->uk_devkey;
		arg = &uargs;
		alen = sizeof(uargs);
	}
	if (rump_sys_mount(vfsname, fs->uk_mountpath, mntflags, arg, alen) == -1) {
		error = errno;
		goto out_undo;
	}
	return fs;

out_undo:
	mount_undo(fs);
	errno = error;
	return NULL;
}

struct ukfs *
ukfs_mount(const char *vfsname, const char *devpath, const char *mountpath, int mntflags,
    void *arg, size_t alen)
{
	char path[PATH_MAX];
	struct ukfs_part *part = ukfs_part_none;
	struct ukfs *fs;
	int sverr;

	if (devpath != NULL && devpath[0] != '\0') {
		if (strlen(devpath) >= sizeof(path)) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		memcpy(path, devpath, strlen(devpath) + 1);
		if (ukfs_part_probe(path, &part) == -1)
			return NULL;
		devpath = path;
	}
	fs = ukfs_mount_disk(vfsname, devpath, part, mountpath, mntflags, arg, alen);
	sverr = errno;
	ukfs_part_release(part);
	errno = sverr;
	return fs;
}

int
ukfs_release(struct ukfs *fs, int flags)
{
	if (fs == NULL)
		return 0;
	if ((flags & UKFS_RELFLAG_NOUNMOUNT) == 0) {
		if (rump_sys_unmount(fs->uk_mountpath,
		    (flags & UKFS_RELFLAG_FORCE) ? RUMP_MNT_FORCE : 0) == -1)
			return -1;
	} else {
		/* Still mounted: the device and the mount point stay. */
		fs->uk_devkey[0] = '\0';
		fs->uk_madedir = false;
	}
	mount_undo(fs);
	return 0;
}

void
ukfs_setspecific(struct ukfs *fs, void *priv)
{
	fs->uk_specific = priv;
}

void *
ukfs_getspecific(struct ukfs *fs)
{
	return fs->uk_specific;
}
