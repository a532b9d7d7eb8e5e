/* fuzz_ext2fs.c: libFuzzer target: mount an ext2 image held in memory, walk and read everything, write a little, unmount. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rump/rump.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#define DEV		"/dev/fuzz"
#define MNT		"/mnt"
#define MAX_IMAGE	(4u << 20)	/* larger inputs are cut */
#define MAX_DEPTH	8
#define MAX_NODES	2000		/* entries visited per input */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int nodes;

/* Linux dirent64, as rump_sys_getdents hands it out. */
struct fz_dirent {
	uint64_t	d_ino;
	int64_t		d_off;
	uint16_t	d_reclen;
	uint8_t		d_type;
	char		d_name[];
};

static void
read_file(const char *path)
{
	static char buf[16384];
	int fd = rump_sys_open(path, O_RDONLY);

	if (fd < 0)
		return;
	for (int i = 0; i < 8 && rump_sys_read(fd, buf, sizeof(buf)) > 0; i++)
		;
	(void)rump_sys_pread(fd, buf, 512, (off_t)1 << 32);
	rump_sys_close(fd);
}

static void walk(const char *dir, int depth);

static void
visit(const char *path, int depth)
{
	char target[4096];
	struct stat st;

	if (++nodes > MAX_NODES || rump_sys_lstat(path, &st) != 0)
		return;
	if (S_ISREG(st.st_mode))
		read_file(path);
	else if (S_ISLNK(st.st_mode))
		(void)rump_sys_readlink(path, target, sizeof(target));
	else if (S_ISDIR(st.st_mode) && depth < MAX_DEPTH)
		walk(path, depth + 1);
}

static void
walk(const char *dir, int depth)
{
	char buf[4096], path[1024];
	ssize_t n;
	int fd = rump_sys_open(dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return;
	while (nodes <= MAX_NODES && (n = rump_sys_getdents(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			const struct fz_dirent *d = (const void *)(buf + off);

			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, d->d_name) >= sizeof(path))
				continue;
			visit(path, depth);
		}
	}
	rump_sys_close(fd);
}

/* A few changes: create, write (growing into indirect blocks), fallocate, rename, truncate, remove. */
static void
scribble(void)
{
	static char buf[20000];
	int fd;

	memset(buf, 'f', sizeof(buf));
	(void)rump_sys_mkdir(MNT "/fz_dir", 0755);
	fd = rump_sys_open(MNT "/fz_dir/file", O_RDWR | O_CREAT, 0644);
	if (fd >= 0) {
		(void)rump_sys_write(fd, buf, sizeof(buf));
		(void)rump_sys_pwrite(fd, buf, 100, 300000);
		(void)rump_sys_fallocate(fd, 3, 4096, 8192);	/* PUNCH_HOLE|KEEP_SIZE */
		(void)rump_sys_fallocate(fd, 0, 0, 320000);
		rump_sys_close(fd);
	}
	(void)rump_sys_symlink("a/target/long/enough/to/need/a/block/of/its/own/xxxxxxxxxxxxxxx",
	    MNT "/fz_dir/link");
	(void)rump_sys_rename(MNT "/fz_dir/file", MNT "/fz_file");
	(void)rump_sys_truncate(MNT "/fz_file", 5000);
	(void)rump_sys_unlink(MNT "/fz_dir/link");
	(void)rump_sys_rmdir(MNT "/fz_dir");
	(void)rump_sys_unlink(MNT "/fz_file");
	/* and one existing name, whatever it is */
	(void)rump_sys_rename(MNT "/lost+found", MNT "/found");
	/* a punch walks the image's own (hostile) block map */
	if ((fd = rump_sys_open(MNT "/file", O_RDWR)) >= 0) {
		(void)rump_sys_fallocate(fd, 3, 1000, 1 << 20);
		rump_sys_close(fd);
	}
	(void)rump_sys_truncate(MNT "/file", 0);
	(void)rump_sys_sync();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (rump_init() != 0 || rump_sys_mkdir(MNT, 0755) != 0) {
		fprintf(stderr, "fuzz_ext2fs: cannot boot the rump kernel\n");
		abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ufs_args args = { .fspec = DEV };
	size_t len = size > MAX_IMAGE ? MAX_IMAGE : size;
	size_t devsize = (len + 511) & ~(size_t)511;
	uint8_t *img;
	int err;

	if (devsize < 2048)
		return 0;
	if ((img = calloc(1, devsize)) == NULL)
		return 0;
	memcpy(img, data, len);
	if (rump_pub_etfs_register_mem(DEV, img, devsize, 0) != 0) {
		free(img);
		return 0;
	}
	nodes = 0;
	if (rump_sys_mount(MOUNT_EXT2FS, MNT, RUMP_MNT_FORCE, &args, sizeof(args)) == 0) {
		walk(MNT, 0);
		scribble();
		nodes = 0;
		walk(MNT, 0);
		if (rump_sys_unmount(MNT, 0) != 0 && rump_sys_unmount(MNT, RUMP_MNT_FORCE) != 0)
			abort();	/* a mount that cannot go is a bug */
	} else if (rump_sys_mount(MOUNT_EXT2FS, MNT, RUMP_MNT_RDONLY, &args, sizeof(args)) == 0) {
		walk(MNT, 0);
		if (rump_sys_unmount(MNT, 0) != 0)
			abort();
	}
	if ((err = rump_pub_etfs_remove(DEV)) != 0) {
		fprintf(stderr, "fuzz_ext2fs: etfs_remove: error %d\n", err);
		abort();
	}
	free(img);
	return 0;
}
