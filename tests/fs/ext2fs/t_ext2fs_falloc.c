/* t_ext2fs_falloc.c: fallocate on ext2: blocks allocated zeroed, punched through the truncate walk, ENOSPC undone; e2fsck -fn clean after each. */
#include "t_ext2fs.h"
#include "t_falloc.h"

#define MIB	((off_t)1 << 20)

/* 1 KiB blocks reach the double-indirect tree within 8 MiB; 4 KiB blocks stay in the single one. */
T_CASE(falloc_alloc_b1024)
{
	struct t_img t;

	t_setup(&t, "-b 1024", "32M");
	t_falloc_alloc(T_MNT);
	t_finish(&t);
}

T_CASE(falloc_alloc_b4096)
{
	struct t_img t;

	t_setup(&t, "-b 4096", "32M");
	t_falloc_alloc(T_MNT);
	t_finish(&t);
}

T_CASE(falloc_keepsize)
{
	struct t_img t;

	t_setup(&t, "-b 1024", "32M");
	t_falloc_keepsize(T_MNT, false);
	t_finish(&t);
}

T_CASE(falloc_punch_b1024)
{
	struct t_img t;

	t_setup(&t, "-b 1024", "32M");
	t_falloc_punch(T_MNT, 1024);
	t_finish(&t);
}

T_CASE(falloc_punch_b4096)
{
	struct t_img t;

	t_setup(&t, "-b 4096", "32M");
	t_falloc_punch(T_MNT, 4096);
	t_finish(&t);
}

/* Mounted sync the punch frees in steps, each written before the bitmaps: clean after too. */
T_CASE(falloc_punch_sync)
{
	struct t_img t;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "32M");
	t_boot();
	CHECK_EQ(t_mount(&t, RUMP_MNT_SYNCHRONOUS), 0);
	t_falloc_punch(T_MNT, 1024);
	t_finish(&t);
}

T_CASE(falloc_errors)
{
	struct t_img t;

	t_setup(&t, "-b 1024", "8M");
	t_falloc_errors(T_MNT, (off_t)17 << 30);	/* 1 KiB blocks map about 16 GiB */
	t_finish(&t);
}

T_CASE(falloc_enospc)
{
	struct t_img t;

	t_setup(&t, "-b 1024 -m 0", "4M");
	t_falloc_enospc(T_MNT, 8 * MIB);
	t_finish(&t);
}

/* A block map pointing outside the file system: EIO, the data before it untouched, nothing freed wrongly. */
T_CASE(falloc_corrupt_indirect)
{
	const char *f = T_MNT "/f";
	struct t_img t;
	char c;
	int fd;

	t_setup(&t, "-b 1024", "8M");
	fd = rump_sys_open(f, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_pwrite(fd, "x", 1, 0), 1);
	CHECK_EQ(rump_sys_pwrite(fd, "y", 1, 200 * 1024), 1);
	CHECK_EQ(rump_sys_close(fd), 0);
	t_umount();
	CHECK_EQ(t_sh("debugfs -w -R 'sif /f block[IND] 99999999' '%s' >/dev/null 2>&1", t.img), 0);
	CHECK_EQ(t_mount(&t, 0), 0);
	fd = rump_sys_open(f, O_RDWR);
	CHECK(fd >= 0);
	CHECK_ERRNO(rump_sys_fallocate(fd, 0, 0, 300 * 1024), EIO);
	CHECK_ERRNO(rump_sys_fallocate(fd, 0x03, 100, 300 * 1024), EIO);
	CHECK_EQ(rump_sys_pread(fd, &c, 1, 0), 1);
	CHECK(c == 'x');
	CHECK_EQ(rump_sys_close(fd), 0);
	t_umount();
	t_halt();
	/* marked as having errors, so e2fsck runs: it finds the bad pointer */
	CHECK(t_sh("e2fsck -fn '%s' >/dev/null 2>&1", t.img) != 0);
	CHECK_EQ(t_sh("dumpe2fs -h '%s' 2>/dev/null | grep -q 'Filesystem state:.*with errors'", t.img), 0);
	t_img_cleanup(&t);
}
