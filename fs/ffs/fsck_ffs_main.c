/* fsck_ffs_main.c: fsck_ffs IMAGE: check an ffs image read-only; exit 0 clean, 1 problems found, 8 not checkable. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump.h>

#include "ffs_check.h"

#define EXIT_CLEAN	0
#define EXIT_PROBLEMS	1
#define EXIT_ERROR	8

/* A process writing the image holds it; a check of a live image would mislead. */
static void
busy(const char *image)
{
	int pid, writer;

	if (rump_pub_etfs_holder(image, &pid, &writer) == 0)
		fprintf(stderr, "fsck_ffs: %s: image in use (%s by pid %d)\n", image,
		    writer ? "read-write" : "read-only", pid);
	else
		fprintf(stderr, "fsck_ffs: %s: image in use by another process\n", image);
}

int
main(int argc, char **argv)
{
	unsigned nproblems = 0;
	int error;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: fsck_ffs IMAGE\n"
		    "Check the FFS (UFS1/UFS2) file system in IMAGE without writing to it.\n"
		    "Exit status: 0 clean, 1 problems found (printed), 8 not checkable.\n");
		return EXIT_CLEAN;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: fsck_ffs IMAGE\n");
		return EXIT_ERROR;
	}
	if ((error = rump_init()) != 0) {
		fprintf(stderr, "fsck_ffs: rump_init: %s\n", strerror(error));
		return EXIT_ERROR;
	}
	error = rump_pub_etfs_register("/dev/fsck_ffs0", argv[1], RUMP_ETFS_BLK);
	if (error) {
		fprintf(stderr, "fsck_ffs: %s: %s\n", argv[1], strerror(error));
		(void)rump_shutdown();
		return EXIT_ERROR;
	}
	rump_schedule();
	error = ffs_check("/dev/fsck_ffs0", &nproblems);
	rump_unschedule();
	(void)rump_shutdown();
	if (error == EBUSY)
		busy(argv[1]);
	if (error) {
		if (error != EBUSY)
			fprintf(stderr, "fsck_ffs: %s: cannot check: %s\n", argv[1], strerror(error));
		return EXIT_ERROR;
	}
	if (nproblems > 0) {
		printf("%s: %u problem%s\n", argv[1], nproblems, nproblems == 1 ? "" : "s");
		return EXIT_PROBLEMS;
	}
	printf("%s: clean\n", argv[1]);
	return EXIT_CLEAN;
}
