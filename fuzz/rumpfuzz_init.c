/* rumpfuzz_init.c: the harness's state: boot and warm-up, the baseline's first taking, findings, the accessors. */
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
