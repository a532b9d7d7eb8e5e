/* p2k_mount.c: libp2k's life cycle: boot, mount in the rump kernel and through FUSE, serve, sync and unmount. */
#include "p2k_impl.h"
#include "p2k_host.h"

#include <fcntl.h>
#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#define P2K_READAHEAD_KB	1024	/* = max_write: one request */

static void p2k_fork(struct p2k_mount *pm);
static void p2k_detach(struct p2k_mount *pm);
static int p2k_mount_rump(struct p2k_mount *pm, const char *type, const char *devpath,
    int mntflags, void *args, size_t argslen);
static int p2k_mount_fuse(struct p2k_mount *pm, const char *type, const char *devpath,
    const char *mountpath);
static int p2k_root(struct p2k_mount *pm);
static int p2k_free(struct p2k_mount *pm, int error);
static void p2k_readahead_path(struct p2k_mount *pm, const char *mountpath);

void
p2k_log(struct p2k_mount *pm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (pm != NULL && pm->pm_detached) {
		vsyslog(LOG_ERR, fmt, ap);
	} else {
		fprintf(stderr, "%s: ", program_invocation_short_name);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

/*
 * Fork before the rump kernel boots (its threads would not survive a
 * fork).  The parent waits for one byte: '0' when the child serves, EOF
 * when it failed (the child said why on the shared stderr).
 */
static void
p2k_fork(struct p2k_mount *pm)
{
	int fds[2];
	char c;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		p2k_log(pm, "pipe: %s", strerror(errno));
		exit(1);
	}
	if ((pid = fork()) < 0) {
		p2k_log(pm, "fork: %s", strerror(errno));
		exit(1);
	}
	if (pid > 0) {
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 1 && c == '0' ? 0 : 1);
	}
	close(fds[0]);
	pm->pm_readyfd = fds[1];
}

/*
 * Serving: let the parent go, leave the shell's job, log to syslog.
 * A process group of its own, not a session: the scheduler groups a
 * session's processes (autogroup), and a daemon in a session of its own
 * then competes as a group with the programs using the mount, so every
 * request's wakeup waits its turn and FUSE round trips get slower
 * (io_uring most: its replies wake the caller directly).  Out of the
 * job's process group, no signal from the terminal reaches it.
 */
static void
p2k_detach(struct p2k_mount *pm)
{
	int fd;

	if (pm->pm_readyfd < 0)
		return;
	(void)setpgid(0, 0);
	if (chdir("/") != 0)
		p2k_log(pm, "chdir /: %s", strerror(errno));
	openlog(program_invocation_short_name, LOG_PID, LOG_DAEMON);
	rump_pub_console_syslog(1);	/* stderr is about to be /dev/null */
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	pm->pm_detached = true;
	if (write(pm->pm_readyfd, "0", 1) != 1)
		syslog(LOG_ERR, "telling the parent: %m");
	close(pm->pm_readyfd);
	pm->pm_readyfd = -1;
}

struct p2k_mount *
p2k_init(uint32_t flags)
{
	struct p2k_mount *pm;
	int error;

	if ((pm = calloc(1, sizeof(*pm))) == NULL)
		return NULL;
	if (flags & P2K_DEBUG)
		flags |= P2K_FOREGROUND;
	pm->pm_flags = flags;
	pm->pm_readyfd = -1;
	pm->pm_want_uring = true;
	pm->pm_init_unique = UINT64_MAX;
	pm->pm_entry_timeout = pm->pm_attr_timeout = pm->pm_negative_timeout = 1.0;
	pm->pm_mapuid = pm->pm_mapgid = -1;
	pm->pm_hostuid = getuid();
	pm->pm_hostgid = getgid();
	pthread_mutex_init(&pm->pm_nodelock, NULL);
	pthread_mutex_init(&pm->pm_filelock, NULL);
	if (fuse_opt_add_arg(&pm->pm_args, program_invocation_short_name) != 0 ||
	    ((flags & P2K_DEBUG) && fuse_opt_add_arg(&pm->pm_args, "-odebug") != 0)) {
		error = ENOMEM;
		goto out_free;
	}
	if (!(flags & P2K_FOREGROUND))
		p2k_fork(pm);
	if ((error = p2k_cred_init()) != 0 || (error = rump_init()) != 0) {
		p2k_log(pm, "rump kernel: boot failed: %s", strerror(error));
		goto out_free;
	}
	pm->pm_booted = true;
	return pm;

out_free:
	(void)p2k_free(pm, error);
	errno = error;
	return NULL;
}

