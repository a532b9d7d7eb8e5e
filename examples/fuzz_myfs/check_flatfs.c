/*
 * check_flatfs.c IMAGEDIR: runs mkimages.py's images through the harness
 * (rumpfuzz_run) and, from a hook while each is mounted, reads back what
 * flatfs serves.  Prints one line per failed check; exit 0 when none.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rump/fuzz.h>
#include <rump/rump_syscalls.h>

static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		printf("check_flatfs: " __VA_ARGS__);			\
		printf("\n");						\
		failures++;						\
	}								\
} while (0)

static void
check_good(const char *mnt, void *arg)
{
	char path[64], buf[4096];
	struct stat st;
	ssize_t n;
	int fd;

	(void)arg;
	snprintf(path, sizeof(path), "%s/hello", mnt);
	fd = rump_sys_open(path, O_RDONLY);
	n = fd >= 0 ? rump_sys_read(fd, buf, sizeof(buf)) : -1;
	CHECK(n == 14 && memcmp(buf, "hello, flatfs\n", 14) == 0, "hello read %zd bytes", n);
	if (fd >= 0)
		rump_sys_close(fd);
	snprintf(path, sizeof(path), "%s/big", mnt);
	fd = rump_sys_open(path, O_RDONLY);
	n = fd >= 0 ? rump_sys_pread(fd, buf, sizeof(buf), 10) : -1;
	CHECK(n == 3062, "big: pread at 10 gave %zd bytes, not 3062", n);
	for (ssize_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] != (unsigned char)(i + 10)) {
			CHECK(0, "big: byte %zd is %u", i + 10, (unsigned char)buf[i]);
			break;
		}
	if (fd >= 0)
		rump_sys_close(fd);
	CHECK(rump_sys_stat(path, &st) == 0 && st.st_size == 3072 && (st.st_mode & 07777) == 0644 &&
	    S_ISREG(st.st_mode), "big: stat");
	snprintf(path, sizeof(path), "%s/new", mnt);
	CHECK(rump_sys_open(path, O_CREAT | O_WRONLY, 0644) == -1 && errno == EROFS,
	    "create on flatfs: errno %d, not EROFS", errno);
	snprintf(path, sizeof(path), "%s/absent", mnt);
	CHECK(rump_sys_stat(path, &st) == -1 && errno == ENOENT, "absent: errno %d, not ENOENT", errno);
}

static void
check_truncated(const char *mnt, void *arg)
{
	char path[64], buf[512];
	int fd;

	(void)arg;
	snprintf(path, sizeof(path), "%s/past_end", mnt);
	fd = rump_sys_open(path, O_RDONLY);
	CHECK(fd >= 0, "past_end: open errno %d", errno);
	/* its data starts inside the 8 KiB image and runs past the end */
	CHECK(rump_sys_pread(fd, buf, sizeof(buf), 0) == 512, "past_end: first sector unreadable");
	CHECK(rump_sys_pread(fd, buf, sizeof(buf), 8192) == -1 && errno == EIO,
	    "past_end: read past the image: errno %d, not EIO", errno);
	rump_sys_close(fd);
}

static uint8_t *
slurp(const char *dir, const char *name, size_t *lenp)
{
	static uint8_t img[16384];
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL) {
		printf("check_flatfs: cannot open %s\n", path);
		exit(1);
	}
	*lenp = fread(img, 1, sizeof(img), f);
	fclose(f);
	return img;
}

static void
expect(const char *dir, const char *name, int outcome, void (*hook)(const char *, void *))
{
	size_t len;
	uint8_t *img = slurp(dir, name, &len);
	int got;

	rumpfuzz_set_hook(hook, NULL);
	got = rumpfuzz_run(img, len);
	CHECK(got == outcome, "%s: %s, not %s", name, rumpfuzz_outcome_name(got),
	    rumpfuzz_outcome_name(outcome));
	rumpfuzz_set_hook(NULL, NULL);
}

int
main(int argc, char **argv)
{
	static const char *refused[] = { "badmagic.img", "toomany.img", "dupname.img", "slash.img",
	    "dot.img", "noname.img", "overheader.img", "wrap.img", "badmode.img" };

	if (argc != 2 || rumpfuzz_init("flatfs", RUMPFUZZ_F_NOABORT) != 0) {
		fprintf(stderr, "usage: check_flatfs IMAGEDIR (and a kernel that boots)\n");
		return 2;
	}
	expect(argv[1], "good.img", RUMPFUZZ_MOUNTED_RO, check_good);
	expect(argv[1], "truncated.img", RUMPFUZZ_MOUNTED_RO, check_truncated);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		expect(argv[1], refused[i], RUMPFUZZ_NOTMOUNTED, NULL);
	expect(argv[1], "short.img", RUMPFUZZ_REJECTED, NULL);
	printf("check_flatfs: %d failed\n", failures);
	return failures != 0;
}
