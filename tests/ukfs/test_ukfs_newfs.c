/*
 * test_ukfs_newfs.c: a file system ukfs has never heard of, registered as a
 * component with its own probe and checker, is detected, checked, listed
 * and mounted through ukfs with no change to ukfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <rump/rump.h>
#include <rump/ukfs.h>

#include "kernel.h"
#include "genfs.h"
#include "mount.h"

#include "t.h"

#define TOYFS_MAGIC	"TOYFS\n"
#define TOYFS_MAGIC_OFF	4096		/* past where ext2 and FFS keep theirs at 1024 and 8192 */
#define TOYFS_PROBLEMS	3u

static int toy_checks;

/* The toy's image has a magic and nothing else: only probe and check are real. */
static bool
toy_probe(const uint8_t *head, size_t len)
{
	return len >= TOYFS_MAGIC_OFF + sizeof(TOYFS_MAGIC) - 1 &&
	    memcmp(head + TOYFS_MAGIC_OFF, TOYFS_MAGIC, sizeof(TOYFS_MAGIC) - 1) == 0;
}

static int
toy_check(const char *devpath, unsigned *nproblemsp)
{
	toy_checks++;
	if (strncmp(devpath, "/dev/", 5) != 0)
		return EINVAL;
	*nproblemsp = TOYFS_PROBLEMS;
	return 0;
}

/* The mount reached the toy: ENXIO tells the test it was this one. */
static int toy_mount(struct mount *mp __unused, void *data __unused, size_t len __unused)
{ return ENXIO; }
static int toy_unmount(struct mount *mp __unused, int f __unused) { return 0; }
static int toy_root(struct mount *mp __unused, struct vnode **vpp __unused) { return EIO; }
static int toy_statvfs(struct mount *mp __unused, struct statvfs *sv __unused) { return EIO; }
static int toy_sync(struct mount *mp __unused, int w __unused, kauth_cred_t c __unused) { return 0; }
static int toy_loadvnode(struct mount *mp __unused, struct vnode *vp __unused, ino_t ino __unused)
{ return EIO; }
static int toy_newvnode(struct mount *mp __unused, struct vnode *dvp __unused,
    struct vnode *vp __unused, const struct vattr *vap __unused, kauth_cred_t c __unused,
    ino_t *inop __unused)
{ return EROFS; }

static struct vfsops toy_vfsops = {
	.vfs_name = "toyfs",
	.vfs_mount = toy_mount,
	.vfs_unmount = toy_unmount,
	.vfs_root = toy_root,
	.vfs_statvfs = toy_statvfs,
	.vfs_sync = toy_sync,
	.vfs_loadvnode = toy_loadvnode,
	.vfs_newvnode = toy_newvnode,
	.vfs_probe = toy_probe,
	.vfs_check = toy_check,
	.vfs_fuzzmap = genfs_nofuzzmap,
	.vfs_flags = VFSF_DEVICE,
};

VFS_COMPONENT(toyfs, toy_vfsops);

static void
mkimage(const char *path, bool magic)
{
	char zero[TOYFS_MAGIC_OFF * 2] = { 0 };
	int fd;

	CHECK((fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644)) != -1);
	CHECK(write(fd, zero, sizeof(zero)) == (ssize_t)sizeof(zero));
	if (magic)
		CHECK(pwrite(fd, TOYFS_MAGIC, sizeof(TOYFS_MAGIC) - 1, TOYFS_MAGIC_OFF) > 0);
	CHECK(close(fd) == 0);
}

T_CASE(detect_check_mount)
{
	char img[] = "/tmp/toyfs.XXXXXX", types[128];
	unsigned n = 0;
	int fd;

	CHECK((fd = mkstemp(img)) != -1);
	close(fd);
	mkimage(img, true);
	CHECK(ukfs_init() == 0);
	CHECK(ukfs_vfstypes(types, sizeof(types)) > 0);
	CHECK(strstr(types, "toyfs") != NULL);
	CHECK(ukfs_detect(img, 0) != NULL);
	CHECK_EQ(strcmp(ukfs_detect(img, 0), "toyfs"), 0);
	CHECK(ukfs_check(NULL, img, &n) == 0);
	CHECK_EQ(n, TOYFS_PROBLEMS);
	CHECK_EQ(toy_checks, 1);
	CHECK_ERRNO(ukfs_mount(NULL, img, UKFS_DEFAULTMP, RUMP_MNT_RDONLY, NULL, 0) != NULL ? 0 : -1, ENXIO);
	/* Without its magic nobody claims the image. */
	mkimage(img, false);
	CHECK(ukfs_detect(img, 0) == NULL);
	CHECK_ERRNO(ukfs_check(NULL, img, &n), EINVAL);
	CHECK_ERRNO(ukfs_mount(NULL, img, UKFS_DEFAULTMP, RUMP_MNT_RDONLY, NULL, 0) != NULL ? 0 : -1, EINVAL);
	/* A name no component registered. */
	CHECK_ERRNO(ukfs_check("nosuchfs", img, &n), ENODEV);
	CHECK(ukfs_mount("nosuchfs", img, UKFS_DEFAULTMP, 0, NULL, 0) == NULL);
	CHECK_EQ(errno, ENODEV);
	unlink(img);
	CHECK_ERR(rump_shutdown(), 0);
}