enum {
	P2K_KEY_WRITEBACK, P2K_KEY_NOWRITEBACK, P2K_KEY_NONEMPTY, P2K_KEY_URING, P2K_KEY_NOURING,
	/* libfuse's, kept for it; p2k notes that they were given */
	P2K_KEY_DEFAULT_PERMISSIONS, P2K_KEY_FSNAME, P2K_KEY_SUBTYPE,
	P2K_KEY_FAKEROOT, P2K_KEY_UID, P2K_KEY_GID,
};

static const struct fuse_opt p2k_opts[] = {
	{ "entry_timeout=%lf", offsetof(struct p2k_mount, pm_entry_timeout), 0 },
	{ "attr_timeout=%lf", offsetof(struct p2k_mount, pm_attr_timeout), 0 },
	{ "negative_timeout=%lf", offsetof(struct p2k_mount, pm_negative_timeout), 0 },
	FUSE_OPT_KEY("writeback_cache", P2K_KEY_WRITEBACK),
	FUSE_OPT_KEY("no_writeback_cache", P2K_KEY_NOWRITEBACK),
	FUSE_OPT_KEY("nonempty", P2K_KEY_NONEMPTY),
	FUSE_OPT_KEY("io_uring", P2K_KEY_URING),
	FUSE_OPT_KEY("no_io_uring", P2K_KEY_NOURING),
	FUSE_OPT_KEY("default_permissions", P2K_KEY_DEFAULT_PERMISSIONS),
	FUSE_OPT_KEY("fsname=", P2K_KEY_FSNAME),
	FUSE_OPT_KEY("subtype=", P2K_KEY_SUBTYPE),
	FUSE_OPT_KEY("fakeroot", P2K_KEY_FAKEROOT),
	FUSE_OPT_KEY("uid=", P2K_KEY_UID),
	FUSE_OPT_KEY("gid=", P2K_KEY_GID),
	FUSE_OPT_END
};

/* "uid=N" / "gid=N": N into *idp, or -1 with a message. */
static int
p2k_opt_id(struct p2k_mount *pm, const char *arg, long *idp)
{
	const char *s = strchr(arg, '=') + 1;
	long v = 0;

	if (*s == '\0')
		goto bad;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (long)(UINT32_MAX - 1) / 10)
			goto bad;
		v = v * 10 + (*s - '0');
	}
	*idp = v;
	return 0;
bad:
	p2k_log(pm, "-o %s: not a user or group number", arg);
	return -1;
}

static int
p2k_opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct p2k_mount *pm = data;

	(void)outargs;
	switch (key) {
	case P2K_KEY_FAKEROOT:
		pm->pm_fakeroot = true;
		return 0;
	case P2K_KEY_UID:
		return p2k_opt_id(pm, arg, &pm->pm_mapuid);
	case P2K_KEY_GID:
		return p2k_opt_id(pm, arg, &pm->pm_mapgid);
	case P2K_KEY_WRITEBACK:
	case P2K_KEY_NOWRITEBACK:
		pm->pm_wantwriteback = key == P2K_KEY_WRITEBACK;
		return 0;
	case P2K_KEY_NONEMPTY:
		pm->pm_nonempty = true;
		return 0;
	case P2K_KEY_URING:
	case P2K_KEY_NOURING:
		pm->pm_want_uring = key == P2K_KEY_URING;
		return 0;
	case P2K_KEY_DEFAULT_PERMISSIONS:
		pm->pm_default_permissions = true;
		return 1;
	case P2K_KEY_FSNAME:
		pm->pm_has_fsname = true;
		return 1;
	case P2K_KEY_SUBTYPE:
		pm->pm_has_subtype = true;
		return 1;
	default:
		return 1;	/* libfuse's: keep for fuse_session_new */
	}
}

