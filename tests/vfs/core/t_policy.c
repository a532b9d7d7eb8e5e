/* t_policy.c: the POSIX/Linux rules the VOP calls enforce, seen through the system calls (Linux errno values). */
#include "t_core.h"

/* Switch to a fresh process with uid/gid (and groups); back with t_root(). */
static void
t_user(uid_t uid, gid_t gid, int ngroups, const gid_t *groups)
{
	CHECK_EQ(rump_pub_lwproc_rfork(RUMP_RFCFDG), 0);
	CHECK_EQ(rump_pub_lwproc_setcred(uid, gid, ngroups, groups), 0);
}

static void
t_root(void)
{
	rump_pub_lwproc_releaselwp();
}

static mode_t
t_mode(const char *path)
{
	return t_stat(path).st_mode & 07777;
}

T_CASE(policy_dir_write_and_sticky)
{
	t_boot();
	CHECK_EQ(rump_sys_mkdir("/ro", 0755), 0);
	t_mkfile("/ro/f", 0666);
	CHECK_EQ(rump_sys_mkdir("/tmp", 01777), 0);
	t_mkfile("/tmp/rootfile", 0666);
	t_user(1000, 1000, 0, NULL);
	/* No write permission on the directory: EACCES for every name change. */
	CHECK_ERRNO(rump_sys_open("/ro/new", O_CREAT | O_WRONLY, 0644), EACCES);
	CHECK_ERRNO(rump_sys_mkdir("/ro/d", 0755), EACCES);
	CHECK_ERRNO(rump_sys_symlink("x", "/ro/l"), EACCES);
	CHECK_ERRNO(rump_sys_unlink("/ro/f"), EACCES);
	CHECK_ERRNO(rump_sys_rename("/ro/f", "/ro/g"), EACCES);
	CHECK_ERRNO(rump_sys_link("/ro/f", "/ro/g"), EACCES);
	CHECK_ERRNO(rump_sys_mknod("/ro/fifo", S_IFIFO | 0644, 0), EACCES);
	/* Sticky /tmp: others' files stay, own files go. */
	CHECK_ERRNO(rump_sys_unlink("/tmp/rootfile"), EPERM);
	CHECK_ERRNO(rump_sys_rename("/tmp/rootfile", "/tmp/mine"), EPERM);
	t_mkfile("/tmp/mine", 0644);
	CHECK_EQ(rump_sys_rename("/tmp/mine", "/tmp/mine2"), 0);
	CHECK_ERRNO(rump_sys_rename("/tmp/mine2", "/tmp/rootfile"), EPERM);
	CHECK_EQ(rump_sys_unlink("/tmp/mine2"), 0);
	/* Devices need root; a fifo does not. */
	CHECK_ERRNO(rump_sys_mknod("/tmp/dev", S_IFCHR | 0644, 0x0101), EPERM);
	CHECK_EQ(rump_sys_mknod("/tmp/fifo", S_IFIFO | 0644, 0), 0);
	t_root();
	CHECK_EQ(rump_sys_unlink("/tmp/rootfile"), 0);
	CHECK_EQ(t_stat("/tmp/fifo").st_uid, 1000);
	t_halt();
}

