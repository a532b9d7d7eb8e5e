/* t_rumpfs_nodes.c: rumpfs symlinks, hard links, devices and fifos, times, permissions, EEXIST. */
#include "t_rumpfs.h"

T_CASE(symlinks)
{
	char buf[64];
	struct stat st;

	t_boot();
	t_write_file("/target", "data", 4);
	CHECK_EQ(rump_sys_symlink("target", "/lnk"), 0);
	st = t_stat("/lnk");
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(st.st_size, 6);
	CHECK_EQ(rump_sys_readlink("/lnk", buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "target", 6) == 0);
	CHECK_EQ(rump_sys_readlink("/lnk", buf, 3), 3);	/* truncated, no NUL */
	CHECK(memcmp(buf, "tar", 3) == 0);
	CHECK_EQ(rump_sys_stat("/lnk", &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(t_read_file("/lnk", buf, sizeof(buf)), 4);
	CHECK_ERRNO(rump_sys_readlink("/target", buf, sizeof(buf)), EINVAL);
	CHECK_ERRNO(rump_sys_symlink("elsewhere", "/lnk"), EEXIST);
	/* Dangling, absolute, and a loop. */
	CHECK_EQ(rump_sys_symlink("/nothere", "/dangling"), 0);
	CHECK_ERRNO(rump_sys_stat("/dangling", &st), ENOENT);
	CHECK_EQ(rump_sys_symlink("/loop", "/loop"), 0);
	CHECK_ERRNO(rump_sys_stat("/loop", &st), ELOOP);
	/* A long target (PATH_MAX - 1). */
	char *longt = malloc(4096);
	CHECK(longt != NULL);
	memset(longt, 'a', 4095);
	longt[4095] = '\0';
	CHECK_EQ(rump_sys_symlink(longt, "/long"), 0);
	CHECK_EQ(t_stat("/long").st_size, 4095);
	char *back = malloc(4096);
	CHECK(back != NULL);
	CHECK_EQ(rump_sys_readlink("/long", back, 4096), 4095);
	CHECK(memcmp(back, longt, 4095) == 0);
	free(back);
	free(longt);
	CHECK_EQ(rump_sys_unlink("/lnk"), 0);
	CHECK_EQ(t_stat("/target").st_size, 4);
	t_halt();
}

T_CASE(hardlinks)
{
	char buf[16];
	struct stat st;

	t_boot();
	t_write_file("/a", "shared", 6);
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	CHECK_EQ(rump_sys_link("/a", "/d/b"), 0);
	CHECK_EQ(t_stat("/a").st_nlink, 2);
	CHECK_EQ(t_stat("/a").st_ino, t_stat("/d/b").st_ino);
	t_write_file("/d/b", "changed", 7);
	CHECK_EQ(t_read_file("/a", buf, sizeof(buf)), 7);
	CHECK(memcmp(buf, "changed", 7) == 0);
	CHECK_ERRNO(rump_sys_link("/a", "/d/b"), EEXIST);
	CHECK_ERRNO(rump_sys_link("/d", "/d2"), EPERM);
	CHECK_ERRNO(rump_sys_link("/nothere", "/x"), ENOENT);
	CHECK_EQ(rump_sys_unlink("/a"), 0);
	st = t_stat("/d/b");
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(st.st_size, 7);
	/* Links to a symlink and a fifo. */
	CHECK_EQ(rump_sys_symlink("x", "/s"), 0);
	CHECK_EQ(rump_sys_link("/s", "/s2"), 0);
	CHECK_EQ(t_stat("/s").st_nlink, 2);
	CHECK_EQ(rump_sys_mknod("/p", S_IFIFO | 0600, 0), 0);
	CHECK_EQ(rump_sys_link("/p", "/p2"), 0);
	CHECK_EQ(t_stat("/p2").st_nlink, 2);
	t_halt();
}

/* Devices and fifos via mknod: the right type, mode and rdev. */
T_CASE(mknod)
{
	struct stat st;

	t_boot();
	CHECK_EQ(rump_sys_mknod("/null", S_IFCHR | 0666, makedev(1, 3)), 0);
	st = t_stat("/null");
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0666);
	CHECK_EQ(st.st_rdev, makedev(1, 3));
	CHECK_EQ(st.st_size, 0);

	CHECK_EQ(rump_sys_mknod("/blk", S_IFBLK | 0640, makedev(17, 5)), 0);
	st = t_stat("/blk");
	CHECK(S_ISBLK(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0640);
	CHECK_EQ(major(st.st_rdev), 17);
	CHECK_EQ(minor(st.st_rdev), 5);

	CHECK_EQ(rump_sys_mknod("/fifo", S_IFIFO | 0600, 0), 0);
	st = t_stat("/fifo");
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_EQ(st.st_rdev, 0);

	CHECK_EQ(rump_sys_mknod("/sock", S_IFSOCK | 0600, 0), 0);
	CHECK(S_ISSOCK(t_stat("/sock").st_mode));

	CHECK_EQ(rump_sys_mknod("/reg", S_IFREG | 0600, 0), 0);
	CHECK(S_ISREG(t_stat("/reg").st_mode));

	CHECK_ERRNO(rump_sys_mknod("/null", S_IFCHR | 0666, makedev(1, 3)), EEXIST);
	CHECK_EQ(rump_sys_unlink("/null"), 0);
	CHECK_EQ(rump_sys_unlink("/blk"), 0);
	CHECK_EQ(rump_sys_unlink("/fifo"), 0);
	t_halt();
}

/* A name that exists: EEXIST from every kind of creation. */
T_CASE(eexist)
{
	t_boot();
	t_write_file("/f", "", 0);
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	const char *names[] = { "/f", "/d" };
	for (int i = 0; i < 2; i++) {
		CHECK_ERRNO(rump_sys_open(names[i], O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
		CHECK_ERRNO(rump_sys_mkdir(names[i], 0755), EEXIST);
		CHECK_ERRNO(rump_sys_symlink("x", names[i]), EEXIST);
		CHECK_ERRNO(rump_sys_mknod(names[i], S_IFIFO | 0644, 0), EEXIST);
		CHECK_ERRNO(rump_sys_link("/f", names[i]), EEXIST);
	}
	CHECK_ERRNO(rump_sys_mkdir("/", 0755), EEXIST);
	t_halt();
}

/* The root: inode 2, 0755 root:root, ".." is itself. */
T_CASE(root_dir)
{
	struct stat st = { 0 };

	t_boot();
	st = t_stat("/");
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_ino, 2);
	CHECK_EQ(st.st_mode & 07777, 0755);
	CHECK_EQ(st.st_uid, 0);
	CHECK_EQ(st.st_gid, 0);
	CHECK_EQ(t_stat("/..").st_ino, 2);
	CHECK_EQ(t_stat("/./.././..").st_ino, 2);
	t_halt();
}

T_CASE(times)
{
	struct stat a, b, d0, d1;
	struct timespec ts[2];
	int fd;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	d0 = t_stat("/d");
	t_sleep_ms(20);
	t_write_file("/d/f", "1", 1);
	d1 = t_stat("/d");
	/* Creating a name: the directory's mtime and ctime. */
	CHECK(t_ts_before(d0.st_mtim, d1.st_mtim));
	CHECK(t_ts_before(d0.st_ctim, d1.st_ctim));
	a = t_stat("/d/f");
	t_sleep_ms(20);

	/* Write: mtime and ctime, not atime. */
	fd = rump_sys_open("/d/f", O_WRONLY);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_write(fd, "2", 1), 1);
	CHECK_EQ(rump_sys_close(fd), 0);
	b = t_stat("/d/f");
	CHECK(t_ts_before(a.st_mtim, b.st_mtim));
	CHECK(t_ts_before(a.st_ctim, b.st_ctim));
	CHECK_EQ(a.st_atim.tv_sec, b.st_atim.tv_sec);
	CHECK_EQ(a.st_atim.tv_nsec, b.st_atim.tv_nsec);

	/* Read: atime. */
	t_sleep_ms(20);
	char c;
	CHECK_EQ(t_read_file("/d/f", &c, 1), 1);
	a = t_stat("/d/f");
	CHECK(t_ts_before(b.st_atim, a.st_atim));
	CHECK_EQ(a.st_mtim.tv_nsec, b.st_mtim.tv_nsec);

	/* utimensat sets atime and mtime as given, ctime to now. */
	t_sleep_ms(20);
	ts[0].tv_sec = 1000000000; ts[0].tv_nsec = 5;
	ts[1].tv_sec = 1234567890; ts[1].tv_nsec = 678;
	CHECK_EQ(rump_sys_utimensat(AT_FDCWD, "/d/f", ts, 0), 0);
	b = t_stat("/d/f");
	CHECK_EQ(b.st_atim.tv_sec, 1000000000);
	CHECK_EQ(b.st_atim.tv_nsec, 5);
	CHECK_EQ(b.st_mtim.tv_sec, 1234567890);
	CHECK_EQ(b.st_mtim.tv_nsec, 678);
	CHECK(t_ts_before(a.st_ctim, b.st_ctim));

	/* chmod: ctime only. */
	t_sleep_ms(20);
	CHECK_EQ(rump_sys_chmod("/d/f", 0600), 0);
	a = t_stat("/d/f");
	CHECK(t_ts_before(b.st_ctim, a.st_ctim));
	CHECK_EQ(a.st_mtim.tv_sec, 1234567890);

	/* Truncate: mtime and ctime. */
	t_sleep_ms(20);
	CHECK_EQ(rump_sys_truncate("/d/f", 0), 0);
	b = t_stat("/d/f");
	CHECK(t_ts_before(a.st_mtim, b.st_mtim));
	CHECK(t_ts_before(a.st_ctim, b.st_ctim));

	/* Link and unlink: the file's ctime, the directory's mtime and ctime. */
	t_sleep_ms(20);
	d0 = t_stat("/d");
	CHECK_EQ(rump_sys_link("/d/f", "/d/g"), 0);
	a = t_stat("/d/f");
	d1 = t_stat("/d");
	CHECK(t_ts_before(b.st_ctim, a.st_ctim));
	CHECK(t_ts_before(d0.st_mtim, d1.st_mtim));
	t_sleep_ms(20);
	CHECK_EQ(rump_sys_unlink("/d/g"), 0);
	b = t_stat("/d/f");
	d0 = t_stat("/d");
	CHECK(t_ts_before(a.st_ctim, b.st_ctim));
	CHECK(t_ts_before(d1.st_mtim, d0.st_mtim));

	/* Rename: the file's ctime and both directories' mtime. */
	CHECK_EQ(rump_sys_mkdir("/e", 0755), 0);
	t_sleep_ms(20);
	d1 = t_stat("/e");
	CHECK_EQ(rump_sys_rename("/d/f", "/e/f"), 0);
	a = t_stat("/e/f");
	CHECK(t_ts_before(b.st_ctim, a.st_ctim));
	CHECK(t_ts_before(d0.st_mtim, t_stat("/d").st_mtim));
	CHECK(t_ts_before(d1.st_mtim, t_stat("/e").st_mtim));
	t_halt();
}

/* MNT_NOATIME: reads leave atime alone. */
T_CASE(noatime)
{
	struct stat a, b;
	char c;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/mnt", 0755), 0);
	CHECK_EQ(rump_sys_mount("rumpfs", "/mnt", RUMP_MNT_NOATIME, NULL, 0), 0);
	t_write_file("/mnt/f", "x", 1);
	a = t_stat("/mnt/f");
	t_sleep_ms(20);
	CHECK_EQ(t_read_file("/mnt/f", &c, 1), 1);
	b = t_stat("/mnt/f");
	CHECK_EQ(a.st_atim.tv_sec, b.st_atim.tv_sec);
	CHECK_EQ(a.st_atim.tv_nsec, b.st_atim.tv_nsec);
	CHECK_EQ(rump_sys_unmount("/mnt", 0), 0);
	t_halt();
}

/* As uid 1000: a 0600 root file cannot be read; the owner's own files can. */
T_CASE(permissions)
{
	char buf[8];
	int fd;

	t_boot();
	t_write_file("/secret", "s", 1);
	CHECK_EQ(rump_sys_chmod("/secret", 0600), 0);
	t_write_file("/public", "p", 1);
	CHECK_EQ(rump_sys_mkdir("/home", 0755), 0);
	CHECK_EQ(rump_sys_chown("/home", 1000, 1000), 0);

	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFFDG), 0);
	CHECK_EQ(rump_pub_lwproc_setcred(1000, 1000, 0, NULL), 0);
	CHECK_ERRNO(rump_sys_open("/secret", O_RDONLY), EACCES);
	CHECK_ERRNO(rump_sys_open("/public", O_WRONLY), EACCES);
	CHECK_EQ(t_read_file("/public", buf, sizeof(buf)), 1);
	CHECK_ERRNO(rump_sys_open("/new", O_RDWR | O_CREAT, 0644), EACCES);
	CHECK_ERRNO(rump_sys_mkdir("/newdir", 0755), EACCES);
	CHECK_ERRNO(rump_sys_unlink("/public"), EACCES);
	/* In its own directory it may do anything; new files are its own. */
	fd = rump_sys_open("/home/mine", O_RDWR | O_CREAT, 0600);
	CHECK(fd >= 0);
	CHECK_EQ(rump_sys_write(fd, "m", 1), 1);
	CHECK_EQ(rump_sys_close(fd), 0);
	struct stat st = t_stat("/home/mine");
	CHECK_EQ(st.st_uid, 1000);
	CHECK_EQ(st.st_gid, 1000);
	CHECK_EQ(rump_sys_chmod("/home/mine", 0000), 0);
	CHECK_ERRNO(rump_sys_open("/home/mine", O_RDONLY), EACCES);
	CHECK_ERRNO(rump_sys_chmod("/public", 0777), EPERM);
	rump_pub_lwproc_releaselwp();

	/* Back as root: root reads the 0000 file. */
	CHECK_EQ(t_read_file("/home/mine", buf, sizeof(buf)), 1);
	t_halt();
}
