/* rumpfuzz_run.c: per input: decode, put the image on a memory device, mount, run the program, unmount, judge. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rump_fsargs.h>
#include <rump/rump_syscalls.h>

#include "rumpfuzz_impl.h"

/* One run's image and what became of it. */
struct run {
	const char	*fstype;
	uint8_t		*img;
	size_t		len;
	int		before;		/* rfz_consistent before the mount */
	bool		clean;		/* unmounted at the first try */
};

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
	    rfz_image(&in, &r.img, &r.len) != 0)
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