/* Try the FUSE options on a session that is never mounted, so a bad one fails before any mount. */
static int
p2k_check_fuse_args(struct p2k_mount *pm)
{
	struct fuse_args copy = FUSE_ARGS_INIT(0, NULL);
	struct fuse_session *se;

	for (int i = 0; i < pm->pm_args.argc; i++) {
		if (fuse_opt_add_arg(&copy, pm->pm_args.argv[i]) != 0) {
			fuse_opt_free_args(&copy);
			return ENOMEM;
		}
	}
	se = fuse_session_new(&copy, &p2k_ops, sizeof(p2k_ops), pm);
	fuse_opt_free_args(&copy);
	if (se == NULL) {
		p2k_log(pm, "bad FUSE options");
		return EINVAL;
	}
	fuse_session_destroy(se);
	return 0;
}

int
p2k_set_range(struct p2k_mount *pm, uint64_t offset, uint64_t size)
{
	if (offset > INT64_MAX || size > INT64_MAX - offset)
		return EINVAL;
	pm->pm_devoff = offset;
	pm->pm_devsize = size;
	return 0;
}

int
p2k_set_fuse_args(struct p2k_mount *pm, int argc, char **argv)
{
	struct fuse_args in = FUSE_ARGS_INIT(argc, argv);

	if (fuse_opt_parse(&in, pm, p2k_opts, p2k_opt_proc) != 0)
		return EINVAL;
	if (pm->pm_entry_timeout < 0 || pm->pm_attr_timeout < 0 ||
	    pm->pm_negative_timeout < 0) {
		p2k_log(pm, "timeouts must not be negative");
		fuse_opt_free_args(&in);
		return EINVAL;
	}
	if (pm->pm_fakeroot && (pm->pm_mapuid >= 0 || pm->pm_mapgid >= 0)) {
		p2k_log(pm, "-o fakeroot and -o uid=/gid= together: give one");
		fuse_opt_free_args(&in);
		return EINVAL;
	}
	/* Acting as root inside must not make set-id files or devices work on the host. */
	if (pm->pm_fakeroot && fuse_opt_add_arg(&pm->pm_args, "-onosuid,nodev") != 0) {
		fuse_opt_free_args(&in);
		return ENOMEM;
	}
	/* in now holds what p2k did not take; append it after p2k's own (argv[0], -odebug). */
	for (int i = 1; i < in.argc; i++) {
		if (fuse_opt_add_arg(&pm->pm_args, in.argv[i]) != 0) {
			fuse_opt_free_args(&in);
			return ENOMEM;
		}
	}
	fuse_opt_free_args(&in);
	return p2k_check_fuse_args(pm);
}

/* Who holds the image, when the host lets us see it. */
static void
p2k_image_busy(struct p2k_mount *pm, const char *devpath)
{
	int pid, writer;

	if (rump_pub_etfs_holder(devpath, &pid, &writer) == 0)
		p2k_log(pm, "%s: image in use (%s by pid %d)", devpath,
		    writer ? "read-write" : "read-only", pid);
	else
		p2k_log(pm, "%s: image in use by another process", devpath);
}

/* The one-line cause of a failed rump mount. */
static void
p2k_mount_error(struct p2k_mount *pm, const char *type, const char *devpath, int error)
{
	const char *what = devpath != NULL ? devpath : type;

	switch (error) {
	case ENODEV:
		p2k_log(pm, "%s: file system type not supported", type);
		break;
	case EBUSY:
		p2k_image_busy(pm, what);
		break;
	case EINVAL:
		p2k_log(pm, "%s: not a valid %s file system "
		    "(bad superblock, unsupported features or damaged metadata)", what, type);
		break;
	case EROFS:
		p2k_log(pm, "%s: image is read-only; mount it with -o ro", what);
		break;
	default:
		p2k_log(pm, "%s: mounting %s: %s", what, type, strerror(error));
		break;
	}
}

