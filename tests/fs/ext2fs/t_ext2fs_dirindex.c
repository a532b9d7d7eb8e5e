/*
 * t_ext2fs_dirindex.c: large directories through the in-memory name index
 * (ext2fs_dirindex.c): lookups found and not found in any order, removes,
 * creates into the holes, renames and links, all in one mount so the
 * index lives through them; then e2fsck -fn and a fresh mount agree.
 * And a hostile image where two directories share a block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_ext2fs.h"

#define NFILES	2000
#define NNEW	600

static void
name_of(char *p, size_t sz, int i)
{
	/* lengths vary, so records of several sizes share blocks */
	snprintf(p, sz, T_MNT "/d/%s%d", i % 3 == 0 ? "a_rather_longer_name_" : "n", i);
}

static void
touch(const char *p)
{
	int fd = rump_sys_open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);

	CHECK(fd >= 0);
	CHECK(rump_sys_close(fd) == 0);
}

/* Entries of a directory, . and .. included. */
static int
count_entries(const char *dir)
{
	char buf[8192];
	int fd = rump_sys_open(dir, O_RDONLY | O_DIRECTORY), n = 0;
	ssize_t len;

	CHECK(fd >= 0);
	while ((len = rump_sys_getdents(fd, buf, sizeof buf)) > 0) {
		for (ssize_t off = 0; off < len; n++)
			off += *(unsigned short *)(void *)(buf + off + 16);	/* dirent64 d_reclen */
	}
	CHECK(len == 0);
	CHECK(rump_sys_close(fd) == 0);
	return n;
}

/* Every name that should be there is, every other is not. */
static void
check_names(const bool *present, int n)
{
	struct stat st;
	char p[PATH_MAX];
	int i, want = 2;

	for (i = 0; i < n; i++) {
		int k = (int)(((long)i * 7919) % n);	/* not in directory order */

		name_of(p, sizeof p, k);
		if (present[k]) {
			CHECK(rump_sys_lstat(p, &st) == 0);
			want++;
		} else {
			CHECK_ERRNO(rump_sys_lstat(p, &st), ENOENT);
		}
	}
	CHECK_EQ(count_entries(T_MNT "/d"), want);
}

T_CASE(dirindex_large_directory)
{
	struct t_img t;
	struct stat st;
	char p[PATH_MAX], q[PATH_MAX];
	bool *present = calloc(NFILES + NNEW, sizeof(bool));
	int i;

	t_img_init(&t);
	t_mkfs(&t, "-b 1024", false, "16M");
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	CHECK(rump_sys_mkdir(T_MNT "/d", 0755) == 0);
	for (i = 0; i < NFILES; i++) {
		name_of(p, sizeof p, i);
		touch(p);
		present[i] = true;
	}
	CHECK_ERRNO(rump_sys_open(T_MNT "/d/n1", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
	check_names(present, NFILES + NNEW);
	/* remove every third: holes of each record size */
	for (i = 0; i < NFILES; i += 3) {
		name_of(p, sizeof p, i);
		CHECK(rump_sys_unlink(p) == 0);
		present[i] = false;
	}
	check_names(present, NFILES + NNEW);
	/* new names go into the holes first: the directory must not grow for them */
	CHECK(rump_sys_stat(T_MNT "/d", &st) == 0);
	for (i = NFILES; i < NFILES + NNEW; i++) {
		name_of(p, sizeof p, i);
		touch(p);
		present[i] = true;
	}
	{
		struct stat st2;

		CHECK(rump_sys_stat(T_MNT "/d", &st2) == 0);
		CHECK_EQ(st2.st_size, st.st_size);
	}
	/* rename within the directory, onto an existing name, and hard links */
	name_of(p, sizeof p, 1);
	name_of(q, sizeof q, 4);
	CHECK(rump_sys_rename(p, q) == 0);
	present[1] = false;
	name_of(p, sizeof p, 2);
	name_of(q, sizeof q, 0);
	CHECK(rump_sys_link(p, q) == 0);
	present[0] = true;
	check_names(present, NFILES + NNEW);
	t_umount();
	t_fsck(&t);
	CHECK_EQ(t_mount(&t, RUMP_MNT_RDONLY), 0);
	check_names(present, NFILES + NNEW);
	t_umount();
	t_halt();
	t_img_cleanup(&t);
	free(present);
}

/*
 * Two directories made to share a block (debugfs): one is indexed, the
 * other changes the block under it.  Searches must stay inside the
 * blocks and end in an answer (found, ENOENT or EIO), never a crash.
 */
T_CASE(dirindex_shared_block_hostile)
{
	struct t_img t;
	struct stat st;
	char p[PATH_MAX];
	int i, e;

	t_img_init(&t);
	CHECK_EQ(t_sh("mkdir -p '%s/a' '%s/b' && for i in $(seq 1 200); do : >'%s/a/file_a_$i';"
	    " : >'%s/b/file_b_$i'; done", t.src, t.src, t.src, t.src), 0);
	t_mkfs(&t, "-b 1024", true, "8M");
	/* b's second block becomes a's second block */
	CHECK_EQ(t_sh("blk=$(debugfs -R 'bmap /a 1' '%s' 2>/dev/null) &&"
	    " debugfs -w -R \"sif /b block[1] $blk\" '%s' >/dev/null 2>&1", t.img, t.img), 0);
	t_boot();
	CHECK_EQ(t_mount(&t, 0), 0);
	for (int round = 0; round < 3; round++) {
		for (i = 1; i <= 200; i++) {
			snprintf(p, sizeof p, T_MNT "/a/file_a_%d", i);
			e = rump_sys_lstat(p, &st) == 0 ? 0 : errno;
			CHECK(e == 0 || e == ENOENT || e == EIO);
			snprintf(p, sizeof p, T_MNT "/b/file_b_%d", i);
			if (round == 0 && i % 2 == 0)
				(void)rump_sys_unlink(p);
			snprintf(p, sizeof p, T_MNT "/b/new_name_%d_%d", round, i);
			if (i % 5 == 0) {
				int fd = rump_sys_open(p, O_WRONLY | O_CREAT, 0644);

				if (fd >= 0)
					CHECK(rump_sys_close(fd) == 0);
			}
		}
	}
	(void)count_entries(T_MNT "/a");
	t_umount();
	t_halt();
	t_img_cleanup(&t);
}
