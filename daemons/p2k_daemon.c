/* p2k_daemon.c: option parsing shared by the daemons (fuse_opt): file-system and FUSE options, -f, -d, --help, --version. */
#define FUSE_USE_VERSION 314
#include <fuse_lowlevel.h>
#include <fuse_opt.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/p2k.h>
#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/ukfs.h>

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
	char		dc_offset[32];	/* -o offset=BYTES: where the file system starts */
	bool		dc_hasoffset, dc_badoffset;
	char		dc_cachesize[32];	/* -o cache_size=N[kmg]: the buffer-cache bound */
	bool		dc_hascache, dc_badcache;
	bool		dc_errors;	/* -o errors= given */
	bool		dc_baderrors;	/* ... with a value not known */
};

enum {
	KEY_RO, KEY_RW, KEY_NOLOCK, KEY_SYNC, KEY_ASYNC, KEY_NOATIME, KEY_ATIME, KEY_FORCE,
	KEY_FG, KEY_DEBUG, KEY_HELP, KEY_VERSION, KEY_OFFSET, KEY_ERRORS,
	KEY_CACHESIZE,
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
	FUSE_OPT_KEY("offset=", KEY_OFFSET),
	FUSE_OPT_KEY("errors=", KEY_ERRORS),
	FUSE_OPT_KEY("cache_size=", KEY_CACHESIZE),
	FUSE_OPT_END
};

/* A size as fuse2fs's cache_size= and RUMP_CACHESIZE take it: digits, then k, m or g; 0 or EINVAL. */
static int
size_ok(const char *s)
{
	uint64_t v = 0, mult = 1;

	if (*s < '0' || *s > '9')
		return EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	switch (*s) {
	case 'k': case 'K': mult = 1ULL << 10; s++; break;
	case 'm': case 'M': mult = 1ULL << 20; s++; break;
	case 'g': case 'G': mult = 1ULL << 30; s++; break;
	}
	return *s != '\0' || v == 0 || v > UINT64_MAX / mult ? EINVAL : 0;
}

/* mount(8)'s errors= values as RUMP_MNT_ERRORS_*; 0 for another. */
static int
errors_policy(const char *v)
{
	if (strcmp(v, "continue") == 0)
		return RUMP_MNT_ERRORS_CONTINUE;
	if (strcmp(v, "remount-ro") == 0)
		return RUMP_MNT_ERRORS_REMOUNTRO;
	if (strcmp(v, "panic") == 0)
		return RUMP_MNT_ERRORS_PANIC;
	return 0;
}

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
	case KEY_OFFSET:
		/* arg is "offset=..." and lives only for this call */
		dc->dc_hasoffset = true;
		if (strlen(arg) - 7 >= sizeof(dc->dc_offset))
			dc->dc_badoffset = true;
		else
			strcpy(dc->dc_offset, arg + 7);
		return 0;
	case KEY_CACHESIZE:
		dc->dc_hascache = true;
		dc->dc_badcache = size_ok(arg + 11) != 0 || strlen(arg) - 11 >= sizeof(dc->dc_cachesize);
		if (!dc->dc_badcache)
			strcpy(dc->dc_cachesize, arg + 11);
		return 0;
	case KEY_ERRORS:
		dc->dc_errors = true;
		dc->dc_mntflags = (dc->dc_mntflags & ~RUMP_MNT_ERRORS_MASK) | errors_policy(arg + 7);
		dc->dc_baderrors = (dc->dc_mntflags & RUMP_MNT_ERRORS_MASK) == 0;
		return 0;
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
	    "%s"
	    "FUSE options:         allow_other, auto_unmount, nonempty, default_permissions\n"
	    "                      (always on: the host checks modes too, as FIFOs need),\n"
	    "                      fsname=NAME, subtype=NAME, max_read=N\n"
	    "credentials:          uid=N,gid=N (the mounting user acts as the image's\n"
	    "                      user N and group N, and sees their files as its own),\n"
	    "                      fakeroot (every request acts as root in the file\n"
	    "                      system; the mount is nosuid,nodev)\n"
	    "cache options:        entry_timeout=SEC, attr_timeout=SEC, negative_timeout=SEC\n"
	    "                      (default 1), writeback_cache\n"
	    "transport:            io_uring (default: used when the host offers FUSE over\n"
	    "                      io_uring), no_io_uring (always /dev/fuse)\n\n"
	    "The daemon backgrounds itself once the file system is mounted; stop it\n"
	    "with `fusermount3 -u mountpoint` (or SIGTERM), which syncs the image.\n",
	    pd->pd_image ? "an image of " : "", pd->pd_image ? "a file system" : "an in-memory file system",
	    pd->pd_fstype, pd->pd_image ? ",\n"
	    "                      nolock (with ro: read an image another process is\n"
	    "                      writing; what it shows may be stale or inconsistent)" : "",
	    pd->pd_image ? "image:                offset=BYTES (the file system starts BYTES into\n"
	    "                      the image), or a partition suffix on the image:\n"
	    "                      IMAGE%MBR:n%, IMAGE%GPT:n%, IMAGE%DISKLABEL:a%,\n"
	    "                      IMAGE%OFFSET:start,size% (bytes)\n"
	    "cache:                cache_size=N (the rump kernel's buffer cache holds at\n"
	    "                      most N bytes; k, m, g suffixes; default 12m)\n"
	    "on corruption:        errors=continue (report it, go on), errors=remount-ro\n"
	    "                      (refuse changes from then on), errors=panic (stop\n"
	    "                      at once, writing nothing); default: ext2's\n"
	    "                      superblock setting (tune2fs -e), continue for FFS\n" : "");
}

