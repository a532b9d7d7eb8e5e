/* t_rumpfs_dirs.c: rumpfs directories: readdir and its cookies, rename, rmdir, a second mount. */
#include "t_rumpfs.h"

#define NFILES	300

/* Names seen by a listing, counted. */
struct seen {
	int	count[NFILES];
	int	dot, dotdot, other;
};

static void
note_entry(struct seen *s, const struct t_dirent *d)
{
	int i;

	if (strcmp(d->d_name, ".") == 0) {
		s->dot++;
		CHECK_EQ(d->d_type, T_DT_DIR);
	} else if (strcmp(d->d_name, "..") == 0) {
		s->dotdot++;
		CHECK_EQ(d->d_type, T_DT_DIR);
	} else if (sscanf(d->d_name, "f%d", &i) == 1 && i >= 0 && i < NFILES) {
		s->count[i]++;
		CHECK_EQ(d->d_type, T_DT_REG);
	} else {
		s->other++;
	}
}

/* One getdents call; returns the number of entries, noting each. */
static int
list_some(int fd, char *buf, size_t len, struct seen *s, int64_t *lastoff)
{
	ssize_t n = rump_sys_getdents(fd, buf, len);
	int entries = 0;

	CHECK(n >= 0);
	for (ssize_t at = 0; at < n; entries++) {
		const struct t_dirent *d = (const void *)(buf + at);
		CHECK(d->d_reclen > 0 && at + d->d_reclen <= n);
		note_entry(s, d);
		*lastoff = d->d_off;
		at += d->d_reclen;
	}
	return entries;
}

static void
make_files(const char *dir, int n)
{
	char path[128];

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		t_write_file(path, "", 0);
	}
}