static int
p2k_mount_rump(struct p2k_mount *pm, const char *type, const char *devpath, int mntflags,
    void *args, size_t argslen)
{
	struct ufs_args ua;
	void *data = args;
	size_t len = argslen;
	int error;

	if (devpath != NULL) {
		error = rump_pub_etfs_register_withsize(P2K_DEVKEY, devpath, RUMP_ETFS_BLK,
		    pm->pm_devoff, pm->pm_devsize != 0 ? pm->pm_devsize : RUMP_ETFS_SIZE_ENDOFF);
		if (error != 0) {
			p2k_log(pm, "%s: %s", devpath, strerror(error));
			return error;
		}
		pm->pm_etfs = true;
		if ((pm->pm_flags & P2K_NOLOCK) && (error = rump_pub_etfs_nolock(P2K_DEVKEY)) != 0) {
			p2k_log(pm, "%s: %s", devpath, strerror(error));
			return error;
		}
		if (data == NULL || len < sizeof(ua)) {
			data = &ua;
			len = sizeof(ua);
		}
		/* Disk file systems' arguments start with the device path. */
		((struct ufs_args *)data)->fspec = (char *)(uintptr_t)P2K_DEVKEY;
	}
	if (rump_sys_mkdir(P2K_RUMPDIR, 0755) != 0 && errno != EEXIST) {
		error = errno;
		p2k_log(pm, "rump kernel: mkdir %s: %s", P2K_RUMPDIR, strerror(error));
		return error;
	}
	error = rump_sys_mount(type, P2K_RUMPDIR, mntflags, data, len) == 0 ? 0 : errno;
	if (error == EROFS && !(mntflags & RUMP_MNT_RDONLY) && (pm->pm_flags & P2K_ROFALLBACK)) {
		p2k_log(pm, "%s: cannot be mounted read-write here: mounting read-only",
		    devpath ? devpath : type);
		mntflags |= RUMP_MNT_RDONLY;
		error = rump_sys_mount(type, P2K_RUMPDIR, mntflags, data, len) == 0 ? 0 : errno;
	}
	if (error != 0) {
		p2k_mount_error(pm, type, devpath, error);
		return error;
	}
	pm->pm_rumpmounted = true;
	pm->pm_mntflags = mntflags;
	return 0;
}

/* The served file system's root, referenced for as long as it is mounted. */
static int
p2k_root(struct p2k_mount *pm)
{
	struct nameidata *nd;
	int error;

	if ((nd = malloc(sizeof(*nd))) == NULL)
		return ENOMEM;
	rump_schedule();
	NDINIT(nd, LOOKUP, FOLLOW, P2K_RUMPDIR);
	if ((error = namei(nd)) == 0) {
		pm->pm_root = nd->ni_vp;
		nd->ni_vp = NULL;
		namei_done(nd);
	}
	rump_unschedule();
	free(nd);
	return error;
}

/*
 * The host checks permissions itself (default_permissions), always:
 * FUSE sends no OPEN for a FIFO or a device node, so that check is the
 * only one an open of one gets, and without it the host would also walk
 * cached names without asking whether the caller may search the
 * directories.  The attributes it checks are ours and only this daemon
 * changes them; the rump kernel checks every request again.  Not with
 * fakeroot, where every caller acts as root inside.
 */
static int
p2k_host_permissions(struct p2k_mount *pm)
{
	/* fakeroot: every request is root's inside, which the host's check would not know. */
	if (pm->pm_default_permissions || pm->pm_fakeroot)
		return 0;
	if (fuse_opt_add_arg(&pm->pm_args, "-odefault_permissions") != 0)
		return ENOMEM;
	pm->pm_default_permissions = true;
	return 0;
}

