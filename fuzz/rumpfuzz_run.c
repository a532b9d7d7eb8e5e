/* rumpfuzz_run.c: boot once; per input: decode, put the image on a memory device, mount, run the program, unmount, check. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "rumpfuzz_impl.h"

#define RFZ_TIMEOUT	20	/* seconds per input, RUMPFUZZ_TIMEOUT */

struct rfz_state rfz;

/* One run's image and what became of it. */
struct run {
	const char	*fstype;
	uint8_t		*img;
	size_t		len;
	int		before;		/* rfz_consistent before the mount */
	bool		clean;		/* unmounted at the first try */
};

void
rfz_found(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rfz.finding, sizeof(rfz.finding), fmt, ap);
	va_end(ap);
	fprintf(stderr, "rumpfuzz: FINDING: %s\n", rfz.finding);
	if (!(rfz.flags & RUMPFUZZ_F_NOABORT))
		abort();
}

bool
rfz_verbose(void)
{
	return (rfz.flags & RUMPFUZZ_F_VERBOSE) != 0;
}

static bool
env_on(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && strcmp(v, "1") == 0;
}

/*
 * Device cycles before the baseline: what a first one leaves in the
 * kernel's caches (the device's node, the checker's and the mount's
 * first allocations) is then part of it.
 */
static void
warm_up(void)
{
	struct ufs_args args = { .fspec = (char *)RFZ_DEV };
	size_t len = 256u << 10;
	unsigned nproblems;
	uint8_t *zero;

	if ((zero = calloc(1, len)) == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		if (rump_pub_etfs_register_mem(RFZ_DEV, zero, len, 0) != 0)
			break;
		(void)rump_pub_vfs_probe(zero, len);
		if (rfz.fstype != NULL) {
			(void)rump_pub_vfs_check(rfz.fstype, RFZ_DEV, &nproblems);
			(void)rump_sys_mount(rfz.fstype, RFZ_MNT, RUMP_MNT_RDONLY, &args, sizeof(args));
		}
		(void)rump_pub_etfs_remove(RFZ_DEV);
	}
	free(zero);
}

int
rumpfuzz_init(const char *fstype, unsigned flags)
{
	const char *t = getenv("RUMPFUZZ_TIMEOUT");
	int error;

	if (rfz.booted)
		return EBUSY;
	rfz.fstype = fstype;
	rfz.flags = flags | (env_on("RUMPFUZZ_FSCK") ? RUMPFUZZ_F_FSCK : 0) |
	    (env_on("RUMPFUZZ_VERBOSE") ? RUMPFUZZ_F_VERBOSE : 0) |
	    (env_on("RUMPFUZZ_NOCHECK") ? RUMPFUZZ_F_NOCHECK : 0);
	/* one CPU: a run is then the same sequence of events each time it is replayed */
	setenv("RUMP_NCPU", "1", 0);
	if ((error = rump_init()) != 0)
		return error;
	if (rump_sys_mkdir(RFZ_MNT, 0755) != 0 && errno != EEXIST)
		return errno;
	rfz.booted = true;
	warm_up();
	rfz_baseline_take();
	return rfz_watchdog_start(t != NULL ? (unsigned)strtoul(t, NULL, 10) : RFZ_TIMEOUT);
}

void
rumpfuzz_set_hook(void (*hook)(const char *, void *), void *arg)
{
	rfz.hook = hook;
	rfz.hookarg = arg;
}

int
rumpfuzz_image(uint8_t **imgp, size_t *lenp)
{
	*imgp = rfz.img;
	*lenp = rfz.imglen;
	return rfz.img != NULL ? 0 : ENOENT;
}

/*
 * Probing, the first image of each type is its warm-up: the type's first
 * allocations (which stay) then join the baseline instead of a finding.
 */
static bool
first_of_type(const char *fstype)
{
	size_t i, n = sizeof(rfz.seen) / sizeof(rfz.seen[0]);

	if (rfz.fstype != NULL || fstype == NULL)
		return false;
	for (i = 0; i < n && rfz.seen[i] != NULL; i++)
		if (strcmp(rfz.seen[i], fstype) == 0)
			return false;
	if (i < n)
		rfz.seen[i] = fstype;
	return true;
}

const char *
rumpfuzz_finding(void)
{
	return rfz.finding;
}

const char *
rumpfuzz_outcome_name(int outcome)
{
	static const char *const names[] = {
		[RUMPFUZZ_REJECTED] = "rejected", [RUMPFUZZ_NOTMOUNTED] = "not mounted",
		[RUMPFUZZ_MOUNTED_RW] = "mounted rw", [RUMPFUZZ_MOUNTED_RO] = "mounted ro",
		[RUMPFUZZ_FINDING] = "FINDING",
	};

	return outcome >= 0 && outcome <= RUMPFUZZ_FINDING ? names[outcome] : "?";
}