T_CASE(policy_remove_link_rmdir)
{
	t_boot();
	CHECK_EQ(rump_sys_mkdir("/d", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/d/sub", 0755), 0);
	t_mkfile("/d/f", 0644);
	CHECK_ERRNO(rump_sys_unlink("/d/sub"), EISDIR);
	CHECK_ERRNO(rump_sys_link("/d/sub", "/d/sub2"), EPERM);
	CHECK_ERRNO(rump_sys_rmdir("/d/f"), ENOTDIR);
	CHECK_ERRNO(rump_sys_rmdir("/d/sub/."), EINVAL);
	CHECK_ERRNO(rump_sys_rmdir("/d/sub/.."), ENOTEMPTY);
	CHECK_ERRNO(rump_sys_rmdir("/"), EBUSY);
	CHECK_ERRNO(rump_sys_rmdir("/d"), ENOTEMPTY);
	/* A mount point cannot go. */
	CHECK_EQ(rump_sys_mount("rumpfs", "/d/sub", 0, NULL, 0), 0);
	CHECK_ERRNO(rump_sys_rmdir("/d/sub"), EBUSY);
	CHECK_ERRNO(rump_sys_rename("/d/sub", "/d/moved"), EBUSY);
	CHECK_EQ(rump_sys_unmount("/d/sub", 0), 0);
	CHECK_EQ(rump_sys_rmdir("/d/sub"), 0);
	/* Protected hard links: a stranger may not link what it cannot read and write. */
	CHECK_EQ(rump_sys_chmod("/d", 0777), 0);
	t_mkfile("/d/secret", 0600);
	t_mkfile("/d/open", 0666);
	t_user(1000, 1000, 0, NULL);
	CHECK_ERRNO(rump_sys_link("/d/secret", "/d/s2"), EPERM);
	CHECK_EQ(rump_sys_link("/d/open", "/d/o2"), 0);
	t_root();
	t_halt();
}

T_CASE(policy_rename_rules)
{
	struct stat st;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/a", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/a/b", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/a/b/c", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/e", 0755), 0);
	t_mkfile("/f", 0644);
	CHECK_ERRNO(rump_sys_rename("/a", "/a/b/c/x"), EINVAL);
	CHECK_ERRNO(rump_sys_rename("/a/b", "/a/b/x"), EINVAL);
	CHECK_ERRNO(rump_sys_rename("/a", "/f"), ENOTDIR);
	CHECK_ERRNO(rump_sys_rename("/f", "/e"), EISDIR);
	CHECK_ERRNO(rump_sys_rename("/e", "/a/b/c/.."), EBUSY);
	CHECK_ERRNO(rump_sys_rename("/a/b/c", "/a"), ENOTEMPTY);
	/* Same file under two names: nothing happens, both stay. */
	CHECK_EQ(rump_sys_link("/f", "/f2"), 0);
	CHECK_EQ(rump_sys_rename("/f", "/f2"), 0);
	CHECK_EQ(rump_sys_stat("/f", &st), 0);
	CHECK_EQ(rump_sys_stat("/f2", &st), 0);
	CHECK_EQ(rump_sys_rename("/f", "/f"), 0);
	/* A legal move across directories, and a directory over an empty one. */
	CHECK_EQ(rump_sys_rename("/a/b/c", "/e/c"), 0);
	CHECK_EQ(t_stat("/e/c/..").st_ino, t_stat("/e").st_ino);
	CHECK_EQ(rump_sys_mkdir("/x", 0755), 0);
	CHECK_EQ(rump_sys_rename("/e/c", "/x"), 0);
	CHECK_ERRNO(rump_sys_stat("/e/c", &st), ENOENT);
	/* Moving a directory to a new parent needs write access to it (its ".."). */
	CHECK_EQ(rump_sys_mkdir("/pub", 0777), 0);
	CHECK_EQ(rump_sys_mkdir("/pub/rootdir", 0755), 0);
	CHECK_EQ(rump_sys_mkdir("/pub/to", 0777), 0);
	CHECK_EQ(rump_sys_chmod("/pub", 01777 & ~01000), 0);
	t_user(1000, 1000, 0, NULL);
	CHECK_ERRNO(rump_sys_rename("/pub/rootdir", "/pub/to/rootdir"), EACCES);
	CHECK_EQ(rump_sys_rename("/pub/rootdir", "/pub/renamed"), 0);
	t_root();
	t_halt();
}

T_CASE(policy_setattr)
{
	gid_t groups[1] = { 2000 };
	struct timespec ts[2] = { { 5, 0 }, { 6, 0 } };

	t_boot();
	t_mkfile("/rootf", 0666);
	t_mkfile("/own", 0644);
	CHECK_EQ(rump_sys_chown("/own", 1000, 1000), 0);
	CHECK_EQ(rump_sys_mkdir("/dir", 0777), 0);
	t_user(1000, 1000, 1, groups);
	/* chmod: owner only; S_ISGID needs membership; sticky on a file is kept (Linux). */
	CHECK_ERRNO(rump_sys_chmod("/rootf", 0600), EPERM);
	CHECK_EQ(rump_sys_chmod("/own", 01644), 0);
	CHECK_EQ(t_mode("/own"), 01644);
	CHECK_EQ(rump_sys_chmod("/own", 02755), 0);
	CHECK_EQ(t_mode("/own"), 02755);
	/* chown: only the group, to a group of ours; the uid stays. */
	CHECK_ERRNO(rump_sys_chown("/own", 0, -1), EPERM);
	CHECK_EQ(rump_sys_chown("/own", 1000, -1), 0);
	CHECK_ERRNO(rump_sys_chown("/own", -1, 3000), EPERM);
	CHECK_EQ(rump_sys_chown("/own", -1, 2000), 0);
	CHECK_EQ(t_stat("/own").st_gid, 2000);
	/* The group changed: set-group-id of a group-executable file drops. */
	CHECK_EQ(t_mode("/own") & 02000, 0);
	CHECK_EQ(rump_sys_chmod("/own", 02755), 0);
	CHECK_EQ(rump_sys_chown("/own", -1, 1000), 0);
	CHECK_EQ(t_mode("/own"), 0755);
	/* utimes: explicit times need the owner; "now" also write access. */
	CHECK_ERRNO(rump_sys_utimensat(AT_FDCWD, "/rootf", ts, 0), EPERM);
	CHECK_EQ(rump_sys_utimensat(AT_FDCWD, "/rootf", NULL, 0), 0);
	CHECK_EQ(rump_sys_chmod("/own", 0444), 0);
	CHECK_EQ(rump_sys_utimensat(AT_FDCWD, "/own", ts, 0), 0);
	CHECK_EQ(t_stat("/own").st_mtim.tv_sec, 6);
	/* truncate: write access; directories EISDIR. */
	CHECK_ERRNO(rump_sys_truncate("/own", 0), EACCES);
	CHECK_EQ(rump_sys_truncate("/rootf", 0), 0);
	CHECK_ERRNO(rump_sys_truncate("/dir", 0), EISDIR);
	t_root();
	/* Root: chown of a set-user-id file drops the bit (Linux, even for root). */
	CHECK_EQ(rump_sys_chmod("/rootf", 04755), 0);
	CHECK_EQ(rump_sys_chown("/rootf", 0, 0), 0);
	CHECK_EQ(t_mode("/rootf"), 0755);
	CHECK_EQ(rump_sys_chmod("/rootf", 02745), 0);
	CHECK_EQ(rump_sys_chown("/rootf", 0, 0), 0);
	CHECK_EQ(t_mode("/rootf"), 02745);
	CHECK_ERRNO(rump_sys_chmod("/nonexistent", 0644), ENOENT);
	t_halt();
}

