/* t_ffs_falloc.c: fallocate on FFS: blocks and fragments allocated zeroed, holes punched, ENOSPC undone; the in-tree checker clean after each. */
#include <fcntl.h>
#include <stdlib.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "t.h"
#include "t_rump.h"
#include "ffs_t.h"
#include "t_falloc.h"

#define MIB	((off_t)1 << 20)

enum scenario { ALLOC, KEEPSIZE, PUNCH, ERRORS, ENOSPC_UNDO };

/* A fresh image of version/bsize/fsize, one scenario on it, unmounted and checked. */
static void
run(enum scenario sc, int version, const char *order, int bsize, int fsize, int flags)
{
	struct ffs_t t;

	ffs_t_init(&t);
	ffs_t_makefs(&t, version, order, bsize, fsize,
	    sc == ENOSPC_UNDO ? "-s 4m -o density=8192" : "-s 32m -o density=8192");
	CHECK_EQ(ffs_t_mount(&t, flags), 0);
	switch (sc) {
	case ALLOC:
		t_falloc_alloc("/mnt");
		break;
	case KEEPSIZE:
		t_falloc_keepsize("/mnt", false);
		break;
	case PUNCH:
		t_falloc_punch("/mnt", bsize);
		break;
	case ERRORS:
		t_falloc_errors("/mnt", (off_t)1 << 62);
		break;
	case ENOSPC_UNDO:
		t_falloc_enospc("/mnt", 8 * MIB);
		break;
	}
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(ffs_t_check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}

T_CASE(falloc_alloc_ufs1) { run(ALLOC, 1, "le", 8192, 1024, 0); }
T_CASE(falloc_alloc_ufs2) { run(ALLOC, 2, "be", 32768, 4096, 0); }
T_CASE(falloc_keepsize_ufs2) { run(KEEPSIZE, 2, "le", 16384, 2048, 0); }
T_CASE(falloc_punch_ufs1) { run(PUNCH, 1, "be", 4096, 512, 0); }
T_CASE(falloc_punch_ufs2) { run(PUNCH, 2, "le", 32768, 4096, 0); }
T_CASE(falloc_punch_sync) { run(PUNCH, 2, "le", 8192, 1024, RUMP_MNT_SYNCHRONOUS); }
T_CASE(falloc_errors_ufs2) { run(ERRORS, 2, "le", 0, 0, 0); }
T_CASE(falloc_enospc_ufs1) { run(ENOSPC_UNDO, 1, "le", 8192, 1024, 0); }
T_CASE(falloc_enospc_ufs2) { run(ENOSPC_UNDO, 2, "le", 16384, 2048, 0); }

/* The short last block: fragments grown whole when the file goes past it, only zeroed by a punch. */
T_CASE(falloc_fragment_tail)
{
	struct ffs_t t;
	struct stat st;
	char buf[3000];
	int fd;

	ffs_t_init(&t);
	ffs_t_makefs(&t, 2, "le", 16384, 2048, "-s 16m -o density=8192");
	CHECK_EQ(ffs_t_mount(&t, 0), 0);
	fd = rump_sys_open("/mnt/f", O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	memset(buf, 'a', sizeof(buf));
	CHECK_EQ(rump_sys_write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	CHECK_EQ(rump_sys_fallocate(fd, 0, 0, 20000), 0);	/* block 0 whole, block 1 in frags */
	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 20000);
	CHECK_EQ(st.st_blocks * 512, 16384 + 4096);
	CHECK_EQ(rump_sys_fallocate(fd, T_FALLOC_PUNCH_HOLE | T_FALLOC_KEEP_SIZE, 16384, 3616), 0);	/* punch all of the tail */
	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_blocks * 512, 16384 + 4096);	/* kept, zeroed */
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	CHECK(buf[0] == 'a' && buf[2999] == 'a');
	CHECK_EQ(rump_sys_pread(fd, buf, sizeof(buf), 16384), (ssize_t)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK(buf[i] == 0);
	CHECK_EQ(rump_sys_fallocate(fd, T_FALLOC_PUNCH_HOLE | T_FALLOC_KEEP_SIZE, 0, 16384), 0);	/* block 0 goes */
	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_blocks * 512, 4096);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
	CHECK_EQ(ffs_t_check_image(t.ft_img), 0);
	ffs_t_cleanup(&t);
}