static int
p2k_mount_fuse(struct p2k_mount *pm, const char *type, const char *devpath,
    const char *mountpath)
{
	char *opt;
	int error = 0;

	if ((pm->pm_mntflags & RUMP_MNT_RDONLY) && fuse_opt_add_arg(&pm->pm_args, "-oro") != 0)
		return ENOMEM;
	if (!pm->pm_has_fsname) {
		if (asprintf(&opt, "-ofsname=%s", devpath != NULL ? devpath : type) < 0)
			return ENOMEM;
		/* fuse_opt's syntax: a comma in the value would split the option. */
		for (char *c = opt; *c != '\0'; c++)
			if (*c == ',')
				*c = '_';
		error = fuse_opt_add_arg(&pm->pm_args, opt) != 0 ? ENOMEM : 0;
		free(opt);
	}
	if (error == 0 && !pm->pm_has_subtype) {
		if (asprintf(&opt, "-osubtype=%s", type) < 0)
			return ENOMEM;
		error = fuse_opt_add_arg(&pm->pm_args, opt) != 0 ? ENOMEM : 0;
		free(opt);
	}
	if (error != 0 || (error = p2k_host_permissions(pm)) != 0)
		return error;
	pm->pm_se = fuse_session_new(&pm->pm_args, &p2k_ops, sizeof(p2k_ops), pm);
	if (pm->pm_se == NULL) {
		p2k_log(pm, "bad FUSE options");
		return EINVAL;
	}
	if (fuse_session_mount(pm->pm_se, mountpath) != 0) {
		p2k_log(pm, "%s: FUSE mount failed", mountpath);
		return EIO;
	}
	pm->pm_fusemounted = true;
	if ((error = p2k_uring_hook(pm)) != 0) {
		p2k_log(pm, "FUSE session I/O: %s", strerror(error));
		return error;
	}
	p2k_readahead_path(pm, mountpath);
	return 0;
}

/*
 * Let the host read ahead up to one maximal request (1 MiB) instead of
 * its default 128 KiB: sequential reads then take an eighth of the
 * requests.  The host caps read-ahead when it processes INIT, so the
 * setting is written at the first request after it (p2k_enter).  The
 * mount's device numbers come from mountinfo, as a stat() here would
 * wait for a session not yet served.  Best effort: not root, no sysfs,
 * no change.
 */