T_CASE(policy_setgid_dir)
{
	gid_t groups[1] = { 2000 };

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/sg", 0777), 0);
	CHECK_EQ(rump_sys_chown("/sg", 0, 2000), 0);
	CHECK_EQ(rump_sys_chmod("/sg", 02777), 0);
	t_user(1000, 1000, 1, groups);
	t_mkfile("/sg/f", 0644);
	CHECK_EQ(rump_sys_mkdir("/sg/d", 0755), 0);
	t_root();
	CHECK_EQ(t_stat("/sg/f").st_gid, 2000);
	CHECK_EQ(t_stat("/sg/f").st_uid, 1000);
	CHECK_EQ(t_stat("/sg/d").st_gid, 2000);
	CHECK_EQ(t_mode("/sg/d"), 02755);
	CHECK_EQ(t_mode("/sg/f"), 0644);
	t_halt();
}

T_CASE(policy_readonly_and_dead)
{
	char buf[4];
	int fd;

	t_boot();
	CHECK_EQ(rump_sys_mkdir("/m", 0755), 0);
	CHECK_EQ(rump_sys_mount("rumpfs", "/m", 0, NULL, 0), 0);
	t_mkfile("/m/f", 0644);
	CHECK_EQ(rump_sys_mkdir("/m/d", 0755), 0);
	CHECK_EQ(rump_sys_mount("rumpfs", "/m", MNT_UPDATE | MNT_RDONLY, NULL, 0), 0);
	CHECK_ERRNO(rump_sys_mkdir("/m/x", 0755), EROFS);
	CHECK_ERRNO(rump_sys_unlink("/m/f"), EROFS);
	CHECK_ERRNO(rump_sys_rmdir("/m/d"), EROFS);
	CHECK_ERRNO(rump_sys_rename("/m/f", "/m/g"), EROFS);
	CHECK_ERRNO(rump_sys_chmod("/m/f", 0600), EROFS);
	CHECK_ERRNO(rump_sys_open("/m/f", O_WRONLY), EROFS);
	CHECK_ERRNO(rump_sys_symlink("x", "/m/l"), EROFS);
	CHECK_ERRNO(rump_sys_truncate("/m/d", 0), EISDIR);
	CHECK_ERRNO(rump_sys_truncate("/m/f", 0), EROFS);
	CHECK_EQ(rump_sys_access("/m/f", R_OK), 0);
	CHECK_ERRNO(rump_sys_access("/m/f", W_OK), EROFS);
	/* Forced unmount under an open file: the descriptor now fails with EIO. */
	fd = rump_sys_open("/m/f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERRNO(rump_sys_unmount("/m", 0), EBUSY);
	CHECK_EQ(rump_sys_unmount("/m", MNT_FORCE), 0);
	CHECK_ERRNO(rump_sys_read(fd, buf, sizeof(buf)), EIO);
	CHECK_ERRNO(rump_sys_fstat(fd, &(struct stat){ 0 }), EIO);
	CHECK_EQ(rump_sys_close(fd), 0);
	CHECK_ERRNO(rump_sys_stat("/m/f", &(struct stat){ 0 }), ENOENT);
	t_halt();
}