T_CASE(readdir_types)
{
	char buf[4096];
	ssize_t n;
	int fd, found = 0;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/d/sub", 0755), 0);
	t_write_file("/d/reg", "x", 1);
	CHECK_EQ(rump_sys_symlink("reg", "/d/lnk"), 0);
	CHECK_EQ(rump_sys_mknod("/d/fifo", S_IFIFO | 0644, 0), 0);
	CHECK_EQ(rump_sys_mknod("/d/chr", S_IFCHR | 0644, makedev(1, 3)), 0);
	fd = rump_sys_open("/d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	n = rump_sys_getdents(fd, buf, sizeof(buf));
	CHECK(n > 0);
	for (ssize_t at = 0; at < n; ) {
		const struct t_dirent *d = (const void *)(buf + at);
		struct stat st;
		char path[300];

		snprintf(path, sizeof(path), "/d/%s", d->d_name);
		CHECK_EQ(rump_sys_lstat(path, &st), 0);
		CHECK_EQ(d->d_ino, st.st_ino);
		if (strcmp(d->d_name, "sub") == 0)
			CHECK_EQ(d->d_type, T_DT_DIR);
		else if (strcmp(d->d_name, "reg") == 0)
			CHECK_EQ(d->d_type, T_DT_REG);
		else if (strcmp(d->d_name, "lnk") == 0)
			CHECK_EQ(d->d_type, T_DT_LNK);
		else if (strcmp(d->d_name, "fifo") == 0)
			CHECK_EQ(d->d_type, T_DT_FIFO);
		else if (strcmp(d->d_name, "chr") == 0)
			CHECK_EQ(d->d_type, T_DT_CHR);
		else
			CHECK(strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0);
		found++;
		at += d->d_reclen;
	}
	CHECK_EQ(found, 7);
	CHECK_EQ(rump_sys_getdents(fd, buf, sizeof(buf)), 0);	/* at the end */
	CHECK_EQ(rump_sys_close(fd), 0);
	/* ".." of /d is the root. */
	CHECK_EQ(t_stat("/d/..").st_ino, t_stat("/").st_ino);
	t_halt();
}

/*
 * Cookies stay valid while the directory changes: delete entries (seen
 * and unseen) between getdents calls; nothing comes twice and nothing
 * that stayed is skipped.
 */
T_CASE(readdir_stable_cookies)
{
	struct seen s = { 0 };
	bool deleted[NFILES] = { false };
	char buf[512], path[64];
	int64_t lastoff = 0;
	int fd, round = 0, added = 0;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	make_files("/d", NFILES);
	fd = rump_sys_open("/d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	while (list_some(fd, buf, sizeof(buf), &s, &lastoff) > 0) {
		/* Delete every 7th file among those not deleted yet, and add new names. */
		for (int i = round % 7; i < NFILES; i += 7) {
			if (deleted[i])
				continue;
			deleted[i] = true;
			snprintf(path, sizeof(path), "/d/f%d", i);
			CHECK_EQ(rump_sys_unlink(path), 0);
		}
		/* New names come after the ones listed so far: at most once per round, 10 in all. */
		if (added < 10) {
			snprintf(path, sizeof(path), "/d/new%d", added++);
			t_write_file(path, "", 0);
		}
		round++;
	}
	CHECK(round > 5);
	CHECK_EQ(s.other, added);	/* each new name was listed, once */
	CHECK_EQ(s.dot, 1);
	CHECK_EQ(s.dotdot, 1);
	for (int i = 0; i < NFILES; i++) {
		CHECK(s.count[i] <= 1);
		if (!deleted[i])
			CHECK_EQ(s.count[i], 1);
	}
	/* Resuming at a cookie from an earlier call: lseek to it and list again. */
	CHECK(rump_sys_lseek(fd, 0, SEEK_SET) == 0);
	struct seen again = { 0 };
	while (list_some(fd, buf, sizeof(buf), &again, &lastoff) > 0)
		;
	for (int i = 0; i < NFILES; i++)
		CHECK_EQ(again.count[i], deleted[i] ? 0 : 1);
	CHECK_EQ(again.other, added);
	CHECK_EQ(rump_sys_close(fd), 0);
	t_halt();
}

/* A d_off handed out earlier resumes right after that entry. */
T_CASE(readdir_seek_cookie)
{
	char buf[8192];
	int64_t offs[64];
	char names[64][16];
	int fd, count = 0;
	ssize_t n;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	make_files("/d", 40);
	fd = rump_sys_open("/d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	n = rump_sys_getdents(fd, buf, sizeof(buf));
	CHECK(n > 0);
	for (ssize_t at = 0; at < n; count++) {
		const struct t_dirent *d = (const void *)(buf + at);
		CHECK(count < 64);
		offs[count] = d->d_off;
		snprintf(names[count], sizeof(names[count]), "%s", d->d_name);
		at += d->d_reclen;
	}
	CHECK_EQ(count, 42);
	CHECK_STREQ(names[0], ".");
	CHECK_STREQ(names[1], "..");
	for (int i = 0; i + 1 < count; i++) {
		CHECK_EQ(rump_sys_lseek(fd, offs[i], SEEK_SET), offs[i]);
		n = rump_sys_getdents(fd, buf, sizeof(buf));
		CHECK(n > 0);
		CHECK_STREQ(((const struct t_dirent *)(const void *)buf)->d_name, names[i + 1]);
	}
	CHECK_EQ(rump_sys_close(fd), 0);
	t_halt();
}

/* Many names in one directory (the name hash), looked up and removed. */
T_CASE(many_files)
{
	char path[64];
	struct stat st;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	make_files("/d", 3000 > NFILES ? 3000 : NFILES);
	for (int i = 0; i < 3000; i++) {
		snprintf(path, sizeof(path), "/d/f%d", i);
		CHECK_EQ(rump_sys_stat(path, &st), 0);
	}
	CHECK_ERRNO(rump_sys_stat("/d/f3000", &st), ENOENT);
	CHECK_ERRNO(rump_sys_rmdir("/d"), ENOTEMPTY);
	for (int i = 0; i < 3000; i += 2) {
		snprintf(path, sizeof(path), "/d/f%d", i);
		CHECK_EQ(rump_sys_unlink(path), 0);
	}
	for (int i = 0; i < 3000; i++) {
		snprintf(path, sizeof(path), "/d/f%d", i);
		if (i % 2)
			CHECK_EQ(rump_sys_unlink(path), 0);
		else
			CHECK_ERRNO(rump_sys_unlink(path), ENOENT);
	}
	CHECK_EQ(rump_sys_rmdir("/d"), 0);
	t_halt();
}

T_CASE(rmdir)
{
	nlink_t root;

	t_boot();
	root = t_stat("/").st_nlink;	/* /dev may be there already */
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	CHECK_EQ(t_stat("/").st_nlink, root + 1);
	CHECK_EQ(t_stat("/d").st_nlink, 2);
	CHECK_ERRNO(rump_sys_mkdir("/d", 0755), EEXIST);
	t_write_file("/d/f", "", 0);
	CHECK_ERRNO(rump_sys_rmdir("/d"), ENOTEMPTY);
	CHECK_ERRNO(rump_sys_rmdir("/d/f"), ENOTDIR);
	CHECK_ERRNO(rump_sys_unlink("/d"), EISDIR);
	CHECK_EQ(rump_sys_unlink("/d/f"), 0);
	CHECK_EQ(rump_sys_rmdir("/d"), 0);
	CHECK_EQ(t_stat("/").st_nlink, root);
	CHECK_ERRNO(rump_sys_rmdir("/d"), ENOENT);
	CHECK_ERRNO(rump_sys_stat("/d", &(struct stat){0}), ENOENT);
	t_halt();
}

/* A removed directory that is still the cwd: nothing can be made in it. */
T_CASE(rmdir_cwd)
{
	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	CHECK_EQ(rump_sys_chdir("/d"), 0);
	CHECK_EQ(rump_sys_rmdir("/d"), 0);
	CHECK_ERRNO(rump_sys_open("x", O_RDWR | O_CREAT, 0644), ENOENT);
	CHECK_ERRNO(rump_sys_mkdir("y", 0755), ENOENT);
	CHECK_EQ(rump_sys_chdir("/"), 0);
	t_halt();
}

T_CASE(rename_file)
{
	char out[16];
	struct stat a, b;

	t_boot();
	t_write_file("/a", "AAA", 3);
	t_write_file("/b", "B", 1);
	a = t_stat("/a");
	b = t_stat("/b");
	CHECK_EQ(rump_sys_rename("/a", "/b"), 0);
	CHECK_ERRNO(rump_sys_stat("/a", &(struct stat){0}), ENOENT);
	CHECK_EQ(t_read_file("/b", out, sizeof(out)), 3);
	CHECK(memcmp(out, "AAA", 3) == 0);
	CHECK_EQ(t_stat("/b").st_ino, a.st_ino);
	CHECK(t_stat("/b").st_ino != b.st_ino);
	/* Plain rename to a new name, and into a directory. */
	CHECK_EQ(rump_sys_rename("/b", "/c"), 0);
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	CHECK_EQ(rump_sys_rename("/c", "/d/c"), 0);
	CHECK_EQ(t_stat("/d/c").st_ino, a.st_ino);
	CHECK_EQ(t_stat("/d/c").st_nlink, 1);
	/* Errors: missing source, file over directory, directory over file. */
	CHECK_ERRNO(rump_sys_rename("/nothere", "/x"), ENOENT);
	CHECK_EQ(rump_sys_mkdir("/e", 0755), 0);
	CHECK_ERRNO(rump_sys_rename("/d/c", "/e"), EISDIR);
	CHECK_ERRNO(rump_sys_rename("/e", "/d/c"), ENOTDIR);
	/* Two names of one file: nothing happens. */
	CHECK_EQ(rump_sys_link("/d/c", "/d/c2"), 0);
	CHECK_EQ(rump_sys_rename("/d/c", "/d/c2"), 0);
	CHECK_EQ(t_stat("/d/c").st_nlink, 2);
	t_halt();
}

/* A file replaced by rename but still open keeps its data until closed. */
T_CASE(rename_replace_open)
{
	char out[8];
	int fd;

	t_boot();
	t_write_file("/old", "old", 3);
	t_write_file("/new", "new", 3);
	fd = rump_sys_open("/old", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_rename("/new", "/old"), 0);
	CHECK_EQ(rump_sys_pread(fd, out, sizeof(out), 0), 3);
	CHECK(memcmp(out, "old", 3) == 0);
	struct stat st;
	CHECK_EQ(rump_sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_nlink, 0);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_EQ(t_read_file("/old", out, sizeof(out)), 3);
	CHECK(memcmp(out, "new", 3) == 0);
	t_halt();
}

T_CASE(rename_dirs)
{
	nlink_t root;

	t_boot();
	root = t_stat("/").st_nlink;
	CHECK_EQ(rump_sys_mkdir("/a", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/b", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/a/sub", 0755), 0);
	t_write_file("/a/sub/f", "x", 1);
	CHECK_EQ(t_stat("/a").st_nlink, 3);
	CHECK_EQ(t_stat("/").st_nlink, root + 2);

	/* Move a directory: ".." follows, link counts move with it. */
	CHECK_EQ(rump_sys_rename("/a/sub", "/b/sub"), 0);
	CHECK_EQ(t_stat("/b/sub/..").st_ino, t_stat("/b").st_ino);
	CHECK_EQ(t_stat("/a").st_nlink, 2);
	CHECK_EQ(t_stat("/b").st_nlink, 3);
	CHECK_EQ(t_stat("/b/sub/f").st_size, 1);

	/* Replace an empty directory. */
	CHECK_EQ(rump_sys_mkdir("/a/empty", 0755), 0);
	CHECK_EQ(t_stat("/a").st_nlink, 3);
	CHECK_EQ(rump_sys_rename("/b/sub", "/a/empty"), 0);
	CHECK_EQ(t_stat("/a").st_nlink, 3);
	CHECK_EQ(t_stat("/b").st_nlink, 2);
	CHECK_EQ(t_stat("/a/empty/..").st_ino, t_stat("/a").st_ino);
	CHECK_EQ(t_stat("/a/empty/f").st_size, 1);

	/* A non-empty target directory: ENOTEMPTY, nothing moved. */
	CHECK_EQ(rump_sys_mkdir("/b/full", 0755), 0);
	t_write_file("/b/full/g", "", 0);
	CHECK_ERRNO(rump_sys_rename("/a/empty", "/b/full"), ENOTEMPTY);
	CHECK_EQ(t_stat("/a/empty/f").st_size, 1);
	CHECK_EQ(t_stat("/b/full/g").st_size, 0);

	/* Into its own subtree: EINVAL. */
	CHECK_ERRNO(rump_sys_rename("/a", "/a/empty/x"), EINVAL);

	/* Rename within one directory keeps the counts. */
	CHECK_EQ(rump_sys_rename("/b/full", "/b/full2"), 0);
	CHECK_EQ(t_stat("/b").st_nlink, 3);
	CHECK_EQ(t_stat("/").st_nlink, root + 2);
	t_halt();
}

/* A second rumpfs mounted on /mnt is its own file system. */
T_CASE(mount_second)
{
	struct stat root, mnt, covered;
	char out[8];

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/mnt", 0755), 0);
	t_write_file("/mnt/under", "u", 1);
	covered = t_stat("/mnt");
	CHECK_EQ(rump_sys_mount("rumpfs", "/mnt", 0, NULL, 0), 0);
	root = t_stat("/");
	mnt = t_stat("/mnt");
	CHECK_EQ(mnt.st_ino, 2);
	CHECK_EQ(mnt.st_mode & 07777, 0755);
	CHECK(mnt.st_dev != root.st_dev);
	CHECK(mnt.st_ino != covered.st_ino || mnt.st_dev != covered.st_dev);
	CHECK_ERRNO(rump_sys_stat("/mnt/under", &(struct stat){0}), ENOENT);
	CHECK_EQ(t_stat("/mnt/..").st_ino, root.st_ino);
	t_write_file("/mnt/over", "o", 1);
	CHECK_EQ(rump_sys_mkdir("/mnt/dir", 0700), 0);
	CHECK_EQ(t_stat("/mnt/dir").st_dev, mnt.st_dev);
	/* Cross-mount rename and link: EXDEV. */
	CHECK_ERRNO(rump_sys_rename("/mnt/over", "/over"), EXDEV);
	CHECK_ERRNO(rump_sys_link("/mnt/over", "/over"), EXDEV);
	/* A third one, mounted in the second. */
	CHECK_EQ(rump_sys_mount("rumpfs", "/mnt/dir", 0, NULL, 0), 0);
	t_write_file("/mnt/dir/deep", "d", 1);
	CHECK_EQ(rump_sys_unmount("/mnt/dir", 0), 0);
	CHECK_ERRNO(rump_sys_stat("/mnt/dir/deep", &(struct stat){0}), ENOENT);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	CHECK_ERRNO(rump_sys_stat("/mnt/over", &(struct stat){0}), ENOENT);
	CHECK_EQ(t_read_file("/mnt/under", out, sizeof(out)), 1);
	/* Mounted again: fresh and empty. */
	CHECK_EQ(rump_sys_mount("rumpfs", "/mnt", 0, NULL, 0), 0);
	CHECK_ERRNO(rump_sys_stat("/mnt/over", &(struct stat){0}), ENOENT);
	t_write_file("/mnt/left", "l", 1);	/* left mounted: shutdown cleans up */
	t_halt();
}

/*
 * Unmounting with files still open: EBUSY, unless forced; forced, the
 * open files (one of them already unlinked) go dead and every node of
 * the mount is freed (LSan checks at exit).
 */
T_CASE(unmount_busy_and_forced)
{
	char buf[8];
	int fd1, fd2;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/mnt", 0755), 0);
	CHECK_EQ(rump_sys_mount("rumpfs", "/mnt", 0, NULL, 0), 0);
	CHECK_EQ(rump_sys_mkdir("/mnt/d", 0755), 0);
	t_write_file("/mnt/d/kept", "kept", 4);
	fd1 = rump_sys_open("/mnt/d/kept", O_RDONLY);
	CHECK(fd1 >= 0);
	fd2 = rump_sys_open("/mnt/gone", O_RDWR | O_CREAT, 0644);
	CHECK(fd2 >= 0);
	CHECK_EQ(rump_sys_write(fd2, "gone", 4), 4);
	CHECK_EQ(rump_sys_unlink("/mnt/gone"), 0);
	CHECK_ERRNO(rump_sys_unmount("/mnt", 0), EBUSY);
	CHECK_EQ(rump_sys_pread(fd1, buf, sizeof(buf), 0), 4);
	CHECK_EQ(rump_sys_unmount("/mnt", RUMP_MNT_FORCE), 0);
	CHECK_ERRNO(rump_sys_pread(fd1, buf, sizeof(buf), 0), EIO);
	CHECK_ERRNO(rump_sys_pread(fd2, buf, sizeof(buf), 0), EIO);
	CHECK_EQ(rump_sys_close(fd1), 0);
	CHECK_EQ(rump_sys_close(fd2), 0);
	CHECK_ERRNO(rump_sys_stat("/mnt/d", &(struct stat){0}), ENOENT);
	t_halt();
}