static void
p2k_readahead_path(struct p2k_mount *pm, const char *mountpath)
{
	char *real, line[4096], dev[32], mnt[PATH_MAX + 1];
	unsigned id, parent;
	FILE *f;

	if ((real = realpath(mountpath, NULL)) == NULL)
		return;
	if ((f = fopen("/proc/self/mountinfo", "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			/* the last mount on the path wins; a path with spaces (\040) never matches */
			if (sscanf(line, "%u %u %31s %*s %4096s", &id, &parent, dev, mnt) == 4 &&
			    strcmp(mnt, real) == 0)
				snprintf(pm->pm_rapath, sizeof(pm->pm_rapath),
				    "/sys/class/bdi/%s/read_ahead_kb", dev);
		}
		fclose(f);
	}
	free(real);
	__atomic_store_n(&pm->pm_rapending, pm->pm_rapath[0] != '\0', __ATOMIC_RELEASE);
}

void
p2k_readahead_set(struct p2k_mount *pm)
{
	FILE *f;

	if (!__atomic_exchange_n(&pm->pm_rapending, false, __ATOMIC_ACQ_REL))
		return;
	if ((f = fopen(pm->pm_rapath, "w")) != NULL) {
		fprintf(f, "%u\n", P2K_READAHEAD_KB);
		fclose(f);
	}
}

int
p2k_setup_diskfs(struct p2k_mount *pm, const char *type, const char *devpath,
    const char *mountpath, int mntflags, void *args, size_t argslen)
{
	struct stat st;
	int error;

	if ((error = p2k_check_mountpoint(mountpath, pm->pm_nonempty)) != 0) {
		p2k_log(pm, "mount point %s: %s", mountpath,
		    error == EBUSY ? "already a mount point" :
		    error == ENOTEMPTY ? "not empty (use -o nonempty to mount over its files)" :
		    strerror(error));
		return error;
	}
	if (devpath != NULL && stat(devpath, &st) != 0) {
		error = errno;
		p2k_log(pm, "image %s: %s", devpath, strerror(error));
		return error;
	}
	if ((pm->pm_mountpath = strdup(mountpath)) == NULL)
		return ENOMEM;
	if ((error = p2k_mount_rump(pm, type, devpath, mntflags, args, argslen)) != 0)
		return error;
	if ((error = p2k_root(pm)) != 0) {
		p2k_log(pm, "%s: root directory: %s", type, strerror(error));
		return error;
	}
	return p2k_mount_fuse(pm, type, devpath, mountpath);
}

/*
 * Give back what the host held (its connection is gone, so no more
 * requests), sync, and unmount the rump file system.  A sync error is
 * kept in pm_error and reported: the image may then be inconsistent.
 */
void
p2k_teardown(struct p2k_mount *pm)
{
	int error;

	if (pm->pm_torndown || !pm->pm_booted)
		return;
	pm->pm_torndown = true;
	rump_schedule();
	p2k_file_close_all(pm);
	p2k_node_forget_all(pm);
	if (pm->pm_root != NULL)
		vrele(pm->pm_root);
	pm->pm_root = NULL;
	rump_unschedule();
	if (!pm->pm_rumpmounted)
		return;
	if (rump_sys_unmount(P2K_RUMPDIR, 0) != 0) {
		error = errno;
		if (error == EBUSY)
			p2k_log(pm, "unmount: %s; forcing it", strerror(error));
		else
			p2k_log(pm, "writing the file system back failed: %s; unmounting anyway "
			    "(data may be lost: the image needs a check)", strerror(error));
		if (rump_sys_unmount(P2K_RUMPDIR, RUMP_MNT_FORCE) != 0 && error == EBUSY)
			error = errno;
		if (pm->pm_error == 0)
			pm->pm_error = error;
	}
	pm->pm_rumpmounted = false;
}

/* Tear everything down; returns the first sync/unmount/shutdown error, else error. */
static int
p2k_free(struct p2k_mount *pm, int error)
{
	if (pm->pm_se != NULL) {
		if (pm->pm_fusemounted)
			fuse_session_unmount(pm->pm_se);
		/* The connection is gone, so the rings' threads finish what they serve and stop. */
		p2k_uring_stop(pm, NULL);
		fuse_session_destroy(pm->pm_se);	/* calls destroy: teardown */
	}
	p2k_teardown(pm);
	if (pm->pm_etfs)
		(void)rump_pub_etfs_remove(P2K_DEVKEY);
	if (pm->pm_booted) {
		int serror = rump_shutdown();

		if (serror != 0) {
			p2k_log(pm, "rump kernel shutdown: %s", strerror(serror));
			if (pm->pm_error == 0)
				pm->pm_error = serror;
		}
	}
	if (pm->pm_error != 0)
		error = pm->pm_error;
	if (pm->pm_readyfd >= 0)
		close(pm->pm_readyfd);
	fuse_opt_free_args(&pm->pm_args);
	free(pm->pm_mountpath);
	pthread_mutex_destroy(&pm->pm_nodelock);
	pthread_mutex_destroy(&pm->pm_filelock);
	free(pm);
	return error;
}

int
p2k_mainloop(struct p2k_mount *pm)
{
	struct fuse_loop_config *cfg;
	int error = 0;

	if (fuse_set_signal_handlers(pm->pm_se) != 0) {
		p2k_log(pm, "signal handlers: %s", strerror(errno));
		return p2k_free(pm, EIO);
	}
	p2k_detach(pm);
	if ((cfg = fuse_loop_cfg_create()) == NULL) {
		error = ENOMEM;
	} else {
		fuse_loop_cfg_set_max_threads(cfg, 64);
		/*
		 * A signal ends the loop with its number (libfuse's exit
		 * handler), a host unmount with 0: both are a normal end.
		 */
		int res = fuse_session_loop_mt(pm->pm_se, cfg);

		if (res < 0)
			error = -res;
		fuse_loop_cfg_destroy(cfg);
	}
	fuse_remove_signal_handlers(pm->pm_se);
	if (error != 0)
		p2k_log(pm, "FUSE session: %s", strerror(error));
	/* The first sync/unmount error outranks the session's. */
	return p2k_free(pm, error);
}

void
p2k_cancel(struct p2k_mount *pm, int error)
{
	(void)p2k_free(pm, error);
}

int
p2k_run_fs(const char *type, const char *devpath, const char *mountpath, int mntflags,
    void *args, size_t argslen, uint32_t flags)
{
	struct p2k_mount *pm;
	int error;

	if ((pm = p2k_init(flags)) == NULL)
		return errno;
	if ((error = p2k_setup_diskfs(pm, type, devpath, mountpath, mntflags, args, argslen)) != 0) {
		p2k_cancel(pm, error);
		return error;
	}
	return p2k_mainloop(pm);
}