/* A decimal byte count, all digits. */
static int
parse_bytes(const char *s, uint64_t *vp)
{
	uint64_t v = 0;

	if (*s == '\0')
		return EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*vp = v;
	return 0;
}

/*
 * Where in the image the file system lies: a partition suffix (cut off
 * *imagep, which then points into buf) or -o offset=.  0, or 1 (usage)
 * or 2 (failed) after a message.
 */
static int
image_range(const struct p2k_daemon *pd, const struct p2k_daemon_conf *dc, const char **imagep,
    char *buf, size_t buflen, uint64_t *offp, uint64_t *sizep)
{
	struct ukfs_part *part;

	*offp = *sizep = 0;
	if (dc->dc_hasoffset && (dc->dc_badoffset || parse_bytes(dc->dc_offset, offp) != 0)) {
		fprintf(stderr, "%s: offset=%s: not a number of bytes\n", pd->pd_name, dc->dc_offset);
		return 1;
	}
	if (strchr(*imagep, '%') == NULL)
		return 0;
	if (dc->dc_hasoffset) {
		fprintf(stderr, "%s: %s: a partition suffix and offset= together; give one\n",
		    pd->pd_name, *imagep);
		return 1;
	}
	if (strlen(*imagep) >= buflen) {
		fprintf(stderr, "%s: %s: %s\n", pd->pd_name, *imagep, strerror(ENAMETOOLONG));
		return 2;
	}
	strcpy(buf, *imagep);
	if (ukfs_part_probe(buf, &part) == -1) {
		fprintf(stderr, "%s: %s: %s\n", pd->pd_name, *imagep,
		    errno == EINVAL ? "no such partition table, or a bad partition suffix "
		    "(%MBR:n%, %GPT:n%, %DISKLABEL:a%, %OFFSET:start,size%)" : strerror(errno));
		return 2;
	}
	(void)ukfs_part_range(part, offp, sizep);
	ukfs_part_release(part);
	if (*sizep == RUMP_ETFS_SIZE_ENDOFF)
		*sizep = 0;
	*imagep = buf;
	return 0;
}

int
p2k_daemon_main(const struct p2k_daemon *pd, int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct p2k_daemon_conf dc = { .dc_want = pd->pd_image ? 2 : 1 };
	struct p2k_mount *pm;
	uint32_t flags = P2K_ROFALLBACK;
	char imagebuf[PATH_MAX];
	const char *image;
	uint64_t off, size;
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
	if (!pd->pd_image && (dc.dc_hasoffset || dc.dc_errors || dc.dc_hascache)) {
		fprintf(stderr, "%s: %s is for images\n", pd->pd_name,
		    dc.dc_hasoffset ? "offset=" : dc.dc_errors ? "errors=" : "cache_size=");
		fuse_opt_free_args(&args);
		return 2;
	}
	if (dc.dc_badcache) {
		fprintf(stderr, "%s: cache_size= takes a size in bytes: digits, then k, m or g "
		    "(cache_size=64m)\n", pd->pd_name);
		fuse_opt_free_args(&args);
		return 2;
	}
	/* the rump kernel reads its bound at boot, in p2k_init */
	if (dc.dc_hascache && setenv("RUMP_CACHESIZE", dc.dc_cachesize, 1) != 0) {
		fprintf(stderr, "%s: %s\n", pd->pd_name, strerror(errno));
		fuse_opt_free_args(&args);
		return 1;
	}
	if (dc.dc_baderrors) {
		fprintf(stderr, "%s: errors= takes continue, remount-ro or panic\n", pd->pd_name);
		fuse_opt_free_args(&args);
		return 2;
	}
	image = pd->pd_image ? dc.dc_args[0] : NULL;
	if (image != NULL &&
	    (error = image_range(pd, &dc, &image, imagebuf, sizeof(imagebuf), &off, &size)) != 0) {
		if (error == 1)
			p2k_daemon_usage(pd, stderr);
		fuse_opt_free_args(&args);
		return error == 1 ? 2 : 1;
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
	if (error == 0 && image != NULL)
		error = p2k_set_range(pm, off, size);
	if (error == 0)
		error = p2k_setup_diskfs(pm, pd->pd_fstype, image,
		    dc.dc_args[dc.dc_want - 1], dc.dc_mntflags, NULL, 0);
	if (error != 0) {
		p2k_cancel(pm, error);
		return 1;
	}
	return p2k_mainloop(pm) == 0 ? 0 : 1;
}
