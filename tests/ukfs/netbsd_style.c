/* netbsd_style.c: a program written the way NetBSD ukfs(3) programs are, built against the installed <rump/ukfs.h> and pkg-config ukfs. */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>	/* where NetBSD has MNT_*; ours come from <rump/ukfs.h> */
#include <sys/stat.h>
#include <rump/rump.h>
#include <rump/ukfs.h>

int
main(int argc, char **argv)
{
	struct ukfs_part *part;
	struct ufs_args args;
	struct ukfs *fs;
	struct stat sb;
	uint8_t buf[8192];
	char types[64];
	off_t off = 0;
	ssize_t n;

	if (argc != 3)
		errx(2, "usage: netbsd_style IMAGE FILE");
	UKFS_DEVICE_ARGVPROBE(&part);
	if (ukfs_init() == -1)
		err(1, "ukfs_init");
	if (ukfs_vfstypes(types, sizeof(types)) == -1)
		err(1, "ukfs_vfstypes");
	printf("types: %s\n", types);
	memset(&args, 0, sizeof(args));
	args.fspec = argv[1];
	/* NetBSD's flag name, as such a program spells it. */
	fs = ukfs_mount_disk(MOUNT_EXT2FS, argv[1], part, UKFS_DEFAULTMP, MNT_RDONLY,
	    &args, sizeof(args));
	if (fs == NULL)
		err(1, "ukfs_mount %s", argv[1]);
	if (ukfs_mkdir(fs, "/new", 0755) == 0 || errno != EROFS)
		errx(1, "mkdir on a MNT_RDONLY mount: not EROFS");
	printf("MNT_RDONLY: mkdir refused: %s\n", strerror(errno));
	if (ukfs_getdents(fs, "/", &off, buf, sizeof(buf)) <= 0)
		err(1, "ukfs_getdents");
	if (ukfs_stat(fs, argv[2], &sb) == -1)
		err(1, "%s", argv[2]);
	if ((n = ukfs_read(fs, argv[2], 0, buf, sizeof(buf) - 1)) == -1)
		err(1, "%s", argv[2]);
	buf[n] = '\0';
	printf("%s: %jd bytes: %s", argv[2], (intmax_t)sb.st_size, (char *)buf);
	if (ukfs_release(fs, 0) == -1)
		err(1, "ukfs_release");
	ukfs_part_release(part);
	return rump_shutdown() == 0 ? 0 : 1;
}