/* A damaged image may fail its last writes (EIO): a forced unmount then; a mount that stays is a finding. */
static bool
unmount(struct run *r)
{
	int e1, e2;

	if (rump_sys_unmount(RFZ_MNT, 0) == 0) {
		r->clean = true;
		return true;
	}
	e1 = errno;
	if (rump_sys_unmount(RFZ_MNT, RUMP_MNT_FORCE) == 0)
		return true;
	e2 = errno;
	rfz.stuck = true;
	rfz_found("the mount cannot be removed: unmount: %s, forced: %s", strerror(e1), strerror(e2));
	return false;
}

static int
mount_and_run(struct run *r, const struct rfz_input *in)
{
	struct ufs_args args = { .fspec = (char *)RFZ_DEV };
	struct rfz_names *nm;
	int outcome = RUMPFUZZ_MOUNTED_RW;

	if (rump_sys_mount(r->fstype, RFZ_MNT, RUMP_MNT_FORCE, &args, sizeof(args)) != 0) {
		if (rump_sys_mount(r->fstype, RFZ_MNT, RUMP_MNT_RDONLY, &args, sizeof(args)) != 0)
			return RUMPFUZZ_NOTMOUNTED;
		outcome = RUMPFUZZ_MOUNTED_RO;
	}
	if (rfz_verbose())
		fprintf(stderr, "rumpfuzz: %s image of %zu bytes %s\n", r->fstype, r->len,
		    rumpfuzz_outcome_name(outcome));
	if ((nm = malloc(sizeof(*nm))) != NULL) {
		rfz_walk(nm);
		rfz_prog_run(in->prog, in->prog_len, nm, rfz_verbose());
		free(nm);
	}
	if (rfz.hook != NULL)
		rfz.hook(RFZ_MNT, rfz.hookarg);
	return unmount(r) ? outcome : RUMPFUZZ_FINDING;
}

/* The oracles of a run that ended: the image's consistency, then the kernel's state. */
static int
judge(struct run *r, int outcome)
{
	int after;

	if (outcome == RUMPFUZZ_MOUNTED_RW && r->clean && r->before == 1 &&
	    (after = rfz_consistent(r->fstype, r->img, r->len)) == 0) {
		rfz_found("%s image consistent before the run is inconsistent after a clean unmount",
		    r->fstype);
		outcome = RUMPFUZZ_FINDING;
	}
	if (rump_pub_etfs_remove(RFZ_DEV) != 0) {
		rfz.stuck = true;
		rfz_found("the memory device cannot be removed");
		return RUMPFUZZ_FINDING;
	}
	if (first_of_type(r->fstype)) {
		rfz_baseline_take();
	} else if (!rfz_baseline_check()) {
		rfz_baseline_take();	/* judge the next runs against the state this one left */
		outcome = RUMPFUZZ_FINDING;
	}
	return outcome;
}

/* For a reproduction outside the fuzzer: the image as the mount will see it (ukfs OUT ..., fsck). */
static void
save_image(const struct run *r)
{
	FILE *f = fopen(rfz.saveimg, "wb");

	if (f == NULL || fwrite(r->img, 1, r->len, f) != r->len || fclose(f) != 0) {
		fprintf(stderr, "rumpfuzz: cannot write the image to %s\n", rfz.saveimg);
		if (f != NULL)
			fclose(f);
	}
}

static int
run_image(struct run *r, const struct rfz_input *in)
{
	int outcome;

	if (rfz.saveimg != NULL)
		save_image(r);

	if (rump_pub_etfs_register_mem(RFZ_DEV, r->img, r->len, 0) != 0)
		return RUMPFUZZ_REJECTED;
	rfz.img = r->img;
	rfz.imglen = r->len;
	r->fstype = rfz.fstype != NULL ? rfz.fstype :
	    rump_pub_vfs_probe(r->img, r->len < RUMP_VFS_PROBE_SIZE ? r->len : RUMP_VFS_PROBE_SIZE);
	rfz.curtype = r->fstype;
	if (r->fstype == NULL) {
		outcome = RUMPFUZZ_NOTMOUNTED;
	} else {
		r->before = rfz_consistent(r->fstype, r->img, r->len);
		if (rfz_verbose())
			fprintf(stderr, "rumpfuzz: consistent before the mount: %s\n",
			    r->before == 1 ? "yes" : r->before == 0 ? "no" : "unknown");
		outcome = mount_and_run(r, in);
	}
	if (rfz.stuck)
		return RUMPFUZZ_FINDING;	/* the device stays with the mount, and so does the image */
	outcome = judge(r, outcome);
	return outcome;
}

int
rumpfuzz_run(const uint8_t *data, size_t size)
{
	struct rfz_input in;
	struct run r = { .before = -1 };
	int outcome;

	if (!rfz.booted || rfz.stuck)
		return rfz.stuck ? RUMPFUZZ_FINDING : RUMPFUZZ_REJECTED;
	rfz.finding[0] = '\0';
	if (rfz_decode(data, size, &in) != 0 ||
	    rumpfuzz_image_raw(in.image, in.image_len, &r.img, &r.len) != 0)
		return RUMPFUZZ_REJECTED;
	rfz_watchdog_arm(data, size);
	outcome = run_image(&r, &in);
	rfz_watchdog_disarm();
	rfz.img = NULL;
	rfz.imglen = 0;
	if (!rfz.stuck)
		free(r.img);
	return outcome;
}
