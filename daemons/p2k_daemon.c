/* p2k_daemon.c: option parsing shared by the daemons (fuse_opt): file-system and FUSE options, -f, -d, --help, --version. */
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>
#include <fuse_opt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/p2k.h>
#include <rump/rump_syscalls.h>

#include "p2k_daemon.h"

struct p2k_daemon_conf {
	int		dc_mntflags;	/* RUMP_MNT_* */
	bool		dc_rw;		/* -o rw given: no read-only fallback */
	bool		dc_nolock;	/* -o nolock: read a live image */
	bool		dc_foreground, dc_debug, dc_help, dc_version;
	const char	*dc_args[2];	/* image (if any), mount point */
	int		dc_nargs;
	bool		dc_extra;	/* more positional arguments than wanted */
	int		dc_want;	/* positional arguments wanted */
};

enum {
	KEY_RO, KEY_RW, KEY_NOLOCK, KEY_SYNC, KEY_ASYNC, KEY_NOATIME, KEY_ATIME, KEY_FORCE,
	KEY_FG, KEY_DEBUG, KEY_HELP, KEY_VERSION,
};

static const struct fuse_opt p2k_daemon_opts[] = {
	FUSE_OPT_KEY("ro", KEY_RO),
	FUSE_OPT_KEY("rw", KEY_RW),
	FUSE_OPT_KEY("nolock", KEY_NOLOCK),
	FUSE_OPT_KEY("sync", KEY_SYNC),
	FUSE_OPT_KEY("async", KEY_ASYNC),
	FUSE_OPT_KEY("noatime", KEY_NOATIME),
	FUSE_OPT_KEY("atime", KEY_ATIME),
	FUSE_OPT_KEY("force", KEY_FORCE),
	FUSE_OPT_KEY("-f", KEY_FG),
	FUSE_OPT_KEY("-d", KEY_DEBUG),
	FUSE_OPT_KEY("debug", KEY_DEBUG),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_END
};

static int
p2k_daemon_opt(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct p2k_daemon_conf *dc = data;

	(void)outargs;
	switch (key) {
	case KEY_RO:		dc->dc_mntflags |= RUMP_MNT_RDONLY; dc->dc_rw = false; return 0;
	case KEY_RW:		dc->dc_mntflags &= ~RUMP_MNT_RDONLY; dc->dc_rw = true; return 0;
	case KEY_NOLOCK:	dc->dc_nolock = true; return 0;
	case KEY_SYNC:		dc->dc_mntflags |= RUMP_MNT_SYNCHRONOUS; return 0;
	case KEY_ASYNC:		dc->dc_mntflags &= ~RUMP_MNT_SYNCHRONOUS; return 0;
	case KEY_NOATIME:	dc->dc_mntflags |= RUMP_MNT_NOATIME; return 0;
	case KEY_ATIME:		dc->dc_mntflags &= ~RUMP_MNT_NOATIME; return 0;
	case KEY_FORCE:		dc->dc_mntflags |= RUMP_MNT_FORCE; return 0;
	case KEY_FG:		dc->dc_foreground = true; return 0;
	case KEY_DEBUG:		dc->dc_debug = true; return 0;
	case KEY_HELP:		dc->dc_help = true; return 0;
	case KEY_VERSION:	dc->dc_version = true; return 0;
	case FUSE_OPT_KEY_NONOPT:
		if (dc->dc_nargs < dc->dc_want)
			dc->dc_args[dc->dc_nargs++] = arg;
		else
			dc->dc_extra = true;
		return 0;
	default:
		return 1;	/* a FUSE option: for libp2k / libfuse */
	}
}

static void
p2k_daemon_usage(const struct p2k_daemon *pd, FILE *f)
{
	fprintf(f, "usage: %s [-o option[,option...]] [-f] [-d] %smountpoint\n",
	    pd->pd_name, pd->pd_image ? "image " : "");
	if (f == stderr)
		return;
	fprintf(f,
	    "\nServe %s%s through FUSE, with the %s file system running in a rump kernel.\n\n"
	    "  -f                  stay in the foreground\n"
	    "  -d                  debug: trace FUSE requests (implies -f)\n"
	    "  -h, --help          this text\n"
	    "  -V, --version       the version\n\n"
	    "file-system options:  ro, rw, sync, async, noatime, atime, force%s\n"
	    "FUSE options:         allow_other, auto_unmount, nonempty, default_permissions\n"
	    "                      (always on: the host checks modes too, as FIFOs need),\n"
	    "                      fsname=NAME, subtype=NAME, max_read=N\n"
	    "cache options:        entry_timeout=SEC, attr_timeout=SEC, negative_timeout=SEC\n"
	    "                      (default 1), writeback_cache\n"
	    "transport:            io_uring (default: used when the host offers FUSE over\n"
	    "                      io_uring), no_io_uring (always /dev/fuse)\n\n"
	    "The daemon backgrounds itself once the file system is mounted; stop it\n"
	    "with `fusermount3 -u mountpoint` (or SIGTERM), which syncs the image.\n",
	    pd->pd_image ? "an image of " : "", pd->pd_image ? "a file system" : "an in-memory file system",
	    pd->pd_fstype, pd->pd_image ? ",\n"
	    "                      nolock (with ro: read an image another process is\n"
	    "                      writing; what it shows may be stale or inconsistent)" : "");
}

int
p2k_daemon_main(const struct p2k_daemon *pd, int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct p2k_daemon_conf dc = { .dc_want = pd->pd_image ? 2 : 1 };
	struct p2k_mount *pm;
	uint32_t flags = P2K_ROFALLBACK;
	int error;

	if (fuse_opt_parse(&args, &dc, p2k_daemon_opts, p2k_daemon_opt) != 0) {
		p2k_daemon_usage(pd, stderr);
		return 2;
	}
	if (dc.dc_help || dc.dc_version) {
		if (dc.dc_help)
			p2k_daemon_usage(pd, stdout);
		else
			printf("%s %s (rump, libfuse %s)\n", pd->pd_name, RUMP_VERSION,
			    fuse_pkgversion());
		fuse_opt_free_args(&args);
		return 0;
	}
	if (dc.dc_nargs != dc.dc_want || dc.dc_extra) {
		p2k_daemon_usage(pd, stderr);
		fuse_opt_free_args(&args);
		return 2;
	}
	if (dc.dc_nolock && !(dc.dc_mntflags & RUMP_MNT_RDONLY)) {
		fprintf(stderr, "%s: nolock is for read-only mounts: use -o ro,nolock\n", pd->pd_name);
		fuse_opt_free_args(&args);
		return 2;
	}
	if (dc.dc_rw)
		flags &= ~P2K_ROFALLBACK;
	if (dc.dc_nolock)
		flags |= P2K_NOLOCK;
	if (dc.dc_foreground)
		flags |= P2K_FOREGROUND;
	if (dc.dc_debug)
		flags |= P2K_DEBUG;
	if ((pm = p2k_init(flags)) == NULL) {
		fuse_opt_free_args(&args);
		return 1;
	}
	error = p2k_set_fuse_args(pm, args.argc, args.argv);
	fuse_opt_free_args(&args);
	if (error == 0)
		error = p2k_setup_diskfs(pm, pd->pd_fstype, pd->pd_image ? dc.dc_args[0] : NULL,
		    dc.dc_args[dc.dc_want - 1], dc.dc_mntflags, NULL, 0);
	if (error != 0) {
		p2k_cancel(pm, error);
		return 1;
	}
	return p2k_mainloop(pm) == 0 ? 0 : 1;
}
