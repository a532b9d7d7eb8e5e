/* fuzz_ffs.c: libFuzzer target: mount an in-memory ffs image (rw, or ro then upgraded to rw), walk and read everything, change a little, unmount. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#define MAX_IMAGE	(8u << 20)
#define MAX_DEPTH	6
#define MAX_ENTRIES	400
#define MAX_READ	(256u << 10)

struct walk {
	int	entries;
	char	buf[16384];
};

struct linux_dirent64 {
	uint64_t	d_ino;
	int64_t		d_off;
	unsigned short	d_reclen;
	unsigned char	d_type;
	char		d_name[];
};

static void
read_file(struct walk *w, const char *path)
{
	size_t total = 0;
	ssize_t n;
	int fd = rump_sys_open(path, O_RDONLY);

	if (fd < 0)
		return;
	while (total < MAX_READ && (n = rump_sys_read(fd, w->buf, sizeof(w->buf))) > 0)
		total += (size_t)n;
	(void)rump_sys_close(fd);
}

static void
walk_dir(struct walk *w, const char *path, int depth)
{
	char dents[8192], sub[1024];
	ssize_t len;
	int fd;

	if (depth > MAX_DEPTH || (fd = rump_sys_open(path, O_RDONLY | O_DIRECTORY)) < 0)
		return;
	while (w->entries < MAX_ENTRIES &&
	    (len = rump_sys_getdents(fd, dents, sizeof(dents))) > 0) {
		for (ssize_t off = 0; off < len && w->entries < MAX_ENTRIES;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);
			struct stat st;

			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			w->entries++;
			if (snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name) >= (int)sizeof(sub))
				continue;
			if (rump_sys_lstat(sub, &st) != 0)
				continue;
			if (S_ISDIR(st.st_mode))
				walk_dir(w, sub, depth + 1);
			else if (S_ISREG(st.st_mode))
				read_file(w, sub);
			else if (S_ISLNK(st.st_mode))
				(void)rump_sys_readlink(sub, w->buf, sizeof(w->buf));
		}
	}
	(void)rump_sys_close(fd);
}

/* A few changes: a new file grown past its fragments and fallocated, a directory, a rename, removals. */
static void
change_some(struct walk *w)
{
	int fd = rump_sys_open("/mnt/fuzz_new", O_CREAT | O_RDWR, 0644);

	memset(w->buf, 'f', sizeof(w->buf));
	if (fd >= 0) {
		(void)rump_sys_write(fd, w->buf, 100);
		(void)rump_sys_pwrite(fd, w->buf, sizeof(w->buf), 3000);
		(void)rump_sys_fallocate(fd, 3, 1024, 2048);	/* PUNCH_HOLE|KEEP_SIZE */
		(void)rump_sys_fallocate(fd, 0, 0, 70000);
		(void)rump_sys_close(fd);
	}
	(void)rump_sys_mkdir("/mnt/fuzz_dir", 0755);
	(void)rump_sys_symlink("a/long/enough/target/to/need/a/block/of/its/own/in/ufs1/and/ufs2/"
	    "so/it/goes/on/a/bit/longer/than/one/hundred/and/twenty/bytes", "/mnt/fuzz_dir/l");
	(void)rump_sys_rename("/mnt/fuzz_new", "/mnt/fuzz_dir/moved");
	(void)rump_sys_truncate("/mnt/fuzz_dir/moved", 50);
	(void)rump_sys_unlink("/mnt/fuzz_dir/moved");
	(void)rump_sys_unlink("/mnt/fuzz_dir/l");
	(void)rump_sys_rmdir("/mnt/fuzz_dir");
}

/* A damaged image may fail to write back (EIO): that is reported, not fatal; a mount left behind is. */
static void
unmount_or_die(void)
{
	struct stat st;

	if (rump_sys_unmount("/mnt", 0) == 0)
		return;
	fprintf(stderr, "fuzz_ffs: unmount: %s\n", strerror(errno));
	if (rump_sys_unmount("/mnt", RUMP_MNT_FORCE) == 0)
		return;
	fprintf(stderr, "fuzz_ffs: forced unmount: %s\n", strerror(errno));
	if (rump_sys_stat("/mnt/.", &st) == 0 && st.st_ino != 2)
		return;		/* the mount is gone even though its last write failed */
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("RUMP_NCPU", "1", 0);
	if (rump_init() != 0 || rump_sys_mkdir("/mnt", 0755) != 0)
		abort();
	return 0;
}

/*
 * Read-only first, then MNT_UPDATE to read-write (forced: fuzzed images are
 * rarely clean), change, back to read-only, walk again: the upgrade and
 * downgrade paths re-read and re-write what the first mount trusted.
 */
static void
ro_then_upgrade(struct walk *w, struct ufs_args *args)
{
	if (rump_sys_mount(MOUNT_FFS, "/mnt", RUMP_MNT_RDONLY, args, sizeof(*args)) != 0)
		return;
	walk_dir(w, "/mnt", 0);
	if (rump_sys_mount(MOUNT_FFS, "/mnt", RUMP_MNT_UPDATE | RUMP_MNT_FORCE, args,
	    sizeof(*args)) == 0) {
		change_some(w);
		walk_dir(w, "/mnt", 0);
		if (rump_sys_mount(MOUNT_FFS, "/mnt", RUMP_MNT_UPDATE | RUMP_MNT_RDONLY, args,
		    sizeof(*args)) == 0)
			walk_dir(w, "/mnt", 0);
	}
	unmount_or_die();
}

/* Straight to read-write (forced), else read-only. */
static void
rw_or_ro(struct walk *w, struct ufs_args *args)
{
	if (rump_sys_mount(MOUNT_FFS, "/mnt", RUMP_MNT_FORCE, args, sizeof(*args)) == 0) {
		walk_dir(w, "/mnt", 0);
		change_some(w);
		walk_dir(w, "/mnt", 0);
		unmount_or_die();
	} else if (rump_sys_mount(MOUNT_FFS, "/mnt", RUMP_MNT_RDONLY, args, sizeof(*args)) == 0) {
		walk_dir(w, "/mnt", 0);
		unmount_or_die();
	}
}

/* Each way of mounting gets its own fresh copy of the input. */
static void
with_image(const uint8_t *data, size_t size, void (*fn)(struct walk *, struct ufs_args *))
{
	static struct walk w;
	struct ufs_args args = { .fspec = (char *)"/dev/fuzz0" };
	void *img;

	if ((img = malloc(size)) == NULL)
		return;
	memcpy(img, data, size);
	if (rump_pub_etfs_register_mem("/dev/fuzz0", img, size, 0) != 0)
		abort();
	w.entries = 0;
	fn(&w, &args);
	if (rump_pub_etfs_remove("/dev/fuzz0") != 0)
		abort();
	free(img);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 512 || size > MAX_IMAGE)
		return 0;
	with_image(data, size, rw_or_ro);
	with_image(data, size, ro_then_upgrade);
	return 0;
}
